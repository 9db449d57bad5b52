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
