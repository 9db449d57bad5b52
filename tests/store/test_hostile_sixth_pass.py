"""Hostile pass 6 (issue 16), store files: a data folder on a case-insensitive file system (a FAT or exFAT USB
stick, macOS's and Windows' own disks), where `Polls.sqlite3` and `polls.sqlite3` name one file.

This machine cannot mount one (no vfat or exfat driver in /proc/filesystems, and its tmpfs refuses `casefold`), so
the tests use what such a disk does: a second name for the same file (a hard link is exactly that to the code),
and names that differ only in case. The mounted test runs where a casefolded tmpfs can be made (Linux 6.13+ with
CONFIG_UNICODE, as root) and says why it is skipped elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli._run import run
from warroom.paths import overwrites_store


def test_an_export_named_like_the_store_in_another_case_is_refused(tmp_path: Path) -> None:
    """On a case-insensitive disk `warroom export Polls.sqlite3` (or the window's Save as, typing the name in
    capitals) wrote the CSV over the live store `polls.sqlite3`, and `polls.sqlite3-WAL` over its write-ahead
    log: the guard compared the names as text. It now refuses a name that is the store's in any case, and any
    other name for the store's own file (a second link)."""
    store = tmp_path / "polls.sqlite3"
    store.write_bytes(b"SQLite format 3\x00")
    os.link(store, tmp_path / "another name.sqlite3")  # what a case-insensitive disk makes of POLLS.SQLITE3
    for name in ("Polls.sqlite3", "POLLS.SQLITE3", "polls.sqlite3-WAL", "Polls.Sqlite3-Shm", "another name.sqlite3"):
        assert overwrites_store(tmp_path / name, store), name
    for name in ("polls.csv", "polls.sqlite3.csv", "Polls.sqlite3-walnut"):
        assert not overwrites_store(tmp_path / name, store), name
    assert not overwrites_store(tmp_path / "elsewhere" / "Polls.sqlite3", store)


def test_the_command_line_refuses_to_export_over_its_store_spelt_in_capitals(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, _out, err = run("--data-dir", str(data), "contests")
    assert code == 0, err
    store = next(data.rglob("polls.sqlite3"))
    before = store.read_bytes()
    code, _out, err = run("--data-dir", str(data), "export", str(store.with_name("POLLS.sqlite3")))
    assert code == 1 and "poll store itself" in err and "nothing written" in err, err
    assert store.read_bytes() == before
    assert not store.with_name("POLLS.sqlite3").exists()  # (on this case-sensitive disk: nothing made either)


@pytest.fixture
def casefolded(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A case-insensitive folder: a casefolded tmpfs (needs root, mount(8), Linux 6.13+ built with CONFIG_UNICODE)."""
    where = tmp_path / "ci"
    where.mkdir()
    mount = shutil.which("mount")
    if mount is None or os.geteuid() != 0:
        pytest.skip("a case-insensitive mount needs root and mount(8)")
    made = subprocess.run([mount, "-t", "tmpfs", "-o", "size=16m,casefold", "tmpfs", str(where)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"this kernel makes no casefolded tmpfs: {made.stderr.decode(errors='replace').strip()}")
    try:
        folder = where / "data"
        folder.mkdir()
        subprocess.run(["chattr", "+F", str(folder)], check=True)
        yield folder
    finally:  # (lazily when busy: a mount left behind failed pytest's clean-up of later runs)
        if subprocess.run(["umount", str(where)], check=False, capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)


def test_on_a_real_case_insensitive_disk_exports_and_backups_keep_to_their_store(casefolded: Path) -> None:
    data = casefolded
    assert run("--data-dir", str(data), "contests")[0] == 0
    store = next(data.rglob("polls.sqlite3"))
    before = store.read_bytes()
    code, _out, err = run("--data-dir", str(data), "export", str(store.with_name("Polls.SQLITE3")))
    assert code == 1 and "poll store itself" in err, err
    assert store.read_bytes() == before


def test_backups_of_the_store_spelt_in_another_case_are_the_stores_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a case-insensitive disk `--db POLLS.sqlite3` opens the app's own `polls.sqlite3`, but its backups were
    named `POLLS-...` and kept as another store's: five more copies, rotated apart, and recovery from
    `polls.sqlite3` never offered the newest one (made under the other spelling). Backups are named by the store's
    name as its folder lists it. Simulated: a hard link is the second spelling of one file, and the folder lists
    only the first, as a case-insensitive disk does."""
    import sqlite3

    from warroom.store.db import backup_sqlite, backups_of

    data = tmp_path / "data"
    data.mkdir()
    store, shouted = data / "polls.sqlite3", data / "POLLS.sqlite3"
    with sqlite3.connect(store) as conn:
        conn.execute("CREATE TABLE poll (id INTEGER PRIMARY KEY)")
    conn.close()
    os.link(store, shouted)
    listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path=".": [n for n in listdir(path) if n != shouted.name])
    backups = data / "backups"
    first = backup_sqlite(store, backups, reason="open")
    second = backup_sqlite(shouted, backups, reason="open")
    assert second.name.startswith("polls-"), second.name
    assert backups_of(shouted, backups) == backups_of(store, backups) == [second, first]


def test_an_export_to_a_device_or_a_link_to_the_terminal_is_refused_never_replaced(tmp_path: Path) -> None:
    """`warroom export /dev/null` or `/dev/stdout` (the usual Unix ways to discard or print a file): the export
    renamed its file over the target, as it does over a planted link or a FIFO in the user's own folder; run as
    root (a container) that deleted the system's /dev/null or /dev/stdout and left a CSV in its place. A device,
    or a link to a process's open file (the terminal, a pipe: /dev/stdout, /dev/fd/1), is refused and left as
    it was. (Shown on a device node and links made here, never on the system's own.)"""
    import stat

    from warroom.paths import atomic_target, write_private_atomic

    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    for target in (null, stdout):
        before = os.lstat(target)
        with pytest.raises(OSError) as refused:
            write_private_atomic(target, "pollster\n")
        assert "not a file" in str(refused.value), refused.value
        with pytest.raises(OSError), atomic_target(target) as temp:
            temp.write_bytes(b"\x89PNG")
        after = os.lstat(target)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    code, _out, err = run("--data-dir", str(tmp_path / "data"), "export", str(null))
    assert code == 1 and "not a file" in err and stat.S_ISCHR(os.lstat(null).st_mode), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "null", "stdout"]  # no temporary file left
