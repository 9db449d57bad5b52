"""The two-round pipeline: poll questions and matrices -> first round, default runoff scenario, evaluated view. Pure.

What the two-round panel, its service, the pickers and the benchmark show comes from here, so every figure has
one source (core.two_round does the maths; this module only assembles its inputs and calls it):

* `matchups_asked` / `hypotheses_asked`: the runoff pairs and first-round candidate lists the polls asked, most
  asked first (the pickers' entries).
* `hypothesis_average`: the first-round average of one candidate list (each institute's latest poll asking it in
  the two weeks up to the last such poll, as `core.france.final_week_first_round` averages them).
* `matchup_lead`: every published head-to-head of one pair as a lead (A minus B, points) and its smoothed
  average (core.averaging.smooth, house effects removed).
* `first_round_from`: the first round the runoff draws on: the official result when there is one, else the
  chosen hypothesis' average with the last official turnout.
* `default_scenario`: the runoff splits from the published matrices of the pair (core.two_round), or, for a
  pair no pollster published a matrix for, a neutral start (`neutral_splits`).
* `evaluate`: projection, exact break-evens (every destination of one electorate, turnout, message) in one view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from warroom.core.averaging import AverageSeries, Observation, lead_variance, smooth
from warroom.core.france import (
    ABSTAINERS,
    BLANK_NULL,
    PollNotice,
    RoundResult,
    TransferMatrix,
    final_week_first_round,
    name_key,
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

TURNOUT_2022 = 100.0 * 35_923_707 / 48_747_876
"""First-round turnout (% of registered) of the last presidential election (10 April 2022, Conseil
constitutionnel): the turnout a poll-based first round assumes when the contest has no official result yet."""
BLANK_NULL_2022 = 100.0 * 790_760 / 35_923_707
"""Blank and null, % of votes cast, in the same first round."""
REGISTERED_2022 = 48_747_876.0
"""Registered voters in the same first round."""

HYPOTHESIS_WINDOW_DAYS = 14
"""A hypothesis' average takes each institute's latest poll of the two weeks up to the last poll asking it."""


@dataclass(frozen=True, slots=True)
class MatchupChoice:
    """A runoff pair the polls asked.

    Attributes:
        a: the first name (as most polls spell it).
        b: the second.
        asked: how many questions asked it.
    """

    a: str
    b: str
    asked: int

    @property
    def label(self) -> str:
        return f"{self.a} v {self.b} ({self.asked} polls)"


@dataclass(frozen=True, slots=True)
class HypothesisChoice:
    """A first-round candidate list the polls asked (a hypothesis is its list, whatever each poll calls it).

    Attributes:
        key: the list's names (name_key form), sorted: what identifies it.
        candidates: the names, as first spelled.
        label: the compilation's most used name for it ("" when polls leave it unnamed).
        asked: how many questions asked it.
        last: the last fieldwork day asking it.
    """

    key: tuple[str, ...]
    candidates: tuple[str, ...]
    label: str
    asked: int
    last: date

    @property
    def title(self) -> str:
        name = self.label or f"{len(self.candidates)} candidates"
        return f"{name}, {self.asked} polls to {self.last:%d %b %Y}"


def matchups_asked(notices: Iterable[PollNotice]) -> list[MatchupChoice]:
    """The runoff pairs asked, most asked first (names compared by name_key; the first spelling is kept). A is
    the one the pair's questions put ahead on average (the front-runner), B the other."""
    counts: dict[frozenset[str], int] = {}
    first: dict[frozenset[str], tuple[str, str]] = {}
    ahead: dict[frozenset[str], float] = {}  # sum over questions of (first-spelled a's share - b's)
    for notice in notices:
        for m in notice.matchups:
            key = frozenset((name_key(m.a), name_key(m.b)))
            counts[key] = counts.get(key, 0) + 1
            a, _b = first.setdefault(key, (m.a, m.b))
            lead = m.a_share - m.b_share
            ahead[key] = ahead.get(key, 0.0) + (lead if name_key(m.a) == name_key(a) else -lead)
    pairs = {k: first[k] if ahead[k] >= 0 else first[k][::-1] for k in counts}
    return [MatchupChoice(*pairs[k], n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], pairs[kv[0]]))]


def hypotheses_asked(notices: Iterable[PollNotice]) -> list[HypothesisChoice]:
    """The first-round candidate lists asked, the latest first (ties: the most asked)."""
    counts: dict[tuple[str, ...], int] = {}
    names: dict[tuple[str, ...], tuple[str, ...]] = {}
    labels: dict[tuple[str, ...], dict[str, int]] = {}
    last: dict[tuple[str, ...], date] = {}
    for notice in notices:
        for h in notice.hypotheses:
            key = tuple(sorted(name_key(n) for n in h.shares))
            counts[key] = counts.get(key, 0) + 1
            names.setdefault(key, tuple(h.shares))
            by_label = labels.setdefault(key, {})
            by_label[h.label] = by_label.get(h.label, 0) + 1
            last[key] = max(last.get(key, date.min), notice.fieldwork_end)
    out = [
        HypothesisChoice(k, names[k], max(labels[k], key=lambda lab: (labels[k][lab], lab)), counts[k], last[k])
        for k in counts
    ]
    return sorted(out, key=lambda h: (-h.last.toordinal(), -h.asked))


def _only_hypothesis(notices: Iterable[PollNotice], key: tuple[str, ...]) -> list[PollNotice]:
    out = []
    for notice in notices:
        kept = tuple(h for h in notice.hypotheses if tuple(sorted(name_key(n) for n in h.shares)) == key)
        if kept:
            out.append(replace(notice, hypotheses=kept))
    return out


