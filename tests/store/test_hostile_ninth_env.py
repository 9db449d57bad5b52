"""A ninth hostile pass, over faults and the environment (issue 16): stores whose schema or server settings were
changed by another tool, PostgreSQL search paths, links and folders made under a hostile umask. Each test failed
before its fix."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TOY, fresh_pg_database, make_poll, pg_url
from warroom.bootstrap import open_store
from warroom.store import polls as repo
from warroom.store.db import StoreError, hand_edits, make_engine, translated
from warroom.store.polls import DuplicatePollError


def _toy(target: str | Path) -> None:
    store = open_store(target, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1), make_poll(3)])
    store.close()


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database (its URL, as the superuser the tests connect as), dropped afterwards with any
    roles the test made (named x6_*)."""
    base = pg_url()
    if not base:
        pytest.skip("WARROOM_PG_URL not set (.ci/run sets it after starting PostgreSQL)")
    with fresh_pg_database(base, roles_like="x6\\_%") as url:
        yield url


def _as_role(url: str, role: str) -> str:
    user = url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0]
    return url.replace(f"://{user}@", f"://{role}@", 1)


def _admin(url: str, *statements: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


# --- a statement timeout set on the server -----------------------------------------------------------------------


def test_a_statement_timeout_set_on_the_database_is_a_message_naming_it_not_a_traceback(pg_database: str) -> None:
    """A database (or role) with a `statement_timeout` set by its administrator cancels warroom's statements:
    the check for values edited outside warroom at open ran outside the store's error translation, so the start
    was a raw `OperationalError` traceback with a page of catalogue SQL. Now a store error naming the setting."""
    _toy(pg_database)
    name = pg_database.rsplit("/", 1)[1]
    _admin(pg_database, f'ALTER DATABASE "{name}" SET statement_timeout = 1')
    with pytest.raises(StoreError) as info:
        open_store(pg_database, backup_dir=None, seed=False)
    message = str(info.value)
    assert "statement_timeout" in message and "SELECT" not in message, message
    assert "nothing was" in message
    with pytest.raises(StoreError):  # the check itself, whichever statement the server cancels first
        hand_edits(make_engine(pg_database))


def test_a_statement_the_server_cancels_as_a_user_request_is_the_same_plain_message() -> None:
    """PostgreSQL reports a statement_timeout as "canceling statement due to user request" when it fires as the
    statement ends on a loaded machine (the clean-clone CI run of the test above met it once): that was "the poll
    store failed: canceling statement …", no word of the setting. Warroom never cancels a statement itself."""
    from warroom.store.db import translate

    exc = RuntimeError("(psycopg.errors.QueryCanceled) canceling statement due to user request\n[SQL: SELECT 1]")
    message = str(translate(exc))
    assert "cancelled a statement" in message and "statement_timeout" in message, message
    assert "nothing was saved or changed" in message and "SELECT" not in message


# --- a search path that puts another schema first ----------------------------------------------------------------


def test_a_trigger_on_a_table_reached_through_the_search_path_is_refused(pg_database: str) -> None:
    """A role with a schema of its own (PostgreSQL's advice: `CREATE SCHEMA AUTHORIZATION alice`) has it first in
    its search path, while the store's tables are in `public`: the planted-code check looked only in
    current_schema() (alice's, empty), so a trigger on public.poll that deletes every other poll was never seen
    and ran on the next write. Now every table warroom's names reach is checked, whatever schema it is in."""
    _toy(pg_database)
    _admin(
        pg_database,
        "CREATE ROLE x6_alice LOGIN",
        "GRANT ALL ON SCHEMA public TO x6_alice",
        "GRANT ALL ON ALL TABLES IN SCHEMA public TO x6_alice",
        "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO x6_alice",
        'CREATE SCHEMA "x6_alice" AUTHORIZATION x6_alice',
        "CREATE FUNCTION public.wipe() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN DELETE FROM public.poll WHERE id <> NEW.id; RETURN NEW; END $$",
        "CREATE TRIGGER tidy AFTER INSERT ON public.poll FOR EACH ROW EXECUTE FUNCTION public.wipe()",
    )
    with pytest.raises(StoreError) as info:
        open_store(_as_role(pg_database, "x6_alice"), backup_dir=None, seed=False)
    assert info.value.kind == "foreign" and "tidy" in str(info.value)


def test_a_table_named_like_warrooms_in_a_schema_ahead_of_the_store_is_refused_not_written_into(
    pg_database: str,
) -> None:
    """Another role that owns a schema named after the user (first in the user's search path) puts a `poll`
    table there: warroom's unqualified statements then read and wrote that table, the other role's to read,
    while the rest of the store stayed in `public` (the polls added went to someone else's table, the store's own
    hidden). A store whose tables are split between schemas is refused, naming the table and both schemas."""
    _toy(pg_database)
    _admin(
        pg_database,
        "CREATE ROLE x6_bob LOGIN",
        "CREATE ROLE x6_mallory LOGIN",
        "GRANT ALL ON SCHEMA public TO x6_bob",
        "GRANT ALL ON ALL TABLES IN SCHEMA public TO x6_bob",
        "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO x6_bob",
        'CREATE SCHEMA "x6_bob" AUTHORIZATION x6_mallory',
        'GRANT USAGE ON SCHEMA "x6_bob" TO x6_bob',
        'CREATE TABLE "x6_bob".poll (LIKE public.poll INCLUDING ALL)',
        'ALTER TABLE "x6_bob".poll OWNER TO x6_mallory',
        'GRANT ALL ON "x6_bob".poll TO x6_bob',
    )
    with pytest.raises(StoreError) as info:
        open_store(_as_role(pg_database, "x6_bob"), backup_dir=None, seed=False)
    message = str(info.value)
    assert info.value.kind == "foreign"
    assert "poll" in message and "x6_bob" in message and "public" in message, message


# --- a schema changed by the user ---------------------------------------------------------------------------------


def test_a_unique_index_the_user_added_is_named_not_taken_for_a_teammates_poll(store_url: str) -> None:
    """A unique index added outside warroom (here on a poll's notes) refused the next poll with the same notes,
    and the store's refusal was read as warroom's own rule: "a poll in this batch was stored by another writer
    meanwhile", a teammate blamed for a rule the user made. Now the index is named as the store's own rule."""
    from sqlalchemy import create_engine

    from warroom.store.db import resolve_url

    _toy(store_url)
    raw = create_engine(resolve_url(store_url))
    with raw.begin() as conn:
        conn.exec_driver_sql("CREATE UNIQUE INDEX uq_poll_notes_mine ON poll (notes) WHERE notes <> ''")
    raw.dispose()
    store = open_store(store_url, backup_dir=None, seed=False)
    try:
        with pytest.raises(StoreError) as info, translated(store.engine), store.sessions.begin() as s:
            repo.add_polls(s, 1, [make_poll(5, notes="same")])
            repo.add_polls(s, 1, [make_poll(9, notes="same")])
        assert not isinstance(info.value, DuplicatePollError)
        message = str(info.value)
        assert "another writer" not in message and "notes" in message, message
        assert "nothing was saved" in message
        with store.sessions() as s:
            assert len(repo.list_polls(s, 1)) == 2
    finally:
        store.close()


def test_a_view_put_in_place_of_a_table_is_named_not_called_another_applications_database(tmp_path: Path) -> None:
    """A store whose `poll` table was replaced by a view of the same name (a tool's "rename and view" recipe)
    was refused as "another application's database", listing only warroom's own tables: the message hid what
    was wrong. It is refused, untouched, naming the view."""
    db = tmp_path / "polls.sqlite3"
    _toy(db)
    with sqlite3.connect(db) as conn:
        conn.executescript(
            "PRAGMA foreign_keys=OFF; CREATE TABLE poll_kept AS SELECT * FROM poll; DROP TABLE poll; "
            "CREATE VIEW poll AS SELECT * FROM poll_kept;"
        )
    before = db.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=tmp_path / "backups")
    message = str(info.value)
    assert "another application" not in message and "poll" in message and "view" in message, message
    assert db.read_bytes() == before


