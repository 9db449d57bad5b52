"""A fresh hostile pass on what the read verbs write for other programs: `warroom export -` is the CSV file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli._run import ok

NOTES = "pollster,fieldwork_start,fieldwork_end,sample_size,notes,first:johnson,first:livingstone,first:paddick,first:other\n"


def _with_awkward_poll(db: list[str], tmp_path: Path) -> None:
    polls = tmp_path / "awkward.csv"
    polls.write_text(
        NOTES + 'Łódź Poll,2012-04-27,2012-04-28,800,"typed on Windows\r\nsecond line",45,40,5,10\n', encoding="utf-8"
    )
    ok(*db, "import", "--contest", "London Mayor 2012", str(polls))


def test_export_dash_into_a_pipe_is_the_very_csv_the_file_export_writes(db: list[str], tmp_path: Path) -> None:
    """`warroom export - > polls.csv` (or into a pipe) wrote the CSV through the terminal's filter: a carriage
    return in a note (a note typed on Windows) came out as the four characters `\\x0d`, so the file read back
    with `warroom import` stored another note. Standard output that is not a terminal gets the CSV as written."""
    _with_awkward_poll(db, tmp_path)
    ok(*db, "export", "--contest", "London Mayor 2012", str(tmp_path / "file.csv"))
    piped = ok(*db, "export", "-", "--contest", "London Mayor 2012")
    assert piped == (tmp_path / "file.csv").read_bytes().decode("utf-8")
    assert "typed on Windows\r\nsecond line" in piped


def test_export_dash_is_utf8_whatever_the_locale_says(tmp_path: Path) -> None:
    """Under a locale or a redirect whose encoding lacks the data's letters (PYTHONIOENCODING=ascii here; a
    redirect on Windows writes cp1252), `warroom export - > polls.csv` wrote `\\u0141\\xf3d\\u017a Poll` for
    `Łódź Poll`: the pollster's name changed on the way back in. The CSV goes out as the UTF-8 a file export
    holds, byte for byte."""
    db = ["--data-dir", str(tmp_path / "state")]
    _with_awkward_poll(db, tmp_path)
    ok(*db, "export", "--contest", "London Mayor 2012", str(tmp_path / "file.csv"))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PYTHONIOENCODING": "ascii"}
    with (tmp_path / "dash.csv").open("wb") as out:
        proc = subprocess.run(
            [sys.executable, "-m", "warroom", *db, "export", "-", "--contest", "London Mayor 2012"],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "dash.csv").read_bytes() == (tmp_path / "file.csv").read_bytes()
