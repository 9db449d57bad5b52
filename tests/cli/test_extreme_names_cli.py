"""The command line's tables with names of every script (issue 16, a fresh hostile pass)."""

from __future__ import annotations

import io

from warroom.cli.common import table


def test_a_table_lines_its_figures_up_under_wide_and_accented_names() -> None:
    """A table padded names by their number of characters: "王小明" (three letters two columns wide each, as a
    terminal draws them) pushed its figure three columns right, and "Zoë Nguyễn" written with combining accents
    (five characters more than it shows) pulled its figure left; `warroom average` of such a race printed its
    shares in a ragged column. Names are padded to the columns they take."""
    import unicodedata

    def columns(text: str) -> int:  # as a terminal draws it
        return sum(
            0
            if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf")
            else 2
            if unicodedata.east_asian_width(ch) in ("W", "F")
            else 1
            for ch in text
        )

    out = io.StringIO()
    names = ["Ann Smith", "王小明", "Zoe\u0308 Nguye\u0302\u0303n", "\u2068דוד בן גוריון\u2069", "ＡＢＣ Ltd"]
    table(["candidate", "average %"], [[name, f"{10 + i:.1f}"] for i, name in enumerate(names)], out)
    lines = out.getvalue().splitlines()
    ends = {line: columns(line) for line in lines[2:]}
    assert len(set(ends.values())) == 1, ends
    assert columns(lines[0]) == columns(lines[1]) == next(iter(ends.values()))
