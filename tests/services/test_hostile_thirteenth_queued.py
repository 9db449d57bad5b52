"""Thirteenth hostile pass (issue 16): changes queued behind one the store refused are all kept, in order."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from tests.conftest import TOY, make_poll
from warroom.services.poll_service import PollService
from warroom.services.store_writer import StoreWriter
from warroom.store import contests
from warroom.store import polls as repo


@pytest.fixture
def threaded(store_url: str) -> Iterator[tuple[PollService, StoreWriter, Any, int]]:
    from warroom.bootstrap import open_store

    store = open_store(store_url, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(d, pollster=f"Stored {d}") for d in range(1, 5)])
    writer = StoreWriter()
    service = PollService(store.sessions, watch=False, writer=writer)
    service.open_contest(cid)
    yield service, writer, store, cid
    assert service.wait_for_writes(20)
    writer.shutdown()
    store.close()


def _names(changes: Any) -> list[tuple[str, list[str]]]:
    return [(action, [p.pollster for p in polls]) for action, polls in changes]


def test_every_change_taken_back_with_a_failed_one_is_in_the_failure_as_entered(qtbot, threaded) -> None:
    """A failed write takes back every later change still on its way (built on it), but only the failed one's
    polls were handed on for Retry: the later ones, typed by the user, were lost without a word. Every one is now
    in the failure, in the order made; an edit or a delete of a poll whose add failed goes into that add (that
    poll was never stored, so the edit alone could not be retried)."""
    service, writer, store, cid = threaded
    qtbot.waitUntil(lambda: not writer.busy)
    failures: list[Any] = []
    service.write_failed.connect(failures.append)
    gate = threading.Event()
    writer.submit(lambda: gate.wait(10), lambda *_: None)  # the store answers slowly
    (new,) = service.add_polls([make_poll(22, pollster="New")])
    shown = service.poll(new)
    assert shown is not None
    service.update_poll(replace(shown, sample_size=2222))  # an edit of the poll still on its way
    (gone,) = service.add_polls([make_poll(23, pollster="Added then deleted")])
    service.delete_polls([gone])
    stored = next(p for p in service.polls if p.pollster == "Stored 2")
    service.update_poll(replace(stored, sample_size=3333))
    service.add_polls([make_poll(24, pollster="Last")])
    with store.sessions.begin() as s:  # a teammate deletes the race meanwhile: the first write fails
        contests.delete_contest(s, cid)
    gate.set()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)
    [failure] = failures
    assert _names(failure.changes) == [("add", ["New"]), ("edit", ["Stored 2"]), ("add", ["Last"])]
    assert failure.changes[0][1][0].sample_size == 2222  # the add carries the edit made while it was on its way
    assert failure.changes[1][1][0].sample_size == 3333 and failure.changes[1][1][0].id == stored.id
    assert failure.contest_id == cid and failure.later == 5


def test_a_change_left_behind_in_another_race_that_fails_is_handed_on_with_its_race(
    qtbot, threaded, monkeypatch
) -> None:
    """A change left on its way in race A when race B is opened, which then failed, was only said: its polls were
    handed on with no action and no race, so the window could not keep them for Retry; now they come with both."""
    from warroom.services import poll_service

    service, writer, store, cid = threaded
    qtbot.waitUntil(lambda: not writer.busy)
    with store.sessions.begin() as s:
        other = repo.add_contest(s, replace(TOY, name="Race B"))
    monkeypatch.setattr(poll_service, "WRITE_WAIT_ON_SWITCH_S", 0.2)
    failures: list[Any] = []
    service.write_failed.connect(failures.append)
    gate = threading.Event()
    writer.submit(lambda: gate.wait(10), lambda *_: None)
    service.add_polls([make_poll(22, pollster="Left in A")])
    service.add_polls([make_poll(23, pollster="Also left in A")])
    service.open_contest(other)
    with store.sessions.begin() as s:
        contests.delete_contest(s, cid)
    gate.set()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)
    [failure] = failures
    assert failure.elsewhere == TOY.name and failure.contest_id == cid and failure.action == "add"
    assert _names(failure.changes) == [("add", ["Left in A"]), ("add", ["Also left in A"])]


@pytest.fixture
def with_dan(store_url: str) -> Iterator[tuple[PollService, StoreWriter, Any, int]]:
    """A race with a fourth candidate, Dan, in no poll yet (a teammate may remove him)."""
    from warroom.bootstrap import open_store
    from warroom.core.types import Candidate

    store = open_store(store_url, backup_dir=None, seed=False)
    race = replace(TOY, candidates=(*TOY.candidates, Candidate("dan", "Dan Dark", "R", "#111111")))
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, race)
        repo.add_polls(s, cid, [make_poll(d, pollster=f"Stored {d}") for d in range(1, 5)])
    writer = StoreWriter()
    service = PollService(store.sessions, watch=False, writer=writer)
    service.open_contest(cid)
    yield service, writer, store, cid
    assert service.wait_for_writes(20)
    writer.shutdown()
    store.close()


def _dan_poll(day: int, pollster: str) -> Any:
    return replace(make_poll(day, pollster=pollster, c=10), first_round={"ann": 45, "bob": 40, "cat": 10, "dan": 5})


@pytest.mark.parametrize("replacement", ["removed", "another Dan under his code"])
def test_a_poll_naming_a_candidate_a_teammate_removed_or_replaced_meanwhile_is_refused(
    qtbot, with_dan, replacement: str
) -> None:
    """A teammate removes Dan (in no poll yet), or puts another candidate under his code, while this window still
    shows him: a poll added or edited here with a figure for Dan was stored as it was, its figure under a code
    that named no candidate, or named the teammate's new one (a figure given to the wrong person). The write is
    now refused as a conflict, nothing stored, and the change kept for Retry."""
    from warroom.core.types import Candidate

    service, writer, store, cid = with_dan
    qtbot.waitUntil(lambda: not writer.busy)
    failures: list[Any] = []
    service.write_failed.connect(failures.append)
    shown = service.contest
    assert shown is not None
    others = tuple(c for c in shown.candidates if c.code != "dan")
    theirs = others if replacement == "removed" else (*others, Candidate("dan", "Danielle Other", "B", "#222222"))
    with store.sessions.begin() as s:
        contests.update_contest(s, cid, replace(shown, candidates=theirs))
    service.add_polls([_dan_poll(20, "Names Dan")])
    stored = service.polls[0]
    service.update_poll(replace(stored, first_round={**stored.first_round, "cat": 10, "dan": 5}))
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)
    assert [f.kind for f in failures] == ["conflict"], [f.message for f in failures]
    assert "Dan Dark" in failures[0].message and "dan" in failures[0].message
    assert _names(failures[0].changes) == [("add", ["Names Dan"]), ("edit", [stored.pollster])]
    with store.sessions() as s:
        polls = repo.list_polls(s, cid)
    assert all("dan" not in p.first_round for p in polls)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_an_import_naming_a_candidate_a_teammate_removes_while_it_runs_is_refused(qtbot, with_dan, tmp_path) -> None:
    """The window's import (on its worker, for seconds) checks the file against the race as it was at its start:
    a teammate removing Dan meanwhile had every poll's figure for Dan stored under a code naming nobody."""
    from PySide6.QtCore import Qt

    from warroom.core.csvformat import polls_to_csv
    from warroom.services.import_worker import ImportWorker

    service, writer, store, cid = with_dan
    qtbot.waitUntil(lambda: not writer.busy)
    shown = service.contest
    assert shown is not None
    worker = ImportWorker(store.sessions, service, chunk=100)
    path = tmp_path / "polls.csv"
    path.write_text(polls_to_csv([_dan_poll(d, f"Firm {d}") for d in range(5, 25)], shown))

    def teammate(progress: object) -> None:  # on the worker thread, between the check and the write
        if getattr(progress, "stage", "") == "writing" and getattr(progress, "done", 1) == 0:
            with store.sessions.begin() as s:
                contests.update_contest(s, cid, replace(shown, candidates=shown.candidates[:3]))

    worker.progress_changed.connect(teammate, Qt.ConnectionType.DirectConnection)
    said: list[str] = []
    worker.import_failed.connect(said.append)
    worker.import_finished.connect(lambda report: said.append(f"imported {len(report.added)}"))
    try:
        worker.start_file(path)
        qtbot.waitUntil(lambda: bool(said), timeout=30000)
    finally:
        worker.shutdown()
    assert "Dan Dark" in said[0] and "removed" in said[0], said
    with store.sessions() as s:
        assert not [p for p in repo.list_polls(s, cid) if p.pollster.startswith("Firm")]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # (PostgreSQL gives no id twice)
