"""The average kept between recomputes (a ColumnBuilder edited in place, its kept transfer splits) equals the
average computed from scratch after any run of adds, edits and deletes: every series, band, house effect, point
and forecast band, to the bit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import TOY
from warroom.core.averaging import AverageSeries, ColumnBuilder, PointSet, PollAverages
from warroom.core.forecast import ForecastErrors
from warroom.core.pipeline import OddsModel, compute_averages
from warroom.core.runoff import Split
from warroom.core.types import Poll, TransferObservation

ODDS = OddsModel(
    ForecastErrors.load(Path(__file__).resolve().parents[2] / "resources" / "data" / "forecast_errors.json"),
    TOY.election_date,
)
PRIOR = {"cat": Split(55.0, 25.0, 20.0)}


def _series_equal(x: AverageSeries, y: AverageSeries) -> None:
    for name in ("days", "mean", "lower", "upper"):
        assert np.array_equal(getattr(x, name), getattr(y, name)), name
    assert dict(x.house_effects) == dict(y.house_effects)


def _points_equal(x: PointSet, y: PointSet) -> None:
    for name in ("day", "value", "poll_id", "variance", "pollster"):
        assert np.array_equal(getattr(x, name), getattr(y, name)), name


def assert_same_averages(kept: PollAverages | None, fresh: PollAverages | None) -> None:
    assert (kept is None) == (fresh is None)
    if kept is None or fresh is None:
        return
    assert (kept.a, kept.b) == (fresh.a, fresh.b)
    assert kept.first_round.keys() == fresh.first_round.keys()
    for code in kept.first_round:
        _series_equal(kept.first_round[code], fresh.first_round[code])
    _series_equal(kept.first_lead, fresh.first_lead)
    _series_equal(kept.second_lead, fresh.second_lead)
    _points_equal(kept.second_lead_observed, fresh.second_lead_observed)
    _points_equal(kept.second_lead_implied, fresh.second_lead_implied)
    assert kept.forecast.keys() == fresh.forecast.keys()
    for key, (lo, hi) in kept.forecast.items():
        assert np.array_equal(lo, fresh.forecast[key][0]) and np.array_equal(hi, fresh.forecast[key][1])


def _transfers(to_ann: float) -> tuple[TransferObservation, ...]:
    """A publication that makes a split: to Ann, to Bob, the rest exhausted."""
    return (TransferObservation("cat", "ann", to_ann), TransferObservation("cat", "bob", 80.0 - to_ann))


def _poll(rng: np.random.Generator, pid: int, transfers: bool) -> Poll:
    start = date(2024, 1, 1) + timedelta(days=int(rng.integers(0, 90)))
    a, b = float(rng.integers(30, 50)), float(rng.integers(25, 45))
    return Poll(
        pollster=f"P{int(rng.integers(0, 6))}",
        fieldwork_start=start,
        fieldwork_end=start + timedelta(days=int(rng.integers(0, 4))),
        sample_size=int(rng.integers(400, 2500)) if rng.random() < 0.9 else None,
        first_round={"ann": a, "bob": b, "cat": round(100.0 - a - b, 1)},
        second_round={"ann": 52.0, "bob": 48.0} if rng.random() < 0.3 else {},
        transfers=_transfers(float(rng.integers(20, 70))) if transfers else (),
        id=pid,
    )


OPS = st.lists(st.tuples(st.sampled_from(["add", "add_transfers", "edit", "edit_transfers", "delete", "priors"]),
                         st.integers(0, 10**6)), min_size=1, max_size=12)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), ops=OPS)
def test_the_kept_average_equals_a_fresh_one_after_adds_edits_and_deletes(
    seed: int, ops: list[tuple[str, int]]
) -> None:
    rng = np.random.default_rng(seed)
    polls = [_poll(rng, i + 1, transfers=i % 4 == 0) for i in range(40)]
    next_id = 41
    builder = ColumnBuilder(TOY)
    priors_on = False
    compute_averages(polls, TOY, columns=builder, odds=ODDS)
    for op, k in ops:
        if op.startswith("add"):
            polls = [*polls, _poll(rng, next_id, transfers=op == "add_transfers")]
            next_id += 1
        elif op.startswith("edit") and polls:
            i = k % len(polls)
            edited = replace(_poll(rng, polls[i].id or 0, transfers=op == "edit_transfers"), pollster=polls[i].pollster)
            polls = [*polls[:i], edited, *polls[i + 1 :]]
        elif op == "delete" and len(polls) > 2:
            del polls[k % len(polls)]
            polls = list(polls)
        elif op == "priors":
            priors_on = not priors_on
        priors = (lambda a, b: PRIOR) if priors_on else None
        kept = compute_averages(polls, TOY, columns=builder, odds=ODDS, priors=priors)
        fresh = compute_averages(polls, TOY, columns=ColumnBuilder(TOY), odds=ODDS, priors=priors)
        assert_same_averages(kept, fresh)


def test_a_new_publication_of_transfers_changes_the_kept_splits() -> None:
    """The kept splits are used again only for the very same polls publishing transfers: a new one, an edit of
    one and the deletion of one each move the implied runoffs."""
    rng = np.random.default_rng(4)
    polls = [_poll(rng, i + 1, transfers=False) for i in range(30)]
    polls = [replace(p, second_round={}) for p in polls]  # every runoff implied, so the splits show in them
    builder = ColumnBuilder(TOY)

    def implied() -> np.ndarray:
        averages = compute_averages(polls, TOY, columns=builder)
        assert averages is not None
        return averages.second_lead_implied.value

    neutral = implied()
    assert np.array_equal(implied(), neutral)  # kept: the same
    day = max(p.fieldwork_end for p in polls)
    published = replace(polls[0], id=100, fieldwork_start=day, fieldwork_end=day,
                        transfers=(TransferObservation("cat", "ann", 80.0), TransferObservation("cat", "bob", 10.0)))  # fmt: skip
    polls = [*polls, published]
    with_80 = implied()
    assert not np.allclose(with_80[:-1], neutral)
    polls = [*polls[:-1], replace(published, transfers=(TransferObservation("cat", "bob", 80.0),
                                                        TransferObservation("cat", "ann", 10.0)))]  # fmt: skip
    edited = implied()
    assert not np.allclose(edited, with_80)
    polls = polls[:-1]
    assert np.array_equal(implied(), neutral)


@pytest.mark.parametrize("added", [1, 4, 5, 12])
def test_several_polls_added_at_once_are_edited_into_the_kept_columns(added: int) -> None:
    """A paste of a few polls: found among the polls given (one scan each in C up to four, one pass beyond) and
    edited into the kept columns, equal to a fresh build, without a build from scratch."""
    rng = np.random.default_rng(added)
    polls = [_poll(rng, i + 1, transfers=False) for i in range(60)]
    builder = ColumnBuilder(TOY)
    builder.build(polls)
    rebuilt: list[int] = []
    real_build = builder._build
    builder._build = lambda *a: (rebuilt.append(1), real_build(*a))[1]  # type: ignore[method-assign]
    new = [_poll(rng, 100 + k, transfers=False) for k in range(added)]
    polls = [*polls[:30], *new, *polls[30:]]
    del polls[3]
    got, fresh = builder.build(polls), ColumnBuilder(TOY).build(polls)
    for name in ("day", "end", "n", "ids", "pollster", "shares", "second", "party"):
        np.testing.assert_array_equal(getattr(got, name), getattr(fresh, name), err_msg=name)
    assert rebuilt == []


def test_a_contest_renamed_or_recoloured_counts_as_itself_and_averages_the_same() -> None:
    """Contest.counts_as: the analysis service keeps a contest's averages and column cache through an edit of names
    and colours only (a rename at 100,000 polls averaged every poll again); its own figures are the proof."""
    rng = np.random.default_rng(5)
    polls = [_poll(rng, i + 1, transfers=i % 4 == 0) for i in range(40)]
    ann, bob, cat = TOY.candidates
    relabelled = replace(
        TOY,
        name="Toyton Mayor (renamed)",
        office="Mayor",
        notes="edited",
        candidates=(replace(ann, name="Ann Redd", short_name="Annie"), replace(bob, colour="#123456"), cat),
        parties=(replace(TOY.parties[0], name="Crimsons", colour="#aa0000"), *TOY.parties[1:]),
    )
    assert TOY.counts_as(relabelled) and relabelled.counts_as(TOY)
    kept = compute_averages(polls, TOY, columns=ColumnBuilder(TOY), odds=ODDS)
    assert_same_averages(kept, compute_averages(polls, relabelled, columns=ColumnBuilder(relabelled), odds=ODDS))
    # what the figures go by: another contest for them
    for other in (
        replace(TOY, candidates=(ann, bob, replace(cat, withdrawn=True))),
        replace(TOY, candidates=(bob, ann, cat)),
        replace(TOY, candidates=(ann, bob, replace(cat, party="R"))),
        replace(TOY, election_date=date(2024, 6, 2)),
        replace(TOY, transfer_prior="London Mayor 2012"),
        replace(TOY, id=7),
    ):
        assert not TOY.counts_as(other), other
