"""`warroom contest ...`, saving a count as a contest's result, and campaign bundles. No widgets.

Every write is one transaction; a file with a problem is refused with its line and key and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from warroom.cli.common import (
    NO_CONTEST,
    CliError,
    emit_json,
    input_file,
    open_for_cli,
    output_file,
    paths_of,
    read_cli_file,
    refuse_the_store,
    table,
)
from warroom.core.contestfile import (
    CONTEST_FILE_MAX_BYTES,
    ContestFileError,
    contest_to_dict,
    contest_to_toml,
    parse_contest_file,
)
from warroom.core.types import EXHAUSTED, Contest, CountingSystem, OfficialResult, controls_escaped, echoed
from warroom.paths import write_private_atomic

if TYPE_CHECKING:  # (numpy's ballot table and the two-round pipeline load where used: `warroom` starts light)
    from sqlalchemy.orm import Session

    from warroom.core.ballots import BallotTable
    from warroom.core.count import CountResult, CountRules


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `contest` and its sub-verbs on the top-level subparsers."""
    p = sub.add_parser("contest", parents=[common], help="create, show, edit, delete or export a contest")
    verbs = p.add_subparsers(dest="contest_verb", metavar="ACTION", required=True)
    verbs.add_parser("list", parents=[common], help="the contests in the store")
    q = verbs.add_parser("show", parents=[common], help="a contest's details, candidates and result")
    q.add_argument("name", nargs="?", help="the contest (default: --contest, else your most recent one)")
    q = verbs.add_parser("new", parents=[common], help="create a contest from a TOML contest file")
    q.add_argument(
        "--from", dest="source", type=input_file, required=True, metavar="FILE.toml", help="the contest file to read"
    )
    q = verbs.add_parser("edit", parents=[common], help="replace a contest's details with a TOML contest file's")
    q.add_argument("name", help="the contest to replace")
    q.add_argument(
        "--from", dest="source", type=input_file, required=True, metavar="FILE.toml", help="the contest file to read"
    )
    q = verbs.add_parser("delete", parents=[common], help="delete a contest and its polls (backed up first)")
    q.add_argument("name", help="the contest to delete")
    q.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    q = verbs.add_parser("result", parents=[common], help="store a contest's official result from a CSV file")
    q.add_argument("name", help="the contest whose result it is")
    q.add_argument(
        "--from", dest="source", type=input_file, required=True, metavar="RESULT.csv", help="the result file to read"
    )
    q.add_argument("--source-note", default="", help="where the figures come from (kept with the result)")
    q = verbs.add_parser("export", parents=[common], help="write a contest as a TOML contest file")
    q.add_argument("name", nargs="?", help="the contest (default: --contest, else your most recent one)")
    q.add_argument("--out", type=output_file, required=True, metavar="FILE.toml", help="the contest file to write")


def cmd_contest(args: argparse.Namespace, out: TextIO) -> int:
    """Run `warroom contest ACTION`."""
    actions: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
        "list": _list,
        "show": _show,
        "new": _new,
        "edit": _edit,
        "delete": _delete,
        "export": _export,
        "result": _result,
    }
    return actions[args.contest_verb](args, out)


def _result(args: argparse.Namespace, out: TextIO) -> int:
    """`warroom contest result NAME --from RESULT.csv`: all or nothing, every problem with its line."""
    from warroom.core.resultfile import ResultFileError, parse_result_csv
    from warroom.store import contests as contests_repo

    text = _read_csv(args.source)
    try:
        with _session(args, write=True, create=False) as session:
            contest = contests_repo.require_contest(session, args.name)
            refused = contests_repo.result_refusal(contest)  # (before the file's figures: no result fits the race)
            if refused is not None:
                raise CliError(f"{refused}; nothing stored")
            try:
                result = parse_result_csv(text, contest, args.source_note or str(args.source.name))
            except ResultFileError as exc:
                lines = "\n".join(f"{args.source}:{p.line}: {p.column}: {p.message}" for p in exc.problems)
                raise CliError(f"{lines}\nnothing stored") from None
            contests_repo.set_official_result(session, contest.id or 0, result)
    except contests_repo.ContestError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        emit_json(
            {"contest": args.name, "first_round": dict(result.first_round), "final_round": dict(result.final_round)},
            out,
        )
    else:
        out.write(f"official result stored for {args.name} ({sum(result.first_round.values()):,} first-round votes)\n")
    return 0


