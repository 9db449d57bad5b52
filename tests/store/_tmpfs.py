"""A small tmpfs mounted for one test (a read-only medium, a disk to fill), unmounted however the test ends."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_tmpfs(where: Path, needs: str) -> Iterator[str]:
    """Mount a 4 MB tmpfs on `where` (made here) and yield mount(8)'s path; skip, saying `needs`, without root and
    mount(8), or with a machine that does not allow mounting."""
    where.mkdir()
    mount = shutil.which("mount")
    if mount is None or os.geteuid() != 0:
        pytest.skip(f"{needs} needs root and mount(8)")
    made = subprocess.run([mount, "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"this machine does not allow mounting: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        # (a file still open on it, e.g. a window's hold on its recovery entry, makes umount refuse "busy": the
        # mount then stayed for good, and pytest's clean-up of later runs failed on it; a lazy unmount detaches it)
        if subprocess.run(["umount", str(where)], check=False, capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)
