"""Hostile pass 7 (issue 16), store: SQLite URLs with `uri=true` and their options."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from warroom.bootstrap import open_store
from warroom.store import polls as repo
from warroom.store.db import StoreError


def _entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.mark.parametrize("option", ["nolock=1", "mode=ro", "cache=shared"])
def test_a_uri_option_on_a_path_that_is_not_a_file_uri_is_refused_naming_the_file_sqlite_would_make(
    tmp_path: Path, option: str
) -> None:
    """`sqlite:///polls.sqlite3?uri=true&nolock=1`: with uri=true SQLite reads a path that is not a `file:` URI as a
    plain file name, so it made a new store named "polls.sqlite3?nolock=1" beside the user's (seeded with the demo
    races: the user's polls seemed gone), while the store's checks, backups and log mark looked at polls.sqlite3.
    Refused before anything is made, naming the file SQLite would make and how to write the URL."""
    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None).close()
    before, entries = db.read_bytes(), _entries(tmp_path)
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{db}?uri=true&{option}", backup_dir=None)
    message = str(caught.value)
    assert f"polls.sqlite3?{option}" in message and "file:" in message and "nothing was opened" in message, message
    assert _entries(tmp_path) == entries and db.read_bytes() == before


def test_an_option_sqlite_does_not_know_is_refused_not_ignored(tmp_path: Path) -> None:
    """`sqlite:///file:/…/polls.sqlite3?uri=true&mdoe=ro` (a typo): SQLite ignores a URI option it does not know, so
    the store opened writable, as if the option were not there. Refused naming it and the options SQLite takes."""
    message = _refused_option(tmp_path, "mdoe=ro")
    assert "mdoe" in message and "mode" in message and "nothing was opened" in message, message


@pytest.mark.parametrize("option", ["nolock=1", "vfs=unix-none"])
def test_an_option_that_turns_sqlites_locking_off_is_refused_with_its_reason(tmp_path: Path, option: str) -> None:
    """`nolock=1` (or the lock-less `unix-none` VFS) was taken without a word: two windows or teammates on the
    store then write without locks, and SQLite's documentation says that corrupts it. Refused, saying why."""
    message = _refused_option(tmp_path, option)
    assert option.split("=")[0] in message and "lock" in message and "corrupt" in message, message


def _refused_option(tmp_path: Path, option: str) -> str:
    """The message of a store's refusal to open with the URI option `option`; the store's file left as it was."""
    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None).close()
    before = db.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///file:{db}?uri=true&{option}", backup_dir=None)
    assert db.read_bytes() == before
    return str(caught.value)


def test_a_relative_file_uri_opens_the_store_it_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sqlite:///file:polls.sqlite3?uri=true&mode=ro` (a relative file: URI, which SQLite takes) was Python's "relative
    path can't be expressed as a file URI", with no word of the store or the URL."""
    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None).close()
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///file:polls.sqlite3?uri=true&mode=ro", backup_dir=None)
    try:
        with store.sessions() as session:
            assert repo.count_contests(session) == 3  # the demo races the store was seeded with
    finally:
        store.close()
    assert not (tmp_path / "polls.sqlite3?mode=ro").exists()
    assert os.path.exists(db)
