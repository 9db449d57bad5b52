"""A verb that only reads never makes a store, whatever form the `--db` takes (f4's pass, issue 16).

The rule had been written for a plain path and a plain `sqlite:///PATH` URL only, by reading the text: a query
string (`?timeout=5`), a driver (`sqlite+pysqlite:///`), a `file:` URI or a PostgreSQL database with nothing in
it made a new store seeded with the demo races, which a read verb then listed as if it were the team's; and a
percent-encoded URL naming a store that is there (`my%20store.sqlite3`, which SQLAlchemy reads as
`my store.sqlite3`) was refused as "no poll store there" by the read verbs while the write verbs opened it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from tests.cli._run import run

POLLS = (
    "pollster,fieldwork_start,fieldwork_end,first:johnson,first:livingstone,first:other\n"
    "Zeta Polling,2012-04-01,2012-04-02,44,40,16\n"
)


@pytest.mark.parametrize(
    "form",
    [
        "sqlite:///{path}?timeout=5",
        "sqlite+pysqlite:///{path}",
        "sqlite:///file:{path}?uri=true",
        "sqlite:///file:{path}?mode=rwc&uri=true",
    ],
)
def test_a_read_verb_makes_no_store_whatever_the_url_form(tmp_path: Path, form: str) -> None:
    missing = tmp_path / "mistyped.sqlite3"
    db = ["--data-dir", str(tmp_path / "state"), "--db", form.format(path=missing)]
    for verb in (["contests"], ["polls"], ["contest", "list"]):
        code, out, err = run(*db, *verb)
        assert code == 1 and "no poll store there" in err and str(missing) in err, (verb, code, err)
        assert "London" not in out
        assert not missing.exists() and sorted(p.name for p in tmp_path.iterdir()) == [], (verb, list(tmp_path.iterdir()))  # fmt: skip


def test_an_empty_file_given_to_a_read_verb_is_not_made_a_store(tmp_path: Path) -> None:
    empty = tmp_path / "polls.sqlite3"
    empty.touch()
    code, out, err = run("--data-dir", str(tmp_path / "state"), "--db", str(empty), "contests")
    assert code == 1 and "no poll store" in err and str(empty) in err, err
    assert empty.stat().st_size == 0 and "London" not in out


def test_a_percent_encoded_url_naming_a_store_that_is_there_opens_it(tmp_path: Path) -> None:
    store = tmp_path / "my store.sqlite3"
    csv = tmp_path / "p.csv"
    csv.write_text(POLLS, encoding="utf-8")
    state = ["--data-dir", str(tmp_path / "state")]
    code, _out, err = run(*state, "--db", str(store), "import", str(csv), "--contest", "London Mayor 2012")
    assert code == 0, err
    url = "sqlite:///" + str(tmp_path).replace(" ", "%20") + "/my%20store.sqlite3"
    code, out, err = run(*state, "--db", url, "contests")
    assert code == 0 and "London Mayor 2012" in out, err
    with sqlite3.connect(store) as conn:  # the same store, not a new one beside it
        assert conn.execute("SELECT count(*) FROM poll WHERE pollster = 'Zeta Polling'").fetchone() == (1,)


def test_a_store_with_nothing_in_it_is_not_seeded_by_a_read_verb(tmp_path: Path, store_url: str) -> None:
    """An empty PostgreSQL database (as a missing SQLite file) given to a read verb is refused, nothing created
    in it; an import (a verb that writes) still makes the store there."""
    db = ["--data-dir", str(tmp_path / "state"), "--db", store_url]
    for verb in (["contests"], ["average"], ["polls"]):
        code, out, err = run(*db, *verb)
        assert code == 1 and "no poll store" in err and "London" not in out, (verb, code, err)
        if store_url.startswith("postgresql"):
            engine = create_engine(store_url)
            try:
                assert inspect(engine).get_table_names() == [], verb
            finally:
                engine.dispose()
        else:
            assert not Path(store_url).exists()
    csv = tmp_path / "p.csv"
    csv.write_text(POLLS, encoding="utf-8")
    code, _out, err = run(*db, "import", str(csv), "--contest", "London Mayor 2012")
    assert code == 0, err
    code, out, err = run(*db, "contests")
    assert code == 0 and "London Mayor 2012" in out, err


@pytest.mark.parametrize("url", ["sqlite:///~/team.sqlite3", "sqlite:///file:~/team.sqlite3?uri=true"])
def test_a_tilde_in_a_store_url_is_refused_not_made_a_folder_named_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """Only the shell expands `~`, and not inside a URL: `--db sqlite:///~/team.sqlite3 import ...` made a folder
    named `~` in the current folder and a new store in it (the polls seemed lost; `rm -rf ~` to tidy it up is a
    famous disaster). Refused naming the home folder meant, nothing made; `--db ~/team.sqlite3` (a path) works."""
    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "p.csv"
    csv.write_text(POLLS, encoding="utf-8")
    for verb in (["import", str(csv), "--contest", "London Mayor 2012"], ["contests"]):
        code, _out, err = run("--data-dir", str(tmp_path / "state"), "--db", url, *verb)
        assert code == 3 and "~" in err and str(Path.home()) in err and "Traceback" not in err, (verb, code, err)
        assert not (tmp_path / "~").exists()


def test_a_bundle_is_imported_into_a_new_store_as_a_poll_csv_is(tmp_path: Path, store_url: str) -> None:
    """`warroom --db NEW import campaign.json` (the campaign passed to another laptop's new team store) was refused
    "no poll store there ... A new store is made by a verb that writes (import, ...)": the bundle's import opened
    the store as a verb that only reads. It makes the store, as an import of a poll CSV does."""
    bundle = tmp_path / "campaign.json"
    code, _out, err = run("--data-dir", str(tmp_path / "a"), "export", "--contest", "London Mayor 2012", "--bundle", str(bundle))  # fmt: skip
    assert code == 0, err
    text = bundle.read_text(encoding="utf-8").replace('"name": "London Mayor 2012"', '"name": "Our Mayor 2012"', 1)
    bundle.write_text(text, encoding="utf-8")
    db = ["--data-dir", str(tmp_path / "b"), "--db", store_url]
    code, out, err = run(*db, "import", str(bundle))
    assert code == 0 and "new contest Our Mayor 2012: 17 polls" in out, err
    code, out, err = run(*db, "polls", "--contest", "Our Mayor 2012", "--json")
    assert code == 0, err
    import json

    assert len(json.loads(out)["polls"]) == 17


def test_a_verb_that_changes_a_stored_race_makes_no_store_at_a_mistyped_path(tmp_path: Path) -> None:
    """`warroom --db typo.sqlite3 contest edit "London Mayor 2012" --from race.toml` made a new store there, seeded
    with the demo races, edited its demo London and said "updated contest London Mayor 2012", exit 0: the team's
    race was untouched and the user told it was edited. A verb that changes a race already stored (`contest edit`,
    `contest result`, `count --save-result`, `count --save-prior`) needs the store to be there; only imports and
    `contest new` make one."""
    state = ["--data-dir", str(tmp_path / "state")]
    race = tmp_path / "race.toml"
    assert run(*state, "contest", "export", "London Mayor 2012", "--out", str(race))[0] == 0
    result = tmp_path / "result.csv"
    result.write_text(
        "candidate,first_round,final_round\njohnson,1000,1200\nlivingstone,900,1100\nother,400,\nexhausted,,0\n",
        encoding="utf-8",
    )
    ballots = tmp_path / "ballots.csv"
    ballots.write_text("count,pref1,pref2\n10,Boris Johnson,\n8,Ken Livingstone,\n", encoding="utf-8")
    typo = tmp_path / "typo.sqlite3"
    db = [*state, "--db", str(typo)]
    for verb in (
        ["contest", "edit", "London Mayor 2012", "--from", str(race)],
        ["contest", "result", "London Mayor 2012", "--from", str(result)],
        ["count", str(ballots), "--system", "sv", "--contest", "London Mayor 2012", "--save-result"],
        ["count", str(ballots), "--system", "irv", "--contest", "London Mayor 2012", "--save-prior"],
    ):
        code, out, err = run(*db, *verb)
        assert code == 1 and "no poll store there" in err and str(typo) in err, (verb, code, out, err)
        assert not typo.exists(), verb


@pytest.mark.parametrize("query", ["detect_types=1", "detect_types=3&uri=true"])
def test_a_driver_option_that_changes_what_the_store_reads_back_is_refused(tmp_path: Path, query: str) -> None:
    """`--db "sqlite:///polls.sqlite3?detect_types=1"` (a driver option SQLAlchemy passes on) made the driver turn
    every date into a Python date itself: `warroom polls` died with "TypeError: fromisoformat: argument must be
    str", a traceback. Refused naming the option, nothing opened; the options that change nothing read back
    (`timeout`, `check_same_thread`, `cached_statements`) still open the store."""
    state = ["--data-dir", str(tmp_path / "state")]
    assert run(*state, "contests")[0] == 0
    store = tmp_path / "state" / "data" / "polls.sqlite3"
    path = f"file:{store}" if "uri=true" in query else str(store)
    code, out, err = run(*state, "--db", f"sqlite:///{path}?{query}", "polls")
    assert code == 3 and "detect_types" in err and "Traceback" not in err and out == "", err
    code, out, err = run(*state, "--db", f"sqlite:///{store}?timeout=5&cached_statements=10", "polls")
    assert code == 0 and "YouGov" in out, err


def test_a_dry_run_import_makes_no_store(tmp_path: Path) -> None:
    """`warroom --db new.sqlite3 import polls.csv --dry-run` said "checked (dry run, nothing written)" and left a new
    store there, seeded with the demo races (a bundle's dry run too, once bundles made stores): a dry run writes
    nothing, so it needs the store to be there; the same import without --dry-run makes it."""
    csv = tmp_path / "p.csv"
    csv.write_text(POLLS, encoding="utf-8")
    bundle = tmp_path / "campaign.json"
    assert run("--data-dir", str(tmp_path / "a"), "export", "--contest", "London Mayor 2012", "--bundle", str(bundle))[0] == 0  # fmt: skip
    new = tmp_path / "new.sqlite3"
    db = ["--data-dir", str(tmp_path / "state"), "--db", str(new)]
    for what in ([str(csv), "--contest", "London Mayor 2012"], [str(bundle)]):
        code, out, err = run(*db, "import", *what, "--dry-run")
        assert code == 1 and "no poll store there" in err and "dry run" not in out, (what, out, err)
        assert not new.exists(), what
    code, out, err = run(*db, "import", str(csv), "--contest", "London Mayor 2012")
    assert code == 0 and new.exists(), err
