"""Hostile stores and odd environments: nothing wrong counted, nothing leaked, nothing taken over (issue 16)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TOY
from warroom.store import polls as repo
from warroom.store.db import backup_sqlite, list_backups, make_engine, make_session_factory, upgrade


def _store(db: Path) -> None:
    engine = make_engine(str(db))
    upgrade(engine)
    with make_session_factory(engine).begin() as s:
        repo.add_contest(s, TOY)
    engine.dispose()


def test_backups_of_a_store_whose_name_extends_another_are_kept_apart(tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    mine, team = tmp_path / "polls.sqlite3", tmp_path / "polls-team.sqlite3"
    _store(mine)
    _store(team)
    sqlite3.connect(mine).execute("UPDATE contest SET name = 'mine'").connection.commit()
    own = backup_sqlite(mine, backups, reason="open")
    for _ in range(6):  # a few starts of the team store rotate only the team store's backups
        backup_sqlite(team, backups, reason="open")
    assert own.exists()
    assert list_backups(backups, "polls") == [own]
    assert len(list_backups(backups, "polls-team")) == 5
    assert own not in list_backups(backups, "polls-team")


def test_backup_reasons_cannot_make_names_ambiguous(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    _store(db)
    for reason in ("", "a/b", "open-2026-11", "x y", "../up"):
        with pytest.raises(ValueError):
            backup_sqlite(db, tmp_path / "backups", reason=reason)
    assert list_backups(tmp_path / "backups", "polls") == []


SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://team:{SECRET}@db.example:5432/polls",
        f"postgresql+psycopg://team:{SECRET}@db.example/polls?sslmode=require",
        f"postgresql://team@db.example/polls?password={SECRET}&sslmode=require",
        f"postgresql://team:{SECRET}@db.example:notaport/polls",  # unparsable port
        f"postgresql+psycopg://team:{SECRET[:4]}@{SECRET[5:]}@db.example/polls",  # unencoded '@' in the password
    ],
)
def test_redacted_never_shows_the_password(url: str) -> None:
    from warroom.store.db import redacted

    shown = redacted(url)
    assert SECRET not in shown and SECRET[:4] not in shown and SECRET[5:] not in shown
    assert "team" in shown and "db.example" in shown and "***" in shown


def test_a_path_is_shown_as_it_is(tmp_path: Path) -> None:
    from warroom.store.db import redacted

    assert redacted(tmp_path / "polls.sqlite3") == str(tmp_path / "polls.sqlite3")


def test_open_store_offers_a_redacted_display_target(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store

    store = open_store(tmp_path / "polls.sqlite3", backup_dir=None, seed=False)
    try:
        assert store.display_target == str(tmp_path / "polls.sqlite3")
        store.target = f"postgresql://team:{SECRET}@db.example/polls"
        assert SECRET not in store.display_target and "db.example" in store.display_target
    finally:
        store.close()


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+pg8000://team:{SECRET}@127.0.0.1:1/polls",  # driver not installed
        f"mysql://team:{SECRET}@127.0.0.1:1/polls",  # driver not installed
        f"nosuchdb://team:{SECRET}@127.0.0.1:1/polls",  # no such database kind
        f"postgresql://team:{SECRET}@127.0.0.1:notaport/polls",  # not a URL SQLAlchemy can read
        f"postgresql+psycopg://team:{SECRET}@127.0.0.1:1/polls",  # nothing listening
    ],
)
def test_a_bad_store_url_is_a_store_error_without_the_password(url: str) -> None:
    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError

    with pytest.raises(StoreError) as info:
        open_store(url, backup_dir=None, seed=False)
    shown = f"{info.value} {info.value.where}"
    assert SECRET not in shown and "127.0.0.1" in shown
