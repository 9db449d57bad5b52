"""Reports for the command line: the poll average with a back-test, and scenario evaluation. No Qt.

Thin adapters: the store gives the polls, warroom.core.pipeline computes every figure (the same functions the
app's panel, compare, meeting mode and briefing call), and these classes only print them.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TextIO

from warroom.bootstrap import OpenStore
from warroom.core.baseline import as_of_problem, scenario_to_dict
from warroom.core.csvformat import candidate_spellings, spelling_key
from warroom.core.forecast import ForecastErrors, chance_text, signed_points
from warroom.core.pipeline import (
    BaselineChoice,
    Freshness,
    OddsModel,
    PipelineError,
    PriorSource,
    ProjectionView,
    SavedScenario,
    assumption_lines,
    baseline_to_dict,
    compute_averages,
    default_scenario,
    evaluate,
    forecast_after_polling_day,
    forecast_days,
    forecast_last_day,
    forecast_over_time,
    freshness,
    make_baseline,
    polled_first_round,
    save_scenario,
    saved_name_in,
    standing_problem,
)
from warroom.core.report import AverageSummary, summarise
from warroom.core.runoff import Split
from warroom.core.saved_cases import other_system_note
from warroom.core.scenario import Destination, note_lines
from warroom.core.types import Contest, CountingSystem, Poll, echoed, elided
from warroom.core.validation import plain_decimal
from warroom.resources import resource_path
from warroom.store import polls as repo
from warroom.store.contests import get_official_result
from warroom.store.db import translated

if TYPE_CHECKING:
    from warroom.core.averaging import PollAverages
    from warroom.core.irv_pipeline import IrvCase

Table = Callable[[list[str], list[list[Any]], TextIO], None]


class ReportError(ValueError):
    """Bad options or data for a report (exit code 1)."""


def load_priors(store: OpenStore, contest: Contest) -> PriorSource | None:
    """The contest's transfer priors from its chosen past count (the same the app applies), or None."""
    from warroom.store import contests as contests_repo

    with translated(store.engine), store.sessions() as session:
        return contests_repo.transfer_prior_of(session, contest)


def forecast_errors(store: OpenStore) -> ForecastErrors:
    """The shipped error table refitted with the store's own races, as the app loads it."""
    from warroom.store import contests as contests_repo

    with translated(store.engine), store.sessions() as session:
        return contests_repo.forecast_errors(session, resource_path("data", "forecast_errors.json"))


def odds_model(store: OpenStore, contest: Contest) -> OddsModel:
    """How the win probability is simulated for a contest: the same model the app's panel uses."""
    from warroom.store import contests as contests_repo

    with translated(store.engine), store.sessions() as session:
        valid = contests_repo.expected_valid_votes(session, contest)
    return OddsModel(forecast_errors(store), contest.second_round_date or contest.election_date, valid_votes=valid)


def load_polls(store: OpenStore, contest: Contest) -> list[Poll]:
    """Every poll of a contest."""
    with translated(store.engine), store.sessions() as session:
        return repo.list_polls(session, contest.id or 0)


def _round3(t: tuple[float, float, float] | None) -> dict[str, float] | None:
    return None if t is None else {"mean": round(t[0], 3), "low90": round(t[1], 3), "high90": round(t[2], 3)}


