"""AppSettings: a typed QSettings facade with one change signal per key."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

from warroom.paths import AppPaths

T = TypeVar("T")


class _Key(Generic[T]):
    def __init__(self, key: str, default: T, signal: str) -> None:
        self.key, self.default, self.signal = key, default, signal

    def __get__(self, obj: AppSettings | None, owner: type) -> T:
        if obj is None:
            return self  # type: ignore[return-value]  # class access: the descriptor itself
        value = obj.qsettings.value(self.key, self.default, type=type(self.default))
        return value  # type: ignore[return-value]  # QSettings converts to type(default)

    def __set__(self, obj: AppSettings, value: T) -> None:
        if value == self.__get__(obj, type(obj)):
            return  # no write, no signal
        obj.qsettings.setValue(self.key, value)
        getattr(obj, self.signal).emit(value)


class AppSettings(QObject):
    """Typed view of the user's settings.

    Signals:
        theme_changed: "system", "light", "dark" or "projector".
        contest_changed: the name of the contest last shown.
        presentation_views_changed: comma-separated view names stepped through in meeting mode.
    """

    theme_changed = Signal(str)
    contest_changed = Signal(str)
    presentation_views_changed = Signal(str)
    export_scale_changed = Signal(float)

    theme = _Key("view/theme", "system", "theme_changed")
    contest = _Key("data/contest", "", "contest_changed")
    presentation_views = _Key("view/presentation_views", "answer,charts,scenario", "presentation_views_changed")
    export_scale = _Key("export/scale", 2.0, "export_scale_changed")

    def __init__(self, qsettings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.qsettings = qsettings
        self.notice = ""  # something the window should say about the settings file (open_settings sets it)

    def for_contest(self, contest_id: int, key: str, default: str = "") -> str:
        """A setting of one contest ("presentation_views", "transfer_prior"): each race keeps its own."""
        value: Any = self.qsettings.value(f"contest/{contest_id}/{key}", default)
        return str(value) if value is not None else default

    def set_for_contest(self, contest_id: int, key: str, value: str) -> None:
        """Store a setting of one contest."""
        self.qsettings.setValue(f"contest/{contest_id}/{key}", value)

    def presentation_views_for(self, contest_id: int | None) -> list[str]:
        """Meeting mode's views for a contest: its own list if it has one, else the global one."""
        text = self.for_contest(contest_id, "presentation_views") if contest_id is not None else ""
        return [v for v in (text or self.presentation_views).split(",") if v]

    def geometry(self, name: str) -> QByteArray | None:
        value: Any = self.qsettings.value(f"window/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, name: str, data: QByteArray) -> None:
        self.qsettings.setValue(f"window/{name}", data)

    def sync(self) -> None:
        self.qsettings.sync()


SETTINGS_MAX_BYTES = 1 << 20
"""The app's settings are a few kilobytes; a file past a megabyte is not one it wrote, and QSettings rewrites the
whole file at every change on the GUI thread (49 MB: 16 s frozen per change)."""


def open_settings(paths: AppPaths) -> AppSettings:
    """The one way to the settings file, for the window and the headless renderer alike.

    An ini file beside the store's other state (paths.settings_file), never the platform's default QSettings
    location, so `warroom render` reads exactly what the app wrote. A file past SETTINGS_MAX_BYTES is set
    aside (renamed `settings.ini.too-large`, kept) and the app starts with default settings; `notice` says so.
    """
    import os

    notice = ""
    file = paths.settings_file
    try:
        size = file.stat().st_size if file.is_file() else 0
        if size > SETTINGS_MAX_BYTES:
            aside = file.with_name(file.name + ".too-large")
            os.replace(file, aside)
            notice = (
                f"The settings file was {size:,} bytes, far more than warroom writes; it was set aside as {aside} "
                "and default settings are used"
            )
    except OSError:  # cannot be moved: read as it is
        notice = ""
    settings = AppSettings(QSettings(str(file), QSettings.Format.IniFormat))
    settings.notice = notice
    return settings
