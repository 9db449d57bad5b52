"""The two-round campaign pipeline: a campaign's poll notices -> averages per candidate and per matchup ->
who qualifies and who wins the runoff. Pure; the CLI and the GUI's services both call these functions.

A French campaign (core.france) publishes, per poll notice, several first-round *hypotheses* (candidate
lists) and several runoff *matchups*. Two kinds of average come out of it:

* Per candidate, across hypotheses (`candidate_averages`). A candidate's share depends on who else is on the
  list: Pécresse's share is not the same with and without Bertrand. Each hypothesis label gets an additive
  *hypothesis effect* per candidate, estimated from the notices that ask that label beside others (the
  within-notice deviation of the candidate's share in that hypothesis from his mean across the notice's
  hypotheses), shrunk toward zero by HYPOTHESIS_SHRINK pseudo-notices. Every hypothesis's figure, its
  effect removed, feeds one observation per notice (their mean: one fieldwork, one sample), and the
  smoother of core.averaging (random walk, pollster house effects) runs over them. Picking a hypothesis adds
  its effect back: the whole campaign's polls, seen through that candidate list.
* Per matchup (`matchup_average`): A's share of the pair's votes in every notice that asks A against B,
  smoothed the same way; the lead is 2 x share - 100, and P(A wins) treats the last day's margin as normal
  with the smoother's sd and core.two_round's POLLING_SD (the same 6 points the scenario uses).

P(each candidate qualifies) is core.two_round.qualify_probabilities on the latest shares of one lineup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist
from typing import Any, NamedTuple

from warroom.core.averaging import AverageSeries, Observation, share_variance, smooth_many
from warroom.core.france import PollNotice, RoundResult, TransferMatrix, name_key
from warroom.core.two_round import (
    POLLING_SD,
    FirstRound,
    TwoRoundProjection,
    TwoRoundScenario,
    defaults_from_matrices,
    project,
    qualify_probabilities,
    splits_for_first_round,
)
from warroom.core.types import Rules

__all__ = [
    "Campaign",
    "CandidateAverages",
    "MatchupAverage",
    "candidate_averages",
    "first_round_of",
    "hypothesis_labels",
    "matchup_average",
    "matchups_asked",
    "qualify_odds",
]

HYPOTHESIS_SHRINK = 2.0
"""Pseudo-notices of zero effect added to each hypothesis effect's mean: a label asked beside others in one
notice moves its candidates by a third of what that notice says, in five notices by five sevenths."""

DRIFT_SD_PER_DAY = 0.25
"""Daily random-walk sd of a share (points): core.averaging's default, about 1.3 points a month unprompted."""


class Campaign(NamedTuple):
    """What a two-round contest's store holds, as core types (store.questions.load_campaign).

    Attributes:
        notices: poll notices, oldest fieldwork first.
        matrices: published transfer matrices, oldest first.
        results: round (1, 2) -> official figures; empty when none is stored.
    """

    notices: tuple[PollNotice, ...]
    matrices: tuple[TransferMatrix, ...]
    results: Mapping[int, RoundResult]


def first_round_of(result: RoundResult) -> FirstRound:
    """The runoff's electorates from an official first round: candidates' votes, registered, blank and null."""
    return FirstRound(dict(result.votes), float(result.registered), float(result.blank_null))


def _midpoint(p: PollNotice) -> float:
    return (p.fieldwork_start.toordinal() + p.fieldwork_end.toordinal()) / 2.0


# --- what a campaign asks -------------------------------------------------------------------------------------


def matchups_asked(notices: Iterable[PollNotice]) -> list[tuple[str, str, int]]:
    """Every runoff pair the notices ask: (a, b, how many notices), most asked first, then most recent.

    Names are the first spelling met (compared with name_key); a is the candidate named first most often.
    """
    seen: dict[frozenset[str], list[Any]] = {}
    for order, p in enumerate(sorted(notices, key=lambda p: (p.fieldwork_end, p.fieldwork_start, p.id))):
        for pair in {frozenset((name_key(m.a), name_key(m.b))): m for m in p.matchups}.values():
            key = frozenset((name_key(pair.a), name_key(pair.b)))
            entry = seen.setdefault(key, [pair.a, pair.b, 0, order])
            entry[2] += 1
            entry[3] = order
    ranked = sorted(seen.values(), key=lambda e: (-e[2], -e[3]))
    return [(str(a), str(b), int(n)) for a, b, n, _ in ranked]


