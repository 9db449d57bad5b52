"""Instant runoff on the command line: `warroom scenario` on an IRV contest, and the official round-by-round
table of `warroom count`. No Qt.

Thin adapters: the store gives the polls and the past count, warroom.core.irv_pipeline computes every figure
(the same functions the app's IRV panel calls through its controller), and these classes only print them.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from warroom.core.forecast import chance_cell
from warroom.core.irv_pipeline import (
    NO_ROW_COUNTED,
    BreakEven,
    IrvCase,
    IrvView,
    break_evens,
    default_row,
    evaluate_irv,
    has_rows,
    prior_rows_from_ballots,
)
from warroom.core.irv_scenario import set_row
from warroom.core.pipeline import compute_averages
from warroom.core.saved_cases import CaseSummary, irv_freshness, irv_summary
from warroom.core.types import EXHAUSTED, Contest, echoed, elided
from warroom.core.validation import plain_decimal

if TYPE_CHECKING:
    from warroom.core.count import CountResult

Table = Callable[[list[str], list[list[Any]], TextIO], None]

_RUNOFF_ONLY = (
    "message",
    "message_to",
    "message_uncertainty",
    "drag",
    "poll",
    "as_of",
    "matchup",
    "hypothesis",
    "turnout",
    "message_on",
)


def _exhausted(code: str) -> str:
    return "exhausted" if code == EXHAUSTED else code


# --- `warroom scenario` on an instant-runoff contest ------------------------------------------------------------


@dataclass
class IrvReport:
    """One instant-runoff case: the rounds, the eliminations, every candidate's chance, and the break-evens of
    one candidate's row."""

    contest: Contest
    case: IrvCase
    view: IrvView
    row: str
    found: list[BreakEven]
    summary: CaseSummary | None = None  # the headline compare and the briefing print (core.saved_cases)

    def as_json(self) -> dict[str, Any]:
        v, run = self.view, self.view.run
        odds = v.odds
        summary = self.summary or irv_summary(v, baseline=self.case.label)
        return {
            "contest": self.contest.name,
            "scenario": summary.name or None,
            "saved_at": summary.saved_at or None,
            "winner_chance": round(summary.chance, 4),
            "today": summary.today or None,
            "system": self.contest.system.value,
            "baseline": self.case.label,
            "row_sources": dict(self.case.sources),
            "first_round": {c: round(v.scenario.share(c), 3) for c in v.scenario.codes},
            "next_preferences": {
                c: {_exhausted(k): round(x, 3) for k, x in v.scenario.row(c).items()} for c in v.scenario.codes
            },
            "rounds": [
                {
                    "round": r.number,
                    "tallies": {c: round(x, 3) for c, x in r.tallies.items()},
                    "eliminated": list(r.eliminated),
                    "transfers": [{"from": f, "to": _exhausted(t), "points": round(x, 3)} for f, t, x in r.transfers],
                    "exhausted": round(r.exhausted, 3),
                }
                for r in run.rounds
            ],
            "eliminations": [
                {
                    "round": e.round,
                    "eliminated": list(e.eliminated),
                    "survivor": e.survivor,
                    "margin": round(e.margin, 3),
                    "decisive": e.decisive,
                    "winner_if_swapped": e.winner_if_swapped,
                }
                for e in run.eliminations
            ],
            "headline": v.headline,
            "winner": run.winner,
            "final_pair": list(run.final_pair),
            "final_margin": round(run.final_margin, 3),
            "p_win": None if odds is None else {c: round(p, 4) for c, p in odds.p_win.items()},
            "p_final_pair": None if odds is None else {c: round(p, 4) for c, p in odds.p_final_pair.items()},
            "p_third": None if odds is None else {c: round(p, 4) for c, p in odds.p_third.items()},
            "draws": None if odds is None else odds.n,
            "share_sd": round(v.share_sd, 4),
            "break_evens_of": self.row or None,
            "break_evens": [
                {"to": _exhausted(b.to), "from": _exhausted(b.source), "points": round(b.points, 4), "text": b.text}
                for b in self.found
            ],
            "lines": v.lines(),
        }

    def print(self, out: TextIO, table: Table) -> None:
        v, run = self.view, self.view.run
        label = self.case.label[:1].lower() + self.case.label[1:]
        s = self.summary
        if s is not None and s.name:
            when = f" (saved {s.saved_at.replace('T', ' ')})" if s.saved_at else ""
            out.write(f"{self.contest.name}: scenario {s.name}{when}\n")
        out.write(f"{self.contest.name}: instant runoff from the {label}\n{v.headline}\n\n")
        codes = sorted(v.scenario.codes, key=lambda c: (-v.scenario.share(c), c))
        rows = []
        for c in codes:
            chance = "" if v.odds is None else chance_cell(v.odds.p_win[c])
            tallies = [r.tallies.get(c) for r in run.rounds]
            rows.append([v.name(c), chance, *["" if t is None else f"{t:.1f}" for t in tallies]])
        rows.append(["exhausted", "", *[f"{r.exhausted:.1f}" for r in run.rounds]])
        table(["candidate", "chance", *[f"R{r.number}" for r in run.rounds]], rows, out)
        out.write("\n")
        for line in v.lines():
            out.write(line + "\n")
        if v.odds is not None:
            out.write(
                f"Chances from {v.odds.n:,} simulated counts (polling error sd {v.share_sd:.1f} points for a 50 % "
                + ("candidate; every transfer row uncertain).\n" if self.row else "candidate).\n")
            )
        if not self.row:  # two candidates: no row is ever counted (it printed the winner's, as if it could be)
            out.write(f"\n{NO_ROW_COUNTED}\n")
        else:
            out.write(f"\nWhat would change the winner, from {v.name(self.row)}'s voters' next preferences:\n")
            for b in self.found:
                out.write(f"  {b.text}\n")
            if not self.found:
                out.write("  no move within that row changes the winner at these figures\n")
        if s is not None and s.today:
            out.write(f"Note: {s.today}\n")


