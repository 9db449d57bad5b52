"""Set-based writes and reads of polls: all or nothing, errors that name the poll, its line and the field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import TOY, make_poll
from warroom.core.types import Poll, TransferObservation
from warroom.store import polls as repo
from warroom.store.db import make_engine, make_session_factory, upgrade
from warroom.store.schema import PollFigureRow, PollRow, TransferRow


@pytest.fixture
def store(store_url: str) -> Iterator[tuple[sessionmaker[Session], int]]:
    engine: Engine = make_engine(store_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
    yield sessions, cid
    engine.dispose()


def _many(n: int, start: date = date(2020, 1, 1)) -> list[Poll]:
    """n distinct polls with every kind of figure, some transfers, and awkward floats."""
    polls = []
    for i in range(n):
        fs = start + timedelta(days=i // 7)
        polls.append(
            Poll(
                pollster=f"House {i % 7}",
                fieldwork_start=fs,
                fieldwork_end=fs + timedelta(days=i % 4),
                sample_size=None if i % 11 == 0 else 500 + i,
                first_round={"ann": 40 + (i % 9) / 3, "bob": 0.1 + 0.2, "cat": 15.0},
                second_round={"ann": 52.5, "bob": 47.5} if i % 3 == 0 else {},
                party_vi={"R": 35.0, "B": 41.0} if i % 2 == 0 else {},
                transfers=(TransferObservation("cat", "ann", 60.0), TransferObservation("cat", "bob", 30.0))
                if i % 5 == 0
                else (),
                client="Bugle" if i % 4 == 0 else "",
                published=fs + timedelta(days=5) if i % 6 == 0 else None,
                method="online",
                notes=f"row {i}",
            )
        )
    return polls


def _count(s: Session, table: type) -> int:
    return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_a_large_batch_round_trips_exactly_in_fieldwork_order(store) -> None:
    sessions, cid = store
    polls = _many(1_300)  # more than one IN (...) chunk of ids and of end dates
    with sessions.begin() as s:
        ids = repo.add_polls(s, cid, polls)
    assert len(set(ids)) == len(polls)
    with sessions() as s:
        back = repo.list_polls(s, cid)
        assert _count(s, TransferRow) == 2 * len([p for p in polls if p.transfers])
    expected = sorted(
        (replace(p, id=i) for p, i in zip(polls, ids, strict=True)), key=lambda p: (p.fieldwork_end, p.id)
    )
    assert back == expected
    assert back[0].first_round["bob"] == 0.1 + 0.2  # not rounded on the way through


def test_read_polls_are_whole_poll_objects_with_transfers_in_canonical_order(store) -> None:
    """list_polls builds its polls without Poll.__init__: every field is set, and __post_init__'s order holds."""
    sessions, cid = store
    poll = replace(
        _many(1)[0],
        transfers=(TransferObservation("cat", "bob", 30.0), TransferObservation("bob", "ann", 10.0)),
        published=date(2020, 1, 9),
    )
    with sessions.begin() as s:
        (pid,) = repo.add_polls(s, cid, [poll])
        # stored in the other order, as another writer might have left them
        s.execute(TransferRow.__table__.delete())
        s.execute(
            TransferRow.__table__.insert(),
            [
                {"poll_id": pid, "from_code": "cat", "to_code": "bob", "share": 30.0},
                {"poll_id": pid, "from_code": "bob", "to_code": "ann", "share": 10.0},
            ],
        )
    with sessions() as s:
        (back,) = repo.list_polls(s, cid)
    built = replace(poll, id=pid)
    assert vars(back) == vars(built)
    assert [t.from_candidate for t in back.transfers] == ["bob", "cat"]
    assert type(back.fieldwork_start) is date and type(back.published) is date


