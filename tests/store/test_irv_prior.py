"""An instant-runoff contest takes its next-preference rows from the past count it names (Contest.transfer_prior)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.irv_fixture import IRV_CONTEST
from warroom.bootstrap import open_store
from warroom.core.types import EXHAUSTED, OfficialResult
from warroom.store import contests


def test_rows_come_from_the_named_past_count(store_url: str) -> None:
    store = open_store(store_url, backup_dir=None, seed=False)
    try:
        stood = tuple(c for c in IRV_CONTEST.candidates if c.code in {"lnp", "grn", "alp", "ind"})
        past = replace(IRV_CONTEST, name="Riverton Mayor 2022", election_date=date(2022, 6, 4), candidates=stood)
        now = replace(IRV_CONTEST, transfer_prior=past.name)
        with store.sessions.begin() as s:
            pid = contests.create_contest(s, past)
            contests.create_contest(s, now)
            assert contests.irv_prior_rows_of(s, contests.require_contest(s, now.name)) is None  # no result yet
            result = OfficialResult(
                first_round={"lnp": 340, "grn": 250, "alp": 240, "ind": 40},
                final_round={"lnp": 430, "grn": 420},
                transfers=(("ind", "grn", 20), ("ind", "alp", 10), ("ind", EXHAUSTED, 10), ("alp", "grn", 200)),
            )
            contests.set_official_result(s, pid, result)
        with store.sessions() as s:
            rows = contests.irv_prior_rows_of(s, contests.require_contest(s, now.name))
            assert rows == {"ind": pytest.approx({"grn": 50, "alp": 25, EXHAUSTED: 25}), "alp": {"grn": 100.0}}
            assert contests.irv_prior_rows_of(s, contests.require_contest(s, past.name)) is None  # names none
    finally:
        store.close()