def _code(contest: Contest, text: str, what: str) -> str:
    """A candidate named as the poll CSV names them (core.csvformat.candidate_spellings: a code over a full name
    over a surname or short name); a surname two candidates share is refused naming both, never given to the
    one listed first."""
    from warroom.core.csvformat import candidate_spellings

    spelled = candidate_spellings(contest)
    code = _row_code(spelled, text)
    if code is not None:
        return code
    key = text.strip().casefold()
    if spelled.ambiguous.get(key):
        raise ValueError(f"{what}: {spelled.unknown(text)}")
    raise ValueError(f"{what}: {echoed(text.strip())} is not a candidate of {contest.name}")


_EXHAUSTED_WORDS = ("exhausted", "exhaust", "none")
"""What names the exhausted pile in a `--row`."""


def _row_code(spelled: Any, text: str) -> str | None:
    """`text` as one candidate of the row (or EXHAUSTED), None when it names none or two."""
    if text.strip().casefold() in _EXHAUSTED_WORDS:
        return EXHAUSTED
    code = spelled.get(text)
    return None if code is None or code == "other" else code


_ROW_READINGS_SHOWN = 2
_ROW_NAME_SLACK = 16


_Linked = tuple[tuple[str, float], "_Linked"] | None
"""A reading of a row's items as a linked list (an item, the rest): sharing its tail, each is made in one step."""


def _row_items(rest: str, spelled: Any, bound: int) -> list[list[tuple[str, float]]]:
    """The readings of a row's `TO:PCT,TO:PCT,...` whose every TO names a candidate (at most two)."""
    ends: dict[int, tuple[int, float]] = {}  # an item's end -> (its ':', its number)
    for end in [i for i, ch in enumerate(rest) if ch == ","] + [len(rest)]:
        colon = rest.rfind(":", 0, end)
        if colon >= 0 and "," not in rest[colon + 1 : end]:
            with contextlib.suppress(ValueError):
                ends[end] = (colon, plain_decimal(rest[colon + 1 : end]))
    at = sorted(ends)  # (a ':' is never before the one of an earlier end: the window below is a slice)
    after: dict[int, list[_Linked]] = {len(rest) + 1: [None]}  # from an item's start: its readings
    for start in sorted({0, *(e + 1 for e in ends if e < len(rest))}, reverse=True):
        found: list[_Linked] = []
        for end in at[bisect.bisect_left(at, start) :]:
            colon, pct = ends[end]
            if colon - start > bound or len(found) >= _ROW_READINGS_SHOWN:
                break
            to = _row_code(spelled, rest[start:colon]) if colon >= start else None
            if to is not None:
                found += [((to, pct), tail) for tail in after.get(end + 1, [])[: _ROW_READINGS_SHOWN - len(found)]]
        after[start] = found
    out = []
    for linked in after[0]:
        items = []
        while linked is not None:
            item, linked = linked
            items.append(item)
        out.append(items)
    return out


