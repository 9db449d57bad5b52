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
from functools import lru_cache
from statistics import NormalDist
from typing import Any, NamedTuple

from warroom.core.averaging import AverageSeries, Observation, share_variance, smooth_many
from warroom.core.france import PollNotice, RoundResult, TransferMatrix
from warroom.core.france import name_key as _name_key
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
from warroom.core.types import Contest, ExpectedTurnout, Rules, echoed

__all__ = [
    "Campaign",
    "CandidateAverages",
    "FirstRoundModel",
    "MatchupAverage",
    "TwoRoundBacktest",
    "TwoRoundReport",
    "backtest_two_round",
    "candidate_averages",
    "first_round_model",
    "first_round_of",
    "hypothesis_labels",
    "matchup_average",
    "matchups_asked",
    "publication_blackouts",
    "qualify_odds",
    "resolve_matchup",
    "runoff_from_matrices",
    "two_round_report",
    "withdrawn_names",
    "withdrawn_runoff_note",
]

HYPOTHESIS_SHRINK = 2.0
"""Pseudo-notices of zero effect added to each hypothesis effect's mean: a label asked beside others in one
notice moves its candidates by a third of what that notice says, in five notices by five sevenths."""

DRIFT_SD_PER_DAY = 0.25
"""Daily random-walk sd of a share (points): core.averaging's default, about 1.3 points a month unprompted."""


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """core.france.name_key, remembered: a campaign has a few hundred distinct names in tens of thousands of
    figures, and the accent folding was three quarters of an average's time."""
    return _name_key(name)


class Campaign(NamedTuple):
    """What a two-round contest's store holds, as core types (store.questions.load_campaign).

    Attributes:
        notices: poll notices, oldest fieldwork first.
        matrices: published transfer matrices, oldest first.
        results: round (1, 2) -> official figures; empty when none is stored.
        expected: the contest's own expected turnout, blank/null rate and electorate (Contest.expected), for a
            first round read from the poll average (None: not set).
    """

    notices: tuple[PollNotice, ...]
    matrices: tuple[TransferMatrix, ...]
    results: Mapping[int, RoundResult]
    expected: ExpectedTurnout | None = None


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


MATCHUP_SEPARATORS = ("/", " vs ", " v ", ",", "-")
"""What may stand between the two finalists a user names (`--matchup`); a name may hold any of them."""


def resolve_matchup(spec: str, notices: Iterable[PollNotice]) -> tuple[str, str]:
    """The pair a user names: "Macron/Le Pen", "macron-le-pen", "Emmanuel Macron vs Marine Le Pen".

    A name may hold a separator ("Lee, Ann", "Dupont-Aignan"): the text is read at every place any separator
    allows, and the one pair of finalists a poll asks that a reading names is taken; a text naming two such
    pairs is refused naming both, never taken at its first separator (as `--row`: cli.irv.parse_row).

    Raises:
        ValueError: no asked pair matches (the message lists the most asked ones), or two do.
    """
    asked = matchups_asked(notices)
    names = {n for a, b, _ in asked for n in (a, b)}
    polled = {frozenset((name_key(p), name_key(q))) for p, q, _ in asked}
    text = spec.strip()
    found: list[tuple[str, str]] = []
    # Two names and a separator: a longer text names no pair (twice the longest name for each, for accents typed
    # as separate marks). Each reading puts its parts through name_key: 20,000 '/' took 27 s.
    longest = max((len(n) for n in names), default=0)
    readable = len(" ".join(text.split())) <= 4 * longest + 8
    for sep in MATCHUP_SEPARATORS if readable else ():
        at = text.find(sep)
        while at >= 0:
            a, b = _resolve(text[:at], names), _resolve(text[at + len(sep) :], names)
            if a and b and frozenset((name_key(a), name_key(b))) in polled and (a, b) not in found:
                found.append((a, b))
            at = text.find(sep, at + 1)
    if len(found) == 1:
        return found[0]
    if found:
        said = "; ".join(f"{a} / {b}" for a, b in found[:3])
        raise ValueError(
            f"the matchup {echoed(spec)} reads two ways ({said}): a name holding '/', ' vs ', ' v ', ',' or '-' "
            "makes it ambiguous; name the finalists another way (a full name)"
        )
    top = ", ".join(f"{a} / {b}" for a, b, _ in asked[:5]) or "none"
    raise ValueError(f"no poll asks the matchup {echoed(spec)} (most asked: {top})")


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


