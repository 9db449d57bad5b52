"""Hand-edited or tampered campaign bundles: a bundle is held to the same rules as every other input."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.store.test_contests import _fill, _open
from warroom.store import contests as store
from warroom.store import polls as repo


def _exported(tmp_path: Path) -> tuple[dict[str, Any], Engine, sessionmaker[Session]]:
    engine_a, a = _open(str(tmp_path / "a.sqlite3"))
    cid = _fill(a)
    with a() as s:
        bundle = store.export_bundle(s, cid)
    engine_a.dispose()
    engine_b, b = _open(str(tmp_path / "b.sqlite3"))
    return bundle, engine_b, b


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("first_round", {"ada": -50.0, "bea": 35.0}, r"first:ada: share -50 is outside 0-100"),
        ("first_round", {"ada": 90.0, "bea": 90.0}, r"first: shares sum to 180"),
        ("fieldwork_end", "9999-12-31", r"fieldwork_end: 9999-12-31 is an impossible date"),
        ("fieldwork_start", "2024-03-09", r"fieldwork_end: 2024-03-0\d is before the start"),
        ("sample_size", 0, r"sample_size: must be positive"),
        ("transfers", [{"from": "cy", "to": "ada", "share": -500.0}], r"share -500 is outside 0-100"),
    ],
)
def test_a_bundled_poll_breaking_the_poll_rules_is_refused_whole(
    tmp_path: Path, field: str, value: object, words: str
) -> None:
    """A poll the CSV import, the poll form or the paste would refuse is refused in a bundle too, naming the
    poll and the field; nothing of the bundle is stored. (A poll dated 9999 used to freeze every average for
    minutes; a share of -50 or a first round of 180 % was counted.)"""
    bundle, engine, sessions = _exported(tmp_path)
    bundle["polls"][1][field] = value
    with pytest.raises(store.ContestError, match=r"polls\[2\] \(P3 .*" + words), sessions.begin() as s:
        store.import_bundle(s, store.read_bundle(json.dumps(bundle)))
    with sessions() as s:
        assert store.list_contests(s) == [] or all(
            repo.list_polls(s, c.id or 0) == [] for c in store.list_contests(s) if not c.demo
        )
    engine.dispose()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"pollster": {"a": 1}}, r"polls\[2\]: pollster must be text"),
        ({"client": 5}, r"polls\[2\]: client must be text"),
        ({"notes": ["x"]}, r"polls\[2\]: notes must be text"),
        ({"fieldwork_end": 20240304}, r"polls\[2\]: fieldwork_end must be a date"),
    ],
)
def test_a_bundled_poll_value_of_the_wrong_kind_is_refused_not_turned_into_text(
    tmp_path: Path, change: dict[str, Any], words: str
) -> None:
    """A pollster written as a JSON object was stored as the text "{'a': 1}"."""
    bundle, engine, _sessions = _exported(tmp_path)
    bundle["polls"][1] |= change
    with pytest.raises(store.ContestError, match=words):
        store.read_bundle(json.dumps(bundle))
    engine.dispose()


def test_a_bundle_whose_version_is_true_is_refused(tmp_path: Path) -> None:
    """JSON true is a Python int (bool subclasses int), so `"version": true` read as version 1."""
    bundle, engine, _sessions = _exported(tmp_path)
    with pytest.raises(store.ContestError, match="bundle version True"):
        store.read_bundle(json.dumps(bundle | {"version": True}))
    engine.dispose()


def test_a_bundle_nested_too_deeply_is_refused_not_a_traceback() -> None:
    """json.loads recurses once per level: a file of 100,000 brackets raised RecursionError out of the bundle
    check that every imported file goes through, CSVs included."""
    text = '{"format": "warroom-campaign-bundle", "version": 1, "events": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert store.looks_like_bundle(text)  # so the import says what is wrong with it as a bundle
    with pytest.raises(store.ContestError, match="nested too deeply"):
        store.read_bundle(text)


SCENARIO = {"name": "Squeeze", "baseline": {"kind": "average"}, "settings": {}, "notes": ""}


@pytest.mark.parametrize(
    ("names", "words"),
    [
        (["Plan A\nsecond line"], r"scenarios\[1\]: .*control characters"),
        (["Plan\tA"], r"scenarios\[1\]: .*control characters"),
        (["\u202eA nalP"], r"scenarios\[1\]: .*direction"),
        (["Plan A", "Plan A"], r"scenarios\[2\]: 'Plan A' appears twice"),
    ],
)
def test_bundled_scenario_names_follow_the_apps_rule(tmp_path: Path, names: list[str], words: str) -> None:
    """The app refuses control characters in a scenario name; a bundle let a line break, a tab or a
    right-to-left override (which shows "Plan A" for a name that is not) through, and a name given twice was
    saved twice, the second silently replacing the first."""
    bundle, engine, _sessions = _exported(tmp_path)
    bundle["scenarios"] = [SCENARIO | {"name": n} for n in names]
    with pytest.raises(store.ContestError, match=words):
        store.read_bundle(json.dumps(bundle))
    engine.dispose()


def test_the_app_refuses_a_direction_override_in_a_scenario_name_too() -> None:
    """save_scenario (the app's Save as) and bundles share this one rule."""
    from warroom.core.pipeline import scenario_name_problem

    assert scenario_name_problem("Plan A") is None and scenario_name_problem("Plan A — Khan 52 %") is None
    assert "direction" in (scenario_name_problem("\u202eA nalP") or "")
    assert "direction" in (scenario_name_problem("x\u2066y") or "")
    assert "control characters" in (scenario_name_problem("a\nb") or "")
    assert "at most 120" in (scenario_name_problem("x" * 121) or "")


# --- a two-round campaign's part of a bundle ----------------------------------------------------------------------


def _two_round_bundle(tmp_path: Path) -> tuple[dict[str, Any], Engine, sessionmaker[Session]]:
    from tests.store.test_questions import H1, M1, TWO, _notice
    from warroom.store.questions import add_campaign

    engine_a, a = _open(str(tmp_path / "a.sqlite3"))
    with a.begin() as s:
        cid = repo.add_contest(s, TWO)
        add_campaign(s, cid, [_notice(hyps=(H1,), runs=(M1,))])
    with a() as s:
        bundle = store.export_bundle(s, cid)
    engine_a.dispose()
    engine_b, b = _open(str(tmp_path / "b.sqlite3"))
    return bundle, engine_b, b


@pytest.mark.parametrize(("start", "end"), [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02")])
def test_a_two_round_notice_dated_centuries_from_the_election_is_refused(tmp_path: Path, start: str, end: str) -> None:
    """A bundle's two-round notice dated 9999 was stored, and `average` on that contest never finished (killed
    after 150 s): the same date window as every other poll."""
    bundle, engine, sessions = _two_round_bundle(tmp_path)
    bundle["two_round"]["notices"][0] |= {"fieldwork_start": start, "fieldwork_end": end}
    with pytest.raises(store.ContestError, match="impossible date for this contest"), sessions.begin() as s:
        store.import_bundle(s, store.read_bundle(json.dumps(bundle)))
    with sessions() as s:
        assert store.list_contests(s) == []
    engine.dispose()


@pytest.mark.parametrize("field", ["pollster", "client", "population", "source"])
def test_a_two_round_notice_text_of_the_wrong_kind_is_refused(tmp_path: Path, field: str) -> None:
    """A pollster written as a JSON object was stored as the text "{'a': 1}"."""
    bundle, engine, _sessions = _two_round_bundle(tmp_path)
    bundle["two_round"]["notices"][0][field] = {"a": 1}
    with pytest.raises(store.ContestError, match=rf"two_round\.notices\[1\]: {field} must be text"):
        store.read_bundle(json.dumps(bundle))
    engine.dispose()


def test_a_bundled_scenario_name_is_trimmed_as_the_app_saves_it(tmp_path: Path) -> None:
    """Issue 16, fourth pass: a bundle refused " Plan A " although the app saves it as "Plan A"; one rule
    (core.pipeline.name_as_saved) now trims and composes every saved name, so the two spellings are one name."""
    bundle, engine, _sessions = _exported(tmp_path)
    bundle["scenarios"] = [SCENARIO | {"name": " Plan A\u00a0"}]
    assert [s[0] for s in store.read_bundle(json.dumps(bundle)).scenarios] == ["Plan A"]
    bundle["scenarios"] = [SCENARIO | {"name": "Plan A"}, SCENARIO | {"name": " Plan A "}]
    with pytest.raises(store.ContestError, match=r"scenarios\[2\]: 'Plan A' appears twice"):
        store.read_bundle(json.dumps(bundle))
    bundle["scenarios"] = [SCENARIO | {"name": "M\u00e9lenchon"}, SCENARIO | {"name": "Me\u0301lenchon"}]
    with pytest.raises(store.ContestError, match=r"scenarios\[2\]: 'Mélenchon' appears twice"):
        store.read_bundle(json.dumps(bundle))
    bundle["scenarios"] = [SCENARIO | {"name": 12}]
    with pytest.raises(store.ContestError, match=r"scenarios\[1\]: the name must be text"):
        store.read_bundle(json.dumps(bundle))
    engine.dispose()


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Plan\u200dA", "invisible characters (U+200D"),  # a zero-width joiner: shows as "PlanA"
        ("Plan\u200bA", "invisible characters (U+200B"),
        ("\ufeffPlan A", "invisible characters (U+FEFF"),  # a byte-order mark pasted from a file
        ("\u200fPlan A", "direction"),  # a right-to-left mark
        ("Plan A\r\n", None),  # trimmed: a line break typed at the end is no part of the name
        ("x" * 10_000, "at most 120 characters (this one has 10000)"),
    ],
)
def test_a_saved_name_that_would_show_as_another_is_refused_by_the_one_rule(name: str, words: str | None) -> None:
    from warroom.core.pipeline import PipelineError
    from warroom.core.saved_cases import checked_name

    if words is None:
        assert checked_name(name) == "Plan A"
        return
    with pytest.raises(PipelineError, match=re.escape(words)):
        checked_name(name)


# --- issue 16, fourth pass ------------------------------------------------------------------------------------


def test_a_key_written_twice_in_a_bundle_is_refused_not_the_last_kept(tmp_path: Path) -> None:
    """`"pollster": "YouGov", "pollster": "Ipsos"`: json.loads kept Ipsos without a word."""
    bundle, engine, _sessions = _exported(tmp_path)
    text = json.dumps(bundle).replace('"pollster": "P3"', '"pollster": "P3", "pollster": "P9"', 1)
    assert '"P9"' in text
    with pytest.raises(store.ContestError, match="the key 'pollster' appears twice"):
        store.read_bundle(text)
    engine.dispose()


@pytest.mark.parametrize("key", ["sample", "id", "first"])
def test_a_bundled_poll_key_the_app_does_not_know_is_refused(tmp_path: Path, key: str) -> None:
    """A hand-edited "sample": 1000 (for sample_size) was dropped without a word: the poll stored no sample."""
    bundle, engine, _sessions = _exported(tmp_path)
    bundle["polls"][1][key] = 1000
    with pytest.raises(store.ContestError, match=rf"polls\[2\]: unknown key '{key}' \(a poll takes pollster"):
        store.read_bundle(json.dumps(bundle))
    engine.dispose()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.replace('"sample_size": 1000', '"sample_size": ' + "9" * 5000, 1), "a number of 5,000 digits"),
        (lambda t: t + "{}", "Extra data"),
        (lambda t: t.replace('"warroom-campaign-bundle"', '"other-app"'), "no warroom bundle format tag"),
    ],
)
def test_a_broken_bundle_is_explained_as_a_bundle_not_read_as_a_poll_csv(tmp_path: Path, change, words: str) -> None:
    """A bundle json.loads could not read (a 5,000-digit number, text after its end) or another program's JSON
    was read as a poll CSV: "line 1: missing column 'pollster' (have: {"format": ...the whole file...})"."""
    bundle, engine, _sessions = _exported(tmp_path)
    text = change(json.dumps(bundle))
    assert store.looks_like_bundle(text)
    with pytest.raises(store.ContestError, match=re.escape(words)):
        store.read_bundle(text)
    engine.dispose()


