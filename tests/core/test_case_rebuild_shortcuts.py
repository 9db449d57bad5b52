"""The shortcuts of a scenario rebuild read the same as their plain definitions: the newest polls offered, the
transfer splits (publications read once per call), the columns standing for the polls (core.baseline,
core.scenario)."""

from __future__ import annotations

import heapq
from dataclasses import replace
from datetime import date, timedelta
from operator import attrgetter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import TOY, make_poll
from warroom.core import scenario
from warroom.core.averaging import ColumnBuilder
from warroom.core.baseline import _columns_of, poll_offers
from warroom.core.scenario import NEUTRAL_SPLIT, _split_from, default_splits
from warroom.core.types import Poll, TransferObservation


def _plain_default_splits(
    observed: list[TransferObservation], eliminated: list[str], a: str, b: str
) -> dict[str, scenario.Split]:
    """default_splits as it was written first: every publication read, newest first, until one gives a split."""
    groups: dict[str, list[dict[str, float]]] = {}
    for t in observed:
        runs = groups.setdefault(t.from_candidate, [{}])
        if t.to_candidate in runs[-1]:
            runs.append({})
        runs[-1][t.to_candidate] = t.share
    out = {}
    for code in eliminated:
        split = None
        for published in reversed(groups.get(code, [])):
            split = _split_from(published, a, b)
            if split is not None:
                break
        out[code] = split or NEUTRAL_SPLIT
    return out


PUBLICATION = st.lists(
    st.tuples(st.sampled_from(["ann", "bob", "exhausted"]), st.sampled_from([0.0, 10.0, 30.0, 60.0, 70.0, 120.0])),
    min_size=1,
    max_size=3,
    unique_by=lambda t: t[0],
)


@settings(max_examples=200, deadline=None)
@given(
    publications=st.lists(st.tuples(st.sampled_from(["cat", "dan"]), PUBLICATION), max_size=30),
    repeat=st.integers(1, 4),
)
def test_transfer_splits_read_each_distinct_publication_once_and_the_same(
    publications: list[tuple[str, list[tuple[str, float]]]], repeat: int
) -> None:
    observed = [TransferObservation(src, to, share) for src, figures in publications for to, share in figures] * repeat
    eliminated = ["cat", "dan", "eve"]
    assert default_splits(observed, eliminated, "ann", "bob") == _plain_default_splits(
        observed, eliminated, "ann", "bob"
    )


def test_the_same_figures_published_again_are_read_once() -> None:
    calls: list[object] = []
    real = scenario._split_from

    def counted(published: dict[str, float], a: str, b: str) -> object:
        calls.append(published)
        return real(published, a, b)

    weekly = [TransferObservation("cat", "ann", 60.0)] * 50  # pins no split: every one is looked at
    scenario._split_from = counted  # type: ignore[assignment]
    try:
        assert default_splits(weekly, ["cat"], "ann", "bob") == {"cat": NEUTRAL_SPLIT}
    finally:
        scenario._split_from = real  # type: ignore[assignment]
    assert len(calls) == 1


@settings(max_examples=100, deadline=None)
@given(
    days=st.lists(st.integers(0, 20), min_size=0, max_size=80),
    limit=st.integers(1, 12),
    order=st.sampled_from(["oldest first", "newest first", "shuffled"]),
)
def test_the_newest_polls_offered_are_nlargests(days: list[int], limit: int, order: str) -> None:
    polls = [
        replace(make_poll(), id=i + 1 if i % 7 else None, pollster=f"P{i}", fieldwork_end=date(2024, 1, 1) + timedelta(days=d))
        for i, d in enumerate(days)
    ]  # fmt: skip
    if order == "oldest first":
        polls.sort(key=attrgetter("fieldwork_end"))
    elif order == "newest first":
        polls.sort(key=attrgetter("fieldwork_end"), reverse=True)
    else:
        polls = polls[1::2] + polls[::2]
    offers = poll_offers(polls, limit)
    usable = [p for p in polls if p.first_round and p.id is not None]
    newest = heapq.nlargest(limit, usable, key=attrgetter("fieldwork_end"))
    assert [pid for pid, _label in offers.newest] == [p.id for p in newest]  # equal days: in the order given


def test_columns_stand_for_the_polls_only_when_they_are_the_same_stored_polls() -> None:
    polls = [make_poll(day=d, id=d) for d in range(1, 8)]
    columns = ColumnBuilder(TOY).build(polls)
    assert _columns_of(polls, columns)  # the same polls in the columns' order (no sort)
    assert _columns_of(list(reversed(polls)), columns)  # the same polls, in any order
    assert not _columns_of(polls[:-1], columns)
    assert not _columns_of([*polls[:-1], replace(polls[-1], id=99)], columns)
    assert not _columns_of([*polls[:-1], replace(polls[-1], id=None)], columns)
    unstored: list[Poll] = [replace(p, id=None) for p in polls]
    assert not _columns_of(unstored, ColumnBuilder(TOY).build(unstored))