def _lineups(notices: Sequence[PollNotice]) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """Label -> its candidate list as last asked (the widest, if a notice asks it twice), and the widest list
    of the latest notice (the pooled view's lineup)."""
    lineups: dict[str, tuple[str, ...]] = {}
    for p in notices:  # oldest first: later notices overwrite
        for label in {h.label for h in p.hypotheses}:
            lineups[label] = max((h for h in p.hypotheses if h.label == label), key=lambda h: len(h.shares)).candidates
    latest = next((p for p in reversed(notices) if p.hypotheses), None)
    pooled = max(latest.hypotheses, key=lambda h: len(h.shares)).candidates if latest is not None else ()
    return lineups, pooled


@dataclass(frozen=True)
class FirstRoundModel:
    """Every candidate's pooled first-round average (hypothesis effects removed), from which any hypothesis's
    view is a shift: switching hypothesis costs no smoothing (the panel's picker).

    Attributes:
        pooled: name_key -> the pooled average.
        names: name_key -> the name as last written.
        effects: label -> name_key -> effect (points).
        lineups: label -> its candidate list as last asked.
        default_lineup: the widest list of the latest notice.
        polls: notices that went in.
    """

    pooled: Mapping[str, AverageSeries]
    names: Mapping[str, str]
    effects: Mapping[str, Mapping[str, float]]
    lineups: Mapping[str, tuple[str, ...]]
    default_lineup: tuple[str, ...]
    polls: int

    def view(self, hypothesis: str | None = None) -> CandidateAverages:
        """The averages seen through one hypothesis (its effects added back, its candidates), or pooled.

        Raises:
            ValueError: `hypothesis` is not a label any notice asks.
        """
        if hypothesis is not None and hypothesis not in self.lineups:
            raise ValueError(f"no poll asks the first-round hypothesis {echoed(hypothesis)}")
        lineup = self.default_lineup if hypothesis is None else self.lineups[hypothesis]
        shift_of = self.effects.get(hypothesis, {}) if hypothesis is not None else {}
        series: dict[str, AverageSeries] = {}
        for name in lineup:
            key = name_key(name)
            s = self.pooled[key]
            shift = shift_of.get(key, 0.0)
            series[name] = (
                s
                if shift == 0.0
                else AverageSeries(s.days, s.mean + shift, s.lower + shift, s.upper + shift, s.house_effects, s.level)
            )
        named = {label: {self.names.get(k, k): v for k, v in by_key.items()} for label, by_key in self.effects.items()}
        return CandidateAverages(series, lineup, hypothesis, named, self.polls)


def first_round_model(
    notices: Iterable[PollNotice], *, as_of: date | None = None, level: float = 0.9
) -> FirstRoundModel:
    """Smooth every candidate named in any hypothesis, hypothesis effects removed (module docstring).

    Args:
        notices: poll notices.
        as_of: only notices whose fieldwork ended by this day; the series end there.
        level: the band's coverage.
    """
    chosen = sorted(
        (p for p in notices if p.hypotheses and (as_of is None or p.fieldwork_end <= as_of)),
        key=lambda p: (p.fieldwork_end, p.fieldwork_start, p.id),
    )
    effects = hypothesis_effects(chosen)
    lineups, default = _lineups(chosen)
    names: dict[str, str] = {}
    obs: dict[str, list[Observation]] = {}
    for p in chosen:
        per: dict[str, list[float]] = {}
        for h in p.hypotheses:
            eff = effects.get(h.label, {})
            for name, share in h.shares.items():
                key = name_key(name)
                names[key] = name
                per.setdefault(key, []).append(share - eff.get(key, 0.0))
        mid = _midpoint(p)
        for key, values in per.items():
            value = sum(values) / len(values)
            obs.setdefault(key, []).append(Observation(mid, value, share_variance(value, p.sample_size), p.institute))
    end = float(as_of.toordinal()) if as_of is not None else None
    order = list(obs)
    smoothed = smooth_many([obs[k] for k in order], end_day=end, drift_sd_per_day=DRIFT_SD_PER_DAY, level=level)
    return FirstRoundModel(dict(zip(order, smoothed, strict=True)), names, effects, lineups, default, len(chosen))


