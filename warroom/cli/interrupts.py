"""Ctrl-C while the program starts: one line and exit 130, never a traceback or Python's fatal error.

Python turns SIGINT into a KeyboardInterrupt raised in whatever runs next. While the program is still loading its
modules that is an import cut in half: a traceback through importlib, and inside Qt's own start (shiboken's
signature loader) "Fatal Python error" and an abort. Nothing has been written then, so the start ends at once
instead. From the moment a verb begins its work, KeyboardInterrupt is back (the verb rolls back what it was writing
and says so: cli.verbs); the window replaces this handler with its own (ui.qt_utils.SignalGuard), which closes the
windows as the user would.

This module imports only the standard library: it is loaded before anything else of the program.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

INTERRUPTED_STARTING = b"warroom: interrupted while starting; nothing was changed\n"


def _end_quietly(signum: int, _frame: FrameType | None) -> None:
    with contextlib.suppress(OSError):  # standard error may be closed: then the exit code says it
        os.write(2, INTERRUPTED_STARTING)
    os._exit(128 + signum)  # the shell's code for a program ended by the signal (130 for SIGINT)


def end_quietly_on_interrupt() -> None:
    """From now until a verb starts work (restore_interrupts) or the window installs its own handler, Ctrl-C
    ends the program with one line. Only where Python's own handler is in place, on the main thread: a program
    embedding warroom keeps its handler."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is (
        signal.default_int_handler
    ):
        signal.signal(signal.SIGINT, _end_quietly)


def restore_interrupts() -> None:
    """Ctrl-C raises KeyboardInterrupt again (a verb that is writing rolls back and says so)."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is _end_quietly:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@contextlib.contextmanager
def quiet_while_loading() -> Iterator[None]:
    """Ctrl-C ends the program with one line while the block runs: for loading Qt inside a verb (a
    KeyboardInterrupt in shiboken's start aborts Python); nothing may be written in the block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:  # an embedding program's handler, or already quiet
        yield
        return
    signal.signal(signal.SIGINT, _end_quietly)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
