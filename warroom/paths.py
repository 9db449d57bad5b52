"""Where the app keeps its state: explicit, injectable, no import-time side effects."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warroom.core.infile import open_regular


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "polls.sqlite3"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.ini"

    @classmethod
    def for_user(cls) -> AppPaths:
        import platformdirs  # here, not at import: `warroom --data-dir DIR` and the tests never need it

        dirs = platformdirs.PlatformDirs("warroom", appauthor=False)
        return cls(dirs.user_data_path, dirs.user_config_path, dirs.user_log_path)

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """All state below one folder: tests, portable mode, --data-dir."""
        return cls(root / "data", root / "config", root / "logs")

    def ensure(self) -> None:
        """Create the app's folders (owner only, 0700) and an owner-only settings file, whatever the umask.

        Existing ones only lose permission bits: polls, backups, logs and settings (which name the contest
        and may hold a team-store address) are nobody else's business on a shared machine.

        Raises:
            AppFolderError: a folder cannot be made or used (a file in the way, no permission, a bad
                XDG_*_HOME); the message names it and says how to choose another.
        """
        for folder in (self.data_dir, self.config_dir, self.log_dir):
            try:
                make_private_folders(folder)
                _tighten(folder, 0o700)
            except OSError as exc:
                raise AppFolderError(folder, exc) from None
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self.settings_file, flags, 0o600))
        except OSError as exc:
            raise AppFolderError(self.settings_file, exc) from None
        if self.settings_file.is_file() and not self.settings_file.is_symlink():
            _tighten(self.settings_file, 0o600)


def qt_name(path: Path | str) -> str:
    """`path` as Qt must be given it to open that file. Qt names files in UTF-8 whatever the locale; Python in the
    locale's encoding, bytes it cannot read as U+DCxx escapes (under LC_ALL=C with its UTF-8 mode off: ASCII; under
    a Latin-1 or EUC locale, that encoding), which Qt wrote as U+FFFD: a data folder `Zoé` had its settings written
    to a new folder `Zo��` beside it, and a picture exported into it failed. The name's own bytes, read as UTF-8.

    Raises:
        ValueError: the name's bytes are not UTF-8, so Qt has no name for that file.
    """
    raw = os.fsencode(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{os.fsdecode(raw)!a}: Qt opens only file names in UTF-8") from None


def from_qt_name(name: str) -> Path:
    """A file name Qt gave (a file dialog's choice, a dropped file's URL) as the path Python opens: the inverse of
    qt_name. Under a locale whose encoding is not UTF-8 a file chosen in a folder `Zoé` was "no such file"."""
    return Path(os.fsdecode(name.encode("utf-8", "surrogatepass")))


def soft_limit(which: str) -> int | None:
    """This process's soft limit `which` (a `resource.RLIMIT_*` name: "RLIMIT_NOFILE" is `ulimit -n`); None when it
    is unlimited or cannot be read (no `resource` module, as on Windows; no memory left to ask)."""
    try:
        import resource

        soft = resource.getrlimit(getattr(resource, which))[0]
    except (ImportError, AttributeError, OSError, ValueError, MemoryError):
        return None
    return None if soft == resource.RLIM_INFINITY else int(soft)


def make_private_folders(folder: Path) -> None:
    """`folder.mkdir(parents=True, exist_ok=True)`, every folder it makes owner-only (0700) whatever the umask.

    Python makes the missing parents with the umask's mode (mkdir -p): under umask 000 `--data-dir NEW/state`
    made NEW world-writable, and so the platform's `~/.local/state/warroom` above the log folder; anyone on the
    machine could swap the data folder for one of their own. Folders that already exist keep their mode.
    """
    missing: list[Path] = []
    at = folder
    while not at.exists() and not at.is_symlink() and at.parent != at:
        missing.append(at)
        at = at.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=0o700)
        except FileExistsError:  # another instance made it meanwhile: theirs, with this same rule
            continue
        os.chmod(made, 0o700)  # the umask only takes bits away: 0o700 under umask 0o077, nothing under 0o700
    folder.mkdir(mode=0o700, exist_ok=True)  # (the errors, when it cannot be made, are mkdir's)


_XDG_VARIABLES = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


class AppFolderError(RuntimeError):
    """The app's own folders (store, settings, backups, logs) cannot be made or used."""

    def __init__(self, where: Path, exc: OSError) -> None:
        reason = exc.strerror or str(exc)
        blocked = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(where) else ""
        # the variable that put the folder where it is, if one did (XDG_STATE_HOME for the log folder was not named)
        named = [v for v in _XDG_VARIABLES if os.environ.get(v) and _under(where, Path(os.environ[v]))]
        variables = " / ".join(named or _XDG_VARIABLES[:3])
        super().__init__(
            f"cannot make or use the folder {where}{blocked}: {reason}; choose a folder you can write to with "
            f"--data-dir DIR (or fix {variables})"
        )
        self.where = where


