"""A two-round race's chances read the same in the window and at the command line.

France 2022's window said "Qualify: Macron 99 %, Le Pen 93 %, Mélenchon 7 % · Runoff polls: Macron wins 95 %" while
`warroom qualify` and `warroom average` on the same store printed 99.5 %, 94.0 %, 6.5 % and "P(Emmanuel Macron
wins) 96.0 %": the same probabilities (0.9396... and 0.9596...), printed by the command line to a tenth and by the
window through core.forecast's one rounding (a favourite's chance rounded down, so 89.96 % never reads as 90 %).
Every other verb printed chances through that rounding; `qualify` and `average` on a two-round race now do too
(chance_cell in the table, as `warroom irv`'s table; chance_text for the runoff), and the window's bar gives the
qualify chances the table's form (">99 %", "<1 %").
"""

from __future__ import annotations

import re

from tests.cli._run import ok
from warroom.demo import FRANCE_2022_NAME
from warroom.paths import AppPaths


def _table_chances(out: str) -> dict[str, str]:
    """candidate -> its P(qualifies) cell, from `warroom qualify`'s table."""
    rows = {}
    for line in out.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == 4 and cells[3].endswith("%") and not cells[0].startswith("candidate"):
            rows[cells[0]] = cells[3]
    return rows


def test_the_windows_qualify_and_runoff_chances_are_the_command_lines(france_room, tmp_path) -> None:
    room = france_room
    contest = room.poll_service.contest
    text = room.two_round_pickers.odds_label.text()
    db = ["--db", str(AppPaths.under(tmp_path / "state").database)]
    table = _table_chances(ok("--contest", FRANCE_2022_NAME, "qualify", *db))
    shown = re.search(r"Qualify: (.*?)  ·", text)
    assert shown is not None, text
    short = {c.display: c.name for c in contest.candidates}
    pairs = [part.rsplit(" ", 2) for part in shown.group(1).split(", ")]
    assert len(pairs) == 3
    for name, figure, pct in pairs:
        assert table[short[name]] == f"{figure} {pct}", (name, table[short[name]], text)
    runoff = re.search(r"Runoff polls: (\S+) wins (\S+ %)", text)
    assert runoff is not None, text
    average = ok("--contest", FRANCE_2022_NAME, "average", *db)
    assert f"P({short[runoff.group(1)]} wins) {runoff.group(2)}" in average, (runoff.group(0), average)