def _second_notice(bundle: dict[str, Any]) -> dict[str, Any]:
    first = bundle["two_round"]["notices"][0]
    other = json.loads(json.dumps(first)) | {"pollster": "Elabe", "fieldwork_start": first["fieldwork_end"]}
    bundle["two_round"]["notices"].append(other)
    return other


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda b: b.update(scenario=[]), r"unknown part 'scenario' \(a bundle has format"),  # for "scenarios"
        (lambda b: b["two_round"].update(matrix=[]), r"two_round: unknown part 'matrix'"),
        (lambda b: b["two_round"]["notices"][0].update(sample=900), r"notices\[1\]: unknown key 'sample'"),
        (lambda b: b["two_round"]["notices"][0].update(rolling="false"), r"notices\[1\]: rolling must be true"),
        (
            lambda b: b["two_round"]["notices"][0]["hypotheses"][0]["shares"].update({"MARINE  LE PEN": 1.0}),
            r"notices\[1\]: hypothesis .*'MARINE  LE PEN' appears twice",
        ),
        (lambda b: _second_notice(b), r"notices\[2\]: id .* is also .*; one id names one poll"),
    ],
)
def test_a_two_round_bundle_part_the_app_would_misread_is_refused(tmp_path: Path, change, words: str) -> None:
    """Issue 16, fourth pass: an unknown part or key was dropped without a word; `"rolling": "false"` was read as
    true (bool of a non-empty text); a hypothesis naming one candidate twice in two spellings kept both shares;
    two polls sharing one id were both stored (the readers refuse each in the files)."""
    bundle, engine, _sessions = _two_round_bundle(tmp_path)
    change(bundle)
    with pytest.raises(store.ContestError, match=words):
        store.read_bundle(json.dumps(bundle))
    engine.dispose()
