"""Which codes a poll may use, one rule read in four places (issue 16, "one rule, one place"): first round = the
race's candidates and "other", second round = its candidates, party figures = its parties and "other", a transfer
= from a candidate to a candidate or "exhausted" (core.validation.allowed_codes). validate_poll, a bundle's check
(store.contests._check_polls), the window's put-back check (PollService's _refuse_codes_gone) and the store's
hand-edit check (store.db's SQL) each wrote it out; the put-back check let "other" through in a second round,
which the other three refuse. Each hostile poll below is refused by all four, naming the code, and each sound
one by none."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import TOY, make_poll
from warroom.bootstrap import open_store
from warroom.core.types import EXHAUSTED, Contest, Poll, TransferObservation
from warroom.core.validation import allowed_codes, codes_not_allowed, validate_poll
from warroom.services.poll_service import _refuse_codes_gone
from warroom.store import polls as repo
from warroom.store.contests import Bundle, ContestError, _check_polls
from warroom.store.db import StoreError, hand_edits

TODAY = date(2024, 4, 1)
WITHOUT_CAT = replace(TOY, candidates=TOY.candidates[:2])  # Cat removed from the race since the poll was taken


def _moved(source: str, to: str, share: float = 40.0) -> dict[str, Any]:
    return {"transfers": (TransferObservation(source, to, share),)}


def _poll(first: dict[str, float] | None = None, **kw: Any) -> Poll:
    poll = make_poll(1, **kw)
    return poll if first is None else replace(poll, first_round=first)


# (what, the race, the poll, the code not allowed or None for a sound poll)
CASES: list[tuple[str, Contest, Poll, str | None]] = [
    ("other in the second round", TOY, _poll(second_round={"ann": 52.0, "other": 48.0}), "other"),
    ("exhausted as a transfer's source", TOY, _poll(**_moved(EXHAUSTED, "ann")), EXHAUSTED),
    ("other as a transfer's source", TOY, _poll(**_moved("other", "ann")), "other"),
    ("other as a transfer's destination", TOY, _poll(**_moved("cat", "other")), "other"),
    ("a party code in the first round", TOY, _poll({"ann": 45.0, "bob": 40.0, "G": 15.0}), "G"),
    ("a candidate code as a party", TOY, _poll(party_vi={"R": 40.0, "bob": 35.0}), "bob"),
    ("exhausted in the first round", TOY, _poll({"ann": 45.0, "bob": 40.0, EXHAUSTED: 15.0}), EXHAUSTED),
    ("a removed candidate in the first round", WITHOUT_CAT, _poll(), "cat"),
    (
        "a removed candidate in the second round",
        WITHOUT_CAT,
        _poll({"ann": 55.0, "bob": 45.0}, second_round={"ann": 52.0, "cat": 48.0}),
        "cat",
    ),
    (
        "a removed candidate as a transfer's destination",
        WITHOUT_CAT,
        _poll({"ann": 55.0, "bob": 45.0}, **_moved("bob", "cat")),
        "cat",
    ),
    ("other in the first round", TOY, _poll({"ann": 45.0, "bob": 40.0, "other": 15.0}), None),
    ("other among the parties", TOY, _poll(party_vi={"R": 40.0, "other": 60.0}), None),
    ("a transfer to exhausted", TOY, _poll(**_moved("cat", EXHAUSTED)), None),
    ("a second round of two candidates", TOY, _poll(second_round={"ann": 52.0, "bob": 48.0}), None),
]
IDS = [c[0] for c in CASES]


def _validate(contest: Contest, poll: Poll, _tmp: Path) -> str | None:
    problems = validate_poll(poll, contest, today=TODAY)
    return "; ".join(map(str, problems)) or None


def _bundle(contest: Contest, poll: Poll, _tmp: Path) -> str | None:
    try:
        _check_polls(Bundle(contest, None, (poll,), (), ()), TODAY)
    except ContestError as exc:
        return str(exc)
    return None


def _put_back(contest: Contest, poll: Poll, _tmp: Path) -> str | None:
    try:
        _refuse_codes_gone(contest, [poll])
    except StoreError as exc:
        return str(exc)
    return None


def _hand_edit(contest: Contest, poll: Poll, tmp: Path) -> str | None:
    """The poll stored under the full race (the store's own writes take any code), the race then edited to
    `contest`'s candidates outside the app; then the store's check of hand edits."""
    store = open_store(tmp / "store.db", backup_dir=None, seed=False)
    try:
        with store.sessions.begin() as s:
            cid = repo.add_contest(s, TOY)
            repo.add_polls(s, cid, [poll])
            kept = [c.code for c in contest.candidates]
            for gone in {c.code for c in TOY.candidates} - set(kept):
                s.execute(text("DELETE FROM candidate WHERE code = :c"), {"c": gone})
        found = hand_edits(store.engine)
    finally:
        store.close()
    return "; ".join(found) or None


PLACES = {"validate_poll": _validate, "bundle": _bundle, "put_back": _put_back, "hand_edits": _hand_edit}


@pytest.mark.parametrize(("what", "contest", "poll", "code"), CASES, ids=IDS)
def test_the_four_places_agree_on_which_codes_a_poll_may_use(
    what: str, contest: Contest, poll: Poll, code: str | None, tmp_path: Path
) -> None:
    answers = {name: check(contest, poll, tmp_path) for name, check in PLACES.items()}
    if code is None:
        assert answers == dict.fromkeys(PLACES), answers
        assert codes_not_allowed(poll, allowed_codes(contest.candidate_codes, [p.code for p in contest.parties])) == []
        return
    refused = {name for name, message in answers.items() if message is not None and repr(code) in message}
    assert refused == set(PLACES), answers
    assert [m.code for m in codes_not_allowed(poll, allowed_codes(contest.candidate_codes, ["R", "B", "G"]))] == [code]
    assert "poll" in (answers["put_back"] or "") and "polls[1] (Acme 2024-03-01" in (answers["bundle"] or "")
    assert "#" in (answers["hand_edits"] or "")  # the row named by table and id
