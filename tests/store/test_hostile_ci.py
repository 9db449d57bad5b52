"""`.ci/postgres.sh` on a shared machine: a private directory per run, removed on exit; CI still fails loudly.

The script is sourced by a real bash with stand-in `initdb`/`pg_ctl`/`postgres` programs (WARROOM_PG_BIN),
so these tests neither install nor start PostgreSQL and never touch a fixed path in /tmp.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

FAKE = {
    "initdb": 'while [ $# -gt 0 ]; do [ "$1" = "-D" ] && mkdir -p "$2"; shift; done\necho "initdb" >> "$PG_LOG"\n',
    "pg_ctl": (
        'echo "pg_ctl $*" >> "$PG_LOG"\n'
        'case " $* " in *" start "*) [ "${FAIL_START:-0}" = "1" ] && { echo "could not start" >&2; exit 1; } ;; esac\n'
        "exit 0\n"
    ),
    "postgres": 'echo "postgres (PostgreSQL) 15.99"\n',
}

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the CI scripts are bash")


def _run(tmp_path: Path, *, ci: bool, fail: bool = False) -> tuple[subprocess.CompletedProcess[str], Path]:
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    for name, body in FAKE.items():
        (fake / name).write_text("#!/bin/sh\n" + body)
        (fake / name).chmod(0o755)
    tmp = tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    log = tmp_path / "log"
    env = {
        "PATH": os.environ["PATH"],
        "TMPDIR": str(tmp),
        "WARROOM_PG_BIN": str(fake),
        "WARROOM_PG_USER": "root" if os.geteuid() == 0 else "",
        "PG_LOG": str(log),
        "FAIL_START": "1" if fail else "0",
    }
    if ci:
        env["CI"] = "true"
    script = 'set -euo pipefail\n. .ci/postgres.sh\necho "URL=${WARROOM_PG_URL:-}"\necho "DIR=${WARROOM_PG_DIR:-}"\n'
    script += '[ -n "${WARROOM_PG_DIR:-}" ] && stat -c "MODE=%a" "$WARROOM_PG_DIR"\nexit 0\n'
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    return done, log


def _field(out: str, key: str) -> str:
    return next(line.split("=", 1)[1] for line in out.splitlines() if line.startswith(key + "="))


def test_each_run_gets_a_private_directory_removed_on_exit(tmp_path: Path) -> None:
    planted = tmp_path / "tmp" / "warroom-ci-pg" / "data"
    planted.mkdir(parents=True)  # what another run on this machine would have at the old fixed name
    (planted / "PG_VERSION").write_text("15\n")
    first, log = _run(tmp_path, ci=True)
    second, _ = _run(tmp_path, ci=True)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert _field(first.stdout, "URL").startswith("postgresql+psycopg://warroom@127.0.0.1:5543")
    dirs = [Path(_field(run.stdout, "DIR")) for run in (first, second)]
    assert dirs[0] != dirs[1] and all(d.parent == tmp_path / "tmp" for d in dirs)
    assert _field(first.stdout, "MODE") == "700"
    assert not any(d.exists() for d in dirs)  # removed when the sourcing shell exited
    assert (planted / "PG_VERSION").read_text() == "15\n"  # another run's database is left alone
    assert log.read_text().count(" stop") == 2  # the server was stopped before its folder was removed


def test_ci_fails_loudly_when_postgresql_cannot_start_and_cleans_up(tmp_path: Path) -> None:
    done, _ = _run(tmp_path, ci=True, fail=True)
    assert done.returncode != 0
    assert "ERROR: PostgreSQL could not be set up" in done.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


def test_outside_ci_a_failed_start_only_warns(tmp_path: Path) -> None:
    done, _ = _run(tmp_path, ci=False, fail=True)
    assert done.returncode == 0, done.stderr
    assert "WARNING" in done.stderr and _field(done.stdout, "URL") == ""
    assert list((tmp_path / "tmp").iterdir()) == []


def _start_and_wait(tmp_path: Path) -> subprocess.Popen[str]:
    """.ci/postgres.sh sourced by a CI-like shell (stand-in server programs) that then waits, to be signalled."""
    env = {
        "PATH": os.environ["PATH"],
        "TMPDIR": str(tmp_path / "tmp"),
        "WARROOM_PG_BIN": str(tmp_path / "bin"),
        "WARROOM_PG_USER": "root" if os.geteuid() == 0 else "",
        "PG_LOG": str(tmp_path / "log"),
        "CI": "true",
    }
    script = 'set -euo pipefail\n. .ci/postgres.sh\necho "DIR=$WARROOM_PG_DIR"\nsleep 60 &\nwait $!\n'
    return subprocess.Popen(
        ["bash", "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )


def test_a_run_stopped_by_a_signal_still_cleans_up(tmp_path: Path) -> None:
    import signal

    _run(tmp_path, ci=True)  # writes the stand-in programs
    proc = _start_and_wait(tmp_path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        while not line.startswith("DIR="):
            line = proc.stdout.readline()
        folder = Path(line.strip().split("=", 1)[1])
        assert folder.is_dir()
        proc.send_signal(signal.SIGTERM)  # e.g. the CI job cancelled
        assert proc.wait(timeout=30) != 0
        proc.stdout.close()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # this test's own group: the shell's orphaned `sleep`
    assert not folder.exists()
    assert (tmp_path / "log").read_text().count(" stop") == 2  # this run's and the earlier _run's


def test_a_run_killed_outright_is_cleaned_up_by_its_watchdog(tmp_path: Path) -> None:
    """SIGKILL (a timed-out job killed with its whole process group) runs no trap: the server must not be
    left running in its folder for ever."""
    import signal
    import time

    _run(tmp_path, ci=True)  # writes the stand-in programs
    proc = _start_and_wait(tmp_path)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    while not line.startswith("DIR="):
        line = proc.stdout.readline()
    folder = Path(line.strip().split("=", 1)[1])
    os.killpg(proc.pid, signal.SIGKILL)  # the shell and everything in its process group
    proc.wait(timeout=30)
    proc.stdout.close()
    deadline = time.monotonic() + 30
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.2)  # another process's outcome on disk: nothing to wait on but the folder itself
    assert not folder.exists()
    assert (tmp_path / "log").read_text().count(" stop") == 2  # this run's server was stopped first
