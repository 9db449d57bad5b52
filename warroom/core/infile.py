"""Opening a file the user named, for every reader: refusing at once what would hang or never end."""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
from pathlib import Path
from typing import Any, BinaryIO


def open_regular(path: str | Path) -> BinaryIO:
    """Open a file the user named, for reading bytes, refusing at once what would hang or never end.

    Opened non-blocking, so a FIFO with no writer returns at once instead of waiting forever, then checked on the
    open descriptor (no race with a swap): a pipe, socket or device (/dev/zero never ends) or a folder is refused.
    A symlink the user chose is followed. Used by every file reader (ballots, poll CSV, compilations, New York
    City's files) and by warroom.paths.read_input_file.

    Raises:
        OSError: missing, unreadable, or not a regular file; `strerror` says which in plain words and `filename`
            is the path.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a pipe, socket or device): nothing was read", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
"""A multi-byte UTF-8 sequence ("ë" is C3 AB): in a file that is not UTF-8 throughout, a sign of mixed encodings."""


def mixed_encoding_line(data: bytes) -> int | None:
    """The first line of `data` that is not UTF-8 when other lines hold UTF-8 letters (two encodings in one
    file, which no single decoding reads right); None when the file is UTF-8 throughout or has no UTF-8 letter."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1 if _UTF8_LETTER.search(data) else None
    return None


_NOT_TEXT = (
    # UTF-32 first: its little-endian mark starts with UTF-16's. True: not text at all ("..., not CSV text").
    (b"\xff\xfe\x00\x00", "UTF-32 text", False),
    (b"\x00\x00\xfe\xff", "UTF-32 text", False),
    (b"\xff\xfe", 'UTF-16 text (Excel\'s "Unicode Text")', False),
    (b"\xfe\xff", 'UTF-16 text (Excel\'s "Unicode Text")', False),
    (b"PK\x03\x04", "a zip archive, such as an Excel workbook (.xlsx) or an OpenDocument sheet", True),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)", True),
)
"""What a file chosen for import may be instead of CSV (or BLT) text, by its first bytes."""


def not_text(data: bytes, kind: str = "CSV") -> str | None:
    """What `data` is when its first bytes say it is not `kind` text in UTF-8 or Windows-1252 (UTF-16 or UTF-32
    with their byte-order mark, a workbook); None otherwise."""
    for start, what, binary in _NOT_TEXT:
        if data.startswith(start):
            return f"{what}, not {kind} text" if binary else what
    return None


def not_csv_text(data: bytes) -> str | None:
    """What `data` is when its first bytes say it is not UTF-8 or Windows-1252 text (UTF-16 or UTF-32 with their
    byte-order mark, a workbook), with how to save it as CSV; None otherwise. One check for the command line and
    the window's import: a workbook was "two encodings mixed", and UTF-16 "binary" in the window."""
    what = not_text(data)
    return None if what is None else f"{what}: save it as CSV UTF-8 (Excel: Save as > CSV UTF-8) and import that"


def decode_csv_bytes(data: bytes) -> str:
    """A CSV file's text: UTF-8 (a byte-order mark dropped), else Windows-1252 as spreadsheets on Windows still
    save CSV, when the whole file is in it.

    A file partly in each (a row from a Windows export appended to a UTF-8 file) was read whole as Windows-1252:
    every UTF-8 letter silently became two ("Zoë Research" stored as "ZoÃ« Research", a second firm). It is
    refused, naming the first line that is not UTF-8.

    Raises:
        ValueError: UTF-16, UTF-32 or a workbook (not_csv_text), mixed encodings, or text in neither; the message
            names the line.
    """
    what = not_csv_text(data)
    if what is not None:
        raise ValueError(what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if mixed_encoding_line(data) is not None:
            raise ValueError(
                f"line {line} is not UTF-8 though the file holds UTF-8 letters elsewhere (two encodings mixed, "
                "e.g. rows pasted from another export): save the whole file as CSV UTF-8 and import that"
            ) from None
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ValueError(f"line {line}: not text in UTF-8 or Windows-1252 (a binary file?)") from None


class CsvRecords:
    """csv.reader over a whole text (lines ending at CR, LF or CRLF), refusing a record that runs to the end of the
    text inside a quoted cell: a stray opening quote (`"online` in a note) made the csv module read every line after
    it into that one cell, so the rows below were silently not there (a poll file of 40 polls imported 1).

    A drop-in for `csv.reader(io.StringIO(text, newline=""), **fmt)`: iterate it, read `line_num`. Such a record
    raises csv.Error naming the line its quote opened on, which every reader already reports with its line.
    """

    def __init__(self, text: str, **fmt: Any) -> None:
        self._text = text
        self._fmt = fmt
        self._buffer = io.StringIO(text, newline="")
        self._reader = csv.reader(self._buffer, **fmt)

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> CsvRecords:
        return self

    def __next__(self) -> list[str]:
        start, first_line = self._buffer.tell(), self._reader.line_num + 1
        row = next(self._reader)
        if self._buffer.tell() >= len(self._text) and '"' in self._text[start:]:
            # the last record: read again by the strict reader, which refuses a quoted cell the text ends inside
            try:
                for _ in csv.reader(io.StringIO(self._text[start:], newline=""), strict=True, **self._fmt):
                    pass
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    raise csv.Error(
                        f"a quote opened on line {first_line} is never closed, so every line after it would be "
                        'read into one cell (a stray " in a cell?): close it, or double it ("") to mean a quote'
                    ) from None
        return row


def looks_like_bundle(text: str) -> bool:
    """Whether a file's text is meant as a campaign bundle, not a poll CSV: a JSON object. Any text starting
    with "{" is read as one, so that a broken bundle (a number of 5,000 digits, text after the end, another
    program's JSON) is explained by the bundle's reader, never read as a CSV whose header is the whole file."""
    return text.lstrip("\ufeff \t\r\n").startswith("{")


def bundle_refusal(head: str, source: str, name: str) -> str | None:
    """Why a file or pasted text beginning `head` is not imported into the window's open race when it is a campaign
    bundle (looks_like_bundle, as `warroom import` tells one), else None. A bundle brings its own race (made, or
    its new polls added to the race of its name) with its markers and scenarios, which `warroom import` reads; the
    poll CSV reader called it "missing column 'pollster' (have: {)"."""
    if not looks_like_bundle(head):
        return None
    return (
        f"Nothing was imported from {source}: it is a campaign bundle (a race with its polls, event markers and "
        f"saved scenarios), not a poll table; import it with: warroom import {name}"
    )
