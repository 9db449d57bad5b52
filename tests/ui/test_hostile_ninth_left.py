"""Hostile pass 9 (issue 16), the leftovers of pass 8 in the window: a store made read-only and started by root,
very long names, emoji names in the two-round panel, closing with many writes queued."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from tests.ui.test_start_first_read import _start
from warroom.paths import AppPaths
from warroom.store import polls as repo
from warroom.store.first_read import FirstRead

pytestmark = pytest.mark.usefixtures("digest_in_time")  # (tests/ui/conftest.py)


def test_a_store_made_read_only_is_no_first_stage_to_work_in_even_for_root(qapp, tmp_path: Path) -> None:
    """The start's first stage (polls added, edited, deleted before the real window is built) was offered when
    `os.access` said the store could be written, which it always says to root: a 0444 store started by root took
    changes the real window (the store opened read-only by the missing write bit) then refused. The rule is the
    store's own (no write permission for us, or no write bit at all): the shell shows the figures, not a stage."""
    import os

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    for _ in range(2):
        _start(paths)
    paths.database.chmod(0o444)
    seen: dict[str, object] = {}

    def look(starter: object) -> None:
        seen.setdefault("editable", starter.shell.editable)  # type: ignore[attr-defined]
        seen.setdefault("live", starter.live)  # type: ignore[attr-defined]
        seen.setdefault("first", starter.first)  # type: ignore[attr-defined]

    try:
        starter = _start(paths, before_build=look)
    finally:
        paths.database.chmod(0o644)
    assert isinstance(seen["first"], FirstRead) and seen["live"], seen
    assert os.access(paths.database, os.W_OK) or os.geteuid() != 0  # (what root is told)
    assert seen["editable"] is False
    assert starter.room is not None and starter.room.store.read_only


# --- a very long name: elided, never cropped -------------------------------------------------------------------

LONG_A = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessenschafe"
LONG_B = "Blaubeerenpfannkuchenbackofenthermometerkalibrierungsvorschriftensammlungsverzeichnis"
"""86 and 86 letters, one word each: the two finalists' short names (a bundle or a contest file can give them)."""


