"""Exports rendered offscreen and checked: sizes, pages, content."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage

from warroom.cli import main
from warroom.ui.export import export_view, plot_to_pdf, plot_to_svg, write_briefing_pdf

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


def test_svg_of_a_chart_is_plain_vector(room, tmp_path: Path) -> None:
    """No renderer-specific features: absolute coordinates, real marker paths, a concrete sans-serif font."""
    out = tmp_path / "lead.svg"
    assert plot_to_svg(room.window.charts.plots["lead2"], out) == []  # every visible item was drawn
    text = out.read_text()
    title = room.window.charts.plots["lead2"].titleLabel.item.toPlainText()  # as shown (cut to fit if long)
    assert text.startswith("<?xml") and "<path" in text and f">{title}</text>" in text
    assert "<image" not in text  # markers are paths, not pixmap fragments
    assert "vector-effect" not in text and "matrix(" not in text.split("<text", 1)[0]  # shapes carry no transforms
    families = set(re.findall(r'font-family="([^"]*)"', text))
    assert families and all(f.endswith("sans-serif") and "Sans Serif" not in f for f in families)
    # every poll point of the chart is a marker path: the runoff chart's points plus the legend's two samples
    _x, _y, ids = room.window.charts.point_data("lead2")
    assert len(re.findall(r'<path d="M[^"]*Z', text)) >= len(ids)


def test_svg_keys_of_the_two_bands_are_filled_as_in_the_window(room, tmp_path: Path) -> None:
    """The window's key draws each band as a filled corner; the SVG drew the key of "where the polls stand" as an
    empty path (no stroke, no fill) and the other as a bare dashed line."""
    out = tmp_path / "lead2.svg"
    assert plot_to_svg(room.window.charts.plots["lead2"], out) == []
    text = out.read_text()
    for label in ("90 %: where the polls stand", "90 %: where the result may land"):
        before = text[: text.index(f">{label}</text>")]
        key = before[before.rindex("<path") :]
        assert "Z" in key.split('"')[1] and 'fill="none"' not in key, key


# --- the same chart in PNG, SVG (rasterised by librsvg) and PDF (rasterised by poppler) -----------------------


def _dark(image: np.ndarray) -> np.ndarray:
    return image[..., :3].max(axis=2) < 110


def _load(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    ptr = image.constBits()
    data = np.frombuffer(ptr, dtype=np.uint8, count=image.sizeInBytes()).reshape(image.height(), image.bytesPerLine())
    return data[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., [2, 1, 0]].copy()


def _landmarks(
    image: np.ndarray, expected: dict[str, tuple[float, float]], region: tuple[int, int, int, int]
) -> dict[str, float]:
    """Where the runoff chart's zero line (a row) and last published head-to-head poll (a centroid) are drawn."""
    dark = _dark(image)
    # inside the plot area, right of the data and left of the election-day line: only the zero line is dark there
    x0, x1, y0, y1 = region
    rows = dark[y0:y1, x0:x1].sum(axis=1)
    zero_row = float(np.argmax(rows)) + y0 + 0.5  # pixel i covers [i, i + 1): its centre is i + 0.5
    # the value axis: its line is the darkest column left of the plot area, its ticks short rows beside it
    axis_x = int(np.argmax(dark[y0:y1, : x0 // 2].sum(axis=0)))
    tick_rows = np.nonzero(dark[:, axis_x + 2 : axis_x + 5].all(axis=1))[0]
    assert len(tick_rows), "no ticks on the value axis"
    zero_tick = float(tick_rows[np.argmin(np.abs(tick_rows + 0.5 - zero_row))]) + 0.5
    row = round(zero_row)
    zero_label = int(dark[row - 7 : row + 7, : max(0, axis_x - 1)].sum())  # the "0" written beside its tick
    cx, cy = expected["last"]
    r = 8
    window = dark[max(0, round(cy) - r) : round(cy) + r + 1, max(0, round(cx) - r) : round(cx) + r + 1]
    ys, xs = np.nonzero(window)
    assert len(xs) > 10, "no marker drawn where the last poll should be"
    return {
        "zero": zero_row,
        "zero_tick": zero_tick,
        "zero_label": zero_label,
        "last_x": float(xs.mean()) + max(0, round(cx) - r) + 0.5,
        "last_y": float(ys.mean()) + max(0, round(cy) - r) + 0.5,
    }


def _chart_landmarks(room) -> tuple[dict[str, tuple[float, float]], tuple[int, int, int, int]]:
    from PySide6.QtCore import QPointF

    charts = room.window.charts
    plot = charts.plots["lead2"]
    origin = plot.sceneBoundingRect().topLeft()  # exports start at the chart's top left
    vb = plot.getViewBox()
    x, y, _ids = charts.point_data("lead2")
    last = vb.mapViewToScene(QPointF(float(x[-1]), float(y[-1]))) - origin
    zero = vb.mapViewToScene(QPointF(float(x[-1]), 0.0)) - origin
    election = charts._election_lines[0].value()
    right = vb.mapViewToScene(QPointF(float(election), 0.0)).x() - origin.x()
    curve_x, _ = charts.curve_data("lead2")
    left = vb.mapViewToScene(QPointF(float(curve_x[-1]), 0.0)).x() - origin.x()
    area = vb.sceneBoundingRect().translated(-origin)
    region = (round(left) + 25, round(right) - 6, round(area.top()) + 3, round(area.bottom()) - 3)
    return {"last": (last.x(), last.y()), "zero": (zero.x(), zero.y())}, region


def _png_of(room, tmp_path: Path) -> tuple[Path, int, int]:
    from warroom.ui.export import plot_to_png

    plot = room.window.charts.plots["lead2"]
    width = round(plot.sceneBoundingRect().width())
    png = tmp_path / "lead2.png"
    plot_to_png(plot, png, width)
    image = QImage(str(png))
    return png, image.width(), image.height()


def _agree(room, tmp_path: Path, other: Path) -> None:
    expected, region = _chart_landmarks(room)
    png, width, height = _png_of(room, tmp_path)
    qt = _landmarks(_load(png), expected, region)
    theirs = _load(other)
    assert theirs.shape[:2] == (height, width)
    them = _landmarks(theirs, expected, region)
    # Qt's own picture is where the chart says: the zero line on the row of 0, the poll at its centre
    assert abs(qt["zero"] - expected["zero"][1]) <= 1.0
    assert abs(qt["zero_tick"] - qt["zero"]) <= 1.0  # the axis labels 0 where the zero line is
    assert qt["zero_label"] > 10 and them["zero_label"] > 10  # and the label is there
    assert abs(qt["last_x"] - expected["last"][0]) <= 1.0 and abs(qt["last_y"] - expected["last"][1]) <= 1.0
    # and the other renderer draws both on the same pixels
    for key in ("zero", "zero_tick", "last_x", "last_y"):
        assert abs(them[key] - qt[key]) <= 1.0, (key, them[key], qt[key])
    # and nothing else differs much either (antialiasing and glyph rendering aside): no marker or line
    # spilling out of the plot area, no shifted text
    mine = _load(png).astype(int)
    differ = np.abs(mine - theirs.astype(int)).max(axis=2) > 128
    print(f"{other.name}: {100 * differ.mean():.2f} % of pixels differ strongly from the PNG")
    assert differ.mean() < 0.02


def test_svg_renders_like_the_png_in_librsvg(room, tmp_path: Path) -> None:
    rsvg = shutil.which("rsvg-convert")
    if rsvg is None:
        pytest.skip("rsvg-convert is not installed (Debian: apt-get install librsvg2-bin)")
    _png, width, height = _png_of(room, tmp_path)
    svg = tmp_path / "lead2.svg"
    plot_to_svg(room.window.charts.plots["lead2"], svg)
    raster = tmp_path / "lead2_rsvg.png"
    subprocess.run([rsvg, "-w", str(width), "-h", str(height), str(svg), "-o", str(raster)], check=True, timeout=60)
    _agree(room, tmp_path, raster)


def test_svg_renders_like_the_png_in_qt_svg(room, tmp_path: Path) -> None:
    """Qt's own SVG renderer (which ignores clip-path) draws the file like the PNG too."""
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _png, width, height = _png_of(room, tmp_path)
    svg = tmp_path / "lead2.svg"
    plot_to_svg(room.window.charts.plots["lead2"], svg)
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid()
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    raster = tmp_path / "lead2_qtsvg.png"
    assert image.save(str(raster))
    _agree(room, tmp_path, raster)


def test_pdf_renders_like_the_png_in_poppler(room, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm is not installed (Debian: apt-get install poppler-utils)")
    _png, width, height = _png_of(room, tmp_path)
    pdf = tmp_path / "lead2.pdf"
    plot_to_pdf(room.window.charts.plots["lead2"], pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    stem = tmp_path / "lead2_pdf"
    subprocess.run(
        [pdftoppm, "-png", "-singlefile", "-scale-to-x", str(width), "-scale-to-y", str(height), str(pdf), str(stem)],
        check=True,
        timeout=60,
    )
    _agree(room, tmp_path, stem.with_suffix(".png"))


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
    with qtbot.waitSignal(room.averages.averages_ready, timeout=10000):
        room.window.dropEvent(event)
    assert any(p.pollster == "DropCo" for p in room.poll_service.polls)


def test_paste_a_spreadsheet_table(room, qtbot) -> None:
    table = (
        "pollster\tfieldwork_end\tsample_size\tfirst:ann\tfirst:bob\tfirst:cat\nPasteCo\t2024-04-25\t800\t41\t44\t15\n"
    )
    QGuiApplication.clipboard().setText(table)
    room.window.polls_pane.view.setFocus()
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=10000):  # stored on the import worker
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


def test_a_chart_exported_from_the_menu_as_pdf_svg_or_png(room, qtbot, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from warroom.ui.export import ExportError, export_chart

    win = room.window
    answers = iter(
        [
            (str(tmp_path / "runoff"), "PDF (*.pdf)"),
            (str(tmp_path / "r.svg"), "SVG (*.svg)"),
            (str(tmp_path / "r.png"), "PNG (*.png)"),
        ]
    )
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: next(answers))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (1200, True))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _w, _t, _l, items, *a, **k: (items[0], True))  # as on screen
    for _ in range(3):
        win.export_chart_dialog("lead2")
    qtbot.waitUntil(lambda: not win.file_writes, timeout=10000)  # (each file's end is written on a worker)
    assert (tmp_path / "runoff.pdf").read_bytes().startswith(b"%PDF")  # the filter's ending is added
    assert "<image" not in (tmp_path / "r.svg").read_text()
    assert QImage(str(tmp_path / "r.png")).width() == 1200
    with pytest.raises(ExportError, match=r"r\.gif: choose \.png, \.svg or \.pdf"):
        export_chart(win.charts.plots["lead2"], tmp_path / "r.gif")


def test_the_chart_panel_as_svg_is_plain_vector_with_all_three_charts(room, tmp_path: Path) -> None:
    out = tmp_path / "charts.svg"
    export_view(room.window.charts, out)
    text = out.read_text()
    assert "<image" not in text and "vector-effect" not in text
    for plot in room.window.charts.plots.values():
        assert f">{plot.titleLabel.item.toPlainText()}</text>" in text
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', text).groups())
    charts = room.window.charts
    assert (width, height) == (pytest.approx(charts.width(), abs=1), pytest.approx(charts.height(), abs=1))


@pytest.mark.parametrize("preset", ["slide", "slide-720p"])
def test_a_chart_as_a_16_to_9_slide(room, tmp_path: Path, preset: str) -> None:
    from warroom.ui.export import SLIDE_SIZES, chart_to_slide

    charts = room.window.charts
    before = (charts.visible_days(), [p.isVisible() for p in charts.plots.values()], charts.size())
    width, height = SLIDE_SIZES[preset]
    out = tmp_path / f"{preset}.png"
    chart_to_slide(charts, "lead2", out, width, height)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (width, height)
    assert width / height == pytest.approx(16 / 9, rel=0.01)
    pixels = _load(out)
    assert _dark(pixels).mean() > 0.005  # lines, points and labels, not an empty frame
    # the chart fills the slide: dark pixels (axes, labels) reach within 6 % of each side
    ys, xs = np.nonzero(_dark(pixels))
    assert xs.min() < 0.06 * width and xs.max() > 0.94 * width and ys.min() < 0.06 * height and ys.max() > 0.94 * height
    # the window's own charts are untouched
    assert (charts.visible_days(), [p.isVisible() for p in charts.plots.values()], charts.size()) == before
    svg = tmp_path / f"{preset}.svg"
    chart_to_slide(charts, "lead2", svg, width, height)
    assert re.search(rf'width="{width}" height="{height}"', svg.read_text())


def test_the_menu_offers_16_to_9_slides(room, qtbot, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "s.png"), "PNG (*.png)"))
    offered: list[str] = []

    def pick(_w, _t, _l, items, *a, **k):
        offered.extend(items)
        return next(i for i in items if "1280" in i), True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    room.window.export_chart_dialog("first")
    assert any("1920 × 1080 (16:9)" in i for i in offered)
    qtbot.waitUntil(lambda: not room.window.file_writes, timeout=10000)  # (a PNG is written on a worker)
    image = QImage(str(tmp_path / "s.png"))
    assert (image.width(), image.height()) == (1280, 720)
