from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from tests.conftest import TOY
from warroom.core.france import FRANCE_2022_TURNOUT
from warroom.core.types import Annotation, Contest, ExpectedTurnout, Poll, TransferObservation
from warroom.paths import AppPaths


def built_ahead(room: object) -> None:
    """Meeting mode's answer page built now, as it is in an idle turn a second after the window is shown
    (MainWindow._build_ahead): a test watching what the window's thread draws or paints counts the page's build
    (its charts' markers, the stack's layout) when a loaded machine lets that second pass in its wait."""
    window = room.window  # type: ignore[attr-defined]
    window._ahead_timer.stop()
    window._build_ahead()


def toy_polls(n: int = 30, seed: int = 3) -> list[Poll]:
    rng = np.random.default_rng(seed)
    polls = []
    for i in range(n):
        d = date(2024, 1, 1) + timedelta(days=3 * i)
        a = round(44 + rng.normal(0, 1.5))
        b = round(40 + rng.normal(0, 1.5))
        polls.append(
            Poll(
                pollster=["Acme", "Beta", "Gamma"][i % 3],
                fieldwork_start=d,
                fieldwork_end=d + timedelta(days=2),
                sample_size=int(rng.integers(600, 2000)),
                first_round={"ann": a, "bob": b, "cat": 100 - a - b},
                second_round={"ann": 53, "bob": 47} if i % 4 == 0 else {},
                party_vi={"R": 32, "B": 43},
                transfers=(TransferObservation("cat", "ann", 30), TransferObservation("cat", "bob", 40))
                if i == n - 1
                else (),
            )
        )
    return polls


def running_room(qtbot, store, settings, *, ready: str = "view") -> Iterator[object]:
    """A war room on `store`, wired exactly as the app wires it, shown at 1600x1000 once its first averages
    (ready="averages"), its first scenario view (ready="view"), its first runoff view (ready="two_round")
    or its first instant-runoff view (ready="irv") are in, or once its charts show the contest (ready="shown": a
    contest with no polls); closed with its store afterwards."""
    from warroom.app import WarRoom

    room = WarRoom(store, settings, watch=False)
    qtbot.addWidget(room.window)
    room.window.resize(1600, 1000)
    room.window.show()
    if ready == "averages":
        qtbot.waitUntil(lambda: room.averages.averages is not None, timeout=20000)  # (as the other readinesses)
    elif ready == "two_round":  # a two-round contest: its runoff scenario's first view, its choices prepared at idle
        qtbot.waitUntil(lambda: room.two_round.view is not None and room.two_round.prepared, timeout=20000)
    elif ready == "irv":  # an instant-runoff contest (perhaps with no polls): its scenario's first view
        qtbot.waitUntil(lambda: room.irv.view is not None, timeout=20000)
    elif ready == "shown":  # a contest with nothing to average (no polls): the window on screen, its contest shown
        qtbot.waitExposed(room.window)
        qtbot.waitUntil(lambda: room.window.charts._last_data is not None)
    else:
        qtbot.waitUntil(lambda: room.scenarios.view is not None, timeout=20000)
    yield room
    room.window.close()
    store.close()  # (the room itself is let go of by _let_go, as every room and start a test makes)


def _release(room: object) -> None:
    """Delete the room's (or a start's) parentless Qt objects: its window or shell, services and controllers.

    Their signals hold the room's lambdas and bound methods on the C++ side, out of the garbage collector's sight:
    without this every room of the suite, with its polls and window, lived until the process ended.
    """
    from PySide6.QtCore import QObject, QThread
    from PySide6.QtWidgets import QWidget

    for value in list(vars(room).values()):
        if isinstance(value, QObject) and not isinstance(value, QThread):
            with contextlib.suppress(RuntimeError):  # (deleted already, by its parent)
                if value.parent() is None:
                    if isinstance(value, QWidget):  # a window or a start's shell a test left open
                        value.hide()
                    value.deleteLater()


_MADE: list[object] = []
"""The war rooms and starts (warroom.app.WarRoom, Starter) made during the running test, however a test made them."""


@pytest.fixture(autouse=True, scope="session")
def _record_rooms() -> Iterator[None]:
    """Record every WarRoom and Starter made, for _let_go (the class is wrapped once, for the session)."""
    from warroom.app import Starter, WarRoom

    def recording(cls: type) -> object:
        made = cls.__init__

        def init(self: object, *args: object, **kwargs: object) -> None:
            _MADE.append(self)  # (before: a start or room that fails half-built is let go of too)
            made(self, *args, **kwargs)

        cls.__init__ = init  # type: ignore[method-assign]
        return made

    originals = [(cls, recording(cls)) for cls in (WarRoom, Starter)]
    yield
    for cls, made in originals:
        cls.__init__ = made  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _let_go(_record_rooms: None) -> Iterator[None]:
    """After each window test (its own fixtures closed first): delete the windows, shells and parentless services of
    every room and start it made, and give the heap back to the garbage collector.

    A start (Starter) and a big contest freeze the heap (gc.freeze, app._freeze_heap), so every reference cycle alive
    then, the earlier tests' rooms among them, was never collected; and a room's services are kept by their own
    signals on the C++ side. Without this the window tests' process grew to 2.9 GB with threads and timers of
    long-closed rooms still running, and the later tests ran up to ten times slower (CI went past 20 minutes).
    """
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    made = list(_MADE)
    _MADE.clear()
    for thing in made:  # (a start's room is a WarRoom of its own in the list)
        _release(thing)
    if made:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()


