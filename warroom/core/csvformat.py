"""The poll and ballot CSV formats: parsing with line-numbered errors, and formula-safe writing.

Poll CSV: one row per poll. Fixed columns (any order, header names case-insensitive):
    pollster, client, fieldwork_start, fieldwork_end, published, sample_size, method, source_url, notes
Figures, one column each:
    first:<candidate>          first-round share (%); <candidate> is a code or a name; `first:other` allowed
    second:<candidate>         published head-to-head second-round share (%)
    party:<party>              party voting intention (%)
    transfer:<from>><to>       % of <from>'s voters whose second preference is <to> (or `exhausted`)
`first_<candidate>` (underscore) is accepted for `first:<candidate>`, likewise for the others.

Ballot CSV (the weighted-profile shape): `count` column plus preference columns (`pref1`, `pref2`, ... or any
other names, in order); each row is `count` identical ballots (a per-ballot cast-vote record is the same with
every count 1). A blank cell (or `undervote`, `skipped`) is no preference at that ranking; `overvote` is a
ranking marked for more than one candidate, and `A=B` an overvote that says who was marked (see
warroom.core.ballots). Example:

    count,rank1,rank2,rank3
    355,Bob Kiss,Andy Montroll,
    2,Andy Montroll,James Simpson=Kurt Wright,Bob Kiss
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from warroom.core.ballots import (
    MAX_CANDIDATES,
    Ballot,
    BallotLimitError,
    BallotRows,
    BallotTable,
    file_chunks,
    marked_names,
    read_table_chunks,
    read_table_fast,
    table_from_ballots,
)
from warroom.core.infile import CsvRecords, not_csv_text, open_regular
from warroom.core.types import (
    EXHAUSTED,
    Candidate,
    Contest,
    Party,
    Poll,
    TransferObservation,
    echoed,
    without_invisibles,
)
from warroom.core.validation import MAX_SAMPLE_SIZE, iso_date, plain_decimal, validate_poll, whole_number

FIXED = (
    "pollster",
    "client",
    "fieldwork_start",
    "fieldwork_end",
    "published",
    "sample_size",
    "method",
    "source_url",
    "notes",
)
_FIGURE = re.compile(r"^(first|second|party|transfer)[:_](.+)$", re.IGNORECASE)
_FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")  # and their full-width forms, which some spreadsheets map
_PLAIN_NEGATIVE = re.compile(r"-\d+(\.\d+)?")
_QUOTE_IF = frozenset(',"\r\n')


@dataclass(frozen=True, slots=True)
class LineError:
    """A problem at a line (1-based, counting the header as line 1) and a field of a CSV file."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass
class ParseResult:
    polls: list[Poll] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # source line of each poll
    dates_unordered: bool = False  # refused (among others) for dates that read both ways, no order given

    @property
    def ok(self) -> bool:
        return not self.errors


class CsvFormatError(ValueError):
    """The file is not a CSV this app can read at all (no header, missing columns, not text)."""


def _blank_or_control(ch: str) -> bool:
    """Characters a spreadsheet may skip before reading a formula sign: blanks, controls, invisible formats."""
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def _formula_like(value: str) -> bool:
    if not value:
        return False
    if value[0] != " " and _blank_or_control(value[0]):
        return True  # tab, CR, LF, NUL, zero-width...: never a harmless start, whatever follows
    start = next((i for i, ch in enumerate(value) if not _blank_or_control(ch)), len(value))
    if start == len(value) or value[start] not in _FORMULA_SIGNS:
        return False
    return not _PLAIN_NEGATIVE.fullmatch(value)  # "-3.5" is data, and stays readable


def _needs_escape(value: str) -> bool:
    """A formula-like cell, or one that starts with the apostrophes an escape adds (so unescaping is exact)."""
    while value.startswith("'"):
        value = value[1:]
        if _formula_like(value):
            return True
    return _formula_like(value)


def escape_cell(value: str) -> str:
    """Neutralise spreadsheet formulas with a leading apostrophe.

    Escaped: a cell whose first character is a formula sign (= + - @ or a full-width form), or a formula
    sign after any run of spaces, tabs, line breaks, NUL or invisible format characters, or which starts
    with a control character at all; also a cell of apostrophes before such text, so that unescape_cell
    gives back exactly what was written. A plain negative number ("-3.5") is left as it is.
    """
    if value[:1].isalnum():
        # A letter or digit first (a pollster, a date, a figure: nearly every cell) is never formula-like and
        # starts with no apostrophe: as it is, without the character-by-character look (7 s of a 100,000-poll
        # export on the window's thread, benchmarks/bench_menu_stalls.py)
        return value
    return "'" + value if _needs_escape(value) else value


def unescape_cell(value: str) -> str:
    """Undo escape_cell, so an export imports back to the same text."""
    if value.startswith("'") and _needs_escape(value[1:]):
        return value[1:]
    return value


def _csv_line(cells: Iterable[str]) -> str:
    """One CSV record, '\n'-terminated; a cell holding a comma, quote, CR or LF is quoted.

    Python's csv writer leaves a bare CR unquoted when the line terminator is '\n', and a spreadsheet then
    starts a new row there: the text after it would be read as a fresh, unescaped cell.
    """
    return ",".join('"' + c.replace('"', '""') + '"' if _QUOTE_IF.intersection(c) else c for c in cells) + "\n"


