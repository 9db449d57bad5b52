"""The start frame: what the window showed once its figures were in, kept so the next start paints at once.

Issue 15's cold start: importing the charting library alone takes longer than the half second a start may take
before the window is on screen. So the first paint is a shell of the window (menus, the race, the poll table, the
headline) drawn from this record of the last start, and the real window replaces it a moment later.

The record is only used when it describes exactly what this start would compute: its key is a digest of
everything the figures depend on (the store's whole content, the settings that choose what opens, the contest
asked for, today's date, the program's version). A store written since, another contest, another day: another
key, and the shell shows no figures at all (only "loading"). On a match the shell says the figures are the last
session's until the fresh ones replace them, unless the start's first read (store/first_read.py: the store's checks
and the digest of the very snapshot it read) made the key: then they are this store's figures now, and it says
they are live.

Pure but for load_frame (one small file read, refusing at once what is not one); the caller writes the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

FRAME_FILE = "start_frame.json"  # in the data folder: the last start's first screen
FRAME_MAX_BYTES = 1 << 20
"""A start frame is one screenful of text (a few kB); a file past this is not one and is not read."""
FORMAT = 3  # bumped when the fields change: an older file is then ignored, never misread
MAX_ROWS = 200
"""The poll table's first rows as shown. The start's first stage works on the polls only when the frame holds them
all (ui/start_shell.py), so this is the biggest contest it serves: 200 rows cost the first paint about 20 ms of CPU
more than 60 (22 -> 44 ms to read the frame and build and paint the shell at load 5; 500 rows: 97 ms)."""


@dataclass(frozen=True, slots=True)
class StartFrame:
    """The text of the window's first screen, as the last start showed it once its figures were in.

    Attributes:
        key: frame_key(...) of the state these figures were computed from.
        title: the window title ("London Mayor 2012 (demo) — warroom").
        contest: the contest picker's text.
        headers: the poll table's column headers.
        rows: the poll table's first rows (display text, in the order shown).
        polls: the status bar's poll count ("17 polls").
        store: the status bar's store line.
        headline: the scenario panel's headline lines (rich text, as the panel shows them).
        ids: the store id of each row's poll (the start's first stage edits the poll a row shows; empty: none).
        case: a runoff (SV) contest's live scenario case (core.start_case.StartCase.to_json; empty: none), from
            which the start's first stage builds the real scenario panel, sliders working (issue 15).
    """

    key: str
    title: str
    contest: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    polls: str
    store: str
    headline: tuple[str, ...]
    ids: tuple[int, ...] = ()
    case: str = ""

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> StartFrame | None:
        """The frame in `text`, or None if it is not one this version wrote (a cache: never an error)."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return None
            return cls(
                key=_str(data["key"]),
                title=_str(data["title"]),
                contest=_str(data["contest"]),
                headers=_strs(data["headers"]),
                rows=tuple(_strs(row) for row in _list(data["rows"])[:MAX_ROWS]),
                polls=_str(data["polls"]),
                store=_str(data["store"]),
                headline=_strs(data["headline"]),
                ids=tuple(_int(v) for v in _list(data["ids"])[:MAX_ROWS]),
                case=_str(data["case"]),
            )
        except (ValueError, KeyError, TypeError, RecursionError):  # (json recurses once per level of [ or {)
            return None


def load_frame(path: Path) -> StartFrame | None:
    """The start frame in `path`; None for anything else, at once: no file, not a regular file (a FIFO's read would
    wait for a writer, /dev/zero would never end), past FRAME_MAX_BYTES, not UTF-8 or not a frame this version
    wrote."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > FRAME_MAX_BYTES:
            return None
        data = os.read(fd, FRAME_MAX_BYTES + 1)
        if len(data) > FRAME_MAX_BYTES:
            return None
        return StartFrame.from_json(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


def frame_key(parts: Iterable[str]) -> str:
    """One digest of the parts (in order, each length-prefixed so no two lists of parts collide)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not a whole number")
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _strs(value: object) -> tuple[str, ...]:
    return tuple(_str(v) for v in _list(value))
