"""Command-line verbs. Every verb prints a human table, or JSON with --json. No widgets here.

Exit codes: 0 done, 1 bad input (nothing written), 2 usage, 3 store problem.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import stat
import sys
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from warroom import __version__
from warroom.cli.common import (
    CliError,
    OutputError,
    PrintableText,
    contest_of,
    emit_json,
    given,
    input_file,
    open_for_cli,
    output_file,
    read_cli_file,
    refuse_the_store,
    table,
    write_data,
)
from warroom.cli.interrupts import restore_interrupts
from warroom.core.types import EXHAUSTED, Contest, CountingSystem, Poll, echoed
from warroom.paths import AppFolderError, soft_limit, write_private_atomic
from warroom.store.errors import StoreError

if TYPE_CHECKING:
    from warroom.core.count import CountRules


# Overvote's values, spelt out so that building the parser imports no counting code (a test checks they agree).
OVERVOTE_CHOICES = ("exhaust", "skip", "continuing")


_GIVEN = "_options_given"
"""Where _StoreOnce notes, on the namespace being parsed, the options already given (removed after parsing)."""


class _StoreOnce(argparse._StoreAction):
    """An option taking one value, given once: argparse kept the last of two (`--turnout 5 --turnout 10` ran the
    case at 10, `--system irv ... --system sv` counted by the Supplementary Vote, `--save A --save B` saved B
    only), all without a word. Repeatable options say so (`--split`, `--row`: action="append")."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given = vars(namespace).setdefault(_GIVEN, {})
        if option_string is not None and self.dest in given:
            first, was = given[self.dest]
            parser.error(f"{option_string} is given twice ({first} {was}, then {option_string} {values}): give it once")
        given[self.dest] = (option_string, values)
        super().__call__(parser, namespace, values, option_string)


class _VerbsOnce(argparse._SubParsersAction):  # type: ignore[type-arg]
    """The verbs: an option given before the verb and again after it is given twice. argparse parses the verb's
    options into a namespace of their own and copies it over the one before, so `warroom --db X polls --db Y`
    read Y, and `--contest A scenario --contest B` ran B, without a word."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        before = vars(namespace).get(_GIVEN, {})
        super().__call__(parser, namespace, values, option_string)
        after = vars(namespace).get(_GIVEN, {})
        if after is before:  # no option of one value after the verb: the namespace's own notes are kept
            return
        for dest, (first, was) in before.items():
            if dest in after:
                again, now = after[dest]
                parser.error(
                    f"{again} is given twice ({first} {was} before the verb, then {again} {now} after it): give it once"
                )
        setattr(namespace, _GIVEN, {**before, **after})


class _Parser(argparse.ArgumentParser):
    """The command line's parsers (every verb's, through add_subparsers): an option of one value is given once,
    before the verb or after it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)
        self.register("action", "parsers", _VerbsOnce)

    def _print_message(self, message: str, file: Any = None) -> None:
        """argparse's help, version and usage, written and flushed: argparse drops a failed write, so `warroom
        --help > /dev/full` (a full disk) wrote nothing and exited 0. The help or version that cannot be written
        is said on standard error, exit 4, as a verb's output (main's OutputError)."""
        if not message:
            return
        out = file or sys.stderr
        try:
            out.write(message)
            out.flush()
        except BrokenPipeError:  # the reader went away (`warroom --help | head -1`): quiet, as main's
            _quiet_stdout()
            raise SystemExit(141 - 128) from None
        except (OSError, ValueError) as exc:
            if out is sys.stderr:
                return  # (nowhere to say it; the exit code says the rest)
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(
                    f"warroom: the output could not be written ({getattr(exc, 'strerror', None) or exc})\n"
                )
            _quiet_stdout()
            raise SystemExit(4) from None


MATCHUP_HELP = (
    "the runoff pair, e.g. macron-le-pen or 'Macron/Le Pen' ('/', ' vs ', ' v ', ',' or '-' between them). A name "
    "holding one of them is read whole when only one reading names a pair the polls ask; a pair that reads two ways "
    "is refused"
)
"""`--matchup`'s help, the same for `average` and `scenario`."""


def _store(text: str) -> str:
    """--db's value: never blank, which would otherwise mean the default store (an unset "$TEAM_DB" in a
    script would send its writes to the user's own store without a word)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: give a SQLite file or a database URL (or leave --db out)")
    return text


def _contest_name(text: str) -> str:
    """--contest's value: never blank, which would otherwise mean the most recent contest (an unset "$RACE")."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: give the contest's name (or leave --contest out)")
    return text


def _new_contest_name(text: str) -> str:
    """--new-contest's value: never blank, which would otherwise import into the most recent contest."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: give the new contest's name (or leave --new-contest out)")
    return text


def _save_name(text: str) -> str:
    """--save's value: never blank, which was read as no --save at all (an unset "$NAME" in a script printed the
    scenario and saved nothing, without a word)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: give the name to save the scenario under (or leave --save out)")
    return text


def _common_options(parser: argparse.ArgumentParser, *, after_verb: bool) -> None:
    """The options every verb takes. Accepted before or after the verb (like git, pip or alembic): after the
    verb they default to SUPPRESS, so a value given before it is not reset."""
    default: dict[str, Any] = {"default": argparse.SUPPRESS} if after_verb else {}
    parser.add_argument(
        "--db", type=_store, metavar="PATH|URL", help="poll store: a SQLite file or any SQLAlchemy URL", **default
    )
    parser.add_argument(
        "--data-dir", type=Path, help="keep all state (store, settings, backups) under this folder", **default
    )
    parser.add_argument(
        "--contest",
        type=_contest_name,
        help="contest name (default: your most recent one, else the London demo)",
        **default,
    )
    json_default: dict[str, Any] = {"default": argparse.SUPPRESS} if after_verb else {"default": False}
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table", **json_default)


