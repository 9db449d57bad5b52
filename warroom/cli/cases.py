"""`warroom scenario` on a two-round contest, and saved instant-runoff cases on the command line. No Qt.

Thin adapters: the store gives the campaign and the saved records, warroom.core.saved_cases computes every figure
(the same functions the app's runoff panel, compare and briefing call), and these classes only print them.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, TextIO

from warroom.core.csvformat import candidate_spellings
from warroom.core.france import ABSTAINERS, BLANK_NULL, name_key
from warroom.core.pipeline import PipelineError, name_as_saved, saved_name_in
from warroom.core.saved_cases import (
    IRV,
    SV,
    TWO_ROUND,
    CaseSummary,
    SavedIrv,
    SavedTwoRound,
    TwoRoundCase,
    other_system_note,
    record_kind,
    save_irv,
    save_two_round,
    two_round_case,
    two_round_freshness,
    two_round_settings_to_dict,
    two_round_summary,
)
from warroom.core.two_round import Message, RunoffSplit, TwoRoundScenario
from warroom.core.two_round_pipeline import resolve_matchup, withdrawn_names
from warroom.core.two_round_view import ScenarioDefaults, TwoRoundView, question_text
from warroom.core.types import Contest, bidi_isolated, echoed, elided
from warroom.core.validation import plain_decimal

Table = Any

_SV_ONLY = ("as_of", "poll", "drag", "message_uncertainty", "row", "row_of", "prior_ballots")


def _records(store: Any, contest: Contest) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    from warroom.store import polls as repo
    from warroom.store.db import translated

    with translated(store.engine), store.sessions() as session:
        return {n: (b, s) for n, b, s in repo.list_scenarios(session, contest.id or 0)}


def saved_record(store: Any, contest: Contest, name: str, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored record of a saved case of `kind` (ValueError naming the saved ones of that kind)."""
    rows = _records(store, contest)
    name = saved_name_in(name, rows) or name_as_saved(name)
    mine = [n for n, (b, _s) in rows.items() if record_kind(b) == kind]
    if name in rows and not all(isinstance(part, Mapping) for part in rows[name]):  # (store.polls.stored_record)
        raise ValueError(f"saved scenario {echoed(name)} cannot be read: its records are not JSON objects")
    if name in rows and (note := other_system_note(name, rows[name][0], contest)) is not None:
        raise ValueError(note)
    if name not in rows or record_kind(rows[name][0]) != kind:
        raise ValueError(f"no saved scenario {echoed(name)} for {contest.name} (saved: {', '.join(mine) or 'none'})")
    return rows[name]


def refuse_saving_over(session: Any, contest: Contest, name: str, replace: bool, kind: str | None = None) -> None:
    """Refuse (ValueError) to save `name` over a saved scenario of the race unless `replace` (`--replace`): the
    command line has no undo, and `--save NAME` had replaced a saved case without a word. A case of another kind
    (`kind` given) is refused either way. Called in the saving transaction, so nothing is written."""
    from warroom.store import polls as repo

    rows = {n: b for n, b, _s in repo.list_scenarios(session, contest.id or 0)}
    held = saved_name_in(name, rows)
    if held is None:
        return
    if kind is not None and isinstance(rows[held], Mapping) and record_kind(rows[held]) != kind:
        words = {SV: "runoff (SV)", TWO_ROUND: "two-round", IRV: "instant-runoff"}
        raise ValueError(f"a {words.get(record_kind(rows[held]), 'other')} scenario is already saved as {held!r}")
    if not replace:
        raise ValueError(
            f"a scenario is already saved as {held!r} for {contest.name}: give --replace to save over it (the "
            "command line has no undo), or choose another name; nothing was saved"
        )


