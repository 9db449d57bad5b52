"""Fifteenth hostile pass, CLI: `warroom contest delete` deletes only the race it asked about, and a refused
delete leaves no backup behind."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from tests.cli.test_contest_cli import MAYOR
from warroom.paths import AppPaths
from warroom.store import polls as repo
from warroom.store.db import backup_folder, list_backups, make_engine, make_session_factory


def test_contest_delete_confirmed_after_a_teammate_replaced_the_race_deletes_nothing(
    db: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`contest delete NAME` found the race, asked, took a backup and deleted by its number: a teammate deleting the
    race while the question was on the terminal and making another (SQLite gives it the same number) had theirs
    deleted, polls and all. Now refused naming the race, nothing deleted and no backup left."""
    mayor = tmp_path / "mayor.toml"
    mayor.write_text(MAYOR, encoding="utf-8")
    ok("contest", "new", "--from", str(mayor), *db)
    paths = AppPaths.under(tmp_path / "state")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def teammate(_prompt: str) -> str:
        from warroom.store import contests

        engine = make_engine(f"sqlite:///{paths.database}")
        try:
            with make_session_factory(engine).begin() as s:
                race = repo.get_contest(s, "Cumbria Mayor 2027")
                assert race is not None and race.id is not None
                contests.delete_contest(s, race.id)
                assert repo.add_contest(s, replace(race, id=None, name="Teammate's race")) == race.id
        finally:
            engine.dispose()
        return "y"

    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("builtins.input", teammate)
    code, _, err = run("contest", "delete", "Cumbria Mayor 2027", *db)
    assert code == 1 and "Cumbria Mayor 2027" in err and "nothing" in err, err
    names = [c["name"] for c in json.loads(ok("contest", "list", "--json", *db))]
    assert "Teammate's race" in names
    backups = list_backups(backup_folder(paths.database, paths.backup_dir), paths.database.stem)
    assert not [b for b in backups if "before-delete" in b.name]  # (each verb's own "open" backups aside)
