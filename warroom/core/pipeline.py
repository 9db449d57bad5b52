"""The one pipeline: polls -> averages -> baseline -> scenario -> projection view. Pure.

Every front end goes through these functions: the scenario panel (through its controller), compare, meeting
mode, the briefing and every export, and the command line. A figure is therefore computed in one place, and a
test can drive all of them from one saved case.

The pieces:

* `compute_averages`: the poll average of a contest, optionally as it stood on a day (no look-ahead).
* `BaselineChoice` and `make_baseline`: what a scenario starts from (the latest average, the average on a day,
  or one poll) as a typed value, and the Baseline it gives. A baseline carries its runoff source: a poll's
  published head-to-head, or the runoff poll average the chart shows. With its default transfers and no lever
  moved, the projection reproduces that source exactly (Baseline.runoff_adjustment); transfers and levers then
  move the margin from there, so the verdict and the runoff chart tell one story.
* `default_scenario`, `reconcile`: the transfer splits a baseline starts with, and a user's settings carried
  onto a new baseline (kept where the same candidate is still eliminated, defaults for the others).
* `evaluate`: projection, heatmap, break-even contour and break-even splits as one `ProjectionView`.
* `SavedScenario`: a saved case that carries its baseline (the numbers, not only the label), every lever, when
  it was made and from which polls; `freshness` says whether today's polls would give a different answer.
"""

from __future__ import annotations

import math
import operator
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from warroom.core.baseline import (
    HEATMAP_SPLITS,
    HEATMAP_STRENGTHS,
    as_of_problem,
    baseline_from_average,
    baseline_from_poll,
    display_names,
    json_number,
    json_object,
    party_average,
    scenario_from_dict,
    scenario_to_dict,
    splits_from_polls,
)
from warroom.core.forecast import (
    ForecastErrors,
    LeverRange,
    RunoffOdds,
    margin_interval,
    share_interval,
    signed_points,
    simulate_first_round,
    simulate_runoff,
)
from warroom.core.runoff import Split, front_pair, implied_runoff
from warroom.core.scenario import (
    DEFAULT_ERROR,
    Baseline,
    Projection,
    Scenario,
    baseline_from_shares,
    break_even_curve,
    break_even_split,
    break_even_text,
    default_splits,
    first_round_votes,
    largest_eliminated,
    margin_grid,
    project,
    with_odds,
)
from warroom.core.types import Contest, Poll, bidi_isolated, control_problem, listed, tie_names

if TYPE_CHECKING:  # (loaded where a poll average is taken: a start frame's case is evaluated without it)
    from warroom.core.averaging import ColumnBuilder, PollAverages, PollColumns

MODES = ("average", "as_of", "poll", "party_vi")
CHANGE_TOLERANCE = 0.05
"""Points of runoff margin below which today's answer counts as the same as the saved one (it prints alike)."""


PriorSource = Callable[[str, str], Mapping[str, Split]]
"""Default splits for a finalist pair (a, b) where no poll publishes any: priors from a past count
(core.priors.transfer_priors bound to the contest's chosen past result)."""


class PipelineError(ValueError):
    """The pipeline cannot go on with these polls or settings (the message says what and where)."""


# --- averages ---------------------------------------------------------------------------------------------


def compute_averages(
    polls: Sequence[Poll],
    contest: Contest,
    *,
    as_of: date | None = None,
    columns: ColumnBuilder | None = None,
    priors: PriorSource | None = None,
    odds: OddsModel | None = None,
) -> PollAverages | None:
    """The poll average of a contest, with the published transfer splits implying runoffs where needed.

    Args:
        polls: the contest's polls.
        contest: the race.
        as_of: only polls whose fieldwork ended by this day, and the grid ends there (no look-ahead).
        columns: a ColumnBuilder kept by the caller between recomputes (skips unchanged polls' work).
        priors: default splits where no poll publishes one (the same ones the scenario starts from).
        odds: with it, the averages carry their forecast bands (forecast_bands).

    Returns:
        The averages, or None when no poll (by `as_of`) has first-round figures.
    """
    from warroom.core.averaging import ColumnBuilder, SplitsRead, average_polls

    if not any(p.first_round and (as_of is None or p.fieldwork_end <= as_of) for p in polls):
        return None
    built = (columns or ColumnBuilder(contest)).build(polls)
    with_transfers = list(filter(_has_transfers, polls))  # filtered in C: a comprehension took 0.5 ms at 10,000

    read: dict[tuple[str, str], SplitsRead] = {}

    def splits_for(a: str, b: str) -> Mapping[str, Split]:
        fallback = priors(a, b) if priors is not None else None
        splits = _kept_splits(columns, with_transfers, contest, a, b, as_of, fallback)
        read[(a, b)] = SplitsRead(a, b, as_of, with_transfers, fallback, dict(splits))
        return splits

    averages = average_polls(polls, contest, as_of=as_of, columns=built, splits_for=splits_for)
    return replace(
        averages,
        splits_read=read.get((averages.a, averages.b)),
        forecast=forecast_bands(averages, odds) if odds is not None else averages.forecast,
    )


_has_transfers = operator.attrgetter("transfers")


def _kept_splits(
    columns: ColumnBuilder | None,
    with_transfers: list[Poll],
    contest: Contest,
    a: str,
    b: str,
    as_of: date | None,
    fallback: Mapping[str, Split] | None,
) -> dict[str, Split]:
    """splits_from_polls, kept in the caller's ColumnBuilder while the polls publishing transfers (the very same
    objects), the contest, the pair, the day and the fallback are the same: adding a poll without transfers to
    10,000 read every publication again (1,000 of them in bench_scale's store: 3 ms) for the same splits."""
    if columns is None:
        return splits_from_polls(with_transfers, contest, a, b, as_of, fallback)
    key = (a, b, as_of)
    hit = columns.kept.get(key)
    if (
        isinstance(hit, tuple)
        and (hit[0] is contest or hit[0] == contest)
        and hit[2] == fallback
        and len(hit[1]) == len(with_transfers)
        and all(map(operator.is_, hit[1], with_transfers))  # compared in C
    ):
        return dict(hit[3])
    splits = splits_from_polls(with_transfers, contest, a, b, as_of, fallback)
    if len(columns.kept) > 32:
        columns.kept.clear()
    columns.kept[key] = (contest, with_transfers, None if fallback is None else dict(fallback), dict(splits))
    return splits