def hypothesis_labels(notices: Iterable[PollNotice]) -> list[tuple[str, int]]:
    """Every named first-round hypothesis: (label, how many notices ask it), most asked first."""
    counts: dict[str, int] = {}
    for p in notices:
        for label in {h.label for h in p.hypotheses if h.label}:
            counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _resolve(name: str, known: Iterable[str]) -> str | None:
    """A known name from a full name or a surname ("Le Pen", "le-pen", "melenchon")."""
    key = name_key(name)
    names = list(known)
    exact = [n for n in names if name_key(n) == key]
    if exact:
        return exact[0]
    tail = [n for n in names if name_key(n).endswith(" " + key)]
    return tail[0] if len(tail) == 1 else None


def resolve_matchup(spec: str, notices: Iterable[PollNotice]) -> tuple[str, str]:
    """The pair a user names: "Macron/Le Pen", "macron-le-pen", "Emmanuel Macron vs Marine Le Pen".

    Raises:
        ValueError: no asked pair matches (the message lists the most asked ones).
    """
    asked = matchups_asked(notices)
    names = {n for a, b, _ in asked for n in (a, b)}
    text = spec.strip()
    splits: list[tuple[str, str]] = []
    for sep in ("/", " vs ", " v ", ","):
        if sep in text:
            x, _, y = text.partition(sep)
            splits.append((x, y))
    if not splits:  # "macron-le-pen": try every hyphen as the separator
        parts = text.split("-")
        splits = [("-".join(parts[:i]), "-".join(parts[i:])) for i in range(1, len(parts))]
    for x, y in splits:
        a, b = _resolve(x, names), _resolve(y, names)
        if a and b and any({name_key(a), name_key(b)} == {name_key(p), name_key(q)} for p, q, _ in asked):
            return a, b
    top = ", ".join(f"{a} / {b}" for a, b, _ in asked[:5]) or "none"
    raise ValueError(f"no poll asks the matchup {spec!r} (most asked: {top})")


# --- per matchup ------------------------------------------------------------------------------------------------

_NORMAL = NormalDist()


@dataclass(frozen=True)
class MatchupAverage:
    """The average of one runoff matchup.

    Attributes:
        a: the first finalist.
        b: the second.
        share: a's share of the pair's votes (%), smoothed, with its band.
        polls: how many notices asked this matchup (up to `as_of`).
        level: the band's coverage.
    """

    a: str
    b: str
    share: AverageSeries
    polls: int
    level: float = 0.9

    @property
    def lead(self) -> AverageSeries:
        """a minus b, points of the pair's votes (2 x share - 100)."""
        s = self.share
        return AverageSeries(s.days, 2 * s.mean - 100, 2 * s.lower - 100, 2 * s.upper - 100, s.house_effects, s.level)

    def latest(self) -> float:
        """a's share on the last day (NaN when no poll asked it)."""
        return float(self.share.mean[-1]) if not self.share.empty else math.nan

    def win_probability(self, day: float | None = None) -> float:
        """P(a wins the runoff) on `day` (ordinal; default the last day): the margin as normal, its sd the
        smoother's own and POLLING_SD (core.two_round) combined."""
        if self.share.empty:
            return math.nan
        d = float(self.share.days[-1]) if day is None else day
        mean, lower, upper = self.share.at(d)
        z = _NORMAL.inv_cdf(0.5 + self.level / 2.0)
        level_sd = 2 * (upper - lower) / (2 * z)  # of the margin: twice the share's
        sd = math.hypot(level_sd, POLLING_SD)
        return _NORMAL.cdf((2 * mean - 100) / sd)


