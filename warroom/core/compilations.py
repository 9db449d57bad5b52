"""Recognise and read the French poll compilations a user downloads, and make a two-round contest of them.

`read_compilation(path)` is what `warroom import FILE` and the app's File > Import both call (the app from a
worker thread: it only reads files and parses, no Qt, no database). It recognises, by their header lines:

* NSPPolls (2022): `nsppolls_presidentielle.csv` (polls: one row per candidate x question), and
  `nsppolls_reports.csv` (vote-transfer matrices); either alone, or a folder holding them. A folder may
  also hold the official results in the shared data folder's small format (`official_results.csv` with
  `turnout.csv` beside it).
* Mieux Voter (2027): its four files `polls.csv`, `hypotheses.csv`, `candidats.csv` and
  `presidentielle2027.csv`, which are only meaningful together: naming any one of them (or their folder)
  reads all four from the same folder.

Anything else gives None, and the caller reads the file as a poll CSV or a campaign bundle. The parsers
(core.france) check every row and raise FranceFormatError listing every problem with its file, line and
column; nothing partial is returned.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from warroom.core.colour import PALETTE
from warroom.core.csvformat import CsvFormatError, LineError, parse_polls_csv
from warroom.core.france import (
    ABSTAINERS,
    FRANCE_2022_TURNOUT,
    MATRIX_SUM_TOLERANCE,
    MIEUXVOTER_CREDIT,
    NSPPOLLS_CREDIT,
    FranceFormatError,
    Hypothesis,
    Matchup,
    PollNotice,
    RoundResult,
    TransferMatrix,
    TransferRow,
    asked_before,
    counts,
    name_key,
    parse_mieuxvoter,
    parse_nsppolls_polls,
    parse_nsppolls_reports,
    parse_official_results,
)
from warroom.core.infile import CsvRecords, open_regular
from warroom.core.types import (
    EXHAUSTED,
    RESERVED_CODES,
    Candidate,
    Contest,
    CountingSystem,
    ExpectedTurnout,
    Party,
    Poll,
    Rules,
    clipped,
    firm_key,
)

NSP_POLLS = "nsppolls_presidentielle.csv"
NSP_REPORTS = "nsppolls_reports.csv"
MV_FILES = ("polls.csv", "hypotheses.csv", "candidats.csv", "presidentielle2027.csv")
RESULTS_FILES = ("official_results.csv", "turnout.csv")

MAX_BYTES = 256 * 1024**2
"""The largest compilation file read (256 MiB): the 2022 campaign's is 1.8 MB."""

_NSP_POLL_HEADER = {"candidat", "intentions", "id", "nom_institut", "tour", "hypothese"}
_NSP_REPORT_HEADER = {"candidat_T1", "choix_T2", "part", "id_sondage"}
_MV_RESULTS_HEADER = {"poll_id", "candidate_id", "intentions", "tour"}
_MV_POLLS_HEADER = {"poll_id", "hypothese", "nom_institut", "tour"}
_MV_HYP_HEADER = {"id_hypothese", "hypothese_complete"}
_MV_CAND_HEADER = {"candidate_id", "complete_name", "parti"}
_RESULTS_HEADER = {"round", "date", "candidate", "votes"}
_TURNOUT_HEADER = {"round", "registered", "voters", "blank_and_null", "valid"}

TWO_ROUND_RULES = Rules(majority=50.0, majority_base="valid", preferences=1, finalists="top_two")
"""The French presidential rules (Constitution, art. 7): a majority of valid votes wins in the first round,
else the two leading candidates (after any withdrawals) go to a runoff two weeks later."""


