"""Hostile pass 5 (issue 16), command line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from warroom.cli.common import PrintableText, table
from warroom.core.types import bidi_isolated


def test_a_right_to_left_name_isolated_by_the_core_reaches_the_terminal_whole_and_tables_stay_aligned() -> None:
    """The core isolates a Hebrew or Arabic name in its headlines (FSI ... PDI); the CLI showed those isolates
    as "\\u2068" text, like the control characters it escapes. A balanced isolate holding no control passes
    whole, so a terminal that lays out bidi text keeps each figure with its name; a lone isolate, an override
    or an isolate with a control inside is still shown escaped. Table columns ignore the isolates' zero width."""
    out = io.StringIO()
    shown = PrintableText(out)
    name = bidi_isolated("صادق خان")
    shown.write(f"{name} 43.0 %, Reid 41.0 %\n")
    shown.write("lone \u2068 and \u202e override, \u2068a\x1b[2Jb\u2069\n")
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{name} 43.0 %, Reid 41.0 %"
    assert "\u2068" not in lines[1] and "\u202e" not in lines[1] and "\x1b" not in lines[1]
    assert "\\u2068" in lines[1] and "\\u202e" in lines[1] and "\\x1b" in lines[1]
    out = io.StringIO()
    table(["candidate", "share"], [[name, "43.0"], ["Reid", "41.0"]], out)
    rows = out.getvalue().replace("\u2068", "").replace("\u2069", "").splitlines()
    assert len({len(r) for r in rows}) == 1, rows  # every row as wide as the others on screen


def _run(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(
        [sys.executable, "-m", "warroom", *args],
        text=True,
        env=env,
        timeout=120,
        **kw,  # type: ignore[call-overload]
    )


def test_output_to_a_full_disk_or_a_closed_stdout_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """`warroom polls > /dev/full` (a full disk under a redirect) and `warroom polls >&-` (standard output
    closed, as some service managers and cron setups start programs) ended in a Python traceback (OSError:
    No space left on device; AttributeError: 'NoneType' object has no attribute 'write'). They are one line
    naming the verb and the output's fault, exit 4 (output not written); a closed standard error never turns
    a message into a traceback either."""
    data = ["--data-dir", str(tmp_path / "data")]
    assert _run([*data, "contests"], capture_output=True).returncode == 0  # the store and its demos exist
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            proc = _run([*data, "polls"], stdout=full, stderr=subprocess.PIPE)
        assert proc.returncode == 4, proc.stderr
        assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
        assert proc.stderr.startswith("warroom polls: the output could not be written") and "space" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-c", "import os, subprocess, sys; os.close(1); "
         f"sys.exit(subprocess.call([sys.executable, '-m', 'warroom', *{data!r}, 'polls']))"],
        text=True, capture_output=False, stderr=subprocess.PIPE, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )  # fmt: skip
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr and "standard output is closed" in proc.stderr, proc.stderr
    proc = subprocess.run(
        [sys.executable, "-c", "import os, subprocess, sys; os.close(2); "
         f"sys.exit(subprocess.call([sys.executable, '-m', 'warroom', *{data!r}, 'polls', '--contest', 'nope']))"],
        text=True, capture_output=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )  # fmt: skip
    assert proc.returncode == 1 and "Traceback" not in proc.stdout and proc.stdout == "", proc


def test_ctrl_c_in_the_middle_of_an_import_stores_none_of_it_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while `warroom import` was writing printed a KeyboardInterrupt traceback, leaving the user to
    guess whether half the file was stored. The transaction is rolled back (none of it stored) and the verb
    says so in one line, exit 130 (the shell's code for an interrupt)."""
    from tests.cli._run import run
    from warroom.core.csvformat import polls_to_csv
    from warroom.demo import LONDON_2012, demo_polls
    from warroom.store import polls as repo

    db = ["--data-dir", str(tmp_path / "data")]
    code, before, _ = run("polls", *db, "--json")
    assert code == 0
    path = tmp_path / "polls.csv"
    fresh = [replace(p, id=None, pollster=f"Firm {i}") for i, p in enumerate(demo_polls() * 3)]
    path.write_text(polls_to_csv(fresh, LONDON_2012))
    real = repo.add_polls

    def interrupted(session, contest_id, polls, **kw):  # type: ignore[no-untyped-def]
        half = len(polls) // 2
        lines = kw.pop("lines", None)
        real(session, contest_id, polls[:half], lines=lines[:half] if lines else None, **kw)  # half written
        session.flush()
        raise KeyboardInterrupt  # the user's Ctrl-C arrives here

    monkeypatch.setattr(repo, "add_polls", interrupted)
    code, _out, err = run("import", str(path), *db)
    assert code == 130 and "Traceback" not in err, err
    assert err.startswith("warroom import: interrupted") and "nothing" in err, err
    monkeypatch.setattr(repo, "add_polls", real)
    assert run("polls", *db, "--json")[1] == before  # none of it stored


def test_output_to_a_stream_that_cannot_encode_a_name_shows_it_escaped_not_a_failure(tmp_path: Path) -> None:
    """Standard output in an encoding without the data's letters (a redirect on Windows writes cp1252, a terminal
    in a Latin-1 or ASCII locale) cut `warroom polls` off after a few rows with a UnicodeEncodeError, for an em
    dash or an Arabic name. A character the output cannot encode is written as a \\\\uNNNN escape instead,
    and the verb ends normally."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PYTHONIOENCODING": "ascii"}
    data = ["--data-dir", str(tmp_path / "data")]
    proc = subprocess.run([sys.executable, "-m", "warroom", *data, "polls"], capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("ascii")
    assert "\\u2014" in out and "YouGov" in out and out.count("\n") > 15  # every row, the dash escaped
    stream = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    PrintableText(stream).write(f"{bidi_isolated('صادق خان')} 43.0 %, Zoë 41.0 %\n")
    stream.flush()
    written = stream.buffer.getvalue().decode("latin-1")  # type: ignore[attr-defined]
    assert written == "\\u2068\\u0635\\u0627\\u062f\\u0642 \\u062e\\u0627\\u0646\\u2069 43.0 %, Zoë 41.0 %\n"