@dataclass(frozen=True)
class Spellings:
    """Every accepted spelling of a candidate (or party), case-folded, and the code it means.

    A spelling means one code or none: an exact code wins over a full name, a full name over a surname or
    short name, and a spelling two entries share at its best level (two candidates surnamed Johnson) means
    neither: it is listed in `ambiguous` and refused, never given to whichever came first.
    """

    codes: dict[str, str]
    ambiguous: dict[str, tuple[str, ...]]
    names: dict[str, str]  # code -> full name, for messages

    def get(self, text: str) -> str | None:
        return self.codes.get(spelling_key(text))

    def unknown(self, text: str, what: str = "candidate") -> str:
        """Why `text` names no single entry: ambiguous (naming each, with the code to use), or unknown."""
        codes = self.ambiguous.get(spelling_key(text))
        if codes:
            both = " or ".join(f"{self.names[c]} ({c})" for c in codes)
            return f"{echoed(text.strip())} could be {both}: write the code"
        return f"unknown {what} {echoed(text.strip())}"


def spelling_key(text: str) -> str:
    """How a header or cell names a candidate or party: composed (NFC), trimmed, case-folded. A name typed on a
    Mac or copied from a PDF often arrives decomposed ("U" + combining diaeresis): it was "unknown candidate
    'Ünal'" beside a candidate shown as Ünal, the two spellings drawn alike."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def spellings(entries: Sequence[tuple[str, str, Sequence[str]]]) -> Spellings:
    """The spellings of (code, full name, other names) entries; see Spellings for who wins a shared one."""
    codes: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    names = {code: name for code, name, _more in entries}
    levels: list[list[tuple[str, str]]] = [
        [(code, code) for code, _name, _more in entries],
        [(name, code) for code, name, _more in entries],
        [(other, code) for code, _name, more in entries for other in more],
    ]
    for level in levels:
        found: dict[str, list[str]] = {}
        for text, code in level:
            key = spelling_key(without_invisibles(text))
            if key and key not in codes and key not in ambiguous and code not in found.setdefault(key, []):
                found[key].append(code)
        for key, which in found.items():
            if len(which) == 1:
                codes[key] = which[0]
            else:
                ambiguous[key] = tuple(which)
    return Spellings(codes, ambiguous, names)


def candidate_spellings(contest: Contest) -> Spellings:
    """A contest's candidates by code, full name, surname or short name, plus "other" for grouped others."""
    entries = [
        (c.code, c.name, [c.name.split()[-1] if c.name.split() else "", c.short_name]) for c in contest.candidates
    ]
    return spellings([("other", "other", ()), *entries])


def _transfer_meanings(rest: str, cands: Spellings) -> tuple[list[tuple[str, str]], str]:
    """What a transfer column's `<from>><to>` (or `<from>-><to>`) can mean: every (from, to) pair of codes that
    some '>' in it splits into, with why it names none (the first split's unknown name). A race stored before
    codes were kept free of '>' and a trailing '-' (Contest.problems) can read two ways ("a->d" with codes "a-"
    and "a"): the caller refuses that, never taking whichever split came first."""
    meanings: list[tuple[str, str]] = []
    why = ""
    for at in (i for i, ch in enumerate(rest) if ch == ">"):
        raw_src, dst = rest[:at].strip(), rest[at + 1 :].strip()
        d_code = EXHAUSTED if dst.casefold() in ("exhausted", "none", "no second") else cands.get(dst)
        for src in dict.fromkeys((raw_src.rstrip("-").strip(), raw_src)):  # "a->b" is the arrow form of "a>b"
            s_code = cands.get(src)
            if s_code is not None and d_code is not None:
                if (s_code, d_code) not in meanings:
                    meanings.append((s_code, d_code))
            elif not why:
                why = cands.unknown(src if s_code is None else dst)
    return meanings, why


def _resolver(names: Sequence[tuple[str, str]]) -> Spellings:
    """Map every accepted spelling (code, full name, surname; case-folded) to a code."""
    return spellings([(code, name, [name.split()[-1]] if name.split() else []) for code, name in names])


DATE_ORDERS = {"dmy": "day/month/year", "mdy": "month/day/year"}
"""How a date written in figures alone ("4/5/2012") is read: day first (4 May) or month first (April 5)."""

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]  # not strftime's %B: the window sets the user's locale, and the words would change with it


@dataclass(frozen=True, slots=True)
class FigureDate:
    """A date written in figures alone, day and month in either order, where it was read.

    Attributes:
        first, second, year: its numbers as written ("4/5/2012": 4, 5, 2012).
        line: the line (the header is line 1); field: its column's name; text: the cell as written.
    """

    first: int
    second: int
    year: int
    line: int
    field: str
    text: str

    def readings(self) -> str:
        """Its two readings in words: "4 May 2012 read day first or 5 April 2012 read month first"."""
        day_first = f"{self.first} {_MONTH_NAMES[self.second - 1]} {self.year}"
        month_first = f"{self.second} {_MONTH_NAMES[self.first - 1]} {self.year}"
        return f"{day_first} read day first or {month_first} read month first"