@dataclass
class AverageReport:
    """The poll average (core.report.AverageSummary) and, where the result is known, the back-test."""

    summary: AverageSummary
    as_of: date | None
    actual: dict[str, float] = field(default_factory=dict)
    actual_runoff_margin: float | None = None
    # an instant-runoff race: the elimination chain's final pair and its lead on the average's last day (the
    # window's runoff-lead chart and poll table, `irv_pair_lead`), in place of the Supplementary Vote's runoff
    irv_pair: tuple[str, str] | None = None
    irv_lead: float | None = None

    @property
    def runoff_pair(self) -> tuple[str, str]:
        return self.irv_pair or (self.summary.a, self.summary.b)

    @property
    def runoff_lead(self) -> tuple[float, float | None, float | None] | None:
        """(mean, low90, high90) of the runoff lead printed (an instant-runoff chain's claims no band)."""
        if self.irv_pair is not None:
            return None if self.irv_lead is None else (self.irv_lead, None, None)
        return self.summary.second_lead

    def as_json(self) -> dict[str, Any]:
        s = self.summary
        out: dict[str, Any] = {
            "contest": s.contest.name,
            "as_of": s.day.isoformat(),
            "polls_used": s.polls_used,
            "front_runner": s.a,
            "challenger": s.b,
            "first_round": {c: _round3(t) for c, t in s.shares.items()},
            "first_round_lead": _round3(s.first_lead),
            "second_round_lead": _round3(s.second_lead) if self.irv_pair is None else _irv_lead_json(self.irv_lead),
            "second_round_lead_kind": s.runoff_kind if self.irv_pair is None else IRV_LEAD_KIND,
            "runoff_pair": list(self.runoff_pair),
            "house_effects_first_round_leader": {k: round(v, 3) for k, v in s.house_effects.items()},
        }
        if self.actual:
            out["backtest"] = {
                "official_first_round": {k: round(v, 3) for k, v in self.actual.items()},
                "errors": {c: round(s.shares[c][0] - v, 3) for c, v in self.actual.items() if c in s.shares},
                "official_runoff_margin": round(self.actual_runoff_margin or 0.0, 3),
                "runoff_margin_error": round(
                    (self.runoff_lead[0] if self.runoff_lead else 0.0) - (self.actual_runoff_margin or 0.0), 3
                ),
            }
        return out

    def print(self, out: TextIO, table: Table) -> None:
        s = self.summary
        out.write(f"{s.contest.name}: poll average on {s.day:%d %B %Y} from {s.polls_used} polls (90 % band)\n\n")
        rows = []
        for code, (m, lo, hi) in sorted(s.shares.items(), key=lambda kv: -kv[1][0]):
            row = [s.name(code), f"{m:.1f}", f"{lo:.1f} to {hi:.1f}"]
            if self.actual:
                act = self.actual.get(code)
                row += ["" if act is None else f"{act:.1f}", "" if act is None else f"{signed_points(m - act)}"]
            rows.append(row)
        headers = ["candidate", "average %", "90 % band"] + (["result %", "error"] if self.actual else [])
        table(headers, rows, out)
        out.write("\n")
        lines = s.lead_lines()
        if self.irv_pair is not None:  # (the Supplementary Vote's runoff, which no view of this race shows)
            lines = [line for line in lines if not line.startswith("Runoff lead")]
            if self.irv_lead is not None:
                a, b = self.irv_pair
                lines.append(
                    f"Runoff lead, {s.name(a)} minus {s.name(b)}: {signed_points(self.irv_lead)} points; {IRV_LEAD_KIND}"
                )
        for line in lines:
            out.write(line + "\n")
        lead = self.runoff_lead
        if self.actual_runoff_margin is not None and lead is not None:
            out.write(
                f"Official runoff margin: {signed_points(self.actual_runoff_margin)}; the average missed it by "
                f"{signed_points(lead[0] - self.actual_runoff_margin)}\n"
            )
        if s.house_effects:
            out.write("\nHouse effects on the front-runner's share (points; the industry average is 0):\n")
            table(
                ["pollster", "effect"],
                [[k, f"{signed_points(round(v, 1) or 0.0)}"] for k, v in sorted(s.house_effects.items())],
                out,
            )