def _under(path: Path, root: Path) -> bool:
    try:
        return path.is_relative_to(root) or path.absolute().is_relative_to(root.absolute())
    except (OSError, ValueError):
        return False


def _tighten(path: Path, allowed: int) -> None:
    """Drop the permission bits of `path` outside `allowed` (never adds one)."""
    mode = path.stat().st_mode & 0o7777
    if mode & ~allowed:
        with contextlib.suppress(OSError):  # not ours to change (another owner): leave it
            os.chmod(path, mode & allowed)


def write_private_atomic(path: Path, data: bytes | str, *, encoding: str = "utf-8", user_folder: bool = True) -> None:
    """Write a whole file readable by its owner only, all or nothing, never through a planted link.

    The data goes to a new file with a random name in the target's folder, created with O_EXCL | O_NOFOLLOW
    and mode 0600 (so neither a symlink planted at a guessable `NAME.part` nor the user's umask has a say),
    is flushed to disk, and then renamed over the target. A symlink at the target itself is replaced, not
    followed. On any failure the target is as it was and the temporary file is gone.

    Args:
        path: the file to (re)write.
        data: bytes, or text encoded with `encoding`.
        encoding: for text data.
        user_folder: the folder is the user's (an export's): one the user made read-only is refused even for
            root (_refuse_read_only_folder). False for warroom's own files beside the store.

    Raises:
        OSError: the folder is missing or not writable (or made read-only, for a user's folder), the disk is
            full, or the target is a folder (IsADirectoryError); nothing was changed.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    folder = path.parent
    _refuse_target(path)
    _refuse_missing_folder(path)
    if user_folder:
        _refuse_read_only_folder(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    import secrets  # (where used: random and hmac are not on the window's first-paint path)

    while True:
        # (the target's name cut to 40 characters, as atomic_target's folder: the whole name made it 22 bytes longer
        # than the target, and a target of 234-255 bytes, which the file system takes, "File name too long")
        temp = folder / f".{path.name[:40]}.{secrets.token_hex(8)}.tmp"
        try:
            fd = os.open(temp, flags, 0o600)
            break
        except FileExistsError:  # astronomically unlikely, but never reuse a name someone else made
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(folder)


def _refuse_missing_folder(path: Path) -> None:
    """An export makes no folders, from the window or the command line: `warroom render --out nodir/x.png` made
    the missing folder (and any above it, so a typo in a path made a tree), while the window's save dialogs and
    the CSV export refused it. The one rule: the folder must be there; the message says which is missing."""
    folder = path.parent
    if folder.is_dir():
        return
    if folder.exists() or folder.is_symlink():
        raise NotADirectoryError(errno.ENOTDIR, f"{folder} is not a folder", str(path))
    raise FileNotFoundError(errno.ENOENT, f"its folder {folder} does not exist; an export makes no folders", str(path))


def _refuse_read_only_folder(path: Path) -> None:
    """An export never writes into a folder the user made read-only (no write bit, or none for this process:
    user_made_read_only, the rule a read-only store and a read-only target follow). Run as root, `warroom export`
    into a 0555 folder wrote the file (root passes every permission) where a user was told "Permission denied":
    now both are told the same, naming the folder and its mode.

    Not on Windows: there a folder's read-only attribute does not stop writes into it, yet Explorer sets it on
    Documents, Desktop and other special folders and CPython reports them as mode 0555, so every export there
    would be refused; the write attempt's own error is the answer there."""
    if os.name == "nt":
        return
    folder = path.parent
    if user_made_read_only(folder):
        try:
            mode = f" (mode {folder.stat().st_mode & 0o7777:04o})"
        except OSError:
            mode = ""
        raise PermissionError(
            errno.EACCES,
            f"its folder {folder} is read-only{mode}: nothing is written there, whoever runs warroom (choose "
            "another folder)",
            str(path),
        )


