"""Sixteenth hostile pass (issue 16): a contest's counting rules (`contest.rules_json`) edited outside warroom.

A store edited outside warroom is checked at open and each value it cannot use named by table, row and column,
nothing changed. A contest's rules were not checked: `not json` there made every verb (`warroom contests` too) say
only "Expecting value: line 1 column 1 (char 0)", JSON nested too deeply was a RecursionError traceback, a list
an AttributeError traceback, and `{"majority": "most"}` "could not convert string to float: 'most'". An official
result was only checked to be JSON: a list, or an object that is no result, was a traceback in `contest show`,
`average`, `backtest` and `scenario` (`{}`: "first_round: no votes", naming nothing). Each is now named at open, by
table, row and column, nothing changed, on SQLite and PostgreSQL alike; so are an official round's votes and an
instant-runoff prior, which failed the same ways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from warroom.bootstrap import open_store
from warroom.store.errors import StoreError
from warroom.store.first_read import Fallback, read_first

FRANCE = "(SELECT id FROM contest WHERE system = 'two_round')"
RULES = [
    ("not json", "is not JSON"),
    ("[" * 100_000, "is not JSON"),
    ("[1]", "is not a JSON object"),
    ('{"majority": "most"}', "is not a contest's rules"),
    ('{"preferences": [3]}', "is not a contest's rules"),
]


def _edit(url: str, sql: str, value: str) -> None:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.begin() as conn:
        conn.execute(text(sql), {"v": value})
    engine.dispose()


@pytest.mark.parametrize(("value", "words"), RULES, ids=["text", "nested", "list", "word", "kind"])
def test_a_contests_rules_edited_outside_warroom_are_named_at_open(store_url: str, value: str, words: str) -> None:
    open_store(store_url, backup_dir=None).close()
    _edit(store_url, f"UPDATE contest SET rules_json = :v WHERE id = {FRANCE}", value)
    with pytest.raises(StoreError) as info:
        open_store(store_url, backup_dir=None)
    message = str(info.value)
    assert "outside warroom" in message and "rules_json" in message and words in message, message
    assert "Traceback" not in message and len(message) < 2000


RESULTS = [
    ("[1]", "is not a JSON object"),
    ('{"first_round": 5}', "is not an official result"),
    ("{}", "is not an official result (first_round: no votes)"),
]


@pytest.mark.parametrize(("value", "words"), RESULTS, ids=["list", "kind", "empty"])
def test_an_official_result_that_is_json_but_no_result_is_named_at_open(store_url: str, value: str, words: str) -> None:
    open_store(store_url, backup_dir=None).close()
    _edit(store_url, "UPDATE official_result SET result_json = :v WHERE id = 1", value)
    with pytest.raises(StoreError) as info:
        open_store(store_url, backup_dir=None)
    assert f"official_result #1: result_json {words}" in str(info.value), str(info.value)


@pytest.mark.parametrize(("value", "words"), RULES, ids=["text", "nested", "list", "word", "kind"])
def test_a_start_s_first_read_of_such_rules_falls_back_to_the_full_open(tmp_path: Path, value: str, words: str) -> None:
    """The window's start reads the race before the store is opened (store.first_read): rules that were a list
    or nested too deeply ended the start there with an AttributeError or RecursionError traceback, exit 1,
    before the open could name them. The first read now falls back, and the full open names them."""
    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None).close()
    _edit(str(db), f"UPDATE contest SET rules_json = :v WHERE id = {FRANCE}", value)
    assert isinstance(read_first(db, "France 2022 presidential"), Fallback)


OTHER_RECORDS = [
    ("official_round", "votes_json", "not json", "is not JSON"),
    ("official_round", "votes_json", "[1]", "is not a JSON object"),
    ("official_round", "votes_json", "[" * 100_000, "is not JSON"),
    ("official_round", "votes_json", '{"Macron": "many"}', "is not an official round's votes"),
    ("irv_prior", "prior_json", "not json", "is not JSON"),
    ("irv_prior", "prior_json", "[1]", "is not a JSON object"),
    ("irv_prior", "prior_json", "{}", "is not an instant-runoff prior"),
]


@pytest.mark.parametrize(("table", "column", "value", "words"), OTHER_RECORDS)
def test_an_official_round_or_a_prior_edited_outside_warroom_is_named_at_open(
    store_url: str, table: str, column: str, value: str, words: str
) -> None:
    """France's official rounds and Burlington's transfer prior: `qualify`, `scenario` and `contest show` said
    "Expecting value: line 1 column 1 (char 0)", or were an AttributeError or RecursionError traceback."""
    open_store(store_url, backup_dir=None).close()
    _edit(store_url, f"UPDATE {table} SET {column} = :v WHERE id = (SELECT MIN(id) FROM {table})", value)
    with pytest.raises(StoreError) as info:
        open_store(store_url, backup_dir=None)
    assert f"{table} #" in str(info.value) and f"{column} {words}" in str(info.value), str(info.value)


@pytest.mark.parametrize("table", ["candidate", "party"])
@pytest.mark.parametrize("value", ["nonsense", "#12345", "red"])
def test_a_colour_edited_outside_warroom_is_named_at_open(store_url: str, table: str, value: str) -> None:
    """`render` of London with Johnson's colour set to 'nonsense' said only "not a #rrggbb colour: 'nonsense'"
    (after Qt printed the error of a model override), naming neither the candidate nor the store."""
    open_store(store_url, backup_dir=None).close()
    _edit(store_url, f"UPDATE {table} SET colour = :v WHERE id = (SELECT MIN(id) FROM {table})", value)
    with pytest.raises(StoreError) as info:
        open_store(store_url, backup_dir=None)
    assert f"{table} #" in str(info.value) and f"colour '{value}' is not #RRGGBB" in str(info.value), str(info.value)