def average_report(store: OpenStore, contest: Contest, *, as_of: date | None = None) -> AverageReport:
    """The average of a contest's polls known by `as_of`, with the contest's stored official result beside it
    (any contest that has one, the demo included) when the average is from before polling day."""
    polls = load_polls(store, contest)
    late = as_of_problem(as_of, polls, contest) if as_of is not None else None
    if late is not None:
        raise ReportError(late)
    avg = compute_averages(polls, contest, as_of=as_of, priors=load_priors(store, contest))
    if avg is None:
        # named as `warroom scenario` names it (it said "no polls with first-round figures by 1990-01-01")
        raise ReportError(
            "no polls with first-round figures" + (f" by {as_of:%d %b %Y}" if as_of else "") + f" in {contest.name}"
        )
    report = AverageReport(summarise(avg, polls, contest), as_of)
    if contest.system == CountingSystem.IRV:  # the window's runoff lead of this race: the chain's final pair
        from warroom.core.irv_pipeline import irv_pair_lead

        known = [p for p in polls if as_of is None or p.fieldwork_end <= as_of]
        try:
            pair_lead = irv_pair_lead(store_irv_case(store, contest, known, avg), known, avg)
        except ValueError as exc:
            raise ReportError(str(exc)) from None
        report.irv_pair = pair_lead.pair
        mean = pair_lead.average.mean
        report.irv_lead = float(mean[-1]) if len(mean) and math.isfinite(mean[-1]) else None
    with translated(store.engine), store.sessions() as session:
        result = get_official_result(session, contest.id or 0)
    if result is not None and report.summary.day <= contest.election_date:
        report.actual = result.shares()
        report.actual_runoff_margin = result.final_margin(*report.runoff_pair)
    return report


def store_irv_case(
    store: OpenStore,
    contest: Contest,
    polls: list[Poll],
    averages: PollAverages | None,
    ballot_rows: dict[str, dict[str, float]] | None = None,
    ballots_label: str = "",
) -> IrvCase:
    """The instant-runoff baseline the app's panel starts from: the polls' average with the store's prior rows
    and ballots (`ballot_rows`: last election's ballot file's instead, `--prior-ballots`, called `ballots_label`).
    ReportError naming a problem."""
    from warroom.core.irv_pipeline import irv_baseline
    from warroom.store import contests as contests_repo
    from warroom.store import irv_priors

    with translated(store.engine), store.sessions() as session:
        stored = irv_priors.get_irv_prior(session, contest.id or 0)  # the stored ballots (PriorError: a ValueError)
        prior = ballot_rows if ballot_rows is not None else contests_repo.irv_prior_rows_of(session, contest)
    stored_kw: dict[str, Any] = {} if stored is None else {"ballots": stored.scenario, "ballots_label": stored.source}
    try:
        return irv_baseline(
            contest,
            polls,
            averages,
            prior_rows=prior,
            prior_label=ballots_label if ballot_rows is not None else "past count",
            prior_first=ballot_rows is not None,
            **stored_kw,
        )
    except PipelineError as exc:
        raise ReportError(str(exc)) from None


IRV_LEAD_KIND = (
    "the instant-runoff count's final pair: the poll average's first round counted through the elimination chain "
    "at the baseline's next-preference rows (no band: the chain of an average is not the average of chains)"
)


def _irv_lead_json(lead: float | None) -> dict[str, float | None] | None:
    return None if lead is None else {"mean": round(lead, 3), "low90": None, "high90": None}


