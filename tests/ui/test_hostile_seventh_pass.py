"""Hostile pass 7 (issue 16), window: the leftovers of pass 6 (emoji outside the charts, a very long short name in
the verdict, chart tooltips' line breaks, the SVG's group boxes)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QGraphicsTextItem,
    QGraphicsView,
    QGroupBox,
    QLabel,
    QMenu,
    QWidget,
)

from tests.conftest import renamed_toy
from warroom.core.types import Annotation

EMOJI = {"🗳": "[ballot box with ballot", "🦄": "[unicorn face", "🐘": "[elephant", "🐝": "[honeybee"}


def _some_font_has(ch: str) -> bool:
    """Whether fontconfig knows an installed font holding `ch` (independent of the code under test)."""
    tool = shutil.which("fc-list")
    assert tool is not None, "fontconfig (fc-list) is needed to know which symbols this machine can draw"
    found = subprocess.run([tool, f":charset={ord(ch):x}", "family"], capture_output=True, text=True, check=True)
    return bool(found.stdout.strip())


EMOJI_CONTEST = renamed_toy(
    "Toyton 🗳️ Mayor", parties=("Reds🐝", "Blues", "Greens"), candidates=("Ann Red🗳️", "Bob Blue🦄", "Cat Green")
)


def _plain(text: str) -> str:
    if not GuiQt.mightBeRichText(text):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def _menu_texts(actions: list[QAction], where: str, out: list[tuple[str, str]]) -> None:
    for action in actions:
        out.append((f"{where} action", action.text()))
        out.append((f"{where} action tooltip", _plain(action.toolTip())))
        menu = action.menu()
        if isinstance(menu, QMenu):
            menu.aboutToShow.emit()  # menus filled when opened (saved scenarios, recent files)
            _menu_texts(menu.actions(), f"{where} > {menu.title()}", out)


def _view_texts(view: QAbstractItemView, where: str, out: list[tuple[str, str]]) -> None:
    model = view.model()
    if model is None:
        return
    root = view.rootIndex() if view.rootIndex().isValid() else QModelIndex()
    rows, cols = min(model.rowCount(root), 40), model.columnCount(root)
    for col in range(cols):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            out.append((f"{where} header {col}", _plain(str(model.headerData(col, Qt.Orientation.Horizontal, role) or ""))))  # fmt: skip
        for row in range(rows):
            index = model.index(row, col, root)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                out.append((f"{where} [{row},{col}]", _plain(str(model.data(index, role) or ""))))


def texts_on_screen(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) for everything Qt draws from text under `top`: labels, buttons, group boxes, combo boxes'
    items, dock titles, menus, item views' cells and headers, tooltips, rich text panes, chart texts and the
    status bar's message."""
    out: list[tuple[str, str]] = []
    for w in [top, *top.findChildren(QWidget)]:
        where = f"{type(w).__name__}:{w.objectName()}"
        if isinstance(w, QLabel):
            out.append((where, _plain(w.text()) if w.textFormat() != Qt.TextFormat.PlainText else w.text()))
        if isinstance(w, QAbstractButton):
            out.append((where, w.text()))
        if isinstance(w, QGroupBox):
            out.append((where, w.title()))
        if isinstance(w, QDockWidget):
            out.append((where, w.windowTitle()))
        if isinstance(w, QComboBox):
            out += [(f"{where} item", w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QAbstractItemView):
            _view_texts(w, where, out)
        if w.toolTip():
            out.append((f"{where} tooltip", _plain(w.toolTip())))
        if hasattr(w, "set_text") and hasattr(w, "text") and callable(w.text):
            out.append((f"{where} pane", _plain(str(w.text()))))
        if isinstance(w, QGraphicsView) and w.scene() is not None:
            for item in w.scene().items():
                if isinstance(item, QGraphicsTextItem) and item.isVisible():
                    out.append((f"{where} chart text", item.toPlainText()))
                if item.toolTip():
                    out.append((f"{where} chart tooltip", _plain(item.toolTip())))
    if hasattr(top, "menuBar"):
        _menu_texts(top.menuBar().actions(), "menu", out)
    if hasattr(top, "statusBar"):
        out.append(("status bar message", top.statusBar().currentMessage()))
    return [(where, text) for where, text in out if text]


def empty_boxes(top: QWidget) -> list[tuple[str, str]]:
    """Every text under `top` that holds a symbol no installed font can draw (shown as an empty box)."""
    missing = [ch for ch in EMOJI if not _some_font_has(ch)]
    boxes: dict[str, str] = {}  # one example per place (a table's cells are one place)
    for where, text in texts_on_screen(top):
        if any(ch in text for ch in missing):
            boxes.setdefault(where.split(" [")[0], text)
    return sorted(boxes.items())


def _emoji_room(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.ui.conftest import room_of, toy_polls

    polls = [
        replace(p, pollster=p.pollster.replace("Acme", "Acme 🐘"), notes="fieldwork 🐝" if i == 0 else "")
        for i, p in enumerate(toy_polls())
    ]
    annotations = [Annotation(date(2024, 2, 1), "poster 🐝 unveiled")]
    return room_of(qtbot, tmp_path, EMOJI_CONTEST, polls, annotations=annotations)


def test_an_emoji_no_font_has_is_named_everywhere_in_the_window_not_an_empty_box(qtbot, tmp_path) -> None:
    """An emoji in a race's, candidate's, party's or pollster's name, or a poll's note, on a machine with no emoji
    font: the charts named it ("[ballot box with ballot]", pass 6), but the contest picker, the scenario panel's
    verdict and sentences, the poll table's headers and cells, tooltips, menus and the status bar showed an empty
    box. One rule (ui.glyphs) now for every text the window draws from data."""
    assert not all(_some_font_has(ch) for ch in EMOJI), "this machine draws every emoji: the test shows nothing"
    for room in _emoji_room(qtbot, tmp_path):
        win = room.window
        qtbot.wait(300)
        room.scenarios.save("Plan 🦄")
        qtbot.wait(200)
        assert empty_boxes(win) == [], "\n".join(map(repr, empty_boxes(win)))
        shown = " ".join(text for _, text in texts_on_screen(win))
        for ch, name in EMOJI.items():
            if not _some_font_has(ch):
                assert name in shown, f"{ch} is named somewhere: {name}"
        picker = win.findChild(QComboBox, "contest_picker")
        assert picker is not None and "Toyton [ballot box with ballot" in picker.currentText()


def no_empty_box_in_meeting_mode(qtbot: Any, win: Any, views: list[str]) -> None:
    """Step meeting mode through `views`: no view draws a symbol no installed font has as an empty box."""
    win.set_presentation_views(views)
    win.enter_presentation()
    try:
        for _ in views:
            qtbot.wait(250)
            QApplication.processEvents()
            assert empty_boxes(win) == [], win.current_view() + "\n" + "\n".join(map(repr, empty_boxes(win)))
            win.step_view(1)
    finally:
        win.leave_presentation()


def test_an_emoji_no_font_has_is_named_in_meeting_mode(qtbot, tmp_path) -> None:
    for room in _emoji_room(qtbot, tmp_path):
        room.scenarios.save("Plan 🦄")
        no_empty_box_in_meeting_mode(qtbot, room.window, ["answer", "charts", "scenario", "scenario:Plan 🦄"])


def test_an_emoji_no_font_has_is_named_in_the_instant_runoff_panel(qtbot, tmp_path) -> None:
    from tests.ui.conftest import room_of
    from warroom.core.types import CountingSystem

    assert not all(_some_font_has(ch) for ch in EMOJI), "this machine draws every emoji: the test shows nothing"
    for room in room_of(qtbot, tmp_path, replace(EMOJI_CONTEST, system=CountingSystem.IRV), ready="irv"):
        qtbot.wait(300)
        assert empty_boxes(room.window) == [], "\n".join(map(repr, empty_boxes(room.window)))


LONG_SHORT_NAME = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessenschafe"
"""86 letters, one word: a candidate's short name as a bundle or a contest file can give it."""


def _overflow(label: QLabel) -> list[str]:
    """What in `label` is not seen: a line wider than the label (cropped at its edge) or lines past its height."""
    from PySide6.QtGui import QTextLayout, QTextOption

    width = label.contentsRect().width()
    layout = QTextLayout(label.text(), label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        lines.append(line)
    layout.endLayout()
    problems = [f"line {i + 1} is {ln.naturalTextWidth():.0f} px in {width}" for i, ln in enumerate(lines) if ln.naturalTextWidth() > width + 1]  # fmt: skip
    height = sum(ln.height() for ln in lines)
    if label.sizePolicy().verticalPolicy().name == "Fixed" and height > label.contentsRect().height() + 1:
        problems.append(f"{len(lines)} lines ({height:.0f} px) in {label.contentsRect().height()} px")
    return problems


def _long_name_room(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.ui.conftest import room_of

    contest = renamed_toy(
        candidates=(f"Ann {LONG_SHORT_NAME}", "Bob Blue", "Cat Green"), short_names=(LONG_SHORT_NAME, None, None)
    )
    return room_of(qtbot, tmp_path, contest)


def _verdict_is_whole_or_elided_with_its_tip(label: QLabel, verdict: str, where: str) -> None:
    assert _overflow(label) == [], f"{where}: {label.text()!r}: {_overflow(label)}"
    assert "…" in label.text(), f"{where}: the 86-letter name cannot be shown whole: {label.text()!r}"
    assert label.text().startswith("Gap not closed: Wolfe"), label.text()  # the start of the name is kept
    assert _plain(label.toolTip()) == verdict, f"{where}: the whole verdict is its tooltip"


def test_a_very_long_short_name_is_elided_in_the_verdict_with_the_whole_verdict_as_its_tooltip(qtbot, tmp_path) -> None:
    """A candidate's short name of 86 letters (one word) ran past the panel's edge and cropped the verdict
    ("Gap not closed: Wolfeschlegelsteinhausenbergerdorffwelch" and the rest of the line gone, its last line cut
    through) at 1366x768 and in meeting mode. A word wider than the label is elided in its middle, a verdict
    longer than its lines ends in "…", and the tooltip holds the whole verdict."""
    for room in _long_name_room(qtbot, tmp_path):
        win = room.window
        win.resize(1366, 768)
        qtbot.wait(300)
        panel = win.findChild(QLabel, "verdict")
        assert panel is not None
        verdict = room.scenarios.view.projection.verdict
        assert LONG_SHORT_NAME in verdict
        _verdict_is_whole_or_elided_with_its_tip(panel, verdict, "panel at 1366x768")
        for name in ("first_round", "runoff"):
            label = win.findChild(QLabel, name)
            assert label is not None and _overflow(label) == [], (name, label.text())
        win.set_presentation_views(["answer", "scenario"])
        win.enter_presentation()
        try:
            qtbot.wait(300)
            answer = win.findChild(QLabel, "answer_verdict")
            assert answer is not None and answer.isVisible()
            _verdict_is_whole_or_elided_with_its_tip(answer, verdict, "meeting mode's answer")
            win.step_view(1)
            qtbot.wait(300)
            assert panel.isVisible()
            _verdict_is_whole_or_elided_with_its_tip(panel, verdict, "meeting mode's scenario")
        finally:
            win.leave_presentation()
        qtbot.wait(200)
        win.resize(1600, 1000)
        qtbot.wait(200)
        _verdict_is_whole_or_elided_with_its_tip(panel, verdict, "panel after meeting mode, wider")


def _tip_lines(tip: str) -> tuple[int, int]:
    """(height, width) of `tip` as QToolTip shows it."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QToolTip

    QToolTip.showText(QPoint(100, 100), tip)
    QApplication.processEvents()
    shown = [w for w in QApplication.allWidgets() if w.inherits("QLabel") and w.windowType() == Qt.WindowType.ToolTip]
    assert shown, "no tooltip shown"
    size = shown[0].sizeHint()
    QToolTip.hideText()
    return size.height(), size.width()


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform, showing a tooltip
def test_a_tooltip_escaped_for_a_name_like_markup_keeps_the_plain_tooltips_lines(qtbot) -> None:
    """A chart point's tooltip names the pollster on its first line; one called `<b>Acme</b>` is escaped so it shows
    as typed (literal_tip), and the escaped tooltip was then word-wrapped by Qt at a third of its width: its five
    lines became eight, "Fieldwork" cut from its dates. It keeps the line breaks the plain tooltip has; a line
    break is never shown as a symbol name."""
    from warroom.ui.qt_utils import literal_tip

    lines = [
        "{} for The Daily Post",
        "Fieldwork 01 Mar – 03 Mar 2024",
        "Sample 1,000",
        "First round: Johnson 43, Livingstone 39.8, Paddick 7.2, Jones 4.1, Benita 3.0, Webb 1.5",
        "This point: 43.0 %",
    ]
    plain = literal_tip("\n".join(lines).format("Acme"))
    escaped = literal_tip("\n".join(lines).format("<b>Acme</b>"))
    assert plain == "\n".join(lines).format("Acme") and escaped != plain  # (the second is escaped rich text)
    doc = QTextDocument()
    doc.setHtml(escaped)
    assert doc.toPlainText().replace("\u2029", "\n") == "\n".join(lines).format("<b>Acme</b>")
    assert "[u+000a]" not in escaped.casefold()
    plain_height, plain_width = _tip_lines(plain)
    escaped_height, escaped_width = _tip_lines(escaped)
    assert abs(escaped_height - plain_height) <= 6, (escaped_height, plain_height)  # five lines each
    assert escaped_width >= plain_width - 10


def test_an_export_into_a_folder_that_does_not_exist_is_refused_in_the_window_as_by_the_command_line(
    room, qtbot, tmp_path, monkeypatch
) -> None:
    """One rule for the window and `warroom render` (tests/cli): the folder must exist. A PNG export made any missing
    folders (a mistyped path made a tree of them) while the CSV, SVG and PDF exports refused with "No such file or
    directory"; every one now names the file and the missing folder, and makes nothing."""
    from PySide6.QtWidgets import QFileDialog

    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    from warroom.ui.export import export_chart, export_problem

    for picture in ("x.png", "x.pdf"):  # (the window asks a PNG's size in a dialog first; PDF is per chart)
        path = tmp_path / "nodir" / "deeper" / picture
        with pytest.raises(OSError) as caught:
            export_chart(room.window.charts.plots["first"], path)
        assert "does not exist" in export_problem(path, caught.value) and not (tmp_path / "nodir").exists()
    for suffix in ("svg", "csv"):
        target = tmp_path / "nodir" / "deeper" / f"x.{suffix}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, target=target, **k: (str(target), ""))
        errors.clear()
        if suffix == "csv":
            room.window.choose_export()
            qtbot.waitUntil(lambda: room.window.exporting is None)  # (written on a worker)
        else:
            room.window.export_view_dialog(room.window.charts, suffix)
            qtbot.waitUntil(lambda: not room.window.file_writes)  # (the SVG is made and written on a worker)
        assert len(errors) == 1, (suffix, errors)
        assert str(target) in errors[0] and "does not exist" in errors[0] and "nothing written" in errors[0], errors
        assert not (tmp_path / "nodir").exists(), suffix


def _squeezed_images(svg: str) -> list[str]:
    """Every picture in `svg` drawn into a box of another shape than its own (a part of a picture taken for the
    whole: Qt's SVG writer ignores the part of a pixmap a painter asks for)."""
    import base64
    import re
    import struct

    bad = []
    for w, h, data in re.findall(r'<image [^>]*width="([\d.]+)" height="([\d.]+)"[^>]*base64,([A-Za-z0-9+/=]+)', svg):
        png = base64.b64decode(data[:64])
        src_w, src_h = struct.unpack(">II", png[16:24])
        if abs(src_w / src_h - float(w) / float(h)) > 0.1 * max(src_w / src_h, float(w) / float(h)):
            bad.append(f"{src_w}x{src_h} picture in a {w}x{h} box")
    return bad


def test_the_scenario_panels_svg_draws_its_group_boxes_as_the_window_does(room, qtbot, tmp_path) -> None:
    """The scenario panel's SVG export drew each group box's frame as nine copies of the whole frame picture
    squeezed into its corners and edges (Qt's SVG writer ignores the part of a pixmap a style asks for): a soft
    grey smear round "Projection" and "Message" in librsvg (rsvg-convert) and in Qt's own SVG renderer, none in
    the window. Group boxes are framed in vector lines by the style sheet, the same on screen and in every
    export."""
    from warroom.ui.export import widget_to_svg

    qtbot.wait(200)
    svg = tmp_path / "panel.svg"
    widget_to_svg(room.scenario_panel, svg)
    text = svg.read_text(encoding="utf-8")
    assert _squeezed_images(text) == []
    rsvg = shutil.which("rsvg-convert")
    assert rsvg is not None, "librsvg (rsvg-convert) is needed to read the SVG back"
    subprocess.run([rsvg, "-o", str(tmp_path / "panel.png"), str(svg)], check=True)


def test_a_name_typed_without_its_ending_gets_the_chosen_kinds_in_every_save_dialog(
    room, qtbot, tmp_path, monkeypatch
) -> None:
    """A name typed without its ending in a save dialog ("slides/view"): the chart export adds the chosen kind's
    ending, but the view export failed with "choose .png or .svg" and the CSV export wrote a file with no ending,
    which no spreadsheet offers to open. One rule: the dialog's kind is added."""
    from PySide6.QtWidgets import QFileDialog

    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "view"), ""))
    room.window.export_view_dialog(room.window.charts, "svg")
    qtbot.waitUntil(lambda: not room.window.file_writes)  # (the SVG is made and written on a worker)
    assert errors == [] and (tmp_path / "view.svg").is_file(), errors
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "polls"), ""))
    room.window.choose_export()
    qtbot.waitUntil(lambda: room.window.exporting is None)  # (written on a worker)
    assert errors == [] and (tmp_path / "polls.csv").is_file() and not (tmp_path / "polls").exists(), errors


