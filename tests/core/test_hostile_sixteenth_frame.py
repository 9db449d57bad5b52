"""Sixteenth hostile pass (issue 16): the start frame (start_frame.json in the data folder) is a cache.

A start reads it before anything else (`warroom` with no verb, `warroom gui`): a file nested deeper than the JSON
reader's recursion limit ended every start of the window with a RecursionError traceback, exit 1, until the
user found and deleted the file. Like any other frame this version did not write, it is now no frame.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.core.startframe import StartFrame, load_frame


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 50_000, '{"rows": ' + "[" * 100_000])
def test_a_start_frame_nested_too_deeply_is_no_frame(tmp_path: Path, text: str) -> None:
    path = tmp_path / "start_frame.json"
    path.write_text(text)
    assert StartFrame.from_json(text) is None
    assert load_frame(path) is None
