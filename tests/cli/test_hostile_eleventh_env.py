"""Hostile pass 11 (issue 16), the command line under odd environments: too little memory, too few file handles."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli._run import run

ROOT = Path(__file__).resolve().parents[2]

# A child that loads everything a count needs (a first count of two papers), then counts a big ballot file under
# an address-space limit a few MB above what it holds (`ulimit -v`), lifting it again between tries.
_STARVED_COUNT = textwrap.dedent(
    """
    import io, random, resource, sys
    from pathlib import Path
    from warroom.cli import main

    folder = Path(sys.argv[1])
    big = folder / "big.csv"
    rng = random.Random(1)
    names = [f"C{i}" for i in range(10)]
    with big.open("w") as fh:
        fh.write("pref1,pref2,pref3,pref4,count\\n")
        for i in range(300_000):
            fh.write(",".join(rng.sample(names, 4)) + f",{i % 7 + 1}\\n")
    small = folder / "small.csv"
    small.write_text("pref1,pref2,count\\nA,B,3\\nB,A,2\\n")
    args = ["--data-dir", str(folder / "state"), "count"]
    assert main([*args, str(small), "--system", "irv"], io.StringIO(), io.StringIO()) == 0
    held = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmSize")) * 1024
    for extra in (2, 10):
        resource.setrlimit(resource.RLIMIT_AS, (held + extra * 2**20, resource.RLIM_INFINITY))
        try:
            code = main([*args, str(big), "--system", "irv"], io.StringIO(), sys.stderr)
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        with (folder / "codes").open("a") as codes:  # (main points a starved verb's stdout at nothing)
            codes.write(f"code {code}\\n")
    """
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the process's size from /proc (Linux)")
def test_too_little_memory_is_a_message_never_a_traceback(tmp_path: Path) -> None:
    """`ulimit -v` (a container's memory limit, a shared server's) gave a traceback: a MemoryError, or "can't start
    new thread" (a thread's stack is address space too: the ballot reader's worker threads), or a library that
    could not be mapped. Each is now one line naming what ran out and the limit, exit 5, the store change under
    way rolled back as for Ctrl-C."""
    done = subprocess.run(
        [sys.executable, "-c", _STARVED_COUNT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    codes = [int(line.split()[1]) for line in (tmp_path / "codes").read_text().splitlines()]
    assert codes and codes[0] == 5, (done.stdout, done.stderr[-2000:])  # 2 MB more is too little for the count
    starved = [line for line in done.stderr.splitlines() if line.startswith("warroom count: ")]
    assert starved and all(
        ("ran out of memory" in line or "could not start a thread" in line)
        and "ulimit -v" in line
        and "rolled back" in line
        for line in starved
    ), starved
    assert len(starved) == codes.count(5)


def test_running_out_of_file_handles_is_a_message_naming_the_limit(tmp_path: Path, monkeypatch) -> None:
    """Too many open files (`ulimit -n`; a verb's work under a low limit: `render` failed cleaning its scratch
    settings folder after writing the picture) is one line naming the limit, never a traceback."""
    import errno

    from warroom.cli import verbs

    def out_of_handles(*_args: object) -> int:
        raise OSError(errno.EMFILE, "Too many open files", "/tmp/warroom-settings-x")

    monkeypatch.setitem(verbs.COMMANDS, "polls", out_of_handles)
    code, out, err = run("--data-dir", str(tmp_path / "state"), "polls")
    assert code == 5 and out == ""
    assert err.startswith("warroom polls: it ran out of file handles") and "Traceback" not in err, err
    monkeypatch.setitem(verbs.COMMANDS, "polls", lambda *_: (_ for _ in ()).throw(OSError(errno.EACCES, "other")))
    with pytest.raises(OSError):  # any other OSError is not explained as a lack of handles
        run("--data-dir", str(tmp_path / "state"), "polls")


@pytest.fixture
def twelve_hours_behind(monkeypatch) -> Iterator[None]:
    """The process's clock in UTC-12 (Baker Island; a POSIX TZ string, no time-zone database needed)."""
    import time

    monkeypatch.setenv("TZ", "WRX+12")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_poll_dated_today_where_the_day_has_begun_is_not_in_the_future(tmp_path: Path, twelve_hours_behind) -> None:
    """A poll published (or whose fieldwork began) today in New Zealand or Kiribati, imported on a machine whose
    date is still yesterday (London in the morning, the Americas, a laptop on UTC-12), was refused as "in the
    future": the check went by the machine's own date. A day that has begun anywhere (the last zone to start a
    day is UTC+14) is not in the future; a day that has begun nowhere still is."""
    from datetime import UTC, date, datetime, timedelta

    from warroom.core.validation import today_somewhere

    begun = (datetime.now(UTC) + timedelta(hours=14)).date()
    assert date.today() < begun  # this machine's date is behind the world's latest
    assert today_somewhere() == begun
    db = ["--data-dir", str(tmp_path / "state")]
    contest = tmp_path / "race.toml"
    contest.write_text(
        f'[contest]\nname = "Race"\nelection_date = {begun + timedelta(days=200)}\nsystem = "sv"\n\n'
        '[[candidate]]\ncode = "ada"\nname = "Ada"\ncolour = "#D55E00"\n\n'
        '[[candidate]]\ncode = "bea"\nname = "Bea"\ncolour = "#0072B2"\n',
        encoding="utf-8",
    )
    assert run("contest", "new", "--from", str(contest), *db)[0] == 0
    polls = tmp_path / "polls.csv"
    head = "pollster,fieldwork_start,fieldwork_end,published,sample_size,first:ada,first:bea\n"
    polls.write_text(head + f"Acme,{begun},{begun},{begun},1000,52,48\n", encoding="utf-8")
    code, out, err = run("import", str(polls), "--contest", "Race", *db)
    assert code == 0 and "1 poll" in out, err
    tomorrow = begun + timedelta(days=1)
    polls.write_text(head + f"Beta,{tomorrow},{tomorrow},{tomorrow},1000,52,48\n", encoding="utf-8")
    code, _, err = run("import", str(polls), "--contest", "Race", *db)
    assert code != 0 and "in the future" in err, err


