"""A store with one poll and a poll service open on it: where the store fault tests start."""

from __future__ import annotations

from tests.conftest import TOY, make_poll
from warroom.bootstrap import OpenStore, open_store
from warroom.services.poll_service import PollService
from warroom.store import polls as repo


def service_on_one_poll(store_url: str) -> tuple[OpenStore, PollService, int]:
    """A store holding TOY with one poll, a poll service with TOY open on it, and TOY's id."""
    store = open_store(store_url, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1)])
    service = PollService(store.sessions, watch=False)
    service.open_contest(cid)
    return store, service, cid
