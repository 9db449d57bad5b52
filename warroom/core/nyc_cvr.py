"""New York City's published cast-vote records: the Board of Elections' per-ballot export, read into ballots.

The format (the Board's ranked-choice cast-vote-record release, 2021 onward; one Excel workbook per batch of
ballots, or the same sheet saved as CSV):

* One row per ballot paper, a header row first. Columns that are not a contest's rankings ("Cast Vote
  Record", "Precinct", "Ballot Style", ...) are ignored; "Cast Vote Record" names a paper in error messages.
* Each ranked contest has one column per ranking, headed `<office> Choice <k> of <n> <district> (<id>)`, e.g.
  `DEM Mayor Choice 1 of 5 Citywide (026916)` or `DEM Council Member Choice 3 of 5 36th Council District
  (026940)`. `<n>` is how many rankings the contest has: that is where the ranking limit is read from.
* A cell holds a candidacy ID (digits, named in the Board's separate `CandidacyID_To_Name` workbook: an ID
  column and a name column), a candidate's name, `Write-in`, `undervote` (no mark at that ranking) or
  `overvote` (more than one mark). A paper whose cells for the contest are all empty did not carry the contest
  (another party's or district's ballot) and is left out.

The law's reading of a paper (New York City Charter section 1057-g and the Board's RCV rules), as data in
`NYC_RULES`: five rankings count; a skipped ranking is passed over, however many; an overvoted ranking
exhausts the ballot when the count reaches it; a candidate ranked again is passed over; a paper with no valid
first ranking counts from its first valid one; candidates who cannot win are excluded together (batch
elimination, as the Board's round-by-round reports show). Write-ins count together as one "Write-in"
candidate, excluded alone in the first round of exclusions, and a count that goes past round 1 runs on until
two candidates are left (the Board's certified 2021 reports: see core.count). `rules_for(contest)` is these rules with the contest's own number of rankings.

Reading is all or nothing: any problem (no ranked columns, a ranking column missing or repeated, a contest not
chosen when a file holds several, files that disagree on a contest's columns, an unknown candidacy ID, a
cell that is not a ranking, a paper's Cast Vote Record met twice in one file, a file given twice, a `count`
column: a ballot CSV's weighted rows under the Board's headers) raises `NycFormatError` naming the file, row and column (spreadsheet letter and
header), and nothing is returned. The ballots come back as a weighted profile (`BallotTable`: one row per
ranking pattern with its count), which `core.count.count_ballots` counts and `irv_scenario.prior_from_ballots`
turns into a transfer prior.

Excel workbooks are read with the standard library, streaming the sheet: regular expressions pick the
contest's cells out of the sheet's XML (the layout Excel writes), and a sheet laid out any other way is read
with the XML parser; both give the same ballots.
"""

from __future__ import annotations

import csv
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

import numpy as np

from warroom.core.ballots import BLANK, MARKS_JOIN, MAX_CANDIDATES, OVERVOTE, BallotTable
from warroom.core.count import CountRules, Overvote, is_write_in
from warroom.core.infile import CsvRecords, open_regular

__all__ = [
    "NYC_RULES",
    "NycContest",
    "NycCvr",
    "NycFormatError",
    "contests_in",
    "is_nyc_file",
    "looks_like_nyc",
    "read_candidacy_names",
    "read_nyc_cvr",
    "rules_for",
]

NYC_RULES = CountRules(
    max_rankings=5,
    exhaust_after_skips=None,
    overvote=Overvote.EXHAUST,
    first_choice_required=False,
    full_preferential=False,
    batch_elimination=True,
    write_ins_first=True,
    final_two=True,
)
"""New York City's reading of a ranked-choice paper (see the module docstring)."""

WRITE_IN = "Write-in"

_COLUMN = re.compile(
    r"^\s*(?P<office>.+?)\s+Choice\s+(?P<k>\d+)\s+of\s+(?P<n>\d+)\s+(?P<district>.+?)\s*\((?P<id>\d+)\)\s*$"
)
"""A ranking column's header. `\\d` is any script's digit on purpose: such a column is still seen as the Board's layout,
and `contests_in` refuses a number that is not plain 0-9 (int() would read "٣" as 3, "０２６９１６" as 026916)."""
_BLANK_WORDS = frozenset({"undervote", ""})
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


class NycFormatError(ValueError):
    """A cast-vote-record file this reader cannot take; the message names the file, row and column."""


@dataclass(frozen=True)
class NycContest:
    """One ranked contest in the header.

    Attributes:
        office: as the header writes it, party first ("DEM Mayor").
        district: "Citywide", "36th Council District", ...
        contest_id: the Board's contest number ("026916").
        rankings: how many rankings the paper offers ("of 5").
        columns: the column index of each ranking, first choice first.
    """

    office: str
    district: str
    contest_id: str
    rankings: int
    columns: tuple[int, ...]

    @property
    def name(self) -> str:
        return f"{self.office} {self.district}"

    def matches(self, wanted: str) -> bool:
        """Whether `wanted` names this contest: its id, its office, or office and district (any case)."""
        key = " ".join(wanted.split()).casefold()
        return key in {self.contest_id.casefold(), self.office.casefold(), self.name.casefold()} or (
            _is_id(key) and _is_id(self.contest_id) and int(key) == int(self.contest_id)
        )