class DateOrderError(ValueError):
    """Dates in figures alone whose order the file does not show (`at`: one that reads both ways), or shows both
    ways (`at`: one written day first; `other`: one written month first)."""

    def __init__(self, message: str, at: FigureDate, other: FigureDate | None = None) -> None:
        super().__init__(message)
        self.at = at
        self.other = other


def figure_date_order(dates: Iterable[FigureDate], chosen: str | None = None) -> tuple[str, FigureDate | None]:
    """The order a file's or table's dates in figures alone are read in, one rule for every reader (the poll CSV,
    pasted tables): the order chosen, when one is; else the one the dates show (a first number past 12,
    "13/4/2012", is a day: day first; a second one past 12, "4/13/2012", month first); else, when one reads both
    ways ("4/5/2012": 4 May or April 5), none: the reader refuses it, never guessing. Read day first whatever the
    file, a US file whose days were all 12 or less was stored with days and months swapped, without a word.

    Returns:
        ("dmy" or "mdy", the first date that shows the order or that the order changes; None when no date
        reads two ways, and the order is "dmy" unless chosen).

    Raises:
        DateOrderError: no order chosen and the dates show none ("'4/5/2012' is 4 May 2012 read day first or 5
            April 2012 read month first"), or show both.
    """
    if chosen is not None and chosen not in DATE_ORDERS:
        raise ValueError(f"date order {chosen!r}: choose one of {', '.join(DATE_ORDERS)}")
    shown: dict[str, FigureDate] = {}
    both_ways: FigureDate | None = None
    for d in dates:
        if not (d.first and d.second):
            continue  # "00/01/2024": no date either way, refused by its reader
        if d.first > 12 and d.second <= 12:
            shown.setdefault("dmy", d)
        elif d.second > 12 and d.first <= 12:
            shown.setdefault("mdy", d)
        elif d.first != d.second and d.first <= 12 and d.second <= 12 and both_ways is None:
            both_ways = d
            if chosen is not None:
                break
    if chosen is not None:
        return chosen, both_ways or shown.get(chosen)
    if len(shown) == 2:
        raise DateOrderError(
            f"the dates are written in both orders: {shown['dmy'].text!r} on line {shown['dmy'].line} is day first, "
            f"{shown['mdy'].text!r} on line {shown['mdy'].line} month first",
            shown["dmy"],
            shown["mdy"],
        )
    if shown:
        order = next(iter(shown))
        return order, shown[order]
    if both_ways is not None:
        raise DateOrderError(f"{both_ways.text!r} is {both_ways.readings()}", both_ways)
    return "dmy", None


_SLASH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")  # ASCII digits: '١/٣/٢٠٢٤' is no date


def _parse_date(text: str, order: str = "dmy") -> date:
    """A poll CSV's date: YYYY-MM-DD, or day/month/year as UK sources print it (month/day/year when the file's
    order is so given: `figure_date_order`)."""
    text = text.strip()
    if "-" in text:
        return iso_date(text)
    m = _SLASH_DATE.fullmatch(text)
    if m:
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        try:
            return date(year, second, first) if order == "dmy" else date(year, first, second)
        except ValueError:  # e.g. month 25: say which text, not just "month must be in 1..12"
            if order == "dmy" and 1 <= first <= 12 and 12 < second <= 31:  # 4/28/2024: an American export
                raise ValueError(
                    f"{text!r} is not a date as day/month/year (no month {second}): if the file writes "
                    "month/day/year, its other dates (4/5 for 5 April) would be read as day first too: write "
                    "every date as YYYY-MM-DD"
                ) from None
            raise ValueError(f"{text!r} is not a date ({DATE_ORDERS[order]}: no such day)") from None
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)")


NOT_PUBLISHED = frozenset({"-", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "*", "n/a", "n.a."})
"""Cells a published table writes for "not published" (a dash of any width, an asterisk, n/a). One rule for the
poll CSV and pasted tables (which are read as poll CSV): in a figure, sample size, date or pollster column such a
cell is a blank, and the rule for a blank applies: no figure, sample size or publication date where the column
allows none; where it does not (pollster, fieldwork), the cell is refused as empty, naming its line and column.
Free-text columns (FREE_TEXT) keep what is written, so an export reads back as it was. Only the poll CSV had
refused them ("'–' is not a whole number"). "<1" is no figure either: the importer asks for the published one
(_parse_share)."""

FREE_TEXT = frozenset({"client", "method", "source_url", "notes"})
"""The poll CSV's free-text columns: a "not published" mark there is text."""


def not_published(cell: str) -> bool:
    """Whether a cell says "not published" (NOT_PUBLISHED, a footnote mark like "[a]" ignored)."""
    t = re.sub(r"\[[^\]]*\]", "", cell).strip().casefold() if "[" in cell else cell.strip().casefold()
    return t in NOT_PUBLISHED


def _parse_share(text: str) -> float:
    """A share as published: ASCII digits with an optional point and one trailing % ("45", "45.5", "45 %").

    float() alone would also read "4_5" as 45, other scripts' digits, exponents, "nan" and "inf".
    """
    below = re.fullmatch(r"\s*<\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*", text)
    if below is not None:  # Wikipedia's "<1": a figure the poll printed no value for; inventing one is a misread
        raise ValueError(
            f"{text.strip()!r} gives no figure, only that it is under {below.group(1)} %: write the published "
            "figure (such as 0.5) or leave the cell blank (not published)"
        )
    return plain_decimal(text)  # the one rule (core.validation)