@contextmanager
def _session(args: argparse.Namespace, *, write: bool = False, create: bool | None = None) -> Iterator[Session]:
    """One session on the store the command names, the store closed after it. With write=True the session is
    one transaction: committed when the block ends, rolled back (nothing written) when it raises. `create`: whether
    a store not there yet may be made (default: when writing; not for a change to a race already stored, which a new
    store could only hold as a demo: `contest edit` at a mistyped --db edited a fresh demo and said it was done)."""
    from warroom.store.db import translated

    opened = open_for_cli(args, create=write if create is None else create)
    try:
        with translated(opened.engine), opened.sessions.begin() if write else opened.sessions() as session:
            yield session
    finally:
        opened.close()


def _read(path: Path) -> str:
    data = read_cli_file(path, max_bytes=CONTEST_FILE_MAX_BYTES)  # also result CSVs: both a few kilobytes
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None


def _read_csv(path: Path) -> str:
    """A result CSV's text, decoded as a poll CSV is (core.infile.decode_csv_bytes: UTF-8, else Windows-1252
    throughout; UTF-16 or a workbook named, with how to save it as CSV UTF-8)."""
    from warroom.core.infile import decode_csv_bytes

    data = read_cli_file(path, max_bytes=CONTEST_FILE_MAX_BYTES)
    try:
        return decode_csv_bytes(data)
    except ValueError as exc:
        raise CliError(f"{path}: {exc}") from None


def _parse(path: Path) -> Any:
    return _parse_text(path, _read(path))


def _parse_text(path: Path, text: str, kept: Collection[str] = frozenset()) -> Any:
    """The contest file `text` read from `path` (`kept`: the codes of the stored race it edits)."""
    try:
        return parse_contest_file(text, kept=kept)
    except ContestFileError as exc:
        lines = [
            (f"{path}:{p.line}: " if p.line else f"{path}: ") + (f"{p.key}: {p.message}" if p.key else p.message)
            for p in exc.problems
        ]
        raise CliError("\n".join(lines) + f"\nnothing written ({len(exc.problems)} problem(s))") from None