@dataclass(frozen=True, eq=False)
class NycCvr:
    """A contest's ballots read from the Board's cast-vote records.

    Attributes:
        contest: the contest read.
        table: the ballots as a weighted profile (candidates by name, one row per ranking pattern).
        rules: `NYC_RULES` with the contest's number of rankings.
        papers: ballot papers that carried the contest (rows with at least one cell for it).
        skipped: rows left out because they did not carry the contest (every cell for it empty).
        files: the files read, in order.
    """

    contest: NycContest
    table: BallotTable
    rules: CountRules
    papers: int
    skipped: int
    files: tuple[str, ...]


def rules_for(contest: NycContest) -> CountRules:
    """New York City's rules with the contest's own number of rankings."""
    return replace(NYC_RULES, max_rankings=contest.rankings)


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": the spreadsheet name of a column."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def contests_in(header: Sequence[str], where: str = "the file") -> list[NycContest]:
    """The ranked contests a header names, in order of first column.

    Raises:
        NycFormatError: a contest's ranking columns are incomplete, repeated, or disagree on how many there are.
    """
    found: dict[tuple[str, str, str], dict[int, int]] = {}
    sizes: dict[tuple[str, str, str], set[int]] = {}
    for col, text in enumerate(header):
        m = _COLUMN.match(text or "")
        if m is None:
            continue
        where_col = f"{where}, row 1, column {column_letter(col)} ({text.strip()!r})"
        for part in ("k", "n", "id"):
            if not _is_id(m[part]):  # core.validation.plain_decimal's rule: every reader takes ASCII digits only
                raise NycFormatError(f"{where_col}: {m[part]!r} is not a number written in the digits 0-9")
        key = (" ".join(m["office"].split()), " ".join(m["district"].split()), m["id"])
        k, n = int(m["k"]), int(m["n"])
        if not 1 <= k <= n:
            raise NycFormatError(f"{where_col}: choice {k} of {n} is not a ranking")
        if n > len(header):  # listing the missing choices of "of 999999999" took gigabytes
            raise NycFormatError(f"{where_col}: {n:,} rankings, but the header has only {len(header):,} columns")
        ranks = found.setdefault(key, {})
        if k in ranks:
            raise NycFormatError(f"{where_col}: choice {k} appears twice (also column {column_letter(ranks[k])})")
        ranks[k] = col
        sizes.setdefault(key, set()).add(n)
    out: list[NycContest] = []
    for key, ranks in found.items():
        office, district, contest_id = key
        if len(sizes[key]) > 1:
            raise NycFormatError(
                f"{where}, row 1: {office} {district} ({contest_id}) has columns saying "
                f"{' and '.join(f'of {n}' for n in sorted(sizes[key]))} rankings"
            )
        n = sizes[key].pop()
        missing = [k for k in range(1, n + 1) if k not in ranks]
        if missing:
            raise NycFormatError(
                f"{where}, row 1: {office} {district} ({contest_id}) has no column for choice "
                f"{', '.join(map(str, missing))} of {n}"
            )
        out.append(NycContest(office, district, contest_id, n, tuple(ranks[k] for k in range(1, n + 1))))
    return sorted(out, key=lambda c: c.columns[0])


def looks_like_nyc(header: Sequence[str]) -> bool:
    """Whether a header row is the Board's cast-vote-record layout (at least one `Choice k of n` column)."""
    return any(_COLUMN.match(h or "") for h in header)


def ballot_file_kind(path: str | Path) -> str:
    """Which reader a ballot file takes: "blt" (a .blt file: core.blt), "nyc" (the Board's export: read_nyc_cvr) or
    "csv" (a ballot CSV: csvformat.parse_ballot_file). One rule for `warroom count` and the window's "From last
    election's ballots…".

    Raises:
        OSError: the file cannot be read.
    """
    if Path(path).suffix.casefold() == ".blt":
        return "blt"
    return "nyc" if is_nyc_file(path) else "csv"


def is_nyc_file(path: str | Path) -> bool:
    """Whether a file is the Board's export: an Excel workbook, or a CSV whose header has `Choice k of n` columns.

    Raises:
        OSError: the file cannot be read.
    """
    path = Path(path)
    if path.suffix.casefold() in {".xlsx", ".xlsm"}:
        return True
    with open_regular(path) as handle:
        first = handle.readline(1 << 20).decode("utf-8-sig", errors="replace")
    try:  # the first line, however it ends (LF, CRLF or an old Mac's lone CR)
        header = next(csv.reader([first.splitlines()[0] if first.strip() else first]))
    except (StopIteration, csv.Error):
        return False
    return looks_like_nyc(header)


