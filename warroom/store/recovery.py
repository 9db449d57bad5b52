"""Changes the store refused, kept in a file of the data folder across a close that could not ask (a signal, a
session ending), and offered again at the next start.

The file is JSON, owner-only, written all or nothing (paths.write_private_atomic): for each store (keyed by
store.db.store_identity, however its path or URL was typed; and as shown, passwords redacted) every change not saved there, oldest first, each with its contest (number, name and
creation time), its action and the polls as typed (the campaign bundle's poll form, store.contests.poll_to_dict and poll_from_dict).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from warroom.core.types import Poll, UnsavedChange
from warroom.paths import read_input_file, write_private_atomic
from warroom.store.contests import poll_from_dict, poll_to_dict
from warroom.store.db import redacted, store_identity

RECOVERY_FILE_NAME = "unsaved-change.json"
_VERSION = 3
"""Version 3 keeps each store's changes beside the others' ("stores": a list of {"store", "changes"}): one store per
file, a session on another store that had a change refused wrote its own over the first store's, and settling it
deleted them. Version 2 (one store: "store", and its "changes", oldest first) and version 1 (one change, its fields
at the top) are still read. Each entry's "key" (store_identity) says which store it is; an entry without one (written
before it was kept) is the store its "store" text reaches. Each entry's "session" (none before it was kept: "") is
the session that kept it: two windows on one store keep one entry each (the second's took the first's place)."""


def write_unsaved(
    path: Path, changes: Sequence[UnsavedChange], store: str, *, session: str = "", takes: Collection[str] = ()
) -> Path | None:
    """Keep `changes` (oldest first), made on `store` (its address as shown) by `session`, in `path`, replacing what
    that session kept for that store, and what the sessions in `takes` kept for it (the ones whose changes this
    session was offered at its start, read_kept: they are in its window now); what other sessions and other
    stores' kept there stays. A file there that cannot be read (a later version's, edited by hand: the start said
    it was left as it is) is set aside first, never replaced; returns where it went (None: nothing set aside).

    Raises:
        OSError: it could not be written (the file as it was).
    """
    key = store_identity(store)
    entry = {
        "key": key,
        "store": redacted(store),
        **({"session": session} if session else {}),
        "changes": [_as_dict(change) for change in changes],
    }
    with _held(path):
        try:
            entries, aside = _entries(path), None
        except ValueError:
            entries, aside = [], _set_aside(path)
        _write(path, [*[e for e in entries if not _is_kept_by(e, key, {session, *takes})], entry])
    return aside


def forget_unsaved(path: Path, store: str | None = None, *, session: str = "", takes: Collection[str] = ()) -> None:
    """The changes `session` (and the sessions in `takes`, as write_unsaved) kept for `store` are settled (saved,
    exported or discarded): they go, and the file with them once no store has any left (`store` None: the whole
    file goes)."""
    with _held(path):
        try:
            entries = _entries(path)
        except ValueError:  # a file that cannot be read holds no change of this session's: it stays as it is
            return
        key = None if store is None else store_identity(store)
        others = [e for e in entries if not _is_kept_by(e, key, {session, *takes})] if key is not None else []
        if others:
            _write(path, others)
        else:
            path.unlink(missing_ok=True)


LOCK_WAIT_S = 2.0
"""How long a session waits for another one's read and write of the file (milliseconds as a rule) before it gives
up with an OSError (the caller's "could not be written": the changes stay in its window)."""


@contextlib.contextmanager
def _held(path: Path) -> Iterator[None]:
    """The file's read, merge and write done by one session at a time: an advisory lock on `path` + ".lock" (an
    owner-only file beside it, kept). Two sessions closing at once (a session ending closes every window) each read
    the file, added their store's changes and wrote it: one store's changes were lost, in 2 of 30 tries.

    Raises:
        OSError: the lock could not be taken in LOCK_WAIT_S seconds, or its file made.
    """
    lock = path.with_name(path.name + ".lock")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(lock, flags, 0o600)
    try:
        _lock(fd, lock)
        yield
    finally:
        os.close(fd)  # (closing the file lets the lock go)


def _try_lock(fd: int) -> bool:
    """Take the advisory lock on `fd` if no other session holds it (False: one does)."""
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _lock(fd: int, lock: Path) -> None:
    deadline = time.monotonic() + LOCK_WAIT_S
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise OSError(f"{lock}: another warroom session holds it (waited {LOCK_WAIT_S:g} s)")
        time.sleep(0.01)


def _is_for(entry: Any, key: str) -> bool:
    """Whether a kept entry holds the changes of the store `key` (store_identity) names: by its "key", or for an
    entry written before it was kept, by the store its "store" text reaches (that text as it was typed: another
    spelling of the same store found nothing)."""
    if not isinstance(entry, dict):
        return False
    if isinstance(entry.get("key"), str):
        return bool(entry["key"] == key)
    shown = entry.get("store")
    return isinstance(shown, str) and bool(shown) and store_identity(shown) == key


def _is_kept_by(entry: Any, key: str, sessions: Collection[str]) -> bool:
    """Whether a kept entry holds the changes of the store `key` names, kept by one of `sessions` ("": an entry
    that names no session, written before they were kept)."""
    if not _is_for(entry, key):
        return False
    session = entry.get("session")
    return (session if isinstance(session, str) else "") in sessions


def _as_dict(change: UnsavedChange) -> dict[str, Any]:
    return {
        "contest_id": change.contest_id,
        "contest_name": change.contest_name,
        "contest_born": None if change.contest_born is None else change.contest_born.isoformat(),
        "action": change.action,
        "polls": [{**poll_to_dict(p), "id": p.id} for p in change.polls],
        # an edit's version made against (its Retry is made against it); read as none from files before it
        **({"bases": [{**poll_to_dict(p), "id": p.id} for p in change.bases]} if change.bases else {}),
    }


def _write(path: Path, entries: list[dict[str, Any]]) -> None:
    data = {"warroom_unsaved_change": _VERSION, "stores": entries}
    write_private_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", user_folder=False)


def _set_aside(path: Path) -> Path:
    """Move the file at `path` that cannot be read to its name + ".unreadable", or + ".unreadable.N" when one was set
    aside before (kept as it was: nothing is ever written over it); the new path."""
    aside = path.with_name(path.name + ".unreadable")
    n = 0
    while aside.exists() or aside.is_symlink():
        n += 1
        aside = path.with_name(f"{path.name}.unreadable.{n}")
    os.replace(path, aside)
    return aside


def _entries(path: Path) -> list[dict[str, Any]]:
    """Every store's entry kept in `path` ({"store", "changes"}, as read: not checked), whatever its version; none
    when there is no file.

    Raises:
        ValueError: the file is there and cannot be read as one (_load).
    """
    data = _load(path)
    if data is None:
        return []
    if data["warroom_unsaved_change"] == 1:
        return [{"store": data.get("store"), "changes": [{k: v for k, v in data.items() if k not in _TOP}]}]
    if data["warroom_unsaved_change"] == 2:
        return [{"store": data.get("store"), "changes": data.get("changes")}]
    stores = data.get("stores")
    return [e for e in stores if isinstance(e, dict)] if isinstance(stores, list) else []


_TOP = frozenset({"warroom_unsaved_change", "store"})


def _load(path: Path) -> dict[str, Any] | None:
    """The file's JSON object (None: no file).

    Raises:
        ValueError: it cannot be read as an unsaved-change file of a version this one knows.
    """
    try:
        # read_input_file, never a plain open: a named pipe there made every start wait for ever for a writer
        text = read_input_file(path).decode("utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"{path}: the unsaved change kept there cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: the unsaved change kept there cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except RecursionError:  # json recurses once per level of [ or {: a traceback that stopped every start
        raise ValueError(
            f"{path}: the unsaved change kept there cannot be read (its JSON is nested too deeply to read)"
        ) from None
    except ValueError as exc:
        raise ValueError(f"{path}: the unsaved change kept there cannot be read ({exc})") from None
    if not isinstance(data, dict) or data.get("warroom_unsaved_change") not in (1, 2, _VERSION):
        raise ValueError(
            f"{path}: the unsaved change kept there cannot be read (not a warroom unsaved-change file of this version)"
        )
    return data


def read_unsaved(path: Path, store: str) -> list[UnsavedChange]:
    """The changes kept in `path` for `store` by every session, oldest first (each session's in the order they were
    kept), each once; none when there is no file, or none kept for that store.

    Raises:
        ValueError: the file is there but cannot be read as one (what, and where), so the user can look at it.
    """
    return read_kept(path, store)[0]


def read_kept(path: Path, store: str) -> tuple[list[UnsavedChange], frozenset[str]]:
    """read_unsaved, and the sessions that kept them ("" for an entry that names none): a session offered them
    takes them over (write_unsaved's `takes`), or they would be offered again after it settled them.

    Raises:
        ValueError: as read_unsaved.
    """
    data = _load(path)
    if data is None:
        return [], frozenset()
    key = store_identity(store)
    try:
        if data["warroom_unsaved_change"] == 1:
            return ([_change(data, "")], frozenset({""})) if _is_for(data, key) else ([], frozenset())
        if data["warroom_unsaved_change"] == 2:
            entries = [data] if _is_for(data, key) else []
        else:
            if not isinstance(data["stores"], list):
                raise ValueError("stores must be a list")
            # (every entry of that store: one per session, and the version before kept one per spelling of its URL)
            entries = [e for e in data["stores"] if _is_for(e, key)]
        changes: list[UnsavedChange] = []
        read = 0
        for entry in entries:
            raw_changes = entry["changes"]
            if not isinstance(raw_changes, list) or not raw_changes:
                raise ValueError("it holds no changes")
            earlier = list(changes)  # (another session's: one it took over and kept again, killed before it settled)
            for raw in raw_changes:
                read += 1
                change = _change(raw, f"change {read}: ")
                if change not in earlier:  # a session's own list is kept whole, as it kept it
                    changes.append(change)
        sessions = frozenset(e["session"] if isinstance(e.get("session"), str) else "" for e in entries)
        return changes, sessions
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: the unsaved change kept there cannot be read ({exc})") from None


class SessionHold:
    """A session's hold on its entries of the recovery file while it runs (hold_session): an advisory lock on a file
    of its own beside the recovery file (`NAME.SESSION.live`), let go when the session ends, however it ends (the
    system lets a killed process's locks go). A start takes over only the entries of sessions that hold none."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self._fd = path, fd

    def release(self) -> None:
        """The session ends: its entries (if any are left) go to the next start."""
        if self._fd < 0:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)  # (closing the file lets the lock go)
        self._fd = -1


def _live_file(path: Path, session: str) -> Path | None:
    """Where `session`'s hold is kept (None: no session a start made names its entry so: "" or a hand edit)."""
    if not (session and len(session) <= 64 and all(c in "0123456789abcdef" for c in session)):
        return None
    return path.with_name(f"{path.name}.{session}.live")


def hold_session(path: Path, session: str) -> SessionHold | None:
    """Hold `session`'s entries of the recovery file `path` for as long as it runs (SessionHold); None when the hold
    could not be taken (its entries are then taken over by the next start, as before holds were kept).

    Raises:
        nothing: a hold that cannot be made never stops a change being kept.
    """
    live = _live_file(path, session)
    if live is None:
        return None
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(live, flags, 0o600)
    except OSError:
        return None
    if not _try_lock(fd):
        os.close(fd)
        return None
    return SessionHold(live, fd)


def _held_by_another(path: Path, session: str) -> bool:
    """Whether `session`, which kept an entry in `path`, still runs (its hold_session lock is held): its entries are
    in its window. A session that ended, or was killed, holds none: its lock file (if left) is removed."""
    live = _live_file(path, session)
    if live is None:
        return False
    try:
        fd = os.open(live, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:  # none there (a session that ended), or not a file this makes: no hold
        return False
    try:
        if not _try_lock(fd):
            return True
        with contextlib.suppress(OSError):
            live.unlink()  # (a killed session's)
        return False
    finally:
        os.close(fd)


def take_kept(path: Path, store: str, session: str) -> tuple[list[UnsavedChange], frozenset[str]]:
    """The changes kept in `path` for `store` by sessions that no longer run (read_kept's, less those of a session
    still running: they are in its window, and both windows holding one change could each enter it again), made
    `session`'s own in the file at once, so a start at the same moment is not offered them too. Returns them, and
    the sessions they were taken from (write_unsaved's `takes`). `session` should hold its entries first
    (hold_session), or a start at the same moment may take them back.

    Raises:
        ValueError: as read_unsaved (the file is left as it is).
        OSError: the file could not be locked or written (nothing taken).
    """
    key = store_identity(store)
    with _held(path):
        entries_all = _entries(path)
        read_kept(path, store)  # (the file's entries for the store checked whole first: ValueError, nothing taken)
        taken = [
            e
            for e in entries_all
            if _is_for(e, key) and (_session_of(e) == session or not _held_by_another(path, _session_of(e)))
        ]
        if not taken:
            return [], frozenset()
        changes: list[UnsavedChange] = []
        read = 0
        for entry in taken:
            earlier = list(changes)
            for raw in entry["changes"]:
                read += 1
                change = _change(raw, f"change {read}: ")
                if change not in earlier:
                    changes.append(change)
        mine = {
            "key": key,
            "store": redacted(store),
            **({"session": session} if session else {}),
            "changes": [_as_dict(change) for change in changes],
        }
        _write(path, [*[e for e in entries_all if not any(e is t for t in taken)], mine])
        return changes, frozenset(_session_of(e) for e in taken) - {session}


def _session_of(entry: dict[str, Any]) -> str:
    session = entry.get("session")
    return session if isinstance(session, str) else ""


def _change(data: Any, where: str) -> UnsavedChange:
    """One kept change (`where`: which, for a message)."""
    if not isinstance(data, dict):
        raise ValueError(f"{where}not a JSON object")
    action = data["action"]
    if action not in ("add", "edit", "delete"):
        raise ValueError(f"{where}unknown action {action!r:.40}")
    contest_id = data["contest_id"]
    if contest_id is not None and (isinstance(contest_id, bool) or not isinstance(contest_id, int)):
        raise ValueError(f"{where}contest_id {contest_id!r:.40} is not a whole number")
    born_text = data.get("contest_born")  # (not in files written before it was kept: None)
    try:
        born = None if born_text is None else datetime.fromisoformat(born_text)
    except (TypeError, ValueError):
        raise ValueError(f"{where}contest_born {born_text!r:.40} is not a date and time") from None
    polls = _polls(data["polls"], where, "poll")
    if not polls:
        raise ValueError(f"{where}it holds no polls")
    bases = _polls(data.get("bases", []), where, "base")  # (not in files written before it was kept: none)
    return UnsavedChange(action, polls, contest_id, str(data.get("contest_name") or ""), born, bases)


def _polls(raws: Any, where: str, what: str) -> tuple[Poll, ...]:
    """A kept change's list of polls (`what`: "poll", or "base" for an edit's versions made against)."""
    if not isinstance(raws, list):
        raise ValueError(f"{where}{what}s must be a list")
    polls = []
    for i, raw in enumerate(raws, start=1):
        if not isinstance(raw, dict):
            raise ValueError(f"{where}{what} {i}: not a JSON object")
        fields = dict(raw)
        poll_id = fields.pop("id", None)
        if poll_id is not None and (isinstance(poll_id, bool) or not isinstance(poll_id, int)):
            raise ValueError(f"{where}{what} {i}: id {poll_id!r:.40} is not a whole number")
        try:
            poll = poll_from_dict(fields)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{where}{what} {i}: {exc}") from None
        polls.append(poll if poll_id is None else replace(poll, id=poll_id))
    return tuple(polls)