def _row_readings(contest: Contest, text: str) -> list[tuple[str, list[tuple[str, float]]]]:
    """Every way `CAND=TO:PCT,TO:PCT,...` reads with each name one of the race's candidates (at most two: a
    third changes nothing said). A PCT is a plain number, which holds none of '=', ':' and ',': so an item ends
    at a ',' (or the end) whose text since the last ':' is a number, and the names are what lies between; a
    name or code holding those characters is read whole when only one reading names candidates throughout."""
    from warroom.core.csvformat import candidate_spellings

    spelled = candidate_spellings(contest)
    longest = max((len(s) for c in contest.candidates for s in (c.code, c.name, c.short_name or "")), default=0)
    bound = 4 * longest + _ROW_NAME_SLACK  # (a name typed decomposed, or padded: no name is longer than this)
    out: list[tuple[str, list[tuple[str, float]]]] = []
    for at in (i for i, ch in enumerate(text) if ch == "="):
        who = _row_code(spelled, text[:at]) if len(text[:at].strip()) <= bound else None
        if who is not None:
            out += [(who, items) for items in _row_items(text[at + 1 :], spelled, bound)]
        if len(out) >= _ROW_READINGS_SHOWN:
            break
    return out[:_ROW_READINGS_SHOWN]


def parse_row(contest: Contest, text: str) -> tuple[str, dict[str, float]]:
    """`--row CAND=TO:PCT,TO:PCT,...` (a name or code; `exhausted` for no further preference).

    A name or code may hold '=', ':' or ',' (a PCT never does): the row is read every way its separators allow,
    and the one reading that names the race's candidates throughout is taken; a row that reads two ways is
    refused naming both (`a=b=c:100` with candidates a, a=b, b=c and c), never taken at its first '='.
    """
    readings = _row_readings(contest, text)
    if any(who == EXHAUSTED for who, _items in readings) or (
        not readings and text.partition("=")[0].strip().casefold() in _EXHAUSTED_WORDS
    ):  # (it went on to say "__exhausted__ has no first-round share in the polls")
        raise ValueError(
            f"--row {echoed(text)}: the exhausted pile has no row of its own: name the candidate whose voters these are"
        )
    if len(readings) > 1:
        names = {c.code: c.code for c in contest.candidates} | {EXHAUSTED: "exhausted"}
        said = "; ".join(
            f"{names[who]}'s row: " + ", ".join(f"{names[to]} {pct:g}" for to, pct in items) for who, items in readings
        )
        raise ValueError(
            f"--row {echoed(text)}: reads two ways ({said}): a name or code holding '=', ':' or ',' makes it ambiguous; "
            "name the candidates another way (a code, a full name)"
        )
    if readings:
        who, items = readings[0]
        shares: dict[str, float] = {}
        for to, pct in items:
            if to in shares:  # kiss:40,kiss:60 was summed to 100 without a word
                raise ValueError(
                    f"--row {echoed(text)}: {echoed(_exhausted(to))} is given twice; give each candidate once"
                )
            shares[to] = pct
        return who, shares
    # no reading names candidates throughout: say why, reading at the first '=' and each item's last ':'
    who, sep, rest = text.partition("=")
    if not sep or not rest.strip():
        raise ValueError(
            f"--row {echoed(text)}: use CANDIDATE=OTHER:PCT,OTHER:PCT,... (e.g. dale=nolan:40,reid:35,park:25)"
        )
    code = _code(contest, who, f"--row {echoed(text)}")
    shares = {}
    for part in rest.split(","):
        to, sep, figure = part.rpartition(":")
        if not sep:
            raise ValueError(f"--row {echoed(text)}: {echoed(part.strip())} needs OTHER:PCT")
        try:
            value = plain_decimal(figure)
        except ValueError:
            raise ValueError(f"--row {echoed(text)}: {echoed(figure.strip())} is not a number") from None
        key = _code(contest, to, f"--row {echoed(text)}")
        if key in shares:  # kiss:40,kiss:60 was summed to 100 without a word
            raise ValueError(f"--row {echoed(text)}: {echoed(to.strip())} is given twice; give each candidate once")
        shares[key] = value
    return code, shares


