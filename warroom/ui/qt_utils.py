"""Small Qt helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject


@contextmanager
def signals_blocked(obj: QObject) -> Iterator[None]:
    previous = obj.blockSignals(True)
    try:
        yield
    finally:
        obj.blockSignals(previous)
