"""Hostile pass 6 (issue 16): names that look like markup are shown as typed, everywhere Qt draws text.

QLabel (by default), tooltips and pyqtgraph's titles and legends read text as HTML whenever it looks like some:
a candidate called `Bob&lt;B` was shown as "Bob<B", `A<i>n</i>n` lost its tags and came out italic, and a name
ending in `<!--` hid every word after it in the verdict ("Gap not closed: Qz" and nothing else)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QCheckBox, QGraphicsTextItem, QGraphicsView, QLabel, QWidget

from tests.conftest import renamed_toy
from tests.ui.conftest import running_room, toy_polls
from warroom.core.types import Annotation
from warroom.paths import AppPaths

LITERALS = {  # a name as typed -> what Qt made of it when it read it as HTML
    "Toy <b>Mayor</b>": "Toy Mayor",
    "A<i>n</i>n Red": "Ann Red",
    "A<i>n</i>n": "Ann",
    "Bob &amp; Blue": "Bob & Blue",
    "Bob&lt;B": "Bob<B",
    "Qz <!--Green": "Qz ",
    "Qz<!--": "Qz",
    "<b>Acme</b>": "Acme",
    "<u>Reds</u>": "Reds",
    "support A<B & C>D": "support AD",
}

HOSTILE = renamed_toy(
    "Toy <b>Mayor</b>",
    parties=("<u>Reds</u>", "Blues", "Greens"),
    candidates=("A<i>n</i>n Red", "Bob &amp; Blue", "Qz <!--Green"),
    short_names=("A<i>n</i>n", "Bob&lt;B", "Qz<!--"),
)


def _shown(text: str, rich: bool) -> str:
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def shown_texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text as the user sees it) for every label, tooltip and chart text under `top`."""
    out: list[tuple[str, str]] = []
    widgets = [top, *top.findChildren(QWidget)]
    for w in widgets:
        where = f"{type(w).__name__}:{w.objectName()}"
        if isinstance(w, QLabel) and w.text():
            fmt = w.textFormat()
            rich = fmt == GuiQt.TextFormat.RichText or (
                fmt == GuiQt.TextFormat.AutoText and GuiQt.mightBeRichText(w.text())
            )
            out.append((where, _shown(w.text(), rich)))
        if w.toolTip():
            out.append((where + " tooltip", _shown(w.toolTip(), GuiQt.mightBeRichText(w.toolTip()))))
        if isinstance(w, QGraphicsView) and w.scene() is not None:
            for item in w.scene().items():
                if isinstance(item, QGraphicsTextItem) and item.isVisible():
                    out.append((f"{where} chart text", item.toPlainText()))
                tip = item.toolTip()
                if tip:
                    out.append((f"{where} chart tooltip", _shown(tip, GuiQt.mightBeRichText(tip))))
    return out


def misread(top: QWidget) -> list[tuple[str, str]]:
    """Every text under `top` in which a name was read as markup."""
    bad = []
    for where, text in shown_texts(top):
        rest = text
        if rest.endswith("\u2026"):  # elided to its room: a literal cut short ("<b>Acme…") is shown as typed too
            body = rest[:-1]
            cut = max(
                (n for literal in LITERALS for n in range(2, len(literal)) if body.endswith(literal[:n])), default=0
            )
            rest = body[: len(body) - cut] + "\0"
        for literal in sorted(LITERALS, key=len, reverse=True):
            rest = rest.replace(literal, "\0")
        if any(mangled in rest for mangled in LITERALS.values()):
            bad.append((where, text))
    return bad


def _room(qtbot, tmp_path: Path, contest, ready: str) -> Iterator[object]:
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    polls = [
        dataclasses.replace(p, pollster=f"<b>{p.pollster}</b>", notes="support A<B & C>D" if i == 0 else "")
        for i, p in enumerate(toy_polls())
    ]
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, contest)
        repo.add_polls(s, cid, polls)
        repo.add_annotation(s, cid, Annotation(date(2024, 2, 1), "<b>Acme</b> poster unveiled"))
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    yield from running_room(qtbot, store, settings, ready=ready)