@dataclass(frozen=True)
class Compilation:
    """A compilation read whole.

    Attributes:
        kind: "nsppolls" or "mieuxvoter".
        files: the files read.
        notices: poll notices, oldest first.
        matrices: transfer matrices, oldest first.
        results: official rounds found beside the files (round -> figures).
        parties: candidate name -> party, where the compilation says.
        credit: whom to credit, with the licence.
    """

    kind: str
    files: tuple[Path, ...]
    notices: tuple[PollNotice, ...] = ()
    matrices: tuple[TransferMatrix, ...] = ()
    results: Mapping[int, RoundResult] = field(default_factory=dict)
    parties: Mapping[str, str] = field(default_factory=dict)
    credit: str = ""

    def counts_json(self) -> dict[str, int]:
        got = counts(self.notices, self.matrices)
        return {
            "polls": got.polls,
            "hypotheses": got.hypotheses,
            "matchups": got.matchups,
            "matrices": got.matrices,
            "rows": got.rows,
            "official_rounds": len(self.results),
        }


def header_of(text: str) -> set[str]:
    """The column names of a CSV text's first line (empty when it has none)."""
    first = next(iter(text.removeprefix("\ufeff").splitlines()), "")  # LF, CRLF or a lone CR
    try:
        row = next(csv.reader(io.StringIO(first)), [])
    except csv.Error:
        return set()
    return {c.strip() for c in row}


def detect_format(header: set[str]) -> str | None:
    """Which compilation file a header belongs to: "nsppolls-polls", "nsppolls-reports", "mieuxvoter"
    (any of its four files), "results", "turnout", or None (not a compilation file)."""
    if header >= _NSP_REPORT_HEADER:
        return "nsppolls-reports"
    if header >= _MV_RESULTS_HEADER or header >= _MV_HYP_HEADER or header >= _MV_CAND_HEADER:
        return "mieuxvoter"
    if header >= _NSP_POLL_HEADER and "poll_id" not in header:
        return "nsppolls-polls"
    if header >= _MV_POLLS_HEADER:
        return "mieuxvoter"
    if header >= _RESULTS_HEADER:
        return "results"
    if header >= _TURNOUT_HEADER:
        return "turnout"
    return None