MAX_POLL_COLUMNS = 10_000
"""The widest poll CSV read: a poll has a few dozen figures (the ballot reader's MAX_CANDIDATES is the same)."""

PROGRESS_EVERY = 256
"""Rows between two calls of parse_polls_csv's `progress` callback: often enough for a smooth progress bar
(10,000 rows parse in about half a second), rarely enough to cost nothing."""


def parse_polls_csv(
    text: str,
    contest: Contest,
    *,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    date_order: str | None = None,
) -> ParseResult:
    """Parse and validate a poll CSV for `contest`. Nothing is partial: callers store only if `ok`.

    Args:
        text: the CSV text, header first.
        contest: the contest whose candidates and parties the columns name.
        today: the day "in the future" is measured from.
        progress: called with the line reached every PROGRESS_EVERY rows; whatever it raises ends the parse
            (a cancelled import).
        date_order: how dates written d/m/yyyy or m/d/yyyy are read ("dmy", "mdy"); None: day first when the
            file shows it (a day past 12), and a file whose every such date reads both ways is refused, naming the
            first and its two readings (`figure_date_order`: it was read day first without a word).
    """
    order = date_order or "dmy"
    if order not in DATE_ORDERS:
        raise CsvFormatError(f"date order {date_order!r}: choose one of {', '.join(DATE_ORDERS)}")
    figures: list[FigureDate] = []
    if "\x00" in text:
        raise CsvFormatError("the file is binary, not CSV text")
    # newline="": lines end at CR, LF or CRLF (old Mac, Unix, Windows), and a line break quoted inside a cell
    # is kept as written, as the csv module's documentation asks.
    reader = CsvRecords(text)
    header = _header(reader)
    if len(header) > MAX_POLL_COLUMNS:  # a million columns gave a million "unknown column" errors, 4 s later
        raise CsvFormatError(
            f"line 1: {len(header):,} columns; a poll file has at most {MAX_POLL_COLUMNS:,} (is this a poll CSV?)"
        )
    header = [h.strip().lstrip("\ufeff") for h in header]
    lowered = [h.casefold() for h in header]
    for required in ("pollster", "fieldwork_end"):
        if required not in lowered:
            shown = ", ".join(header)
            shown = shown if len(shown) <= 200 else shown[:200] + "..."
            for sep, what in ((";", "semicolons"), ("\t", "tabs")):
                if len(header) == 1 and sep in header[0]:  # a spreadsheet's "CSV" in another list separator
                    raise CsvFormatError(
                        f"line 1: the columns are separated by {what}, not commas: save the file as CSV with "
                        "commas (or paste the table into the window, which reads either)"
                    )
            raise CsvFormatError(f"line 1: missing column {required!r} (have: {shown})")
    cands = _resolver([("other", "other")] + [(c.code, c.name) for c in contest.candidates])
    parties = _resolver([("other", "other")] + [(p.code, p.name) for p in contest.parties])
    result = ParseResult()
    figure_cols: dict[int, tuple[str, str, str]] = {}  # col -> (kind, code, to-code)
    header_errors: list[LineError] = []
    claimed: dict[tuple[str, str, str], int] = {}  # what a column means -> the first column meaning it

    def claim(col: int, meaning: tuple[str, str, str]) -> bool:
        """False (and a line-1 error naming both columns) if an earlier column already means the same."""
        first = claimed.setdefault(meaning, col)
        if first != col:
            header_errors.append(
                LineError(
                    1, header[col], f"same column as {header[first]!r} (column {first + 1}); each may appear once"
                )
            )
        return first == col

    for col, name in enumerate(header):
        if name.casefold() in FIXED:
            claim(col, ("fixed", name.casefold(), ""))
            continue
        if not name:
            continue
        m = _FIGURE.match(name)
        if not m:
            header_errors.append(LineError(1, name, "unknown column (expected first:, second:, party: or transfer:)"))
            continue
        kind, rest = m.group(1).casefold(), m.group(2).strip()
        if kind == "transfer":
            if ">" not in rest:
                header_errors.append(LineError(1, name, "transfer columns are written transfer:<from>><to>"))
                continue
            meanings, why = _transfer_meanings(rest, cands)
            if len(meanings) != 1:
                if meanings:
                    readings = " or ".join(
                        f"{s!r} to {'exhausted' if d == EXHAUSTED else repr(d)}" for s, d in meanings
                    )
                    why = f"could mean {readings} (a code or name holding '>' or ending in '-'): rename that code in the race"
                header_errors.append(LineError(1, name, f"{why} in {rest!r}"))
                continue
            s_code, d_code = meanings[0]
            if claim(col, (kind, s_code, d_code)):
                figure_cols[col] = (kind, s_code, d_code)
        else:
            table = parties if kind == "party" else cands
            code = table.get(rest)
            if code is None:
                header_errors.append(
                    LineError(1, name, table.unknown(rest, "party" if kind == "party" else "candidate"))
                )
                continue
            if claim(col, (kind, code, "")):
                figure_cols[col] = (kind, code, "")
    if header_errors:
        result.errors = header_errors
        return result
    index = {h: i for i, h in enumerate(lowered)}
    unnamed = [i for i, h in enumerate(header) if not h]  # a trailing comma's column: its cells must stay empty
    seen: dict[tuple[str, date, date], int] = {}
    line_no = 1
    rows_read = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append(LineError(reader.line_num, "row", str(exc)))
            break
        line_no = reader.line_num
        rows_read += 1
        if progress is not None and rows_read % PROGRESS_EVERY == 0:
            progress(line_no)
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            result.errors.append(LineError(line_no, "row", f"{len(row)} cells but the header has {len(header)}"))
            continue
        row = [unescape_cell(c) for c in row] + [""] * (len(header) - len(row))

        def cell(name: str, row: list[str] = row) -> str:
            i = index.get(name)
            if i is None:
                return ""
            text = row[i].strip()
            return "" if name not in FREE_TEXT and not_published(text) else text  # "–", "n/a": a blank

        errors: list[LineError] = []
        for i in unnamed:  # a figure under no header was dropped without a word
            if row[i].strip():  # named by its neighbour: a two-round file's question columns are taken out first
                where = f"the column after {header[i - 1]}" if i and header[i - 1] else f"column {i + 1}"
                errors.append(LineError(line_no, where, f"{row[i].strip()[:40]!r} is under a column with no name"))
        dates: dict[str, date | None] = {}
        for name in ("fieldwork_start", "fieldwork_end", "published"):
            raw = cell(name)
            if not raw:
                dates[name] = None
                continue
            slashed = _SLASH_DATE.fullmatch(raw)
            if slashed:
                figures.append(FigureDate(int(slashed[1]), int(slashed[2]), int(slashed[3]), line_no, name, raw))
            try:
                dates[name] = _parse_date(raw, order)
            except ValueError as exc:
                errors.append(LineError(line_no, name, str(exc)))
                dates[name] = None
        if dates["fieldwork_end"] is None and not any(e.field == "fieldwork_end" for e in errors):
            errors.append(LineError(line_no, "fieldwork_end", "is empty"))
        sample: int | None = None  # blank: not published
        raw_sample = cell("sample_size")
        if raw_sample:
            try:  # the one rule for whole numbers (validation.whole_number); past the store's limit too
                sample = whole_number(raw_sample, most=MAX_SAMPLE_SIZE)
            except ValueError as exc:
                errors.append(LineError(line_no, "sample_size", str(exc)))
        firsts: dict[str, float] = {}
        seconds: dict[str, float] = {}
        party: dict[str, float] = {}
        transfers: list[TransferObservation] = []
        for col, (kind, code, dst) in figure_cols.items():
            raw = row[col].strip()
            if not raw or not_published(raw):  # "–", "n/a", "*": not published, as blank
                continue
            try:
                value = _parse_share(raw)
            except ValueError as exc:
                errors.append(LineError(line_no, header[col], str(exc)))
                continue
            if kind == "first":
                firsts[code] = firsts.get(code, 0.0) + value
            elif kind == "second":
                seconds[code] = value
            elif kind == "party":
                party[code] = party.get(code, 0.0) + value
            else:
                transfers.append(TransferObservation(code, dst, value))
        if errors:
            result.errors += errors
            continue
        end = dates["fieldwork_end"]
        assert end is not None
        poll = Poll(
            pollster=cell("pollster"),
            client=cell("client"),
            fieldwork_start=dates["fieldwork_start"] or end,
            fieldwork_end=end,
            published=dates["published"],
            sample_size=sample,
            method=cell("method"),
            source_url=cell("source_url"),
            notes=cell("notes"),
            first_round=firsts,
            second_round=seconds,
            party_vi=party,
            transfers=tuple(transfers),
        )
        for problem in validate_poll(poll, contest, today=today):
            result.errors.append(LineError(line_no, problem.field, problem.message))
        key = poll.key()
        if key in seen:
            result.errors.append(
                LineError(line_no, "pollster", f"duplicate of line {seen[key]} (same pollster and fieldwork dates)")
            )
        else:
            seen[key] = line_no
        result.polls.append(poll)
        result.lines.append(line_no)
    try:
        # A file showing month first (4/28/2024, refused above read day first) is not read so unasked: no preview
        # says so, as the paste's does; the window asks the order, the command line names --dates
        result.dates_unordered = figure_date_order(figures, date_order)[0] != order
    except DateOrderError as exc:
        if exc.other is None:  # (a file in both orders: its month-first date is refused above, named)
            result.errors.append(
                LineError(
                    exc.at.line,
                    exc.at.field,
                    f"{exc}: write every date as YYYY-MM-DD, or give the file's order (day/month/year or "
                    "month/day/year)",
                )
            )
            result.dates_unordered = True
            result.errors.sort(key=lambda e: e.line)
    if not result.polls and not result.errors:
        result.errors.append(LineError(max(line_no, 1), "row", "no polls in the file"))
    return result


