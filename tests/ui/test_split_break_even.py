"""What a tie would take from an eliminated candidate's voters, in the scenario panel as in `warroom scenario`.

The core worked out, for every case, the share of the largest eliminated candidate's valid transfers at which the
runoff ties (core.scenario.break_even_split); only `warroom scenario` printed it, as "Break-even split for Brian
Paddick: -29.5 % of valid transfers to Boris Johnson (out of reach)", and the panel, where the transfer sliders
are dragged, said nothing of it. Both now print core.pipeline's words: the tying split against the split set now,
or who leads however those voters split.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli._run import ok
from warroom.core.pipeline import ProjectionView


def _note(room, code: str):  # type: ignore[no-untyped-def]
    return room.scenario_panel.findChild(type(room.scenario_panel._split_notes[code]), f"split_break_even_{code}")


def test_the_panel_says_what_a_tie_would_take_from_the_largest_eliminated_candidates_voters(demo, qtbot) -> None:
    room = demo
    panel, model = room.scenario_panel, room.scenarios
    view: ProjectionView = model.view
    target = view.heatmap_of
    assert target == "paddick"
    note = _note(room, target)
    assert note is not None and not note.isHidden()
    expected = view.split_break_even_lines({"paddick": "Paddick", "johnson": "Johnson", "livingstone": "Livingstone"})
    assert "leads however Paddick's voters split" in expected[target]
    assert note.toolTip() == expected[target] or note.text() == expected[target], (note.text(), expected)
    # only the heatmap's candidate has the figure: the other rows say nothing
    for code in panel._split_notes:
        if code != target:
            assert panel._split_notes[code].isHidden(), code
    # a 30 % message brings the tie within reach: the line follows the slider at once
    with qtbot.waitSignal(model.view_ready, timeout=5000):
        model.set_message_strength(0.3)
    line = model.view.split_break_even_lines(
        {"paddick": "Paddick", "johnson": "Johnson", "livingstone": "Livingstone"}
    )[target]
    assert line.startswith("The runoff ties at ") and "now 50.0 %" in line
    assert note.text() == line or note.toolTip() == line


def test_the_command_line_prints_the_panels_words(tmp_path: Path) -> None:
    out = ok("--data-dir", str(tmp_path), "--contest", "London Mayor 2012", "scenario", "--message", "30")
    assert (
        "Transfers: The runoff ties at 37.6 % of Brian Paddick's valid transfers to Boris Johnson "
        "(62.4 % to Ken Livingstone); now 50.0 %." in out
    ), out
    assert "-29.5 %" not in ok("--data-dir", str(tmp_path), "--contest", "London Mayor 2012", "scenario")


@pytest.mark.parametrize(("y", "words"), [(-29.5, "A leads however"), (130.0, "B leads however")])
def test_a_split_outside_0_to_100_says_who_leads_however_they_split(y: float, words: str) -> None:
    from dataclasses import replace

    from warroom.core.pipeline import evaluate
    from warroom.core.runoff import Split
    from warroom.core.scenario import Baseline, Scenario

    base = Baseline({"A": 46, "B": 38, "C": 16}, {"R": 34}, {"A": "R"}, "A", "B")
    view = replace(evaluate(base, Scenario({"C": Split(40, 20, 40)})), break_even_splits={"C": y})
    line = view.split_break_even_lines()["C"]
    assert words in line and "%" not in line


def test_the_others_group_is_named_in_good_english(tmp_path: Path) -> None:
    """A baseline poll whose largest eliminated group is "others" (London's first YouGov: Paddick 4, others 6)
    said "Others's valid transfers"."""
    out = ok("--data-dir", str(tmp_path), "--contest", "London Mayor 2012", "scenario", "--poll", "1")
    assert "other candidates' valid transfers" in out or "however other candidates' voters split" in out, out
    assert "Others's" not in out
