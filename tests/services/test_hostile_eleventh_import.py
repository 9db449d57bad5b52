"""Issue 16, eleventh pass: the window's file import (File > Import, a dropped file) names a file that is not CSV
text as the command line does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TOY
from warroom.services.poll_service import parse_poll_file
from warroom.store.db import StoreError

TEXT = "\ufeffpollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat\nAcme,2024-03-01,2024-03-02,800,45,40,15\n"


@pytest.mark.parametrize(("encoding", "name"), [("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")])
def test_a_utf16_file_imported_in_the_window_is_named_as_such(tmp_path: Path, encoding: str, name: str) -> None:
    """`warroom import` said "UTF-16 text; save it as CSV UTF-8"; the window's import said "the file is binary"."""
    path = tmp_path / "polls.txt"
    path.write_bytes(TEXT.encode(encoding))
    with pytest.raises(StoreError) as info:
        parse_poll_file(path, TOY)
    assert name in str(info.value) and "CSV UTF-8" in str(info.value)
    assert "binary" not in str(info.value)
