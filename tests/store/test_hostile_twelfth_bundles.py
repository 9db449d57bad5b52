"""Twelfth hostile pass (issue 16): a bundle edited by hand, imported into a store holding its race already."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.store.test_contests import _fill, _open
from warroom.store import contests as store
from warroom.store import polls as repo


def _into_its_own_store(tmp_path: Path, edit: Any) -> tuple[Any, int, int, store.Bundle]:
    """Export the race, edit the bundle, import it back into the store that holds the race (its polls renamed
    so they are new): the session factory, the contest id, its polls before, the bundle read."""
    _engine, sessions = _open(str(tmp_path / "a.sqlite3"))
    cid = _fill(sessions)
    with sessions() as s:
        bundle = store.export_bundle(s, cid)
        before = len(repo.list_polls(s, cid))
    edited = copy.deepcopy(bundle)
    for poll in edited["polls"]:
        poll["pollster"] = "Q" + poll["pollster"]
    edit(edited)
    return sessions, cid, before, store.read_bundle(store.bundle_to_text(edited))


def _moved_election(bundle: dict[str, Any]) -> None:
    bundle["contest"]["contest"]["election_date"] = "2031-05-06"  # the polls checked against 2031 only
    for poll in bundle["polls"]:
        poll["fieldwork_start"], poll["fieldwork_end"], poll["published"] = "2030-09-01", "2030-09-02", None


def _new_party(bundle: dict[str, Any]) -> None:
    bundle["contest"]["party"].append({"code": "GRN", "name": "Green", "colour": "#009E73"})
    bundle["polls"][0]["party_vi"] = {"LAB": 38.0, "GRN": 12.0}


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (_moved_election, "more than a year after its election"),
        (_new_party, "GRN"),
    ],
)
def test_a_hand_edited_bundle_s_polls_are_held_to_the_stored_race_not_to_the_bundle_s_copy(
    tmp_path: Path, edit: Any, words: str
) -> None:
    """Importing a bundle of a race the store holds (same name, same candidates) checked its polls against the
    bundle's own copy of the race: a bundle whose election date was moved by hand to 2031 put polls from
    September 2030 into the stored 2027 race (a poll typed, pasted or read from a CSV for that race is refused:
    more than a year after its election), and one that added a party stored voting-intention figures for a party
    the stored race does not have (the poll form then dropped them on the next edit). Now the polls are checked
    against the stored race too, and the bundle is refused whole, naming the poll."""
    sessions, cid, before, bundle = _into_its_own_store(tmp_path, edit)
    with pytest.raises(store.ContestError, match=words) as caught, sessions.begin() as s:
        # on a day after the moved polls: the "in the future" rule would refuse them first until then
        store.import_bundle(s, bundle, today=date(2031, 1, 1))
    assert "polls[1]" in str(caught.value) and "nothing imported" in str(caught.value)
    with sessions() as s:
        assert len(repo.list_polls(s, cid)) == before  # nothing imported


def test_a_bundle_of_the_stored_race_with_new_polls_still_imports(tmp_path: Path) -> None:
    sessions, _cid, before, bundle = _into_its_own_store(tmp_path, lambda b: None)
    with sessions.begin() as s:
        report = store.import_bundle(s, bundle)
    assert not report.created and report.polls_added == before