def test_list_polls_by_ids_and_since(store) -> None:
    sessions, cid = store
    polls = _many(700)
    with sessions.begin() as s:
        ids = repo.add_polls(s, cid, polls)
    by_id = {i: replace(p, id=i) for p, i in zip(polls, ids, strict=True)}
    wanted = ids[::-1][:600]  # more than one chunk, in no particular order
    cutoff = date(2020, 3, 1)
    with sessions() as s:
        assert repo.list_polls(s, cid, ids=wanted) == sorted(
            (by_id[i] for i in wanted), key=lambda p: (p.fieldwork_end, p.id)
        )
        recent = repo.list_polls(s, cid, since=cutoff)
        assert repo.list_polls(s, cid, ids=[]) == []
        assert repo.list_polls(s, cid + 1) == []
    assert recent == sorted(
        (p for p in by_id.values() if p.fieldwork_end >= cutoff), key=lambda p: (p.fieldwork_end, p.id)
    )
    assert recent and len(recent) < len(polls)


def test_returned_ids_follow_the_input_order_when_some_polls_keep_their_ids(store) -> None:
    sessions, cid = store
    with sessions.begin() as s:
        a, b, c = repo.add_polls(s, cid, [make_poll(1), make_poll(3), make_poll(5)])
    with sessions() as s:
        gone = {p.id: p for p in repo.list_polls(s, cid)}
    with sessions.begin() as s:
        repo.delete_polls(s, [a, c])
    with sessions.begin() as s:
        ids = repo.add_polls(s, cid, [make_poll(7), gone[c], make_poll(9), gone[a]])
    assert ids[1] == c and ids[3] == a and len({*ids, b}) == 5
    with sessions() as s:
        assert [p.fieldwork_start.day for p in repo.list_polls(s, cid)] == [1, 3, 5, 7, 9]


def test_a_repeat_within_the_batch_names_both_lines_and_nothing_is_kept(store) -> None:
    sessions, cid = store
    batch = [make_poll(1), make_poll(2), make_poll(1, pollster=" ACME ")]
    with pytest.raises(repo.DuplicatePollError) as info, sessions.begin() as s:
        repo.add_polls(s, cid, batch, lines=[2, 3, 4])
    assert str(info.value) == "line 4: ACME 2024-03-01 to 2024-03-02 repeats line 2 (same pollster and fieldwork dates)"
    assert info.value.line == 4 and info.value.index == 2 and info.value.field == "pollster"
    with sessions() as s:
        assert _count(s, PollRow) == 0 and _count(s, PollFigureRow) == 0


def test_an_already_stored_poll_is_named_with_its_line(store) -> None:
    sessions, cid = store
    with sessions.begin() as s:
        (first,) = repo.add_polls(s, cid, [make_poll(1)])
    with pytest.raises(repo.DuplicatePollError) as info, sessions.begin() as s:
        repo.add_polls(s, cid, [make_poll(5), make_poll(1, pollster="acme")], lines=[7, 9])
    assert str(info.value) == f"line 9: acme 2024-03-01 to 2024-03-02 is already stored (poll #{first})"
    with (
        pytest.raises(repo.DuplicatePollError, match=r"^poll 2 of 2: acme 2024-03-01 to 2024-03-02 is already"),
        sessions.begin() as s,
    ):
        repo.add_polls(s, cid, [make_poll(5), make_poll(1, pollster="acme")])
    with sessions() as s:
        assert [p.id for p in repo.list_polls(s, cid)] == [first]


def test_the_unique_index_still_refuses_a_duplicate_the_check_did_not_see(store, monkeypatch) -> None:
    sessions, cid = store
    with sessions.begin() as s:
        repo.add_polls(s, cid, [make_poll(1)])
    monkeypatch.setattr(repo, "_stored_keys", lambda *args: {})  # as if another writer got in between
    with pytest.raises(repo.DuplicatePollError, match="another writer"), sessions.begin() as s:
        repo.add_polls(s, cid, [make_poll(4), make_poll(1)])
    with sessions() as s:
        assert _count(s, PollRow) == 1


