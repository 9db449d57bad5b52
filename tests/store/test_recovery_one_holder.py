"""Issue 16: each change kept in the recovery file is held by one window. A start took over the changes a window
still open had kept, and both held them: each could enter one change again (Retry in both, a poll added twice once
the first copy's dates were edited). A start takes over only what sessions no longer running kept, and makes it its
own in the file at once, so a start at the same moment is not offered it too."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import make_poll
from warroom.core.types import UnsavedChange
from warroom.store.recovery import hold_session, read_unsaved, take_kept, write_unsaved

STORE = "/srv/team/polls.sqlite3"
A, B, C = "aaaa000000000001", "bbbb000000000002", "cccc000000000003"


def _typed(n: int) -> UnsavedChange:
    return UnsavedChange("add", (make_poll(n, pollster=f"Typed {n}"),), 1, "Toyton Mayor")


def test_a_running_sessions_kept_changes_are_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "unsaved-change.json"
    first = hold_session(path, A)
    assert first is not None
    write_unsaved(path, [_typed(3)], STORE, session=A)
    second = hold_session(path, B)
    assert take_kept(path, STORE, B) == ([], frozenset())  # the first window is open: they are in it
    assert read_unsaved(path, STORE) == [_typed(3)]
    first.release()  # the first window closed (or was killed: the system lets its lock go)
    assert take_kept(path, STORE, B) == ([_typed(3)], frozenset({A}))
    stored = json.loads(path.read_text())["stores"]
    assert [e.get("session") for e in stored] == [B]  # the second's own now
    third = hold_session(path, C)
    assert take_kept(path, STORE, C) == ([], frozenset())  # not a second time, the second running
    assert second is not None and third is not None
    second.release()
    third.release()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unsaved-change.json", "unsaved-change.json.lock"]


def test_entries_of_sessions_that_left_no_hold_are_taken_over_as_before(tmp_path: Path) -> None:
    """Entries kept by an earlier version (no session, or no hold: killed before holds were kept) are taken."""
    path = tmp_path / "unsaved-change.json"
    write_unsaved(path, [_typed(3)], STORE)
    write_unsaved(path, [_typed(4)], STORE, session=A)
    assert take_kept(path, STORE, B) == ([_typed(3), _typed(4)], frozenset({"", A}))
    assert read_unsaved(path, STORE) == [_typed(3), _typed(4)]