@dataclass
class ScenarioReport:
    """One case: a saved scenario exactly as saved, or one made from the options."""

    contest: Contest
    name: str
    view: ProjectionView
    saved: SavedScenario | None = None
    fresh: Freshness | None = None

    def as_json(self) -> dict[str, Any]:
        v, p = self.view, self.view.projection
        a, b = v.baseline.a, v.baseline.b
        return {
            "contest": self.contest.name,
            "scenario": self.name or None,
            "saved_at": self.saved.saved_at if self.saved else None,
            "baseline": v.baseline.label,
            "baseline_figures": baseline_to_dict(v.baseline),
            "runoff_source": v.baseline.runoff_source,
            "settings": scenario_to_dict(v.scenario),
            "assumptions": assumption_lines(v.baseline, v.scenario),
            "first_round": {k: round(x, 3) for k, x in p.first_round.items()},
            "outright_winner": p.outright_winner,
            "runoff": {
                a: round(p.runoff.a_share, 3),
                b: round(p.runoff.b_share, 3),
                "exhausted_pct_of_voters": round(p.runoff.exhausted, 3),
            },
            "margin": round(p.margin, 3),
            "gap_closed": p.gap_closed,
            "verdict": p.verdict,
            "notes": list(p.notes),
            "break_even_message": None if p.break_even_message is None else round(p.break_even_message, 6),
            "break_even_splits": {k: (None if x is None else round(x, 3)) for k, x in v.break_even_splits.items()},
            "win_probability_challenger": round(p.win_probability_b, 4),
            "margin_sd": round(p.sigma, 3),
            "p_reach_runoff": {k: round(x, 4) for k, x in v.odds.p_qualify.items()} if v.odds is not None else None,
            "today": None
            if self.fresh is None
            else {
                "changed": self.fresh.changed,
                "message": self.fresh.message,
                "margin": None if self.fresh.today is None else round(self.fresh.today.projection.margin, 3),
            },
        }

    def print(self, out: TextIO, table: Table) -> None:
        v, p = self.view, self.view.projection
        base = v.baseline
        # the contest's names; a candidate deleted since a case was saved by the name the case saved (the window's
        # rule): a deleted finalist was a KeyError traceback, anyone else his bare code
        nm = {k: base.names.get(k, k) for k in base.first_round} | {c.code: c.name for c in self.contest.candidates}
        nm["other"] = "Others"
        saved = f" (saved {self.saved.saved_at.replace('T', ' ')})" if self.saved and self.saved.saved_at else ""
        out.write(f"{self.contest.name}: scenario {self.name or '(from options)'}{saved}\n")
        lines = assumption_lines(base, v.scenario)
        lines.insert(1, polled_first_round(base, lambda k: nm.get(k, k)))  # the table below is the projection's
        for line in lines:
            out.write(line + "\n")
        out.write("\n")
        table(
            ["candidate", "projected first round %"],
            [[nm.get(k, k), f"{x:.1f}"] for k, x in sorted(p.first_round.items(), key=lambda kv: -kv[1])],
            out,
        )
        out.write("\n")
        if p.outright_winner:
            out.write(f"{nm[p.outright_winner]} passes {base.majority:g} % in the first round.\n")
        out.write(
            f"Runoff: {nm[base.a]} {p.runoff.a_share:.1f} %, {nm[base.b]} {p.runoff.b_share:.1f} % "
            f"(margin {signed_points(p.margin)}; {p.runoff.exhausted:.1f} % of first-round voters exhaust)\n"
        )
        out.write(f"Verdict: {p.verdict}\n")
        for line in note_lines(p):  # what the runoff of two cannot show (the panel's, compare's, the briefing's)
            out.write(line + "\n")
        out.write(f"Break-even: {v.break_even_words}\n")
        for line in v.split_break_even_lines(nm).values():  # (the panel's words: core.pipeline)
            out.write(f"Transfers: {line}\n")
        out.write(f"Chance {nm[base.b]} wins: {chance_text(p.win_probability_b)} (margin sd {p.sigma:.1f})\n")
        if self.fresh is not None and self.fresh.message:
            out.write(f"Note: {self.fresh.message}\n")


def _parse_three(text: str, what: str) -> tuple[float, float, float]:
    parts = text.replace("/", ",").split(",")
    if any(not x.strip() for x in parts):  # (it was dropped: every later figure moved one place)
        raise ReportError(f"{what}: {echoed(text)} has an empty part; give three figures, e.g. 50,30,20")
    if len(parts) != 3:
        raise ReportError(f"{what}: give three parts, e.g. 50,30,20 (got {echoed(text)})")
    try:
        values = (plain_decimal(parts[0]), plain_decimal(parts[1]), plain_decimal(parts[2]))
    except ValueError:
        raise ReportError(f"{what}: {echoed(text)} is not three numbers") from None
    if not all(math.isfinite(x) for x in values):
        raise ReportError(f"{what}: {echoed(text)} must be three finite numbers")
    return values


def _percent(value: float, what: str) -> float:
    if not (0.0 <= value <= 100.0):  # `not` so NaN is refused too
        raise ReportError(f"{what}: give a percentage within 0-100 (got {value:.12g})")
    return value / 100.0


def _choice(args: argparse.Namespace) -> BaselineChoice:
    if args.poll is not None and args.as_of is not None:
        raise ReportError("--poll and --as-of are two different baselines: give one")
    if args.poll is not None:
        return BaselineChoice("poll", poll_id=args.poll)
    if args.as_of is not None:
        return BaselineChoice("as_of", as_of=args.as_of)
    return BaselineChoice()