def candidate_averages(
    notices: Iterable[PollNotice],
    *,
    hypothesis: str | None = None,
    as_of: date | None = None,
    level: float = 0.9,
) -> CandidateAverages:
    """Per-candidate first-round averages across hypotheses (module docstring): first_round_model(...).view().

    Args:
        notices: poll notices.
        hypothesis: a label to see the campaign through (its effects added back), or None for pooled.
        as_of: only notices whose fieldwork ended by this day; the series end there.
        level: the band's coverage.

    Raises:
        ValueError: `hypothesis` is not a label any notice asks.
    """
    return first_round_model(notices, as_of=as_of, level=level).view(hypothesis)


def qualify_odds(
    averages: CandidateAverages,
    rules: Rules | None = None,
    *,
    valid_of_base: float | None = 100.0,
    withdrawn: Iterable[str] = (),
) -> dict[str, float]:
    """P(each candidate of the lineup reaches the runoff), from the latest shares (core.two_round).

    Args:
        averages: from candidate_averages.
        rules: the contest's rules (top two, or a threshold of registered voters).
        valid_of_base: valid votes as % of the threshold's base (see qualify_probabilities); None: not known
            (valid_share_of_base), and no odds are given.
        withdrawn: the race's withdrawn candidates' names (`withdrawn_names`): they never qualify.

    Returns:
        Candidate -> probability (0-1), most likely first.
    """
    shares = averages.latest()
    if len(shares) < 2 or valid_of_base is None:
        return {}
    out = {name_key(n) for n in withdrawn}
    got = qualify_probabilities(
        shares, rules=rules, valid_of_base=valid_of_base, withdrawn=[n for n in shares if name_key(n) in out]
    )
    return dict(sorted(got.items(), key=lambda kv: -kv[1]))


def withdrawn_names(contest: Contest | None) -> frozenset[str]:
    """The race's withdrawn candidates' names as `name_key` reads them (the two-round rule tying a poll's name to a
    candidate): they never qualify and are never the runoff shown first."""
    return (
        frozenset(name_key(c.name) for c in contest.candidates if c.withdrawn) if contest is not None else frozenset()
    )


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


# --- the whole report: what `warroom average` prints for a two-round contest, and the panel shows -------------


@dataclass(frozen=True)
class TwoRoundBacktest:
    """A finished two-round race against its official results.

    Attributes:
        first: candidate -> (eve-of-round-one average, official share of valid votes), average order.
        mean_abs_error: the first round's mean absolute error (points).
        a: the runoff's winner (official).
        b: the loser.
        official: a's official share of valid votes in the runoff (%).
        from_matrices: the runoff the published matrices imply from the official first round (None: no matrix).
        head_to_head: the smoothed a / b matchup average on the eve of the runoff (None: no poll).
        first_eve: the day of the first-round average.
        second_eve: the day of the head-to-head average.
    """

    first: Mapping[str, tuple[float, float]]
    mean_abs_error: float
    a: str
    b: str
    official: float
    from_matrices: RunoffFromMatrices | None
    head_to_head: MatchupAverage | None
    first_eve: date
    second_eve: date


