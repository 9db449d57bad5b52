"""A backup folder that cannot take a backup is named as the fault, never the poll store (f4's pass, issue 16).

`warroom contest delete` (and File > Delete contest) take a backup first and delete nothing without it, as
promised; but with the backup folder unusable (a file in its place, no room, not writable) they said "the poll
store failed: [Errno 17] File exists: '.../backups' (.../polls.sqlite3)", or "cannot open the poll store:
permission denied (the file or its folder is not yours...)", naming the store, which was fine; a start's own
backup said the same after "this start was not backed up:".
"""

from __future__ import annotations

from pathlib import Path

from tests.cli._run import run


def test_a_delete_whose_backup_cannot_be_written_names_the_backup_folder_and_deletes_nothing(tmp_path: Path) -> None:
    state = ["--data-dir", str(tmp_path / "state")]
    assert run(*state, "contests")[0] == 0  # the store, seeded
    backups = tmp_path / "state" / "data" / "backups"
    for item in backups.iterdir():
        item.unlink()
    backups.rmdir()
    backups.write_text("not a folder\n")  # (a file where the folder was: refused even for root, unlike chmod)
    code, _out, err = run(*state, "contest", "delete", "Burlington Mayor 2009", "--yes")
    assert code != 0 and "Traceback" not in err, err
    assert "backup" in err and str(backups) in err and "not a folder" in err and "nothing deleted" in err, err
    assert "poll store failed" not in err and "Errno" not in err, err
    code, out, _err = run(*state, "contests")
    assert "Burlington Mayor 2009" in out


def test_a_start_not_backed_up_says_the_backup_folder_is_at_fault(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store

    store = tmp_path / "polls.sqlite3"
    open_store(store, backup_dir=tmp_path / "backups").close()
    (tmp_path / "backups").rename(tmp_path / "old-backups")
    (tmp_path / "backups").write_text("not a folder\n")
    opened = open_store(store, backup_dir=tmp_path / "backups")
    try:
        said = opened.backup_error or ""
    finally:
        opened.close()
    assert said.startswith("this start was not backed up") and "not a folder" in said, said
    assert "poll store failed" not in said and "Errno" not in said, said


def test_a_command_whose_start_was_not_backed_up_says_so(tmp_path: Path) -> None:
    """The window says "this start was not backed up" when the backup folder cannot take the start's copy; the
    command line said nothing, so an import ran with no way back and the user was never told."""
    state = ["--data-dir", str(tmp_path / "state")]
    assert run(*state, "contests")[0] == 0
    backups = tmp_path / "state" / "data" / "backups"
    backups.rename(tmp_path / "old-backups")
    backups.write_text("not a folder\n")
    csv = tmp_path / "p.csv"
    csv.write_text(
        "pollster,fieldwork_start,fieldwork_end,first:johnson,first:livingstone,first:other\n"
        "Zeta Polling,2012-04-01,2012-04-02,44,40,16\n",
        encoding="utf-8",
    )
    code, out, err = run(*state, "import", str(csv), "--contest", "London Mayor 2012")
    assert code == 0 and "1 polls imported" in out, err
    assert "this start was not backed up" in err and "not a folder" in err and str(backups) in err, err