def test_an_emoji_no_font_has_is_named_in_the_status_bars_messages(room, qtbot, tmp_path, monkeypatch) -> None:
    """The status bar's messages quote names and files ("Saved …/🦄 slides.svg", "Contest 'Toyton 🗳️' created"):
    it drew them with empty boxes. Its messages follow the window's one rule (ui.glyphs)."""
    from PySide6.QtWidgets import QFileDialog

    assert not _some_font_has("🦄"), "this machine draws the emoji: the test shows nothing"
    target = tmp_path / "🦄 slides.svg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    room.window.export_view_dialog(room.window.charts, "svg")
    qtbot.waitUntil(lambda: not room.window.file_writes)  # (the SVG is made and written on a worker)
    assert target.is_file()
    message = room.window.statusBar().currentMessage()
    assert "[unicorn face] slides.svg" in message and "🦄" not in message, message


def test_an_emoji_no_font_has_is_named_in_the_compare_dialog(qtbot, tmp_path) -> None:
    from warroom.ui.compare_dialog import CompareDialog

    for room in _emoji_room(qtbot, tmp_path):
        room.scenarios.save("Plan 🦄")
        qtbot.wait(200)
        acts = room.scenario_actions
        columns = acts.summaries() if acts.current() is not None else acts.columns()
        dialog = CompareDialog(columns, room.window)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.wait(100)
        assert empty_boxes(dialog) == [], "\n".join(map(repr, empty_boxes(dialog)))
        assert "[unicorn face" in " ".join(text for _, text in texts_on_screen(dialog))


