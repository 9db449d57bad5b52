"""Odd environments and store URLs: a message and an exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli._run import run


@pytest.mark.parametrize("below", ["", "inner"])
def test_a_data_folder_that_cannot_be_made_is_a_message(tmp_path: Path, below: str) -> None:
    """--data-dir naming a file (or a folder under one) raised NotADirectoryError out of the CLI."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    target = blocker / below if below else blocker
    code, out, err = run("--data-dir", str(target), "contests")
    assert code == 3 and out == ""
    assert "Traceback" not in err and str(blocker) in err and "--data-dir" in err
    assert blocker.read_text() == "not a folder\n"


def test_user_folders_that_cannot_be_made_are_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """XDG_DATA_HOME (and friends) pointing under a file: the default folders cannot be made."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(blocker / "x"))
    code, out, err = run("contests")
    assert code == 3 and out == "" and "Traceback" not in err and str(blocker) in err


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///", "sqlite:///file:mem?mode=memory&uri=true"]
)
def test_an_in_memory_store_is_refused_before_anything_is_imported(tmp_path: Path, url: str) -> None:
    """`--db sqlite://` opened a store that lives in memory: `import` said "imported 17 polls" and the app
    took edits all day, and everything was gone when the process ended."""
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\n"
        "Acme,2012-04-20,2012-04-22,1000,45,40,15\n"
    )
    code, out, err = run("--data-dir", str(tmp_path / "state"), "--db", url, "import", str(polls))
    assert code == 3 and out == "" and "Traceback" not in err
    assert "in memory" in err and "nothing" in err


def test_a_contest_file_of_many_megabytes_is_refused_unread(tmp_path: Path) -> None:
    """A 50 MB contest file (one long name) took 17 s of parsing before its problems were listed; contest and
    result files are a few kilobytes, so anything past a megabyte is refused before it is read."""
    big = tmp_path / "mayor.toml"
    big.write_text('[contest]\nname = "' + "x" * 2_000_000 + '"\n')
    code, out, err = run("--data-dir", str(tmp_path / "state"), "contest", "new", "--from", str(big))
    assert code == 1 and out == "" and "larger than 1,048,576 bytes" in err and "Traceback" not in err


def test_a_dry_run_refuses_what_the_import_would_refuse(tmp_path: Path) -> None:
    """`import --dry-run` said "1 polls checked" for a file whose poll is already stored: the import that
    followed was refused. The check now includes the store's duplicates, and still writes nothing."""
    db = ["--data-dir", str(tmp_path / "state")]
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\n"
        "Acme,2012-04-20,2012-04-22,1000,45,40,15\n"
    )
    assert run(*db, "import", str(polls))[0] == 0
    again = tmp_path / "again.csv"
    again.write_text(polls.read_text().replace("Acme", "ACME "))
    code, out, err = run(*db, "import", str(again), "--dry-run")
    assert code == 1 and out == "" and "already stored" in err and "line 2" in err
    code, out, _ = run(*db, "polls", "--json")
    assert out.count("ACME") == 0 and out.count("Acme") == 1


@pytest.mark.parametrize("size", [["--width", "100000", "--height", "100000"], ["--width", "0"], ["--height", "-5"]])
def test_a_render_size_no_image_can_have_is_a_usage_error(tmp_path: Path, size: list[str], capsys) -> None:
    """`render --width 100000 --height 100000` asked Qt for a 10^10-pixel picture: QPainter errors, then no
    end (killed after two minutes); 0 or a negative size gave Qt's warnings and an empty file."""
    with pytest.raises(SystemExit) as info:
        run("--data-dir", str(tmp_path / "state"), "render", "charts", "--out", str(tmp_path / "c.png"), *size)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "16 to 16384 pixels" in err and not (tmp_path / "c.png").exists() and not (tmp_path / "state").exists()