def read_candidacy_names(path: str | Path) -> dict[str, str]:
    """The Board's candidacy ID -> name workbook (or CSV): an ID column and a name column, header first.

    The ID column is the first whose header ends in "id"; the name column the first other one whose header
    contains "name" (the Board's: "CandidacyID", "DefaultBallotName").

    Raises:
        NycFormatError: the file cannot be read, has no such columns, or gives an ID twice (row and column named).
        OSError: the file cannot be opened.
    """
    where = Path(path).name
    rows = _rows(Path(path))
    try:
        _, header = next(rows)
    except StopIteration:
        raise NycFormatError(f"{where}: the file is empty") from None
    letters = [re.sub(r"[^a-z]", "", h.casefold()) for h in header]  # "Candidacy ID" -> "candidacyid"
    id_col = next((i for i, h in enumerate(letters) if h.endswith("id")), None)
    name_col = next((i for i, h in enumerate(letters) if "name" in h and i != id_col), None)
    if id_col is None or name_col is None:
        raise NycFormatError(f"{where}, row 1: needs a candidacy ID column and a name column, found {header}")
    names: dict[str, str] = {}
    for row_no, row in rows:
        cid = _cell(row, id_col)
        name = _cell(row, name_col)
        if not cid and not name:
            continue
        at = f"{where}, row {row_no}"
        if not _is_id(cid):
            raise NycFormatError(f"{at}, column {column_letter(id_col)}: {cid!r} is not a candidacy ID")
        if not name:
            raise NycFormatError(f"{at}, column {column_letter(name_col)}: candidacy {cid} has no name")
        key = str(int(cid))
        if key in names and names[key] != name:
            raise NycFormatError(f"{at}: candidacy {cid} is named twice ({names[key]!r} and {name!r})")
        names[key] = name
    return names


def read_nyc_cvr(
    paths: str | Path | Iterable[str | Path],
    contest: str | None = None,
    candidacy: str | Path | dict[str, str] | None = None,
) -> NycCvr:
    """Read one contest's ballots from the Board's cast-vote-record files (all or nothing).

    Args:
        paths: one file or several (.xlsx, or .csv saved from the sheet); all must lay the contest out alike.
        contest: which contest (its id, office, or office and district); needed when a file holds several.
        candidacy: the Board's candidacy ID -> name file, or the mapping itself; needed when cells hold IDs.

    Returns:
        The contest, its ballots as a weighted profile, and the rules to count them by.

    Raises:
        NycFormatError: see the module docstring; the message names file, row and column.
        OSError: a file cannot be opened.
    """
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if not files:
        raise NycFormatError("no cast-vote-record files given")
    names_by_id = read_candidacy_names(candidacy) if isinstance(candidacy, str | Path) else (candidacy or {})
    codes: dict[str, int] = {}
    names: list[str] = []
    patterns: dict[tuple[int, ...], list[int]] = {}  # ranking codes -> [count, first row]
    chosen: NycContest | None = None
    papers = skipped = 0
    for i, path in enumerate(files):
        where = path.name
        twin = next((f for f in files[:i] if _same_file(f, path)), None)
        if twin is not None:  # its papers would each be counted twice
            raise NycFormatError(f"{where}: given twice (also as {twin}); each paper counts once")
        sheet = _Sheet(path)
        header = sheet.header
        found = contests_in(header, where)
        if not found:
            other = (  # a ballot file (count, preference columns) kept in a workbook: the way to count it
                "; a ballot file in a workbook is counted once saved as CSV UTF-8 (Excel: Save as > CSV UTF-8)"
                if path.suffix.casefold() in {".xlsx", ".xlsm"}
                else ""
            )
            raise NycFormatError(
                f"{where}, row 1: no ranked-choice columns (headed like 'DEM Mayor Choice 1 of 5 Citywide (026916)')"
                + other
            )
        counted = next((i for i, h in enumerate(header) if h.strip().lstrip("\ufeff").casefold() == "count"), None)
        if counted is not None:  # ranking patterns with their counts (a ballot CSV) under the Board's headers
            raise NycFormatError(
                f"{where}, row 1, column {column_letter(counted)} ({header[counted].strip()!r}): a count column, but "
                "each row of the Board's export is one paper and would be counted once, whatever its count; a file "
                "of ranking patterns with counts is a ballot CSV: head its ranking columns rank1, rank2, ..."
            )
        this = _choose(found, contest, where)
        if chosen is None:
            chosen = this
        elif (this.contest_id, this.rankings) != (chosen.contest_id, chosen.rankings):
            raise NycFormatError(f"{where}: holds {this.name} ({this.contest_id}), not {chosen.name} as the first file")
        id_col = next((i for i, h in enumerate(header) if h.strip().casefold() == "cast vote record"), None)
        wanted = list(this.columns) if id_col is None else [*this.columns, id_col]
        carried = 0
        row_of_paper: dict[str, int] = {}  # a paper's Cast Vote Record -> the row it was first read at
        for row_no, selected in sheet.rows(wanted):
            if id_col is not None and selected[-1]:
                first = row_of_paper.setdefault(selected[-1], row_no)
                if first != row_no:  # rows copied twice (two exports joined, a paste done twice): counted twice
                    raise NycFormatError(
                        f"{where}, row {row_no}, column {column_letter(id_col)} (Cast Vote Record): paper "
                        f"{selected[-1]!r} is also row {first}; each paper counts once (rows copied twice?)"
                    )
            cells = selected[: this.rankings]
            if not any(cells):
                continue
            carried += 1
            ranking = []
            for k, (col, text) in enumerate(zip(this.columns, cells, strict=True)):
                try:
                    ranking.append(_code(text, names_by_id, codes, names))
                except ValueError as exc:
                    paper = f" (cast vote record {selected[-1]})" if id_col is not None else ""
                    raise NycFormatError(
                        f"{where}, row {row_no}, column {column_letter(col)} ({this.name} choice {k + 1}){paper}: {exc}"
                    ) from None
            entry = patterns.setdefault(tuple(ranking), [0, row_no])
            entry[0] += 1
        papers += carried
        skipped += sheet.body_rows - carried
    assert chosen is not None
    if not patterns:
        raise NycFormatError(f"{', '.join(p.name for p in files)}: no ballot carries {chosen.name}")
    ranks = np.array(list(patterns), dtype=np.int16).reshape(len(patterns), chosen.rankings)
    counts = np.array([v[0] for v in patterns.values()], dtype=np.int64)
    lines = np.array([v[1] for v in patterns.values()], dtype=np.int64)
    table = BallotTable(tuple(names), np.asfortranarray(ranks), counts, lines)
    return NycCvr(chosen, table, rules_for(chosen), papers, skipped, tuple(str(p) for p in files))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:  # not there: opening it says so
        return False


