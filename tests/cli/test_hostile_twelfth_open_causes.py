"""Twelfth hostile pass: a store that cannot be opened says why, and never blames permissions that are fine.

SQLite reports every failed open as one "unable to open database file", which read as "read-only location or no
permission" whatever the real cause: at `ulimit -n 5` the user was sent to check permissions while the process
had simply run out of file handles. Each operating-system cause an open can meet is injected where the open
happens (the store file's own open, and the open SQLite failed at) and must be named.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.cli._run import ok
from warroom.store import db as store_db
from warroom.store.db import StoreError, make_engine, translate

ROOT = Path(__file__).resolve().parents[2]

# errno -> words its message must hold (the cause, named), and the kind callers see
CAUSES = {
    errno.EMFILE: ("too many files are open", "limit"),
    errno.ENFILE: ("too many files are open", "limit"),
    errno.ENOSPC: ("the disk is full", "full"),
    errno.EROFS: ("read-only file system", "readonly"),
    errno.EACCES: ("permission denied", "readonly"),
    errno.ENAMETOOLONG: ("too long", "error"),
    errno.ELOOP: ("loop of links", "missing"),
    errno.EISDIR: ("is a folder", "error"),
    errno.ENOTDIR: ("a part of its path is a file, not a folder", "missing"),
    errno.EIO: ("input/output error", "io"),
}


def _failing_open(monkeypatch: pytest.MonkeyPatch, target: Path, code: int) -> None:
    """os.open of `target` (only) fails with `code`, as the operating system would."""
    real = os.open

    def fake(path: object, *args: object, **kwargs: object) -> int:
        if Path(os.fsdecode(path)) == target:  # type: ignore[arg-type]
            raise OSError(code, os.strerror(code), str(target))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_db.os, "open", fake)


@pytest.mark.parametrize("code", sorted(CAUSES), ids=[errno.errorcode[c] for c in sorted(CAUSES)])
def test_a_store_sqlite_could_not_open_names_the_systems_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    store = tmp_path / "polls.sqlite3"
    engine = make_engine(store)  # made, then SQLite's own open of it fails
    engine.dispose()
    _failing_open(monkeypatch, store, code)
    error = translate(OperationalError("SELECT 1", {}, Exception("unable to open database file")), engine)
    words, kind = CAUSES[code]
    assert words in str(error).lower(), str(error)
    assert (code in (errno.EACCES,)) == ("permission" in str(error).lower()), str(error)
    assert error.kind == kind
    assert error.where == str(store)


@pytest.mark.parametrize("code", sorted(CAUSES), ids=[errno.errorcode[c] for c in sorted(CAUSES)])
def test_a_store_that_could_not_be_created_names_the_systems_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    store = tmp_path / "polls.sqlite3"
    _failing_open(monkeypatch, store, code)
    with pytest.raises(StoreError) as caught:
        make_engine(store)
    words, kind = CAUSES[code]
    assert words in str(caught.value).lower(), str(caught.value)
    assert (code in (errno.EACCES,)) == ("permission" in str(caught.value).lower()), str(caught.value)
    assert caught.value.kind == kind
    assert not store.exists()


def test_at_ulimit_n_5_the_message_says_too_many_open_files_not_permission(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok("--data-dir", str(data), "contests")  # a sound store, made with handles to spare

    def few_handles() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (5, 5))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "--data-dir", str(data), "contests"],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=few_handles,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "too many files are open" in done.stderr, done.stderr
    assert "ulimit -n 5" in done.stderr, done.stderr
    assert "permission" not in done.stderr.lower(), done.stderr
