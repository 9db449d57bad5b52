"""A fresh hostile pass (issue 16) on the recovery file, unsaved-change.json: one that cannot be read is kept.

At every start a recovery file that cannot be read (a later version's, JSON edited by hand, bytes that are not
UTF-8) is said in the status bar, "cannot be read ...; it was left as it is". The next change the session kept there
replaced it, and the next change settled deleted it: the changes in it, which the user had been told were left
alone, were gone without a word. It is now set aside under its own name (never over an earlier one set aside) before
a new file is written, and never deleted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_poll
from warroom.core.types import UnsavedChange
from warroom.store.recovery import forget_unsaved, read_unsaved, write_unsaved

STORE = "/data/polls.sqlite3"
LATER = json.dumps({"warroom_unsaved_change": 9, "stores": [{"store": "X", "changes": ["typed in a later version"]}]})
UNREADABLE = {
    "a later version's": LATER.encode(),
    "not UTF-8": b'{"warroom_unsaved_change": 3, "stores": [{"store": "X", "changes": ["caf\xe9"]}]}',
    "not JSON": b'{"warroom_unsaved_change": 3, "stores": [',
}


@pytest.mark.parametrize("kind", list(UNREADABLE))
def test_an_unreadable_recovery_file_is_set_aside_before_a_change_is_kept_not_replaced(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "unsaved-change.json"
    path.write_bytes(UNREADABLE[kind])
    with pytest.raises(ValueError, match="cannot be read"):
        read_unsaved(path, STORE)  # what the start says: "...; it was left as it is"
    change = UnsavedChange("add", (make_poll(3, pollster="Typed now"),), 1, "Race A")
    aside = write_unsaved(path, [change], STORE)
    assert aside == tmp_path / "unsaved-change.json.unreadable"
    assert aside.read_bytes() == UNREADABLE[kind]  # kept as it was
    assert read_unsaved(path, STORE) == [change]
    assert write_unsaved(path, [change], STORE) is None  # (a readable file: nothing set aside)


def test_an_unreadable_recovery_file_is_never_deleted_when_a_change_is_settled(tmp_path: Path) -> None:
    path = tmp_path / "unsaved-change.json"
    path.write_text(LATER)
    forget_unsaved(path, STORE)  # this session's change retried and saved
    assert path.read_text() == LATER
    forget_unsaved(path)  # (every store's)
    assert path.read_text() == LATER


def test_a_second_unreadable_recovery_file_never_replaces_the_first_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "unsaved-change.json"
    change = UnsavedChange("add", (make_poll(3, pollster="Typed now"),), 1, "Race A")
    path.write_text(LATER)
    first = write_unsaved(path, [change], STORE)
    path.write_text("not json")
    second = write_unsaved(path, [change], STORE)
    assert first is not None and second is not None and first != second
    assert first.read_text() == LATER and second.read_text() == "not json"
