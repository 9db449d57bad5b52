"""Hostile pass 14 (issue 16): the instant-runoff panel's "From last election's ballots…" read and parsed the chosen
file on the GUI thread (a 62 MB file of 10^6 ballots froze the window about 4 s, with no progress and no cancel).
The read now runs on a worker thread behind a progress dialog with Cancel; the rows land on the GUI thread.

The parse is held at a gate (a threading.Event the test opens), so nothing here depends on timing: the gate's
wait has a timeout only so that the old, blocking code fails instead of hanging."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QPushButton

from tests.ui.test_irv_panel import irv_room  # noqa: F401  (the fixture)

pytestmark = pytest.mark.gui

BALLOTS = "count,p1,p2\n60,Dee Moss,Park\n30,Dee Moss,Nolan\n10,Dee Moss,\n"


class _Gate:
    """parse_ballot_file held until `open()`; records the thread it ran on and when it has finished."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.gate = threading.Event()
        self.started = threading.Event()
        self.finished = threading.Event()
        self.thread: threading.Thread | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.thread = threading.current_thread()
        self.started.set()
        try:
            self.gate.wait(timeout=5)  # (only so that a parse on the GUI thread fails the test, not hangs it)
            return self.real(*args, **kwargs)
        finally:
            self.finished.set()

    def open(self) -> None:
        self.gate.set()


def _choose(monkeypatch: Any, tmp_path: Path) -> tuple[Path, _Gate]:
    from PySide6.QtWidgets import QFileDialog

    import warroom.core.csvformat as csvformat  # (core.irv_pipeline.read_prior_ballots reads through it)

    path = tmp_path / "riverton_2022.csv"
    path.write_text(BALLOTS)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "Ballot CSV files (*.csv)"))
    gate = _Gate(csvformat.parse_ballot_file)
    monkeypatch.setattr(csvformat, "parse_ballot_file", gate)
    return path, gate


def test_the_ballots_button_returns_before_the_parse_and_the_rows_land_after(
    qtbot: Any,
    irv_room: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    room = irv_room
    panel = room.irv_panel
    _, gate = _choose(monkeypatch, tmp_path)
    before = room.irv.scenario
    panel.ballots_button.click()
    # The click has returned and the parse has not finished: it runs elsewhere, and the window is the same.
    assert not gate.finished.is_set()
    assert room.irv.ballots_loading and not panel.ballots_button.isEnabled()
    assert room.irv.scenario is before
    dialog = panel._ballots_progress
    assert dialog is not None and dialog.windowModality() == Qt.WindowModality.WindowModal
    assert gate.started.wait(timeout=5)
    assert gate.thread is not threading.main_thread()
    with qtbot.waitSignal(room.irv.notice, timeout=10000) as blocker:
        gate.open()
    assert "from 100 ballots in riverton_2022.csv" in blocker.args[0]
    qtbot.waitUntil(lambda: room.irv.view is not None and room.irv.view.scenario is room.irv.scenario)
    assert room.irv.scenario.row("dem")["lnp"] == pytest.approx(60)
    assert "ballots in riverton_2022.csv" in panel.basis.text()
    assert not room.irv.ballots_loading and panel.ballots_button.isEnabled()
    assert panel._ballots_progress is None


def test_cancelling_the_ballots_read_changes_nothing(
    qtbot: Any,
    irv_room: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    room = irv_room
    panel = room.irv_panel
    _, gate = _choose(monkeypatch, tmp_path)
    before, label, basis = room.irv.scenario, room.irv.prior_label, panel.basis.text()
    notices: list[str] = []
    room.irv.notice.connect(notices.append)
    panel.ballots_button.click()
    dialog = panel._ballots_progress
    assert dialog is not None
    dialog.findChild(QPushButton).click()  # the dialog's Cancel
    assert not room.irv.ballots_loading and panel.ballots_button.isEnabled() and panel._ballots_progress is None
    gate.open()
    assert gate.finished.wait(timeout=10)
    for thread in threading.enumerate():  # the worker's landing is queued before its thread ends
        if thread.name == "warroom-irv-ballots":
            thread.join(timeout=10)
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()
    assert room.irv.scenario is before
    assert room.irv.prior_label == label and panel.basis.text() == basis
    assert not any("riverton_2022.csv" in n for n in notices)


def test_a_bad_ballot_file_read_off_the_gui_thread_is_a_message_naming_it(
    qtbot: Any,
    irv_room: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    room = irv_room
    panel = room.irv_panel
    path = tmp_path / "bad_ballots.csv"
    path.write_text("count,p1,p2\n5,Zed Zero,Park\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "Ballot CSV files (*.csv)"))
    before = room.irv.scenario
    with qtbot.waitSignal(room.irv.scenario_failed, timeout=10000) as blocker:
        panel.ballots_button.click()
    assert blocker.args[0].startswith("bad_ballots.csv: ") and "unchanged" in blocker.args[0]
    assert room.irv.scenario is before and not room.irv.ballots_loading and panel.ballots_button.isEnabled()


def test_a_ballots_read_still_running_when_another_contest_opens_lands_nowhere(
    qtbot: Any,
    irv_room: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    from tests.conftest import TOY
    from tests.irv_fixture import IRV_CONTEST

    room = irv_room
    panel = room.irv_panel
    _, gate = _choose(monkeypatch, tmp_path)
    notices: list[str] = []
    room.irv.notice.connect(notices.append)
    panel.ballots_button.click()
    assert room.irv.ballots_loading
    room.poll_service.open_contest(TOY.name)  # meanwhile, another contest
    assert not room.irv.ballots_loading and panel._ballots_progress is None and panel.ballots_button.isEnabled()
    gate.open()
    assert gate.finished.wait(timeout=10)
    for thread in threading.enumerate():
        if thread.name == "warroom-irv-ballots":
            thread.join(timeout=10)
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()
    assert not any("riverton_2022.csv" in n for n in notices)
    room.poll_service.open_contest(IRV_CONTEST.name)  # back: the rows are the polls', not the file's
    qtbot.waitUntil(lambda: room.irv.view is not None)
    assert room.irv.prior_rows is None and "riverton_2022.csv" not in panel.basis.text()