def _has_overrides(args: argparse.Namespace) -> bool:
    return any(
        x is not None for x in (args.message, args.message_to, args.drag, getattr(args, "message_uncertainty", None))
    ) or bool(args.split)


def run_scenario(store: OpenStore, contest: Contest, args: argparse.Namespace) -> ScenarioReport:
    """`warroom scenario`: a saved case exactly as saved (--name), or a case made from the options.

    With --name and options, the options change the saved case's settings on its own saved baseline.
    """
    polls = load_polls(store, contest)
    priors = load_priors(store, contest)
    averages = compute_averages(polls, contest, priors=priors)
    saved: SavedScenario | None = None
    try:
        if args.name:
            with translated(store.engine), store.sessions() as session:
                rows = {n: (b, s) for n, b, s in repo.list_scenarios(session, contest.id or 0)}
            args.name = saved_name_in(args.name, rows) or args.name  # (a name stored decomposed: see there)
            if args.name not in rows:
                raise ReportError(f"no saved scenario {echoed(args.name)} (saved: {', '.join(rows) or 'none'})")
            if (note := other_system_note(args.name, rows[args.name][0], contest)) is not None:
                raise ReportError(note)
            if args.poll is not None or args.as_of is not None:
                raise ReportError("a saved scenario keeps its own baseline: drop --poll/--as-of with --name")
            saved = SavedScenario.from_dicts(args.name, *rows[args.name], contest)
            choice, baseline, scenario = saved.choice, saved.baseline, saved.scenario
        else:
            choice = _choice(args)
            if choice.poll_id is not None and not any(p.id == choice.poll_id for p in polls):
                # (the core's words are a saved case's, whose poll was deleted since: "is not in ... any more")
                raise ReportError(
                    f"--poll {choice.poll_id}: {contest.name} has no poll #{choice.poll_id} (warroom polls lists its polls)"
                )
            baseline = make_baseline(choice, polls, contest, averages, priors)
            scenario = default_scenario(baseline, polls, contest, choice, priors)
        scenario = _apply_options(scenario, baseline.eliminated, contest, args)
        odds = odds_model(store, contest)
        view = evaluate(baseline, scenario, heatmap=False, odds=odds)
    except PipelineError as exc:
        raise ReportError(str(exc)) from None
    except ValueError as exc:
        if isinstance(exc, ReportError):
            raise
        raise ReportError(str(exc)) from None
    name = saved.name if saved else ""
    fresh = (
        freshness(saved, polls, contest, averages, priors, odds)
        if saved is not None and not _has_overrides(args)
        else None
    )
    if args.save:
        try:
            made = save_scenario(args.save, choice, baseline, scenario, polls, datetime.now())
        except PipelineError as exc:
            raise ReportError(str(exc)) from None
        from warroom.cli.cases import refuse_saving_over

        with translated(store.engine), store.sessions.begin() as session:
            try:
                refuse_saving_over(session, contest, made.name, getattr(args, "replace", False))
            except ValueError as exc:
                raise ReportError(str(exc)) from None
            repo.save_scenario(session, contest.id or 0, made.name, *made.to_dicts())
        saved, name = made, made.name
    return ScenarioReport(contest, name, view, saved, fresh)