def _choose(found: list[NycContest], wanted: str | None, where: str) -> NycContest:
    listed = "; ".join(f"{c.name} ({c.contest_id})" for c in found)
    if wanted is None:
        if len(found) > 1:
            raise NycFormatError(f"{where}: holds {len(found)} contests, say which one: {listed}")
        return found[0]
    hits = [c for c in found if c.matches(wanted)]
    if not hits:
        raise NycFormatError(f"{where}: no contest {wanted!r} (it holds: {listed})")
    if len(hits) > 1:
        raise NycFormatError(f"{where}: {wanted!r} names more than one contest ({listed}); give its id")
    return hits[0]


def _code(text: str, names_by_id: dict[str, str], codes: dict[str, int], names: list[str]) -> int:
    folded = text.casefold()
    if folded in _BLANK_WORDS:
        return BLANK
    if folded == "overvote":
        return OVERVOTE
    if _is_id(text):
        if not names_by_id:
            raise ValueError(f"{text!r} is a candidacy ID: give the Board's CandidacyID_To_Name file to name it")
        named = names_by_id.get(str(int(text)))
        if named is None:
            raise ValueError(f"candidacy ID {text} is not in the candidacy file")
        name = named
    else:
        name = text
    # The write-ins are one candidate, excluded first, however a cell or the candidacy file spells them ("Write-in",
    # "WRITE-IN", "Write In", "UWI"): a candidacy file's "WRITE-IN" had been a candidate of its own beside the cells'
    # "Write-in", counted apart and never excluded first.
    if is_write_in(name) or name.casefold() == "uwi":
        name = WRITE_IN
    code = codes.get(name)
    if code is None:
        if _COLUMN.match(name) or name.casefold() == "cast vote record":
            raise ValueError(f"{name[:60]!r} is a column header, not a candidate (two exports joined into one file?)")
        if MARKS_JOIN in name:
            raise ValueError(f"{name!r}: a candidate's name holds no '=' (the city writes two marks as 'overvote')")
        if len(names) >= MAX_CANDIDATES:
            raise ValueError(
                f"more than {MAX_CANDIDATES:,} different candidates ({name[:40]!r} would be one more): not a ballot file"
            )
        code = codes[name] = len(names)
        names.append(name)
    return code


def _cell(row: Sequence[str], col: int | None) -> str:
    return row[col].strip() if col is not None and col < len(row) else ""


