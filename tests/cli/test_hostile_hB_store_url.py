"""A fresh hostile pass (issue 16), command line: a sqlite:/// URL whose driver option or path cannot be read.

`--db "sqlite:///polls.sqlite3?timeout=abc"` ended every verb with "could not convert string to float: 'abc'"
(`check_same_thread=maybe`: "String is not true/false: 'maybe'"), and `sqlite:///%00` with "embedded null byte":
no option, no store named, nothing said about what to do. Each is now refused before anything is opened, naming
the option (or the NUL in the path) and the store URL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli._run import run
from tests.cli.test_hostile_hB_long_names import CONTEST


@pytest.mark.parametrize(
    ("query", "option"),
    [
        ("timeout=abc", "timeout"),
        ("check_same_thread=maybe", "check_same_thread"),
        ("cached_statements=x", "cached_statements"),
    ],
)
def test_a_driver_option_whose_value_cannot_be_read_is_named(tmp_path: Path, query: str, option: str) -> None:
    store, race = tmp_path / "team.sqlite3", tmp_path / "race.toml"
    race.write_text(CONTEST)
    state = ("--data-dir", str(tmp_path / "state"))
    assert run(*state, "--db", str(store), "contest", "new", "--from", str(race))[0] == 0
    before = store.read_bytes()
    for verb in (("contests",), ("contest", "new", "--from", str(race))):
        code, _out, err = run(*state, "--db", f"sqlite:///{store}?{query}", *verb)
        assert code != 0
        assert "Traceback" not in err, err
        assert option in err and query.partition("=")[2] in err and "nothing was opened" in err, err
        assert str(store) in err, err
    assert store.read_bytes() == before


@pytest.mark.parametrize("form", ["sqlite:///{}/a%00b.sqlite3", "sqlite:///file:{}/a%2500b.sqlite3?uri=true"])
def test_a_nul_in_a_store_urls_path_is_named(tmp_path: Path, form: str) -> None:
    code, _out, err = run("--data-dir", str(tmp_path / "state"), "--db", form.format(tmp_path), "contests")
    assert code != 0
    assert "Traceback" not in err, err
    assert "NUL" in err and "nothing was opened" in err and str(tmp_path) in err, err
