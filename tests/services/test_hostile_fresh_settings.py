"""Hostile pass 6 (issue 16): the settings file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from warroom.paths import AppPaths

_OPEN = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from warroom.paths import AppPaths
from warroom.services.settings import open_settings
app = QCoreApplication([])
settings = open_settings(AppPaths.under(Path(sys.argv[1])))
settings.theme = "dark"
settings.sync()
print("NOTICE:" + settings.notice)
print("THEME:" + open_settings(AppPaths.under(Path(sys.argv[1]))).theme)
"""


def _open_in_a_child(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", _OPEN, str(root)], text=True, capture_output=True, env=env, timeout=30)


@pytest.mark.parametrize("kind", ["fifo", "link to a fifo", "folder", "link to /dev/zero"])
def test_a_settings_file_that_is_not_a_file_is_set_aside_never_a_hang(tmp_path: Path, kind: str) -> None:
    """`config/settings.ini` as a FIFO (or a link to one) froze every start of the window and `warroom render`
    for ever: QSettings opens it for reading and waits for a writer. A folder there made every settings change
    vanish unsaved, silently. Whatever is there that is not a regular file is set aside, kept, renamed
    `settings.ini.not-a-file`; the app starts on default settings, says so, and saves its settings again."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    target = paths.settings_file
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link to a fifo":
        os.mkfifo(tmp_path / "pipe")
        target.symlink_to(tmp_path / "pipe")
    elif kind == "folder":
        target.mkdir()
        (target / "keep.txt").write_text("mine")
    else:
        target.symlink_to("/dev/zero")
    proc = _open_in_a_child(tmp_path)  # raises TimeoutExpired where the open waits for ever
    assert proc.returncode == 0, proc.stderr
    aside = target.with_name("settings.ini.not-a-file")
    assert f"NOTICE:The settings file {target} " in proc.stdout and "settings.ini.not-a-file" in proc.stdout
    assert "THEME:dark" in proc.stdout  # settings are kept again
    assert aside.is_symlink() or aside.exists()
    if kind == "folder":
        assert (aside / "keep.txt").read_text() == "mine"  # nothing lost
    assert target.is_file() and not target.is_symlink()


def test_an_ordinary_settings_file_or_a_link_to_one_is_used_as_it_is(tmp_path: Path) -> None:
    """A link to an ordinary file (settings kept in a synced folder) is not set aside."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    real = tmp_path / "synced.ini"
    real.write_text("[view]\ntheme=light\n")
    paths.settings_file.unlink()
    paths.settings_file.symlink_to(real)
    proc = _open_in_a_child(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "NOTICE:\n" in proc.stdout and "THEME:dark" in proc.stdout
    assert not paths.settings_file.with_name("settings.ini.not-a-file").exists()


def test_a_settings_link_to_a_file_that_is_not_settings_never_overwrites_that_file(tmp_path: Path) -> None:
    """QSettings saves by replacing a link's target: `settings.ini` linked to a user's document (a dotfiles
    mix-up) had the document replaced by `[view] theme=dark` at the first settings change, and run as root a
    link to /dev/zero replaced the system's /dev/zero with a settings file (found so on this machine). A link
    to a file that does not read as settings is set aside; the file it names is left exactly as it was."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    victim = tmp_path / "thesis.txt"
    victim.write_text("Chapter 1\n\nDear Sam,\nMy only copy of this = the only one.\n")
    before = victim.read_bytes()
    paths.settings_file.unlink()
    paths.settings_file.symlink_to(victim)
    proc = _open_in_a_child(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert victim.read_bytes() == before
    assert "settings.ini.not-a-file" in proc.stdout and str(victim) in proc.stdout and "THEME:dark" in proc.stdout
    assert paths.settings_file.with_name("settings.ini.not-a-file").is_symlink()
