"""Engines, sessions, schema upgrades with backups, and plain-language store errors."""

from __future__ import annotations

import contextlib
import errno
import functools
import getpass
import hashlib
import os
import re
import secrets
import sqlite3
import stat
import weakref
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from sqlalchemy import Connection, Engine, bindparam, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

BACKUPS_KEPT = 5
PG_CONNECT_TIMEOUT_S = 10
"""How long connecting to a PostgreSQL server may take before the store is reported unreachable (unless the URL
sets connect_timeout): a server that accepts and then never answers held the window for ever."""
PG_ANSWER_WAIT_S = 60.0
"""How long the driver waits for a PostgreSQL server's answer to one statement (or a commit) before it drops the
connection and says the server did not answer. libpq waits for ever once a statement is sent: a server stopped,
swapped out or cut off mid-statement held the write, and the window, with no end (its own statement_timeout
cannot fire in a stopped server, and a cancel request goes to that same server). Longer than any lock wait a
transaction allows itself (PG_LOCK_TIMEOUT_MS; the window's, limit_lock_wait), so such a lock still ends as
"busy". No session lock_timeout is set at connect: the `options` startup parameter it needs is refused by
connection poolers such as PgBouncer, which would keep warroom from connecting at all."""
PG_LOCK_WAIT_MS = 10_000
"""The most a PostgreSQL transaction waits for a lock another session holds (a teammate's `LOCK TABLE` or long
transaction), unless it sets its own (limit_lock_wait, write_locked), then fails "busy": SQLite's busy timeout
(make_engine), well inside PG_ANSWER_WAIT_S. Without it a lock wait has no limit in PostgreSQL, and every verb waited
the whole answer wait and then said the server did not answer."""
PG_ANSWER_MARGIN_S = 3.0
"""A transaction that limits its lock waits (limit_lock_wait: the window's reads and writes, 2 s) waits that long
plus this for each answer: the window is never held longer."""
SQLITE_LONGEST_PATH = 512 - len("-journal")
"""SQLite's Unix file system layer opens paths of at most 512 bytes (SQLITE_MAX_PATHNAME), and a store's -journal
and -wal files need their suffix within that: 504 bytes opened, 505 failed with "unable to open database file"."""
_DISPLAY: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
"""Each engine's target as typed, redacted: the engine's parsed URL can misplace an unencoded '@' password."""


from warroom.paths import STORE_COMPANIONS, make_private_folders, soft_limit, user_made_read_only  # noqa: E402
from warroom.store.errors import StoreError  # noqa: E402  (re-exported: callers import it from here too)
from warroom.store.revisions import (  # noqa: E402
    CORE_TABLES,
    MIGRATIONS,
    SQLITE_MAGIC,
    plain_head,
    script_revisions,
)

# Loaded now, so that paths.soft_limit finds it loaded when no file handle is left (the case it reports on), where
# loading it would fail too.
with contextlib.suppress(ImportError):  # (not on Windows)
    import resource  # noqa: F401

__all__ = ["StoreError"]


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


_SECRET_KEYS = frozenset({"password", "passwd", "pwd", "sslpassword", "passfile", "sslkey"})
_QUERY_SECRET = re.compile(r"(?i)([?&](?:" + "|".join(sorted(_SECRET_KEYS)) + r")=)[^&#]*")


def redacted(target: str | Path | URL) -> str:
    """How a store target may be shown to a person: a path as it is, a URL with its password replaced by ***.

    Works on the text as typed, so a URL SQLAlchemy cannot parse, or one with an unencoded '@' in its password,
    is still hidden: everything between the user name and the last '@' before the host is treated as password,
    as are `password=`-style query parameters.
    """
    if isinstance(target, URL):
        return redacted(target.render_as_string(hide_password=False))
    text = str(target)
    if not is_url(text):
        return text
    scheme, sep, rest = text.partition("://")
    before_query = rest.split("?", 1)[0]
    at = before_query.rfind("@")
    if at >= 0 and not rest.startswith("/"):  # "sqlite:////path" has no user information
        # A password may hold '@' and '/': the last '@' before the query ends the user information, so
        # nothing typed as password shows even where SQLAlchemy would read part of it as the host.
        userinfo = before_query[:at]
        user = userinfo.split(":", 1)[0]
        text = scheme + sep + (f"{user}:***" if ":" in userinfo else user) + rest[at:]
    return _QUERY_SECRET.sub(r"\1***", text)


def _secrets_of(target: str | Path | URL) -> list[str]:
    """The literal secrets in a target, to be scrubbed from any driver message that might echo them."""
    text = target.render_as_string(hide_password=False) if isinstance(target, URL) else str(target)
    found: list[str] = []
    if is_url(text):
        rest = text.split("://", 1)[1].split("?", 1)[0]
        if "@" in rest and not rest.startswith("/"):
            userinfo = rest[: rest.rfind("@")]
            if ":" in userinfo:
                found.append(userinfo.split(":", 1)[1])
        for m in _QUERY_SECRET.finditer(text):
            found.append(text[m.end(1) : m.end()])
    return [s for s in found if len(s) >= 3]


def scrub(message: str, target: str | Path | URL) -> str:
    """`message` with any secret of `target` (password, query password) replaced by ***."""
    for secret in _secrets_of(target):
        message = message.replace(secret, "***")
    return message


def resolve_url(target: str | Path) -> URL:
    """A SQLAlchemy URL for a file path or a URL given as-is.

    A path is put in the URL verbatim (URL.create), not pasted into a string, so a file name holding '?', '#'
    or '%' names that file rather than being cut at a query.
    """
    if is_url(target):
        return make_url(str(target))
    return URL.create("sqlite", database=str(Path(target).expanduser().resolve()))


_NOT_WHICH_STORE = frozenset(
    {
        "application_name",
        "channel_binding",
        "client_encoding",
        "connect_timeout",
        "fallback_application_name",
        "gssencmode",
        "keepalives",
        "keepalives_count",
        "keepalives_idle",
        "keepalives_interval",
        "load_balance_hosts",
        "sslcert",
        "sslcompression",
        "sslcrl",
        "sslmode",
        "sslrootcert",
        "sslsni",
        "target_session_attrs",
        "tcp_user_timeout",
    }
)
"""A server URL's options that say how to connect, never which database is read (libpq's connection settings):
left out of store_identity. Every other option (`options=-csearch_path=...`, `service=`) may choose another store."""
_DEFAULT_PORTS = {"postgresql": "5432", "mysql": "3306", "mariadb": "3306", "mssql": "1433", "oracle": "1521"}


def sqlite_file_of(target: str | Path | URL) -> Path | None:
    """The file a SQLite target opens, however it is written (a path, `sqlite:///` or `sqlite+pysqlite:///` with
    a query string, a `file:` URI, %-escapes), as SQLAlchemy and SQLite read it; None for a server or memory."""
    try:
        url = target if isinstance(target, URL) else resolve_url(target)
        backend = url.get_backend_name()
    except Exception:  # a malformed URL: make_engine says so, without the password
        return None
    database = url.database or ""
    if backend != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # SQLite's URI: file:/abs, file:///abs or file:rel, %-escaped
        database = unquote(urlsplit(database).path)
    if "\x00" in database:  # no file's name (open_store says so: _refuse_unreadable_sqlite_url)
        return None
    return Path(database)


def store_identity(target: str | Path) -> str:
    """Which store `target` reaches, as one text however it was typed, with no password in it: the key of what is
    kept per store (the changes it refused, recovery.py). A SQLite file: its real path (relative to the folder
    warroom runs in, links followed) as its folders spell it. A server: its backend (whichever driver), user,
    host (lower case), port (the default filled in), database and the options that choose what is read, sorted
    (how to connect, _NOT_WHICH_STORE, and secrets left out); for PostgreSQL, what libpq takes when a part is not
    given (PGUSER, PGHOST, PGPORT, PGDATABASE, the login name). `postgresql://u@host/db`, `postgresql+psycopg://
    u@HOST:5432/db` and `postgresql+psycopg://u:pw@/db?host=host` are one store. A URL that cannot be read: as
    shown (redacted)."""
    shown = redacted(target)  # first: a password with an unencoded '@' is never read as part of the host
    if not is_url(shown):
        return str(as_on_disk(Path(shown).expanduser().resolve()))
    try:
        url = make_url(shown)
        backend = url.get_backend_name()
    except Exception:
        return shown
    if backend == "sqlite":
        path = sqlite_file_of(url)
        return shown if path is None else str(as_on_disk(path.expanduser().resolve()))
    query = {k: (v if isinstance(v, str) else ",".join(v)) for k, v in url.query.items()}
    parts = {key: query.pop(key, None) for key in ("user", "host", "port", "dbname")}
    user = url.username or parts["user"] or ""
    host = url.host or parts["host"] or ""
    port = str(url.port or parts["port"] or "")
    database = url.database or parts["dbname"] or ""
    if backend == "postgresql":
        user = user or os.environ.get("PGUSER") or _login_name()
        host = host or os.environ.get("PGHOST", "")
        port = port or os.environ.get("PGPORT", "")
        database = database or os.environ.get("PGDATABASE") or user
    port = port or _DEFAULT_PORTS.get(backend, "")
    if not host.startswith("/"):  # (a socket's folder is a path: its case is kept)
        host = host.casefold()
    options = sorted(
        (k, v) for k, v in query.items() if k.casefold() not in _SECRET_KEYS and k.casefold() not in _NOT_WHICH_STORE
    )
    text = f"{backend}://{quote(user, safe='')}@{quote(host, safe='')}:{port}/{quote(database, safe='')}"
    return text + ("?" + urlencode(options) if options else "")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # (no login name known: libpq fails to connect too)
        return ""


def in_memory(url: URL) -> bool:
    """Whether a SQLite URL names a database that lives in memory (sqlite://, :memory:, a mode=memory URI):
    everything written to it is gone when the process ends."""
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    if not database or database == ":memory:":
        return True
    if database.startswith("file:"):
        query = urlsplit(database).query + "&" + "&".join(f"{k}={v}" for k, v in url.query.items())
        return "mode=memory" in query or urlsplit(database).path in ("", ":memory:")
    return False


