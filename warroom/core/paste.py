"""Tables pasted from a web page or a spreadsheet: guess what each column is, then turn them into poll CSV. Pure.

A poll table on Wikipedia or a pollster's page has its own headers ("Polling firm", "Fieldwork date",
"Sample size", "Con", "Lab", "Lib Dem", "Others", "Lead") and dates in words ("28–30 Apr 2012"). The importer
wants the app's column names and ISO dates, so a paste goes through two steps the user can see:

1. `guess_columns`: each pasted column -> a poll CSV field (or None: not imported), from the header: the
   usual words for pollster, client, dates and sample; a candidate's code, full name, surname or short name;
   his party's code or name, or the usual abbreviation ("Con", "Lab", "LD", "Lib Dem", "Grn", "Reform").
2. `to_poll_csv`: the rows under that mapping as poll CSV text, dates in words turned into ISO dates (a
   "28–30 Apr 2012" range fills both fieldwork dates), thousands separators and "%" removed. The result goes
   through the ordinary importer, with its line-and-field errors and all-or-nothing write.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from warroom.core.csvformat import (
    DATE_ORDERS,
    FIXED,
    FREE_TEXT,
    DateOrderError,
    FigureDate,
    figure_date_order,
    not_published,
    split_tabbed,
)
from warroom.core.infile import CsvRecords
from warroom.core.types import Contest

FIELDS = (*FIXED[:2], "fieldwork", *FIXED[2:])
"""Poll fields a pasted column can be, besides first:<candidate>: the CSV format's fixed columns, and "fieldwork",
a date or a range of dates."""

_WORDS = {
    "pollster": (
        "pollster",
        "polling firm",
        "polling organisation",
        "polling organization",
        "firm",
        "company",
        "poll",
        "pollster client",
        "institute",
        "organisation",
        "organization",
        "source",
    ),
    "client": ("client", "commissioner", "commissioned by", "sponsor", "media", "publisher", "for"),
    "fieldwork": (
        "fieldwork",
        "fieldwork date",
        "fieldwork dates",
        "dates",
        "date",
        "date s",
        "dates conducted",
        "date conducted",
        "conducted",
        "field dates",
        "survey dates",
        "date of fieldwork",
    ),
    "fieldwork_start": ("start", "start date", "fieldwork start", "from"),
    "fieldwork_end": ("end", "end date", "fieldwork end", "to", "until"),
    "published": ("published", "publication", "publication date", "release", "released", "date published"),
    "sample_size": ("sample", "sample size", "n", "base", "size", "respondents"),
    "notes": ("notes", "note", "comment", "comments"),
}

# Usual abbreviations of British parties in poll tables, keyed by what a contest's party code or name may be.
_PARTY_ALIASES = {
    "con": ("con", "cons", "conservative", "conservatives", "tory", "tories"),
    "lab": ("lab", "labour"),
    "ld": ("ld", "lib dem", "lib dems", "libdem", "liberal democrat", "liberal democrats", "lib"),
    "grn": ("grn", "green", "greens", "gre", "green party"),
    "ukip": ("ukip",),
    "ref": ("ref", "reform", "reform uk"),
    "snp": ("snp",),
    "bnp": ("bnp",),
    "pc": ("pc", "plaid", "plaid cymru"),
}

_MONTHS = {
    m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}


def _norm(text: str) -> str:
    """A header as its words: accents dropped, case folded, footnote marks and punctuation gone. Letters of every
    script are kept: dropping all but ASCII left a Greek, Cyrillic, Hebrew or Arabic header empty, and an empty
    key matched a candidate whose party's name was in such a script, so a blank header was his share."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"\[[^\]]*\]", " ", plain)  # footnote marks: "Con[a]"
    return " ".join(re.findall(r"[^\W_]+", plain))


def field_choices(contest: Contest) -> list[tuple[str, str]]:
    """Every field a pasted column may be mapped to, (field, label), for the mapping step's pickers."""
    out = [("", "(not imported)")]
    out += [(f, f.replace("_", " ")) for f in FIELDS]
    out += [(f"first:{c.code}", f"{c.name} (first round %)") for c in contest.candidates]
    out += [("first:other", "Others (first round %)")]
    out += [(f"second:{c.code}", f"{c.name} (runoff %)") for c in contest.candidates]
    out += [(f"party:{p.code}", f"{p.name} (party %)") for p in contest.parties]
    out += [("party:other", "Other parties (party %)")]
    return out