def _long_names_room(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.conftest import renamed_toy
    from tests.ui.conftest import room_of

    contest = renamed_toy(
        candidates=(f"Ann {LONG_A}", f"Bob {LONG_B}", "Cat Green"), short_names=(LONG_A, LONG_B, None)
    )
    return room_of(qtbot, tmp_path, contest)


def _rich_overflow(label: object) -> list[str]:
    """What a rich-text label does not show: a line wider than it (cropped at its edge; measured in bold, as a
    name may be drawn), or, at a fixed height, more lines than fit."""
    from PySide6.QtGui import QFont, QTextDocument
    from PySide6.QtWidgets import QLabel

    assert isinstance(label, QLabel)
    width = label.contentsRect().width()
    doc = QTextDocument()
    bold = QFont(label.font())
    bold.setBold(True)
    doc.setDefaultFont(bold)
    doc.setDocumentMargin(0)
    doc.setHtml(label.text())
    doc.setTextWidth(width)
    problems = []
    if doc.idealWidth() > width + 1:
        problems.append(f"a line of {doc.idealWidth():.0f} px in {width}")
    if label.sizePolicy().verticalPolicy().name == "Fixed" and label.heightForWidth(label.width()) > label.height():
        problems.append(f"{label.heightForWidth(label.width())} px of text in {label.height()}")
    return problems


def _whole_in_tip_and_description(label: object, *names: str) -> None:
    from PySide6.QtWidgets import QLabel

    assert isinstance(label, QLabel)
    for name in names:
        assert name in label.accessibleDescription(), (label.objectName(), label.accessibleDescription())
        if "…" in label.text():
            assert name in label.toolTip(), (label.objectName(), label.toolTip())


def _panel_shows_every_line(win: object, where: str) -> None:
    from PySide6.QtWidgets import QGroupBox, QWidget

    from warroom.ui.qt_utils import RichDataLabel

    panel = win.findChild(QWidget, "scenario_panel")  # type: ignore[attr-defined]
    labels = {
        "baseline": panel.baseline_label,
        "break-even": panel.break_even_label,
        "chance": panel.win_label,
    }
    for what, label in labels.items():
        assert isinstance(label, RichDataLabel), what
        if not label.isVisible():
            continue
        assert _rich_overflow(label) == [], (where, what, label.text(), _rich_overflow(label))
    assert LONG_B[:5] in panel.win_label.text() and "…" in panel.win_label.text(), (where, panel.win_label.text())
    _whole_in_tip_and_description(panel.win_label, LONG_B)
    _whole_in_tip_and_description(panel.baseline_label, LONG_A, LONG_B)
    scroll = panel._inputs_scroll
    if scroll.isVisible() and where == "1366x768":  # the inputs no wider than the dock (a long word set their width;
        # meeting mode's type makes the sliders themselves wider than its narrow inputs column, whatever the names)
        assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width(), where
        assert not scroll.horizontalScrollBar().isVisible(), where
    box = panel.findChild(QGroupBox, "message_box") or panel.message_box
    assert "…" in box.title() and LONG_A in box.toolTip(), box.title()
    assert box.fontMetrics().horizontalAdvance(box.title()) < box.width(), (where, box.title())


def test_very_long_names_are_elided_in_the_scenario_panels_rich_lines_charts_and_table(qtbot, tmp_path: Path) -> None:
    """Two finalists with 86-letter short names (one word each) still cropped the scenario panel's rich-text lines
    (the baseline text, the break-even and chance lines: only plain labels were fitted) and set the inputs' width
    past the dock (a horizontal scrollbar, every slider's right end off screen); the message group's title, the
    first-round chart's end label and the poll table's header ran off their edges. Each long name is now elided in
    its middle, at 1366x768 and in meeting mode at 1920x1080, the whole text in the tooltip and the accessible
    description."""
    from PySide6.QtWidgets import QTableView

    for room in _long_names_room(qtbot, tmp_path):
        win = room.window
        win.resize(1366, 768)
        qtbot.wait(300)
        _panel_shows_every_line(win, "1366x768")
        charts = win.charts
        for code, name in (("ann", LONG_A), ("bob", LONG_B)):
            label = charts.end_label(code)
            assert label is not None and label.isVisible()
            text = charts.end_label_text(code)
            assert "…" in text and name[:8] in text and name in label.toolTip(), (text, label.toolTip())
            view = charts.plots["first"].getViewBox()
            shown = label.mapRectToScene(label.boundingRect())
            assert shown.right() <= view.sceneBoundingRect().right() + 1, (text, shown, view.sceneBoundingRect())
        table = next(t for t in win.findChildren(QTableView) if t.isVisible() and t.model() is not None)
        model = table.model()
        for column in range(model.columnCount()):
            head = str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
            if LONG_A[:8] in head or LONG_B[:8] in head:
                assert "…" in head, head
                assert table.horizontalHeader().sectionSizeHint(column) < 450, (
                    head,
                    column,
                )  # (the last one stretches)
                tip = str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole))
                assert LONG_A in tip or LONG_B in tip, tip
        win.set_presentation_views(["scenario"])
        win.resize(1920, 1080)
        win.enter_presentation()
        try:
            qtbot.wait(400)
            _panel_shows_every_line(win, "meeting mode at 1920x1080")
        finally:
            win.leave_presentation()


