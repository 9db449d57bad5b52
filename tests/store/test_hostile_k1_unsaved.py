"""A fresh hostile pass on the changes kept for Retry across a close: each store keeps its own."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_poll
from warroom.core.types import UnsavedChange
from warroom.store.recovery import forget_unsaved, read_unsaved, write_unsaved

TEAM = "postgresql+psycopg://ann@campaign-server/polls"
OWN = "/home/ann/.local/share/warroom/polls.sqlite3"


def test_changes_kept_for_one_store_survive_a_session_on_another(tmp_path: Path) -> None:
    """The data folder keeps one file of unsaved changes, for the store they were made in: polls the team's server
    refused (unreachable) were kept there, "offered again when it opens". A session on another store the next
    day (the user's own, or the restored copy of a damaged one) that had a change refused wrote its own over
    them, and settling that change deleted the file: the team store's typed polls were gone without a word.
    Each store's changes are now kept beside the others'."""
    path = tmp_path / "unsaved-change.json"
    team = UnsavedChange("add", (make_poll(3, pollster="Typed for the team"),), 1, "Toyton Mayor")
    own = UnsavedChange("add", (make_poll(4, pollster="Typed at home"),), 2, "Toyton Mayor")
    write_unsaved(path, [team], TEAM)
    write_unsaved(path, [own], OWN)  # a refused change on the other store
    assert read_unsaved(path, TEAM) == [team]
    assert read_unsaved(path, OWN) == [own]
    forget_unsaved(path, OWN)  # the one at home retried and saved
    assert read_unsaved(path, OWN) == []
    assert read_unsaved(path, TEAM) == [team]
    forget_unsaved(path, TEAM)
    assert not path.exists()


def test_a_file_written_by_the_version_before_is_read_and_kept_beside_another_stores_changes(tmp_path: Path) -> None:
    """A version-2 file (one store's changes) is still read, and a session on another store keeps it."""
    import json

    path = tmp_path / "unsaved-change.json"
    team = UnsavedChange("add", (make_poll(3, pollster="Typed for the team"),), 1, "Toyton Mayor")
    write_unsaved(path, [team], TEAM)
    data = json.loads(path.read_text(encoding="utf-8"))
    old = {"warroom_unsaved_change": 2, "store": TEAM, "changes": data["stores"][0]["changes"]}
    path.write_text(json.dumps(old), encoding="utf-8")
    assert read_unsaved(path, TEAM) == [team] and read_unsaved(path, OWN) == []
    own = UnsavedChange("delete", (make_poll(4, pollster="Typed at home", id=7),), 2, "Toyton Mayor")
    write_unsaved(path, [own], OWN)
    assert read_unsaved(path, TEAM) == [team] and read_unsaved(path, OWN) == [own]


def test_two_sessions_keeping_changes_at_once_keep_both_stores_changes(tmp_path: Path, monkeypatch) -> None:
    """Two sessions closing at the same moment (a session ending closes every window) each read the file, added
    their store's changes and wrote it: the second write carried only what it had read, and one store's kept
    changes were gone (2 of 30 tries with two processes). The read, merge and write are now one session's at a
    time. Here the first session is held between its read and its write while the second keeps its changes."""
    import threading

    import warroom.store.recovery as recovery

    path = tmp_path / "unsaved-change.json"
    team = UnsavedChange("add", (make_poll(3, pollster="Typed for the team"),), 1, "Toyton Mayor")
    own = UnsavedChange("add", (make_poll(4, pollster="Typed at home"),), 2, "Toyton Mayor")
    read, go_on = threading.Event(), threading.Event()
    entries = recovery._entries

    def slow_entries(p: Path):  # type: ignore[no-untyped-def]
        found = entries(p)
        if threading.current_thread().name == "first":
            read.set()
            go_on.wait(5)
        return found

    monkeypatch.setattr(recovery, "_entries", slow_entries)
    first = threading.Thread(target=write_unsaved, args=(path, [team], TEAM), name="first")
    first.start()
    assert read.wait(5)
    second = threading.Thread(target=write_unsaved, args=(path, [own], OWN), name="second")
    second.start()
    second.join(0.3)  # (before: it wrote at once, and the first's write then dropped it)
    go_on.set()
    first.join(5)
    second.join(5)
    assert read_unsaved(path, TEAM) == [team]
    assert read_unsaved(path, OWN) == [own]


def test_keeping_changes_gives_up_with_an_oserror_when_another_session_holds_the_file(
    tmp_path: Path, monkeypatch
) -> None:
    """A lock held elsewhere longer than LOCK_WAIT_S is an OSError naming the lock (the window says the change
    could not be kept; the close goes on), not a wait for ever."""
    import fcntl
    import os

    import pytest

    import warroom.store.recovery as recovery

    monkeypatch.setattr(recovery, "LOCK_WAIT_S", 0.1)
    path = tmp_path / "unsaved-change.json"
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        change = UnsavedChange("add", (make_poll(3),), 1, "Toyton Mayor")
        with pytest.raises(OSError, match=r"unsaved-change\.json\.lock: another warroom session holds it"):
            write_unsaved(path, [change], TEAM)
    finally:
        os.close(fd)
    assert not path.exists()
