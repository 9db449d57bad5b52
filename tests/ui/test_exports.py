"""Exports rendered offscreen and checked: sizes, pages, content."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage

from warroom.cli import main
from warroom.ui.export import export_view, plot_to_svg, write_briefing_pdf

pytestmark = pytest.mark.gui


def test_png_at_a_chosen_resolution(room, tmp_path: Path) -> None:
    out = tmp_path / "charts.png"
    export_view(room.window.charts, out, 2400)
    image = QImage(str(out))
    charts = room.window.charts
    assert image.width() == 2400
    assert image.height() == round(2400 * charts.height() / charts.width())
    assert not (tmp_path / "charts.png.part").exists()
    # not blank: the candidates' colours are in the picture
    colours = {image.pixelColor(x, y).name() for x in range(0, 2400, 37) for y in range(0, image.height(), 29)}
    assert len(colours) > 10


def test_svg_of_a_chart_is_vector(room, tmp_path: Path) -> None:
    out = tmp_path / "lead.svg"
    plot_to_svg(room.window.charts.plots["lead2"], out)
    text = out.read_text()
    assert text.startswith("<?xml") and "<path" in text and "Second-round" in text


def test_briefing_pdf_is_one_page_with_the_figures(room, tmp_path: Path) -> None:
    briefing = room.briefing()
    assert briefing.average_lines and len(briefing.lead_lines) == 2
    assert any("Runoff lead" in line for line in briefing.lead_lines)
    assert briefing.scenarios and briefing.scenarios[0].verdict
    out = tmp_path / "brief.pdf"
    assert write_briefing_pdf(briefing, out) == 1
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    assert out.stat().st_size > 20_000  # the chart is in it


def test_render_cli_headless(tmp_path: Path) -> None:
    state = ["--data-dir", str(tmp_path / "state")]
    out, err = io.StringIO(), io.StringIO()
    assert (
        main(["render", "lead2", "--out", str(tmp_path / "l2.png"), "--width", "1000", *state], out=out, err=err) == 0
    )
    assert QImage(str(tmp_path / "l2.png")).width() == 1000
    assert main(["render", "briefing", "--out", str(tmp_path / "b.pdf"), *state], out=out, err=err) == 0
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert main(["render", "charts", "--out", str(tmp_path / "c.txt"), *state], out=out, err=err) == 1
    assert "use .png, .svg or .pdf" in err.getvalue()


def test_drop_a_csv_on_the_window_imports_it(room, qtbot, tmp_path: Path) -> None:
    csv = tmp_path / "new.csv"
    csv.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat\nDropCo,2024-04-20,2024-04-21,900,40,45,15\n"
    )
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(csv))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(room.averages.averages_ready, timeout=2000):
        room.window.dropEvent(event)
    assert any(p.pollster == "DropCo" for p in room.poll_service.polls)


def test_paste_a_spreadsheet_table(room, qtbot) -> None:
    table = (
        "pollster\tfieldwork_end\tsample_size\tfirst:ann\tfirst:bob\tfirst:cat\nPasteCo\t2024-04-25\t800\t41\t44\t15\n"
    )
    QGuiApplication.clipboard().setText(table)
    room.window.polls_pane.view.setFocus()
    room.window.action_paste.trigger()
    assert any(p.pollster == "PasteCo" for p in room.poll_service.polls)
    room.window.undo_stack.undo()
    assert not any(p.pollster == "PasteCo" for p in room.poll_service.polls)


def test_every_control_has_an_accessible_name_or_label(room) -> None:
    from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit, QPushButton

    missing = []
    for cls in (QAbstractSlider, QComboBox, QLineEdit, QPushButton):
        for w in room.window.findChildren(cls):
            if isinstance(w, QAbstractSlider) and w.orientation() == Qt.Orientation.Vertical:
                continue  # scroll bars
            if type(w).__name__ == "QScrollBar":
                continue
            if isinstance(w.parentWidget(), QAbstractSpinBox):
                w = w.parentWidget()  # a spin box's own line edit: the spin box carries the name
            if not (w.accessibleName() or (isinstance(w, QPushButton) and w.text())):
                missing.append(f"{type(w).__name__} {w.objectName()}")
    assert missing == []