def figure_text(value: float) -> str:
    """The shortest plain decimal that reads back as exactly `value` ("45", "45.5", "0.00001"): how a figure is
    written wherever it leaves the app as text (a CSV export, the window's copied rows).

    "%g" kept six significant digits (45.123456789 was exported as 45.1235) and wrote exponents ("1e-05")
    that a spreadsheet or this parser might misread.
    """
    return _fmt_repr(repr(float(value)))


_fmt = figure_text


@lru_cache(maxsize=4096)
def _fmt_repr(shortest: str) -> str:
    """_fmt of a float's repr, remembered: a poll file's figures repeat (44.5, 7.0, 52.0) across thousands of polls
    (keyed by the repr, not the float: 0.0 and -0.0 are equal keys but are written "0" and "-0")."""
    text = format(Decimal(shortest), "f")
    return text[:-2] if text.endswith(".0") else text


def contest_of_codes(polls: Sequence[Poll], like: Contest) -> Contest:
    """`like` with, as its candidates and parties, exactly the codes `polls` give figures to, in the order met
    (each named by its code): the columns polls_to_csv writes for polls whose own race is not at hand (a change
    kept for Retry from a race not open, or since deleted), so that no figure is left out of the file."""
    cands: dict[str, None] = {}
    parties: dict[str, None] = {}
    for poll in polls:
        cands.update(dict.fromkeys(c for c in (*poll.first_round, *poll.second_round) if c != "other"))
        parties.update(dict.fromkeys(c for c in poll.party_vi if c != "other"))
    return replace(
        like,
        candidates=tuple(Candidate(code, code) for code in cands),
        parties=tuple(Party(code, code) for code in parties),
    )


