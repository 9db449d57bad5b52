"""Hostile pass 6 (issue 16), window: Ctrl-C before any window is shown; emoji in the charts and exports."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from tests.conftest import renamed_toy


def test_ctrl_c_before_any_window_is_shown_closes_the_first_window_shown(qtbot) -> None:
    """Ctrl-C once the window's own handler was in place but before any window was shown (the store opening, the
    window being built) closed nothing, since nothing was visible: the signal was spent, and the window then
    opened to run until the user closed it. The first window shown afterwards is closed as the user would."""
    import os
    import signal

    from PySide6.QtWidgets import QApplication, QMainWindow

    from warroom.ui.qt_utils import close_windows_on_signals

    for left in QApplication.topLevelWidgets():  # windows earlier tests of this process left on screen
        left.hide()
    window = QMainWindow()
    qtbot.addWidget(window)
    guard = close_windows_on_signals()
    try:
        os.kill(os.getpid(), signal.SIGINT)
        qtbot.waitUntil(lambda: guard.closes_next_window, timeout=3000)  # the signal's turn, nothing on screen
        window.show()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
        assert not guard.closes_next_window
        window.show()  # once one is closed, a window shown later stays
        QApplication.processEvents()
        assert window.isVisible()
    finally:
        guard.restore()


def _some_font_has(ch: str) -> bool:
    """Whether fontconfig knows an installed font holding `ch` (independent of the code under test)."""
    tool = shutil.which("fc-list")
    assert tool is not None, "fontconfig (fc-list) is needed to know which symbols this machine can draw"
    found = subprocess.run([tool, f":charset={ord(ch):x}", "family"], capture_output=True, text=True, check=True)
    return bool(found.stdout.strip())


EMOJI = {"🗳": "[ballot box with ballot", "🦄": "[unicorn face", "🐘": "[elephant"}


def _shows_each_emoji_or_its_name(text: str, where: str) -> None:
    for ch, name in EMOJI.items():
        if _some_font_has(ch):
            assert name not in text, f"{where}: {ch} can be drawn here and is kept: {text!r}"
        elif ch in text or name in text:
            assert ch not in text and name in text, f"{where}: {ch} is named, not an empty box: {text!r}"


def test_an_emoji_no_installed_font_has_is_named_in_chart_labels_titles_keys_and_exports(qtbot, tmp_path) -> None:
    """Candidates and pollsters named with an emoji ("Ann Red🗳️", "Bob Blue🦄", a pollster "Acme 🐘") showed
    empty boxes in the charts' end labels, the lead charts' titles and the pollsters' key, on screen and in the
    PNG, SVG and PDF exports, on a machine with no emoji font. The charts write a symbol no installed font has as
    its name in brackets, the briefing PDF's rule (ui.glyphs, one place)."""
    from tests.ui.conftest import room_of, toy_polls
    from warroom.ui.export import export_chart

    assert not all(_some_font_has(ch) for ch in EMOJI), "this machine draws every emoji: the test shows nothing"
    contest = renamed_toy(candidates=("Ann Red🗳️", "Bob Blue🦄", "Cat Green"))
    polls = [replace(p, pollster=p.pollster.replace("Acme", "Acme 🐘")) for p in toy_polls()]
    for room in room_of(qtbot, tmp_path, contest, polls, ready="averages"):
        charts = room.window.charts
        qtbot.waitUntil(lambda charts=charts: charts.end_label_text("ann") != "")
        ann, bob = charts.end_label_text("ann"), charts.end_label_text("bob")
        assert ann.startswith("Red") and "Blue" in bob  # (the charts show surnames)
        _shows_each_emoji_or_its_name(ann + bob, "end labels")
        title = charts.plots["lead1"].titleLabel.item.toPlainText()
        assert "Red" in title and "Blue" in title, title
        _shows_each_emoji_or_its_name(title, "title")
        keys = " ".join(label.text for _sample, label in charts._legend_lead1.items)
        assert "Acme" in keys, keys
        _shows_each_emoji_or_its_name(keys, "pollsters' key")
        for key in ("first", "lead1"):
            svg, pdf = tmp_path / f"{key}.svg", tmp_path / f"{key}.pdf"
            export_chart(charts.plots[key], svg)
            export_chart(charts.plots[key], pdf)
            rsvg = shutil.which("rsvg-convert")
            assert rsvg is not None, "librsvg (rsvg-convert) is needed to read the SVG back"
            from_svg = tmp_path / f"{key}.svg.pdf"
            subprocess.run([rsvg, "-f", "pdf", "-o", str(from_svg), str(svg)], check=True)  # what the SVG draws
            for name, out in ((f"{key}.svg", from_svg), (f"{key}.pdf", pdf)):
                _shows_each_emoji_or_its_name(_pdf_text(out), name)
        assert "[ballot box with ballot" in _pdf_text(tmp_path / "lead1.pdf") or _some_font_has("🗳")


def _pdf_text(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool is not None, "poppler-utils (pdftotext) is needed to read the export back"
    return subprocess.run([tool, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_an_export_the_disk_refuses_is_named_with_its_reason_in_the_window(room, qtbot, tmp_path, monkeypatch) -> None:
    """A name longer than the file system takes: the CSV export said "cannot write the export: File name too
    long" without naming the file, the picture "could not write PATH: ...", and `warroom render` Python's own
    "[Errno 36] ... 'PATH'" (tests/cli). One rule now (ui.export.export_problem): the file, the reason, and that
    nothing was written."""
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / ("n" * 300 + ".svg")
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    for export in (lambda: room.window.export_view_dialog(room.window.charts, "svg"), room.window.choose_export):
        errors.clear()
        export()
        # (the CSV is written on a worker, and the SVG's text made and written on one)
        qtbot.waitUntil(lambda: room.window.exporting is None and not room.window.file_writes)
        assert len(errors) == 1, errors
        assert "Errno" not in errors[0] and errors[0].count(target.name) == 1, errors[0]
        assert errors[0].startswith(f"Export failed: {target}: cannot write (") and "nothing written" in errors[0]


def test_every_chart_exported_as_pdf_is_read_without_a_syntax_error(room, tmp_path) -> None:
    """A chart exported as PDF carried an empty filled path (a band with nothing to draw yet: "h f" with no
    current point), which PDF readers report ("Syntax Error: No current point in closepath", poppler) and strict
    ones may refuse. An empty band is not drawn."""
    from warroom.ui.export import export_chart

    tool = shutil.which("pdftoppm")
    assert tool is not None, "poppler-utils (pdftoppm) is needed to read the PDF back"
    for key in ("first", "lead1", "lead2"):
        pdf = tmp_path / f"{key}.pdf"
        export_chart(room.window.charts.plots[key], pdf)
        read = subprocess.run([tool, "-r", "10", "-png", str(pdf), str(tmp_path / key)], capture_output=True, text=True)
        assert read.returncode == 0 and "Error" not in read.stderr, (key, read.stderr)
