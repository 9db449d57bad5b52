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
