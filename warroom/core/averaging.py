"""Poll average: a local-level (random-walk) state-space model with pollster house effects.

The true level of each series (a candidate's share, a lead) is a random walk on a daily grid; each poll
observes it with its sampling error, plus a non-sampling floor, plus its pollster's house effect. A Kalman
filter and a Rauch-Tung-Striebel smoother give the posterior level and its variance on every day; the
house effects are estimated from the data by alternating with the smoother, shrunk toward zero, and
constrained to average zero over the polls (the industry as a whole is taken as unbiased). All series of
a contest run through one loop over days, vectorised across series, so thousands of polls recompute in
milliseconds.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from statistics import NormalDist
from typing import Any

import numpy as np

from warroom.core.forecast import share_interval
from warroom.core.runoff import Split, front_pair
from warroom.core.types import Contest, Poll, firm_key, firm_spellings, tie_names
from warroom.core.validation import poll_date_window

NONSAMPLING_VAR = 1.0
"""Points squared added to every poll's sampling variance: differences of method, wording and timing that no
sample size removes. Published analyses of UK polling put total error at about twice the sampling error;
a one-point floor keeps a huge panel poll from pinning the average on its own."""

LEAD_DRIFT_FACTOR = math.sqrt(2.0)
"""A lead moves when either share moves; with the two moving independently its drift is sqrt(2) times larger."""

IMPLIED_INFLATION = 2.0
"""Implied runoff leads carry the transfer assumptions as well as sampling error: their variance is doubled."""

DIFFUSE_VAR = 1e6
"""Prior variance of the first day's level: a 1,000-point sd, flat in effect, so the first polls set the level
(a proper prior keeps the arithmetic finite, which an exactly diffuse one would not)."""

DEFAULT_SAMPLE = 1000.0
"""Weight given to a poll whose sample size was not published: about the size of a typical London poll."""


@dataclass(frozen=True, slots=True)
class Observation:
    """One poll's figure for one series."""

    day: float  # date.toordinal() of the fieldwork midpoint
    value: float  # percent share or percentage-point lead
    variance: float  # sampling variance of value, percent squared
    pollster: str
    poll_id: int | None = None


def variance_fraction(share_pct: Any, n: Any, floor: float = 0.01) -> Any:
    """The share (a fraction) a poll's sampling variance is taken at: its own, kept at least two respondents
    (z^2 / 2 at 95 %, as Agresti and Coull's interval adds) and `floor` from 0 and 1. A sample's own share
    understates its variance at the edges: a one-respondent poll always shows 0 or 100 %, and at 100-0 its
    lead's variance p(1-p)/n was the floor, so it outweighed five 1,000-respondent polls and moved the demo's
    lead by 20 points. From 196 respondents two are under 1 %, so an ordinary poll's variance is as before.
    Floats or numpy arrays (n already defaulted)."""
    low = np.maximum(floor, 2.0 / (n + 4.0))
    return np.clip(share_pct / 100.0, low, 1.0 - low)


def share_variance(share_pct: float, n: int | None) -> float:
    """Sampling variance of a share in percent squared: p(1-p)/n, p taken by variance_fraction."""
    size = max(n if n is not None else DEFAULT_SAMPLE, 1)
    p = float(variance_fraction(share_pct, size))
    return 1e4 * p * (1.0 - p) / size


def lead_variance(a_pct: float, b_pct: float, n: int | None) -> float:
    """Sampling variance of a lead pa - pb (multinomial): (pa + pb - (pa - pb)^2) / n, in percent squared, the
    shares taken by variance_fraction."""
    size = max(n if n is not None else DEFAULT_SAMPLE, 1)
    pa, pb = float(variance_fraction(a_pct, size, 0.0)), float(variance_fraction(b_pct, size, 0.0))
    v = pa + pb - (pa - pb) ** 2
    return 1e4 * max(v, 1e-4) / size


@dataclass(frozen=True, eq=False)  # arrays have no truth value: compare by identity, not field by field
class AverageSeries:
    """A smoothed average on a daily grid with a central band.

    Attributes:
        days: float64 ordinal days, one per day, consecutive.
        mean: the smoothed level on each day.
        lower: lower edge of the `level` band (mean - z * posterior sd of the level).
        upper: upper edge of the band.
        house_effects: pollster -> estimated bias, in the series' units (positive: the pollster reads high).
            Zero on average over the polls, weighted by precision: the industry is taken as unbiased.
        level: coverage of the band. The band is for the level given the house effects; it does not include
            an industry-wide polling error.
    """

    days: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    house_effects: Mapping[str, float] = field(default_factory=dict)
    level: float = 0.9

    @property
    def empty(self) -> bool:
        """True when there were no polls to average."""
        return len(self.days) == 0

    def at(self, day: float) -> tuple[float, float, float]:
        """(mean, lower, upper) on a day, interpolated; clamped to the ends of the series."""
        if self.empty:
            raise ValueError("empty series")
        return (
            float(np.interp(day, self.days, self.mean)),
            float(np.interp(day, self.days, self.lower)),
            float(np.interp(day, self.days, self.upper)),
        )

    @classmethod
    def nothing(cls) -> AverageSeries:
        """The empty series (no polls)."""
        e = np.empty(0)
        return cls(e, e, e, e, {})


@dataclass(frozen=True)
class _Gains:
    """The data-independent half of the Kalman smoother: it depends only on when and how precisely the
    polls observe, not on what they say, so house-effect iterations compute it once."""

    k: np.ndarray  # (T, S) filter gains
    vf: np.ndarray  # (T, S) filtered variances
    vp: np.ndarray  # (T, S) predicted variances
    g: np.ndarray  # (T-1, S) smoother gains


