"""Issue 16, one projection, one set of notes at the command line: `warroom render briefing` prints the notes
`warroom scenario` prints (core.scenario.note_lines), where it printed the figures of a runoff the count would
not hold without them. Failed before its fix."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

from tests.cli._run import ok
from tests.cli.test_hostile_thirteenth_results_cli import TRIO


def test_the_rendered_briefing_carries_the_notes_warroom_scenario_prints(db: list[str], tmp_path: Path) -> None:
    (tmp_path / "trio.toml").write_text(TRIO, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "trio.toml"), *db)
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat\n"
        "P1,2025-04-20,2025-04-22,1000,40,30,30\n",
        encoding="utf-8",
    )
    ok("import", str(polls), "--contest", "Trio Mayor 2025", *db)
    ok("scenario", "--contest", "Trio Mayor 2025", "--save", "Level", *db)
    (note,) = [line for line in ok("scenario", "--contest", "Trio Mayor 2025", *db).splitlines() if "Note:" in line]
    assert note.startswith("Note: Cole and Baker are level for second on 30.0 %")
    brief = tmp_path / "brief.pdf"
    ok(*db, "--contest", "Trio Mayor 2025", "render", "briefing", "--out", str(brief))
    tool = shutil.which("pdftotext")
    assert tool is not None, "poppler-utils (pdftotext) is needed to read the briefing back"
    text = subprocess.run([tool, str(brief), "-"], capture_output=True, text=True, check=True).stdout
    # (the page wraps the line and sets "ff" as a ligature; the words are the same)
    assert " ".join(note.split()) in " ".join(unicodedata.normalize("NFKC", text).split())
