"""AppSettings: a typed QSettings facade with one change signal per key."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

from warroom.paths import AppPaths, from_qt_name, make_private_folders, qt_name

T = TypeVar("T")


class _Key(Generic[T]):
    def __init__(self, key: str, default: T, signal: str, joiner: str = ", ") -> None:
        self.key, self.default, self.signal, self.joiner = key, default, signal, joiner

    def __get__(self, obj: AppSettings | None, owner: type) -> T:
        if obj is None:
            return self  # type: ignore[return-value]  # class access: the descriptor itself
        if isinstance(self.default, str):
            raw: Any = obj.qsettings.value(self.key, self.default)
            if isinstance(raw, list):  # `key=a, b` typed by hand or by another version: QSettings reads a list
                return self.joiner.join(str(v).strip() for v in raw)  # type: ignore[return-value]
            if isinstance(raw, QByteArray):  # `@ByteArray(...)`: its text, or the default (never a traceback)
                return _text(raw, self.default)  # type: ignore[return-value]
        value = obj.qsettings.value(self.key, self.default, type=type(self.default))
        return value  # type: ignore[return-value]  # QSettings converts to type(default)

    def __set__(self, obj: AppSettings, value: T) -> None:
        if value == self.__get__(obj, type(obj)):
            return  # no write, no signal
        obj.write(self.key, value)
        getattr(obj, self.signal).emit(value)


def _text(value: QByteArray, default: str) -> str:
    """A string setting QSettings read as bytes (`key=@ByteArray(...)`, written by hand or another program, in a
    file of plain ASCII): its text when it is UTF-8, else `default`. PySide's own conversion raised
    UnicodeDecodeError wherever the setting was read (a traceback at every start)."""
    try:
        return bytes(value.data()).decode("utf-8")
    except UnicodeDecodeError:
        return default


BORN_KEY = "created"
"""Beside a contest's settings (`contest/ID/created`): when the contest they were made for was created."""


