"""Issue 16, hostile pass h2: a campaign bundle edited by hand whose fields hold another JSON kind than their own
is refused naming the part, never a traceback and never read as something else. Found by putting null, numbers,
true, text, lists and objects in each field of the three demos' bundles in turn:

- `two_round.notices`, `matrices` or `official_rounds` that is no list (null, 5, true): a TypeError traceback;
- a two-round question's label, a matchup's finalist, a matrix's id, pollster, finalists, source or a row's
  electorate that is not text: read with str() (a finalist 5 stored as the candidate "5", null as "None");
- the contest's `rules.majority` null: a TypeError traceback (a contest file cannot say null; a bundle can);
- the instant-runoff prior's `format` that is not a whole number: a TypeError traceback; its
  `batch_elimination` "x" or [] read as its truth value;
- the bundle's `demo` "false" read as true.

Failed before its fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli._run import ok, run
from warroom.demo import FRANCE_2022_NAME
from warroom.store import contests as store

BURLINGTON, LONDON = "Burlington Mayor 2009", "London Mayor 2012"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The three demos' bundles, as `warroom export --bundle` writes them."""
    folder = tmp_path_factory.mktemp("h2_bundles")
    db = ["--data-dir", str(folder / "state")]
    out: dict[str, dict[str, Any]] = {}
    for name in (FRANCE_2022_NAME, BURLINGTON, LONDON):
        path = folder / "bundle.json"
        ok("export", "--contest", name, "--bundle", str(path), *db)
        out[name] = json.loads(path.read_text(encoding="utf-8"))
    return out


def _first_with_matchups(data: dict[str, Any]) -> dict[str, Any]:
    return next(n for n in data["two_round"]["notices"] if n["matchups"])


def _first_with_hypotheses(data: dict[str, Any]) -> dict[str, Any]:
    return next(n for n in data["two_round"]["notices"] if n["hypotheses"])


Edit = Callable[[dict[str, Any]], None]
CASES: list[tuple[str, Edit, str]] = [
    (FRANCE_2022_NAME, lambda d: d["two_round"].update(notices=5), "two_round.notices: must be a list"),
    (FRANCE_2022_NAME, lambda d: d["two_round"].update(matrices=None), "two_round.matrices: must be a list"),
    (FRANCE_2022_NAME, lambda d: d["two_round"].update(official_rounds=True), "two_round.official_rounds: must be"),
    (
        FRANCE_2022_NAME,
        lambda d: _first_with_hypotheses(d)["hypotheses"][0].update(label=5),
        r"two_round.notices\[\d+\]: label must be text, not a number 5",
    ),
    (
        FRANCE_2022_NAME,
        lambda d: _first_with_matchups(d)["matchups"][0].update(a=None),
        r"two_round.notices\[\d+\]: a must be text, not null",
    ),
    (
        FRANCE_2022_NAME,
        lambda d: _first_with_matchups(d)["matchups"][0].update(b=5),
        r"two_round.notices\[\d+\]: b must be text, not a number 5",
    ),
    (FRANCE_2022_NAME, lambda d: d["two_round"]["matrices"][0].update(id=5), r"matrices\[1\]: id must be text"),
    (
        FRANCE_2022_NAME,
        lambda d: d["two_round"]["matrices"][0].update(pollster=["Elabe"]),
        r"matrices\[1\]: pollster must be text",
    ),
    (FRANCE_2022_NAME, lambda d: d["two_round"]["matrices"][0].update(a=None), r"matrices\[1\]: a must be text"),
    (FRANCE_2022_NAME, lambda d: d["two_round"]["matrices"][0].update(source=5), r"matrices\[1\]: source must be"),
    (
        FRANCE_2022_NAME,
        lambda d: d["two_round"]["matrices"][0]["rows"][0].update(electorate=None),
        r"matrices\[1\]: electorate must be text",
    ),
    (FRANCE_2022_NAME, lambda d: d["contest"]["rules"].update(majority=None), "rules.majority: must be a number"),
    (BURLINGTON, lambda d: d["irv_prior"]["prior"].update(format="1"), "irv_prior: .*format"),
    (BURLINGTON, lambda d: d["irv_prior"]["prior"].update(batch_elimination="x"), "irv_prior: .*batch_elimination"),
    (BURLINGTON, lambda d: d["irv_prior"]["prior"].update(codes="kiss"), "irv_prior: .*codes"),
    (LONDON, lambda d: d.update(demo="false"), "demo must be true or false"),
]


@pytest.mark.parametrize(("race", "edit", "words"), CASES)
def test_a_bundle_field_of_another_json_kind_is_refused_naming_it(
    bundles: dict[str, dict[str, Any]], race: str, edit: Edit, words: str
) -> None:
    data = json.loads(json.dumps(bundles[race]))
    edit(data)
    with pytest.raises(store.ContestError, match=words):
        store.read_bundle(json.dumps(data))


def test_warroom_import_names_it_with_no_traceback_and_imports_nothing(
    bundles: dict[str, dict[str, Any]], db: list[str], tmp_path: Path
) -> None:
    for race, edit, _words in CASES:
        data = json.loads(json.dumps(bundles[race]))
        data["contest"]["contest"]["name"] += " (copy)"
        edit(data)
        path = tmp_path / "edited.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        code, out, err = run("import", str(path), *db)
        assert code == 1 and out == "" and "Traceback" not in err and "nothing imported" in err, (race, err)
    names = [c["name"] for c in json.loads(ok("contests", "--json", *db))]
    assert not any(n.endswith(" (copy)") for n in names)


def test_the_demos_bundles_as_written_still_read(bundles: dict[str, dict[str, Any]]) -> None:
    for data in bundles.values():
        assert store.read_bundle(json.dumps(data)).contest.name == data["contest"]["contest"]["name"]
