"""Forecast maths: how far a poll average may be from the result, shares that stay shares, runoff odds.

Two bands answer two questions. The poll-average band (core.averaging) says where the polls stand; the
forecast band says where the result may land. The second adds the historical error of poll averages, which
grows with the distance to polling day, to the average.

Error model. For a series (the runoff margin, or a first-round share), the error of the poll average d days
before polling day, average minus result, is taken as normal with variance

    var(d) = s0^2 + k * d,

s0 the eve-of-poll error (the shared miss that averaging cannot remove) and k the variance per day of how far
the average still moves before polling day (a random walk, as core.averaging assumes). Shares are put on one
scale first: a candidate on p % has sd 2 sqrt(p (1 - p)) times the sd of a 50 % candidate (the binomial shape;
it is also exactly what the log-share noise of `simulate_first_round` gives), so one curve serves every
candidate, with p the average's own share.

Data (resources/data/forecast_errors.json; every figure is listed there with its source):

* Eve-of-poll errors, one value per race (its final-week average against the official count):
  runoff margin 2004, 2008, 2012, 2016; first-round shares 2008, 2012, 2016. For 2012 the average is the app's
  own (core.pipeline.compute_averages on london_2012_polls.csv as of the day before polling day); for the other
  years no polls ship with the app, so the average is the plain mean of the final-week polls named in
  scenario.py's docstring (margin) and of the final YouGov polls (shares: 2008 Johnson and Livingstone only,
  2016 seven candidates). No sourced final-poll first-round figures were found for 2000 or 2004, and no
  runoff figures for 2000: those races are not used. A race's share value is the mean over its candidates of
  the squared scaled errors, so each race counts once however many candidates it polled.
* Movement of the average, for k: how far the average moved between d days out and the final week, less the
  sampling variance of the two figures (the variance of a difference of two independent estimates). Only two
  races have sourced figures earlier in the campaign: 2012 (the app's average at 60, 30, 14 and 7 days; the
  four spans overlap, so they are not four independent races) and 2016 (one YouGov poll 16 days out, against
  YouGov's final poll). No earlier-campaign figures for 2000-2008 are used: none with dates were found.

Fit, a documented rule rather than a search (`fit_curve`): with prior values s0p and kp counting as `nu0` and
`nuk` races,

    s0^2 = (nu0 s0p^2 + sum over races of the eve-of-poll squared error) / (nu0 + races),
    k    = max(0, (nuk kp D + sum of excess squared movements) / (nuk D + sum of their spans in days)),

with D = 60 days, the span one prior race stands for. Priors, all from outside the London records: s0p for
the margin is twice the sampling sd of a 1,000-person poll's lead (2 x 100 sqrt(1/1000) = 6.3; "total error
about twice the sampling error", the rule of thumb core.averaging.NONSAMPLING_VAR cites) and for a 50 %
share half that (3.16); kp is the random-walk drift core.averaging assumes (0.25 points a day for a share,
so 0.0625 points^2 a day, and sqrt(2) times that sd for a lead: 0.125). nu0 = 2 and nuk = 1.

Few races: four for the margin, three for shares. The spread of so few errors is itself uncertain, so the
sd is widened to the Student-t predictive with nu0 + races degrees of freedom: `ErrorCurve.sd` is the normal
sd whose `level` (90 %) interval equals the t interval, sqrt(var(d)) x t(nu, 0.95) / z(0.95), 1.18 for the
margin (6 dof) and 1.22 for shares (5). More races (or another election type in the JSON) narrow it.
Weaknesses, said plainly: three of the four races' averages are means of a handful of final polls, not the
app's smoother; the 2016 movement is one pollster's two polls; k rests on one race and a half.

The shipped table gives (points; tests/core/test_forecast.py checks these against the file):

    days before polling day      60     30     14      7      1
    runoff margin sd           7.96   7.47   7.20   7.08   6.97
    50 % candidate's share sd  4.20   3.80   3.57   3.46   3.37

so a 90 % forecast band on the margin is about +-11.5 points the day before and +-13 two months out.

Shares that stay shares. Intervals are computed on the logit scale (delta method), so they stay inside
0-100. First-round draws are logistic-normal: each log-share gets independent normal noise with sd
sigma = 2 sd50 / (100 sqrt(p)) and mean -sigma^2 / 2 (so the draws average the expected shares), and the
draw is renormalised (softmax). To first order that gives the covariance sd50^2 x 4 (diag(p) - p p^T) in
points^2: each share's sd as `ForecastErrors.share_sd`, errors that sum to zero, every draw positive and
summing to 100.

Runoff odds by simulation (`simulate_runoff`), Supplementary Vote rules: above 50 % of the first round wins
outright; otherwise the top two meet. For the A-B final each eliminated candidate's voters transfer at their
split's rate, A's part of each split drawn with sd `transfer_sd`. The margin is linear in those parts, so
their weighted sum is drawn directly: one normal per draw, exact in distribution, kept within the votes that
transfer (separate draws would clip each split to 0-100 instead). A final pair other than A-B has no split
in the scenario: it goes to the pair's first-round leader (even transfers). The margin's spread can be tied to
the margin's own historical curve (`target_margin_sd`), which rests on more races than the share curve.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np

from warroom.core.runoff import NO_TRANSFER, Split

REFERENCE_DAYS = (60, 30, 14, 7, 1)
"""Distances before polling day (days) the back-test and the report use."""

PRIOR_SPAN_DAYS = 60.0
"""Days of movement one prior race stands for in the fit of k."""

DEFAULT_TYPE = "london_mayor"
"""The election type the shipped table holds (Supplementary Vote mayoral races, London 2004-2016)."""

_NORMAL = NormalDist()
_P_FLOOR = 1e-4  # shares (fractions) are kept within [1e-4, 1 - 1e-4] on the logit scale: 0.01 % from the edge
_GRID = 20_001  # points of the Student-t angle grid: trapezoid error about 1e-9


# --- Student t without scipy --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)  # pure, and called for every sd an ErrorCurve gives
def student_t_quantile(prob: float, dof: float) -> float:
    """The `prob` quantile of Student's t with `dof` degrees of freedom (dof >= 1; inf gives the normal).

    Uses t = sqrt(dof) tan(theta), under which the density becomes proportional to cos(theta)^(dof - 1), a
    smooth integrand on [0, pi/2): integrated by the trapezoid rule on a fine grid and inverted by
    interpolation. Accurate to about 1e-6 for the levels intervals use.

    Args:
        prob: probability, strictly between 0 and 1.
        dof: degrees of freedom, at least 1.

    Returns:
        The quantile.
    """
    if not 0.0 < prob < 1.0:
        raise ValueError(f"t quantile: probability must lie strictly within 0-1, got {prob}")
    if not dof >= 1.0:
        raise ValueError(f"t quantile: degrees of freedom must be at least 1, got {dof}")
    if math.isinf(dof):
        return _NORMAL.inv_cdf(prob)
    if prob < 0.5:
        return -student_t_quantile(1.0 - prob, dof)
    theta = np.linspace(0.0, math.pi / 2.0, _GRID)
    dens = np.cos(theta) ** (dof - 1.0)
    cum = np.concatenate(([0.0], np.cumsum((dens[1:] + dens[:-1]) * 0.5 * np.diff(theta))))
    const = math.exp(math.lgamma((dof + 1.0) / 2.0) - math.lgamma(dof / 2.0)) / math.sqrt(math.pi)
    angle = float(np.interp(prob - 0.5, const * cum, theta))
    return math.sqrt(dof) * math.tan(angle)


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"interval level must lie strictly within 0-1, got {level}")
    return _NORMAL.inv_cdf(0.5 + level / 2.0)


# --- 1. historical error by days to polling day ---------------------------------------------------------------


@dataclass(frozen=True)
class ErrorCurve:
    """sd of (average - result) as a function of days before polling day: sqrt(s0^2 + k d), widened.

    Attributes:
        s0: eve-of-poll sd (points; for shares, of a 50 % candidate), before widening.
        k: variance added per day before polling day (points^2 per day).
        dof: degrees of freedom of the predictive t (prior races plus data races).
        level: the interval level at which the normal sd matches the t interval.
    """

    s0: float
    k: float
    dof: float
    level: float = 0.9

    def __post_init__(self) -> None:
        if not (math.isfinite(self.s0) and self.s0 >= 0 and math.isfinite(self.k) and self.k >= 0):
            raise ValueError(f"error curve needs s0 >= 0 and k >= 0, got s0={self.s0} k={self.k}")
        if not self.dof >= 1:
            raise ValueError(f"error curve needs at least 1 degree of freedom, got {self.dof}")
        _z(self.level)

    @property
    def widening(self) -> float:
        """t(dof) / normal quantile ratio at `level`: how much thin data widen the sd (>= 1)."""
        z = _z(self.level)
        return student_t_quantile(0.5 + self.level / 2.0, self.dof) / z

    def raw_sd(self, days: float | np.ndarray) -> float | np.ndarray:
        """sqrt(s0^2 + k d) before widening; negative days count as 0."""
        d = np.maximum(np.asarray(days, dtype=float), 0.0)
        out = np.sqrt(self.s0**2 + self.k * d)
        return float(out) if out.ndim == 0 else out

    def sd(self, days: float | np.ndarray) -> float | np.ndarray:
        """The forecast sd `days` before polling day, widened for the few races behind it."""
        d = np.asarray(days, dtype=float)
        if not np.all(np.isfinite(d)):
            raise ValueError(f"days to polling day must be finite numbers, got {days!r}")
        out = np.asarray(self.raw_sd(d)) * self.widening
        return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class CurvePrior:
    """Prior for `fit_curve` (see the module docstring for the values and their sources).

    Attributes:
        s0: prior eve-of-poll sd (points).
        k: prior variance per day (points^2 per day).
        weight_s0: races the prior s0 counts as.
        weight_k: races (of PRIOR_SPAN_DAYS each) the prior k counts as.
    """

    s0: float
    k: float
    weight_s0: float = 2.0
    weight_k: float = 1.0


def fit_curve(
    final_sq: Sequence[float],
    movement_excess: Sequence[float],
    movement_days: Sequence[float],
    prior: CurvePrior,
    *,
    level: float = 0.9,
) -> ErrorCurve:
    """Fit s0 and k by the module docstring's rule.

    Args:
        final_sq: one value per race: its eve-of-poll squared error (points^2, scaled to a 50 % candidate
            for shares).
        movement_excess: per movement group, squared movement minus the two figures' sampling variance.
        movement_days: the span of each movement group (days).
        prior: prior values and weights.
        level: the interval level the widening is matched at.

    Returns:
        The fitted curve, with dof = prior weight_s0 + number of races.
    """
    fs = np.asarray(final_sq, dtype=float)
    ex = np.asarray(movement_excess, dtype=float)
    span = np.asarray(movement_days, dtype=float)
    if ex.shape != span.shape:
        raise ValueError("movement excess and spans must pair up")
    if not (np.all(np.isfinite(fs)) and np.all(fs >= 0) and np.all(np.isfinite(ex)) and np.all(span > 0)):
        raise ValueError("final squared errors must be >= 0, movements finite and spans positive")
    s0_sq = (prior.weight_s0 * prior.s0**2 + fs.sum()) / (prior.weight_s0 + fs.size)
    k_num = prior.weight_k * prior.k * PRIOR_SPAN_DAYS + ex.sum()
    k_den = prior.weight_k * PRIOR_SPAN_DAYS + span.sum()
    k = max(0.0, k_num / k_den) if k_den > 0 else prior.k
    return ErrorCurve(math.sqrt(s0_sq), k, prior.weight_s0 + fs.size, level)


def share_scale(share_pct: float | np.ndarray) -> float | np.ndarray:
    """2 sqrt(p (1 - p)) for a share in percent: the sd of a p % candidate relative to a 50 % one."""
    p = np.clip(np.asarray(share_pct, dtype=float) / 100.0, 0.0, 1.0)
    out = 2.0 * np.sqrt(p * (1.0 - p))
    return float(out) if out.ndim == 0 else out


def _series_fit_inputs(
    block: Mapping[str, Any], scaled: bool, where: str
) -> tuple[list[float], list[float], list[float]]:
    """Per-race eve-of-poll squared errors and per-group movement excesses from one JSON block."""
    by_race: dict[str, list[float]] = {}
    for i, rec in enumerate(block.get("final_errors", [])):
        try:
            err = float(rec["average"]) - float(rec["result"])
            scale = float(share_scale(float(rec["average"]))) if scaled else 1.0
            race = str(rec["race"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: final_errors[{i}] needs race, average and result numbers ({exc})") from None
        if not (math.isfinite(err) and scale > 0):
            raise ValueError(f"{where}: final_errors[{i}] has a figure that is not a usable number")
        by_race.setdefault(race, []).append((err / scale) ** 2)
    groups: dict[tuple[str, float], list[float]] = {}
    spans: dict[tuple[str, float], float] = {}
    for i, rec in enumerate(block.get("movements", [])):
        try:
            move = float(rec["from"]) - float(rec["to"])
            scale = float(share_scale(float(rec["to"]))) if scaled else 1.0
            excess = (move**2 - float(rec["noise_var"])) / scale**2
            key = (str(rec["race"]), float(rec["from_days"]))
            span = float(rec["from_days"]) - float(rec["to_days"])
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            raise ValueError(
                f"{where}: movements[{i}] needs race, from_days, to_days, from, to and noise_var numbers ({exc})"
            ) from None
        if not (math.isfinite(excess) and span > 0):
            raise ValueError(f"{where}: movements[{i}] needs a finite movement and from_days after to_days")
        groups.setdefault(key, []).append(excess)
        spans[key] = span
    final = [float(np.mean(v)) for v in by_race.values()]
    excess_list = [float(np.mean(v)) for v in groups.values()]
    return final, excess_list, [spans[k] for k in groups]


def _prior_from(block: Mapping[str, Any], where: str) -> CurvePrior:
    try:
        p = block["prior"]
        return CurvePrior(float(p["s0"]), float(p["k"]), float(p["weight_s0"]), float(p["weight_k"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{where}: prior needs s0, k, weight_s0 and weight_k numbers ({exc})") from None


@dataclass(frozen=True)
class ForecastErrors:
    """Historical error of poll averages by days to polling day, for one election type.

    Attributes:
        election_type: the key in the table ("london_mayor").
        margin: the runoff margin's curve (points of the runoff vote).
        share: the first-round share curve for a 50 % candidate (points).
        races: the races behind the fit, for the method text.
    """

    election_type: str
    margin: ErrorCurve
    share: ErrorCurve
    races: tuple[str, ...] = ()

    def margin_sd(self, days_to_election: float | np.ndarray) -> float | np.ndarray:
        """sd (points) of the runoff margin's forecast error `days_to_election` days out."""
        return self.margin.sd(days_to_election)

    def share_scale(self, days_to_election: float | np.ndarray) -> float | np.ndarray:
        """sd (points) of a 50 % candidate's share error: the `sd` simulate_first_round takes."""
        return self.share.sd(days_to_election)

    def share_sd(self, days_to_election: float | np.ndarray, share: float | np.ndarray) -> float | np.ndarray:
        """sd (points) of the forecast error of a candidate averaging `share` % (binomial shape)."""
        out = np.asarray(self.share.sd(days_to_election)) * np.asarray(share_scale(share))
        return float(out) if out.ndim == 0 else out

    @classmethod
    def fit(cls, data: Mapping[str, Any], election_type: str = DEFAULT_TYPE, level: float = 0.9) -> ForecastErrors:
        """Fit both curves from a table's records (the JSON's "types" entry), ignoring its stored figures."""
        where = f"forecast errors [{election_type}]"
        try:
            block = data["types"][election_type]
        except (KeyError, TypeError):
            known = sorted(data.get("types", {})) if isinstance(data, Mapping) else []
            raise ValueError(f"{where}: no such election type (the table has {known})") from None
        curves = {}
        races: set[str] = set()
        for name, scaled in (("margin", False), ("share", True)):
            part = block.get(name)
            if not isinstance(part, Mapping):
                raise ValueError(f"{where}: missing the {name!r} block")
            final, excess, spans = _series_fit_inputs(part, scaled, f"{where} {name}")
            curves[name] = fit_curve(final, excess, spans, _prior_from(part, f"{where} {name}"), level=level)
            races.update(str(r["race"]) for r in part.get("final_errors", []))
        return cls(election_type, curves["margin"], curves["share"], tuple(sorted(races)))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], election_type: str = DEFAULT_TYPE) -> ForecastErrors:
        """The curves a table stores under "fitted" (checked against a refit of its own records)."""
        fitted = cls.fit(data, election_type)
        block = data["types"][election_type]
        for name, curve in (("margin", fitted.margin), ("share", fitted.share)):
            stored = block[name].get("fitted")
            if stored is None:
                continue
            for key, value in (("s0", curve.s0), ("k", curve.k), ("dof", curve.dof)):
                if not math.isclose(float(stored[key]), value, rel_tol=1e-3, abs_tol=1e-4):
                    raise ValueError(
                        f"forecast errors [{election_type}] {name}: stored {key} {stored[key]} does not match "
                        f"its records ({value:.4f}); refit the table"
                    )
        return fitted

    @classmethod
    def load(cls, path: str | Path, election_type: str = DEFAULT_TYPE) -> ForecastErrors:
        """Read the table (resources/data/forecast_errors.json) and return one election type's curves."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"cannot read the forecast error table {path}: {exc}") from None
        return cls.from_dict(data, election_type)

    def table(self, days: Sequence[float] = REFERENCE_DAYS) -> list[tuple[float, float, float]]:
        """(days, margin sd, 50 % share sd) at each distance, for reports."""
        return [(float(d), float(self.margin_sd(d)), float(self.share_scale(d))) for d in days]


# --- 2. shares that stay shares ----------------------------------------------------------------------------


def share_interval(
    mean: float | np.ndarray, sd_points: float | np.ndarray, level: float = 0.9
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """A `level` interval for a share, computed on the logit scale so it stays inside 0-100.

    The sd in points at the mean becomes sd / (100 p (1 - p)) on the logit scale (delta method); the normal
    interval there is mapped back. Shares within 0.01 points of 0 or 100 are held that far from the edge.

    Args:
        mean: share(s) in percent, 0-100.
        sd_points: sd(s) in points at the mean, >= 0.
        level: coverage, e.g. 0.9.

    Returns:
        (lower, upper) in percent, floats for float input, arrays otherwise.
    """
    m = np.asarray(mean, dtype=float)
    s = np.asarray(sd_points, dtype=float)
    if not (np.all(np.isfinite(m)) and np.all((m >= 0) & (m <= 100))):
        raise ValueError(f"share interval: shares must lie within 0-100, got {mean!r}")
    if not (np.all(np.isfinite(s)) and np.all(s >= 0)):
        raise ValueError(f"share interval: sd must be a number >= 0, got {sd_points!r}")
    z = _z(level)
    p = np.clip(m / 100.0, _P_FLOOR, 1.0 - _P_FLOOR)
    centre = np.log(p / (1.0 - p))
    half = z * (s / 100.0) / (p * (1.0 - p))
    # expit(x) = (1 + tanh(x / 2)) / 2: no overflow however wide the band on the logit scale
    lower = 50.0 * (1.0 + np.tanh((centre - half) / 2.0))
    upper = 50.0 * (1.0 + np.tanh((centre + half) / 2.0))
    if lower.ndim == 0:
        return float(lower), float(upper)
    return lower, upper


def margin_interval(margin: float, sd_points: float, level: float = 0.9) -> tuple[float, float]:
    """A `level` interval for a runoff margin (A minus B), kept within -100 to 100.

    The margin is 2 x A's runoff share - 100, so the interval is A's share's logit interval (sd halved) mapped
    back.
    """
    if not (math.isfinite(margin) and -100.0 <= margin <= 100.0):
        raise ValueError(f"margin interval: margin must lie within -100 to 100, got {margin}")
    lo, hi = share_interval(50.0 + margin / 2.0, sd_points / 2.0, level)
    return 2.0 * float(lo) - 100.0, 2.0 * float(hi) - 100.0


@dataclass(frozen=True)
class LeverRange:
    """A lever the user marks as uncertain: its value is drawn uniformly between `low` and `high`.

    Attributes:
        low: lowest value (e.g. message strength 0.2).
        high: highest value, >= low.
        shift: candidate code -> first-round points added per unit of the lever, before renormalisation
            (the lever's effect is affine in its value, so this is votes(1) - votes(0); see scenario.py).
    """

    low: float
    high: float
    shift: Mapping[str, float]

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low <= self.high):
            raise ValueError(f"lever range needs finite low <= high, got {self.low} to {self.high}")
        bad = [k for k, v in self.shift.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"lever range: shift for {bad} is not a number")


@dataclass(frozen=True, eq=False)
class FirstRoundDraws:
    """Simulated first rounds: one row per draw, one column per candidate.

    Attributes:
        codes: candidate codes, the column order.
        shares: (n, candidates) percent; every row positive and summing to 100.
        lever: the lever value of each draw, or None when no lever range was given.
    """

    codes: tuple[str, ...]
    shares: np.ndarray
    lever: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of draws."""
        return int(self.shares.shape[0])

    def column(self, code: str) -> np.ndarray:
        """One candidate's share in every draw."""
        return self.shares[:, self.codes.index(code)]


def _check_shares(shares: Mapping[str, float], where: str) -> tuple[tuple[str, ...], np.ndarray]:
    codes = tuple(shares)
    if len(codes) < 2:
        raise ValueError(f"{where}: need at least two candidates")
    p = np.array([shares[c] for c in codes], dtype=float)
    bad = [c for c, v in zip(codes, p, strict=True) if not (math.isfinite(v) and v >= 0)]
    if bad:
        raise ValueError(f"{where}: shares of {bad} must be numbers >= 0")
    if not p.sum() > 0:
        raise ValueError(f"{where}: shares are all zero")
    return codes, p


def simulate_first_round(
    shares: Mapping[str, float],
    sd: float,
    n: int,
    rng: np.random.Generator,
    correlation: float = 0.0,
    *,
    leader_bias: float = 0.0,
    lever: LeverRange | None = None,
) -> FirstRoundDraws:
    """Draw first-round results around expected shares: positive, summing to 100 in every draw.

    Each candidate's log-share gets normal noise with sd 2 sd / (100 sqrt(p)), centred at -sigma^2 / 2 so the
    draws average the expected shares; after renormalisation a candidate on p % then has sd about
    sd x 2 sqrt(p (1 - p)) points and the errors sum to zero. A fraction
    `correlation` of every candidate's log-scale variance comes from one shared factor that moves the
    front-runner (the largest expected share) one way and the whole field the other: the "front-runner
    overstated" miss when it is positive. Candidates on 0 % stay at 0 (unless a lever gives them votes). With a
    lever, each draw is centred exactly on the shares its lever value gives; the noise scale uses the shares at
    the middle of the range.

    Args:
        shares: candidate code -> expected share (percent; renormalised to 100).
        sd: sd in points of a 50 % candidate's share (ForecastErrors.share_scale(days)).
        n: number of draws.
        rng: numpy Generator (seed it for reproducible draws).
        correlation: 0-1, the shared front-runner-vs-field part of the error.
        leader_bias: points by which the polls are taken to overstate the front-runner (his expected share
            drops by about this much; the others gain in proportion). 0: unbiased.
        lever: a lever drawn uniformly in its range per draw, moving the expected shares before the noise.

    Returns:
        The draws.
    """
    codes, p0 = _check_shares(shares, "simulate first round")
    if not (isinstance(n, int | np.integer) and n >= 1):
        raise ValueError(f"simulate first round: number of draws must be a whole number >= 1, got {n!r}")
    if not (math.isfinite(sd) and sd >= 0):
        raise ValueError(f"simulate first round: sd must be a number >= 0, got {sd}")
    if not 0.0 <= correlation <= 1.0:
        raise ValueError(f"simulate first round: correlation must lie within 0-1, got {correlation}")
    if not math.isfinite(leader_bias):
        raise ValueError(f"simulate first round: leader bias must be a number, got {leader_bias}")
    leader = int(np.argmax(p0))
    delta = np.zeros(len(codes))
    if lever is not None:
        unknown = sorted(set(lever.shift) - set(codes))
        if unknown:
            raise ValueError(f"simulate first round: the lever moves unknown candidates {unknown}")
        delta = np.array([lever.shift.get(c, 0.0) for c in codes])
        for end in (lever.low, lever.high):  # affine in the lever: checking both ends covers the range
            at_end = p0 + end * delta
            neg = [c for c, v in zip(codes, at_end, strict=True) if v < -1e-9]
            if neg:
                raise ValueError(f"simulate first round: at lever {end:g} the shares of {neg} go below zero")
            if not at_end.sum() > 0:
                raise ValueError(f"simulate first round: at lever {end:g} nobody has any votes")
    # Only candidates with votes somewhere in the lever's range are drawn; the others stay at exactly 0.
    live = np.flatnonzero((p0 > 0) | (delta != 0))
    lead = int(np.searchsorted(live, leader))
    lever_draws = None
    moved = np.flatnonzero(delta[live] != 0)
    if lever is not None:
        lever_draws = rng.uniform(lever.low, lever.high, n) if lever.high > lever.low else np.full(n, lever.low)
        mid = np.maximum(p0 + 0.5 * (lever.low + lever.high) * delta, 0.0)
    else:
        mid = p0
    # The noise scale follows the shares at the middle of the lever's range; the centre follows each draw exactly.
    q = np.maximum(mid[live] / mid.sum(), 1e-6)  # a candidate a lever takes to 0 at one end keeps a finite log
    sigma = (2.0 * sd / 100.0) / np.sqrt(q)
    # -sigma^2 / 2: the lognormal mean correction, so each unnormalised draw averages its expected share and the
    # draws stay centred on the average (without it a 44 % leader loses half a point at sd 3 to the small ones).
    # Log-shares are kept unnormalised (log of the votes): softmax does not care about a per-draw constant.
    mu = np.log(np.maximum(p0[live], 1e-300)) - 0.5 * sigma**2
    x = rng.standard_normal((n, live.size))
    if correlation > 0:
        # The shared factor: + on the whole field, - on the front-runner (added in place, no (n, C) temporary).
        common = rng.standard_normal((n, 1))
        common *= math.sqrt(correlation)
        x *= math.sqrt(1.0 - correlation)
        x += common
        x[:, lead] -= 2.0 * common[:, 0]
    x *= sigma
    x += mu
    if lever_draws is not None:
        for j in moved:  # a lever moves few candidates: column updates, not a full (draws, candidates) pass
            k = live[j]
            votes_k = np.maximum(p0[k] + lever_draws * delta[k], 1e-6 * mid.sum())
            x[:, j] += np.log(votes_k) - np.log(max(p0[k], 1e-300))
    if leader_bias:
        pl = float(q[lead])
        x[:, lead] -= (leader_bias / 100.0) / max(pl * (1.0 - pl), _P_FLOOR)
    # No per-draw shift is needed before exp(): with the -sigma^2/2 correction a log-share exceeds log(votes) by at
    # most eta^2/2 (eta the standard normal draw), far below exp()'s limit; the cap only guards absurd inputs.
    np.minimum(x, 700.0, out=x)
    np.exp(x, out=x)
    x *= (100.0 / (x @ np.ones(live.size)))[:, None]
    if live.size == len(codes):
        out = x
    else:
        out = np.zeros((n, len(codes)))
        out[:, live] = x
    return FirstRoundDraws(codes, out, lever_draws)


# --- 3. runoff odds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunoffOdds:
    """What the simulation says about a two-round (Supplementary Vote) race.

    Attributes:
        a: the front-runner of the scenario.
        b: the challenger.
        n: number of draws.
        p_b_wins: share of draws B wins (outright or in whichever final he reaches).
        p_a_wins: the same for A.
        p_win: candidate code -> P(wins).
        p_qualify: candidate code -> P(among the first round's top two).
        p_outright: P(someone passes the majority, 50 % unless the contest says otherwise, in the first round).
        p_final_pair: P(the final is A against B, no outright winner).
        margin_quantiles: probability -> quantile of the A-B runoff margin (A minus B, points of the runoff
            vote), over every draw (the runoff they would have had).
        margin_mean: mean of that margin.
        margin_sd: its sd.
    """

    a: str
    b: str
    n: int
    p_b_wins: float
    p_a_wins: float
    p_win: Mapping[str, float]
    p_qualify: Mapping[str, float]
    p_outright: float
    p_final_pair: float
    margin_quantiles: Mapping[float, float] = field(default_factory=dict)
    margin_mean: float = 0.0
    margin_sd: float = 0.0


def _quantiles(values: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Linear-interpolation quantiles (numpy's default method) from one sort: faster than np.quantile here."""
    ordered = np.sort(values)
    return np.interp(probs * (ordered.size - 1), np.arange(ordered.size), ordered)


def simulate_runoff(
    draws: FirstRoundDraws,
    a: str,
    b: str,
    splits: Mapping[str, Split],
    rng: np.random.Generator,
    *,
    transfer_sd: float = 10.0,
    default_split: Split = NO_TRANSFER,
    runoff_adjustment: float = 0.0,
    target_margin_sd: float | None = None,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
    majority: float = 50.0,
    ineligible: Collection[str] = (),
) -> RunoffOdds:
    """P(B wins), P(each candidate qualifies) and the margin's quantiles from first-round draws.

    Args:
        draws: simulated first rounds (simulate_first_round).
        a: the front-runner (the margin is A minus B).
        b: the challenger.
        splits: eliminated candidate -> Split between A and B (scenario.split(k) for each eliminated one).
        rng: numpy Generator for the transfer draws.
        transfer_sd: sd (points) of each eliminated candidate's share of valid transfers going to A
            (scenario.ErrorModel.transfer_sd), independent across candidates; the transfer rate stays as in the
            split.
        default_split: split for a candidate missing from `splits`.
        runoff_adjustment: points added to every margin (Baseline.runoff_adjustment), as Runoff does.
        target_margin_sd: if given (ForecastErrors.margin_sd(days)), the margin's sd over the draws is set to
            it: independent normal noise is added when the draws spread less, and their deviations from the
            mean are scaled down when they spread more. Qualification and outright wins still come from the
            first-round draws.
        quantiles: probabilities for margin_quantiles.
        majority: the first-round share (%) past which the leader is elected outright (the contest's own).
        ineligible: candidates who can never be finalists (withdrawn ones, Baseline.withdrawn): their votes
            transfer as any eliminated candidate's, but they never qualify, are never elected outright and never
            win. They were ranked with the others: a withdrawn front-runner at 55 % won 99.95 % of the draws.

    Returns:
        The odds.
    """
    codes = draws.codes
    if a not in codes or b not in codes or a == b:
        raise ValueError(f"simulate runoff: finalists {a!r} and {b!r} must be two different drawn candidates")
    if a in ineligible or b in ineligible:
        raise ValueError(f"simulate runoff: the finalists {a!r} and {b!r} cannot be ineligible")
    if not (math.isfinite(transfer_sd) and transfer_sd >= 0):
        raise ValueError(f"simulate runoff: transfer sd must be a number >= 0, got {transfer_sd}")
    if target_margin_sd is not None and not (math.isfinite(target_margin_sd) and target_margin_sd >= 0):
        raise ValueError(f"simulate runoff: target margin sd must be a number >= 0, got {target_margin_sd}")
    if not math.isfinite(runoff_adjustment):
        raise ValueError("simulate runoff: runoff adjustment must be a number")
    if not 0.0 < majority < 100.0:
        raise ValueError(f"simulate runoff: majority must lie strictly between 0 and 100 %, got {majority}")
    qs = np.asarray(quantiles, dtype=float)
    if not np.all((qs >= 0) & (qs <= 1)):
        raise ValueError(f"simulate runoff: quantiles must lie within 0-1, got {list(quantiles)}")
    s = draws.shares
    n, c = s.shape
    ia, ib = codes.index(a), codes.index(b)
    elim = [i for i in range(c) if i not in (ia, ib)]
    sa, sb = s[:, ia], s[:, ib]
    gap = sa - sb  # A's runoff votes minus B's, points of the first-round valid vote
    total = sa + sb  # both finalists' runoff votes
    if elim:
        chosen = [splits.get(codes[i], default_split) for i in elim]
        # Per-candidate weights with zeros for the finalists: products with the whole (draws, candidates) array
        # avoid copying the eliminated columns out.
        rate = np.zeros(c)
        rate[elim] = [(x.to_a + x.to_b) / 100.0 for x in chosen]
        to_a = np.zeros(c)
        to_a[elim] = [x.a_of_valid / 100.0 for x in chosen]
        moving = s @ rate  # votes that reach a finalist; matrix-vector products beat sum(axis=1) here
        to_a_votes = s @ (rate * to_a)
        if transfer_sd > 0:
            # Each split's share to A is its own normal draw, sd transfer_sd; A's transfers are their weighted sum,
            # so they are drawn as that sum: one normal per draw with variance sum_k (votes_k rate_k sd)^2, the
            # same distribution at a sixth of the cost. Kept within the votes that transfer.
            spread = np.sqrt(np.square(s) @ np.square(rate)) * (transfer_sd / 100.0)
            to_a_votes += spread * rng.standard_normal(n)
            np.clip(to_a_votes, 0.0, moving, out=to_a_votes)
        gap += 2.0 * to_a_votes - moving
        total += moving
    # A minus B in points of the runoff vote (0 where nobody reaches the runoff: an even split, as Runoff does).
    margin = gap * (100.0 / np.maximum(total, 1e-12))
    if runoff_adjustment:
        margin += runoff_adjustment
        np.clip(margin, -100.0, 100.0, out=margin)
    if target_margin_sd is not None:
        spread = float(margin.std())
        if target_margin_sd > spread:
            extra = math.sqrt(target_margin_sd**2 - spread**2)
            margin = np.clip(margin + extra * rng.standard_normal(n), -100.0, 100.0)
        elif spread > 0:
            # The first-round and transfer draws already spread wider than the margin's own record: their
            # deviations are scaled down (order kept), so the margin follows the better-measured curve while
            # qualification still comes from the first-round draws.
            centre = float(margin.mean())
            margin = centre + (margin - centre) * (target_margin_sd / spread)
    # Who meets whom. Usually A and B: they are the final pair exactly when both beat every other candidate,
    # which a running column maximum settles without a per-row argmax; only the other draws need a full ranking.
    barred = [i for i in elim if codes[i] in ineligible]  # in the count's transfers, never in its ranking
    ranked = s if not barred else np.where(np.isin(np.arange(c), barred), -np.inf, s)
    others_max = np.full(n, -np.inf)
    for i in elim:
        if i not in barred:
            np.maximum(others_max, s[:, i], out=others_max)
    pair_min = np.minimum(sa, sb)
    ab_top = others_max < pair_min
    leader_share = np.maximum(np.maximum(sa, sb), others_max)
    outright = leader_share > majority
    ab_final = ab_top & ~outright
    top = np.where(sa >= sb, ia, ib)  # the first-round leader where A and B are the top two
    second = np.where(sa >= sb, ib, ia)
    rest = np.flatnonzero(~ab_top)
    if rest.size:
        sub = ranked[rest]
        sub_top = np.argmax(sub, axis=1)
        sub[np.arange(rest.size), sub_top] = -np.inf
        top[rest] = sub_top
        second[rest] = np.argmax(sub, axis=1)
    # Ties go to B, as in scenario.challenger_win_probability; another final pair goes to its first-round leader.
    winner = np.where(ab_final, np.where(margin > 0, ia, ib), top)
    wins = np.bincount(winner, minlength=c) / n
    qualify = (np.bincount(top, minlength=c) + np.bincount(second, minlength=c)) / n
    return RunoffOdds(
        a=a,
        b=b,
        n=n,
        p_b_wins=float(wins[ib]),
        p_a_wins=float(wins[ia]),
        p_win={code: float(w) for code, w in zip(codes, wins, strict=True)},
        p_qualify={code: float(q) for code, q in zip(codes, qualify, strict=True)},
        p_outright=float(outright.mean()),
        p_final_pair=float(ab_final.mean()),
        margin_quantiles={float(q): float(v) for q, v in zip(qs, _quantiles(margin, qs), strict=True)},
        margin_mean=float(margin.mean()),
        margin_sd=float(margin.std()),
    )


# --- 4. verdict words --------------------------------------------------------------------------------------

TOSS_UP_BELOW = 0.60
"""The favourite's probability below which the race is a toss-up (40-60 %)."""
LIKELY_FROM = 0.75
"""From here the favourite is "likely"; below it (from 60 %) "lean"."""
SAFE_ABOVE = 0.90
"""Above this the favourite is "safe"; at exactly 90 % still "likely"."""


SIMULATION_Z = 3.0
"""How many standard errors of the simulation (sampling noise of a finite number of draws) two chances may differ
by and still be level: 99.7 % of seeds put a dead heat within it (2,000 draws: 50 % +/- 3.4 points). Two were
too few: the app's fixed seed puts an exact dead heat at 52.4 % for the challenger 30 days out, 2.1 errors off."""


def level_within_error(p_first: float, p_second: float, draws: int) -> bool:
    """Whether two candidates' simulated chances are level within the simulation's own error: their difference
    is at most SIMULATION_Z standard errors of a difference of two shares of the same `draws`,
    sqrt((p1 + p2 - (p1 - p2)^2) / draws). For a two-way race (p2 = 1 - p1) that is |p1 - 50 %| <= Z sqrt(p1 (1 -
    p1) / draws): 2,000 draws tell 53.4 % from a dead heat, not 52 %. The one test every verdict uses before it
    names a favourite, so the words never pick a side the draws cannot tell apart (a point projection 0.2 points
    ahead for one finalist read "Toss-up (the other 51 %)").

    Raises:
        ValueError: draws is not a positive count.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws <= 0:
        raise ValueError(f"the simulation's error needs a positive number of draws, got {draws!r}")
    diff = p_first - p_second
    return abs(diff) <= SIMULATION_Z * math.sqrt(max(p_first + p_second - diff * diff, 0.0) / draws)


def verdict_words(p_b_wins: float, name_a: str, name_b: str) -> str:
    """The race in words that follow the probability: never more confident than the odds.

    Args:
        p_b_wins: P(B wins), 0-1.
        name_a: the front-runner's name.
        name_b: the challenger's name.

    Returns:
        "Toss-up" (favourite under 60 %), "Lean X" (60 % up to 75 %), "Likely X" (75 % to 90 %, both included)
        or "Safe X" (above 90 %), X the favourite.
    """
    if not (isinstance(p_b_wins, int | float | np.floating) and 0.0 <= p_b_wins <= 1.0):
        raise ValueError(f"verdict: P(B wins) must lie within 0-1, got {p_b_wins!r}")
    p_fav, fav = (p_b_wins, name_b) if p_b_wins > 0.5 else (1.0 - p_b_wins, name_a)
    if p_fav < TOSS_UP_BELOW:
        return "Toss-up"
    if p_fav < LIKELY_FROM:
        return f"Lean {fav}"
    if p_fav <= SAFE_ABOVE:
        return f"Likely {fav}"
    return f"Safe {fav}"


def chance_percent(probability: float) -> int:
    """A probability as a whole percentage, the one rounding every chance the app prints goes through.

    A favourite's chance (one half or more) is rounded down, so 89.96 % never shows as 90 % (the next band of
    verdict_words); the other side's is what is left of 100, so the two chances of a two-way race always add up
    to 100 % as printed ("81 %" and "19 %", never "81 %" and "18 %"), and a chance above nothing never prints
    as 0 %. Figures like 0.57, which are a hair under 57 % in binary floating point, print as 57, not 56.
    """
    if probability >= 0.5:
        return 100 if probability >= 1.0 else math.floor(100.0 * probability + 1e-9)
    return 100 - chance_percent(1.0 - probability)


def chance_text(probability: float) -> str:
    """A probability as staff read it, "53 %" (chance_percent's rounding, so every place that prints a chance
    prints the same figure, and a race's two chances add up to 100 %)."""
    return f"{chance_percent(probability)} %"


def signed_points(value: float) -> str:
    """A signed gap or margin in points, one decimal, as every place shows one: "+4.3", "-2.0"; a gap that rounds
    to zero is "0.0" ("-0.0" was shown for a lead of -0.04 points, "+0.0" for a tie)."""
    text = format(value, "+.1f")
    return "0.0" if text in ("+0.0", "-0.0") else text


def gap_words(gap: float) -> str:
    """A lead in words, after the leader's name: "by 4.3 points", or "level" where it rounds to 0.0 (an exact
    two-round tie said "by 0.0 points")."""
    text = f"{abs(gap):.1f}"
    return "level" if text == "0.0" else f"by {text} points"


def chance_cell(probability: float) -> str:
    """chance_text for a table of many candidates, where a small chance is not zero: "0 %", "<1 %", "52 %",
    ">99 %", "100 %" (the same floor, so a table and a headline print the same figure)."""
    if probability <= 0.0:
        return "0 %"
    if probability < 0.01:
        return "<1 %"
    if 0.99 < probability < 1.0:
        return ">99 %"
    return chance_text(probability)


def verdict_sentence(p_b_wins: float, name_a: str, name_b: str, *, draws: int | None = None) -> str:
    """verdict_words with the favourite's chance: "Likely Johnson (78 % chance)", "Toss-up (Livingstone 54 %)".

    Args:
        draws: the simulated elections the chance comes from (None: an exact probability). A chance within the
            simulation's own error of 50 % (level_within_error) names no favourite: "Toss-up (Johnson and
            Livingstone level within the simulation's error)".
    """
    words = verdict_words(p_b_wins, name_a, name_b)
    if draws is not None and level_within_error(p_b_wins, 1.0 - p_b_wins, draws):
        return f"Toss-up ({name_a} and {name_b} level within the simulation's error)"
    p_fav, fav = (p_b_wins, name_b) if p_b_wins > 0.5 else (1.0 - p_b_wins, name_a)
    pct = chance_percent(p_fav)  # rounded down: 89.96 % must not print as 90 %
    if words == "Toss-up":
        return f"Toss-up ({fav} {pct} %)" if p_b_wins != 0.5 else f"Toss-up ({name_a} and {name_b} 50 % each)"
    return f"{words} ({pct} % chance)"


def field_verdict(
    p_win: Mapping[str, float], name: Callable[[str], str], *, draws: int | None = None
) -> tuple[str, str]:
    """The race in words when more than two can win: (the favourite's code, the words), the favourite being the
    candidate with the largest simulated chance. Over a half: the two-way bands against the field ("Likely Kiss
    (78 % chance)"); else a toss-up naming the favourite and his own chance ("Toss-up (Able 27 %)"). With `draws`,
    when the two largest chances are level within the simulation's error (level_within_error), a toss-up that
    names both and no favourite ("Toss-up (Able and Baker level within the simulation's error)").

    Raises:
        ValueError: no chances.
    """
    if not p_win:
        raise ValueError("verdict: no candidate has a chance")
    favourite = max(p_win, key=lambda c: p_win[c])  # a tie: the first in the simulation's order, always the same
    p = float(p_win[favourite])
    if draws is not None and len(p_win) > 1:
        second = max((c for c in p_win if c != favourite), key=lambda c: p_win[c])
        if level_within_error(p, float(p_win[second]), draws):
            return favourite, f"Toss-up ({name(favourite)} and {name(second)} level within the simulation's error)"
    if p > 0.5:
        return favourite, verdict_sentence(p, "the field", name(favourite))
    return favourite, f"Toss-up ({name(favourite)} {chance_cell(p)})"


# --- 5. calibration for a back-test ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationBin:
    """Forecasts whose probability fell in [low, high) (the last bin includes 1).

    Attributes:
        low: lower edge.
        high: upper edge.
        count: forecasts in the bin.
        mean_forecast: their mean probability (NaN when empty).
        observed_rate: the share that happened (NaN when empty).
    """

    low: float
    high: float
    count: int
    mean_forecast: float
    observed_rate: float


@dataclass(frozen=True)
class Calibration:
    """Calibration of probability forecasts and coverage of intervals.

    Attributes:
        n: probability forecasts.
        brier: mean squared difference between probability and outcome (NaN with none).
        bins: the table by probability bin.
        intervals: interval forecasts scored.
        covered: intervals that held the truth.
    """

    n: int
    brier: float
    bins: tuple[CalibrationBin, ...]
    intervals: int = 0
    covered: int = 0

    @property
    def coverage(self) -> float:
        """Share of intervals that held the truth (NaN with none)."""
        return self.covered / self.intervals if self.intervals else math.nan


def interval_coverage(pairs: Iterable[tuple[tuple[float, float], float]]) -> tuple[int, int]:
    """(intervals, covered) for ((low, high), truth) pairs; an end point counts as inside.

    Raises:
        ValueError: an interval or truth is not a number, or low > high (naming its position).
    """
    n = hits = 0
    for i, ((lo, hi), truth) in enumerate(pairs):
        if not all(math.isfinite(v) for v in (lo, hi, truth)) or lo > hi:
            raise ValueError(f"interval {i}: need finite low <= high and truth, got ({lo}, {hi}) and {truth}")
        n += 1
        hits += lo <= truth <= hi
    return n, hits


def calibration(
    forecasts: Iterable[tuple[float, bool]],
    intervals: Iterable[tuple[tuple[float, float], float]] = (),
    edges: Sequence[float] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
) -> Calibration:
    """Calibration table, Brier score and interval coverage for a back-test.

    Args:
        forecasts: (probability 0-1, whether it happened) pairs.
        intervals: ((low, high), truth) pairs.
        edges: increasing bin edges from 0 to 1.

    Returns:
        The calibration.
    """
    e = np.asarray(edges, dtype=float)
    if e.size < 2 or e[0] != 0.0 or e[-1] != 1.0 or np.any(np.diff(e) <= 0):
        raise ValueError(f"calibration: bin edges must increase from 0 to 1, got {list(edges)}")
    pairs = list(forecasts)
    probs = np.array([p for p, _ in pairs], dtype=float)
    hits = np.array([bool(o) for _, o in pairs], dtype=float)
    bad = np.flatnonzero(~((probs >= 0) & (probs <= 1)))
    if bad.size:
        raise ValueError(f"calibration: forecast {int(bad[0])} is not a probability within 0-1 ({probs[bad[0]]})")
    idx = np.clip(np.searchsorted(e, probs, side="right") - 1, 0, e.size - 2)
    count = np.bincount(idx, minlength=e.size - 1)
    psum = np.bincount(idx, probs, minlength=e.size - 1)
    hsum = np.bincount(idx, hits, minlength=e.size - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.where(count > 0, psum / np.maximum(count, 1), np.nan)
        rate = np.where(count > 0, hsum / np.maximum(count, 1), np.nan)
    bins = tuple(
        CalibrationBin(float(e[i]), float(e[i + 1]), int(count[i]), float(mean_p[i]), float(rate[i]))
        for i in range(e.size - 1)
    )
    brier = float(np.mean((probs - hits) ** 2)) if pairs else math.nan
    n_int, covered = interval_coverage(intervals)
    return Calibration(len(pairs), brier, bins, n_int, covered)