def contest_born(identity: tuple[str, datetime | None] | None) -> str:
    """The mark of a contest's settings from its identity (store.polls.contest_identity): its creation time, which a
    rename keeps and a contest made later under a deleted one's id does not share ("" when unknown)."""
    if identity is None or identity[1] is None:
        return ""
    return identity[1].isoformat(sep=" ")


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

    theme = _Key("view/theme", "system", "theme_changed")
    contest = _Key("data/contest", "", "contest_changed")
    presentation_views = _Key(
        "view/presentation_views", "answer,charts,scenario", "presentation_views_changed", joiner=","
    )

    def __init__(self, qsettings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.qsettings = qsettings
        self.notice = ""  # something the window should say about the settings file (open_settings sets it)

    def for_contest(self, contest_id: int, key: str, default: str = "", *, store: str = "") -> str:
        """A setting of one contest ("presentation_views", "transfer_prior"): each race of each store keeps its own
        (`store`: bootstrap.settings_key; "" the layout before stores had theirs, `contest/ID/...`)."""
        value: Any = self.qsettings.value(f"{_contest_group(contest_id, store)}/{key}", default)
        if isinstance(value, list):  # `key=a, b` typed by hand or by another version: read as a list
            return ",".join(str(v).strip() for v in value)
        if isinstance(value, QByteArray):  # (str() of it is its Python spelling, "b'answer'")
            return _text(value, default)
        return str(value) if value is not None else default

    def set_for_contest(self, contest_id: int, key: str, value: str, *, born: str = "", store: str = "") -> None:
        """Store a setting of one contest; `born` (contest_born) marks the contest they are for (claim_contest)."""
        group = _contest_group(contest_id, store)
        if born:
            self.write(f"{group}/{BORN_KEY}", born)
        self.write(f"{group}/{key}", value)

    def forget_contest(self, contest_id: int, *, store: str = "") -> None:
        """Drop every setting of a contest deleted here (its id may be the next contest's)."""
        self.write(_contest_group(contest_id, store), None)

    def claim_contest(self, contest_id: int, born: str, *, store: str = "", former: str | None = None) -> None:
        """The contest stored under `contest_id` now was made at `born` (contest_born): settings kept under that id
        for another contest, one deleted since (SQLite gives its id to the next contest made), are dropped, so a
        new race never opens with a deleted one's settings. Settings from before they carried a creation time are
        the contest's own (an existing user's), and are marked as such; a contest with none gets no mark.

        With `store`, settings kept before they were kept per store (`contest/ID/...`, shared by every store) are
        read once: moved to this store's contest when they are its (its mark, or none), and gone from the shared
        place, so another store's race under the same id no longer takes them. Likewise those kept under `former`,
        the store's key before keys were store identities (bootstrap.former_settings_key: its URL as typed), first."""
        group = _contest_group(contest_id, store)
        for old in ([_contest_group(contest_id, former)] if former else []) + [_contest_group(contest_id, "")]:
            if not store or self._holds(group):
                break
            if self._holds(old):
                marked_old: Any = self.qsettings.value(f"{old}/{BORN_KEY}")
                if marked_old is None or not born or str(marked_old) == born:
                    self.qsettings.beginGroup(old)
                    keys = self.qsettings.allKeys()
                    values = {k: self.qsettings.value(k) for k in keys}
                    self.qsettings.endGroup()
                    for k, v in values.items():
                        self.write(f"{group}/{k}", v)
                    self.write(old, None)
        if not born:
            return
        marked: Any = self.qsettings.value(f"{group}/{BORN_KEY}")
        if marked is None:
            if self._holds(group):
                self.write(f"{group}/{BORN_KEY}", born)
        elif str(marked) != born:
            self.write(group, None)

    def presentation_views_for(self, contest_id: int | None, *, store: str = "") -> list[str]:
        """Meeting mode's views for a contest: its own list if it has one, else the global one."""
        text = self.for_contest(contest_id, "presentation_views", store=store) if contest_id is not None else ""
        return [v for v in (text or self.presentation_views).split(",") if v]

    def _holds(self, group: str) -> bool:
        self.qsettings.beginGroup(group)
        has_any = bool(self.qsettings.allKeys())
        self.qsettings.endGroup()
        return has_any

    def geometry(self, name: str) -> QByteArray | None:
        value: Any = self.qsettings.value(f"window/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, name: str, data: QByteArray) -> None:
        self.write(f"window/{name}", data)

    def write(self, key: str, value: object) -> None:
        """Set `key` (None: remove it and every key under it). Every change goes through here: the settings file
        and its folder are put back owner-only first if something deleted them while the app ran, since QSettings
        makes them again with the umask's modes (0755 and 0644; 0777 and 0666 under umask 000)."""
        _keep_private(from_qt_name(self.qsettings.fileName()))
        if value is None:
            self.qsettings.remove(key)
        else:
            self.qsettings.setValue(key, value)

    def sync(self) -> None:
        self.qsettings.sync()


def _contest_group(contest_id: int, store: str) -> str:
    """Where a contest's settings are kept: per store (`store/KEY/contest/ID`), or the layout before stores had
    theirs (`contest/ID`, store "")."""
    return f"store/{store}/contest/{contest_id}" if store else f"contest/{contest_id}"


@contextmanager
def settings_unchanged(settings: AppSettings) -> Iterator[AppSettings]:
    """The same settings for work that must change none of them (`warroom render`, which builds the window
    offscreen): every key copied into a scratch file in a private temporary folder, removed afterwards. The
    render's window closing had written its size and dock layout, and the race it drew, into the user's file."""
    import tempfile

    # A scratch copy: failing to remove it (too many open files by then) must not fail the work done with it.
    with tempfile.TemporaryDirectory(prefix="warroom-settings-", ignore_cleanup_errors=True) as folder:
        copy = _copy_into(settings, Path(folder))
        copy.notice = settings.notice
        try:
            yield copy
        finally:
            copy.qsettings.sync()  # (into the folder about to go: never later, after it has gone)


SETTINGS_MAX_BYTES = 1 << 20
"""The app's settings are a few kilobytes; a file past a megabyte is not one it wrote, and QSettings rewrites the
whole file at every change on the GUI thread (49 MB: 16 s frozen per change)."""


def open_settings(paths: AppPaths) -> AppSettings:
    """The one way to the settings file, for the window and the headless renderer alike.

    An ini file beside the store's other state (paths.settings_file), never the platform's default QSettings
    location, so `warroom render` reads exactly what the app wrote. A file past SETTINGS_MAX_BYTES is set
    aside (renamed `settings.ini.too-large`, kept; one set aside earlier keeps a numbered name, as with every
    set-aside file: _set_aside) and the app starts with default settings; `notice` says so. So is anything there
    that is not a regular file (a FIFO, a folder, a device, through a link or not: renamed
    `settings.ini.not-a-file`), and a link to a file that does not read as settings: QSettings saves by
    replacing a link's target, which put the settings in place of the file linked (run as root, in place of
    /dev/zero itself).
    """
    import os

    notice, kind = "", ""
    file = paths.settings_file
    try:
        kind = _not_a_file(file)
        if not kind and file.is_symlink() and file.exists() and not _reads_as_settings(file):
            kind = f"a link to {os.path.realpath(file)}, which is not a settings file"
        if kind:
            aside = _set_aside(file, ".not-a-file")
            notice = (
                f"The settings file {file} was {kind}; it was set aside as {aside} (nothing in it was changed) "
                "and default settings are used"
            )
    except OSError:  # cannot be moved: never read or write it; keep this session's settings elsewhere
        return _kept_elsewhere(
            file, f"The settings file {file} is {kind} and cannot be moved aside; settings will not be kept"
        )
    try:
        size = file.stat().st_size if file.is_file() else 0
        if 0 < size <= SETTINGS_MAX_BYTES and _binary(file):
            aside = _set_aside(file, ".unreadable")
            notice = (
                f"The settings file {file} held bytes no settings file has (NUL bytes, as a crash leaves, or text "
                f"that is not UTF-8); it was set aside as {aside}, kept as it was, and default settings are used"
            )
        elif size > SETTINGS_MAX_BYTES:
            aside = _set_aside(file, ".too-large")  # an earlier one kept under a numbered name, as every set-aside
            notice = (
                f"The settings file was {size:,} bytes, far more than warroom writes; it was set aside as {aside} "
                "and default settings are used"
            )
    except OSError:  # cannot be moved: read as it is
        notice = ""
    try:
        name = qt_name(file)
    except ValueError:  # a name in another encoding: Qt cannot open it (it would write somewhere else)
        return _kept_elsewhere(
            file,
            f"The settings file {file} has a name that is not UTF-8, which Qt cannot open: settings will not be kept",
        )
    settings = AppSettings(QSettings(name, QSettings.Format.IniFormat))
    if _made_read_only(file):
        # QSettings saves by writing a new file in its place: the user's read-only file was made writable and
        # rewritten at the first change. It is read, and this session's changes are kept beside it, never in it.
        copy = _session_copy(settings)
        copy.notice = (
            f"The settings file {file} is read-only: its settings are used, and changes made now last until warroom "
            "closes (make the file writable to keep them)"
        )
        return copy
    settings.notice = notice
    return settings


def _keep_private(file: Path) -> None:
    """An owner-only folder (0700) and file (0600) at `file` for QSettings to save into (QSaveFile keeps an existing
    file's mode), if either has gone; one that cannot be made is left for QSettings to report."""
    with contextlib.suppress(OSError, ValueError):
        if file.exists() or file.is_symlink():
            return
    with contextlib.suppress(OSError, ValueError):  # (ValueError: a name the file system's encoding cannot hold)
        make_private_folders(file.parent)
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))


