"""Building a scenario baseline from polls: the poll average on a day, or one poll. Pure."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from warroom.core.runoff import Split
from warroom.core.scenario import Baseline, Destination, DragSource, Scenario, default_splits
from warroom.core.types import Contest, Poll

if TYPE_CHECKING:  # (loaded where a poll average is taken: a start frame's case is evaluated without it)
    from warroom.core.averaging import PollAverages, PollColumns


def display_names(contest: Contest) -> dict[str, str]:
    """Candidate code -> the name verdicts use (the short name, else the surname), plus "Others"."""
    names = {c.code: c.display for c in contest.candidates}
    names["other"] = "Others"
    return names


OFFERED_POLLS = 40
"""How many of the newest polls the scenario panel offers as a one-poll baseline."""


@dataclass(frozen=True)
class PollOffers:
    """The polls a baseline can be taken from: the newest with first-round figures (newest first), and the
    fieldwork days they span (None without any)."""

    newest: tuple[tuple[int, str], ...] = ()  # (poll id, "Pollster, 03 May 2012")
    first: date | None = None
    last: date | None = None


def poll_offers(polls: Sequence[Poll], limit: int = OFFERED_POLLS) -> PollOffers:
    """The newest `limit` stored polls with first-round figures, newest fieldwork first (equal days in the
    order given), and the first and last fieldwork day of all of them."""
    usable = [p for p in polls if p.first_round and p.id is not None]
    if not usable:
        return PollOffers()
    ends = list(map(_fieldwork_end, usable))  # read once, in C
    # == heapq.nlargest(limit, usable, key=fieldwork_end) (its documented equivalent; the sort is stable, reverse=True
    # too). The polls mostly come oldest first: the sort finds them one run, in linear time, where nlargest's loop
    # in Python replaced its heap's top at nearly every poll (8 ms at 10,000 polls).
    newest = [usable[i] for i in sorted(range(len(usable)), key=ends.__getitem__, reverse=True)[:limit]]
    return PollOffers(
        tuple((p.id or 0, f"{p.pollster}, {p.fieldwork_end:%d %b %Y}") for p in newest),
        min(ends),
        max(ends),
    )


def last_average_day(election: date, last_poll: date) -> date:
    """The last day a poll average can be taken on: polling day, or the last poll's fieldwork end when polls
    were taken after it. The scenario panel's date box ends here, and `warroom scenario --as-of`, `warroom
    average --as-of` and a saved "as of" choice are held to it (as_of_problem)."""
    return max(election, last_poll)


def as_of_problem(as_of: date, polls: Sequence[Poll], contest: Contest) -> str | None:
    """Why no poll average is taken on `as_of`, or None: past last_average_day the average was the model's
    level carried on, and was labelled with a day a year past the election ("Poll average on 04 May 2013" for
    `--as-of 9999-12-31`), its band widened a year on. (Before the first poll: no polls by then, said where the
    average is made.)"""
    ends = [p.fieldwork_end for p in polls if p.first_round]
    return late_day_problem(as_of, contest, max(ends)) if ends else None


def late_day_problem(as_of: date, contest: Contest, last_poll: date) -> str | None:
    """as_of_problem given the race's last poll day (a two-round race's poll notices too: its averages were not
    capped at all, and `warroom average --as-of 9999-12-31` of France 2022 ran for minutes and printed Macron's
    band as 0.0-728.4 %). Polling day is the last round's."""
    polling_day = contest.second_round_date or contest.election_date
    last = last_average_day(polling_day, last_poll)
    if as_of <= last:
        return None
    return (
        f"no poll average on {as_of:%d %b %Y} in {contest.name}: polling day was {polling_day:%d %b %Y} "
        f"and the last poll ended {last_poll:%d %b %Y}; take a day up to {last:%d %b %Y}"
    )


def party_average(polls: Sequence[Poll], as_of_day: float, columns: PollColumns | None = None) -> dict[str, float]:
    """Party voting intention: a recency-weighted mean of the polls that publish it (no look-ahead).

    recency_weighted_mean (30-day half-life) over each party's figures, as arrays: this runs on every scenario
    rebuild, and one Observation per figure took 80-200 ms at 10,000 polls (issue 15). Given the polls' columns
    (PollColumns of these very polls, with their party figures), it reads those instead of every poll: a walk
    through 10,000 polls took 8-15 ms of the turn in which a new poll's scenario is rebuilt.
    """
    from warroom.core.averaging import DEFAULT_SAMPLE, NONSAMPLING_VAR, variance_fraction

    if _columns_of(polls, columns):
        assert columns is not None
        return _party_average_of(polls, as_of_day, columns)
    rows: dict[str, tuple[list[float], list[float], list[float]]] = {}
    for p in polls:
        vi = p.party_vi
        if not vi:
            continue
        start, end = p.fieldwork_start.toordinal(), p.fieldwork_end.toordinal()
        if end > as_of_day:
            continue
        day = float(start + (end - start) // 2)  # Poll.midpoint, as an ordinal
        n = DEFAULT_SAMPLE if p.sample_size is None else float(p.sample_size)
        for party, share in vi.items():
            found = rows.get(party)
            if found is None:
                found = rows[party] = ([], [], [])
            found[0].append(day)
            found[1].append(share)
            found[2].append(n)
    out: dict[str, float] = {}
    for party, (days, shares, sizes) in rows.items():
        value = np.asarray(shares, dtype=float)
        size = np.maximum(np.asarray(sizes), 1.0)
        frac = variance_fraction(value, size)
        variance = 1e4 * frac * (1.0 - frac) / size  # share_variance, vectorised
        w = 0.5 ** ((as_of_day - np.asarray(days)) / 30.0) / (variance + NONSAMPLING_VAR)
        den = float(w.sum())
        out[party] = float((w * value).sum()) / den if den else math.nan
    return out


_poll_id = attrgetter("id")


def _columns_of(polls: Sequence[Poll], columns: PollColumns | None) -> bool:
    """True when `columns` hold these polls' party figures: the same stored polls (by id), none naming a party
    outside the contest's."""
    if columns is None or columns.party is None or len(columns) != len(polls) or columns.other_parties:
        return False
    ids = list(map(_poll_id, polls))  # in C: a generator over 10,000 polls took 1.5 ms
    if None in ids:
        return False
    given = np.asarray(ids, dtype=np.int64)
    # The poll service holds its polls in the columns' own order (fieldwork end, then id): then no sort is needed.
    return np.array_equal(given, columns.ids) or np.array_equal(np.sort(given), columns.sorted_ids)


def _party_average_of(polls: Sequence[Poll], as_of_day: float, columns: PollColumns) -> dict[str, float]:
    """party_average from the columns (same weights; the parties in the order the loop over polls meets them)."""
    from warroom.core.averaging import DEFAULT_SAMPLE, NONSAMPLING_VAR, variance_fraction

    party = columns.party
    assert party is not None
    keep = columns.end <= as_of_day
    day = np.floor(columns.day[keep])  # Poll.midpoint: start + (end - start) // 2
    n = columns.n[keep]
    n = np.where(np.isnan(n), DEFAULT_SAMPLE, n)
    found: dict[str, float] = {}
    for j, code in enumerate(columns.party_codes):
        value = party[keep, j]
        has = ~np.isnan(value)
        if not has.any():
            continue
        value = value[has]
        size = np.maximum(n[has], 1.0)
        frac = variance_fraction(value, size)
        variance = 1e4 * frac * (1.0 - frac) / size
        w = 0.5 ** ((as_of_day - day[has]) / 30.0) / (variance + NONSAMPLING_VAR)
        den = float(w.sum())
        found[code] = float((w * value).sum()) / den if den else math.nan
    order: list[str] = []  # the loop's order: parties as first met in the polls as given (usually the first poll)
    for p in polls:
        if len(order) == len(found):
            break
        if p.party_vi and p.fieldwork_end.toordinal() <= as_of_day:
            order.extend(code for code in p.party_vi if code in found and code not in order)
    return {code: found[code] for code in order}


def baseline_from_average(
    averages: PollAverages, polls: Sequence[Poll], contest: Contest, as_of: date | None = None
) -> Baseline:
    """Baseline from the poll average on `as_of` (default: the last day of the average)."""
    any_series = next(iter(averages.first_round.values()))
    # The grid never runs past the last day a poll of the race may carry (average_polls caps `as_of` there).
    day = min(float(as_of.toordinal()), float(any_series.days[-1])) if as_of is not None else float(any_series.days[-1])
    shares = averages.latest_first_round(day)
    shares = {k: max(v, 0.0) for k, v in shares.items()}
    total = sum(shares.values())
    if total < 99.5:
        shares["other"] = 100.0 - total  # the remainder: minor candidates the polls group as "other"
    when = date.fromordinal(int(day))
    return Baseline(
        first_round=shares,
        party_vi=party_average(polls, day, averages.columns),
        candidate_party={c.code: c.party for c in contest.candidates},
        a=averages.a,
        b=averages.b,
        label=f"Poll average on {when:%d %b %Y}",
        names=display_names(contest),
    )


def baseline_from_poll(poll: Poll, contest: Contest, a: str, b: str) -> Baseline:
    shares = {k: v for k, v in poll.first_round.items() if v > 0}
    total = sum(shares.values())
    if total < 99.5 and "other" not in shares:
        shares["other"] = 100.0 - total
    return Baseline(
        first_round=shares,
        party_vi=dict(poll.party_vi),
        candidate_party={c.code: c.party for c in contest.candidates},
        a=a,
        b=b,
        label=f"{poll.pollster} poll, fieldwork ended {poll.fieldwork_end:%d %b %Y}",
        names=display_names(contest),
    )


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    return {
        "splits": {k: [s.to_a, s.to_b, s.exhausted] for k, s in scenario.splits.items()},
        "message_strength": scenario.message_strength,
        "message_destination": asdict(scenario.message_destination),
        "drag_recovery": scenario.drag_recovery,
        "drag_source": asdict(scenario.drag_source),
        "message_uncertainty": scenario.message_uncertainty,
    }


def json_object(value: Any, what: str) -> Mapping[str, Any]:
    """`value` if it is a JSON object (a mapping with text keys); else ValueError naming `what` and the kind found:
    a saved record written by another version or edited outside warroom may hold any JSON kind anywhere."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValueError(f"{what} must be a JSON object, not {_json_kind(value)}")
    return value


def json_number(value: Any, what: str) -> float:
    """`value` as a float if it is a finite JSON number (not true/false, not text); else ValueError naming `what`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a number, not {_json_kind(value)}")
    return float(value)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "infinity"
    if isinstance(value, int | float):
        return f"{value!r}"
    return {type(None): "null", str: "text", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _parts(value: Any, what: str) -> list[float]:
    if not isinstance(value, list) or len(value) != 3:
        raise ValueError(f"{what} must be a list of three numbers, not {_json_kind(value)}")
    return [json_number(v, what) for v in value]


def scenario_from_dict(data: Mapping[str, Any], name: str = "") -> Scenario:
    """Inverse of scenario_to_dict; raises ValueError (naming the field) on bad settings, whatever JSON kind
    stands where (a list for an object: "AttributeError" had reached the front ends). Keys it does not know are
    left aside (a later version's); a missing one takes its default."""
    try:
        data = json_object(data, "the settings")
        splits = json_object(data.get("splits", {}), "splits")
        destination = json_object(data.get("message_destination", {}), "message_destination")
        source = json_object(data.get("drag_source", {}), "drag_source")
        return Scenario(
            splits={k: Split(*_parts(v, f"the split of {k!r}")) for k, v in splits.items()},
            message_strength=json_number(data.get("message_strength", 0.0), "message_strength"),
            message_destination=Destination(
                **{k: json_number(v, f"message_destination {k}") for k, v in destination.items()}
            ),
            drag_recovery=json_number(data.get("drag_recovery", 0.0), "drag_recovery"),
            drag_source=DragSource(**{k: json_number(v, f"drag_source {k}") for k, v in source.items()}),
            name=name,
            message_uncertainty=json_number(data.get("message_uncertainty", 0.0), "message_uncertainty"),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"saved scenario {name!r} is invalid: {exc}") from exc


HEATMAP_STRENGTHS = np.linspace(0.0, 1.0, 41)
"""Message strengths (0-1) along the heatmap's x axis."""
HEATMAP_SPLITS = np.linspace(0.0, 100.0, 41)
"""Shares of valid transfers to the front-runner (%) along the heatmap's y axis."""


_transfers = attrgetter("transfers")
_fieldwork_end = attrgetter("fieldwork_end")


def splits_from_polls(
    polls: Sequence[Poll],
    contest: Contest,
    a: str,
    b: str,
    as_of: date | None = None,
    fallback: Mapping[str, Split] | None = None,
) -> dict[str, Split]:
    """Second-preference splits for every non-finalist: the latest published by `as_of`, else `fallback`'s
    (priors from a past count), else the neutral default."""
    published = filter(_transfers, polls)  # in C: most polls publish none
    usable = sorted(
        published if as_of is None else (p for p in published if p.fieldwork_end <= as_of), key=_fieldwork_end
    )
    observed = [t for p in usable for t in p.transfers]
    eliminated = [c.code for c in contest.candidates if c.code not in (a, b)] + ["other"]
    return default_splits(observed, eliminated, a, b, fallback)
