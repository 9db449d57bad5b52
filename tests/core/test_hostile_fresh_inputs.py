"""Hostile pass 6 (issue 16): inputs no earlier pass tried."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

from tests.conftest import TOY
from warroom.core.csvformat import parse_polls_csv
from warroom.core.types import Candidate

ZOE = dataclasses.replace(
    TOY,
    candidates=(
        Candidate("ann", "Zoë Ünal", "R", "#d62728"),
        Candidate("bob", "Bob Blue", "B", "#1f77b4"),
        Candidate("cat", "Cat Green", "G", "#2ca02c"),
    ),
)


def test_a_poll_column_naming_a_candidate_in_decomposed_letters_is_that_candidate() -> None:
    """A header typed on a Mac or copied from a PDF often arrives decomposed (U + combining diaeresis):
    `first:Ünal` was refused as "unknown candidate 'Ünal'" beside a candidate shown as Ünal, the two spellings
    drawn alike on screen. Names are compared composed (NFC); the figures go to her."""
    for spelling in ("Ünal", "Zoë Ünal", "ÜNAL"):
        header = unicodedata.normalize("NFD", f"first:{spelling}")
        assert header != unicodedata.normalize("NFC", header)
        text = f"pollster,fieldwork_start,fieldwork_end,sample_size,{header},first:bob,first:cat\n"
        text += "Acme,2024-03-01,2024-03-02,800,45,40,15\n"
        result = parse_polls_csv(text, ZOE, today=date(2024, 4, 1))
        assert result.ok, result.errors
        assert result.polls[0].first_round == {"ann": 45.0, "bob": 40.0, "cat": 15.0}
