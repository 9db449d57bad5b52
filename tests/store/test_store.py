from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from tests.conftest import TOY, make_poll
from warroom.core.types import Annotation, TransferObservation
from warroom.store import polls as repo
from warroom.store.db import StoreError, head_revision, make_engine, make_session_factory, upgrade
from warroom.store.schema import Base


def _open(url: str):
    engine = make_engine(url)
    upgrade(engine)
    return engine, make_session_factory(engine)


def test_migrations_from_empty_equal_the_orm_metadata(store_url: str) -> None:
    engine, _ = _open(store_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    engine.dispose()


def test_poll_round_trip_with_all_figures(store_url: str) -> None:
    engine, sessions = _open(store_url)
    poll = make_poll(
        second_round={"ann": 52.0, "bob": 48.0},
        party_vi={"R": 35.0, "B": 41.0},
        transfers=(TransferObservation("cat", "ann", 60.0), TransferObservation("cat", "__exhausted__", 25.0)),
        client="Daily Bugle",
        notes="=cmd|' /C calc'!A0",
    )
    with sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        pid = repo.add_poll(s, cid, poll)
    with sessions() as s:
        (back,) = repo.list_polls(s, cid)
        contest = repo.get_contest(s, cid)
    assert back == replace(poll, id=pid)
    assert contest is not None and contest.candidates == TOY.candidates and contest.parties == TOY.parties
    engine.dispose()


def test_duplicate_poll_is_refused_and_the_batch_rolls_back(store_url: str) -> None:
    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_poll(s, cid, make_poll(day=1))
    with pytest.raises(repo.DuplicatePollError), sessions.begin() as s:
        repo.add_polls(s, cid, [make_poll(day=5), make_poll(day=1, pollster=" acme ")])
    with sessions() as s:
        assert len(repo.list_polls(s, cid)) == 1  # day 5 was not kept either
    engine.dispose()


def test_update_delete_and_revision_counter(store_url: str) -> None:
    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        start = repo.revision(s)
        cid = repo.add_contest(s, TOY)
        pid = repo.add_poll(s, cid, make_poll())
    with sessions.begin() as s:
        repo.update_poll(s, replace(make_poll(a=47, b=38), id=pid))
    with sessions() as s:
        assert repo.list_polls(s, cid)[0].first_round["ann"] == 47
        assert repo.revision(s) == start + 3
    with sessions.begin() as s:
        assert repo.delete_polls(s, [pid]) == 1
    with sessions() as s:
        assert repo.list_polls(s, cid) == []
        n = s.execute(text("select count(*) from poll_figure")).scalar_one()
        assert n == 0
    engine.dispose()


def test_annotations_and_scenarios(store_url: str) -> None:
    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_annotation(s, cid, Annotation(TOY.election_date, "poster unveiled"))
        repo.save_scenario(s, cid, "tie him", {"as_of": "2024-04-01"}, {"message_strength": 0.5})
        repo.save_scenario(s, cid, "tie him", {"as_of": "2024-04-02"}, {"message_strength": 0.6})
    with sessions() as s:
        assert [a.text for a in repo.list_annotations(s, cid)] == ["poster unveiled"]
        assert repo.list_scenarios(s, cid) == [("tie him", {"as_of": "2024-04-02"}, {"message_strength": 0.6})]
    engine.dispose()


def test_sqlite_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, _sessions = _open(str(db))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    engine.dispose()


def test_non_database_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    db.write_bytes(b"pollster,fieldwork_end\nYouGov,2012-05-01\n")
    before = db.read_bytes()
    with pytest.raises(StoreError) as info:
        make_engine(str(db))
    assert info.value.kind == "corrupt" and str(db) in info.value.where
    assert db.read_bytes() == before


def test_deleted_poll_comes_back_under_its_own_id_and_ids_are_never_reused(store_url: str) -> None:
    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        a, b = repo.add_polls(s, cid, [make_poll(1), make_poll(5)])
    with sessions.begin() as s:
        (gone,) = [p for p in repo.list_polls(s, cid) if p.id == b]
        repo.delete_polls(s, [b])
    with sessions.begin() as s:
        (c,) = repo.add_polls(s, cid, [make_poll(9)])
        assert c not in (a, b)  # a deleted id is not handed to a new poll
        assert repo.add_polls(s, cid, [gone]) == [b]
    engine.dispose()


def test_upgrade_from_an_older_schema_keeps_data_and_backs_up_first(tmp_path: Path) -> None:
    from alembic import command

    from warroom.store.db import _alembic_config, list_backups

    db = tmp_path / "polls.sqlite3"
    engine = make_engine(str(db))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")  # a store written by the first release
    sessions = make_session_factory(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO contest (name, election_date, system) VALUES ('Old race', '2024-05-02', 'sv')"))
    backup = upgrade(engine, backup_dir=tmp_path / "backups")
    assert backup is not None and list_backups(tmp_path / "backups") == [Path(backup)]
    with sessions() as s:
        assert repo.get_contest(s, "Old race") is not None
    import sqlite3

    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert old.execute("SELECT name FROM contest").fetchall() == [("Old race",)]
    old.close()
    assert upgrade(engine, backup_dir=tmp_path / "backups") is None  # already current: no second backup
    engine.dispose()


def test_the_migration_scripts_read_without_alembic_say_what_alembic_says() -> None:
    from alembic.script import ScriptDirectory

    from warroom.store import db

    script = ScriptDirectory.from_config(db._alembic_config(None))
    assert db.head_revision() == script.get_current_head()
    assert db.known_revisions() == {rev.revision for rev in script.walk_revisions()}
    assert db._script_revisions() == {rev.revision: rev.down_revision for rev in script.walk_revisions()}


def test_a_store_at_head_opens_without_importing_alembic(tmp_path: Path) -> None:
    """Opening an up-to-date store (every start but the first) never imports Alembic: a fifth of a cold start."""
    import subprocess
    import sys

    store = tmp_path / "polls.sqlite3"
    engine, _ = _open(str(store))
    engine.dispose()
    code = (
        "import sys\n"
        "from warroom.bootstrap import open_store\n"
        f"opened = open_store({str(store)!r}, backup_dir=None)\n"
        "opened.close()\n"
        "print(sorted(m for m in sys.modules if m == 'alembic' or m.startswith('alembic.')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_warm_up_writes_nothing_and_leaves_every_connection_writable(store_url: str, tmp_path: Path) -> None:
    """warm_up compiles the first add's, edit's and delete's statements at an idle moment (SQLite: on a connection
    made query-only meanwhile): the store's content is the same after it, byte for byte of every row, and the
    next add, edit and delete on the same pooled connection work."""
    from warroom.store.fingerprint import store_fingerprint

    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        (pid,) = repo.add_polls(s, cid, [make_poll(1)])
    db_file = None if "://" in store_url else Path(store_url)
    before = store_fingerprint(db_file) if db_file is not None else None
    with sessions() as s:
        rev = repo.revision(s)
        repo.warm_up(s, cid)
        assert repo.revision(s) == rev
    if db_file is not None:
        assert store_fingerprint(db_file) == before
    with sessions.begin() as s:
        (new,) = repo.add_polls(s, cid, [make_poll(3)])
        repo.update_poll(s, replace(repo.list_polls(s, cid, ids=[new])[0], sample_size=1234))
        assert repo.delete_polls(s, [pid]) == 1
    with sessions() as s:
        assert [(p.id, p.sample_size) for p in repo.list_polls(s, cid)] == [(new, 1234)]
        assert repo.revision(s) == rev + 3
    engine.dispose()


def test_warm_up_on_an_empty_contest_and_a_read_only_store(tmp_path: Path) -> None:
    """Nothing to look up (no poll yet) is no error; a store opened read-only is only read."""
    engine, sessions = _open(str(tmp_path / "polls.sqlite3"))
    with sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
    with sessions() as s:
        repo.warm_up(s, cid)
    with sessions.begin() as s:
        repo.add_polls(s, cid, [make_poll(1)])
    engine.dispose()
    os.chmod(tmp_path / "polls.sqlite3", 0o444)
    read_only = make_engine(tmp_path / "polls.sqlite3")
    with make_session_factory(read_only)() as s:
        repo.warm_up(s, cid)
        assert len(repo.list_polls(s, cid)) == 1
    read_only.dispose()