@pytest.fixture
def hostile_room(qtbot, tmp_path: Path) -> Iterator[object]:
    yield from _room(qtbot, tmp_path, HOSTILE, "view")


def test_names_that_look_like_markup_are_shown_as_typed_in_the_window(hostile_room, qtbot) -> None:
    win = hostile_room.window
    qtbot.wait(300)
    heat = win.findChild(QCheckBox, "heatmap_toggle")
    assert heat is not None
    heat.setChecked(True)  # its caption names three candidates
    QApplication.processEvents()
    assert misread(win) == []
    texts = " ".join(t for _, t in shown_texts(win))
    assert "Bob&lt;B" in texts and "A<i>n</i>n" in texts and "Qz<!--" in texts  # shown, not dropped


def test_names_that_look_like_markup_are_shown_as_typed_in_meeting_mode(hostile_room, qtbot) -> None:
    win = hostile_room.window
    win.set_presentation_views(["answer", "charts", "scenario"])
    win.enter_presentation()
    try:
        for _ in range(3):
            qtbot.wait(200)
            assert misread(win) == [], win.current_view()
            win.step_view(1)
    finally:
        win.leave_presentation()


@pytest.fixture
def hostile_irv_room(qtbot, tmp_path: Path) -> Iterator[object]:
    from warroom.core.types import CountingSystem

    yield from _room(qtbot, tmp_path, dataclasses.replace(HOSTILE, system=CountingSystem.IRV), "irv")


def test_names_that_look_like_markup_are_shown_as_typed_in_the_instant_runoff_panel(hostile_irv_room, qtbot) -> None:
    win = hostile_irv_room.window
    panel = hostile_irv_room.irv_panel if hasattr(hostile_irv_room, "irv_panel") else None
    qtbot.wait(500)
    if panel is not None:
        for i in range(panel.picker.count()):  # every candidate's row: its levers, tooltips and break-evens
            panel.picker.setCurrentIndex(i)
            qtbot.wait(100)
    texts = shown_texts(win)
    bad = misread(win)
    panes = [w for w in win.findChildren(QWidget) if hasattr(w, "set_text") and hasattr(w, "text")]
    for pane in panes:  # the instant-runoff panel's rich text panes (painted QTextDocuments, not labels)
        shown = _shown(pane.text(), True)
        texts.append((pane.objectName(), shown))
        rest = shown
        for literal in sorted(LITERALS, key=len, reverse=True):
            rest = rest.replace(literal, "\0")
        if any(mangled in rest for mangled in LITERALS.values()):
            bad.append((pane.objectName(), shown))
    assert bad == []
    assert any("Bob&lt;B" in t for _, t in texts)


def test_a_saved_scenario_named_like_markup_is_shown_as_typed_in_meeting_mode(hostile_room, qtbot) -> None:
    """A saved scenario's name is its title in meeting mode and in the panel (bold: rich text)."""
    LITERALS["Plan <b>B</b> &amp; <!--C"] = "Plan B & "
    try:
        hostile_room.scenarios.save("Plan <b>B</b> &amp; <!--C")
        win = hostile_room.window
        win.set_presentation_views(["scenario:Plan <b>B</b> &amp; <!--C"])
        win.enter_presentation()
        try:
            qtbot.wait(300)
            texts = " ".join(t for _, t in shown_texts(win))
            assert "Plan <b>B</b> &amp; <!--C" in texts
            assert misread(win) == []
        finally:
            win.leave_presentation()
    finally:
        del LITERALS["Plan <b>B</b> &amp; <!--C"]