def matchup_average(
    notices: Iterable[PollNotice], a: str, b: str, *, as_of: date | None = None, level: float = 0.9
) -> MatchupAverage:
    """Smooth a's share of the a / b pair over every notice that asks it (house effects per pollster).

    Args:
        notices: poll notices.
        a: finalist A (any spelling name_key matches).
        b: finalist B.
        as_of: only notices whose fieldwork ended by this day; the series ends there.
        level: the band's coverage.
    """
    obs: list[Observation] = []
    for p in notices:
        if as_of is not None and p.fieldwork_end > as_of:
            continue
        m = p.matchup(a, b)
        if m is None or m.a_share + m.b_share <= 0:
            continue
        sa = m.a_share if name_key(m.a) == name_key(a) else m.b_share
        share = 100.0 * sa / (m.a_share + m.b_share)
        obs.append(Observation(_midpoint(p), share, share_variance(share, p.sample_size), p.institute))
    end = float(as_of.toordinal()) if as_of is not None else None
    (series,) = smooth_many([obs], end_day=end, drift_sd_per_day=DRIFT_SD_PER_DAY, level=level)
    return MatchupAverage(a, b, series, len(obs), level)


# --- per candidate across hypotheses ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateAverages:
    """First-round averages per candidate across the campaign's hypotheses.

    Attributes:
        series: candidate name -> average share (%) with its band, as seen through `hypothesis` (pooled when
            None); only the candidates of `lineup`.
        lineup: the candidates shown: the chosen hypothesis's list (its latest asking), or, pooled, the widest
            list of the latest notice.
        hypothesis: the label chosen, or None for the pooled average.
        effects: label -> candidate -> the hypothesis effect (points) estimated for it.
        polls: notices that went in.
    """

    series: Mapping[str, AverageSeries]
    lineup: tuple[str, ...]
    hypothesis: str | None
    effects: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    polls: int = 0

    def latest(self) -> dict[str, float]:
        """Candidate -> share on the last day, largest first."""
        got = {k: float(s.mean[-1]) for k, s in self.series.items() if not s.empty}
        return dict(sorted(got.items(), key=lambda kv: -kv[1]))


def hypothesis_effects(
    notices: Sequence[PollNotice], *, shrink: float = HYPOTHESIS_SHRINK
) -> dict[str, dict[str, float]]:
    """Label -> candidate key (name_key) -> effect (points): the shrunk mean, over the notices that ask the
    label beside other hypotheses naming the candidate, of his share there minus his mean share across that
    notice's hypotheses."""
    sums: dict[str, dict[str, list[float]]] = {}
    for p in notices:
        per: dict[str, list[tuple[str, float]]] = {}
        for h in p.hypotheses:
            for name, share in h.shares.items():
                per.setdefault(name_key(name), []).append((h.label, share))
        for key, got in per.items():
            if len(got) < 2:
                continue
            mean = sum(s for _, s in got) / len(got)
            for label, share in got:
                if label:
                    sums.setdefault(label, {}).setdefault(key, []).append(share - mean)
    return {label: {key: sum(d) / (len(d) + shrink) for key, d in by_key.items()} for label, by_key in sums.items()}


def _lineup(notices: Sequence[PollNotice], hypothesis: str | None) -> tuple[str, ...]:
    for p in reversed(notices):
        chosen = [h for h in p.hypotheses if (hypothesis is None or h.label == hypothesis)]
        if chosen:
            return max(chosen, key=lambda h: len(h.shares)).candidates
    return ()


