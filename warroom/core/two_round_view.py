"""The two-round scenario's view: first round, default runoff scenario, evaluated answer. Pure.

The panel, its service and the benchmark show what comes from here, so every scenario figure has one source
(core.two_round does the maths; the campaign's averages are core.two_round_pipeline's):

* `first_round_from`: the first round the runoff draws on: the official result when there is one, else the
  poll average with the contest's own expected turnout, blank/null rate and electorate (none assumed).
* `default_scenario`: the runoff splits from the published matrices of the pair (core.two_round), or, for a
  pair no pollster published a matrix for, a neutral start (`neutral_splits`).
* `evaluate`: projection, exact break-evens (every destination of one electorate, turnout, message) in one view;
  `question_text` puts the break-evens in words.
* `matchup_points`: the published head-to-heads of one pair as points on the runoff-lead chart.
* `NoticeRows`: the poll notices as poll-table rows, showing the chosen hypothesis and matchup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from warroom.core.averaging import AverageSeries
from warroom.core.forecast import chance_text, signed_points, verdict_sentence
from warroom.core.france import (
    ABSTAINERS,
    BLANK_NULL,
    PollNotice,
    RoundResult,
    TransferMatrix,
)
from warroom.core.two_round import (
    DESTINATIONS,
    BreakEven,
    CellRange,
    FirstRound,
    RunoffSplit,
    TransferDefaults,
    TwoRoundError,
    TwoRoundProjection,
    TwoRoundScenario,
    break_even_share,
    break_even_turnout,
    defaults_from_matrices,
    project,
    splits_for_first_round,
)
from warroom.core.two_round_pipeline import CandidateAverages, MatchupAverage, first_round_of, name_key
from warroom.core.types import ExpectedTurnout, Poll, bidi_isolated

TURNOUT_NOT_SET = (
    "no official first round, and this race's expected turnout, blank/null rate and registered electorate are not "
    "set: nothing is counted from the poll average without them. Set them in the race's form (File > Edit "
    'contest, "Expected first round"), or expected_turnout, expected_blank_null and registered in its contest file '
    "(warroom contest edit)"
)
"""What a two-round race without an official first round and without its own expected figures is told (issue 16:
such a race was given France 2022's turnout, blank/null rate and electorate, and told they were "2022's")."""


@dataclass(frozen=True, eq=False)
class MatchupLead:
    """The chosen pair on the runoff-lead chart: its published head-to-heads and their average.

    Attributes:
        average: core.two_round_pipeline.matchup_average of the pair (its `.lead` is the line).
        days: ordinal fieldwork midpoints of the head-to-heads.
        leads: A minus B, points of the pair's votes.
        pollsters: who published each.
    """

    average: MatchupAverage
    days: tuple[float, ...]
    leads: tuple[float, ...]
    pollsters: tuple[str, ...]


def matchup_points(notices: Iterable[PollNotice], a: str, b: str) -> tuple[list[float], list[float], list[str]]:
    """Every published `a` v `b` question as a point of the runoff-lead chart: (ordinal fieldwork midpoints,
    a minus b in points of the pair's votes, pollsters). The line through them is
    core.two_round_pipeline.matchup_average(...).lead, on the same scale."""
    days: list[float] = []
    leads: list[float] = []
    pollsters: list[str] = []
    for p in notices:
        m = p.matchup(a, b)
        if m is None or m.a_share + m.b_share <= 0:
            continue
        sa = m.a_share if name_key(m.a) == name_key(a) else m.b_share
        days.append((p.fieldwork_start.toordinal() + p.fieldwork_end.toordinal()) / 2.0)
        leads.append(2.0 * (100.0 * sa / (m.a_share + m.b_share)) - 100.0)
        pollsters.append(p.institute)
    return days, leads, pollsters


def no_projection_text(reason: str) -> str:
    """Why a two-round race shows no runoff (first_round_from's refusal, as the controller keeps it), in the one
    sentence the panel and the briefing give: "No runoff projection: no official first round, and ..."."""
    said = reason.rstrip(". ")
    return f"No runoff projection: {said[:1].lower()}{said[1:]}."


def first_round_from(
    official: Mapping[int, RoundResult] | None, average: Mapping[str, float], expected: ExpectedTurnout | None
) -> tuple[FirstRound, str]:
    """The first round the runoff draws on, and a sentence saying which.

    The official first round when there is one (core.two_round_pipeline.first_round_of); else the poll average,
    with the contest's own expected turnout, blank/null rate and registered electorate (Contest.expected).

    Raises:
        ValueError: no official first round, and either fewer than two candidates in the average or no expected
            figures set for the contest (TURNOUT_NOT_SET: none are assumed).
    """
    one = (official or {}).get(1)
    if one is not None:
        return first_round_of(one), f"Official first round of {one.day:%d %B %Y}"
    if len(average) < 2:
        raise ValueError("no first round: neither an official result nor a poll average of two or more candidates")
    if expected is None:
        raise ValueError(TURNOUT_NOT_SET)
    first = FirstRound.from_shares(
        average, registered=expected.registered, turnout=expected.turnout, blank_null=expected.blank_null
    )
    return first, f"First round from the poll average, with the race's own setting: {expected.text()}"


def neutral_splits(first: FirstRound, a: str, b: str) -> dict[str, RunoffSplit]:
    """A start for a pair without a published matrix that assumes nothing: the finalists keep their own voters,
    every other candidate's voters divide evenly between them, and first-round abstainers and blank or null
    voters do again what they did."""
    out: dict[str, RunoffSplit] = {}
    for code in first.votes:
        out[code] = RunoffSplit(100, 0) if code == a else RunoffSplit(0, 100) if code == b else RunoffSplit(50, 50)
    out[BLANK_NULL] = RunoffSplit(0, 0, 100, 0)
    out[ABSTAINERS] = RunoffSplit(0, 0, 0, 100)
    return out


@dataclass(frozen=True)
class ScenarioDefaults:
    """A pair's default scenario and where its splits came from.

    Attributes:
        scenario: the splits (levers at rest).
        sources: electorate -> "published", "as ...", "pooled" or "no matrix".
        ranges: electorate -> {"a", "b", "neither"} -> range across pollsters (published rows only).
        pollsters: electorate -> who publishes its row.
        error: the uncertainty of the projection (transfer sd across pollsters where known).
        matrices: how many matrices went in.
    """

    scenario: TwoRoundScenario
    sources: Mapping[str, str]
    ranges: Mapping[str, Mapping[str, CellRange]] = field(default_factory=dict)
    pollsters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    error: TwoRoundError = field(default_factory=TwoRoundError)
    matrices: int = 0


def default_scenario(
    first: FirstRound,
    matrices: Sequence[TransferMatrix],
    a: str,
    b: str,
    *,
    proxies: Mapping[str, str] | None = None,
) -> ScenarioDefaults:
    """The runoff a / b as the published matrices of that pair see it (core.two_round.defaults_from_matrices and
    splits_for_first_round, with `proxies` for electorates no matrix publishes); a neutral start
    (`neutral_splits`) when no pollster published one."""
    try:
        defaults: TransferDefaults | None = defaults_from_matrices(matrices, a, b)
    except ValueError:
        defaults = None
    if defaults is None:
        splits = neutral_splits(first, a, b)
        return ScenarioDefaults(TwoRoundScenario(a, b, splits), dict.fromkeys(splits, "no matrix"))
    filled = splits_for_first_round(
        defaults, first, proxies={k: v for k, v in (proxies or {}).items() if k in first.votes}
    )
    ranges: dict[str, Mapping[str, CellRange]] = {}
    pollsters: dict[str, tuple[str, ...]] = {}
    sd = defaults.sd()
    transfer_sd: dict[str, float] = {}
    for code in filled.splits:
        key = defaults.lookup(code) if code != BLANK_NULL else None
        if key is not None and filled.sources.get(code) == "published":
            ranges[code] = defaults.ranges[key]
            pollsters[code] = defaults.pollsters[key]
            if key in sd:
                transfer_sd[code] = sd[key]
    return ScenarioDefaults(
        TwoRoundScenario(a, b, dict(filled.splits)),
        dict(filled.sources),
        ranges,
        pollsters,
        TwoRoundError(transfer_sd=transfer_sd),
        defaults.matrices,
    )


@dataclass(frozen=True)
class TwoRoundView:
    """Everything the panel shows for one scenario.

    Attributes:
        first: the first round.
        scenario: the settings.
        projection: the runoff.
        electorate: whose voters the break-even question is about.
        break_evens: destination -> the exact share of `electorate` there for a tie (None: cannot move it).
        turnout_break_even: the turnout lever (-1..1) at which the runoff ties (None: it cannot).
        unlevered_turnout: the runoff turnout (% of registered) of the same splits with the turnout lever at 0
            (None: taken as the projection's, when the lever is at 0).
    """

    first: FirstRound
    scenario: TwoRoundScenario
    projection: TwoRoundProjection
    electorate: str
    break_evens: Mapping[str, BreakEven | None]
    turnout_break_even: float | None
    unlevered_turnout: float | None = None

    def favourite(self) -> tuple[str, float]:
        """(the finalist more likely to win, that chance), as the panel, the pickers and meeting mode say it."""
        p = self.projection
        return (p.a, p.win_probability_a) if p.win_probability_a >= 0.5 else (p.b, 1.0 - p.win_probability_a)

    def shares_text(self, name: Callable[[str], str] = str) -> str:
        """The projected runoff on valid votes: "Macron 54.6 % – Le Pen 45.4 %"."""
        p = self.projection
        a, b = bidi_isolated(name(p.a)), bidi_isolated(name(p.b))  # each share stays with its name
        return f"{a} {p.a_share:.1f} % – {b} {100 - p.a_share:.1f} %"

    def margin_text(self) -> str:
        """The margin, turnout and blank or null vote in one sentence."""
        p = self.projection
        return (
            f"Margin {signed_points(p.margin)} points of valid votes (blank and null excluded, as the law counts); turnout "
            f"{p.turnout:.1f} % of registered, blank or null {p.blank_null_share:.1f} % of votes cast"
        )

    def verdict_text(self, name: Callable[[str], str] = str) -> str:
        """The race in core.forecast's verdict words with the favourite's chance: "Likely Macron (93 % chance)"."""
        p = self.projection
        return verdict_sentence(1.0 - p.win_probability_a, bidi_isolated(name(p.a)), bidi_isolated(name(p.b)))

    def chance_line(self, name: Callable[[str], str] = str) -> str:
        """ "Chance Macron wins the runoff: 93 %" (the number in core.forecast.chance_text's rounding)."""
        who, chance = self.favourite()
        return f"Chance {bidi_isolated(name(who))} wins the runoff: {chance_text(chance)}"

    def turnout_text(self) -> str:
        """The runoff turnout in words, with what the turnout lever adds and the first round's turnout (the
        panel's lever and meeting mode show this one sentence)."""
        now = self.projection.turnout
        base = now if self.unlevered_turnout is None else self.unlevered_turnout
        said = f"Runoff turnout {now:.1f} % of registered (first round {self.first.turnout:.1f} %)"
        if abs(now - base) < 0.05:
            return f"{said}, as the splits give it"
        return f"{said}: {signed_points(now - base)} points from the turnout lever, {base:.1f} % without it"


def largest_other(first: FirstRound, a: str, b: str) -> str:
    """The largest first-round electorate that is neither finalist (the question's default electorate)."""
    others = {k: v for k, v in first.votes.items() if k not in (a, b)}
    return max(others, key=lambda k: others[k]) if others else ABSTAINERS


def evaluate(
    first: FirstRound, scenario: TwoRoundScenario, *, error: TwoRoundError | None = None, electorate: str | None = None
) -> TwoRoundView:
    """Project the scenario and solve its break-evens (core.two_round: project, break_even_share for every
    destination of `electorate`, break_even_turnout; the message's break-even is in the projection)."""
    who = electorate if electorate is not None else largest_other(first, scenario.a, scenario.b)
    projection = project(first, scenario, error=error)
    evens = {d: break_even_share(first, scenario, who, d) for d in DESTINATIONS}
    unlevered = project(first, replace(scenario, turnout=0.0)).turnout if scenario.turnout else None
    return TwoRoundView(first, scenario, projection, who, evens, break_even_turnout(first, scenario), unlevered)


def question_text(view: TwoRoundView, name: Mapping[str, str] | None = None) -> list[str]:
    """The break-even answers in words: what share of the electorate's voters must vote for A, vote for B, vote
    blank or abstain for the trailing finalist to win (each reachable one), then the destinations through which
    this electorate alone cannot turn the runoff, in one line."""
    name = name or {}
    p = view.projection

    def n(code: str) -> str:
        if code == ABSTAINERS:
            return "first-round abstainers"
        if code == BLANK_NULL:
            return "first-round blank and null voters"
        return bidi_isolated(name.get(code, code))

    trailing = p.b if p.margin > 0 else p.a
    words = {"a": f"vote {n(p.a)}", "b": f"vote {n(p.b)}", "blank_null": "vote blank or null", "abstain": "abstain"}
    whose = f"{n(view.electorate)}'s voters" if view.electorate not in (ABSTAINERS, BLANK_NULL) else n(view.electorate)
    out, cannot = [], []
    split = view.scenario.splits.get(view.electorate)
    for d, be in view.break_evens.items():
        side = "over" if be is not None and be.above_wins == trailing else "under"
        # under 0 % or over 100 % of an electorate is out of reach, the edges too ("under -0.0 %" was printed)
        edge = be is not None and (round(be.share, 1) <= 0.0 if side == "under" else round(be.share, 1) >= 100.0)
        if be is None or not be.reachable or edge:
            cannot.append(words[d])
            continue
        now = f"now {be.current:.1f} %"
        as_set = split.parts[DESTINATIONS.index(d)] if split is not None else be.current
        if f"{as_set:.1f}" != f"{be.current:.1f}":  # a lever moves it: the split's own figure is shown too
            now += f" with the levers as set, {as_set:.1f} % in the split"
        out.append(f"{n(trailing)} wins if {side} {be.share + 0.0:.1f} % of {whose} {words[d]} ({now})")
    if cannot:
        out.append(f"However many of them {' or '.join(cannot)}, that alone does not turn it.")
    return out


Points = tuple[tuple[float, ...], tuple[float, ...], tuple[str, ...]]
"""(ordinal fieldwork midpoints, values, pollsters) of a chart's poll points."""


@dataclass(frozen=True, eq=False)
class CampaignChart:
    """A two-round campaign's first round on the charts, keyed by the contest's candidate codes.

    Attributes:
        first: code -> the candidate's average (core.two_round_pipeline.candidate_averages).
        points: code -> every question's share for him.
        a: finalist A's code (the first-round lead is A minus B).
        b: finalist B's code.
        lead: A minus B of the two averages, its band from the two bands taken as independent.
        lead_points: each poll's A minus B (its questions naming both, averaged).
        latest: the last fieldwork day (ordinal).
        blackouts: the legal publication blackouts, (first, last) ordinal days (core.two_round_pipeline).
    """

    first: Mapping[str, AverageSeries]
    points: Mapping[str, Points]
    a: str
    b: str
    lead: AverageSeries
    lead_points: Points
    latest: float
    blackouts: tuple[tuple[float, float], ...] = ()


def campaign_chart(
    notices: Sequence[PollNotice],
    averages: CandidateAverages,
    codes: Mapping[str, str],
    a: str,
    b: str,
    *,
    same_first: CampaignChart | None = None,
    blackouts: Sequence[tuple[date, date]] = (),
) -> CampaignChart:
    """The first-round charts of a campaign: averages, points and the A-minus-B lead, under contest codes.

    Args:
        notices: the campaign's notices.
        averages: candidate_averages of them (pooled or through a hypothesis).
        codes: name_key(candidate name) -> contest code (names the contest does not know are left out).
        a: finalist A's name.
        b: finalist B's name.
        same_first: a chart of the same notices: its points are reused, the very objects, and its averages too
            when they are these; so a chart can tell what changed (the lead only, for another pair).
        blackouts: core.two_round_pipeline.publication_blackouts of the contest.
    """
    first: Mapping[str, AverageSeries] = {
        codes[name_key(n)]: s for n, s in averages.series.items() if name_key(n) in codes
    }
    if same_first is not None and all(same_first.first.get(c) is s for c, s in first.items()):
        first = same_first.first
    # a chart of the same notices: its points stand, only the pair's lead is worked out again
    points = same_first.points if same_first is not None else question_points(notices, codes, first)
    latest = max((float(p.fieldwork_end.toordinal()) for p in notices), default=0.0)
    return CampaignChart(
        first,
        points,
        codes.get(name_key(a), a),
        codes.get(name_key(b), b),
        first_round_lead(averages, a, b),
        lead_points(notices, a, b),
        latest,
        tuple((float(x.toordinal()), float(y.toordinal())) for x, y in blackouts),
    )


def question_points(
    notices: Sequence[PollNotice], codes: Mapping[str, str], shown: Iterable[str] | None = None
) -> dict[str, Points]:
    """Every first-round question's share of each candidate, under contest codes (the first-round chart's points).

    Args:
        notices: the campaign's notices.
        codes: name_key(candidate name) -> contest code (names the contest does not know are left out).
        shown: the codes to give points (None: every code in `codes`).
    """
    wanted = set(codes.values()) if shown is None else set(shown)
    pts: dict[str, tuple[list[float], list[float], list[str]]] = {c: ([], [], []) for c in wanted}
    for p in notices:
        if not p.hypotheses:
            continue
        day = (p.fieldwork_start.toordinal() + p.fieldwork_end.toordinal()) / 2.0
        for h in p.hypotheses:
            for key, value in {name_key(n): v for n, v in h.shares.items()}.items():
                code = codes.get(key)
                if code in pts:
                    pts[code][0].append(day)
                    pts[code][1].append(value)
                    pts[code][2].append(p.institute)
    return {c: (tuple(d), tuple(v), tuple(w)) for c, (d, v, w) in pts.items()}


def lead_points(notices: Sequence[PollNotice], a: str, b: str) -> Points:
    """Each poll's first-round A minus B (its questions naming both, averaged): the first-round lead's points."""
    return _lead_points(_keyed(notices), a, b)


_Keyed = list[tuple[float, str, list[dict[str, float]]]]
_last_keyed: tuple[Sequence[PollNotice], _Keyed] | None = None
"""The notices _keyed was last given (the very sequence) and what it made of them."""


def _keyed(notices: Sequence[PollNotice]) -> _Keyed:
    """Each notice with first-round questions: (fieldwork midpoint, institute, each question's shares by name key).

    Made once per sequence of notices (a campaign's, the same object for each of its pairs and lists): France
    2022's 409 notices were keyed again for each of the 90 charts a switch to the race and its idle preparation
    make, 50,000 dicts of name keys (0.35 s of the window's thread, issue 15). Only a tuple is kept (a campaign's
    notices are a tuple of frozen notices: the same object, the same keys); a list may change in place."""
    global _last_keyed
    last = _last_keyed
    if last is not None and last[0] is notices:
        return last[1]
    keyed = _key_notices(notices)
    if isinstance(notices, tuple):
        _last_keyed = (notices, keyed)
    return keyed


def _key_notices(notices: Sequence[PollNotice]) -> _Keyed:
    return [
        (
            (p.fieldwork_start.toordinal() + p.fieldwork_end.toordinal()) / 2.0,
            p.institute,
            [{name_key(n): v for n, v in h.shares.items()} for h in p.hypotheses],
        )
        for p in notices
        if p.hypotheses
    ]


def _lead_points(keyed: _Keyed, a: str, b: str) -> Points:
    ka, kb = name_key(a), name_key(b)
    days: list[float] = []
    leads: list[float] = []
    who: list[str] = []
    for day, institute, questions in keyed:
        gaps = [q[ka] - q[kb] for q in questions if ka in q and kb in q]
        if gaps:
            days.append(day)
            leads.append(sum(gaps) / len(gaps))
            who.append(institute)
    return tuple(days), tuple(leads), tuple(who)


def first_round_lead(averages: CandidateAverages, a: str, b: str) -> AverageSeries:
    """A minus B of the two first-round averages, its band from the two bands taken as independent (empty when
    either has none)."""
    sa, sb = averages.series.get(_named(averages, a)), averages.series.get(_named(averages, b))
    if sa is None or sb is None or sa.empty or sb.empty or len(sa.days) != len(sb.days):
        return AverageSeries.nothing()
    half = np.hypot(sa.upper - sa.mean, sb.upper - sb.mean)
    gap = sa.mean - sb.mean
    return AverageSeries(sa.days, gap, gap - half, gap + half, {}, sa.level)


@dataclass(frozen=True, eq=False)
class ValueExtent:
    """Where one chart's values lie over every choice a contest offers (every matchup, every candidate list): the
    union of their bands day by day, and every point. The chart's value axis is fitted to it, so switching matchup
    or list leaves the axis where it is and every choice is read on one scale.

    Attributes:
        days: ordinal days, ascending, each once.
        low: the lowest band edge (or line) of any choice on each day.
        high: the highest.
        point_days: ordinal days of every choice's points, ascending.
        point_values: their values.
    """

    days: np.ndarray
    low: np.ndarray
    high: np.ndarray
    point_days: np.ndarray
    point_values: np.ndarray

    def within(self, first: float, last: float) -> tuple[float, float] | None:
        """(lowest, highest) value shown between ordinal days `first` and `last`: the points in it, and the bands
        from the day before it to the day after (a line crosses the chart's edge); None when nothing is."""
        lows, highs = [], []
        if len(self.days):
            i0 = int(np.searchsorted(self.days, first - 1.0, side="left"))
            i1 = int(np.searchsorted(self.days, last + 1.0, side="right"))
            if i1 > i0:
                lows.append(float(self.low[i0:i1].min()))
                highs.append(float(self.high[i0:i1].max()))
        if len(self.point_days):
            j0 = np.searchsorted(self.point_days, first, side="left")
            j1 = np.searchsorted(self.point_days, last, side="right")
            if j1 > j0:
                lows.append(float(self.point_values[j0:j1].min()))
                highs.append(float(self.point_values[j0:j1].max()))
        return (min(lows), max(highs)) if lows else None

    @property
    def span(self) -> tuple[float, float] | None:
        """The first and last ordinal day of any band or point (None: none)."""
        ends = [(float(a[0]), float(a[-1])) for a in (self.days, self.point_days) if len(a)]
        return (min(e[0] for e in ends), max(e[1] for e in ends)) if ends else None


def value_extent(series: Iterable[AverageSeries], points: Iterable[Points]) -> ValueExtent:
    """The union of these averages' bands (and lines) day by day, and of these points (see ValueExtent)."""
    shown = [s for s in series if not s.empty]
    if shown:
        start = min(float(s.days[0]) for s in shown)
        grid = np.arange(start, max(float(s.days[-1]) for s in shown) + 1.0)
        lo = np.full(len(grid), np.inf)
        hi = np.full(len(grid), -np.inf)
        for s in shown:  # (an average is on a daily grid, one value per consecutive day)
            i = round(float(s.days[0]) - start)
            window = slice(i, i + len(s.days))
            np.fmin(lo[window], np.fmin(s.lower, s.mean), out=lo[window])
            np.fmax(hi[window], np.fmax(s.upper, s.mean), out=hi[window])
        keep = np.isfinite(lo) & np.isfinite(hi)
        grid, lo, hi = grid[keep], lo[keep], hi[keep]
    else:
        grid = lo = hi = np.empty(0)
    pd_: list[float] = []
    pv: list[float] = []
    for d, v, _w in points:
        pd_.extend(d)
        pv.extend(v)
    px, py = np.asarray(pd_, dtype=float), np.asarray(pv, dtype=float)
    keep = np.isfinite(px) & np.isfinite(py)
    px, py = px[keep], py[keep]
    order = np.argsort(px, kind="stable")
    return ValueExtent(grid, lo, hi, px[order], py[order])


def campaign_extents(
    notices: Sequence[PollNotice],
    codes: Mapping[str, str],
    lists: Iterable[CandidateAverages],
    runoffs: Iterable[MatchupLead],
) -> dict[str, ValueExtent]:
    """Each two-round chart's values over every choice (ValueExtent), by chart: "first" (every candidate list's
    averages and every question's share), "lead1" (the first-round lead of every runoff pair asked, through every
    list) and "lead2" (every pair's published head-to-heads and their average).

    Args:
        notices: the campaign's notices.
        codes: name_key(candidate name) -> contest code.
        lists: the first-round averages of every list the user may pick (pooled included).
        runoffs: the MatchupLead of every pair asked (A first, as the runoff-lead chart shows it).
    """
    lists = list(lists)
    runoffs = list(runoffs)
    first = [s for averages in lists for n, s in averages.series.items() if name_key(n) in codes]
    pairs = [(r.average.a, r.average.b) for r in runoffs]
    keyed = _keyed(notices)
    return {
        "first": value_extent(first, question_points(notices, codes).values()),
        "lead1": value_extent(
            (first_round_lead(averages, a, b) for a, b in pairs for averages in lists),
            (_lead_points(keyed, a, b) for a, b in pairs),
        ),
        "lead2": value_extent((r.average.lead for r in runoffs), ((r.days, r.leads, r.pollsters) for r in runoffs)),
    }


def _named(averages: CandidateAverages, name: str) -> str:
    key = name_key(name)
    return next((n for n in averages.series if name_key(n) == key), name)


# --- the poll table ------------------------------------------------------------------------------------------

NOTICE_NOTE = "A poll notice of a two-round contest: change it by importing the compilation again."
"""The last line of every notice row's tooltip (such a row is not a stored poll: it cannot be edited here)."""


def _shares_text(shares: Mapping[str, float]) -> str:
    return ", ".join(f"{name} {value:g}" for name, value in shares.items())


@dataclass(frozen=True, eq=False)
class NoticeTable:
    """What the poll table shows of a two-round campaign.

    Attributes:
        rows: one row per poll notice (NoticeRows.rows).
        pair: the runoff pair's contest codes, A first (the runoff column shows A minus B); None: none.
        questions: how many questions (first-round lists and runoff matchups) the notices asked in all.
    """

    rows: tuple[Poll, ...]
    pair: tuple[str, str] | None
    questions: int


class NoticeRows:
    """A campaign's poll notices as rows of the poll table (core.Poll with no store id), one per notice.

    The first-round cells show the chosen hypothesis' shares (a notice that did not ask it: none); pooled
    (hypothesis None), the notice's first list. The runoff cells show the chosen pair's head-to-head when the
    notice asked it. Every question the notice asked is listed in the row's notes (its tooltip), by kind.
    What does not depend on the choice (the coded shares, the notes) is worked out once, at construction, and
    each choice's rows are kept: switching matchup or hypothesis on a 409-notice campaign costs a fraction of a
    millisecond, not the 8 ms of building every row's text again.

    Args:
        notices: the campaign's notices.
        codes: name_key(candidate name) -> contest code (names the contest does not know only in the notes).
    """

    def __init__(self, notices: Sequence[PollNotice], codes: Mapping[str, str]) -> None:
        self.notices = tuple(notices)
        self.questions = sum(len(p.hypotheses) + len(p.matchups) for p in self.notices)
        self._lists: list[list[tuple[str, dict[str, float]]]] = []
        self._pairs: list[dict[frozenset[str], dict[str, float]]] = []
        self._notes: list[str] = []
        self._methods: list[str] = []
        self._codes = dict(codes)
        self._rows: dict[tuple[str | None, frozenset[str] | None], tuple[Poll, ...]] = {}
        for p in self.notices:
            lists = []
            for h in p.hypotheses:
                coded = {codes[k]: v for n, v in h.shares.items() if (k := name_key(n)) in codes}
                lists.append((h.label, coded))
            pairs: dict[frozenset[str], dict[str, float]] = {}
            for m in p.matchups:
                ka, kb = name_key(m.a), name_key(m.b)
                if ka in codes and kb in codes:
                    pairs.setdefault(frozenset((ka, kb)), {codes[ka]: m.a_share, codes[kb]: m.b_share})
            lines = [f"First round, {h.label or 'the only list'}: {_shares_text(h.shares)}" for h in p.hypotheses]
            lines += [
                f"Runoff{f' ({m.label})' if m.label else ''}: {m.a} {m.a_share:g}, {m.b} {m.b_share:g}"
                for m in p.matchups
            ]
            self._lists.append(lists)
            self._pairs.append(pairs)
            self._notes.append("\n".join([*lines, NOTICE_NOTE]))
            self._methods.append(
                f"{len(p.hypotheses)} first-round list(s), {len(p.matchups)} runoff matchup(s)"
                + (f"; population: {p.population}" if p.population else "")
            )

    def rows(self, hypothesis: str | None = None, pair: tuple[str, str] | None = None) -> tuple[Poll, ...]:
        """The rows showing one hypothesis (None: each notice's first list) and one runoff pair (as names)."""
        key = frozenset((name_key(pair[0]), name_key(pair[1]))) if pair is not None else None
        cached = self._rows.get((hypothesis, key))
        if cached is not None:
            return cached
        rows = []
        for p, lists, pairs, notes, method in zip(
            self.notices, self._lists, self._pairs, self._notes, self._methods, strict=True
        ):
            if hypothesis is None:
                first = lists[0][1] if lists else {}
            else:
                first = next((coded for label, coded in lists if label == hypothesis), {})
            rows.append(
                Poll(
                    pollster=p.institute,
                    fieldwork_start=p.fieldwork_start,
                    fieldwork_end=p.fieldwork_end,
                    sample_size=p.sample_size,
                    first_round=first,
                    second_round=pairs.get(key, {}) if key is not None else {},
                    client=p.client,
                    method=method,
                    source_url=p.source,
                    notes=notes,
                )
            )
        out = self._rows[(hypothesis, key)] = tuple(rows)
        return out

    def table(self, hypothesis: str | None = None, pair: tuple[str, str] | None = None) -> NoticeTable:
        """The rows of one choice, with the pair's codes (when the contest knows both) and the question count."""
        codes = None
        if pair is not None:
            ca, cb = self._codes.get(name_key(pair[0])), self._codes.get(name_key(pair[1]))
            codes = (ca, cb) if ca is not None and cb is not None else None
        return NoticeTable(self.rows(hypothesis, pair), codes, self.questions)
