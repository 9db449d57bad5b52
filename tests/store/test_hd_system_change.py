"""Issue 16: a race's counting system changed (File > Edit contest, `warroom contest edit`) never leaves what it
holds where none of its new system's figures read it.

A two-round race reads poll notices, their transfer matrices and its official rounds (store.questions); every
other system reads plain polls and the official result. The change was refused only for poll notices or plain
polls: a two-round race made with File > New contest that held only its transfer matrices (NSPPolls' reports file
imported) or its official rounds (official_results.csv imported) became a Supplementary Vote race without a word,
the matrices and rounds kept where no view, verb or back-test of it reads them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import TOY
from warroom.core.compilations import parse_question_csv
from warroom.core.france import RoundResult
from warroom.core.types import CountingSystem, OfficialResult
from warroom.store import contests as store
from warroom.store import polls as repo
from warroom.store import questions
from warroom.store.db import make_engine, make_session_factory, upgrade

TWO = replace(TOY, system=CountingSystem.TWO_ROUND)
MATRIX_CSV = (
    "pollster,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,"
    "second:ann,second:bob,transfer:cat>ann,transfer:cat>bob\n"
    "P,z1,Ann-Bob,2024-04-20,2024-04-22,1200,,,,55,45,40,35\n"
)


def _open(url: str) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(url)
    upgrade(engine)
    return engine, make_session_factory(engine)


def _two_round_race(sessions: sessionmaker[Session], *, matrices: bool, rounds: bool) -> int:
    read = parse_question_csv(MATRIX_CSV, TWO)
    assert not read.errors and read.matrices
    with sessions.begin() as s:
        cid = repo.add_contest(s, TWO)
        results = None
        if rounds:
            day = TWO.election_date
            results = {1: RoundResult(1, day, {"Ann Red": 500, "Bob Blue": 400, "Cat Green": 100}, 2000, 1050, 50)}
        questions.add_campaign(s, cid, (), read.matrices if matrices else (), results)
    return cid


@pytest.mark.parametrize(
    ("matrices", "rounds", "named"), [(True, False, "transfer matri"), (False, True, "official round")]
)
def test_a_two_round_race_holding_matrices_or_official_rounds_keeps_its_system(
    store_url: str, matrices: bool, rounds: bool, named: str
) -> None:
    engine, sessions = _open(store_url)
    try:
        cid = _two_round_race(sessions, matrices=matrices, rounds=rounds)
        for system in (CountingSystem.SV, CountingSystem.CONTINGENT, CountingSystem.IRV):
            with pytest.raises(store.ContestError) as refused, sessions.begin() as s:
                store.update_contest(s, cid, replace(store.require_contest(s, cid), system=system))
            assert named in str(refused.value), refused.value
            assert "keep its counting system" in str(refused.value)
            with sessions() as s:
                assert store.require_contest(s, cid).system == CountingSystem.TWO_ROUND
                campaign = questions.load_campaign(s, cid)
            assert len(campaign.matrices) == int(matrices) and len(campaign.results) == int(rounds)
    finally:
        engine.dispose()


def test_a_two_round_race_holding_nothing_changes_its_system(store_url: str) -> None:
    engine, sessions = _open(store_url)
    try:
        cid = _two_round_race(sessions, matrices=False, rounds=False)
        with sessions.begin() as s:
            store.update_contest(s, cid, replace(store.require_contest(s, cid), system=CountingSystem.SV))
        with sessions() as s:
            assert store.require_contest(s, cid).system == CountingSystem.SV
    finally:
        engine.dispose()


RESULT = OfficialResult(first_round={"ann": 500, "bob": 400, "cat": 100}, final_round={"ann": 560, "bob": 440})


def test_a_two_round_race_takes_no_official_result_its_figures_never_read(store_url: str) -> None:
    """A two-round race's result is its official rounds (official_results.csv), which its back-test, panel and
    `contest show` read. The first-and-final-round result (File > Official result, `warroom contest result`) was
    stored beside them, read by none of its figures, and `contest show` listed both: two results for one race."""
    engine, sessions = _open(store_url)
    try:
        cid = _two_round_race(sessions, matrices=False, rounds=False)
        with pytest.raises(store.ContestError) as refused, sessions.begin() as s:
            store.set_official_result(s, cid, RESULT)
        assert "official_results.csv" in str(refused.value), refused.value
        with sessions() as s:
            assert store.get_official_result(s, cid) is None
    finally:
        engine.dispose()


def test_a_race_with_an_official_result_does_not_become_a_two_round_race(store_url: str) -> None:
    engine, sessions = _open(store_url)
    try:
        with sessions.begin() as s:
            cid = repo.add_contest(s, TOY)
            store.set_official_result(s, cid, RESULT)
        with pytest.raises(store.ContestError) as refused, sessions.begin() as s:
            store.update_contest(s, cid, replace(store.require_contest(s, cid), system=CountingSystem.TWO_ROUND))
        assert "official result" in str(refused.value) and "keep its counting system" in str(refused.value)
        with sessions() as s:
            assert store.require_contest(s, cid).system == TOY.system
            assert store.get_official_result(s, cid) == RESULT
    finally:
        engine.dispose()


def test_an_instant_runoff_prior_is_refused_for_another_system_and_keeps_its_races_system(store_url: str) -> None:
    from warroom.core.irv_scenario import IrvScenario
    from warroom.store import irv_priors

    prior = IrvScenario(("ann", "bob", "cat"), [50.0, 30.0, 20.0], [[0, 60, 30, 10], [70, 0, 20, 10], [40, 50, 0, 10]])
    engine, sessions = _open(store_url)
    try:
        with sessions.begin() as s:
            sv = repo.add_contest(s, TOY)
            irv = repo.add_contest(s, replace(TOY, name="Toy IRV", system=CountingSystem.IRV))
            irv_priors.set_irv_prior(s, irv, prior, "ballots in b.csv")
        with pytest.raises(irv_priors.PriorError) as refused, sessions.begin() as s:
            irv_priors.set_irv_prior(s, sv, prior, "ballots in b.csv")
        assert "instant-runoff" in str(refused.value) and TOY.system.label in str(refused.value), refused.value
        for system in (CountingSystem.SV, CountingSystem.CONTINGENT, CountingSystem.TWO_ROUND):
            with pytest.raises(store.ContestError) as refused_edit, sessions.begin() as s:
                store.update_contest(s, irv, replace(store.require_contest(s, irv), system=system))
            assert "transfer prior" in str(refused_edit.value), refused_edit.value
        with sessions() as s:
            assert irv_priors.get_irv_prior(s, sv) is None
            assert store.require_contest(s, irv).system == CountingSystem.IRV
    finally:
        engine.dispose()
