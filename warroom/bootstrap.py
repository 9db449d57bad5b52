"""Opening a store for the app or the CLI: engine, schema upgrade (with backup), demo seeding. No Qt."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from warroom.paths import in_backup_folder, write_private_atomic
from warroom.store import polls as repo
from warroom.store.db import (
    LOCK_WAIT_OPTION,
    WRITE_LOCK_OPTION,
    StoreError,
    backup_sqlite,
    backups_of,
    hand_edits,
    in_memory,
    is_older_store,
    is_read_only,
    is_url,
    make_engine,
    make_session_factory,
    redacted,
    refuse_planted_code,
    resolve_url,
    sqlite_file_of,
    sqlite_path,
    translated,
    upgrade,
    write_locked,
)


@dataclass
class OpenStore:
    engine: Engine
    sessions: sessionmaker[Session]
    target: str
    backup: str | None = None
    seeded: bool = False
    read_only: bool = False
    backup_error: str | None = None
    notice: str | None = None  # said once at this start (made_new_notice): the window's status bar, a verb's stderr

    @property
    def display_target(self) -> str:
        """The store as it may be shown (status bar, tooltips, messages): a path, or a URL with no password."""
        return redacted(self.target)

    def close(self) -> None:
        self.engine.dispose()


def seed_france_2022(session: Session) -> int:
    """Store the France 2022 demo (second of the two demos: London stays contest 1, the one a new store opens
    on): its candidates, every poll notice and matrix of the campaign, the official rounds. Returns its id."""
    from warroom.demo import france_2022_compilation, france_2022_contest  # seeding only: not on every start
    from warroom.store import questions

    compilation = france_2022_compilation()
    contest_id = repo.add_contest(session, france_2022_contest())
    questions.add_campaign(session, contest_id, compilation.notices, compilation.matrices, compilation.results)
    return contest_id


BURLINGTON_PRIOR_SOURCE = "2009 ballots"
"""How the Burlington demo's stored ballots prior is named (the panel: "from the 2009 ballots")."""


def seed_burlington_2009(session: Session) -> int:
    """Store the Burlington 2009 instant-runoff demo (third of the demos, after London and France): the
    contest, the city's official result and, as its transfer prior, the 2009 ballots' first preferences and
    next-preference rows: the rows `warroom count BALLOTS --save-prior` stores (core.ballot_prior.contest_prior
    under the city's rules). It has no polls, so its scenario starts from those ballots. Returns its id."""
    from dataclasses import replace

    from warroom.core.ballot_prior import contest_prior
    from warroom.demo import BURLINGTON_2009, BURLINGTON_2009_RULES, burlington_2009_result, burlington_ballots
    from warroom.store.contests import set_official_result
    from warroom.store.irv_priors import set_irv_prior

    contest_id = repo.add_contest(session, BURLINGTON_2009)
    set_official_result(session, contest_id, burlington_2009_result())
    rules = BURLINGTON_2009_RULES
    prior = replace(
        contest_prior(burlington_ballots(), BURLINGTON_2009, max_rankings=rules.max_rankings),
        batch_elimination=rules.batch_elimination,
    )
    set_irv_prior(session, contest_id, prior, BURLINGTON_PRIOR_SOURCE)
    return contest_id


class NoStoreThere(StoreError):
    """The store named is not there yet (a SQLite file missing or empty, a server database with no table), where
    one must already be: nothing was created."""

    def __init__(self, message: str, *, where: str) -> None:
        super().__init__(message, where=where, kind="missing")


_MADE_BY = "A new store is made by a verb that writes (import, contest new) or by the app"