def test_messages_quoting_names_are_shown_as_typed(hostile_room, qtbot) -> None:
    """Error and question boxes quote contest and file names: QMessageBox's static functions read a message that
    looks like HTML as HTML."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from warroom import app as app_module

    seen: list[tuple[GuiQt.TextFormat, str]] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.textFormat(), box.text()))
            box.done(int(QMessageBox.StandardButton.No))
        else:
            QTimer.singleShot(20, close_box)

    message = "Contest Toy <b>Mayor</b> &amp; co could not be saved"
    for show in (
        lambda: hostile_room.window.show_error(message),
        lambda: app_module._ask_yes_no("warroom", message),
        lambda: app_module._tell("warroom", message),
    ):
        QTimer.singleShot(20, close_box)
        show()
    assert len(seen) == 3
    for fmt, text in seen:
        assert fmt == GuiQt.TextFormat.PlainText and text == message


def test_poll_table_tooltips_show_notes_and_names_as_typed(hostile_room) -> None:
    """A poll's tooltip (pollster, client, method, source, notes) and a column header's: a note such as
    "support A<B & C>D" was read as HTML, its `<B & C>` taken for a bold tag: "support AD"."""
    from PySide6.QtCore import Qt

    model = hostile_room.window.polls_pane.view.model()
    tips = [str(model.data(model.index(r, 0), Qt.ItemDataRole.ToolTipRole)) for r in range(model.rowCount())]
    heads = [
        str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) or "")
        for c in range(model.columnCount())
    ]
    shown = [_shown(t, GuiQt.mightBeRichText(t)) for t in tips + heads]
    assert any("<b>Acme</b>" in t for t in shown) and any("A<i>n</i>n Red" in t for t in shown)
    assert any("support A<B & C>D" in t for t in shown)
    assert not any("Acme" in t.replace("<b>Acme</b>", "") for t in shown)
    assert not any("Ann Red" in t for t in shown)


def test_the_poll_and_result_dialogs_show_names_and_problems_as_typed(qtbot) -> None:
    """The poll form labels each candidate's field with his name, and the poll, result and contest forms list
    problems quoting names: QLabel read them as HTML."""
    from warroom.ui.poll_dialog import PollDialog
    from warroom.ui.result_dialog import ResultDialog

    poll_form = PollDialog(HOSTILE, lambda _poll: ["first:A<i>n</i>n Red: share 145 is outside 0-100"])
    qtbot.addWidget(poll_form)
    result_form = ResultDialog(HOSTILE)
    qtbot.addWidget(result_form)
    for form in (poll_form, result_form):
        for label in form.findChildren(QLabel):
            if label.objectName() in ("problems", "contest_problems"):
                label.setText("A<i>n</i>n Red: 145 votes is more than the valid vote")
    assert misread(poll_form) == [] and misread(result_form) == []
    shown = " ".join(t for _, t in shown_texts(poll_form))
    assert "A<i>n</i>n Red" in shown and "Bob &amp; Blue" in shown


def test_the_start_outline_shows_the_last_sessions_names_as_typed(hostile_room, qtbot) -> None:
    """The outline drawn at start shows the last session's headline as rich text (the verdict large): the
    verdict and runoff lines are plain text in the panel, so a name like `Qz<!--` hid the rest of them there."""
    from warroom.app import capture_frame
    from warroom.ui.start_shell import StartShell

    frame = capture_frame(hostile_room, "k")
    assert frame.headline
    shell = StartShell(frame, "/tmp/team <b>store</b>/polls.sqlite3")
    qtbot.addWidget(shell)
    LITERALS["/tmp/team <b>store</b>/polls.sqlite3"] = "/tmp/team store/polls.sqlite3"
    try:
        assert misread(shell) == []
        shown = " ".join(t for _, t in shown_texts(shell))
        assert "A<i>n</i>n still ahead" in shown and "Bob&lt;B" in shown
    finally:
        del LITERALS["/tmp/team <b>store</b>/polls.sqlite3"]


def test_the_instant_runoff_rounds_table_tooltips_show_names_as_typed(hostile_irv_room, qtbot) -> None:
    """The rounds table's row headers and exclusion cells name candidates in their tooltips (item views read a
    tooltip that looks like HTML as HTML)."""
    from PySide6.QtCore import Qt

    qtbot.wait(300)
    model = hostile_irv_room.irv_panel.rounds_model
    tips = [
        str(model.headerData(r, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole) or "")
        for r in range(model.rowCount())
    ]
    tips += [
        str(model.data(model.index(r, c), Qt.ItemDataRole.ToolTipRole) or "")
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    ]
    shown = [_shown(t, GuiQt.mightBeRichText(t)) for t in tips if t]
    assert any("Bob&lt;B" in t for t in shown)
    assert [t for t in shown if "Bob<B" in t.replace("Bob&lt;B", "")] == []