def test_the_cli_never_prints_a_terminal_escape_from_the_data(tmp_path: Path) -> None:
    """A poll CSV's pollster, a contest's notes or a result's source could hold terminal escapes ("\\x1b]0;...\\x07"
    retitles the terminal, "\\x1b[2J" clears it) and `polls` or `contest show` printed them as they were."""
    db = ["--data-dir", str(tmp_path / "state")]
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other,notes\n"
        '"Acme\x1b]0;pwned\x07",2012-04-20,2012-04-22,1000,45,40,15,"clear\x1b[2J\x9b"\n'
    )
    # A pollster holding one is refused since issue 16's fourth pass (it displays as another firm's name) ...
    code, _, err = run(*db, "import", str(polls))
    assert code == 1 and "pollster: contains an invisible or control character (U+001B" in err
    # ... and a note may still hold one: shown escaped
    polls.write_text(polls.read_text().replace("Acme\x1b]0;pwned\x07", "Acme"))
    assert run(*db, "import", str(polls))[0] == 0
    code, out, _ = run(*db, "polls", "--json")
    assert code == 0 and "Acme" in out and "\x1b" not in out and "\x9b" not in out
    toml = tmp_path / "race.toml"
    toml.write_text(
        '[contest]\nname = "Race"\nelection_date = 2027-05-06\nsystem = "sv"\nnotes = "a\\u001b[2Jb\\nline two"\n'
        '[[candidate]]\ncode = "a"\nname = "Ann A"\n[[candidate]]\ncode = "b"\nname = "Bob B"\n'
        '[result]\nfirst_round = { a = 10, b = 5 }\nsource = "x\\u009by"\n'
    )
    # A result's source holding one is refused since a later pass (a line of attribution, as every source) ...
    code, _, err = run(*db, "contest", "new", "--from", str(toml))
    assert code != 0 and "result.source" in err and "control character (U+009B)" in err, err
    toml.write_text(toml.read_text().replace("x\\u009by", "xy"))
    assert run(*db, "contest", "new", "--from", str(toml))[0] == 0
    # ... and one stored before (or edited outside warroom) is shown escaped
    import json
    import sqlite3

    with sqlite3.connect(tmp_path / "state" / "data" / "polls.sqlite3") as con:
        query = "SELECT r.id, r.result_json FROM official_result r JOIN contest c ON c.id = r.contest_id WHERE c.name = 'Race'"
        (row_id, raw) = con.execute(query).fetchone()
        kept = json.loads(raw)
        kept["source"] = "x\x9by"
        con.execute("UPDATE official_result SET result_json = ? WHERE id = ?", (json.dumps(kept), row_id))
    code, out, _ = run(*db, "contest", "show", "Race")
    assert code == 0 and "\x1b" not in out and "\x9b" not in out and "line two" in out
    assert "x\\x9by" in out, out


@pytest.mark.parametrize(
    "verb",
    [
        ["export", "{target}"],
        ["export", "--contest", "London Mayor 2012", "--bundle", "{target}"],
        ["contest", "export", "London Mayor 2012", "--out", "{target}"],
    ],
)
@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_an_export_over_the_store_itself_is_refused(tmp_path: Path, verb: list[str], suffix: str) -> None:
    """`warroom export polls.sqlite3` (a slip of tab completion in the data folder) replaced the live store
    with CSV text: the next start said "not a warroom poll store"."""
    state = tmp_path / "state"
    db = ["--data-dir", str(state)]
    assert run(*db, "contests")[0] == 0
    store = state / "data" / "polls.sqlite3"
    target = Path(str(store) + suffix)
    before = store.read_bytes()
    code, _out, err = run(*db, *[part.format(target=target) for part in verb])
    assert code == 1 and "the poll store itself" in err and "nothing written" in err
    assert store.read_bytes() == before
    code, out, _ = run(*db, "contests")
    assert code == 0 and "London Mayor 2012" in out


def test_an_export_over_a_store_named_with_db_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "team.sqlite3"
    db = ["--data-dir", str(tmp_path / "state"), "--db", f"sqlite:///{store}"]
    from warroom.bootstrap import open_store

    open_store(store, backup_dir=None).close()  # (a verb that only reads makes no store: the --db test below)
    assert run(*db, "contests")[0] == 0
    code, _out, err = run(*db, "export", str(tmp_path / "." / "team.sqlite3"))
    assert code == 1 and "the poll store itself" in err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_utf16_poll_file_is_named_as_such(tmp_path: Path, encoding: str) -> None:
    """Excel's "Unicode Text" is UTF-16: it was refused as "the file is binary, not CSV text", which sends the
    user looking for a corrupt file rather than for Save as > CSV UTF-8."""
    polls = tmp_path / "polls.csv"
    text = "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson\nAcme,2012-04-20,2012-04-22,1000,45\n"
    polls.write_bytes(
        ("\ufeff" + text).encode(encoding.replace("utf-16", "utf-16-le") if encoding == "utf-16" else encoding)
    )
    code, out, err = run("--data-dir", str(tmp_path / "state"), "import", str(polls))
    assert code == 1 and out == "" and "UTF-16" in err.replace("UTF-32", "UTF-16") and "CSV UTF-8" in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_an_empty_db_option_is_a_usage_error_not_the_default_store(tmp_path: Path, where: str, capsys) -> None:
    """`warroom --db "$TEAM_DB" import polls.csv` with the variable unset gave --db "", which meant the user's
    own default store: the polls went there without a word."""
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\n"
        "Acme,2012-04-20,2012-04-22,1000,45,40,15\n"
    )
    state = tmp_path / "state"
    argv = ["--data-dir", str(state), "--db", " ", "import", str(polls)]
    if where == "after":
        argv = ["--data-dir", str(state), "import", str(polls), "--db", ""]
    with pytest.raises(SystemExit) as info:
        run(*argv)
    assert info.value.code == 2 and "--db" in capsys.readouterr().err
    assert not (state / "data" / "polls.sqlite3").exists()


