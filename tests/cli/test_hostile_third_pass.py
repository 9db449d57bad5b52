"""Issue 16, third hostile pass, through the command line: bundles, ballot files and compilations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import run


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


FRANCE = Path(__file__).resolve().parents[3] / "shared" / "data"


def _f27(tmp_path: Path) -> Path:
    data = tmp_path / "state"
    code, _, err = run("--data-dir", str(data), "import", str(FRANCE / "france-2027"), "--new-contest", "F27")
    assert code == 0, err
    return data


@pytest.mark.skipif(not (FRANCE / "france-2022").is_dir(), reason="needs the French files in ../shared/data")
def test_a_blank_new_contest_is_a_usage_error_not_the_latest_contest(tmp_path: Path, capsys) -> None:
    """`--new-contest "$RACE"` with RACE unset imported the whole 2022 campaign, and 2022's official rounds, into
    the user's own newest two-round race (the default contest) without a word."""
    data = _f27(tmp_path)
    with pytest.raises(SystemExit) as info:
        run("--data-dir", str(data), "import", str(FRANCE / "france-2022"), "--new-contest", " ")
    err = capsys.readouterr().err
    assert info.value.code == 2 and "--new-contest" in err and "empty" in err
    code, out, err = run("--data-dir", str(data), "polls", "--contest", "F27", "--json")
    assert code == 0 and len(json.loads(out)["polls"]) == 33, err


@pytest.mark.skipif(not (FRANCE / "france-2022").is_dir(), reason="needs the French files in ../shared/data")
def test_an_election_date_without_a_new_contest_is_a_usage_error(tmp_path: Path) -> None:
    """--election-date without --new-contest was ignored: the polls went into the default contest."""
    data = _f27(tmp_path)
    code, _, err = run("--data-dir", str(data), "import", str(FRANCE / "france-2022"), "--election-date", "2022-04-10")
    assert code == 2 and "--election-date" in err and "--new-contest" in err


@pytest.mark.skipif(not (FRANCE / "france-2022").is_dir(), reason="needs the French files in ../shared/data")
def test_official_rounds_of_another_election_are_refused(tmp_path: Path) -> None:
    """2022's official rounds, read from a folder imported into a 2027 race, were stored as that race's result
    (and fed its back-test)."""
    data = _f27(tmp_path)
    code, _, err = run("--data-dir", str(data), "import", str(FRANCE / "france-2022"), "--contest", "F27")
    assert code == 1 and "official round 1" in err and "2022-04-10" in err and "2027-04-11" in err
    code, out, err = run("--data-dir", str(data), "polls", "--contest", "F27", "--json")
    assert code == 0 and len(json.loads(out)["polls"]) == 33, err  # all or nothing


def test_a_count_by_another_system_is_not_saved_as_a_contests_result(tmp_path: Path) -> None:
    """Burlington's ballots counted by the Supplementary Vote (Wright wins) were saved as the official result of
    the instant-runoff race Kiss won, replacing the real one."""
    data = tmp_path / "state"
    ballots = Path(__file__).resolve().parents[2] / "resources" / "data" / "burlington_2009_mayor_ballots.csv"
    race = "Burlington Mayor 2009"
    code, before, err = run("--data-dir", str(data), "contest", "show", race, "--json")
    assert code == 0, err
    code, _, err = run(
        "--data-dir", str(data), "count", str(ballots), "--system", "sv", "--save-result", "--contest", race
    )
    assert code == 1 and "instant runoff" in err and "--system irv" in err and "nothing saved" in err
    code, after, err = run("--data-dir", str(data), "contest", "show", race, "--json")
    assert code == 0 and json.loads(after) == json.loads(before)


def test_a_ballot_count_is_not_saved_as_a_two_round_races_result(tmp_path: Path) -> None:
    data = tmp_path / "state"
    ballots = Path(__file__).resolve().parents[2] / "resources" / "data" / "london_2012_ballots.csv"
    code, _, err = run(
        "--data-dir", str(data), "count", str(ballots), "--system", "sv", "--save-result", "--contest",
        "France 2022 presidential",
    )  # fmt: skip
    assert code == 1 and "two-round" in err and "nothing saved" in err


def test_replace_where_it_would_do_nothing_is_a_usage_error(tmp_path: Path) -> None:
    """`--replace` with a bundle or an ordinary poll CSV was ignored: the user believed stored polls replaced."""
    data = tmp_path / "state"
    bundle = tmp_path / "london.json"
    assert run("--data-dir", str(data), "export", "--contest", "London Mayor 2012", "--bundle", str(bundle))[0] == 0
    code, _, err = run("--data-dir", str(data), "import", str(bundle), "--replace")
    assert code == 2 and "--replace" in err
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\n"
        "Acme,2012-04-20,2012-04-22,1000,45,40,15\n"
    )
    code, _, err = run("--data-dir", str(data), "import", str(polls), "--contest", "London Mayor 2012", "--replace")
    assert code == 2 and "--replace" in err


@pytest.mark.skipif(not (FRANCE / "france-2022").is_dir(), reason="needs the French files in ../shared/data")
def test_a_new_contest_from_a_folder_with_official_rounds_takes_their_dates(tmp_path: Path) -> None:
    """--new-contest without --election-date dated the 2022 race 11 April 2027 (the 2027 placeholder) and stored
    2022's official rounds in it."""
    data = tmp_path / "state"
    code, _, err = run("--data-dir", str(data), "import", str(FRANCE / "france-2022"), "--new-contest", "F22")
    assert code == 0, err
    code, out, err = run("--data-dir", str(data), "contest", "show", "F22", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["contest"]["election_date"] == "2022-04-10", err
    assert len(shown["official_rounds"]) == 2


def _released(fifo: Path) -> None:
    """Let a reader stuck opening `fifo` go (a writer's open completes its open), so no thread stays blocked."""
    import contextlib
    import os

    with contextlib.suppress(OSError):  # nobody was waiting
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.parametrize(
    "argv",
    [
        ["import", "{fifo}"],
        ["import", "{folder}"],
        ["count", "{cvr}", "--system", "irv", "--candidacy", "{fifo}"],
        ["scenario", "--contest", "Burlington Mayor 2009", "--prior-ballots", "{fifo}"],
    ],
)
def test_a_pipe_named_as_an_input_is_refused_at_once(tmp_path: Path, argv: list[str]) -> None:
    """`warroom import FIFO` (the compilation sniffer opened it first), a folder holding a FIFO named *.csv,
    `--candidacy FIFO` and `--prior-ballots FIFO` each waited forever for a writer."""
    import os

    from tests.store.test_hostile_files import _within

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "nsppolls_presidentielle.csv")
    cvr = tmp_path / "cvr.csv"
    cvr.write_text("Cast Vote Record,DEM Mayor Choice 1 of 1 Citywide (026916)\n1,217430\n", encoding="utf-8")
    args = [a.format(fifo=fifo, folder=folder, cvr=cvr) for a in argv]
    try:
        result = _within(10, lambda: run("--data-dir", str(tmp_path / "state"), *args))
    finally:
        _released(fifo)
        _released(folder / "nsppolls_presidentielle.csv")
    code, _, err = result  # type: ignore[misc]
    assert code in (1, 2, 3) and ("regular file" in err or "folder" in err) and "Traceback" not in err
    if "--candidacy" in argv:
        assert str(fifo) in err  # the file at fault, not the ballot file beside it
