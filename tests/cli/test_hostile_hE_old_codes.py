"""Fresh hostile pass hE: a race stored before the rules on a code's shape (no '>' and no trailing '-' in a
candidate code, none drawn as a reserved code, no party coded OTHER) can still be edited, in the store, by a
contest file and in the contest form; a new code is held to them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from warroom.bootstrap import open_store
from warroom.core.types import Candidate, Contest, CountingSystem, Party
from warroom.paths import AppPaths
from warroom.store import contests as store
from warroom.store import polls as repo

OLD = Contest(
    "Old Race",
    date(2027, 5, 6),
    CountingSystem.SV,
    (Candidate("ann-", "Ann Alpha", "OTHER"), Candidate("b>c", "Bob Beta"), Candidate("cat", "Cat Gamma")),
    parties=(Party("OTHER", "Other Party"),),
)

OLD_FILE = """\
[contest]
name = "Old Race"
election_date = 2027-05-20
system = "sv"

[[party]]
code = "OTHER"
name = "Other Party"

[[candidate]]
code = "ann-"
name = "Ann Alpha"
party = "OTHER"

[[candidate]]
code = "b>c"
name = "Bob Beta"

[[candidate]]
code = "cat"
name = "Cat Gamma"
"""


@pytest.fixture
def old_store(tmp_path: Path) -> list[str]:
    """A store holding OLD as a store made before the rules holds it (written past Contest.problems)."""
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    opened = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with opened.sessions.begin() as s:
        repo.add_contest(s, OLD)
    opened.close()
    return ["--data-dir", str(tmp_path / "state")]


def test_the_store_edits_a_race_whose_codes_came_before_the_rules(store_url: str, paths: AppPaths) -> None:
    opened = open_store(store_url, backup_dir=paths.backup_dir, seed=False)
    try:
        with opened.sessions.begin() as s:
            cid = repo.add_contest(s, OLD)
        with opened.sessions.begin() as s:
            updated = store.update_contest(s, cid, replace(OLD, election_date=date(2027, 5, 20)))
        assert updated.election_date == date(2027, 5, 20)
        newcomer = replace(OLD, candidates=(*OLD.candidates, Candidate("d>e", "Dee Delta")))
        with opened.sessions.begin() as s, pytest.raises(store.ContestError, match=r"'d>e' holds a '>'"):
            store.update_contest(s, cid, newcomer)
    finally:
        opened.close()


def test_a_contest_file_edits_a_race_whose_codes_came_before_the_rules(old_store: list[str], tmp_path: Path) -> None:
    source = tmp_path / "old.toml"
    source.write_text(OLD_FILE, encoding="utf-8")
    assert "updated contest Old Race" in ok("contest", "edit", "Old Race", "--from", str(source), *old_store)
    source.write_text(OLD_FILE + '\n[[candidate]]\ncode = "dee-"\nname = "Dee Delta"\n', encoding="utf-8")
    code, _out, err = run("contest", "edit", "Old Race", "--from", str(source), *old_store)
    assert code != 0 and "'dee-'" in err and "nothing written" in err
    # a new race of those codes is refused, naming them
    code, _out, err = run("contest", "new", "--from", str(source), *old_store)
    assert code != 0 and "'ann-'" in err and "'b>c'" in err and "'OTHER'" in err


def test_the_contest_form_edits_a_race_whose_codes_came_before_the_rules(qtbot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from warroom.ui.contest_dialog import ContestDialog

    dialog = ContestDialog(existing=OLD, taken_names=[OLD.name], locked_codes=OLD.candidate_codes)
    qtbot.addWidget(dialog)
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(), dialog.problems()
    assert dialog.contest().candidate_codes == OLD.candidate_codes
