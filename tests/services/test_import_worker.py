"""The import worker on every store (SQLite, and PostgreSQL when WARROOM_PG_URL is set): its own thread, its own
sessions, all or nothing; the poll service adopts the result without mistaking it for another program's write."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.conftest import TOY
from warroom.core.csvformat import polls_to_csv
from warroom.core.types import Poll
from warroom.services.import_worker import ImportWorker
from warroom.services.poll_service import PollService
from warroom.store import polls as repo
from warroom.store.db import make_engine, make_session_factory, upgrade


def _polls(n: int) -> list[Poll]:
    start = date(2022, 1, 1)
    return [
        Poll(
            pollster=f"Firm {i % 5}",
            fieldwork_start=start + timedelta(days=i // 5),
            fieldwork_end=start + timedelta(days=i // 5 + 1),
            sample_size=1000,
            first_round={"ann": 45, "bob": 40, "cat": 15},
        )
        for i in range(n)
    ]


def _setup(url: str, *, watch: bool) -> tuple[Any, PollService, ImportWorker]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, _polls(3))
    service = PollService(sessions, watch=watch)
    service.open_contest(TOY.name)
    return engine, service, ImportWorker(sessions, service, chunk=100)


def _stored(service: PollService) -> tuple[int, list[Poll]]:
    with service._sessions() as s:  # the store itself, not the service's copy
        return repo.revision(s), repo.list_polls(s, service.contest.id)  # type: ignore[union-attr]


def test_an_import_is_adopted_once_and_not_taken_for_another_programs_write(
    qtbot, store_url: str, tmp_path: Path
) -> None:
    engine, service, worker = _setup(store_url, watch=True)  # the store watch runs, as in the app
    path = tmp_path / "polls.csv"
    path.write_text(polls_to_csv(_polls(400), TOY))
    changes: list[Any] = []
    service.polls_changed.connect(changes.append)
    with qtbot.waitSignal(worker.import_finished, timeout=30000) as done:
        assert worker.start_file(path)
    report = done.args[0]
    assert report.summary == "397 polls added from polls.csv; 3 already stored, skipped as duplicates"
    assert report.revision - report.revision_before == 4  # one change-counter step per chunk of 100
    with qtbot.assertNotEmitted(service.polls_changed, wait=1500):  # two watch periods: no reload follows
        pass
    assert len(changes) == 1 and len(changes[0].added) == 397 and not changes[0].external
    assert _stored(service)[1] == service.polls and len(service.polls) == 400
    service.hold_watch(True)  # its timer outlives the test until collected: no look at a disposed store
    worker.shutdown()
    engine.dispose()


def test_cancel_mid_write_and_a_refusal_leave_every_store_as_it_was(qtbot, store_url: str, tmp_path: Path) -> None:
    engine, service, worker = _setup(store_url, watch=False)
    path = tmp_path / "polls.csv"
    path.write_text(polls_to_csv(_polls(500)[3:], TOY))
    before = _stored(service)

    def cancel_after_two_chunks(progress: Any) -> None:  # on the worker thread, between two chunks
        if progress.stage == "writing" and progress.done >= 200:
            worker.cancel()

    worker.progress_changed.connect(cancel_after_two_chunks, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(worker.import_cancelled, timeout=30000):
        worker.start_file(path)
    assert _stored(service) == before
    worker.progress_changed.disconnect(cancel_after_two_chunks)

    lines = path.read_text().splitlines()
    lines[300] = lines[300].replace("2022-", "2O22-", 1)  # line 301: a letter O in a date
    path.write_text("\n".join(lines) + "\n")
    with qtbot.waitSignal(worker.import_failed, timeout=30000) as failed:
        worker.start_file(path)
    assert failed.args[0].startswith("Nothing was imported from polls.csv:")
    assert "line 301, fieldwork_start" in failed.args[0]
    assert _stored(service) == before
    assert not worker.busy
    worker.shutdown()
    engine.dispose()


def test_a_paste_check_answers_only_the_latest_request(qtbot, store_url: str) -> None:
    engine, _service, worker = _setup(store_url, watch=False)
    header = ["pollster", "fieldwork_end", "first:ann", "first:bob", "first:cat"]
    rows = [header] + [["Acme", f"2022-02-{d:02d}", "45", "40", "15"] for d in range(1, 29)]
    answers: list[tuple[int, object]] = []
    worker.paste_checked.connect(lambda request, result: answers.append((request, result)))
    gate = threading.Event()
    worker._check_executor.submit(gate.wait, 10)  # the check thread is busy: both requests queue behind it
    first = worker.check_paste(rows, header)
    latest = worker.check_paste(rows, ["pollster", "", "first:ann", "first:bob", "first:cat"])
    gate.set()
    qtbot.waitUntil(lambda: bool(answers), timeout=10000)
    with qtbot.assertNotEmitted(worker.paste_checked, wait=300):
        pass
    assert first != latest and [a[0] for a in answers] == [latest]
    assert "fieldwork_end" in str(answers[0][1])  # the latest mapping dropped the date column
    worker.shutdown()
    engine.dispose()


def test_a_read_only_store_or_a_missing_file_is_a_message_and_the_watch_resumes(qtbot, tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, service, worker = _setup(str(db), watch=False)
    worker.shutdown()
    engine.dispose()
    ro = make_engine(f"sqlite:///file:{db}?mode=ro&uri=true")
    sessions = make_session_factory(ro)
    service = PollService(sessions, watch=True)
    service.open_contest(TOY.name)
    worker = ImportWorker(sessions, service)
    path = tmp_path / "polls.csv"
    path.write_text(polls_to_csv(_polls(20)[3:], TOY))
    with qtbot.waitSignal(worker.import_failed, timeout=30000) as failed:
        worker.start_file(path)
    assert failed.args[0].startswith("Nothing was imported from polls.csv: the poll store cannot be written here")
    assert str(db) in failed.args[0]
    with qtbot.waitSignal(worker.import_failed, timeout=30000) as missing:
        worker.start_file(tmp_path / "gone.csv")
    assert "Nothing was imported from gone.csv: cannot read the file" in missing.args[0]
    assert str(tmp_path / "gone.csv") in missing.args[0] and not worker.busy
    assert len(_stored(service)[1]) == 3
    # the store watch, held while the imports ran, is back: a teammate's write still arrives
    teammate = make_engine(str(db))
    with (
        qtbot.waitSignal(service.polls_changed, timeout=5000) as arrived,
        make_session_factory(teammate).begin() as s,
    ):
        repo.add_polls(s, service.contest.id, _polls(4)[3:])  # type: ignore[union-attr]
    assert arrived.args[0].external and len(service.polls) == 4
    teammate.dispose()
    service.hold_watch(True)  # its timer outlives the test until collected: no look at a disposed store
    worker.shutdown()
    ro.dispose()


def test_shutdown_rolls_back_a_running_import_and_nothing_starts_after(qtbot, tmp_path: Path) -> None:
    engine, service, worker = _setup(str(tmp_path / "polls.sqlite3"), watch=False)
    path = tmp_path / "polls.csv"
    path.write_text(polls_to_csv(_polls(600)[3:], TOY))
    before = _stored(service)
    started, cancelled = threading.Event(), threading.Event()
    cancel = worker.cancel

    def cancel_and_tell() -> None:
        cancel()
        cancelled.set()

    worker.cancel = cancel_and_tell  # type: ignore[method-assign]

    def closing(progress: Any) -> None:  # the window closes while the worker is writing: hold it until then
        if progress.stage == "writing" and progress.done > 0 and not started.is_set():
            started.set()
            cancelled.wait(10)

    worker.progress_changed.connect(closing, Qt.ConnectionType.DirectConnection)
    worker.start_file(path)
    qtbot.waitUntil(started.is_set, timeout=30000)
    worker.shutdown()  # waits for the worker thread: the import is rolled back by then
    assert _stored(service) == before
    with qtbot.waitSignal(worker.import_failed) as refused:
        assert not worker.start_file(path)
    assert "the window is closing" in refused.args[0]
    engine.dispose()