def _with_extra(known: Sequence[str], figures: Iterable[Mapping[str, float]]) -> list[str]:
    """`known` codes, then every other code `figures` give a figure to, in the order met ("other" last)."""
    out = dict.fromkeys(known)
    other = False
    for shares in figures:
        for code in shares:
            if code == "other":
                other = True
            elif code not in out:
                out[code] = None
    return [*out, *(["other"] if other else [])]


class ExportCancelled(Exception):
    """polls_to_csv was stopped by its progress callback (the user cancelled the export)."""


EXPORT_STEP = 2000
"""Rows polls_to_csv writes between two calls of its progress callback (100,000 polls: 50 calls)."""


def polls_to_csv(polls: Iterable[Poll], contest: Contest, progress: Callable[[int, int], bool] | None = None) -> str:
    """Write polls as a poll CSV that parse_polls_csv reads back identically; formulas escaped.

    `progress(done, total)` is called before every EXPORT_STEP rows and after the last; returning False stops
    the work (ExportCancelled). At 100,000 polls this takes seconds, so the window runs it on a worker."""
    polls = list(polls)
    # Every figure is written: a code the contest does not have (a candidate since renamed, a change kept for Retry
    # from another race) gets its own column after the contest's, which parse_polls_csv then refuses by name for
    # this contest, every time. Leaving it out lost the figure and made the file importable without it.
    cands = _with_extra(contest.candidate_codes, (p.first_round for p in polls))
    seconds = _with_extra(contest.candidate_codes, (p.second_round for p in polls))
    party_codes = _with_extra([p.code for p in contest.parties], (p.party_vi for p in polls))
    pairs = sorted({(t.from_candidate, t.to_candidate) for p in polls for t in p.transfers})
    header = list(FIXED)
    header += [f"first:{c}" for c in cands]
    header += [f"second:{c}" for c in seconds]
    header += [f"party:{c}" for c in party_codes]
    header += [f"transfer:{s}>{'exhausted' if d == EXHAUSTED else d}" for s, d in pairs]
    out = io.StringIO()
    out.write(_csv_line(header))
    total = len(polls)
    for i, p in enumerate(polls):
        if progress is not None and i % EXPORT_STEP == 0 and not progress(i, total):
            raise ExportCancelled(f"stopped after {i} of {total} polls")
        by_pair = {(t.from_candidate, t.to_candidate): t.share for t in p.transfers}
        row = [
            p.pollster,
            p.client,
            p.fieldwork_start.isoformat(),
            p.fieldwork_end.isoformat(),
            p.published.isoformat() if p.published else "",
            "" if p.sample_size is None else str(p.sample_size),
            p.method,
            p.source_url,
            p.notes,
        ]
        row += [_fmt(p.first_round[c]) if c in p.first_round else "" for c in cands]
        row += [_fmt(p.second_round[c]) if c in p.second_round else "" for c in seconds]
        row += [_fmt(p.party_vi[c]) if c in p.party_vi else "" for c in party_codes]
        row += [_fmt(by_pair[pair]) if pair in by_pair else "" for pair in pairs]
        out.write(_csv_line(escape_cell(c) for c in row))
    if progress is not None and not progress(total, total):
        raise ExportCancelled(f"stopped after {total} of {total} polls")
    return out.getvalue()


def parse_ballots_csv(text: str) -> tuple[BallotRows, list[LineError]]:
    """Parse a ballot CSV: a `count` column and preference columns in order (see parse_ballot_table).

    The ballots are a sequence view over the column-wise table: `count_ballots` counts it without
    building a Python object per row.
    """
    table, errors = parse_ballot_table(text)
    return BallotRows(table), errors


def parse_ballot_table(text: str) -> tuple[BallotTable, list[LineError]]:
    try:
        return _parse_ballot_table(text)
    except BallotLimitError as exc:
        raise CsvFormatError(str(exc)) from None