def run_irv_scenario(store: Any, contest: Contest, args: argparse.Namespace) -> IrvReport:
    """`warroom scenario` for an instant-runoff contest: the panel's case, with `--row` edits."""
    from warroom.cli.cases import load_saved_irv, save_irv_case
    from warroom.cli.reports import load_polls, odds_model, store_irv_case

    given = [f"--{k.replace('_', '-')}" for k in _RUNOFF_ONLY if getattr(args, k, None)]
    if given or getattr(args, "split", None):
        raise ValueError(
            f"{', '.join(given or ['--split'])}: a runoff option; {contest.name} counts by instant runoff "
            "(use --row CANDIDATE=OTHER:PCT,... and --row-of CANDIDATE)"
        )
    polls = load_polls(store, contest)
    ballots = getattr(args, "prior_ballots", None)
    rows = _ballot_rows(ballots, contest) if ballots is not None else None
    label = f"ballots in {ballots.name}" if ballots is not None else ""
    case = store_irv_case(store, contest, polls, compute_averages(polls, contest), rows, label)
    baseline_case = case
    saved = load_saved_irv(store, contest, args.name) if getattr(args, "name", None) else None
    if saved is not None:  # the saved case exactly as saved: its own first round and matrix
        case = saved.case
    scenario = case.scenario
    rows_given: dict[str, str] = {}
    for text in getattr(args, "row", None) or []:
        if not has_rows(scenario):  # (a row set here had been taken, saved and counted by nothing)
            raise ValueError(f"--row {echoed(text)}: {NO_ROW_COUNTED}")
        code, shares = parse_row(contest, text)
        if code not in scenario.codes:
            raise ValueError(f"--row {echoed(text)}: {code} has no first-round share in the polls")
        if code in rows_given:  # the later row had silently replaced the earlier
            raise ValueError(f"--row {echoed(text)}: {echoed(rows_given[code])} already gave this candidate's row")
        absent = next((to for to in shares if to != EXHAUSTED and to not in scenario.codes), None)
        if absent is not None:  # (a KeyError traceback)
            raise ValueError(
                f"--row {echoed(text)}: {absent} has no first-round share in the polls, so no count has them"
            )
        rows_given[code] = text
        try:
            scenario = set_row(scenario, code, shares)
        except ValueError as exc:  # the core's words named no option
            raise ValueError(f"--row {echoed(text)}: {exc}") from None
    case = IrvCase(scenario, case.label, case.as_of, case.names, case.sources)
    view = evaluate_irv(case, odds=odds_model(store, contest))
    row_of = getattr(args, "row_of", None)
    if row_of and not has_rows(scenario):
        raise ValueError(f"--row-of {elided(row_of)}: {NO_ROW_COUNTED}")
    row = _code(contest, row_of, "--row-of") if row_of else default_row(scenario, view.run)
    if row and row not in scenario.codes:
        raise ValueError(f"--row-of {elided(str(row_of))}: not in this race's first round")
    name, saved_at, note = "", "", ""
    if saved is not None:
        name, saved_at = saved.name, saved.saved_at
        note = irv_freshness(saved, baseline_case) if scenario is saved.scenario else ""
    if getattr(args, "save", None):
        made = save_irv_case(
            store,
            contest,
            args.save,
            saved.case if saved else baseline_case,
            scenario,
            row,
            replace=getattr(args, "replace", False),
        )
        name, saved_at = made.name, made.saved_at
    summary = replace(irv_summary(view, name=name, baseline=case.label, saved_at=saved_at), today=note)
    found = break_evens(scenario, row, case.names, run=view.run) if row else []
    return IrvReport(contest, case, view, row, found, summary)


