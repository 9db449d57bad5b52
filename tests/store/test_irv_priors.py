"""A contest's instant-runoff transfer prior in the store: saved, replaced, refused whole, deleted with its race."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from sqlalchemy import select

from warroom.core.ballot_prior import contest_prior
from warroom.core.irv_scenario import IrvScenario
from warroom.core.types import Candidate, Contest, CountingSystem
from warroom.demo import BURLINGTON_2009, burlington_ballots
from warroom.store import contests as store
from warroom.store.db import make_engine, make_session_factory, upgrade
from warroom.store.irv_priors import clear_irv_prior, get_irv_prior, prior_from_dict, prior_to_dict, set_irv_prior
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
        pytest.raises(store.ContestError, match="'zed' are not candidates of Burlington Mayor 2012"),
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
    with pytest.raises(store.ContestError, match="newer than this app reads"):
        prior_from_dict(data | {"format": 99})
    with pytest.raises(store.ContestError, match="missing 'transfers'"):
        prior_from_dict({k: v for k, v in data.items() if k != "transfers"})
    with pytest.raises(store.ContestError, match="shares must sum to 100"):
        prior_from_dict(data | {"transfers": [[0.0, 80.0, 10.0], [70.0, 0.0, 30.0]]})
