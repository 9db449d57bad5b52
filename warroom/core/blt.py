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

import re
import shlex
from array import array
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from warroom.core.ballots import (
    BLANK,
    BLANK_WORDS,
    MARKS_JOIN,
    MAX_CANDIDATES,
    OVERVOTE_WORDS,
    BallotTable,
    cell_code,
    marked_names,
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


_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""The line ends `str.splitlines` knows besides \\n."""


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """`enumerate(text.splitlines(), start=1)` without the list of every line (70 MB for a million lines)."""
    if _BREAKS.search(text):
        yield from enumerate(text.splitlines(), start=1)
        return
    pos, number, size = 0, 1, len(text)
    while pos < size:
        end = text.find("\n", pos)
        if end < 0:
            yield number, text[pos:]
            return
        yield number, text[pos:end]
        pos, number = end + 1, number + 1


def parse_blt(text: str) -> BltFile:
    """Parse BLT text (see the module docstring).

    The ballot lines are read in one pass, each different ranking once (a line repeating one read before costs a
    dictionary look-up and three numbers kept), so memory follows the different rankings, not the lines: a
    million-line file held about 50 times its size as lists of strings and Ballot objects (780 MB for 15 MB).
    The table is the one `table_from_ballots` makes of the same ballots.

    Raises:
        BltFormatError: the first problem, with its line number.
    """

    def content() -> Iterator[tuple[int, str, str]]:
        # (line number, the line without its comment, the line as written: a name in quotes may hold a `#`)
        for i, raw_line in _numbered_lines(text):
            line = (raw_line.split("#", 1)[0] if "#" in raw_line else raw_line).strip()
            if line:
                yield i, line, raw_line

    def last_line() -> int:
        # the last line holding more than a comment (where a message about a missing end points)
        return max((number for number, _, _ in content()), default=0)

    it = content()
    first = next(it, None)
    if first is None:
        raise BltFormatError("the file is empty")
    line_no, head, _ = first
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
    cell_ids: dict[str, int] = {}  # each different cell read (a candidate number from 1 to n, `-`, or `a=b`)
    pattern_of_text: dict[str, int] = {}  # a ballot line's rankings as written (after the weight) -> its pattern
    pattern_cells = array("i")  # each different ranking's cells (numbers in `cell_ids`), one after another
    pattern_ends = array("q")  # where each ranking's cells end in `pattern_cells`, in order of first appearance
    line_patterns = array("i")  # each ballot line's pattern
    weights = array("q")
    ballot_lines = array("q")
    ended = False
    for line_no, line, _ in it:
        parts = line.split(None, 1)
        lead = parts[0]
        if not ballot_lines and not withdrawn and lead.startswith("-") and _whole(lead[1:]):
            for p in line.split():
                if not (p.startswith("-") and _whole(p[1:]) and 1 <= int(p[1:]) <= n):
                    raise BltFormatError(f"line {line_no}: {p!r} is not a withdrawn candidate (-1 to -{n})")
                withdrawn.add(int(p[1:]))
            continue
        if lead.startswith("(") and lead.endswith(")"):
            parts = parts[1].split(None, 1) if len(parts) > 1 else []  # a ballot id
            if len(parts) < 2:  # `(y) 0` is not the end of the ballots: that line is a bare 0
                raise BltFormatError(f"line {line_no}: a ballot line after its id gives a weight, the rankings, then 0")
            lead = parts[0]
        elif parts == ["0"]:
            ended = True
            break
        if not _whole(lead):
            raise BltFormatError(f"line {line_no}: the weight {lead!r} is not a whole number of ballots")
        weight = int(lead)
        if weight > MAX_WEIGHT:
            raise BltFormatError(
                f"line {line_no}: the weight {lead} is past the largest count a ballot row may have ({MAX_WEIGHT:,})"
            )
        rankings = parts[1] if len(parts) > 1 else ""
        pattern = pattern_of_text.get(rankings)
        if pattern is None:
            cells = rankings.split()
            if not cells or cells[-1] != "0":
                raise BltFormatError(f"line {line_no}: a ballot line ends with 0")
            for cell in cells[:-1]:
                if cell in cell_ids:  # a file of a million lines repeats a few dozen cells
                    continue
                numbers = cell.split(MARKS_JOIN)
                if cell != "-" and not all(_whole(x) and 1 <= int(x) <= n for x in numbers):
                    raise BltFormatError(f"line {line_no}: {cell!r} is not a candidate number from 1 to {n} (or -)")
                cell_ids[cell] = len(cell_ids)
            pattern_cells.extend(map(cell_ids.__getitem__, cells[:-1]))
            pattern = len(pattern_ends)
            pattern_ends.append(len(pattern_cells))
            pattern_of_text[rankings] = pattern
        line_patterns.append(pattern)
        weights.append(weight)
        ballot_lines.append(line_no)
    if not ended:
        raise BltFormatError(f"line {last_line()}: the ballots never end (a line holding only 0)")
    del pattern_of_text
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
        raise BltFormatError(f"line {last_line()}: {n} candidates are named after the ballots, found {len(strings)}")
    # A name is read without the spaces around it, as every ballot file's cells are: "A" and " A" were two
    # candidates in the file and one in the count, the second's votes silently the first's.
    names = [s.strip() for _, s in strings[:n]]
    first_line_of: dict[str, int] = {}
    for (line_no, written), name in zip(strings[:n], names, strict=True):
        if MARKS_JOIN in name or not name:
            raise BltFormatError(f"line {line_no}: {written!r} cannot be a candidate's name")
        if name.casefold() in BLANK_WORDS | OVERVOTE_WORDS:  # their rankings would read as blanks
            raise BltFormatError(
                f"line {line_no}: {written!r} cannot be a candidate's name: ballot files use the word for a "
                "blank or overvoted ranking"
            )
        if name in first_line_of:
            raise BltFormatError(
                f"line {line_no}: two candidates are named {name!r} (candidate {len(first_line_of) + 1}, and one "
                f"named on line {first_line_of[name]}; spaces around a name do not count)"
            )
        first_line_of.setdefault(name, line_no)
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

    cell_texts = [cell_text(cell) for cell in cell_ids]
    table = _table(cell_texts, pattern_cells, pattern_ends, line_patterns, weights, ballot_lines)
    return BltFile(
        table,
        title,
        tuple(names[w - 1] for w in sorted(withdrawn)),
        tuple(name for number, name in enumerate(names, start=1) if number not in withdrawn),
    )


def _table(
    cell_texts: list[str | None],
    pattern_cells: array,
    pattern_ends: array,
    line_patterns: array,
    weights: array,
    lines: array,
) -> BallotTable:
    """The BallotTable `table_from_ballots` makes of the ballot lines read as rankings of cell numbers.

    A ranking's ballot is its cells' texts (`cell_texts`; None: a ranking taken off the paper, the later ones
    moving up), or one blank ranking when none is left. Candidates are numbered in order of first appearance,
    row by row, left to right, an `A=B` cell's candidates before the cell, as `table_from_ballots` numbers them:
    rankings are numbered in order of the line each first appears on, so the first row holding a cell is the
    first row of the first ranking holding it.
    """
    rows, patterns = len(line_patterns), len(pattern_ends)
    cells = np.frombuffer(pattern_cells, dtype=np.int32) if len(pattern_cells) else np.zeros(0, dtype=np.int32)
    ends = np.frombuffer(pattern_ends, dtype=np.int64) if patterns else np.zeros(0, dtype=np.int64)
    lengths = (ends - np.concatenate(([0], ends[:-1]))).astype(np.int32)
    kept_patterns = np.repeat(np.arange(patterns, dtype=np.int32), lengths)
    taken = np.array([t is None for t in cell_texts], dtype=bool)  # cells of withdrawn candidates only
    if taken.any():  # their rankings come off the papers, the later ones moving up
        kept = np.flatnonzero(~taken[cells])
        cells, kept_patterns = cells[kept], kept_patterns[kept]
    kept_len = np.bincount(kept_patterns, minlength=patterns).astype(np.int32)
    col = np.arange(len(cells), dtype=np.int32)
    col -= (np.cumsum(kept_len, dtype=np.int32) - kept_len)[kept_patterns]
    codes: dict[str, int] = {}
    names: list[str] = []
    code_of = np.full(len(cell_texts), BLANK, dtype=np.int16)
    marks_of: dict[int, tuple[int, ...]] = {}
    # Cells are numbered in order of first appearance, and one taken off the papers is taken off everywhere: the
    # cells left, in number order, are in order of first appearance on the papers as they count.
    for cell, text in enumerate(cell_texts):
        if text is not None:
            marked = marked_names(text.strip())
            if marked is not None:
                marks_of[cell] = tuple(cell_code(m, codes, names) for m in marked)
            code_of[cell] = cell_code(text.strip(), codes, names)
    width = int(np.maximum(kept_len, 1).max()) if rows else 0
    shapes = np.full((patterns, width), BLANK, dtype=np.int16)
    shapes[kept_patterns, col] = code_of[cells]
    which = np.frombuffer(line_patterns, dtype=np.int32) if rows else np.zeros(0, dtype=np.int32)
    marks: dict[tuple[int, int], tuple[int, ...]] = {}
    if marks_of:
        at = np.flatnonzero(np.isin(cells, np.array(list(marks_of), dtype=np.int32)))
        pattern_marks: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        for i in at.tolist():
            pattern_marks.setdefault(int(kept_patterns[i]), []).append((int(col[i]), marks_of[int(cells[i])]))
        has_marks = np.zeros(patterns, dtype=bool)
        has_marks[list(pattern_marks)] = True
        for r in np.flatnonzero(has_marks[which]).tolist():
            for c, marked_codes in pattern_marks[int(which[r])]:
                marks[(r, c)] = marked_codes
    del kept_patterns, col
    ranks = shapes[which]
    return BallotTable(
        tuple(names), ranks, np.array(weights, dtype=np.int64), np.array(lines, dtype=np.int64), 1, marks
    )
