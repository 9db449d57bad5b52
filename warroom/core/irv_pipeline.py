"""The instant-runoff pipeline: polls -> average -> IrvScenario -> the chain, the odds and the break-evens. Pure.

The instant-runoff counterpart of `core.pipeline`: every front end (the IRV panel through its controller,
meeting mode, which shows the same panel, and `warroom scenario` on an IRV contest) gets its figures from
these functions, so a number is computed in one place.

* `irv_baseline`: the scenario a contest starts from: the poll average's first round (the standing candidates
  the polls name; their "other" is left out and the rest renormalised to 100, since nothing is known about
  where those voters go), each candidate's next-preference row from the contest's transfer prior (a past
  count, `prior_rows_from_result`, or last election's ballots, `prior_rows_from_ballots`) or else by
  first-round share (`proportional_row`), and then the latest next-preference figures the polls publish
  (`with_published_rows`). A contest's stored ballots prior (`warroom count --save-prior`, or the Burlington
  demo's 2009 ballots) gives the rows no poll publishes ahead of a past count's coarser ones, and, when the
  contest has no polls at all, the first round too ("2009 ballots; no polls").
* `evaluate_irv`: the chain at the scenario's values (`run_irv`) and the simulated win probability of every
  candidate (`IrvSimulator`, the polling error at the baseline's distance to polling day from the same error
  table the runoff forecast uses).
* `break_evens`: for one candidate's row (the one the sliders edit), the smallest moves within that row that
  change the winner (`row_break_even`, exact), phrased for a staffer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from warroom.core.averaging import AverageSeries, PollAverages
from warroom.core.ballot_prior import ballot_codes
from warroom.core.ballots import Ballot, BallotTable, table_from_ballots
from warroom.core.baseline import display_names
from warroom.core.forecast import field_verdict, gap_words
from warroom.core.irv_scenario import (
    DEFAULT_SHARE_SD,
    IrvOdds,
    IrvRun,
    IrvScenario,
    IrvSimulator,
    elimination_lines,
    pair_leads,
    prior_from_ballots,
    proportional_row,
    row_break_even,
    run_irv,
    with_published_rows,
    without_exhaustion,
)
from warroom.core.pipeline import (
    BaselineChoice,
    OddsModel,
    PipelineError,
    after_polling_day,
    compute_averages,
    polling_day_cut,
)
from warroom.core.types import EXHAUSTED, Contest, OfficialResult, Poll, TransferObservation, bidi_isolated

if TYPE_CHECKING:
    from warroom.core.csvformat import LineError

__all__ = [
    "NO_ROW_COUNTED",
    "BreakEven",
    "IrvCase",
    "IrvPairLead",
    "IrvView",
    "break_evens",
    "default_row",
    "evaluate_irv",
    "has_rows",
    "irv_baseline",
    "irv_pair_lead",
    "match_candidates",
    "prior_rows_from_ballots",
    "prior_rows_from_result",
]

MINOR_SHARE = 3.0
"""First-round share (%) under which a candidate counts as minor: their sliders sit under an expander."""

BREAK_EVEN_LIMIT = 4
"""Break-evens shown for one row: the closest few; each costs up to ~200 runs of the chain."""


def _ordinal(n: int) -> str:
    words = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth"}
    return words.get(n, f"{n}th")


# --- the baseline ----------------------------------------------------------------------------------------------


def prior_rows_from_result(result: OfficialResult, codes: Sequence[str]) -> dict[str, dict[str, float]]:
    """Next-preference rows from a past count's transfers, for the candidates of a new race.

    A past instant-runoff count stores, for each excluded candidate, where their votes went (summed over the
    rounds). Row X is those transfers as percentages of all X's transferred votes: what X's votes did last
    time. Only candidates (by code) who stand again are used; transfers to someone not standing now are left
    out and the rest rescaled. Candidates the past count never excluded get no row here.

    Args:
        result: the past contest's official result.
        codes: the new race's candidate codes.

    Returns:
        candidate code -> {other code or EXHAUSTED: percent}, rows summing to 100.
    """
    wanted = set(codes)
    moved: dict[str, dict[str, float]] = {}
    for frm, to, votes in result.transfers:
        if frm not in wanted or frm == to or votes <= 0:
            continue
        if to != EXHAUSTED and to not in wanted:
            continue
        row = moved.setdefault(frm, {})
        row[to] = row.get(to, 0.0) + float(votes)
    out: dict[str, dict[str, float]] = {}
    for frm, row in moved.items():
        total = sum(row.values())
        if total > 0:
            out[frm] = {to: 100.0 * v / total for to, v in row.items()}
    return out


def match_candidates(names: Sequence[str], contest: Contest) -> dict[str, str]:
    """Names as a ballot file writes them -> the contest's candidate codes: `core.ballot_prior.ballot_codes`
    (a code, full name, short name or surname, ignoring case), the one matcher every ballot reader uses.

    Raises:
        ValueError: names that match no candidate, or more than one, listed.
    """
    return ballot_codes(list(names), contest)


def prior_rows_from_ballots(
    ballots: BallotTable | Sequence[Ballot], contest: Contest, *, max_rankings: int | None = None
) -> dict[str, dict[str, float]]:
    """Next-preference rows from last election's ballots (`prior_from_ballots`: each candidate's first-preference
    voters by their next preference), renamed to the contest's candidate codes.

    Only candidates who had first-preference voters give a row. Rows name candidates who may not stand now;
    `irv_baseline` leaves those out and rescales the rest. On a full preferential contest
    (`Rules.full_preferential`) the papers are read as its count reads them: informal papers are left out and
    no row has an exhausted share. The panel's ballots button and `warroom scenario --prior-ballots` both
    read ballots through here.

    Raises:
        ValueError: a name on the ballots matches no single candidate, or the ballots have nothing to read.
    """
    table = ballots if isinstance(ballots, BallotTable) else table_from_ballots(ballots)
    full = contest.counting_rules.full_preferential
    prior = prior_from_ballots(table, max_rankings=max_rankings, full_preferential=full)
    mapping = match_candidates(list(prior.codes), contest)
    out: dict[str, dict[str, float]] = {}
    for code in prior.codes:
        if prior.share(code) <= 0:
            continue
        out[mapping[code]] = {
            (EXHAUSTED if to == EXHAUSTED else mapping[to]): share for to, share in prior.row(code).items()
        }
    return out


@dataclass(frozen=True, eq=False)
class IrvCase:
    """What an instant-runoff scenario starts from.

    Attributes:
        scenario: first round and next-preference matrix (with the contest's preference limit).
        label: where the first round comes from, in words.
        as_of: the day of the figures (for the distance to polling day), when known.
        names: candidate code -> display name.
        sources: candidate code -> where their row comes from ("polls", the prior's label such as "past count",
            or "first-round shares").
    """

    scenario: IrvScenario
    label: str
    as_of: date | None
    names: Mapping[str, str]
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Ties in the chain are broken by the names shown, as the count breaks them (core.types.placing): every
        # case, the window's, `warroom scenario`'s and a saved one read back, gives its scenario its names.
        if self.scenario.tie_names is None:
            ties = tuple(self.names.get(c, c) for c in self.scenario.codes)
            object.__setattr__(self, "scenario", replace(self.scenario, tie_names=ties))


def _observed(polls: Sequence[Poll], as_of: date | None) -> list[TransferObservation]:
    known = [p for p in polls if p.transfers and (as_of is None or p.fieldwork_end <= as_of)]
    return [t for p in sorted(known, key=lambda p: (p.fieldwork_end, p.id or 0)) for t in p.transfers]


def irv_baseline(
    contest: Contest,
    polls: Sequence[Poll],
    averages: PollAverages | None,
    *,
    prior_rows: Mapping[str, Mapping[str, float]] | None = None,
    prior_label: str = "past count",
    ballots: IrvScenario | None = None,
    ballots_label: str = "last election's ballots",
    prior_first: bool = False,
) -> IrvCase:
    """The scenario an instant-runoff contest starts from (see the module docstring).

    Args:
        contest: the race (its standing candidates and counting rules).
        polls: its polls (their published next preferences set rows).
        averages: the poll average (its last day's first round).
        prior_rows: rows from a past count (`prior_rows_from_result`) or last election's ballots
            (`prior_rows_from_ballots`), for rows no poll publishes.
        prior_label: what the prior rows are, as `IrvCase.sources` names them.
        ballots: the contest's stored ballots prior (first preferences and next-preference rows by the
            contest's codes, `core.ballot_prior.contest_prior`): its rows come before `prior_rows`, and with no
            poll average its first round (and its batch-elimination rule) is the scenario's.
        ballots_label: what those ballots are ("2009 ballots"), as `IrvCase.sources` and the label name them.
        prior_first: `prior_rows` come before the stored ballots' rows (a ballot file the user just chose).

    Raises:
        PipelineError: no average and no ballots, or fewer than two standing candidates with a share.
    """
    standing = [c.code for c in contest.standing]
    # A past race's polls after polling day are left out, as core.pipeline's "average" baseline leaves them
    cut = polling_day_cut(BaselineChoice(), polls, contest) if averages is not None else None
    if cut is not None:
        averages = compute_averages(polls, contest, as_of=cut[0])
    from_ballots = (averages is None or not averages.first_round) and ballots is not None
    if from_ballots:
        assert ballots is not None
        first = {c: ballots.share(c) for c in standing if c in ballots.codes and ballots.share(c) > 0}
        if len(first) < 2:
            raise PipelineError(f"{contest.name}: the {ballots_label} give fewer than two standing candidates a share")
    else:
        if averages is None or not averages.first_round:
            raise PipelineError(f"no polls with first-round figures in {contest.name}")
        latest = averages.latest_first_round()
        first = {c: max(latest[c], 0.0) for c in standing if c in latest and latest[c] > 0}
        if len(first) < 2:
            raise PipelineError(f"{contest.name}: the polls give fewer than two standing candidates a share")
    codes = list(first)
    shares = np.array([first[c] for c in codes])
    rows: dict[str, dict[str, float]] = {}
    sources: dict[str, str] = {}
    ballot_rows = {c: ballots.row(c) for c in ballots.codes if ballots.share(c) > 0} if ballots is not None else {}
    # the ballots' rows first: a past count's rows are what excluded candidates' votes did, summed over rounds
    candidates_rows = [(ballots_label, ballot_rows), (prior_label, prior_rows or {})]
    if prior_first:
        candidates_rows.reverse()
    for label, code, row in ((lb, c, r) for lb, given in candidates_rows for c, r in given.items()):
        if code not in first or code in rows:
            continue
        kept = {to: v for to, v in row.items() if (to == EXHAUSTED or (to in first and to != code)) and v > 0}
        total = sum(kept.values())
        if total > 0:
            rows[code] = {to: 100.0 * v / total for to, v in kept.items()}
            sources[code] = label
    matrix = np.array(
        [
            [rows[c].get(to, 0.0) for to in codes] + [rows[c].get(EXHAUSTED, 0.0)]
            if c in rows
            else proportional_row(shares, i)
            for i, c in enumerate(codes)
        ]
    )
    for c in codes:
        sources.setdefault(c, "first-round shares")
    rules = contest.counting_rules
    batch = from_ballots and ballots is not None and ballots.batch_elimination
    scenario = IrvScenario(tuple(codes), shares, matrix, max_rankings=rules.preferences, batch_elimination=batch)
    if rules.full_preferential:  # every paper numbers everyone: what a row sent to "exhausted" goes on
        scenario = without_exhaustion(scenario)
    if from_ballots:  # no poll at all: nothing published, no day of figures
        label = f"{ballots_label[:1].upper()}{ballots_label[1:]}; no polls"
        return IrvCase(scenario, label, None, display_names(contest), sources)
    assert averages is not None  # (not from the ballots: the average was checked above)
    observed = _observed(polls, None if cut is None else cut[0])
    published = with_published_rows(replace(scenario, full_preferential=False), observed)
    if rules.full_preferential:
        published = without_exhaustion(published)
    for i, c in enumerate(codes):
        if not np.allclose(published.transfers[i], scenario.transfers[i], atol=1e-9):
            sources[c] = "polls"
    series = next(iter(averages.first_round.values()))
    day = date.fromordinal(int(series.days[-1])) if not series.empty else None
    label = f"Poll average on {day:%d %b %Y}" if day else "Poll average"
    if cut is not None:
        label += f" (polling day; {cut[1]} poll{'s' if cut[1] != 1 else ''} after it left out)"
    elif day is not None:
        label += after_polling_day(BaselineChoice(), polls, contest)
    return IrvCase(published, label, day, display_names(contest), sources)


# --- the runoff-lead chart of an instant-runoff contest --------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IrvPairLead:
    """What the runoff-lead chart shows for an instant-runoff contest: not the first round's top two, but the
    pair the elimination chain ends with at the baseline, and each poll's lead in that pair.

    Attributes:
        pair: (a, b), the baseline chain's final pair, winner first; every lead is a minus b.
        days: (P,) ordinal days of the polls (fieldwork midpoints) that name both.
        leads: (P,) each poll's two-candidate-preferred lead (`irv_scenario.pair_leads`) at the baseline's
            next-preference rows: points of the pair's votes.
        pollsters: (P,) their pollsters.
        average: the same count of the poll average's first round, day by day (no band: the chain of an
            average is not the average of chains, so no interval is claimed).
        title: the chart title, naming the pair.
        tooltip: how the figures are made, in words.
    """

    pair: tuple[str, str]
    days: np.ndarray
    leads: np.ndarray
    pollsters: tuple[str, ...]
    average: AverageSeries
    title: str
    tooltip: str


def irv_pair_lead(case: IrvCase, polls: Sequence[Poll], averages: PollAverages | None) -> IrvPairLead:
    """The runoff-lead chart of an instant-runoff contest (see IrvPairLead).

    A poll's first round is counted over the case's candidates: one it does not name is held at the baseline's
    share and the named ones are scaled to the rest; a poll that names neither of the pair is left out. The
    day-by-day line counts the average's first round the same way (a candidate with no average line at the
    baseline's share). The figures follow the polls and the baseline's rows, not slider edits: the panel
    shows the edited scenario, this chart what the polls say through the baseline's transfers.
    """
    scenario = case.scenario
    codes = scenario.codes
    base = scenario.first_round
    a, b = run_irv(scenario).final_pair
    named = [p for p in polls if a in p.first_round or b in p.first_round]
    raw = np.array([[p.first_round.get(c, math.nan) for c in codes] for p in named], dtype=float).reshape(
        -1, len(codes)
    )
    leads = pair_leads(scenario, _over(base, raw), a, b) if len(named) else np.empty(0)
    days = np.array([(p.fieldwork_start.toordinal() + p.fieldwork_end.toordinal()) / 2.0 for p in named])
    keep = np.isfinite(leads)
    series = averages.first_round if averages is not None else {}
    grid = next((s.days for c in (a, b, *codes) if (s := series.get(c)) is not None and not s.empty), np.empty(0))
    if len(grid):
        daily = np.column_stack(
            [
                np.interp(grid, s.days, s.mean)
                if (s := series.get(c)) is not None and not s.empty
                else np.full(len(grid), math.nan)
                for c in codes
            ]
        )
        mean = pair_leads(scenario, _over(base, daily), a, b)
    else:
        mean = np.empty(0)
    name_a, name_b = case.names.get(a, a), case.names.get(b, b)
    top = [c for c in sorted(codes, key=lambda c: -scenario.share(c))[:2]]
    top_two = " and ".join(case.names.get(c, c) for c in top)
    n = int(keep.sum())
    title = f"Instant-runoff final pair: {name_a} minus {name_b} (points; {n} poll{'s' if n != 1 else ''} counted)"
    tooltip = (
        f"{name_a} and {name_b} are the pair the elimination chain ends with at the baseline ({case.label}). "
        "Each poll's first round is counted through the baseline's next-preference rows with every other "
        "candidate excluded, lowest first (the two-candidate-preferred count); the line counts the poll "
        "average the same way. "
        + (
            "They are also the first round's top two."
            if set(top) == {a, b}
            else f"Not a top-two runoff: the first round's top two are {top_two}."
        )
        + " Slider edits move the panel, not this chart."
    )
    return IrvPairLead(
        (a, b),
        days[keep],
        leads[keep],
        tuple(p.pollster for p, k in zip(named, keep, strict=True) if k),
        AverageSeries(np.array(grid, dtype=float), mean, mean.copy(), mean.copy()),
        title,
        tooltip,
    )


def _over(base: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """(R, N) first rounds over the scenario's candidates: an unknown share (NaN or negative) at the baseline's,
    the known ones scaled to the rest of 100 (a row that knows nobody: the baseline)."""
    known = np.isfinite(shares) & (shares >= 0)
    values = np.where(known, shares, 0.0)
    rest = 100.0 - np.where(known, 0.0, base[None, :]).sum(axis=1)
    total = values.sum(axis=1)
    scale = np.divide(rest, total, out=np.zeros_like(total), where=total > 0)
    return np.where(known & (total > 0)[:, None], values * scale[:, None], base[None, :])


# --- evaluation --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IrvView:
    """Everything a front end shows for one instant-runoff case.

    Attributes:
        scenario: the case.
        run: the chain at its values (rounds, eliminations with margins and whether they decide the race).
        odds: simulated win probabilities (None without an odds model).
        names: candidate code -> display name.
        share_sd: sd (points) of a 50 % candidate's first-round error used by the simulation.
    """

    scenario: IrvScenario
    run: IrvRun
    odds: IrvOdds | None
    names: Mapping[str, str]
    share_sd: float = DEFAULT_SHARE_SD

    def name(self, code: str) -> str:
        """Display name of a candidate (or "exhausted"), isolated for joining into text (types.bidi_isolated)."""
        return "exhausted" if code == EXHAUSTED else bidi_isolated(self.names.get(code, code))

    @property
    def finishing_order(self) -> tuple[str, ...]:
        """Candidates from the winner down: the final pair, then the excluded, the last excluded first (and,
        when the count stops at a majority, the ones still standing by their last tally)."""
        last = self.run.rounds[-1].tallies
        winner, runner = self.run.final_pair
        standing = sorted((c for c in last if c not in (winner, runner)), key=lambda c: -last[c])
        out = [winner, runner, *standing]
        for e in reversed(self.run.eliminations):
            tallies = self.run.rounds[e.round - 1].tallies
            out += sorted(e.eliminated, key=lambda c: -tallies.get(c, 0.0))
        return tuple(out)

    @property
    def headline(self) -> str:
        """The case in one line, for the panel, meeting mode and `warroom scenario`: words that follow the
        simulated chance (core.forecast's verdict bands, never "wins"), then the projected final round, e.g.
        "Toss-up (Kiss 53 %): Kiss ahead of Wright by 3.4 points of their two votes in the final round"."""
        winner, runner = self.run.final_pair
        words = gap_words(self.run.final_margin)
        lead = (
            f"{self.name(winner)} level with {self.name(runner)} in the final round"
            if words == "level"
            else f"{self.name(winner)} ahead of {self.name(runner)} {words} of their two votes in the final round"
        )  # (not of every ballot, as the rounds table's figures are: there 48.9 against 45.7, 5.3 exhausted)
        if self.odds is None or not self.odds.p_win:
            return f"As projected: {lead}"
        # The favourite against the field; none when the two likeliest are level within the simulation's error.
        favourite, words = field_verdict(self.odds.p_win, self.name, draws=self.odds.n)
        if favourite not in (winner, runner) and "level within" not in words:
            # The likeliest winner is out in the projected count: he wins in the draws where he survives an
            # exclusion the projection takes him out in. Said, so the words and the rounds don't seem to clash.
            out_in = next((e.round for e in self.run.eliminations if favourite in e.eliminated), None)
            if out_in is not None:
                words += f", though excluded after round {out_in} as projected"
        return f"{words}: {lead}"

    def lines(self) -> list[str]:
        """The chain in words (one line per exclusion, then the result)."""
        return elimination_lines(self.run, self.names)


def share_sd_for(odds: OddsModel, as_of: date | None) -> float:
    """sd (points) of a 50 % candidate's first-round error at the case's distance to polling day."""
    days = 0 if as_of is None else max(0, (odds.election_date - as_of).days)
    return float(odds.errors.share_scale(days))


def evaluate_irv(
    case: IrvCase | IrvScenario,
    *,
    odds: OddsModel | None = None,
    simulator: IrvSimulator | None = None,
    names: Mapping[str, str] | None = None,
    share_sd: float | None = None,
) -> IrvView:
    """The chain and the win probabilities of a case.

    Args:
        case: the case (or a bare scenario; then no distance to polling day is known: eve-of-poll error).
        odds: the error table, polling day, draws and seed (None: no simulation).
        simulator: an `IrvSimulator` kept between calls (a slider being dragged reuses its noise); one is made
            when missing or of another size, seed or number of draws. Results are the same either way.
        names: display names (default: the case's).
        share_sd: `share_sd_for(odds, case.as_of)` when the caller keeps it (it costs a table lookup per call).

    Returns:
        The view.
    """
    scenario = case.scenario if isinstance(case, IrvCase) else case
    as_of = case.as_of if isinstance(case, IrvCase) else None
    shown = dict(names if names is not None else (case.names if isinstance(case, IrvCase) else {}))
    run = run_irv(scenario)
    result: IrvOdds | None = None
    sd = DEFAULT_SHARE_SD
    if odds is not None:
        sd = share_sd if share_sd is not None else share_sd_for(odds, as_of)
        sim = simulator
        if sim is None or (sim.n, sim.draws, sim.seed) != (scenario.n, odds.draws, odds.seed):
            sim = IrvSimulator(scenario.n, odds.draws, odds.seed)
        result = sim.run(scenario, share_sd=sd)
    return IrvView(scenario, run, result, shown, sd)


NO_ROW_COUNTED = (
    "Two candidates: nobody is excluded before the final count, so nobody's next preferences are ever counted."
)
"""What the row editor and `warroom scenario` say of a race of two candidates, which has no row to move."""


def has_rows(scenario: IrvScenario) -> bool:
    """True when someone can be excluded before the final count, so a next-preference row can count (three or
    more candidates): a race of two has no row to edit, nor break-evens to work out."""
    return len(scenario.codes) > 2


def default_row(scenario: IrvScenario, run: IrvRun | None = None) -> str:
    """The row the sliders open on: the largest candidate the chain excludes (their transfers move the most
    votes); the third-placed candidate in the first round when nobody is excluded; none ("") in a race of two
    candidates (`has_rows`), where it had offered the winner's, never counted."""
    if not has_rows(scenario):
        return ""
    run = run or run_irv(scenario)
    out = [c for e in run.eliminations for c in e.eliminated]
    pool = out or [c for c in scenario.codes if c not in run.final_pair] or list(scenario.codes)
    return max(pool, key=lambda c: (scenario.share(c), c))


# --- break-evens -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakEven:
    """A move within one candidate's row that changes the winner.

    Attributes:
        row: whose voters.
        to: the candidate (or EXHAUSTED) gaining when `points` is positive.
        source: the candidate (or EXHAUSTED) losing when `points` is positive.
        points: the signed move, in % of `row`'s votes (just past the break-even: the winner changes here).
        winner: who wins after the move.
        overtaker: who survives an exclusion they lost before (None if only the final round changes).
        overtaken: who is excluded in their place.
        round: the round of that exclusion.
        place: where the overtaken candidate now finishes (3: third).
        text: the whole sentence.
    """

    row: str
    to: str
    source: str
    points: float
    winner: str
    overtaker: str | None
    overtaken: str | None
    round: int | None
    place: int | None
    text: str


def _moved(scenario: IrvScenario, code: str, to: str, source: str, points: float) -> IrvScenario:
    i = scenario.index(code)
    row = np.array(scenario.transfers[i])
    a = scenario.n if to == EXHAUSTED else scenario.index(to)
    b = scenario.n if source == EXHAUSTED else scenario.index(source)
    row[a] += points
    row[b] -= points
    return scenario.with_row(code, np.clip(row, 0.0, None))


def _describe(
    scenario: IrvScenario, run: IrvRun, code: str, to: str, source: str, points: float, names: Mapping[str, str]
) -> BreakEven:
    def nm(c: str) -> str:
        return bidi_isolated(names.get(c, c))

    step = 1e-6 * (1 if points > 0 else -1)  # just past the break-even, where the winner has changed
    after = run_irv(_moved(scenario, code, to, source, points + step), replays=False)  # (its rounds only)
    size = abs(points)
    who = f"{nm(code)}'s voters"
    if points > 0 and source == EXHAUSTED:
        move = f"If {size:.1f} % more of {who} go to {nm(to)} rather than exhausting"
    elif points > 0:
        move = f"If {size:.1f} % of {who} move from {nm(source)} to {nm(to)}"
    elif source == EXHAUSTED:
        move = f"If {size:.1f} % of {who} exhaust rather than go to {nm(to)}"
    else:
        move = f"If {size:.1f} % of {who} move from {nm(to)} to {nm(source)}"
    overtaker = overtaken = None
    where = place = None
    for old, new in zip(run.eliminations, after.eliminations, strict=False):
        if old.eliminated != new.eliminated:
            gone = [c for c in new.eliminated if c not in old.eliminated]
            saved = [c for c in old.eliminated if c not in new.eliminated]
            if gone and saved:
                overtaker, overtaken, where = saved[0], gone[0], old.round
                place = len(run.rounds[old.round - 1].tallies) - len(new.eliminated) + 1
            break
    if overtaker is not None and overtaken is not None and place is not None:
        text = (
            f"{move}, {nm(overtaker)} overtakes {nm(overtaken)} in round {where} ({nm(overtaken)} finishes "
            f"{_ordinal(place)}) and {nm(after.winner)} wins."
        )
    else:
        text = f"{move}, {nm(after.winner)} overtakes {nm(run.winner)} in the final round and wins."
    return BreakEven(code, to, source, points, after.winner, overtaker, overtaken, where, place, text)


def break_evens(
    scenario: IrvScenario,
    code: str,
    names: Mapping[str, str] | None = None,
    *,
    run: IrvRun | None = None,
    limit: int = BREAK_EVEN_LIMIT,
) -> list[BreakEven]:
    """The smallest moves within `code`'s row that change the winner, closest first.

    The moves tried are the ones a staffer asks about: toward the candidate excluded at each decisive
    elimination (from exhaustion and from the survivor who edged them out), and toward the runner-up (from
    exhaustion and from the winner). Each is exact (`row_break_even`).

    Args:
        scenario: the race.
        code: whose row.
        names: display names.
        run: the chain at the scenario's values (computed when missing).
        limit: at most this many.

    Returns:
        Break-evens, smallest move first; empty when no such move changes the winner (for instance when
        `code` is never excluded at these figures, so their row is never used).
    """
    run = run or run_irv(scenario)
    names = dict(names or {})
    scenario.index(code)
    pairs: list[tuple[str, str]] = []
    for e in run.decisive:
        top = e.eliminated[-1]
        pairs += [(top, EXHAUSTED), (top, e.survivor)]
    winner, runner = run.final_pair
    pairs += [(runner, EXHAUSTED), (runner, winner)]
    found: dict[tuple[str, str, float], BreakEven] = {}
    seen: set[tuple[str, str]] = set()
    for to, source in pairs:
        if code in (to, source) or (to, source) in seen:
            continue
        seen.add((to, source))
        points = row_break_even(scenario, code, to, source, tol=1e-6)
        if points is None:
            continue
        key = (to, source, round(points, 4))
        found.setdefault(key, _describe(scenario, run, code, to, source, points, names))
    return sorted(found.values(), key=lambda b: abs(b.points))[:limit]


def read_prior_ballots(
    path: Path, progress: Callable[[int, int], None] | None = None
) -> tuple[BallotTable, list[LineError]]:
    """A past election's ballots as `warroom count` reads them, for the instant-runoff panel's "From last election's
    ballots…" and `warroom scenario --prior-ballots` alike: a ballot CSV (streamed, with `progress`), or a .blt file
    (the weighted-profile format of OpenSTV and others; the window took only CSV, so a .blt was read as a CSV and
    refused on its first line, and `--prior-ballots` did until it read through here). New York City's exports hold
    several contests and name candidates by ID: they are read by `warroom count`, which is told which contest and
    the candidacy file.

    Raises:
        ValueError: the file's problem, named (a BLT format error, an NYC export).
        OSError: the file cannot be read.
    """
    from warroom.core.blt import BltFormatError, read_blt
    from warroom.core.csvformat import parse_ballot_file
    from warroom.core.nyc_cvr import ballot_file_kind

    kind = ballot_file_kind(path)
    if kind == "blt":
        try:
            blt = read_blt(path)
        except BltFormatError as exc:
            raise ValueError(str(exc)) from None
        return blt.table, []
    if kind == "nyc":
        raise ValueError(
            "New York City's cast-vote records: read them with `warroom count FILE --system irv --cvr-contest "
            "CONTEST --candidacy CANDIDACY_FILE --contest NAME --save-prior` (they hold several contests and name "
            "candidates by ID): this race's panel then takes its rows from the stored ballots"
        )
    return parse_ballot_file(path, progress=progress)
