"""The briefing's headings say what is under them, and none stands over nothing.

Burlington 2009's briefing (an instant-runoff race with no polls, its first round from the 2009 ballots) printed
"Poll average" over "Wright 32.9 %, ... 2009 ballots; no polls." and then a "Leads" heading with nothing under it;
France 2022's printed "Poll average" over the official first round of 10 April (27.8 % for Macron, where the polls'
average is 26.5 %). A two-round or instant-runoff race's section is now "First round the scenarios start from";
"Leads" is printed only over lead lines or the charts; a race with no polls says so under "Poll average".
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

from tests.cli._run import ok
from warroom.demo import FRANCE_2022_NAME


def _lines(pdf: Path) -> list[str]:
    tool = shutil.which("pdftotext")
    assert tool is not None, "poppler-utils (pdftotext) is needed to read the briefing back"
    text = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFKC", text)  # (the PDF's ligatures, "ﬁ", read back as letters)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _briefing(tmp_path: Path, contest: str) -> list[str]:
    out = tmp_path / f"{len(list(tmp_path.iterdir()))}.pdf"
    ok("--data-dir", str(tmp_path / "state"), "--contest", contest, "render", "briefing", "--out", str(out))
    return _lines(out)


def _under(lines: list[str], heading: str) -> str:
    """The line after `heading`."""
    return lines[lines.index(heading) + 1]


def test_briefing_headings_say_what_is_under_them(qapp, tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    burlington = _briefing(tmp_path, "Burlington Mayor 2009")
    assert "Poll average" not in burlington and "Leads" not in burlington, burlington
    start = burlington.index("First round the scenarios start from")
    assert "2009 ballots; no polls" in " ".join(burlington[start : start + 4]), burlington
    france = _briefing(tmp_path, FRANCE_2022_NAME)
    assert "Poll average" not in france, france
    assert "Official first round" in " ".join(france[france.index("First round the scenarios start from") :][:4])
    assert "Leads" in france  # over its charts
    london = _briefing(tmp_path, "London Mayor 2012")
    assert _under(london, "Poll average").startswith("Boris Johnson 44.1 %")
    assert _under(london, "Leads").startswith("First-round lead")
