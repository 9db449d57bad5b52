"""Hostile pass 6 (issue 16), command-line options."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import TOY
from warroom.cli.irv import parse_row
from warroom.core.types import EXHAUSTED, Candidate, CountingSystem

SMITHS = dataclasses.replace(
    TOY,
    system=CountingSystem.IRV,
    candidates=(
        Candidate("ann", "Ann Smith", "R", "#d62728"),
        Candidate("bob", "Bob Smith", "B", "#1f77b4"),
        Candidate("cat", "Cat Green", "G", "#2ca02c"),
    ),
)


def test_a_row_naming_a_candidate_twice_is_refused_not_summed() -> None:
    """`--row cat=ann:40,ann:60` set Ann's share to 100 (the two added up) without a word."""
    assert parse_row(SMITHS, "cat=ann:40,bob:35,exhausted:25") == ("cat", {"ann": 40.0, "bob": 35.0, EXHAUSTED: 25.0})
    with pytest.raises(ValueError, match="given twice"):
        parse_row(SMITHS, "cat=ann:40,Ann Smith:60")


def test_a_row_naming_a_surname_two_candidates_share_is_refused_naming_both() -> None:
    """`--row cat=smith:60,...` gave the share to whichever Smith was listed first, as the poll CSV once did; the
    CLI now names people by the poll CSV's one rule (a code, a full name, a surname only when one has it)."""
    with pytest.raises(ValueError, match=r"could be Ann Smith \(ann\) or Bob Smith \(bob\)"):
        parse_row(SMITHS, "cat=smith:60,green:40")
    with pytest.raises(ValueError, match="could be"):
        parse_row(SMITHS, "smith=cat:100")
    assert parse_row(SMITHS, "Bob Smith=cat:70,ann:30") == ("bob", {"cat": 70.0, "ann": 30.0})
