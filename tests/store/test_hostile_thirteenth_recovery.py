"""Thirteenth hostile pass (issue 16): the recovery file keeps every unsaved change, through a shared poll form."""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from pathlib import Path

import warroom.store.recovery as recovery
from tests.conftest import make_poll
from warroom.core.types import UnsavedChange
from warroom.store.contests import poll_from_dict, poll_to_dict
from warroom.store.recovery import read_unsaved, write_unsaved


def test_the_recovery_file_keeps_every_unsaved_change_in_order(tmp_path: Path) -> None:
    path = tmp_path / "unsaved-change.json"
    changes = [
        UnsavedChange("add", (make_poll(3, pollster="First"), make_poll(4, pollster="Second")), 1, "Race A"),
        UnsavedChange("edit", (replace(make_poll(5, pollster="Edited"), id=17),), 2, "Race B"),
    ]
    write_unsaved(path, changes, "/data/polls.sqlite3")
    assert read_unsaved(path, "/data/polls.sqlite3") == changes
    assert read_unsaved(path, "/elsewhere/polls.sqlite3") == []  # another store's: not offered
    assert path.stat().st_mode & 0o077 == 0


def test_a_recovery_file_an_earlier_version_wrote_one_change_in_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "unsaved-change.json"
    poll = make_poll(3, pollster="Kept by 12")
    path.write_text(
        json.dumps(
            {
                "warroom_unsaved_change": 1,
                "store": "/data/polls.sqlite3",
                "contest_id": 4,
                "contest_name": "Race A",
                "action": "add",
                "polls": [{**poll_to_dict(poll), "id": None}],
            }
        )
    )
    assert read_unsaved(path, "/data/polls.sqlite3") == [UnsavedChange("add", (poll,), 4, "Race A")]


def test_the_recovery_file_reads_polls_through_the_public_poll_form_not_another_modules_private_helper() -> None:
    """store/recovery.py borrowed store.contests' private _poll_from_dict: a rename or a change of its contract
    there would break the recovery file unseen. It is the public poll_from_dict, beside poll_to_dict."""
    tree = ast.parse(Path(recovery.__file__).read_text(encoding="utf-8"))
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("warroom")
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == []
    poll = make_poll(9, pollster="Round trip")
    assert poll_from_dict(poll_to_dict(poll)) == poll
