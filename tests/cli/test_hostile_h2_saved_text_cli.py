"""Issue 16, hostile pass h2: a saved two-round or instant-runoff case whose text fields are not text (a store row
edited by hand, or a bundle's record) is refused by `warroom scenario --name` and `warroom import BUNDLE` with the
case, the field and the record named, exit code 1 and no traceback; the bundle's import writes nothing. Each was
read with str() before (a hypothesis 5 shown as "hypothesis '5'", a label null as "None"). Failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli._run import ok, run
from warroom.demo import FRANCE_2022_NAME

BURLINGTON = "Burlington Mayor 2009"


def _edit_saved(db: list[str], contest: str, name: str, part: str, key: str, value: Any) -> None:
    """Write `value` at `key` of the saved case's baseline or settings record, as a hand edit of the store."""
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import polls as repo

    paths = AppPaths.under(Path(db[1]))
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    try:
        with store.sessions.begin() as s:
            cid = next(c.id for c in repo.list_contests(s) if c.name == contest)
            assert cid is not None
            baseline, settings = next((b, st) for n, b, st in repo.list_scenarios(s, cid) if n == name)
            (baseline if part == "baseline" else settings)[key] = value
            repo.save_scenario(s, cid, name, baseline, settings)
    finally:
        store.close()


def test_a_hand_edited_two_round_case_is_refused_naming_the_field(db: list[str]) -> None:
    fr = ["scenario", "--contest", FRANCE_2022_NAME, *db]
    ok(*fr, "--save", "Plan")
    _edit_saved(db, FRANCE_2022_NAME, "Plan", "baseline", "first_source", 2022)
    code, out, err = run(*fr, "--name", "Plan")
    assert code == 1 and out == "" and "Traceback" not in err, err
    assert "saved scenario 'Plan': first_source in its baseline record must be text, not a number 2022" in err
    _edit_saved(db, FRANCE_2022_NAME, "Plan", "baseline", "first_source", "Official first round")
    _edit_saved(db, FRANCE_2022_NAME, "Plan", "settings", "a", None)
    code, _, err = run(*fr, "--name", "Plan")
    assert code == 1 and "saved scenario 'Plan': a in its settings record must be text, not null" in err, err


def test_a_hand_edited_irv_case_is_refused_naming_the_field(db: list[str]) -> None:
    bu = ["scenario", "--contest", BURLINGTON, *db]
    ok(*bu, "--row", "montroll=wright:60,kiss:30,exhausted:10", "--save", "Plan")
    _edit_saved(db, BURLINGTON, "Plan", "baseline", "label", None)
    code, out, err = run(*bu, "--name", "Plan")
    assert code == 1 and out == "" and "Traceback" not in err, err
    assert "saved scenario 'Plan': label in its baseline record must be text, not null" in err


def test_a_bundle_with_a_case_whose_text_is_not_text_imports_nothing(db: list[str], tmp_path: Path) -> None:
    ok("scenario", "--contest", FRANCE_2022_NAME, "--save", "Home", *db)
    bundle = tmp_path / "france.json"
    ok("export", "--contest", FRANCE_2022_NAME, "--bundle", str(bundle), *db)
    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["contest"]["contest"]["name"] = "France 2022 (copy)"
    (case,) = [s for s in data["scenarios"] if s["name"] == "Home"]
    case["baseline"]["hypothesis"] = 5
    bundle.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("import", str(bundle), *db)
    assert code == 1 and "Traceback" not in err, err
    assert "saved scenario 'Home': hypothesis in its baseline record must be text, not a number 5" in err
    assert "nothing imported" in err
    assert "France 2022 (copy)" not in ok("contest", "list", *db)
