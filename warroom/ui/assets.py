"""icon(name) and stylesheet(name): the only UI code that knows where resources/ lives."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from warroom.resources import resource_path


@cache
def icon(name: str) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


@cache
def stylesheet(name: str = "app") -> str:
    path = resource_path("styles", f"{name}.qss")
    return path.read_text(encoding="utf-8") if path.exists() else ""
