"""A fresh hostile pass (issue 16), command line: a store file whose name leaves no room for the files beside it.

SQLite keeps `NAME-journal`, `NAME-wal` and `NAME-shm` beside a store, and warroom `NAME-wal.owner`; a file system
takes names of at most 255 bytes. A new store named 246 to 255 bytes was made (an empty file left behind) and then
refused as "cannot be written here (read-only location or no permission)", which it was not; a name past 255 bytes
ended a writing verb in an OSError traceback (File name too long). Both are refused before anything is made, naming
the file, its length and the most it may have.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli._run import run

CONTEST = """\
[contest]
name = "Toyton Mayor"
election_date = 2024-05-02
system = "sv"

[[candidate]]
code = "ann"
name = "Ann Able"

[[candidate]]
code = "bob"
name = "Bob Baker"
"""


@pytest.mark.parametrize("length", [250, 255, 300])
def test_a_new_store_named_too_long_for_its_companion_files_is_refused_before_anything_is_made(
    tmp_path: Path, length: int
) -> None:
    contest = tmp_path / "race.toml"
    contest.write_text(CONTEST)
    store = tmp_path / "store" / ("s" * (length - len(".sqlite3")) + ".sqlite3")
    store.parent.mkdir()
    code, _out, err = run(
        "--data-dir", str(tmp_path / "state"), "--db", str(store), "contest", "new", "--from", str(contest)
    )
    assert code != 0
    assert "Traceback" not in err and "Errno" not in err, err
    assert "read-only" not in err, err
    assert f"{length} bytes" in err and "at most 245" in err and "-wal.owner" in err, err
    assert list(store.parent.iterdir()) == []  # nothing made


def test_a_store_named_as_long_as_its_companion_files_allow_is_made(tmp_path: Path) -> None:
    contest = tmp_path / "race.toml"
    contest.write_text(CONTEST)
    store = tmp_path / "store" / ("s" * (245 - len(".sqlite3")) + ".sqlite3")
    store.parent.mkdir()
    code, out, err = run(
        "--data-dir", str(tmp_path / "state"), "--db", str(store), "contest", "new", "--from", str(contest)
    )
    assert code == 0, err
    assert "created contest Toyton Mayor" in out
    code, out, err = run("--data-dir", str(tmp_path / "state"), "--db", str(store), "contests")
    assert code == 0 and "Toyton Mayor" in out, err


@pytest.mark.parametrize(
    "verb",
    [
        ("export", "{}.csv"),
        ("export", "--contest", "London Mayor 2012", "--bundle", "{}.json"),
        ("contest", "export", "London Mayor 2012", "--out", "{}.toml"),
    ],
    ids=["csv", "bundle", "contest file"],
)
def test_an_export_to_a_long_name_the_file_system_takes_is_written(tmp_path: Path, verb: tuple[str, ...]) -> None:
    """The all-or-nothing writer named its temporary file `.NAME.<16 hex>.tmp`, 22 bytes longer than the target:
    an export to a name of 234-255 bytes (which the file system takes, and which `render` wrote) was refused
    "cannot write (File name too long)"."""
    stem = str(tmp_path / ("e" * 240))
    argv = [a.format(stem) for a in verb]
    code, _out, err = run("--data-dir", str(tmp_path / "state"), *argv)
    assert code == 0, err
    written = Path(next(a for a in argv if a.startswith(stem)))
    assert written.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([written.name, "state"])  # no temporary left


def test_a_count_saved_from_a_ballot_file_named_with_a_control_is_stored_with_the_name_escaped(tmp_path: Path) -> None:
    """`count --save-result` writes the ballot file's name into the result's source, which takes no control or
    text-direction character: a file named with one was refused ("source: contains a text-direction control
    character"); its name is stored escaped, as it is shown everywhere else."""
    contest = tmp_path / "race.toml"
    contest.write_text(CONTEST)
    state = ("--data-dir", str(tmp_path / "state"))
    assert run(*state, "contest", "new", "--from", str(contest))[0] == 0
    ballots = tmp_path / "ward\u202ev.csv"
    ballots.write_text("count,first,second\n60,Ann Able,Bob Baker\n40,Bob Baker,Ann Able\n")
    code, _out, err = run(*state, "--contest", "Toyton Mayor", "count", str(ballots), "--system", "sv", "--save-result")
    assert code == 0, err
    code, out, err = run(*state, "contest", "show", "Toyton Mayor")
    assert code == 0, err
    assert "warroom count of ward\\u202ev.csv" in out, out


def test_a_prior_saved_from_a_ballot_file_named_with_a_control_keeps_its_source_one_line(tmp_path: Path) -> None:
    """`count --save-prior` stored the file's name raw as the prior's source, which a bundle's prior source may not
    hold (one line of text, no control or direction character): the name is stored escaped."""
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import irv_priors

    contest = tmp_path / "race.toml"
    contest.write_text(CONTEST.replace('system = "sv"', 'system = "irv"'))
    state = ("--data-dir", str(tmp_path / "state"))
    assert run(*state, "contest", "new", "--from", str(contest))[0] == 0
    ballots = tmp_path / "ward\u202ev\n.csv"
    ballots.write_text("count,first,second\n60,Ann Able,Bob Baker\n40,Bob Baker,Ann Able\n")
    code, _out, err = run(*state, "--contest", "Toyton Mayor", "count", str(ballots), "--system", "irv", "--save-prior")
    assert code == 0, err
    paths = AppPaths.under(tmp_path / "state")
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False, create=False)
    try:
        with store.sessions() as s:
            sources = [row.source for row in s.query(irv_priors.IrvPriorRow)]
    finally:
        store.close()
    assert "ballots in ward\\u202ev\\x0a.csv" in sources, sources  # (the demo's Burlington prior beside it)
