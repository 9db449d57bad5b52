"""A fresh hostile pass (issue 16) over what keeps the user's work: the recovery file of unsaved changes, and the
backups' leftovers."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.conftest import TOY, make_poll
from warroom.core.types import UnsavedChange
from warroom.paths import AppPaths
from warroom.store import polls as repo
from warroom.store.db import redacted
from warroom.store.recovery import forget_unsaved, read_unsaved, write_unsaved


def _store(db: Path) -> None:
    from warroom.bootstrap import open_store

    opened = open_store(db, backup_dir=None, seed=False)
    try:
        with opened.sessions.begin() as s:
            repo.add_contest(s, TOY)
    finally:
        opened.close()


def test_a_killed_start_s_partial_copy_is_cleared_when_the_clock_was_set_back(tmp_path: Path) -> None:
    """A start killed mid-copy leaves a `.partial` copy of the whole store; with the clock set back since (a dead
    battery, a restored virtual machine) its time is in the future, and it was never cleared: a store's size of
    disk lost at each such start. One dated now (another start copying at this moment) stays."""
    from warroom.store.db import STALE_PARTIAL_S, backup_sqlite

    db, backups = tmp_path / "polls.sqlite3", tmp_path / "backups"
    _store(db)
    backups.mkdir()
    ahead = backups / ".polls-20270101-000000-000000-open.sqlite3.0123456789ab.partial"
    journal = ahead.with_name(ahead.name + "-journal")
    fresh = backups / ".polls-20260101-000001-000000-open.sqlite3.ba9876543210.partial"
    for leftover in (ahead, journal, fresh):
        leftover.write_bytes(b"SQLite format 3\x00half")
    days_ahead = time.time() + 30 * 86400  # written before the clock went back a month
    for leftover in (ahead, journal):
        os.utime(leftover, (days_ahead, days_ahead))
    in_a_minute = time.time() + 60  # another machine's clock a little ahead, copying now: not stale
    os.utime(fresh, (in_a_minute, in_a_minute))
    assert STALE_PARTIAL_S > 60
    backup_sqlite(db, backups, reason="open")
    assert not ahead.exists() and not journal.exists()
    assert fresh.exists()


TEAM_SPELLINGS = [
    "postgresql+psycopg://ann@campaign-server/polls",
    "postgresql+psycopg://ann@campaign-server:5432/polls",
    "postgresql+psycopg://ann@CAMPAIGN-SERVER/polls",
    "postgresql://ann@campaign-server/polls",
    "postgresql+psycopg://ann:s3cret-pw@campaign-server/polls",
    "postgresql+psycopg://ann@campaign-server/polls?sslmode=require&connect_timeout=5",
    "postgresql+psycopg://ann@campaign-server/polls?connect_timeout=5&sslmode=require",
    "postgresql+psycopg://ann@/polls?host=campaign-server&port=5432",
]


def _typed(pollster: str) -> UnsavedChange:
    return UnsavedChange("add", (make_poll(3, pollster=pollster),), 1, "Toyton Mayor")


@pytest.mark.parametrize("kept_as", TEAM_SPELLINGS)
@pytest.mark.parametrize("opened_as", TEAM_SPELLINGS)
def test_changes_kept_for_a_server_store_are_found_however_its_url_is_typed(
    tmp_path: Path, kept_as: str, opened_as: str
) -> None:
    """The changes kept for a store were keyed by its URL as typed: `postgresql://u@host/db` and
    `postgresql://u@host:5432/db` (or HOST, another option order, another driver's name) did not find each other's,
    and a user who typed the URL another way the next day was never offered what the server had refused. They are
    keyed by the store the URL reaches (store.db.store_identity); settling them under one spelling settles them."""
    path = tmp_path / "unsaved-change.json"
    change = _typed("Typed for the team")
    write_unsaved(path, [change], redacted(kept_as))  # (the app keeps them under the store as shown)
    assert read_unsaved(path, redacted(opened_as)) == [change]
    forget_unsaved(path, redacted(opened_as))
    assert not path.exists()


@pytest.mark.parametrize(
    "other",
    [
        "postgresql+psycopg://ann@campaign-server/polls2",
        "postgresql+psycopg://ann@campaign-server:6543/polls",
        "postgresql+psycopg://ann@other-server/polls",
        "postgresql+psycopg://bob@campaign-server/polls",
        "postgresql+psycopg://ann@campaign-server/polls?options=-csearch_path%3Dteam2",
        "mysql+pymysql://ann@campaign-server/polls",
    ],
)
def test_changes_kept_for_one_server_store_are_never_offered_for_another(tmp_path: Path, other: str) -> None:
    path = tmp_path / "unsaved-change.json"
    write_unsaved(path, [_typed("Typed for the team")], TEAM_SPELLINGS[0])
    assert read_unsaved(path, other) == []


def test_the_recovery_file_keeps_no_password_of_any_spelling(tmp_path: Path) -> None:
    path = tmp_path / "unsaved-change.json"
    for n, url in enumerate(
        [
            "postgresql+psycopg://ann:s3cret-pw@campaign-server/polls",
            "postgresql+psycopg://ann@campaign-server/team?password=s3cret-pw&sslpassword=s3cret-pw",
            "postgresql+psycopg://ann:s3c@ret-pw@campaign-server/third",
        ]
    ):
        write_unsaved(path, [_typed(f"Typed {n}")], url)
    text = path.read_text(encoding="utf-8")
    assert "s3cret" not in text and "ret-pw" not in text and "s3c" not in text
    assert len(json.loads(text)["stores"]) == 3


def test_changes_kept_for_a_sqlite_store_are_found_by_its_path_or_url_and_not_by_another_folder_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative path named a store by its text: `--db polls.sqlite3` in one folder found the changes kept for
    `polls.sqlite3` in another (a Retry wrote them into the wrong store), and `sqlite:///` + the same file, or the
    file through a link, did not find its own."""
    team = tmp_path / "team"
    team.mkdir()
    (tmp_path / "home").mkdir()
    db = team / "polls.sqlite3"
    link = tmp_path / "link.sqlite3"
    link.symlink_to(db)
    path = tmp_path / "unsaved-change.json"
    change = _typed("Typed for the team")
    monkeypatch.chdir(team)
    write_unsaved(path, [change], "polls.sqlite3")
    for same in (str(db), f"sqlite:///{db}", f"sqlite+pysqlite:///{db}", str(link), "./polls.sqlite3"):
        assert read_unsaved(path, same) == [change], same
    monkeypatch.chdir(tmp_path / "home")
    assert read_unsaved(path, "polls.sqlite3") == []


def test_changes_kept_by_the_version_before_under_a_url_as_typed_are_found_under_another_spelling(
    tmp_path: Path,
) -> None:
    """A file the version before wrote (the store as typed, shown) is read under any spelling of that store."""
    path = tmp_path / "unsaved-change.json"
    change = _typed("Typed for the team")
    write_unsaved(path, [change], TEAM_SPELLINGS[0])
    data = json.loads(path.read_text(encoding="utf-8"))
    old = {
        "warroom_unsaved_change": 3,
        "stores": [{"store": "postgresql://ann@campaign-server/polls", "changes": data["stores"][0]["changes"]}],
    }
    path.write_text(json.dumps(old), encoding="utf-8")
    assert read_unsaved(path, "postgresql+psycopg://ann@Campaign-Server:5432/polls") == [change]
    write_unsaved(path, [change, _typed("Typed later")], TEAM_SPELLINGS[1])  # kept again: one entry, not two
    assert len(json.loads(path.read_text(encoding="utf-8"))["stores"]) == 1


def _respelt(url: str) -> list[str]:
    """Other ways to type the URL of the same PostgreSQL store."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    host, port = parsed.host or "", parsed.port or 5432
    user = parsed.username or ""
    auth = user + (f":{parsed.password}" if parsed.password else "")
    return [
        f"postgresql+psycopg://{auth}@{host.upper()}:{port}/{parsed.database}?application_name=warroom&connect_timeout=7",
        f"postgresql+psycopg://{auth}@/{parsed.database}?connect_timeout=7&port={port}&host={host}",
    ]


def test_on_postgresql_the_changes_kept_for_a_store_are_offered_however_its_url_is_typed(tmp_path: Path) -> None:
    """On a real server: the store opened under one spelling of its URL, its refused change kept as the app keeps
    it (under the store as shown), is offered when the same store is opened under another."""
    from tests.conftest import fresh_pg_database, pg_url
    from warroom.bootstrap import open_store

    base = pg_url()
    if not base:
        pytest.skip("WARROOM_PG_URL not set (.ci/run sets it after starting PostgreSQL)")
    path = tmp_path / "unsaved-change.json"
    change = _typed("Typed for the team")
    with fresh_pg_database(base) as url:
        first = open_store(url, backup_dir=None, seed=False)
        try:
            with first.sessions.begin() as s:
                repo.add_contest(s, TOY)
            write_unsaved(path, [change], first.display_target)
        finally:
            first.close()
        for other in _respelt(url):
            again = open_store(other, backup_dir=None, seed=False)
            try:
                with again.sessions.begin() as s:
                    assert repo.count_contests(s) == 1  # the same store
                assert read_unsaved(path, again.display_target) == [change], other
            finally:
                again.close()


def test_a_store_made_new_names_the_restored_copy_even_when_its_start_rotates_that_backup_away(
    tmp_path: Path,
) -> None:
    """The copy of a backup restored at an earlier start (the user's work since is in it) is found through that
    backup's name. When the newest backups could not be opened, the one restored is the oldest of the five; the
    start that made the deleted store new backs the new one up, rotating the oldest away, and then looked for the
    restored copy: it was named nowhere (the app's start and a verb alike)."""
    from warroom.app import open_with_recovery
    from warroom.bootstrap import restored_copy
    from warroom.store.db import backups_of

    paths, oldest = _restored_oldest(tmp_path)
    restored = restored_copy(paths.data_dir, oldest)
    opened = open_with_recovery(paths.database, paths, ask=lambda *_: False, tell=lambda *_: None)
    assert opened is not None
    try:
        assert opened.seeded
        assert oldest not in backups_of(paths.database, paths.backup_dir)  # rotated away by this start
        assert opened.notice is not None and str(restored) in opened.notice
    finally:
        opened.close()


def test_a_verb_that_made_the_store_new_names_the_restored_copy_even_when_it_rotates_that_backup_away(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from warroom.bootstrap import restored_copy
    from warroom.cli import main

    paths, oldest = _restored_oldest(tmp_path)
    assert main(["--data-dir", str(tmp_path / "state"), "contests"]) == 0
    assert str(restored_copy(paths.data_dir, oldest)) in capsys.readouterr().err


def _restored_oldest(tmp_path: Path) -> tuple[AppPaths, Path]:
    """The own store's five backups, the newest four unreadable, a copy of the oldest restored (the user's work
    since in it), and the damaged store deleted. Returns the paths and that oldest backup."""
    import shutil

    from warroom.bootstrap import restored_copy
    from warroom.store.db import backup_sqlite, backups_of

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    _store(paths.database)
    for _ in range(5):
        backup_sqlite(paths.database, paths.backup_dir, reason="open")
    kept = backups_of(paths.database, paths.backup_dir)
    assert len(kept) == 5
    for broken in kept[:4]:
        broken.write_bytes(b"\x00" * 4096)  # the newest four cannot be opened
    shutil.copyfile(kept[4], restored_copy(paths.data_dir, kept[4]))  # restored by the app, worked in since
    paths.database.unlink()  # the damaged store deleted, to be rid of the question
    return paths, kept[4]
