"""Hostile pass 6 (issue 16), command line: machine output without display-only characters, Ctrl-C at any
point of the start."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

from tests.cli._run import ok
from tests.irv_fixture import IRV_CONTEST, irv_polls
from warroom.cli.common import emit_json
from warroom.core.types import bidi_isolated

FSI, PDI = "\u2068", "\u2069"
KHAN, NETANYAHU = "خان", "נתניהו"


def _rtl_irv_store(db: list[str]) -> str:
    """A store (under the CLI's --data-dir `db`) holding an instant-runoff race whose two leaders have Hebrew and
    Arabic names; returns the race's name."""
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import polls as repo

    names = {"lnp": f"صادق {KHAN}", "grn": f"בנימין {NETANYAHU}"}
    contest = replace(
        IRV_CONTEST, candidates=tuple(replace(c, name=names.get(c.code, c.name)) for c in IRV_CONTEST.candidates)
    )
    paths = AppPaths.under(Path(db[1]))
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, contest), irv_polls())
    store.engine.dispose()
    return contest.name


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [*data, *(s for v in data.values() for s in _strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def test_json_output_carries_plain_names_while_the_text_output_keeps_them_isolated(db: list[str]) -> None:
    """`warroom scenario --json` carried the isolates the core puts round a right-to-left name for display
    (FSI ... PDI, as "\\u2068...\\u2069") in its headline, break-even and round lines: a script comparing the
    headline's names with the contest's found none. Machine output carries the plain names; the text output
    keeps the isolation that lays a figure out beside its own name."""
    name = _rtl_irv_store(db)
    for verb in (["scenario"], ["scenario", "--save", "plan"], ["scenario", "--name", "plan"]):
        data = json.loads(ok(*db, *verb, "--contest", name, "--json"))
        strings = _strings(data)
        assert not [s for s in strings if FSI in s or PDI in s], verb
        assert any(f"{NETANYAHU} ahead of {KHAN}" in s for s in strings), (verb, data.get("headline"))
    text = ok(*db, "scenario", "--contest", name)
    assert f"{bidi_isolated(NETANYAHU)} ahead of {bidi_isolated(KHAN)}" in text


def test_json_keeps_what_the_data_itself_holds_and_strips_only_the_display_isolates() -> None:
    """Only a balanced isolate round text with no control in it (what bidi_isolated makes) is display dress; a
    lone isolate in the data is data, and objects written through str() lose their isolates too."""

    class Shown:
        def __str__(self) -> str:
            return f"{bidi_isolated(KHAN)} 43.0"

    out = io.StringIO()
    emit_json({bidi_isolated(KHAN): [f"{bidi_isolated(KHAN)} wins", ("lone \u2068 stays",)], "x": Shown()}, out)
    assert json.loads(out.getvalue()) == {KHAN: [f"{KHAN} wins", ["lone \u2068 stays"]], "x": f"{KHAN} 43.0"}