def guess_columns(header: Sequence[str], contest: Contest) -> list[str]:
    """Each pasted column's field ("" when nothing fits), guessed from its header; a field is used once."""
    lookup: dict[str, str] = {}
    for field, words in _WORDS.items():
        for w in words:
            lookup.setdefault(w, field)
    # A code before a full name before a surname or short name, as the poll CSV reads them; a spelling two
    # candidates share at one level ("Johnson" for Boris and Jo) guesses neither: the user picks.
    ranked: dict[str, tuple[int, str]] = {}
    for c in contest.candidates:
        surname = c.name.split()[-1] if c.name.split() else ""
        for rank, key in ((0, c.code), (1, c.name), (2, surname), (2, c.short_name)):
            norm = _norm(key) if key else ""
            if not norm:
                continue
            held = ranked.get(norm)
            if held is None or rank < held[0]:
                ranked[norm] = (rank, f"first:{c.code}")
            elif rank == held[0] and held[1] != f"first:{c.code}":
                ranked[norm] = (rank, "")  # shared: no guess
    for norm, (_rank, field) in ranked.items():
        lookup[norm] = field
    for c in contest.candidates:
        if c.party:
            party = next((p for p in contest.parties if p.code == c.party), None)
            keys = {_norm(c.party)}
            if party is not None:
                keys.add(_norm(party.name))
            for alias_key, aliases in _PARTY_ALIASES.items():
                if alias_key in keys or keys & {_norm(a) for a in aliases}:
                    keys |= {_norm(a) for a in aliases}
            for key in keys - {""}:
                lookup.setdefault(key, f"first:{c.code}")
    for key in ("other", "others", "oth", "other candidates"):
        lookup[key] = "first:other"
    own = {f.casefold(): f for f, _label in field_choices(contest) if f}
    out: list[str] = []
    used: set[str] = set()
    for cell in header:
        key = _norm(cell)
        exact = cell.strip().casefold().replace("first_", "first:", 1)
        # The app's own column names (an export pasted back) keep their meaning, transfers included.
        field = own.get(exact) or (
            cell.strip() if exact.startswith("transfer:") else lookup.get(key, "") if key else ""
        )
        if not field and key:
            # "Fieldwork date(s)", "Sample size (n)": the first words decide
            for n in range(len(key.split()), 0, -1):
                field = lookup.get(" ".join(key.split()[:n]), "")
                if field:
                    break
        if field in used:
            field = ""
        used.add(field)
        out.append(field)
    return out


MAX_COLUMNS = 1_000
"""The widest paste read (a poll table has a few dozen columns; the paste dialog shows a picker per column)."""


class PasteError(ValueError):
    """A pasted text that is not a table this app can read; the message names the line."""


