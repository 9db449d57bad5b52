"""Sixteenth hostile pass (issue 16): Qt's scale variables from the environment (a desktop's HiDPI settings).

`QT_SCALE_FACTOR=0` made `warroom render` end with a ZeroDivisionError traceback inside pyqtgraph, a negative
one "Null QImage not supported", and `QT_SCALE_FACTOR=50` or `QT_FONT_DPI=100000` ran for minutes (killed after
120 s) where the render takes seconds; the window is drawn by the same code. Values that are not a scale Qt can
draw at are now left out before Qt starts, each named in one line on standard error; sensible ones (2, 1.5, a
font DPI of 192) are kept, and the render's pixel size never depended on them.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from warroom.qtcheck import unusable_scale


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("QT_SCALE_FACTOR", "0"),
        ("QT_SCALE_FACTOR", "-1"),
        ("QT_SCALE_FACTOR", "50"),
        ("QT_SCALE_FACTOR", "nan"),
        ("QT_SCALE_FACTOR", "two"),
        ("QT_FONT_DPI", "0"),
        ("QT_FONT_DPI", "100000"),
        ("QT_FONT_DPI", "96.5x"),
        ("QT_SCREEN_SCALE_FACTORS", "1;0"),
        ("QT_SCREEN_SCALE_FACTORS", "HDMI-1=inf"),
    ],
)
def test_a_scale_qt_cannot_draw_at_is_named(name: str, value: str) -> None:
    found = unusable_scale({name: value, "HOME": "/home/x"})
    assert [n for n, _why in found] == [name]
    assert value in found[0][1]


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"QT_SCALE_FACTOR": "2"},
        {"QT_SCALE_FACTOR": "1.5"},
        {"QT_SCALE_FACTOR": ""},
        {"QT_FONT_DPI": "192"},
        {"QT_SCREEN_SCALE_FACTORS": "1;2"},
        {"QT_SCREEN_SCALE_FACTORS": "eDP-1=1.25;HDMI-1=1"},
    ],
)
def test_a_desktops_usual_scales_are_kept(environ: dict[str, str]) -> None:
    assert unusable_scale(environ) == []


def test_render_with_a_zero_scale_factor_draws_the_picture_and_says_what_it_left_out(tmp_path: Path) -> None:
    out = tmp_path / "first.png"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        "QT_QPA_PLATFORM": "offscreen",
        "QT_SCALE_FACTOR": "0",
    }
    state = str(tmp_path / "state")
    size = ["--width", "800", "--height", "450"]
    proc = subprocess.run(
        [sys.executable, "-m", "warroom", "--data-dir", state, "render", "first", "--out", str(out), *size],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "QT_SCALE_FACTOR" in proc.stderr
    assert struct.unpack(">II", out.read_bytes()[16:24]) == (800, 450)
