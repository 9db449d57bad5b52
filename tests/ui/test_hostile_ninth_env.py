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
    previous = signal.getsignal(signal.SIGHUP)
    guard = close_windows_on_signals()
    try:
        assert signal.getsignal(signal.SIGHUP) not in (signal.SIG_DFL, previous)
        window.show()
        qtbot.waitUntil(window.isVisible)
        os.kill(os.getpid(), signal.SIGHUP)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    finally:
        guard.restore()
    assert signal.getsignal(signal.SIGHUP) == previous


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


@pytest.mark.xfail(
    strict=True,
    reason="layout of the window's chart area (ui/main_window.py construction, x2; ui/charts.py, x1/x3): at "
    "1024x600 the first-round chart's plot is squeezed to 5 px while the lead charts keep 32; not changed here",
)
def test_on_a_1024x600_screen_every_chart_keeps_a_plot_that_can_be_read(demo, qtbot) -> None:
    """A small laptop or netbook screen (1024x600): the window fits (its minimum is 846x542), but the first-round
    chart, the one with every candidate's line and end label, was squeezed to a 5-pixel strip (its axis labels
    drawn over each other), while the two lead charts kept 32 px each. Every chart's plot should keep a height
    that can be read (30 px here, what the lead charts get), or the chart area should scroll."""
    from tests.ui.test_layout import _settle

    win = demo.window
    _settle(qtbot, win, 1024, 600)
    assert (win.width(), win.height()) == (1024, 600)
    heights = {key: plot.getViewBox().sceneBoundingRect().height() for key, plot in win.charts.plots.items()}
    assert min(heights.values()) >= 30, heights
