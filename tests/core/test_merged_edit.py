"""merged_edit: two edits of one poll made from the same version, merged part by part (issue 16, pass h1)."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.core.types import POLL_EDIT_FIELDS, Poll, TransferObservation, merged_edit

BASE = Poll(
    pollster="Acme",
    fieldwork_start=date(2024, 3, 1),
    fieldwork_end=date(2024, 3, 3),
    sample_size=1000,
    first_round={"ann": 45, "bob": 40, "cat": 15},
    party_vi={"R": 30, "B": 40},
    client="Times",
    id=7,
)

EDITS = {
    "pollster": {"pollster": "Acme Research"},
    "client": {"client": "Sun"},
    "fieldwork dates": {"fieldwork_end": date(2024, 3, 4)},
    "published": {"published": date(2024, 3, 6)},
    "sample size": {"sample_size": 1200},
    "method": {"method": "online"},
    "source": {"source_url": "https://acme.example/p"},
    "notes": {"notes": "reweighted"},
    "first round": {"first_round": {"ann": 46, "bob": 39, "cat": 15}},
    "second round": {"second_round": {"ann": 53, "bob": 47}},
    "party voting intention": {"party_vi": {"R": 31, "B": 41}},
    "transfers": {"transfers": (TransferObservation("cat", "ann", 40),)},
}
OTHER = {  # a second, different change of each part
    "pollster": {"pollster": "ACME Ltd"},
    "client": {"client": "Mail"},
    "fieldwork dates": {"fieldwork_start": date(2024, 2, 28)},
    "published": {"published": date(2024, 3, 7)},
    "sample size": {"sample_size": 900},
    "method": {"method": "phone"},
    "source": {"source_url": "https://acme.example/q"},
    "notes": {"notes": "corrected"},
    "first round": {"first_round": {"ann": 44, "bob": 41, "cat": 15}},
    "second round": {"second_round": {"ann": 51, "bob": 49}},
    "party voting intention": {"party_vi": {"R": 29, "B": 42}},
    "transfers": {"transfers": (TransferObservation("cat", "bob", 35),)},
}


def _with(poll: Poll, *parts: dict[str, object]) -> Poll:
    changes: dict[str, object] = {}
    for part in parts:
        changes.update(part)
    return replace(poll, **changes)  # type: ignore[arg-type]


def test_every_field_of_a_poll_but_its_id_is_in_one_part() -> None:
    covered = [a for attrs in POLL_EDIT_FIELDS.values() for a in attrs]
    assert sorted(covered) == sorted(f.name for f in fields(Poll) if f.name != "id")
    assert set(EDITS) == set(OTHER) == set(POLL_EDIT_FIELDS)


@pytest.mark.parametrize(("mine_part", "their_part"), [(a, b) for a in EDITS for b in EDITS if a != b])
def test_edits_of_different_parts_both_go_in(mine_part: str, their_part: str) -> None:
    mine, theirs = _with(BASE, EDITS[mine_part]), _with(BASE, OTHER[their_part])
    merged = merged_edit(BASE, mine, theirs)
    assert merged.clashes == ()
    assert merged.poll == _with(BASE, EDITS[mine_part], OTHER[their_part])
    assert merged.theirs_changed == (their_part,)


@pytest.mark.parametrize("part", list(EDITS))
def test_both_changing_one_part_differently_is_a_clash_and_no_poll(part: str) -> None:
    mine = _with(BASE, EDITS[part], {"notes": "mine"} if part != "notes" else {})
    merged = merged_edit(BASE, mine, _with(BASE, OTHER[part]))
    assert merged.poll is None
    assert merged.clashes == (part,)


def test_both_making_the_same_change_is_no_clash() -> None:
    same = _with(BASE, EDITS["sample size"])
    merged = merged_edit(BASE, _with(same, EDITS["notes"]), same)
    assert merged.poll == _with(BASE, EDITS["sample size"], EDITS["notes"]) and merged.clashes == ()
    assert merged.theirs_changed == ()  # (nothing of theirs that mine lacked)


def test_clashes_are_named_in_the_forms_order_with_the_parts_taken_from_theirs() -> None:
    mine = _with(BASE, EDITS["transfers"], EDITS["pollster"])
    theirs = _with(BASE, OTHER["pollster"], OTHER["transfers"], EDITS["method"])
    merged = merged_edit(BASE, mine, theirs)
    assert merged.poll is None
    assert merged.clashes == ("pollster", "transfers")
    assert merged.theirs_changed == ("method",)


def test_a_start_from_one_edit_and_an_end_from_the_other_clash_not_cross() -> None:
    mine = _with(BASE, {"fieldwork_start": date(2024, 3, 3)})
    theirs = _with(BASE, {"fieldwork_end": date(2024, 3, 1)})
    merged = merged_edit(BASE, mine, theirs)
    assert merged.poll is None and merged.clashes == ("fieldwork dates",)


def test_figures_compare_as_figures_whatever_mapping_holds_them() -> None:
    from types import MappingProxyType

    theirs = replace(BASE, first_round=MappingProxyType(dict(BASE.first_round)), notes="theirs")
    merged = merged_edit(BASE, _with(BASE, EDITS["sample size"]), theirs)
    assert merged.poll is not None and merged.poll.notes == "theirs" and merged.poll.sample_size == 1200


def test_versions_of_different_polls_are_refused() -> None:
    with pytest.raises(ValueError, match="different polls"):
        merged_edit(BASE, BASE, replace(BASE, id=8))


@given(st.sets(st.sampled_from(list(EDITS))), st.sets(st.sampled_from(list(EDITS))))
def test_any_two_edits_merge_exactly_when_they_touch_no_part_in_common(mine_parts: set[str], theirs: set[str]) -> None:
    mine = _with(BASE, *(EDITS[p] for p in sorted(mine_parts)))
    other = _with(BASE, *(OTHER[p] for p in sorted(theirs)))
    merged = merged_edit(BASE, mine, other)
    common = mine_parts & theirs
    assert set(merged.clashes) == common
    if common:
        assert merged.poll is None
    else:
        assert merged.poll is not None and merged.poll == merged.mine_first
        for part in POLL_EDIT_FIELDS:
            want = mine if part in mine_parts else other
            assert all(getattr(merged.poll, a) == getattr(want, a) for a in POLL_EDIT_FIELDS[part])
        assert merged_edit(BASE, other, mine).poll == merged.poll  # the same whichever is called mine


def test_after_a_clash_mine_first_keeps_every_value_typed_and_theirs_elsewhere() -> None:
    mine = _with(BASE, EDITS["sample size"], EDITS["notes"])
    theirs = _with(BASE, OTHER["sample size"], EDITS["method"])
    merged = merged_edit(BASE, mine, theirs)
    assert merged.poll is None and merged.clashes == ("sample size",)
    assert merged.mine_first == _with(BASE, EDITS["sample size"], EDITS["notes"], EDITS["method"])