def store_case(
    store: Any,
    contest: Contest,
    name: str,
    kind: str,
    records: tuple[dict[str, Any], dict[str, Any]],
    *,
    replace: bool = False,
) -> None:
    """Write a saved case (refused when that name holds another kind of case, or any case without `replace`)."""
    from warroom.store import polls as repo
    from warroom.store.db import translated

    with translated(store.engine), store.sessions.begin() as session:
        refuse_saving_over(session, contest, name, replace, kind)
        repo.save_scenario(session, contest.id or 0, name, *records)


# --- two-round ---------------------------------------------------------------------------------------------------


@dataclass
class TwoRoundScenarioReport:
    """One two-round case: a saved one exactly as saved, or the panel's starting case with the options applied."""

    contest: Contest
    summary: CaseSummary
    view: TwoRoundView
    hypothesis: str | None
    note: str = ""  # (TwoRoundCase.note: a finalist has withdrawn)

    def as_json(self) -> dict[str, Any]:
        v, p = self.view, self.view.projection
        return {
            "contest": self.contest.name,
            **self.summary.as_json(),
            "matchup": [p.a, p.b],
            "hypothesis": self.hypothesis,
            "a_share": round(p.a_share, 3),
            "margin_a": round(p.margin, 3),
            "turnout": round(p.turnout, 3),
            "blank_null_share": round(p.blank_null_share, 3),
            "win_probability_a": round(p.win_probability_a, 4),
            "margin_sd": round(p.sigma, 3),
            "electorate": v.electorate,
            "break_evens": {
                d: None if be is None or not be.reachable else round(be.share, 3) for d, be in v.break_evens.items()
            },
            "turnout_break_even": None if v.turnout_break_even is None else round(v.turnout_break_even, 4),
            "settings": two_round_settings_to_dict(v.scenario),
            "note": self.note or None,
        }

    def print(self, out: TextIO, table: Table) -> None:
        s, p = self.summary, self.view.projection
        saved = f" (saved {s.saved_at.replace('T', ' ')})" if s.saved_at else ""
        out.write(f"{self.contest.name}: runoff scenario {s.name or '(from options)'}{saved}\n")
        out.write(f"Baseline: {s.baseline}\n")
        for line in s.details:
            out.write(line + "\n")
        out.write("\n")
        table(
            ["finalist", "runoff % of valid votes"],
            [[p.a, f"{p.a_share:.1f}"], [p.b, f"{100 - p.a_share:.1f}"]],
            out,
        )
        out.write(f"\n{s.headline}\n")
        out.write(
            f"Projected: {s.margin_text}; {bidi_isolated(s.winner)}'s chance {s.chance_text} (margin sd {p.sigma:.1f})\n"
        )
        for line in question_text(self.view):
            out.write(line + "\n")
        if self.note:
            out.write(f"Note: {self.note}\n")
        if s.today:
            out.write(f"Note: {s.today}\n")


def _pct(value: float, what: str, low: float = 0.0) -> float:
    if not (low <= value <= 100.0):  # `not` so NaN is refused too
        raise ValueError(f"{what}: give a percentage within {low:g} to 100 (got {value:g})")
    return value / 100.0


def _parts(text: str, n: int, what: str) -> tuple[float, ...]:
    parts = text.replace("/", ",").split(",")
    if any(not x.strip() for x in parts):  # (it was dropped: every later figure moved one place)
        raise ValueError(f"{what}: {echoed(text)} has an empty part; give {n} figures, e.g. {'/'.join(['25'] * n)}")
    try:
        values = tuple(plain_decimal(x) for x in parts)
    except ValueError:
        raise ValueError(f"{what}: {echoed(text)} is not {n} numbers") from None
    if len(values) != n or not all(math.isfinite(x) for x in values):
        raise ValueError(f"{what}: give {n} numbers, e.g. {'/'.join(['25'] * n)} (got {echoed(text)})")
    return values


