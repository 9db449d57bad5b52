"""Shared fixtures: offscreen Qt, temporary paths, a fresh store per test, deterministic executor."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication; override to debug locally

from warroom.core.types import Candidate, Contest, CountingSystem, Party, Poll
from warroom.paths import AppPaths


class InlineExecutor(Executor):
    """Runs work immediately on the calling thread: deterministic services in tests."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@pytest.fixture
def inline_executor() -> InlineExecutor:
    return InlineExecutor()


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    p = AppPaths.under(tmp_path)
    p.ensure()
    return p


def pg_url() -> str | None:
    return os.environ.get("WARROOM_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, paths: AppPaths) -> Iterator[str]:
    """A fresh empty store: a SQLite file, and a PostgreSQL database when WARROOM_PG_URL is set."""
    if request.param == "sqlite":
        yield str(paths.database)
        return
    base = pg_url()
    if not base:
        pytest.skip("WARROOM_PG_URL not set (.ci/run sets it after starting PostgreSQL)")
    with fresh_pg_database(base) as url:
        yield url


@contextmanager
def fresh_pg_database(base: str, roles_like: str | None = None) -> Iterator[str]:
    """A new, empty PostgreSQL database beside `base`'s (its URL, as the user `base` connects as), dropped
    afterwards with its connections, and with any roles the test made whose names match `roles_like` (LIKE)."""
    import uuid

    from sqlalchemy import create_engine, text

    name = "warroom_test_" + uuid.uuid4().hex[:10]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        create_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if roles_like is not None:
                query = text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p")
                for (role,) in conn.execute(query, {"p": roles_like}).all():
                    conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


TOY = Contest(
    name="Toyton Mayor",
    election_date=date(2024, 5, 2),
    system=CountingSystem.SV,
    parties=(Party("R", "Reds", "#d62728"), Party("B", "Blues", "#1f77b4"), Party("G", "Greens", "#2ca02c")),
    candidates=(
        Candidate("ann", "Ann Red", "R", "#d62728"),
        Candidate("bob", "Bob Blue", "B", "#1f77b4"),
        Candidate("cat", "Cat Green", "G", "#2ca02c"),
    ),
)


def renamed_toy(
    name: str | None = None,
    *,
    parties: tuple[str, str, str] | None = None,
    candidates: tuple[str, str, str] | None = None,
    short_names: tuple[str | None, str | None, str | None] = (None, None, None),
) -> Contest:
    """TOY with other names (hostile, long, emoji, right-to-left) for the race, its parties and its candidates;
    the codes, party codes and colours kept, so toy_polls and TOY's rows still fit it."""
    return replace(
        TOY,
        name=TOY.name if name is None else name,
        parties=TOY.parties
        if parties is None
        else tuple(replace(p, name=n) for p, n in zip(TOY.parties, parties, strict=True)),
        candidates=tuple(
            replace(c, name=c.name if candidates is None else n, short_name=short)
            for c, n, short in zip(TOY.candidates, candidates or ("",) * 3, short_names, strict=True)
        ),
    )


KHAN, NETANYAHU = "صادق خان", "בנימין נתניהו"
RTL_TOY = renamed_toy(candidates=(KHAN, NETANYAHU, "Cat Green"))
"""TOY with an Arabic and a Hebrew name: right-to-left names beside figures (issue 16's fifth pass)."""


def make_poll(
    day: int = 1, pollster: str = "Acme", a: float = 45, b: float = 40, c: float = 15, n: int = 1000, **kw: Any
) -> Poll:
    return Poll(
        pollster=pollster,
        fieldwork_start=date(2024, 3, day),
        fieldwork_end=date(2024, 3, day + 1),
        sample_size=n,
        first_round={"ann": a, "bob": b, "cat": c},
        **kw,
    )


@pytest.fixture
def toy_contest() -> Contest:
    return TOY


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask a user might have: nothing may rely on it."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _delete_python_owned_windows() -> None:
    """Delete, at the test's end, every top-level widget Python owns (a dialog, a progress box, a panel taken out of
    its scroll area, a test's own widget): left alone, its whole tree was deleted by the cyclic collector whenever it
    next ran, in the middle of a later test's event processing, after the collector had already cleared some of its
    Python halves' attributes; Qt then sent those widgets events on the way down (CI logged "'DataLabel' object has
    no attribute '_fitting'" from a label's changeEvent, then a worker's segmentation fault, in three runs). Deleted
    here, each tree goes down whole, in a DeferredDelete pass between tests. Widgets Qt owns are Qt's to delete."""
    import shiboken6
    from PySide6.QtWidgets import QApplication

    if not isinstance(QApplication.instance(), QApplication):
        return
    for widget in QApplication.topLevelWidgets():
        if shiboken6.isValid(widget) and shiboken6.ownedByPython(widget):
            widget.hide()
            widget.deleteLater()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """After each test's teardown (pytest-qt's close and deleteLater of its widgets included): delete the closed
    windows now and give the cyclic collector back its reach.

    A closed window's C++ object lived on until the process ended (a deleteLater is carried out only when an
    event loop comes back to its level), keeping its room's Python side alive through the signal connections;
    and the app's gc.freeze (after a start, a big contest, an import: right for one long-lived window) kept
    every earlier test's objects out of the collector's reach for ever. The suite grew by ~8 MB a test.
    """
    result = yield
    if "PySide6" in sys.modules:
        from PySide6.QtCore import QCoreApplication, QEvent

        if QCoreApplication.instance() is not None:
            _delete_python_owned_windows()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.unfreeze()
    gc.enable()
    return result
