"""A value that must be text and is not, said in one wording wherever a record is read (issue 16, "one rule, one
place"): a bundled poll's field (store.contests), a bundled two-round notice's (store.questions) and a saved
case's (core.saved_cases) each had their own ("int 5", "NoneType None", "a number 5"). Now the field, then
"must be text, not" the value as JSON says it, from core.validation.text_only; each message still names where
(the bundle's part by its caller, the saved record here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from warroom.core import saved_cases
from warroom.store import contests, questions

# (the JSON value, how it is named)
VALUES: list[tuple[Any, str]] = [
    (5, "a number 5"),
    (2.5, "a number 2.5"),
    (None, "null"),
    (True, "true/false True"),
    (["x"], "a list ['x']"),
    ({"a": 1}, "an object {'a': 1}"),
]


def _bundled_poll(value: Any) -> None:
    contests._text({"pollster": value}, "pollster", required=True)


def _bundled_notice(value: Any) -> None:
    questions._str({"pollster": value}, "pollster", required=True)


def _saved_case(value: Any) -> None:
    saved_cases._text(value, "pollster", "baseline record")


READERS: dict[str, tuple[Callable[[Any], None], str]] = {
    "bundled poll": (_bundled_poll, "pollster must be text, not "),
    "bundled notice": (_bundled_notice, "pollster must be text, not "),
    "saved case": (_saved_case, "pollster in its baseline record must be text, not "),
}


@pytest.mark.parametrize(("value", "named"), VALUES, ids=[v[1] for v in VALUES])
@pytest.mark.parametrize("reader", list(READERS))
def test_a_value_that_is_not_text_is_named_in_one_wording_everywhere(reader: str, value: Any, named: str) -> None:
    read, start = READERS[reader]
    with pytest.raises(ValueError) as info:
        read(value)
    assert str(info.value) == start + named


@pytest.mark.parametrize("reader", list(READERS))
def test_text_still_reads_as_itself(reader: str) -> None:
    read, _start = READERS[reader]
    read("Ipsos")  # no exception
