"""Ballot records held column-wise: one integer matrix of rankings and one vector of counts.

A ballot file has one row per ranking pattern and a count of identical papers. Holding a million rows as
Python objects costs a gigabyte; held here they cost two bytes a cell. `BallotTable` is that form, and
`read_table_fast` fills it straight from CSV text with numpy (no per-cell Python work), so reading and
counting a million distinct ballots takes about a second.

Cell codes in `BallotTable.ranks`:
    0, 1, 2, ...   the candidate `candidates[code]`
    BLANK (-1)     no mark in that ranking: an empty cell, or the words `undervote` / `skipped`
    OVERVOTE (-2)  more than one candidate marked at that ranking: the word `overvote`, or the marked
                   candidates joined by `=` (`Kurt Wright=Write-in`), which also records who was marked
                   (`BallotTable.overvote_marks`) for the rule that counts an overvote for the one marked
                   candidate still in the count (`Overvote.CONTINUING` in warroom.core.count)
The words are matched without regard to case, so a real candidate cannot be called `overvote`, and a name
cannot contain `=`.

The weighted-profile shape (one row per ranking pattern with a count) is the ballot CSV of
warroom.core.csvformat: a `count` column and ranking columns in order. A file of one row per paper (a
cast-vote record) is the same shape with every count 1; New York City's export is read by
warroom.core.nyc_cvr.

What a blank, an overvote or a repeated candidate *means* is decided by the counting rules in
`warroom.core.count`, not here: this module only records what is on the paper.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO, overload

import numpy as np

BLANK = -1
OVERVOTE = -2
BLANK_WORDS = frozenset({"", "undervote", "skipped"})
OVERVOTE_WORDS = frozenset({"overvote"})
MARKS_JOIN = "="  # joins the candidates marked at one ranking: an overvote that says who was marked

_CHUNK_CHARS = 500_000  # bytes cut per block: small enough to stay in cache, three blocks in flight
_MAX_FAST_CELL = 64  # longer cells go through the csv module (keeps the word gather small)
_WS = np.zeros(256, dtype=bool)
_WS[[ord(" "), ord("\t"), ord("\r")]] = True
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier (golden ratio); collisions are checked, not assumed away


@dataclass(frozen=True, slots=True)
class Ballot:
    """`count` identical ballots ranking `preferences` (first choice first; "" is an unmarked ranking)."""

    preferences: tuple[str, ...]
    count: int = 1


@dataclass(frozen=True, eq=False)
class BallotTable:
    """Ballot rows column-wise.

    Attributes:
        candidates: names, numbered in order of first appearance (row by row, left to right).
        ranks: (rows, rankings) int16 matrix of candidate codes, BLANK or OVERVOTE (column-major from
            the CSV reader, so each ranking column is contiguous).
        counts: (rows,) int64 number of identical papers per row.
        lines: (rows,) source line of each row, or None when row i is on line `first_line + i`.
        first_line: the line of row 0 when `lines` is None (2 in a file with a header).
        overvote_marks: (row, ranking column) -> codes of the candidates marked there, for the OVERVOTE
            cells that say who was marked (`A=B`); other overvotes are not listed.
    """

    candidates: tuple[str, ...]
    ranks: np.ndarray
    counts: np.ndarray
    lines: np.ndarray | None = None
    first_line: int = 1
    overvote_marks: Mapping[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return int(self.counts.shape[0])

    def line_of(self, row: int) -> int:
        """The source line of `row` (for error messages)."""
        if self.lines is not None:
            return int(self.lines[row])
        return self.first_line + row

    def to_ballots(self) -> list[Ballot]:
        """The rows as Ballot objects (blanks as "", overvotes as "overvote")."""
        return list(BallotRows(self))


class BallotRows(Sequence[Ballot]):
    """A BallotTable seen as a sequence of Ballot objects, built only when a row is read.

    `parse_ballots_csv` returns this, so a caller that hands it straight to `count_ballots` counts the
    table column-wise without a Python object per row.
    """

    def __init__(self, table: BallotTable) -> None:
        self.table = table
        self._names = {BLANK: "", OVERVOTE: "overvote"} | dict(enumerate(table.candidates))

    def __len__(self) -> int:
        return self.table.rows

    @overload
    def __getitem__(self, index: int) -> Ballot: ...
    @overload
    def __getitem__(self, index: slice) -> list[Ballot]: ...
    def __getitem__(self, index: int | slice) -> Ballot | list[Ballot]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = range(len(self))[index]  # IndexError and negative indices as a list has them
        names = self._names
        cells = [names[int(c)] for c in self.table.ranks[row]]
        for (r, col), marked in self.table.overvote_marks.items():
            if r == row:
                cells[col] = MARKS_JOIN.join(self.table.candidates[c] for c in marked)
        return Ballot(tuple(cells), int(self.table.counts[row]))

    def __iter__(self) -> Iterator[Ballot]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


MAX_CANDIDATES = 10_000
"""The most candidates (different names in the preference columns) and preference columns a ballot file may
have. Codes are 16-bit (a table of millions of papers stays small); the longest real ballots list a few
hundred candidates (NSW Legislative Council 2015: 394 below the line), so past this it is not a ballot file."""


class BallotLimitError(ValueError):
    """A ballot file past MAX_CANDIDATES; csvformat reports it as a CsvFormatError."""


def marked_names(text: str) -> tuple[str, ...] | None:
    """The candidates of an overvote cell written `A=B` (stripped, each once, in order), or None for any other cell.

    Raises:
        ValueError: a `=` cell with an empty part (`A=`), or naming fewer than two candidates (`A=A`).
    """
    if MARKS_JOIN not in text:
        return None
    parts = [p.strip() for p in text.split(MARKS_JOIN)]
    if not all(parts):
        raise ValueError(f"{text!r}: an overvote names its candidates joined by '=', with none left empty")
    names = tuple(dict.fromkeys(parts))
    if len(names) < 2:
        raise ValueError(f"{text!r}: an overvote marks at least two different candidates")
    blank = [p for p in names if p.casefold() in BLANK_WORDS | OVERVOTE_WORDS]
    if blank:
        raise ValueError(f"{text!r}: {blank[0]!r} is not a candidate")
    return names


def cell_code(text: str, codes: dict[str, int], names: list[str]) -> int:
    """The code of one stripped cell, registering a new candidate in `codes`/`names`.

    An `A=B` cell is OVERVOTE here; its candidates are registered by the caller (`marked_names`).

    Raises:
        BallotLimitError: a candidate past MAX_CANDIDATES.
    """
    if MARKS_JOIN in text:
        return OVERVOTE
    code = codes.get(text)
    if code is None:
        folded = text.casefold()
        if folded in BLANK_WORDS:
            code = BLANK
        elif folded in OVERVOTE_WORDS:
            code = OVERVOTE
        else:
            if len(names) >= MAX_CANDIDATES:
                raise BallotLimitError(
                    f"more than {MAX_CANDIDATES:,} different candidates in the preference columns "
                    f"({text[:40]!r} would be one more): not a ballot file"
                )
            code = len(names)
            names.append(text)
        codes[text] = code
    return code


def table_from_ballots(
    ballots: Iterable[Ballot], lines: Sequence[int] | None = None, first_line: int = 1
) -> BallotTable:
    """Build a BallotTable from Ballot objects (cells are stripped; short rows padded with blanks).

    Raises:
        OverflowError: a count does not fit in 64 bits.
        ValueError: a malformed `A=B` overvote cell (see `marked_names`).
    """
    codes: dict[str, int] = {}
    names: list[str] = []
    rows: list[list[int]] = []
    counts: list[int] = []
    marks: dict[tuple[int, int], tuple[int, ...]] = {}
    for ballot in ballots:
        row: list[int] = []
        for col, p in enumerate(ballot.preferences):
            text = p.strip()
            marked = marked_names(text)
            if marked is not None:
                marks[(len(rows), col)] = tuple(cell_code(m, codes, names) for m in marked)
            row.append(cell_code(text, codes, names))
        rows.append(row)
        counts.append(ballot.count)
    width = max((len(r) for r in rows), default=0)
    ranks = np.full((len(rows), width), BLANK, dtype=np.int16)
    for i, r in enumerate(rows):
        ranks[i, : len(r)] = r
    count_arr = np.array(counts, dtype=np.int64) if counts else np.zeros(0, dtype=np.int64)
    line_arr = np.asarray(lines, dtype=np.int64) if lines is not None else None
    return BallotTable(tuple(names), ranks, count_arr, line_arr, first_line, marks)


def read_table_fast(text: str, start: int, width: int, count_col: int, first_line: int) -> BallotTable | None:
    """Read the body of a ballot CSV (from `text[start:]`) column-wise, or None if it needs the csv module.

    See `read_table_chunks`, which this feeds with the text encoded a few megabytes at a time.
    """
    return read_table_chunks(_text_chunks(text, start), width, count_col, first_line)


def read_table_chunks(chunks: Iterable[bytes], width: int, count_col: int, first_line: int) -> BallotTable | None:
    """Read a ballot CSV body, given as UTF-8 blocks that each end at a line end, or None for the csv path.

    The fast path takes files where every line has exactly `width` comma-separated cells, nothing is quoted,
    every count is plain digits and every cell is at most 64 bytes: what exporters write. Anything else
    (quotes, NUL bytes, ragged or blank lines, bad counts, odd whitespace, bytes that are not UTF-8)
    returns None and the caller reads the file with the csv module, which also names the line of any
    error. Both paths give the same table.

    Cells are told apart by their bytes: each cell is read as 64-bit words (its first, its last, and the
    middle ones of a long cell), looked up by a mix of those words, and every match is then checked word
    by word and by length, so two different names are never merged (a clash sends the file to the csv
    path instead).
    """
    cells = _CellIndex()
    rank_parts: list[np.ndarray] = []
    count_parts: list[np.ndarray] = []
    pref_cols = [c for c in range(width) if c != count_col]
    blocks = _prepared(chunks)
    # Blocks are cut into cells and looked up on two worker threads (numpy releases the GIL), against the
    # cell index as it stood when each was sent; cells new to the index are settled here in file order,
    # so codes are numbered by first appearance whatever the threads do.
    with ThreadPoolExecutor(max_workers=2) as pool:
        ahead: deque[Future[_Cells | None]] = deque()
        while True:
            while len(ahead) < 3:
                block = next(blocks, b"")
                if block is None:
                    return None  # quotes, NUL bytes or blank lines: the csv path
                if not block:
                    break
                ahead.append(pool.submit(_cut, block, width, count_col, pref_cols, cells.snapshot()))
            if not ahead:
                break
            cut = ahead.popleft().result()
            codes = None if cut is None else _resolve(cut, cells)
            if cut is None or codes is None:
                for future in ahead:
                    future.cancel()
                return None
            rank_parts.append(codes)
            count_parts.append(cut.counts)
    if not rank_parts:
        return None
    ranks = np.empty((sum(p.shape[0] for p in rank_parts), len(pref_cols)), dtype=np.int16, order="F")
    row = 0
    for part in rank_parts:  # column-major: the count reads one ranking column at a time
        ranks[row : row + part.shape[0]] = part
        row += part.shape[0]
    counts = np.concatenate(count_parts) if len(count_parts) > 1 else count_parts[0]
    return BallotTable(tuple(cells.names), ranks, counts, None, first_line)


def _prepared(chunks: Iterable[bytes]) -> Iterator[bytes | None]:
    """Blocks ready to cut: each ends with a newline, trailing blank lines trimmed from the last one.

    Yields None (and stops) at a block the fast path cannot take: quotes, NUL bytes, or a block of
    blank lines inside the file.
    """
    held: bytes | None = None  # one block held back, so the last can be trimmed
    for block in itertools.chain(chunks, [None]):
        if held is not None:
            chunk = held if block is not None else held.rstrip(b" \t\r\n") + b"\n"
            if chunk.strip():
                if b'"' in chunk or b"\0" in chunk:
                    yield None
                    return
                yield chunk if chunk.endswith(b"\n") else chunk + b"\n"
            elif block is not None:
                yield None
                return
        held = block


def _text_chunks(text: str, start: int) -> Iterator[bytes]:
    pos, end = start, len(text)
    while pos < end:
        stop = text.find("\n", min(pos + _CHUNK_CHARS, end), end)
        stop = end - 1 if stop == -1 else stop
        yield text[pos : stop + 1].encode("utf-8")
        pos = stop + 1


def file_chunks(handle: BinaryIO, size: int = _CHUNK_CHARS) -> Iterator[bytes]:
    """A binary file's bytes in blocks of about `size` that each end at a line end (the last may not)."""
    rest = b""
    while True:
        block = handle.read(size)
        if not block:
            if rest:
                yield rest
            return
        block = rest + block
        cut = block.rfind(b"\n") + 1
        if cut:
            yield block[:cut]
        rest = block[cut:]


