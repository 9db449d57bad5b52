"""Hostile pass 7 (issue 16), command line: where exports go."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli._run import run


@pytest.mark.parametrize(
    "verb",
    [
        ("render", "first", "--out", "{}/x.png"),
        ("render", "lead1", "--out", "{}/x.svg"),
        ("export", "{}/polls.csv"),
        ("export", "--contest", "London Mayor 2012", "--bundle", "{}/campaign.json"),
        ("contest", "export", "London Mayor 2012", "--out", "{}/race.toml"),
    ],
    ids=["render png", "render svg", "export csv", "export bundle", "contest export"],
)
def test_an_export_into_a_folder_that_does_not_exist_is_refused_by_every_verb_as_by_the_window(
    db: list[str], tmp_path: Path, verb: tuple[str, ...]
) -> None:
    """`warroom render first --out nodir/x.png` made the missing folder (and any above it: a typo in a path made a
    tree of folders), while `warroom export nodir/polls.csv` and the window's save dialogs refuse it. One rule, the
    window's: the folder must exist; the message names the file and the missing folder, nothing is made."""
    missing = tmp_path / "nodir" / "deeper"
    argv = [a.format(missing) for a in verb]
    target = Path(next(a for a in argv if str(missing) in a))
    code, _out, err = run(*db, *argv)
    assert code != 0, err
    assert "Errno" not in err and "Traceback" not in err, err
    assert str(target) in err and "does not exist" in err and "nothing written" in err, err
    assert not (tmp_path / "nodir").exists()


def test_export_dash_writes_the_csv_to_standard_output_and_other_verbs_refuse_it(
    db: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`warroom export -` made a file named "-" in the current folder (and said "17 polls exported to -"), where
    every other command-line tool reads "-" as standard output; the picture and bundle verbs did the same. The CSV
    goes to standard output; a verb that cannot write there says so and makes nothing."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*db, "export", "-")
    assert code == 0, err
    assert out.startswith("pollster,") and out.count("\n") == 18, out[:200]  # the header and the 17 demo polls
    assert not (tmp_path / "-").exists()
    for argv in (
        ("render", "first", "--out", "-"),
        ("export", "--contest", "London Mayor 2012", "--bundle", "-"),
        ("contest", "export", "London Mayor 2012", "--out", "-"),
    ):
        code, _out, err = run(*db, *argv)
        assert code != 0 and "standard output" in err and "nothing written" in err, (argv, err)
        assert not (tmp_path / "-").exists(), argv


@pytest.mark.parametrize("name", ["new\nline.csv", "tab\there.csv", "esc\x1b[31m.csv", "rlo\u202ecsv.exe"])
def test_an_export_file_name_with_a_control_character_is_refused(db: list[str], tmp_path: Path, name: str) -> None:
    """`warroom export $'new\\nline.csv'` wrote a file whose name has a line break in it, then printed "exported to
    new" and "line.csv" on two lines; a terminal escape or a right-to-left override in a name shows as another name.
    Refused, naming it escaped, nothing written."""
    code, _out, err = run(*db, "export", str(tmp_path / name))
    assert code != 0 and "control character" in err and "nothing written" in err, err
    assert "\n" not in err.rstrip("\n") and "\x1b" not in err and "\u202e" not in err, repr(err)
    assert [p.name for p in tmp_path.iterdir() if p.name != "state"] == []


def test_an_export_over_a_backup_or_the_settings_file_is_refused(db: list[str], tmp_path: Path) -> None:
    """`warroom export` refused the store and its -wal/-shm/-journal, but wrote over anything else in the app's
    folders: a tab completion in the data folder replaced a backup (the one way back after a bad import) with CSV
    text, or the settings file with a picture. The backup folder and the settings file are the app's own."""
    code, _out, err = run(*db, "polls")  # a first start: the store, its first backup and the settings file
    assert code == 0, err
    state = tmp_path / "state"
    backups = sorted((state / "data" / "backups").iterdir())
    assert backups, "a new store is backed up"
    settings = state / "config" / "settings.ini"
    settings.write_text("[view]\ntheme=dark\n")
    before = {p: p.read_bytes() for p in (*backups, settings)}
    for argv in (
        ("export", str(backups[0])),
        ("export", str(state / "data" / "backups" / "mine.csv")),
        ("render", "first", "--out", str(state / "data" / "backups" / "x.png")),
        ("export", str(settings)),
        ("contest", "export", "London Mayor 2012", "--out", str(settings)),
    ):
        code, _out, err = run(*db, *argv)
        assert code != 0 and "nothing written" in err and ("backup" in err or "settings" in err), (argv, err)
    assert {p: p.read_bytes() for p in (*backups, settings)} == before
    assert sorted((state / "data" / "backups").iterdir()) == backups


@pytest.mark.parametrize(
    "argv",
    [
        ("export", ""),
        ("export", "--contest", "London Mayor 2012", "--bundle", ""),
        ("render", "first", "--out", " "),
        ("contest", "export", "London Mayor 2012", "--out", ""),
    ],
    ids=["export", "bundle", "render", "contest export"],
)
def test_an_empty_output_file_name_is_named_as_empty(
    db: list[str], argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """`warroom export "$OUT"` with OUT unset said ".: cannot write (is a folder, not a file)": the empty name was
    read as the current folder. It is an empty file name, said at the option (argparse's usage error, exit 2)."""
    with pytest.raises(SystemExit) as info:
        run(*db, *argv)
    err = capsys.readouterr().err
    assert info.value.code == 2 and "empty file name" in err and ".: cannot write" not in err, err