class _Sheet:
    """A cast-vote-record sheet: its header, then only the columns a contest needs, row by row.

    A workbook's rows are found with regular expressions over the sheet's XML (the layout Excel and the
    Board write: each cell's reference first), which is several times faster than an XML parser over a
    million papers; a sheet laid out any other way is read with the XML parser instead. Both give the same
    rows (tested). `body_rows` counts the rows after the header once they have all been read.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.body_rows = 0
        rows = _rows(path)
        try:
            self.header_row, self.header = next(rows)
        except StopIteration:
            raise NycFormatError(f"{path.name}: the file is empty") from None
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()

    def rows(self, columns: list[int]) -> Iterator[tuple[int, list[str]]]:
        """(row number, the cells at `columns`) of every row after the header that has one of them filled
        (a workbook) or of every row (a CSV)."""
        if self.path.suffix.casefold() in {".xlsx", ".xlsm"}:
            yield from self._xlsx(columns)
            return
        for row_no, row in _rows(self.path):
            if row_no <= self.header_row:
                continue
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            self.body_rows += 1
            yield row_no, [_cell(row, c) for c in columns]

    def _xlsx(self, columns: list[int]) -> Iterator[tuple[int, list[str]]]:
        done = 0
        try:
            for row_no, cells in _xlsx_selected(self.path, columns, self):
                done = row_no
                yield row_no, cells
        except _OddLayout:
            self.body_rows = 0
            for row_no, row in _xlsx_rows(self.path):
                if row_no <= self.header_row:
                    continue
                self.body_rows += 1
                if row_no <= done:
                    continue
                cells = [_cell(row, c) for c in columns]
                if any(cells):
                    yield row_no, cells


class _OddLayout(Exception):
    """A sheet the regular-expression reader does not take: read it with the XML parser."""


_ROW_START = re.compile(rb"<row\b")
_ODD_CELL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z]+[0-9]+")')  # a cell whose first attribute is not its reference
_V = re.compile(r"<v>(.*?)</v>", re.S)
_T = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_BLOCK = 1 << 23
_MAX_ROW_BYTES = 1 << 26
"""The longest row of a sheet (64 MB of XML): a paper's row is a few kilobytes."""
_MAX_PARSED_ROW_BYTES = 1 << 21
"""The longest row the XML parser reads (2 MB of XML, under 100 MB parsed): Excel's widest row,
16,384 cells, is well under it; a row past it is refused before it is all parsed."""
_MAX_COLUMNS = 16_384
"""Excel's last column, XFD: a cell past it is refused (padding a row out to column ZZZZZZ took 2.5 GB)."""
_MAX_PART_BYTES = 1 << 26
"""The largest shared-strings, workbook or relations part (64 MB unpacked). The Board's workbooks hold a few
thousand shared strings; a part past this is refused before it is unpacked, and one under it is streamed."""
_ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)
"""What reading a damaged part raises: a bad checksum, compressed data that is not, or data cut short."""


class _RowBound:
    """A sheet part as the XML parser reads it, refused once a row runs past `_MAX_PARSED_ROW_BYTES`.

    The parser builds a row's every cell before the row ends: a row of millions of cells (a zip bomb) would be
    gigabytes of elements. `row_ended()` marks each row's end; a read more than the limit past the last end
    raises (the parser reads 16 KB at a time, so the check lags by no more than that).
    """

    def __init__(self, handle: IO[bytes], where: str) -> None:
        self._handle = handle
        self._where = where
        self._position = 0
        self._last_end = 0
        self.row = 0

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size if size > 0 else 1 << 16)
        self._position += len(data)
        if self._position - self._last_end > _MAX_PARSED_ROW_BYTES:
            raise NycFormatError(
                f"{self._where}, row {self.row + 1}: the row runs past {_MAX_PARSED_ROW_BYTES >> 20:,} MB of the "
                "sheet (more cells than Excel's 16,384 columns): not a cast-vote record"
            )
        return data

    def row_ended(self, row: int) -> None:
        self._last_end = self._position
        self.row = row