def forecast_bands(averages: PollAverages, model: OddsModel) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The 90 % forecast band of every series, day by day: the historical error of poll averages at that day's
    distance to polling day around the average (shares on the logit scale, leads as margins, so neither
    leaves its range). The poll-average band says where the polls stand; this one where the result may land.
    Leads use the runoff margin's error curve (the record has no separate first-round lead series)."""
    election = model.election_date.toordinal()
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for code, s in averages.first_round.items():
        days_to = np.maximum(election - evidence_days(s.days, averages.columns), 0.0)
        mean = np.clip(s.mean, 0.0, 100.0)
        lo, hi = share_interval(mean, np.asarray(model.errors.share_sd(days_to, mean)), 0.9)
        out[f"first:{code}"] = (np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
    for key, lead in (("lead1", averages.first_lead), ("lead2", averages.second_lead)):
        if lead.empty:
            continue
        sd = np.asarray(model.errors.margin_sd(np.maximum(election - evidence_days(lead.days, averages.columns), 0.0)))
        # The margin is 2 A - 100 of the two's vote: A's share's logit interval (sd halved), mapped back.
        lo, hi = share_interval(np.clip(50.0 + lead.mean / 2.0, 0.0, 100.0), sd / 2.0, 0.9)
        out[key] = (2.0 * np.asarray(lo, dtype=float) - 100.0, 2.0 * np.asarray(hi, dtype=float) - 100.0)
    return out


def evidence_days(days: np.ndarray, columns: PollColumns | None) -> np.ndarray:
    """Each grid day, or the latest poll's fieldwork end where the grid runs on past it (an average read as of a
    later day): the day the forecast's distance to polling day is counted from, as OddsModel.days_before counts
    a baseline's (Baseline.polls_to). A band read months after its last poll was as narrow as one read the day
    after it. A grid that ends at its last poll (every average not read as of a day) is unchanged."""
    if columns is None or not len(columns):
        return days
    return np.minimum(days, float(np.max(columns.end)))


def runoff_kind(averages: PollAverages, day: float | None = None) -> str:
    """What the runoff-lead average is made of, in words ("3 published head-to-heads and 14 implied runoffs")."""
    if averages.runoff_is_first_round:
        return "the first round's two shares: with two candidates nobody's votes transfer"
    last = averages.second_lead.days[-1] if not averages.second_lead.empty else math.inf
    cut = last if day is None else day
    observed = int(np.sum(averages.second_lead_observed.day <= cut + 0.5))
    implied = int(np.sum(averages.second_lead_implied.day <= cut + 0.5))
    parts = []
    if observed:
        parts.append(f"{observed} published head-to-head{'s' if observed != 1 else ''}")
    if implied:
        parts.append(f"{implied} runoff{'s' if implied != 1 else ''} implied by transfers")
    return " and ".join(parts) if parts else "no runoff figures"


# --- baselines --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineChoice:
    """What a scenario starts from.

    Attributes:
        mode: "average" (the latest poll average), "as_of" (the average as it stood on a day, from the polls
            known by then) or "poll" (one poll's own figures).
        as_of: the day, for "as_of".
        poll_id: the poll, for "poll".
        personal: for "party_vi" (no poll of the race yet): (candidate code, points) pairs, each candidate's
            personal vote above (or below) his party's voting intention; the first round is each party's
            voting intention plus these, the rest "other". `as_of` optionally fixes the day.
    """

    mode: str = "average"
    as_of: date | None = None
    poll_id: int | None = None
    personal: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise PipelineError(f"baseline mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.mode == "as_of" and self.as_of is None:
            raise PipelineError("a baseline on a date needs the date")
        if self.mode == "poll" and self.poll_id is None:
            raise PipelineError("a one-poll baseline needs the poll's id")
        for code, points in self.personal:
            if not (-100.0 <= points <= 100.0):  # `not` so NaN is refused too
                raise PipelineError(f"personal vote of {code}: give points within -100 to 100, got {points}")
        if self.personal and self.mode != "party_vi":
            raise PipelineError("personal votes only apply to a baseline from party voting intention")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "mode": self.mode,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "poll_id": self.poll_id,
            "personal": {code: points for code, points in self.personal},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BaselineChoice:
        """Inverse of to_dict; also reads the older {"mode", "value"} form."""
        try:
            data = json_object(data, "the baseline choice")
            mode = str(data.get("mode", "average"))
            if mode not in ("average", "as_of", "poll", "party_vi"):
                raise ValueError(f"mode must be average, as_of, poll or party_vi, not {mode!r}")
            value = data.get("value")
            as_of = data.get("as_of", value if mode == "as_of" else None)
            poll_id = data.get("poll_id", value if mode == "poll" else None)
            personal = tuple(
                (k, json_number(v, f"personal vote of {k!r}"))
                for k, v in json_object(data.get("personal") or {}, "personal").items()
            )
            if as_of is not None and not isinstance(as_of, str):
                raise ValueError(f"as_of must be a date (YYYY-MM-DD), not {as_of!r}")
            if poll_id is not None and (isinstance(poll_id, bool) or not isinstance(poll_id, int)):
                raise ValueError(f"poll_id must be a whole number, not {poll_id!r}")
            return cls(mode, date.fromisoformat(as_of) if as_of is not None else None, poll_id, personal)
        except (TypeError, ValueError) as exc:
            raise PipelineError(f"baseline choice is invalid: {exc}") from None


def polling_day_cut(choice: BaselineChoice, polls: Sequence[Poll], contest: Contest) -> tuple[date, int] | None:
    """(polling day, how many polls ended after it) when the latest-average baseline of a past race is read on
    polling day, else None. A forecast of an election is what the polls known by its day said: recall polls
    taken after the vote (allowed up to a year on) made a race held on 2 May read "Poll average on 12 Jul" and
    "Safe Red (99 % chance)" without a word. Only the "average" choice is cut (a day the user picks is read as
    asked), and only when some poll was known by polling day (else there is nothing to read there)."""
    if choice.mode != "average":
        return None
    polling_day = contest.second_round_date or contest.election_date
    ends = [p.fieldwork_end for p in polls if p.first_round]
    later = sum(end > polling_day for end in ends)
    if not later or later == len(ends):
        return None
    return polling_day, later


def after_polling_day(choice: BaselineChoice, polls: Sequence[Poll], contest: Contest) -> str:
    """The words a latest-average baseline's label takes when every poll with first-round figures ended after
    polling day (polling_day_cut has nothing to read there, so the average is the polls' own): the forecast of a
    race already held, from polls taken after it, had said "Likely X (77 % chance)" without a word. "" otherwise."""
    if choice.mode != "average":
        return ""
    polling_day = contest.second_round_date or contest.election_date
    ends = [p.fieldwork_end for p in polls if p.first_round]
    if not ends or min(ends) <= polling_day:
        return ""
    return f" (every poll ended after polling day, {polling_day:%d %b %Y})"


def forecast_after_polling_day(last_day: date | None, contest: Contest) -> str:
    """The note a forecast over time (`warroom forecast`, Scenario > Forecast over time) takes when its last day
    is after polling day: that happens only when every poll ended after it (forecast_last_day stops at polling
    day otherwise), so each point is what polls taken after a race already held say, no forecast of it. The
    chart's baseline says it (after_polling_day); the forecast gave "Johnson 71 %" week by week without a word.
    "" otherwise."""
    polling_day = contest.second_round_date or contest.election_date
    if last_day is None or last_day <= polling_day:
        return ""
    return (
        f"Note: every poll ended after polling day ({polling_day:%d %b %Y}): each point is what polls taken after "
        "the race say, not a forecast of it."
    )


def _default_polls_for(
    choice: BaselineChoice, polls: Sequence[Poll], contest: Contest
) -> tuple[list[Poll], date | None]:
    """The polls whose published transfers give a baseline's default splits, and the cut-off day."""
    if choice.mode == "party_vi":
        return list(polls), choice.as_of
    if choice.mode == "poll":
        poll = next(p for p in polls if p.id == choice.poll_id)
        # Polls known when this one ended, with this one last: its own published splits win.
        earlier = [p for p in polls if p.fieldwork_end <= poll.fieldwork_end and p is not poll]
        return [*sorted(earlier, key=lambda p: p.fieldwork_end), poll], None
    cut = polling_day_cut(choice, polls, contest)
    return list(polls), choice.as_of if cut is None else cut[0]


def default_scenario(
    baseline: Baseline,
    polls: Sequence[Poll],
    contest: Contest,
    choice: BaselineChoice,
    priors: PriorSource | None = None,
    averages: PollAverages | None = None,
) -> Scenario:
    """Default transfer splits for every eliminated candidate of `baseline`, levers at zero.

    The latest published splits known at the baseline (a one-poll baseline prefers that poll's own), else the
    priors from a past count when the contest has them, else an even split at the default transfer rate.
    `averages` (optional): averages of these polls, whose implied runoffs' splits are taken when they were read
    for the same pair, day and fallback from the very same polls (at 10,000 polls reading them again was 2-3 ms of
    each rebuild).
    """
    source, as_of = _default_polls_for(choice, polls, contest)
    fallback = priors(baseline.a, baseline.b) if priors is not None else None
    if choice.mode == "poll":
        observed = [t for p in source for t in p.transfers]
        splits = default_splits(observed, baseline.eliminated, baseline.a, baseline.b, fallback)
    else:
        read = averages.splits_read if averages is not None else None
        if (
            read is not None
            and (read.a, read.b, read.as_of) == (baseline.a, baseline.b, as_of)
            and read.fallback == fallback
            and _same_objects(read.published, list(filter(_has_transfers, source)))
        ):
            splits = dict(read.splits)
        else:
            splits = splits_from_polls(source, contest, baseline.a, baseline.b, as_of, fallback)
    return Scenario(splits={k: v for k, v in splits.items() if k in baseline.eliminated})


def _same_objects(x: Sequence[object], y: Sequence[object]) -> bool:
    return len(x) == len(y) and all(map(operator.is_, x, y))  # compared in C


def reconcile(scenario: Scenario, baseline: Baseline, defaults: Scenario) -> Scenario:
    """A user's settings carried onto `baseline`: their split for each candidate still eliminated, the default
    split for a newly eliminated one, none for a candidate who is now a finalist; levers kept."""
    splits = {k: scenario.splits.get(k) or defaults.split(k) for k in baseline.eliminated}
    return replace(scenario, splits=splits)


def make_case(
    choice: BaselineChoice,
    polls: Sequence[Poll],
    contest: Contest,
    averages: PollAverages | None,
    priors: PriorSource | None = None,
) -> tuple[Baseline, Scenario]:
    """make_baseline and its default_scenario, the transfer splits worked out once: make_baseline needs them for its
    runoff adjustment, and reading every published transfer twice was 2-3 ms of a 10,000-poll rebuild."""
    base, defaults = _baseline_and_defaults(choice, polls, contest, averages, priors)
    return base, defaults if defaults is not None else default_scenario(base, polls, contest, choice, priors, averages)


def make_baseline(
    choice: BaselineChoice,
    polls: Sequence[Poll],
    contest: Contest,
    averages: PollAverages | None,
    priors: PriorSource | None = None,
) -> Baseline:
    """The Baseline a choice gives, with its runoff source and the adjustment that reproduces it.

    Args:
        choice: what to start from.
        polls: the contest's polls (all of them; "as_of" cuts them itself).
        contest: the race.
        averages: the current poll average of all the polls (None if there is none).
        priors: default splits from a past count (see default_scenario).

    Returns:
        The baseline.

    Raises:
        PipelineError: no polls to start from, or the chosen poll is gone or has no first round.
    """
    return _baseline_and_defaults(choice, polls, contest, averages, priors)[0]


def standing_problem(contest: Contest) -> str | None:
    """Why a race has no runoff to project or forecast once candidates withdrew, None while two or more stand: the
    one sentence the scenario, `warroom forecast` and Scenario > Forecast over time say. A runoff of two withdrawn
    candidates was projected, and one of them given the race (instant runoff already said so)."""
    if len(contest.standing) >= 2:
        return None
    return f"{contest.name}: fewer than two standing candidates (the others have withdrawn)"


def outright_majority(contest: Contest) -> float:
    """The first-round share (% of valid votes) past which a baseline's leader is elected outright: the contest's
    own `[rules] majority` when it is a share of valid votes (a baseline's shares are), else the usual 50 % (a
    share of votes cast or of the electorate needs turnout figures no baseline has). A contest file's
    `majority = 40` was read and then ignored: the panel, the verdict and the simulated odds all went by 50 %."""
    rules = contest.counting_rules
    return rules.majority if rules.majority_base == "valid" else 50.0


def unapplied_majority(contest: Contest) -> str:
    """The contest's own majority in words when a baseline cannot follow it (a share of votes cast or of the
    electorate: `outright_majority` keeps 50 % of valid votes), else "". The verdict's places say so
    (`Baseline.majority_note`), where a `majority = 40` of registered voters went by 50 % without a word."""
    rules = contest.counting_rules
    if rules.majority_base == "valid" or rules.majority == 50.0:
        return ""
    return f"{rules.majority:g} % of {'votes cast' if rules.majority_base == 'cast' else 'registered voters'}"


def _baseline_and_defaults(
    choice: BaselineChoice,
    polls: Sequence[Poll],
    contest: Contest,
    averages: PollAverages | None,
    priors: PriorSource | None,
) -> tuple[Baseline, Scenario | None]:
    """make_baseline, with the default_scenario it made on the way (None: it needed none)."""
    if (problem := standing_problem(contest)) is not None:
        raise PipelineError(problem)
    base, defaults = _baseline_and_defaults_of(choice, polls, contest, averages, priors)
    # withdrawn candidates are never finalists (a finalist a poll's own pair made withdrawn is left a finalist)
    withdrawn = frozenset(
        c.code
        for c in contest.candidates
        if c.withdrawn and c.code in base.first_round and c.code not in (base.a, base.b)
    )
    return replace(
        base,
        majority=outright_majority(contest),
        majority_unapplied=unapplied_majority(contest),
        withdrawn=withdrawn,
    ), defaults


def _baseline_and_defaults_of(
    choice: BaselineChoice,
    polls: Sequence[Poll],
    contest: Contest,
    averages: PollAverages | None,
    priors: PriorSource | None,
) -> tuple[Baseline, Scenario | None]:
    if choice.mode == "party_vi":
        return _party_vi_baseline(choice, polls, contest), None
    day_avg: PollAverages | None = None  # the averages the baseline is read from (none for one poll's)
    if choice.mode == "poll":
        poll = next((p for p in polls if p.id == choice.poll_id), None)
        if poll is None:
            raise PipelineError(f"poll #{choice.poll_id} is not in {contest.name} any more")
        if not poll.first_round:
            raise PipelineError(f"{poll.pollster}'s poll of {poll.fieldwork_end:%d %b %Y} has no first-round figures")
        if averages is not None and averages.a in poll.first_round and averages.b in poll.first_round:
            a, b = averages.a, averages.b
        else:
            ranked = sorted((k for k in poll.first_round if k != "other"), key=lambda k: -poll.first_round[k])
            standing_codes = {c.code for c in contest.standing}
            standing = [k for k in ranked if k in standing_codes]
            ranked = standing if len(standing) >= 2 else ranked  # a withdrawn candidate is never a finalist
            if len(ranked) < 2:
                raise PipelineError(f"{poll.pollster}'s poll needs first-round figures for two candidates")
            a, b = ranked[0], ranked[1]
        base = replace(baseline_from_poll(poll, contest, a, b), as_of=poll.fieldwork_end)
        anchor: float | None = None
        source = "first round plus transfers (the poll publishes no head-to-head)"
        ha, hb = poll.second_round.get(a), poll.second_round.get(b)
        if ha is not None and hb is not None and ha + hb > 0:
            anchor = 100.0 * (ha - hb) / (ha + hb)
            source = f"{poll.pollster}'s published head-to-head, {ha:g}-{hb:g}"
    else:
        day_avg = averages
        cut = polling_day_cut(choice, polls, contest)
        as_of = choice.as_of if cut is None else cut[0]  # the day the average is read on (None: its last)
        if choice.mode == "as_of":
            late = as_of_problem(choice.as_of, polls, contest) if choice.as_of is not None else None
            if late is not None:
                raise PipelineError(late)
            day_avg = compute_averages(polls, contest, as_of=choice.as_of, priors=priors)
        elif cut is not None:
            day_avg = compute_averages(polls, contest, as_of=as_of, priors=priors)
        if day_avg is None or not day_avg.first_round:
            when = f" by {choice.as_of:%d %b %Y}" if choice.mode == "as_of" and choice.as_of else ""
            raise PipelineError(f"no polls with first-round figures{when} in {contest.name}")
        base = baseline_from_average(day_avg, polls, contest, as_of)
        if cut is not None:
            later = f"{cut[1]} poll{'s' if cut[1] != 1 else ''} after it left out"
            base = replace(base, label=f"{base.label} (polling day; {later})")
        elif after := after_polling_day(choice, polls, contest):
            base = replace(base, label=base.label + after)
        grid_end = date.fromordinal(int(next(iter(day_avg.first_round.values())).days[-1]))
        known = [p.fieldwork_end for p in polls if p.first_round and (as_of is None or p.fieldwork_end <= as_of)]
        polls_to = max(known) if known and as_of is not None and max(known) < as_of else None
        base = replace(base, as_of=as_of or grid_end, polls_to=polls_to)
        anchor = None
        source = "first round plus transfers"
        lead = day_avg.second_lead
        if not lead.empty:
            day = float(as_of.toordinal()) if as_of else float(lead.days[-1])
            anchor = lead.at(day)[0]
            source = f"the runoff poll average ({runoff_kind(day_avg, day)})"
            if day_avg.runoff_is_first_round:
                source = "the first round (two candidates: nobody's votes transfer)"
    if anchor is None:
        return replace(base, runoff_source=source), None
    defaults = default_scenario(base, polls, contest, choice, priors, day_avg)
    implied = implied_runoff(base.normalised, base.a, base.b, {k: defaults.split(k) for k in base.eliminated}).margin
    # default_scenario reads only the finalists and who is eliminated, which the adjustment leaves as they are
    adjustment = anchor - implied
    if abs(adjustment) < 1e-9:  # the same margin but for rounding (a two-candidate race's): "0.0 points lower"
        adjustment = 0.0
    return replace(base, runoff_adjustment=adjustment, runoff_source=source), defaults


def no_case_reason(contest: Contest) -> str:
    """What every view of a runoff scenario says when the race has nothing to build one from (no poll with
    first-round figures, none with party voting intention): a race with no polls yet, or every poll deleted."""
    return f"No poll of {contest.name} with first-round figures yet: no runoff scenario until one is added or imported"


def _party_vi_baseline(choice: BaselineChoice, polls: Sequence[Poll], contest: Contest) -> Baseline:
    """First round = each standing candidate's party voting intention plus his personal vote; the rest "other"."""
    with_vi = [p for p in polls if p.party_vi and (choice.as_of is None or p.fieldwork_end <= choice.as_of)]
    if not with_vi:
        raise PipelineError(f"no poll with party voting intention in {contest.name} to build a baseline from")
    day = choice.as_of or max(p.fieldwork_end for p in with_vi)
    vi = party_average(with_vi, float(day.toordinal()))
    personal = dict(choice.personal)
    shares: dict[str, float] = {}
    for c in contest.standing:
        share = (vi.get(c.party, 0.0) if c.party else 0.0) + personal.get(c.code, 0.0)
        if share > 0:
            shares[c.code] = share
    if len(shares) < 2:
        raise PipelineError("party voting intention gives fewer than two candidates a share: add personal votes")
    total = sum(shares.values())
    if total < 100.0:
        shares["other"] = 100.0 - total
    # Tied candidates ordered as the count orders them (core.runoff.front_pair), not by code
    a, b = front_pair({k: v for k, v in shares.items() if k != "other"}, tie_names(contest))
    base = baseline_from_shares(
        shares,
        vi,
        {c.code: c.party for c in contest.candidates},
        a=a,
        b=b,
        label=f"Party voting intention on {day:%d %b %Y} plus personal votes (no poll of this race yet)",
        names=display_names(contest),
    )
    return replace(base, runoff_source="first round (from party voting intention) plus transfers", as_of=day)


def describe_runoff_source(baseline: Baseline) -> str:
    """One line on where the baseline's runoff comes from and what transfers alone would say."""
    adj = baseline.runoff_adjustment
    if f"{abs(adj):.1f}" == "0.0":  # "would put the margin 0.0 points lower" said nothing but looked like a figure
        return f"Runoff: {baseline.runoff_source}."
    return (
        f"Runoff from {baseline.runoff_source}. First round plus the default transfers alone would put the "
        f"margin {abs(adj):.1f} points {'lower' if adj > 0 else 'higher'}; that difference is kept while "
        "transfers and levers move the margin."
    )


# --- evaluation -------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ProjectionView:
    """Everything any front end shows for one case.

    Attributes:
        baseline: what the case starts from.
        scenario: the transfers and levers.
        projection: first round, runoff, margin, verdict, break-even, win probability.
        heatmap_of: the eliminated candidate on the heatmap's y axis (the largest), or None.
        grid: margins over HEATMAP_SPLITS (rows) x HEATMAP_STRENGTHS (columns), or None.
        contour: exact break-even message strength per HEATMAP_SPLITS row, or None.
        break_even_splits: eliminated candidate -> share of his valid transfers to the front-runner at which
            the margin is zero (all else as set); the heatmap's candidate only.
    """

    baseline: Baseline
    scenario: Scenario
    projection: Projection
    heatmap_of: str | None = None
    grid: np.ndarray | None = None
    contour: np.ndarray | None = None
    break_even_splits: Mapping[str, float | None] = field(default_factory=dict)
    odds: RunoffOdds | None = None
    valid_votes: int | None = None

    @property
    def break_even_words(self) -> str:
        """The message break-even in words: share of the personal vote, points of the first round, voters."""
        p = self.projection
        reached = (
            p.break_even_message is not None and p.gap_closed and p.break_even_message <= self.scenario.message_strength
        )
        return break_even_text(
            p.break_even_message, self.baseline.bounce, reached=reached, valid_votes=self.valid_votes
        )

    def split_break_even_lines(self, names: Mapping[str, str] | None = None) -> dict[str, str]:
        """What a tie would take from each eliminated candidate in break_even_splits, in words: the share of his
        valid transfers to the front-runner at which the runoff ties, against the split set now; or, when no split
        of his voters ties it (the share is outside 0-100), who leads however they split. `names`: code -> name
        as the front end shows it (the baseline's full names by default). The panel and `warroom scenario` print
        these lines."""

        def name(code: str) -> str:
            return bidi_isolated(names[code]) if names and code in names else self.baseline.name(code)

        a, b = name(self.baseline.a), name(self.baseline.b)
        out: dict[str, str] = {}
        for code, y in self.break_even_splits.items():
            if y is None:
                continue
            whose = "other candidates'" if code == "other" else f"{name(code)}'s"  # (not "Others's")
            if 0.0 <= y <= 100.0:
                now = self.scenario.split(code).a_of_valid
                out[code] = (
                    f"The runoff ties at {y:.1f} % of {whose} valid transfers to {a} ({100.0 - y:.1f} % to {b}); "
                    f"now {now:.1f} %."
                )
            else:
                out[code] = f"{a if y < 0.0 else b} leads however {whose} voters split, all else as set."
        return out


@dataclass(frozen=True)
class OddsModel:
    """How the win probability is simulated (core.forecast): the historical error of poll averages by
    distance to polling day, the contest's polling day, and the simulation's size and seed.

    The seed is fixed, so the same case always gives the same probability (in the panel, compare, meeting
    mode, the briefing and the CLI alike) and a slider move changes it smoothly, not by re-rolled noise.

    Attributes:
        errors: the error table (ForecastErrors.load of resources/data/forecast_errors.json).
        election_date: polling day (the final round's where there are two).
        draws: simulated elections per evaluation.
        seed: the random seed.
        valid_votes: the first-round valid vote expected (the race's own result, else its transfer prior's), to
            say a break-even in voters as well as points; None when unknown.
    """

    errors: ForecastErrors
    election_date: date
    draws: int = 2000
    seed: int = 20120503
    valid_votes: int | None = None

    def days_before(self, baseline: Baseline) -> int:
        """Days from the baseline's figures to polling day (0 once it has passed or when unknown): from the latest
        poll they rest on (Baseline.polls_to) when that is before the day they are read on, as forecast_bands
        counts each day's (evidence_days). The error table is of averages that many days out: an average of
        January's polls read on 30 April is as unsure as it was in January, not as a fresh one."""
        if baseline.as_of is None:
            return 0
        day = min(baseline.as_of, baseline.polls_to) if baseline.polls_to is not None else baseline.as_of
        return max(0, (self.election_date - day).days)


def simulate_odds(baseline: Baseline, scenario: Scenario, projection: Projection, model: OddsModel) -> RunoffOdds:
    """Simulate the race around a projection: first-round shares drawn with the historical error at this
    distance (shares stay positive and sum to 100), each transfer split uncertain, the margin's spread set to the
    historical error of the runoff margin."""
    days = model.days_before(baseline)
    rng = np.random.default_rng(model.seed)
    sd = float(model.errors.share_scale(days))
    # Sorted by code: the draws must not depend on the order a record kept its candidates in (a saved
    # baseline comes back from JSON with sorted keys), or the same case would simulate differently.
    low, high = scenario.message_range
    if high > low:
        # The message strength is a guess: each draw takes its own strength from the range. The votes are
        # affine in the strength, so the lever is votes(0) plus strength x (votes(1) - votes(0)).
        votes = first_round_votes(baseline, scenario, np.array([0.0, 1.0]))
        at0 = {k: max(float(votes[k][0]), 0.0) for k in sorted(votes)}
        lever = LeverRange(low, high, {k: float(votes[k][1] - votes[k][0]) for k in sorted(votes)})
        draws = simulate_first_round(at0, sd, model.draws, rng, lever=lever)
    else:
        expected = {
            k: projection.first_round[k] for k in sorted(projection.first_round) if projection.first_round[k] > 0
        }
        draws = simulate_first_round(expected, sd, model.draws, rng)
    return simulate_runoff(
        draws,
        baseline.a,
        baseline.b,
        {k: scenario.split(k) for k in sorted(baseline.eliminated)},
        rng,
        transfer_sd=DEFAULT_ERROR.transfer_sd,
        runoff_adjustment=baseline.runoff_adjustment,
        target_margin_sd=float(model.errors.margin_sd(days)),
        majority=baseline.majority,
        ineligible=baseline.withdrawn,
    )


def evaluate(
    baseline: Baseline, scenario: Scenario, *, heatmap: bool = True, odds: OddsModel | None = None
) -> ProjectionView:
    """Project a scenario and work out its break-evens (and the heatmap, unless `heatmap` is False).

    With `odds`, the win probability (and the verdict words that follow it) comes from simulating the race at
    the baseline's distance to polling day (simulate_odds); without it, from the normal approximation of
    core.scenario.project.

    Raises:
        ValueError: settings that do not make a scenario (the message says which).
    """
    projection = project(baseline, scenario)
    simulated = None
    if odds is not None:
        simulated = simulate_odds(baseline, scenario, projection, odds)
        projection = with_odds(
            projection, baseline, simulated.p_b_wins, simulated.margin_sd, simulated.p_win, simulated.n
        )
    target = largest_eliminated(baseline)
    grid = contour = None
    splits: dict[str, float | None] = {}
    if target is not None:
        splits[target] = break_even_split(baseline, scenario, target)
        if heatmap:
            grid = margin_grid(baseline, scenario, HEATMAP_STRENGTHS, HEATMAP_SPLITS, target)
            contour = break_even_curve(baseline, scenario, HEATMAP_SPLITS, target)
    valid = odds.valid_votes if odds is not None else None
    return ProjectionView(baseline, scenario, projection, target, grid, contour, splits, simulated, valid)


def polled_first_round(baseline: Baseline, name: Callable[[str], str] | None = None) -> str:
    """The baseline's first round as read (the poll average the charts show, or the poll's own figures), in words,
    saying when the projection's first round, scaled to 100 % of valid votes (Baseline.normalised), prints apart
    from it: "As polled: Johnson 44.0, ..., Paddick 3.4 (99.7 % in all; scaled to 100 % in the projection)". The
    scenario panel showed Paddick 3.4 in its baseline and 3.5 in its projection with nothing saying which was
    which; it and `warroom scenario` print this line.

    Args:
        baseline: the baseline.
        name: a candidate's name as the caller shows it (default: Baseline.name).
    """
    name_of = baseline.name if name is None else name
    shares = sorted(baseline.first_round.items(), key=lambda kv: -kv[1])
    words = "As polled: " + ", ".join(f"{name_of(k)} {v:.1f}" for k, v in shares)
    scaled = baseline.normalised
    if all(f"{v:.1f}" == f"{scaled[k]:.1f}" for k, v in shares):
        return words
    total = sum(max(v, 0.0) for v in baseline.first_round.values())
    shown = f"{total:.1f}" if f"{total:.1f}" != "100.0" else f"{total:.2f}"
    return f"{words} ({shown} % in all; scaled to 100 % in the projection)"


def assumption_lines(baseline: Baseline, scenario: Scenario) -> list[str]:
    """The settings of a case in words: what a briefing, meeting mode and the CLI print beside its numbers."""
    a, b = baseline.name(baseline.a), baseline.name(baseline.b)
    lines = [f"Baseline: {baseline.label}", describe_runoff_source(baseline)]
    if baseline.majority_note:
        lines.append(baseline.majority_note)
    m = scenario.message_strength
    d = scenario.message_destination
    if m > 0:
        low, high = scenario.message_range
        guess = f" (a guess: {100 * low:.0f}-{100 * high:.0f} % in the odds)" if high > low else ""
        lines.append(
            f"Message: {100 * m:.0f} % of {a}'s personal vote ({m * baseline.bounce:.1f} of {baseline.bounce:.1f} "
            f"points) peeled{guess}; {d.to_b:.0f} % to {b}, {d.to_others:.0f} % to others, "
            f"{d.to_abstain:.0f} % stay home"
        )
    else:
        lines.append(f"Message: none (personal vote {baseline.bounce:.1f} points)")
    if scenario.drag_recovery > 0:
        s = scenario.drag_source
        lines.append(
            f"Drag recovery: {100 * scenario.drag_recovery:.0f} % of {b}'s drag "
            f"({scenario.drag_recovery * baseline.drag:.1f} of {baseline.drag:.1f} points); from {a} "
            f"{s.from_a:.0f} %, others {s.from_others:.0f} %, non-voters {s.from_abstention:.0f} %"
        )
    # Candidates whose voters split alike share one line (five lines saying 27/27/46 say it once).
    groups: dict[str, list[str]] = {}
    for k in baseline.eliminated:
        sp = scenario.split(k)
        text = (
            f"{sp.to_a:.0f} % to {a}, {sp.to_b:.0f} % to {b}, {sp.exhausted:.0f} % no valid second preference "
            f"({sp.a_of_valid:.0f}/{100 - sp.a_of_valid:.0f} of those who transfer)"
        )
        groups.setdefault(text, []).append(baseline.name(k))
    for text, names in groups.items():
        who = f"{names[0]}'s voters" if len(names) == 1 else f"Voters of {listed(names)}"
        lines.append(f"{who}: {text}")
    return lines


# --- saved scenarios --------------------------------------------------------------------------------------


def baseline_to_dict(baseline: Baseline) -> dict[str, Any]:
    """Every number of a baseline, JSON-ready."""
    return {
        "label": baseline.label,
        "first_round": dict(baseline.first_round),
        "party_vi": dict(baseline.party_vi),
        "candidate_party": dict(baseline.candidate_party),
        "a": baseline.a,
        "b": baseline.b,
        "names": dict(baseline.names),
        "runoff_adjustment": baseline.runoff_adjustment,
        "runoff_source": baseline.runoff_source,
        "as_of": baseline.as_of.isoformat() if baseline.as_of else None,
    } | (
        ({"polls_to": baseline.polls_to.isoformat()} if baseline.polls_to else {})  # records without it: as_of
        | (
            ({"majority": baseline.majority} if baseline.majority != 50.0 else {})  # kept only where not the usual
            | ({"majority_unapplied": baseline.majority_unapplied} if baseline.majority_unapplied else {})
            | ({"withdrawn": sorted(baseline.withdrawn)} if baseline.withdrawn else {})  # records without: nobody
        )
    )


def baseline_from_dict(data: Mapping[str, Any], contest: Contest) -> Baseline:
    """Inverse of baseline_to_dict; a record from before candidate_party and names were kept takes them from the
    contest. Raises PipelineError naming the problem."""
    try:
        data = json_object(data, "the baseline")
        first_round = {
            k: _share(v, f"first-round share of {k!r}")
            for k, v in json_object(data["first_round"], "first_round").items()
        }
        party_vi = {
            k: _share(v, f"party share of {k!r}") for k, v in json_object(data.get("party_vi", {}), "party_vi").items()
        }
        parties = json_object(
            data.get("candidate_party") or {c.code: c.party for c in contest.candidates}, "candidate_party"
        )
        if not all(v is None or isinstance(v, str) for v in parties.values()):
            raise ValueError("candidate_party must name each candidate's party as text (or null)")
        names = json_object(data.get("names") or display_names(contest), "names")
        if not all(isinstance(v, str) for v in names.values()):
            raise ValueError("names must give each candidate's name as text")
        texts = {
            key: data.get(key, default)
            for key, default in (
                ("label", ""),
                ("runoff_source", "first round plus transfers"),
                ("majority_unapplied", ""),
            )
        }
        for key in ("a", "b"):
            texts[key] = data[key]
        wrong = next((k for k, v in texts.items() if not isinstance(v, str)), None)
        if wrong is not None:
            raise ValueError(f"{wrong} must be text, not {texts[wrong]!r}")
        as_of, polls_to = data.get("as_of"), data.get("polls_to")
        for key, value in (("as_of", as_of), ("polls_to", polls_to)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{key} must be a date (YYYY-MM-DD), not {value!r}")
        withdrawn = data.get("withdrawn", [])
        if not isinstance(withdrawn, list) or not all(isinstance(k, str) and k in first_round for k in withdrawn):
            raise ValueError("withdrawn must list candidates of the first round")
        return Baseline(
            first_round=first_round,
            party_vi=party_vi,
            candidate_party=dict(parties),
            a=texts["a"],
            b=texts["b"],
            label=texts["label"],
            names=dict(names),
            runoff_adjustment=json_number(data.get("runoff_adjustment", 0.0), "runoff_adjustment"),
            runoff_source=texts["runoff_source"],
            as_of=date.fromisoformat(as_of) if as_of else None,
            majority=json_number(data.get("majority", 50.0), "majority"),  # records without it went by 50 %
            majority_unapplied=texts["majority_unapplied"],
            polls_to=date.fromisoformat(polls_to) if polls_to else None,
            withdrawn=frozenset(withdrawn),
        )
    except KeyError as exc:
        raise PipelineError(f"saved baseline is invalid: it has no {exc}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise PipelineError(f"saved baseline is invalid: {exc}") from None


def _share(value: Any, what: str) -> float:
    share = json_number(value, what)
    if not 0.0 <= share <= 100.0:
        raise ValueError(f"{what} must lie within 0-100, not {share:g}")
    return share


@dataclass(frozen=True)
class SavedScenario:
    """A saved case: reproducible from what it stores alone.

    Attributes:
        name: the name it was saved under.
        choice: the baseline choice it was made on.
        baseline: that baseline's numbers as they were.
        scenario: every split and lever.
        saved_at: when it was saved (ISO 8601, local time; "" for records from before this was kept).
        poll_ids: the polls the baseline was computed from (empty for older records).
    """

    name: str
    choice: BaselineChoice
    baseline: Baseline
    scenario: Scenario
    saved_at: str = ""
    poll_ids: tuple[int, ...] = ()

    def view(self, odds: OddsModel | None = None) -> ProjectionView:
        """The case evaluated on its own saved baseline: the numbers it was saved with (the win probability
        simulated with `odds`, as the live case is)."""
        return evaluate(self.baseline, self.scenario, odds=odds)

    def to_dicts(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(baseline record, settings record) for the store."""
        return (
            {
                "choice": self.choice.to_dict(),
                "baseline": baseline_to_dict(self.baseline),
                "saved_at": self.saved_at,
                "poll_ids": list(self.poll_ids),
            },
            scenario_to_dict(self.scenario),
        )

    @classmethod
    def from_dicts(
        cls, name: str, baseline_record: Mapping[str, Any], settings: Mapping[str, Any], contest: Contest
    ) -> SavedScenario:
        """Inverse of to_dicts. Records written before baselines were kept whole (the figures at the top level,
        {"mode", "value", "label", "first_round", ...}) are read too.

        Raises:
            PipelineError: the record does not make a scenario (the message names it and the problem).
        """
        if not isinstance(baseline_record, Mapping) or not isinstance(settings, Mapping):
            raise PipelineError(f"saved scenario {name!r} cannot be read: its records are not JSON objects")
        kind = baseline_record.get("kind", "sv")
        if kind != "sv":  # a two-round or instant-runoff case (core.saved_cases): never read as a runoff one
            raise PipelineError(f"saved scenario {name!r} is a {kind!s} case, not a runoff (SV) one")
        try:
            if "baseline" in baseline_record:
                choice = BaselineChoice.from_dict(baseline_record.get("choice", {}))
                baseline = baseline_from_dict(baseline_record["baseline"], contest)
            else:
                choice = BaselineChoice.from_dict(baseline_record)
                baseline = baseline_from_dict(baseline_record, contest)
            scenario = scenario_from_dict(settings, name)
            ids = baseline_record.get("poll_ids", [])
            saved_at = baseline_record.get("saved_at", "")
            if not isinstance(ids, list) or not isinstance(saved_at, str):
                raise ValueError("poll_ids must be a list and saved_at a date and time")
        except ValueError as exc:
            text = str(exc)  # (the settings' own message names the scenario already)
            raise PipelineError(
                text if text.startswith(f"saved scenario {name!r}") else f"saved scenario {name!r}: {text}"
            ) from None
        # (a case made at 100,000 polls carries 100,000 ids: checked by their types at C speed when all are plain)
        plain = set(map(type, ids)) <= {int}
        poll_ids = tuple(ids) if plain else tuple(i for i in ids if isinstance(i, int) and not isinstance(i, bool))
        return cls(name, choice, baseline, replace(scenario, name=name), saved_at, poll_ids)


def reads_alike(baseline_record: object, then: Contest, now: Contest) -> bool:
    """Whether SavedScenario.from_dicts reads this baseline record into the same case under the contest details
    `then` and `now`: the same details, or details whose difference the record does not consult. A record keeps its
    candidates' names and parties as saved; only one from before they were kept takes them from the contest
    (baseline_from_dict), so a rename or a recolour leaves every other record's case as it was read (100,000 polls:
    each case carries the ids of the polls it was made on, and reading twenty of them again took 100-170 ms of the
    window's thread on every contest edit)."""
    if then == now:
        return True
    if not isinstance(baseline_record, Mapping):
        return False
    data = baseline_record.get("baseline") if "baseline" in baseline_record else baseline_record
    if not isinstance(data, Mapping):
        return False
    parties = bool(data.get("candidate_party")) or (
        {c.code: c.party for c in then.candidates} == {c.code: c.party for c in now.candidates}
    )
    names = bool(data.get("names")) or display_names(then) == display_names(now)
    return parties and names


def name_as_saved(name: str) -> str:
    """A saved scenario's name as it is stored and looked up, the one rule for Save as, `--save`, `--name`,
    the panel's look-ups and bundles: the spaces around it trimmed, and in Unicode's composed form (NFC), so
    " x " finds the case saved as "x", and an "é" typed as e + accent finds the one typed as one letter."""
    return unicodedata.normalize("NFC", name).strip()


def saved_name_in(wanted: str, stored: Iterable[str]) -> str | None:
    """The stored name that `wanted` names, None when none does: the name itself, else the one that reads the same
    by name_as_saved (a name stored before names were composed, or written into the store by hand or by another
    tool, in decomposed form or with spaces around it: typed again it is composed, and it was "no saved
    scenario" though the list showed it)."""
    names = list(stored)
    if wanted in names:
        return wanted
    key = name_as_saved(wanted)
    return next((n for n in names if name_as_saved(n) == key), None)


def scenario_name_problem(name: str) -> str | None:
    """What is wrong with a (trimmed) saved scenario's name, None when it can be used: the one rule for the
    app's Save as and for campaign bundles."""
    if not name:
        return "a saved scenario needs a name"
    if len(name) > 120:
        return f"scenario names are at most 120 characters (this one has {len(name)})"
    problem = control_problem(name)
    if problem is not None and "direction" in problem:
        return "a scenario name cannot contain text-direction controls (they make it display as another name)"
    if problem is not None:
        return "a scenario name cannot contain control characters (tabs, line breaks, NUL)"
    hidden = next((ch for ch in name if unicodedata.category(ch) == "Cf"), None)
    if hidden is not None:
        return (
            f"a scenario name cannot contain invisible characters (U+{ord(hidden):04X}, such as a zero-width "
            "joiner): it would display as another name"
        )
    return None


def save_scenario(
    name: str,
    choice: BaselineChoice,
    baseline: Baseline,
    scenario: Scenario,
    polls: Sequence[Poll],
    now: datetime,
) -> SavedScenario:
    """A SavedScenario of the current case (the name is trimmed; an empty name is refused)."""
    clean = name_as_saved(name)
    problem = scenario_name_problem(clean)
    if problem is not None:
        raise PipelineError(problem)
    ids = tuple(sorted(p.id for p in polls if p.id is not None))
    return SavedScenario(clean, choice, baseline, replace(scenario, name=clean), now.isoformat(timespec="seconds"), ids)


@dataclass(frozen=True)
class Freshness:
    """Whether today's polls would give a saved case a different answer.

    Attributes:
        changed: today's margin differs from the saved one by CHANGE_TOLERANCE or more (or the baseline
            cannot be made any more).
        today: the same settings on today's baseline for the same choice, or None if it cannot be made.
        new_polls: polls in the store now that the saved baseline did not have.
        gone_polls: polls the saved baseline had that are gone.
        message: one sentence for staff ("" when nothing changed).
    """

    changed: bool
    today: ProjectionView | None
    new_polls: int
    gone_polls: int
    message: str


def freshness(
    saved: SavedScenario,
    polls: Sequence[Poll],
    contest: Contest,
    averages: PollAverages | None,
    priors: PriorSource | None = None,
    odds: OddsModel | None = None,
    made: Mapping[BaselineChoice, tuple[Baseline, Scenario]] | None = None,
) -> Freshness:
    """Compare a saved case with the same settings on today's data."""
    return freshness_all([saved], polls, contest, averages, priors, odds, made=made)[0]


def freshness_all(
    saved: Sequence[SavedScenario],
    polls: Sequence[Poll],
    contest: Contest,
    averages: PollAverages | None,
    priors: PriorSource | None = None,
    odds: OddsModel | None = None,
    progress: Callable[[int, int], bool] | None = None,
    *,
    made: Mapping[BaselineChoice, tuple[Baseline, Scenario]] | None = None,
) -> list[Freshness]:
    """freshness of each saved case, with today's poll ids gathered once and each distinct baseline choice's
    baseline and default settings made once (Compare and the briefing of 20 cases saved on the same choice, at
    100,000 polls: 20 rebuilds of one baseline, 5 s), by make_case, as the live case is made. `made`: cases
    already made by make_case from these very polls, contest, averages and priors (the live case, when a saved
    one is loaded: making it again was 0.2-0.4 s of the window's thread at 100,000 polls). `progress(done,
    total)` before each case and after the last; returning False stops the work (FreshnessCancelled)."""
    ids = {p.id for p in polls if p.id is not None}
    cases: dict[BaselineChoice, tuple[Baseline, Scenario] | Exception] = dict(made or {})
    out: list[Freshness] = []
    for i, one in enumerate(saved):
        if progress is not None and not progress(i, len(saved)):
            raise FreshnessCancelled(f"stopped after {i} of {len(saved)} saved cases")
        case = cases.get(one.choice)
        if case is None:
            try:
                case = make_case(one.choice, polls, contest, averages, priors)
            except (PipelineError, ValueError, KeyError, StopIteration) as exc:
                case = exc
            cases[one.choice] = case
        fresh = _freshness_of(one, ids, case, odds)
        since = contest_changes(one.baseline, contest)
        out.append(replace(fresh, message=f"{fresh.message} {since}".strip()) if since else fresh)
    if progress is not None and not progress(len(saved), len(saved)):
        raise FreshnessCancelled(f"stopped after {len(saved)} of {len(saved)} saved cases")
    return out


def names_changed(then: Mapping[str, str], now: Mapping[str, str], codes: Iterable[str]) -> list[str]:
    """Of `codes` (a saved case's candidates, `then` the names it saved), who was renamed or deleted since: `now`
    is the race's names today (core.baseline.display_names). "Paddick is now Paddock", "Jones is no longer a
    candidate"."""
    said: list[str] = []
    for code in codes:
        if code == "other":
            continue
        old = then.get(code, code)
        if code not in now:
            said.append(f"{bidi_isolated(old)} is no longer a candidate")
        elif now[code] != old:
            said.append(f"{bidi_isolated(old)} is now {bidi_isolated(now[code])}")
    return said


def contest_changes(baseline: Baseline, contest: Contest) -> str:
    """What changed in the race's candidates since a case was made on `baseline` ("" when nothing did), in one
    sentence: "Since it was saved: Paddick is now Paddock; Jones is no longer a candidate; Livingstone has
    withdrawn." The case keeps the names and finalists it saved (it shows what was saved); this says the race
    moved on, where `freshness` speaks (the panel, Compare, the briefing, `warroom scenario --name`)."""
    now = {c.code: c.display for c in contest.candidates}
    said = names_changed(baseline.names, now, baseline.first_round)
    # a finalist withdrawn now withdrew since (a withdrawn candidate is never a new baseline's finalist); one
    # eliminated may have withdrawn before the case was saved, and changes nothing in it
    said += [
        f"{bidi_isolated(c.display)} has withdrawn"
        for c in contest.candidates
        if c.withdrawn and c.code in (baseline.a, baseline.b)
    ]
    return f"Since it was saved: {'; '.join(said)}." if said else ""


class FreshnessCancelled(Exception):
    """freshness_all was stopped by its progress callback (the user cancelled)."""


def _freshness_of(
    saved: SavedScenario,
    ids: set[int],
    case: tuple[Baseline, Scenario] | Exception,
    odds: OddsModel | None,
) -> Freshness:
    had = set(saved.poll_ids)
    new, gone = (len(ids - had), len(had - ids)) if had else (0, 0)
    then = saved.view(odds).projection.margin
    try:
        if isinstance(case, Exception):
            raise case
        base, defaults = case
        today = evaluate(base, reconcile(saved.scenario, base, defaults), heatmap=False, odds=odds)
    except (PipelineError, ValueError, KeyError, StopIteration) as exc:
        return Freshness(True, None, new, gone, f"Today's polls cannot rebuild this baseline: {exc}")
    now = today.projection.margin
    if abs(now - then) < CHANGE_TOLERANCE:
        return Freshness(False, today, new, gone, "")
    what = []
    if new:
        what.append(f"{new} new poll{'s' if new != 1 else ''}")
    if gone:
        what.append(f"{gone} poll{'s' if gone != 1 else ''} removed")
    since = f" ({', '.join(what)} since it was saved)" if what else ""
    return Freshness(
        True,
        today,
        new,
        gone,
        f"Today's polls{since} give {signed_points(now)} with the same settings, against {signed_points(then)} when saved.",
    )


# --- the forecast over time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastPoint:
    """What the app would have said on one day, from the polls known by then.

    Attributes:
        day: the day.
        polls: polls known by then.
        a: that day's front-runner.
        b: that day's challenger.
        margin: the projected runoff margin (a minus b) at the default transfers.
        band: its 90 % forecast band (the historical error at that distance to polling day).
        p_win: candidate code -> simulated chance of winning.
    """

    day: date
    polls: int
    a: str
    b: str
    margin: float
    band: tuple[float, float]
    p_win: Mapping[str, float]


CONTENDER_CHANCE = 0.05
"""A candidate whose simulated chance reaches this on some day is drawn in the forecast over time."""


def forecast_contenders(points: Sequence[ForecastPoint]) -> list[str]:
    """The candidates the forecast over time shows: the last day's pair and anyone whose chance of winning
    reaches CONTENDER_CHANCE on some day, likeliest (on the last day) first. Four candidates level at 25 %: the
    chart drew Able (27 %) and Baker (24 %) and left out Cole (26 %), whom `warroom forecast` named second."""
    if not points:
        return []
    last = points[-1]
    codes = {last.a, last.b} | {c for p in points for c, v in p.p_win.items() if v >= CONTENDER_CHANCE}
    return sorted(codes, key=lambda c: (-last.p_win.get(c, 0.0), c))


def default_case_on(
    polls: Sequence[Poll], contest: Contest, day: date, priors: PriorSource | None = None
) -> tuple[Baseline, Scenario] | None:
    """The case the panel would show on `day` from the polls known then: the poll average as of that day as the
    baseline, with the default transfers and levers at zero. None when that day has no usable average."""
    return _default_case(polls, contest, BaselineChoice("as_of", as_of=day), priors)


def _default_case(
    polls: Sequence[Poll], contest: Contest, choice: BaselineChoice, priors: PriorSource | None = None
) -> tuple[Baseline, Scenario] | None:
    """The case on the baseline `choice` (BaselineChoice(): the panel's default, the latest poll average) with the
    default transfers and levers at zero; None when there is no usable average."""
    averages = compute_averages(polls, contest, as_of=choice.as_of, priors=priors)
    if averages is None:
        return None
    try:
        return make_case(choice, polls, contest, averages, priors)
    except PipelineError:
        return None


def forecast_last_day(polls: Sequence[Poll], contest: Contest) -> date:
    """The last day a forecast-over-time chart looks at: the latest poll's fieldwork end, or polling day where
    polls ran past it (polling_day_cut), so its last point is the forecast the scenario's default baseline gives.
    The chart and `warroom forecast` of a past race went on to its recall polls, chances of a race already held."""
    cut = polling_day_cut(BaselineChoice(), polls, contest)
    return cut[0] if cut is not None else max(p.fieldwork_end for p in polls)


def forecast_days(polls: Sequence[Poll], last: date, every: int = 7, most: int = 40) -> list[date]:
    """The days a forecast-over-time chart looks at: every `every` days back from `last` to the first poll
    (at most `most` of them), oldest first."""
    if not polls:
        return []
    first = min(p.fieldwork_end for p in polls)
    out: list[date] = []
    day = last
    while day >= first and len(out) < most:
        out.append(day)
        day = date.fromordinal(day.toordinal() - every)
    return out[::-1]


class ForecastCancelled(Exception):
    """forecast_over_time was stopped by its progress callback (the user cancelled)."""


def forecast_over_time(
    polls: Sequence[Poll],
    contest: Contest,
    odds: OddsModel,
    days: Sequence[date],
    priors: PriorSource | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> list[ForecastPoint]:
    """The win probability and the forecast margin by date, each from the polls known on that day only (the
    same baseline, defaults and simulation as the scenario panel's, at each date).

    `progress(done, total)` is called before each date and after the last; returning False stops the work
    (ForecastCancelled). Each date takes an average of every poll known by then: at 10,000 polls, 36 dates took
    5.3 s, so the window runs this on a worker with a progress dialog."""
    out: list[ForecastPoint] = []
    known_all = max((p.fieldwork_end for p in polls), default=None)
    latest = polling_day_cut(BaselineChoice(), polls, contest) is None
    for i, day in enumerate(days):
        if progress is not None and not progress(i, len(days)):
            raise ForecastCancelled(f"stopped after {i} of {len(days)} dates")
        if latest and known_all is not None and day >= known_all:
            # Every poll known: the panel's own case (its "latest average" baseline, read where the average's grid
            # ends), not one read a day or more on at the last fieldwork's end, with one day less to polling day
            # ("Likely Alpha (81 %)" in the panel, "Alpha 82 %" here, for the same polls)
            case = _default_case(polls, contest, BaselineChoice(), priors)
        else:
            case = default_case_on(polls, contest, day, priors)
        if case is None:
            continue
        base, scenario = case
        view = evaluate(base, scenario, heatmap=False, odds=odds)
        sd = float(odds.errors.margin_sd(odds.days_before(base)))
        # the back-test's band (core.backtest) by the same function: one band for one margin
        band = margin_interval(min(max(view.projection.margin, -100.0), 100.0), sd)
        assert view.odds is not None
        out.append(
            ForecastPoint(
                day,
                sum(1 for p in polls if p.fieldwork_end <= day),
                base.a,
                base.b,
                view.projection.margin,
                band,
                dict(view.odds.p_win),
            )
        )
    if progress is not None:
        progress(len(days), len(days))
    return out
