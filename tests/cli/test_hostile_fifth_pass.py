"""Hostile pass 5 (issue 16), command line."""

from __future__ import annotations

import io

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