def test_a_window_or_message_box_title_elides_a_long_name_in_its_middle(qtbot) -> None:
    """A title bar elides at its end: "Delete Wolfeschlegelsteinhausenbergerdorffwelchevora…" lost what the box
    was about. A word longer than NAME_IN_TITLE is elided in its middle ("Delete Wolfeschlege…schafe Mayor 2024");
    the whole title is the box's accessible description."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from warroom.ui.qt_utils import NAME_IN_TITLE, ask_plain, title_text

    assert title_text("Toyton Mayor 2024 — warroom") == "Toyton Mayor 2024 — warroom"
    shown = title_text(f"Delete {LONG_A} Mayor 2024")
    assert shown.startswith("Delete Wolfe") and shown.endswith("schafe Mayor 2024") and "…" in shown
    assert len(shown.split()[1]) == NAME_IN_TITLE
    seen: dict[str, str] = {}

    def look() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.update(title=box.windowTitle(), description=box.accessibleDescription())
        box.reject()

    QTimer.singleShot(100, look)
    ask_plain(None, f"Delete {LONG_A} Mayor 2024", "A backup is taken first.")
    assert seen["title"] == shown and seen["description"] == f"Delete {LONG_A} Mayor 2024"


# --- emoji names in the two-round (France) panel and its pickers ------------------------------------------------


def _emoji_two_round_room(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A two-round race whose candidates, party and pollster carry emoji no installed font may have: its notices
    read from the two-round poll CSV (first round hypotheses, runoff matchups, a transfer matrix) and stored as
    an import stores them."""
    from dataclasses import replace

    from tests.ui.conftest import two_round_room
    from tests.ui.test_hostile_seventh_pass import EMOJI_CONTEST
    from warroom.core.types import CountingSystem

    return two_round_room(
        qtbot,
        tmp_path,
        replace(EMOJI_CONTEST, system=CountingSystem.TWO_ROUND),
        pollsters=("Acme 🐘", "Beta", "Gamma 🐝", "Acme 🐘", "Beta"),
        hypothesis="Hyp 🦄",
        matchup="Ann🗳️–Bob🦄",
    )


def test_an_emoji_no_font_has_is_named_in_the_two_round_panel_and_pickers(qtbot, tmp_path: Path) -> None:
    """The two-round (France) panel, its matchup and hypothesis pickers and the runoff toolbar, with candidates,
    a party, pollsters and a question label carrying emoji no installed font has: untested until now. Every text
    they draw from data follows ui.glyphs (the one rule): named in brackets, never an empty box; in meeting mode
    too."""
    from PySide6.QtWidgets import QComboBox

    from tests.ui.test_hostile_seventh_pass import (
        EMOJI,
        _some_font_has,
        empty_boxes,
        no_empty_box_in_meeting_mode,
        texts_on_screen,
    )

    assert not all(_some_font_has(ch) for ch in EMOJI), "this machine draws every emoji: the test shows nothing"
    for room in _emoji_two_round_room(qtbot, tmp_path):
        win = room.window
        qtbot.wait(300)
        assert room.two_round.active and win.scenario_scroll.widget() is room.two_round_panel
        assert win.runoff_toolbar.isVisible()
        assert empty_boxes(win) == [], "\n".join(map(repr, empty_boxes(win)))
        shown = " ".join(text for _, text in texts_on_screen(win))
        for ch, name in EMOJI.items():
            if not _some_font_has(ch):
                assert name in shown, f"{ch} is named somewhere: {name}"
        pickers = [c for c in win.runoff_toolbar.findChildren(QComboBox) if c.isVisible()]
        assert pickers, "the runoff toolbar's pickers"
        items = [c.itemText(i) for c in pickers for i in range(c.count())]
        assert any("[ballot box with ballot" in t or "[unicorn face" in t for t in items), items
        # a hypothesis picked, then meeting mode
        for combo in pickers:
            if combo.count() > 1:
                combo.setCurrentIndex(combo.count() - 1)
        qtbot.wait(300)
        assert empty_boxes(win) == [], "\n".join(map(repr, empty_boxes(win)))
        no_empty_box_in_meeting_mode(qtbot, win, ["answer", "charts", "scenario"])