def _xlsx_selected(path: Path, columns: list[int], sheet: _Sheet) -> Iterator[tuple[int, list[str]]]:
    """The cells at `columns` of each row after the header that has any of them, straight from the XML text.

    Raises:
        _OddLayout: the sheet is not laid out as this reader expects (nothing is wrong with it).
    """
    position = {column_letter(c): i for i, c in enumerate(columns)}
    alternatives = "|".join(sorted(position, key=len, reverse=True))
    # Possessive: an attribute list stops at `<` or `>`, a cell's inside at the next cell's start or end tag, so
    # a cell that never closes is found at once (`.*?` searched the rest of the row for every such cell) and its
    # missing `</c>` (group 5) sends the sheet to the XML parser, which names the fault.
    cell = re.compile(
        rf'<c r="({alternatives})([0-9]+)"((?:[^<>/]++|/(?!>))*+)(?:/>|>((?:[^<]++|<(?!/?c[\s/>]))*+)(</c>)?)', re.S
    )
    book, strings, part = _workbook(path)
    with book, _damaged_is_a_message(path), book.open(part) as handle:
        rest = b""
        current = -1
        cells: list[str] = []
        filled: list[bool] = []  # which of `columns` the current row has had a cell for
        while True:
            block = handle.read(_BLOCK)
            data = rest + block
            last = data.rfind(b"</row>")  # the rows end after the last row's end: only what follows is searched
            end = data.find(b"</sheetData>", last + len(b"</row>") if last >= 0 else max(0, len(rest) - 11))
            if end >= 0:
                data, block = data[:end], b""  # the rows are over: what follows (links, merged cells) is not read
            cut = last + len(b"</row>") if block else len(data)
            if cut < len(b"</row>") and block:
                if len(data) > _MAX_ROW_BYTES:  # gathering it would copy it again for every block
                    raise NycFormatError(
                        f"{path.name}: a row of the sheet runs past {_MAX_ROW_BYTES >> 20:,} MB without "
                        f"ending (after row {max(current, sheet.header_row)}): not a cast-vote record"
                    )
                rest = data
                continue
            chunk, rest = data[:cut], data[cut:]
            if _ODD_CELL.search(chunk) or _other_markup(chunk):
                raise _OddLayout
            sheet.body_rows += len(_ROW_START.findall(chunk))
            for m in cell.finditer(chunk.decode("utf-8")):
                if m[4] is not None and m[5] is None:
                    raise _OddLayout  # a cell that never closes: the XML parser names what is wrong
                row_no = int(m[2])
                if row_no < current:  # the XML parser read a repeated row as one more paper, this as the same one
                    raise NycFormatError(
                        f"{path.name}, row {row_no}: comes after row {current} (rows repeated or out of order)"
                    )
                if row_no != current:
                    if current > sheet.header_row and any(cells):
                        yield current, cells
                    current, cells, filled = row_no, [""] * len(columns), [False] * len(columns)
                at = position[m[1]]
                if filled[at]:  # this reader kept the last, the XML parser the first
                    raise NycFormatError(f"{path.name}, row {row_no}, column {m[1]}: the cell appears twice")
                filled[at] = True
                if row_no <= sheet.header_row:
                    continue
                try:
                    cells[at] = _cell_text(m[3], m[4], strings)
                except ValueError as exc:
                    raise NycFormatError(f"{path.name}, row {row_no}, column {m[1]}: {exc}") from None
            if not block:
                break
        if current > sheet.header_row and any(cells):
            yield current, cells
    sheet.body_rows -= 1 if sheet.header_row else 0  # the header row was counted with the others


def _other_markup(chunk: bytes) -> bool:
    """Whether `chunk` holds CDATA, a comment, a DTD or a processing instruction past the XML declaration, which the
    regular expressions would read as text (a candidate '<![CDATA[Ann]]>'): the XML parser reads those."""
    # `!` and `?` alone first: one fast pass each, where `<!` costs ten times more ('<' begins every tag)
    return (b"!" in chunk and b"<!" in chunk) or (b"?" in chunk and chunk.find(b"<?", 1) >= 0)


_XML_ENTITY = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));")
_NOT_XML_ENTITY = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);)")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match[str]) -> str:
    """One XML character reference or predefined entity, as the XML parser reads it."""
    if m[3]:
        return _NAMED[m[3]]
    code = int(m[1]) if m[1] else int(m[2], 16)
    if not (0 < code <= 0x10FFFF):
        raise _OddLayout  # not a character: the XML parser names the fault
    return chr(code)


def _cell_text(attrs: str, inner: str | None, strings: list[str]) -> str:
    """A cell's value from its attributes and inner XML (as `_xlsx_value` reads the parsed element)."""
    kind = m[1] if (m := re.search(r'\bt="(\w+)"', attrs)) else "n"
    if not inner:
        return ""
    if kind == "inlineStr":
        if "<rPh" in inner:
            inner = _PHONETIC.sub("", inner)  # a reading guide above the text, not part of it
        text = "".join(_T.findall(inner))
    else:
        v = _V.search(inner)
        text = v[1] if v else ""
    if "&" in text:
        if _NOT_XML_ENTITY.search(text):  # `&eacute;` is HTML's, not XML's: the XML parser refuses it
            raise _OddLayout
        text = _XML_ENTITY.sub(_entity, text)
    return _typed_value(kind, text, strings)


_NOT_A_RANKING = {"e": "an Excel error value ({})", "d": "a date ({})", "b": "a TRUE/FALSE value"}
"""Cell types that hold no name or candidacy ID: an error (a formula that failed), a date, a boolean."""


