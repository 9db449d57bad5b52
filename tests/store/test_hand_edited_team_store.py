"""A store edited outside warroom, on every backend: the hand-edited-store rule held only on SQLite. PostgreSQL
enforces each column's type, but a psql UPDATE still leaves a share of -50 or NaN, a poll dated 9999 (every
average's daily grid stretched for minutes), a counting system the app does not know, or a result that is not
JSON; each is named at open, by table, row and column, and nothing is changed."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from warroom.bootstrap import open_store
from warroom.store.errors import StoreError

EDITS = [
    ("UPDATE poll_figure SET share = -50 WHERE id = 1", "poll_figure #1: share -50 is outside 0-100"),
    ("UPDATE poll SET fieldwork_end = '9999-12-31' WHERE id = 1", "poll #1: fieldwork_end 9999-12-31 is more"),
    ("UPDATE poll SET fieldwork_start = '1066-10-14' WHERE id = 1", "poll #1: fieldwork_start 1066-10-14 is more"),
    ("UPDATE contest SET system = 'bogus' WHERE id = 1", "contest #1: system 'bogus' is not a counting system"),
    ("UPDATE transfer_matrix_row SET to_a = 250 WHERE id = 1", "transfer_matrix_row #1: to_a 250 is outside 0-100"),
    ("UPDATE question_share SET share = 101 WHERE id = 1", "question_share #1: share 101 is outside 0-100"),
    ("UPDATE poll_notice SET fieldwork_end = '9999-12-31' WHERE id = 1", "poll_notice #1: fieldwork_end 9999-12-31"),
    ("UPDATE official_result SET result_json = 'not json' WHERE id = 1", "official_result #1: result_json is not JSON"),
    ("UPDATE poll_figure SET code = 'zzz' WHERE id = 1", "poll_figure #1: code 'zzz' names no candidate"),
    ("UPDATE poll SET sample_size = -5 WHERE id = 1", "poll #1: sample_size -5 is not positive"),
    ("UPDATE poll SET fieldwork_start = '2012-12-01' WHERE id = 1", "is before its start 2012-12-01"),
]
PG_ONLY = [  # values SQLite cannot hold (it stores NaN as NULL)
    ("UPDATE poll_figure SET share = 'NaN' WHERE id = 1", "poll_figure #1: share NaN is not a number"),
    (
        "UPDATE transfer_matrix_row SET neither = 'Infinity' WHERE id = 1",
        "transfer_matrix_row #1: neither inf is not a number",
    ),
]


def _engine(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url if "://" in url else f"sqlite:///{url}")


def _seeded(url: str) -> None:
    open_store(url, backup_dir=None).close()


def _edit(url: str, sql: str) -> None:
    engine = _engine(url)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _dump(url: str) -> list[str]:  # repr: NaN == NaN
    engine = _engine(url)
    with engine.connect() as conn:
        rows = [repr(tuple(r)) for t in ("poll", "poll_figure", "contest", "official_result") for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))]  # fmt: skip
    engine.dispose()
    return rows


@pytest.mark.parametrize(("sql", "words"), EDITS + PG_ONLY)
def test_a_value_edited_outside_warroom_is_named_at_open_on_every_store(store_url: str, sql: str, words: str) -> None:
    postgres = store_url.startswith("postgresql")
    if (sql, words) in PG_ONLY and not postgres:
        pytest.skip("SQLite cannot hold NaN or infinity in a column")
    _seeded(store_url)
    _edit(store_url, sql)
    before = _dump(store_url)
    with pytest.raises(StoreError) as info:
        open_store(store_url, backup_dir=None)
    assert words in str(info.value) and "outside warroom" in str(info.value)
    assert "warroom@" not in str(info.value) or "***" in str(info.value)  # never the URL's password
    assert _dump(store_url) == before  # nothing converted or "repaired"


def test_a_sound_team_store_opens(store_url: str) -> None:
    _seeded(store_url)
    open_store(store_url, backup_dir=None).close()