def test_a_save_dialog_never_writes_into_the_backup_folder(qtbot, tmp_path, monkeypatch) -> None:
    """The window's rule is the command line's (tests/cli): a save dialog opened in the data folder could replace a
    backup (the way back after a bad import) with CSV text or a picture. (The settings file cannot be hit from a
    save dialog: each adds its kind's ending.)"""
    from PySide6.QtWidgets import QFileDialog

    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    backups = sorted(paths.backup_dir.iterdir())
    assert backups
    room = WarRoom(store, open_settings(paths), watch=False, backup_dir=paths.backup_dir)  # as the app starts it
    qtbot.addWidget(room.window)
    window = room.window
    window.show()
    try:
        errors: list[str] = []
        window.show_error = errors.append  # type: ignore[method-assign]
        planted = paths.backup_dir / "old.csv"  # a backup kept by hand, say
        planted.write_text("pollster\n")
        before = {p: p.read_bytes() for p in (*backups, planted)}
        for target, export in (
            (planted, window.choose_export),
            (paths.backup_dir / "mine.csv", window.choose_export),
            (paths.backup_dir / "view.svg", lambda: window.export_view_dialog(window.charts, "svg")),
        ):
            monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, target=target, **k: (str(target), ""))
            errors.clear()
            export()
            assert len(errors) == 1 and "backup" in errors[0] and "nothing" in errors[0].casefold(), (target, errors)
        assert {p: p.read_bytes() for p in (*backups, planted)} == before
        assert sorted(p.name for p in paths.backup_dir.iterdir()) == sorted(p.name for p in (*backups, planted))
    finally:
        window.close()
        store.close()