def test_a_store_link_that_loops_is_named_as_a_loop_not_a_missing_drive(tmp_path: Path) -> None:
    """A store path that is a loop of links (a -> b -> a) was refused as "a link to .../a, which is not there (a
    drive not mounted, a file moved?)": neither is the case. It is named as a loop; nothing is created."""
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(StoreError) as info:
        open_store(a, backup_dir=tmp_path / "backups")
    message = str(info.value)
    assert "loop" in message and "not mounted" not in message, message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.sqlite3", "b.sqlite3"]


# --- folders made under a hostile umask ----------------------------------------------------------------------------


def test_folders_made_under_umask_000_are_owner_only_above_the_apps_own_too(tmp_path: Path) -> None:
    """Under umask 000 (a misconfigured session or service), `--data-dir NEW` made NEW world-writable (0777) and
    the platform folders' parents too (~/.local/state/warroom, holding the log folder): anyone on the machine
    could swap `data` for a folder of their own, or read the polls through a store they planted. Every folder
    warroom makes is owner-only (0700), whatever the umask; folders that already existed keep their mode."""
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o755)
    code = (
        "import os, sys; os.umask(0); from warroom.cli import main; "
        "sys.exit(main(['--data-dir', sys.argv[1], 'contests']) or main(['contests']))"
    )
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": os.getcwd()}
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env.pop(variable, None)
    done = subprocess.run(
        [sys.executable, "-c", code, str(existing / "new" / "state")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    loose = [
        f"{p.relative_to(tmp_path)} {oct(p.stat().st_mode & 0o777)}"
        for p in sorted([*existing.rglob("*"), *home.rglob("*")])
        if p.is_dir() and p.stat().st_mode & 0o077
    ]
    assert loose == []
    assert existing.stat().st_mode & 0o777 == 0o755 and home.stat().st_mode & 0o777 == 0o755


def test_a_folder_under_a_file_names_the_variable_that_points_there(tmp_path: Path) -> None:
    """XDG_STATE_HOME (or XDG_CACHE_HOME) naming a file was "cannot make or use the folder .../warroom/log: Not a
    directory; ... (or fix XDG_DATA_HOME / XDG_CONFIG_HOME)": the variable at fault was not among those named."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(blocker), "PYTHONPATH": os.getcwd()}
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "contests"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 3, done.stderr
    assert "XDG_STATE_HOME" in done.stderr and "Traceback" not in done.stderr, done.stderr


# --- the write-ahead log deleted under a running app ---------------------------------------------------------------


def test_a_wal_file_deleted_under_the_running_app_loses_no_poll(tmp_path: Path) -> None:
    """A clean-up or sync tool deleting `polls.sqlite3-wal` while warroom runs: every poll committed since the last
    checkpoint lived only in that log, and every later write went on into the deleted file (still open), each
    "saved". At close nothing reached the store: all of them were gone, and any other program opening the store
    meanwhile failed with "disk I/O error". The next transaction now sees the log gone, writes what it held back
    into the store, says so (that change not saved), and the retry is stored in a new log; nothing is lost."""
    db = tmp_path / "polls.sqlite3"
    store = open_store(db, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1, pollster="Before")])
    wal = Path(f"{db}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the poll lives in the log until a checkpoint
    wal.unlink()
    with pytest.raises(StoreError) as info, translated(store.engine), store.sessions.begin() as s:
        repo.add_polls(s, cid, [make_poll(3, pollster="During")])
    message = str(info.value)
    assert "polls.sqlite3-wal" in message and "deleted" in message and "try again" in message, message
    with translated(store.engine), store.sessions.begin() as s:  # the retry
        repo.add_polls(s, cid, [make_poll(3, pollster="During")])
    with sqlite3.connect(db) as other:  # another program meanwhile sees every poll
        assert sorted(r[0] for r in other.execute("SELECT pollster FROM poll")) == ["Before", "During"]
    store.close()
    with sqlite3.connect(db) as after:
        assert sorted(r[0] for r in after.execute("SELECT pollster FROM poll")) == ["Before", "During"]
        assert after.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_role_that_may_not_create_tables_is_told_what_grant_it_needs(pg_database: str) -> None:
    """PostgreSQL 15 gives CREATE on schema public only to the database's owner: a teammate's role setting up a new
    store there was told "the poll store cannot be written here (read-only location or no permission)", as for a
    read-only file, with nothing about the schema or the grant. Now the schema and the missing right are named."""
    _admin(pg_database, "CREATE ROLE x6_carol LOGIN", "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    with pytest.raises(StoreError) as info:
        open_store(_as_role(pg_database, "x6_carol"), backup_dir=None)
    message = str(info.value)
    assert "public" in message and "CREATE" in message and "read-only location" not in message, message
    assert "nothing was" in message


def test_a_store_file_with_a_second_name_is_refused_before_two_logs_split_it(tmp_path: Path) -> None:
    """A hard link gives the store a second name (`ln polls.sqlite3 team.sqlite3`, a sync or copy tool keeping
    links): SQLite keeps the write-ahead log beside the name used, so a teammate opening `team.sqlite3` read the
    file without the polls in `polls.sqlite3-wal` and wrote into a log of its own, two logs for one file, whose
    writes lose or corrupt each other's. (Its write was refused with a foreign-key error, then blamed on a rule
    "added outside warroom".) A store file with more than one name is refused at open, naming the count, untouched."""
    db, other = tmp_path / "polls.sqlite3", tmp_path / "team.sqlite3"
    _toy(db)
    os.link(db, other)
    before = db.read_bytes()
    for name in (other, db):
        with pytest.raises(StoreError) as info:
            open_store(name, backup_dir=tmp_path / "backups")
        message = str(info.value)
        assert "2 names" in message and "hard link" in message and "nothing was" in message, message
    assert db.read_bytes() == before and not (tmp_path / "backups").exists()


def test_a_row_a_write_refers_to_that_is_gone_is_named_as_such_not_as_a_rule_added_outside(tmp_path: Path) -> None:
    """A foreign-key refusal is warroom's own rule (a poll's contest gone): it is said so, not "a rule added to the
    store outside warroom"."""
    db = tmp_path / "polls.sqlite3"
    _toy(db)
    store = open_store(db, backup_dir=None, seed=False)
    try:
        with pytest.raises(StoreError) as info, translated(store.engine), store.sessions.begin() as s:
            s.execute(
                __import__("sqlalchemy").text(
                    "INSERT INTO poll (contest_id, pollster, client, fieldwork_start, fieldwork_end, method, "
                    "source_url, notes) VALUES (99, 'X', '', '2024-01-01', '2024-01-02', '', '', '')"
                )
            )
        message = str(info.value)
        assert "outside warroom" not in message and "no longer there" in message, message
    finally:
        store.close()


