"""A new store holds the Burlington 2009 instant-runoff demo: its official result and its 2009 ballots as the
transfer prior, the rows `warroom count --save-prior` stores; London 2012 stays the contest a new store opens on."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_irv_baseline_from_ballots import burlington_prior
from warroom.bootstrap import BURLINGTON_PRIOR_SOURCE, open_store
from warroom.demo import BURLINGTON_2009, IRV_DEMO_NAME, LONDON_2012, burlington_2009_result
from warroom.store import contests
from warroom.store import polls as repo
from warroom.store.irv_priors import get_irv_prior, same_prior


def test_a_new_store_has_burlington_with_its_result_and_ballots_prior(tmp_path: Path) -> None:
    store = open_store(tmp_path / "polls.sqlite3", backup_dir=None)
    try:
        assert store.seeded
        with store.sessions() as s:
            assert repo.get_contest(s).name == LONDON_2012.name  # still the default
            burlington = repo.get_contest(s, IRV_DEMO_NAME)
            assert burlington is not None and burlington.demo
            assert burlington.candidate_codes == BURLINGTON_2009.candidate_codes
            assert repo.list_polls(s, burlington.id or 0) == []
            assert contests.get_official_result(s, burlington.id or 0) == burlington_2009_result()
            stored = get_irv_prior(s, burlington.id or 0)
            assert stored is not None and stored.source == BURLINGTON_PRIOR_SOURCE
            assert same_prior(stored.scenario, burlington_prior()) and stored.scenario.batch_elimination
    finally:
        store.close()
    again = open_store(tmp_path / "polls.sqlite3", backup_dir=None)  # seeded once only
    try:
        with again.sessions() as s:
            assert not again.seeded and repo.count_contests(s) == 3
    finally:
        again.close()
