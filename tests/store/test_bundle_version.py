"""Issue 16: a bundle carrying a race's expected first round (`expected_turnout`, `expected_blank_null`,
`registered`) is version 3, so a warroom that does not read them says the bundle is from a newer version (update
warroom) instead of refusing an "unknown key"; this version reads versions 1-3 and refuses a newer one, saying so
and, at the command line, naming the file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.cli._run import run
from tests.core.test_contest_turnout import RACE
from warroom.store import contests as store
from warroom.store import polls as repo
from warroom.store.db import make_engine, make_session_factory, upgrade


def _bundle(tmp_path: Path, contest: object) -> dict[str, object]:
    engine = make_engine(str(tmp_path / "a.sqlite3"))
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        cid = repo.add_contest(s, contest)  # type: ignore[arg-type]
    with sessions() as s:
        bundle = store.export_bundle(s, cid)
    engine.dispose()
    return bundle


def test_a_race_with_its_expected_first_round_is_bundled_as_version_3_and_read_back(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, RACE)
    assert bundle["version"] == 3 == store.BUNDLE_VERSION
    assert store.read_bundle(json.dumps(bundle)).contest.expected == RACE.expected
    # one without them is written as before: the versions earlier warrooms read (1; 2 with a two-round campaign)
    assert _bundle(tmp_path / "b", replace(RACE, expected=None))["version"] == 1


def test_bundles_of_versions_1_and_2_are_read_as_before(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, replace(RACE, expected=None))
    for version in (1, 2):
        assert store.read_bundle(json.dumps(bundle | {"version": version})).contest.name == RACE.name


def test_a_bundle_from_a_newer_warroom_says_so_and_the_cli_names_the_file(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, RACE) | {"version": 4}
    with pytest.raises(store.ContestError, match=r"newer version of warroom.*update warroom"):
        store.read_bundle(json.dumps(bundle))
    path = tmp_path / "from-a-newer-warroom.json"
    path.write_text(json.dumps(bundle))
    code, _out, err = run("--db", str(tmp_path / "c.sqlite3"), "import", str(path))
    assert code != 0
    assert str(path) in err and "newer version of warroom" in err and "update warroom" in err, err
    assert "Traceback" not in err