@pytest.fixture
def digest_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's digest keys the start frame; a start waits KEY_WAIT (0.15 s) for it and, past that, starts
    without the cached figures, by design. On a loaded machine (CI's two cores) the digest's thread could miss
    that wait, and a test of a live start then failed on `live` (reproduced with KEY_WAIT = 0). Tests of what a
    start does with the digest wait for it (pytestmark = pytest.mark.usefixtures("digest_in_time"))."""
    monkeypatch.setattr("warroom.app.KEY_WAIT", 30.0)


def room_of(  # type: ignore[no-untyped-def]
    qtbot,
    tmp_path: Path,
    contest: Contest,
    polls: list[Poll] | None = None,
    *,
    annotations: Sequence[Annotation] = (),
    ready: str = "view",
):
    """running_room on a fresh store under `tmp_path` holding `contest`, `polls` (toy_polls by default) and its
    event markers `annotations`."""
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, contest)
        repo.add_polls(s, cid, toy_polls() if polls is None else polls)
        for annotation in annotations:
            repo.add_annotation(s, cid, annotation)
    return running_room(qtbot, store, open_settings(paths), ready=ready)


def two_round_room(  # type: ignore[no-untyped-def]
    qtbot,
    tmp_path: Path,
    contest: Contest,
    *,
    pollsters: Sequence[str] = ("Acme", "Beta", "Gamma", "Acme", "Beta"),
    hypothesis: str = "Hyp",
    matchup: str = "Ann-Bob",
    expected: ExpectedTurnout | None = FRANCE_2022_TURNOUT,
):
    """running_room on a two-round race `contest` (candidates ann, bob and cat), its polls read from the two-round
    poll CSV (a first-round `hypothesis` and an ann-bob runoff `matchup` with a transfer matrix per poll, one poll
    per name in `pollsters`) and stored as an import stores them. A contest without its own expected first round
    (Contest.expected) is stored with `expected` (France 2022's first round by default, the figures every
    two-round race was given before issue 16, so the tests' figures stay as they were; None: not set)."""
    from warroom.bootstrap import open_store
    from warroom.core.compilations import parse_question_csv
    from warroom.services.settings import open_settings
    from warroom.store import polls as repo
    from warroom.store.questions import add_campaign

    header = "pollster,client,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,"
    header += "first:cat,second:ann,second:bob,transfer:cat>ann,transfer:cat>bob\n"
    rows = []
    for i, pollster in enumerate(pollsters):
        day = 3 + 4 * i
        start, end = f"2024-03-{day:02d}", f"2024-03-{day + 2:02d}"
        ann, bob = 41 + i % 3, 38 + (i + 1) % 3
        rows.append(f"{pollster},,p{i},{hypothesis},{start},{end},1000,{ann},{bob},{100 - ann - bob},,,,\n")
        rows.append(f"{pollster},,p{i},{matchup},{start},{end},1000,,,,{52 + i % 2},{48 - i % 2},40,35\n")
    read = parse_question_csv(header + "".join(rows), contest)
    assert not read.errors, read.errors
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, contest if contest.expected is not None else replace(contest, expected=expected))
        add_campaign(s, cid, read.notices, read.matrices)
    return running_room(qtbot, store, open_settings(paths), ready="two_round")


@pytest.fixture
def room(qtbot, tmp_path: Path) -> Iterator[object]:
    """A whole war room on a toy contest, wired exactly as the app wires it."""
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, toy_polls())
        repo.add_annotation(s, cid, Annotation(date(2024, 2, 1), "poster unveiled"))
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    yield from running_room(qtbot, store, settings, ready="averages")


@pytest.fixture
def demo(qtbot, tmp_path: Path) -> Iterator[object]:
    """The whole war room on the seeded London 2012 demo store, wired as the app wires it."""
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    yield from running_room(qtbot, store, open_settings(paths))


@pytest.fixture
def france_room(qtbot, tmp_path: Path) -> Iterator[object]:
    """The whole war room on a new store (seeded with London 2012 and France 2022), opened on France 2022."""
    from warroom.bootstrap import open_store
    from warroom.demo import FRANCE_2022_NAME
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    settings = open_settings(paths)
    settings.contest = FRANCE_2022_NAME
    yield from running_room(qtbot, store, settings, ready="two_round")


class AnsweredContestDialog:
    """The contest form, answered: accepted once with `contest` (then rejected, as a user closing it again)."""

    def __init__(self, contest: Any) -> None:
        self._contest, self._shown = contest, False

    def exec(self) -> int:
        from PySide6.QtWidgets import QDialog

        shown, self._shown = self._shown, True
        return QDialog.DialogCode.Rejected if shown else QDialog.DialogCode.Accepted

    def contest(self) -> Any:
        return self._contest
