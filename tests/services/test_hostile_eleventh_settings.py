"""Hostile pass 11 (issue 16), settings: set-aside files and settings of a deleted contest."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.paths import AppPaths
from warroom.services.settings import SETTINGS_MAX_BYTES, open_settings


def _too_large(n: int) -> bytes:
    return f"[data]\ncontest=Race {n}\n[junk]\n".encode() + b"k=" + b"v" * SETTINGS_MAX_BYTES + b"\n"


def test_a_second_oversized_settings_file_keeps_the_first_set_aside_one(qapp, tmp_path: Path) -> None:
    """A settings file past SETTINGS_MAX_BYTES was moved to `settings.ini.too-large` with os.replace, so the next
    oversized one (the same fault again, or another planted file) replaced the first one set aside, which was then
    gone without a word; the other set-asides (unreadable, not a file) keep an earlier one under a numbered name.
    Every set-aside file is now kept: the earlier one moves to `settings.ini.too-large.1`."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    first, second = _too_large(1), _too_large(2)
    paths.settings_file.write_bytes(first)
    assert "settings.ini.too-large" in open_settings(paths).notice
    paths.settings_file.write_bytes(second)
    settings = open_settings(paths)
    aside = paths.settings_file.with_name("settings.ini.too-large")
    assert str(aside) in settings.notice, settings.notice
    assert aside.read_bytes() == second
    assert aside.with_name("settings.ini.too-large.1").read_bytes() == first  # nothing lost


@pytest.mark.parametrize("suffix", [".too-large", ".unreadable"])
def test_every_set_aside_kind_numbers_the_earlier_file_the_same_way(qapp, tmp_path: Path, suffix: str) -> None:
    """The same rule for every kind of set-aside file: three starts, three files kept, the newest unnumbered and
    the earlier ones numbered in the order they were set aside (`.1` the first)."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    made = []
    for n in range(3):
        data = _too_large(n) if suffix == ".too-large" else f"[data]\ncontest=R{n}\n".encode() + b"\0"
        made.append(data)
        paths.settings_file.write_bytes(data)
        open_settings(paths)
    aside = paths.settings_file.with_name("settings.ini" + suffix)
    assert aside.read_bytes() == made[2]
    assert aside.with_name(aside.name + ".1").read_bytes() == made[0]
    assert aside.with_name(aside.name + ".2").read_bytes() == made[1]
