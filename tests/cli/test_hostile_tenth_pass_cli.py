"""Hostile pass 10 (issue 16), command line: a rendered picture far larger than any size asked or allowed."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.cli._run import ok, run


def _png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


@pytest.mark.parametrize("target", ["scenario", "charts"])
def test_a_render_never_writes_a_picture_past_the_largest_side_a_picture_may_have(
    db: list[str], tmp_path: Path, target: str
) -> None:
    """`render scenario --width 16384 --height 16384` wrote a 16384 x 42515 PNG (the panel is taller than wide and
    its height follows from the width), 4.9 GB of memory and 30 s, past the 16-16384 pixels every size is held
    to; `render charts` at that size wrote 16384 x 26099. These targets take no --height now (it only reshaped the
    window they are laid out in, tests/cli/test_hostile_ninth_in_cli.py); a picture whose other side would pass
    16,384 pixels is refused naming the widest width that fits (`ui.export.widest_picture`,
    tests/ui/test_hostile_tenth_pass.py); a width within it is written as before."""
    out = tmp_path / f"{target}.png"
    code, _out, err = run(*db, "render", target, "--out", str(out), "--width", "16384", "--height", "16384")
    assert code != 0 and "--height" in err and not out.exists(), err
    ok(*db, "render", target, "--out", str(out), "--width", "1000")
    width, height = _png_size(out)
    assert width == 1000 and 16 <= height <= 16384


def test_a_render_leaves_the_windows_settings_as_they_were(db: list[str], tmp_path: Path) -> None:
    """`warroom render` builds the window offscreen and closed it as the app closes: the user's settings file was
    rewritten with the render's window size and dock layout (a 16384 x 16384 or 640 x 480 window's) and, with
    `--contest`, the race the window opens on next (`render --contest "Burlington Mayor 2009"` and the next start
    opened Burlington, not the race the user had open). A render reads the settings and writes none of them."""
    from PySide6.QtCore import QByteArray, QSettings

    ok(*db, "contests")  # the store, seeded with the demos
    settings_file = tmp_path / "state" / "config" / "settings.ini"
    mine = QSettings(str(settings_file), QSettings.Format.IniFormat)
    mine.setValue("data/contest", "London Mayor 2012")
    mine.setValue("window/main", QByteArray(b"the user's own geometry"))
    mine.setValue("view/theme", "dark")
    mine.sync()
    before = settings_file.read_bytes()
    out = tmp_path / "charts.png"
    ok(*db, "--contest", "Burlington Mayor 2009", "render", "charts", "--out", str(out), "--width", "640")
    assert out.is_file()
    assert settings_file.read_bytes() == before
    assert sorted(p.name for p in settings_file.parent.iterdir()) == ["settings.ini"]  # no copy left beside it


def test_a_saved_scenario_record_of_another_kind_is_named_not_a_traceback(db: list[str], tmp_path: Path) -> None:
    """A saved scenario whose settings hold `message_destination` as a list (another version wrote it, or an edit
    outside warroom): `warroom scenario --name` and `render briefing` ended in "AttributeError: 'list' object has no
    attribute 'items'". The first names the scenario and the field; the briefing leaves that scenario out."""
    import sqlite3

    ok(*db, "--contest", "London Mayor 2012", "scenario", "--save", "Plan")
    store = tmp_path / "state" / "data" / "polls.sqlite3"
    with sqlite3.connect(store) as con:
        con.execute(
            "UPDATE scenario SET settings_json = json_set(settings_json, '$.message_destination', json('[]'))"
            " WHERE name = 'Plan'"
        )
    con.close()
    code, _out, err = run(*db, "--contest", "London Mayor 2012", "scenario", "--name", "Plan")
    assert code != 0 and "'Plan'" in err and "message_destination must be a JSON object" in err, err
    assert "Traceback" not in err and "AttributeError" not in err
    brief = tmp_path / "brief.pdf"
    ok(*db, "--contest", "London Mayor 2012", "render", "briefing", "--out", str(brief))
    assert brief.is_file()
