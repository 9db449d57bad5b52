"""New York City's certified 2021 primary rounds against the count engine's rules.

The Board's official round-by-round reports (tests/data/nyc_2021_official_rounds.json: all 40 contests of the
June 2021 primary that went past round 1) are the reference. The city's cast-vote records themselves were not
available offline, so two things are checked:

1. The exclusion decisions. At every round of every contest, the rules (`NYC_RULES`: write-ins alone first,
   then batch elimination; on to the final two) pick exactly the candidates the Board excluded, from that
   round's official tallies.
2. The whole count. Ballots are made up to follow the official transfers (each excluded candidate's ballots
   split among the recipients as the report's per-round gains say; which excluded candidate of a batch a
   ballot came from is not published, so that split is arbitrary), and `count_ballots` under NYC's rules
   then prints the official rounds exactly: every tally, the inactive ballots, every exclusion, the winner.
   Under the plain batch rule (no write-ins first, stop at a majority) it does not, in most contests.

What this does not prove: that the city's real ballots count to these rounds (that needs the cast-vote
records, which `core.nyc_cvr` reads).
"""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from warroom.core.count import Ballot, batch_size, count_ballots, is_write_in
from warroom.core.nyc_cvr import NYC_RULES

DATA = Path(__file__).resolve().parents[1] / "data" / "nyc_2021_official_rounds.json"
CONTESTS = json.loads(DATA.read_text(encoding="utf-8"))["contests"]
RULES = replace(NYC_RULES, max_rankings=None)  # made-up ballots may need more than five rankings to follow 8 rounds


def _decision(tallies: dict[str, int], first: bool) -> set[str]:
    """Who NYC's rules exclude after a round with these tallies (no ties occur in these reports)."""
    if first:
        write_ins = [c for c in tallies if is_write_in(c)]
        if write_ins:
            return set(write_ins)
    ascending = sorted(tallies, key=lambda c: tallies[c])
    k = batch_size([tallies[c] for c in ascending])
    return set(ascending[: max(k, 1)])


def _ballots(contest: dict) -> list[Ballot]:
    """Ballots whose count under NYC's rules gives the official rounds: each round's excluded ballots are split
    among the recipients by the official gains of the next round."""
    rounds = contest["rounds"]
    pools: dict[str, list[list]] = {c: [[[c], v]] for c, v in rounds[0]["tallies"].items() if v}
    done: list[Ballot] = []
    for now, nxt in pairwise(rounds):
        moving = [group for c in now["excluded"] for group in pools.pop(c, [])]
        gains = {c: nxt["tallies"][c] - now["tallies"][c] for c in nxt["tallies"]}
        gains[""] = nxt["inactive"] - now["inactive"]
        assert sum(gains.values()) == sum(n for _p, n in moving)  # the report's own conservation
        for to, need in gains.items():
            while need > 0:
                path, n = moving[-1]
                take = min(n, need)
                if to:
                    pools[to].append([[*path, to], take])
                else:
                    done.append(Ballot(tuple(path), take))
                need -= take
                if take == n:
                    moving.pop()
                else:
                    moving[-1][1] = n - take
    done += [Ballot(tuple(path), n) for groups in pools.values() for path, n in groups]
    return done


def test_the_reports_hold_40_contests_with_every_ballot_accounted_for() -> None:
    assert len(CONTESTS) == 40
    mayor = next(c for c in CONTESTS if c["contest"] == "DEM Mayor Citywide")
    assert mayor["winner"] == "Eric L. Adams" and mayor["rounds"][-1]["tallies"]["Eric L. Adams"] == 404_513
    for contest in CONTESTS:
        totals = {sum(r["tallies"].values()) + r["inactive"] for r in contest["rounds"]}
        assert len(totals) == 1, contest["contest"]
        assert len(contest["rounds"][-1]["tallies"]) == 2  # on to the final two, majority or not


@pytest.mark.parametrize("contest", CONTESTS, ids=[c["contest"] for c in CONTESTS])
def test_nyc_rules_exclude_whom_the_board_excluded(contest: dict) -> None:
    for number, r in enumerate(contest["rounds"][:-1], start=1):
        assert _decision(r["tallies"], number == 1) == set(r["excluded"]), f"round {number}"


@pytest.mark.parametrize("contest", CONTESTS, ids=[c["contest"] for c in CONTESTS])
def test_the_count_prints_the_official_rounds(contest: dict) -> None:
    result = count_ballots(_ballots(contest), "irv", rules=RULES)
    official = contest["rounds"]
    assert len(result.rounds) == len(official)
    for got, want in zip(result.rounds, official, strict=True):
        assert got.tallies == want["tallies"]
        assert got.exhausted == want["inactive"]
    assert [set(r.eliminated) for r in result.rounds[1:]] == [set(r["excluded"]) for r in official[:-1]]
    assert result.winner == contest["winner"]


def test_without_nycs_two_rules_the_count_departs_from_the_board() -> None:
    def departs(rules: object) -> int:
        return sum(
            [r.tallies for r in count_ballots(_ballots(c), "irv", rules=rules).rounds]  # type: ignore[arg-type]
            != [r["tallies"] for r in c["rounds"]]
            for c in CONTESTS
        )

    assert departs(replace(RULES, write_ins_first=False)) == 38  # write-ins batched with others in round 1
    assert departs(replace(RULES, final_two=False)) == 9  # the count stopped at a majority before the last two
