"""Two-round contests on the command line: importing the French compilations (and the extended poll CSV), and
the averages, qualification odds and runoff of `warroom average` / `warroom qualify`. No widgets.

Every figure printed comes from core.two_round_pipeline.two_round_report, the function the panel calls too.
"""

from __future__ import annotations

import argparse
import math
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from warroom.cli.common import CliError, contest_of, emit_json, open_for_cli, table
from warroom.core.compilations import Compilation, contest_from_compilation, parse_question_csv, surname
from warroom.core.forecast import chance_cell, chance_text, signed_points
from warroom.core.france import FranceFormatError, PollNotice, TransferMatrix, counts
from warroom.core.two_round_pipeline import (
    Campaign,
    TwoRoundBacktest,
    TwoRoundReport,
    backtest_two_round,
    resolve_matchup,
    two_round_report,
    withdrawn_names,
)
from warroom.core.types import Contest, CountingSystem
from warroom.core.validation import today_somewhere

FRANCE_2027_FIRST_ROUND = date(2027, 4, 11)
"""The default polling day of a contest made with --new-contest from the 2027 compilation: a provisional date.
The Constitution (art. 7) puts the first round 20 to 35 days before the sitting president's term ends (13 May
2027), so between 8 and 23 April 2027; the government sets the day by decree. Give --election-date once it is
known (or edit the contest later)."""


def _errors(exc: FranceFormatError) -> list[dict[str, Any]]:
    return [{"file": exc.source, "line": e.line, "field": e.field, "message": e.message} for e in exc.errors]


def _fail(args: argparse.Namespace, out: TextIO, source: str, problems: list[dict[str, Any]], text: str) -> CliError:
    if args.json:
        emit_json({"imported": 0, "errors": problems}, out)
    return CliError(f"{text}\nnothing imported ({len(problems)} problem(s))")


def import_compilation(args: argparse.Namespace, compilation: Compilation, out: TextIO) -> int:
    """`warroom import FILE|FOLDER` for a compilation: into --contest (a two-round contest), or into a new contest
    made from it with --new-contest NAME. All or nothing; the counts are the file's and what was written."""
    new_name = getattr(args, "new_contest", None)
    if getattr(args, "election_date", None) is not None and not new_name:
        raise CliError(
            "--election-date goes with --new-contest (a stored contest's date: warroom contest edit)", code=2
        )
    contest: Contest | None = None
    if new_name and compilation.kind == "results":
        raise CliError(f"{args.file}: official results go into an existing contest (--contest NAME)", code=2)
    if new_name:
        # The official rounds' own days when the folder has them (2022's, not 2027's placeholder), else the date
        # given, else the provisional 2027 one.
        rounds = compilation.results or {}
        election = getattr(args, "election_date", None) or (rounds[1].day if 1 in rounds else FRANCE_2027_FIRST_ROUND)
        second = rounds[2].day if 2 in rounds and not getattr(args, "election_date", None) else None
        try:
            contest = contest_from_compilation(compilation, new_name, election_date=election, second_round_date=second)
        except ValueError as exc:
            raise CliError(f"{args.file}: {exc}") from None
    return _store(args, out, compilation.notices, compilation.matrices, compilation, contest)


def import_question_csv(args: argparse.Namespace, text: str, contest: Contest, out: TextIO) -> int:
    """`warroom import FILE.csv` into a two-round contest: the poll CSV with question and poll_id columns."""
    parsed = parse_question_csv(text, contest, today=today_somewhere(), date_order=getattr(args, "dates", None))
    if parsed.errors:
        problems = [{"line": e.line, "field": e.field, "message": e.message} for e in parsed.errors]
        msg = "\n".join(f"{args.file}:{e.line}: {e.field}: {e.message}" for e in parsed.errors)
        raise _fail(args, out, str(args.file), problems, msg)
    return _store(args, out, parsed.notices, parsed.matrices, None, None)