def test_make_case_is_make_baseline_and_its_default_scenario_with_the_splits_read_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from warroom.core import pipeline
    from warroom.core.pipeline import BaselineChoice, compute_averages, default_scenario, make_baseline, make_case

    polls = [
        replace(
            make_poll(
                day=d,
                pollster=f"P{d % 3}",
                a=40 + d % 5,
                b=38 - d % 4,
                c=22 - d % 5 + d % 4,
                id=d,
                party_vi={"R": 35.0, "B": 33.0},
            ),
            second_round={"ann": 52.0, "bob": 48.0} if d % 2 else {},
            transfers=(TransferObservation("cat", "ann", 50.0 + d), TransferObservation("cat", "bob", 30.0))
            if d % 4 == 0
            else (),
        )
        for d in range(1, 25)
    ]
    averages = compute_averages(polls, TOY)
    choices = [
        BaselineChoice(),
        BaselineChoice("as_of", as_of=date(2024, 3, 12)),
        BaselineChoice("poll", poll_id=8),
        BaselineChoice("party_vi", personal=(("ann", 3.0),)),
    ]
    read = []
    real = pipeline.splits_from_polls
    monkeypatch.setattr(pipeline, "splits_from_polls", lambda *a, **k: read.append(1) or real(*a, **k))
    for choice in choices:
        read.clear()
        base = make_baseline(choice, polls, TOY, averages)
        defaults = default_scenario(base, polls, TOY, choice)
        apart = len(read)
        read.clear()
        case = make_case(choice, polls, TOY, averages)
        assert case == (base, defaults)
        if choice.mode in ("average", "as_of"):  # a runoff average to anchor to: the baseline needed the splits too
            assert base.runoff_adjustment != 0.0
        if choice.mode == "poll":  # its own poll's publication: nothing read from all the polls either way
            assert len(read) == apart == 0
        else:  # read once fewer (the baseline's, or the averages' splits taken)
            assert len(read) == apart - 1, choice


def test_the_default_scenario_takes_the_averages_splits_only_when_they_were_read_alike() -> None:
    """The splits the averages' implied runoffs were made with are the default scenario's when the pair, the day,
    the fallback and the very polls publishing transfers are the same; otherwise they are read again."""
    from warroom.core.baseline import splits_from_polls
    from warroom.core.pipeline import BaselineChoice, compute_averages, default_scenario, make_baseline
    from warroom.core.runoff import Split

    polls = [
        replace(make_poll(day=d, a=44, b=40, c=16, id=d), second_round={"ann": 52.0, "bob": 48.0} if d % 2 else {})
        for d in range(1, 13)
    ]
    polls[3] = replace(
        polls[3], transfers=(TransferObservation("cat", "ann", 60.0), TransferObservation("cat", "bob", 25.0))
    )
    choice = BaselineChoice()
    prior = {"cat": Split(20.0, 70.0, 10.0)}

    def expected(ps: list[Poll], fallback: dict[str, Split] | None) -> dict[str, Split]:
        return {k: v for k, v in splits_from_polls(ps, TOY, "ann", "bob", None, fallback).items() if k == "cat"}

    averages = compute_averages(polls, TOY)
    assert averages is not None and averages.splits_read is not None
    assert averages.splits_read.splits["cat"] == Split(60.0, 25.0, 15.0)
    base = make_baseline(choice, polls, TOY, averages)
    assert dict(default_scenario(base, polls, TOY, choice, None, averages).splits) == expected(polls, None)
    # another fallback than the averages were made with (the scenario's priors): read with it
    with_prior = default_scenario(base, polls, TOY, choice, lambda a, b: prior, averages)
    assert dict(with_prior.splits) == expected(polls, prior)
    # averages of other polls (a newer publication the averages have not seen): read from the polls given
    newer = [*polls, replace(make_poll(day=20, id=20), transfers=(TransferObservation("cat", "bob", 80.0),
                                                                  TransferObservation("cat", "ann", 5.0)))]  # fmt: skip
    assert dict(default_scenario(base, newer, TOY, choice, None, averages).splits) == expected(newer, None)
    assert expected(newer, None) != expected(polls, None)
    # the same polls publishing, but an edited publication (another object): read again
    edited = [*polls[:3], replace(polls[3], transfers=(TransferObservation("cat", "ann", 10.0),
                                                        TransferObservation("cat", "bob", 85.0))), *polls[4:]]  # fmt: skip
    assert dict(default_scenario(base, edited, TOY, choice, None, averages).splits) == expected(edited, None)
