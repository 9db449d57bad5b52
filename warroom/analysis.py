"""Reports for the command line: the poll average with a back-test, and scenario evaluation. No Qt."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TextIO

from warroom.bootstrap import OpenStore
from warroom.core.averaging import ColumnBuilder, PollAverages, average_polls
from warroom.core.baseline import (
    baseline_from_average,
    baseline_from_poll,
    baseline_to_dict,
    scenario_from_dict,
    scenario_to_dict,
    splits_from_polls,
)
from warroom.core.runoff import Split
from warroom.core.scenario import (
    Destination,
    Projection,
    Scenario,
    break_even_split,
    break_even_text,
    largest_eliminated,
    project,
)
from warroom.core.types import Contest, Poll
from warroom.demo import DEMO_NAME, official_2012_shares, official_results
from warroom.store import polls as repo
from warroom.store.db import translated

Table = Callable[[list[str], list[list[Any]], TextIO], None]


class ReportError(ValueError):
    """Bad options or data for a report (exit code 1)."""


def _polls(store: OpenStore, contest: Contest) -> list[Poll]:
    with translated(store.engine), store.sessions() as session:
        return repo.list_polls(session, contest.id or 0)


def compute_averages(
    polls: list[Poll], contest: Contest, as_of: date | None, columns: ColumnBuilder | None = None
) -> PollAverages:
    if not any(p.first_round and (as_of is None or p.fieldwork_end <= as_of) for p in polls):
        raise ReportError("no polls with first-round figures" + (f" by {as_of}" if as_of else ""))
    built = (columns or ColumnBuilder(contest)).build(polls)
    with_transfers = [p for p in polls if p.transfers]
    return average_polls(
        polls,
        contest,
        as_of=as_of,
        columns=built,
        splits_for=lambda a, b: splits_from_polls(with_transfers, contest, a, b, as_of),
    )


@dataclass
class AverageReport:
    contest: Contest
    as_of: date | None
    polls_used: int
    day: date
    shares: dict[str, tuple[float, float, float]]
    first_lead: tuple[float, float, float] | None
    second_lead: tuple[float, float, float] | None
    house_effects: dict[str, float]
    a: str
    b: str
    actual: dict[str, float] = field(default_factory=dict)
    actual_runoff_margin: float | None = None

    def name(self, code: str) -> str:
        return self.contest.candidate(code).name

    def as_json(self) -> dict[str, Any]:
        def triple(t: tuple[float, float, float] | None) -> dict[str, float] | None:
            return None if t is None else {"mean": round(t[0], 3), "low90": round(t[1], 3), "high90": round(t[2], 3)}

        out: dict[str, Any] = {
            "contest": self.contest.name,
            "as_of": self.day.isoformat(),
            "polls_used": self.polls_used,
            "front_runner": self.a,
            "challenger": self.b,
            "first_round": {c: triple(t) for c, t in self.shares.items()},
            "first_round_lead": triple(self.first_lead),
            "second_round_lead": triple(self.second_lead),
            "house_effects_first_round_leader": {k: round(v, 3) for k, v in self.house_effects.items()},
        }
        if self.actual:
            out["backtest"] = {
                "official_first_round": {k: round(v, 3) for k, v in self.actual.items()},
                "errors": {c: round(self.shares[c][0] - v, 3) for c, v in self.actual.items() if c in self.shares},
                "official_runoff_margin": round(self.actual_runoff_margin or 0.0, 3),
                "runoff_margin_error": round(
                    (self.second_lead[0] if self.second_lead else 0.0) - (self.actual_runoff_margin or 0.0), 3
                ),
            }
        return out

    def print(self, out: TextIO, table: Table) -> None:
        out.write(
            f"{self.contest.name}: poll average on {self.day:%d %B %Y} from {self.polls_used} polls (90 % band)\n\n"
        )
        rows = []
        for code, (m, lo, hi) in sorted(self.shares.items(), key=lambda kv: -kv[1][0]):
            row = [self.name(code), f"{m:.1f}", f"{lo:.1f} to {hi:.1f}"]
            if self.actual:
                act = self.actual.get(code)
                row += ["" if act is None else f"{act:.1f}", "" if act is None else f"{m - act:+.1f}"]
            rows.append(row)
        headers = ["candidate", "average %", "90 % band"] + (["result %", "error"] if self.actual else [])
        table(headers, rows, out)
        a, b = self.name(self.a).split()[-1], self.name(self.b).split()[-1]
        out.write("\n")
        for label, t in (("First-round lead", self.first_lead), ("Runoff lead", self.second_lead)):
            if t is not None:
                out.write(f"{label} ({a} minus {b}): {t[0]:+.1f} (90 %: {t[1]:+.1f} to {t[2]:+.1f})\n")
        if self.actual_runoff_margin is not None and self.second_lead is not None:
            out.write(
                f"Official runoff margin: {self.actual_runoff_margin:+.1f}; the average missed it by "
                f"{self.second_lead[0] - self.actual_runoff_margin:+.1f}\n"
            )
        if self.house_effects:
            out.write("\nHouse effects on the front-runner's share (points; the industry average is 0):\n")
            table(["pollster", "effect"], [[k, f"{v:+.1f}"] for k, v in sorted(self.house_effects.items())], out)


def average_report(store: OpenStore, contest: Contest, *, as_of: date | None = None) -> AverageReport:
    polls = _polls(store, contest)
    avg = compute_averages(polls, contest, as_of)
    series = next(iter(avg.first_round.values()))
    day = date.fromordinal(int(series.days[-1]))
    shares = {c: s.at(s.days[-1]) for c, s in avg.first_round.items()}
    report = AverageReport(
        contest=contest,
        as_of=as_of,
        polls_used=sum(1 for p in polls if as_of is None or p.fieldwork_end <= as_of),
        day=day,
        shares=shares,
        first_lead=None if avg.first_lead.empty else avg.first_lead.at(avg.first_lead.days[-1]),
        second_lead=None if avg.second_lead.empty else avg.second_lead.at(avg.second_lead.days[-1]),
        house_effects=dict(avg.first_round[avg.a].house_effects) if avg.a in avg.first_round else {},
        a=avg.a,
        b=avg.b,
    )
    if contest.name == DEMO_NAME and day <= contest.election_date:
        report.actual = official_2012_shares()
        final = {
            c["name"].split()[-1].casefold(): c["final"]
            for c in official_results()["2012"]["candidates"]
            if c.get("final")
        }
        fa = final.get(contest.candidate(avg.a).name.split()[-1].casefold())
        fb = final.get(contest.candidate(avg.b).name.split()[-1].casefold())
        if fa and fb:
            report.actual_runoff_margin = 100.0 * (fa - fb) / (fa + fb)
    return report


@dataclass
class ScenarioReport:
    contest: Contest
    name: str
    baseline_label: str
    projection: Projection
    scenario: Scenario
    break_even_splits: dict[str, float | None]
    a: str
    b: str

    def as_json(self) -> dict[str, Any]:
        p = self.projection
        return {
            "contest": self.contest.name,
            "scenario": self.name or None,
            "baseline": self.baseline_label,
            "settings": scenario_to_dict(self.scenario),
            "first_round": {k: round(v, 3) for k, v in p.first_round.items()},
            "outright_winner": p.outright_winner,
            "runoff": {
                self.a: round(p.runoff.a_share, 3),
                self.b: round(p.runoff.b_share, 3),
                "exhausted_pct_of_voters": round(p.runoff.exhausted, 3),
            },
            "margin": round(p.margin, 3),
            "gap_closed": p.gap_closed,
            "verdict": p.verdict,
            "break_even_message": None if p.break_even_message is None else round(p.break_even_message, 6),
            "break_even_splits": {k: (None if v is None else round(v, 3)) for k, v in self.break_even_splits.items()},
            "win_probability_challenger": round(p.win_probability_b, 4),
            "margin_sd": round(p.sigma, 3),
        }

    def print(self, out: TextIO, table: Table) -> None:
        p = self.projection
        nm = {c.code: c.name for c in self.contest.candidates} | {"other": "Others"}
        out.write(f"{self.contest.name}: scenario {self.name or '(from options)'}\nBaseline: {self.baseline_label}\n\n")
        table(
            ["candidate", "first round %"],
            [[nm.get(k, k), f"{v:.1f}"] for k, v in sorted(p.first_round.items(), key=lambda kv: -kv[1])],
            out,
        )
        out.write("\n")
        if p.outright_winner:
            out.write(f"{nm[p.outright_winner]} passes 50 % in the first round.\n")
        out.write(
            f"Runoff: {nm[self.a]} {p.runoff.a_share:.1f} %, {nm[self.b]} {p.runoff.b_share:.1f} % "
            f"(margin {p.margin:+.1f}; {p.runoff.exhausted:.1f} % of first-round voters exhaust)\n"
        )
        out.write(f"Verdict: {p.verdict}\n")
        out.write(f"Break-even: {break_even_text(p.break_even_message)}\n")
        for code, y in self.break_even_splits.items():
            if y is not None:
                reach = "" if 0 <= y <= 100 else " (out of reach)"
                out.write(
                    f"Break-even split for {nm.get(code, code)}: {y:.1f} % of valid transfers to {nm[self.a]}{reach}\n"
                )
        out.write(f"Chance {nm[self.b]} wins: {100 * p.win_probability_b:.0f} % (margin sd {p.sigma:.1f})\n")


def _parse_three(text: str, what: str) -> tuple[float, float, float]:
    parts = [x for x in text.replace("/", ",").split(",") if x.strip()]
    if len(parts) != 3:
        raise ReportError(f"{what}: give three parts, e.g. 50,30,20 (got {text!r})")
    try:
        return (float(parts[0]), float(parts[1]), float(parts[2]))
    except ValueError:
        raise ReportError(f"{what}: {text!r} is not three numbers") from None


def run_scenario(store: OpenStore, contest: Contest, args: argparse.Namespace) -> ScenarioReport:
    polls = _polls(store, contest)
    avg = compute_averages(polls, contest, args.as_of)
    if args.poll is not None:
        poll = next((p for p in polls if p.id == args.poll), None)
        if poll is None:
            raise ReportError(f"no poll #{args.poll} in {contest.name}")
        baseline = baseline_from_poll(poll, contest, avg.a, avg.b)
    else:
        baseline = baseline_from_average(avg, polls, contest, args.as_of)
    splits = splits_from_polls(polls, contest, baseline.a, baseline.b, args.as_of)
    scenario = Scenario(splits={k: v for k, v in splits.items() if k in baseline.eliminated})
    name = ""
    if args.name:
        with translated(store.engine), store.sessions() as session:
            saved = {n: s for n, _b, s in repo.list_scenarios(session, contest.id or 0)}
        if args.name not in saved:
            raise ReportError(f"no saved scenario {args.name!r} (saved: {', '.join(saved) or 'none'})")
        loaded = scenario_from_dict(saved[args.name], args.name)
        scenario = replace(loaded, splits={**scenario.splits, **loaded.splits})
        name = args.name
    try:
        if args.message is not None:
            scenario = replace(scenario, message_strength=args.message / 100.0)
        if args.message_to:
            scenario = replace(
                scenario, message_destination=Destination(*_parse_three(args.message_to, "--message-to"))
            )
        if args.drag is not None:
            scenario = replace(scenario, drag_recovery=args.drag / 100.0)
        splits = dict(scenario.splits)
        codes = {c.code: c.code for c in contest.candidates} | {
            c.name.split()[-1].casefold(): c.code for c in contest.candidates
        }
        codes["other"] = "other"
        for item in args.split:
            who, _, parts = item.partition("=")
            code = codes.get(who.strip().casefold())
            if code is None or not parts:
                raise ReportError(f"--split {item!r}: use CANDIDATE=A/B/EXHAUSTED with a known candidate")
            splits[code] = Split(*_parse_three(parts, f"--split {who}"))
        scenario = replace(scenario, splits=splits)
        projection = project(baseline, scenario)
    except ValueError as exc:
        if isinstance(exc, ReportError):
            raise
        raise ReportError(str(exc)) from None
    target = largest_eliminated(baseline)
    be_splits = {target: break_even_split(baseline, scenario, target)} if target else {}
    if args.save:
        with translated(store.engine), store.sessions.begin() as session:
            mode, value = (
                ("poll", args.poll)
                if args.poll is not None
                else ("as_of", args.as_of.isoformat() if args.as_of else None)
            )
            repo.save_scenario(
                session, contest.id or 0, args.save, baseline_to_dict(baseline, mode, value), scenario_to_dict(scenario)
            )
        name = args.save
    return ScenarioReport(contest, name, baseline.label, projection, scenario, be_splits, baseline.a, baseline.b)
