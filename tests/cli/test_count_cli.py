"""`warroom count` with the contest's counting rules as options; hostile files refused (issues 12, 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cli._run import run

BALLOTS = "count,p1,p2,p3\n40,A,,\n35,B,,\n25,C,D,B\n10,D,C,\n"


def test_rules_on_the_command_line_change_the_count_and_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(BALLOTS)
    code, out, err = run("count", str(path), "--system", "irv", "--json")
    assert code == 0, err
    full = json.loads(out)
    assert full["rules"]["max_rankings"] is None and full["winner"] == "B"
    # Only the first two rankings count: C's voters who ranked B third exhaust instead, and A wins.
    code, out, err = run("count", str(path), "--system", "irv", "--max-rankings", "2", "--json")
    assert code == 0, err
    limited = json.loads(out)
    assert limited["rules"]["max_rankings"] == 2 and limited["winner"] == "A"
    code, _out, err = run("count", str(path), "--system", "irv", "--max-rankings", "0")
    assert code == 1 and "rules" in err


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "ballots.csv"
    os.mkfifo(fifo)
    code, _out, err = run("count", str(fifo))
    assert code == 1 and "not a regular file" in err


def test_the_count_verb_imports_no_store_and_no_qt(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(BALLOTS)
    probe = (
        "import sys, io; from warroom.cli import main; main(['count', sys.argv[1]], out=io.StringIO()); "
        "bad = [m for m in ('sqlalchemy', 'alembic', 'PySide6', 'pyqtgraph') if m in sys.modules]; print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """Issue 16: `warroom polls | head` printed a BrokenPipeError traceback."""
    state = ["--data-dir", str(tmp_path)]
    proc = subprocess.run(
        f"{sys.executable} -m warroom polls {' '.join(state)} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert "London Mayor 2012" in proc.stdout
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_instant_runoff_only_rules_are_refused_for_a_two_column_count(tmp_path: Path) -> None:
    """--final-two, --write-ins-first and --batch-elimination do nothing to a Supplementary Vote or contingent
    count, yet were accepted and reported in --json's rules as applied: now a usage error naming the option."""
    path = tmp_path / "b.csv"
    path.write_text("count,p1,p2,p3\n40,A,Write-in,B\n35,B,A,\n25,Write-in,,\n")
    for system in ("sv", "contingent"):
        for flag in ("--final-two", "--write-ins-first", "--batch-elimination"):
            code, out, err = run("count", str(path), "--system", system, flag, "--json")
            assert code != 0 and out == "", (system, flag, out)
            assert flag in err and "--system irv" in err
    code, out, err = run("count", str(path), "--system", "irv", "--final-two", "--write-ins-first", "--json")
    assert code == 0, err
    assert json.loads(out)["rules"]["final_two"] is True