def _made_read_only(file: Path) -> bool:
    """The settings file is a regular file with no write permission for anyone (chmod a-w): the user's choice, which
    holds for root too (who may write it anyway)."""
    import stat

    try:
        mode = file.stat().st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode) and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _session_copy(settings: AppSettings) -> AppSettings:
    """The settings copied into a scratch file in a private temporary folder, removed when the program ends."""
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="warroom-settings-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return _copy_into(settings, Path(folder))


def _copy_into(settings: AppSettings, folder: Path) -> AppSettings:
    """The settings copied into a new settings.ini in `folder`."""
    scratch = QSettings(qt_name(folder / "settings.ini"), QSettings.Format.IniFormat)
    for key in settings.qsettings.allKeys():
        scratch.setValue(key, settings.qsettings.value(key))
    return AppSettings(scratch)


def _kept_elsewhere(file: Path, notice: str) -> AppSettings:
    """Empty settings in a private temporary folder, for a session whose settings file must not be read or written
    (`notice` says why)."""
    import tempfile

    private = Path(tempfile.mkdtemp(prefix="warroom-settings-"))
    settings = AppSettings(QSettings(qt_name(private / file.name), QSettings.Format.IniFormat))
    settings.notice = notice
    return settings


def _not_a_file(file: Path) -> str:
    """What stands at `file` if it is there and is not a regular file (through links), in words; "" otherwise.

    Never opens it: a FIFO's open waits for a writer, /dev/zero never ends, and QSettings cannot save into a
    folder (every change was lost, silently)."""
    import stat

    try:
        mode = file.stat().st_mode
    except OSError:
        return ""  # absent, or a link to nothing: QSettings makes a new file
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _set_aside(file: Path, suffix: str) -> Path:
    """Move `file` to its name + `suffix`, making room there first (_make_room); the new path."""
    import os

    aside = file.with_name(file.name + suffix)
    if aside.exists() or aside.is_symlink():
        _make_room(aside)
    os.replace(file, aside)
    return aside


def _make_room(aside: Path) -> None:
    """Make room for this start's set-aside entry: an earlier one that was itself set aside is dropped only if it
    is a link or an empty folder or pipe; anything holding data keeps it and this start's gets a numbered name."""
    import os

    if aside.is_symlink() or not aside.is_dir():
        if aside.is_symlink() or not aside.is_file():
            os.unlink(aside)
            return
    elif not any(aside.iterdir()):
        aside.rmdir()
        return
    n = 1
    while (numbered := aside.with_name(f"{aside.name}.{n}")).exists() or numbered.is_symlink():
        n += 1
    os.replace(aside, numbered)


def _binary(file: Path) -> bool:
    """A regular settings file (at most SETTINGS_MAX_BYTES) holds a NUL byte or is not UTF-8: QSettings reads
    nothing of it, or its keys mangled, then writes a new file in its place at the first change."""
    try:
        data = file.read_bytes()
    except OSError:
        return False
    if b"\0" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _reads_as_settings(file: Path) -> bool:
    """Whether a regular file reads as an ini file QSettings wrote: UTF-8, at most SETTINGS_MAX_BYTES, every
    line blank, a `[section]`, a `key=value` or a `;` comment. QSettings itself reads almost any text without
    complaint (a letter's "Dear Sam," is a key), so its status cannot tell."""
    try:
        with file.open("rb") as fh:
            data = fh.read(SETTINGS_MAX_BYTES + 1)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if len(data) > SETTINGS_MAX_BYTES:
        return True  # the size rule below sets it aside, kept
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(";") and not (line.startswith("[") and line.endswith("]")) and "=" not in line:
            return False
    return True
