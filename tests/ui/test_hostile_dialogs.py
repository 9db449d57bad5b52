"""Files chosen in dialogs: a FIFO or a device is refused at once, never read forever on the GUI thread."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from warroom.demo import LONDON_2012


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_the_official_result_dialog_refuses_a_fifo_at_once(qtbot, tmp_path: Path) -> None:
    """File > Official result > Read a CSV on a FIFO blocked the window forever (path.read_text waits for a
    writer); /dev/zero would have been read until memory ran out."""
    from warroom.ui.result_dialog import ResultDialog

    fifo = tmp_path / "result.csv"
    os.mkfifo(fifo)
    dialog = ResultDialog(LONDON_2012)
    qtbot.addWidget(dialog)
    done = threading.Event()
    # A watchdog: if load_file blocks, open the FIFO for writing so the test ends (and fails) instead of hanging.
    rescue = threading.Timer(10.0, lambda: None if done.is_set() else os.close(os.open(fifo, os.O_WRONLY)))
    rescue.start()
    try:
        dialog.load_file(fifo)
        done.set()
    finally:
        rescue.cancel()
    assert "not a regular file" in dialog.problems.text() and "result.csv" in dialog.problems.text()


def test_the_official_result_dialog_refuses_an_endless_device(qtbot) -> None:
    from warroom.ui.result_dialog import ResultDialog

    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    dialog = ResultDialog(LONDON_2012)
    qtbot.addWidget(dialog)
    dialog.load_file(Path("/dev/zero"))
    assert "zero" in dialog.problems.text() and "not a regular file" in dialog.problems.text()
