"""Sixteenth hostile pass (issue 16): a two-round or instant-runoff race's saved case whose stored record is not
JSON (edited outside warroom, store.polls.stored_record gives its text) is reported by name in the window, as a
runoff (SV) race's is; the Scenario menu of those races left it out without a word."""

from __future__ import annotations

from typing import Any

import pytest

from warroom.services.case_library import IrvLibrary, TwoRoundLibrary


class _Records:
    def __init__(self, rows: list[tuple[str, Any, Any]]) -> None:
        self.rows = rows

    def scenarios(self) -> list[tuple[str, Any, Any]]:
        return list(self.rows)


@pytest.mark.parametrize("library", [TwoRoundLibrary, IrvLibrary])
def test_an_unreadable_saved_case_is_reported_by_name_in_every_library(qapp, library: Any) -> None:
    lib = library(None, _Records([("broken", "not json", {"a": 1})]))
    said: list[str] = []
    lib.failed.connect(said.append)
    assert lib.saved() == []
    assert said == ["saved scenario 'broken' cannot be read: its records are not JSON objects"]
