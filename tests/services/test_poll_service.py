from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TOY, make_poll
from warroom.services.poll_service import PollChange, PollService
from warroom.store import polls as repo
from warroom.store.db import StoreError, make_engine, make_session_factory, upgrade


def _store(url: str):
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        repo.add_contest(s, TOY)
    return engine, sessions


def test_add_update_delete_emit_precise_changes(qtbot, store_url: str) -> None:
    engine, sessions = _store(store_url)
    service = PollService(sessions, watch=False)
    with qtbot.waitSignal(service.polls_changed) as loaded:
        service.open_contest(TOY.name)
    assert loaded.args[0].reloaded
    with qtbot.waitSignal(service.polls_changed) as added:
        (pid,) = service.add_polls([make_poll(1)])
    assert added.args[0] == PollChange(added=(pid,))
    with qtbot.waitSignal(service.polls_changed) as updated:
        service.update_poll(replace(service.poll(pid), sample_size=2000))
    assert updated.args[0] == PollChange(updated=(pid,))
    assert service.poll(pid).sample_size == 2000
    with qtbot.waitSignal(service.polls_changed) as removed:
        service.delete_polls([pid])
    assert removed.args[0] == PollChange(removed=(pid,)) and service.polls == []
    engine.dispose()


def test_check_poll_reports_duplicates_and_bad_fields(qtbot, store_url: str) -> None:
    engine, sessions = _store(store_url)
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
    service.add_polls([make_poll(1)])
    problems = service.check_poll(make_poll(1, n=-3))
    assert any(p.startswith("sample_size") for p in problems)
    assert any("duplicate" in p for p in problems)
    engine.dispose()


def test_import_csv_all_or_nothing(qtbot, store_url: str, tmp_path: Path) -> None:
    engine, sessions = _store(store_url)
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
    bad = tmp_path / "polls.csv"
    bad.write_text(
        "pollster,fieldwork_end,sample_size,first:ann,first:bob,first:cat\nA,2024-01-02,500,50,40,10\nB,2024-01-03,0,50,40,10\n"
    )
    outcome = service.import_csv(bad)
    assert not outcome.ok and outcome.errors == ["polls.csv: line 3, sample_size: must be positive, got 0"]
    assert service.polls == []
    engine.dispose()


def test_change_by_another_process_arrives_without_restart(qtbot, store_url: str) -> None:
    engine, sessions = _store(store_url)
    service = PollService(sessions, watch=True)
    service.open_contest(TOY.name)
    script = textwrap.dedent(
        f"""
        from warroom.store.db import make_engine, make_session_factory
        from warroom.store import polls as repo
        from tests.conftest import make_poll
        engine = make_engine({store_url!r})
        sessions = make_session_factory(engine)
        with sessions.begin() as s:
            cid = repo.get_contest(s, {TOY.name!r}).id
            repo.add_polls(s, cid, [make_poll(3, pollster="Teammate")])
        """
    )
    with qtbot.waitSignal(service.polls_changed, timeout=2000) as blocker:
        subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[2])
    assert blocker.args[0].external
    assert [p.pollster for p in service.polls] == ["Teammate"]
    engine.dispose()


