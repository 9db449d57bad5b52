"""A contest's instant-runoff transfer prior in the store: saved, replaced, refused whole, deleted with its race."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from warroom.core.ballot_prior import contest_prior
from warroom.core.irv_scenario import IrvScenario
from warroom.core.types import Candidate, Contest, CountingSystem
from warroom.demo import BURLINGTON_2009, burlington_ballots
from warroom.store import contests as store
from warroom.store.db import make_engine, make_session_factory, upgrade
from warroom.store.irv_priors import (
    PriorError,
    clear_irv_prior,
    get_irv_prior,
    prior_from_dict,
    prior_rows,
    prior_to_dict,
    set_irv_prior,
)
from warroom.store.schema import IrvPriorRow

NEXT = Contest(
    name="Burlington Mayor 2012",
    election_date=date(2012, 3, 6),
    system=CountingSystem.IRV,
    parties=BURLINGTON_2009.parties,
    candidates=(*BURLINGTON_2009.candidates, Candidate("weinberger", "Miro Weinberger", None, "#CC79A7")),
)


def test_prior_saved_read_back_replaced_and_scoped(store_url: str) -> None:
    engine = make_engine(store_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    prior = contest_prior(burlington_ballots(), NEXT, max_rankings=3)
    with sessions.begin() as s:
        cid = store.create_contest(s, NEXT)
        other = store.create_contest(s, BURLINGTON_2009)
        set_irv_prior(s, cid, prior, "ballots in 2009.csv")
    with sessions() as s:
        stored = get_irv_prior(s, cid)
        assert stored is not None and stored.source == "ballots in 2009.csv" and stored.saved_at is not None
        assert stored.scenario.codes == prior.codes == NEXT.candidate_codes
        # JSON keeps every float; the scenario rescales rows to 100 again on reading (last-bit differences)
        np.testing.assert_allclose(stored.scenario.transfers, prior.transfers, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(stored.scenario.first_round, prior.first_round, rtol=1e-12)
        assert get_irv_prior(s, other) is None
    flat = IrvScenario(("kiss", "wright"), [60.0, 40.0], [[0.0, 80.0, 20.0], [70.0, 0.0, 30.0]])
    with sessions.begin() as s:
        set_irv_prior(s, cid, flat, "typed")
    with sessions() as s:
        again = get_irv_prior(s, cid)
        assert again is not None and again.source == "typed" and again.scenario.row("kiss")["wright"] == 80.0
        assert len(s.scalars(select(IrvPriorRow)).all()) == 1  # replaced, not added
    # Refused whole: a code that is not a candidate of the contest; the stored prior stays.
    stranger = IrvScenario(("kiss", "zed"), [50.0, 50.0], [[0.0, 100.0, 0.0], [100.0, 0.0, 0.0]])
    with (
        pytest.raises(PriorError, match="'zed' are not candidates of Burlington Mayor 2012"),
        sessions.begin() as s,
    ):
        set_irv_prior(s, cid, stranger, "bad")
    with sessions() as s:
        kept = get_irv_prior(s, cid)
        assert kept is not None and kept.source == "typed"
    with sessions.begin() as s:
        clear_irv_prior(s, cid)
        set_irv_prior(s, other, flat, "for the other")
    with sessions() as s:
        assert get_irv_prior(s, cid) is None
    with sessions.begin() as s:
        store.delete_contest(s, other)
    with sessions() as s:
        assert s.scalars(select(IrvPriorRow)).all() == []  # deleted with its contest
    engine.dispose()


def test_stored_json_is_checked_on_reading() -> None:
    flat = IrvScenario(("a", "b"), [60.0, 40.0], [[0.0, 80.0, 20.0], [70.0, 0.0, 30.0]], max_rankings=4)
    data = json.loads(json.dumps(prior_to_dict(flat)))
    back = prior_from_dict(data)
    assert back.max_rankings == 4 and back.row("b") == flat.row("b")
    with pytest.raises(PriorError, match="newer than this app reads"):
        prior_from_dict(data | {"format": 99})
    with pytest.raises(PriorError, match="missing 'transfers'"):
        prior_from_dict({k: v for k, v in data.items() if k != "transfers"})
    with pytest.raises(PriorError, match="shares must sum to 100"):
        prior_from_dict(data | {"transfers": [[0.0, 80.0, 10.0], [70.0, 0.0, 30.0]]})


def test_a_campaign_bundle_carries_the_prior(tmp_path: Path) -> None:
    a, b = (make_engine(str(tmp_path / f"{x}.sqlite3")) for x in "ab")
    for engine in (a, b):
        upgrade(engine)
    into_a, into_b = make_session_factory(a), make_session_factory(b)
    prior = contest_prior(burlington_ballots(), NEXT)
    with into_a.begin() as s:
        cid = store.create_contest(s, NEXT)
        set_irv_prior(s, cid, prior, "ballots in 2009.csv")
    with into_a() as s:
        text = store.bundle_to_text(store.export_bundle(s, cid))
    assert json.loads(text)["irv_prior"]["source"] == "ballots in 2009.csv"
    with into_b.begin() as s:
        report = store.import_bundle(s, store.read_bundle(text))
    assert report.irv_prior == "added"
    with into_b() as s:
        moved = get_irv_prior(s, report.contest_id)
        assert moved is not None and moved.source == "ballots in 2009.csv"
        np.testing.assert_allclose(moved.scenario.transfers, prior.transfers, atol=1e-9)
    with into_b.begin() as s:  # the same bundle again: the prior is recognised as the same
        assert store.import_bundle(s, store.read_bundle(text)).irv_prior == "same"
    bad = json.loads(text)
    bad["irv_prior"]["prior"]["codes"][0] = "zed"
    with pytest.raises(store.ContestError, match="irv_prior: 'zed' are not the contest's candidates"):
        store.read_bundle(json.dumps(bad))
    a.dispose()
    b.dispose()


def test_a_candidate_with_a_row_in_the_prior_is_withdrawn_not_deleted(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "polls.sqlite3"))
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        cid = store.create_contest(s, NEXT)
        set_irv_prior(s, cid, contest_prior(burlington_ballots(), NEXT), "ballots")
    fewer = replace(NEXT, candidates=NEXT.candidates[:-1])
    refused = r"'Miro Weinberger' .* row in the instant-runoff transfer prior"
    with pytest.raises(store.ContestError, match=refused), sessions.begin() as s:
        store.update_contest(s, cid, fewer)
    withdrawn = replace(NEXT, candidates=(*NEXT.candidates[:-1], replace(NEXT.candidates[-1], withdrawn=True)))
    with sessions.begin() as s:
        assert store.update_contest(s, cid, withdrawn).candidates[-1].withdrawn
    engine.dispose()


def test_prior_rows_are_the_rows_of_candidates_with_voters() -> None:
    prior = contest_prior(burlington_ballots(), NEXT)
    rows = prior_rows(prior)
    assert set(rows) == {"kiss", "wright", "montroll", "smith", "simpson", "write_in"}  # not weinberger: no voters
    assert rows["montroll"] == prior.row("montroll") and sum(rows["montroll"].values()) == pytest.approx(100.0)