def _store(
    args: argparse.Namespace,
    out: TextIO,
    notices: tuple[PollNotice, ...],
    matrices: tuple[TransferMatrix, ...],
    compilation: Compilation | None,
    new_contest: Contest | None,
) -> int:
    from warroom.store import contests as contest_store
    from warroom.store import polls as repo
    from warroom.store import questions
    from warroom.store.db import translated

    store = open_for_cli(args, create=not args.dry_run)  # (an import may make a new store; a dry run writes none)
    try:
        with translated(store.engine), store.sessions() as session:
            if new_contest is not None:
                try:
                    contest_id = contest_store.create_contest(session, new_contest)
                except contest_store.ContestError as exc:
                    raise CliError(f"--new-contest: {exc}") from None
                contest = new_contest
            else:
                contest = contest_of(store, args)
                if contest.system != CountingSystem.TWO_ROUND:
                    raise CliError(
                        f"{args.file}: {contest.name} is a {contest.system.label} contest; two-round polls go into a "
                        "two-round contest (--contest NAME, or --new-contest NAME to make one from this file)"
                    )
                contest_id = contest.id or 0
            results = compilation.results if compilation is not None and compilation.results else None
            try:
                report = questions.add_campaign(
                    session,
                    contest_id,
                    notices,
                    matrices,
                    results,
                    replace=getattr(args, "replace", False),
                    today=today_somewhere(),  # (the poll CSV's "in the future" rule, for compilations too)
                )
            except questions.QuestionRejectedError as exc:
                session.rollback()
                raise _fail(
                    args, out, str(args.file), [{"message": p} for p in exc.problems], f"{args.file}: {exc}"
                ) from None
            if args.dry_run:
                session.rollback()
            else:
                repo.bump_revision(session)
                session.commit()
    finally:
        store.close()
    found = counts(notices, matrices)
    in_file = {"polls": found.polls, "hypotheses": found.hypotheses, "matchups": found.matchups}
    in_file |= {"matrices": found.matrices, "rows": found.rows}
    if args.json:
        emit_json(
            {
                "contest": contest.name,
                "created": new_contest is not None,
                "format": compilation.kind if compilation is not None else "poll-csv",
                "in_file": in_file,
                "imported": report.as_json(),
                "dry_run": args.dry_run,
                "credit": compilation.credit if compilation is not None else "",
            },
            out,
        )
        return 0
    verb = "checked (dry run, nothing written)" if args.dry_run else "imported"
    made = "new contest " if new_contest is not None else ""
    out.write(
        f"{args.file}: {found.polls} polls, {found.hypotheses} first-round hypotheses, {found.matchups} runoff "
        f"matchups, {found.matrices} transfer matrices ({found.rows} figures) read\n"
        f"{verb} into {made}{contest.name}: {report.polls} polls, {report.hypotheses} hypotheses, "
        f"{report.matchups} matchups, {report.matrices} matrices"
        + (f", {report.rounds} official rounds" if report.rounds else "")
        + (
            f"; already stored, skipped: {report.skipped_questions} questions, {report.skipped_matrices} matrices"
            if report.skipped_questions or report.skipped_matrices
            else ""
        )
        + (
            f"; replaced with the file's figures: {report.replaced_questions} questions, "
            f"{report.replaced_matrices} matrices"
            if report.replaced_questions or report.replaced_matrices
            else ""
        )
        + "\n"
    )
    if compilation is not None:
        out.write(f"data: {compilation.credit}\n")
    return 0


# --- averages, qualification, runoff ------------------------------------------------------------------------------


def load(args: argparse.Namespace, *, allow_empty: bool = False) -> tuple[Contest, Campaign]:
    from warroom.store import questions
    from warroom.store.db import translated

    store = open_for_cli(args)
    try:
        contest = contest_of(store, args)
        with translated(store.engine), store.sessions() as session:
            campaign = questions.load_campaign(session, contest.id or 0)
    finally:
        store.close()
    if not campaign.notices and not allow_empty:
        raise CliError(f"{contest.name} has no two-round polls (import a compilation or a poll CSV with questions)")
    return contest, campaign


def proxies_for(contest: Contest) -> dict[str, str] | None:
    """Electorates without a published matrix row and whose split they take, for the back-test: the 2022 demo's
    far-left candidates as Mélenchon's voters (demo.FAR_LEFT_2022); others pool the published ones."""
    from warroom.demo import FAR_LEFT_2022, FRANCE_2022_NAME

    return dict(FAR_LEFT_2022) if contest.name == FRANCE_2022_NAME else None


