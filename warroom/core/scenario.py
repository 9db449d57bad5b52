"""Scenario maths: transfer splits and the "tie him to his party" message lever, projected to the runoff.

Everything is in percentage points of the baseline first-round vote. With message strength m, the
front-runner loses m x bounce points; they go to the challenger, to the other candidates (who pass
them on by their own splits) or to abstention. With drag recovery r, the challenger gains r x drag
points, taken from the front-runner, from the other candidates or from people who would have stayed at
home. Both finalists' second-round totals are affine in m, so the break-even message strength is
solved exactly, and the heatmap is computed for a whole grid at once with numpy.

Polling error. The win probability treats the projected runoff margin as normal with
    sigma^2 = polling_sd^2 + sum over eliminated candidates of (d margin / d split)^2 x transfer_sd^2.
polling_sd defaults to 3 points on the runoff margin: YouGov called the 2004 and 2008 London results
within about one point on shares, which is about two points on a margin (a margin moves twice as fast as a
share); the extra point allows for other pollsters and for the weeks between a poll and polling day.
transfer_sd defaults to 10 points on each candidate's "share of valid second preferences to the
front-runner": published splits for the same voters moved 10 points in a week in 2012 (60/40 to 70/30).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from warroom.core.runoff import SPLIT_TOLERANCE, Runoff, Split
from warroom.core.types import EXHAUSTED, TransferObservation

DEFAULT_TRANSFER_RATE = 100.0 * (124_977 + 135_089) / 478_320
"""Share of eliminated candidates' voters whose second preference names a finalist, for candidates with no
published split: the official 2008 London count (the contest before the demo race, so a back-test of 2012
does not peek at 2012's own count): 478,320 first preferences for eliminated candidates, of which 124,977
went to Johnson and 135,089 to Livingstone, 54.4 %. (In 2012 it was 53.4 %.)"""

_NORMAL = NormalDist()


def _check_three(name: str, parts: tuple[float, float, float]) -> None:
    if any(p < 0 or p > 100 for p in parts):
        raise ValueError(f"{name} parts must lie within 0-100, got {parts}")
    if abs(sum(parts) - 100.0) > SPLIT_TOLERANCE:
        raise ValueError(f"{name} parts must sum to 100, got {sum(parts):g}")


@dataclass(frozen=True, slots=True)
class Destination:
    """Where voters peeled from the front-runner go (percent, summing to 100)."""

    to_b: float = 50.0
    to_others: float = 30.0
    to_abstain: float = 20.0

    def __post_init__(self) -> None:
        _check_three("message destination", (self.to_b, self.to_others, self.to_abstain))


@dataclass(frozen=True, slots=True)
class DragSource:
    """Where voters won back by the challenger come from (percent, summing to 100)."""

    from_a: float = 40.0
    from_others: float = 40.0
    from_abstention: float = 20.0

    def __post_init__(self) -> None:
        _check_three("drag source", (self.from_a, self.from_others, self.from_abstention))


@dataclass(frozen=True)
class Baseline:
    """What a scenario starts from: first-round shares and party voting intention (percent)."""

    first_round: Mapping[str, float]
    party_vi: Mapping[str, float]
    candidate_party: Mapping[str, str | None]
    a: str
    b: str
    label: str = ""
    names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.a not in self.first_round or self.b not in self.first_round:
            raise ValueError(f"the finalists {self.a!r} and {self.b!r} need first-round shares")
        if self.a == self.b:
            raise ValueError("the two finalists must differ")

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def _party_share(self, code: str) -> float | None:
        party = self.candidate_party.get(code)
        return self.party_vi.get(party) if party else None

    @property
    def normalised(self) -> dict[str, float]:
        total = sum(v for v in self.first_round.values() if v > 0)
        return {k: 100.0 * max(v, 0.0) / total for k, v in self.first_round.items()}

    @property
    def bounce(self) -> float:
        """Front-runner's personal vote: his first-round share minus his party's voting intention (>= 0)."""
        party = self._party_share(self.a)
        return max(0.0, self.normalised[self.a] - party) if party is not None else 0.0

    @property
    def drag(self) -> float:
        """Challenger's drag: his party's voting intention minus his first-round share (>= 0)."""
        party = self._party_share(self.b)
        return max(0.0, party - self.normalised[self.b]) if party is not None else 0.0

    @property
    def eliminated(self) -> list[str]:
        return [k for k in self.first_round if k not in (self.a, self.b)]


@dataclass(frozen=True)
class Scenario:
    splits: Mapping[str, Split]
    message_strength: float = 0.0
    message_destination: Destination = field(default_factory=Destination)
    drag_recovery: float = 0.0
    drag_source: DragSource = field(default_factory=DragSource)
    name: str = ""

    def __post_init__(self) -> None:
        for label, value in (("message strength", self.message_strength), ("drag recovery", self.drag_recovery)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{label} must lie within 0-1, got {value:g}")


@dataclass(frozen=True)
class ErrorModel:
    polling_sd: float = 3.0
    transfer_sd: float = 10.0


DEFAULT_ERROR = ErrorModel()


@dataclass(frozen=True)
class Projection:
    first_round: Mapping[str, float]
    outright_winner: str | None
    runoff: Runoff
    margin: float
    verdict: str
    gap_closed: bool
    break_even_message: float | None
    win_probability_b: float
    sigma: float


def default_splits(
    observed: Sequence[TransferObservation], eliminated: Iterable[str], a: str, b: str
) -> dict[str, Split]:
    """A split for every eliminated candidate: the latest published one, else an even split at the default rate.

    `observed` is in chronological order; the last figure for each (from, to) pair wins. A published pair
    that sums to about 100 without an exhausted figure (a "70/30") is a split of those who transfer, and
    is applied at DEFAULT_TRANSFER_RATE; otherwise what is not given exhausts.
    """
    latest: dict[str, dict[str, float]] = {}
    for t in observed:
        latest.setdefault(t.from_candidate, {})[t.to_candidate] = t.share
    out: dict[str, Split] = {}
    for code in eliminated:
        obs = latest.get(code, {})
        to_a, to_b = obs.get(a), obs.get(b)
        if to_a is None or to_b is None:
            out[code] = Split.from_head_to_head(50.0, DEFAULT_TRANSFER_RATE)
            continue
        if EXHAUSTED in obs:
            ex = obs[EXHAUSTED]
            total = to_a + to_b + ex
            out[code] = Split(100 * to_a / total, 100 * to_b / total, 100 * ex / total)
        elif to_a + to_b >= 100.0 - SPLIT_TOLERANCE * 6:
            out[code] = Split.from_head_to_head(100.0 * to_a / (to_a + to_b), DEFAULT_TRANSFER_RATE)
        else:
            out[code] = Split(to_a, to_b, 100.0 - to_a - to_b)
    return out


# --- the projection, vectorised over message strength (and optionally one split) -------------------------------


def _votes(
    baseline: Baseline,
    scenario: Scenario,
    m: np.ndarray,
    override: tuple[str, np.ndarray] | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """First-round votes per candidate, and runoff votes for A, B and exhausted, for message strengths m.

    With `override` (code, y), that candidate's share of valid transfers going to A is y (broadcast against m
    as y[:, None] x m[None, :]) while the share of his voters who transfer at all stays as in the scenario.
    """
    f = baseline.normalised
    a, b = baseline.a, baseline.b
    others = baseline.eliminated
    f_others = sum(f[k] for k in others)
    peel = m * baseline.bounce
    rec = scenario.drag_recovery * baseline.drag
    dest, src = scenario.message_destination, scenario.drag_source
    to_others = dest.to_others / 100.0 if f_others > 0 else 0.0
    # (the to_abstain part, and to_others when nobody else stands, simply leaves the count)
    from_others = src.from_others / 100.0 if f_others > 0 else 0.0
    from_a = src.from_a / 100.0 + (src.from_others / 100.0 if f_others <= 0 else 0.0)
    first: dict[str, np.ndarray] = {}
    first[a] = np.maximum(f[a] - peel - rec * from_a, 0.0)
    first[b] = f[b] + peel * dest.to_b / 100.0 + rec
    for k in others:
        weight = f[k] / f_others if f_others > 0 else 0.0
        first[k] = np.maximum(f[k] + weight * (peel * to_others - rec * from_others), 0.0)
    ra = first[a].copy()
    rb = first[b].copy()
    ex = np.zeros_like(ra)
    if override is not None:
        y = override[1]
        shape = (len(y), len(m))
        ra = np.broadcast_to(ra, shape).copy()
        rb = np.broadcast_to(rb, shape).copy()
        ex = np.zeros(shape)
    for k in others:
        split = scenario.splits.get(k)
        if split is None:
            split = Split.from_head_to_head(50.0, DEFAULT_TRANSFER_RATE)
        if override is not None and k == override[0]:
            valid = (split.to_a + split.to_b) / 100.0
            ya = override[1][:, None] / 100.0
            ra = ra + first[k] * valid * ya
            rb = rb + first[k] * valid * (1.0 - ya)
            ex = ex + first[k] * (1.0 - valid)
        else:
            ra = ra + first[k] * split.to_a / 100.0
            rb = rb + first[k] * split.to_b / 100.0
            ex = ex + first[k] * split.exhausted / 100.0
    return first, ra, rb, ex


def _margin(ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    total = ra + rb
    return np.divide(100.0 * (ra - rb), total, out=np.zeros_like(total, dtype=float), where=total > 0)


def break_even_message(baseline: Baseline, scenario: Scenario) -> float | None:
    """The message strength at which the runoff margin is exactly zero, at the current other settings.

    A's and B's runoff votes are affine in m (a0 + m da, b0 + m db), so margin = 0 where a0 + m da = b0 + m db.
    Returns None when the lever does not move the margin; the value may lie outside 0-1 (not reachable).
    """
    _, ra, rb, _ = _votes(baseline, scenario, np.array([0.0, 1.0]))
    da, db = ra[1] - ra[0], rb[1] - rb[0]
    slope = da - db
    if abs(slope) < 1e-12:
        return None
    return float((rb[0] - ra[0]) / slope)


def break_even_split(baseline: Baseline, scenario: Scenario, code: str) -> float | None:
    """The share of `code`'s valid transfers going to A (0-100) at which the margin is zero; None if inert."""
    m = np.array([scenario.message_strength])
    _, ra, rb, _ = _votes(baseline, scenario, m, (code, np.array([0.0, 100.0])))
    diff0 = float(ra[0, 0] - rb[0, 0])
    diff1 = float(ra[1, 0] - rb[1, 0])
    if abs(diff1 - diff0) < 1e-12:
        return None
    return 100.0 * -diff0 / (diff1 - diff0)


