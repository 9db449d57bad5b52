"""Issue 16: a gap that rounds to zero was shown "-0.0" (a lead of -0.04 points) and an exact tie "by 0.0 points".
One formatter for every signed gap (core.forecast.signed_points) and one for a lead in words (gap_words), used by
every place that shows one: the panels, meeting mode's answer page, the CLI, Compare, the briefing and exports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from warroom.core.forecast import gap_words, signed_points
from warroom.core.saved_cases import CaseSummary

WARROOM = Path(__file__).resolve().parents[2] / "warroom"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.0, "0.0"), (-0.0, "0.0"), (-0.04, "0.0"), (0.049, "0.0"), (-0.06, "-0.1"), (4.26, "+4.3"), (-12.0, "-12.0")],
)
def test_a_signed_gap_that_rounds_to_zero_has_no_sign(value: float, shown: str) -> None:
    assert signed_points(value) == shown


@pytest.mark.parametrize(("value", "words"), [(0.0, "level"), (-0.04, "level"), (3.42, "by 3.4 points")])
def test_a_lead_in_words_that_rounds_to_zero_is_level(value: float, words: str) -> None:
    assert gap_words(value) == words


def test_a_saved_case_with_an_exact_tie_is_level_not_by_0_0_points() -> None:
    tie = CaseSummary("tie", "two_round", "official", "", "Toss-up", "Macron", "Le Pen", 0.0, 0.5)
    assert tie.margin_text == "Macron and Le Pen level", tie.margin_text
    ahead = CaseSummary("tie", "two_round", "official", "", "Likely", "Macron", "Le Pen", 4.26, 0.9)
    assert ahead.margin_text.endswith("by 4.3 points")


def test_no_place_formats_a_gap_on_its_own() -> None:
    """Every signed one-decimal figure and every "by X points" goes through the two formatters: a format spec of
    its own ("{m:+.1f}", "by {m:.1f} points") printed "-0.0" and "by 0.0 points"."""
    own = re.compile(r"\{[^{}]*:\+\.1f\}|by \{[^{}]*:\.1f\} points")
    found = [
        f"{path.relative_to(WARROOM)}:{n}: {line.strip()}"
        for path in sorted(WARROOM.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if own.search(line)
    ]
    assert not found, "\n".join(found)
