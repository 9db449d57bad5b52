"""Issue 16: a two-round contest's own expected turnout, blank/null rate and electorate in the store (migration 0007):
stored, edited, read at the start and with the campaign; a store from before it gives France's presidential
races France 2022's figures as their setting and leaves every other race's unset (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from tests.core.test_contest_turnout import LIMA, RACE
from warroom.bootstrap import open_store
from warroom.core.france import FRANCE_2022_TURNOUT
from warroom.core.types import ExpectedTurnout
from warroom.store import contests as contest_store
from warroom.store import polls as repo
from warroom.store.db import _alembic_config, make_engine, make_session_factory, upgrade
from warroom.store.first_read import read_first
from warroom.store.questions import load_campaign


def test_stored_edited_and_read_with_the_campaign(store_url: str) -> None:
    engine = make_engine(store_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        cid = repo.add_contest(s, RACE)
    with sessions() as s:
        assert repo.get_contest(s, cid) == replace(RACE, id=cid)
        assert load_campaign(s, cid).expected == LIMA
    other = ExpectedTurnout(55.25, 3.5, 123_456)
    with sessions.begin() as s:
        contest_store.update_contest(s, cid, replace(RACE, id=cid, expected=other))
    with sessions() as s:
        back = repo.get_contest(s, cid)
        assert back is not None and back.expected == other and load_campaign(s, cid).expected == other
    with sessions.begin() as s:
        contest_store.update_contest(s, cid, replace(RACE, id=cid, expected=None))
    with sessions() as s:
        back = repo.get_contest(s, cid)
        assert back is not None and back.expected is None and load_campaign(s, cid).expected is None
    engine.dispose()


def test_the_starts_first_read_reads_them(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    store = open_store(db, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        repo.add_contest(s, RACE)
    store.close()
    read = read_first(db, None, RACE.name)
    assert read.contest.expected == LIMA  # type: ignore[union-attr]


def _contest_row(conn, name: str, system: str, office: str, area: str) -> int:  # type: ignore[no-untyped-def]
    conn.execute(
        text(
            "INSERT INTO contest (name, election_date, system, office, area, notes, demo, transfer_prior) "
            "VALUES (:n, :d, :s, :o, :a, '', false, '')"
        ),
        {"n": name, "d": date(2027, 4, 11), "s": system, "o": office, "a": area},
    )
    cid = int(conn.execute(text("SELECT id FROM contest WHERE name = :n"), {"n": name}).scalar_one())
    for i, code in enumerate(("ann", "bob")):
        conn.execute(
            text(
                "INSERT INTO candidate (contest_id, code, name, colour, position, short_name, withdrawn) "
                "VALUES (:c, :code, :name, '#808080', :i, '', false)"
            ),
            {"c": cid, "code": code, "name": code.title() + " Smith" + str(i), "i": i},
        )
    return cid


def test_upgrading_a_0006_store_sets_frances_presidential_races_and_leaves_the_rest(store_url: str) -> None:
    engine = make_engine(store_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0006")
        france = _contest_row(conn, "Présidentielle 2027", "two_round", "President of the French Republic", "France")
        mayor = _contest_row(conn, "Lima Mayor", "two_round", "Mayor of Lima", "Lima")
        london = _contest_row(conn, "London", "sv", "President of the French Republic", "France")
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as s:
        got = {cid: repo.get_contest(s, cid) for cid in (france, mayor, london)}
    assert got[france] is not None and got[france].expected == FRANCE_2022_TURNOUT
    assert got[mayor] is not None and got[mayor].expected is None
    assert got[london] is not None and got[london].expected is None  # (not a two-round race)
    engine.dispose()


@pytest.mark.parametrize("column", ["expected_turnout", "expected_blank_null", "expected_registered"])
def test_the_columns_are_all_or_nothing_on_read(tmp_path: Path, column: str) -> None:
    """A store edited by hand with one of the three cleared reads as not set (the view then says so), never as a
    half-made setting (opening the store names it first: test_a_setting_edited_outside_warroom_is_named_at_open)."""
    engine = make_engine(str(tmp_path / "s.sqlite3"))
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        cid = repo.add_contest(s, RACE)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE contest SET {column} = NULL WHERE id = :c"), {"c": cid})
    with sessions() as s:
        back = repo.get_contest(s, cid)
    assert back is not None and back.expected is None
    engine.dispose()


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ("expected_turnout = 150", "expected_turnout: must be more than 0 and at most 100 %"),
        ("expected_turnout = 'lots'", "expected_turnout: must be more than 0 and at most 100 %"),
        ("expected_blank_null = -1", "expected_blank_null: must be more than 0 and under 100 %"),
        ("expected_registered = 0", "expected_registered: must be a whole number of voters"),
        ("expected_registered = NULL", "set only in part"),
    ],
)
def test_a_setting_edited_outside_warroom_is_named_at_open(tmp_path: Path, values: str, words: str) -> None:
    """A setting no form or file could store, written with the sqlite3 shell, was a traceback in every verb that
    read the race (ExpectedTurnout refuses it); it is named at open as other hand edits are, nothing changed."""
    import sqlite3

    from warroom.store.errors import StoreError

    db = tmp_path / "polls.sqlite3"
    store = open_store(db, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, RACE)
    store.close()
    con = sqlite3.connect(db)
    with con:
        con.execute(f"UPDATE contest SET {values} WHERE id = ?", (cid,))
    con.close()
    before = db.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=None, seed=False)
    assert f"contest #{cid}: " in str(info.value) and words in str(info.value), str(info.value)
    assert "outside warroom" in str(info.value) and db.read_bytes() == before
