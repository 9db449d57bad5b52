"""`warroom count FILE --save-prior --contest NAME`: last election's ballots become this race's transfer prior."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.cli._run import run
from warroom.bootstrap import open_store
from warroom.core.ballot_prior import contest_prior
from warroom.core.types import Contest
from warroom.demo import BURLINGTON_2009_FILE, burlington_ballots
from warroom.paths import AppPaths
from warroom.resources import resource_path
from warroom.store.contests import require_contest
from warroom.store.irv_priors import StoredIrvPrior, get_irv_prior

NEXT_RACE = """\
[contest]
name = "Burlington Mayor 2012"
election_date = 2012-03-06
system = "irv"

[[candidate]]
code = "kiss"
name = "Bob Kiss"
colour = "#D55E00"

[[candidate]]
code = "wright"
name = "Kurt Wright"
colour = "#0072B2"

[[candidate]]
code = "montroll"
name = "Andy Montroll"
colour = "#56B4E9"

[[candidate]]
code = "smith"
name = "Dan Smith"
colour = "#E69F00"

[[candidate]]
code = "simpson"
name = "James Simpson"
colour = "#009E73"

[[candidate]]
code = "write_in"
name = "Write-in"
colour = "#7F7F7F"

[[candidate]]
code = "weinberger"
name = "Miro Weinberger"
colour = "#CC79A7"
"""

CITY_RULES = ["--system", "irv", "--overvote", "continuing", "--first-choice-optional", "--batch-elimination"]


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


def stored_prior(state: Path, name: str) -> tuple[Contest, StoredIrvPrior | None]:
    paths = AppPaths.under(state)
    opened = open_store(paths.database, backup_dir=None, seed=False)
    try:
        with opened.sessions() as session:
            contest = require_contest(session, name)
            return contest, get_irv_prior(session, contest.id or 0)
    finally:
        opened.close()


def test_last_elections_ballots_become_the_contests_transfer_prior(tmp_path: Path, state: Path) -> None:
    toml = tmp_path / "next.toml"
    toml.write_text(NEXT_RACE, encoding="utf-8")
    db = ["--data-dir", str(state)]
    assert run("contest", "new", "--from", str(toml), *db)[0] == 0
    ballots = str(resource_path("data", BURLINGTON_2009_FILE))
    code, out, err = run("count", ballots, *CITY_RULES, "--contest", "Burlington Mayor 2012", "--save-prior", *db)
    assert code == 0, err
    assert "Winner: Bob Kiss" in out
    assert "Saved as the instant-runoff transfer prior of Burlington Mayor 2012" in out
    contest, stored = stored_prior(state, "Burlington Mayor 2012")
    assert stored is not None and stored.source == f"ballots in {BURLINGTON_2009_FILE}"
    # One number, one place: the stored rows are core's contest_prior on the same ballots.
    expected = contest_prior(burlington_ballots(), contest)
    assert stored.scenario.codes == contest.candidate_codes
    np.testing.assert_allclose(stored.scenario.first_round, expected.first_round)
    np.testing.assert_allclose(stored.scenario.transfers, expected.transfers)
    assert stored.scenario.batch_elimination  # the count's rules travel with the rows
    # Real rows: of Montroll's first-preference voters, more named Kiss next than Wright.
    montroll = stored.scenario.row("montroll")
    assert montroll["kiss"] > montroll["wright"] > 0
    assert stored.scenario.share("weinberger") == 0.0  # new this time: a row from the others' shares
    # Saved again with a ranking limit, the prior is replaced; --json says where it went.
    code, out, err = run(
        "count",
        ballots,
        *CITY_RULES,
        "--max-rankings",
        "1",
        "--contest",
        "Burlington Mayor 2012",
        "--save-prior",
        "--json",
        *db,
    )
    assert code == 0, err
    assert json.loads(out)["saved_prior_of"] == "Burlington Mayor 2012"
    _, again = stored_prior(state, "Burlington Mayor 2012")
    assert again is not None and again.scenario.row("montroll")["__exhausted__"] == pytest.approx(100.0)


def test_a_prior_is_refused_whole_when_the_ballots_do_not_fit_the_contest(tmp_path: Path, state: Path) -> None:
    db = ["--data-dir", str(state)]
    ballots = str(resource_path("data", BURLINGTON_2009_FILE))
    code, _, err = run("count", ballots, *CITY_RULES, "--save-prior", *db)
    assert code == 1 and "--save-prior needs --contest" in err
    toml = tmp_path / "small.toml"
    toml.write_text(NEXT_RACE.split('[[candidate]]\ncode = "smith"')[0], encoding="utf-8")  # kiss, wright, montroll
    assert run("contest", "new", "--from", str(toml), *db)[0] == 0
    code, _, err = run("count", ballots, *CITY_RULES, "--contest", "Burlington Mayor 2012", "--save-prior", *db)
    assert code == 1
    assert "'Dan Smith', 'James Simpson', 'Write-in' on the ballots match no single candidate" in err
    assert "nothing saved" in err
    _, stored = stored_prior(state, "Burlington Mayor 2012")
    assert stored is None
