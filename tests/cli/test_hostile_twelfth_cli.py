"""Issue 16, leftovers of the eleventh pass (tests/core/test_hostile_twelfth_inputs.py has the core's): a pollster written two ways in the CLI's house effects table, a result CSV in Windows-1252 or UTF-16.
Each test failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import run
from tests.conftest import TOY, make_poll

SPELLINGS = ("YouGov", "yougov", "YOUGOV", "\uff39\uff4f\uff55\uff27\uff4f\uff56", "YouGov\u00a0", " YouGov\u2009 ")


def _polls(names: tuple[str, ...]) -> list:
    """Two other firms and YouGov (written as `names`, one poll each) reading Ann 4 points high."""
    out = []
    for day in range(1, 13):
        for firm, a in (("Acme", 44), ("Bcme", 43)):
            out.append(make_poll(day, firm, a=a, b=41, c=100 - a - 41))
    out += [make_poll(2 * k + 1, name, a=48, b=39, c=13) for k, name in enumerate(names)]
    return out


def _store_with_toy(tmp_path: Path) -> list[str]:
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import contests as contests_repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    with store.sessions.begin() as s:
        contests_repo.create_contest(s, TOY)
    store.close()
    return ["--data-dir", str(tmp_path)]


def test_the_cli_reads_a_windows_1252_result_csv_as_it_reads_a_poll_csv(tmp_path: Path) -> None:
    """French Excel writes 4\u00a0500 with a no-break space: byte A0 in Windows-1252, "not UTF-8 text" before."""
    state = _store_with_toy(tmp_path)
    source = tmp_path / "result.csv"
    source.write_bytes(
        "candidate;x\n".replace(";x", ",first_round,final_round").encode()
        + ("Ann Red,4\u00a0500,5\u00a0000\nbob,4\u00a0000,4\u00a0700\nGreen,1\u00a0500,\n".encode("cp1252"))
    )
    code, out, err = run("contest", "result", TOY.name, "--from", str(source), *state)
    assert code == 0, err
    code, out, err = run("contest", "show", TOY.name, "--json", *state)
    assert code == 0 and "5000" in out


def test_the_cli_names_a_utf16_result_csv_as_the_poll_import_does(tmp_path: Path) -> None:
    from warroom.core.infile import decode_csv_bytes

    state = _store_with_toy(tmp_path)
    data = "candidate,first_round,final_round\nAnn Red,4500,5000\n".encode("utf-16")
    source = tmp_path / "result.csv"
    source.write_bytes(data)
    code, _out, err = run("contest", "result", TOY.name, "--from", str(source), *state)
    with pytest.raises(ValueError) as info:
        decode_csv_bytes(data)
    assert code == 1 and str(info.value) in err and "CSV UTF-8" in err


def test_the_cli_average_house_effects_table_lists_a_firm_once(tmp_path: Path) -> None:
    state = _store_with_toy(tmp_path)
    lines = ["pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat"]
    for p in _polls(SPELLINGS):
        lines.append(
            f'"{p.pollster}",{p.fieldwork_start},{p.fieldwork_end},1000,{p.first_round["ann"]:g},'
            f"{p.first_round['bob']:g},{p.first_round['cat']:g}"
        )
    csv_file = tmp_path / "polls.csv"
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _out, err = run("import", str(csv_file), "--contest", TOY.name, *state)
    assert code == 0, err
    code, out, err = run("average", "--contest", TOY.name, "--json", *state)
    assert code == 0, err
    assert set(json.loads(out)["house_effects_first_round_leader"]) == {"Acme", "Bcme", "YouGov"}
