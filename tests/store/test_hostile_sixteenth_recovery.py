"""Sixteenth hostile pass (issue 16): the recovery file (unsaved-change.json) read at every start.

The window reads the data folder's unsaved-change.json once it is built, at every start. Two files there stopped
every start: a named pipe (FIFO) made the start wait for ever in `open()` (SIGTERM could not end it either: the
handler runs in the event loop, never reached), and a file nested deeper than the JSON reader's recursion limit
ended the start with a RecursionError traceback, exit 1. Both are now "cannot be read", the file left as it is.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from warroom.store.recovery import read_unsaved

STORE = "/data/polls.sqlite3"


def _read_within(path: Path, seconds: float) -> tuple[bool, BaseException | object]:
    """read_unsaved(path) on a thread: (finished within `seconds`, its exception or result)."""
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(read_unsaved(path, STORE))
        except BaseException as exc:  # reported to the test, whatever it is
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    finished = not worker.is_alive()
    if not finished:  # let the reader go: a writer opening the pipe and closing it gives it end of file
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
    return finished, outcome[0] if outcome else None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_recovery_file_that_is_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    path = tmp_path / "unsaved-change.json"
    os.mkfifo(path)
    finished, outcome = _read_within(path, 3.0)
    assert finished, "reading a FIFO as the recovery file waited for a writer (every start hung)"
    assert isinstance(outcome, ValueError)
    assert str(path) in str(outcome) and "not a regular file" in str(outcome)
    assert path.exists()  # left as it is


def test_a_recovery_file_nested_too_deeply_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "unsaved-change.json"
    text = "[" * 100_000
    path.write_text(text)
    with pytest.raises(ValueError, match="nested too deeply") as caught:
        read_unsaved(path, STORE)
    assert str(path) in str(caught.value)
    assert path.read_text() == text  # left as it is
    nested = f'{{"warroom_unsaved_change": 2, "store": "{STORE}", "changes": ' + "[" * 100_000
    path.write_text(nested)
    with pytest.raises(ValueError, match="nested too deeply"):
        read_unsaved(path, STORE)
