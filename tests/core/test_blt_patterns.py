"""A BLT file's ballot lines are kept once per different ranking, and the table is the plain one.

`parse_blt` reads each different ranking once and keeps three numbers per ballot line (its pattern, weight and
line); the table it makes must be exactly the table `table_from_ballots` makes of the same ballots built one by
one from what the file says: the same candidates in the same order, rankings, weights, source lines and overvote
marks, with withdrawn candidates taken off the papers, ids, comments, blank lines, other line ends and repeated
lines with other spacing.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from warroom.core.ballots import Ballot, table_from_ballots
from warroom.core.blt import BltFormatError, parse_blt


def _random_file(seed: int) -> tuple[str, list[Ballot], list[int], tuple[str, ...]]:
    """A BLT text and, built apart from it, its ballots, their lines and the withdrawn candidates."""
    rnd = random.Random(seed)
    n = rnd.randint(1, 7)
    names = [f"Cand {chr(65 + i)}{'é' * rnd.randint(0, 1)}" for i in range(n)]
    withdrawn = sorted(rnd.sample(range(1, n + 1), rnd.randint(0, min(2, n - 1))))
    newline = rnd.choice(["\n", "\r\n", "\n"])
    out = [f"{n} 1"]
    if withdrawn:
        out.append(" ".join(f"-{w}" for w in withdrawn))
    ballots: list[Ballot] = []
    lines: list[int] = []
    shapes = []  # a few rankings repeated, as a weighted profile repeats them
    for _ in range(rnd.randint(1, 6)):
        cells = []
        for _ in range(rnd.randint(0, n + 1)):
            kind = rnd.random()
            if kind < 0.15:
                cells.append("-")
            elif kind < 0.3 and n > 1:
                cells.append("=".join(str(rnd.randint(1, n)) for _ in range(rnd.randint(2, 3))))
            else:
                cells.append(str(rnd.randint(1, n)))
        shapes.append(cells)
    for _ in range(rnd.randint(0, 40)):
        if rnd.random() < 0.1:
            out.append(rnd.choice(["", "# a comment", "   "]))
        cells = rnd.choice(shapes)
        weight = rnd.randint(0, 9)
        gap = rnd.choice([" ", "  ", "\t"])
        text = gap.join([str(weight), *cells, "0"])
        if rnd.random() < 0.2:
            text = f"(id{len(lines)}) {text}"
        if rnd.random() < 0.1:
            text += "  # its note"
        out.append(text)
        lines.append(len(out))
        texts = []
        for cell in cells:
            if cell == "-":
                texts.append("")
                continue
            live = list(dict.fromkeys(names[int(x) - 1] for x in cell.split("=") if int(x) not in withdrawn))
            if live:
                texts.append("=".join(live))
        ballots.append(Ballot(tuple(texts) or ("",), weight))
    out.append("0")
    out.extend(f'"{name}"' for name in names)
    out.append('"Election"')
    return newline.join(out) + newline, ballots, lines, tuple(names[w - 1] for w in withdrawn)


@pytest.mark.parametrize("seed", range(300))
def test_the_table_is_the_one_made_of_the_ballots_one_by_one(seed: int) -> None:
    text, ballots, lines, withdrawn = _random_file(seed)
    try:
        expected = table_from_ballots(ballots, lines=lines)
    except ValueError as exc:  # an overvote left naming one candidate twice after a withdrawal, and the like
        with pytest.raises(ValueError, match=str(exc)[:20]):
            parse_blt(text)
        return
    got = parse_blt(text)
    assert got.withdrawn == withdrawn
    table = got.table
    assert table.candidates == expected.candidates
    assert table.ranks.dtype == expected.ranks.dtype and np.array_equal(table.ranks, expected.ranks)
    assert np.array_equal(table.counts, expected.counts)
    assert [table.line_of(r) for r in range(table.rows)] == lines
    assert dict(table.overvote_marks) == dict(expected.overvote_marks)


def test_a_ballot_line_repeated_with_other_spaces_is_one_ranking_read_once() -> None:
    text = "3 1\n5 1 2 0\n2 1  2 0\n(x) 1 1\t2 0\n4 3 0\n0\n'A' 'B' 'C'\n"
    table = parse_blt(text).table
    assert table.ranks.tolist() == [[0, 1], [0, 1], [0, 1], [2, -1]]
    assert table.counts.tolist() == [5, 2, 1, 4] and [table.line_of(r) for r in range(4)] == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("2 1\n1 1 0\n1 1 2\n0\n'A' 'B'\n", 3),  # a repeated line's neighbour without its 0
        ("2 1\n1 1 0\n1 1 3 0\n0\n'A' 'B'\n", 3),  # a cell past the candidates after a good line
        ("2 1\n1 1 0\nx 1 0\n0\n'A' 'B'\n", 3),  # the weight of a line whose rankings were read before
        ("2 1\n1 1 0\n1 1 0\n", 3),  # no end: the last line is named
        ("2 1\r\n1 1 0\r\n0\r\n'A'\r\n# end\r\n", 4),  # too few names: the last line with more than a comment
    ],
)
def test_problems_still_name_their_line(text: str, line: int) -> None:
    with pytest.raises(BltFormatError, match=rf"^line {line}:"):
        parse_blt(text)


@pytest.mark.parametrize("second", ['" A"', '"A "', '"A\t"', "A"])
def test_two_names_alike_but_for_spaces_are_refused_not_counted_as_one(second: str) -> None:
    """ "A" and " A" were two candidates in the file and one in the count: " A"'s papers counted for "A"."""
    with pytest.raises(BltFormatError, match=r"^line 6: two candidates are named 'A'.*line 5"):
        parse_blt(f'2 1\n1 1 0\n2 2 0\n0\n"A"\n{second}\n"T"\n')


def test_a_name_is_read_without_the_spaces_around_it_everywhere() -> None:
    got = parse_blt('2 1\n1 1 0\n2 2 0\n3 1=2 0\n0\n" Ann "\n"Bob"\n"T"\n')
    assert got.candidates == ("Ann", "Bob") == got.table.candidates
    assert dict(got.table.overvote_marks) == {(2, 0): (0, 1)}