def test_today_somewhere_is_the_date_in_the_zone_furthest_ahead() -> None:
    from datetime import UTC, date, datetime, timedelta, timezone

    from warroom.core.validation import today_somewhere

    assert today_somewhere(datetime(2026, 11, 30, 9, 59, tzinfo=UTC)) == date(2026, 11, 30)
    assert today_somewhere(datetime(2026, 11, 30, 10, 0, tzinfo=UTC)) == date(2026, 12, 1)
    auckland = timezone(timedelta(hours=13))
    assert today_somewhere(datetime(2026, 12, 1, 0, 30, tzinfo=auckland)) == date(2026, 12, 1)


def test_contest_delete_with_standard_input_closed_asks_for_yes_without_a_traceback(
    tmp_path: Path, monkeypatch
) -> None:
    """`warroom contest delete NAME <&-` (a cron job, a service with no input): sys.stdin is None, and asking
    whether stdin was a terminal was an AttributeError traceback. It is "no terminal to ask on; add --yes", and
    nothing is deleted."""
    import json

    db = ["--data-dir", str(tmp_path / "state")]
    monkeypatch.setattr(sys, "stdin", None)
    code, _, err = run("contest", "delete", "Burlington Mayor 2009", *db)
    assert code != 0 and "no terminal to ask on" in err and "--yes" in err and "Traceback" not in err, err
    code, out, _ = run("contests", "--json", *db)
    assert "Burlington Mayor 2009" in [c["name"] for c in json.loads(out)]


def test_a_store_that_reaches_the_file_size_limit_is_named_as_such(tmp_path: Path) -> None:
    """Under `ulimit -f` (a shared server's quota on file size) an import that grows the store past the limit was
    "the disk reported an error ... check the disk or the network drive": the disk was fine. It now names the
    limit; nothing was saved, as before."""
    import resource

    state = tmp_path / "state"
    assert run("--data-dir", str(state), "polls")[0] == 0  # the store made and seeded (about 1.1 MB)
    size = (state / "data" / "polls.sqlite3").stat().st_size
    rows = [
        f"Pollster {i % 500},2011-{1 + i // 2000:02d}-{1 + i % 2000 // 80:02d},2011-{1 + i // 2000:02d}-28,1000,46,44,10"
        for i in range(20_000)
    ]
    big = tmp_path / "big.csv"
    big.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,"
        "first:paddick\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    limit = size + 2 * 2**20

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    done = subprocess.run(
        [sys.executable, "-m", "warroom", "--data-dir", str(state), "import", str(big)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=limited,
    )
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "file-size limit" in done.stderr and "ulimit -f" in done.stderr and "check the disk" not in done.stderr
    assert "nothing was saved" in done.stderr
    assert "17 polls" in run("--data-dir", str(state), "polls")[1]  # nothing of the import stored
