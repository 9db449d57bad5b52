"""Issue 16, thirteenth hostile pass over back-tests, forecasts and official results, through the command line
(tests/core/test_hostile_thirteenth_results.py has the core's). Each test failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import ok, run
from tests.cli.test_contest_cli import MAYOR
from warroom.demo import DEMO_NAME


def _with_mayor(db: list[str], tmp_path: Path) -> None:
    path = tmp_path / "mayor.toml"
    path.write_text(MAYOR, encoding="utf-8")
    ok("contest", "new", "--from", str(path), *db)


def test_contest_show_and_export_take_the_contest_option(db: list[str], tmp_path: Path) -> None:
    """`contest show --contest NAME` was a usage error (exit 2: "the following arguments are required: name")
    and `contest export` alike; now --contest names the contest, and with neither the verb takes the one every
    other verb takes (the most recent of your own)."""
    _with_mayor(db, tmp_path)
    shown = json.loads(ok("contest", "show", "--contest", DEMO_NAME, "--json", *db))
    assert shown["contest"]["name"] == DEMO_NAME
    assert json.loads(ok("--contest", DEMO_NAME, "contest", "show", "--json", *db))["contest"]["name"] == DEMO_NAME
    assert ok("contest", "show", *db).startswith("Cumbria Mayor 2027\n")
    out = tmp_path / "demo.toml"
    ok("contest", "export", "--contest", DEMO_NAME, "--out", str(out), *db)
    assert f'name = "{DEMO_NAME}"' in out.read_text(encoding="utf-8")
    # A name and a --contest naming two races: refused, naming both, nothing shown.
    code, shown_text, err = run("contest", "show", "Cumbria Mayor 2027", "--contest", DEMO_NAME, *db)
    assert code == 1 and shown_text == ""
    assert "'Cumbria Mayor 2027' and --contest 'London Mayor 2012' name two contests" in err