def _read(path: Path) -> str:
    try:
        with open_regular(path) as fh:  # a FIFO is refused at once, never waited on
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise FranceFormatError(path.name, [LineError(0, "file", f"{path} is missing")]) from None
    except OSError as exc:
        raise FranceFormatError(path.name, [LineError(0, "file", f"cannot read {path} ({exc.strerror})")]) from None
    if len(data) > MAX_BYTES:
        raise FranceFormatError(path.name, [LineError(0, "file", f"larger than {MAX_BYTES // 1024**2} MiB")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FranceFormatError(path.name, [LineError(0, "file", f"not UTF-8 text ({exc.reason})")]) from None


def _sniff(path: Path) -> str | None:
    try:
        with open_regular(path) as fh:  # a FIFO is not a compilation (and is never waited on)
            head = fh.read(4096).decode("utf-8-sig", errors="replace")
    except OSError:
        return None
    return detect_format(header_of(head))


COMPILATION_KINDS = {
    "nsppolls-polls": "NSPPolls' poll compilation",
    "nsppolls-reports": "NSPPolls' vote-transfer compilation",
    "mieuxvoter": "one of Mieux Voter's compilation files",
    "results": "official two-round results in the compilations' format",
    "turnout": "official two-round turnout in the compilations' format",
}
"""What each kind of file `read_compilation` reads is, in words."""


def compilation_kind(path: Path) -> str | None:
    """Which of COMPILATION_KINDS the file at `path` is, by its header line alone (a cheap look: the file is not
    read whole), or None: any other file, a folder, or one that cannot be read."""
    if path.is_dir():
        return None
    return _sniff(path)


def read_compilation(path: Path) -> Compilation | None:
    """Read a compilation file (or a folder of them) whole, or None when `path` is not one.

    Args:
        path: a compilation file, or a folder holding one compilation's files.

    Returns:
        The compilation, every row checked; None for any other file (a poll CSV, a bundle).

    Raises:
        FranceFormatError: the files are a compilation but something in them is wrong (every problem listed),
            or a Mieux Voter file's companions are missing from its folder.
    """
    if path.is_dir():
        kinds = {p.name: _sniff(p) for p in sorted(path.glob("*.csv")) if p.is_file()}  # is_file: no FIFO
        if any(k == "mieuxvoter" for k in kinds.values()):
            return _read_mieuxvoter(path)
        polls = [path / n for n, k in kinds.items() if k == "nsppolls-polls"]
        reports = [path / n for n, k in kinds.items() if k == "nsppolls-reports"]
        if not polls and not reports:
            return _read_results(path) if kinds.get(RESULTS_FILES[0]) == "results" else None
        return read_nsppolls(polls, reports, path)
    kind = _sniff(path)
    if kind == "mieuxvoter":
        return _read_mieuxvoter(path.parent)
    if kind == "nsppolls-polls":
        return read_nsppolls([path], [], None)
    if kind == "nsppolls-reports":
        return read_nsppolls([], [path], None)
    if kind in ("results", "turnout"):
        return _read_results(path.parent)
    return None


def _read_results(folder: Path) -> Compilation:
    """Only the official rounds: `official_results.csv` and `turnout.csv`, which go together."""
    missing = [f for f in RESULTS_FILES if not (folder / f).is_file()]
    if missing:
        raise FranceFormatError(
            "official results",
            [LineError(0, "file", f"{', '.join(missing)} missing from {folder} (the two files go together)")],
        )
    res_text, turn_text = (_read(folder / f) for f in RESULTS_FILES)
    results = parse_official_results(res_text, turn_text)
    files = tuple(folder / f for f in RESULTS_FILES)
    return Compilation("results", files, (), (), results, _result_parties(res_text), "official results")


def read_nsppolls(polls: Sequence[Path], reports: Sequence[Path], folder: Path | None) -> Compilation:
    notices: list[PollNotice] = []
    matrices: list[TransferMatrix] = []
    parties: dict[str, str] = {}
    for p in polls:
        text = _read(p)
        notices.extend(parse_nsppolls_polls(text))
        parties.update(_nsp_parties(text))
    for p in reports:
        matrices.extend(parse_nsppolls_reports(_read(p)))
    results: dict[int, RoundResult] = {}
    files = [*polls, *reports]
    if folder is not None and all((folder / f).is_file() for f in RESULTS_FILES):
        res_text, turn_text = (_read(folder / f) for f in RESULTS_FILES)
        results = parse_official_results(res_text, turn_text)
        parties.update(_result_parties(res_text))
        files.extend(folder / f for f in RESULTS_FILES)
    notices.sort(key=lambda p: (p.fieldwork_end, p.fieldwork_start, p.id))
    matrices.sort(key=lambda m: (m.fieldwork_end, m.fieldwork_start, m.poll_id))
    return Compilation("nsppolls", tuple(files), tuple(notices), tuple(matrices), results, parties, NSPPOLLS_CREDIT)


def _nsp_parties(text: str) -> dict[str, str]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    out: dict[str, str] = {}
    for row in reader:
        name, party = (row.get("candidat") or "").strip(), (row.get("parti") or "").strip()
        if name and party:
            out[name] = party  # the latest spelling of the party wins
    return out


def _result_parties(text: str) -> dict[str, str]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    return {(r.get("candidate") or "").strip(): (r.get("party") or "").strip() for r in reader if r.get("party")}


def _read_mieuxvoter(folder: Path) -> Compilation:
    missing = [f for f in MV_FILES if not (folder / f).is_file()]
    if missing:
        raise FranceFormatError(
            "Mieux Voter compilation",
            [LineError(0, "file", f"{', '.join(missing)} missing from {folder} (the four files go together)")],
        )
    polls, hypotheses, candidates, results = (_read(folder / f) for f in MV_FILES)
    campaign = parse_mieuxvoter(polls, hypotheses, candidates, results)
    parties = {c.name: c.party for c in campaign.candidates.values() if c.party}
    return Compilation(
        "mieuxvoter",
        tuple(folder / f for f in MV_FILES),
        campaign.notices,
        (),
        {},
        parties,
        MIEUXVOTER_CREDIT,
    )


# --- a contest from a compilation ---------------------------------------------------------------------------


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def surname(name: str) -> str:
    """Everything after the first name ("Marine Le Pen" -> "Le Pen"; "Jean-Luc Mélenchon" -> "Mélenchon")."""
    words = name.split()
    return " ".join(words[1:]) if len(words) > 1 else name


def _party_code(party: str) -> str:
    """A party's code from its name, as candidate codes are made but upper case ("Les Républicains": "LES-REPUBLICAINS")."""
    code = (_hyphenated(party) or "candidate").upper()
    return "OTHER-PARTY" if code == "OTHER" else code  # "other" is the grouped other parties (Contest.problems)


def candidate_code(name: str) -> str:
    """A candidate code from a full name: the surname, lower case, unaccented ("Marine Le Pen" -> "le-pen",
    "Jean-Luc Mélenchon" -> "melenchon")."""
    return _slug(surname(name))


def _slug(text: str) -> str:
    """A candidate code from `text`: its letters and digits, unaccented and lower case, joined by single hyphens;
    at most 40 characters, cut where it ends in no hyphen (a code may not: Contest.problems); a reserved code
    ("other", "none": a surname or a compilation's row) takes a suffix, as the contest form's codes do."""
    code = _hyphenated(text).rstrip("-") or "candidate"
    return f"{code}-candidate" if code in RESERVED_CODES else code


def _hyphenated(text: str) -> str:
    """`text`'s letters and digits, unaccented and lower case, joined by single hyphens; its first 40 characters."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in _ascii(text).casefold())
    return "-".join(part for part in slug.split("-") if part)[:40]


def campaign_candidates(
    notices: Iterable[PollNotice], results: Mapping[int, RoundResult] | None = None, *, since: date | None = None
) -> list[str]:
    """The names a contest from these notices should list: the official first round's candidates when known,
    else everyone named in a first-round hypothesis since `since` (default: the last 365 days of polling),
    largest share in his latest poll first."""
    if results and 1 in results:
        return list(results[1].votes)
    chosen = list(notices)
    if not chosen:
        return []
    last = max(p.fieldwork_end for p in chosen)
    start = since if since is not None else last - timedelta(days=365)
    latest: dict[str, tuple[date, float, str]] = {}
    for p in chosen:
        if p.fieldwork_end < start:
            continue
        for h in p.hypotheses:
            for name, share in h.shares.items():
                key = name_key(name)
                seen = latest.get(key)
                if seen is None or (p.fieldwork_end, share) > seen[:2]:
                    latest[key] = (p.fieldwork_end, share, name)
    return [name for _, _, name in sorted(latest.values(), key=lambda v: -v[1])]


def contest_from_compilation(
    compilation: Compilation,
    name: str,
    *,
    election_date: date,
    second_round_date: date | None = None,
    office: str = "President of the French Republic",
    area: str = "France",
    demo: bool = False,
    notes: str = "",
    expected: ExpectedTurnout | None = FRANCE_2022_TURNOUT,
) -> Contest:
    """A two-round contest whose candidates are the compilation's (see campaign_candidates), each with a code
    from his surname (the full name where two surnames clash), a party where the compilation names one, and
    a colour.

    Args:
        compilation: what read_compilation returned.
        name: the contest's name.
        election_date: the first round's polling day.
        second_round_date: the runoff's; default two weeks later.
        office: what is elected.
        area: where.
        demo: mark it as a demo race.
        notes: free text (the compilation's credit is added).
        expected: the race's expected first round until an official one is stored: by default France's last
            presidential first round (FRANCE_2022_TURNOUT), as the compilations are of French presidential races;
            shown in the race's form, where a campaign changes it.
    """
    names = campaign_candidates(compilation.notices, compilation.results)
    if len(names) < 2 and compilation.matrices:  # matrices alone: the finalists, then every electorate named
        seen = {m.a: None for m in compilation.matrices} | {m.b: None for m in compilation.matrices}
        seen |= {k: None for m in compilation.matrices for k in m.rows if k != ABSTAINERS}
        names = list(seen)
    if len(names) < 2:
        raise ValueError(f"{compilation.kind}: the compilation names fewer than two candidates")
    codes: dict[str, str] = {}
    taken: set[str] = set()
    for n in names:
        code = candidate_code(n)
        if code in taken:
            code = _slug(n)
        while code in taken:
            code = f"{code[:37].rstrip('-')}-{len(taken)}"
        taken.add(code)
        codes[n] = code
    party_codes: dict[str, str] = {}
    parties: list[Party] = []
    for n in names:
        party = compilation.parties.get(n, "").strip()
        if party and party not in party_codes:
            code = _party_code(party)
            while code in {p.code for p in parties}:
                code = f"{code[:37]}{len(parties)}"
            party_codes[party] = code
            parties.append(Party(code, party[:120], PALETTE[len(parties) % len(PALETTE)]))
    # Two candidates of one surname are each shown by the full name (Contest.__post_init__), as their codes are
    # made from it: "Smith" for both was refused by Contest.problems, and the race could not be made.
    surnames = [surname(n).strip().casefold() for n in names]
    candidates = tuple(
        Candidate(
            codes[n],
            n,
            party_codes.get(compilation.parties.get(n, "").strip()),
            PALETTE[i % len(PALETTE)],
            short_name="" if surnames.count(surname(n).strip().casefold()) > 1 else surname(n),
        )
        for i, n in enumerate(names)
    )
    credit = f"Polls: {compilation.credit}."
    return Contest(
        name=name,
        election_date=election_date,
        system=CountingSystem.TWO_ROUND,
        candidates=candidates,
        parties=tuple(parties),
        office=office,
        area=area,
        second_round_date=second_round_date or election_date + timedelta(days=14),
        rules=TWO_ROUND_RULES,
        notes=f"{notes} {credit}".strip(),
        demo=demo,
        expected=expected,
    )


# --- the poll CSV, extended with questions --------------------------------------------------------------------

QUESTION_COLUMNS = ("question", "poll_id")
"""The extended poll CSV's two extra columns (README, "Two-round polls"): `question` names a row's question
(a hypothesis label for its first: figures, a matchup label for its second: figures), and `poll_id` tells
notices of one pollster and fieldwork apart. Rows with the same pollster, fieldwork and poll_id are one
notice; within it, a question label may appear once per round."""


@dataclass(frozen=True)
class QuestionCsv:
    """A poll CSV read for a two-round contest.

    Attributes:
        notices: poll notices, each with the hypotheses and matchups of its rows.
        matrices: a matrix per notice whose rows carry transfer: columns.
        errors: every problem with its line and column (nothing may be stored when there is one).
        dates_unordered: refused (among others) for dates in figures that read both ways, no order given (the
            poll CSV's rule, `ParseResult.dates_unordered`): the window asks the order, the command line names
            --dates.
    """

    notices: tuple[PollNotice, ...]
    matrices: tuple[TransferMatrix, ...]
    errors: tuple[LineError, ...]
    dates_unordered: bool = False


def _notice_disagreement(group: dict[str, Any], poll: Poll, line: int) -> list[LineError]:
    """A row of a notice read before (`group`) that gives it another sample size or client: one notice is one
    poll, and its first row's figures were kept while the others were dropped without a word. An empty cell
    agrees with any."""
    problems = []
    for key, field_, value in (("n", "sample_size", poll.sample_size), ("client", "client", poll.client.strip())):
        if value is None or value == "":
            continue
        if key not in group:  # the first row that gives it
            group[key] = (value, line)
            continue
        given, where = group[key]
        if value != given:
            shown = (f"{value:,}", f"{given:,}") if isinstance(value, int) else (repr(value), repr(given))
            problems.append(
                LineError(
                    line,
                    field_,
                    f"{shown[0]} here, {shown[1]} on line {where} of the same poll (same pollster, fieldwork "
                    f"and poll_id): give one {field_.replace('_', ' ')}, or another poll_id",
                )
            )
    return problems


class _NotCsv(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"not CSV from here on ({reason})")
        self.line = line


def _split_columns(text: str) -> tuple[str, list[tuple[int, dict[str, str]]], list[int]]:
    """The CSV without the question columns, each data record's extra values and original line, and the line
    of each record of the text returned (records in the same order)."""
    reader = CsvRecords(text.removeprefix("\ufeff"))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise _NotCsv(reader.line_num, str(exc)) from None
    keep = [i for i, h in enumerate(header) if h.strip().casefold() not in QUESTION_COLUMNS]
    extra = {h.strip().casefold(): i for i, h in enumerate(header) if h.strip().casefold() in QUESTION_COLUMNS}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header[i] for i in keep])
    records: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            records.append((reader.line_num, {k: (row[i].strip() if i < len(row) else "") for k, i in extra.items()}))
            writer.writerow([row[i] if i < len(row) else "" for i in keep] + row[len(header) :])
    except csv.Error as exc:
        # Never the rows before it alone: the rows after a field past the csv module's limit were dropped
        # without a word (or the file was "no polls"). All or nothing, naming the line.
        raise _NotCsv(reader.line_num, str(exc)) from None
    stripped = out.getvalue()
    lines = []
    again = csv.reader(io.StringIO(stripped, newline=""))
    next(again, None)
    for _ in again:
        lines.append(again.line_num)
    return stripped, records, lines


def parse_question_csv(
    text: str, contest: Contest, *, today: date | None = None, date_order: str | None = None
) -> QuestionCsv:
    """Read the extended poll CSV (QUESTION_COLUMNS) for a two-round contest: every row checked as a poll CSV
    row is (core.csvformat), then grouped into notices; duplicates are judged per question.

    Args:
        text: the file's text.
        contest: the two-round contest (its candidates resolve the column names).
        today: for the "fieldwork in the future" check.
        date_order: how d/m/yyyy or m/d/yyyy dates are read, as the poll CSV's (`parse_polls_csv`).
    """
    try:
        stripped, records, stripped_lines = _split_columns(text)
    except _NotCsv as exc:
        return QuestionCsv((), (), (LineError(exc.line, "row", str(exc)),))
    try:
        parsed = parse_polls_csv(stripped, contest, today=today, date_order=date_order)
    except CsvFormatError as exc:
        return QuestionCsv((), (), (LineError(1, "file", str(exc)),))
    original = dict(zip(stripped_lines, (line for line, _ in records), strict=False))
    extras = dict(zip(stripped_lines, (values for _, values in records), strict=False))
    errors = [
        LineError(original.get(e.line, e.line), e.field, e.message)
        for e in parsed.errors
        if not (e.field == "pollster" and e.message.startswith("duplicate of line"))  # judged per question below
    ]
    names = {c.code: c.name for c in contest.candidates}
    groups: dict[tuple[str, str, date, date], dict[str, Any]] = {}
    spelled: dict[tuple[str, date, date], tuple[str, str, int]] = {}  # a poll_id's firm: (firm_key, as written, line)
    for poll, line in zip(parsed.polls, parsed.lines, strict=True):
        extra = extras.get(line, {})
        line = original.get(line, line)
        label, pid = extra.get("question", ""), extra.get("poll_id", "")
        # A poll's rows are one notice by the one rule for a firm (firm_key), as the store's duplicates and the
        # average's house effects take it: france.name_key (accents and hyphens dropped) made "Elabe" and "Élabe"
        # one notice here and two firms everywhere else. One poll_id written as two firms is a problem.
        firm = firm_key(poll.pollster)
        if pid:
            first = spelled.setdefault((pid, poll.fieldwork_start, poll.fieldwork_end), (firm, poll.pollster, line))
            if first[0] != firm:
                errors.append(
                    LineError(
                        line,
                        "pollster",
                        f"{clipped(poll.pollster)!r} here, {clipped(first[1])!r} on line {first[2]} of the same poll "
                        f"(poll_id {clipped(pid)!r}): write the pollster one way (accents and hyphens count)",
                    )
                )
        key = (pid, firm, poll.fieldwork_start, poll.fieldwork_end)
        g = groups.setdefault(key, {"poll": poll, "pid": pid, "line": line, "h": {}, "m": {}, "t": {}})
        errors.extend(_notice_disagreement(g, poll, line))
        firsts = {names[c]: v for c, v in poll.first_round.items() if c in names}
        if firsts:
            if label in g["h"]:
                errors.append(LineError(line, "question", f"hypothesis {label!r} is also on line {g['h'][label].line}"))
            else:
                g["h"][label] = Hypothesis(label, firsts, line)
        if poll.second_round:
            pair = [(names[c], v) for c, v in poll.second_round.items() if c in names]
            if len(pair) != 2:
                errors.append(LineError(line, "second", f"a runoff matchup needs two candidates, found {len(pair)}"))
            elif label in g["m"]:
                errors.append(LineError(line, "question", f"matchup {label!r} is also on line {g['m'][label].line}"))
            else:
                (a, sa), (b, sb) = pair
                made = Matchup(label, a, b, sa, sb, line)
                before = asked_before(list(g["m"].values()), made)
                if before is not None:
                    errors.append(
                        LineError(
                            line,
                            "question",
                            f"matchup {label!r} asks {a} against {b} again (as {before.label!r}, line "
                            f"{before.line}): a poll asks a pair once",
                        )
                    )
                else:
                    g["m"][label] = made
        for t in poll.transfers:
            to = "" if t.to_candidate == EXHAUSTED else names.get(t.to_candidate, t.to_candidate)
            cells = g["t"].setdefault(names.get(t.from_candidate, t.from_candidate), {})
            if to in cells and cells[to][0] != t.share:  # never the later row's figure silently
                share, first = cells[to]
                errors.append(
                    LineError(
                        line,
                        f"transfer:{t.from_candidate}>{t.to_candidate}",
                        f"{t.share:g} here, {share:g} on line {first} of the same poll: one figure per transfer",
                    )
                )
                continue
            cells.setdefault(to, (t.share, line))
    notices: list[PollNotice] = []
    matrices: list[TransferMatrix] = []
    for g in groups.values():
        p = g["poll"]
        notices.append(
            PollNotice(
                g["pid"],
                p.pollster.strip(),
                g["client"][0] if "client" in g else p.client,
                p.fieldwork_start,
                p.fieldwork_end,
                g["n"][0] if "n" in g else p.sample_size,
                "",
                None,
                tuple(g["h"].values()),
                tuple(g["m"].values()),
                "poll CSV",
            )
        )
        if not g["t"]:
            continue
        finalists = list(dict.fromkeys(to for cells in g["t"].values() for to in cells if to))
        if len(finalists) != 2:
            errors.append(LineError(g["line"], "transfer", f"the transfers name {len(finalists)} finalists, not two"))
            continue
        a, b = finalists
        asked = next((m for m in g["m"].values() if {m.a, m.b} == {a, b}), None)
        if asked is not None:  # the finalists in the order the notice's own matchup names them
            a, b = asked.a, asked.b
        rows: dict[str, TransferRow] = {}
        for origin, cells in g["t"].items():
            line = min(ln for _, ln in cells.values())
            if a not in cells or b not in cells:
                errors.append(LineError(line, "transfer", f"{origin}'s voters need a figure for both {a} and {b}"))
                continue
            to_a, to_b = cells[a][0], cells[b][0]
            neither = cells[""][0] if "" in cells else 100.0 - to_a - to_b
            if neither < 0 or abs(to_a + to_b + neither - 100.0) > MATRIX_SUM_TOLERANCE:
                errors.append(
                    LineError(line, "transfer", f"{origin}'s voters sum to {to_a + to_b + neither:g}, not 100")
                )
                continue
            rows[origin] = TransferRow(to_a, to_b, neither, line)
        matrices.append(
            TransferMatrix(g["pid"], p.pollster.strip(), p.fieldwork_start, p.fieldwork_end, a, b, rows, "poll CSV")
        )
    errors.sort(key=lambda e: e.line)
    notices.sort(key=lambda p: (p.fieldwork_end, p.fieldwork_start, p.id))
    return QuestionCsv(tuple(notices), tuple(matrices), tuple(errors), parsed.dates_unordered)
