"""Hostile pass 6 (issue 16): files left beside a SQLite store."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from warroom.bootstrap import open_store
from warroom.store.errors import StoreError

_LEAVE_HOT_JOURNAL = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("pragma journal_mode=delete")
db.execute("create table t(x blob)")
for _ in range(200):
    db.execute("insert into t values (randomblob(3000))")
db.execute("pragma cache_size=1")
db.execute("begin")
db.execute("update t set x = randomblob(3000)")
os._exit(0)  # a crash mid-transaction: its rollback journal is left behind, hot
"""


def _hot_journal_of_another_database(tmp_path: Path) -> bytes:
    other = tmp_path / "other" / "notes.db"
    other.parent.mkdir()
    subprocess.run([sys.executable, "-c", _LEAVE_HOT_JOURNAL, str(other)], check=True, timeout=60)
    journal = Path(f"{other}-journal")
    assert journal.stat().st_size > 0
    return journal.read_bytes()


def _polls(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("select count(*) from poll").fetchone()[0])


def test_a_rollback_journal_left_beside_a_wal_store_is_never_played_into_it(tmp_path: Path) -> None:
    """warroom's stores are in WAL mode, where SQLite makes no rollback journal: a `polls.sqlite3-journal` beside
    one is another database's (a store file copied over one whose old journal stayed, a crash of another
    program). SQLite played it back into the store at open: "malformed database schema", every poll gone, and
    the message said the store could not be written. It is refused before SQLite opens the file, naming the
    journal; the store and the journal are left exactly as they were, and the store opens once it is moved."""
    db = tmp_path / "data" / "polls.sqlite3"
    db.parent.mkdir()
    open_store(db, backup_dir=tmp_path / "backups").close()
    polls, before = _polls(db), db.read_bytes()
    journal = Path(f"{db}-journal")
    journal.write_bytes(_hot_journal_of_another_database(tmp_path))
    leftover = journal.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=tmp_path / "backups")
    assert str(journal) in f"{info.value} {info.value.where}" and "not its own" in str(info.value)
    assert db.read_bytes() == before and journal.read_bytes() == leftover
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), "polls"],
        text=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 3 and "Traceback" not in proc.stderr and "-journal" in proc.stderr
    assert db.read_bytes() == before
    journal.rename(tmp_path / "moved-away-journal")
    open_store(db, backup_dir=tmp_path / "backups").close()
    assert _polls(db) == polls


def test_an_empty_journal_or_a_store_in_rollback_mode_is_left_to_sqlite(tmp_path: Path) -> None:
    """An empty journal is no transaction (nothing to refuse); a store someone switched to rollback mode keeps
    SQLite's own recovery of its journal."""
    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None).close()
    Path(f"{db}-journal").write_bytes(b"")
    open_store(db, backup_dir=None).close()


_CRASH_WITH_COMMITS_IN_THE_WAL = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("pragma wal_autocheckpoint=0")
db.execute("pragma foreign_keys=off")
db.execute("delete from poll_figure")
db.execute("delete from poll")
os._exit(0)  # killed: the committed deletes live only in polls.sqlite3-wal
"""


@pytest.mark.xfail(
    strict=True,
    reason="not fixed (reported to the lead): SQLite records nothing in a WAL file that ties it to its database, "
    "so a -wal a crash left behind is replayed into whatever store file is put in its place; telling them apart "
    "needs an identity warroom writes itself (e.g. a per-store id checked against a copy kept beside the WAL)",
)
def test_a_wal_file_a_crash_left_behind_is_never_replayed_into_another_store_put_in_its_place(tmp_path: Path) -> None:
    """The app (or a teammate's) is killed with commits still in `polls.sqlite3-wal`; the user then copies
    another store into place (a laptop's copy, a restore by hand) before starting again. SQLite replays the old
    WAL's pages into the new file: its integrity check passes, and every poll of the copied store is gone."""
    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None).close()
    other = tmp_path / "laptop" / "polls.sqlite3"
    other.parent.mkdir()
    open_store(other, backup_dir=None).close()
    polls = _polls(other)
    assert polls > 0
    subprocess.run([sys.executable, "-c", _CRASH_WITH_COMMITS_IN_THE_WAL, str(db)], check=True, timeout=60)
    assert Path(f"{db}-wal").stat().st_size > 0
    Path(f"{db}-shm").unlink()
    db.write_bytes(other.read_bytes())  # the laptop's store copied over the crashed one
    try:
        open_store(db, backup_dir=None).close()
    except StoreError:
        return  # refused, naming the leftover: acceptable
    assert _polls(db) == polls


@pytest.mark.parametrize("text", ["Debate\x1b[2J night", "Debate\nnight", "\u202ethgin etabeD", "Debate\x0bnight"])
def test_an_event_note_with_a_control_or_direction_character_is_refused(tmp_path: Path, text: str) -> None:
    """A bundle's event note had only NUL refused: a terminal escape, a line break, a vertical tab (not even
    allowed in an SVG export) or a right-to-left override (a note reading "Debate night" that is not) reached
    the charts. Event notes follow the names' rule (core.types.control_problem), in bundles and the window alike."""
    import json

    from tests.store.test_hostile_bundles import _exported
    from warroom.store import contests as store

    bundle, engine, _sessions = _exported(tmp_path)
    bundle["events"] = [{"date": bundle["polls"][0]["fieldwork_end"], "text": text}]
    with pytest.raises(store.ContestError, match=r"events\[1\]: text"):
        store.read_bundle(json.dumps(bundle))
    bundle["events"] = [{"date": bundle["polls"][0]["fieldwork_end"], "text": "Debate night"}]
    assert [e.text for e in store.read_bundle(json.dumps(bundle)).events] == ["Debate night"]
    engine.dispose()


@pytest.mark.parametrize("option", ["mode=ro", "immutable=1", "nolock=1", "mode=ro&cache=shared"])
def test_a_sqlite_url_option_the_driver_would_ignore_is_refused_not_ignored(tmp_path: Path, option: str) -> None:
    """`--db "sqlite:///polls.sqlite3?mode=ro"`: SQLAlchemy's driver ignores SQLite's URI options without
    `uri=true`; warroom printed the library's warning (a source line and all) and imported into the store the
    user had asked to open read-only. Refused, naming the option and how to write it; the store is unchanged."""
    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None).close()
    before = db.read_bytes()
    csv = tmp_path / "polls.csv"
    csv.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\n"
        "Late,2012-04-21,2012-04-22,1000,40,50,10\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", f"sqlite:///{db}?{option}", "import", str(csv)],
        text=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert option.split("=")[0] in proc.stderr and "uri=true" in proc.stderr and "Warning" not in proc.stderr
    assert db.read_bytes() == before
    open_store(f"sqlite:///{db}?timeout=5", backup_dir=None).close()  # the driver's own arguments still work
