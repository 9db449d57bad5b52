"""icon(name) and stylesheet(name): the only UI code that knows where resources/ lives."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap

from warroom.resources import resource_path

ICON_STROKE = "#333"
"""The colour resources/icons/ draw their strokes in (for a light page)."""


@cache
def icon(name: str, ink: str | None = None) -> QIcon:
    """The icon `name`; `ink`: its strokes drawn in that colour instead (a dark page: core.colour.readable)."""
    path = resource_path("icons", f"{name}.svg")
    if not path.exists():
        return QIcon()
    if ink is None:
        return QIcon(str(path))
    from PySide6.QtSvg import QSvgRenderer  # (only for a dark page: not imported at an ordinary start)

    data = path.read_text(encoding="utf-8").replace(f'stroke="{ICON_STROKE}"', f'stroke="{ink}"')
    renderer = QSvgRenderer(QByteArray(data.encode("utf-8")))
    inked = QIcon()
    for size in (16, 24, 32, 48, 64):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        inked.addPixmap(QPixmap.fromImage(image))
    return inked


@cache
def stylesheet(name: str = "app") -> str:
    path = resource_path("styles", f"{name}.qss")
    return path.read_text(encoding="utf-8") if path.exists() else ""