def backtest_two_round(campaign: Campaign, *, proxies: Mapping[str, str] | None = None) -> TwoRoundBacktest | None:
    """Eve-of-round-one average against round one, and the runoff from the matrices and from the head-to-head
    polls against round two. None unless both official rounds are stored.

    Args:
        campaign: the contest's notices, matrices and official rounds.
        proxies: electorates with no published matrix row -> the electorate whose split they take (default:
            the mean of the published eliminated candidates', see splits_for_first_round).
    """
    one, two = campaign.results.get(1), campaign.results.get(2)
    if one is None or two is None or len(two.votes) != 2:
        return None
    first_eve = date.fromordinal(one.day.toordinal() - 1)
    second_eve = date.fromordinal(two.day.toordinal() - 1)
    averages = candidate_averages(campaign.notices, as_of=first_eve)
    official = {name_key(k): 100.0 * v / one.valid for k, v in one.votes.items()}
    first = {k: (v, official[name_key(k)]) for k, v in averages.latest().items() if name_key(k) in official}
    mae = sum(abs(x - y) for x, y in first.values()) / len(first) if first else math.nan
    (a, va), (b, vb) = sorted(two.votes.items(), key=lambda kv: -kv[1])
    from_matrices: RunoffFromMatrices | None = None
    if any({name_key(m.a), name_key(m.b)} == {name_key(a), name_key(b)} for m in campaign.matrices):
        first_round = first_round_of(one)
        filled_proxies = {k: v for k, v in (proxies or {}).items() if k in first_round.votes}
        defaults = defaults_from_matrices(campaign.matrices, a, b, until=second_eve)
        filled = splits_for_first_round(defaults, first_round, proxies=filled_proxies)
        projection = project(first_round, TwoRoundScenario(a, b, filled.splits))
        from_matrices = RunoffFromMatrices(projection, filled.sources, defaults.matrices)
    h2h = matchup_average(campaign.notices, a, b, as_of=second_eve)
    return TwoRoundBacktest(
        first,
        mae,
        a,
        b,
        100.0 * va / (va + vb),
        from_matrices,
        None if h2h.share.empty else h2h,
        first_eve,
        second_eve,
    )


@dataclass(frozen=True)
class TwoRoundReport:
    """Averages, qualification and the runoff for one day: one source for the CLI and the panel.

    Attributes:
        first: per-candidate first-round averages.
        qualify: candidate -> P(reaches the runoff).
        matchup: the chosen runoff matchup's average (None when no poll asks one).
        others: the other matchups asked, (a, b, notices), most asked first.
        backtest: against the official results, when both rounds are stored.
        note: `withdrawn_runoff_note` of the matchup ("" when both stand).
        qualify_note: why `qualify` is empty though the average is not (QUALIFY_NEEDS_TURNOUT), else None.
    """

    first: CandidateAverages
    qualify: Mapping[str, float]
    matchup: MatchupAverage | None
    others: tuple[tuple[str, str, int], ...]
    backtest: TwoRoundBacktest | None
    note: str = ""
    qualify_note: str | None = None


QUALIFY_NEEDS_TURNOUT = (
    "not worked out: the qualifying threshold is a share of registered voters (or of votes cast), and this race has "
    "neither an official first round nor its own expected turnout and blank/null rate. Set them in the race's form "
    '(File > Edit contest, "Expected first round") or its contest file'
)
"""Why a threshold race's qualify odds are not given (TwoRoundReport.qualify_note): they assumed France 2022's
72.1 % of registered voters casting a valid vote (98 % of votes cast), for any race."""


def valid_share_of_base(campaign: Campaign, rules: Rules | None) -> float | None:
    """Valid votes as % of the qualifying threshold's base (qualify_probabilities' valid_of_base): 100 for a
    base of valid votes; for "registered" or "cast", the stored official first round's, else the contest's own
    expected first round's (Campaign.expected: turnout less its blank and null votes), else None: not known, and
    no other election's figure is assumed (QUALIFY_NEEDS_TURNOUT)."""
    if rules is None or rules.finalists != "threshold" or rules.qualify_base == "valid":
        return 100.0
    one = campaign.results.get(1)
    if one is not None:
        base = one.registered if rules.qualify_base == "registered" else one.voters
        return 100.0 * one.valid / base
    expected = campaign.expected
    if expected is not None:
        valid_of_cast = 100.0 - expected.blank_null
        return expected.turnout * valid_of_cast / 100.0 if rules.qualify_base == "registered" else valid_of_cast
    return None


