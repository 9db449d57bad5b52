"""Hostile pass 10 (issue 16), settings: a settings file the user made read-only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from PySide6.QtCore import QSettings

from warroom.paths import AppPaths
from warroom.services.settings import open_settings


def test_a_settings_file_made_read_only_is_read_and_never_rewritten(qapp, tmp_path: Path) -> None:
    """A settings file the user made read-only (chmod a-w, to keep a layout for a meeting room's machine) was made
    writable and rewritten at the first change: mode 0444 became 0644, the contest and window layout replaced, as
    the store's read-only promise forbids for the store. Its settings are now read and kept for the session, the
    file never written, and the window says why changes will not be kept."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    mine = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    mine.setValue("data/contest", "London Mayor 2012")
    mine.setValue("view/theme", "dark")
    mine.sync()
    del mine
    os.chmod(paths.settings_file, 0o444)
    before = paths.settings_file.read_bytes()
    settings = open_settings(paths)
    assert settings.contest == "London Mayor 2012" and settings.theme == "dark"  # read as they are
    assert "read-only" in settings.notice and str(paths.settings_file) in settings.notice, settings.notice
    settings.contest = "Burlington Mayor 2009"
    settings.set_for_contest(1, "presentation_views", "answer")
    settings.sync()
    assert settings.contest == "Burlington Mayor 2009"  # this session goes on with its change
    assert paths.settings_file.read_bytes() == before
    assert stat.S_IMODE(paths.settings_file.stat().st_mode) == 0o444
    assert sorted(p.name for p in paths.settings_file.parent.iterdir()) == [paths.settings_file.name]


def test_a_writable_settings_file_is_still_written(qapp, tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    settings = open_settings(paths)
    settings.contest = "Burlington Mayor 2009"
    settings.sync()
    assert settings.notice == ""
    assert "Burlington Mayor 2009" in paths.settings_file.read_text(encoding="utf-8")


def test_a_settings_file_turned_to_binary_is_set_aside_kept_not_overwritten(qapp, tmp_path: Path) -> None:
    """A settings file whose blocks a crash zeroed (NUL bytes, as delayed allocation leaves a file written just
    before power went) or that holds bytes no editor writes (not UTF-8): QSettings read nothing of it, or
    read its keys mangled, and then wrote a new file in its place at the first change, the old one gone without a
    word. It is now set aside as `settings.ini.unreadable`, kept as it was, and the app starts on default
    settings and says so; settings are saved again."""
    for name, data in (
        ("zeroed", b"\0" * 4096),
        ("zeroed tail", b"[data]\ncontest=London Mayor 2012\n" + b"\0" * 512),
        ("not UTF-8", b"[data]\ncontest=Pr\xe9sidentielle 2022\n"),
    ):
        paths = AppPaths.under(tmp_path / name)
        paths.ensure()
        paths.settings_file.write_bytes(data)
        settings = open_settings(paths)
        aside = paths.settings_file.with_name("settings.ini.unreadable")
        assert aside.read_bytes() == data, name  # nothing lost
        assert "settings.ini.unreadable" in settings.notice and "default settings" in settings.notice, settings.notice
        assert settings.contest == ""
        settings.contest = "Burlington Mayor 2009"
        settings.sync()
        assert "Burlington Mayor 2009" in paths.settings_file.read_text(encoding="utf-8")
        assert aside.read_bytes() == data
