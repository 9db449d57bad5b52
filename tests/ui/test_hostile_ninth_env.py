"""A ninth hostile pass, over faults and the environment (issue 16), in the window: signals, small screens,
teammates. Each test failed before its fix (or is marked xfail(strict=True) with the owner of the code at fault)."""

from __future__ import annotations

import os
import signal

import pytest

pytestmark = pytest.mark.gui


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGHUP is a POSIX signal")
def test_sighup_closes_the_window_as_the_user_would(qtbot) -> None:
    """Closing the terminal that started `warroom gui` (or an ssh session dropping) sends SIGHUP, which ended the
    process at once: the window's close never ran, so a change still on its way to the store ("Saving…") was lost
    with its settings and geometry, and a running import was cut off. SIGHUP now closes the windows as SIGTERM and
    Ctrl-C do."""
    from PySide6.QtWidgets import QMainWindow

    from warroom.ui.qt_utils import close_windows_on_signals

    window = QMainWindow()
    qtbot.addWidget(window)
    # Started from a terminal: SIGHUP at its default. (The test run itself may be under nohup, which ignores it:
    # that case is the next test's.)
    inherited = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        guard = close_windows_on_signals()
        try:
            assert signal.getsignal(signal.SIGHUP) not in (signal.SIG_DFL, signal.SIG_IGN)
            window.show()
            qtbot.waitUntil(window.isVisible)
            os.kill(os.getpid(), signal.SIGHUP)
            qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
        finally:
            guard.restore()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGHUP, inherited)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGHUP is a POSIX signal")
def test_a_window_started_under_nohup_keeps_ignoring_sighup(qtbot) -> None:
    """`nohup warroom gui &` asks for the window to outlive its terminal: SIGHUP stays ignored."""
    from warroom.ui.qt_utils import close_windows_on_signals

    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        guard = close_windows_on_signals()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        guard.restore()
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_on_a_1024x600_screen_every_chart_keeps_a_plot_that_can_be_read(demo, qtbot) -> None:
    """A small laptop or netbook screen (1024x600): the window fits (its minimum is 846x462), but the first-round
    chart, the one with every candidate's line and end label, was squeezed to a 5-pixel strip (its axis labels
    drawn over each other), while the two lead charts kept 32 px each. Every chart's plot keeps a height that can be
    read (30 px here, what the lead charts got; charts.MIN_PLOT), the upper charts' date axes giving up their rows."""
    from tests.ui.test_layout import _settle

    win = demo.window
    _settle(qtbot, win, 1024, 600)
    assert (win.width(), win.height()) == (1024, 600)
    heights = {key: plot.getViewBox().sceneBoundingRect().height() for key, plot in win.charts.plots.items()}
    assert min(heights.values()) >= 30, heights


def test_a_window_start_beside_a_pipe_planted_at_the_stores_journal_says_so_never_hangs(tmp_path) -> None:
    """The window's start reads the store once before opening it (store/first_read.py) with SQLite, which reads a
    `-journal` it finds: a FIFO planted at `polls.sqlite3-journal` held the start for ever, before any window, and
    SIGTERM could not end it. The start says what lies there and exits; the FIFO is left as it was."""
    import subprocess
    import sys
    from pathlib import Path

    state = tmp_path / "state"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": os.getcwd()}
    made = subprocess.run(
        [sys.executable, "-m", "warroom", "--data-dir", str(state), "contests"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    journal = state / "data" / "polls.sqlite3-journal"
    os.mkfifo(journal)
    start = (  # the window's start, its message boxes written to standard error (a box waits for a click)
        "import sys\nimport warroom.ui.qt_utils as q\nq.ask_plain = lambda *a, **k: print(*a[1:3], file=sys.stderr)\n"
        "from warroom.cli import main\nsys.exit(main(['--data-dir', sys.argv[1], 'gui']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", start, str(state)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "polls.sqlite3-journal" in done.stderr and "pipe" in done.stderr, done.stderr
    assert Path(journal).is_fifo()