def _typed_value(kind: str, text: str, strings: list[str]) -> str:
    """A cell's text from its type and raw value: a shared string looked up, a number as a whole number.

    Raises:
        ValueError: a shared-string index that is not one, a number that is not a whole number from 0
            (a candidacy ID): never a candidate called 'nan' or '1e400'; an error, date or TRUE/FALSE cell.
    """
    if kind in _NOT_A_RANKING and text:  # `#N/A` from a formula, a date, TRUE: never a candidate of that name
        raise ValueError(f"{_NOT_A_RANKING[kind].format(text)}, not a ranking")
    if kind == "s":
        if not text:
            return ""
        if not (text.isascii() and text.isdigit() and int(text) < len(strings)):
            raise ValueError(f"shared string {text!r} is not in the workbook's {len(strings):,} strings")
        return strings[int(text)]
    if kind == "n" and text:
        try:
            if not text.isascii() or "_" in text:  # float() reads "1_0" as 10 and other scripts' digits
                raise ValueError
            number = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is marked as a number but is not one") from None
        if not (math.isfinite(number) and number.is_integer() and number >= 0):
            raise ValueError(f"the number {text!r} is not a candidacy ID (a whole number)")
        return str(int(number))
    return text


def _is_id(text: str) -> bool:
    """A candidacy or contest ID: digits 0-9 only (`str.isdigit` also takes '²', which int() refuses, and other
    scripts' digits, which int() reads as another ID)."""
    return text.isascii() and text.isdigit()


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of a sheet's rows, header first: an Excel workbook's first sheet, or a CSV."""
    with open_regular(path):  # a FIFO or device is refused at once (OSError), never waited on
        pass
    if path.suffix.casefold() in {".xlsx", ".xlsm"}:
        return _xlsx_rows(path)
    return _csv_rows(path)


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NycFormatError(f"{path.name}: not UTF-8 text (byte {exc.start:,}); save the sheet as CSV UTF-8") from None
    reader = CsvRecords(text)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise NycFormatError(f"{path.name}, line {reader.line_num}: {exc}") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows, streamed (shared strings, inline strings and numbers; no formulas run).

    Memory stays bounded whatever the sheet: a row is refused past 4 MB of XML (`_RowBound`) or a cell past
    Excel's last column, and each row read is dropped from the tree (emptied rows kept, 100 bytes each, add up
    to gigabytes over the 100 million empty rows of a 1 MB file).
    """
    book, strings, sheet = _workbook(path)
    with book:
        try:
            with _damaged_is_a_message(path), book.open(sheet) as handle:
                bounded = _RowBound(handle, path.name)
                row_no = 0
                parent: ElementTree.Element | None = None
                for event, elem in ElementTree.iterparse(bounded, events=("start", "end")):
                    if event == "start":
                        if elem.tag == f"{_MAIN}sheetData":
                            parent = elem
                        continue
                    if elem is parent:  # the rows are over: what follows (links, merged cells) is not read
                        break
                    if elem.tag != f"{_MAIN}row":
                        continue
                    previous, row_no = row_no, int(elem.get("r", row_no + 1))
                    if row_no <= previous:  # a repeated row: one more paper here, the same one to the fast reader
                        raise NycFormatError(
                            f"{path.name}, row {row_no}: comes after row {previous} (rows repeated or out of order)"
                        )
                    cells: list[str] = []
                    for c in elem.iter(f"{_MAIN}c"):
                        try:
                            col = _column_index(c.get("r"), len(cells), row_no)
                        except ValueError as exc:
                            raise NycFormatError(f"{path.name}, row {row_no}: {exc}") from None
                        cells.extend([""] * (col - len(cells)))
                        try:
                            cells.append(_xlsx_value(c, strings))
                        except ValueError as exc:
                            raise NycFormatError(
                                f"{path.name}, row {row_no}, column {column_letter(col)}: {exc}"
                            ) from None
                    elem.clear()
                    if parent is not None:
                        parent.clear()  # the row is read: let it go
                    bounded.row_ended(row_no)
                    yield row_no, cells
        except NycFormatError:
            raise
        except (KeyError, ElementTree.ParseError, ValueError) as exc:
            raise NycFormatError(f"{path.name}: the workbook cannot be read ({exc})") from None


@contextmanager
def _damaged_is_a_message(path: Path) -> Iterator[None]:
    """Turn a damaged part's read error (bad checksum, corrupt or cut-short data) into a message naming the file."""
    try:
        yield
    except _DAMAGED as exc:
        raise NycFormatError(
            f"{path.name}: the workbook is damaged ({exc}); open it in Excel and save it again"
        ) from None


