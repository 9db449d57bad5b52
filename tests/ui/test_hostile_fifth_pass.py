"""Hostile pass 5 (issue 16), window: right-to-left names beside figures in the charts, the poll table and the
chart exports (SVG and PDF, read back with rsvg-convert and pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import RTL_TOY, TOY
from tests.ui.conftest import room_of, running_room
from warroom.core.types import Candidate

FSI, PDI = "\u2068", "\u2069"
SHORT_KHAN, SHORT_NETANYAHU = "خان", "נתניהו"  # the names the charts and the table show (surnames)


def _rtl_room(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    return room_of(qtbot, tmp_path, RTL_TOY, ready="averages")


def _words(pdf: Path) -> list[tuple[str, float, float, float]]:
    """Each word's text, left edge, right edge and top, as pdftotext -bbox reads them."""
    tool = shutil.which("pdftotext")
    assert tool is not None, "poppler-utils (pdftotext) is needed to read the export back"
    html = subprocess.run([tool, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', html)
    return [(w, float(x0), float(x1), float(y0)) for x0, y0, x1, w in found]


def _rtl(word: str) -> bool:
    return any("\u0590" <= c <= "\u08ff" for c in word)


def test_a_figure_after_a_right_to_left_name_stays_after_it_in_labels_headers_and_exports(qtbot, tmp_path) -> None:
    """The chart's end labels ("خان 45.2"), the poll table's runoff header ("Runoff خان–נתניהו") and the
    exported charts joined a Hebrew or Arabic name with the figure or dash after it, which Unicode's bidi
    rules then drew inside the name's right-to-left run: "45.2 خان" on screen, in the SVG and in the PDF, the
    share read as nobody's. The name is isolated (core.types.bidi_isolated) wherever it is joined."""
    from warroom.ui.export import export_chart

    for room in _rtl_room(qtbot, tmp_path):
        charts = room.window.charts
        qtbot.waitUntil(lambda charts=charts: charts.end_label_text("ann") != "")
        label = charts.end_label_text("ann")
        assert label.startswith(f"{FSI}{SHORT_KHAN}{PDI} "), label
        assert charts.end_label_text("cat").startswith("Green ")  # a Latin name is left as it is
        model = room.window.polls_pane.model
        headers = [model.headerData(i, model_orientation()) for i in range(model.columnCount())]
        runoff = [h for h in headers if isinstance(h, str) and h.startswith("Runoff ")]
        assert runoff == [f"Runoff {FSI}{SHORT_KHAN}{PDI}–{FSI}{SHORT_NETANYAHU}{PDI}"], headers
        figure = label.split()[-1]
        svg, pdf = tmp_path / "first.svg", tmp_path / "first.pdf"
        export_chart(charts.plots["first"], svg)
        export_chart(charts.plots["first"], pdf)
        rsvg = shutil.which("rsvg-convert")
        if rsvg is None:
            pytest.fail("librsvg (rsvg-convert) is needed to read the SVG back")
        from_svg = tmp_path / "from_svg.pdf"
        subprocess.run([rsvg, "-f", "pdf", "-o", str(from_svg), str(svg)], check=True)
        for name, out in (("SVG", from_svg), ("PDF", pdf)):
            words = _words(out)
            (fx0, fy), *_ = [(x0, y) for w, x0, _x1, y in words if w == figure] or [(None, None)]
            assert fx0 is not None, f"{name}: the end label's figure {figure} is not in the export"
            name_right = [x1 for w, _x0, x1, y in words if abs(y - fy) < 2 and _rtl(w)]
            assert name_right and max(name_right) <= fx0, f"{name}: the figure is drawn before the name"


def model_orientation():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def _some_font_has(ch: str) -> bool:
    """Whether fontconfig knows an installed font holding `ch` (independent of the code under test)."""
    tool = shutil.which("fc-list")
    assert tool is not None, "fontconfig (fc-list) is needed to know which symbols this machine can draw"
    found = subprocess.run([tool, f":charset={ord(ch):x}", "family"], capture_output=True, text=True, check=True)
    return bool(found.stdout.strip())


def test_an_emoji_no_installed_font_has_is_named_in_the_briefing_pdf_not_an_empty_box(qapp, tmp_path) -> None:
    """A candidate named with an emoji ("Ann 🗳️👩🏽‍💼 Smith", a party's 🐘) printed as empty boxes in the briefing
    PDF on a machine with no emoji font: the reader could not tell what was there. A symbol no installed font
    can draw is written as its name in brackets; one a font has (😀 in DejaVu Sans, here) is kept."""
    from warroom.ui.export import Briefing, write_briefing_pdf

    briefing = Briefing(
        "Mayor 🐘 race",
        "2 May 2024",
        ["Ann 🗳️👩🏽‍💼 Smith 15.0%", "Bob 😀 Jones 40.0%", "Cat 🦄 Green 45.0%"],
        ["Cat 🦄 Green leads by 5.0"],
    )
    pdf = tmp_path / "briefing.pdf"
    write_briefing_pdf(briefing, pdf)
    tool = shutil.which("pdftotext")
    assert tool is not None
    text = subprocess.run([tool, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for ch, name in (("🗳", "ballot box with ballot"), ("🦄", "unicorn face"), ("🐘", "elephant"), ("😀", "grinning")):
        if _some_font_has(ch):  # (pdftotext does not read every drawn symbol back: only its name is checked)
            assert f"[{name}" not in text, f"{ch} can be drawn here and is kept"
        else:
            assert ch not in text and f"[{name}" in text, f"{ch} is named, not an empty box: {text!r}"
    assert "Smith 15.0%" in text and "Jones 40.0%" in text  # the rest of each line as it was


def test_a_saved_scenario_naming_a_candidate_since_deleted_loads_presents_and_briefs(qtbot, tmp_path) -> None:
    """A candidate can be deleted once no poll mentions him; a scenario saved while he was in the race still
    carries him in its baseline and splits. Presenting it showed him by his code ("<b>dan</b> (6.0 % first
    round)", "dan 6.0") where the record keeps his name; loading, presenting, comparing and briefing the case
    show it as saved, his name from the record, and never fail on the contest that no longer knows him."""
    from datetime import datetime

    from PySide6.QtWidgets import QApplication, QLabel

    from tests.conftest import make_poll
    from warroom.bootstrap import open_store
    from warroom.core.pipeline import BaselineChoice, compute_averages, default_scenario, make_baseline
    from warroom.core.pipeline import save_scenario as saved_case
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings
    from warroom.store import contests as contests_repo
    from warroom.store import polls as repo

    contest = replace(TOY, candidates=(*TOY.candidates, Candidate("dan", "Dan Grey", None, "#777777")))
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with_dan = [
        replace(make_poll(d), first_round={"ann": 44, "bob": 38, "cat": 12, "dan": 6}, id=None) for d in range(1, 20)
    ]
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, contest)
        ids = repo.add_polls(s, cid, with_dan)
    with store.sessions() as s:
        stored = repo.list_polls(s, cid)
    base = make_baseline(BaselineChoice(), stored, contest, compute_averages(stored, contest))
    saved = saved_case(
        "With Dan", BaselineChoice(), base, default_scenario(base, stored, contest, BaselineChoice()), stored,
        datetime(2024, 4, 1),
    )  # fmt: skip
    with store.sessions.begin() as s:
        repo.save_scenario(s, cid, saved.name, *saved.to_dicts())
        repo.delete_polls(s, ids)
        repo.add_polls(s, cid, [replace(make_poll(d, pollster="Other"), id=None) for d in range(1, 20)])
    with store.sessions.begin() as s:
        contests_repo.update_contest(s, cid, replace(contest, candidates=TOY.candidates))  # Dan deleted
    for room in running_room(qtbot, store, open_settings(paths), ready="view"):
        acts = room.scenario_actions
        room.scenarios.load("With Dan")
        qtbot.waitUntil(lambda room=room: room.scenarios.view is not None)
        acts.present("With Dan")
        margin = f"; margin {saved.view().projection.margin:+.1f} "  # the saved case's own figure

        def shown() -> str:
            return " ".join(w.text() for w in QApplication.allWidgets() if isinstance(w, QLabel))

        qtbot.waitUntil(lambda margin=margin: margin in shown(), timeout=5000)
        assert "<b>Grey</b> (6.0 % first round)" in shown() and "Grey 6.0" in shown()  # his name as saved
        assert "<b>dan</b>" not in shown() and "dan 6.0" not in shown()  # never his bare code
        assert acts.briefing().scenarios is not None
        assert acts.columns()


def test_ctrl_c_or_sigterm_closes_the_window_as_the_user_would(qtbot) -> None:
    """Ctrl-C in the terminal that started `warroom gui` printed a KeyboardInterrupt traceback (raised in
    whatever slot ran next) and left the window open; SIGTERM (a logout, `kill`) ended the process without its
    close (settings, geometry, a running import's cancel). Both now close every window as the user closing it
    would, and the app ends normally."""
    import os
    import signal

    from PySide6.QtWidgets import QMainWindow

    from warroom.ui.qt_utils import close_windows_on_signals

    window = QMainWindow()
    qtbot.addWidget(window)
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    guard = close_windows_on_signals()
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            window.show()
            qtbot.waitUntil(window.isVisible)
            os.kill(os.getpid(), sig)
            qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    finally:
        guard.restore()
    assert {s: signal.getsignal(s) for s in previous} == previous


def test_undo_of_a_saved_scenario_a_teammate_changed_or_deleted_since_is_refused(qtbot, tmp_path) -> None:
    """Undo of "Save scenario 'X'" deleted X (or put back the older X) even when a teammate had saved their own
    X since; Undo of "Delete scenario 'X'" wrote the old X over the one a teammate saved after it. The undo now
    checks the record is still what this window left: if not, nothing is undone, the error is shown and the
    history dropped (it no longer matches the store)."""
    from tests.conftest import make_poll
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.poll_service import PollService
    from warroom.store import polls as repo
    from warroom.ui.commands import DeleteScenarioCommand, SaveScenarioCommand

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1)])
    mine, theirs = PollService(store.sessions, watch=False), PollService(store.sessions, watch=False)
    mine.open_contest(cid)
    theirs.open_contest(cid)
    errors: list[str] = []
    ours, their_own = ({"kind": "sv", "v": 1}, {"drag": (0.5, 1)}), ({"kind": "sv", "v": 2}, {"drag": [0.9]})
    save = SaveScenarioCommand(mine, "X", *ours, errors.append)
    save.execute()
    save.undo()  # an ordinary undo works (tuples and lists alike once stored as JSON)
    assert errors == [] and mine.scenarios() == []
    save = SaveScenarioCommand(mine, "X", *ours, errors.append)
    save.execute()
    theirs.save_scenario("X", *their_own)  # the teammate saves their own X over it
    save.undo()
    assert errors and "teammate" in errors[-1] and save.isObsolete()
    assert [(n, b) for n, b, _s in mine.scenarios()] == [("X", their_own[0])]  # theirs kept
    delete = DeleteScenarioCommand(mine, "X", errors.append)
    delete.execute()
    theirs.save_scenario("X", *ours)  # saved again by the teammate after the delete
    delete.undo()
    assert len(errors) == 2 and "teammate" in errors[-1]
    assert [(n, b) for n, b, _s in mine.scenarios()] == [("X", ours[0])]
    store.close()
