"""Issue 16, a fresh pass on saved cases: `warroom scenario --name` of a case naming a candidate deleted from the
race since. The window shows him by the name the case saved (tests/ui/test_hostile_fifth_pass.py); the command
line named him by the contest's names only: a deleted finalist was a KeyError traceback, anyone else his bare
code ("cat 12.0"). Failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli._run import run
from tests.conftest import TOY, make_poll
from warroom.core.types import Candidate

SHARES = {"ann": 40.0, "bob": 20.0, "cat": 12.0, "dan": 28.0}  # Ann and Dan the finalists


def _race_with_a_case_naming(tmp_path: Path, gone: str) -> list[str]:
    """A race of four with a case saved while `gone` stood; his polls then replaced, and he deleted."""
    from warroom.bootstrap import open_store
    from warroom.core.pipeline import BaselineChoice, compute_averages, default_scenario, make_baseline
    from warroom.core.pipeline import save_scenario as saved_case
    from warroom.paths import AppPaths
    from warroom.store import contests as contests_repo
    from warroom.store import polls as repo

    contest = replace(TOY, name="Toy race", candidates=(*TOY.candidates, Candidate("dan", "Dan Grey", None, "#777777")))
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    try:
        with store.sessions.begin() as s:
            cid = repo.add_contest(s, contest)
            ids = repo.add_polls(s, cid, [replace(make_poll(d), first_round=SHARES, id=None) for d in range(1, 20)])
        with store.sessions() as s:
            stored = repo.list_polls(s, cid)
        base = make_baseline(BaselineChoice(), stored, contest, compute_averages(stored, contest))
        assert (base.a, base.b) == ("ann", "dan")
        scenario = default_scenario(base, stored, contest, BaselineChoice())
        saved = saved_case("With him", BaselineChoice(), base, scenario, stored, datetime(2024, 4, 1))
        rest = {k: v for k, v in SHARES.items() if k != gone}
        with store.sessions.begin() as s:
            repo.save_scenario(s, cid, saved.name, *saved.to_dicts())
            repo.delete_polls(s, ids)
            repo.add_polls(s, cid, [replace(make_poll(d, "Other"), first_round=rest, id=None) for d in range(1, 20)])
        with store.sessions.begin() as s:
            kept = tuple(c for c in contest.candidates if c.code != gone)
            contests_repo.update_contest(s, cid, replace(contest, candidates=kept))
    finally:
        store.engine.dispose()
    return ["--data-dir", str(tmp_path / "state"), "--contest", "Toy race"]


@pytest.mark.parametrize(("gone", "shown"), [("dan", "Grey"), ("cat", "Green")])
def test_scenario_name_shows_a_deleted_candidate_by_the_name_the_case_saved(tmp_path, gone: str, shown: str) -> None:
    db = _race_with_a_case_naming(tmp_path, gone)
    code, out, err = run(*db, "scenario", "--name", "With him")
    assert code == 0 and "Traceback" not in err, err
    assert f"{shown} {SHARES[gone]:.1f}" in out  # the As polled line: his saved name and figure
    assert f"\n{gone} " not in out and f" {gone} " not in out  # never his bare code
    code, out, err = run(*db, "--json", "scenario", "--name", "With him")
    assert code == 0, err
