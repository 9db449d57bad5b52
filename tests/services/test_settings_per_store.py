"""Meeting mode's views are kept per race of each store: a contest's id is only its store's, and they were kept per
race number in one settings file shared by every store, so a team store's race 1 and one's own race 1 shared one
choice (a copy's race applied the other's; another race under that id dropped it). Settings from before are read
once, by the store whose race they are, and no other store's race under that id takes them."""

from __future__ import annotations

from pathlib import Path

from warroom.paths import AppPaths
from warroom.services.settings import open_settings

DEFAULT = ["answer", "charts", "scenario"]


def _store(folder: Path, settings: object) -> tuple[object, object, object, int]:
    from sqlalchemy import text

    from tests.conftest import TOY
    from warroom.bootstrap import open_store, settings_key
    from warroom.services.contest_preferences import ContestPreferences
    from warroom.services.poll_service import PollService
    from warroom.store import polls as repo

    folder.mkdir(parents=True)
    store = open_store(folder / "polls.sqlite3", backup_dir=None, seed=False)
    with store.sessions.begin() as s:  # the same race made at the same time: a copy of a store, a restored one
        cid = repo.add_contest(s, TOY)
        s.execute(text("UPDATE contest SET created_at = '2026-01-05 09:00:00' WHERE id = :i"), {"i": cid})
    service = PollService(store.sessions, watch=False)
    prefs = ContestPreferences(settings, service, store=settings_key(store.target))  # type: ignore[arg-type]
    service.contest_loaded.connect(prefs.set_contest)
    return store, service, prefs, cid


def test_each_stores_race_keeps_its_own_meeting_views(qapp, tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    settings = open_settings(paths)
    team, team_service, team_prefs, team_id = _store(tmp_path / "team", settings)
    own, own_service, own_prefs, own_id = _store(tmp_path / "own", settings)
    assert team_id == own_id == 1
    shown: list[list[str]] = []
    team_prefs.presentation_views_changed.connect(shown.append)  # type: ignore[attr-defined]
    own_prefs.presentation_views_changed.connect(shown.append)  # type: ignore[attr-defined]
    team_service.open_contest(team_id)  # type: ignore[attr-defined]
    team_prefs.set_presentation_views(["answer", "scenario:Team plan"])  # type: ignore[attr-defined]
    own_service.open_contest(own_id)  # type: ignore[attr-defined]
    assert shown[-1] == DEFAULT, shown  # not the team store's choice
    own_prefs.set_presentation_views(["charts"])  # type: ignore[attr-defined]
    team_service.open_contest(team_id)  # type: ignore[attr-defined]
    assert shown[-1] == ["answer", "scenario:Team plan"]  # kept: the other store's race did not replace it
    own_service.open_contest(own_id)  # type: ignore[attr-defined]
    assert shown[-1] == ["charts"]
    team.close()  # type: ignore[attr-defined]
    own.close()  # type: ignore[attr-defined]


def test_settings_kept_before_stores_had_theirs_are_read_once(qapp, tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    settings = open_settings(paths)
    settings.qsettings.setValue("contest/1/presentation_views", "charts,answer")  # an older version's line
    first, first_service, first_prefs, first_id = _store(tmp_path / "first", settings)
    other, other_service, other_prefs, other_id = _store(tmp_path / "other", settings)
    shown: list[list[str]] = []
    first_prefs.presentation_views_changed.connect(shown.append)  # type: ignore[attr-defined]
    other_prefs.presentation_views_changed.connect(shown.append)  # type: ignore[attr-defined]
    first_service.open_contest(first_id)  # type: ignore[attr-defined]
    assert shown[-1] == ["charts", "answer"]
    assert settings.qsettings.value("contest/1/presentation_views") is None  # moved to the first store's race
    other_service.open_contest(other_id)  # type: ignore[attr-defined]
    assert shown[-1] == DEFAULT
    first_service.open_contest(first_id)  # type: ignore[attr-defined]
    assert shown[-1] == ["charts", "answer"]
    first.close()  # type: ignore[attr-defined]
    other.close()  # type: ignore[attr-defined]


def test_a_server_stores_races_keep_their_settings_however_its_url_is_typed() -> None:
    """Issue 16: the settings key of a server's store was its URL as typed (password redacted), so the default port
    written out, the host in capitals or a password given lost each race's saved settings. It is the store's
    identity (store.db.store_identity, the recovery file's key), which holds no password."""
    from warroom.bootstrap import settings_key

    one = settings_key("postgresql://ann@db.example/polls")
    assert settings_key("postgresql://ann@DB.example:5432/polls") == one
    assert settings_key("postgresql+psycopg://ann:s3cret-pw@db.example/polls") == one
    assert settings_key("postgresql://ann@db.example/polls?sslmode=require") == one
    assert settings_key("postgresql://bob@db.example/polls") != one  # (another login may see other tables)
    assert settings_key("postgresql://ann@db.example/other") != one


def test_a_relative_sqlite_path_is_the_file_it_opens_from_the_folder_typed_in(tmp_path: Path, monkeypatch) -> None:
    from warroom.bootstrap import settings_key

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    in_a = settings_key("polls.sqlite3")
    assert settings_key(f"sqlite:///{tmp_path}/a/polls.sqlite3") == in_a == settings_key(tmp_path / "a/polls.sqlite3")
    monkeypatch.chdir(tmp_path / "b")
    assert settings_key("polls.sqlite3") != in_a


def test_settings_saved_under_a_urls_former_key_are_carried_over(qapp, tmp_path: Path) -> None:
    """Settings saved under the former key (the URL as typed) are read once under the store's identity, so nobody
    loses saved choices at the update; another spelling's former key then finds them too."""
    import hashlib

    from warroom.bootstrap import former_settings_key, settings_key
    from warroom.services.contest_preferences import ContestPreferences

    typed = "postgresql://ann:pw@db.example/polls"
    old = hashlib.sha256(b"postgresql://ann:***@db.example/polls").hexdigest()[:16]
    assert former_settings_key(typed) == old
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    settings = open_settings(paths)
    store, service, _prefs, cid = _store(tmp_path / "s", settings)
    settings.qsettings.setValue(f"store/{old}/contest/{cid}/presentation_views", "charts,answer")
    prefs = ContestPreferences(
        settings,
        service,  # type: ignore[arg-type]
        store=settings_key(typed),
        former=former_settings_key(typed),
    )
    shown: list[list[str]] = []
    prefs.presentation_views_changed.connect(shown.append)
    service.contest_loaded.connect(prefs.set_contest)  # type: ignore[attr-defined]
    service.open_contest(cid)  # type: ignore[attr-defined]
    assert shown[-1] == ["charts", "answer"]
    new = settings_key(typed)
    assert settings.qsettings.value(f"store/{new}/contest/{cid}/presentation_views") == "charts,answer"
    assert settings.qsettings.value(f"store/{old}/contest/{cid}/presentation_views") is None
    store.close()  # type: ignore[attr-defined]
