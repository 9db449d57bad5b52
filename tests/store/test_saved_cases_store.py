"""Saved two-round and instant-runoff cases in the store's one scenario table (no migration: its JSON columns hold
them), on SQLite and PostgreSQL: read back exactly, and a runoff (SV) loader never reads them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np

from tests.irv_fixture import IRV_CONTEST, irv_polls
from tests.store.test_questions import TWO, _contest, _open
from warroom.core.irv_pipeline import irv_baseline
from warroom.core.irv_scenario import set_row
from warroom.core.pipeline import compute_averages
from warroom.core.saved_cases import SavedIrv, SavedTwoRound, record_kind, save_irv, save_two_round, two_round_case
from warroom.core.two_round import RunoffSplit
from warroom.core.two_round_pipeline import Campaign
from warroom.demo import FAR_LEFT_2022, france_2022_compilation
from warroom.services.scenario_service import ScenarioController
from warroom.store import polls as repo

NOW = datetime(2026, 11, 29, 17, 30)


class _Records:
    def __init__(self, sessions, cid: int) -> None:
        self.sessions, self.cid = sessions, cid

    def scenarios(self):
        with self.sessions() as s:
            return repo.list_scenarios(s, self.cid)


def test_two_round_and_irv_cases_round_trip_through_the_store(store_url: str) -> None:
    engine, sessions = _open(store_url)
    cid = _contest(sessions, TWO)
    comp = france_2022_compilation()
    case = two_round_case(
        Campaign(tuple(comp.notices), tuple(comp.matrices), dict(comp.results)), proxies=FAR_LEFT_2022
    )
    s = case.defaults.scenario
    s = replace(s, splits={**s.splits, "Jean-Luc Mélenchon": RunoffSplit(30, 25, 15, 30)}, turnout=0.1)
    two = save_two_round("Mélenchon « reste » chez lui", case, s, now=NOW)
    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    base = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST))
    edited = set_row(base.scenario, "ind", {"alp": 80.0, "grn": 20.0})
    irv = save_irv("Dale to Reid", base, edited, row="ind", now=NOW)
    with sessions.begin() as session:
        repo.save_scenario(session, cid, two.name, *two.to_dicts())
        repo.save_scenario(session, cid, irv.name, *irv.to_dicts())
    with sessions() as session:
        rows = {n: (b, st) for n, b, st in repo.list_scenarios(session, cid)}
    assert {record_kind(b) for b, _ in rows.values()} == {"two_round", "irv"}
    back = SavedTwoRound.from_dicts(two.name, *rows[two.name])
    assert back == two and back.view().projection == case.view(s).projection
    assert list(back.first.votes) == list(case.first.votes)
    got = SavedIrv.from_dicts(irv.name, *rows[irv.name])
    assert np.array_equal(got.scenario.transfers, edited.transfers) and got.edited == ("ind",)
    assert got.view().run.final_margin == irv.view().run.final_margin
    # the runoff (SV) panel's controller lists neither, and reports nothing about them
    controller = ScenarioController(_Records(sessions, cid))
    controller.contest = TWO
    failures: list[str] = []
    controller.scenario_failed.connect(failures.append)
    assert controller.saved() == [] and failures == []
    engine.dispose()