def _ballot_rows(path: Path, contest: Contest) -> dict[str, dict[str, float]]:
    """Rows from last election's ballot file (`--prior-ballots`), every problem named with the file."""
    from warroom.core.csvformat import CsvFormatError
    from warroom.core.irv_pipeline import read_prior_ballots

    try:
        table, errors = read_prior_ballots(path)  # the panel's reader: a ballot CSV or a .blt file
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read ({exc.strerror})") from None
    except CsvFormatError as exc:
        raise ValueError(f"{path}: {exc}") from None
    if errors:
        raise ValueError("\n".join(f"{path}:{e.line}: {e.field}: {e.message}" for e in errors))
    try:
        return prior_rows_from_ballots(table, contest, max_rankings=contest.counting_rules.preferences)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


# --- `warroom count`: every round as the officials publish it ---------------------------------------------------


def official_rounds(result: CountResult) -> dict[str, Any]:
    """The round-by-round table officials publish: each candidate's votes and net transfer in every round, the
    exhausted ballots, and who is excluded after each round.

    Returns:
        {"candidates": [...in first-round order], "rounds": [{"round", "votes": {c: votes}, "percent": {c: %},
        "transfer": {c: net change from the previous round}, "exhausted", "exhausted_transfer", "continuing",
        "excluded_after": [...]}]}.
    """
    first = result.rounds[0].tallies
    candidates = sorted(first, key=lambda c: (-first[c], c))
    out = []
    for i, r in enumerate(result.rounds):
        previous = result.rounds[i - 1] if i else None
        nxt = result.rounds[i + 1] if i + 1 < len(result.rounds) else None
        total = r.continuing_votes
        transfer: dict[str, int] = {}
        if previous is not None:
            for c in candidates:
                before = previous.tallies.get(c)
                if before is None:
                    continue
                transfer[c] = r.tallies.get(c, 0) - before
        out.append(
            {
                "round": r.number,
                "votes": dict(r.tallies),
                "percent": {c: round(100.0 * v / total, 2) if total else 0.0 for c, v in r.tallies.items()},
                "transfer": transfer,
                "exhausted": r.exhausted,
                "exhausted_transfer": r.exhausted - (previous.exhausted if previous is not None else 0),
                "continuing": total,
                "excluded_after": list(nxt.eliminated) if nxt is not None else [],
            }
        )
    return {"candidates": candidates, "rounds": out}


def print_official_rounds(result: CountResult, out: TextIO, table: Table) -> None:
    """The official round-by-round table: votes and the net transfer into each round, exhausted, excluded."""
    data = official_rounds(result)
    rounds = data["rounds"]
    headers = ["candidate"]
    for r in rounds:
        headers += [f"R{r['round']} votes", "%"] + ([f"R{r['round'] + 1} +/-"] if r is not rounds[-1] else [])
    body: list[list[str]] = []

    def cells(get: Callable[[dict[str, Any]], tuple[str, str]], move: Callable[[dict[str, Any]], str]) -> list[str]:
        row: list[str] = []
        for i, r in enumerate(rounds):
            row += list(get(r))
            if i + 1 < len(rounds):
                row.append(move(rounds[i + 1]))
        return row

    for c in data["candidates"]:

        def votes(r: dict[str, Any], c: str = c) -> tuple[str, str]:
            return (f"{r['votes'][c]:,}", f"{r['percent'][c]:.2f}") if c in r["votes"] else ("", "")

        def moved(r: dict[str, Any], c: str = c) -> str:
            return f"{r['transfer'][c]:+,}" if c in r["transfer"] else ""

        body.append([c, *cells(votes, moved)])
    body.append(["exhausted", *cells(lambda r: (f"{r['exhausted']:,}", ""), lambda r: f"{r['exhausted_transfer']:+,}")])
    body.append(["continuing", *cells(lambda r: (f"{r['continuing']:,}", "100.00"), lambda _r: "")])
    out.write("\nRound by round (as the officials publish it)\n")
    table(headers, body, out)
    for r in rounds:
        if r["excluded_after"]:
            out.write(f"Excluded after round {r['round']}: {', '.join(r['excluded_after'])}\n")