def _list(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.store import contests as store
    from warroom.store import questions

    with _session(args) as session:
        rows = [
            (
                c,
                store.poll_count(session, c.id or 0),
                store.get_official_result(session, c.id or 0) is not None
                or bool(questions.load_official_rounds(session, c.id or 0)),
            )
            for c in store.list_contests(session)
        ]
    if args.json:
        emit_json(
            [
                {
                    "id": c.id,
                    "name": c.name,
                    "demo": c.demo,
                    "election_date": c.election_date,
                    "system": c.system.value,
                    "candidates": len(c.candidates),
                    "polls": n,
                    "has_result": has,
                }
                for c, n, has in rows
            ],
            out,
        )
    else:
        table(
            ["id", "contest", "election", "system", "candidates", "polls", "result"],
            [
                [c.id, c.title, c.election_date, c.system.label, len(c.candidates), n, "yes" if has else ""]
                for c, n, has in rows
            ],
            out,
        )
    return 0


def _find(session: Any, name: str) -> Contest:
    from warroom.store import contests as store

    try:
        return store.require_contest(session, name)
    except store.ContestError as exc:
        raise CliError(str(exc)) from None


def _named(session: Any, args: argparse.Namespace) -> Contest:
    """The contest a reading verb (`show`, `export`) is about: its NAME, else --contest, else the one every
    other verb takes with neither (the most recent of your own, else the London demo). `contest show --contest X`
    showed usage and exit 2; a NAME and a --contest naming two contests is refused, never one of them dropped."""
    from warroom.store import polls as repo

    given = getattr(args, "contest", None)
    if args.name is not None and given:
        named, other = _find(session, args.name), _find(session, given)
        if named.id != other.id:
            raise CliError(f"{echoed(args.name)} and --contest {echoed(given)} name two contests: give one")
        return named
    if args.name is not None:
        return _find(session, args.name)
    if given:
        return _find(session, str(given))
    contest = repo.get_contest(session)
    if contest is None:
        raise CliError(NO_CONTEST)
    return contest


def _show(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.store import contests as store
    from warroom.store import questions

    with _session(args) as session:
        contest = _named(session, args)
        polls = store.poll_count(session, contest.id or 0)
        result = store.get_official_result(session, contest.id or 0)
        rounds = questions.load_official_rounds(session, contest.id or 0)
    if args.json:
        from warroom.core.two_round_pipeline import Campaign

        extra = {"official_rounds": questions.campaign_to_dict(Campaign((), (), rounds))["official_rounds"]}
        emit_json(
            {"id": contest.id, "demo": contest.demo, "polls": polls}
            | contest_to_dict(contest, result)
            | (extra if rounds else {}),
            out,
        )
        return 0
    rules = contest.counting_rules
    out.write(f"{contest.title}\n")
    for label, value in (
        ("office", contest.office),
        ("area", contest.area),
        ("election", contest.election_date.isoformat()),
        ("second round", contest.second_round_date.isoformat() if contest.second_round_date else ""),
        ("system", contest.system.label + ("" if contest.rules is not None else " (usual rules)")),
        (
            "rules",
            f"over {rules.majority:g} % of {rules.majority_base} votes wins; "
            f"{'all' if rules.preferences is None else rules.preferences} preference(s) count; "
            f"finalists: {rules.finalists.replace('_', ' ')}"
            + (f" ({rules.qualify_threshold:g} % of {rules.qualify_base})" if rules.qualify_threshold else "")
            + ("; full preferential (a paper must number every candidate)" if rules.full_preferential else ""),
        ),
        (
            "expected first round",
            contest.expected.text()
            if contest.expected is not None
            else "not set (no first round is counted from the poll average)"
            if contest.system == CountingSystem.TWO_ROUND
            else "",
        ),
        ("polls", str(polls)),
        ("notes", contest.notes),
    ):
        if value:  # a value's later lines (the notes') under its first, never at the fields' margin
            out.write(
                f"  {label}: " + "\n".join(value.splitlines()).replace("\n", "\n" + " " * (len(label) + 4)) + "\n"
            )
    out.write("\n")
    parties = {p.code: p.name for p in contest.parties}
    table(
        ["code", "name", "short", "party", "colour", "status"],
        [
            [
                c.code,
                c.name,
                c.display,
                parties.get(c.party or "", c.party or "independent"),
                c.colour,
                "withdrawn" if c.withdrawn else "",
            ]
            for c in contest.candidates
        ],
        out,
    )
    if result is not None:
        out.write("\nOfficial result" + (f". Source: {result.source}" if result.source else "") + "\n")
        shares = result.shares()
        names = {c.code: c.name for c in contest.candidates} | {"other": "Others"}
        table(
            ["candidate", "first round", "share", "final round"],
            [
                [
                    names.get(code, code),
                    f"{v:,}",
                    f"{shares[code]:.1f}%",
                    f"{result.final_round[code]:,}" if code in result.final_round else "",
                ]
                for code, v in sorted(result.first_round.items(), key=lambda kv: -kv[1])
            ],
            out,
        )
        if result.exhausted:
            out.write(f"Reached neither finalist (exhausted, blank or null): {result.exhausted:,}\n")
    for r in sorted(rounds.values(), key=lambda r: r.round):
        out.write(
            f"\nOfficial result, round {r.round} ({r.day}): {r.registered:,} registered, {r.voters:,} voted "
            f"({100 * r.voters / r.registered:.2f} %), {r.blank_null:,} blank or null\n"
        )
        table(
            ["candidate", "votes", "% of valid"],
            [[name, f"{v:,}", f"{r.share(name):.2f}"] for name, v in sorted(r.votes.items(), key=lambda kv: -kv[1])],
            out,
        )
    return 0


def _new(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.store import contests as store

    parsed = _parse(args.source)
    with _session(args, write=True) as session:
        try:
            cid = store.create_contest(session, parsed.contest)
            if parsed.result is not None:
                store.set_official_result(session, cid, parsed.result)
        except store.ContestError as exc:
            raise CliError(f"{args.source}: {exc}; nothing written") from None
    if args.json:
        emit_json({"created": parsed.contest.name, "id": cid, "result": parsed.result is not None}, out)
    else:
        out.write(f"created contest {parsed.contest.name} (#{cid}) with {len(parsed.contest.candidates)} candidates\n")
    return 0


def _edit(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.store import contests as store

    text = _read(args.source)  # (read before the store is opened for writing, as before)
    with _session(args, write=True, create=False) as session:
        contest = _find(session, args.name)
        # the race's own codes: the rules on a code's shape made since do not lock its edit (Contest.problems)
        parsed = _parse_text(args.source, text, contest.candidate_codes + tuple(q.code for q in contest.parties))
        try:
            updated = store.update_contest(
                session, contest.id or 0, parsed.contest, replacing_result=parsed.result is not None
            )
            if parsed.result is not None:
                store.set_official_result(session, contest.id or 0, parsed.result)
        except store.ContestError as exc:
            raise CliError(f"{args.source}: {exc}; nothing written") from None
    if args.json:
        emit_json({"updated": updated.name, "id": updated.id, "was": contest.name}, out)
    else:
        renamed = f" (was {contest.name})" if updated.name != contest.name else ""
        out.write(f"updated contest {updated.name}{renamed}\n")
    return 0


def _terminal() -> bool:
    """Whether standard input is a terminal to ask on: not a pipe, and not closed (`<&-`: sys.stdin is None)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed under us
        return False


def _ask(question: str) -> bool:
    """Ask on the terminal; False without one (CI, pipes), so nothing is deleted by accident."""
    if not _terminal():
        return False
    try:
        return input(f"{question} [y/N] ").strip().casefold() in ("y", "yes")
    except EOFError:
        return False


def _delete(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.store import contests as store
    from warroom.store import polls as repo
    from warroom.store.db import StoreError, translated

    opened = open_for_cli(args)
    try:
        with translated(opened.engine), opened.sessions() as session:
            contest = _find(session, args.name)
            polls = store.poll_count(session, contest.id or 0)
            born = repo.contest_identity(session, contest.id or 0)  # the race asked about (its creation time)

        def refuse_replaced(session: Any) -> None:
            """A teammate deleted the race while the question was asked (perhaps making another, which SQLite
            stores under the same number): nothing is deleted, and no backup is taken of a delete not made."""
            if repo.contest_identity(session, contest.id or 0) != born:
                raise CliError(
                    f"{contest.name} was deleted or replaced by a teammate or another program while the question was "
                    "asked; nothing deleted"
                )

        if not args.yes:
            if not _terminal():
                raise CliError(f"not deleting {contest.name} without confirmation: no terminal to ask on; add --yes")
            if not _ask(f"Delete {contest.title} and its {polls} poll(s)? A backup is taken first."):
                raise CliError(f"{contest.name} not deleted")
        backup_dir = paths_of(args).backup_dir
        try:
            with translated(opened.engine), opened.sessions() as session:
                refuse_replaced(session)
                backup = store.backup_before_delete(opened.engine, backup_dir, session, contest.id or 0)
        except OSError as exc:
            raise CliError(f"{backup_dir}: the backup could not be written ({exc.strerror}); nothing deleted") from None
        except StoreError as exc:  # the backup folder (named by backup_folder_error) or the store: nothing deleted
            raise CliError(f"{exc} ({exc.where}); nothing deleted") from None
        try:
            with translated(opened.engine), opened.sessions.begin() as session:
                repo.lock_for_check(session)
                refuse_replaced(session)  # again, under the write lock: replaced while the copy was written
                store.delete_contest(session, contest.id or 0)
        except CliError:
            backup.unlink(missing_ok=True)  # the copy of a delete that was not made
            raise
    finally:
        opened.close()
    if args.json:
        emit_json({"deleted": contest.name, "polls": polls, "backup": str(backup)}, out)
    else:
        out.write(f"deleted {contest.name} and its {polls} poll(s); backup: {backup}\n")
    return 0


def _export(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.store import contests as store

    refuse_the_store(args, args.out)
    with _session(args) as session:
        contest = _named(session, args)
        result = store.get_official_result(session, contest.id or 0)
    text = contest_to_toml(contest, result)
    size = len(text.encode("utf-8"))
    if size > CONTEST_FILE_MAX_BYTES:  # written, it was a file `contest new` and `contest edit` refuse unread
        raise CliError(
            f"{args.out}: {contest.name} as a contest file is {size:,} bytes, past the {CONTEST_FILE_MAX_BYTES:,} "
            "that `contest new` and `contest edit` read; write it as a campaign bundle, which `warroom import` "
            "reads back: warroom export --contest NAME --bundle FILE.json; nothing written"
        )
    _write(args.out, text)
    if args.json:
        emit_json({"exported": contest.name, "file": str(args.out), "result": result is not None}, out)
    else:
        out.write(f"{contest.name} written to {args.out}\n")
    return 0


def _write(path: Path, text: str) -> None:
    try:
        write_private_atomic(path, text)
    except OSError as exc:
        raise CliError(f"{path}: cannot write ({exc.strerror or exc}); nothing written") from None


# --- `warroom count --save-result` --------------------------------------------------------------------------------


def result_from_count(count: CountResult, contest: Contest, source: str) -> OfficialResult:
    """A count of ballots as the contest's official result, ballot names matched to candidate codes; a standing
    candidate named on no ballot has 0 first-round votes.

    A ballot name matches a candidate's code, full name, short name or surname (ignoring case).

    Raises:
        CliError: a name on the ballots matches no candidate, or more than one.
    """
    from warroom.core.ballot_prior import ballot_codes  # the counting code: only for the verbs that count

    try:
        mapping = ballot_codes(sorted(count.rounds[0].tallies), contest)
    except ValueError as exc:
        raise CliError(f"{exc}; nothing saved") from None
    moved: dict[tuple[str, str], int] = {}
    for r in count.rounds[1:]:
        for t in r.transfers:
            to = EXHAUSTED if t.to_candidate == EXHAUSTED else mapping[t.to_candidate]
            pair = (mapping[t.from_candidate], to)
            moved[pair] = moved.get(pair, 0) + t.votes
    last = count.rounds[-1]
    first = {mapping[n]: v for n, v in count.rounds[0].tallies.items()}
    # A standing candidate on no ballot had no paper in the count: 0, as the result check asks of every one standing
    # (he was refused "stands but has no first-round figure"); the later rounds stay as the count gives them
    first.update({c.code: 0 for c in contest.candidates if not c.withdrawn and c.code not in first})
    return OfficialResult(
        first_round=first,
        final_round={mapping[n]: v for n, v in last.tallies.items()} if len(count.rounds) > 1 else {},
        transfers=tuple((frm, to, v) for (frm, to), v in moved.items() if v > 0),
        exhausted=last.exhausted,
        source=source,
    )


def contest_count_rules(args: argparse.Namespace) -> tuple[CountRules | None, str | None]:
    """How --contest's papers are read (its preferences, full or optional preferential rule and majority of
    valid votes, under --system's law), and a note when its majority is a share the ballots do not give (of
    votes cast or of registered voters); (None, None) without --contest."""
    from warroom.core.count import CountRules

    if not getattr(args, "contest", None):
        return None, None
    with _session(args) as session:
        contest = _find(session, args.contest)
    rules = contest.counting_rules
    return CountRules.for_contest(args.system, rules), CountRules.majority_unknown(rules)


def contest_tie_names(args: argparse.Namespace, names: Sequence[str]) -> dict[str, str] | None:
    """The names --contest's count orders tied candidates by (core.ballot_prior.ballot_tie_names: each ballot
    name -> its candidate's name as shown), as the result check does; None without --contest."""
    from warroom.core.ballot_prior import ballot_tie_names  # the counting code: only for the verbs that count

    if not getattr(args, "contest", None):
        return None
    with _session(args) as session:
        contest = _find(session, args.contest)
    try:
        return ballot_tie_names(names, contest)
    except ValueError as exc:  # two names of one candidate: counted as two
        raise CliError(f"{args.file}: {exc}; nothing counted") from None


def save_count(args: argparse.Namespace, count: CountResult) -> str:
    """Store a count as the official result of the contest named by --contest; returns the contest's name."""
    from warroom.store import contests as store

    if not args.contest:
        raise CliError("--save-result needs --contest NAME (the race this count belongs to); nothing saved")
    with _session(args, write=True, create=False) as session:
        contest = _find(session, args.contest)
        if contest.system == CountingSystem.TWO_ROUND:
            raise CliError(
                f"{args.file}: {contest.name} is a two-round race: its result is its official rounds "
                "(warroom import official_results.csv --contest NAME), not a ballot count; nothing saved"
            )
        if count.system.value != contest.system.value:  # another system's count names another winner
            raise CliError(
                f"{args.file}: this is a {count.system.label} count, but {contest.name} is counted by "
                f"{contest.system.label.lower()}: count again with --system {contest.system.value}; nothing saved"
            )
        name = controls_escaped(args.file.name)  # (the source takes no control: a file's name shown escaped)
        result = result_from_count(count, contest, f"warroom count of {name} ({count.system.label})")
        try:
            store.set_official_result(session, contest.id or 0, result)
        except store.ContestError as exc:
            raise CliError(str(exc)) from None
    return contest.name


def save_prior(args: argparse.Namespace, table: BallotTable, rules: CountRules) -> str:
    """Store the ballots' first preferences and next-preference rows as --contest's instant-runoff transfer prior
    (core.ballot_prior.contest_prior); all or nothing. Returns the contest's name."""
    from warroom.core.ballot_prior import contest_prior
    from warroom.store import irv_priors

    if not args.contest:
        raise CliError("--save-prior needs --contest NAME (the race the prior is for); nothing saved")
    with _session(args, write=True, create=False) as session:
        contest = _find(session, args.contest)
        try:
            prior = replace(
                contest_prior(table, contest, max_rankings=rules.max_rankings, rules=rules),  # as counted
                batch_elimination=rules.batch_elimination,
            )
            irv_priors.set_irv_prior(session, contest.id or 0, prior, f"ballots in {controls_escaped(args.file.name)}")
        except ValueError as exc:  # names that are not the contest's candidates, or the store's refusal
            raise CliError(f"{args.file}: {exc}; nothing saved") from None
    return contest.name


# --- campaign bundles ---------------------------------------------------------------------------------------------


def looks_like_bundle(text: str) -> bool:
    """Whether an imported file is a campaign bundle (detected by content, whatever its name)."""
    from warroom.store.contests import looks_like_bundle as check

    return check(text)


def cmd_export_bundle(args: argparse.Namespace, out: TextIO) -> int:
    """`warroom export --contest NAME --bundle FILE`: the whole campaign in one JSON file."""
    from warroom.store import contests as store

    if not args.contest:
        raise CliError("--bundle needs --contest NAME (the race to export)")
    refuse_the_store(args, args.bundle)
    with _session(args) as session:
        contest = _find(session, args.contest)
        bundle = store.export_bundle(session, contest.id or 0)
    _write(args.bundle, store.bundle_to_text(bundle))
    summary = {
        "exported": contest.name,
        "file": str(args.bundle),
        "polls": len(bundle["polls"]),
        "events": len(bundle["events"]),
        "scenarios": len(bundle["scenarios"]),
        "result": "result" in bundle["contest"],
    }
    if args.json:
        emit_json(summary, out)
    else:
        out.write(
            f"{contest.name}: {summary['polls']} polls, {summary['events']} events, {summary['scenarios']} scenarios"
            f"{', the official result' if summary['result'] else ''} written to {args.bundle}\n"
        )
    return 0


def _demo_names() -> tuple[str, ...]:
    """The races the app ships as demos: only these keep a bundle's demo mark."""
    from warroom.demo import DEMO_NAME, FRANCE_2022_NAME, IRV_DEMO_NAME

    return (DEMO_NAME, FRANCE_2022_NAME, IRV_DEMO_NAME)


def _nothing_imported(exc: Exception) -> str:
    """A refusal's message saying once that nothing was imported (the store's own said it too, so it was twice)."""
    text = str(exc)
    return text if "nothing imported" in text else f"{text}; nothing imported"


def import_bundle_text(args: argparse.Namespace, text: str, out: TextIO) -> int:
    """`warroom import BUNDLE`: all or nothing; duplicates skipped and listed. --dry-run rolls back."""
    from warroom.store import contests as store
    from warroom.store import polls as repo

    try:
        bundle = store.read_bundle(text)
    except store.ContestError as exc:
        raise CliError(f"{args.file}: {_nothing_imported(exc)}") from None
    from warroom.store.polls import folded_name

    named = getattr(args, "contest", None)
    if named and folded_name(named) != folded_name(bundle.contest.name):  # (it went into its own race, exit 0)
        raise CliError(
            f"{args.file} is a bundle of {bundle.contest.name!r}, which it imports into: drop --contest {echoed(named)}, "
            "or import a poll CSV into that race",
            code=2,
        )
    # an import makes a new store, as a poll CSV's does (the session commits or rolls back itself, for --dry-run)
    with _session(args, create=not args.dry_run) as session:  # (a dry run makes no store either)
        try:
            report = store.import_bundle(session, bundle, demo_names=_demo_names())
        except (store.ContestError, repo.PollRejectedError) as exc:
            session.rollback()
            raise CliError(f"{args.file}: {_nothing_imported(exc)}") from None
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
    if args.json:
        emit_json(
            {
                "contest": report.contest,
                "created": report.created,
                "polls_added": report.polls_added,
                "duplicates": report.duplicates,
                "events_added": report.events_added,
                "scenarios_added": report.scenarios_added,
                "scenarios_kept": report.scenarios_kept,
                "result": report.result,
                "irv_prior": report.irv_prior,
                "two_round": None if report.two_round is None else report.two_round.as_json(),
                "dry_run": args.dry_run,
            },
            out,
        )
        return 0
    verb = "would import (dry run, nothing written)" if args.dry_run else "imported"
    made = "new contest " if report.created else ""
    out.write(
        f"{verb} into {made}{report.contest}: {report.polls_added} polls, {report.events_added} events, "
        f"{len(report.scenarios_added)} scenarios; official result: {report.result}"
        f"{'' if report.irv_prior == 'none' else f'; transfer prior: {report.irv_prior}'}\n"
    )
    if report.two_round is not None:
        t = report.two_round
        out.write(
            f"two-round polls: {t.polls} polls, {t.hypotheses} hypotheses, {t.matchups} matchups, {t.matrices} "
            f"matrices added; {t.skipped_questions} questions and {t.skipped_matrices} matrices already stored\n"
        )
    for dup in report.duplicates:
        out.write(f"duplicate poll: {dup}\n")
    for name in report.scenarios_kept:
        out.write(f"scenario {name!r}: the store's own version differs and was kept\n")
    return 0
