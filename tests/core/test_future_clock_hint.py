"""A poll "in the future" says the day that is measured from: on a computer whose clock was set back (a flat
battery, a machine restored from an image) every new poll was refused as in the future with nothing pointing at
the clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.conftest import TOY, make_poll
from warroom.core.validation import validate_poll


def test_a_poll_in_the_future_names_the_day_the_clock_gives() -> None:
    poll = replace(make_poll(), fieldwork_start=date(2024, 3, 1), fieldwork_end=date(2024, 3, 2))
    problems = validate_poll(poll, TOY, today=date(2020, 1, 1))
    words = [p.message for p in problems if p.field == "fieldwork_start"]
    assert words == [
        "2024-03-01 is in the future (no day after 2020-01-01 has begun anywhere on Earth by this computer's clock)"
    ], problems
    assert not [p for p in validate_poll(poll, TOY, today=date(2024, 4, 1)) if "future" in p.message]
