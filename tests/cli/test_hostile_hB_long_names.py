"""A fresh hostile pass (issue 16), command line: a store file whose name leaves no room for the files beside it.

SQLite keeps `NAME-journal`, `NAME-wal` and `NAME-shm` beside a store, and warroom `NAME-wal.owner`; a file system
takes names of at most 255 bytes. A new store named 246 to 255 bytes was made (an empty file left behind) and then
refused as "cannot be written here (read-only location or no permission)", which it was not; a name past 255 bytes
ended a writing verb in an OSError traceback (File name too long). Both are refused before anything is made, naming
the file, its length and the most it may have.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli._run import run

CONTEST = """\
[contest]
name = "Toyton Mayor"
election_date = 2024-05-02
system = "sv"

[[candidate]]
code = "ann"
name = "Ann Able"

[[candidate]]
code = "bob"
name = "Bob Baker"
"""


@pytest.mark.parametrize("length", [250, 255, 300])
def test_a_new_store_named_too_long_for_its_companion_files_is_refused_before_anything_is_made(
    tmp_path: Path, length: int
) -> None:
    contest = tmp_path / "race.toml"
    contest.write_text(CONTEST)
    store = tmp_path / "store" / ("s" * (length - len(".sqlite3")) + ".sqlite3")
    store.parent.mkdir()
    code, _out, err = run(
        "--data-dir", str(tmp_path / "state"), "--db", str(store), "contest", "new", "--from", str(contest)
    )
    assert code != 0
    assert "Traceback" not in err and "Errno" not in err, err
    assert "read-only" not in err, err
    assert f"{length} bytes" in err and "at most 245" in err and "-wal.owner" in err, err
    assert list(store.parent.iterdir()) == []  # nothing made


def test_a_store_named_as_long_as_its_companion_files_allow_is_made(tmp_path: Path) -> None:
    contest = tmp_path / "race.toml"
    contest.write_text(CONTEST)
    store = tmp_path / "store" / ("s" * (245 - len(".sqlite3")) + ".sqlite3")
    store.parent.mkdir()
    code, out, err = run(
        "--data-dir", str(tmp_path / "state"), "--db", str(store), "contest", "new", "--from", str(contest)
    )
    assert code == 0, err
    assert "created contest Toyton Mayor" in out
    code, out, err = run("--data-dir", str(tmp_path / "state"), "--db", str(store), "contests")
    assert code == 0 and "Toyton Mayor" in out, err