_TOP_OPTIONS_WITH_VALUE = ("--db", "--data-dir", "--contest")


def _only_top_options(argv: Sequence[str]) -> bool:
    """Whether `argv` is only the options every verb takes, given before any verb: the app's start with no verb
    (`warroom`, `warroom --data-dir D`), asking for no help or version."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token.split("=", 1)[0] in _TOP_OPTIONS_WITH_VALUE:
            i += 1 if "=" in token else 2
        elif token == "--json":
            i += 1
        else:
            return False
    return True


def _start_parser() -> argparse.ArgumentParser:
    """The command line of a start with no verb: the options every verb takes, alone. It reads those options as
    the whole command line does (the same definitions) into the same values, without building every verb's
    options and importing the contest verbs' module first (10-20 ms before the window's first paint: issue 15)."""
    parser = _Parser(prog="warroom")
    _common_options(parser, after_verb=False)
    parser.set_defaults(verb=None)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: common options, then a verb and its options."""
    from warroom.cli import contest as contest_cli

    common = _Parser(add_help=False)
    _common_options(common, after_verb=True)

    parser = _Parser(
        prog="warroom", description="Offline campaign war room: poll store, live charts and runoff scenarios."
    )
    parser.add_argument("--version", action="version", version=f"warroom {__version__}")
    _common_options(parser, after_verb=False)
    sub = parser.add_subparsers(dest="verb", metavar="VERB")

    p = sub.add_parser("gui", parents=[common], help="start the app (the default with no verb)")
    # warroom-gui (no console on Windows) says what stops the start in a message box as well as on stderr.
    p.add_argument("--message-boxes", action="store_true", help=argparse.SUPPRESS)
    p = sub.add_parser("contests", parents=[common], help="list the contests in the store")
    contest_cli.add_parser(sub, common)
    p = sub.add_parser("polls", parents=[common], help="list the polls of a contest")
    p = sub.add_parser(
        "import",
        parents=[common],
        help="import polls from a poll CSV, a campaign bundle, or a French poll compilation (all or nothing)",
    )
    p.add_argument("file", type=input_file, help="a file, or a folder holding a compilation's files")
    p.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
    p.add_argument(
        "--dates",
        choices=("dmy", "mdy"),
        help="a poll CSV's dates written in figures (4/5/2012): day/month/year or month/day/year (default: as the "
        "file shows, a day past 12; a file whose every such date reads both ways is refused)",
    )
    p.add_argument(
        "--new-contest",
        type=_new_contest_name,
        metavar="NAME",
        help="a compilation only: make a two-round contest NAME of its candidates and import into it",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="two-round polls: a question or matrix stored with other figures takes the file's (a corrected file)",
    )
    p.add_argument(
        "--election-date",
        type=_date_option,
        metavar="YYYY-MM-DD",
        help="with --new-contest: the first round's polling day (default: the official first round's when the "
        "folder has one, else 2027-04-11, provisional)",
    )
    p = sub.add_parser("export", parents=[common], help="export polls to a CSV file (formulas escaped)")
    p.add_argument("file", type=output_file, nargs="?", help="the CSV file to write (or --bundle)")
    p.add_argument("--bundle", type=output_file, metavar="FILE", help="write the contest's whole campaign to one file")
    p = sub.add_parser(
        "count",
        parents=[common],
        help="count ballots: a ballot CSV (preferences plus a count column), a .blt file, or New York City's export",
    )
    p.add_argument("file", type=input_file, help="the ballot file to count")
    p.add_argument(
        "--system",
        choices=["sv", "contingent", "irv"],
        default="sv",
        help="sv: Supplementary Vote (the default); contingent: up to 3 preferences; irv: instant runoff",
    )
    p.add_argument("--save-result", action="store_true", help="store the count as --contest's official result")
    p.add_argument(
        "--save-prior",
        action="store_true",
        help="store the ballots' first preferences and next-preference rows as --contest's instant-runoff "
        "transfer prior (last election's ballots for this one)",
    )
    nyc = p.add_argument_group(
        "New York City cast-vote records (an .xlsx export, or a CSV with 'Choice k of n' columns)"
    )
    nyc.add_argument(
        "--cvr-contest", type=given, metavar="CONTEST", help="which contest (its id or office) when a file has several"
    )
    nyc.add_argument("--candidacy", type=input_file, metavar="FILE", help="the Board's CandidacyID_To_Name file")
    rules = p.add_argument_group("counting rules (default: the system's usual ones)")
    rules.add_argument(
        "--max-rankings", type=_whole_option, metavar="N", help="only the first N rankings count (NYC 5)"
    )
    rules.add_argument("--batch-elimination", action="store_true", help="exclude every candidate who cannot win")
    rules.add_argument(
        "--overvote",
        choices=OVERVOTE_CHOICES,
        help="an overvoted ranking exhausts, is skipped, or counts for its one continuing candidate",
    )
    rules.add_argument(
        "--exhaust-after-skips", type=_whole_option, metavar="N", help="N skipped rankings in a row exhaust"
    )
    rules.add_argument("--first-choice-optional", action="store_true", help="count from the first valid ranking")
    rules.add_argument("--full-preferential", action="store_true", help="a paper must rank all but one")
    rules.add_argument("--write-ins-first", action="store_true", help="exclude the write-ins alone first (NYC)")
    rules.add_argument(
        "--final-two", action="store_true", help="count on past a majority until two candidates are left (NYC)"
    )
    p = sub.add_parser("average", parents=[common], help="poll average, leads and a back-test against the result")
    p.add_argument("--as-of", type=_date_option, metavar="YYYY-MM-DD", help="use only polls known by then")
    two = p.add_argument_group("two-round contests")
    two.add_argument(
        "--matchup",
        type=given,
        metavar="A/B",
        help=MATCHUP_HELP,
    )
    two.add_argument("--hypothesis", type=given, metavar="LABEL", help="see the first round through this hypothesis")
    p = sub.add_parser(
        "qualify", parents=[common], help="two-round contests: first-round averages and P(each reaches the runoff)"
    )
    p.add_argument("--as-of", type=_date_option, metavar="YYYY-MM-DD", help="use only polls known by then")
    p.add_argument("--hypothesis", type=given, metavar="LABEL", help="see the first round through this hypothesis")
    p = sub.add_parser("scenario", parents=[common], help="evaluate a transfer/message scenario")
    _add_scenario_options(p)
    sub.add_parser(
        "forecast",
        parents=[common],
        help="the chance of winning and the forecast margin by week, from the polls (Supplementary Vote and "
        "contingent vote contests)",
    )
    sub.add_parser(
        "backtest", parents=[common], help="the average and forecast 60/30/14/7/1 days out against each stored result"
    )
    p = sub.add_parser("render", parents=[common], help="render a chart or panel to PNG/SVG/PDF, headless")
    p.add_argument(
        "chart",
        choices=["first", "lead1", "lead2", "charts", "scenario", "briefing", "window"],
        help="first: first-round shares; lead1, lead2: first-round and runoff lead; charts: all three; scenario: the"
        " scenario panel; briefing: the one-page briefing; window: the whole window",
    )
    p.add_argument(
        "--out",
        type=output_file,
        required=True,
        help="the file to write: .png, .svg, or .pdf (the briefing or one chart)",
    )
    p.add_argument("--width", type=_pixels, default=1600, help="pixels, 16 to 16384 (default 1600)")
    p.add_argument(
        "--height",
        type=_pixels,
        default=None,
        help="pixels, 16 to 16384 (default 900); first, lead1, lead2 and window only: the other pictures' height "
        "follows from the width",
    )
    return parser