def default_matchup(
    notices: Sequence[PollNotice], first: CandidateAverages, withdrawn: Iterable[str] = ()
) -> tuple[str, str] | None:
    """The runoff to show first (`warroom average`, `warroom scenario` and the panel): the two leading
    candidates' matchup if any poll asks it, else the most asked; a withdrawn candidate (`withdrawn_names`) is
    never one of the two leaders, nor in the most asked unless every pair asked has one. The pair as the polls
    spell it, the leader first."""
    asked = matchups_asked(notices)
    if not asked:
        return None
    out = {name_key(n) for n in withdrawn}
    top = [n for n in first.latest() if name_key(n) not in out][:2]
    if len(top) == 2:
        pair = {name_key(top[0]), name_key(top[1])}
        for a, b, _ in asked:
            if {name_key(a), name_key(b)} == pair:
                return (a, b) if name_key(a) == name_key(top[0]) else (b, a)  # the leader first
    a, b, _n = next((m for m in asked if not {name_key(m[0]), name_key(m[1])} & out), asked[0])
    return a, b


def withdrawn_runoff_note(
    pair: tuple[str, str], asked: Iterable[tuple[str, str, int]], withdrawn: Iterable[str] = ()
) -> str:
    """What a runoff with a withdrawn finalist says (the scenario's note, in `warroom scenario` and the panel):
    "" when both stand. `default_matchup` shows such a runoff first only when every pair the polls ask has a
    withdrawn candidate, which is said too; one asked for by name (`--matchup`, the picker) is said alike."""
    out = {name_key(n) for n in withdrawn}
    gone = [n for n in pair if name_key(n) in out]
    if not gone:
        return ""
    text = f"{' and '.join(gone)} {'has' if len(gone) == 1 else 'have'} withdrawn: this runoff can no longer take place"
    if all({name_key(a), name_key(b)} & out for a, b, _n in asked):
        text += " (every runoff the polls ask has a withdrawn candidate in it)"
    return text + "."


def two_round_report(
    campaign: Campaign,
    *,
    rules: Rules | None = None,
    as_of: date | None = None,
    hypothesis: str | None = None,
    matchup: tuple[str, str] | None = None,
    proxies: Mapping[str, str] | None = None,
    withdrawn: Iterable[str] = (),
) -> TwoRoundReport:
    """Everything `warroom average` prints for a two-round contest (and the panel shows).

    Args:
        campaign: the contest's notices, matrices and official rounds.
        rules: the contest's rules (qualification: top two, or a threshold).
        as_of: only polls known by then.
        hypothesis: see the campaign through this first-round hypothesis (None: pooled).
        matchup: the runoff pair (default_matchup when None).
        proxies: for the back-test's matrices (backtest_two_round).
        withdrawn: the race's withdrawn candidates (`withdrawn_names`): never qualify, never the default pair.
    """
    first = candidate_averages(campaign.notices, hypothesis=hypothesis, as_of=as_of)
    base = valid_share_of_base(campaign, rules)
    qualify = qualify_odds(first, rules, valid_of_base=base, withdrawn=withdrawn)
    qualify_note = QUALIFY_NEEDS_TURNOUT if base is None else None
    notices = [p for p in campaign.notices if as_of is None or p.fieldwork_end <= as_of]
    pair = matchup or default_matchup(notices, first, withdrawn)
    chosen = matchup_average(notices, *pair, as_of=as_of) if pair is not None else None
    if chosen is not None and chosen.share.empty:
        chosen = None
    key = {name_key(pair[0]), name_key(pair[1])} if pair is not None else set()
    asked = matchups_asked(notices)
    others = tuple(m for m in asked if {name_key(m[0]), name_key(m[1])} != key)
    note = withdrawn_runoff_note((chosen.a, chosen.b), asked, withdrawn) if chosen is not None else ""
    return TwoRoundReport(
        first, qualify, chosen, others, backtest_two_round(campaign, proxies=proxies), note, qualify_note
    )


PUBLICATION_BLACKOUT_DAYS = 1
"""Days before polling day on which no poll may be published or commented on, polling day itself included in
the blackout: the eve and the day of each round (loi n° 77-808 du 19 juillet 1977, art. 11, as amended in
2002). The timeline shades these days."""


def publication_blackouts(first_round: date, second_round: date | None = None) -> tuple[tuple[date, date], ...]:
    """The legal poll-publication blackouts of a two-round contest: (first day, last day) for each round."""
    days = [first_round] + ([second_round] if second_round is not None else [])
    return tuple((date.fromordinal(d.toordinal() - PUBLICATION_BLACKOUT_DAYS), d) for d in days)
