"""What every verb shares: errors, tables, JSON, opening the store and the contest."""

from __future__ import annotations

import argparse
import errno
import io
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import unquote, urlsplit

from warroom.core.types import Contest, echoed, without_isolates
from warroom.paths import AppPaths, in_backup_folder, overwrites_store, read_input_file

if TYPE_CHECKING:  # the light verbs (count, polls' help, --version) never import SQLAlchemy or Alembic
    from warroom.bootstrap import OpenStore


_CONTROL_CHARS = "\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(
    f"(\u2068[^{_CONTROL_CHARS}]*\u2069)|[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
"""A control character to show escaped, or (group 1) a name the core isolated for display (types.bidi_isolated:
first-strong isolate, text with no control at all, pop), which passes whole so that a right-to-left name keeps
the figures after it in a terminal that lays out bidi text."""
_ISOLATES = re.compile("[\u2068\u2069]")


class OutputError(OSError):
    """The verb's output could not be written (a full disk under a redirect, a closed standard output)."""


class PrintableText(io.TextIOBase):
    """A text stream that shows control characters (a terminal escape, a carriage return, a right-to-left
    override) as \\xNN / \\uNNNN instead of sending them: every verb prints data from files (a pollster, a
    note, a source), and an escape in one would clear or retitle the user's terminal. Line breaks and tabs pass.

    `inner` None is a stream that was closed when the program started (Python then has no sys.stdout). A write
    that fails raises OutputError (BrokenPipeError, a reader gone away, as it is); with `quiet` (standard error,
    where a message about the failure would go) it is dropped instead: there is nowhere left to say it.
    """

    def __init__(self, inner: TextIO | None, *, quiet: bool = False) -> None:
        super().__init__()
        self.inner = inner
        self.quiet = quiet

    def write(self, text: str) -> int:
        self._do(lambda inner: inner.write(_encodable(_CONTROLS.sub(_shown, text), inner)))
        return len(text)

    def flush(self) -> None:
        self._do(lambda inner: inner.flush())

    def _do(self, act: Callable[[TextIO], object]) -> None:
        try:
            if self.inner is None:
                raise OutputError(errno.EBADF, "the standard output is closed")
            act(self.inner)
        except BrokenPipeError:
            if not self.quiet:
                raise
        except OutputError:
            if not self.quiet:
                raise
        except (OSError, ValueError) as exc:  # ValueError: "I/O operation on closed file"
            if not self.quiet:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise OutputError(getattr(exc, "errno", None) or errno.EIO, reason) from exc

    def isatty(self) -> bool:
        return self.inner is not None and self.inner.isatty()

    def fileno(self) -> int:
        if self.inner is None:
            raise OutputError(errno.EBADF, "the standard output is closed")
        return self.inner.fileno()


NO_CONTEST = (
    "the store has no contest: make one with `warroom contest new --from RACE.toml` (or File > New in the window)"
)


def write_data(out: TextIO, text: str) -> None:
    """Write a file's contents to standard output (`warroom export -`). Into a pipe or a redirect it goes as the
    file holds it, UTF-8 byte for byte: through the terminal's filter a carriage return in a note became the four
    characters `\\x0d`, and a locale without a name's letters (a Windows redirect's cp1252) wrote `\\u0141` for
    `Ł`, so the CSV read back stored other text. A terminal still sees it as every verb's output is shown."""
    inner = out.inner if isinstance(out, PrintableText) else None
    if inner is None or inner.isatty():
        out.write(text)
        return
    assert isinstance(out, PrintableText)
    buffer = getattr(inner, "buffer", None)

    def raw(stream: TextIO) -> None:
        if buffer is None:  # a text stream with no bytes beneath (a test's StringIO): the text itself
            stream.write(text)
            return
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()

    out._do(raw)


def _encodable(text: str, inner: TextIO) -> str:
    """`text` with each character the stream's encoding cannot hold written as a \\uNNNN escape: a redirect on
    Windows writes cp1252, a terminal in a Latin-1 or ASCII locale has no Arabic letters or em dash, and the
    verb stopped mid-table with a UnicodeEncodeError."""
    encoding = getattr(inner, "encoding", None)
    if not encoding or text.isascii():
        return text
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        return text
    return text