def hypothesis_average(
    notices: Sequence[PollNotice], hypothesis: HypothesisChoice | None, *, until: date | None = None
) -> dict[str, float]:
    """First-round average of one candidate list (None: every list), by `final_week_first_round`.

    Args:
        notices: the poll notices.
        hypothesis: the list, or None for every list.
        until: ignore polls ending after this day (the eve of the first round).

    Returns:
        Candidate name -> average share (%), largest first; empty when no poll asked it.
    """
    chosen = list(notices) if hypothesis is None else _only_hypothesis(notices, hypothesis.key)
    chosen = [n for n in chosen if n.hypotheses and (until is None or n.fieldwork_end <= until)]
    if not chosen:
        return {}
    end = max(n.fieldwork_end for n in chosen) + timedelta(days=1)
    return final_week_first_round(chosen, end, days=HYPOTHESIS_WINDOW_DAYS)


@dataclass(frozen=True, eq=False)
class MatchupLead:
    """The published head-to-heads of one pair as leads, and their average.

    Attributes:
        a: finalist A.
        b: finalist B.
        observations: one per question asked (day: ordinal of the fieldwork's midpoint; value: A minus B).
        average: the smoothed average of the lead, house effects removed.
    """

    a: str
    b: str
    observations: tuple[Observation, ...]
    average: AverageSeries


def matchup_lead(notices: Iterable[PollNotice], a: str, b: str) -> MatchupLead:
    """Every published `a` v `b` question as a lead (points, A minus B, on the pair's shares) and its average."""
    ka = name_key(a)
    obs = []
    for i, notice in enumerate(notices):
        for m in notice.matchups:
            if not m.has(a, b):
                continue
            sa, sb = (m.a_share, m.b_share) if name_key(m.a) == ka else (m.b_share, m.a_share)
            mid = notice.fieldwork_start + (notice.fieldwork_end - notice.fieldwork_start) / 2
            obs.append(
                Observation(
                    float(mid.toordinal()), sa - sb, lead_variance(sa, sb, notice.sample_size), notice.institute, i
                )
            )
    return MatchupLead(a, b, tuple(obs), smooth(obs) if obs else AverageSeries.nothing())


def first_round_from(
    official: Mapping[int, RoundResult] | None, average: Mapping[str, float]
) -> tuple[FirstRound, str]:
    """The first round the runoff draws on, and a sentence saying which.

    The official first round when there is one; else the poll average, with the last official turnout (this
    contest's if it has a round-two result only, else 2022's: TURNOUT_2022, BLANK_NULL_2022, REGISTERED_2022).
    """
    one = (official or {}).get(1)
    if one is not None:
        return (
            FirstRound(dict(one.votes), float(one.registered), float(one.blank_null)),
            f"Official first round of {one.day:%d %B %Y}",
        )
    if len(average) < 2:
        raise ValueError("no first round: neither an official result nor a poll average of two or more candidates")
    first = FirstRound.from_shares(
        average, registered=REGISTERED_2022, turnout=TURNOUT_2022, blank_null=BLANK_NULL_2022
    )
    return first, (
        f"Poll average of the first round, with 2022's turnout ({TURNOUT_2022:.1f} %) and blank/null rate "
        f"({BLANK_NULL_2022:.1f} %)"
    )


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


def default_scenario(first: FirstRound, matrices: Sequence[TransferMatrix], a: str, b: str) -> ScenarioDefaults:
    """The runoff a / b as the published matrices of that pair see it (core.two_round.defaults_from_matrices and
    splits_for_first_round); a neutral start (`neutral_splits`) when no pollster published one."""
    try:
        defaults: TransferDefaults | None = defaults_from_matrices(matrices, a, b)
    except ValueError:
        defaults = None
    if defaults is None:
        splits = neutral_splits(first, a, b)
        return ScenarioDefaults(TwoRoundScenario(a, b, splits), dict.fromkeys(splits, "no matrix"))
    filled = splits_for_first_round(defaults, first)
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
    """

    first: FirstRound
    scenario: TwoRoundScenario
    projection: TwoRoundProjection
    electorate: str
    break_evens: Mapping[str, BreakEven | None]
    turnout_break_even: float | None


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
    return TwoRoundView(first, scenario, projection, who, evens, break_even_turnout(first, scenario))


def question_text(view: TwoRoundView, name: Mapping[str, str] | None = None) -> list[str]:
    """The break-even answers in words: what share of the electorate's voters must abstain, vote for A, vote for
    B or vote blank for the trailing finalist to win (only the reachable ones)."""
    name = name or {}
    p = view.projection

    def n(code: str) -> str:
        if code == ABSTAINERS:
            return "first-round abstainers"
        if code == BLANK_NULL:
            return "first-round blank and null voters"
        return name.get(code, code)

    trailing = p.b if p.margin > 0 else p.a
    words = {
        "a": f"vote for {n(p.a)}",
        "b": f"vote for {n(p.b)}",
        "blank_null": "vote blank or null",
        "abstain": "abstain",
    }
    out = []
    for d, be in view.break_evens.items():
        if be is None or not be.reachable:
            continue
        side = "more" if be.above_wins == trailing else "fewer"
        out.append(
            f"{n(trailing)} wins if {side} than {be.share:.1f} % of {n(view.electorate)}'s voters {words[d]} "
            f"(now {be.current:.1f} %)"
        )
    return out
