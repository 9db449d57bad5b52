"""Issue 16 (hM): `--matchup` reads a pair the way `--row` reads a row. Each test failed before its fix."""

from __future__ import annotations

from datetime import date

import pytest

from warroom.core.france import Matchup, PollNotice
from warroom.core.two_round_pipeline import resolve_matchup


def _asked(*pairs: tuple[str, str]) -> list[PollNotice]:
    d = date(2026, 5, 1)
    runs = tuple(Matchup("", a, b, 50.0, 50.0, 1) for a, b in pairs)
    return [PollNotice("n1", "Ifop", "", d, d, 1000, "", None, (), runs)]


def test_a_matchup_names_candidates_whose_names_hold_its_separators() -> None:
    """The text was cut at the first '/' (then ' vs ', ' v ', ','), so "Ann/Bo/Cy" with the pair "Ann/Bo" and
    "Cy" was "no poll asks the matchup". Every way the separators allow is read; the one naming a polled pair wins."""
    notices = _asked(("Ann/Bo", "Cy"), ("Lee, Ann", "Dee v Day"))
    assert resolve_matchup("Ann/Bo/Cy", notices) == ("Ann/Bo", "Cy")
    assert resolve_matchup("Cy, Ann/Bo", notices) == ("Cy", "Ann/Bo")
    assert resolve_matchup("Lee, Ann v Dee v Day", notices) == ("Lee, Ann", "Dee v Day")
    assert resolve_matchup("Dee v Day, Lee, Ann", notices) == ("Dee v Day", "Lee, Ann")


def test_a_matchup_that_reads_as_two_polled_pairs_is_refused_naming_both() -> None:
    """ "Ann/Bo, Cy" with the polled pairs Ann / "Bo, Cy" and "Ann/Bo" / Cy was taken as the first ('/' read
    first), without a word. Both are named and neither is taken."""
    notices = _asked(("Ann", "Bo, Cy"), ("Ann/Bo", "Cy"))
    with pytest.raises(ValueError) as info:
        resolve_matchup("Ann/Bo, Cy", notices)
    said = str(info.value)
    assert "reads two ways" in said and "Ann / Bo, Cy" in said and "Ann/Bo / Cy" in said, said


def test_a_long_matchup_of_separators_is_answered_at_once() -> None:
    """Every place a separator allows was tried, each reading's two parts put through name_key: 20,000 '/' or '-'
    took 27 s (the hyphens before this pass too), 180,000 hours. A text longer than two of the longest names
    (spacing and accents allowed for) names no pair, and is refused at once, its text cut short."""
    import time

    notices = _asked(("Ann/Bo", "Cy"))
    for text in ("/" * 20_000, "-" * 20_000, " v " * 20_000, "Ann/Bo/" + "x" * 180_000):
        start = time.perf_counter()
        with pytest.raises(ValueError, match="no poll asks the matchup") as info:
            resolve_matchup(text, notices)
        assert time.perf_counter() - start < 0.5 and len(str(info.value)) < 300, str(info.value)[:200]
    assert resolve_matchup("  Ann/Bo   /   Cy  ", notices) == ("Ann/Bo", "Cy")  # spacing is not length
