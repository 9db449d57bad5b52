"""Issue 16, eleventh pass: names holding an invisible character (a zero-width space, a soft hyphen copied from a
web page) are found typed without it. Contest, candidate and party names may hold one (pollster and scenario names may
not), and the window and `warroom contests` draw it as nothing; typed as seen, the name was not found."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from tests.conftest import TOY
from warroom.bootstrap import open_store
from warroom.core.csvformat import parse_polls_csv
from warroom.store import contests as contests_repo
from warroom.store import polls as repo

HIDDEN = replace(
    TOY,
    name="Toyton\u200b Mayor",
    candidates=(replace(TOY.candidates[0], name="Ann R\u00aded"), *TOY.candidates[1:]),
)


def test_a_contest_whose_name_holds_an_invisible_character_is_found_as_it_looks(tmp_path: Path) -> None:
    """`warroom --contest "Toyton Mayor" polls` said "no contest named 'Toyton Mayor'" beside `warroom contests`
    listing a race drawn exactly so. Names are unique as they look (store.contests), so one matches."""
    store = open_store(tmp_path / "polls.sqlite3", backup_dir=None, seed=False)
    try:
        with store.sessions.begin() as s:
            cid = contests_repo.create_contest(s, HIDDEN)
        with store.sessions() as s:
            found = repo.get_contest(s, "Toyton Mayor")
            assert found is not None and found.id == cid
            assert repo.get_contest(s, "toyton  mayor ") is not None
            assert repo.get_contest(s, "Toyton Mayors") is None
    finally:
        store.close()


def test_a_poll_column_naming_a_candidate_with_an_invisible_character_finds_him() -> None:
    """'first:Ann Red' was "unknown candidate 'Ann Red'" for a candidate shown as Ann Red (a soft hyphen inside)."""
    text = "pollster,fieldwork_end,first:Ann Red,first:bob,first:cat\nAcme,2024-03-02,45,40,15\n"
    result = parse_polls_csv(text, HIDDEN, today=date(2024, 4, 1))
    assert result.ok, result.errors
    assert result.polls[0].first_round == {"ann": 45.0, "bob": 40.0, "cat": 15.0}