def _links_into_a_process(path: Path) -> bool:
    """Whether `path` is, or its chain of links passes through, /dev or /proc (/dev/stdout -> /proc/self/fd/1):
    a process's open file, which resolves to the terminal, a pipe or a redirect's file, never an export's own."""
    here = Path(os.path.abspath(path))
    for _hop in range(40):
        if str(here).startswith(("/proc/", "/dev/")):
            return True
        try:
            step = os.readlink(here)
        except OSError:
            return False
        here = Path(os.path.abspath(here.parent / step))
    return True  # a loop of links: nothing to write through either


WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
)
"""Names Windows keeps for devices, with any ending (`NUL.csv` is the null device there, `CON.csv` the console)."""


def unportable_name(name: str) -> str | None:
    """Why a file name would be written as another file on Windows (or on a Windows share): a trailing dot or
    space, which Windows drops (`polls.sqlite3.` is the store itself there), or a device name. None if neither.
    One rule for every export, from the window and the command line, on every system: the file is shared."""
    if name and name != name.rstrip(". "):
        return "the name ends in a dot or a space, which Windows drops: another file's name would be written"
    stem = name.split(".", 1)[0].rstrip(" ").casefold()
    if stem in WINDOWS_DEVICE_NAMES:
        return f"{stem.upper()} is a device on Windows, not a file"
    return None


def user_made_read_only(path: Path | str, st: os.stat_result | None = None) -> bool:
    """The one read-only rule for a file the user owns (a store, an export's target): no write permission for
    this process, or no write bit at all. `os.access` alone says yes to root for any file, so a store the user
    made read-only (chmod 0444) would be written by a root process; the missing write bit is the user's
    decision, whoever runs the app. False for a path that does not exist (or cannot be looked at)."""
    if st is None:
        try:
            st = os.stat(path)
        except OSError:
            return False
    return not os.access(path, os.W_OK) or not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _refuse_target(path: Path) -> None:
    """A folder, or a file the user made read-only, is never replaced by an export (a rename over a read-only
    file succeeds wherever the folder is writable, and would quietly undo the user's protection); nor is a name
    Windows would read as another file or a device (unportable_name)."""
    problem = unportable_name(path.name)
    if problem is not None:
        raise OSError(errno.EINVAL, problem, str(path))
    try:
        st = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    # A device (/dev/null), or a link to one or to a process's open file (/dev/stdout, /dev/fd/1: the terminal or
    # a pipe): the rename below would replace the node or the link itself, and run as root delete the system's
    # own /dev/null or /dev/stdout. (A FIFO or a link in the user's own folder is replaced, as ever.)
    device = stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
    if stat.S_ISLNK(st.st_mode) and not device:
        with contextlib.suppress(OSError):
            followed = os.stat(path).st_mode
            device = stat.S_ISCHR(followed) or stat.S_ISBLK(followed)
        device = device or _links_into_a_process(path)
    if device:
        raise OSError(errno.ENODEV, "is a device, the terminal or a pipe, not a file (give a file name)", str(path))
    if stat.S_ISREG(st.st_mode) and user_made_read_only(path, st):
        raise PermissionError(errno.EACCES, "is read-only: it was left as it was (choose another name)", str(path))