def margin_sigma(
    baseline: Baseline, scenario: Scenario, first: Mapping[str, float], ra: float, rb: float, error: ErrorModel
) -> float:
    """Standard deviation of the runoff margin: polling error plus each split's uncertainty, analytically."""
    var = error.polling_sd**2
    total = ra + rb
    if total <= 0:
        return error.polling_sd
    for k in baseline.eliminated:
        split = scenario.splits.get(k) or Split.from_head_to_head(50.0, DEFAULT_TRANSFER_RATE)
        valid = (split.to_a + split.to_b) / 100.0
        # One point more of k's valid transfers to A moves first[k]*valid/100 votes from B to A.
        slope = 2.0 * first[k] * valid / total
        var += (slope * error.transfer_sd) ** 2
    return float(np.sqrt(var))


def project(baseline: Baseline, scenario: Scenario, *, error: ErrorModel = DEFAULT_ERROR) -> Projection:
    """First round, runoff, margin, verdict, break-even and win probability for one scenario."""
    first_arr, ra_arr, rb_arr, ex_arr = _votes(baseline, scenario, np.array([scenario.message_strength]))
    first = {k: float(v[0]) for k, v in first_arr.items()}
    valid = sum(first.values())
    shares = {k: 100.0 * v / valid for k, v in first.items()} if valid > 0 else first
    ra, rb, ex = float(ra_arr[0]), float(rb_arr[0]), float(ex_arr[0])
    scale = 100.0 / valid if valid > 0 else 1.0
    runoff = Runoff(baseline.a, baseline.b, ra * scale, rb * scale, ex * scale)
    margin = runoff.margin
    leader = max(shares, key=lambda k: shares[k])
    outright = leader if shares[leader] > 50.0 else None
    be = break_even_message(baseline, scenario)
    sigma = margin_sigma(baseline, scenario, first, ra, rb, error)
    p_b = _NORMAL.cdf(-margin / sigma) if sigma > 0 else float(margin < 0)
    A, B = baseline.name(baseline.a), baseline.name(baseline.b)
    if outright is not None:
        verdict = f"{baseline.name(outright)} wins outright in the first round with {shares[outright]:.1f} %"
        gap_closed = outright == baseline.b
    elif abs(margin) < 0.05:
        verdict = f"Gap closed: dead heat between {A} and {B}"
        gap_closed = True
    elif margin < 0:
        verdict = f"Gap closed: {B} wins the runoff by {-margin:.1f} points"
        gap_closed = True
    else:
        verdict = f"Gap not closed: {A} still wins the runoff by {margin:.1f} points"
        gap_closed = False
    return Projection(
        first_round=shares,
        outright_winner=outright,
        runoff=runoff,
        margin=margin,
        verdict=verdict,
        gap_closed=gap_closed,
        break_even_message=be,
        win_probability_b=float(p_b),
        sigma=sigma,
    )


