"""An official result as a CSV file: one row per candidate (code, full name or surname), first-round and
final-round votes; rows "other" (grouped others) and "exhausted" (votes that reached neither finalist). Pure.

    candidate,first_round,final_round
    Boris Johnson,971931,1054811
    Ken Livingstone,889918,992273
    Jenny Jones,98913,
    exhausted,161391,

Every problem is reported with its line and column; nothing is returned partly read.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from warroom.core.csvformat import candidate_spellings
from warroom.core.infile import CsvRecords
from warroom.core.types import Contest, OfficialResult
from warroom.core.validation import MAX_VOTES, result_problems, whole_number

RESULT_FILE_MAX_BYTES = 1024**2
"""A result file is one row per candidate: a few hundred bytes. Readers refuse anything past a megabyte unread."""


@dataclass(frozen=True)
class ResultProblem:
    """What is wrong, where."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


class ResultFileError(ValueError):
    """The file is refused; `problems` lists every problem with its line and column."""

    def __init__(self, problems: list[ResultProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:10]))
        self.problems = problems


def _votes(text: str) -> int | None:
    t = text.strip()
    if not t:
        return None
    return whole_number(t, most=MAX_VOTES, what="a whole number of votes")  # the one rule, every reader


def parse_result_csv(text: str, contest: Contest, source: str = "") -> OfficialResult:
    """The result the file gives for `contest`.

    Raises:
        ResultFileError: unknown candidates, repeated rows, votes that are not whole numbers, a final round
            of one finalist, missing columns; figures no count could give (core.validation.result_problems).
    """
    reader = CsvRecords(text.lstrip("\ufeff"))
    try:
        rows = list(reader)
    except csv.Error as exc:  # a field past the csv module's 128 KB limit was a traceback (CLI and window)
        raise ResultFileError([ResultProblem(reader.line_num, "row", f"not CSV ({exc})")]) from None
    problems: list[ResultProblem] = []
    if not rows:
        raise ResultFileError([ResultProblem(1, "candidate", "the file is empty")])
    header = [h.strip().casefold() for h in rows[0]]
    col = {name: header.index(name) for name in ("candidate", "first_round", "final_round") if name in header}
    for i, name in enumerate(header):
        if name in col and col[name] != i:  # never read one copy and drop the other
            problems.append(
                ResultProblem(1, rows[0][i].strip(), f"appears twice (columns {col[name] + 1} and {i + 1})")
            )
        elif name and name not in col:  # "second_round" for final_round: the final round was dropped unseen
            problems.append(
                ResultProblem(
                    1, rows[0][i].strip(), "unknown column (the file takes candidate, first_round, final_round)"
                )
            )
    for need in ("candidate", "first_round"):
        if need not in col:
            problems.append(ResultProblem(1, need, "the header needs this column"))
    if problems:
        raise ResultFileError(problems)
    names = candidate_spellings(contest)  # a surname two candidates share names neither
    first: dict[str, int] = {}
    final: dict[str, int] = {}
    at: dict[str, int] = {}  # code -> its line, to place the store's rule's problems (result_problems)
    exhausted, seen_exhausted = 0, False
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            problems.append(ResultProblem(line, "row", f"{len(row)} cells but the header has {len(header)}"))
            continue
        cells = row + [""] * (len(header) - len(row))
        who = cells[col["candidate"]].strip()
        key = who.casefold()
        code = "exhausted" if key == "exhausted" else "other" if key in ("other", "others") else names.get(key)
        if code is None:
            why = names.unknown(who)
            why = why if not why.startswith("unknown") else f"{who!r} is not a candidate of {contest.name}"
            problems.append(ResultProblem(line, "candidate", why))
            continue
        if code in first or (code == "exhausted" and seen_exhausted):
            problems.append(ResultProblem(line, "candidate", f"{who!r} appears twice"))
            continue
        try:
            v1 = _votes(cells[col["first_round"]])
            v2 = _votes(cells[col["final_round"]]) if "final_round" in col else None
        except ValueError as exc:
            problems.append(ResultProblem(line, "votes", str(exc)))
            continue
        at[code] = line
        if code == "exhausted":
            exhausted, seen_exhausted = v1 or 0, True
            continue
        if v1 is None:
            problems.append(ResultProblem(line, "first_round", "needs the candidate's first-round votes"))
            continue
        first[code] = v1
        if v2 is not None:
            if code == "other":
                problems.append(ResultProblem(line, "final_round", "grouped others cannot be in the final round"))
            else:
                final[code] = v2
    # At least two: a final figure left blank is not a final round. More is the store's rule (result_problems):
    # the Supplementary Vote takes every candidate tied for second, an instant-runoff count may stop with three
    # left; "exactly two" here refused a result the contest file, bundles and the store take.
    if len(final) == 1:
        problems.append(ResultProblem(1, "final_round", "give final-round votes for at least two finalists, not 1"))
    if not problems and sum(first.values()) <= 0:
        problems.append(ResultProblem(2, "first_round", "no votes"))
    if problems:
        raise ResultFileError(problems)
    try:
        result = OfficialResult(first, final, exhausted=exhausted, source=source)
    except ValueError as exc:
        raise ResultFileError([ResultProblem(1, "result", str(exc))]) from None
    # The store's rule, here too, so a file (and File > Official result, as it is typed) names the row at fault
    # before anything is stored: figures no count could give, a final round after a first-round winner.
    for key, message in result_problems(contest, result):
        column, _, code = key.partition(".")
        problems.append(ResultProblem(at.get(code or column, 1), column, message))
    if problems:
        raise ResultFileError(problems)
    return result