def build_report(args: argparse.Namespace) -> tuple[Contest, TwoRoundReport]:
    contest, campaign = load(args)
    as_of = getattr(args, "as_of", None)
    if as_of is not None and campaign.notices:
        from warroom.core.baseline import late_day_problem

        late = late_day_problem(as_of, contest, max(n.fieldwork_end for n in campaign.notices))
        if late is not None:
            raise CliError(late)
    pair = None
    if getattr(args, "matchup", None):
        try:
            pair = resolve_matchup(args.matchup, campaign.notices)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    proxies = proxies_for(contest)
    try:
        report = two_round_report(
            campaign,
            rules=contest.counting_rules,
            as_of=getattr(args, "as_of", None),
            hypothesis=getattr(args, "hypothesis", None),
            matchup=pair,
            proxies=proxies,
            withdrawn=withdrawn_names(contest),
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return contest, report


def _pct(x: float) -> str:
    return "—" if math.isnan(x) else f"{x:.1f}"


def backtest_json(bt: TwoRoundBacktest) -> dict[str, Any]:
    """The back-test as JSON (`warroom average --json`, `warroom backtest --json`)."""
    return {
        "first_round_eve": bt.first_eve,
        "first_round": [{"candidate": k, "average": v, "official": o} for k, (v, o) in bt.first.items()],
        "first_round_mean_abs_error": bt.mean_abs_error,
        "runoff": {"a": bt.a, "b": bt.b, "official_a_share": bt.official},
        "runoff_from_matrices": None
        if bt.from_matrices is None
        else {
            "a_share": bt.from_matrices.projection.a_share,
            "matrices": bt.from_matrices.matrices,
            "turnout": bt.from_matrices.projection.turnout,
        },
        "runoff_head_to_head": None
        if bt.head_to_head is None
        else {"a_share": bt.head_to_head.latest(), "polls": bt.head_to_head.polls, "eve": bt.second_eve},
    }


def report_json(contest: Contest, report: TwoRoundReport) -> dict[str, Any]:
    first = report.first
    out: dict[str, Any] = {
        "contest": contest.name,
        "hypothesis": first.hypothesis,
        "polls": first.polls,
        "first_round": [
            {
                "candidate": name,
                "share": share,
                "low": float(first.series[name].lower[-1]),
                "high": float(first.series[name].upper[-1]),
                "qualify": report.qualify.get(name),
            }
            for name, share in first.latest().items()
        ],
        "runoff": None,
        "other_matchups": [{"a": a, "b": b, "polls": n} for a, b, n in report.others],
    }
    m = report.matchup
    if m is not None:
        out["runoff"] = {
            "a": m.a,
            "b": m.b,
            "a_share": m.latest(),
            "lead": 2 * m.latest() - 100,
            "polls": m.polls,
            "win_probability_a": m.win_probability(),
            "note": report.note or None,
        }
    if report.backtest is not None:
        out["backtest"] = backtest_json(report.backtest)
    return out


def print_report(contest: Contest, report: TwoRoundReport, out: TextIO, *, qualify_only: bool = False) -> None:
    first = report.first
    seen = f"hypothesis {first.hypothesis!r}" if first.hypothesis else "all hypotheses (hypothesis effects removed)"
    out.write(f"{contest.title}: first round, {first.polls} polls, {seen}\n")
    rows = []
    for name, share in first.latest().items():
        s = first.series[name]
        p = report.qualify.get(name)
        rows.append(
            [
                name,
                _pct(share),
                f"{max(0.0, s.lower[-1]):.1f}-{s.upper[-1]:.1f}",
                "—" if p is None else chance_cell(p),  # the window's rounding (core.forecast), as every verb
            ]
        )
    table(["candidate", "average %", "90% band", "P(qualifies)"], rows, out)
    if report.qualify_note is not None:
        out.write(f"P(qualifies) {report.qualify_note}.\n")
    if qualify_only:
        return
    m = report.matchup
    if m is not None:
        lead = 2 * m.latest() - 100
        out.write(
            f"\nrunoff {m.a} / {m.b} ({m.polls} polls): {m.a} {m.latest():.1f} %, lead {signed_points(lead)}, "
            f"P({m.a} wins) {chance_text(m.win_probability())}\n"
        )
        if report.note:
            out.write(f"Note: {report.note}\n")
    if report.others:
        shown = ", ".join(f"{a} / {b} ({n})" for a, b, n in report.others[:6])
        out.write(f"other matchups asked (--matchup A/B): {shown}\n")
    if report.backtest is not None:
        out.write("\n")
        print_backtest(report.backtest, out)


def print_backtest(bt: TwoRoundBacktest, out: TextIO) -> None:
    """The back-test as text: the eve-of-round-one average against round one, the runoff from the matrices and
    from the head-to-head polls against round two."""
    out.write(f"back-test: the average on {bt.first_eve} against the official first round\n")
    table(
        ["candidate", "average %", "official %", "error"],
        [[k, f"{v:.1f}", f"{o:.2f}", f"{v - o:+.2f}"] for k, (v, o) in bt.first.items()],
        out,
    )
    out.write(f"mean absolute error {bt.mean_abs_error:.2f} points\n")
    out.write(f"runoff, official: {bt.a} {bt.official:.2f} %\n")
    if bt.from_matrices is not None:
        fm = bt.from_matrices
        out.write(
            f"  from the {fm.matrices} published transfer matrices on the official first round: {bt.a} "
            f"{fm.projection.a_share:.2f} % ({fm.projection.a_share - bt.official:+.2f})\n"
        )
    if bt.head_to_head is not None:
        h = bt.head_to_head
        out.write(
            f"  from the head-to-head polls ({h.polls}), average on {bt.second_eve}: {bt.a} {h.latest():.2f} % "
            f"({h.latest() - bt.official:+.2f})\n"
        )


def two_round_backtests(session: Any, contests: list[Contest]) -> list[tuple[Contest, TwoRoundBacktest]]:
    """Every two-round contest among `contests` with both official rounds stored, and its back-test."""
    from warroom.store import questions

    out: list[tuple[Contest, TwoRoundBacktest]] = []
    for c in contests:
        if c.system != CountingSystem.TWO_ROUND or c.id is None:
            continue
        campaign = questions.load_campaign(session, c.id)
        bt = backtest_two_round(campaign, proxies=proxies_for(c))
        if bt is not None:
            out.append((c, bt))
    return out


def cmd_two_round_average(args: argparse.Namespace, out: TextIO, *, qualify_only: bool = False) -> int:
    contest, report = build_report(args)
    if args.json:
        emit_json(report_json(contest, report), out)
    else:
        print_report(contest, report, out, qualify_only=qualify_only)
    return 0


def cmd_qualify(args: argparse.Namespace, out: TextIO) -> int:
    """`warroom qualify`: the first-round averages and P(each candidate reaches the runoff)."""
    return cmd_two_round_average(args, out, qualify_only=True)


def is_two_round(args: argparse.Namespace) -> bool:
    """Whether the command's contest is a two-round one (so `average` prints this module's report)."""
    store = open_for_cli(args)
    try:
        return contest_of(store, args).system == CountingSystem.TWO_ROUND
    finally:
        store.close()


def compilation_of(args: argparse.Namespace, out: TextIO) -> Compilation | None:
    """The compilation at args.file, or None; a broken compilation is a CliError listing its problems (and,
    with --json, the same problems as JSON)."""
    from warroom.core.compilations import read_compilation

    path: Path = args.file
    try:
        return read_compilation(path)
    except FranceFormatError as exc:
        lines = "\n".join(f"{path}: {exc.source}:{e.line}: {e.field}: {e.message}" for e in exc.errors[:50])
        more = f"\n... and {len(exc.errors) - 50} more" if len(exc.errors) > 50 else ""
        raise _fail(args, out, str(path), _errors(exc), f"{lines}{more}") from None


def cmd_notices(args: argparse.Namespace, out: TextIO) -> int:
    """`warroom polls` for a two-round contest: one line per notice, with its questions."""
    contest, campaign = load(args, allow_empty=True)
    if args.json:
        emit_json(
            {
                "contest": contest.name,
                "polls": [
                    {
                        "id": n.id,
                        "pollster": n.institute,
                        "client": n.client,
                        "fieldwork_start": n.fieldwork_start,
                        "fieldwork_end": n.fieldwork_end,
                        "sample_size": n.sample_size,
                        "hypotheses": [{"label": h.label, "shares": dict(h.shares)} for h in n.hypotheses],
                        "matchups": [
                            {"label": m.label, "shares": {m.a: m.a_share, m.b: m.b_share}} for m in n.matchups
                        ],
                    }
                    for n in campaign.notices
                ],
                "matrices": len(campaign.matrices),
            },
            out,
        )
        return 0
    found = counts(campaign.notices, campaign.matrices)
    out.write(
        f"{contest.name}: {found.polls} polls ({found.hypotheses} first-round hypotheses, {found.matchups} runoff "
        f"matchups), {found.matrices} transfer matrices\n"
    )
    table(
        ["pollster", "start", "end", "sample", "hypotheses", "matchups"],
        [
            [
                n.institute,
                n.fieldwork_start,
                n.fieldwork_end,
                f"{n.sample_size:,}" if n.sample_size else "—",
                len(n.hypotheses),
                ", ".join(f"{surname(m.a)} {m.a_share:g}-{m.b_share:g} {surname(m.b)}" for m in n.matchups),
            ]
            for n in campaign.notices
        ],
        out,
    )
    return 0