def split_table(text: str) -> list[list[str]]:
    """A pasted table's cells: tab-separated (spreadsheets, web pages), else semicolon-separated when every line
    has the header's semicolons and the header no comma (a CSV saved where the comma is the decimal sign), else
    CSV; blank lines dropped.

    Raises:
        PasteError: a row wider than MAX_COLUMNS, or CSV text the csv module cannot read (a cell past its
            field limit), naming the line.
    """
    if "\t" in text:  # a spreadsheet's quoted cells (line breaks, tabs, quotes inside) read whole: split_tabbed
        rows = [[cell.strip() for cell in row] for row in split_tabbed(text)]
    else:
        lines = [ln for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
        semis = lines[0].count(";") if lines else 0
        european = semis > 0 and "," not in lines[0] and all(ln.count(";") == semis for ln in lines)
        # CsvRecords: a quote never closed would take every line after it into one cell (those polls gone)
        reader = CsvRecords("\n".join(lines), delimiter=";" if european else ",")
        try:
            rows = [[cell.strip() for cell in row] for row in reader]
        except csv.Error as exc:
            raise PasteError(f"line {reader.line_num}: not readable as a table ({exc})") from None
    for number, row in enumerate(rows, start=1):
        if len(row) > MAX_COLUMNS:
            raise PasteError(
                f"line {number}: {len(row):,} columns; a table of polls has at most {MAX_COLUMNS:,} (was a whole page "
                "or a file pasted?)"
            )
    return rows


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date


_NUMERIC_DATE = re.compile(r"\s*([0-9]{1,2})\s*([/.-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4})\s*")  # ASCII digits only


def _numeric_date(text: str) -> tuple[int, int, int] | None:
    """A date written in figures alone, day and month in either order ("4/5/2012", "04.05.2012", "4-5-2012"):
    its two leading numbers and its year; None for anything else."""
    found = _NUMERIC_DATE.fullmatch(re.sub(r"\[[^\]]*\]", "", text))  # "4/5/2012[a]": a footnote mark
    return (int(found[1]), int(found[3]), int(found[4])) if found else None


def table_date_order(rows: Sequence[Sequence[str]], mapping: Sequence[str], chosen: str | None = None) -> str:
    """The order the table's dates in figures alone are read in ("dmy" or "mdy"), one rule for the whole table.

    The order chosen, when one is; else the one the table shows: a first number past 12 ("13/4/2012") is a day,
    so the table is day first; a second one past 12 ("4/13/2012") makes it month first. A table where every
    such date reads both ways ("4/5/2012": 4 May or April 5) is refused, naming a cell and its two readings,
    until an order is chosen: read day first, a US table whose days are all 12 or less was stored with its days
    and months swapped, without a word. Dates whose two numbers are equal, or none in figures alone: "dmy".

    Raises:
        PasteError: no order chosen and the table shows none, or shows both; naming column, line and cell.
    """
    return _date_order(rows, mapping, chosen)[0]


def date_order_note(rows: Sequence[Sequence[str]], mapping: Sequence[str], chosen: str | None = None) -> str:
    """What the paste's preview says of the order its dates in figures alone are read in ("" when it has none
    that differ by order): the order, and the cell that shows it when none was chosen.

    Raises:
        PasteError: as table_date_order.
    """
    order, shown = _date_order(rows, mapping, chosen)
    if not shown:
        return ""
    return f"Dates in figures are read {DATE_ORDERS[order]}" + ("" if chosen else f", as {shown} shows") + "."


def _date_order(rows: Sequence[Sequence[str]], mapping: Sequence[str], chosen: str | None) -> tuple[str, str]:
    """(order, where the first cell it changes or that shows it is: "" when no date in figures alone reads both
    ways), by the poll CSV's rule (`csvformat.figure_date_order`), in the words of the table's columns."""
    date_fields = {"fieldwork", "fieldwork_start", "fieldwork_end", "published"}
    columns = [i for i, f in enumerate(mapping) if f in date_fields]
    header = rows[0] if rows else ()

    def where(d: FigureDate) -> str:
        return f"column {d.field!r}, line {d.line}: {d.text.strip()!r}"

    def figures() -> Iterator[FigureDate]:
        for line, row in enumerate(rows[1:], start=2):
            for col in columns:
                parts = _numeric_date(row[col]) if col < len(row) else None
                if parts is not None:
                    name = header[col] if col < len(header) else str(col + 1)
                    yield FigureDate(*parts, line=line, field=name, text=row[col])

    try:
        order, shown = figure_date_order(figures(), chosen)
    except DateOrderError as exc:
        if exc.other is not None:
            raise PasteError(
                f"the dates are written in both orders: {where(exc.at)} is day first, {where(exc.other)} month "
                "first; write them in one order (or as YYYY-MM-DD)"
            ) from None
        raise PasteError(f"{where(exc.at)} is {exc.at.readings()}: choose the order of the table's dates") from None
    except ValueError as exc:  # an order that is none of DATE_ORDERS
        raise PasteError(str(exc)) from None
    return order, where(shown) if shown else ""


def parse_dates(text: str, default_year: int | None = None, order: str = "dmy") -> DateRange | None:
    """Dates as poll tables write them: "2012-04-28", "28/04/2012", "28 Apr 2012", "28–30 Apr 2012",
    "28 Apr – 2 May 2012", "Apr 28-30, 2012", "30 April". None when it is not a date.

    A date in figures alone ("4/5/2012") is read in `order`, "dmy" (4 May) or "mdy" (April 5): a table's order
    is `table_date_order`'s, which refuses to guess.

    Digits are 0-9 only, as the poll CSV's own dates (core.validation.iso_date): another script's ("٢٠٢٤", read by
    `\\d` and int()) or fullwidth ones ("２０２４", which NFKD makes ASCII) are no date here, and the cell goes to the
    importer as written, which names its line and field."""
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        return None
    t = _norm(text.replace("–", "-").replace("—", "-"))
    iso = re.fullmatch(r"(\d{4}) (\d{1,2}) (\d{1,2})(?: (\d{4}) (\d{1,2}) (\d{1,2}))?", t)
    try:  # a date that does not exist ("2024-13-45") is no date: passed on, for the importer to name
        if iso:
            a = date(int(iso[1]), int(iso[2]), int(iso[3]))
            b = date(int(iso[4]), int(iso[5]), int(iso[6])) if iso[4] else a
            return DateRange(a, b)
        numeric = _numeric_date(text)
        if numeric:
            first, second, year = numeric
            d = date(year, second, first) if order == "dmy" else date(year, first, second)
            return DateRange(d, d)
    except ValueError:
        return None
    words = t.split()
    # The years written, where they stand: "28 Dec 2012 – 2 Jan 2013" has two, which are the two dates' years
    # (the first year written had been taken for the end, the start then moved back a year: 2011-12-28 to
    # 2012-01-02). A two-digit year ("28 Apr '12") is read as a day and then fails the order check below.
    years = [(i, int(w)) for i, w in enumerate(words) if re.fullmatch(r"\d{4}", w)]
    if len(years) > 2 or (not years and default_year is None):
        return None
    days: list[int] = []
    months: list[int] = []
    last_date_word = -1
    for i, w in enumerate(words):
        if re.fullmatch(r"\d{1,2}", w):
            days.append(int(w))
        elif w[:3] in _MONTHS and w.isalpha():
            months.append(_MONTHS[w[:3]])
        elif re.fullmatch(r"\d{1,2}(st|nd|rd|th)", w):
            days.append(int(re.sub(r"\D", "", w)))
        else:
            continue
        last_date_word = i
    if not days or not months or len(days) > 2 or len(months) > 2:
        return None
    wraps = months[0] > months[-1]  # "28 Dec – 2 Jan": the start is in the year before the end
    if len(years) == 2:
        start_year, end_year = years[0][1], years[1][1]
    elif years and years[0][0] < last_date_word:  # "28 Dec 2012 – 2 Jan": the year written is the start's
        start_year = years[0][1]
        end_year = start_year + 1 if wraps else start_year
    else:
        end_year = years[0][1] if years else int(default_year or 0)
        start_year = end_year - 1 if wraps else end_year
    try:
        end = date(end_year, months[-1], days[-1])
        start = date(start_year, months[0], days[0])
    except ValueError:
        return None
    if start > end:  # days out of order within a month ("30–28 Apr", "28 Apr '12"): not a range anyone writes
        return None
    return DateRange(start, end)


def rows_to_csv(rows: Sequence[Sequence[str]]) -> str:
    """Split rows (split_table's) as comma CSV text, cells as they are: a table already in the app's own
    columns, pasted with tabs or semicolons, goes to the importer as the CSV it would have been."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _number(text: str, *, share: bool = False) -> str:
    """A figure as the importer reads it: "1,024" or "1 024" -> "1024", "43%" -> "43", "45[a]" -> "45", and for
    a share a decimal comma ("44,5" -> "44.5": one or two decimals, never a group of three); anything else as it
    is, so the importer names it: a mark inside a figure ("4%5", "4[a]5") is never dropped to join two numbers."""
    t = re.sub(r"(\s*\[[^\]]*\])+$", "", text.strip())  # "45[a]", "45[a][b]": footnotes after the figure
    t = re.sub(r"\s*%$", "", t) if t.endswith("%") else re.sub(r"^%\s*", "", t)  # "43%", "43 %", "%43" (Turkish)
    if re.fullmatch(r"[0-9]{1,3}(?P<sep>[,\s])[0-9]{3}((?P=sep)[0-9]{3})*", t):  # "1,024", "1 024" (thin space)
        return re.sub(r"[,\s]", "", t)
    if share and re.fullmatch(r"[0-9]+,[0-9]{1,2}", t):
        return t.replace(",", ".")
    return t


def to_poll_csv(
    rows: Sequence[Sequence[str]],
    mapping: Sequence[str],
    default_year: int | None = None,
    date_order: str | None = None,
) -> str:
    """The pasted rows (header first) under `mapping` as poll CSV text for the importer.

    Dates in words become ISO dates; a "fieldwork" column fills both fieldwork dates; a cell that cannot be
    read is passed on as it is, so the importer names its line and field. Dates in figures alone ("4/5/2012")
    are read in `date_order`, else in the order the table shows (`table_date_order`).

    Raises:
        PasteError: dates in figures alone that read both ways, no order chosen (`table_date_order`).
    """
    order = table_date_order(rows, mapping, date_order)
    fields = [f for f in mapping if f]
    header: list[str] = []
    for f in fields:
        header += ["fieldwork_start", "fieldwork_end"] if f == "fieldwork" else [f]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows[1:]:
        cells: list[str] = []
        for f, cell in zip(mapping, list(row) + [""] * (len(mapping) - len(row)), strict=False):
            if not f:
                continue
            if f not in FREE_TEXT and not_published(cell):  # "–", "n/a", "*": a blank, the poll CSV's one rule
                cells += ["", ""] if f == "fieldwork" else [""]
            elif f == "fieldwork":
                span = parse_dates(cell, default_year, order)
                cells += [span.start.isoformat(), span.end.isoformat()] if span else [cell, cell]
            elif f in ("fieldwork_start", "fieldwork_end", "published"):
                span = parse_dates(cell, default_year, order)
                cells.append((span.start if f == "fieldwork_start" else span.end).isoformat() if span else cell)
            elif f in FREE_TEXT or f == "pollster":
                cells.append(re.sub(r"\[[^\]]*\]", "", cell).strip())
            else:
                cells.append(_number(cell, share=f.partition(":")[0] in ("first", "second", "party", "transfer")))
        writer.writerow(cells)
    return out.getvalue()
