"""Issue 16, hostile pass h2: the text fields of a saved two-round or instant-runoff case (a store row or a
bundle's record edited by hand, or written by a hostile tool) must be JSON strings. Each was read with str():
a number 5 was the hypothesis "5", null the first round's source "None", a list the label "[1]", a number the
instant-runoff case's day of figures silently none, and `"edited": "ind"` was read letter by letter. Each is now
refused with a PipelineError naming the case, the field and the record it is in; what the app writes still
reads (null where the app writes null). Failed before its fix."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from tests.irv_fixture import IRV_CONTEST, irv_polls
from warroom.core.irv_pipeline import irv_baseline
from warroom.core.pipeline import PipelineError, compute_averages
from warroom.core.saved_cases import SavedIrv, SavedTwoRound, save_irv, save_two_round, two_round_case
from warroom.core.two_round import Message
from warroom.core.two_round_pipeline import Campaign
from warroom.demo import FAR_LEFT_2022, france_2022_compilation

NOW = datetime(2026, 11, 29, 17, 0, 0)


@pytest.fixture(scope="module")
def two_round() -> tuple[dict[str, Any], dict[str, Any]]:
    c = france_2022_compilation()
    case = two_round_case(Campaign(tuple(c.notices), tuple(c.matrices), dict(c.results)), proxies=FAR_LEFT_2022)
    s = case.defaults.scenario
    with_message = replace(s, message=Message(s.a, 0.2, 40.0, 30.0, 30.0, among=case.electorate))
    made = save_two_round("Edited", case, with_message, now=NOW)
    return _as_stored(made.to_dicts())


@pytest.fixture(scope="module")
def irv() -> tuple[dict[str, Any], dict[str, Any]]:
    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    case = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST))
    return _as_stored(save_irv("Edited", case, case.scenario, row="ind", now=NOW).to_dicts())


def _as_stored(records: tuple[dict[str, Any], dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    baseline, settings = records
    return json.loads(json.dumps(baseline, sort_keys=True)), json.loads(json.dumps(settings, sort_keys=True))


def _changed(records: tuple[dict[str, Any], dict[str, Any]], part: str, path: tuple[str, ...], value: Any):
    """A deep copy of (baseline, settings) with `value` at `path` of the record `part` names."""
    baseline, settings = json.loads(json.dumps(records))
    target = baseline if part == "baseline" else settings
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return baseline, settings


def _votes_with_name(records, name: Any):
    baseline, settings = json.loads(json.dumps(records))
    baseline["first_round"]["votes"][0][0] = name
    return baseline, settings


TWO_ROUND_BAD = [
    ("baseline", ("hypothesis",), 5, "hypothesis in its baseline record must be text"),
    ("baseline", ("hypothesis",), ["Sans Zemmour"], "hypothesis in its baseline record must be text"),
    ("baseline", ("first_source",), None, "first_source in its baseline record must be text"),
    ("baseline", ("first_source",), 2022, "first_source in its baseline record must be text"),
    ("baseline", ("electorate",), 0, "electorate in its baseline record must be text"),
    ("baseline", ("electorate",), ["Jean-Luc Mélenchon"], "electorate in its baseline record must be text"),
    ("baseline", ("saved_at",), 20261129, "saved_at in its baseline record must be text"),
    ("baseline", ("saved_at",), None, "saved_at in its baseline record must be text"),
    ("baseline", ("first_round",), [1, 2], "first_round in its baseline record must be a JSON object"),
    ("baseline", ("error",), [6.0], "error in its baseline record must be a JSON object"),
    ("baseline", ("error", "transfer_sd"), "ab", "transfer_sd in its baseline record must be a JSON object"),
    ("settings", ("a",), 5, "a in its settings record must be text"),
    ("settings", ("b",), None, "b in its settings record must be text"),
    ("settings", ("message", "on"), None, "message on in its settings record must be text"),
    ("settings", ("message", "on"), ["Emmanuel Macron"], "message on in its settings record must be text"),
    ("settings", ("message", "among"), 7, "message among in its settings record must be text"),
]


@pytest.mark.parametrize(("part", "path", "value", "words"), TWO_ROUND_BAD)
def test_a_two_round_text_field_that_is_not_text_is_refused_naming_it(two_round, part, path, value, words) -> None:
    baseline, settings = _changed(two_round, part, path, value)
    with pytest.raises(PipelineError, match=f"^saved scenario 'Edited': {words}, not "):
        SavedTwoRound.from_dicts("Edited", baseline, settings)


@pytest.mark.parametrize("name", [None, 5, ["Emmanuel Macron"]])
def test_a_first_round_name_that_is_not_text_is_refused_not_read_as_its_digits(two_round, name) -> None:
    """`[null, 9783058]` in the votes was a candidate called "None" (and `5` one called "5", which a split of
    "5" then matched)."""
    baseline, settings = _votes_with_name(two_round, name)
    old = two_round[0]["first_round"]["votes"][0][0]
    settings["splits"] = [[str(name) if k == old else k, v] for k, v in settings["splits"]]
    with pytest.raises(PipelineError, match=r"^saved scenario 'Edited': a name in votes .* must be text, not "):
        SavedTwoRound.from_dicts("Edited", baseline, settings)
    baseline, settings = json.loads(json.dumps(two_round))
    settings["splits"][0][0] = name
    with pytest.raises(PipelineError, match=r"^saved scenario 'Edited': a name in splits .* must be text, not "):
        SavedTwoRound.from_dicts("Edited", baseline, settings)


def test_what_the_app_writes_still_reads_and_null_where_it_writes_null(two_round) -> None:
    baseline, settings = json.loads(json.dumps(two_round))
    back = SavedTwoRound.from_dicts("Edited", baseline, settings)
    assert back.hypothesis is None and back.first_source == baseline["first_source"]
    assert back.scenario.message is not None and back.scenario.message.among == baseline["electorate"]
    assert back.saved_at == "2026-11-29T17:00:00" and back.electorate == baseline["electorate"]
    pooled = SavedTwoRound.from_dicts("Edited", *_changed(two_round, "settings", ("message", "among"), None))
    assert pooled.scenario.message is not None and pooled.scenario.message.among is None
    named = SavedTwoRound.from_dicts("Edited", *_changed(two_round, "baseline", ("hypothesis",), "Sans Zemmour"))
    assert named.hypothesis == "Sans Zemmour"
    # a record from before a field was kept (absent) reads with the field's default
    for key in ("first_source", "electorate", "saved_at", "hypothesis", "error"):
        old = {k: v for k, v in baseline.items() if k != key}
        assert SavedTwoRound.from_dicts("Edited", old, settings).name == "Edited"


IRV_BAD = [
    ("baseline", ("label",), 5, "label in its baseline record must be text"),
    ("baseline", ("label",), None, "label in its baseline record must be text"),
    ("baseline", ("saved_at",), ["2026"], "saved_at in its baseline record must be text"),
    ("baseline", ("as_of",), 20260519, "as_of in its baseline record must be a date written YYYY-MM-DD"),
    ("baseline", ("codes",), "lnp", "codes in its baseline record must be a list of text"),
    ("settings", ("edited",), "ind", "edited in its settings record must be a list of text"),
    ("settings", ("edited",), None, "edited in its settings record must be a list of text"),
    ("settings", ("edited",), [5], "edited in its settings record must be a list of text"),
    ("settings", ("edited",), ["nobody"], "edited in its settings record names 'nobody', not one of the case's"),
    ("settings", ("row",), 5, "row in its settings record must be text"),
    ("settings", ("row",), ["ind"], "row in its settings record must be text"),
]


@pytest.mark.parametrize(("part", "path", "value", "words"), IRV_BAD)
def test_an_irv_text_field_that_is_not_text_is_refused_naming_it(irv, part, path, value, words) -> None:
    baseline, settings = _changed(irv, part, path, value)
    with pytest.raises(PipelineError, match=f"^saved scenario 'Edited': {words}"):
        SavedIrv.from_dicts("Edited", baseline, settings)


def test_an_irv_code_that_is_not_text_is_refused_not_read_as_its_digits(irv) -> None:
    """`null` among the codes with a row "None" was a candidate "None"."""
    baseline, settings = json.loads(json.dumps(irv))
    old = baseline["codes"][0]
    baseline["codes"][0] = None
    settings["rows"]["None"] = settings["rows"].pop(old)
    with pytest.raises(PipelineError, match=r"^saved scenario 'Edited': codes in its baseline record must be a list"):
        SavedIrv.from_dicts("Edited", baseline, settings)


def test_what_the_app_writes_for_an_irv_case_still_reads(irv) -> None:
    baseline, settings = json.loads(json.dumps(irv))
    back = SavedIrv.from_dicts("Edited", baseline, settings)
    assert back.label == baseline["label"] and back.row == "ind" and back.edited == ()
    assert back.as_of is not None and back.as_of.isoformat() == baseline["as_of"]
    edited = SavedIrv.from_dicts("Edited", *_changed(irv, "settings", ("edited",), ["ind"]))
    assert edited.edited == ("ind",)
    undated = SavedIrv.from_dicts("Edited", *_changed(irv, "baseline", ("as_of",), None))
    assert undated.as_of is None
    no_row = SavedIrv.from_dicts("Edited", *_changed(irv, "settings", ("row",), None))
    assert no_row.row == ""
    for key in ("label", "saved_at", "as_of"):
        old = {k: v for k, v in baseline.items() if k != key}
        assert SavedIrv.from_dicts("Edited", old, settings).name == "Edited"
    assert SavedIrv.from_dicts("Edited", baseline, {"rows": settings["rows"]}).edited == ()