def _electorate(first_votes: Any, text: str, what: str, contest: Contest | None = None) -> str:
    """The first-round electorate `text` names: a race's candidate by the poll CSV's one rule (code, full name,
    short name or surname: `core.csvformat.candidate_spellings`; `le-pen` or "Le Pen" for Marine Le Pen, whom only
    "Marine Le Pen" or "Pen" named), else a first-round name or its last word; 'abstainers' or 'blank'."""
    key = name_key(text)
    if key in ("abstainers", "abstention", "abstain"):
        return ABSTAINERS
    if key in ("blank", "blank null", "blanknull", "null", "blank and null"):  # name_key: "-" is a space
        return BLANK_NULL
    code = candidate_spellings(contest).get(text) if contest is not None else None
    if code is not None and code != "other":
        named = name_key(contest.candidate(code).name) if contest is not None else ""
        found = [c for c in first_votes if name_key(c) == named]
        if len(found) == 1:
            return str(found[0])
    found = [c for c in first_votes if name_key(c) == key or name_key(c.split()[-1]) == key]
    if len(found) != 1:
        raise ValueError(f"{what}: {echoed(text.strip())} is not a first-round candidate (or 'abstainers', 'blank')")
    return str(found[0])


def apply_two_round_options(
    scenario: TwoRoundScenario, first_votes: Any, args: argparse.Namespace, contest: Contest | None = None
) -> TwoRoundScenario:
    """--split CAND=A/B/BLANK/ABSTAIN (repeatable), --turnout, --message with --message-to and --message-on; a
    candidate named as `_electorate` reads it (the race's spellings when `contest` is given)."""
    splits = dict(scenario.splits)
    given: dict[str, str] = {}
    for item in getattr(args, "split", None) or []:
        # the candidate is everything before the last '=': the figures after it never hold one, a name may
        who, _, parts = item.rpartition("=") if "=" in item else (item, "", "")
        code = _electorate(first_votes, who, f"--split {echoed(item)}", contest)
        if code in given:  # the later one had silently replaced the earlier
            raise ValueError(
                f"--split {elided(who.strip())}: {echoed(given[code])} already gave this electorate's split"
            )
        given[code] = item
        figures = _parts(parts, 4, f"--split {elided(who.strip())}")
        try:
            splits[code] = RunoffSplit(*figures)
        except ValueError as exc:  # the core's words ("runoff split parts must sum to 100, got 120") named no option
            raise ValueError(f"--split {echoed(item)}: {exc} (to A, to B, blank or null, abstain)") from None
    scenario = replace(scenario, splits=splits)
    if getattr(args, "turnout", None) is not None:
        scenario = replace(scenario, turnout=_pct(args.turnout, "--turnout", -100.0))  # (-100: the core says why not)
    on_text = getattr(args, "message_on", None)
    if args.message is not None or args.message_to or on_text:
        on = scenario.message.on if scenario.message else scenario.a
        if on_text:
            on = _electorate(first_votes, on_text, "--message-on", contest)
            if on not in (scenario.a, scenario.b):
                raise ValueError(
                    f"--message-on {elided(on_text)}: the message works on a finalist ({scenario.a} or {scenario.b})"
                )
        old = scenario.message or Message(on)
        dest = (
            _parts(args.message_to, 3, "--message-to")
            if args.message_to
            else (old.to_other, old.to_blank_null, old.to_abstain)
        )
        strength = _pct(args.message, "--message") if args.message is not None else old.strength
        to_other, to_blank, to_abstain = dest
        try:
            message = Message(on, strength, to_other, to_blank, to_abstain, old.among)
        except ValueError as exc:  # ("message destination parts must sum to 100, got 110": which option?)
            raise ValueError(
                f"--message-to {echoed(args.message_to)}: {exc}" if args.message_to else str(exc)
            ) from None
        scenario = replace(scenario, message=message)
    return scenario