@contextlib.contextmanager
def atomic_target(path: Path, *, ending: bytes = b"") -> Iterator[Path]:
    """A path for a writer that needs a file name (Qt's image, SVG and PDF writers), made into `path` all or
    nothing, owner-only, never through a planted link: `write_private_atomic` for writers that open files
    themselves.

    The name given out lies in a new folder only the user can enter (made in the target's folder, so the final
    rename stays on one disk): nobody can plant a link there, as they could at the old fixed `NAME.part`. On
    leaving the block the file is checked (present, not empty), made 0600, flushed to disk and renamed over
    `path`; on any failure `path` is as it was. The private folder is removed either way.

    Args:
        path: the file to (re)write.
        ending: what a complete file of this kind ends with (b"%%EOF" for a PDF, b"</svg>" for an SVG): Qt's
            PDF and SVG writers report no write error, so a file cut short by a full disk is caught by its end.

    Raises:
        OSError: the target is a folder or a read-only file, the folder is not writable, the writer wrote
            nothing (a full disk), or the rename failed; `path` is unchanged.
    """
    import shutil
    import tempfile

    _refuse_target(path)
    _refuse_missing_folder(path)
    _refuse_read_only_folder(path)
    private = Path(tempfile.mkdtemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent))
    try:
        temp = private / ("export" + path.suffix)
        yield temp
        try:
            info = temp.lstat()
        except FileNotFoundError:
            info = None
        if info is None or not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            raise OSError(errno.EIO, "nothing was written (is the disk full?): the file was left as it was", str(path))
        if ending:
            with temp.open("rb") as fh:
                fh.seek(max(0, info.st_size - 1024))
                if ending not in fh.read():
                    raise OSError(
                        errno.ENOSPC,
                        "the file came out incomplete (is the disk full?): the old one was left as it was",
                        str(path),
                    )
        os.chmod(temp, 0o600)
        fd = os.open(temp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
        _fsync_folder(path.parent)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); folders cannot be opened this way on Windows."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_input_file(path: Path, *, max_bytes: int | None = None) -> bytes:
    """The bytes of a file the user chose to import, refusing what would hang or never end.

    Opened non-blocking, so a FIFO with no writer returns at once instead of waiting forever, and then
    checked on the open descriptor (no race with a swap): only a regular file is read; a pipe, socket or
    device (/dev/zero never ends) and a folder are refused. A symlink the user chose is followed.

    Args:
        path: the file.
        max_bytes: refuse a larger file (None: no limit).

    Raises:
        OSError: missing, unreadable, not a regular file, or too large; `strerror` says which in plain words
            and `filename` is the path, so callers can show `exc.strerror` as they do for any OSError.
    """
    with open_regular(path) as fh:
        if max_bytes is not None and os.fstat(fh.fileno()).st_size > max_bytes:
            raise OSError(errno.EFBIG, f"larger than {max_bytes:,} bytes: nothing was read", str(path))
        data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:  # it grew while we read
        raise OSError(errno.EFBIG, f"larger than {max_bytes:,} bytes: nothing was read", str(path))
    return data


STORE_COMPANIONS = ("", "-wal", "-shm", "-journal", "-wal.owner")


def in_backup_folder(target: Path, backup_dir: Path | None) -> bool:
    """Whether `target` lies in the store's backup folder, which is warroom's own: an export there (a tab completion
    or a save dialog in the data folder) could replace a backup, the way back after a bad import. One rule for the
    CLI's exports and the window's save dialogs."""
    if backup_dir is None:
        return False
    try:
        mine, backups = target.expanduser().resolve(), backup_dir.expanduser().resolve()
    except (OSError, RuntimeError):
        return False
    return mine == backups or backups in mine.parents


def overwrites_store(target: Path, store_file: Path | None) -> bool:
    """Whether writing `target` would replace the SQLite poll store `store_file` or one of its -wal, -shm or
    -journal files (a slip of tab completion, or a save dialog opened in the data folder). One rule for the CLI's
    exports and the window's save dialogs; a store that is not a file (PostgreSQL, none) is never hit."""
    if store_file is None:
        return False
    mine = target.expanduser().resolve()
    store = store_file.expanduser().resolve()
    companions = [store.with_name(store.name + companion) for companion in STORE_COMPANIONS]
    if mine in companions:
        return True
    # On a case-insensitive disk (FAT or exFAT, macOS's and Windows' own) `Polls.sqlite3` and `polls.sqlite3-WAL`
    # are the store's own files: a name that is one of them in another case is refused wherever the folder is the
    # store's (on a case-sensitive disk it is a slip all the same), and so is any other name for the same file.
    try:
        same_folder = mine.parent == store.parent or os.path.samefile(mine.parent, store.parent)
    except OSError:
        same_folder = False
    if same_folder and mine.name.casefold() in {c.name.casefold() for c in companions}:
        return True
    try:
        return any(c.exists() and os.path.samefile(mine, c) for c in companions) if mine.exists() else False
    except OSError:
        return False
