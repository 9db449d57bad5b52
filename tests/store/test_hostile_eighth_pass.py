"""Hostile pass 8 (issue 16): store faults no earlier pass tried (a schema changed under a running window,
backups)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from tests.conftest import make_poll
from tests.store._service import service_on_one_poll
from warroom.store import polls as repo
from warroom.store.errors import StoreError


def _newer_version_migrates(store_url: str) -> None:
    """What a teammate's newer warroom does to the shared store at its start: its migration, then its revision."""
    from sqlalchemy import create_engine

    engine = create_engine(store_url if "://" in store_url else f"sqlite:///{store_url}")
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE poll ADD COLUMN weight_v9 FLOAT"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()


def test_a_store_a_newer_version_upgrades_while_this_one_runs_is_never_written_by_this_one(store_url: str) -> None:
    """A store written by a newer version is refused at open, before anything changes; but a window already open
    when a teammate's newer version upgraded the shared store (its start migrates it) went on writing polls,
    edits and deletes into a schema it does not know (the newer version's new columns left empty, its rules
    unkept). Every write now checks the store's schema revision in its own transaction: refused, naming the
    revision, nothing written; reading goes on."""
    store, service, cid = service_on_one_poll(store_url)
    try:
        (poll,) = service.polls
        _newer_version_migrates(store_url)
        attempts = (
            lambda: service.add_polls([make_poll(8, pollster="After the upgrade")]),
            lambda: service.update_poll(replace(poll, sample_size=4321)),
            lambda: service.delete_polls([poll.id or 0]),
        )
        for attempt in attempts:
            with pytest.raises(StoreError) as info:
                attempt()
            assert info.value.kind == "newer" and "0099_from_the_future" in str(info.value), str(info.value)
        with store.sessions() as s:
            assert [(p.pollster, p.sample_size) for p in repo.list_polls(s, cid)] == [("Acme", 1000)]
    finally:
        store.close()