def run_two_round_scenario(store: Any, contest: Contest, args: argparse.Namespace) -> TwoRoundScenarioReport:
    """`warroom scenario` for a two-round contest: a saved case exactly as saved (--name), or the panel's case
    (--matchup, --hypothesis) with the options; --save stores it."""
    from warroom.cli.two_round import proxies_for
    from warroom.store import questions
    from warroom.store.db import translated

    given = [f"--{k.replace('_', '-')}" for k in _SV_ONLY if getattr(args, k, None)]
    if given:
        raise ValueError(
            f"{', '.join(given)}: not a two-round option; {contest.name} is a two-round contest (use --matchup, "
            "--hypothesis, --split CAND=A/B/BLANK/ABSTAIN, --turnout, --message, --message-to, --message-on)"
        )
    with translated(store.engine), store.sessions() as session:
        campaign = questions.load_campaign(session, contest.id or 0)
    saved: SavedTwoRound | None = None
    note = ""
    if args.name:
        if args.matchup or args.hypothesis:
            raise ValueError("a saved scenario keeps its own matchup and hypothesis: drop --matchup/--hypothesis")
        try:
            saved = SavedTwoRound.from_dicts(args.name, *saved_record(store, contest, args.name, TWO_ROUND))
        except PipelineError as exc:
            raise ValueError(str(exc)) from None
        case = TwoRoundCase(
            saved.first,
            saved.first_source,
            saved.hypothesis,
            ScenarioDefaults(saved.scenario, {}, error=saved.error),
            saved.electorate or "",
        )
        scenario = saved.scenario
        try:
            today = two_round_case(
                campaign, matchup=(scenario.a, scenario.b), hypothesis=saved.hypothesis, proxies=proxies_for(contest)
            )
            note = two_round_freshness(saved, today, contest=contest)
        except PipelineError as exc:
            note = two_round_freshness(saved, None, str(exc), contest=contest)
    else:
        if not campaign.notices:
            raise ValueError(
                f"{contest.name} has no two-round polls (import a compilation or a poll CSV with questions)"
            )
        pair = resolve_matchup(args.matchup, campaign.notices) if args.matchup else None
        try:
            case = two_round_case(
                campaign,
                matchup=pair,
                hypothesis=args.hypothesis,
                proxies=proxies_for(contest),
                withdrawn=withdrawn_names(contest),
            )
        except PipelineError as exc:
            raise ValueError(str(exc)) from None
        scenario = case.defaults.scenario
    changed = apply_two_round_options(scenario, case.first.votes, args, contest)
    if changed != scenario:
        note = ""  # the options make another case: today's note was about the saved one
    view = case.view(changed)
    name, saved_at = (saved.name, saved.saved_at) if saved is not None else ("", "")
    if args.save:
        try:
            made = save_two_round(args.save, case, changed, contest=contest)
        except PipelineError as exc:
            raise ValueError(str(exc)) from None
        store_case(store, contest, made.name, TWO_ROUND, made.to_dicts(), replace=getattr(args, "replace", False))
        name, saved_at = made.name, made.saved_at
    baseline = (
        saved.baseline_label
        if saved is not None
        else SavedTwoRound("", case.hypothesis, case.first, case.first_source, changed).baseline_label
    )
    summary = replace(two_round_summary(view, name=name, baseline=baseline, saved_at=saved_at), today=note)
    return TwoRoundScenarioReport(contest, summary, view, case.hypothesis, case.note)


# --- instant runoff ----------------------------------------------------------------------------------------------


def load_saved_irv(store: Any, contest: Contest, name: str) -> SavedIrv:
    """A saved instant-runoff case (ValueError naming the problem)."""
    try:
        return SavedIrv.from_dicts(name, *saved_record(store, contest, name, IRV))
    except PipelineError as exc:
        raise ValueError(str(exc)) from None


def save_irv_case(
    store: Any, contest: Contest, name: str, case: Any, scenario: Any, row: str, *, replace: bool = False
) -> SavedIrv:
    """Save an instant-runoff case (`case`: the baseline the rows were edited from)."""
    try:
        made = save_irv(name, case, scenario, row=row)
    except PipelineError as exc:
        raise ValueError(str(exc)) from None
    store_case(store, contest, made.name, IRV, made.to_dicts(), replace=replace)
    return made