# --- closing with many changes on their way to the store --------------------------------------------------------


def test_closing_with_many_queued_changes_shows_them_counted_down_and_saves_every_one(
    room, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing with changes still on their way to a slow store blocked the window for up to 10 s with no feedback
    (the status bar's "Saving…" was never painted while the GUI thread waited). A progress dialog now says
    "Saving N changes…" with the count going down as each lands, and the window closes once all are stored."""
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from tests.conftest import make_poll
    from warroom import app
    from warroom.services.store_writer import StoreWriter

    submit = StoreWriter.submit

    def slow(self: StoreWriter, job, done) -> None:  # type: ignore[no-untyped-def]
        def later() -> object:
            time.sleep(0.3)  # a slow network store: each change takes a moment
            return job()

        submit(self, later, done)

    monkeypatch.setattr(StoreWriter, "submit", slow)
    said: list[int] = []  # every count the dialog was given, in order
    saving_text = app.saving_text
    monkeypatch.setattr(app, "saving_text", lambda n: (said.append(n), saving_text(n))[1])
    seen: list[tuple[str, int, int, bool]] = []  # the dialog as it was on screen, looked at every 20 ms

    def look() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)), None)
        if dialog is not None and dialog.isVisible():
            seen.append((dialog.labelText(), dialog.value(), dialog.maximum(), dialog.isModal()))
        if room.window.isVisible():
            QTimer.singleShot(20, room.window, look)

    window = room.window
    for i in range(6):  # six changes, each its own write
        assert window.import_polls([make_poll(20 + i, pollster=f"Queued {i}")])
    assert room.poll_service.pending_writes == 6
    QTimer.singleShot(0, window, look)
    window.close()
    assert not window.isVisible() and room.poll_service.pending_writes == 0
    assert said and said[0] == 6, said  # said at once
    assert said == sorted(said, reverse=True) and len(set(said)) >= 2, said  # counted down, never up
    assert seen, "the dialog was never on screen"
    for text, value, maximum, modal in seen:
        n = int(text.split()[1])
        assert text == saving_text(n) and n in said and (value, maximum) == (6 - n, 6) and modal, (text, value)
    with room.store.sessions() as s:
        stored = {p.pollster for p in repo.list_polls(s, room.poll_service.contest.id)}
    assert {f"Queued {i}" for i in range(6)} <= stored  # nothing lost


def test_close_now_on_the_saving_dialog_asks_first_and_the_change_is_still_tried(
    room, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The saving dialog's "Close now…" button: the user is told how many changes are not yet saved and chooses;
    "Keep waiting" goes on waiting, "Close without them" closes at once (not after WRITE_WAIT_ON_CLOSE_S), and the
    writer still tries the change as the program ends (here: it lands once the other program lets go)."""
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from tests.conftest import make_poll
    from tests.ui.test_pending_writes import _hold_the_store

    asked: list[int] = []
    answers = iter([True, False])

    def ask(pending: int, _waited: float) -> bool:
        asked.append(pending)
        return next(answers)

    monkeypatch.setattr(room.window, "ask_close_unsaved", ask)

    def press() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)), None)
        if dialog is not None and dialog.isVisible():
            dialog.cancel()
        if room.window.isVisible():
            QTimer.singleShot(100, room.window, press)

    holder = _hold_the_store(room)
    try:
        assert room.window.import_polls([make_poll(24, pollster="Still tried")])
        QTimer.singleShot(100, room.window, press)
        started = time.monotonic()
        room.window.close()
        assert not room.window.isVisible() and asked == [1, 1]
        assert time.monotonic() - started < 5.0
    finally:
        holder.rollback()
        holder.close()
    qtbot.waitUntil(lambda: not room.store_writer.busy, timeout=15000)
    with room.store.sessions() as s:
        assert "Still tried" in {p.pollster for p in repo.list_polls(s, room.poll_service.contest.id)}