_MIDDLE = (_MAX_FAST_CELL - 16) // 8  # words between the first and the last of the longest fast cell


def _cell_words(raw: bytes) -> tuple[int, int, list[int]]:
    """(first word, last word, middle words) of a cell's bytes, as _parse_chunk reads them."""
    padded = raw + b"\0" * 8
    first = int.from_bytes(padded[:8], "little") if len(raw) >= 8 else int.from_bytes(padded[: len(raw)], "little")
    last = int.from_bytes(raw[-8:], "little") if len(raw) >= 8 else first
    middle = [int.from_bytes(raw[8 * k : 8 * k + 8], "little") for k in range(1, -(-(len(raw) - 16) // 8) + 1)]
    return first, last, middle


_Slots = tuple[np.uint64, np.uint64, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _lookup(
    table: _Slots | None,
    keys: np.ndarray,
    lengths: np.ndarray,
    words: list[np.ndarray],
    long_rows: np.ndarray,
    middle: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(code of each cell, whether it exactly matches a known cell) against a snapshot of the cell index.

    `words` is [first, last] per cell; `middle` holds the middle words of the cells at `long_rows`.
    """
    if table is None:
        return np.zeros(keys.size, dtype=np.int16), np.zeros(keys.size, dtype=bool)
    shift, multiplier, slot_entry, entry_code, entry_words, entry_len = table
    entry = slot_entry[(keys * multiplier) >> shift]
    ok = entry_len[entry] == lengths
    ok &= entry_words[0][entry] == words[0]
    ok &= entry_words[1][entry] == words[1]
    if long_rows.size:
        long_entry = entry[long_rows]
        for k in range(middle.shape[1]):
            ok[long_rows] &= entry_words[2 + k][long_entry] == middle[:, k]
    return entry_code[entry], ok


class _CellIndex:
    """The distinct non-empty cells met so far: key -> code, with their words to check every match exactly."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.keys: list[int] = []
        self.codes: list[int] = []
        self.raw: list[bytes] = []
        self._text_codes: dict[str, int] = {}
        self._table: _Slots | None = None

    def add(self, key: int, raw: bytes) -> bool:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return False  # the csv path reports a file that is not UTF-8
        if text != text.strip():
            return False  # other whitespace (a no-break space, say): the csv path strips it
        if MARKS_JOIN in text:
            return False  # an overvote that names its candidates: the csv path records who was marked
        code = cell_code(text, self._text_codes, self.names)
        if code >= np.iinfo(np.int16).max:
            return False
        self.keys.append(key)
        self.codes.append(code)
        self.raw.append(raw)
        self._table = None
        return True

    def snapshot(self) -> _Slots | None:
        """The lookup table as it stands (immutable arrays: safe to read on another thread)."""
        return self._slots() if self.keys else None

    def lookup(
        self, keys: np.ndarray, lengths: np.ndarray, words: list[np.ndarray], long_rows: np.ndarray, middle: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(code of each cell, whether it is an exact match of a known cell)."""
        return _lookup(self.snapshot(), keys, lengths, words, long_rows, middle)

    def _slots(self) -> _Slots:
        if self._table is None:
            keys = np.array(self.keys, dtype=np.uint64)
            # Multiplicative hashing into 2**bits slots, with a multiplier that gives these few keys a slot
            # each (a handful of tries at most); every lookup is still checked against the cell's words.
            bits = max(3, (2 * len(keys)).bit_length() + 1)
            shift = np.uint64(64 - bits)
            rng = np.random.default_rng(len(keys))
            while True:
                multiplier = np.uint64(int(rng.integers(1, 2**62)) * 2 + 1)
                slots = (keys * multiplier) >> shift
                if np.unique(slots).size == keys.size:
                    break
            slot_entry = np.zeros(2**bits, dtype=np.intp)
            slot_entry[slots.astype(np.intp)] = np.arange(keys.size)
            entry_words = np.zeros((2 + _MIDDLE, keys.size), dtype=np.uint64)
            for i, raw in enumerate(self.raw):
                first, last, middle = _cell_words(raw)
                entry_words[0, i], entry_words[1, i] = first, last
                entry_words[2 : 2 + len(middle), i] = middle
            entry_len = np.array([len(r) for r in self.raw], dtype=np.int64)
            self._table = (shift, multiplier, slot_entry, np.array(self.codes, dtype=np.int16), entry_words, entry_len)
        return self._table


@dataclass(frozen=True, eq=False)
class _Cells:
    """One block cut into cells: the counts, and the words of every non-empty preference cell."""

    chunk: bytes
    n_lines: int
    n_prefs: int
    counts: np.ndarray
    filled: np.ndarray  # which preference cells (row-major) are non-empty
    starts: np.ndarray
    lengths: np.ndarray
    keys: np.ndarray
    first: np.ndarray
    last: np.ndarray
    long_rows: np.ndarray
    middle: np.ndarray
    found: np.ndarray  # codes looked up against the cell index as it was when the block was sent
    ok: np.ndarray  # which of those are exact matches (the rest are new cells, settled in file order)


def _cut(chunk: bytes, width: int, count_col: int, pref_cols: list[int], table: _Slots | None) -> _Cells | None:
    """Split a block into cells, read their words and look them up (pure: runs on a worker thread)."""
    b = np.frombuffer(chunk, dtype=np.uint8)
    seps = np.flatnonzero((b == 44) | (b == 10)).astype(np.int32)
    is_nl = b[seps] == 10
    n_lines = int(np.count_nonzero(is_nl))
    if seps.size != n_lines * width or not is_nl.reshape(n_lines, width)[:, -1].all():
        return None  # a line with too few or too many cells
    ends = seps
    starts = np.empty_like(seps)
    starts[0] = 0
    starts[1:] = seps[:-1] + 1
    _strip(b, starts, ends)
    starts2 = starts.reshape(n_lines, width)
    ends2 = ends.reshape(n_lines, width)
    counts = _parse_counts(b, starts2[:, count_col], ends2[:, count_col])
    if counts is None:
        return None
    cell_start = starts2[:, pref_cols].ravel()
    cell_len = ends2[:, pref_cols].ravel() - cell_start
    filled = np.flatnonzero(cell_len)
    s = cell_start[filled].astype(np.intp)
    lengths = cell_len[filled].astype(np.int64)
    if lengths.size and int(lengths.max()) > _MAX_FAST_CELL:
        return None
    padded = chunk + b"\0" * 8
    # Every byte offset as the start of a little-endian 64-bit word (an overlapping, unaligned view).
    words_at = np.ndarray((len(chunk),), dtype="<u8", buffer=padded, offset=0, strides=(1,))
    first = words_at[s]
    if lengths.size and int(lengths.min()) < 8:
        first &= _MASKS[np.minimum(lengths, 8)]
        short = lengths < 8
        last = words_at[np.maximum(s + lengths - 8, s)]
        last[short] = first[short]
    else:
        last = words_at[s + lengths - 8]
    keys = first * _MIX + last
    long_rows = np.flatnonzero(lengths > 16)
    middle = np.zeros((long_rows.size, _MIDDLE), dtype=np.uint64)
    if long_rows.size:
        ls, ll = s[long_rows], lengths[long_rows]
        for k in range(_MIDDLE):
            inside = ll > 8 * (k + 2)  # a middle word k+1 exists: the cell runs past its end + 8
            middle[inside, k] = words_at[ls[inside] + 8 * (k + 1)]
            keys[long_rows[inside]] = keys[long_rows[inside]] * _MIX + middle[inside, k]
    found, ok = _lookup(table, keys, lengths, [first, last], long_rows, middle)
    return _Cells(
        chunk, n_lines, len(pref_cols), counts, filled, s, lengths, keys, first, last, long_rows, middle, found, ok
    )


def _resolve(cut: _Cells, cells: _CellIndex) -> np.ndarray | None:
    """The block's (lines, preferences) codes, registering new cells in order of first appearance."""
    codes = np.full(cut.n_lines * cut.n_prefs, BLANK, dtype=np.int16)  # an empty cell is always a blank ranking
    if cut.filled.size:
        words = [cut.first, cut.last]
        found, ok = cut.found, cut.ok
        if not ok.all():  # against the index as it is now: cells met in the blocks before this one
            found, ok = cells.lookup(cut.keys, cut.lengths, words, cut.long_rows, cut.middle)
        if not ok.all():
            missing = np.flatnonzero(~ok)
            new_keys, first_seen = np.unique(cut.keys[missing], return_index=True)
            for i in np.argsort(first_seen, kind="stable"):
                t = int(missing[first_seen[i]])
                raw = cut.chunk[int(cut.starts[t]) : int(cut.starts[t] + cut.lengths[t])]
                if int(new_keys[i]) in cells.keys or not cells.add(int(new_keys[i]), raw):
                    return None  # a key clash between two different cells, or whitespace the csv path handles
            found, ok = cells.lookup(cut.keys, cut.lengths, words, cut.long_rows, cut.middle)
            if not ok.all():
                return None
        codes[cut.filled] = found
    return codes.reshape(cut.n_lines, cut.n_prefs)


def _strip(b: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
    """Move cell bounds past spaces, tabs and carriage returns, in place (as str.strip would)."""
    # Quick look first: an empty cell's first byte is its own separator, and the byte before a chunk's
    # first cell is read as the chunk's final newline, so neither is taken for whitespace.
    lead = _WS[b[starts]].any()
    trail = _WS[b[ends - 1]].any()
    while lead:
        m = (starts < ends) & _WS[b[starts]]
        lead = bool(m.any())
        starts[m] += 1
    while trail:
        m = (ends > starts) & _WS[b[np.maximum(ends - 1, 0)]]
        trail = bool(m.any())
        ends[m] -= 1


def _parse_counts(b: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray | None:
    """Counts written as 1 to 18 plain digits, or None (then the csv path reports the bad ones)."""
    lengths = e - s
    if lengths.size == 0 or lengths.min() < 1 or lengths.max() > 18:
        return None
    value = np.zeros(lengths.size, dtype=np.int64)
    for j in range(int(lengths.max())):
        inside = j < lengths
        digit = b[np.where(inside, s + j, 0)].astype(np.int64) - 48
        if ((digit < 0) | (digit > 9))[inside].any():
            return None
        value = np.where(inside, value * 10 + digit, value)
    return value
