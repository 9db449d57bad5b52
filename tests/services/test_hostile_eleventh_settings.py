"""Hostile pass 11 (issue 16), settings: set-aside files and settings of a deleted contest."""

from __future__ import annotations

import os
import sys
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


def _prefs_on(tmp_path: Path) -> tuple[object, object, object, object]:
    from warroom.bootstrap import open_store
    from warroom.services.contest_preferences import ContestPreferences
    from warroom.services.poll_service import PollService

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=None, seed=False)
    service = PollService(store.sessions, watch=False)
    settings = open_settings(paths)
    prefs = ContestPreferences(settings, service)
    service.contest_loaded.connect(prefs.set_contest)
    return store, service, settings, prefs


def test_a_new_contest_under_a_deleted_ones_id_never_inherits_its_settings(qapp, tmp_path: Path) -> None:
    """Per-contest settings (meeting mode's views, `contest/ID/presentation_views`) were keyed by the contest's id
    alone, and SQLite gives a deleted contest's id (the largest) to the next contest made: a race made after
    a teammate (or the window) deleted another one opened with the deleted race's meeting views, a saved
    scenario of the deleted race among them ("No saved scenario named ..." on the projector). The settings now
    carry the creation time of the contest they were made for; another contest under that id gets none of them,
    and they are dropped."""
    from dataclasses import replace

    from sqlalchemy import text

    from tests.conftest import TOY
    from warroom.store import contests
    from warroom.store import polls as repo

    store, service, settings, prefs = _prefs_on(tmp_path)
    shown: list[list[str]] = []
    prefs.presentation_views_changed.connect(shown.append)
    with store.sessions.begin() as s:
        old = repo.add_contest(s, TOY)
        s.execute(text("UPDATE contest SET created_at = '2026-01-05 09:00:00' WHERE id = :i"), {"i": old})
    service.open_contest(old)
    prefs.set_presentation_views(["answer", "scenario:Tie him"])
    assert shown[-1] == ["answer", "scenario:Tie him"]
    with store.sessions.begin() as s:  # a teammate deletes the race and makes another
        contests.delete_contest(s, old)
        new = contests.create_contest(s, replace(TOY, name="Another race"))
    assert new == old  # SQLite's spare id
    service.open_contest(new)
    assert shown[-1] == ["answer", "charts", "scenario"], shown  # the app's own default, none of the deleted race's
    assert "scenario:Tie him" not in repr([settings.qsettings.value(k) for k in settings.qsettings.allKeys()])
    store.close()


def test_a_contests_settings_survive_its_rename_and_settings_from_before_are_kept(qapp, tmp_path: Path) -> None:
    """The same contest renamed keeps its settings; settings written before they carried the contest's creation
    time (an existing user's settings.ini) are kept for the contest under their id."""
    from dataclasses import replace

    from tests.conftest import TOY
    from warroom.store import contests
    from warroom.store import polls as repo

    store, service, settings, prefs = _prefs_on(tmp_path)
    shown: list[list[str]] = []
    prefs.presentation_views_changed.connect(shown.append)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
    settings.qsettings.setValue(f"contest/{cid}/presentation_views", "charts,answer")  # an older version's line
    service.open_contest(cid)
    assert shown[-1] == ["charts", "answer"]
    with store.sessions.begin() as s:
        contests.update_contest(s, cid, replace(TOY, name="Renamed race"))
    service.open_contest(cid)
    assert shown[-1] == ["charts", "answer"]
    store.close()


def test_settings_saved_after_their_folder_was_deleted_stay_private(qapp, tmp_path: Path, open_umask: None) -> None:
    """The settings folder deleted while the app runs (a clean-up tool, `rm -r ~/.config/warroom`): QSettings made
    it again with the umask's mode and the file with 0666 less the umask (0755 and 0644, under umask 000 0777 and
    0666: anyone could read the race's name or swap the file), where the app makes its folders 0700 and the file
    0600. Every change now puts back an owner-only folder and file before QSettings saves into them."""
    import shutil
    import stat

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    settings = open_settings(paths)
    settings.theme = "dark"
    settings.sync()
    shutil.rmtree(paths.config_dir)
    settings.contest = "London Mayor 2012"
    settings.set_for_contest(3, "presentation_views", "answer")
    settings.sync()
    assert settings.qsettings.status() == settings.qsettings.Status.NoError
    assert "London Mayor 2012" in paths.settings_file.read_text(encoding="utf-8")  # saved
    assert stat.S_IMODE(paths.config_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.settings_file.stat().st_mode) == 0o600
    paths.settings_file.unlink()  # the file alone deleted, then a geometry saved as the window closes
    from PySide6.QtCore import QByteArray

    settings.set_geometry("main", QByteArray(b"abc"))
    settings.sync()
    assert stat.S_IMODE(paths.settings_file.stat().st_mode) == 0o600


def test_a_scratch_settings_folder_that_cannot_be_removed_never_fails_the_work_done(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`warroom render` keeps the user's settings unchanged by working on a copy in a scratch folder: removing it
    afterwards failed under `ulimit -n 12` (too many open files) after the picture had been written, and the verb
    ended in an error. The scratch folder is a temporary copy: failing to remove it fails nothing."""
    import errno
    import shutil

    from warroom.services.settings import settings_unchanged

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    real = shutil.rmtree

    def out_of_handles(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "warroom-settings-" not in str(path):
            return real(path, *args, **kwargs)
        try:
            raise OSError(errno.EMFILE, "Too many open files", str(path))
        except OSError:
            onerror = kwargs.get("onerror")
            if onerror is None:
                raise
            onerror(os.scandir, path, sys.exc_info())  # as rmtree reports each failure, inside its except

    monkeypatch.setattr(shutil, "rmtree", out_of_handles)
    with settings_unchanged(open_settings(paths)) as copy:
        copy.theme = "dark"
    assert open_settings(paths).theme == "system"
