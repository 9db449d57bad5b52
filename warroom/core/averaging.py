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

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist

import numpy as np

from warroom.core.runoff import Split, front_pair
from warroom.core.types import Contest, Poll

NONSAMPLING_VAR = 1.0
"""Points squared added to every poll's sampling variance: differences of method, wording and timing that no
sample size removes. Published analyses of UK polling put total error at about twice the sampling error;
a one-point floor keeps a huge panel poll from pinning the average on its own."""

LEAD_DRIFT_FACTOR = math.sqrt(2.0)
"""A lead moves when either share moves; with the two moving independently its drift is sqrt(2) times larger."""

IMPLIED_INFLATION = 2.0
"""Implied runoff leads carry the transfer assumptions as well as sampling error: their variance is doubled."""

DIFFUSE_VAR = 1e6

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


def share_variance(share_pct: float, n: int | None) -> float:
    """Sampling variance of a share in percent squared: p(1-p)/n, with p kept away from 0 and 1."""
    p = min(max(share_pct / 100.0, 0.01), 0.99)
    return 1e4 * p * (1.0 - p) / max(n if n is not None else DEFAULT_SAMPLE, 1)


def lead_variance(a_pct: float, b_pct: float, n: int | None) -> float:
    """Sampling variance of a lead pa - pb (multinomial): (pa + pb - (pa - pb)^2) / n, in percent squared."""
    pa, pb = a_pct / 100.0, b_pct / 100.0
    v = pa + pb - (pa - pb) ** 2
    return 1e4 * max(v, 1e-4) / max(n if n is not None else DEFAULT_SAMPLE, 1)


@dataclass(frozen=True)
class AverageSeries:
    days: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    house_effects: Mapping[str, float] = field(default_factory=dict)
    level: float = 0.9

    @property
    def empty(self) -> bool:
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
    """One series as arrays: what smooth_many works on (Observation lists convert to this)."""

    day: np.ndarray  # float ordinal days
    value: np.ndarray
    variance: np.ndarray
    pollster: np.ndarray  # int index into names
    names: Sequence[str]

    @classmethod
    def of(cls, observations: Sequence[Observation]) -> SeriesData:
        n = len(observations)
        names = sorted({o.pollster for o in observations})
        lookup = {p: i for i, p in enumerate(names)}
        return cls(
            np.fromiter((o.day for o in observations), float, n),
            np.fromiter((o.value for o in observations), float, n),
            np.fromiter((o.variance for o in observations), float, n),
            np.fromiter((lookup[o.pollster] for o in observations), np.int64, n),
            names,
        )

    def __len__(self) -> int:
        return len(self.day)


def _house_effects(
    data: Sequence[SeriesData],
    day_idx: Sequence[np.ndarray],
    T: int,
    weights: Sequence[np.ndarray],
    q: np.ndarray,
    prior_sd: float,
    iterations: int,
) -> list[np.ndarray]:
    """Alternate smoothing and per-pollster mean residuals, shrunk to 0 and centred over the polls."""
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
    """Smooth several series on one shared daily grid (one pass over the days for all of them)."""
    data = [s if isinstance(s, SeriesData) else SeriesData.of(s) for s in series]
    nonempty = [d for d in data if len(d)]
    if not nonempty:
        return [AverageSeries.nothing() for _ in data]
    all_days = np.concatenate([d.day for d in nonempty])
    start = math.floor(start_day if start_day is not None else all_days.min())
    end = math.ceil(end_day if end_day is not None else all_days.max())
    if end < start:
        return [AverageSeries.nothing() for _ in data]
    T = end - start + 1
    S = len(data)
    q = np.broadcast_to(np.asarray(drift_sd_per_day, dtype=float), (S,)) ** 2
    day_idx = [np.clip(np.rint(d.day).astype(np.int64) - start, 0, T - 1) for d in data]
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
    days = np.arange(start, end + 1, dtype=float)
    out: list[AverageSeries] = []
    for s in range(S):
        if len(data[s]) == 0:
            out.append(AverageSeries.nothing())
            continue
        # A series starts at its own first poll: before it, the model only extrapolates backwards from
        # nothing (a candidate not yet polled), which would draw a meaningless, very wide band.
        first = int(day_idx[s].min()) if start_day is None else 0
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
    """Smoothed average of one series with a `level` band (see smooth_many)."""
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
    """The plain benchmark: precision-weighted, exponentially decaying with age; later polls ignored."""
    num = den = 0.0
    for o in observations:
        age = as_of_day - o.day
        if age < 0:
            continue
        w = 0.5 ** (age / half_life_days) / (o.variance + NONSAMPLING_VAR)
        num += w * o.value
        den += w
    return num / den if den else math.nan


