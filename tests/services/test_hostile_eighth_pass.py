"""Hostile pass 8 (issue 16): the writer thread meeting a teammate's writes."""

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
        repo.add_polls(s, cid, [make_poll(d) for d in range(1, 5)])
    writer = StoreWriter()
    service = PollService(store.sessions, watch=False, writer=writer)
    service.open_contest(cid)
    yield service, writer, store, cid
    assert service.wait_for_writes(20)
    writer.shutdown()
    store.close()


def _stored(store: Any, cid: int) -> dict[str, Any]:
    with store.sessions() as s:
        return {p.pollster: p for p in repo.list_polls(s, cid)}


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # PostgreSQL's sequence gives no id twice
def test_an_edit_of_a_new_poll_whose_id_a_teammate_took_meanwhile_goes_to_that_new_poll(qtbot, threaded) -> None:
    """SQLite holds no id for us: a new poll is shown under the id the store had spare, and another program's
    poll can take that id before ours is written (ours is then stored under the next). An edit (or a delete) of
    the new poll made while its add was still on its way went by the id shown, so it was refused as a conflict
    with the teammate's poll (the user's edit taken back), and Edit > Retry, or a delete, then went to the
    teammate's poll under that id. The edit now goes to the poll it was made to, wherever the store put it,
    and the teammate's poll is never touched."""
    service, writer, store, cid = threaded
    qtbot.waitUntil(lambda: not writer.busy)  # the spare ids read at open have landed
    gate = threading.Event()
    failures: list[Any] = []
    service.write_failed.connect(failures.append)
    writer.submit(lambda: gate.wait(10), lambda *_: None)  # the writer is busy a moment (a slow disk)
    (shown,) = service.add_polls([make_poll(22, pollster="Mine")])
    with store.sessions.begin() as s:  # another program's poll takes that id first
        (theirs,) = repo.add_polls(s, cid, [make_poll(24, pollster="Teammate")])
    assert theirs == shown
    mine = service.poll(shown)
    assert mine is not None and mine.pollster == "Mine"
    service.update_poll(replace(mine, sample_size=2222))
    gate.set()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)
    stored = _stored(store, cid)
    assert not failures, [f.message for f in failures]
    assert stored["Mine"].sample_size == 2222 and stored["Mine"].id != theirs
    assert stored["Teammate"].sample_size == 1000 and stored["Teammate"].id == theirs
    qtbot.waitUntil(lambda: "Teammate" in [p.pollster for p in service.polls], timeout=5000)
    service.delete_polls([shown])  # the id first shown: now the teammate's poll, which the window shows under it
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)
    assert set(_stored(store, cid)) >= {"Mine"} and "Teammate" not in _stored(store, cid)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_write_left_behind_in_another_race_that_fails_takes_back_nothing_of_the_race_now_open(
    qtbot, threaded, monkeypatch
) -> None:
    """The user adds a poll to race A, opens race B before the store has answered (the switch waits a few seconds,
    then leaves the write to land or fail on its own), and adds a poll to B. A's write then fails (a teammate
    deleted race A meanwhile): its failure took back B's poll too, as if it had been built on A's change (it was
    skipped on the writer thread, never stored, and only the failed A write could be retried), and the message
    did not say which race failed. B's change is now written as made, and the message names race A."""
    from warroom.services import poll_service

    service, writer, store, cid = threaded
    qtbot.waitUntil(lambda: not writer.busy)
    with store.sessions.begin() as s:
        other = repo.add_contest(s, replace(TOY, name="Race B"))
    monkeypatch.setattr(poll_service, "WRITE_WAIT_ON_SWITCH_S", 0.2)
    failures: list[Any] = []
    service.write_failed.connect(failures.append)
    gate = threading.Event()
    writer.submit(lambda: gate.wait(10), lambda *_: None)  # the store answers slowly
    service.add_polls([make_poll(22, pollster="Left in A")])
    service.open_contest(other)
    service.add_polls([make_poll(23, pollster="Added in B")])
    with store.sessions.begin() as s:  # a teammate deletes race A meanwhile
        contests.delete_contest(s, cid)
    gate.set()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)
    assert [f.what for f in failures] == ["add the Left in A poll"]
    assert TOY.name in failures[0].message and failures[0].later == 0, failures[0].message
    assert list(_stored(store, other)) == ["Added in B"]
    assert [p.pollster for p in service.polls] == ["Added in B"]


def test_a_list_in_the_settings_file_is_read_as_the_list_it_says_not_dropped_or_garbled(tmp_path) -> None:
    """QSettings reads `key=a, b` (an ini line typed by hand, or written by another version) as a list: meeting
    mode's views came back as '' (the default given up: charts only) or, per contest, as the list's Python
    spelling ("['answer'", " 'scenario']": two views no one knows), and a remembered contest named with commas
    was forgotten. A list is read as the comma-separated text the app writes itself."""
    from PySide6.QtCore import QSettings

    from warroom.services.settings import AppSettings

    ini = tmp_path / "settings.ini"
    ini.write_text(
        "[view]\npresentation_views=answer, scenario\n[data]\ncontest=Paris, 2027\n"
        "[contest]\n1\\presentation_views=answer, charts\n",
        encoding="utf-8",
    )
    settings = AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert settings.presentation_views_for(None) == ["answer", "scenario"]
    assert settings.presentation_views_for(1) == ["answer", "charts"]
    assert settings.contest == "Paris, 2027"
    settings.contest = "Paris, 2027"  # the app's own write reads back the same
    settings.set_for_contest(2, "presentation_views", "charts,answer")
    settings.sync()
    again = AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert again.contest == "Paris, 2027" and again.presentation_views_for(2) == ["charts", "answer"]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # PostgreSQL's sequence gives no id twice
def test_an_import_that_takes_the_id_a_new_poll_is_shown_under_never_hides_a_poll(qtbot, threaded) -> None:
    """A poll added in the window is shown at once under the id the store had spare; an import running on its
    own thread meanwhile (File > Import) can store one of its polls under that id first. Its polls were put on
    screen by id, replacing the new poll shown there, and when the new poll landed (under the next id) the
    imported poll under the first id was taken off the screen: stored, but missing from the table and the
    average, with nothing said, until some later reload. Every stored poll is shown, each once."""
    service, writer, store, cid = threaded
    qtbot.waitUntil(lambda: not writer.busy)
    gate = threading.Event()
    writer.submit(lambda: gate.wait(10), lambda *_: None)  # the window's write waits its turn
    (shown,) = service.add_polls([make_poll(22, pollster="Typed")])
    service.hold_watch(True)
    with store.sessions.begin() as s:  # the import worker's transaction (services/import_worker.py)
        before = repo.revision(s)
        ids = repo.add_polls(s, cid, [make_poll(d, pollster="Imported") for d in (10, 11)])
        after = repo.revision(s)
    assert shown in ids
    with store.sessions() as s:
        imported = repo.list_polls(s, cid, ids=ids)
    service.adopt_added(cid, imported, before, after)
    gate.set()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)
    qtbot.wait(200)  # (any re-read it asked for)
    with store.sessions() as s:
        stored = repo.list_polls(s, cid)
    assert sorted(p.pollster for p in stored).count("Imported") == 2 and "Typed" in {p.pollster for p in stored}
    qtbot.waitUntil(lambda: service.polls == stored, timeout=5000)
