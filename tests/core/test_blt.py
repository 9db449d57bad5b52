"""The BLT weighted-profile format: read all or nothing, counted like any ballot file."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.core.blt import BltFile, BltFormatError, parse_blt, read_blt
from warroom.core.count import count_ballots
from warroom.demo import BURLINGTON_2009, BURLINGTON_2009_RULES, burlington_ballots, burlington_official

SMALL = """\
# three candidates, one seat
3 1
4 1 2 0
(b7) 3 2 - 1 0
2 3 1=2 0
1 0
0
"Ada Adams" "Ben Brown"
"Cy Cole"
"Toy election"
"""


def _papers(blt: BltFile) -> list[tuple[tuple[str, ...], int]]:
    """The rows as (rankings without the blank padding, count)."""
    out = []
    for b in blt.table.to_ballots():
        prefs = list(b.preferences)
        while len(prefs) > 1 and prefs[-1] == "":
            prefs.pop()
        out.append((tuple(prefs), b.count))
    return out


def test_a_small_file_reads_weights_skips_overvotes_and_names() -> None:
    blt = parse_blt(SMALL)
    assert blt.title == "Toy election" and blt.withdrawn == ()
    assert _papers(blt) == [
        (("Ada Adams", "Ben Brown"), 4),
        (("Ben Brown", "", "Ada Adams"), 3),
        (("Cy Cole", "Ada Adams=Ben Brown"), 2),
        (("",), 1),
    ]
    assert blt.table.line_of(1) == 4  # the file's own line, comments and header counted
    result = count_ballots(blt.table, "irv")
    assert result.rejected == 1 and result.rounds[0].tallies == {"Ada Adams": 4, "Ben Brown": 3, "Cy Cole": 2}


def test_withdrawn_candidates_are_taken_off_the_papers() -> None:
    blt = parse_blt("3 1\n-2\n4 2 1 0\n3 2 3 0\n2 1=2 3 0\n0\n'A' 'B' 'C'\n")
    assert blt.withdrawn == ("B",)
    assert _papers(blt) == [(("A",), 4), (("C",), 3), (("A", "C"), 2)]


def test_the_demo_ballots_written_as_blt_read_back_and_count_the_same(tmp_path: Path) -> None:
    names = [c.name for c in BURLINGTON_2009.candidates]
    number = {name: str(i + 1) for i, name in enumerate(names)}
    lines = [f"{len(names)} 1"]
    for ballot in burlington_ballots().to_ballots():
        cells = ["=".join(number[m] for m in p.split("=")) if p else "-" for p in ballot.preferences]
        while cells and cells[-1] == "-":
            cells.pop()
        lines.append(" ".join([str(ballot.count), *cells, "0"]))
    lines += ["0", *(f'"{n}"' for n in names), '"2009 Burlington Mayor Election"']
    path = tmp_path / "burlington.blt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    blt = read_blt(path)
    assert blt.title == "2009 Burlington Mayor Election"
    result = count_ballots(blt.table, "irv", names, rules=BURLINGTON_2009_RULES)
    assert [r.tallies for r in result.rounds] == [r["tallies"] for r in burlington_official()["rounds"]]
    assert [r.exhausted for r in result.rounds] == [4, 151, 606]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "the file is empty"),
        ("3\n", "line 1: the first line gives the number of candidates and of seats"),
        ("3 2\n0\n'A' 'B' 'C'\n", "line 1: the file elects 2 members"),
        ("3 1\n4 1 2\n0\n'A' 'B' 'C'\n", "line 2: a ballot line ends with 0"),
        ("3 1\n4 1 5 0\n0\n'A' 'B' 'C'\n", "line 2: '5' is not a candidate number from 1 to 3"),
        ("3 1\n2.5 1 0\n0\n'A' 'B' 'C'\n", "line 2: the weight '2.5' is not a whole number"),
        ("3 1\n4 1 0\n", "the ballots never end"),
        ("3 1\n4 1 0\n0\n'A' 'B'\n", "3 candidates are named after the ballots, found 2"),
        ("3 1\n4 1 0\n0\n'A' 'A=B' 'C'\n", "line 4: 'A=B' cannot be a candidate's name"),
        ("3 1\n-4\n4 1 0\n0\n'A' 'B' 'C'\n", "line 2: '-4' is not a withdrawn candidate"),
        ("3 1\n4 1 0\n0\n'A' 'B\n", "line 4: No closing quotation"),
    ],
)
def test_problems_name_their_line(text: str, words: str) -> None:
    with pytest.raises(BltFormatError, match=words):
        parse_blt(text)
