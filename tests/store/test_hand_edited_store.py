"""A SQLite store edited outside warroom (DB Browser, the sqlite3 shell): values SQLite accepts whatever the
column's type, which the app cannot read or would count wrongly, are named at open, never a traceback later."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from warroom.bootstrap import open_store
from warroom.store import polls as repo
from warroom.store.errors import StoreError


def _seeded(tmp_path: Path) -> Path:
    path = tmp_path / "polls.sqlite3"
    open_store(path, backup_dir=None).close()
    return path


def _edit(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute(sql)
    con.close()


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE poll_figure SET share = 'abc' WHERE id = 1", "poll_figure #1: share 'abc' is not a number"),
        ("UPDATE poll_figure SET share = -50 WHERE id = 1", "poll_figure #1: share -50 is outside 0-100"),
        ("UPDATE transfer_split SET share = 'x' WHERE id = 1", "transfer_split #1: share 'x' is not a number"),
        ("UPDATE poll SET fieldwork_end = 'garbage' WHERE id = 1", "poll #1: fieldwork_end 'garbage' is not a date"),
        ("UPDATE poll SET fieldwork_end = '9999-12-31' WHERE id = 1", "poll #1: fieldwork_end 9999-12-31 is more"),
        ("UPDATE poll SET sample_size = 'big' WHERE id = 1", "poll #1: sample_size 'big' is not a whole number"),
        ("UPDATE poll SET published = 20120101 WHERE id = 1", "poll #1: published 20120101 is not a date"),
        ("UPDATE contest SET system = 'bogus'", "contest #1: system 'bogus' is not a counting system"),
        ("UPDATE contest SET election_date = 'x'", "contest #1: election_date 'x' is not a date"),
        ("UPDATE official_result SET result_json = 'not json'", "official_result #1: result_json is not JSON"),
        ("UPDATE question_share SET share = 'x' WHERE id = 1", "question_share #1: share 'x' is not a number"),
        ("UPDATE transfer_matrix_row SET to_a = 250 WHERE id = 1", "transfer_matrix_row #1: to_a 250 is outside 0-100"),
        ("UPDATE poll_figure SET code = 'zzz' WHERE id = 1", "poll_figure #1: code 'zzz' names no candidate"),
        (
            "UPDATE poll_figure SET code = 'XYZ' WHERE kind = 'party' AND id = (SELECT min(id) FROM poll_figure "
            "WHERE kind = 'party')",
            "code 'XYZ' names no party of its poll's contest",
        ),
        ("UPDATE transfer_split SET to_code = 'nobody' WHERE id = 1", "transfer_split #1: 'paddick'>'nobody' names"),
        ("UPDATE poll SET sample_size = -5 WHERE id = 1", "poll #1: sample_size -5 is not positive"),
        ("UPDATE poll SET sample_size = 0 WHERE id = 1", "poll #1: sample_size 0 is not positive"),
        ("UPDATE poll SET fieldwork_start = '2012-12-01' WHERE id = 1", "is before its start 2012-12-01"),
        (
            "UPDATE poll_notice SET fieldwork_end = '9999-12-31' WHERE id = 1",
            "poll_notice #1: fieldwork_end 9999-12-31 is more",
        ),
        (
            "UPDATE poll_notice SET fieldwork_start = 'soon' WHERE id = 1",
            "poll_notice #1: fieldwork_start 'soon' is not a date",
        ),
    ],
)
def test_a_value_edited_outside_warroom_is_named_at_open(tmp_path: Path, sql: str, words: str) -> None:
    """Before: `polls` said "Unknown format code 'g' for object of type 'str'", the window printed a
    traceback from a slot, a share of -50 was averaged, and a poll dated 9999 froze every recompute."""
    path = _seeded(tmp_path)
    if "transfer_split" in sql:  # the demo publishes no splits: add one to spoil
        _edit(
            path,
            "INSERT INTO transfer_split (id, poll_id, from_code, to_code, share) VALUES (1, 1, 'paddick', 'johnson', 50)",
        )
    _edit(path, sql)
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(path, backup_dir=None)
    assert words in str(info.value) and "outside warroom" in str(info.value)
    assert info.value.where == str(path)
    assert path.read_bytes() == before  # nothing converted or "repaired"


def test_an_extra_table_or_a_plain_store_opens(tmp_path: Path) -> None:
    path = _seeded(tmp_path)
    _edit(path, "CREATE TABLE my_notes (x)")
    store = open_store(path, backup_dir=None)
    with store.sessions() as s:
        contest = repo.get_contest(s)
        assert contest is not None and len(repo.list_polls(s, contest.id or 0)) > 10
    store.close()