@pytest.mark.parametrize("where", ["owner", "owner-and-wal"])
def test_a_fifo_planted_beside_the_store_never_hangs_a_start(tmp_path: Path, where: str) -> None:
    """The store's identity is kept beside its log (`polls.sqlite3-wal.owner`), and every start read it with a
    plain blocking read: a FIFO at that name (in a shared folder anyone can plant one) held every start, the
    command line's reading verbs too, for ever. It is read only if it is a regular file (and replaced by one)."""
    db = tmp_path / "polls.sqlite3"
    _toy(db)
    owner = tmp_path / "polls.sqlite3-wal.owner"
    owner.unlink(missing_ok=True)
    os.mkfifo(owner)
    code = (
        "import sys; from warroom.bootstrap import open_store; "
        "s = open_store(sys.argv[1], backup_dir=None, seed=False); s.close(); print('opened')"
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    with sqlite3.connect(db) as held:
        if where == "owner-and-wal":  # a log with writes in it: the check of whose log it is reads the owner first
            held.execute("PRAGMA wal_autocheckpoint=0")
            held.execute("UPDATE poll SET notes = 'x'")
            held.commit()
        done = subprocess.run(
            [sys.executable, "-c", code, str(db)], env=env, capture_output=True, text=True, timeout=30
        )
    assert done.returncode == 0 and "opened" in done.stdout, done.stderr
    assert owner.is_file() and not owner.is_symlink()


def test_another_program_reading_the_store_while_warroom_has_it_open_never_splits_its_log(tmp_path: Path) -> None:
    """Every start read the store file's header with a plain open() and close() while its own SQLite connections
    were open (to see whether the store's identity had reached the file): closing any descriptor of a file drops
    every POSIX lock the process holds on it, SQLite's included. The next program to open and close the store (a
    `warroom polls` in a terminal, the sqlite3 shell) then took itself for the last user, checkpointed and deleted
    the write-ahead log under the window: the window's next writes went into the deleted file, unseen by everyone
    else ("saved" here, missing there). The start now reads no store file while it has it open: another program's
    read leaves the log in place, and a poll the window then adds is seen by the next program at once."""
    db = tmp_path / "polls.sqlite3"
    _toy(db)
    store = open_store(db, backup_dir=tmp_path / "backups", seed=False)
    try:
        with store.sessions.begin() as s:
            repo.add_polls(s, 1, [make_poll(5, pollster="Mid")])
        wal = Path(f"{db}-wal")
        kept = (wal.stat().st_dev, wal.stat().st_ino)
        count = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM poll').fetchone()[0])"
        seen = subprocess.run([sys.executable, "-c", count, str(db)], capture_output=True, text=True, timeout=60)
        assert seen.stdout.strip() == "3", seen.stderr
        assert wal.exists() and (wal.stat().st_dev, wal.stat().st_ino) == kept  # still warroom's log
        with translated(store.engine), store.sessions.begin() as s:  # no refusal: the log was never taken away
            repo.add_polls(s, 1, [make_poll(7, pollster="Late")])
        seen = subprocess.run([sys.executable, "-c", count, str(db)], capture_output=True, text=True, timeout=60)
        assert seen.stdout.strip() == "4", seen.stderr
    finally:
        store.close()


def test_a_store_whose_tables_another_role_owns_says_who_must_upgrade_it(pg_database: str) -> None:
    """A team store set up by one role and used by a teammate's role with every right but ownership: the teammate's
    newer version, upgrading it at start, was told "the poll store failed: must be owner of table ..." (no word of
    what to do). It names the table and says the owner's role must run the upgrade; nothing is changed."""
    from tests.store.test_contests import _old_store

    _old_store(pg_database, demo=True).dispose()
    _admin(
        pg_database,
        "CREATE ROLE x6_dave LOGIN",
        "GRANT ALL ON SCHEMA public TO x6_dave",
        "GRANT ALL ON ALL TABLES IN SCHEMA public TO x6_dave",
        "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO x6_dave",
    )
    with pytest.raises(StoreError) as info:
        open_store(_as_role(pg_database, "x6_dave"), backup_dir=None, seed=False)
    message = str(info.value)
    assert "owner" in message and "upgrade" in message and "nothing was" in message, message
    assert "the poll store failed" not in message


def test_a_trigger_planted_while_the_app_runs_never_runs_on_its_next_write(qtbot, store_url: str) -> None:
    """Triggers were looked for only when the store opened: one created while the window ran (a teammate's database
    tool, a script) ran on the window's next write, here deleting every other poll as one was added. Every write of
    the window and of an import now looks first (in its own transaction, as it looks for a schema another version
    changed): refused, naming the trigger, nothing written."""
    from sqlalchemy import create_engine

    from tests.store._service import service_on_one_poll
    from tests.store.test_hostile_faults import _PLANTED
    from warroom.store.db import resolve_url

    store, service, cid = service_on_one_poll(store_url)
    try:
        service.add_polls([make_poll(3, pollster="Second")])
        raw = create_engine(resolve_url(store_url))
        with raw.begin() as conn:
            conn.exec_driver_sql(_PLANTED[raw.dialect.name])
        raw.dispose()
        with pytest.raises(StoreError) as info:
            service.add_polls([make_poll(5, pollster="Third")])
        assert info.value.kind == "foreign" and "tidy" in str(info.value), str(info.value)
        with store.sessions() as s:
            assert sorted(p.pollster for p in repo.list_polls(s, cid)) == ["Acme", "Second"]
    finally:
        store.close()


@pytest.mark.parametrize(("mode", "kept"), [(0o660, 0o660), (0o666, 0o660), (0o644, 0o600)])
def test_a_store_shared_with_its_group_on_purpose_keeps_its_group(tmp_path: Path, mode: int, kept: int) -> None:
    """A team store in a shared folder, made group-writable on purpose (`chmod 660`: no default umask gives a file
    group write): every start made it 0600, so the moment its owner opened it every teammate in the group was
    locked out ("read-only"). A group-writable store keeps its group's bits (the rest of the world's always go); a
    store the umask left group-readable is still made owner-only. A store made under a new folder makes that
    folder owner-only too."""
    db = tmp_path / "polls.sqlite3"
    _toy(db)
    db.chmod(mode)
    open_store(db, backup_dir=None, seed=False).close()
    assert db.stat().st_mode & 0o777 == kept
    old = os.umask(0)
    try:
        open_store(tmp_path / "new" / "polls.sqlite3", backup_dir=None, seed=False).close()
    finally:
        os.umask(old)
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("side", ["journal", "wal", "shm"])
@pytest.mark.parametrize("kind", ["pipe", "link", "folder"])
def test_a_pipe_link_or_folder_planted_at_the_stores_side_files_is_named_never_a_hang(
    tmp_path: Path, side: str, kind: str
) -> None:
    """SQLite's own files beside the store (`-journal`, `-wal`, `-shm`) are made by SQLite; anything else at those
    names was planted or left (a shared folder: anyone with write access). A FIFO at `polls.sqlite3-journal` held
    every start for ever (SQLite reads a journal it finds to see whether it is hot); a folder, a link or a FIFO at
    the others was "the disk reported an error: check the disk" or "read-only location or no permission". Each is
    refused at once, naming the file and what it is; nothing is opened, the planted thing left as it was."""
    db = tmp_path / "polls.sqlite3"
    _toy(db)
    planted = tmp_path / f"polls.sqlite3-{side}"
    planted.unlink(missing_ok=True)
    if kind == "pipe":
        os.mkfifo(planted)
    elif kind == "link":
        victim = tmp_path / "victim.txt"
        victim.write_text("another file")
        planted.symlink_to(victim)
    else:
        planted.mkdir()
    code = (
        "import sys\nfrom warroom.bootstrap import open_store\nfrom warroom.store.db import StoreError\n"
        "try:\n    open_store(sys.argv[1], backup_dir=None, seed=False).close()\n    print('opened')\n"
        "except StoreError as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(db)],
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        capture_output=True,
        text=True,
        timeout=30,
    )
    said = done.stdout
    assert planted.name in said and {"pipe": "pipe", "link": "link", "folder": "folder"}[kind] in said, said
    assert "disk reported an error" not in said and "read-only location" not in said
    assert os.path.lexists(planted) and (kind != "link" or (tmp_path / "victim.txt").read_text() == "another file")


def test_a_pipe_planted_at_the_identity_files_temporary_name_never_hangs_a_start(tmp_path: Path) -> None:
    """The store's identity was written beside its log through the fixed name `polls.sqlite3-wal.owner.part`,
    opened for writing: a FIFO planted there (with the mark itself removed, so that the next start writes it) held
    that start for ever, an open for writing waiting for a reader. It is written like every other private file,
    under a random name made new (paths.write_private_atomic)."""
    db = tmp_path / "polls.sqlite3"
    _toy(db)
    owner = tmp_path / "polls.sqlite3-wal.owner"
    owner.unlink(missing_ok=True)
    os.mkfifo(tmp_path / "polls.sqlite3-wal.owner.part")
    code = (
        "import sys; from warroom.bootstrap import open_store; "
        "s = open_store(sys.argv[1], backup_dir=None, seed=False); s.close(); print('opened')"
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-c", code, str(db)], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "opened" in done.stdout, done.stderr
    assert owner.is_file() and owner.read_text().strip().isdigit()
    assert owner.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            "-csearch_path%3Dnowhere",
            "search path",
        ),  # a schema misspelt in the URL: "the poll store failed: no schema..."
        ("-cdefault_transaction_read_only%3Don", "read-only server"),  # a standby or a read-only role/database
    ],
)
def test_a_server_search_path_with_no_schema_or_a_read_only_server_is_named(
    pg_database: str, options: str, said: str
) -> None:
    """A search path naming no schema that exists was "the poll store failed: no schema has been selected to create
    in" followed by the SQL of Alembic's CREATE TABLE; a read-only server (a hot standby, a database or role set
    read-only) was "read-only location or no permission", as for a file. Each is named for what it is."""
    with pytest.raises(StoreError) as info:
        open_store(f"{pg_database}?options={options}", backup_dir=None)
    message = str(info.value)
    assert said in message and "CREATE TABLE" not in message and "nothing was" in message, message
