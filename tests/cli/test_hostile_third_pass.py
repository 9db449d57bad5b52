"""Issue 16, third hostile pass, through the command line: bundles, ballot files and compilations."""

from __future__ import annotations

import io
import json
from pathlib import Path

from warroom.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _contests(data: Path) -> dict[str, dict[str, object]]:
    code, out, err = run("--data-dir", str(data), "contest", "list", "--json")
    assert code == 0, err
    return {c["name"]: c for c in json.loads(out)}


def test_a_bundle_saying_demo_does_not_make_a_users_race_a_demo(tmp_path: Path) -> None:
    """`"demo": true` in a bundle marked any race as a demo: labelled '(demo)', never the race a store opens on,
    and its result left out of the forecast error table as if it were London's, already in the shipped table.
    Only a race named as one of the shipped demos keeps the mark."""
    data = tmp_path / "state"
    bundle = tmp_path / "london.json"
    code, _, err = run("--data-dir", str(data), "export", "--contest", "London Mayor 2012", "--bundle", str(bundle))
    assert code == 0, err
    doc = json.loads(bundle.read_text(encoding="utf-8"))
    assert doc["demo"] is True
    doc["contest"]["contest"]["name"] = "My Race 2031"
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run("--data-dir", str(data), "import", str(mine))
    assert code == 0, err
    contests = _contests(data)
    assert contests["My Race 2031"]["demo"] is False and contests["London Mayor 2012"]["demo"] is True
    # the shipped demo itself, brought to a store that has lost it, is the demo again
    code, _, err = run("--data-dir", str(data), "contest", "delete", "London Mayor 2012", "--yes")
    assert code == 0, err
    code, _, err = run("--data-dir", str(data), "import", str(bundle))
    assert code == 0, err
    assert _contests(data)["London Mayor 2012"]["demo"] is True
