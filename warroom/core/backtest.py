"""Back-testing: what the app would have said at fixed distances before polling day, against the result. Pure.

For a contest with a stored official result, at each distance d (60, 30, 14, 7, 1 days) the poll average is
taken as it stood d days out (polls known by then only, core.pipeline with a baseline on that date), the
forecast band around it comes from the historical error of poll averages at that distance
(core.forecast.ForecastErrors), and the win probability from simulating the first round and the transfers
(core.forecast.simulate_runoff) with the baseline's default transfers. The same functions give the app's
numbers, so a back-test checks the numbers a campaign sees.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from warroom.core.forecast import (
    Calibration,
    ForecastErrors,
    calibration,
    margin_interval,
    share_interval,
)
from warroom.core.pipeline import (
    OddsModel,
    PipelineError,
    PriorSource,
    default_case_on,
    simulate_odds,
)
from warroom.core.scenario import project
from warroom.core.types import Contest, CountingSystem, OfficialResult, Poll
from warroom.core.validation import first_round_winner

DISTANCES = (60, 30, 14, 7, 1)
"""Days before polling day at which a back-test looks (the issue's fixed distances)."""
DRAWS = OddsModel.draws
SEED = OddsModel.seed
"""The simulation of the app's own odds model (core.pipeline.OddsModel's draws and seed): a back-test point is the
forecast the app would have shown that day, the chance Scenario > Forecast over time and the panel print. The
back-test drew 4,000 races with the seed moved by the distance, so London's last point said 18 % where the
forecast over time said 19 % of the same polls on the same day."""


@dataclass(frozen=True)
class BacktestPoint:
    """One contest at one distance.

    Attributes:
        contest: the contest's name.
        days: days before polling day.
        as_of: the day the average is taken on.
        polls: polls known by then.
        a: the average's front-runner.
        b: its runner-up.
        margin: the runoff lead of a over b the baseline gives (the runoff average where there is one).
        band: the 90 % forecast band of the margin.
        actual_margin: the official final-round margin of a over b (None if they were not the finalists).
        shares: candidate -> (average, 90 % forecast band low, high, official share).
        p_b_wins: simulated probability that b wins.
        b_won: b won the count; None when the final round is tied (the law decides by lot, and the stored
            result does not say who drew).
    """

    contest: str
    days: int
    as_of: date
    polls: int
    a: str
    b: str
    margin: float
    band: tuple[float, float]
    actual_margin: float | None
    shares: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    p_b_wins: float = 0.5
    b_won: bool | None = False

    @property
    def margin_error(self) -> float | None:
        """Forecast minus result, points."""
        return None if self.actual_margin is None else self.margin - self.actual_margin

    @property
    def covered(self) -> bool | None:
        """The result fell inside the 90 % band."""
        if self.actual_margin is None:
            return None
        return self.band[0] <= self.actual_margin <= self.band[1]


BACKTESTED = (CountingSystem.SV, CountingSystem.CONTINGENT)
"""The systems this back-test scores: the first-round average, the default transfers and the simulated runoff
are the app's own figures for them (its scenario panel and `warroom forecast`). Two-round races have their own
back-test (core.two_round_pipeline); an instant-runoff race's panel counts it round by round instead."""


def not_backtested_reason(contest: Contest) -> str:
    """Why a race with a stored result is not scored here (a system outside BACKTESTED)."""
    return (
        f"the back-test scores Supplementary Vote and contingent vote forecasts, and {contest.system.label.lower()} "
        "races get no such forecast in the app (`warroom scenario` gives their chances)"
    )


def backtest_contest(
    contest: Contest,
    polls: Sequence[Poll],
    result: OfficialResult,
    errors: ForecastErrors,
    distances: Sequence[int] = DISTANCES,
    *,
    draws: int = DRAWS,
    seed: int = SEED,
    priors: PriorSource | None = None,
) -> list[BacktestPoint]:
    """The back-test of one contest at each distance that has polls.

    Raises:
        PipelineError: the contest is not a Supplementary Vote or contingent vote race (BACKTESTED), or has no
            result with a final round.
    """
    if contest.system not in BACKTESTED:
        raise PipelineError(f"{contest.name}: {not_backtested_reason(contest)}")
    if len(result.final_round) != 2:
        raise PipelineError(f"{contest.name}: the stored result has no final round between two candidates")
    top = max(result.final_round.values())
    leaders = [k for k, v in result.final_round.items() if v == top]
    # A tied final round names no winner: max() took the row written first, so the "won" column and the
    # calibration followed the order of the result file's rows.
    winner = leaders[0] if len(leaders) == 1 else None
    official = result.shares()
    out: list[BacktestPoint] = []
    for days in distances:
        as_of = contest.election_date - timedelta(days=days)
        case = default_case_on(polls, contest, as_of, priors)
        if case is None:
            continue
        base, scenario = case
        projection = project(base, scenario)
        model = OddsModel(errors, contest.second_round_date or contest.election_date, draws=draws, seed=seed)
        odds = simulate_odds(base, scenario, projection, model)
        margin = projection.margin
        # The error at the distance the simulation uses: from the latest poll known by then, not from `as_of`
        # (OddsModel.days_before), so a 30-day row of polls last taken 40 days out is scored as 40 days out.
        distance = model.days_before(base)
        band = margin_interval(margin, float(errors.margin_sd(distance)))
        shares = {}
        for code, avg in base.normalised.items():
            if code in official and code != "other":
                lo, hi = share_interval(avg, float(errors.share_sd(distance, avg)))
                shares[code] = (avg, float(lo), float(hi), official[code])
        out.append(
            BacktestPoint(
                contest=contest.name,
                days=days,
                as_of=as_of,
                polls=sum(1 for p in polls if p.fieldwork_end <= as_of),
                a=base.a,
                b=base.b,
                margin=margin,
                band=band,
                actual_margin=result.final_margin(base.a, base.b),
                shares=shares,
                p_b_wins=odds.p_b_wins,
                b_won=None if winner is None else winner == base.b,
            )
        )
    return out


def untested_reason(contest: Contest, polls: Sequence[Poll], distances: Sequence[int] = DISTANCES) -> str:
    """Why backtest_contest found nothing to test: no poll with first-round figures ended by the last distance's
    day (its first poll dated, when there is one)."""
    last = contest.election_date - timedelta(days=min(distances))
    dated = sorted(p.fieldwork_end for p in polls if p.first_round)
    if not dated:
        return "no poll with first-round figures"
    return (
        f"no poll with first-round figures ended by {last.isoformat()}, {min(distances)} day(s) before polling day "
        f"(the first ended {dated[0].isoformat()})"
    )


def no_final_round_reason(contest: Contest, result: OfficialResult) -> str:
    """Why a stored result gives backtest_contest nothing to score: no final round between two candidates (the
    race won in the first round, by the contest's own majority, when that is why)."""
    won = first_round_winner(contest, result)
    if won is not None:
        code, votes, base = won
        name = next((c.name for c in contest.candidates if c.code == code), code)
        return (
            f"its official result has no final round: {name} was elected in the first round "
            f"({100.0 * votes / base:.1f} % of {contest.counting_rules.majority_base} votes)"
        )
    return "its official result has no final round between two candidates"


def summarise_backtest(points: Sequence[BacktestPoint]) -> Calibration:
    """Coverage of the margin bands and a calibration table of the win probabilities, over every point."""
    forecasts = [(p.p_b_wins, p.b_won) for p in points if p.b_won is not None]  # a tie scores no forecast
    intervals = [(p.band, p.actual_margin) for p in points if p.actual_margin is not None]
    return calibration(forecasts, intervals)


def eve_records(
    contest: Contest,
    polls: Sequence[Poll],
    result: OfficialResult,
    priors: PriorSource | None = None,
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """A stored race's eve-of-poll errors, as records of the forecast error table: (margin records, share records).

    The average is taken with the polls known the day before polling day; the margin is the baseline's runoff
    margin at the default transfers (as the app projects it), the shares its first round. Nothing when the race
    has no polls by then or no final round between the average's pair.
    """
    if contest.system not in BACKTESTED:  # another system's race never teaches the runoff table its errors
        return [], []
    day = date.fromordinal(contest.election_date.toordinal() - 1)
    case = default_case_on(polls, contest, day, priors)
    if case is None:
        return [], []
    base, scenario = case
    source = f"{contest.name}: stored polls and official result (warroom store)"
    margins: list[dict[str, object]] = []
    actual = result.final_margin(base.a, base.b)
    if actual is not None:
        margin = project(base, scenario).margin
        margins.append({"race": contest.name, "days": 1, "average": margin, "result": actual, "source": source})
    official = result.shares()
    shares = [
        {"race": contest.name, "days": 1, "candidate": code, "average": avg, "result": official[code], "source": source}
        for code, avg in base.normalised.items()
        if code in official and code != "other" and avg > 0
    ]
    return margins, shares


RaceKey = tuple[date, date | None, tuple[int, ...], tuple[int, ...]]


def race_key(contest: Contest, result: OfficialResult) -> RaceKey:
    """What tells one stored race from another for the forecast error table: its polling day(s) and its official
    figures (the first and final rounds' votes, whoever's name or code they are under). A race stored twice under
    two names (a copy of the demo race, a campaign bundle imported again as a new contest, its candidates
    recoded) has the same key and is one race: counted twice, its eve-of-poll error would weigh double and
    narrow or widen every band (a copy of London moved London's chance from 81 % to 83 %). Two different races
    held on one day with the very same vote counts in both rounds are not told apart; none is known."""
    return (
        contest.election_date,
        contest.second_round_date,
        tuple(sorted(result.first_round.values())),
        tuple(sorted(result.final_round.values())),
    )


def errors_with_races(
    table: Mapping[str, Any],
    races: Sequence[tuple[list[dict[str, object]], list[dict[str, object]]]],
    election_type: str = "london_mayor",
) -> ForecastErrors:
    """The shipped error table refitted with the eve-of-poll errors of more races (eve_records of the contests
    in the store that have results): the forecast bands learn from every race a campaign stores."""
    data = copy.deepcopy(dict(table))
    block = data["types"][election_type]
    known = {str(r["race"]) for part in ("margin", "share") for r in block[part]["final_errors"]}
    for margins, shares in races:
        block["margin"]["final_errors"] += [r for r in margins if str(r["race"]) not in known]
        block["share"]["final_errors"] += [r for r in shares if str(r["race"]) not in known]
    return ForecastErrors.fit(data, election_type)