def sqlite_path(engine: Engine) -> Path | None:
    """The database file behind a SQLite engine, None for other databases."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):  # a SQLite URI: file:/abs/path or file:///abs/path, %-escaped
        return Path(unquote(urlsplit(url.database).path))
    return Path(url.database)


def check_sqlite_file(path: Path) -> None:
    """Refuse anything that is not this app's store before SQLite touches it (it would not be ours to change).

    Read with plain file reads and a read-only SQLite connection only, so a refused file keeps its bytes,
    its journal mode and its permissions: a folder, a pipe or device, a file that is not SQLite, another
    application's SQLite database (tables but no `alembic_version`), and a store written by a newer version
    (a schema revision this version does not know).

    Raises:
        StoreError: kind "corrupt", "foreign", "newer", "readonly" or "error", saying what and where.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise os_cause(exc, str(path), doing="reach") from exc
    if stat.S_ISDIR(st.st_mode):
        raise StoreError("this is a folder, not a poll store file (give the path of a .sqlite3 file)", where=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(
            "this is not a regular file (a pipe, device or socket); a poll store is a .sqlite3 file", where=str(path)
        )
    if st.st_nlink > 1:
        # SQLite keeps the -wal and -shm beside the name used: two names are two logs for one file, and a reader
        # through the other name missed every poll in this one's log, a writer's log losing or corrupting the other's
        raise StoreError(
            f"this store file has {st.st_nlink} names (hard links to one file): SQLite keeps its write-ahead log "
            "beside the name used, so each name would get a log of its own and their writes would be lost or "
            "corrupt the file; nothing was opened or changed: remove the other names (keep one), or open a copy",
            where=str(path),
        )
    if st.st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:  # not only permission: too many open files, an I/O error, a folder...
        raise os_cause(exc, str(path), doing="read") from exc
    if head != SQLITE_MAGIC:
        raise StoreError(
            "this file is not a warroom poll store (not a SQLite database); it has been left untouched",
            where=str(path),
            kind="corrupt",
        )
    _check_ours(path)


def _check_ours(path: Path) -> None:
    """Refuse another application's SQLite database, or a store from a newer version, reading only."""
    try:
        immutable = "&immutable=1" if on_read_only_mount(path) or _full_disk_under(path) else ""
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro{immutable}", uri=True, timeout=10.0)
        try:
            kinds = {
                str(name): str(kind)
                for name, kind in conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')")
                if not str(name).startswith("sqlite_")
            }
            tables = {name for name, kind in kinds.items() if kind == "table"}
            revisions: list[str] = []
            if "alembic_version" in tables:
                revisions = [str(row[0]) for row in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        error = translate(exc, path=path)
        error.where = str(path)
        raise error from exc
    _refuse_foreign(tables, revisions, str(path), views={name for name, kind in kinds.items() if kind == "view"})
    _refuse_unknown(revisions, str(path))


def _refuse_foreign(
    tables: set[str], revisions: list[str], where: str, *, views: set[str] | frozenset[str] = frozenset()
) -> None:
    """Refuse a database that holds another application's tables (checked before anything is created)."""
    # A revision name alone does not make the database ours (other Alembic apps number theirs "0001" too): a
    # store at a known revision has the tables every revision has had. No tables at all: a new store to set up.
    empty = not revisions and not tables - {"alembic_version"}
    unknown = set(revisions) - known_revisions()  # refused separately, as a newer version's store
    ours = bool(revisions) and tables >= CORE_TABLES
    viewed = sorted((CORE_TABLES - tables) & views)
    if revisions and not unknown and viewed:
        # warroom's own store with a table replaced by a view of its name (a tool's "rename and view" recipe):
        # calling it another application's database hid what was wrong
        raise StoreError(
            f"this warroom store's table{'s' if len(viewed) > 1 else ''} {', '.join(viewed)} "
            f"{'are views' if len(viewed) > 1 else 'is a view'} (made outside warroom, which writes only into "
            "tables): it has been left untouched; put the table back, or restore a backup",
            where=where,
            kind="foreign",
        )
    if not (empty or unknown or ours):
        shown = ", ".join(sorted(tables)[:6]) + (", ..." if len(tables) > 6 else "")
        raise StoreError(
            "this is not a warroom poll store: it is another application's database "
            f"(tables: {shown}); it has been left untouched",
            where=where,
            kind="foreign",
        )


def _refuse_unknown(revisions: list[str], where: str) -> None:
    unknown = [r for r in revisions if r not in known_revisions()]
    if unknown:
        raise StoreError(
            f"this poll store was written by a newer version of warroom (schema revision {', '.join(unknown)}) "
            "or by another program; it has been left untouched: open it with the version that wrote it",
            where=where,
            kind="newer",
        )


@functools.cache
def known_revisions() -> frozenset[str]:
    """Every schema revision this version can upgrade from."""
    try:
        return frozenset(_script_revisions())
    except ValueError:
        from alembic.script import ScriptDirectory

        return frozenset(rev.revision for rev in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions())


def _script_revisions() -> dict[str, str | None]:
    """revision -> down_revision of every migration script (store/revisions.py: shared with the start's first
    read, which must not import SQLAlchemy or Alembic)."""
    return script_revisions()


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()
    assert head is not None
    return head


def _create_private(path: Path) -> None:
    """Create the store file readable by its owner only (SQLite gives -wal/-shm the same mode).

    An existing store only ever loses permission bits (0644 becomes 0600): one the user made read-only is
    never made writable. A store its owner shared with their group on purpose (group-writable, which no default
    umask makes) keeps its group's bits: making it 0600 locked every teammate out the moment its owner opened it.
    Folders made for it are owner-only whatever the umask (paths.make_private_folders).
    """
    from warroom.paths import make_private_folders

    make_private_folders(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        os.close(fd)
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(path.stat().st_mode)
        shared = 0o660 if mode & 0o020 else 0o600  # group-writable: shared with the group on purpose
        os.chmod(path, mode & shared)


_OPENED_ON_FULL_DISK: weakref.WeakSet[Engine] = weakref.WeakSet()
"""Engines opened read-only because their disk was full (make_engine): a write on them is "the disk is full"."""


def _full_disk_under(path: Path) -> bool:
    """Whether an existing SQLite store lies on a disk too full to open it normally: its reader could not make the
    shared-memory file (32 KB) it needs, and no other program has one open already (a -shm file shorter than that
    is what an open that failed on the full disk left behind, and made every later open fail too)."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return False
        shm = Path(f"{path}-shm")
        if shm.exists() and shm.stat().st_size >= 32768:
            return False
    except OSError:
        return False
    return _disk_full_at(path)


def on_read_only_mount(path: Path) -> bool:
    """Whether `path` lies on a file system mounted read-only (a CD, a read-only share, a snapshot).

    SQLite's read-only reader of a WAL store wants to make a shared-memory file beside it, which a read-only
    mount refuses ("unable to open database file"); since nothing on this machine can change such a file, it
    is opened as immutable instead (no locks, no shared memory)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): never assumed
        return False


def _user_made_read_only(path: Path) -> bool:
    """No write permission for us, or no write bit at all (which root would otherwise ignore): `paths`' rule."""
    return user_made_read_only(path)


def is_read_only(engine: Engine) -> bool:
    """A SQLite store opened read-only (`mode=ro`): reads work, writes are refused by SQLite itself."""
    return engine.url.get_backend_name() == "sqlite" and engine.url.query.get("mode") == "ro"


def _refuse_dangling_link(target: str | Path) -> None:
    """Refuse a store path that is a link to nothing (a network drive not mounted): following it made the folders
    under the empty mount point and seeded a new store there, hiding the user's own when the drive came back."""
    if is_url(target):
        return
    given = Path(target).expanduser()
    if given.is_symlink() and not given.exists():
        try:
            given.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a loop of links (a -> b -> a) is no missing drive
                raise StoreError(
                    "this store is a link that leads back to itself (a loop of links), never to a file; nothing "
                    "was created: point the link at the poll store",
                    where=str(given),
                    kind="missing",
                ) from None
        raise StoreError(
            f"this store is a link to {os.path.realpath(given)}, which is not there (a drive not mounted, a file "
            "moved?); nothing was created: connect the drive or fix the link",
            where=str(given),
            kind="missing",
        )


def _name_max(folder: Path) -> int:
    """The longest file name (bytes) the file system of `folder`, or of its nearest folder that exists, takes."""
    for place in (folder, *folder.parents):
        try:
            if place.is_dir():
                return int(os.pathconf(place, "PC_NAME_MAX"))
        except (OSError, ValueError, AttributeError):  # (no pathconf on Windows; a name too long on the way)
            break
    return 255


def _refuse_name_too_long(path: Path) -> None:
    """Refuse a SQLite store whose file name leaves no room for the files kept beside it (`NAME-journal`, `-wal`,
    `-shm`, and warroom's `-wal.owner`: paths.STORE_COMPANIONS) within the file system's longest name. Such a new
    store was made, an empty file left, and then refused as "cannot be written here (read-only location or no
    permission)"; past the longest name itself a writing verb ended in an OSError traceback."""
    suffix = max(STORE_COMPANIONS, key=len)
    length = len(os.fsencode(path.name))
    name_max = _name_max(path.parent)
    if length + len(suffix) > name_max:
        raise StoreError(
            f"this store's file name is {length} bytes, too long for the files SQLite and warroom keep beside it "
            f"(NAME-journal, NAME{suffix}): this file system takes names of at most {name_max} bytes, so a store's "
            f"name may have at most {name_max - len(suffix)}; choose a shorter name; nothing was created or changed",
            where=str(path),
        )


def make_engine(target: str | Path, *, busy_timeout_ms: int = 10_000) -> Engine:
    """Engine for a file path or SQLAlchemy URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if not is_url(target):
        _refuse_name_too_long(Path(target).expanduser())
    _refuse_dangling_link(target)
    try:
        url = resolve_url(target)
        backend = url.get_backend_name()
    except (ArgumentError, ValueError) as exc:  # the message would quote the URL, password and all
        raise StoreError(
            "this store address is not a database URL that can be read "
            "(expected e.g. postgresql+psycopg://user:password@host/database)",
            where=redacted(target),
        ) from exc
    if backend == "sqlite":
        database = url.database or ""
        path = Path(database)
        if database.startswith("file:"):
            # A "file:" URI (e.g. read-only mode) is SQLite's to interpret: nothing is created for it, but
            # the file it names is checked like any other before the first connection switches it to WAL.
            check_sqlite_file(Path(unquote(urlsplit(database).path)))
        elif database and database != ":memory:":
            if len(os.fsencode(database)) > SQLITE_LONGEST_PATH:
                raise StoreError(
                    f"this store's path is too long for SQLite ({len(os.fsencode(database))} bytes; it opens at most "
                    f"{SQLITE_LONGEST_PATH}, its -journal file's name included): choose a shorter folder "
                    "(--data-dir) or move the file; nothing was created",
                    where=database,
                )
            _refuse_name_too_long(path)
            check_sqlite_file(path)
            full = _full_disk_under(path)
            if _user_made_read_only(path) or full:
                # Opened read-only by SQLite itself: root would otherwise write a 0444 file, and the user's
                # decision would be silently undone. Reads work; every write says the store is read-only.
                query = {"mode": "ro", "uri": "true"}
                if full or on_read_only_mount(path):  # no shared-memory file can be made beside it
                    # A full disk: without this, every verb failed, reading ones too, and the polls could not
                    # even be read and exported to another disk. Writes say the disk is full (translate).
                    query["immutable"] = "1"
                url = URL.create("sqlite", database="file:" + path.absolute().as_uri()[len("file://") :], query=query)
            else:
                try:
                    _create_private(path)
                except OSError as exc:
                    raise os_cause(exc, str(path), doing="create") from exc
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000.0})
        if database and database != ":memory:" and not database.startswith("file:") and full:
            _OPENED_ON_FULL_DISK.add(engine)
        read_only = is_read_only(engine)
        store_file = sqlite_path(engine)
        opened_as = _identity(store_file) if store_file is not None else None
        written: list[bool] = [False]  # (whether the file has held SQLite's pages since: a new store's is empty)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, decide when a transaction begins (SQLAlchemy's pysqlite
            # "serializable isolation" recipe), so a write transaction really is all-or-nothing.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys without this, per connection
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")  # another writer: wait, don't fail at once
            # Readers never block the writer. On read-only media WAL cannot be set up; reads still work.
            if not read_only:  # a read-only store keeps its journal mode, like everything else
                with contextlib.suppress(sqlite3.OperationalError):
                    cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")  # a commit survives power loss, not just a crash
            if store_file is not None and not read_only:
                # The write-ahead log this connection has open (a first read opens or makes it): checked at every
                # transaction (_rescue_a_deleted_wal), since one deleted under the app took every poll in it.
                cur.execute("SELECT count(*) FROM sqlite_master")
                _record.info[_WAL_OPENED] = _identity(_wal_of(store_file))
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # write_locked() asks for the write lock up front: a deferred BEGIN that reads and then writes
            # fails at once with "busy" when another writer got there first (SQLite cannot wait safely then).
            immediate = conn.get_execution_options().get(_WRITE_LOCK, False)
            if opened_as is not None and store_file is not None:
                st = _refuse_if_swapped(store_file, opened_as, written)
                _rescue_a_deleted_wal(conn, engine, store_file)
                if not read_only:
                    # Made read-only (chmod a-w) while open: the connections already open could still write, and
                    # every write said saved. The user's decision holds from the next transaction (reads go on),
                    # and writing is back once the file is writable again.
                    made_read_only = user_made_read_only(store_file, st)
                    if conn.info.get(_QUERY_ONLY, False) != made_read_only:
                        conn.exec_driver_sql(f"PRAGMA query_only={int(made_read_only)}")
                        conn.info[_QUERY_ONLY] = made_read_only
            # Each transaction sets its own wait (limit_lock_wait), so a pooled connection's next user never
            # inherits the window's short one.
            wait = int(conn.get_execution_options().get(_LOCK_WAIT, busy_timeout_ms))
            conn.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        _DISPLAY[engine] = redacted(target)
        return engine
    _refuse_a_nul_in_a_server_url(url, target)
    connect_args: dict[str, Any] = {}
    libpq = backend == "postgresql" and url.get_driver_name() in ("psycopg", "psycopg2", "psycopg2cffi")
    if libpq and "connect_timeout" not in url.query:  # (drivers that take libpq's options)
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S  # libpq's default is to wait for ever
    answering = backend == "postgresql" and url.get_driver_name() == "psycopg"
    try:
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        if answering:
            _wait_for_answers_at_most(engine)
        if backend == "postgresql":
            _wait_for_locks_at_most(engine)
    except NoSuchModuleError as exc:
        raise StoreError(
            f"this app cannot use {backend!r} databases; use a SQLite file or a postgresql+psycopg:// URL",
            where=redacted(target),
        ) from exc
    except ImportError as exc:
        driver = url.get_driver_name()
        raise StoreError(
            f"the {driver!r} driver for {backend} is not installed; "
            "use postgresql+psycopg://, which this app installs, or install that driver",
            where=redacted(target),
        ) from exc
    except (ArgumentError, ValueError, TypeError) as exc:
        raise StoreError(
            f"this store address cannot be used: {scrub(str(exc), target)}", where=redacted(target)
        ) from exc
    _DISPLAY[engine] = redacted(target)
    return engine


def _refuse_a_nul_in_a_server_url(url: URL, target: str | Path) -> None:
    """Refuse a server's URL with a NUL (`%00`) in any part. libpq reads its settings as one C string, cut at the
    first NUL: `postgresql+psycopg://team@db.example:6543/war%00room` connected to the database `war` on this
    computer's own server (port 5432, as whoever runs warroom: the user, password and port come after the
    database and were dropped), `?host=/tmp%00x` to the server at /tmp; another store than the one named was
    opened, or "could not be reached" named the wrong place."""
    parts: list[tuple[str, object]] = [
        ("user", url.username),
        ("password", url.password),
        ("host", url.host),
        ("database", url.database),
    ]
    for key, value in url.query.items():
        parts += [(key, v) for v in (value if isinstance(value, tuple) else (value,))]
    bad = [name for name, value in parts if isinstance(value, str) and "\x00" in value]
    if bad:
        raise StoreError(
            f"the store URL's {', '.join(dict.fromkeys(bad))} holds a NUL character (%00), which the database "
            "driver would cut it at, connecting elsewhere than named; nothing was opened or changed",
            where=redacted(target),
        )


def _wait_for_locks_at_most(engine: Engine) -> None:
    """Every PostgreSQL transaction waits at most PG_LOCK_WAIT_MS (or its own LOCK_WAIT_OPTION) for a lock another
    session holds, then fails "busy" (translate). Transaction-scoped (set_config's `true`), so a connection pooler
    (PgBouncer) passes it on to no one else; limit_lock_wait and write_locked set their own after it."""

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        wait = int(conn.get_execution_options().get(_LOCK_WAIT, PG_LOCK_WAIT_MS))
        conn.exec_driver_sql(f"SELECT set_config('lock_timeout', '{wait}ms', true)")


def _wait_for_answers_at_most(engine: Engine) -> None:
    """Connect with psycopg connections that wait a bounded time for each answer (PG_ANSWER_WAIT_S, or what the
    transaction's limit_lock_wait set), then drop the connection: a server stopped mid-statement is a store
    error in seconds (translate: "did not answer"), the transaction never committed, never a wait for ever."""
    answering = _answering_connection_class()
    if answering is None:
        return

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return answering.connect(*cargs, **cparams)

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        dbapi_conn.answer_wait_s = PG_ANSWER_WAIT_S  # each user of a pooled connection starts from the default


def _answering_connection_class() -> Any:
    """psycopg.Connection whose every wait for the server (a statement, a fetch, a commit) ends after
    `answer_wait_s`; None with a psycopg too old to time a wait (before 3.2: no `timeout` in Connection.wait)."""
    import inspect as pyinspect

    import psycopg
    from psycopg import errors

    timed_out: type[Exception] | None = getattr(errors, "_WaitTimeout", None)
    if timed_out is None or "timeout" not in pyinspect.signature(psycopg.Connection.wait).parameters:
        return None
    gave_up: type[Exception] = timed_out

    class AnsweringConnection(psycopg.Connection):  # type: ignore[type-arg]
        answer_wait_s: float = PG_ANSWER_WAIT_S
        committing: bool = False

        def __del__(self, _warn: Any = None, /) -> None:
            # A connection dropped while open (an engine discarded without dispose) is closed here rather than
            # left to the server until the process ends; psycopg's own __del__ only warns.
            if hasattr(self, "pgconn") and not self.closed:
                with contextlib.suppress(Exception):
                    self.close()

        def commit(self) -> None:
            self.committing = True
            try:
                super().commit()
            finally:
                self.committing = False

        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
            limit = self.answer_wait_s if timeout is None else timeout
            try:
                return super().wait(gen, interval, limit)
            except gave_up:
                # The connection is in an unknown state (a statement sent, no answer): closed, never reused; the
                # server rolls its open transaction back when it sees the connection gone.
                self.pgconn.finish()
                outcome = (
                    "its commit was sent, so whether the change was stored is known only once the server answers "
                    "again: look before entering it again"
                    if self.committing
                    else "nothing was saved"
                )
                raise psycopg.OperationalError(
                    f"the store's server did not answer within {limit:g} s (stopped, overloaded or cut off), so "
                    f"the connection was dropped; {outcome}"
                ) from None

    return AnsweringConnection


def _identity(path: Path) -> tuple[int, int] | None:
    """The file `path` names now (device, inode), None if there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


_WAL_OPENED = "warroom_wal_opened"
"""A SQLite connection's info key: the identity of the -wal file it opened (None: it had none)."""


def _wal_of(store_file: Path) -> Path:
    return Path(f"{store_file}-wal")


def _rescue_a_deleted_wal(conn: Connection, engine: Engine, store_file: Path) -> None:
    """Refuse a transaction whose connection's write-ahead log was deleted or replaced, once what it held is back
    in the store file.

    A clean-up or sync tool deleting `polls.sqlite3-wal` under the running app took every change since the last
    checkpoint with it (they live only in the log), and every later write went on into the deleted file, still
    open here, each "saved": at exit none of them reached the store, and another program opening it meanwhile
    failed with "disk I/O error". The connection still reads the deleted log, so a checkpoint writes its pages
    back into the store file; then every pooled connection is closed (the next one makes a new log) and this
    transaction is refused, nothing of it written.

    Raises:
        StoreError: kind "io", naming the log; the caller's change was not saved (try again).
    """
    opened = conn.info.get(_WAL_OPENED)
    if opened is None or _identity(_wal_of(store_file)) == opened:
        return
    raw: Any = conn.connection.dbapi_connection
    rescued = True
    try:
        busy, _frames, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        rescued = not busy
    except sqlite3.Error:
        rescued = False
    conn.info.pop(_WAL_OPENED, None)
    conn.invalidate()  # this connection is closed; the pool's others too, each on the deleted log
    engine.dispose()
    kept = (
        "the changes it held were written back into the store"
        if rescued
        else "the changes it held could not all be written back (another program holds the store)"
    )
    raise StoreError(
        f"the store's write-ahead log {_wal_of(store_file).name} was deleted or replaced while warroom had it open "
        f"(a clean-up or sync tool?): {kept} and warroom reconnected, but a change being saved at that moment was "
        "not saved; try again",
        where=str(store_file),
        kind="io",
    )


_LEAST_PAGE = 512
"""SQLite's smallest page: a store file that held its first page is never shorter."""
_QUERY_ONLY = "warroom_query_only"
"""A SQLite connection's info key: whether `PRAGMA query_only` is on (the store was made read-only while open)."""


def _refuse_if_swapped(path: Path, opened_as: tuple[int, int], written: list[bool]) -> os.stat_result:
    """Refuse a transaction on a store whose file was deleted, moved, replaced, emptied or cut short since the
    engine opened it.

    The pool keeps connections open on the file it had: after a delete every write went to a file nobody can
    reach (gone at exit), and after a replacement some connections read and wrote the old file, new ones the
    new file. A file truncated in place (`: > polls.sqlite3`, another program saving over it) keeps its name
    and inode: every later write went into the write-ahead log alone and said saved, and the next start found
    an empty file and made a new store over that log. A SQLite file is whole pages of 512 bytes or more, so one
    that held a page (`written[0]`, set here) and is now shorter than a page was emptied or cut. (A file cut at
    another length is not told from a teammate's write seen half done on a network share, and is left to SQLite.)
    A stat per transaction (microseconds) keeps the app on the file the user chose, or says so.

    Returns:
        The file's stat, for the transaction's other checks.
    """
    try:
        st = path.stat()
    except OSError:
        st = None
    if st is None or (st.st_dev, st.st_ino) != opened_as:
        raise StoreError(
            "the poll store file was deleted, moved or replaced while warroom was running, so nothing was saved "
            "and nothing more is read from it; put the file back, or restart warroom to open what is there now "
            "(the backups folder holds a copy from this start)",
            where=str(path),
            kind="missing",
        )
    if st.st_size >= _LEAST_PAGE:
        written[0] = True
    elif written[0]:
        raise StoreError(
            f"the poll store file was emptied or cut short ({st.st_size:,} bytes) while warroom was running, by "
            "another program or a command, so nothing was saved and nothing more is read from it; its last changes "
            "may still be in its write-ahead log beside it: keep that file, and restart warroom from the copy in "
            "the backups folder taken at this start",
            where=str(path),
            kind="missing",
        )
    return st


def display_target(engine: Engine) -> str:
    """The store behind `engine` as it may be shown to a person (file path, or URL with no password)."""
    path = sqlite_path(engine)
    if path is not None:
        return str(path)
    return _DISPLAY.get(engine) or redacted(engine.url)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config  # only when a migration runs (see _script_revisions)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def is_older_store(engine: Engine) -> bool:
    """Whether the store was set up by an older version of warroom (a revision this one upgrades from, not head).

    Asked once per open, and not remembered: a cache keyed by the engine kept every store ever opened in the
    process alive, with its pool and compiled statements, and its answer went stale once the store was upgraded.
    """
    with translated(engine):
        current = current_revision(engine)
    return current is not None and current != head_revision() and current in known_revisions()


def head_revision() -> str:
    """The newest schema revision (read from the migration scripts; Alembic if they do not say it plainly)."""
    head = plain_head()
    return head if head is not None else _alembic_head()


def refuse_changed_schema(session: Session) -> None:
    """Refuse a write into a store whose schema is no longer the one this version writes (inside the write's own
    transaction). A store from a newer version is refused at open; this is the same rule for a store a teammate's
    newer version upgraded (its start migrates the shared store) while this one had it open, and for code that
    runs by itself (a trigger, a rule) created while it was open (refuse_planted_code's rule at open).

    Raises:
        StoreError: kind "newer", naming the revision found; nothing is written.
    """
    planted = _planted_code(session.connection())
    if planted:  # looked for at open only, a trigger created while the app ran ran on its next write
        raise StoreError(
            f"code that runs by itself was added to this store while it was open here ({_listed(planted)}); "
            "warroom creates none, and it could change or delete polls unseen, so nothing was saved: remove it "
            "(DROP TRIGGER / DROP RULE) if you put it there",
            kind="foreign",
        )
    found = [str(r) for (r,) in session.execute(text("SELECT version_num FROM alembic_version"))]
    head = head_revision()
    if found != [head]:
        raise StoreError(
            f"this poll store's schema changed while it was open here (revision {', '.join(found) or 'none'}, "
            f"this version writes {head}): another version of warroom upgraded it, so nothing was saved; "
            "open it with that version",
            kind="newer",
        )


_WRITE_LOCK = "warroom_write_lock"
_LOCK_WAIT = "warroom_lock_wait_ms"
WRITE_LOCK_OPTION = _WRITE_LOCK
"""Execution option: the transaction asks for SQLite's write lock at BEGIN (IMMEDIATE)."""
LOCK_WAIT_OPTION = _LOCK_WAIT
"""Execution option: the most the transaction waits for a lock another program holds, in ms."""


def limit_lock_wait(session: Session, ms: int, *, write: bool = False) -> None:
    """Let this session's transaction wait at most `ms` for a lock another program holds, then fail "busy".

    For writes made on the GUI thread: another program holding the store's lock (a SQLite `BEGIN EXCLUSIVE`
    in a database browser, a psql session's `LOCK TABLE` or open row update) froze the window for the
    engine's whole busy timeout on SQLite, and for ever on PostgreSQL, where a lock wait has no limit by
    default. Call it before the session's first statement. `write`: the transaction will write, so on SQLite
    it asks for the write lock at BEGIN (IMMEDIATE) and really waits for it: a deferred transaction that reads
    and then writes fails at once with "busy" when another writer got there first.
    """
    conn = session.connection(execution_options={_LOCK_WAIT: int(ms), _WRITE_LOCK: write})
    if conn.dialect.name == "postgresql":  # transaction-scoped: gone at commit or rollback
        raw: Any = conn.connection.dbapi_connection
        if hasattr(raw, "answer_wait_s"):  # and no answer waited for longer (reset when the connection is next used)
            raw.answer_wait_s = ms / 1000 + PG_ANSWER_MARGIN_S
        conn.execute(text("SELECT set_config('lock_timeout', :ms, true)"), {"ms": f"{int(ms)}ms"})


PG_LOCK_KEY = 0x7761_7272_6F6F_6D  # "warroom" as a number: the advisory lock that serialises set-up steps


PG_LOCK_TIMEOUT_MS = 30_000
"""How long a start waits on PostgreSQL for another instance's migration or seeding before saying the store
is busy (SQLite's equivalent is make_engine's busy timeout). Migrating a store takes well under a second."""


@contextlib.contextmanager
def write_locked(engine: Engine, *, lock_timeout_ms: int = PG_LOCK_TIMEOUT_MS) -> Iterator[Connection]:
    """A transaction that holds the store's write lock from its first statement, committed on success.

    For a step that reads and then writes (migrating, seeding), so two instances starting together take
    turns instead of one failing: SQLite's BEGIN IMMEDIATE waits (busy timeout) for the other writer, and on
    PostgreSQL a transaction-scoped advisory lock does the same, for at most `lock_timeout_ms`. Re-read
    what you checked once inside.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(**{_WRITE_LOCK: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT set_config('lock_timeout', :ms, true)"), {"ms": f"{int(lock_timeout_ms)}ms"})
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
            yield conn


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the store (None: not set up), read with plain SQL (no Alembic import)."""
    with engine.connect() as conn:
        return _stored_revision(conn)


def _stored_revision(conn: Connection) -> str | None:
    """What Alembic's MigrationContext.get_current_revision() answers, for a store with one branch."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = [str(row[0]) for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    if len(rows) > 1:
        raise StoreError(
            f"this poll store records several schema revisions at once ({', '.join(sorted(rows))})", kind="newer"
        )
    return rows[0] if rows else None


_STAMP = r"\d{8}-\d{6}-\d{6}"
_REASON = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")
"""A backup's reason: at most one hyphen, so `<stem>-<stamp>-<reason>` names exactly one store (the stamp itself
holds two hyphens, so a longer stem such as `polls-team` can never be read as `polls` plus a reason)."""


def _backup_pattern(stem: str) -> re.Pattern[str]:
    """`<stem>-<stamp>-<reason>[.n<sequence>].sqlite3`; group 1 is the sequence (absent in backups made before
    it was kept)."""
    # (any number of digits: one more than an 18-digit number is 19, and a pattern that stopped at 18 hid every
    # backup made after it from listing, recovery and rotation)
    return re.compile(re.escape(stem) + "-" + _STAMP + "-" + _REASON.pattern + r"(?:\.n(\d{1,64}))?\.sqlite3")


LONG_NAMES = "long-names"
"""The subfolder of a store's backup folder holding the backups of a store whose own name leaves no room for a
backup's name: its backups are named after `long_name_key(stem)`, which no store's own backups are (they are never
in this subfolder)."""
_BEYOND_BACKUP_NAME = len(".") + len(".") + 12 + len(".partial") + len("-journal")
"""Bytes a backup's name grows by in the longest name made from it: `.<name>.<12 hex>.partial-journal`, SQLite's
journal beside the copy being written (backup_sqlite); `restored-<name>-wal.owner` (bootstrap.restored_copy) is
shorter."""
_KEY_PREFIX_BYTES = 48


def long_name_key(stem: str) -> str:
    """What the backups of a store named `stem` are named after when `stem` itself leaves no room: its start (at most
    48 bytes, whole characters) and 16 hex digits of its SHA-256, so two long names that start alike differ."""
    digest = hashlib.sha256(os.fsencode(stem)).hexdigest()[:16]
    prefix = ""
    for char in stem:
        if len(os.fsencode(prefix + char)) > _KEY_PREFIX_BYTES:
            break
        prefix += char
    return f"{prefix}~{digest}"


def _backup_places(backup_dir: Path, stem: str) -> tuple[tuple[Path, str], tuple[Path, str]]:
    """Where the backups of the store named `stem` may be, with the name each is made after: its own name in
    `backup_dir`, and `long_name_key(stem)` in its `long-names` subfolder."""
    return (backup_dir, stem), (backup_dir / LONG_NAMES, long_name_key(stem))


def _sequence(pattern: re.Pattern[str], name: str) -> int:
    match = pattern.fullmatch(name)
    return int(match.group(1)) if match is not None and match.group(1) else 0


def backup_sqlite(
    db_file: Path, backup_dir: Path, *, reason: str, keep: int = BACKUPS_KEPT, unless_same: bool = False
) -> Path:
    """Copy a live SQLite store with SQLite's online backup API (consistent even mid-write) and rotate.

    Only this store's own backups (same stem, exactly) are rotated; a store whose name merely starts the same
    (`polls` and `polls-team`) keeps its own five. With `unless_same` (a start's backup), a copy byte for byte
    the same as the newest backup is not kept and nothing is rotated away: that backup is returned. Every start
    and every command backed up and rotated whether or not anything had changed, so five commands run to look into
    a bad change left five copies of the store as it is now, the backup from before the change gone.

    Raises:
        ValueError: `reason` is not lower-case letters and digits with at most one hyphen.
    """
    if not _REASON.fullmatch(reason):
        raise ValueError(f"backup reason {reason!r}: lower-case letters and digits, at most one hyphen")
    db_file = as_on_disk(db_file)  # POLLS.sqlite3 on a case-insensitive disk is polls.sqlite3: its backups too
    folder = backup_folder(db_file, backup_dir)
    try:
        make_private_folders(folder)  # its parents too (`elsewhere`, a data folder deleted meanwhile)
    except OSError as exc:
        raise backup_folder_error(exc, folder) from exc
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    # The order backups were written in is kept in their names, one more than any before: the clock can go back
    # (a dead battery, a wrong manual date, a restored virtual machine), and then the stamp of the backup written
    # last sorted below older ones, so recovery offered a days-old copy as the newest and rotation deleted the
    # fresh ones first.
    sequence = 1 + max((_sequence_of(b, db_file.stem) for b in list_backups(folder, db_file.stem)), default=0)
    # A store named so long that a backup's name (or the longest name made from it, _BEYOND_BACKUP_NAME) passes the
    # file system's longest name is backed up under a shorter key in a subfolder: such a store (190 to 245 bytes)
    # was never backed up, every start saying so, and a contest deleted from it had no copy taken.
    name = f"{db_file.stem}-{stamp}-{reason}.n{sequence:06d}.sqlite3"
    place = folder
    if len(os.fsencode(name)) + _BEYOND_BACKUP_NAME > _name_max(folder):
        place = folder / LONG_NAMES
        try:
            make_private_folders(place)
        except OSError as exc:
            raise backup_folder_error(exc, place) from exc
        name = f"{long_name_key(db_file.stem)}-{stamp}-{reason}.n{sequence:06d}.sqlite3"
    target = place / name
    # Written under a temporary name and renamed when complete: recovery offers the newest backup, and a
    # half-written one (disk full, killed) must never be it. O_EXCL | O_NOFOLLOW: no planted file or link.
    partial = place / f".{target.name}.{secrets.token_hex(6)}.partial"
    try:
        fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise backup_folder_error(exc, place) from exc
    os.close(fd)
    try:
        # as_uri() %-escapes '#', '?' and '%', which a bare "file:" + path would cut the name at.
        immutable = "&immutable=1" if on_read_only_mount(db_file) or _full_disk_under(db_file) else ""  # make_engine
        src = sqlite3.connect(f"{db_file.absolute().as_uri()}?mode=ro{immutable}", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        newest = next(iter(list_backups(folder, db_file.stem)), None) if unless_same else None
        if newest is not None and _same_bytes(partial, newest):
            partial.unlink()
            return newest
        os.replace(partial, target)
    except BaseException:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    # The one just made is kept whatever its stamp says: with the clock set back it sorts oldest, and was deleted
    # the moment it was made (no start backed up any more, nothing said).
    others = [b for b in list_backups(folder, db_file.stem) if b != target]
    for old in others[max(0, keep - 1) :]:
        with contextlib.suppress(OSError):
            old.unlink()
    _clear_stale_partials(place)
    return target


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether files `a` and `b` hold the same bytes (False when either cannot be read). Two copies of a store
    nothing was written to since are the same bytes (SQLite's backup writes the pages as they are)."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with a.open("rb") as fa, b.open("rb") as fb:
            while True:
                chunk = fa.read(1 << 20)
                if chunk != fb.read(1 << 20):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


STALE_PARTIAL_S = 3600.0
"""A `.partial` backup this old was left by a start that was killed mid-copy (a live copy takes seconds)."""


def _clear_stale_partials(backup_dir: Path) -> None:
    """Delete the `.partial` copies (and their journals) left by starts killed mid-copy: those written more than
    STALE_PARTIAL_S from now, either way. One dated that far in the future was written before the clock was set
    back (a dead battery, a restored virtual machine): it was never cleared, a store's size of disk lost at each
    such start. (A copy being written now by another start, on a machine whose clock is a little off, stays.)"""
    now = datetime.now().timestamp()
    for leftover in backup_dir.glob(".*.partial*"):
        with contextlib.suppress(OSError):
            if (
                leftover.is_file()
                and not leftover.is_symlink()
                and abs(now - leftover.stat().st_mtime) > STALE_PARTIAL_S
            ):
                leftover.unlink()


def backup_folder_error(exc: OSError, backup_dir: Path) -> StoreError:
    """The backup folder could not take a backup: said of the folder, which is at fault, not of the poll store
    (it read "the poll store failed: [Errno 17] File exists: '.../backups'", naming the store, which was fine)."""
    blocker = next((p for p in (backup_dir, *backup_dir.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        why = f"{blocker} is a file, not a folder"
    elif exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        why = "the disk it is on is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "it cannot be written (no permission, or a read-only disk)"
    else:
        why = (exc.strerror or str(exc)).lower()
    kind = "full" if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) else "io"
    return StoreError(
        f"the backup folder cannot take a backup: {why}; the poll store itself is untouched",
        where=str(backup_dir),
        kind=kind,
    )


def backup_folder(db_file: Path, backup_dir: Path) -> Path:
    """Where `db_file`'s backups go: `backup_dir` itself for the store beside it (the app's own), and a
    subfolder named after the store's full path for any other, so two stores called polls.sqlite3 in
    different folders never rotate, or get restored from, each other's backups."""
    db_file = as_on_disk(db_file.resolve())  # (a folder spelt in another case on a case-insensitive disk too)
    if db_file.parent == as_on_disk(backup_dir.resolve().parent):  # symlinked data folders too
        return backup_dir
    digest = hashlib.sha256(str(db_file).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return backup_dir / "elsewhere" / digest


def backups_of(db_file: Path, backup_dir: Path) -> list[Path]:
    """The backups of exactly this store file (name and folder), newest first: what recovery may offer."""
    db_file = as_on_disk(db_file)
    return list_backups(backup_folder(db_file, backup_dir), db_file.stem)


def as_on_disk(path: Path) -> Path:
    """`path` (made absolute) spelt as its folders list it. On a case-insensitive disk (FAT, exFAT, macOS's and
    Windows' own) `POLLS.sqlite3` opens `polls.sqlite3`: each part a folder does not list as written is replaced
    by the entry of the same name in another case that is the same file. A path that is not there is returned as
    it is (made absolute)."""
    path = Path(os.path.abspath(path))
    out = Path(path.anchor)
    for part in path.parts[1:]:
        try:
            names = os.listdir(out)
        except OSError:
            return path
        if part not in names:
            wanted, written = part.casefold(), out / part
            part = next((n for n in names if n.casefold() == wanted and _same_file(out / n, written)), "")
            if not part:
                return path
        out = out / part
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def list_backups(backup_dir: Path, stem: str = "polls") -> list[Path]:
    """Backups of the store whose file name (without `.sqlite3`) is exactly `stem`, the one written last first:
    by the sequence number each carries (backup_sqlite), then, for backups made before it was kept (which all
    come before any numbered one), by their time stamp. A store whose name leaves no room for its backups' (a
    long name) has them in `backup_dir/long-names`, named after its long_name_key: those are listed with them."""
    found: list[Path] = []
    for folder, key in _backup_places(backup_dir, stem):
        if folder.is_dir():
            pattern = _backup_pattern(key)
            found += [p for p in folder.iterdir() if pattern.fullmatch(p.name) and p.is_file()]
    return sorted(found, key=lambda p: (_sequence_of(p, stem), p.name), reverse=True)


def _sequence_of(backup: Path, stem: str) -> int:
    """The sequence number of `backup`, one of the store `stem`'s (named after it or its long_name_key)."""
    return max(_sequence(_backup_pattern(key), backup.name) for _folder, key in _backup_places(backup.parent, stem))


def backup_problem(backup: Path) -> str | None:
    """Why the backup file `backup` cannot be opened as a store (None: SQLite reads every page of it, and this
    version knows its schema), read-only and without a log: a backup cut short or zeroed after it was written (a
    full disk, a copy, a bad sector), or one a newer version wrote. Other refusals are found by opening a copy."""
    try:
        with backup.open("rb") as fh:
            if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return "not a SQLite database"
        uri = f"{backup.absolute().as_uri()}?mode=ro&immutable=1"
        con = sqlite3.connect(uri, uri=True)
        try:
            verdict = con.execute("PRAGMA quick_check(1)").fetchall()
            revisions = {row[0] for row in con.execute("SELECT version_num FROM alembic_version")} if verdict else set()
        finally:
            con.close()
    except sqlite3.Error:
        return "damaged: not a readable database"
    except OSError as exc:
        return f"cannot be read: {(exc.strerror or str(exc)).lower()}"
    if verdict != [("ok",)]:
        return "damaged: not a readable database"
    unknown = revisions - known_revisions()
    return f"written by a newer version of warroom (schema revision {', '.join(sorted(unknown))})" if unknown else None


def upgrade(engine: Engine, *, backup_dir: Path | None = None) -> str | None:
    """Bring the schema to head. A SQLite file with data is backed up first. Returns the backup path, if any."""
    backup: Path | None = None
    try:
        current = current_revision(engine)
        head = head_revision()
        if current == head:
            return None
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        _refuse_foreign(tables, [current] if current else [], display_target(engine))
        if current is not None:
            _refuse_unknown([current], display_target(engine))
        if is_read_only(engine):
            state = "is empty" if current is None else "was written by an older version of warroom"
            raise StoreError(
                f"this poll store is read-only and {state}, so it cannot be brought up to date; "
                "make the file writable, or open it with the version that wrote it",
                where=display_target(engine),
                kind="readonly",
            )
        db_file = sqlite_path(engine)
        if db_file is not None and current is not None and backup_dir is not None:
            try:  # no migration without its backup
                backup = backup_sqlite(db_file, backup_dir, reason=f"before-{head}")
            except (sqlite3.Error, OSError, StoreError) as exc:
                error = exc if isinstance(exc, StoreError) else translate(exc, engine)
                raise StoreError(
                    f"the store was not upgraded, because its backup could not be written first: {error} "
                    f"({backup_dir})",
                    where=error.where,
                    kind=error.kind,
                ) from exc
        with write_locked(engine) as conn:
            # Another instance may have migrated while this one waited for the lock: look again.
            current = _stored_revision(conn)
            if current == head:
                return str(backup) if backup else None
            if current is not None:
                _refuse_unknown([current], display_target(engine))
            from alembic import command  # a migration to run: only now is Alembic needed

            command.upgrade(_alembic_config(conn), "head")
    except SQLAlchemyError as exc:
        raise translate(exc, engine) from exc
    return str(backup) if backup else None


def refuse_planted_code(engine: Engine) -> None:
    """Refuse a store holding code that runs by itself: triggers (and, on PostgreSQL, rules and event triggers).

    warroom creates none. One found in a store received from someone else, or left by a tool, ran on the
    user's next write and could change or delete anything (a trigger on `poll` deleted every other poll as one
    was added). Read only; checked before the schema upgrade and the demo seeding, the first writes of a start.

    Raises:
        StoreError: kind "foreign", naming each one and its table.
    """
    with translated(engine), engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            _refuse_split_schema(conn, engine)
        found = _planted_code(conn)
    if found:
        raise StoreError(
            f"this store holds code that would run by itself whenever warroom writes ({_listed(found)}); warroom "
            "creates none, and it could change or delete polls unseen, so nothing was changed and the store was not "
            "opened: remove it (DROP TRIGGER / DROP RULE) if you put it there, or ask whoever sent the store",
            where=display_target(engine),
            kind="foreign",
        )


def _listed(found: list[str]) -> str:
    return "; ".join(found[:6]) + ("; ..." if len(found) > 6 else "")


def _planted_code(conn: Connection) -> list[str]:
    """The triggers (and, on PostgreSQL, rules and event triggers) on the tables warroom's names reach, named."""
    if conn.dialect.name == "sqlite":
        return [f"trigger {n} on {t}" for n, t in conn.exec_driver_sql(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]  # fmt: skip
    if conn.dialect.name != "postgresql":
        return []
    # On every table warroom's unqualified names reach (pg_table_is_visible: the first of that name in the search
    # path), not only current_schema()'s: a role with a schema of its own has it first in its search path while
    # the store's tables are in public, and a trigger there was never seen.
    reached = "c.relname = ANY(%(names)s) AND pg_table_is_visible(c.oid)"
    names = {"names": sorted(_store_tables())}
    found = [f"trigger {n} on {t}" for n, t in conn.exec_driver_sql(
        "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        f"WHERE NOT t.tgisinternal AND {reached} ORDER BY 1", names)]  # fmt: skip
    found += [f"rule {n} on {t}" for n, t in conn.exec_driver_sql(
        "SELECT r.rulename, c.relname FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
        f"WHERE r.rulename <> '_RETURN' AND {reached} ORDER BY 1", names)]  # fmt: skip
    found += [f"event trigger {n}" for (n,) in conn.exec_driver_sql(
        "SELECT evtname FROM pg_event_trigger WHERE evtenabled <> 'D' ORDER BY 1")]  # fmt: skip
    return found


def _store_tables() -> frozenset[str]:
    """The names of every table warroom keeps a store in (its schema's, and Alembic's own)."""
    from warroom.store.schema import Base

    return frozenset(Base.metadata.tables) | {"alembic_version"}


def _refuse_split_schema(conn: Connection, engine: Engine) -> None:
    """Refuse a PostgreSQL store whose tables, as warroom's unqualified names reach them, lie in more than one
    schema: a table named like one of warroom's in a schema ahead of the store's in the search path (another
    role's schema named after the user, `$user` being first by default) was read and written instead of the
    store's own, its owner reading every poll added, the store's own table hidden.

    Raises:
        StoreError: kind "foreign", naming each schema and its tables; nothing is changed.
    """
    rows = conn.exec_driver_sql(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relname = ANY(%(names)s) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND pg_table_is_visible(c.oid) "
        "ORDER BY 1, 2",
        {"names": sorted(_store_tables())},
    ).all()
    schemas: dict[str, list[str]] = {}
    for schema, table in rows:
        schemas.setdefault(str(schema), []).append(str(table))
    if len(schemas) > 1:
        shown = "; ".join(
            f"schema {schema}: {', '.join(tables[:5])}{', ...' if len(tables) > 5 else ''}"
            for schema, tables in sorted(schemas.items(), key=lambda item: len(item[1]))
        )
        raise StoreError(
            f"this store's tables are split between schemas ({shown}): a schema ahead of the store's in your "
            "search path holds tables named like warroom's, which would be read and written instead of the "
            "store's own; nothing was changed: drop or rename them, or set the search path in the URL "
            "(?options=-csearch_path%3Dpublic)",
            where=display_target(engine),
            kind="foreign",
        )


def _open_file_limit() -> str:
    """This process's limit of open files, as `ulimit -n` shows it ("" where it cannot be read)."""
    soft = soft_limit("RLIMIT_NOFILE")
    return "" if soft is None else f" (ulimit -n {soft})"


def os_cause(exc: OSError, where: str, *, doing: str = "open") -> StoreError:
    """A StoreError naming the operating system's real reason a store file could not be opened or made.

    SQLite reports most of these as one "unable to open database file", and every one of them used to read as
    "read-only location or no permission", so the user went checking permissions that were fine.
    """
    code = exc.errno
    if code in (errno.EMFILE, errno.ENFILE):
        limit = _open_file_limit() if code == errno.EMFILE else ""
        scope = f"this program's limit of open files{limit}" if code == errno.EMFILE else "the system's open-file limit"
        return StoreError(
            f"cannot {doing} the poll store: too many files are open ({scope} is reached); nothing was changed: "
            "close some programs or raise the limit (ulimit -n 1024) and try again",
            where=where,
            kind="limit",
        )
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        what = "the disk is full" if code == errno.ENOSPC else "the disk quota is used up"
        return StoreError(
            f"cannot {doing} the poll store: {what}; nothing was saved: free some space and try again",
            where=where,
            kind="full",
        )
    if code == errno.EROFS:
        return StoreError(
            f"cannot {doing} the poll store: it is on a read-only file system (a CD, a read-only share or "
            "snapshot); nothing was changed: copy it to a writable folder",
            where=where,
            kind="readonly",
        )
    if code in (errno.EACCES, errno.EPERM):
        return StoreError(
            f"cannot {doing} the poll store: permission denied (the file or its folder is not yours to "
            "read or write); nothing was changed",
            where=where,
            kind="readonly",
        )
    if code == errno.ENAMETOOLONG:
        return StoreError(
            f"cannot {doing} the poll store: its path or a name in it is too long for this file system; "
            "nothing was created: choose a shorter folder (--data-dir) or name",
            where=where,
        )
    if code == errno.ELOOP:
        return StoreError(
            f"cannot {doing} the poll store: its path goes round a loop of links (a -> b -> a); nothing was "
            "created: point the link at the poll store",
            where=where,
            kind="missing",
        )
    if code == errno.EISDIR:
        return StoreError(
            f"cannot {doing} the poll store: this is a folder, not a poll store file (give the path of a "
            ".sqlite3 file)",
            where=where,
        )
    if code == errno.ENOTDIR:
        return StoreError(
            f"cannot {doing} the poll store: a part of its path is a file, not a folder; nothing was created",
            where=where,
            kind="missing",
        )
    if code == errno.ENOENT:
        return StoreError(
            f"cannot {doing} the poll store: its folder is not there (a drive not mounted, a folder moved?)",
            where=where,
            kind="missing",
        )
    if code == errno.EIO:
        return StoreError(
            f"cannot {doing} the poll store: the disk reported an input/output error; nothing was saved: check "
            "the disk or the network drive it is on, and try again",
            where=where,
            kind="io",
        )
    return StoreError(f"cannot {doing} the poll store: {exc.strerror or exc}", where=where)


def _open_failure(path: Path | None) -> OSError | None:
    """Why SQLite could not open a store file, asked of the operating system (SQLite keeps the errno to itself).

    Tries the few file handles a connection needs (the store, its -wal and -shm), then opens each of those files
    that exists for reading and writing, without creating or changing anything. None: no cause found.
    """
    held: list[int] = []
    try:
        for _ in range(3):
            held.append(os.open(os.devnull, os.O_RDONLY))
    except OSError as exc:
        return exc
    finally:
        for fd in held:
            os.close(fd)
    if path is None:
        return None
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            fd = os.open(file, os.O_RDWR)
        except FileNotFoundError:
            continue
        except OSError as exc:
            return exc
        os.close(fd)
    return None


def translate(exc: BaseException, engine: Engine | None = None, *, path: Path | None = None) -> StoreError:
    """Turn a driver error into a StoreError that says what happened and where (`path`: the SQLite file, when
    there is no engine yet)."""
    where = ""
    text = str(getattr(exc, "orig", exc) or exc)
    if engine is not None:
        where = display_target(engine)
        text = scrub(text, engine.url)
    low = text.lower()
    if isinstance(exc, StoreError):
        return exc
    refused = _server_refused_login(text)  # first: a name it quotes ("locked_polls") is no word of the fault
    if refused is not None:
        return StoreError(refused, where=where, kind="missing" if "no database" in refused else "error")
    if engine is not None and engine in _OPENED_ON_FULL_DISK and ("readonly" in low or "read-only" in low):
        return StoreError(
            "the disk is full, so the poll store was opened for reading only: nothing was saved; free some space "
            "and start warroom again to write",
            where=where,
            kind="full",
        )
    if "file is not a database" in low or "malformed" in low or "not a database" in low:
        return StoreError(
            "the poll store is damaged (not a readable database); it has been left untouched",
            where=where,
            kind="corrupt",
        )
    if "locked" in low or "busy" in low or "lock timeout" in low:
        return StoreError(
            "the poll store is busy: another program holds a lock on it; try again", where=where, kind="locked"
        )
    if "no schema has been selected to create in" in low:  # PostgreSQL: the search path names no schema there is
        return StoreError(
            "the store's search path names no schema that exists in this database (a schema misspelt in the URL's "
            "options, or one dropped), so there is nowhere to keep the store: nothing was changed; fix the search "
            "path (?options=-csearch_path%3Dpublic) or create the schema",
            where=where,
        )
    if "read-only transaction" in low:  # PostgreSQL: a hot standby, or default_transaction_read_only set
        return StoreError(
            "this is a read-only server (a standby or replica, or a database or role set read-only), so the store "
            "cannot be set up, upgraded or written there: nothing was changed; give the primary server's address",
            where=where,
            kind="readonly",
        )
    owned = re.search(r"must be owner of (table|relation|schema|sequence|database|index) (\S+)", text)
    if owned is not None:  # PostgreSQL: a schema change (a newer version's upgrade) by a role that does not own it
        return StoreError(
            f"this role cannot change the store's {owned.group(1)} {owned.group(2).strip(chr(34))}: only its owner "
            "may alter it, and bringing the store up to this version's schema (an upgrade) does; nothing was "
            "changed: start this version once as the role that owns the store's tables, or ask the administrator "
            "to make this role their owner",
            where=where,
            kind="readonly",
        )
    denied = re.search(r"permission denied for (schema|table|relation|sequence|database) (\S+)", text)
    if denied is not None:  # PostgreSQL: a right the role lacks, named with what it is on
        what, name = denied.group(1), denied.group(2).strip('"')
        ask = (
            f"ask the database's administrator for it (GRANT CREATE ON SCHEMA {name} TO the role), or to set up "
            "the store as the schema's owner"
            if what == "schema"
            else "ask the database's administrator to grant it"
        )
        needed = "CREATE (to set up or upgrade the store's tables)" if what in ("schema", "database") else "access"
        return StoreError(
            f"the store's server refused this role {needed} on {what} {name}: nothing was changed; {ask}",
            where=where,
            kind="readonly",
        )
    if "unable to open" in low:  # SQLite's one message for every reason an open failed: ask the system which
        cause = _open_failure(sqlite_path(engine) if engine is not None else path)
        if cause is not None:
            return os_cause(cause, where)
    if "readonly" in low or "read-only" in low or "unable to open" in low or "permission" in low:
        return StoreError(
            "the poll store cannot be written here (read-only location or no permission)", where=where, kind="readonly"
        )
    if "disk is full" in low or "database or disk is full" in low or "no space" in low:
        return StoreError(
            "the disk is full: nothing was saved; free some space and try again", where=where, kind="full"
        )
    if "connection timeout expired" in low or "connection refused" in low or "could not translate host" in low:
        return StoreError(
            f"the store's server could not be reached ({text.strip().splitlines()[0][:160]}): check the address "
            "and that the server is running; nothing was changed",
            where=where,
            kind="unreachable",
        )
    if "statement timeout" in low:  # PostgreSQL's statement_timeout, set for the database or the role
        return StoreError(
            "the store's server cancelled a statement that ran longer than its statement_timeout (a setting of "
            "this database or role, not warroom's): nothing was saved or changed; ask its administrator to raise "
            "it, or add ?options=-cstatement_timeout%3D0 to the store's URL",
            where=where,
        )
    if "canceling statement due to user request" in low:  # (warroom never cancels a statement itself: the server
        return StoreError(  # reports a statement_timeout so when it fires on a loaded machine, or an administrator)
            "the store's server cancelled a statement (an administrator, or its statement_timeout, a setting of "
            "this database or role, not warroom's): nothing was saved or changed; try again, and if it comes back "
            "ask its administrator, or add ?options=-cstatement_timeout%3D0 to the store's URL",
            where=where,
        )
    if "did not answer within" in low:
        return StoreError(
            f"{text.strip().splitlines()[0][:300]}; the next action reconnects",
            where=where,
            kind="unreachable",
        )
    if "terminating connection" in low or "server closed the connection" in low or "connection is lost" in low:
        return StoreError(
            "the connection to the store's server was lost (a restart or a network cut) in the middle of this "
            "change, so none of it was saved; try again",
            where=where,
            kind="unreachable",
        )
    if "disk i/o error" in low:  # SQLite's word for a full disk too (it cannot make its shared-memory file)
        store_file = sqlite_path(engine) if engine is not None else path
        if _disk_full_at(store_file):
            return StoreError(
                "the disk is full: nothing was saved; free some space and try again", where=where, kind="full"
            )
        limit = _file_size_limit_reached(store_file)
        if limit is not None:  # `ulimit -f`: the write past it failed (Python ignores SIGXFSZ), the disk is fine
            return StoreError(
                f"the poll store reached this program's file-size limit ({limit:,} bytes: ulimit -f): nothing was "
                "saved; raise the limit (ulimit -f unlimited) and try again",
                where=where,
                kind="full",
            )
        if _unwritable(store_file):  # and for a store (or its -wal) whose permissions changed under the app
            return StoreError(
                "the poll store cannot be written here any more (its file or its -wal file was made read-only "
                "or immutable); nothing was saved",
                where=where,
                kind="readonly",
            )
        return StoreError(
            "the poll store could not be read or written (the disk reported an error); nothing was saved: check "
            "the disk or the network drive it is on, and try again",
            where=where,
            kind="io",
        )
    if "foreign key" in low:  # warroom's own rule: a row this change refers to went meanwhile
        return StoreError(
            "the poll store refused this change: a row it refers to (its contest, its poll) is no longer there, "
            "perhaps deleted by a teammate meanwhile; nothing was saved",
            where=where,
            kind="conflict",
        )
    if isinstance(exc, IntegrityError) or isinstance(getattr(exc, "orig", None), sqlite3.IntegrityError):
        # warroom's own rules are checked before it writes: a constraint it meets here is one the store was given
        # outside warroom (a unique index, a check), or a teammate's row that took a key meanwhile
        first = text.strip().splitlines()[0][:300] if text.strip() else "a constraint"
        return StoreError(
            f"the poll store refused this change by a rule it holds ({first}): nothing was saved; if the rule was "
            "added to the store outside warroom, remove it",
            where=where,
        )
    if isinstance(exc, (OperationalError, DBAPIError)):
        return StoreError(f"the poll store failed: {text}", where=where)
    return StoreError(f"the poll store failed: {text}", where=where)


def _server_refused_login(text: str) -> str | None:
    """What a PostgreSQL server's refusal at login means, in words (None: the text is no such refusal).

    The driver's own text ("connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:
    database "polls" does not exist") was shown as it was, and a database or role name holding "locked", "busy",
    "readonly" or "permission" was read as that fault ("the poll store is busy")."""
    if "fatal:" not in text.lower():
        return None
    fatal = text[text.lower().rindex("fatal:") + len("fatal:") :].strip().splitlines()[0]
    found = re.fullmatch(r'database "(.*)" does not exist', fatal)
    if found is not None:
        name = found.group(1)
        return (
            f"the store's server has no database named {name!r}: check the database's name at the end of the "
            "store's URL (a mistyped name?); nothing was made or changed. A new team store's database is made "
            f"first on the server (createdb {name}, or CREATE DATABASE by its administrator); warroom then sets "
            "it up at its first start"
        )
    found = re.fullmatch(r'role "(.*)" does not exist', fatal)
    if found is not None:
        return (
            f"the store's server has no user (role) named {found.group(1)!r}: check the user name in the store's "
            "URL, or ask the server's administrator to make it; nothing was changed"
        )
    found = re.fullmatch(r'password authentication failed for user "(.*)"', fatal)
    if found is not None:
        return (
            f"the store's server refused the password for user {found.group(1)!r}: check the password in the "
            "store's URL (or in ~/.pgpass); nothing was changed"
        )
    found = re.fullmatch(r'no pg_hba\.conf entry for host "([^"]*)", user "([^"]*)", database "([^"]*)".*', fatal)
    if found is not None:
        return (
            f"the store's server does not let user {found.group(2)!r} connect to database {found.group(3)!r} from "
            f"this computer ({found.group(1)}): its administrator allows it in the server's pg_hba.conf; nothing "
            "was changed"
        )
    return None


def _unwritable(path: Path | None) -> bool:
    """Whether a SQLite store or one of its -wal/-shm files exists and cannot be written by this process."""
    if path is None:
        return False
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return any(user_made_read_only(f) for f in files)  # (root too: the write bit, not os.access alone)


def _file_size_limit_reached(path: Path | None) -> int | None:
    """The process's file-size limit (RLIMIT_FSIZE) when the SQLite store or its -wal is within a megabyte of it
    (a write past it fails with EFBIG, which SQLite reports as a disk I/O error); None otherwise."""
    soft = soft_limit("RLIMIT_FSIZE")
    if path is None or soft is None:
        return None
    for file in (path, _wal_of(path)):
        with contextlib.suppress(OSError):
            if file.stat().st_size + 2**20 >= soft:
                return int(soft)
    return None


def _disk_full_at(path: Path | None) -> bool:
    """Whether the folder of a SQLite store has (next to) no free space left."""
    import shutil

    if path is None:
        return False
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False


@contextlib.contextmanager
def translated(engine: Engine | None = None) -> Iterator[None]:
    """Re-raise SQLAlchemy/driver errors as StoreError."""
    try:
        yield
    except StoreError:
        raise
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        raise translate(exc, engine) from exc


# --- values edited outside the app -------------------------------------------------------------------------------

_DATE_COLUMNS = (
    ("poll", "fieldwork_start", False),
    ("poll", "fieldwork_end", False),
    ("poll", "published", True),
    ("contest", "election_date", False),
    ("contest", "second_round_date", True),
    ("annotation", "day", False),
    ("poll_notice", "fieldwork_start", False),
    ("poll_notice", "fieldwork_end", False),
    ("transfer_matrix", "fieldwork_start", False),
    ("transfer_matrix", "fieldwork_end", False),
)
_CONTEST_SCOPED = (
    "poll",
    "candidate",
    "party",
    "annotation",
    "scenario",
    "official_result",
    "irv_prior",
    "poll_notice",
    "transfer_matrix",
    "official_round",
)
"""Tables whose rows belong to one contest (contest_id, deleted with it when foreign keys are on)."""
_SHARE_COLUMNS = (
    ("poll_figure", "share"),
    ("transfer_split", "share"),
    ("question_share", "share"),
    ("transfer_matrix_row", "to_a"),
    ("transfer_matrix_row", "to_b"),
    ("transfer_matrix_row", "neither"),
)
_TEXT_COLUMNS = (
    ("poll", ("pollster", "client", "method", "source_url", "notes")),
    ("poll_figure", ("kind", "code")),
    ("transfer_split", ("from_code", "to_code")),
    ("contest", ("name", "system", "office", "area", "notes")),
    ("candidate", ("code", "name", "colour", "short_name")),
    ("party", ("code", "name", "colour")),
    ("annotation", ("text",)),
    ("scenario", ("name",)),
)


def hand_edits(engine: Engine, *, limit: int = 10) -> list[str]:
    """Values in a SQLite store that warroom never writes and cannot use: what an edit outside the app (a
    database browser, the sqlite3 shell) can leave, since SQLite keeps any value in any column. Each is named
    by table, row id and column ("poll #1: fieldwork_end 'garbage' is not a date"); empty for a sound store
    and for other databases (PostgreSQL enforces the column types itself).

    Checked: dates that are not dates, numbers that are not numbers, text that is not text, shares outside
    0-100, poll dates outside their contest's window (core.validation: a date in 9999 stretched every average's
    daily grid for minutes), unknown counting systems, official results that are not JSON.
    """
    with translated(engine):  # a server's statement timeout, a lost connection: a message, not a traceback
        return _hand_edits(engine, limit=limit)


def _hand_edits(engine: Engine, *, limit: int) -> list[str]:
    from warroom.core.types import CountingSystem
    from warroom.core.validation import EARLIEST_BEFORE_ELECTION, LATEST_AFTER_ELECTION

    if engine.url.get_backend_name() != "sqlite":
        return typed_hand_edits(engine, limit=limit)
    # (table, column, condition, the problem in words): each table is read once, all its conditions together.
    rules: list[tuple[str, str, str, str]] = []
    for table, column, nullable in _DATE_COLUMNS:
        null_ok = f"{column} IS NOT NULL AND " if nullable else ""
        rules.append(
            (table, column, f"{null_ok}(typeof({column}) != 'text' OR date({column}) IS NULL OR date({column}) != {column})", "is not a date")
        )  # fmt: skip
    rules.append(("poll", "sample_size", "typeof(sample_size) NOT IN ('integer', 'null')", "is not a whole number"))
    rules.append(("poll_notice", "sample_size", "typeof(sample_size) NOT IN ('integer', 'null')", "is not a whole number"))  # fmt: skip
    for table, c in _SHARE_COLUMNS:
        rules.append((table, c, f"typeof({c}) NOT IN ('integer', 'real')", "is not a number"))
        rules.append((table, c, f"typeof({c}) IN ('integer', 'real') AND ({c} < 0 OR {c} > 100)", "is outside 0-100"))
    for table, columns in _TEXT_COLUMNS:
        rules += [(table, c, f"{c} IS NOT NULL AND typeof({c}) != 'text'", "is not text") for c in columns]
    systems = ", ".join(f"'{s.value}'" for s in CountingSystem)
    rules.append(("contest", "system", f"typeof(system) = 'text' AND system NOT IN ({systems})", "is not a counting system"))  # fmt: skip
    late, early = LATEST_AFTER_ELECTION.days, EARLIEST_BEFORE_ELECTION.days
    window = (  # a poll's (or a two-round notice's) dates against its contest's: one join each
        "SELECT p.id, p.fieldwork_start, p.fieldwork_end, julianday(c.election_date) - julianday(p.fieldwork_start), "
        "julianday(p.fieldwork_end) - julianday(c.election_date) FROM {table} p JOIN contest c ON c.id = p.contest_id "
        "WHERE date(c.election_date) = c.election_date AND ("
        f"(date(p.fieldwork_end) = p.fieldwork_end AND julianday(p.fieldwork_end) - julianday(c.election_date) > {late}) "
        f"OR (date(p.fieldwork_start) = p.fieldwork_start "
        f"AND julianday(c.election_date) - julianday(p.fieldwork_start) > {early}))"
    )
    found: list[str] = []
    with engine.connect() as conn:
        try:
            conn.exec_driver_sql("SELECT json_valid('{}')")
            rules.append(("official_result", "result_json", "typeof(result_json) != 'text' OR NOT json_valid(result_json)", "is not JSON"))  # fmt: skip
        except Exception:  # a SQLite built without JSON: the result's reader still refuses it by name
            conn.rollback()
        # Only what this store's schema has: a store from an older version is checked before its migration.
        present = _columns(conn)
        rules = [r for r in rules if r[1] in present.get(r[0], ())]
        for table in dict.fromkeys(r[0] for r in rules):
            mine = [r for r in rules if r[0] == table]
            flags = ", ".join(f"({cond}), {column}" for _t, column, cond, _w in mine)
            where = " OR ".join(f"({cond})" for _t, _c, cond, _w in mine)
            for row in conn.exec_driver_sql(f"SELECT id, {flags} FROM {table} WHERE {where} LIMIT {limit}"):
                for i, (_t, column, _cond, words) in enumerate(mine):
                    if row[1 + 2 * i]:
                        value = "" if words == "is not JSON" else f" {_shown(row[2 + 2 * i])}"
                        found.append(f"{table} #{row[0]}: {column}{value} {words}")
        for table in _CONTEST_SCOPED:  # a contest deleted with foreign keys off (the sqlite3 shell's default)
            if "contest_id" not in present.get(table, ()) or "contest" not in present:
                continue
            sql = (
                f"SELECT rowid, contest_id FROM {table} WHERE contest_id NOT IN (SELECT id FROM contest) LIMIT {limit}"
            )
            found += [
                f"{table} #{rid}: contest_id {cid} names no contest (a contest deleted outside warroom left it; "
                "the next contest made would take that id and show it)"
                for rid, cid in conn.exec_driver_sql(sql)
            ]
        for table in ("poll", "poll_notice"):
            if table not in present or "election_date" not in present.get("contest", ()):
                continue
            for rid, start, end, before, after in conn.exec_driver_sql(f"{window.format(table=table)} LIMIT {limit}"):
                if after is not None and after > late:
                    found.append(f"{table} #{rid}: fieldwork_end {end} is more than a year after its contest's election")  # fmt: skip
                if before is not None and before > early:
                    found.append(f"{table} #{rid}: fieldwork_start {start} is more than ten years before its contest's election")  # fmt: skip
        found += _record_edits(conn, present, limit=limit)
        found += _expected_edits(conn, present, limit=limit)
        found += _reference_edits(conn, present, limit=limit)
    return list(dict.fromkeys(found))[:limit]  # (a result that is not JSON is named by both checks)


def _columns(conn: Connection) -> dict[str, frozenset[str]]:
    """Each table of the store and its columns (in the current schema's search path)."""
    found = inspect(conn)
    return {t: frozenset(c["name"] for c in found.get_columns(t)) for t in found.get_table_names()}


def typed_hand_edits(engine: Engine, *, limit: int = 10) -> list[str]:
    """`hand_edits` for a store whose columns keep their types (PostgreSQL): what an edit outside the app (psql,
    a database tool) can still leave. A date is a date and a share a number there, but a share can be -50, NaN
    or infinity, a poll can be dated 9999 (every average's daily grid stretched for minutes), a contest's system
    can be a word the app does not know, and an official result text that is not JSON. Named as `hand_edits`
    names them; empty for a sound store and for backends other than PostgreSQL.
    """
    import math

    from warroom.core.types import CountingSystem
    from warroom.core.validation import EARLIEST_BEFORE_ELECTION, LATEST_AFTER_ELECTION

    if engine.url.get_backend_name() != "postgresql":
        return []
    found: list[str] = []
    late, early = LATEST_AFTER_ELECTION.days, EARLIEST_BEFORE_ELECTION.days
    systems = ", ".join(f"'{s.value}'" for s in CountingSystem)
    with engine.connect() as conn:
        present = _columns(conn)  # a store from an older version is checked before its migration
        for table, column in _SHARE_COLUMNS:  # NaN and infinity compare above 100 on PostgreSQL
            if column not in present.get(table, ()):
                continue
            sql = f"SELECT id, {column} FROM {table} WHERE {column} < 0 OR {column} > 100 LIMIT {limit}"
            for rid, value in conn.exec_driver_sql(sql):
                if math.isfinite(value):
                    found.append(f"{table} #{rid}: {column} {_shown(value)} is outside 0-100")
                else:
                    found.append(f"{table} #{rid}: {column} {'NaN' if math.isnan(value) else value} is not a number")
        if "system" in present.get("contest", ()):
            sql = f"SELECT id, system FROM contest WHERE system NOT IN ({systems}) LIMIT {limit}"
            found += [
                f"contest #{rid}: system {_shown(v)} is not a counting system" for rid, v in conn.exec_driver_sql(sql)
            ]
        for table in ("poll", "poll_notice"):
            if table not in present or "election_date" not in present.get("contest", ()):
                continue
            sql = (
                f"SELECT p.id, p.fieldwork_start, p.fieldwork_end, c.election_date - p.fieldwork_start, "
                f"p.fieldwork_end - c.election_date FROM {table} p JOIN contest c ON c.id = p.contest_id "
                f"WHERE p.fieldwork_end - c.election_date > {late} OR c.election_date - p.fieldwork_start > {early} "
                f"LIMIT {limit}"
            )
            for rid, start, end, before, after in conn.exec_driver_sql(sql):
                if after > late:
                    found.append(f"{table} #{rid}: fieldwork_end {end} is more than a year after its contest's election")  # fmt: skip
                if before > early:
                    found.append(f"{table} #{rid}: fieldwork_start {start} is more than ten years before its contest's election")  # fmt: skip
        found += _record_edits(conn, present, limit=limit)
        found += _expected_edits(conn, present, limit=limit)
        found += _reference_edits(conn, present, limit=limit)
    return found[:limit]


def _reference_edits(conn: Connection, present: dict[str, frozenset[str]], *, limit: int) -> list[str]:
    """Values of the right type that the app never stores and would read wrongly, on every backend: a poll's
    figure or transfer for a code its contest has no candidate or party for (the app refuses to remove a code
    its polls use; `warroom polls` ended in a KeyError traceback and the averages left the figure out without a
    word), a sample size of zero or less (weighed as a poll of minus five people), and fieldwork that ends before
    it starts (core.validation's rules for a poll). Named as `hand_edits` names the others. A poll published
    before its fieldwork ended is not refused here: the window's own add (an undo, a teammate's copy) can store
    one, and it reads and averages as any other."""
    from warroom.core.validation import allowed_codes

    need = {
        "poll": {"id", "contest_id", "fieldwork_start", "fieldwork_end", "sample_size"},
        "poll_figure": {"id", "poll_id", "kind", "code"},
        "transfer_split": {"id", "poll_id", "from_code", "to_code"},
        "candidate": {"contest_id", "code"},
        "party": {"contest_id", "code"},
    }
    if any(not columns <= present.get(table, frozenset()) for table, columns in need.items()):
        return []  # a store from a version before these tables: checked again after its migration
    # Each contest's own codes, then its polls' figures and transfers read through the poll_id indexes with a
    # plain list test each: a NOT EXISTS look-up per figure (a join to the candidates) took 0.8 s at open at
    # 100,000 polls, this about a pass over the figures.
    codes: dict[int, tuple[set[str], set[str]]] = {}
    for table, slot in (("candidate", 0), ("party", 1)):
        for cid, code in conn.exec_driver_sql(f"SELECT contest_id, code FROM {table}"):
            codes.setdefault(cid, (set(), set()))[slot].add(code)
    figures = text(
        "SELECT id, kind, code FROM poll_figure WHERE poll_id IN (SELECT id FROM poll WHERE contest_id = :cid) AND ("
        "(kind = 'first' AND code NOT IN :first) OR (kind = 'second' AND code NOT IN :runners) "
        f"OR (kind = 'party' AND code NOT IN :parties)) LIMIT {limit}"
    ).bindparams(*(bindparam(k, expanding=True) for k in ("first", "runners", "parties")))
    transfers = text(
        "SELECT id, from_code, to_code FROM transfer_split WHERE poll_id IN (SELECT id FROM poll WHERE contest_id = "
        f":cid) AND (from_code NOT IN :source OR to_code NOT IN :to) LIMIT {limit}"
    ).bindparams(*(bindparam(k, expanding=True) for k in ("source", "to")))
    found: list[str] = []
    for (cid,) in conn.exec_driver_sql("SELECT id FROM contest"):
        allowed = allowed_codes(*codes.get(cid, (set(), set())))  # (the one rule, as SQL lists)
        own = {
            "cid": cid,
            "first": sorted(allowed.first),
            "runners": sorted(allowed.second),
            "parties": sorted(allowed.party),
            "source": sorted(allowed.transfer_from),
            "to": sorted(allowed.transfer_to),
        }
        found += [
            f"poll_figure #{rid}: code {_shown(code)} names no {'party' if kind == 'party' else 'candidate'} of "
            "its poll's contest"
            for rid, kind, code in conn.execute(figures, own)
        ]
        found += [
            f"transfer_split #{rid}: {_shown(source)}>{_shown(to)} names no candidate of its poll's contest"
            for rid, source, to in conn.execute(transfers, own)
        ]
        if len(found) >= limit:
            return found[:limit]
    checks = (
        (
            "SELECT id, sample_size, NULL FROM poll WHERE sample_size <= 0",
            lambda rid, size, _n: f"poll #{rid}: sample_size {size} is not positive",
        ),
        (
            "SELECT id, fieldwork_start, fieldwork_end FROM poll WHERE fieldwork_end < fieldwork_start",
            lambda rid, start, end: f"poll #{rid}: fieldwork_end {end} is before its start {start}",
        ),
    )
    for sql, words in checks:
        found += [words(*row) for row in conn.exec_driver_sql(f"{sql} LIMIT {limit}")]
    return found[:limit]


def _expected_edits(conn: Connection, present: dict[str, frozenset[str]], *, limit: int) -> list[str]:
    """A contest's expected first round (core.types.ExpectedTurnout) that no form or file could store, on every
    backend: out of its range, not a number, or set in part. ExpectedTurnout refused it in every verb that read the
    race, a traceback. Named as `hand_edits` names the others."""
    from warroom.core.types import expected_turnout_problems

    columns = ("expected_turnout", "expected_blank_null", "expected_registered")
    if not set(columns) <= present.get("contest", frozenset()):
        return []
    found: list[str] = []
    sql = f"SELECT id, {', '.join(columns)} FROM contest WHERE " + " OR ".join(f"{c} IS NOT NULL" for c in columns)
    for rid, *values in conn.exec_driver_sql(sql):
        if any(v is None for v in values):
            found.append(f"contest #{rid}: {', '.join(columns)} are set only in part (all three or none)")
            continue
        for problem in expected_turnout_problems(*values):
            found.append(f"contest #{rid}: {problem.replace('registered:', 'expected_registered:', 1)}")
        if len(found) >= limit:
            break
    return found[:limit]


def _record_edits(conn: Connection, present: dict[str, frozenset[str]], *, limit: int) -> list[str]:
    """Values kept as text that their readers cannot read (edited outside warroom), on every backend: a contest's
    rules, an official result or round, an instant-runoff prior (JSON), a candidate's or party's colour. Each was a
    traceback (or an unnamed message) in every verb that reads its contest, `warroom contests` too for the rules.
    Named as `hand_edits` names the others."""
    found: list[str] = []
    records = (
        ("contest", "rules_json", "a contest's rules"),
        ("official_result", "result_json", "an official result"),
        ("official_round", "votes_json", "an official round's votes"),
        ("irv_prior", "prior_json", "an instant-runoff prior"),
    )
    for table, column, what in records:
        if column not in present.get(table, ()):
            continue
        for rid, data in conn.exec_driver_sql(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL"):
            problem = _record_problem(data, _record_reader(column), what)
            if problem is not None:
                found.append(f"{table} #{rid}: {column} {problem}")
            if len(found) >= limit:
                return found
    from warroom.core.types import is_colour

    for table in ("candidate", "party"):  # the charts and every label draw them (a contest file's rule)
        if "colour" not in present.get(table, ()):
            continue
        for rid, colour in conn.exec_driver_sql(f"SELECT id, colour FROM {table}"):
            if isinstance(colour, str) and not is_colour(colour):
                found.append(f"{table} #{rid}: colour {_shown(colour)} is not #RRGGBB")
            if len(found) >= limit:
                return found
    return found


def _record_reader(column: str) -> Callable[[Any], object]:
    """The reader of a JSON column (imported when a row is there to read: most stores have no prior)."""
    if column == "rules_json":
        from warroom.core.contestfile import rules_from_dict

        return rules_from_dict
    if column == "result_json":
        from warroom.core.contestfile import result_from_dict

        return result_from_dict
    if column == "prior_json":
        from warroom.store.irv_priors import prior_from_dict

        return prior_from_dict
    return _round_votes


def _round_votes(data: dict[str, Any]) -> None:
    """An official round's votes (store.questions.load_official_rounds reads them): a name -> whole number."""
    for name, votes in data.items():
        if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
            raise ValueError(f"the votes of {name!r:.40} are {votes!r:.40}, not a whole number >= 0")


def _record_problem(data: object, reader: Callable[[Any], object], what: str) -> str | None:
    """Why stored JSON text `data` is not what `reader` reads, in words; None when it is ("" means none kept)."""
    import json

    if data == "":
        return None
    try:
        value = json.loads(data)  # type: ignore[arg-type]  # (not text: the TypeError below)
    except (TypeError, ValueError, RecursionError):  # (json recurses once per level of [ or {)
        return "is not JSON"
    if not isinstance(value, dict):
        return "is not a JSON object"
    try:
        reader(value)
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        return f"is not {what} ({str(exc)[:100]})"
    return None


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return repr(value)[:60] if isinstance(value, str) else str(value)
