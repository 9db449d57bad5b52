"""Hostile pass 10 (issue 16), core: a saved runoff scenario whose record another version wrote, or someone edited
outside warroom, with a value of another JSON kind anywhere in it."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import TOY, make_poll
from warroom.core.pipeline import (
    BaselineChoice,
    PipelineError,
    SavedScenario,
    compute_averages,
    default_scenario,
    make_baseline,
    save_scenario,
)

WRONG: tuple[Any, ...] = (None, [], {}, "x", -1, math.nan, math.inf, 1e308, True, [1, 2, 3], {"a": 1}, 10**30)
"""Values of every JSON kind, and numbers no figure can be."""


def _records() -> tuple[dict[str, Any], dict[str, Any]]:
    polls = [replace(make_poll(d, a=44 + d % 3, b=40 - d % 2, c=16 - d % 3 + d % 2), id=d) for d in range(1, 12)]
    polls[-1] = replace(polls[-1], second_round={"ann": 55, "bob": 45})
    choice = BaselineChoice()
    base = make_baseline(choice, polls, TOY, compute_averages(polls, TOY))
    scenario = replace(default_scenario(base, polls, TOY, choice), message_strength=0.5)
    return save_scenario("Plan", choice, base, scenario, polls, datetime(2024, 3, 21, 9, 30)).to_dicts()


def _places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON document: the document itself, each key's value, the first items of each list."""
    yield at
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:3]):  # the first three items of any list
            yield from _places(item, (*at, i))


def _with(document: Any, at: tuple[Any, ...], value: Any) -> Any:
    if not at:
        return value
    changed = copy.deepcopy(document)
    inner = changed
    for key in at[:-1]:
        inner = inner[key]
    inner[at[-1]] = value
    return changed


def test_a_saved_record_with_a_value_of_another_kind_anywhere_is_a_message_naming_it_never_a_traceback() -> None:
    """A saved scenario's settings with `message_destination` written as a list (another version, or an edit
    outside warroom) made `warroom scenario --name`, `render briefing` and the window's Scenario menu fail with
    "AttributeError: 'list' object has no attribute 'items'"; a name given as a number, a choice as a list or a
    first round of zeros did likewise (TypeError, ValueError). Every such record is now a PipelineError naming
    the saved scenario, which every front end reports by name and leaves out; one that reads is evaluated."""
    baseline, settings = _records()
    assert SavedScenario.from_dicts("Plan", baseline, settings, TOY).view().projection.margin
    _every_wrong_value_named(baseline, settings, lambda b, s: SavedScenario.from_dicts("Plan", b, s, TOY).view())


def _every_wrong_value_named(
    baseline: dict[str, Any], settings: dict[str, Any], read: Callable[[dict[str, Any], dict[str, Any]], object]
) -> None:
    """`read` (a saved record named 'Plan' from these two documents) with each WRONG value put at each place of
    either document: a PipelineError naming 'Plan', or a reading; anything else reached the front ends as a
    traceback. `read` may itself say what is wrong with a reading it returns (a str)."""
    escaped: list[str] = []
    for which, document in (("baseline", baseline), ("settings", settings)):
        for at in list(_places(document)):
            for value in WRONG:
                b = _with(baseline, at, value) if which == "baseline" else baseline
                s = _with(settings, at, value) if which == "settings" else settings
                try:
                    problem = read(b, s)
                except PipelineError as exc:
                    assert "'Plan'" in str(exc), exc
                    continue
                except Exception as exc:  # (a numpy warning is an error in the tests)
                    escaped.append(f"{which}{list(at)} = {value!r}: {type(exc).__name__}: {exc}")
                    continue
                if isinstance(problem, str):
                    escaped.append(f"{which}{list(at)} = {value!r}: {problem}")
    assert not escaped, "\n".join(escaped[:20]) + f"\n({len(escaped)} in all)"


def _irv_records() -> tuple[dict[str, Any], dict[str, Any]]:
    import json

    from tests.irv_fixture import IRV_CONTEST, irv_polls
    from warroom.core.irv_pipeline import irv_baseline
    from warroom.core.saved_cases import save_irv

    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    case = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST))
    baseline, settings = save_irv("Plan", case, case.scenario, now=datetime(2026, 11, 29, 17)).to_dicts()
    return json.loads(json.dumps(baseline)), json.loads(json.dumps(settings))


def test_a_saved_instant_runoff_case_with_a_share_past_any_count_is_named_not_shown_as_nan() -> None:
    """A saved instant-runoff case whose first round holds 1e308 (an edit outside warroom) was read: compare, the
    briefing and meeting mode said "Park ahead of Price by nan points", "Park inf %", chance 50 %, and numpy
    warned of an overflow. A first-round figure past any electorate is refused, naming the case, as the two-round
    case's counts are; every other wrong value anywhere in the record was already named (checked here too)."""
    from warroom.core.saved_cases import SavedIrv

    baseline, settings = _irv_records()
    assert SavedIrv.from_dicts("Plan", baseline, settings).summary().winner

    def read(b: dict[str, Any], s: dict[str, Any]) -> str | None:
        summary = SavedIrv.from_dicts("Plan", b, s).summary()
        if not math.isfinite(summary.margin) or "nan" in summary.headline or "inf %" in str(summary.details):
            return f"read as {summary.headline!r}"
        return None

    _every_wrong_value_named(baseline, settings, read)


@pytest.mark.parametrize(
    ("shares", "words"),
    [({"ann": 0.0, "bob": 0.0, "cat": 0.0}, "first-round"), ({"ann": -5.0, "bob": 60.0, "cat": 45.0}, "first-round")],
)
def test_a_saved_first_round_no_count_can_have_is_named(shares: dict[str, float], words: str) -> None:
    baseline, settings = _records()
    baseline["baseline"]["first_round"] = shares
    with pytest.raises(PipelineError, match=words) as refused:
        SavedScenario.from_dicts("Plan", baseline, settings, TOY).view()
    assert "'Plan'" in str(refused.value)