def _apply_options(scenario: Any, eliminated: list[str], contest: Contest, args: argparse.Namespace) -> Any:
    if args.message is not None:
        scenario = replace(scenario, message_strength=_percent(args.message, "--message"))
    if args.message_to:
        scenario = replace(scenario, message_destination=Destination(*_parse_three(args.message_to, "--message-to")))
    if args.drag is not None:
        scenario = replace(scenario, drag_recovery=_percent(args.drag, "--drag"))
    if getattr(args, "message_uncertainty", None) is not None:
        scenario = replace(scenario, message_uncertainty=_percent(args.message_uncertainty, "--message-uncertainty"))
    splits = dict(scenario.splits)
    # Candidates named by the poll CSV's one rule (a code over a full name over a surname: `johnson` is Boris
    # Johnson's code even when Jo Johnson's surname is johnson, which had taken it), each at most once.
    spelled = candidate_spellings(contest)
    given: dict[str, str] = {}
    for item in args.split:
        # the candidate is everything before the last '=': the figures after it never hold one, a code may (`c=d`)
        who, _, parts = item.rpartition("=") if "=" in item else (item, "", "")
        code = spelled.get(who)
        if spelled.ambiguous.get(spelling_key(who)) and parts:
            raise ReportError(f"--split {echoed(item)}: {spelled.unknown(who)}")
        if not parts:
            raise ReportError(
                f"--split {echoed(item)}: use CANDIDATE=A/B/EXHAUSTED, e.g. {eliminated[0] if eliminated else 'code'}=30/50/20"
            )
        if code is None:  # (which ones it could be: "PAD" for paddick said only "a known candidate")
            names = {c.code: c.name for c in contest.candidates}
            known = ", ".join(f"{k} ({names[k]})" if k in names else k for k in eliminated)
            raise ReportError(f"--split {echoed(item)}: {spelled.unknown(who)}; the eliminated candidates are {known}")
        if code in given:  # the later one had silently replaced the earlier
            raise ReportError(
                f"--split {elided(who.strip())}: {echoed(given[code])} already gave this candidate's split"
            )
        given[code] = item
        if code not in eliminated:
            raise ReportError(f"--split {elided(who.strip())}: not an eliminated candidate in this baseline")
        splits[code] = Split(*_parse_three(parts, f"--split {elided(who.strip())}"))
    return replace(scenario, splits=splits)


def forecast_report(store: OpenStore, contest: Contest, out: TextIO, table: Table, as_json: bool) -> None:
    """`warroom forecast`: the chance of winning and the forecast margin by week (what the app's Scenario >
    Forecast over time draws), each from the polls known on that day."""
    import json

    if contest.system not in (CountingSystem.SV, CountingSystem.CONTINGENT):
        # (as the window's Scenario > Forecast over time: it said "no polls with first-round figures" of France
        # 2022's 409 polls)
        kind = {CountingSystem.TWO_ROUND: "a two-round", CountingSystem.IRV: "an instant-runoff"}[contest.system]
        raise ReportError(
            f"the forecast over time is drawn for Supplementary Vote and contingent vote contests; {contest.name} "
            f"is {kind} contest ("
            + (
                "warroom qualify and warroom scenario give its chances)"
                if contest.system == CountingSystem.TWO_ROUND
                else "warroom scenario gives its chances)"
            )
        )
    polls = load_polls(store, contest)
    if not any(p.first_round for p in polls):
        raise ReportError(f"no polls with first-round figures in {contest.name}")
    if (problem := standing_problem(contest)) is not None:
        raise ReportError(problem)  # (an empty table had been printed)
    days = forecast_days(polls, forecast_last_day(polls, contest))
    points = forecast_over_time(polls, contest, odds_model(store, contest), days, load_priors(store, contest))
    note = forecast_after_polling_day(points[-1].day if points else None, contest)
    if as_json:
        rows = [
            {
                "day": p.day.isoformat(),
                "polls": p.polls,
                "front_runner": p.a,
                "challenger": p.b,
                "margin": round(p.margin, 3),
                "band90": [round(p.band[0], 3), round(p.band[1], 3)],
                "p_win": {k: round(v, 4) for k, v in p.p_win.items()},
            }
            for p in points
        ]
        out.write(json.dumps({"contest": contest.name, "forecast": rows, "note": note}, indent=2) + "\n")
        return
    nm = {c.code: c.display for c in contest.candidates}
    out.write(f"{contest.name}: the forecast by week, each from the polls known that day\n")
    out.write(f"{note}\n\n" if note else "\n")
    table(
        ["day", "polls", "margin", "90 % band", "chance of winning"],
        [
            [
                p.day,
                p.polls,
                f"{nm.get(p.a, p.a)} {signed_points(p.margin)}",
                f"{signed_points(p.band[0])} to {signed_points(p.band[1])}",
                ", ".join(
                    f"{nm.get(k, k)} {chance_text(v)}" for k, v in sorted(p.p_win.items(), key=lambda kv: -kv[1])[:2]
                ),
            ]
            for p in points
        ],
        out,
    )
