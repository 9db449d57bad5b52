"""A fresh hostile pass on races deleted and made again while the window keeps something of them."""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

import pytest

from tests.conftest import TOY, make_poll
from warroom.store import contests as contests_repo
from warroom.store import polls as repo

pytestmark = pytest.mark.gui


def _stored(room: Any, contest_id: int) -> list[str]:
    with room.store.sessions() as s:
        return [p.pollster for p in repo.list_polls(s, contest_id)]


def test_a_kept_unsaved_change_is_never_retried_into_a_race_made_since_under_its_races_number(room, qtbot) -> None:
    """Edit > Retry goes only into the race the change was made in, told by its number alone: a teammate who
    deleted that race and made another (SQLite gives the next race the largest number again) had the kept polls
    added to the new race on Retry, without a word, where they change its average. Now the race's creation time
    is kept with the change, as the window's writes check it: the retry says which race it was made in."""
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    window, service = room.window, room.poll_service
    doomed = service.create_contest(dataclasses.replace(TOY, name="Toy race, by-election", id=None))
    qtbot.waitUntil(lambda: service.contest is not None and service.contest.id == doomed.id)
    holder = sqlite3.connect(room.store.engine.url.database, timeout=0, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert window.import_polls([make_poll(24, pollster="Retry One"), make_poll(25, pollster="Retry Two")])
        qtbot.waitUntil(lambda: bool(errors), timeout=15000)
    finally:
        holder.rollback()
        holder.close()
    assert window.action_retry.isEnabled()
    errors.clear()
    # A teammate deletes the by-election and makes next year's race with the same candidates: SQLite gives it
    # the by-election's number.
    with room.store.sessions.begin() as s:
        contests_repo.delete_contest(s, doomed.id or 0)
    with room.store.sessions.begin() as s:
        again = contests_repo.create_contest(s, dataclasses.replace(TOY, name="Toy race, next year", id=None))
    assert again == doomed.id
    service.open_contest(again)
    qtbot.waitUntil(lambda: service.contest is not None and service.contest.name == "Toy race, next year")
    window.action_retry.trigger()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=10000)
    assert _stored(room, again) == [], "the by-election's polls went into next year's race"
    assert errors and "Toy race, by-election" in errors[0], errors
    assert window.action_retry.isEnabled()  # still kept, for the CSV file at the close


def test_the_recovery_file_keeps_the_race_a_change_was_made_in_by_its_creation_time(tmp_path) -> None:
    """Past a close the kept change's race is told by its creation time too (the next start's Retry uses it);
    a file written before it was kept is read as before, the race then told by its number and name."""
    import json
    from datetime import datetime

    from warroom.core.types import UnsavedChange
    from warroom.store.recovery import read_unsaved, write_unsaved

    born = datetime(2026, 12, 1, 5, 6, 7, 891011)
    kept = UnsavedChange("add", (make_poll(24, pollster="Kept"),), 2, "Toy race, by-election", born)
    path = tmp_path / "unsaved-change.json"
    write_unsaved(path, [kept], "the store")
    assert read_unsaved(path, "the store") == [kept]
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["stores"][0]["changes"][0]["contest_born"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_unsaved(path, "the store") == [dataclasses.replace(kept, contest_born=None)]
    data["stores"][0]["changes"][0]["contest_born"] = "yesterday"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="change 1: contest_born 'yesterday' is not a date and time"):
        read_unsaved(path, "the store")
