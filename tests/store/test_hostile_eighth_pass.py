"""Hostile pass 8 (issue 16): store faults no earlier pass tried (a schema changed under a running window,
backups)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import TOY, make_poll
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


def test_a_store_a_newer_version_upgrades_while_this_one_runs_is_never_written_by_this_one(
    qtbot, store_url: str
) -> None:
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
        qtbot.wait(100)  # the re-read a refusal asks for runs while the store is still there
        store.close()


def test_recovering_from_the_same_backup_twice_never_overwrites_the_copy_worked_in_since(tmp_path) -> None:
    """A damaged store: the app offers a copy of the newest backup and the user works in that copy (adds polls).
    At the next start the damaged store is still there and the same backup is offered again: answering Yes
    copied it over the restored copy, every poll added since gone without a word. The copy already restored is
    now opened as it is (it is said), never written over; and a data folder that cannot take the copy (read-only)
    is a message, not a traceback."""
    from warroom.app import open_with_recovery
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store.db import backup_sqlite

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1)])
    store.close()
    backup_sqlite(paths.database, paths.backup_dir, reason="open")
    paths.database.write_bytes(b"\x00damaged" * 600)
    for extra in paths.data_dir.glob("polls.sqlite3-*"):
        extra.unlink()
    questions: list[str] = []
    told: list[str] = []
    yes = lambda _t, q: questions.append(q) or True  # noqa: E731
    first = open_with_recovery(paths.database, paths, ask=yes, tell=lambda _t, m: told.append(m))
    assert first is not None
    with first.sessions.begin() as s:  # a day's work in the restored copy
        repo.add_polls(s, cid, [make_poll(8, pollster="Worked in since")])
    first.close()
    restored = next(paths.data_dir.glob("restored-*"))
    assert restored.stat().st_mode & 0o077 == 0  # owner-only, as every store
    again = open_with_recovery(paths.database, paths, ask=yes, tell=lambda _t, m: told.append(m))
    assert again is not None
    with again.sessions() as s:
        assert sorted(p.pollster for p in repo.list_polls(s, cid)) == ["Acme", "Worked in since"]
    again.close()
    assert len(questions) == 2 and "restored before" in questions[1], questions[1]
    assert not told


def test_recovery_into_a_data_folder_that_cannot_take_the_copy_is_a_message(tmp_path, monkeypatch) -> None:
    import shutil

    from warroom.app import open_with_recovery
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store.db import backup_sqlite

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=None, seed=False)
    store.close()
    backup_sqlite(paths.database, paths.backup_dir, reason="open")
    paths.database.write_bytes(b"\x00damaged" * 600)
    for extra in paths.data_dir.glob("polls.sqlite3-*"):
        extra.unlink()

    def read_only(*_args, **_kw):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(shutil, "copyfileobj", read_only)  # (root writes through a 0500 folder: the write fails)
    told: list[str] = []
    opened = open_with_recovery(paths.database, paths, ask=lambda *_: True, tell=lambda _t, m: told.append(m))
    assert opened is None and told and str(paths.data_dir) in told[0], told
    assert not list(paths.data_dir.glob("restored-*"))  # no half copy left to be taken for the restored one


def test_an_edit_racing_a_teammates_uncommitted_edit_of_the_same_poll_never_writes_over_it(
    qtbot, store_url: str
) -> None:
    """Two windows on a team store (PostgreSQL) edit one poll at the same moment: a teammate's edit is written
    but not yet committed when this window's edit checks the poll. The check read the last committed version
    (the teammate's not yet there), passed, and the update then waited for the teammate's row lock and wrote over
    their figures once they committed: the lost update the conflict check exists to refuse. The rows checked
    are now locked first (SELECT ... FOR UPDATE), so the check sees the teammate's committed edit and refuses;
    on SQLite, where writers take turns, the same holds."""
    import threading
    import time

    store, mine, cid = service_on_one_poll(store_url)
    try:
        (poll,) = mine.polls
        theirs = store.sessions()
        outcome: list[object] = []
        if store.engine.dialect.name == "sqlite":
            theirs.connection(execution_options={"warroom_write_lock": True})
        repo.update_poll(theirs, replace(poll, sample_size=2222))  # the teammate's edit, written, not committed
        theirs.flush()

        def commit() -> None:
            time.sleep(0.6)  # this window's edit is waiting on the teammate's lock by now
            theirs.commit()
            theirs.close()

        racing = threading.Thread(target=commit)
        racing.start()
        try:
            mine.update_poll(replace(poll, sample_size=3333))
            outcome.append("saved")
        except StoreError as exc:
            outcome.append(exc.kind)
        racing.join(20)
        with store.sessions() as s:
            (stored,) = repo.list_polls(s, cid)
        assert stored.sample_size == 2222, f"the teammate's edit was written over ({outcome})"
        assert outcome == ["conflict"], outcome
    finally:
        qtbot.wait(100)  # the re-read a refusal asks for runs while the store is still there
        store.close()


def test_a_contest_edited_here_after_a_teammate_edited_it_is_refused_once_not_written_over(
    qtbot, store_url: str
) -> None:
    """Edit contest: the dialog opens on the race as shown; a teammate changes the race meanwhile (a colour, the
    notes, a candidate added). Saving the dialog wrote the whole race as it was when the dialog opened, the
    teammate's changes reverted without a word (a candidate they had added and not yet polled was deleted). The
    save is refused once, naming the race, nothing changed; saved again, the user's version is written
    knowingly over the teammate's."""
    from warroom.core.types import Candidate
    from warroom.store import contests as contests_repo

    store, service, cid = service_on_one_poll(store_url)
    try:
        base = service.contest
        assert base is not None
        theirs = replace(
            base,
            notes="the teammate's note",
            candidates=(*base.candidates, Candidate("dan", "Dan Dark", "R", "#111111")),
        )
        with store.sessions.begin() as s:
            contests_repo.update_contest(s, cid, theirs)
        mine = replace(base, office="Mayor (typed here)")
        with pytest.raises(StoreError) as info:
            service.update_contest(mine, base=base)
        assert info.value.kind == "conflict" and base.name in str(info.value)
        with store.sessions() as s:
            stored = repo.get_contest(s, cid)
        assert stored is not None and stored.notes == "the teammate's note" and "dan" in stored.candidate_codes
        again = getattr(info.value, "current", None)  # what the dialog's next save is compared with
        assert again is not None and "dan" in again.candidate_codes
        service.update_contest(mine, base=again)  # the user saves again, knowing
        with store.sessions() as s:
            stored = repo.get_contest(s, cid)
        assert stored is not None and stored.office == "Mayor (typed here)"
    finally:
        qtbot.wait(100)  # the re-read a refusal asks for runs while the store is still there
        store.close()


def test_an_official_result_entered_here_after_a_teammate_stored_one_is_refused_once(qtbot, store_url: str) -> None:
    """File > Official result: the dialog opens on the result stored then (or none); a teammate stores the declared
    result meanwhile. Saving the dialog replaced theirs without a word. Refused once, naming the race, nothing
    changed; saved again, this result goes in knowingly."""
    from warroom.core.types import OfficialResult
    from warroom.store import contests as contests_repo

    store, service, cid = service_on_one_poll(store_url)
    try:
        contest = service.contest
        assert contest is not None
        opened_with = service.official_result(cid)
        assert opened_with is None
        theirs = OfficialResult({"ann": 500, "bob": 400, "cat": 100}, source="the teammate's declaration")
        with store.sessions.begin() as s:
            contests_repo.set_official_result(s, cid, theirs)
        mine = OfficialResult({"ann": 510, "bob": 390, "cat": 100}, source="typed here")
        with pytest.raises(StoreError) as info:
            service.set_official_result(contest, mine, opened_with=(opened_with,))
        assert info.value.kind == "conflict" and contest.name in str(info.value)
        assert service.official_result(cid) == theirs
        current = getattr(info.value, "current", None)
        assert current == theirs
        service.set_official_result(contest, mine, opened_with=(current,))
        assert service.official_result(cid) == mine
    finally:
        qtbot.wait(100)  # the re-read a refusal asks for runs while the store is still there
        store.close()


def test_a_journal_another_instance_is_writing_that_moment_is_waited_for_not_refused(tmp_path) -> None:
    """Two instances starting together on a new store (a guarantee of its own): while one switches the new file
    to WAL, SQLite writes its header under a rollback journal for a few milliseconds, and the other, checking for a
    journal that is not the store's own (one left beside a WAL store by a copy or a crash), found it and refused
    the store: "a rollback journal lies beside the store ... move it out of the folder" (the two-instances test
    failed now and then under load). A journal that goes away within a moment is another instance's live write:
    waited for, then the store opens; one that stays is still refused (test_hostile_fresh_store)."""
    import threading

    from warroom.bootstrap import open_store

    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None, seed=False).close()
    journal = Path(f"{db}-journal")
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\x00" * 504)  # a journal's header: a write under way
    ends = threading.Timer(0.3, journal.unlink)
    ends.start()
    try:
        open_store(db, backup_dir=None, seed=False).close()
    finally:
        ends.join()


def test_a_backup_numbered_past_the_name_pattern_never_hides_every_later_backup(tmp_path) -> None:
    """Backups carry a sequence number, one more than any before. A backup named with an 18-digit number (copied
    from elsewhere, or planted) made the next number 19 digits, which the backups' name pattern did not read: each
    start's backup was then never listed, so never offered for recovery and never rotated away (the folder grew at
    every start), while the planted one stayed "the newest" for ever. Every number is read."""
    from warroom.bootstrap import open_store
    from warroom.store.db import backup_sqlite, backups_of

    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None, seed=False).close()
    backups = tmp_path / "backups"
    backups.mkdir()
    planted = backups / "polls-20260101-000000-000000-open.n999999999999999999.sqlite3"
    planted.write_bytes(db.read_bytes())
    made = [backup_sqlite(db, backups, reason="open") for _ in range(6)]
    listed = backups_of(db, backups)
    assert listed[0] == made[-1] and len(listed) == 5 and planted not in listed
    assert sorted(p.name for p in backups.glob("polls-*.sqlite3")) == sorted(p.name for p in listed)
