"""Hostile pass 6 (issue 16), window: Ctrl-C before any window is shown; emoji in the charts and exports."""

from __future__ import annotations


def test_ctrl_c_before_any_window_is_shown_closes_the_first_window_shown(qtbot) -> None:
    """Ctrl-C once the window's own handler was in place but before any window was shown (the store opening, the
    window being built) closed nothing, since nothing was visible: the signal was spent, and the window then
    opened to run until the user closed it. The first window shown afterwards is closed as the user would."""
    import os
    import signal

    from PySide6.QtWidgets import QApplication, QMainWindow

    from warroom.ui.qt_utils import close_windows_on_signals

    window = QMainWindow()
    qtbot.addWidget(window)
    guard = close_windows_on_signals()
    try:
        os.kill(os.getpid(), signal.SIGINT)
        qtbot.waitUntil(lambda: guard.closes_next_window, timeout=3000)  # the signal's turn, nothing on screen
        window.show()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
        assert not guard.closes_next_window
        window.show()  # once one is closed, a window shown later stays
        QApplication.processEvents()
        assert window.isVisible()
    finally:
        guard.restore()