def _parse_ballot_table(text: str) -> tuple[BallotTable, list[LineError]]:
    """Read a ballot CSV column-wise: the form `count_ballots` counts fastest, a few bytes a cell.

    The header names one `count` column; every other column is a preference, in order. Each row is `count`
    identical papers; cells are stripped; an empty cell (or `undervote`) is an unmarked ranking and
    `overvote` a ranking marked for more than one candidate (warroom.core.ballots). Blank lines are skipped.
    A row with more cells than the header, or a count that is not a whole number from 0 to 2**63 - 1, is an
    error naming its line; rows with errors are left out of the table, so callers count only if no errors.

    Raises:
        CsvFormatError: not text, empty, or the header lacks (or repeats) the `count` column.
    """
    if "\x00" in text:
        raise CsvFormatError("the file is binary, not CSV text")
    newline = text.find("\n")
    header_text = text if newline == -1 else text[:newline]
    try:  # quotes, or lines ended by a lone CR (old Mac files): the csv module's path
        header = (
            next(csv.reader([header_text])) if not ('"' in header_text or "\r" in header_text.rstrip("\r")) else None
        )
    except StopIteration:
        raise CsvFormatError("the file is empty") from None
    if header is not None:
        table = _ballot_table_fast(text, header, newline)
        if table is not None:
            return table, []
    return _ballot_table_csv(text)


def parse_ballot_file(
    path: str | Path, *, progress: Callable[[int, int], None] | None = None
) -> tuple[BallotTable, list[LineError]]:
    try:
        return _parse_ballot_file(path, progress)
    except BallotLimitError as exc:
        raise CsvFormatError(str(exc)) from None


def _parse_ballot_file(
    path: str | Path, progress: Callable[[int, int], None] | None = None
) -> tuple[BallotTable, list[LineError]]:
    """Read a ballot CSV file column-wise without holding its whole text: for files of millions of rows.

    Same rules, table and errors as `parse_ballot_table` on the file's text; a file the fast reader cannot
    take (quotes, ragged lines, ...) is read whole and parsed by the csv module. `progress`, if given, is
    called with (bytes read, the file's size) as the fast reader goes, and once before the csv module's read;
    whatever it raises ends the read (the instant-runoff panel's cancel).

    Raises:
        CsvFormatError: as parse_ballot_table, or the file is not UTF-8 text.
        OSError: the file cannot be read.
    """
    with open_regular(path) as handle:  # a FIFO is refused at once, never waited on
        first = handle.readline()
        what = not_csv_text(first)
        if what is not None:  # UTF-16 or a workbook: "not UTF-8 text (byte 2 cannot be read)" said nothing of it
            raise CsvFormatError(what)
        if first.strip() and b'"' not in first and b"\0" not in first and b"\r" not in first.rstrip(b"\r\n"):
            try:
                header_text = first.decode("utf-8-sig").rstrip("\r\n")
            except UnicodeDecodeError:
                header_text = ""
            if header_text:
                count_col, width = _ballot_columns(next(csv.reader([header_text])))
                chunks = file_chunks(handle)
                if progress is not None:
                    chunks = _reporting(chunks, handle, progress)
                table = read_table_chunks(chunks, width, count_col, first_line=2)
                if table is not None:
                    return table, []
    if progress is not None:
        progress(0, 0)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFormatError(f"the file is not UTF-8 text (byte {exc.start:,} cannot be read)") from None
    return parse_ballot_table(text)


def _reporting(chunks: Iterator[bytes], handle: BinaryIO, progress: Callable[[int, int], None]) -> Iterator[bytes]:
    """`chunks`, calling progress(bytes read, file size) before each."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        size = 0
    for chunk in chunks:
        progress(handle.tell(), size)
        yield chunk


def _ballot_columns(header: list[str]) -> tuple[int, int]:
    """(count column, width) from a ballot CSV header, or CsvFormatError."""
    names = [h.strip().lstrip("\ufeff").casefold() for h in header]
    if names.count("count") == 0:
        for sep, what in ((";", "semicolons"), ("\t", "tabs")):
            if len(names) == 1 and "count" in names[0].split(sep):  # a spreadsheet's "CSV" in another separator
                raise CsvFormatError(f"line 1: the columns are separated by {what}, not commas: save the file as CSV")
        raise CsvFormatError("line 1: missing column 'count'")
    if names.count("count") > 1:
        raise CsvFormatError("line 1: column 'count' appears more than once")
    if len(names) < 2:
        raise CsvFormatError("line 1: no preference columns")
    if len(names) - 1 > MAX_CANDIDATES:
        raise CsvFormatError(
            f"line 1: {len(names) - 1:,} preference columns, more than the {MAX_CANDIDATES:,} a ballot may rank"
        )
    _check_rank_order([h.strip().lstrip("\ufeff") for h, n in zip(header, names, strict=True) if n != "count"])
    return names.index("count"), len(names)


_RANK_NUMBER = re.compile(r"[0-9]+")


def _check_rank_order(columns: list[str]) -> None:
    """Preference columns are read in the file's order; when they are numbered (`rank1`, `Choice 2 of 5`, `3rd`:
    the first number in its name), every one must be, and the numbers must run 1, 2, 3, ... (or from 0) in that
    order. A column among them with no number (a precinct, a ballot id) was read as a ranking. Columns
    written last to first, or sorted as text by a tool (`Choice 1, Choice 10, Choice 2`), were counted with the
    preferences reordered, and a missing column (`pref1,pref3`) made a third preference the second that the
    Supplementary Vote counts, all without a word.

    Raises:
        CsvFormatError: naming the first column out of place and the number it should have.
    """
    found = [_RANK_NUMBER.search(name) for name in columns]
    if sum(1 for m in found if m) >= 2 and not all(found):
        # "precinct,count,rank1,rank2": a cast-vote record's other columns were read as rankings, every precinct
        # (or ballot id) a candidate, and "Winner: Ward 2"
        other = next(name for name, m in zip(columns, found, strict=True) if m is None)
        raise CsvFormatError(
            f"line 1: column {other!r} is not numbered like the other preference columns: every column but "
            "'count' is read as a ranking, so take out columns that are not (a precinct, a ballot id)"
        )
    if len(columns) < 2 or not all(found):
        return  # unnumbered ("first, second"): the file's order is the only order there is
    numbers = [int(m[0][:9]) for m in found if m]
    start = numbers[0] if numbers[0] in (0, 1) else 1
    for place, (name, number) in enumerate(zip(columns, numbers, strict=True)):
        if number != start + place:
            raise CsvFormatError(
                f"line 1: preference column {name!r} is number {place + 1} in the file but numbered {number}: "
                f"put the preference columns in rank order, one per rank ({columns[0]!r}, ... up to "
                f"{len(columns)})"
            )


def _ballot_table_fast(text: str, header: list[str], newline: int) -> BallotTable | None:
    if not "".join(header).strip():
        raise CsvFormatError("the file is empty")
    count_col, width = _ballot_columns(header)
    if newline == -1:
        return None
    return read_table_fast(text, newline + 1, width, count_col, first_line=2)


def _header(reader: Iterator[list[str]]) -> list[str]:
    """A CSV file's first row; an empty file or a broken first line is a CsvFormatError."""
    try:
        return next(reader)
    except StopIteration:
        raise CsvFormatError("the file is empty") from None
    except csv.Error as exc:
        raise CsvFormatError(f"line 1: {exc}") from None