LONG = "x" * 121


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"pollster": "P" * 121}, "pollster", "121 characters long; the store keeps at most 120"),
        ({"client": LONG}, "client", "at most 120"),
        ({"method": "m" * 61}, "method", "at most 60"),
        ({"sample_size": 2**31}, "sample_size", "2,147,483,648 is out of range"),
        ({"sample_size": 2**63}, "sample_size", "out of range"),
        ({"sample_size": -(2**31) - 1}, "sample_size", "out of range"),
        ({"notes": "bad\x00byte"}, "notes", "NUL character"),
        ({"source_url": "https://x/\ud800"}, "source_url", "not valid Unicode"),
        ({"first_round": {"ann": 45.0, "c" * 41: 40.0}}, "first_round[", "at most 40"),
        ({"first_round": {"ann": float("nan"), "bob": 40.0}}, "first_round['ann']", "finite number"),
        ({"second_round": {"ann": float("inf")}}, "second_round['ann']", "finite number"),
        ({"party_vi": {"R": 10**400}}, "party_vi['R']", "out of range"),
        ({"first_round": {"ann": "45", "bob": 40.0}}, "first_round['ann']", "must be a number, not str"),
        ({"transfers": (TransferObservation("cat", "a" * 41, 50.0),)}, "transfers[", "at most 40"),
        ({"pollster": "   "}, "pollster", "is empty"),
    ],
)
def test_values_a_backend_would_refuse_are_named_before_anything_is_written(store, change, field, words) -> None:
    sessions, cid = store
    bad = replace(make_poll(3), **change)
    with pytest.raises(repo.PollValueError) as info, sessions.begin() as s:
        repo.add_polls(s, cid, [make_poll(1), bad, make_poll(5)], lines=[2, 3, 4])
    message = str(info.value)
    assert message.startswith("line 3: ") and "2024-03-03 to 2024-03-04" in message
    assert field in message and words in message and info.value.field.startswith(field)
    assert info.value.line == 3 and info.value.index == 1
    with sessions() as s:
        assert _count(s, PollRow) == 0


def test_values_at_the_limits_are_stored(store) -> None:
    sessions, cid = store
    edge = replace(
        make_poll(3, pollster="P" * 120, n=2**31 - 1),
        client="c" * 120,
        method="m" * 60,
        notes="é" * 5000 + "\U0001f5f3",
        first_round={"a" * 40: 50.0, "bob": 50.0},
    )
    with sessions.begin() as s:
        (pid,) = repo.add_polls(s, cid, [edge])
    with sessions() as s:
        assert repo.list_polls(s, cid) == [replace(edge, id=pid)]


def test_update_refuses_a_bad_value_and_leaves_the_poll_as_it_was(store) -> None:
    sessions, cid = store
    with sessions.begin() as s:
        (pid,) = repo.add_polls(s, cid, [make_poll(1, second_round={"ann": 51.0, "bob": 49.0})])
    with sessions() as s:
        (before,) = repo.list_polls(s, cid)
    with pytest.raises(repo.PollValueError, match="sample_size"), sessions.begin() as s:
        repo.update_poll(s, replace(before, sample_size=2**40))
    with sessions.begin() as s:
        repo.update_poll(s, replace(before, first_round={"ann": 50.0, "bob": 50.0}, second_round={}, client="Bugle"))
    with sessions() as s:
        (after,) = repo.list_polls(s, cid)
        assert _count(s, PollFigureRow) == 2
    assert after == replace(before, first_round={"ann": 50.0, "bob": 50.0}, second_round={}, client="Bugle")
    assert after.id == pid


def test_delete_many_polls_removes_their_figures(store) -> None:
    sessions, cid = store
    with sessions.begin() as s:
        ids = repo.add_polls(s, cid, _many(1_200))
    with sessions.begin() as s:
        assert repo.delete_polls(s, ids[:1_100]) == 1_100
    with sessions() as s:
        left = repo.list_polls(s, cid)
        assert sorted(p.id or 0 for p in left) == sorted(ids[1_100:])
        assert _count(s, PollRow) == 100
        assert _count(s, PollFigureRow) == sum(len(p.first_round) + len(p.second_round) + len(p.party_vi) for p in left)


def test_line_numbers_must_match_the_polls(store) -> None:
    sessions, cid = store
    with pytest.raises(ValueError, match="2 line numbers for 1 polls"), sessions.begin() as s:
        repo.add_polls(s, cid, [make_poll(1)], lines=[2, 3])