def test_unreadable_store_is_reported_once(qtbot, tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, sessions = _store(str(db))
    service = PollService(sessions, watch=True)
    service.open_contest(TOY.name)
    engine.dispose()
    db.write_bytes(b"garbage" * 1000)
    for extra in tmp_path.glob("polls.sqlite3-*"):
        extra.unlink()
    with qtbot.waitSignal(service.store_failed, timeout=3000) as blocker:
        pass
    assert "damaged" in blocker.args[0] or "failed" in blocker.args[0]
    with pytest.raises(StoreError):
        service.add_polls([make_poll(2)])


def test_polls_stay_in_fieldwork_order_through_adds_edits_deletes_and_a_bulk_adoption(qtbot, store_url: str) -> None:
    """The service keeps its list in order as polls come and go (bisect, merge) instead of sorting per change:
    after every step it must equal a fresh sort of what it holds, and what the store holds."""
    engine, sessions = _store(store_url)
    try:
        _check_order_through_changes(sessions, PollService(sessions, watch=False))
    finally:
        engine.dispose()  # else PostgreSQL's connection is closed by the GC, an error in whichever test runs then


def _check_order_through_changes(sessions, service: PollService) -> None:  # type: ignore[no-untyped-def]
    import random

    service.open_contest(TOY.name)
    rng = random.Random(4)

    def check() -> None:
        held = service.polls
        assert held == sorted(held, key=lambda p: (p.fieldwork_end, p.id))
        with sessions() as s:
            stored = repo.list_polls(s, service.contest.id)
        assert {p.id: p for p in held} == {p.id: p for p in stored}

    for step in range(40):
        polls = service.polls
        action = rng.random()
        if action < 0.5 or not polls:
            day = rng.randint(1, 27)
            service.add_polls([make_poll(day, pollster=f"P{step}-{k}") for k in range(rng.randint(1, 3))])
        elif action < 0.8:
            old = rng.choice(polls)
            day = rng.randint(1, 27)
            moved = date_of(day)
            service.update_poll(replace(old, fieldwork_start=moved, fieldwork_end=moved.replace(day=day + 1)))
        else:
            service.delete_polls([p.id for p in rng.sample(polls, min(len(polls), 2))])
        check()
    # an import's worth at once (the import worker hands its stored polls over): one merge, same order
    many = [make_poll(1 + k % 27, pollster=f"Import {k}") for k in range(150)]
    with sessions.begin() as s:
        before = repo.revision(s)
        ids = repo.add_polls(s, service.contest.id, many)
    with sessions.begin() as s:
        stored = repo.list_polls(s, service.contest.id, ids=ids)
        after = repo.revision(s)
    service.adopt_added(service.contest.id, stored, before, after)
    assert len(service.polls) >= 150
    check()


def test_an_import_merged_on_the_worker_is_swapped_in_only_if_the_order_has_not_moved(qtbot, store_url: str) -> None:
    """The import worker merges its polls into a snapshot of the service's order (off the GUI thread); the
    service takes that list as it is when nothing changed since the snapshot, and merges afresh when a poll was
    added, edited or deleted meanwhile: either way the order is exactly what a reload gives."""
    from warroom.services.poll_service import merged_order

    engine, sessions = _store(store_url)
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
    service.add_polls([make_poll(1 + k % 27, pollster=f"Old {k}") for k in range(300)])

    def store_many(tag: str) -> tuple[list, int, int]:  # type: ignore[type-arg]
        many = [make_poll(1 + k % 27, pollster=f"{tag} {k}") for k in range(200)]
        with sessions.begin() as s:
            before = repo.revision(s)
            ids = repo.add_polls(s, service.contest.id, many)
        with sessions.begin() as s:
            return repo.list_polls(s, service.contest.id, ids=ids), before, repo.revision(s)

    def reloaded() -> list:  # type: ignore[type-arg]
        with sessions() as s:
            return sorted(repo.list_polls(s, service.contest.id), key=lambda p: (p.fieldwork_end, p.id))

    # nothing changed since the snapshot: the worker's list is the one held now (no merge on this thread)
    snapshot = service.order_snapshot()
    stored, before, after = store_many("First")
    prepared = merged_order(snapshot, stored)
    with qtbot.waitSignal(service.polls_changed) as change:
        service.adopt_added(service.contest.id, stored, before, after, prepared)
    assert service._ordered is prepared.ordered  # swapped in, not merged again
    assert sorted(change.args[0].added) == sorted(p.id for p in stored)
    assert service.polls == reloaded()
    # a poll added and another edited after the snapshot: the stale merge is not taken; the result is the same
    snapshot = service.order_snapshot()
    stored, before, after = store_many("Second")
    prepared = merged_order(snapshot, stored)
    (late,) = service.add_polls([make_poll(3, pollster="Late")])
    edited = service.polls[10]
    service.update_poll(replace(edited, fieldwork_end=date_of(28)))
    service.adopt_added(service.contest.id, stored, before + 2, after + 2, prepared)
    assert service._ordered is not prepared.ordered
    assert late in {p.id for p in service.polls}
    assert service.polls == reloaded()
    engine.dispose()


def date_of(day: int):  # type: ignore[no-untyped-def]
    from datetime import date

    return date(2024, 3, day)


def test_check_poll_finds_duplicates_through_adds_edits_deletes_and_reloads(qtbot, store_url: str) -> None:
    """The duplicate check looks only at polls of the same fieldwork dates (an index the service keeps as polls
    come and go): it must still find every duplicate the whole-list scan found, and none that is gone."""
    engine, sessions = _store(store_url)
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
    (a,) = service.add_polls([make_poll(1)])
    (b,) = service.add_polls([make_poll(5, pollster="Other")])

    def dup_of(poll) -> list[str]:  # type: ignore[no-untyped-def]
        return [p for p in service.check_poll(poll) if "duplicate" in p]

    assert dup_of(make_poll(1, pollster="ＡＣＭＥ ")) == [
        f"pollster: duplicate of poll #{a} (same pollster and fieldwork dates)"
    ]
    assert dup_of(make_poll(1, pollster="Someone else")) == []
    assert dup_of(replace(service.poll(a), sample_size=5)) == []  # the poll itself, being edited
    moved = replace(
        service.poll(a), fieldwork_start=make_poll(9).fieldwork_start, fieldwork_end=make_poll(9).fieldwork_end
    )
    service.update_poll(moved)  # edited to other dates: found there, no longer at the old ones
    assert dup_of(make_poll(1)) == []
    assert dup_of(make_poll(9)) != []
    service.delete_polls([a])
    assert dup_of(make_poll(9)) == []
    service.reload()  # rebuilt from the store after a reload
    assert dup_of(make_poll(5, pollster="other")) == [
        f"pollster: duplicate of poll #{b} (same pollster and fieldwork dates)"
    ]
    (c,) = service.add_polls([make_poll(9)])
    assert dup_of(make_poll(9)) == [f"pollster: duplicate of poll #{c} (same pollster and fieldwork dates)"]
    engine.dispose()


def test_adding_a_poll_is_one_transaction_read_back_as_stored(qtbot, store_url: str) -> None:
    """One BEGIN per add: the new poll is read back inside its own write (no second session, no second round
    trip), and what the service then holds is what the store holds."""
    from sqlalchemy import event

    engine, sessions = _store(store_url)
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
    begins: list[int] = []
    event.listen(engine, "begin", lambda _conn: begins.append(1))
    (pid,) = service.add_polls([make_poll(1, pollster="  Acme  ", a=45.5)])
    assert len(begins) == 1
    with sessions() as s:
        assert service.polls == repo.list_polls(s, _toy_id(s)) == [service.poll(pid)]
    assert service.poll(pid).pollster == "Acme"  # as stored (trimmed), not as typed
    engine.dispose()


def _toy_id(session) -> int:  # type: ignore[no-untyped-def]
    contest = repo.get_contest(session, TOY.name)
    assert contest is not None and contest.id is not None
    return contest.id


def _spy_warm_up(monkeypatch, engine) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Record each warm-up step run on `engine`'s store (a service of an earlier test may still be warming its
    own): (its number, how many had run before)."""
    import warroom.services.poll_service as module

    ran: list[tuple[int, int]] = []
    real = repo.warm_up_steps

    def steps(cid: int):  # type: ignore[no-untyped-def]
        def wrap(k: int, step):  # type: ignore[no-untyped-def]
            def run(session) -> None:  # type: ignore[no-untyped-def]
                if session.get_bind() is engine:
                    ran.append((k, len(ran)))
                step(session)

            return run

        return [wrap(k, step) for k, step in enumerate(real(cid))]

    monkeypatch.setattr(module.repo, "warm_up_steps", steps)
    return ran


def test_the_first_writes_statements_are_compiled_once_at_an_idle_moment(qtbot, store_url: str, monkeypatch) -> None:
    """A while after the first contest is opened (not in the click that adds the first poll), once per service,
    one small step per turn of the event loop, leaving the store writable."""
    import warroom.services.poll_service as module

    engine, sessions = _store(store_url)
    ran = _spy_warm_up(monkeypatch, engine)
    monkeypatch.setattr(module, "WARM_UP_AFTER_MS", 50)
    service = PollService(sessions, watch=True)  # as the app's own service (a script's, unwatched, does not warm up)
    service.open_contest(TOY.name)
    service.add_polls([make_poll(1)])
    assert ran == []  # not in the opening turn
    total = len(repo.warm_up_steps(1))
    qtbot.waitUntil(lambda: len(ran) == total, timeout=5000)
    assert [k for k, _turn in ran] == list(range(total))
    service.open_contest(TOY.name)
    qtbot.wait(200)
    assert len(ran) == total  # once per service
    (pid,) = service.add_polls([make_poll(3)])  # and the store is as writable as before
    assert service.poll(pid) is not None
    unwatched = PollService(sessions, watch=False)
    unwatched.open_contest(TOY.name)
    qtbot.wait(300)
    assert len(ran) == total  # a service that does not watch the store (tests, scripts) never warms up
    service.deleteLater()
    engine.dispose()


def test_the_warm_up_runs_one_step_per_turn(qtbot, store_url: str, monkeypatch) -> None:
    """No step runs in the same turn as another: the event loop gets its turn in between."""
    from PySide6.QtCore import QTimer

    engine, sessions = _store(store_url)
    ran = _spy_warm_up(monkeypatch, engine)
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
    service.add_polls([make_poll(1)])
    ticks: list[int] = []
    tick = QTimer()
    tick.timeout.connect(lambda: ticks.append(len(ran)))
    tick.start(0)
    service._warm_up()
    assert len(ran) == 1  # the first step now, the rest in later turns
    total = len(repo.warm_up_steps(1))
    qtbot.waitUntil(lambda: len(ran) == total, timeout=5000)
    tick.stop()
    # the loop turned between the steps (all in one turn, the timer would only ever have seen them all done)
    assert len(set(ticks)) >= total - 1
    engine.dispose()


def test_the_warm_up_does_not_wait_for_a_lock_another_program_holds(qtbot, store_url: str, monkeypatch) -> None:
    """Best effort at an idle moment: with the poll table locked by another program it gives up (PostgreSQL,
    after WARM_UP_LOCK_WAIT_MS) or reads past the writer (SQLite in WAL mode), never raising, never holding the
    window for the interactive lock wait; the store is written as usual once the lock is gone."""
    import time

    from tests.store._held_lock import held_by_another
    from warroom.services.poll_service import INTERACTIVE_LOCK_WAIT_MS

    engine, sessions = _store(store_url)
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
    service.add_polls([make_poll(1)])
    ran = _spy_warm_up(monkeypatch, engine)
    lock = held_by_another(
        store_url, sqlite_begin="BEGIN EXCLUSIVE", postgres=("BEGIN", "LOCK TABLE poll IN ACCESS EXCLUSIVE MODE")
    )
    with lock:
        started = time.perf_counter()
        service._warm_up()
        qtbot.wait(300)  # the steps that follow, if any (given up on the first lock)
        assert ran and time.perf_counter() - started < INTERACTIVE_LOCK_WAIT_MS / 1000 + 0.3
    (pid,) = service.add_polls([make_poll(3)])
    assert service.poll(pid) is not None
    engine.dispose()


def test_the_services_order_key_orders_as_fieldwork_end_then_id() -> None:
    """One integer per poll (cheaper than a (date, id) tuple) must sort exactly as (fieldwork end, id) does, for
    any id SQLite or PostgreSQL can hold, negative ones and the largest included."""
    import random
    from datetime import date, timedelta

    from warroom.services.poll_service import _order_key

    rng = random.Random(15)
    ids = [0, 1, -1, 2**63 - 1, -(2**63), 2**31 - 1] + [rng.randrange(-(2**63), 2**63) for _ in range(300)]
    days = [date(1, 1, 1), date(9999, 12, 31)] + [
        date(2000, 1, 1) + timedelta(days=rng.randrange(20_000)) for _ in range(50)
    ]
    polls = [replace(make_poll(1), fieldwork_end=rng.choice(days), id=pid) for pid in ids for _ in range(2)]
    assert sorted(polls, key=_order_key) == sorted(polls, key=lambda p: (p.fieldwork_end, p.id))
