"""The BLT ballot format (OpenSTV, Droop, eSTV, published Scottish council counts): a weighted profile.

One ranking pattern per line with its weight, candidates by number, then the candidates' names:

    # a comment
    6 1                  number of candidates, number of seats
    -4                   (optional) withdrawn candidates, as negative numbers
    840 5 0              weight, then the candidates ranked first, second, ..., then 0
    1 2 4 3=5 1 0        `3=5`: two candidates marked at one ranking (an overvote that says who)
    1 1 - 2 0            `-`: a ranking left blank
    0                    end of the ballots
    "Bob Kiss"           the candidates' names, in number order
    ...
    "2009 Burlington Mayor Election"   (optional) the title

Read all or nothing into a `BallotTable` (candidates by name; an `=` group becomes an overvote that records who
was marked, `-` a blank ranking), so it counts and turns into a transfer prior like any ballot CSV. A withdrawn
candidate's rankings are taken off the papers (the later rankings move up), as the format means. Any problem
raises `BltFormatError` naming its line. Every candidate the file declares and does not withdraw stands, marked on
a ballot or not (`BltFile.candidates`). Only single-seat files are read: this app counts single-winner races.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from warroom.core.ballots import (
    BLANK_WORDS,
    MARKS_JOIN,
    MAX_CANDIDATES,
    OVERVOTE_WORDS,
    Ballot,
    BallotTable,
    table_from_ballots,
)

__all__ = ["BltFile", "BltFormatError", "parse_blt", "read_blt"]


MAX_WEIGHT = 2**63 - 1
"""The largest weight of one ballot line: counts are 64-bit (the count engine refuses totals past 2^52 by name)."""


class BltFormatError(ValueError):
    """A BLT file this reader cannot take; the message names the line."""


def _whole(text: str) -> bool:
    """Plain digits 0-9 only (`str.isdigit` also takes '²' and other digits `int` refuses)."""
    return text.isascii() and text.isdigit()


class BltFile:
    """A BLT file read: its ballots as a weighted profile, its title and who withdrew.

    Attributes:
        candidates: everyone the file declares standing (not withdrawn), in number order, marked on a ballot or
            not: the count's `candidates`, so one nobody marked is shown with 0 and excluded first, as an official
            report lists him (the table's own candidates are only those some ranking names).
    """

    def __init__(
        self, table: BallotTable, title: str, withdrawn: tuple[str, ...], candidates: tuple[str, ...] = ()
    ) -> None:
        self.table = table
        self.title = title
        self.withdrawn = withdrawn
        self.candidates = candidates or table.candidates


def read_blt(path: str | Path) -> BltFile:
    """Read a BLT file (UTF-8, or Latin-1 when it is not UTF-8).

    Raises:
        BltFormatError: see the module docstring.
        OSError: the file cannot be read.
    """
    from warroom.core.infile import mixed_encoding_line, not_text

    data = Path(path).read_bytes()
    what = not_text(data, "BLT")
    if what is not None:  # UTF-16 was read as Latin-1 ("not 'ÿþ2\x00 \x001\x00'"), a workbook as "two encodings"
        raise BltFormatError(f"{what}: save it as UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        mixed = mixed_encoding_line(data)
        if mixed is not None:  # read as Latin-1, every UTF-8 letter of the names became two ("ZoÃ«")
            raise BltFormatError(
                f"line {mixed}: not UTF-8 though the file holds UTF-8 letters elsewhere (two encodings mixed): "
                "save the whole file as UTF-8"
            ) from None
        text = data.decode("latin-1")
    return parse_blt(text)


def parse_blt(text: str) -> BltFile:
    """Parse BLT text (see the module docstring).

    Raises:
        BltFormatError: the first problem, with its line number.
    """
    # (line number, the line without its comment, the line as written: a name in quotes may hold a `#`)
    lines = [(i, line.split("#", 1)[0].strip(), line) for i, line in enumerate(text.splitlines(), start=1)]
    lines = [(i, line, raw) for i, line, raw in lines if line]
    if not lines:
        raise BltFormatError("the file is empty")
    it = iter(lines)
    line_no, head, _ = next(it)
    parts = head.split()
    if len(parts) != 2 or not all(_whole(p) for p in parts):
        raise BltFormatError(
            f"line {line_no}: the first line gives the number of candidates and of seats, not {head!r}"
        )
    n, seats = int(parts[0]), int(parts[1])
    if n < 1:
        raise BltFormatError(f"line {line_no}: no candidates")
    if n > MAX_CANDIDATES:
        raise BltFormatError(f"line {line_no}: {n:,} candidates; a ballot file names at most {MAX_CANDIDATES:,}")
    if seats != 1:
        raise BltFormatError(f"line {line_no}: the file elects {seats} members; this app counts single-seat races")
    withdrawn: set[int] = set()
    checked: set[str] = set()  # cells read as candidate numbers from 1 to n
    raw: list[tuple[int, int, list[str]]] = []  # line, weight, cells (candidate numbers, `-`, or `a=b`)
    ended = False
    for line_no, line, _ in it:
        parts = line.split()
        if not raw and not withdrawn and parts[0].startswith("-") and _whole(parts[0][1:]):
            for p in parts:
                if not (p.startswith("-") and _whole(p[1:]) and 1 <= int(p[1:]) <= n):
                    raise BltFormatError(f"line {line_no}: {p!r} is not a withdrawn candidate (-1 to -{n})")
                withdrawn.add(int(p[1:]))
            continue
        if parts[0].startswith("(") and parts[0].endswith(")"):
            parts = parts[1:]  # a ballot id
            if len(parts) < 2:  # `(y) 0` is not the end of the ballots: that line is a bare 0
                raise BltFormatError(f"line {line_no}: a ballot line after its id gives a weight, the rankings, then 0")
        if parts == ["0"]:
            ended = True
            break
        if not _whole(parts[0]):
            raise BltFormatError(f"line {line_no}: the weight {parts[0]!r} is not a whole number of ballots")
        if int(parts[0]) > MAX_WEIGHT:
            raise BltFormatError(
                f"line {line_no}: the weight {parts[0]} is past the largest count a ballot row may have ({MAX_WEIGHT:,})"
            )
        if parts[-1] != "0":
            raise BltFormatError(f"line {line_no}: a ballot line ends with 0")
        cells = parts[1:-1]
        for cell in cells:
            if cell in checked:  # a file of a million lines repeats a few dozen cells
                continue
            numbers = cell.split(MARKS_JOIN)
            if cell != "-" and not all(_whole(x) and 1 <= int(x) <= n for x in numbers):
                raise BltFormatError(f"line {line_no}: {cell!r} is not a candidate number from 1 to {n} (or -)")
            checked.add(cell)
        raw.append((line_no, int(parts[0]), cells))
    if not ended:
        raise BltFormatError(f"line {lines[-1][0]}: the ballots never end (a line holding only 0)")
    strings: list[tuple[int, str]] = []
    unquoted: dict[int, str] = {}  # lines that read as several words, some not in quotes
    for line_no, _, line in it:
        try:
            words = shlex.split(line, comments=True)
            lexer = shlex.shlex(line, posix=False)  # the words as written, quotes kept
            lexer.whitespace_split = True
            tokens = list(lexer)
        except ValueError as exc:
            raise BltFormatError(f"line {line_no}: {exc}") from None
        if len(words) > 1 and any(t[0] not in "\"'" for t in tokens):
            unquoted[line_no] = line.split("#", 1)[0].strip()
        strings.extend((line_no, w) for w in words)
    for line_no in sorted({line_no for line_no, _ in strings[:n]} & set(unquoted)):
        # `Bob Kiss` unquoted is two names, Bob and Kiss: every name after them moved up one, unseen
        raise BltFormatError(
            f"line {line_no}: {unquoted[line_no]!r} reads as {len(shlex.split(unquoted[line_no]))} names: write each "
            'name in quotes ("Bob Kiss")'
        )
    if len(strings) < n:
        raise BltFormatError(f"line {lines[-1][0]}: {n} candidates are named after the ballots, found {len(strings)}")
    names = [s for _, s in strings[:n]]
    for line_no, name in strings[:n]:
        if MARKS_JOIN in name or not name.strip():
            raise BltFormatError(f"line {line_no}: {name!r} cannot be a candidate's name")
        if name.strip().casefold() in BLANK_WORDS | OVERVOTE_WORDS:  # their rankings would read as blanks
            raise BltFormatError(
                f"line {line_no}: {name!r} cannot be a candidate's name: ballot files use the word for a "
                "blank or overvoted ranking"
            )
    if len(set(names)) != n:
        raise BltFormatError("two candidates have the same name")
    after = sorted({line_no for line_no, _ in strings[n:]})
    if len(after) > 1:  # a third name where the first line says two: it became the title, the rest was dropped
        raise BltFormatError(
            f"line {after[1]}: more lines after the title: the file names more candidates than the {n} its first "
            "line says"
        )
    title = " ".join(s for _, s in strings[n:])

    def cell_text(cell: str) -> str | None:
        if cell == "-":
            return ""
        marked = [int(x) for x in cell.split(MARKS_JOIN)]
        live = list(dict.fromkeys(names[m - 1] for m in marked if m not in withdrawn))
        if not live:
            return None  # only withdrawn candidates: the ranking is taken off the paper
        return MARKS_JOIN.join(live) if len(live) > 1 else live[0]

    texts_of = {cell: cell_text(cell) for cell in checked}
    ballots: list[Ballot] = []
    for _line_no, weight, cells in raw:
        texts = [t for t in map(texts_of.__getitem__, cells) if t is not None]
        ballots.append(Ballot(tuple(texts) or ("",), weight))
    table = table_from_ballots(ballots, lines=[line_no for line_no, _, _ in raw])
    return BltFile(
        table,
        title,
        tuple(names[w - 1] for w in sorted(withdrawn)),
        tuple(name for number, name in enumerate(names, start=1) if number not in withdrawn),
    )
