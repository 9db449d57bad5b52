"""core.pipeline.reads_alike: which contest edits leave a saved case as it was read (issue 15: a rename or a recolour
at 100,000 polls read every saved case again, 100-170 ms of the window's thread; benchmarks/bench_menu_stalls.py).

The rule is checked against what it stands for: whenever it says two contest details read a record alike,
SavedScenario.from_dicts gives the very same case under both."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from tests.conftest import TOY, make_poll
from warroom.core.pipeline import (
    BaselineChoice,
    SavedScenario,
    compute_averages,
    default_scenario,
    make_baseline,
    reads_alike,
    save_scenario,
)
from warroom.core.types import Contest


def _records() -> tuple[dict, dict]:
    polls = [replace(make_poll(d, a=44 + d % 3, b=40 - d % 2, c=16), id=d) for d in range(1, 12)]
    choice = BaselineChoice()
    base = make_baseline(choice, polls, TOY, compute_averages(polls, TOY))
    scenario = default_scenario(base, polls, TOY, choice)
    return save_scenario("Case", choice, base, scenario, polls, datetime(2024, 3, 1, 9, 0)).to_dicts()


def _renamed(contest: Contest) -> Contest:
    ann = contest.candidates[0]
    return replace(contest, name="Renamed", candidates=(replace(ann, name="Ann Other"), *contest.candidates[1:]))


def _recoloured(contest: Contest) -> Contest:
    bob = contest.candidates[1]
    return replace(contest, candidates=(contest.candidates[0], replace(bob, colour="#123456"), *contest.candidates[2:]))


def _withdrawn(contest: Contest) -> Contest:
    cat = contest.candidates[2]
    return replace(contest, candidates=(*contest.candidates[:2], replace(cat, withdrawn=True)))


def _reparty(contest: Contest) -> Contest:
    ann = contest.candidates[0]
    return replace(contest, candidates=(replace(ann, party=None), *contest.candidates[1:]))


EDITS = [_renamed, _recoloured, _withdrawn, _reparty]


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__.strip("_"))
def test_a_saved_case_keeps_its_names_so_no_contest_edit_reads_it_otherwise(edit) -> None:
    baseline, settings = _records()
    edited = edit(TOY)
    assert reads_alike(baseline, TOY, edited)  # the record names its candidates and their parties itself
    assert SavedScenario.from_dicts("Case", baseline, settings, TOY) == SavedScenario.from_dicts(
        "Case", baseline, settings, edited
    )


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__.strip("_"))
def test_a_record_from_before_names_were_kept_is_read_again_when_they_change(edit) -> None:
    baseline, settings = _records()
    old = {k: v for k, v in baseline["baseline"].items() if k not in ("names", "candidate_party")}
    record = {**baseline, "baseline": old}
    edited = edit(TOY)
    then = SavedScenario.from_dicts("Case", record, settings, TOY)
    now = SavedScenario.from_dicts("Case", record, settings, edited)
    if reads_alike(record, TOY, edited):
        assert now == then
    else:
        assert now != then  # (the rule asks for a read again only where it gives another case)
    assert reads_alike(record, TOY, edited) == (edit in (_recoloured, _withdrawn))
    assert reads_alike(record, TOY, TOY) and not reads_alike("not a record", TOY, edited)