def _workbook(path: Path) -> tuple[zipfile.ZipFile, list[str], str]:
    """(the open workbook, its shared strings, its first worksheet's part name); the caller closes the book.

    Raises:
        NycFormatError: not a workbook, or its strings or sheet list cannot be read (naming the file).
    """
    try:
        book = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with open_regular(path) as handle:
            compound = handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        if compound:  # Excel's "Encrypt with password" saves a compound file, as the 97-2003 .xls was
            raise NycFormatError(
                f"{path.name}: a password-protected workbook or an Excel 97-2003 one, not an .xlsx: open it in "
                "Excel, remove the password and save it as an Excel workbook (.xlsx) or CSV UTF-8"
            ) from None
        raise NycFormatError(f"{path.name}: not an Excel workbook (.xlsx)") from None
    try:
        seen: set[str] = set()
        for info in book.infolist():
            if info.filename in seen:  # zipfile reads the last of two, Excel calls the file damaged
                raise NycFormatError(
                    f"{path.name}: the workbook holds two parts named {info.filename} (damaged, or made to show "
                    "Excel one sheet and this app another): open it in Excel and save it again"
                )
            seen.add(info.filename)
            if info.flag_bits & 0x1:  # zip encryption: zipfile raised RuntimeError("password required")
                raise NycFormatError(
                    f"{path.name}: the workbook is encrypted ({info.filename}): save it without a password"
                )
            if info.compress_type not in _ZIP_METHODS:  # zipfile raised NotImplementedError
                raise NycFormatError(
                    f"{path.name}: the workbook is compressed in a way this app cannot read ({info.filename}, "
                    f"method {info.compress_type}): open it in Excel and save it again"
                )
        with _damaged_is_a_message(path):
            return book, _shared_strings(book), _first_sheet(book)
    except (KeyError, ElementTree.ParseError, ValueError) as exc:
        book.close()
        if isinstance(exc, NycFormatError):
            raise
        raise NycFormatError(f"{path.name}: the workbook cannot be read ({exc})") from None


def _read_part(book: zipfile.ZipFile, name: str) -> bytes:
    """A workbook part read whole, refused unread if it unpacks past _MAX_PART_BYTES (a zip bomb).

    Raises:
        KeyError: no such part.
        ValueError: the part is too large.
    """
    size = book.getinfo(name).file_size
    if size > _MAX_PART_BYTES:
        raise ValueError(
            f"{name} unpacks to {size:,} bytes (more than {_MAX_PART_BYTES >> 20:,} MB): not a ballot workbook"
        )
    return book.read(name)


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    """The shared strings, streamed: each string element is dropped once read (parsed whole, 250 MB of them
    took 2.8 GB), so memory is about the strings themselves.

    Raises:
        ValueError: the part is past _MAX_PART_BYTES (checked before it is unpacked).
    """
    name = "xl/sharedStrings.xml"
    try:
        size = book.getinfo(name).file_size
    except KeyError:
        return []
    if size > _MAX_PART_BYTES:
        raise ValueError(
            f"{name} unpacks to {size:,} bytes (more than {_MAX_PART_BYTES >> 20:,} MB): not a ballot workbook"
        )
    strings: list[str] = []
    root: ElementTree.Element | None = None
    with book.open(name) as handle:
        for event, elem in ElementTree.iterparse(handle, events=("start", "end")):
            if root is None:
                root = elem
            if event == "end" and elem.tag == f"{_MAIN}si":
                strings.append(_rich_text(elem))
                root.clear()  # read: let it go (an `si` sits right under the root)
    return strings


def _first_sheet(book: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(_read_part(book, "xl/workbook.xml"))
    first = next(workbook.iter(f"{_MAIN}sheet"), None)
    if first is None:
        raise ValueError("no worksheet")
    rel_id = first.get(f"{_REL}id")
    rels = ElementTree.fromstring(_read_part(book, "xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise ValueError("the first worksheet's part is missing")


def _column_index(ref: str | None, default: int, row: int) -> int:
    """A cell's column index from its reference ("C7" -> 2), else `default` (the cell after the last).

    Raises:
        ValueError: not a reference, a column past Excel's last (XFD), a cell of another row, or a cell before
            `default` (repeated or out of order: the fast reader kept the last of two, this the first).
    """
    if not ref:
        if default >= _MAX_COLUMNS:
            raise ValueError(f"the row has more cells than Excel's last column (XFD, the {_MAX_COLUMNS:,}th)")
        return default
    m = _CELL_REF.match(ref)
    if m is None:
        raise ValueError(f"bad cell reference {ref!r}")
    index = 0
    for ch in m[1]:
        index = index * 26 + ord(ch) - 64
    if index > _MAX_COLUMNS:
        raise ValueError(f"the cell {ref} is past Excel's last column (XFD, the {_MAX_COLUMNS:,}th)")
    if int(m[2]) != row:
        raise ValueError(f"the cell {ref} is not in row {row}")
    if index - 1 < default:
        raise ValueError(f"the cell {ref} appears twice or out of order")
    return index - 1


def _rich_text(item: ElementTree.Element) -> str:
    """A string item's text as Excel shows it: its `t`, or its runs' `t`s; never a phonetic reading guide (`rPh`,
    which Japanese Excel adds above names typed with an input method: 'Ann' read as 'Annアン')."""
    parts: list[str] = []
    for child in item:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{_MAIN}t"))
    return "".join(parts)


def _xlsx_value(cell: ElementTree.Element, strings: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_MAIN}is")
        return "" if inline is None else _rich_text(inline)
    v = cell.find(f"{_MAIN}v")
    text = v.text or "" if v is not None else ""
    return _typed_value(kind, text, strings)