def candidate_averages(
    notices: Iterable[PollNotice],
    *,
    hypothesis: str | None = None,
    as_of: date | None = None,
    level: float = 0.9,
) -> CandidateAverages:
    """Per-candidate first-round averages across hypotheses (module docstring).

    Args:
        notices: poll notices.
        hypothesis: a label to see the campaign through (its effects added back), or None for pooled.
        as_of: only notices whose fieldwork ended by this day; the series end there.
        level: the band's coverage.

    Raises:
        ValueError: `hypothesis` is not a label any notice asks.
    """
    chosen = sorted(
        (p for p in notices if p.hypotheses and (as_of is None or p.fieldwork_end <= as_of)),
        key=lambda p: (p.fieldwork_end, p.fieldwork_start, p.id),
    )
    if hypothesis is not None and not any(h.label == hypothesis for p in chosen for h in p.hypotheses):
        raise ValueError(f"no poll asks the first-round hypothesis {hypothesis!r}")
    effects = hypothesis_effects(chosen)
    lineup = _lineup(chosen, hypothesis)
    keys = {name_key(n): n for n in lineup}
    obs: dict[str, list[Observation]] = {k: [] for k in keys}
    for p in chosen:
        per: dict[str, list[float]] = {}
        for h in p.hypotheses:
            eff = effects.get(h.label, {})
            for name, share in h.shares.items():
                key = name_key(name)
                if key in obs:
                    per.setdefault(key, []).append(share - eff.get(key, 0.0))
        for key, values in per.items():
            value = sum(values) / len(values)
            obs[key].append(Observation(_midpoint(p), value, share_variance(value, p.sample_size), p.institute))
    end = float(as_of.toordinal()) if as_of is not None else None
    order = list(keys)
    smoothed = smooth_many([obs[k] for k in order], end_day=end, drift_sd_per_day=DRIFT_SD_PER_DAY, level=level)
    series: dict[str, AverageSeries] = {}
    chosen_eff = effects.get(hypothesis, {}) if hypothesis is not None else {}
    for key, s in zip(order, smoothed, strict=True):
        shift = chosen_eff.get(key, 0.0)
        series[keys[key]] = (
            s
            if shift == 0.0
            else AverageSeries(s.days, s.mean + shift, s.lower + shift, s.upper + shift, s.house_effects, s.level)
        )
    named = {label: {keys.get(k, k): v for k, v in by_key.items()} for label, by_key in effects.items()}
    return CandidateAverages(series, lineup, hypothesis, named, len(chosen))


def qualify_odds(
    averages: CandidateAverages, rules: Rules | None = None, *, valid_of_base: float = 100.0
) -> dict[str, float]:
    """P(each candidate of the lineup reaches the runoff), from the latest shares (core.two_round).

    Args:
        averages: from candidate_averages.
        rules: the contest's rules (top two, or a threshold of registered voters).
        valid_of_base: valid votes as % of the threshold's base (see qualify_probabilities).

    Returns:
        Candidate -> probability (0-1), most likely first.
    """
    shares = averages.latest()
    if len(shares) < 2:
        return {}
    got = qualify_probabilities(shares, rules=rules, valid_of_base=valid_of_base)
    return dict(sorted(got.items(), key=lambda kv: -kv[1]))


# --- back-tests against official results ------------------------------------------------------------------------


@dataclass(frozen=True)
class RunoffFromMatrices:
    """The runoff that the published matrices imply from an actual first round.

    Attributes:
        projection: the projected runoff.
        sources: electorate -> where its split came from ("published", "pooled", "as ...").
        matrices: how many matrices were averaged.
    """

    projection: TwoRoundProjection
    sources: Mapping[str, str]
    matrices: int


def runoff_from_matrices(
    matrices: Sequence[TransferMatrix], first: FirstRound, a: str, b: str, *, until: date | None = None
) -> RunoffFromMatrices:
    """Apply the published matrices of a / b (each pollster's average, pollsters equal) to `first`."""
    defaults = defaults_from_matrices(matrices, a, b, until=until)
    filled = splits_for_first_round(defaults, first)
    a_key = next(k for k in first.votes if name_key(k) == name_key(a))
    b_key = next(k for k in first.votes if name_key(k) == name_key(b))
    scenario = TwoRoundScenario(a_key, b_key, filled.splits)
    return RunoffFromMatrices(project(first, scenario), filled.sources, defaults.matrices)