def test_a_race_replaced_under_its_id_within_the_same_second_is_still_told_apart(qtbot, store_url) -> None:
    """A race is told from one made under its id after it was deleted by its creation time, which SQLite kept to
    the second: a script deleting the race and making another within that second (`warroom contest delete` then
    `contest new`) had the window's next poll written into the script's race. Creation times are kept to the
    microsecond."""
    from warroom.bootstrap import open_store

    store = open_store(store_url, backup_dir=None, seed=False)
    writer = StoreWriter()
    try:
        with store.sessions.begin() as s:
            cid = repo.add_contest(s, TOY)
        service = PollService(store.sessions, watch=False, writer=writer)
        service.open_contest(cid)
        with store.sessions.begin() as s:
            contests.delete_contest(s, cid)
            assert repo.add_contest(s, replace(TOY, name="Their race")) == cid
        failures: list[Any] = []
        service.write_failed.connect(failures.append)
        service.add_polls([make_poll(22, pollster="Meant for Toyton")])
        qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)
        with store.sessions() as s:
            assert repo.list_polls(s, cid) == []
        assert [f.kind for f in failures] == ["missing"]
    finally:
        writer.shutdown()
        store.close()


def test_a_select_all_delete_in_the_tables_order_keeps_for_retry_the_polls_it_deleted(qtbot, threaded) -> None:
    """Issue 16: select all + Delete in a table sorted by pollster, after an add still on its way. The delete
    held its polls in the service's order but the ids it touched in the selection's, and what Retry keeps pairs
    them by position: the kept delete listed the poll never stored and left out a stored one it deleted."""
    service, writer, store, cid = threaded
    qtbot.waitUntil(lambda: not writer.busy)
    failures: list[Any] = []
    service.write_failed.connect(failures.append)
    gate = threading.Event()
    writer.submit(lambda: gate.wait(10), lambda *_: None)  # the store answers slowly
    service.add_polls([make_poll(22, pollster="New")])
    by_pollster = sorted(service.polls_by_id, key=lambda i: service.polls_by_id[i].pollster)  # "New" first
    assert service.polls_by_id[by_pollster[0]].pollster == "New"
    service.delete_polls(by_pollster)  # every poll shown, in the table's order
    with store.sessions.begin() as s:  # a teammate deletes the race meanwhile: the add fails, the delete with it
        contests.delete_contest(s, cid)
    gate.set()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)
    [failure] = failures
    [(action, polls)] = failure.changes  # the add of "New" taken out by its delete: only the stored four
    assert action == "delete"
    assert sorted(p.pollster for p in polls) == [f"Stored {d}" for d in range(1, 5)]
