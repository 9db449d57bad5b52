"""Issue 16, a fresh pass on a `--db` team store that cannot be reached at a start. A SQLite team store on a
network drive not connected (its folder gone, or an empty mount point) was made anew, seeded with the demo races,
by the app and by an import, without a word: the team's polls seemed gone.
A store that could not be reached said nothing of where a way back is kept. Each test failed before its fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from tests.conftest import TOY, make_poll
from warroom.paths import AppPaths
from warroom.store import polls as repo


def _team_store(tmp_path: Path) -> tuple[AppPaths, Path, int]:
    """A team store on a 'drive' (tmp/share), opened here twice with polls (so two backups are kept)."""
    from warroom.bootstrap import open_store

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    team = tmp_path / "share" / "team.sqlite3"
    team.parent.mkdir()
    store = open_store(team, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1), make_poll(3, pollster="Beta")])
    store.close()
    open_store(team, backup_dir=paths.backup_dir, seed=False).close()  # this start's backup holds the polls
    return paths, team, cid


@pytest.mark.parametrize("unmounted", ["folder gone", "empty mount point"])
def test_a_team_store_whose_drive_is_not_connected_is_not_made_anew_and_its_backup_is_offered(
    tmp_path: Path, unmounted: str
) -> None:
    from warroom.app import open_with_recovery

    paths, team, cid = _team_store(tmp_path)
    shutil.rmtree(team.parent)
    if unmounted == "empty mount point":
        team.parent.mkdir()
    asked: list[str] = []
    told: list[str] = []
    refused = open_with_recovery(
        str(team), paths, ask=lambda _t, q: asked.append(q) and False, tell=lambda _t, m: told.append(m)
    )
    assert refused is None and not told
    assert not team.exists() and not (team.parent.exists() and unmounted == "folder gone")  # nothing made
    assert len(asked) == 1 and f"{team} is not there, but it was opened here before" in asked[0]
    newest = sorted(paths.backup_dir.rglob("team-*.sqlite3"))[-1]
    assert str(newest) in asked[0], asked[0]  # where the way back is, whole
    opened = open_with_recovery(str(team), paths, ask=lambda _t, _q: True, tell=lambda _t, m: told.append(m))
    assert opened is not None and not told
    with opened.sessions() as s:  # a copy of the backup, with the team's polls, in the data folder
        assert sorted(p.pollster for p in repo.list_polls(s, cid)) == ["Acme", "Beta"]
    opened.close()
    assert not team.exists()


def test_the_apps_own_store_deleted_is_still_made_afresh(tmp_path: Path) -> None:
    """Held: the data folder's own store, deleted on purpose, is made afresh at the next start as before."""
    from warroom.app import open_with_recovery
    from warroom.bootstrap import open_store

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    open_store(paths.database, backup_dir=paths.backup_dir).close()
    open_store(paths.database, backup_dir=paths.backup_dir).close()
    paths.database.unlink()
    opened = open_with_recovery(paths.database, paths, ask=lambda _t, _q: pytest.fail("asked"), tell=pytest.fail)
    assert opened is not None and paths.database.exists()
    opened.close()


def test_an_import_into_a_team_store_whose_drive_is_not_connected_makes_nothing(tmp_path: Path) -> None:
    paths, team, _cid = _team_store(tmp_path)
    data = str(tmp_path / "state")
    csv = tmp_path / "polls.csv"
    ok("--data-dir", data, "--db", str(team), "export", "--contest", TOY.name, str(csv))
    shutil.rmtree(team.parent)
    code, _out, err = run("--data-dir", data, "--db", str(team), "import", "--contest", TOY.name, str(csv))
    assert code != 0 and "is not there, but it was opened here before" in err, err
    assert str(sorted(paths.backup_dir.rglob("team-*.sqlite3"))[-1]) in err
    assert not team.parent.exists()  # no folder, no store seeded with the demo races, no import into it
    code, _out, err = run("--data-dir", data, "--db", str(team), "contests")  # a verb that reads says it too
    assert code != 0 and "opened here before" in err and not team.parent.exists()


def test_a_team_store_that_cannot_be_read_names_its_newest_backup(tmp_path: Path, monkeypatch) -> None:
    """A store on a network drive that answers with an I/O error (a stale NFS handle, a dropped SMB share)."""
    import warroom.bootstrap
    from warroom.app import open_with_recovery
    from warroom.store.errors import StoreError

    paths, team, _cid = _team_store(tmp_path)

    def io_error(target, **_kw):  # type: ignore[no-untyped-def]
        raise StoreError("the poll store could not be read or written (the disk reported an error)", kind="io")

    monkeypatch.setattr(warroom.bootstrap, "open_store", io_error)
    told: list[str] = []
    assert open_with_recovery(str(team), paths, ask=pytest.fail, tell=lambda _t, m: told.append(m)) is None
    newest = sorted(paths.backup_dir.rglob("team-*.sqlite3"))[-1]
    assert len(told) == 1 and "Its newest automatic backup, written " in told[0] and str(newest) in told[0]
    assert "copy it and start warroom with --db on the copy" in told[0]


def test_a_server_store_that_cannot_be_reached_says_where_the_changes_not_saved_to_it_are(tmp_path: Path) -> None:
    from warroom.app import open_with_recovery
    from warroom.core.types import UnsavedChange
    from warroom.store.db import redacted
    from warroom.store.recovery import RECOVERY_FILE_NAME, write_unsaved

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    url = "postgresql+psycopg://ann:s3cr3t@127.0.0.1:1/team?connect_timeout=3"  # (port 1: nothing listens)
    kept = paths.data_dir / RECOVERY_FILE_NAME
    change = UnsavedChange("add", (make_poll(5, pollster="Typed offline"),), 1, TOY.name)
    write_unsaved(kept, [change, change], redacted(url))
    told: list[str] = []
    assert open_with_recovery(url, paths, ask=pytest.fail, tell=lambda _t, m: told.append(m)) is None
    assert len(told) == 1 and "could not be reached" in told[0] and "s3cr3t" not in told[0]
    assert f"2 changes not saved to this store are kept in {kept} and offered again when it opens" in told[0]
    assert "warroom keeps no copy of a server's store" in told[0]
    assert kept.exists()  # left as it was, for the next start
