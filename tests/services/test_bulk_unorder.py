"""Many polls deleted at once leave the fieldwork order in one pass (PollService._unorder_many): the order and its
keys afterwards are exactly those of the polls left, as one-by-one removal leaves them."""

from __future__ import annotations

from tests.conftest import TOY, make_poll
from warroom.services.poll_service import BULK_UNORDER, PollService
from warroom.store import polls as repo
from warroom.store.db import make_engine, make_session_factory, upgrade


def test_deleting_many_polls_leaves_the_order_of_those_left(qtbot, store_url: str) -> None:
    engine = make_engine(store_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        repo.add_contest(s, TOY)
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
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