def _ballot_table_csv(text: str) -> tuple[BallotTable, list[LineError]]:
    # newline="": lines end at CR, LF or CRLF, as in parse_polls_csv (a CR-only file was a csv.Error traceback)
    reader = CsvRecords(text)
    header = _header(reader)
    count_col, width = _ballot_columns(header)
    pref_cols = [i for i in range(width) if i != count_col]
    ballots: list[Ballot] = []
    lines: list[int] = []
    errors: list[LineError] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(LineError(reader.line_num, "row", str(exc)))
            break
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) > width:
            errors.append(LineError(line, "row", f"{len(row)} cells but the header has {width}"))
            continue
        row = row + [""] * (width - len(row))
        try:
            n = whole_number(row[count_col].strip(), most=2**63 - 1, what="a whole number of ballots")
        except ValueError as exc:
            errors.append(LineError(line, "count", str(exc)))
            continue
        bad = False
        for i in pref_cols:
            try:
                marked_names(row[i].strip())
            except ValueError as exc:
                errors.append(LineError(line, header[i].strip() or f"column {i + 1}", str(exc)))
                bad = True
        if bad:
            continue
        ballots.append(Ballot(tuple(row[i].strip() for i in pref_cols), n))
        lines.append(line)
    return table_from_ballots(ballots, lines=lines), errors


_QUOTED_CELL = re.compile(r'"([^"]*(?:""[^"]*)*)"(?=[\t\r\n]|\Z)')
_CELL_END = re.compile(r"[\t\r\n]")


def split_tabbed(text: str) -> list[list[str]]:
    """Tab-separated text as a spreadsheet copies it: Excel, LibreOffice and Google Sheets put a cell holding a
    line break, a tab or a quote in double quotes, its quotes doubled (`"Online, ""weighted""\n2 waves"`). Such a
    cell is read whole and unquoted (split on every line break, a two-line note had cut its poll in two, and a
    note's quotes were stored doubled); a cell that only starts with a quote (`"Don't know" left out`, from a web
    page) is kept as written. Rows of blank cells are dropped; cells are not trimmed."""
    if '"' not in text:  # nothing quoted: split at C speed (a 1,000 x 1,000 paste in a tenth of a second)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return [cells for cells in (line.split("\t") for line in lines) if any(cell.strip() for cell in cells)]
    rows: list[list[str]] = []
    row: list[str] = []
    i, n = 0, len(text)
    while True:
        quoted = _QUOTED_CELL.match(text, i) if i < n and text[i] == '"' else None
        if quoted is not None:
            row.append(quoted[1].replace('""', '"'))
            i = quoted.end()
        else:
            end = _CELL_END.search(text, i)
            j = end.start() if end is not None else n
            row.append(text[i:j])
            i = j
        if i < n and text[i] == "\t":
            i += 1
            continue
        if any(cell.strip() for cell in row):
            rows.append(row)
        row = []
        if i >= n:
            return rows
        i += 2 if text.startswith("\r\n", i) else 1


def pasted_table_to_csv(text: str) -> str:
    """A table pasted from a spreadsheet or web page (tab-separated, header first; split_tabbed) as poll CSV text.

    Text that already looks like CSV (no tabs) is returned as it is.
    """
    if "\t" not in text:
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in split_tabbed(text):
        writer.writerow([cell.strip() for cell in row])
    return out.getvalue()
