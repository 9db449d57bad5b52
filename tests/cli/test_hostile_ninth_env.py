"""A ninth hostile pass, over faults and the environment (issue 16), on the command line. Each test failed before its
fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_render_on_a_machine_with_no_font_is_refused_not_written_as_empty_boxes(tmp_path: Path) -> None:
    """A server or container with no font installed (Qt ships none): `warroom render` wrote a picture whose every
    letter and figure was an empty box, and said "wrote view.png". It is refused, naming the missing fonts and how
    to install one; nothing is written."""
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><dir>{empty}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "QT_QPA_FONTDIR": str(empty),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.getcwd(),
    }
    out = tmp_path / "view.png"
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "--data-dir", str(tmp_path / "state"), "render", "first", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode != 0, done.stdout
    assert "font" in done.stderr and "nothing was written" in done.stderr and "Traceback" not in done.stderr, (
        done.stderr
    )
    assert not out.exists()