@dataclass(frozen=True)
class PointSet:
    """Poll points of a series as arrays (for charts): ordinal day, value, poll id."""

    day: np.ndarray
    value: np.ndarray
    poll_id: np.ndarray

    @classmethod
    def empty(cls) -> PointSet:
        return cls(np.empty(0), np.empty(0), np.empty(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.day)


@dataclass(frozen=True)
class PollAverages:
    """Every series the charts show, for one contest, from one set of polls."""

    a: str
    b: str
    first_round: Mapping[str, AverageSeries]
    first_lead: AverageSeries
    second_lead: AverageSeries
    second_lead_observed: PointSet = field(default_factory=PointSet.empty)
    second_lead_implied: PointSet = field(default_factory=PointSet.empty)
    as_of: date | None = None
    columns: PollColumns | None = None

    def latest_first_round(self, day: float | None = None) -> dict[str, float]:
        """Average first-round shares on a day (default: the last day of the grid)."""
        out: dict[str, float] = {}
        for code, series in self.first_round.items():
            if not series.empty:
                out[code] = series.at(series.days[-1] if day is None else day)[0]
        return out


def _share_var(p_pct: np.ndarray, n: np.ndarray) -> np.ndarray:
    p = np.clip(p_pct / 100.0, 0.01, 0.99)
    return 1e4 * p * (1.0 - p) / np.maximum(np.nan_to_num(n, nan=DEFAULT_SAMPLE), 1)


def _lead_var(a_pct: np.ndarray, b_pct: np.ndarray, n: np.ndarray) -> np.ndarray:
    pa, pb = a_pct / 100.0, b_pct / 100.0
    return 1e4 * np.maximum(pa + pb - (pa - pb) ** 2, 1e-4) / np.maximum(np.nan_to_num(n, nan=DEFAULT_SAMPLE), 1)


@dataclass(frozen=True)
class PollColumns:
    """Polls as columns (one row per poll, sorted by fieldwork end): what the average and the charts read.

    shares and second are (N, len(codes)) with NaN where a poll publishes no figure.
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

    def __len__(self) -> int:
        return len(self.day)

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
        )


class ColumnBuilder:
    """Builds PollColumns, re-using the row of every Poll object it has seen before.

    Polls are immutable, so an unchanged Poll object always gives the same row: after one poll is added or
    edited only that row is computed again, and a 10,000-poll recompute skips the per-poll Python work.
    """

    def __init__(self, contest: Contest) -> None:
        self.codes = (*[c.code for c in contest.candidates], "other")
        self._rows: dict[int, tuple[Poll, tuple[float, ...]]] = {}
        self._last: tuple[tuple[int, ...], PollColumns] | None = None
        self._keep: Sequence[Poll] = ()  # holds the last poll objects, so their ids cannot be reused

    def _row(self, p: Poll) -> tuple[float, ...]:
        hit = self._rows.get(id(p))
        if hit is not None and hit[0] is p:
            return hit[1]
        nan = math.nan
        fr, sr = p.first_round, p.second_round
        start, end = p.fieldwork_start.toordinal(), p.fieldwork_end.toordinal()
        row = (
            (start + end) * 0.5,
            float(end),
            math.nan if p.sample_size is None else float(p.sample_size),
            float(-1 if p.id is None else p.id),
            *[fr.get(c, nan) for c in self.codes],
            *[sr.get(c, nan) for c in self.codes],
        )
        self._rows[id(p)] = (p, row)
        return row

    def build(self, polls: Sequence[Poll]) -> PollColumns:
        identity = tuple(map(id, polls))
        if self._last is not None and self._last[0] == identity:
            return self._last[1]  # the very same poll objects: the columns cannot have changed
        columns = self._build(polls)
        self._last = (identity, columns)
        self._keep = list(polls)
        return columns

    def _build(self, polls: Sequence[Poll]) -> PollColumns:
        ordered = sorted(polls, key=lambda p: (p.fieldwork_end, -1 if p.id is None else p.id))
        live = {id(p) for p in ordered}
        if len(self._rows) > 2 * len(live) + 64:  # forget polls that are gone
            self._rows = {k: v for k, v in self._rows.items() if k in live}
        k = len(self.codes)
        data = np.array([self._row(p) for p in ordered], dtype=float).reshape(len(ordered), 4 + 2 * k)
        names = tuple(sorted({p.pollster for p in ordered}))
        lookup = {name: i for i, name in enumerate(names)}
        return PollColumns(
            codes=self.codes,
            day=data[:, 0],
            end=data[:, 1],
            n=data[:, 2],
            ids=data[:, 3].astype(np.int64),
            pollster=np.fromiter((lookup[p.pollster] for p in ordered), np.int64, len(ordered)),
            names=names,
            shares=data[:, 4 : 4 + k],
            second=data[:, 4 + k :],
        )


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
        a, b: the front-runner pair; by default the top two of the mean of the latest ten polls.
        as_of: ignore polls whose fieldwork ended after this day, and end the grid there (no look-ahead).
        splits: transfer splits used to imply a runoff for polls that publish no head-to-head
            (candidates without one exhaust).
        end: extend the grid to this day (e.g. election day) when no as_of is given.
        columns: the polls as columns, if the caller keeps a ColumnBuilder (skips the per-poll work).
        splits_for: instead of `splits`, a function of the pair (a, b) giving them, for when the pair is
            chosen here.
    """
    cols_all = columns or ColumnBuilder(contest).build(polls)
    cols = cols_all.upto(as_of.toordinal()) if as_of is not None else cols_all
    codes = [c.code for c in contest.candidates]
    N = len(cols)
    if a is None or b is None:
        recent = cols.shares[-10:, : len(codes)]
        totals = {c: float(np.nansum(recent[:, j])) for j, c in enumerate(codes) if not np.all(np.isnan(recent[:, j]))}
        if len(totals) < 2:
            totals = {codes[0]: 1.0, codes[1]: 0.5}
        a, b = front_pair(totals)
    if splits_for is not None:
        splits = splits_for(a, b)
    col_of = {c: i for i, c in enumerate(cols.codes)}
    day, n, ids, pidx, names, shares = cols.day, cols.n, cols.ids, cols.pollster, list(cols.names), cols.shares
    second = np.stack([cols.second[:, col_of[a]], cols.second[:, col_of[b]]], axis=1) if N else np.empty((0, 2))
    second[np.isnan(second).any(axis=1)] = np.nan
    series: list[SeriesData] = []
    for j in range(len(codes)):
        m = ~np.isnan(shares[:, j])
        series.append(SeriesData(day[m], shares[m, j], _share_var(shares[m, j], n[m]), pidx[m], names))
    ja, jb = col_of[a], col_of[b]
    both = ~np.isnan(shares[:, ja]) & ~np.isnan(shares[:, jb])
    sa, sb = shares[both, ja], shares[both, jb]
    series.append(SeriesData(day[both], sa - sb, _lead_var(sa, sb, n[both]), pidx[both], names))
    # Runoff lead: published head-to-heads where there are any, else implied by first round + transfers.
    h2h = ~np.isnan(second[:, 0]) & ((second[:, 0] + second[:, 1]) > 0)
    tot = second[h2h, 0] + second[h2h, 1]
    ha, hb = 100.0 * second[h2h, 0] / tot, 100.0 * second[h2h, 1] / tot
    imp = both & ~h2h
    filled = np.nan_to_num(shares[imp])
    total = filled.sum(axis=1)
    total[total <= 0] = 1.0
    va = filled[:, ja].copy()
    vb = filled[:, jb].copy()
    split_map = dict(splits or {})
    for code, j in col_of.items():
        if j in (ja, jb) or code not in split_map:
            continue
        sp = split_map[code]
        va += filled[:, j] * sp.to_a / 100.0
        vb += filled[:, j] * sp.to_b / 100.0
    fin = va + vb
    fin[fin <= 0] = 1.0
    ia, ib = 100.0 * va / fin, 100.0 * vb / fin
    lead2 = SeriesData(
        np.concatenate([day[h2h], day[imp]]),
        np.concatenate([ha - hb, ia - ib]),
        np.concatenate([_lead_var(ha, hb, n[h2h]), IMPLIED_INFLATION * _lead_var(ia, ib, n[imp])]),
        np.concatenate([pidx[h2h], pidx[imp]]),
        names,
    )
    series.append(lead2)
    end_day: float | None = None
    if as_of is not None:
        end_day = float(as_of.toordinal())
    elif end is not None and N:
        end_day = float(max(end.toordinal(), math.ceil(day.max())))
    drifts = [drift_sd_per_day] * len(codes) + [drift_sd_per_day * LEAD_DRIFT_FACTOR] * 2
    smoothed = smooth_many(series, end_day=end_day, drift_sd_per_day=drifts, level=level)
    return PollAverages(
        a=a,
        b=b,
        first_round={c: s for c, s in zip(codes, smoothed[: len(codes)], strict=True) if not s.empty},
        first_lead=smoothed[len(codes)],
        second_lead=smoothed[len(codes) + 1],
        second_lead_observed=PointSet(day[h2h], ha - hb, ids[h2h]),
        second_lead_implied=PointSet(day[imp], ia - ib, ids[imp]),
        as_of=as_of,
        columns=cols,
    )