def settings_key(target: str | Path) -> str:
    """The store's name in the settings file, where each contest's settings are kept per store (a contest's id is
    only its store's: a team store's race 1 and one's own race 1 shared one meeting-mode choice): a hash of the
    store's identity (store.db.store_identity, the recovery file's key too): a SQLite file's real path, a server's
    backend, user, host, port and database however its URL was typed (the default port written out or not, the
    host's case, a password or connection options given), never its password."""
    import hashlib

    from warroom.store.db import store_identity

    return hashlib.sha256(store_identity(target).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def former_settings_key(target: str | Path) -> str | None:
    """The key the store's settings were kept under before settings_key was the store's identity (the SQLite file's
    absolute path as its folders spell it, or the URL as typed with its password redacted), when it is another
    key: settings saved there are carried over once (AppSettings.claim_contest). None: the same key."""
    import hashlib

    from warroom.store.db import as_on_disk

    path = _sqlite_file_of(target)
    name = str(as_on_disk(path)) if path is not None else redacted(str(target))
    old = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return None if old == settings_key(target) else old


def _sqlite_file_of(target: str | Path) -> Path | None:
    """The file a SQLite target opens, however it is written; None for a server or memory (db.sqlite_file_of)."""
    return sqlite_file_of(target)


def backups_of_target(target: str | Path, backup_dir: Path) -> list[Path]:
    """The automatic backups of the SQLite file `target` opens, however it is written, newest first (none for a
    server's store, which warroom does not back up)."""
    path = _sqlite_file_of(target)
    return [] if path is None else backups_of(path, backup_dir)


def restored_copy(data_dir: Path, backup: Path) -> Path:
    """Where the app puts its copy of `backup` when the store is damaged or gone (app._offer_backup): once, in
    the data folder, never written over."""
    return data_dir / f"restored-{backup.name}"


def restored_of(target: str | Path, data_dir: Path, backup_dir: Path) -> Path | None:
    """The copy of one of `target`'s backups the app restored at a start (the newest backup's there), or None."""
    backups = backups_of_target(target, backup_dir)
    return next((restored_copy(data_dir, b) for b in backups if restored_copy(data_dir, b).is_file()), None)


def made_new_notice(
    opened: OpenStore, data_dir: Path, backup_dir: Path, *, restored_before: Path | None = None
) -> str | None:
    """What a start that made `opened` afresh (seeded with the demo races) says when a copy of one of that store's
    backups, restored at an earlier start, is there: the user's newer work is in it. A damaged own store deleted
    (as a user may, to be rid of the question) was made new with the demo races, and the restored copy holding
    the work done since was named nowhere. None: not made here, or no such copy.

    Args:
        restored_before: restored_of(target) looked up before the store was opened. The copy is found through its
            backup's name, and the start that made the store new backs it up, rotating the oldest backup away:
            when the newest ones could not be opened, the one restored was that oldest, and the copy was named
            nowhere. (Looked up here too, for a caller that did not.)"""
    if not opened.seeded:
        return None
    restored = restored_before or restored_of(opened.target, data_dir, backup_dir)
    if restored is None:
        return None
    return (
        f"a new poll store was made with the demo races; the copy of its backup restored at an earlier start, "
        f"which holds the work done in it since, is {restored} (open it with --db {restored})"
    )


def way_back(target: str | Path, data_dir: Path, backup_dir: Path) -> str:
    """What a damaged SQLite store leaves within reach, in words ("" when nothing): the copy of a backup the app
    restored (work done since is there), else the newest automatic backup that opens. The command line said only
    "left untouched", while the app offered the backup and then worked in its copy, out of the verbs' sight."""
    from warroom.store.db import backup_problem

    backups = backups_of_target(target, backup_dir)
    restored = restored_of(target, data_dir, backup_dir)
    if restored is not None:
        return f"the app works in a copy of its backup restored at a start, which holds the work done since: --db {restored}"
    usable = next((b for b in backups if backup_problem(b) is None), None)
    if usable is None:
        return ""
    try:
        written = time.strftime("%Y-%m-%d %H:%M", time.localtime(usable.stat().st_mtime))
    except OSError:
        written = "at a time that cannot be read"
    return (
        f"its newest automatic backup that opens, written {written}, is {usable}: copy it and give the copy with "
        "--db (the app offers that copy at its start)"
    )


def store_file_gone(target: str | Path) -> Path | None:
    """The SQLite file `target` opens when nothing is there (None: it is there, or the store is a server's)."""
    path = _sqlite_file_of(target)
    return path if path is not None and not os.path.lexists(path) else None


def gone_since_opened(target: str | Path, backup_dir: Path) -> str | None:
    """What to say of a SQLite store file that is not there but was opened here before (its automatic backups
    are kept), naming its newest backup; None when it is there, or was never opened here (a new store).

    Its folder may be a network drive or a disk not connected now: a verb that writes, or the app, made a new
    store seeded with the demo races in its place without a word (at the mount point, or making the folders), and
    the team's polls seemed gone; an import went into the new store."""
    gone = store_file_gone(target)
    backups = backups_of_target(target, backup_dir) if gone is not None else []
    if gone is None or not backups:
        return None
    try:
        written = time.strftime("%Y-%m-%d %H:%M", time.localtime(backups[0].stat().st_mtime))
    except OSError:
        written = "at a time that cannot be read"
    return (
        f"the poll store {gone} is not there, but it was opened here before: its folder may be on a network drive "
        f"or a disk that is not connected now; nothing was made there. Its newest automatic backup, written "
        f"{written}, is {backups[0]} (to start a new store at that path instead, move its backups away first: "
        f"{backups[0].parent})"
    )


def _refuse_a_tilde_in_a_url(target: str | Path) -> None:
    """Only the shell expands `~`, and not inside a URL: `sqlite:///~/team.sqlite3` made a folder named `~` in the
    current folder and a new store in it (a path, `--db ~/team.sqlite3`, is expanded: resolve_url)."""
    if not (isinstance(target, str) and is_url(target)):
        return
    path = _sqlite_file_of(target)
    if path is None or not path.parts or not path.parts[0].startswith("~"):
        return
    meant = path.expanduser()
    raise StoreError(
        f"'~' in a store URL is not the home folder (only the shell expands it, and not inside a URL): SQLite would "
        f"make a folder named {path.parts[0]!r} here; nothing was opened or created. Give the path alone "
        f"(--db {path}) or write it in full (sqlite:///{meant})",
        where=redacted(target),
    )


def _refuse_no_sqlite_file(target: str | Path) -> None:
    """Before make_engine makes the file: a SQLite store that is not there, or an empty file, is not made a new
    store (seeded with the demo races) by a start that must find one."""
    path = _sqlite_file_of(target)
    if path is None:
        return
    if not os.path.lexists(path):
        raise NoStoreThere(f"no poll store there (a mistyped path?); nothing was created. {_MADE_BY}", where=str(path))
    if path.is_file() and path.stat().st_size == 0:
        raise NoStoreThere(
            f"this file is empty: no poll store in it yet; it was left as it is. {_MADE_BY}", where=str(path)
        )


WAL_HEADER_BYTES = 32
"""A write-ahead log's own header: a log longer than this holds writes (frames)."""


def _refuse_a_backup(target: str | Path, backup_dir: Path | None) -> None:
    """A file in the backups folder (one of the automatic backups, given with --db by a tab completion in the data
    folder) is not opened as a store in place: a verb that writes changed it, so it no longer held the store as it
    was, and the store's next starts rotated it away with the work done in it, without a word; a backup of a new
    store was even seeded with the demo races, and a reading verb marked it and took a backup of it."""
    path = _sqlite_file_of(target)
    if path is None or backup_dir is None or not in_backup_folder(path, backup_dir):
        return
    raise StoreError(
        "this file is in warroom's backups folder, among its automatic backups, which are rotated away after five "
        "more starts (with any work done in them) and must keep the store as it was: copy it out of the backups "
        "folder and open the copy (--db COPY); nothing was opened or changed",
        where=str(path),
    )


def _refuse_an_emptied_store(target: str | Path, backup_dir: Path | None) -> None:
    """An empty store file that was a store is refused as damaged (the app offers its newest backup), both it and
    its log left as they are. A new store's file is empty only until SQLite writes its first page, before any log
    and before its first start's backup.

    - With a write-ahead log holding writes beside it: the store was emptied (truncated in place under a running
      app, or by a command), its last writes in the log. SQLite takes an empty file for a new database and wipes
      the log when it first writes there: a verb that writes made a new store over those writes (and a reading
      one said "no poll store in it yet").
    - With automatic backups of it kept here: the app took the file for a new store and seeded the demo races into
      it without a word, and every later start's backup rotated one of the user's own away (none left by the
      fifth start). To start a new store there, its backups are moved away first, as for a store file gone."""
    path = _sqlite_file_of(target)
    if path is None:
        return
    wal = Path(f"{path}-wal")
    try:
        if not (path.is_file() and path.stat().st_size == 0):
            return
        logged = wal.stat().st_size if wal.is_file() else 0
    except OSError:
        return
    if logged > WAL_HEADER_BYTES:
        raise StoreError(
            f"this store file is empty, but its write-ahead log beside it ({wal.name}, {logged:,} bytes) holds "
            "writes: the file was emptied (by another program or a command), and SQLite would take it for a new "
            f"store and wipe the log. Nothing was opened or changed: keep {wal.name} with the file, and work from "
            "a backup",
            where=str(path),
            kind="corrupt",
        )
    backups = backups_of(path, backup_dir) if backup_dir is not None else []
    if backups:
        raise StoreError(
            "this store file is empty, but it held a poll store when it was opened here before (its automatic "
            "backups are kept): it was emptied by another program or a command. Nothing was opened or changed, so "
            "as not to make a new store there; work from a backup (to start a new store at this path instead, "
            f"move its backups away first: {backups[0].parent})",
            where=str(path),
            kind="corrupt",
        )


def _refuse_an_empty_database(engine: Engine, target: str | Path) -> None:
    """A server database with no table at all (just made by CREATE DATABASE, or another name mistyped) is not made
    a new store by a start that must find one: any verb seeded it with the demo races and listed them."""
    if sqlite_path(engine) is not None:
        return  # checked on the file, before the engine was made
    with translated(engine), engine.connect() as conn:
        empty = not inspect(conn).get_table_names()
    if empty:
        raise NoStoreThere(
            f"this database holds no poll store (it has no table); nothing was created in it. {_MADE_BY}",
            where=redacted(target),
        )


def _memory(target: str) -> bool:
    try:
        return in_memory(resolve_url(target))
    except Exception:  # a malformed URL: make_engine says so, without the password
        return False


def _looks_empty(engine: Engine) -> bool:
    """Whether the store is new: no contest and nothing ever written (read without a lock; re-checked under it
    before seeding)."""
    with translated(engine), Session(bind=engine) as session:
        return repo.count_contests(session) == 0 and repo.never_written(session)


def _refuse_hand_edits(engine: Engine, target: str | Path) -> None:
    edited = hand_edits(engine)
    if edited:  # refused before this start's backup, so the backups keep the store as it was before
        raise StoreError(
            "this store holds values edited outside warroom that it cannot use: " + "; ".join(edited)
            + "; correct them, or restore a backup (nothing was changed)",
            where=str(sqlite_path(engine) or redacted(target)),
            kind="corrupt",
        )  # fmt: skip


WAL_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of a SQLite file; bytes 18 and 19 are 2 in WAL mode (1 in rollback mode)."""


PYSQLITE_ARGUMENTS = frozenset({"timeout", "isolation_level", "detect_types", "check_same_thread", "cached_statements"})
"""The query arguments of a sqlite:/// URL that Python's sqlite3 driver takes without `uri=true`."""


def _refuse_ignored_sqlite_options(target: str | Path) -> None:
    """Refuse a sqlite:/// URL whose options the driver would ignore (SQLite's URI options, `mode=ro`,
    `immutable=1`, `nolock=1`, only apply with `uri=true`): `--db "sqlite:///polls.sqlite3?mode=ro"` printed a
    library warning and then wrote into the store the user had asked to open read-only."""
    if not isinstance(target, str) or not target.strip().casefold().startswith("sqlite") or not is_url(target):
        return
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        query = make_url(target).query
    except ArgumentError:
        return  # make_engine names a malformed URL
    if str(query.get("detect_types", "0")).strip() not in ("", "0"):
        # the driver would turn dates into Python objects itself, which the store's reader takes as text: every verb
        # died with "TypeError: fromisoformat: argument must be str"
        raise StoreError(
            "the store URL's option detect_types makes the driver convert the store's dates itself, which warroom "
            "reads as text; leave it out (nothing was opened or changed)",
            where=redacted(target),
        )
    _refuse_unreadable_sqlite_url(target)
    if str(query.get("uri", "")).casefold() in ("true", "1", "yes", "on"):
        _refuse_sqlite_uri_options(target)
        return
    ignored = sorted(set(query) - PYSQLITE_ARGUMENTS - {"uri"})
    if ignored:
        options = ", ".join(ignored)
        raise StoreError(
            f"the store URL's option(s) {options} would be ignored (SQLite's URI options apply only with uri=true, "
            "e.g. sqlite:///file:polls.sqlite3?mode=ro&uri=true); nothing was opened or changed",
            where=redacted(target),
        )


def _refuse_unreadable_sqlite_url(target: str) -> None:
    """Refuse a sqlite:/// URL the driver cannot read, naming what in it: an option's value that is not of its kind
    (`timeout=abc`, `check_same_thread=maybe`) and a NUL in the path (`%00`) ended every verb in the bare words of
    the conversion ("could not convert string to float: 'abc'", "embedded null byte"), no option or store named."""
    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
    from sqlalchemy.engine import make_url

    url = make_url(target)
    database = url.database or ""
    if "\x00" in (unquote(urlsplit(database).path) if database.startswith("file:") else database):
        raise StoreError(
            "the store URL's path holds a NUL character (%00), which no file name can; nothing was opened or changed",
            where=redacted(target),
        )
    for option in sorted(PYSQLITE_ARGUMENTS & set(url.query)):
        try:
            SQLiteDialect_pysqlite().create_connect_args(url.set(query={option: url.query[option]}))
        except (ValueError, TypeError):
            value = url.query[option]
            raise StoreError(
                f"the store URL's option {option}={value!s:.40} cannot be read ({_OPTION_KINDS.get(option, 'see the sqlite3 driver')}); "
                "nothing was opened or changed",
                where=redacted(target),
            ) from None


_OPTION_KINDS = {
    "timeout": "a number of seconds",
    "check_same_thread": "true or false",
    "cached_statements": "a whole number",
    "detect_types": "a whole number",
}


SQLITE_URI_OPTIONS = frozenset({"vfs", "mode", "cache", "psow", "nolock", "immutable", "modeof"})
"""The query parameters SQLite itself reads from a `file:` URI (https://sqlite.org/uri.html); it ignores others."""


def _refuse_sqlite_uri_options(target: str) -> None:
    """A sqlite:/// URL with `uri=true` is held to what SQLite does with it, before anything is opened:

    - its path must be a `file:` URI: SQLite reads any other as a plain file name, options and all, and made a new
      store "polls.sqlite3?nolock=1" (seeded with the demo races: the user's polls seemed gone) beside the one the
      checks, backups and log mark looked at;
    - an option SQLite does not know (a typo, `mdoe=ro`) is ignored by SQLite: refused, naming it;
    - `nolock=1` and the `unix-none` VFS turn SQLite's locking off, which two windows or teammates on one store
      rely on: refused, saying why."""
    from sqlalchemy.engine import make_url

    url = make_url(target)
    where = redacted(target)
    query = {k: v for k, v in url.query.items() if k not in PYSQLITE_ARGUMENTS and k != "uri"}
    database = url.database or ""
    if not database.startswith("file:"):
        made = database + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        raise StoreError(
            f"with uri=true the store's path must be a file: URI; as written, SQLite would open or make a file "
            f"named {made!r} instead of {database!r} (write sqlite:///file:{database}?{'&'.join(f'{k}={v}' for k, v in query.items()) + '&' if query else ''}uri=true); "
            "nothing was opened or changed",
            where=where,
        )  # fmt: skip
    unknown = sorted(set(query) - SQLITE_URI_OPTIONS)
    if unknown:
        raise StoreError(
            f"the store URL's option(s) {', '.join(unknown)} are not SQLite URI options and would be ignored "
            f"(SQLite takes {', '.join(sorted(SQLITE_URI_OPTIONS))}); nothing was opened or changed",
            where=where,
        )
    unlocked = [k for k, v in query.items() if (k == "nolock" and str(v) not in ("0", "")) or (k == "vfs" and "none" in str(v))]  # fmt: skip
    if unlocked:
        raise StoreError(
            f"the store URL's option {', '.join(f'{k}={query[k]}' for k in unlocked)} turns SQLite's file locking off; "
            "two windows or teammates on one store rely on it, and writing without locks can corrupt the store. "
            "Nothing was opened or changed: leave the option out",
            where=where,
        )


def _refuse_leftovers(target: str | Path) -> None:
    """Refuse a SQLite store with another database's leftovers beside it, before SQLite opens the file (and plays
    them back into it): a rollback journal beside a store in WAL mode, or a write-ahead log another store wrote.
    One pre-open step: both are files a crash or a copy left next to `polls.sqlite3`, and SQLite replays either
    into whatever file bears its name."""
    from warroom.store.fingerprint import sqlite_file

    db = sqlite_file(target) if not (isinstance(target, str) and _memory(target)) else None
    if db is None:
        return
    _refuse_odd_side_files(db)
    _refuse_a_journal_not_its_own(db)
    _refuse_a_wal_not_its_own(db)


def _refuse_odd_side_files(db: Path) -> None:
    """Refuse anything but a plain file at the names of SQLite's own files beside the store (store/revisions.py,
    odd_side_file): a FIFO at `-journal` held every start for ever; the others were "the disk reported an error"
    or "no permission"."""
    from warroom.store.revisions import odd_side_file

    found = odd_side_file(db)
    if found is not None:
        side, what = found
        raise StoreError(
            f"{side.name} beside the store is {what}, not a file SQLite made: SQLite would read or write through it "
            "(a pipe held every start for ever). Nothing was opened or changed: remove it, or ask whoever put it "
            "there, and start again",
            where=str(side),
            kind="foreign",
        )


JOURNAL_SETTLE_S = 1.0
"""How long a rollback journal beside a WAL store may take to go away before it is taken for a leftover: another
instance's live write (the WAL switch of a new store) ends within milliseconds."""


def _refuse_a_journal_not_its_own(db: Path) -> None:
    """A non-empty `-journal` beside a store in WAL mode is another database's.

    SQLite makes no rollback journal for a database in WAL mode, so such a journal is another database's (a store
    copied over one whose journal stayed behind, another program's crash); SQLite plays a hot journal back into
    whatever file bears its name, and played into a store it destroyed it ("malformed database schema", every
    poll gone). A store in rollback mode keeps SQLite's own recovery of its journal."""
    import stat

    journal = Path(f"{db}-journal")
    settle = time.monotonic() + JOURNAL_SETTLE_S
    while True:
        # Another instance switching a new store to WAL writes its header under a rollback journal for a few
        # milliseconds (two instances starting together): a journal that goes away is a live write, not a leftover.
        try:
            if not stat.S_ISREG(os.stat(journal).st_mode) or os.stat(journal).st_size == 0:
                return
        except OSError:
            return
        if time.monotonic() >= settle:
            break
        time.sleep(0.02)
    try:
        if not stat.S_ISREG(os.stat(db).st_mode):
            return  # a folder or a FIFO at the store's path: make_engine names it
        with open(db, "rb") as fh:
            header = fh.read(20)
    except OSError:
        return
    if len(header) == 20 and header.startswith(WAL_HEADER) and header[18] == 2 and header[19] == 2:
        raise StoreError(
            f"a rollback journal ({journal.name}) lies beside the store, but the store is in WAL mode, which makes "
            "none: the journal is not its own (another database's, left by a copy or a crash) and SQLite would "
            f"write it into the store, destroying it. Nothing was opened or changed: move {journal} out of the "
            "folder (keep it if another database may need it) and start again",
            where=str(journal),
        )


def _refuse_a_wal_not_its_own(db: Path) -> None:
    """A `-wal` holding another store's writes.

    A crash leaves committed writes in `polls.sqlite3-wal`; if another store is then copied into place (a laptop's
    copy, a restore by hand), SQLite plays the old log into it: its integrity check passes and its polls are gone.
    The store's identity is kept beside its log (store/revisions.py, `_mark_wal_owner`), so such a log is told apart."""
    from warroom.store.revisions import wal_not_its_own

    wal = wal_not_its_own(db)
    if wal is not None:
        raise StoreError(
            f"a write-ahead log ({wal.name}) lies beside the store, but it holds the writes of another store (the "
            f"one that was here before this file was put in its place); SQLite would write them into this store, "
            f"destroying it. Nothing was opened or changed: move {wal} and {wal.name[:-4]}-shm out of the folder "
            "(keep them if the other store may need them) and start again",
            where=str(wal),
        )


def _mark_wal_owner(engine: Engine, db_file: Path | None) -> None:
    """Give a writable SQLite store its identity (a random user_version, once) and keep it beside its log."""
    import secrets

    from warroom.store.revisions import read_wal_owner, wal_owner_file

    if db_file is None:
        return
    try:
        with engine.connect() as conn:
            identity = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        if identity == 0:  # once per store; a store another program holds locked waits for a later start
            with engine.connect() as plain:
                conn = plain.execution_options(**{LOCK_WAIT_OPTION: 500, WRITE_LOCK_OPTION: True})
                with conn.begin():
                    identity = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
                    if identity == 0:
                        identity = secrets.randbelow(2**31 - 2) + 1
                        conn.exec_driver_sql(f"PRAGMA user_version={identity}")
        owner = wal_owner_file(db_file)
        if read_wal_owner(db_file) == str(identity):  # (never a blocking read of a FIFO planted at that name)
            return  # kept already: the mark is written only once the file's header holds the number
        # The number is in the log's copy of the header until a checkpoint writes it into the file: kept beside the
        # log before that, the store's own log would read as another store's after a crash. Whether it is in the
        # file is told by the checkpoint's own count, never by reading the file: closing a descriptor of the store
        # drops every lock this process holds on it, SQLite's included, and the next program to close the store
        # then took itself for the last, checkpointed and deleted the log under this one (its writes then went into
        # the deleted file, unseen by every other program).
        raw = engine.raw_connection()
        try:
            busy, logged, copied = raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            raw.close()
        if busy or copied < logged:
            return  # readers kept the checkpoint from the header: a later start keeps the mark
        # Under a random name made new, never a fixed `.part` (a FIFO planted there held the start for ever)
        write_private_atomic(owner, f"{identity}\n", encoding="ascii", user_folder=False)
    except (OSError, SQLAlchemyError, sqlite3.Error):
        return  # a store that cannot be marked keeps SQLite's own behaviour (the check needs the mark)


def open_store(target: str | Path, *, backup_dir: Path | None, seed: bool = True, create: bool = True) -> OpenStore:
    """Open (creating if needed) a poll store, migrate it to the current schema and seed the demo races if empty
    (London 2012, the one a new store opens on; France 2022; Burlington 2009).

    Args:
        create: whether a store that is not there yet may be made (a verb that writes, the app). False: a SQLite
            file missing or empty, or a server database with no table, is refused (NoStoreThere), nothing made;
            one rule for every backend and every way of writing the target.

    Raises:
        StoreError: the store is damaged, locked, read-only, or the disk is full; message says what and where.
    """
    if (
        isinstance(target, str)
        and target.strip().casefold().startswith("sqlite")
        and is_url(target)
        and _memory(target)
    ):
        raise StoreError(
            "this store would live in memory and lose everything when warroom ends; nothing was opened or "
            "written: give a file (--db polls.sqlite3) or a server URL",
            where=redacted(target),
        )
    _refuse_ignored_sqlite_options(target)
    _refuse_a_tilde_in_a_url(target)
    _refuse_a_backup(target, backup_dir)
    _refuse_an_emptied_store(target, backup_dir)
    if not create:
        _refuse_no_sqlite_file(target)
    _refuse_leftovers(target)
    engine = make_engine(target)
    try:
        refuse_planted_code(engine)  # before the upgrade and the seeding, the first writes that would run it
        if not create:
            _refuse_an_empty_database(engine, target)
        # A store from an older version is checked on its own schema, before its migration converts it (it was
        # converted first, then refused as "nothing was changed"); a current one once it is known to be current.
        older = is_older_store(engine)
        if older:
            _refuse_hand_edits(engine, target)
        backup = upgrade(engine, backup_dir=backup_dir)
        if not older:
            _refuse_hand_edits(engine, target)
        db_file = sqlite_path(engine)
        backup_error: str | None = None
        if backup is None and backup_dir is not None and db_file is not None and db_file.stat().st_size > 0:
            # Every start keeps a copy (online backup API, consistent even if another instance is writing);
            # the newest five are kept. This is what the app offers when the store is found damaged.
            try:
                with translated(engine):
                    backup = str(backup_sqlite(db_file, backup_dir, reason="open", unless_same=True))
            except StoreError as exc:
                if exc.kind == "corrupt":
                    raise  # the store itself is damaged: the caller offers a backup instead
                # Only the copy failed (backup folder full, read-only or not a folder): the store is fine, so
                # open it and let the caller say that this start was not backed up.
                backup_error = f"this start was not backed up: {exc} ({backup_dir})"
        sessions = make_session_factory(engine)
        seeded = False
        read_only = is_read_only(engine)
        if not read_only:
            _mark_wal_owner(engine, db_file)
        if seed and not read_only and _looks_empty(engine):
            # Under the write lock, so two instances starting on a new store seed it once, neither failing. Only
            # for a store a plain read found empty: another program holding the write lock on a store in use
            # must not keep warroom from starting (it waited 10 s, then "busy", with nothing to write).
            with translated(engine), write_locked(engine) as conn, Session(bind=conn) as session:
                if repo.count_contests(session) == 0 and repo.never_written(session):
                    # A new store only: one whose races were all deleted (here, by a teammate, or by a verb) stays
                    # empty; the demos came back at every start after the user had deleted them.
                    # the demo data and its readers are imported only to seed a new store, not on every start
                    from warroom.demo import LONDON_2012, demo_polls, official_2012_result
                    from warroom.store.contests import set_official_result

                    contest_id = repo.add_contest(session, LONDON_2012)
                    repo.add_polls(session, contest_id, demo_polls())
                    set_official_result(session, contest_id, official_2012_result())  # the demo's back-test
                    seed_france_2022(session)
                    seed_burlington_2009(session)
                    session.flush()
                    seeded = True
    except Exception:
        engine.dispose()
        raise
    return OpenStore(engine, sessions, str(target), backup, seeded, read_only, backup_error)