def _shown(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1)
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class CliError(Exception):
    """A verb failed for a reason the user can fix; `code` is the exit code (1 bad input, 3 store)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    """A plain aligned text table; numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(_is_num(r[i]) for r in cells[1:] if r[i]) and len(cells) > 1 for i in range(len(headers))]
    for n, row in enumerate(cells):
        parts = [_pad(c, w, right=numeric[i]) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        out.write("  ".join(parts).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _width(text: str) -> int:
    """Columns a cell takes in a terminal: the isolates around a right-to-left name (types.bidi_isolated) and
    combining accents (a name written decomposed) take none, a Chinese, Japanese or Korean letter or a fullwidth
    one two ("王小明" is six columns: padded as three, its figure stood three columns right of the others)."""
    if text.isascii():
        return len(text)
    return sum(_columns(ch) for ch in _ISOLATES.sub("", text))


def _columns(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _pad(text: str, width: int, *, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def _is_num(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("%").lstrip("+"))
    except ValueError:
        return False
    return True


def emit_json(data: Any, out: TextIO) -> None:
    """Indented JSON, dates as ISO text. Names come plain: the isolates the core puts round a right-to-left name
    for display (types.bidi_isolated) are taken off every key and string (types.without_isolates)."""
    json.dump(_plain(data), out, indent=2, default=lambda o: without_isolates(str(o)))
    out.write("\n")


def _plain(data: Any) -> Any:
    if isinstance(data, str):
        return without_isolates(data)
    if isinstance(data, dict):
        return {without_isolates(k) if isinstance(k, str) else k: _plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    return data


def read_cli_file(path: Path, *, max_bytes: int) -> bytes:
    """A file named on the command line, whole; a missing or unreadable one (or a FIFO or device, which
    read_input_file refuses rather than reads) is a CliError naming it."""
    try:
        return read_input_file(path, max_bytes=max_bytes)
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except OSError as exc:
        raise CliError(f"{path}: cannot read ({exc.strerror})") from None


def refuse_the_store(args: argparse.Namespace, target: Path) -> None:
    """Refuse to write an export over the poll store the command uses (or its -wal, -shm or -journal file):
    a slip of tab completion in the data folder would replace the live store with CSV or JSON text.

    Every verb that writes a file calls it first, so it also holds the rules for the name itself: `-` is not a
    file (`warroom export -` writes the CSV to standard output; the other verbs refuse it: a file named "-" was
    made), and a name with a line break or another control character is refused (it was written, and then
    printed as two names).

    Raises:
        CliError: `target` is the store or one of its companion files, `-`, or a name with a control character.
    """
    from warroom.store.db import resolve_url

    _refuse_the_apps_own_files(args, target)
    if str(target) == "-":
        raise CliError("-: this verb writes a file, not standard output; give a file name; nothing written")
    if any((ch.isspace() and ch != " ") or unicodedata.category(ch) in ("Cc", "Cf") for ch in target.name):
        raise CliError(
            f"{str(target)!r}: a file name with a line break, tab or other control character is refused (terminals "
            "and file lists would show it as something else); nothing written"
        )

    try:
        url = resolve_url(args.db or paths_of(args).database)
    except Exception:  # a malformed --db: opening the store says so
        return
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return
    store = Path(unquote(urlsplit(database).path)) if database.startswith("file:") else Path(database)
    if overwrites_store(target, store):
        raise CliError(f"{target}: that is the poll store itself ({store}); choose another file; nothing written")


def output_file(text: str) -> Path:
    """An argparse type for a file a verb writes: an empty name (`--out ""`, a shell variable that was not set) is
    an error naming the option, not the current folder ("."), which it was read as ("cannot write (is a folder)")."""
    import argparse

    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name (is a shell variable unset?)")
    return Path(text)


def input_file(text: str) -> Path:
    """An argparse type for a file a verb reads: an empty name (`import ""`, a shell variable that was not set) is
    an error naming the argument, not the current folder, which it was read as ("'.': cannot read (is a folder)")."""
    import argparse

    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name (is a shell variable unset?)")
    return Path(text)


def given(text: str) -> str:
    """An argparse type for an option's text (`--matchup`, `--hypothesis`, `--row-of`...): never blank, which
    was taken as the option not given at all (an unset "$PAIR" in a script printed the default matchup's runoff
    without a word)."""
    import argparse

    if not text.strip():
        raise argparse.ArgumentTypeError("is empty (is a shell variable unset?): give a value, or leave the option out")
    return text


def _refuse_the_apps_own_files(args: argparse.Namespace, target: Path) -> None:
    """The store's backup folder and the settings file are the app's own: an export (a tab completion in the data
    folder) replaced a backup, the one way back after a bad import, with CSV text, or the settings with a picture."""
    if str(target) == "-":
        return
    try:
        paths = paths_of(args)
        mine = target.expanduser().resolve()
        settings = paths.settings_file.expanduser().resolve()
    except (OSError, RuntimeError, ValueError):
        return
    if in_backup_folder(target, paths.backup_dir):
        raise CliError(f"{target}: that is in the store's backup folder ({paths.backup_dir}), which is warroom's own; choose another file; nothing written")  # fmt: skip
    if mine == settings or (mine.parent == settings.parent and mine.name.casefold() == settings.name.casefold()):
        raise CliError(f"{target}: that is warroom's settings file; choose another file; nothing written")


def paths_of(args: argparse.Namespace) -> AppPaths:
    """The folders the app keeps its state in: --data-dir, else the user's own."""
    return AppPaths.under(args.data_dir) if args.data_dir else AppPaths.for_user()


def open_for_cli(args: argparse.Namespace, *, seed: bool = True, create: bool = False) -> OpenStore:
    """Open the store named by --db, else the default one under the app's data folder.

    A --db naming no store yet (a SQLite file not there or empty, in any form of URL; a server database with no
    table) is refused unless the verb writes (`create`: an import, a new contest): a mistyped path given to a verb
    that only reads (`contests`, `average`, `render`...) made its folders and a new store seeded with the demo races,
    without a word, and showed the demo as if it were the team's (one rule, `bootstrap.open_store(create=False)`)."""
    from warroom.bootstrap import NoStoreThere, gone_since_opened, made_new_notice, open_store, restored_of, way_back
    from warroom.store.errors import StoreError

    paths = paths_of(args)
    target = args.db or paths.database
    if not args.db:
        paths.ensure()
    gone = gone_since_opened(target, paths.backup_dir) if args.db else None
    if gone is not None:  # (an unmounted team drive: an import made a new store in its place)
        raise CliError(f"--db {args.db}: {gone}")
    # (looked up before the start's backup, which may rotate away the backup the copy is named after)
    restored = restored_of(target, paths.data_dir, paths.backup_dir)
    try:
        # the user's own default store is made at its first use, by any verb
        opened = open_store(target, backup_dir=paths.backup_dir, seed=seed, create=create or not args.db)
    except NoStoreThere as exc:
        raise CliError(f"--db {exc.where}: {exc}") from None
    except StoreError as exc:
        hint = way_back(target, paths.data_dir, paths.backup_dir) if exc.kind == "corrupt" else ""
        if not hint:
            raise
        raise StoreError(f"{exc}; {hint}", where=exc.where, kind=exc.kind) from None
    warn = getattr(args, "warn", None)
    if opened.backup_error and callable(warn):  # the window says it too: an import then had no way back, unsaid
        warn(opened.backup_error)
    notice = made_new_notice(opened, paths.data_dir, paths.backup_dir, restored_before=restored)
    if notice and callable(warn):  # (the window says it too)
        warn(notice)
    return opened


def contest_of(store: OpenStore, args: argparse.Namespace) -> Contest:
    """The contest named by --contest, else the most recent one."""
    from warroom.store import polls as repo
    from warroom.store.db import translated

    with translated(store.engine), store.sessions() as session:
        contest = repo.get_contest(session, args.contest) if args.contest else repo.get_contest(session)
    if contest is None:
        raise CliError(f"no contest named {echoed(args.contest)} in the store" if args.contest else NO_CONTEST)
    return contest
