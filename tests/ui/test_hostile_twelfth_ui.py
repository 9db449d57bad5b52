"""Issue 16, leftovers of the eleventh pass, in the window: a pollster written two ways has one symbol and one
key in the chart; the official-result dialog reads a result CSV in the poll CSV's encodings. Each test failed
before its fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TOY, make_poll

SPELLINGS = ("YouGov", "yougov", "YOUGOV", "\uff39\uff4f\uff55\uff27\uff4f\uff56", "YouGov\u00a0")


def _key_names(panel) -> list[str]:
    return [label.text for _sample, label in panel.legends()["lead1"].items]


def test_the_charts_pollster_key_names_a_firm_written_five_ways_once(qtbot) -> None:
    """Each spelling was a key and a symbol of its own: five YouGovs in the legend."""
    from warroom.core.pipeline import compute_averages
    from warroom.ui.charts import ChartPanel

    polls = [make_poll(1 + 2 * k, name) for k, name in enumerate(SPELLINGS)] + [make_poll(20, "Acme", a=44, b=41)]
    polls = [replace(p, id=i + 1) for i, p in enumerate(polls)]
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_contest(TOY)
    panel.show_data(polls, compute_averages(polls, TOY))
    names = _key_names(panel)
    assert sum("YouGov" in n or "yougov" in n.casefold() for n in names) == 1, names
    assert len({panel.pollster_symbol(name) for name in SPELLINGS}) == 1
    assert panel.pollster_symbol("Acme") != panel.pollster_symbol("YouGov")


def test_the_result_dialog_reads_a_windows_1252_file_and_names_a_utf16_one(qtbot, tmp_path: Path) -> None:
    """It said "not UTF-8 text (byte 27); save the file as UTF-8" for the first, which the poll import reads."""
    from warroom.core.infile import decode_csv_bytes
    from warroom.ui.result_dialog import ResultDialog

    dialog = ResultDialog(TOY)
    qtbot.addWidget(dialog)
    good = tmp_path / "result.csv"
    good.write_bytes(
        "candidate,first_round,final_round\nAnn Red,4\u00a0500,5\u00a0000\nbob,4\u00a0000,4\u00a0700\nGreen,1\u00a0500,\n".encode(
            "cp1252"
        )
    )
    dialog.load_file(good)
    assert dialog.problems.text() == ""
    assert dialog.typed_result().final_round == {"ann": 5000, "bob": 4700}
    utf16 = tmp_path / "wide.csv"
    data = "candidate,first_round,final_round\nAnn Red,4500,5000\n".encode("utf-16")
    utf16.write_bytes(data)
    dialog.load_file(utf16)
    with pytest.raises(ValueError) as info:
        decode_csv_bytes(data)
    assert dialog.problems.text() == f"wide.csv: {info.value}"


def test_the_poll_forms_pollster_completer_offers_a_firm_once_as_first_written(qtbot) -> None:
    """It offered YouGov five times (each spelling stored), inviting a sixth."""
    from warroom.ui.poll_dialog import PollDialog

    dialog = PollDialog(TOY, lambda _p: [], None, [*SPELLINGS, "Acme"])
    qtbot.addWidget(dialog)
    assert dialog.pollster.completer().model().stringList() == ["Acme", "YouGov"]
