"""Many polls deleted at once leave the fieldwork order in one pass (PollService._unorder_many): the order and its
keys afterwards are exactly those of the polls left, as one-by-one removal leaves them."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.conftest import TOY, make_poll
from warroom.services.poll_service import BULK_UNORDER, PollService
from warroom.store import polls as repo
from warroom.store.db import make_engine, make_session_factory, upgrade


def _toy_service(store_url: str) -> tuple[Engine, PollService]:
    """A store at head holding the toy race, and a poll service with it open (no watcher)."""
    engine = make_engine(store_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        repo.add_contest(s, TOY)
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
    return engine, service


def test_deleting_many_polls_leaves_the_order_of_those_left(qtbot, store_url: str) -> None:
    engine, service = _toy_service(store_url)
    n = 3 * BULK_UNORDER
    ids = service.add_polls([make_poll(1 + i % 28, pollster=f"P{i}") for i in range(n)])
    for chosen in (ids[1::2], ids[0:6:2]):  # many (one pass), then few (one by one)
        service.delete_polls(chosen)
        left = sorted(service.polls, key=lambda p: (p.fieldwork_end, p.id or 0))
        snap = service.order_snapshot()
        assert sorted(p.id for p in snap.polls) == sorted(p.id for p in left)
        assert snap.keys == sorted(snap.keys)
        assert len(snap.keys) == len(snap.polls) == len(service.polls)
    assert len(service.polls) == n - len(ids[1::2]) - 3
    engine.dispose()


def test_a_few_polls_among_many_leave_the_order_without_a_test_of_every_poll(
    qtbot, store_url: str, monkeypatch
) -> None:
    """An undone import (1,000 polls among 100,000) took its polls out of the fieldwork order by testing every poll
    held against them (a Python step per poll, most of that step of the undo); now each is found by its key, and
    the order between them copied in slices: the same order and keys as before."""
    from warroom.services import poll_service

    engine, service = _toy_service(store_url)
    n = 20 * BULK_UNORDER
    ids = service.add_polls([make_poll(1 + i % 28, pollster=f"P{i}") for i in range(n)])
    chosen = ids[3 : 3 + 2 * BULK_UNORDER : 2]  # more than BULK_UNORDER, fewer than one in FEW_AMONG
    expected = [p for p in service.order_snapshot().polls if p.id not in set(chosen)]
    asked: list[int] = []
    monkeypatch.setattr(poll_service, "id", lambda o: (asked.append(1), id(o))[1], raising=False)
    service.delete_polls(chosen)
    snap = service.order_snapshot()
    assert [p.id for p in snap.polls] == [p.id for p in expected]
    assert snap.keys == sorted(snap.keys) and len(snap.keys) == n - len(chosen)
    assert len(asked) <= 2 * len(chosen), len(asked)  # before: one per poll held (1,280) and one per poll taken out
    engine.dispose()
