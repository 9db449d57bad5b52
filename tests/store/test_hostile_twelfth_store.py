"""Issue 16, leftovers of the eleventh pass (tests/core/test_hostile_twelfth_inputs.py has the core's): a poll edited to another spelling of a stored firm on its dates.
Each test failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TOY, make_poll


def test_a_poll_edited_to_another_spelling_of_a_stored_firm_on_its_dates_is_a_duplicate(tmp_path: Path) -> None:
    """update_poll compared pollsters trimmed and case-folded only, so a fullwidth 'ＹｏｕＧｏｖ' on the dates of a
    stored YouGov poll was stored as a second poll (Poll.key and the import call them one)."""
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import contests as contests_repo
    from warroom.store import polls as repo
    from warroom.store.polls import DuplicatePollError

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    try:
        with store.sessions.begin() as s:
            cid = contests_repo.create_contest(s, TOY)
            repo.add_poll(s, cid, make_poll(1, "YouGov"))
            other = repo.add_poll(s, cid, make_poll(5, "Acme"))
        with store.sessions.begin() as s, pytest.raises(DuplicatePollError):
            repo.update_poll(s, replace(make_poll(1, "\uff39\uff4f\uff55\uff27\uff4f\uff56"), id=other))
    finally:
        store.close()
