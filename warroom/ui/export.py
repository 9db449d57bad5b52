"""Exports: any chart or panel to PNG (at a chosen resolution) or SVG, and the one-page PDF briefing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QMarginsF, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget


class ExportError(RuntimeError):
    pass


def _atomic(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(path.name + ".part")


def widget_to_png(widget: QWidget, path: Path, width: int | None = None, height: int | None = None) -> QImage:
    """Render a widget at exactly width x height pixels (scaled, not resized, so layout stays as on screen)."""
    size = widget.size()
    if size.width() <= 0 or size.height() <= 0:
        raise ExportError("the view has no size yet")
    w = width or size.width()
    h = height or round(w * size.height() / size.width())
    image = QImage(QSize(w, h), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(w / size.width(), h / size.height())
    widget.render(painter, QPoint(0, 0))
    painter.end()
    tmp = _atomic(path)
    if not image.save(str(tmp), "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; PySide6 wants str
        tmp.unlink(missing_ok=True)
        raise ExportError(f"could not write {path}")
    tmp.replace(path)
    return image


def widget_to_svg(widget: QWidget, path: Path, title: str = "") -> None:
    generator = QSvgGenerator()
    tmp = _atomic(path)
    generator.setFileName(str(tmp))
    generator.setSize(widget.size())
    generator.setViewBox(widget.rect())
    generator.setTitle(title or widget.accessibleName() or "warroom")
    generator.setDescription("Exported from warroom")
    painter = QPainter(generator)
    widget.render(painter, QPoint(0, 0))
    painter.end()
    tmp.replace(path)


def plot_to_svg(plot: pg.PlotItem, path: Path) -> None:
    """A single chart as vector SVG: its part of the scene painted through QSvgGenerator (curves stay paths).

    (pyqtgraph's own SVGExporter trips over some paths it generates itself; Qt's generator does not.)"""
    rect = plot.sceneBoundingRect()
    tmp = _atomic(path)
    generator = QSvgGenerator()
    generator.setFileName(str(tmp))
    generator.setSize(rect.size().toSize())
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle(plot.titleLabel.text or "warroom chart")
    painter = QPainter(generator)
    plot.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()
    tmp.replace(path)


def export_view(widget: QWidget, path: Path, width: int | None = None, height: int | None = None) -> None:
    suffix = path.suffix.lower()
    if suffix == ".png":
        widget_to_png(widget, path, width, height)
    elif suffix == ".svg":
        widget_to_svg(widget, path)
    else:
        raise ExportError(f"{path.name}: choose .png or .svg")


@dataclass
class BriefingScenario:
    name: str
    verdict: str
    margin: float
    break_even: str
    win_probability: float


@dataclass
class Briefing:
    title: str
    date_text: str
    average_lines: list[str]
    lead_lines: list[str]
    scenarios: list[BriefingScenario] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    chart: QWidget | None = None


def write_briefing_pdf(briefing: Briefing, path: Path) -> int:
    """One A4 page: title, date, average, both leads, the chosen scenarios, chart, sources. Returns pages."""
    tmp = _atomic(path)
    writer = QPdfWriter(str(tmp))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15))
    )
    writer.setResolution(150)
    writer.setTitle(briefing.title)
    writer.setCreator("warroom")
    painter = QPainter(writer)
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    width = page.width()
    y = 0.0

    def text(s: str, size: float, bold: bool = False, gap: float = 1.35, colour: str = "#000000") -> None:
        nonlocal y
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size)
        font.setBold(bold)
        painter.setFont(font)
        painter.setPen(QColor(colour))
        rect = painter.boundingRect(QRectF(0, y, width, 2000), Qt.TextFlag.TextWordWrap, s)
        painter.drawText(QRectF(0, y, width, rect.height()), Qt.TextFlag.TextWordWrap, s)
        y += rect.height() + size * gap

    text(briefing.title, 18, bold=True, gap=0.6)
    text(briefing.date_text, 10, colour="#444444")
    text("Poll average", 12, bold=True, gap=0.4)
    for line in briefing.average_lines:
        text(line, 9.5, gap=0.25)
    y += 10
    text("Leads", 12, bold=True, gap=0.4)
    for line in briefing.lead_lines:
        text(line, 9.5, gap=0.25)
    y += 10
    if briefing.chart is not None:
        src = briefing.chart
        target_w = width
        target_h = min(page.height() * 0.38, target_w * src.height() / max(1, src.width()))
        painter.save()
        painter.translate(0, y)
        painter.scale(target_w / src.width(), target_h / src.height())
        src.render(painter, QPoint(0, 0))
        painter.restore()
        y += target_h + 20
    if briefing.scenarios:
        text("Scenarios", 12, bold=True, gap=0.4)
        for sc in briefing.scenarios:
            text(
                f"{sc.name}: {sc.verdict} (margin {sc.margin:+.1f}; {sc.break_even}; challenger's chance {100 * sc.win_probability:.0f} %)",
                9.5,
                gap=0.3,
            )
        y += 10
    if briefing.sources:
        text("Sources of the polls used", 10, bold=True, gap=0.3)
        remaining = page.height() - y
        per_line = 9.0
        max_lines = max(1, int(remaining / (per_line * 2.2)) - 1)
        shown = briefing.sources[:max_lines]
        rest = len(briefing.sources) - len(shown)
        for s in shown:
            text(s, 6.5, gap=0.15, colour="#333333")
        if rest > 0:
            text(f"… and {rest} more (see the poll table)", 6.5, colour="#333333")
    painter.end()
    tmp.replace(path)
    return 1


def sources_of(urls: Sequence[tuple[str, str]]) -> list[str]:
    """'Pollster: URL' lines, one per distinct source."""
    seen: dict[str, str] = {}
    for pollster, url in urls:
        if url and url not in seen:
            seen[url] = pollster
    return [f"{p}: {u}" for u, p in seen.items()]


def plot_to_png(plot: pg.PlotItem, path: Path, width: int) -> None:
    """A single chart at `width` pixels (height keeps the on-screen aspect), via pyqtgraph's exporter."""
    tmp = _atomic(path)
    exporter = pyqtgraph.exporters.ImageExporter(plot)
    exporter.parameters()["width"] = int(width)
    exporter.export(str(tmp) + ".png")
    Path(str(tmp) + ".png").replace(path)


def render_target(
    window: QWidget, target: str, out: Path, width: int, height: int, briefing: Briefing | None = None
) -> None:
    """Headless rendering for `warroom render`: a chart, the chart panel, the scenario panel, the window or a briefing."""
    suffix = out.suffix.lower()
    charts = window.charts  # type: ignore[attr-defined]
    if target == "briefing" or suffix == ".pdf":
        if briefing is None:
            raise ExportError("no briefing to write")
        write_briefing_pdf(briefing, out)
        return
    if target in ("first", "lead1", "lead2"):
        plot = charts.plots[target]
        if suffix == ".svg":
            plot_to_svg(plot, out)
        else:
            plot_to_png(plot, out, width)
        return
    widget = {"charts": charts, "scenario": getattr(window, "_scenario_widget", None), "window": window}.get(target)
    if widget is None:
        raise ExportError(f"nothing to render for {target!r}")
    export_view(widget, out, width, height if target == "window" else None)