def test_an_empty_contest_option_is_a_usage_error_not_the_latest_contest(tmp_path: Path, capsys) -> None:
    """`--contest "$RACE"` with the variable unset meant the most recent contest: an import landed in the
    wrong race without a word."""
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson\nAcme,2012-04-20,2012-04-22,1000,100\n"
    )
    with pytest.raises(SystemExit) as info:
        run("--data-dir", str(tmp_path / "state"), "import", str(polls), "--contest", "")
    assert info.value.code == 2 and "--contest" in capsys.readouterr().err


@pytest.mark.parametrize("form", ["{path}", "sqlite:///{path}"])
def test_a_mistyped_db_path_given_to_a_verb_that_reads_creates_nothing(tmp_path: Path, form: str) -> None:
    """`warroom --db /x/missing/dir/polls.sqlite3 contests` made the missing folders and a new store seeded with
    the demo races, without a word, and listed the demo as if it were the team's store. A verb that only reads
    now refuses a SQLite file that is not there and creates nothing; a verb that writes (an import) still makes
    a new store."""
    missing = tmp_path / "mistyped" / "dir" / "polls.sqlite3"
    db = ["--data-dir", str(tmp_path / "state"), "--db", form.format(path=missing)]
    for verb in (["contests"], ["average"], ["polls"]):
        code, out, err = run(*db, *verb)
        assert code == 1 and "no poll store there" in err and str(missing) in err, (verb, err)
        assert "London" not in out
    assert not (tmp_path / "mistyped").exists()
    csv = tmp_path / "polls.csv"
    csv.write_text(
        "pollster,fieldwork_start,fieldwork_end,first:johnson,first:livingstone,first:other\nYouGov,2012-04-01,2012-04-02,44,40,16\n",
        encoding="utf-8",
    )
    missing.parent.mkdir(parents=True)
    code, _out, err = run(*db, "import", str(csv), "--contest", "London Mayor 2012")
    assert code == 0, err
    assert missing.exists()


@pytest.mark.parametrize("who", ["this user", "a user without root's powers"])
def test_an_export_into_a_read_only_folder_is_refused_with_one_message_for_root_and_users(
    db: list[str], tmp_path: Path, who: str
) -> None:
    """Issue 16: `warroom export` into a folder the user made read-only (chmod 0555) wrote the file when run as
    root (root passes every permission) and said "cannot write (Permission denied)" otherwise. A folder with no
    write bit, or none for this process, is the user's decision whoever runs the app (paths.user_made_read_only,
    the rule a read-only store and a read-only target already follow): refused naming the folder and its mode,
    the same words for root and for a user, nothing written. The second case runs the verb in a process with
    every capability dropped (setpriv), which Linux holds to the folder's permissions as it does a user."""
    import os
    import shutil
    import subprocess
    import sys

    folder = tmp_path / "handout"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "polls.csv"
    words = f"its folder {folder} is read-only (mode 0555)"
    try:
        if who == "this user":
            code, _out, err = run(*db, "export", str(target))
        else:
            if os.geteuid() != 0 or shutil.which("setpriv") is None:
                pytest.skip("needs root and setpriv to drop root's powers")
            argv = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", sys.executable, "-m", "warroom"]
            env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}  # (this tree's warroom)
            done = subprocess.run(
                [*argv, *db, "export", str(target)], capture_output=True, text=True, timeout=120, env=env
            )
            code, err = done.returncode, done.stderr
        assert code == 1 and words in err and "nothing written" in err, err
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("system", ["nt", "posix"])
def test_an_export_into_a_folder_windows_calls_read_only_is_written_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: str
) -> None:
    """Issue 16 (review): the read-only folder rule read the folder's mode bits, and on Windows Explorer sets the
    read-only attribute on Documents and Desktop (which does not stop writes into a folder) and CPython reports
    such a folder as mode 0555: every export there was refused. On Windows the mode bits are not read (the write
    attempt's own error is the answer); elsewhere the rule stands. A writable folder that os.stat reports 0555,
    as CPython does there."""
    import os
    import stat

    from warroom.paths import write_private_atomic

    folder = tmp_path / "Documents"
    folder.mkdir()
    real_stat = os.stat

    def windows_stat(p: object, *args: object, **kwargs: object) -> os.stat_result:
        st = real_stat(p, *args, **kwargs)  # type: ignore[arg-type]
        if os.fspath(p) == str(folder):  # type: ignore[arg-type]
            return os.stat_result((stat.S_IFDIR | 0o555, *tuple(st)[1:]))
        return st

    target = folder / "polls.csv"
    monkeypatch.setattr(os, "stat", windows_stat)
    monkeypatch.setattr(os, "name", system)
    try:
        if system == "nt":
            write_private_atomic(target, "a,b\n")
        else:
            with pytest.raises(PermissionError, match="read-only \\(mode 0555\\)"):
                write_private_atomic(target, "a,b\n")
    finally:
        monkeypatch.undo()  # (pytest's own paths are made under the real os.name)
    assert [f.name for f in folder.iterdir()] == (["polls.csv"] if system == "nt" else [])