def largest_eliminated(baseline: Baseline) -> str | None:
    """The eliminated candidate whose second preferences weigh most (largest first-round share)."""
    others = baseline.eliminated
    return max(others, key=lambda k: baseline.first_round[k]) if others else None


def break_even_curve(baseline: Baseline, scenario: Scenario, split_values: np.ndarray, split_of: str) -> np.ndarray:
    """For each split value (share of `split_of`'s valid transfers to A), the exact break-even message strength.

    The contour "margin = 0" of the heatmap, solved row by row (A and B are affine in m for a fixed split),
    not traced from grid cells. NaN where the lever cannot move the margin.
    """
    ys = np.asarray(split_values, float)
    _, ra, rb, _ = _votes(baseline, scenario, np.array([0.0, 1.0]), (split_of, ys))
    slope = (ra[:, 1] - ra[:, 0]) - (rb[:, 1] - rb[:, 0])
    with np.errstate(divide="ignore", invalid="ignore"):
        m = (rb[:, 0] - ra[:, 0]) / slope
    m[np.abs(slope) < 1e-12] = np.nan
    return m


def margin_grid(
    baseline: Baseline, scenario: Scenario, strengths: np.ndarray, split_values: np.ndarray, split_of: str
) -> np.ndarray:
    """Runoff margin for every (split value, message strength): shape (len(split_values), len(strengths)).

    split_values are the share (0-100) of `split_of`'s valid transfers going to A.
    """
    _, ra, rb, _ = _votes(baseline, scenario, np.asarray(strengths, float), (split_of, np.asarray(split_values, float)))
    return _margin(ra, rb)
