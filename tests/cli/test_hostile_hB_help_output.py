"""A fresh hostile pass (issue 16): `warroom --help` and `--version` into a full disk say so.

`warroom polls > /dev/full` says "the output could not be written" and exits 4; `warroom --help > /dev/full`,
`warroom polls --help > /dev/full` and `warroom --version > /dev/full` wrote nothing and exited 0 (argparse drops
a failed write of its help), so a script saving the help or the version found an empty file and no error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["--help"], ["polls", "--help"], ["--version"]])
def test_help_and_version_into_a_full_disk_fail_with_a_message(tmp_path: Path, argv: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "warroom", *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    assert done.returncode == 4, done.stderr
    assert "the output could not be written" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_help_to_a_working_output_is_unchanged(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "--help"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0 and done.stdout.startswith("usage: warroom"), done.stderr
