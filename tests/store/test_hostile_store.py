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