def _number_option(text: str) -> float:
    """A percentage option: ASCII digits with an optional point, sign and "%" (core.validation.plain_decimal);
    float() would read "1_0" as 10 and "٥٠" as 50."""
    from warroom.core.validation import plain_decimal

    try:
        return plain_decimal(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _whole_option(text: str) -> int:
    """A whole-number option (a poll id, a ranking limit): ASCII digits (core.validation.whole_number); int()
    would read "1_0" as 10 and "٣" as 3."""
    from warroom.core.validation import whole_number

    try:
        return whole_number(text.strip(), most=2**63 - 1)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _date_option(text: str) -> date:
    """A date option (--as-of, --election-date): YYYY-MM-DD in ASCII digits, as every file's dates
    (core.validation.iso_date)."""
    from warroom.core.validation import iso_date

    try:
        return iso_date(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _pixels(text: str) -> int:
    """A picture's width or height: a 100,000-pixel square is 10^10 pixels, which Qt never finishes painting."""
    from warroom.core.validation import whole_number

    t = text.strip()
    try:  # a sign is read, so that -5 is named as a size no picture can have
        value = -whole_number(t[1:], most=10**9) if t.startswith("-") else whole_number(t, most=10**9)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{echoed(text)} is not a whole number of pixels") from None
    if not 16 <= value <= 16384:
        raise argparse.ArgumentTypeError(f"{value} is not a size a picture can have (16 to 16384 pixels)")
    return value


def _add_scenario_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", help="a saved scenario to evaluate")
    p.add_argument("--as-of", type=_date_option, metavar="YYYY-MM-DD", help="baseline: poll average as of")
    p.add_argument("--poll", type=_whole_option, metavar="ID", help="baseline: this poll instead of the average")
    p.add_argument(
        "--message", type=_number_option, metavar="0-100", help="%% of the front-runner's personal vote peeled away"
    )
    p.add_argument(
        "--message-to", type=given, metavar="B,OTHERS,ABSTAIN", help="where peeled voters go, %% (e.g. 50,30,20)"
    )
    p.add_argument(
        "--message-uncertainty",
        type=_number_option,
        metavar="0-100",
        help="the message strength is a guess within plus or minus this many %% (the win probability allows for it)",
    )
    p.add_argument("--drag", type=_number_option, metavar="0-100", help="%% of the challenger's drag recovered")
    p.add_argument(
        "--split",
        action="append",
        default=[],
        metavar="CAND=A/B/EXH",
        help="second-preference split of an eliminated candidate, e.g. paddick=49/21/30 (repeatable; the "
        "candidate is everything before the last '=')",
    )
    p.add_argument("--save", type=_save_name, metavar="NAME", help="save these settings as a named scenario")
    p.add_argument(
        "--replace",
        action="store_true",
        help="with --save: save over a saved scenario of that name (without it, --save refuses a name already "
        "saved in the race, nothing saved: the command line has no undo)",
    )
    two = p.add_argument_group(
        "two-round contests (--split CAND=A/B/BLANK/ABSTAIN gives an electorate's four-way runoff split, %; "
        "'abstainers' and 'blank' are the first round's)"
    )
    two.add_argument(
        "--matchup",
        type=given,
        metavar="A/B",
        help=MATCHUP_HELP,
    )
    two.add_argument("--hypothesis", type=given, metavar="LABEL", help="see the first round through this hypothesis")
    two.add_argument(
        "--turnout",
        type=_number_option,
        metavar="-99.9-100",
        help="the runoff turnout lever, %% (at -100 %% nobody would vote: refused)",
    )
    two.add_argument(
        "--message-on", type=given, metavar="CAND", help="the finalist the message works against (default A)"
    )
    irv = p.add_argument_group("instant-runoff contests")
    irv.add_argument(
        "--row",
        action="append",
        default=[],
        metavar="CAND=OTHER:PCT,...",
        help="where a candidate's voters go next, %% of their votes (e.g. dale=nolan:40,reid:35,park:25; "
        "'exhausted' for no further preference); repeatable. A name or code holding '=', ':' or ',' is read "
        "whole when only one reading of the row names candidates throughout; a row that reads two ways is refused",
    )
    irv.add_argument(
        "--row-of", type=given, metavar="CAND", help="whose row the break-evens move (default: the largest excluded)"
    )
    irv.add_argument(
        "--prior-ballots",
        type=input_file,
        metavar="BALLOTS.csv",
        help="take the rows no poll publishes from last election's ballots (a ballot CSV or .blt file, as `count` reads)",
    )


def _poll_row(poll: Poll, contest: Contest) -> list[Any]:
    first = "  ".join(f"{contest.candidate(c).display} {v:g}" for c, v in poll.first_round.items() if c != "other")
    second = "  ".join(f"{contest.candidate(c).display} {v:g}" for c, v in poll.second_round.items())
    return [
        poll.id,
        poll.pollster,
        poll.fieldwork_start,
        poll.fieldwork_end,
        f"{poll.sample_size:,}" if poll.sample_size else "—",
        first,
        second,
    ]


def poll_json(poll: Poll) -> dict[str, Any]:
    """A poll for `polls --json`: its id, then the campaign bundle's form of it (one form for both)."""
    from warroom.store.contests import poll_to_dict

    return {"id": poll.id, **poll_to_dict(poll)}


def cmd_contests(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.store import contests as contest_store
    from warroom.store import polls as repo

    store = open_for_cli(args)
    try:
        with store.sessions() as session:
            contests = repo.list_contests(session)
            counts = {c.id: contest_store.poll_count(session, c.id) for c in contests if c.id is not None}
    finally:
        store.close()
    if args.json:
        emit_json(
            [
                {"id": c.id, "name": c.name, "date": c.election_date, "system": c.system.value, "polls": counts[c.id]}
                for c in contests
                if c.id is not None
            ],
            out,
        )
    else:
        table(
            ["id", "contest", "election", "system", "polls"],
            [[c.id, c.name, c.election_date, c.system.label, counts.get(c.id or 0, 0)] for c in contests],
            out,
        )
    return 0


def _contest_and_polls(args: argparse.Namespace) -> tuple[Contest, list[Poll]]:
    """The command's contest and every poll of it (the store is closed again before anything is printed)."""
    from warroom.cli.reports import load_polls

    store = open_for_cli(args)
    try:
        contest = contest_of(store, args)
        return contest, load_polls(store, contest)
    finally:
        store.close()


def cmd_polls(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli import two_round

    if two_round.is_two_round(args):
        return two_round.cmd_notices(args, out)
    contest, polls = _contest_and_polls(args)
    if args.json:
        emit_json({"contest": contest.name, "polls": [poll_json(p) for p in polls]}, out)
    else:
        out.write(f"{contest.name}: {len(polls)} polls\n")
        table(
            ["id", "pollster", "start", "end", "sample", "first round", "second round"],
            [_poll_row(p, contest) for p in polls],
            out,
        )
    return 0


MAX_INPUT_BYTES = 2 * 1024**3
"""The largest file an import reads (2 GiB): far past any poll or ballot file, short of filling memory."""


def _read_text(path: Path) -> str:
    data = read_cli_file(path, max_bytes=MAX_INPUT_BYTES)
    from warroom.core.infile import decode_csv_bytes

    try:  # UTF-8, or Windows-1252 throughout (spreadsheets on Windows), never mixed; UTF-16 text and workbooks are
        return decode_csv_bytes(data)  # refused, each named as what it is
    except ValueError as exc:
        raise CliError(f"{path}: {exc}") from None


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli import contest as contest_cli
    from warroom.cli import two_round
    from warroom.core.csvformat import CsvFormatError, parse_polls_csv
    from warroom.store import polls as repo
    from warroom.store.db import translated

    compilation = two_round.compilation_of(args, out)  # recognised by its header (or a folder of them)
    if compilation is not None:
        return two_round.import_compilation(args, compilation, out)
    if args.new_contest:
        raise CliError(f"{args.file}: --new-contest takes a poll compilation (NSPPolls or Mieux Voter)", code=2)
    text = _read_text(args.file)
    replace_only = "--replace: only two-round polls are replaced (a compilation, or a poll CSV into a two-round race)"
    if contest_cli.looks_like_bundle(text):  # a campaign bundle, not a poll CSV
        if getattr(args, "replace", False):  # a bundle skips what is stored: --replace would do nothing
            raise CliError(f"{replace_only}; a bundle keeps what is stored and lists it", code=2)
        return contest_cli.import_bundle_text(args, text, out)
    store = open_for_cli(args, create=not args.dry_run)  # (an import may make a new store; a dry run writes none)
    try:
        contest = contest_of(store, args)
        if contest.system == CountingSystem.TWO_ROUND:  # the poll CSV extended with questions
            store.close()
            return two_round.import_question_csv(args, text, contest, out)
        if getattr(args, "replace", False):  # a poll CSV refuses a stored poll: --replace would do nothing
            raise CliError(
                f"{replace_only}; {contest.name} keeps its stored polls (delete one to import it again)", code=2
            )
        try:
            from warroom.core.validation import today_somewhere

            parsed = parse_polls_csv(text, contest, today=today_somewhere(), date_order=getattr(args, "dates", None))
        except CsvFormatError as exc:
            raise CliError(f"{args.file}: {exc}") from None
        if not parsed.ok:
            if args.json:
                emit_json(
                    {
                        "imported": 0,
                        "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in parsed.errors],
                    },
                    out,
                )
            msg = "\n".join(f"{args.file}:{e.line}: {e.field}: {e.message}" for e in parsed.errors)
            if parsed.dates_unordered:
                msg += "\n(give the order with --dates dmy or --dates mdy)"
            raise CliError(f"{msg}\nnothing imported ({len(parsed.errors)} problem(s))")
        if args.dry_run:  # the import's own checks, the store's duplicates included; nothing written
            ids: list[int] = []
            try:
                with translated(store.engine), store.sessions() as session:
                    repo.check_new_polls(session, contest.id or 0, parsed.polls, lines=parsed.lines)
            except repo.PollRejectedError as exc:
                raise CliError(f"{args.file}: {exc}; nothing imported") from None
        else:
            try:
                with translated(store.engine), store.sessions.begin() as session:
                    ids = repo.add_polls(session, contest.id or 0, parsed.polls, lines=parsed.lines)
            except repo.PollRejectedError as exc:
                raise CliError(f"{args.file}: {exc}; nothing imported") from None
    finally:
        store.close()
    if args.json:
        emit_json({"imported": len(ids), "checked": len(parsed.polls), "ids": ids, "dry_run": args.dry_run}, out)
    else:
        verb = "checked (dry run, nothing written)" if args.dry_run else "imported"
        out.write(f"{len(parsed.polls)} polls {verb} into {contest.name}\n")
    return 0


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli import contest as contest_cli

    if args.bundle is not None and args.file is not None:  # (the bundle was written, the file left unwritten: exit 0)
        raise CliError(f"export {args.file} --bundle {args.bundle}: give FILE or --bundle FILE, not both", code=2)
    if args.bundle is not None:
        return contest_cli.cmd_export_bundle(args, out)
    if args.file is None:
        raise CliError("give the CSV file to write, or --bundle FILE for the whole campaign")
    from warroom.core.csvformat import polls_to_csv

    to_stdout = str(args.file) == "-"  # `warroom export -`: the CSV on standard output, as other tools take "-"
    if to_stdout and args.json:
        raise CliError("export -: the CSV goes to standard output, so --json cannot; give a file name for --json")
    if not to_stdout:
        refuse_the_store(args, args.file)
    contest, polls = _contest_and_polls(args)
    if contest.system == CountingSystem.TWO_ROUND:
        # Its hypotheses name candidates who are not the contest's (Bertrand, Barnier in 2022): a poll CSV
        # could not write them without losing them, so the whole campaign goes into a bundle instead.
        raise CliError(
            f"{contest.name} is a two-round contest: export its polls, matrices and results with --bundle FILE",
            code=2,
        )
    text = polls_to_csv(polls, contest)
    if to_stdout:
        write_data(out, text)  # the file's bytes, not the terminal's filtered text
        return 0
    try:
        # all or nothing, owner-only, never through a planted NAME.part link
        write_private_atomic(args.file, text)
    except OSError as exc:
        raise CliError(f"{args.file}: cannot write ({exc.strerror or exc}); nothing written") from None
    if args.json:
        emit_json({"exported": len(polls), "file": str(args.file)}, out)
    else:
        out.write(f"{len(polls)} polls exported to {args.file}\n")
    return 0


IRV_ONLY_FLAGS = {
    "--batch-elimination": "batch_elimination",
    "--write-ins-first": "write_ins_first",
    "--final-two": "final_two",
}


def _count_rules(args: argparse.Namespace, base: CountRules | None = None) -> CountRules:
    """The system's usual rules (or `base`: a file's own) with the options given on the command line."""
    from warroom.core.count import CountRules, Overvote

    rules = base or CountRules.for_system(args.system)
    if args.system != "irv":  # SV and contingent count two columns in two rounds: no eliminations to order
        given = [flag for flag, on in IRV_ONLY_FLAGS.items() if getattr(args, on)]
        if given:
            raise CliError(
                f"{', '.join(given)}: instant-runoff rules (add --system irv); a {args.system} count "
                "keeps the top two after round 1 and would ignore them"
            )
    changes: dict[str, Any] = {}
    if args.max_rankings is not None:
        changes["max_rankings"] = args.max_rankings
    if args.batch_elimination:
        changes["batch_elimination"] = True
    if args.overvote:
        changes["overvote"] = Overvote(args.overvote)
    if args.exhaust_after_skips is not None:
        changes["exhaust_after_skips"] = args.exhaust_after_skips
    if args.first_choice_optional:
        changes["first_choice_required"] = False
    if args.full_preferential:
        changes["full_preferential"] = True
    if args.write_ins_first:
        changes["write_ins_first"] = True
    if args.final_two:
        changes["final_two"] = True
    try:
        return replace(rules, **changes)
    except (TypeError, ValueError) as exc:
        raise CliError(f"counting rules: {exc}") from None


def cmd_count(args: argparse.Namespace, out: TextIO) -> int:
    # The counting and CSV modules are imported by the verbs that use them, not by every start of the app.
    from warroom.cli import contest as contest_cli
    from warroom.cli.irv import official_rounds, print_official_rounds
    from warroom.core.blt import BltFormatError, read_blt
    from warroom.core.count import CountError, count_ballots
    from warroom.core.csvformat import CsvFormatError, LineError, parse_ballot_file
    from warroom.core.nyc_cvr import NycFormatError, ballot_file_kind, read_nyc_cvr

    contest_rules, majority_note = contest_cli.contest_count_rules(args)
    rules = _count_rules(args, contest_rules)  # --contest's own rules, if named
    try:
        standing: tuple[str, ...] | None = None  # everyone a .blt file declares: shown with 0 if nobody marked him
        if not stat.S_ISREG(os.stat(args.file).st_mode):  # a FIFO or device would hang or never end
            raise CliError(f"{args.file}: not a regular file")
        kind = ballot_file_kind(args.file)
        nyc_only = [o for o, v in (("--cvr-contest", args.cvr_contest), ("--candidacy", args.candidacy)) if v]
        if nyc_only and kind != "nyc":
            raise CliError(  # options that would do nothing are usage errors (as `import --replace`)
                f"{', '.join(nyc_only)}: New York City's cast-vote records only; {args.file} is a "
                f"{'BLT file' if kind == 'blt' else 'ballot CSV'}, one contest naming its candidates",
                code=2,
            )
        if kind == "blt":  # the BLT weighted-profile format (OpenSTV and others)
            blt = read_blt(args.file)
            ballots, errors, standing = blt.table, list[LineError](), blt.candidates
        elif kind == "nyc":  # the city's own rules are read with the ballots (5 rankings, batch, ...)
            if args.system != "irv":
                raise CliError(
                    f"{args.file}: New York City's cast-vote records count by instant runoff: add --system irv"
                )
            cvr = read_nyc_cvr(args.file, contest=args.cvr_contest, candidacy=args.candidacy)
            # The city's reading of a paper, but --contest's own majority, as the CSV and BLT paths count to: the
            # city's 50 % in its place elected another candidate than the same papers as a CSV.
            city = cvr.rules if contest_rules is None else replace(cvr.rules, majority=contest_rules.majority)
            ballots, errors, rules = cvr.table, list[LineError](), _count_rules(args, city)
        else:
            # Streamed column-wise: the file's text is never held whole, and no store module is imported.
            ballots, errors = parse_ballot_file(args.file)
    except NycFormatError as exc:
        raise CliError(str(exc)) from None
    except BltFormatError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    except FileNotFoundError:
        raise CliError(f"{args.file}: no such file") from None
    except OSError as exc:  # the ballot file, or the --candidacy file beside it: the one named
        raise CliError(f"{exc.filename or args.file}: cannot read ({exc.strerror})") from None
    except CsvFormatError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    if errors:
        raise CliError("\n".join(f"{args.file}:{e.line}: {e.field}: {e.message}" for e in errors))
    # Ties go by the contest's names, as the result check breaks them (core.types.placing), however the file names them
    tie_names = contest_cli.contest_tie_names(args, (*ballots.candidates, *(standing or ())))
    try:
        result = count_ballots(ballots, args.system, standing, rules=rules, tie_names=tie_names)
    except CountError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    if majority_note:
        result = replace(result, notes=(*result.notes, majority_note))
    saved_to = contest_cli.save_count(args, result) if args.save_result else None
    prior_for = contest_cli.save_prior(args, ballots, rules) if args.save_prior else None
    if args.json:
        emit_json(
            {
                "system": result.system.value,
                "valid": result.valid,
                "rejected": result.rejected,
                "winner": result.winner,
                "rules": result.rules.as_dict(),
                "rounds": [
                    {
                        "round": r.number,
                        "tallies": r.tallies,
                        "eliminated": list(r.eliminated),
                        "transfers": [
                            {
                                "from": t.from_candidate,
                                "to": "exhausted" if t.to_candidate == EXHAUSTED else t.to_candidate,
                                "votes": t.votes,
                            }
                            for t in r.transfers
                        ],
                        "exhausted": r.exhausted,
                    }
                    for r in result.rounds
                ],
                "notes": list(result.notes),
                "official_rounds": official_rounds(result),
            }
            | ({"saved_result_of": saved_to} if saved_to else {})
            | ({"saved_prior_of": prior_for} if prior_for else {}),
            out,
        )
        return 0
    out.write(f"{result.system.label}: {result.valid:,} valid ballots, {result.rejected:,} rejected\n")
    print_official_rounds(result, out, table)
    out.write("\nEach round in detail\n")
    for r in result.rounds:
        out.write(f"\nRound {r.number}\n")
        total = r.continuing_votes
        if r.number > 1:
            added = {c: sum(t.votes for t in r.transfers if t.to_candidate == c) for c in r.tallies}
            table(
                ["candidate", "before", "added", "votes", "share"],
                [
                    [c, f"{v - added[c]:,}", f"+{added[c]:,}", f"{v:,}", f"{100 * v / total:.2f}%"]
                    for c, v in sorted(r.tallies.items(), key=lambda kv: -kv[1])
                ],
                out,
            )
        else:
            table(
                ["candidate", "votes", "share"],
                [[c, f"{v:,}", f"{100 * v / total:.2f}%"] for c, v in sorted(r.tallies.items(), key=lambda kv: -kv[1])],
                out,
            )
        if r.eliminated:
            out.write(f"Excluded: {', '.join(r.eliminated)}\n")
        if r.transfers:
            out.write(f"Transfers from {', '.join(r.eliminated)}:\n")
            table(
                ["from", "to", "votes"],
                [
                    [t.from_candidate, "exhausted" if t.to_candidate == EXHAUSTED else t.to_candidate, f"{t.votes:,}"]
                    for t in r.transfers
                ],
                out,
            )
            out.write(f"Exhausted so far: {r.exhausted:,}\n")
    for note in result.notes:
        out.write(f"Note: {note}\n")
    out.write(f"\nWinner: {result.winner}\n")
    if saved_to:
        out.write(f"Saved as the official result of {saved_to}\n")
    if prior_for:
        out.write(f"Saved as the instant-runoff transfer prior of {prior_for} (first preferences and next choices)\n")
    return 0


def _print_report(args: argparse.Namespace, out: TextIO, build: Callable[[Any, Contest], Any]) -> int:
    """Open the store, build a report for the contest, print it as a table or JSON."""
    store = open_for_cli(args)
    try:
        report = build(store, contest_of(store, args))
    finally:
        store.close()
    if args.json:
        emit_json(report.as_json(), out)
    else:
        report.print(out, table)
    return 0


def cmd_average(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli import two_round
    from warroom.cli.reports import average_report

    if two_round.is_two_round(args):
        return two_round.cmd_two_round_average(args, out)
    if args.matchup or args.hypothesis:
        raise CliError("--matchup and --hypothesis are for two-round contests", code=2)

    return _print_report(args, out, lambda store, contest: average_report(store, contest, as_of=args.as_of))


def cmd_qualify(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli import two_round

    if not two_round.is_two_round(args):
        raise CliError("qualify is for two-round contests (--contest NAME)", code=2)
    return two_round.cmd_qualify(args, out)


def cmd_scenario(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli.irv import run_irv_scenario
    from warroom.cli.reports import run_scenario
    from warroom.core.pipeline import name_as_saved
    from warroom.core.types import CountingSystem

    if args.name is not None:  # trimmed as every saved name is; a blank one is an unset variable, not "no name"
        args.name = name_as_saved(args.name)
        if not args.name:
            raise CliError("--name: give the saved scenario's name (it is empty)")

    if getattr(args, "replace", False) and not args.save:  # (as `import --replace` where it would do nothing)
        raise CliError("--replace goes with --save NAME (it saves over a saved scenario of that name)", code=2)

    def build(store: Any, contest: Contest) -> Any:
        if contest.system == CountingSystem.IRV:  # the whole elimination chain, as the app's IRV panel shows it
            return run_irv_scenario(store, contest, args)
        if contest.system == CountingSystem.TWO_ROUND:  # a new election between two finalists, as its panel
            from warroom.cli.cases import run_two_round_scenario

            try:
                return run_two_round_scenario(store, contest, args)
            except ValueError as exc:
                raise CliError(str(exc)) from None
        if args.matchup or args.hypothesis or args.turnout is not None or args.message_on:
            raise CliError(
                f"--matchup, --hypothesis, --turnout and --message-on are for two-round contests; {contest.name} is not one"
            )
        if args.row or args.row_of or args.prior_ballots:
            raise CliError(
                f"--row, --row-of and --prior-ballots apply to instant-runoff contests; {contest.name} is not one"
            )
        return run_scenario(store, contest, args)

    return _print_report(args, out, build)


def cmd_forecast(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli.reports import forecast_report

    store = open_for_cli(args)
    try:
        forecast_report(store, contest_of(store, args), out, table, args.json)
    finally:
        store.close()
    return 0


def cmd_backtest(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli.backtest import cmd_backtest as run

    return run(args, out)


def cmd_render(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli.render import render_headless

    return render_headless(args, out)


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
"""What numpy's OpenBLAS reads, in its order, for the size of its thread pool when it loads."""


def one_blas_thread(environ: MutableMapping[str, str] = os.environ) -> None:
    """Have numpy's OpenBLAS (numpy's wheels bundle it) load with one thread, unless the user chose a number.

    The window's arrays are small (the scenario's matrix-vector products over a few thousand simulated races),
    and OpenBLAS starts one spinning thread per core as numpy loads: on this project's 2-core machine that is
    40-50 ms more CPU to import numpy before the first paint (118-134 ms against 72-76 ms, eight alternating
    pairs), with the second core taken meanwhile (docs/STARTUP.md). Its matrix-vector products give the same
    figures to the last bit with one thread or many (each output is summed by one thread): the window and the
    command line show the same numbers. Once numpy is loaded it changes nothing, so it sets nothing then (the
    window started inside a process that has numpy already: a test's)."""
    if "numpy" not in sys.modules and not any(environ.get(name) for name in BLAS_THREADS):
        environ["OPENBLAS_NUM_THREADS"] = "1"


def cmd_gui(args: argparse.Namespace, out: TextIO) -> int:
    one_blas_thread()  # before numpy loads (below, or with the window's modules)
    # No cyclic garbage collection while the window's modules load: numpy's, Qt's and the app's imports made the
    # collector run 62 times before the start (10-12 ms of the first paint's CPU, docs/STARTUP.md) for nothing to
    # free. The start takes the pause over and resumes it once its figures are in (app.Starter._pause_gc).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _start_gui(args, gc_paused=collecting)
    finally:
        if collecting:  # (the start resumed it already, or never began: a start refused before the window)
            gc.enable()


def _start_gui(args: argparse.Namespace, *, gc_paused: bool) -> int:
    from warroom.paths import AppPaths
    from warroom.resources import installation_stamp
    from warroom.store.fingerprint import StoreDigest, sqlite_file

    # The store's digest (may the first paint show the last session's figures?) is read on its own thread while
    # Qt and the app load (issue 15: cold start).
    paths = AppPaths.under(args.data_dir) if getattr(args, "data_dir", None) else AppPaths.for_user()
    digest = StoreDigest(sqlite_file(args.db or paths.database), also=installation_stamp)
    digest.start()
    # A start frame that keeps a runoff case: the first paint builds the real scenario panel on numpy and the
    # pipeline (app.Starter._first_panel). Imported before Qt they cost 30 ms of CPU less (PySide6's import hook
    # reads the source of every module imported after it: docs/STARTUP.md). A hint only: the start decides.
    from warroom.core.startframe import FRAME_FILE, load_frame

    frame = load_frame(paths.data_dir / FRAME_FILE)
    if frame is not None and frame.case:
        import warroom.core.start_case  # noqa: F401
    from warroom.app import run_gui

    return run_gui(args, digest, gc_paused=gc_paused)


def cmd_contest(args: argparse.Namespace, out: TextIO) -> int:
    from warroom.cli import contest as contest_cli  # (not loaded by a start of the app: issue 15)

    return contest_cli.cmd_contest(args, out)


COMMANDS = {
    "contests": cmd_contests,
    "contest": cmd_contest,
    "polls": cmd_polls,
    "import": cmd_import,
    "export": cmd_export,
    "count": cmd_count,
    "average": cmd_average,
    "qualify": cmd_qualify,
    "scenario": cmd_scenario,
    "render": cmd_render,
    "backtest": cmd_backtest,
    "forecast": cmd_forecast,
    "gui": cmd_gui,
}


def _refuse_undecodable_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A text option (a name, a split, a label) holding bytes the locale's encoding could not read (a Latin-1
    `é` typed in a UTF-8 terminal arrives as the escape U+DCE9) is a usage error naming the option: it reached
    the store's encoder and came back as "'utf-8' codec can't encode character '\\udce9'", naming nothing.
    File and store paths may hold such bytes (a folder named on an older system): they are paths, not text."""
    for key, value in vars(args).items():
        if key == "db":
            continue
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and any("\udc80" <= ch <= "\udcff" for ch in text):
                option = key if key in ("name", "verb") else "--" + key.replace("_", "-")
                parser.error(
                    f"{option}: {text!a} holds bytes that are not text in this terminal's encoding "
                    f"({sys.getfilesystemencoding()}); type it again, or set the terminal to UTF-8"
                )


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one verb (the app itself with no verb); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Data from files never reaches the terminal as escapes. (A text stream; TextIO's other methods are unused.)
    # sys.stdout or sys.stderr is None when the program was started with it closed (`warroom polls >&-`).
    out = cast(TextIO, PrintableText(out or sys.stdout))
    err = cast(TextIO, PrintableText(err or sys.stderr, quiet=True))
    parser = _start_parser() if _only_top_options(argv) else build_parser()
    args = parser.parse_args(argv)
    vars(args).pop(_GIVEN, None)
    _refuse_undecodable_text(parser, args)
    if args.verb is None:
        args.verb = "gui"
    args.warn = lambda text: err.write(
        f"warroom {args.verb}: warning: {text}\n"
    )  # (open_for_cli: a start not backed up)
    try:
        if args.verb != "gui":  # the window keeps the quiet start until its own handler takes over (SignalGuard)
            restore_interrupts()  # a verb at work: Ctrl-C rolls back what it was writing and says so (below)
        code = COMMANDS[args.verb](args, out)
        out.flush()  # a full disk under a redirect shows here, not in the interpreter's last flush
        return code
    except OutputError as exc:
        # The output could not be written (a full disk under a redirect, a closed standard output): one line, not a
        # traceback, and stdout pointed at nothing so the interpreter's final flush does not fail again.
        err.write(f"warroom {args.verb}: the output could not be written ({exc.strerror or exc})\n")
        _quiet_stdout()
        return 4
    except CliError as exc:
        err.write(f"warroom {args.verb}: {exc}\n")
        return exc.code
    except ValueError as exc:  # ReportError and friends: bad options or data, nothing written
        err.write(f"warroom {args.verb}: {exc}\n")
        return 1
    except StoreError as exc:
        where = f" ({exc.where})" if exc.where else ""
        err.write(f"warroom {args.verb}: {exc}{where}\n")
        return 1 if exc.kind == "input" else 3  # a name the store refused is bad input; the store itself is fine
    except AppFolderError as exc:  # the app's folders cannot be made (a file in the way, a bad XDG_*_HOME)
        err.write(f"warroom {args.verb}: {exc}\n")
        return 3
    except KeyboardInterrupt:
        # Ctrl-C: every store change is one transaction, and one the interrupt cut short was rolled back as the
        # session closed, so what was stored is what was committed before. Say so instead of a traceback.
        err.write(
            f"warroom {args.verb}: interrupted; a change it was making was not saved (every store change is all "
            "or nothing), and nothing else was left half done\n"
        )
        _quiet_stdout()
        return 130  # the shell's status for a program ended by Ctrl-C (128 + SIGINT)
    except BrokenPipeError:
        # The reader went away (`warroom polls | head`): not an error of ours. Point stdout at nothing so the
        # interpreter's final flush does not raise again, and end quietly as other Unix tools do.
        _quiet_stdout()
        return 141 - 128  # SIGPIPE's status as a plain exit code: 13
    except (MemoryError, ImportError, OSError, RuntimeError) as exc:
        # Out of memory (`ulimit -v`, a container's limit: a MemoryError, a library or thread that cannot be
        # loaded or started) or of file handles (`ulimit -n`): one line saying which,
        # and that the change under way was rolled back (as for Ctrl-C), never a traceback. Anything else of
        # these kinds is not ours to explain.
        starved = _starved(exc)
        if not starved:
            raise
        err.write(
            f"warroom {args.verb}: {starved}; a store change it was in the middle of was rolled back (every store "
            "change is all or nothing)\n"
        )
        _quiet_stdout()
        return 5


def _starved(exc: BaseException) -> str:
    """What ran out, in words, when `exc` says the process ran out of memory or file handles; "" otherwise. A
    library that cannot be loaded for want of address space says so only in its message (the loader's "failed
    to map segment", "cannot allocate memory")."""
    import errno

    def limit(which: str, unit: str, scale: int = 1) -> str:
        soft = soft_limit(which)
        return "" if soft is None else f" (this process may have {soft // scale:,}{unit})"

    text = str(exc).lower()
    memory = isinstance(exc, MemoryError) or getattr(exc, "errno", None) == errno.ENOMEM
    if memory or (isinstance(exc, ImportError) and ("failed to map" in text or "cannot allocate memory" in text)):
        return "it ran out of memory" + limit("RLIMIT_AS", " MB of address space: ulimit -v", 1 << 20)
    if isinstance(exc, RuntimeError) and "can't start new thread" in text:  # a thread's stack is address space too
        return "it could not start a thread (out of memory or of processes)" + limit(
            "RLIMIT_AS", " MB of address space: ulimit -v", 1 << 20
        )
    if getattr(exc, "errno", None) in (errno.EMFILE, errno.ENFILE):
        return "it ran out of file handles" + limit("RLIMIT_NOFILE", " open files: ulimit -n")
    return ""


def _quiet_stdout() -> None:
    """Point the standard output at nothing, dropping what is buffered: the interpreter's last flush at exit
    would otherwise fail again and print "Exception ignored ..." with a traceback."""
    import os

    if sys.stdout is None:
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main_gui() -> int:
    """The `warroom-gui` entry point (a GUI script: no console window on Windows): the app, taking the same
    options as `warroom gui`."""
    return main(["gui", "--message-boxes", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