def _affine_scan(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x_t = a_t x_(t-1) + b_t with x_(-1) = 0, for every t at once: a Hillis-Steele scan, log2(T) whole-array
    steps instead of T small ones. Each step composes a map with the one `d` places before it; the right-hand
    sides are evaluated before the assignment, so overlapping slices read the previous step's values."""
    a = a.copy()
    b = b.copy()
    d = 1
    while d < len(a):
        b[d:] = a[d:] * b[:-d] + b[d:]
        a[d:] = a[d:] * a[:-d]
        d *= 2
    return b


def _reverse_affine_scan(a: np.ndarray, b: np.ndarray, last: np.ndarray) -> np.ndarray:
    """x_t = b_t + a_t x_(t+1) for t < T-1, x_(T-1) = last: the backward pass of the smoother, as a scan."""
    ra = np.concatenate([np.zeros((1, a.shape[1])), a[::-1]])
    rb = np.concatenate([last[None, :], b[::-1]])
    return _affine_scan(ra, rb)[::-1]


def _gains(precision: np.ndarray, q: np.ndarray) -> _Gains:
    """Riccati recursion for S random walks over T days (precision is (S, T)).

    v_t = (v_(t-1) + q) / (1 + (v_(t-1) + q) P_t) is a Mobius map of v_(t-1), so the whole sequence comes
    from prefix products of 2x2 matrices [[1, q], [P_t, 1 + q P_t]], computed by doubling like _affine_scan
    (rescaled at every step: only the ratio matters, and the raw products would overflow).
    """
    S, T = precision.shape
    P = np.ascontiguousarray(precision.T)
    v0 = DIFFUSE_VAR / (1.0 + DIFFUSE_VAR * P[0])  # day 0 starts from the diffuse prior, no drift step
    m11 = np.ones((T, S))
    m12 = np.broadcast_to(q, (T, S)).copy()
    m21 = P.copy()
    m22 = 1.0 + q * P
    m11[0], m12[0], m21[0], m22[0] = 1.0, 0.0, 0.0, 1.0  # identity: v_0 is given
    d = 1
    while d < T:
        # M[t] <- M[t] @ M[t-d] for t >= d (later maps act after earlier ones)
        a11, a12, a21, a22 = m11[d:], m12[d:], m21[d:], m22[d:]
        b11, b12, b21, b22 = m11[:-d], m12[:-d], m21[:-d], m22[:-d]
        n11 = a11 * b11 + a12 * b21
        n12 = a11 * b12 + a12 * b22
        n21 = a21 * b11 + a22 * b21
        n22 = a21 * b12 + a22 * b22
        scale = np.maximum(np.maximum(np.abs(n11), np.abs(n12)), np.maximum(np.abs(n21), np.abs(n22)))
        m11[d:], m12[d:], m21[d:], m22[d:] = n11 / scale, n12 / scale, n21 / scale, n22 / scale
        d *= 2
    vf = (m11 * v0 + m12) / (m21 * v0 + m22)
    vp = np.empty((T, S))
    vp[0] = DIFFUSE_VAR
    vp[1:] = vf[:-1] + q
    k = vp * P / (1.0 + vp * P)
    return _Gains(k, vf, vp, vf[:-1] / vp[1:])


def _smooth_means(gains: _Gains, precision: np.ndarray, weighted: np.ndarray) -> np.ndarray:
    """Filter and smooth the means: two first-order linear recurrences, solved as scans. (S, T) out."""
    ybar = np.divide(weighted, precision, out=np.zeros_like(weighted), where=precision > 0).T
    mf = _affine_scan(1.0 - gains.k, gains.k * ybar)
    g = gains.g
    ms = _reverse_affine_scan(g, mf[:-1] * (1.0 - g), mf[-1])
    return ms.T


def _smooth_vars(gains: _Gains) -> np.ndarray:
    g2 = gains.g**2
    vs = _reverse_affine_scan(g2, gains.vf[:-1] - g2 * gains.vp[1:], gains.vf[-1])
    return vs.T


def _reference_rts(precision: np.ndarray, weighted: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The textbook day-by-day Kalman filter and RTS smoother: the scans above must agree with it (tests)."""
    S, T = precision.shape
    mf, vf, vp = np.empty((S, T)), np.empty((S, T)), np.empty((S, T))
    m, v = np.zeros(S), np.full(S, DIFFUSE_VAR)
    ybar = np.divide(weighted, precision, out=np.zeros_like(weighted), where=precision > 0)
    for t in range(T):
        if t:
            v = v + q
        vp[:, t] = v
        k = v * precision[:, t] / (1.0 + v * precision[:, t])
        m = m + k * (ybar[:, t] - m)
        v = v * (1.0 - k)
        mf[:, t], vf[:, t] = m, v
    ms, vs = mf.copy(), vf.copy()
    for t in range(T - 2, -1, -1):
        gain = vf[:, t] / vp[:, t + 1]
        ms[:, t] = mf[:, t] + gain * (ms[:, t + 1] - mf[:, t])
        vs[:, t] = vf[:, t] + gain**2 * (vs[:, t + 1] - vp[:, t + 1])
    return ms, vs


def _rts(precision: np.ndarray, weighted: np.ndarray, q: np.ndarray, want_var: bool) -> tuple[np.ndarray, np.ndarray]:
    """Kalman filter + RTS smoother of S random walks over T days at once.

    Args:
        precision: (S, T) summed observation precision per day (0 where no poll).
        weighted: (S, T) precision-weighted sum of observations per day.
        q: (S,) drift variance per day.
    Returns:
        smoothed means (S, T) and variances (S, T) (variances zero-filled if not wanted).
    """
    gains = _gains(precision, q)
    means = _smooth_means(gains, precision, weighted)
    return means, (_smooth_vars(gains) if want_var else np.zeros_like(means))


@dataclass(frozen=True)
class SeriesData:
    """One series as arrays: what smooth_many works on (Observation lists convert to this).

    Attributes:
        day: float ordinal days (fieldwork midpoints).
        value: the observed figures (percent or points).
        variance: sampling variance of each value (percent squared).
        pollster: index of each observation's pollster into `names`.
        names: pollster names.
    """

    day: np.ndarray
    value: np.ndarray
    variance: np.ndarray
    pollster: np.ndarray
    names: Sequence[str]

    @classmethod
    def of(cls, observations: Sequence[Observation]) -> SeriesData:
        """Arrays from Observation objects (pollster names sorted, so the result is order-independent)."""
        n = len(observations)
        first: dict[str, float] = {}  # each spelling's earliest day: a firm is shown as first written
        for o in observations:
            if o.pollster not in first or o.day < first[o.pollster]:
                first[o.pollster] = o.day
        shown = firm_spellings(sorted(first, key=lambda s: (first[s], s)))  # "YouGov" and "yougov": one firm
        names = sorted(set(shown.values()))
        lookup = {p: i for i, p in enumerate(names)}
        return cls(
            np.fromiter((o.day for o in observations), float, n),
            np.fromiter((o.value for o in observations), float, n),
            np.fromiter((o.variance for o in observations), float, n),
            np.fromiter((lookup[shown[o.pollster]] for o in observations), np.int64, n),
            names,
        )

    def select(self, keep: np.ndarray) -> SeriesData:
        """The observations where `keep` is true (same pollster names)."""
        if bool(np.all(keep)):
            return self
        return SeriesData(self.day[keep], self.value[keep], self.variance[keep], self.pollster[keep], self.names)

    def usable(self) -> SeriesData:
        """Drop observations with a non-finite day, value or variance (a blank cell must not poison a series)."""
        return self.select(
            np.isfinite(self.day) & np.isfinite(self.value) & np.isfinite(self.variance) & (self.variance >= 0)
        )

    def __len__(self) -> int:
        return len(self.day)


def _day_bin(day: np.ndarray) -> np.ndarray:
    """Grid day of each observation: round half up, so a midpoint of x.5 always lands on day x+1 (numpy's
    rint rounds half to even, which would send alternate days' polls in opposite directions)."""
    return np.floor(day + 0.5).astype(np.int64)


CELLS_AT_MOST = 4_000_000
"""Cells (series x grid weeks x pollsters) up to which _house_effects sums by cell (32 MB of float64): beyond, a
campaign of years with thousands of pollsters, it sums poll by poll, which needs no such table."""


def _house_effects(
    data: Sequence[SeriesData],
    day_idx: Sequence[np.ndarray],
    T: int,
    weights: Sequence[np.ndarray],
    q: np.ndarray,
    prior_sd: float,
    iterations: int,
) -> list[np.ndarray]:
    """Alternate smoothing and per-pollster mean residuals, shrunk to 0 and centred over the polls.

    The same arithmetic as _reference_house_effects (tests: equal to 1e-12), summed by cell instead of by poll.
    Both halves of an iteration are linear in the polls' values through two sums per cell (grid day d, pollster
    k) of a series: W[d, k], the polls' summed weight, and their weighted values. The smoother's input on day d
    is sum_i w_i (v_i - h[k_i]) = (weighted values)[d] - W[d, :] @ h, and a pollster's weighted residual is
    sum_i w_i (v_i - mean[d_i]) = (weighted values)[k] - W[:, k] @ mean. So the polls are read once, into W
    (days x pollsters, padded to the series' largest pollster count), and every iteration is a few small matrix
    products for all series at once, not a pass over every poll of every series.
    """
    S = len(data)
    tau = 1.0 / prior_sd**2
    K = max((len(d.names) for d in data), default=0)
    if S * T * K > CELLS_AT_MOST:
        return _reference_house_effects(data, day_idx, T, weights, q, prior_sd, iterations)
    cells = np.zeros((S, T, K))
    by_day = np.zeros((S, T))  # sum of w * v per grid day
    by_pollster = np.zeros((S, K))  # sum of w * v per pollster
    w_pollster = np.zeros((S, K))  # sum of w per pollster
    precision = np.zeros((S, T))
    for s in range(S):
        d = data[s]
        if len(d) == 0:
            continue
        w, wv = weights[s], weights[s] * d.value
        cells[s] = np.bincount(day_idx[s] * K + d.pollster, w, T * K).reshape(T, K)
        precision[s] = np.bincount(day_idx[s], w, T)
        by_day[s] = np.bincount(day_idx[s], wv, T)
        by_pollster[s] = np.bincount(d.pollster, wv, K)
        w_pollster[s] = np.bincount(d.pollster, w, K)
    total = w_pollster.sum(axis=1)
    total[total == 0] = 1.0  # an empty series: its effects stay zero
    gains = _gains(precision, q)  # the same every iteration: only the observations' values change
    house = np.zeros((S, K))
    for _ in range(iterations):
        weighted = by_day - np.einsum("stk,sk->st", cells, house)
        mean = _smooth_means(gains, precision, weighted)
        resid = by_pollster - np.einsum("stk,st->sk", cells, mean)
        house = resid / (w_pollster + tau)
        house -= (np.einsum("sk,sk->s", w_pollster, house) / total)[:, None]  # industry unbiased on average
    return [house[s, : len(d.names)].copy() for s, d in enumerate(data)]


def _reference_house_effects(
    data: Sequence[SeriesData],
    day_idx: Sequence[np.ndarray],
    T: int,
    weights: Sequence[np.ndarray],
    q: np.ndarray,
    prior_sd: float,
    iterations: int,
) -> list[np.ndarray]:
    """Alternate smoothing and per-pollster mean residuals, shrunk to 0 and centred over the polls: poll by poll,
    the definition _house_effects must agree with (tests)."""
    S = len(data)
    tau = 1.0 / prior_sd**2
    house = [np.zeros(len(d.names)) for d in data]
    precision = np.zeros((S, T))
    for s in range(S):
        if len(data[s]):
            precision[s] = np.bincount(day_idx[s], weights[s], T)
    gains = _gains(precision, q)  # the same every iteration: only the observations' values change
    for _ in range(iterations):
        weighted = np.zeros((S, T))
        for s in range(S):
            if len(data[s]):
                weighted[s] = np.bincount(day_idx[s], weights[s] * (data[s].value - house[s][data[s].pollster]), T)
        mean = _smooth_means(gains, precision, weighted)
        for s in range(S):
            d = data[s]
            if len(d) == 0:
                continue
            resid = d.value - mean[s, day_idx[s]]
            k = len(d.names)
            h = np.bincount(d.pollster, weights[s] * resid, k) / (np.bincount(d.pollster, weights[s], k) + tau)
            h -= np.sum(weights[s] * h[d.pollster]) / np.sum(weights[s])  # industry unbiased on average
            house[s] = h
    return house


def smooth_many(
    series: Sequence[Sequence[Observation] | SeriesData],
    *,
    start_day: float | None = None,
    end_day: float | None = None,
    drift_sd_per_day: float | Sequence[float] = 0.25,
    level: float = 0.90,
    estimate_house_effects: bool = True,
    house_prior_sd: float = 2.0,
    min_design_effect: float = 1.0,
    iterations: int = 3,  # converged to within 0.01 points by the third (tests/core/test_averaging.py)
) -> list[AverageSeries]:
    """Smooth several series on one shared daily grid, all of them in the same whole-array passes.

    Each series is a local-level model: the true level walks randomly from day to day (sd
    `drift_sd_per_day`), and each poll observes it with variance ``variance * min_design_effect +
    NONSAMPLING_VAR`` plus its pollster's house effect. Polls on the same day are combined by precision.

    Args:
        series: observations (or SeriesData) per series.
        start_day: first day of the output grid (ordinal); default each series' first poll. Earlier polls
            still inform the level.
        end_day: last day of the grid; default the last poll of any series. Polls after it are ignored
            (no look-ahead).
        drift_sd_per_day: daily random-walk sd of the level, in points; one value or one per series.
        level: coverage of the band (0.90: a 90% interval).
        estimate_house_effects: estimate and remove a constant bias per pollster.
        house_prior_sd: sd of the normal prior shrinking house effects toward 0 (points).
        min_design_effect: multiplier on every poll's sampling variance (weighting costs precision).
        iterations: alternations of smoothing and house-effect estimation.

    Returns:
        One AverageSeries per input series, in order; empty for a series without usable polls. Series
        share the grid's last day; each starts at `start_day`, or at its own first poll.
    """
    data = [(s if isinstance(s, SeriesData) else SeriesData.of(s)).usable() for s in series]
    bins = [_day_bin(d.day) for d in data]
    if end_day is not None:
        # No look-ahead: an observation after the last day of the grid is not known on that day.
        last = math.ceil(end_day)
        keep = [b <= last for b in bins]
        data = [d.select(k) for d, k in zip(data, keep, strict=True)]
        bins = [b[k] for b, k in zip(bins, keep, strict=True)]
    nonempty = [b for b in bins if len(b)]
    if not nonempty:
        return [AverageSeries.nothing() for _ in data]
    first_bin = min(int(b.min()) for b in nonempty)
    start = math.floor(start_day) if start_day is not None else first_bin
    end = math.ceil(end_day) if end_day is not None else max(int(b.max()) for b in nonempty)
    if end < start:
        return [AverageSeries.nothing() for _ in data]
    # Polls before start_day still inform the level on start_day: the model runs from the earliest poll and
    # the output is cut to start..end afterwards.
    origin = min(start, first_bin)
    T = end - origin + 1
    S = len(data)
    q = np.broadcast_to(np.asarray(drift_sd_per_day, dtype=float), (S,)) ** 2
    day_idx = [b - origin for b in bins]
    weights = [1.0 / (d.variance * min_design_effect + NONSAMPLING_VAR) for d in data]
    house = [np.zeros(len(d.names)) for d in data]
    if estimate_house_effects:
        # House effects barely depend on day-level detail, so they are estimated on a weekly grid
        # (drift scaled to a week), which is seven times cheaper; the final smooth runs daily.
        house = _house_effects(
            data, [i // 7 for i in day_idx], (T + 6) // 7, weights, q * 7.0, house_prior_sd, iterations
        )
    precision = np.zeros((S, T))
    weighted = np.zeros((S, T))
    for s in range(S):
        if len(data[s]):
            precision[s] = np.bincount(day_idx[s], weights[s], T)
            weighted[s] = np.bincount(day_idx[s], weights[s] * (data[s].value - house[s][data[s].pollster]), T)
    mean, var = _rts(precision, weighted, q, want_var=True)
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    days = np.arange(origin, end + 1, dtype=float)
    out: list[AverageSeries] = []
    for s in range(S):
        if len(data[s]) == 0:
            out.append(AverageSeries.nothing())
            continue
        # A series starts at its own first poll: before it, the model only extrapolates backwards from
        # nothing (a candidate not yet polled), which would draw a meaningless, very wide band.
        first = int(day_idx[s].min()) if start_day is None else start - origin
        sd = np.sqrt(np.maximum(var[s, first:], 0.0))
        m = mean[s, first:]
        out.append(
            AverageSeries(
                days=days[first:],
                mean=m.copy(),
                lower=m - z * sd,
                upper=m + z * sd,
                house_effects={p: float(h) for p, h in zip(data[s].names, house[s], strict=True)},
                level=level,
            )
        )
    return out


def smooth(
    observations: Sequence[Observation],
    *,
    start_day: float | None = None,
    end_day: float | None = None,
    drift_sd_per_day: float = 0.25,
    level: float = 0.90,
    estimate_house_effects: bool = True,
    house_prior_sd: float = 2.0,
    min_design_effect: float = 1.0,
) -> AverageSeries:
    """Smoothed poll average of one series with a `level` band.

    Args:
        observations: the polls' figures for this series, in any order.
        start_day: first grid day (ordinal); default the first poll. Earlier polls still inform the level.
        end_day: last grid day; default the last poll. Polls after it are ignored (no look-ahead).
        drift_sd_per_day: daily random-walk sd of the true level (points). 0.25 lets a share move about
            1.3 points in a month without evidence, about what a mayoral campaign does.
        level: coverage of the band.
        estimate_house_effects: estimate and remove a constant bias per pollster (centred on zero).
        house_prior_sd: sd of the normal prior on a house effect; small values shrink harder.
        min_design_effect: multiplier on every poll's sampling variance.

    Returns:
        The average on a daily grid (empty when there are no usable polls). See smooth_many.
    """
    return smooth_many(
        [observations],
        start_day=start_day,
        end_day=end_day,
        drift_sd_per_day=drift_sd_per_day,
        level=level,
        estimate_house_effects=estimate_house_effects,
        house_prior_sd=house_prior_sd,
        min_design_effect=min_design_effect,
    )[0]


def recency_weighted_mean(
    observations: Sequence[Observation], *, as_of_day: float, half_life_days: float = 14.0
) -> float:
    """The plain benchmark: precision-weighted, exponentially decaying with age; later polls ignored.

    Weights are 1 / (variance + NONSAMPLING_VAR) * 0.5 ** (age / half_life_days): the same non-sampling floor
    as the smoother, so a giant online panel does not swamp it either (a fairer benchmark).

    Args:
        observations: polls' figures for one series.
        as_of_day: the ordinal day to average at; observations after it are ignored.
        half_life_days: age at which a poll's weight halves.

    Returns:
        The weighted mean, or NaN when no poll is on or before `as_of_day`.
    """
    num = den = 0.0
    for o in observations:
        age = as_of_day - o.day
        if age < 0:
            continue
        w = 0.5 ** (age / half_life_days) / (o.variance + NONSAMPLING_VAR)
        num += w * o.value
        den += w
    return num / den if den else math.nan


@dataclass(frozen=True, eq=False)
class PointSet:
    """Poll points of a series as arrays: what the charts draw, without one Python object per poll.

    Attributes:
        day: fieldwork midpoints (float ordinal days).
        value: the figures (percent or points).
        poll_id: Poll.id of each point (-1 for a poll not yet stored).
        variance: the variance each point entered the average with (percent squared).
        pollster: pollster name of each point (object array of str).
    """

    day: np.ndarray
    value: np.ndarray
    poll_id: np.ndarray
    variance: np.ndarray = field(default_factory=lambda: np.empty(0))
    pollster: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))

    @classmethod
    def empty(cls) -> PointSet:
        """No points."""
        return cls(np.empty(0), np.empty(0), np.empty(0, dtype=np.int64))

    def observations(self) -> tuple[Observation, ...]:
        """The points as Observation objects (for smooth() or a table; the charts use the arrays)."""
        return tuple(
            Observation(float(d), float(v), float(var), str(p), int(i))
            for d, v, var, p, i in zip(self.day, self.value, self.variance, self.pollster, self.poll_id, strict=True)
        )

    def __len__(self) -> int:
        return len(self.day)


@dataclass(frozen=True, eq=False)
class SplitsRead:
    """Transfer splits for the pair (a, b), as core.baseline.splits_from_polls read them from `published` (the polls
    publishing transfers, compared by identity) by `as_of`, with `fallback` where none was published."""

    a: str
    b: str
    as_of: date | None
    published: Sequence[Poll]
    fallback: Mapping[str, Split] | None
    splits: Mapping[str, Split]


@dataclass(frozen=True, eq=False)
class PollAverages:
    """Every series the charts show, for one contest, from one set of polls.

    Attributes:
        a: the front-runner (or the caller's first finalist).
        b: the runner-up (or the caller's second finalist).
        first_round: candidate code -> first-round share average (candidates with polls only).
        first_lead: first-round a minus b, averaged directly from each poll's lead (not the difference of
            the two share averages, so its band reflects the covariance of the two shares within a poll).
        second_lead: runoff a minus b in points of the second-round valid vote.
        second_lead_observed: the published head-to-heads that went into second_lead.
        second_lead_implied: runoffs implied by first round + transfer splits, for the other polls.
        as_of: the no-look-ahead cut-off, if any.
        columns: the polls (after the cut-off) as arrays, for the charts.
        forecast: the 90 % forecast band (where the result may land, from the historical error of poll averages
            at each day's distance to polling day), per series on the same grid: "first:<code>", "lead1",
            "lead2"; empty when not computed (core.pipeline.forecast_bands).
        runoff_is_first_round: a race of two candidates: the runoff is the first round (nobody to transfer), so
            both leads are read from the two share averages, the runoff's scaled to the two's valid vote.
        splits_read: the transfer splits the implied runoffs were made with, and what they were read from (set by
            core.pipeline.compute_averages; a scenario on the same polls, pair, day and fallback takes them as they are).
    """

    a: str
    b: str
    first_round: Mapping[str, AverageSeries]
    first_lead: AverageSeries
    second_lead: AverageSeries
    second_lead_observed: PointSet = field(default_factory=PointSet.empty)
    second_lead_implied: PointSet = field(default_factory=PointSet.empty)
    as_of: date | None = None
    columns: PollColumns | None = None
    forecast: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    splits_read: SplitsRead | None = None
    runoff_is_first_round: bool = False

    def latest_first_round(self, day: float | None = None) -> dict[str, float]:
        """Average first-round shares on a day (default: the last day of the grid)."""
        out: dict[str, float] = {}
        for code, series in self.first_round.items():
            if not series.empty:
                out[code] = series.at(series.days[-1] if day is None else day)[0]
        return out


def _share_var(p_pct: np.ndarray, n: np.ndarray) -> np.ndarray:
    size = np.maximum(np.nan_to_num(n, nan=DEFAULT_SAMPLE), 1)
    p = variance_fraction(p_pct, size)
    return 1e4 * p * (1.0 - p) / size


def _lead_var(a_pct: np.ndarray, b_pct: np.ndarray, n: np.ndarray) -> np.ndarray:
    size = np.maximum(np.nan_to_num(n, nan=DEFAULT_SAMPLE), 1)
    pa, pb = variance_fraction(a_pct, size, 0.0), variance_fraction(b_pct, size, 0.0)
    return 1e4 * np.maximum(pa + pb - (pa - pb) ** 2, 1e-4) / size


@dataclass(frozen=True)
class DayOrdered:
    """PollColumns' rows in the charts' order (PollColumns.by_day); shares is (len(codes), N)."""

    day: np.ndarray
    n: np.ndarray
    ids: np.ndarray
    pollster: np.ndarray
    shares: np.ndarray


@dataclass(frozen=True)
class PollColumns:
    """Polls as columns (one row per poll, sorted by fieldwork end): what the average and the charts read.

    shares and second are (N, len(codes)) with NaN where a poll publishes no figure; so is party, by party_codes.
    """

    codes: tuple[str, ...]
    day: np.ndarray  # fieldwork midpoint, ordinal
    end: np.ndarray  # fieldwork end, ordinal
    n: np.ndarray
    ids: np.ndarray
    pollster: np.ndarray  # index into names
    names: tuple[str, ...]
    shares: np.ndarray
    second: np.ndarray
    party_codes: tuple[str, ...] = ()
    party: np.ndarray | None = None  # (N, len(party_codes)) party voting intention, NaN where none is published
    other_parties: int = 0  # polls naming a party outside party_codes (party_average then reads the polls)

    def __len__(self) -> int:
        return len(self.day)

    @cached_property
    def by_day(self) -> np.ndarray:
        """Row indexes by fieldwork midpoint, then poll id: the order the charts draw points in. Made once (a
        worker computing the average makes it there: 100,000 rows sort in about 10 ms)."""
        return np.lexsort((self.ids, self.day))

    @cached_property
    def sorted_ids(self) -> np.ndarray:
        """The poll ids, ascending (core.baseline checks against them that the columns are of given polls)."""
        return np.sort(self.ids)

    @cached_property
    def in_day_order(self) -> DayOrdered:
        """The columns the charts draw, gathered into by_day order once (a worker computing the average makes it
        there too): each candidate's shares a contiguous row of `shares`, so a chart series reads its figures
        without a copy. At 100,000 polls these gathers were a third of the turn in which an average landed."""
        order = self.by_day
        return DayOrdered(
            day=self.day[order],
            n=self.n[order],
            ids=self.ids[order],
            pollster=self.pollster[order],
            shares=np.ascontiguousarray(self.shares[order].T),
        )

    def col(self, code: str) -> int:
        return self.codes.index(code)

    def upto(self, last_day: float) -> PollColumns:
        keep = self.end <= last_day
        return PollColumns(
            self.codes,
            self.day[keep],
            self.end[keep],
            self.n[keep],
            self.ids[keep],
            self.pollster[keep],
            self.names,
            self.shares[keep],
            self.second[keep],
            self.party_codes,
            None if self.party is None else self.party[keep],
            self.other_parties,
        )


EDIT_AT_MOST = 64
"""Polls added or taken out (an edit is both) up to which ColumnBuilder edits its last columns in place of building
them again: each changed row is put in or taken out by bisection on the sort key, the rest are moved as arrays.
A bigger change (an import, another contest) is built again from the rows."""


@dataclass(frozen=True)
class _Built:
    """What ColumnBuilder keeps of its last columns, to edit them when a few polls change."""

    identity: tuple[int, ...]  # id() of each poll object as given
    members: set[int]  # the same, as a set
    ordered: list[Poll]  # the poll objects in row order
    keys: list[tuple[int, int]]  # (fieldwork end, poll id) of each row: the sort key
    data: np.ndarray  # (N, 4 + 2 * len(codes) + len(party_codes) + 1): the rows, as _row gives them
    counts: dict[str, int]  # polls per pollster
    others: int  # polls naming a party outside the contest's (and "other")
    columns: PollColumns
    row_ids: np.ndarray  # id() of the poll object of each row, in row order (finds the rows of polls gone)
    mixed: frozenset[str] = frozenset()  # firm_key of every firm its polls write in more than one way


class ColumnBuilder:
    """Builds PollColumns, re-using the row of every Poll object it has seen before.

    Polls are immutable, so an unchanged Poll object always gives the same row: after one poll is added or
    edited only that row is computed again, and a 10,000-poll recompute skips the per-poll Python work. When
    only a few poll objects differ from the last build (a poll added, edited or deleted), the last columns are
    edited instead: the changed rows bisected in or taken out, the others moved as whole arrays. The result is
    the same, to the bit, as building from scratch (tests/core/test_averaging.py).
    """

    def __init__(self, contest: Contest) -> None:
        self.codes = (*[c.code for c in contest.candidates], "other")
        self._nans = (math.nan,) * len(self.codes)
        self.party_codes = (*[p.code for p in contest.parties], "other")
        self._party_nans = (math.nan,) * len(self.party_codes)
        self._party_set = frozenset(self.party_codes)
        self._rows: dict[int, tuple[Poll, tuple[float, ...]]] = {}
        self._last: _Built | None = None  # holds the last poll objects, so their ids cannot be reused
        # What callers work out from the same polls and keep with the columns between recomputes (core.pipeline's
        # transfer splits), each entry checked against what it was made from before it is used again.
        self.kept: dict[object, object] = {}

    def _row(self, p: Poll) -> tuple[float, ...]:
        hit = self._rows.get(id(p))
        if hit is not None and hit[0] is p:
            return hit[1]
        fr, sr = p.first_round, p.second_round
        start, end = p.fieldwork_start.toordinal(), p.fieldwork_end.toordinal()
        # map(dict.get, codes, nans) is the fastest per-poll lookup in CPython; most polls publish no
        # head-to-head, so those skip the second set of lookups altogether.
        row = (
            (start + end) * 0.5,
            end,
            math.nan if p.sample_size is None else p.sample_size,
            -1 if p.id is None else p.id,
            *map(fr.get, self.codes, self._nans),
            *(map(sr.get, self.codes, self._nans) if sr else self._nans),
            *(map(vi.get, self.party_codes, self._party_nans) if (vi := p.party_vi) else self._party_nans),
            # 1.0 when the poll names a party outside party_codes (its party figures are then read from the poll)
            float(bool(vi) and not vi.keys() <= self._party_set),
        )
        self._rows[id(p)] = (p, row)
        return row

    @staticmethod
    def _key(p: Poll) -> tuple[int, int]:
        return (p.fieldwork_end.toordinal(), -1 if p.id is None else p.id)

    def build(self, polls: Sequence[Poll]) -> PollColumns:
        identity = tuple(map(id, polls))
        last = self._last
        if last is not None and last.identity == identity:
            return last.columns  # the very same poll objects: the columns cannot have changed
        built = self._edit(last, polls, identity) if last is not None else None
        if built is None:
            built = self._build(polls, identity)
        self._last = built
        return built.columns

    def _columns(self, data: np.ndarray, pollster: np.ndarray, names: tuple[str, ...], others: int) -> PollColumns:
        k = len(self.codes)
        return PollColumns(
            codes=self.codes,
            day=data[:, 0],
            end=data[:, 1],
            n=data[:, 2],
            ids=data[:, 3].astype(np.int64),
            pollster=pollster,
            names=names,
            shares=data[:, 4 : 4 + k],
            second=data[:, 4 + k : 4 + 2 * k],
            party_codes=self.party_codes,
            party=data[:, 4 + 2 * k : -1],
            other_parties=others,
        )

    def _build(self, polls: Sequence[Poll], identity: tuple[int, ...]) -> _Built:
        ordered = sorted(polls, key=lambda p: (p.fieldwork_end, -1 if p.id is None else p.id))
        live = set(identity)
        if len(self._rows) > 2 * len(live) + 64:  # forget polls that are gone
            self._rows = {k: v for k, v in self._rows.items() if k in live}
        width = 4 + 2 * len(self.codes) + len(self.party_codes) + 1
        # fromiter over the flattened rows is about twice as fast as np.array on a list of tuples.
        data = np.fromiter(itertools.chain.from_iterable(map(self._row, ordered)), float, len(ordered) * width).reshape(
            len(ordered), width
        )
        # One firm however written ("YouGov", "yougov", fullwidth): counted, keyed and shown as first written
        shown = firm_spellings(p.pollster for p in ordered)
        counts: dict[str, int] = {}
        for p in ordered:
            counts[shown[p.pollster]] = counts.get(shown[p.pollster], 0) + 1
        names = tuple(sorted(counts))
        lookup = {name: i for i, name in enumerate(names)}
        pollster = np.fromiter((lookup[shown[p.pollster]] for p in ordered), np.int64, len(ordered))
        mixed = frozenset(firm_key(a) for a, b in shown.items() if a != b)
        keys = [(int(e), int(i)) for e, i in zip(data[:, 1].tolist(), data[:, 3].tolist(), strict=True)]
        others = int(data[:, -1].sum())
        row_ids = np.fromiter(map(id, ordered), np.int64, len(ordered))
        columns = self._columns(data, pollster, names, others)
        return _Built(identity, live, ordered, keys, data, counts, others, columns, row_ids, mixed)

    def _edit(self, last: _Built, polls: Sequence[Poll], identity: tuple[int, ...]) -> _Built | None:
        """The last columns with a few rows put in and taken out; None when the change is too big for that, or
        when a row's place would depend on the order the polls were given in (an unstored poll, a repeated key)."""
        # Set differences and index look-ups run in C: a pass in Python over the 10,000 polls to find the one added
        # took 3-4 ms (the set of the polls given is made once either way).
        if abs(len(polls) - len(last.ordered)) > EDIT_AT_MOST:
            return None
        before = last.members
        now = set(identity)
        if len(now) != len(polls):
            return None  # one poll object given twice
        came, went = now - before, before - now
        if len(came) > EDIT_AT_MOST or len(went) > EDIT_AT_MOST:
            return None  # many changed
        # a few: each found by a scan in C; more (a paste): one pass in Python beats a scan each
        added = [polls[identity.index(i)] for i in came] if len(came) <= 4 else [p for p in polls if id(p) in came]
        if any(p.id is None for p in added):
            return None
        gone = np.flatnonzero(np.isin(last.row_ids, np.fromiter(went, np.int64, len(went)))).tolist() if went else []
        if self._spelt_apart(last, added, (last.ordered[i] for i in gone)):
            return None  # a firm written two ways: which spelling is first written is the full build's to say
        new = sorted(added, key=self._key)
        new_keys = [self._key(p) for p in new]
        keys = list(last.keys)
        ordered = list(last.ordered)
        for i in reversed(gone):
            del keys[i]
        places = [bisect_left(keys, k) for k in new_keys]
        if any(j < len(keys) and keys[j] == k for j, k in zip(places, new_keys, strict=True)) or len(
            set(new_keys)
        ) != len(new_keys):
            return None  # two polls with one key: a full sort keeps them in the order given
        gone_polls = [ordered[i] for i in gone]
        for i in reversed(gone):
            del ordered[i]
        for p in gone_polls:
            self._rows.pop(id(p), None)
        counts = dict(last.counts)
        for p in gone_polls:
            counts[p.pollster] -= 1
            if not counts[p.pollster]:
                del counts[p.pollster]
        for p in new:
            counts[p.pollster] = counts.get(p.pollster, 0) + 1
        names = tuple(sorted(counts))
        pollster = np.delete(last.columns.pollster, gone) if gone else last.columns.pollster
        if names != last.columns.names:  # a pollster came or went: every row's index into the names moves
            lookup = {name: i for i, name in enumerate(names)}
            pollster = np.asarray([lookup.get(name, -1) for name in last.columns.names], dtype=np.int64)[pollster]
        else:
            lookup = {name: i for i, name in enumerate(names)}
        width = last.data.shape[1]
        rows = np.asarray([self._row(p) for p in new], dtype=float).reshape(len(new), width)
        others = last.others - int(last.data[gone, -1].sum()) + int(rows[:, -1].sum())
        data = np.insert(np.delete(last.data, gone, axis=0) if gone else last.data, places, rows, axis=0)
        pollster = np.insert(pollster, places, np.asarray([lookup[p.pollster] for p in new], dtype=np.int64))
        row_ids = np.insert(
            np.delete(last.row_ids, gone) if gone else last.row_ids,
            places,
            np.fromiter(map(id, new), np.int64, len(new)),
        )
        for j, k, p in reversed(list(zip(places, new_keys, new, strict=True))):
            keys.insert(j, k)
            ordered.insert(j, p)
        columns = self._columns(data, pollster, names, others)
        return _Built(identity, now, ordered, keys, data, counts, others, columns, row_ids, last.mixed)

    @staticmethod
    def _spelt_apart(last: _Built, added: Sequence[Poll], gone: Iterable[Poll]) -> bool:
        """Whether a poll put in or taken out is of a firm written two ways (firm_key): among the last build's
        polls, or as a name the last build counts under another spelling."""
        if not last.mixed and not any(p.pollster not in last.counts for p in added):
            return False  # the usual case: every poll added is of a firm already counted under its own name
        folded = {firm_key(name): name for name in last.counts}
        return any(
            firm_key(p.pollster) in last.mixed or folded.get(firm_key(p.pollster), p.pollster) != p.pollster
            for p in itertools.chain(added, gone)
        )


PAIR_HALF_LIFE_DAYS = 14.0
"""Half-life of the recency mean that proposes the front-runner pair before the smoother confirms it."""


def _recency_pair(
    cols: PollColumns,
    codes: Sequence[str],
    as_of_day: float,
    eligible: frozenset[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> tuple[str, str] | None:
    """front_pair on a recency-weighted mean of each candidate's share (recency_weighted_mean, vectorised), among
    the `eligible` codes (default: all); ties ordered by `names` as the count orders them (front_pair)."""
    if len(cols) == 0:
        return None
    shares = cols.shares[:, : len(codes)]
    present = ~np.isnan(shares)
    filled = np.where(present, shares, 0.0)
    decay = 0.5 ** (np.maximum(as_of_day - cols.day, 0.0) / PAIR_HALF_LIFE_DAYS)
    w = np.where(present, decay[:, None] / (_share_var(filled, cols.n[:, None]) + NONSAMPLING_VAR), 0.0)
    den = w.sum(axis=0)
    num = (w * filled).sum(axis=0)
    means = {c: float(num[j] / den[j]) for j, c in enumerate(codes) if den[j] > 0 and (not eligible or c in eligible)}
    return front_pair(means, names) if len(means) >= 2 else None


def _lead_series(
    cols: PollColumns, a: str, b: str, splits: Mapping[str, Split] | None
) -> tuple[SeriesData, SeriesData, PointSet, PointSet]:
    """First-round and runoff leads of a over b, as series, plus the runoff points by source.

    The runoff lead of a poll is its published head-to-head when it has one (undecideds dropped), else the
    runoff implied by its first round and `splits` (runoff.implied_runoff, vectorised over polls).
    """
    col_of = {c: i for i, c in enumerate(cols.codes)}
    ja, jb = col_of[a], col_of[b]
    day, n, ids, pidx, names, shares = cols.day, cols.n, cols.ids, cols.pollster, list(cols.names), cols.shares
    both = ~np.isnan(shares[:, ja]) & ~np.isnan(shares[:, jb])
    sa, sb = shares[both, ja], shares[both, jb]
    first = SeriesData(day[both], sa - sb, _lead_var(sa, sb, n[both]), pidx[both], names)

    h2a, h2b = cols.second[:, ja], cols.second[:, jb]
    h2h = ~np.isnan(h2a) & ~np.isnan(h2b) & (h2a + h2b > 0)
    tot = h2a[h2h] + h2b[h2h]
    ha, hb = 100.0 * h2a[h2h] / tot, 100.0 * h2b[h2h] / tot

    imp = both & ~h2h
    # implied_runoff ignores non-positive shares; the overall renormalisation to 100 cancels in the ratio.
    filled = np.clip(np.nan_to_num(shares[imp]), 0.0, None)
    va, vb = filled[:, ja].copy(), filled[:, jb].copy()
    for code, split in (splits or {}).items():
        j = col_of.get(code)
        if j is None or j in (ja, jb):
            continue
        va += filled[:, j] * split.to_a / 100.0
        vb += filled[:, j] * split.to_b / 100.0
    fin = va + vb
    nobody = fin <= 0  # nobody left for either finalist: Runoff.a_share calls that 50/50, and so does this
    fin[nobody] = 1.0
    ia, ib = 100.0 * va / fin, 100.0 * vb / fin
    ia[nobody] = ib[nobody] = 50.0

    names_arr = np.asarray(names, dtype=object)
    observed_var = _lead_var(ha, hb, n[h2h])
    implied_var = IMPLIED_INFLATION * _lead_var(ia, ib, n[imp])
    observed = PointSet(day[h2h], ha - hb, ids[h2h], observed_var, names_arr[pidx[h2h]])
    implied = PointSet(day[imp], ia - ib, ids[imp], implied_var, names_arr[pidx[imp]])
    second = SeriesData(
        np.concatenate([observed.day, implied.day]),
        np.concatenate([observed.value, implied.value]),
        np.concatenate([observed_var, implied_var]),
        np.concatenate([pidx[h2h], pidx[imp]]),
        names,
    )
    return first, second, observed, implied


def _share_band(series: AverageSeries, level: float) -> AverageSeries:
    """The same average with its band on the logit scale, so a share's band stays inside 0-100 (a 2 % candidate's
    band no longer dips below zero); the band's width near the mean is unchanged (delta method)."""
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    sd = (series.upper - series.mean) / z
    lower, upper = share_interval(np.clip(series.mean, 0.0, 100.0), sd, level)
    return replace(series, lower=np.asarray(lower, dtype=float), upper=np.asarray(upper, dtype=float))


def _lead_band(series: AverageSeries) -> AverageSeries:
    """The same lead with its band held within -100 to +100 points, the most one share can lead another by: two
    polls of one respondent each (a sample of 1 is refused by no reader) put the first-round lead's band at
    -100.8 to +106.8 and the runoff lead's at -160.2 to +166.9, printed and drawn. The mean, and any band
    inside that range (every real race's), is unchanged."""
    if series.empty:
        return series
    return replace(series, lower=np.clip(series.lower, -100.0, 100.0), upper=np.clip(series.upper, -100.0, 100.0))


def _leads_of_two(sa: AverageSeries, sb: AverageSeries) -> tuple[AverageSeries, AverageSeries]:
    """The first-round lead (a - b, points) and the runoff lead (points of the two's valid vote) of a two-candidate
    race, from its two share averages on their common grid. The band adds the two shares' half-widths: with two
    candidates one's gain is the other's loss. Where the shares sum to 100 the two leads are the same series."""
    mean = sa.mean - sb.mean
    below = (sa.mean - sa.lower) + (sb.upper - sb.mean)
    above = (sa.upper - sa.mean) + (sb.mean - sb.lower)
    firms = {**sa.house_effects, **sb.house_effects}
    houses = {k: sa.house_effects.get(k, 0.0) - sb.house_effects.get(k, 0.0) for k in firms}
    first = AverageSeries(sa.days, mean, mean - below, mean + above, houses, sa.level)
    total = sa.mean + sb.mean
    scale = np.divide(100.0, total, out=np.ones_like(total), where=total > 0)
    second = AverageSeries(sa.days, mean * scale, (mean - below) * scale, (mean + above) * scale, houses, sa.level)
    return first, second


def average_polls(
    polls: Sequence[Poll],
    contest: Contest,
    *,
    a: str | None = None,
    b: str | None = None,
    as_of: date | None = None,
    splits: Mapping[str, Split] | None = None,
    end: date | None = None,
    drift_sd_per_day: float = 0.25,
    level: float = 0.90,
    columns: PollColumns | None = None,
    splits_for: Callable[[str, str], Mapping[str, Split]] | None = None,
) -> PollAverages:
    """All the averages of a contest: first-round shares, first-round lead, runoff lead.

    Args:
        polls: the contest's polls, in any order. A poll without a figure is skipped for that series.
        contest: the race (its candidates name the first-round series).
        a: first finalist; with `b`, fixes the pair and its order. By default the pair is the top two of
            the latest smoothed first-round averages, leader first.
        b: second finalist.
        as_of: ignore polls whose fieldwork ended after this day, and end the grid there (no look-ahead).
        splits: transfer splits (relative to the final a, b) used to imply a runoff for polls that publish
            no head-to-head; candidates without one exhaust. Pass `splits_for` when the pair is chosen here.
        end: extend the grid to this day (e.g. election day) when no as_of is given.
        drift_sd_per_day: daily random-walk sd of a share; leads drift LEAD_DRIFT_FACTOR times faster.
        level: coverage of the bands.
        columns: the polls as columns, if the caller keeps a ColumnBuilder (skips the per-poll work).
        splits_for: instead of `splits`, a function of the pair (a, b) giving them.

    Returns:
        The averages; a series with no polls is empty (first-round ones are left out).
    """
    # No poll of the race is dated after `latest` (core.validation), so an average "as of" a later day is the
    # average as of `latest`; without the cap a date in 9999 (a typo, a hand-edited saved scenario) built a
    # daily grid of millions of days. The same for `end`.
    latest = poll_date_window(contest)[1]
    as_of = min(as_of, latest) if as_of is not None else None
    end = min(end, latest) if end is not None else None
    cols_all = columns if columns is not None else ColumnBuilder(contest).build(polls)
    cols = cols_all.upto(as_of.toordinal()) if as_of is not None else cols_all
    codes = [c.code for c in contest.candidates]
    n_codes = len(codes)
    # A withdrawn candidate keeps his series (old polls) but is never a finalist: the contest file's
    # `withdrawn = true` leaves him out of new baselines (the runoff is between the top two standing).
    standing = frozenset(c.code for c in contest.standing)
    eligible = standing if len(standing) >= 2 and len(standing) < n_codes else None

    def splits_of(pair: tuple[str, str]) -> Mapping[str, Split] | None:
        return splits_for(*pair) if splits_for is not None else splits

    chosen = a is not None and b is not None
    if a is not None and b is not None:
        pair = (a, b)
    else:
        # A cheap proposal, so the usual case smooths everything in one pass; the smoother checks it below.
        last_day = float(as_of.toordinal()) if as_of is not None else float(cols.day.max()) if len(cols) else 0.0
        pair = _recency_pair(cols, codes, last_day, eligible, tie_names(contest)) or (codes[0], codes[1])

    first_round: list[SeriesData] = []
    names = list(cols.names)
    for j in range(n_codes):
        m = ~np.isnan(cols.shares[:, j])
        first_round.append(
            SeriesData(
                cols.day[m], cols.shares[m, j], _share_var(cols.shares[m, j], cols.n[m]), cols.pollster[m], names
            )
        )
    end_day: float | None = None
    if as_of is not None:
        end_day = float(as_of.toordinal())
    elif end is not None and len(cols):
        end_day = float(max(end.toordinal(), math.ceil(cols.day.max())))
    share_drifts = [drift_sd_per_day] * n_codes
    lead_drifts = [drift_sd_per_day * LEAD_DRIFT_FACTOR] * 2

    lead1, lead2, observed, implied = _lead_series(cols, *pair, splits_of(pair))
    smoothed = smooth_many(
        [*first_round, lead1, lead2], end_day=end_day, drift_sd_per_day=share_drifts + lead_drifts, level=level
    )
    shares = {c: _share_band(s, level) for c, s in zip(codes, smoothed[:n_codes], strict=True) if not s.empty}
    first_lead, second_lead = smoothed[n_codes], smoothed[n_codes + 1]
    if not chosen and len(shares) >= 2:
        # "Leader first" means by the average the charts show (house-adjusted, smoothed), which can disagree
        # with the recency mean in a close race; then redo the two leads for the right pair and order.
        # Every series ends on the same grid day, so the last means are comparable.
        means = {c: float(s.mean[-1]) for c, s in shares.items() if not eligible or c in eligible}
        best = front_pair(means, tie_names(contest)) if len(means) >= 2 else pair
        if best != pair:
            pair = best
            grid_end = max(float(s.days[-1]) for s in shares.values())
            lead1, lead2, observed, implied = _lead_series(cols, *pair, splits_of(pair))
            first_lead, second_lead = smooth_many(
                [lead1, lead2], end_day=grid_end, drift_sd_per_day=lead_drifts, level=level
            )
    two_only = n_codes == 2 and pair[0] in shares and pair[1] in shares
    if two_only:
        # Two candidates: nobody is eliminated, so the runoff is the first round. Both leads are read from the
        # two share averages (the runoff's scaled to the two's valid vote); averaged apart (the runoff's as implied
        # runoffs of doubled variance) they said 64.9 and +29.9 where the first round said 64.5 and +29.3.
        first_lead, second_lead = _leads_of_two(shares[pair[0]], shares[pair[1]])
    return PollAverages(
        a=pair[0],
        b=pair[1],
        first_round=shares,
        first_lead=_lead_band(first_lead),
        second_lead=_lead_band(second_lead),
        second_lead_observed=observed,
        second_lead_implied=implied,
        as_of=as_of,
        columns=cols,
        runoff_is_first_round=two_only,
    )
