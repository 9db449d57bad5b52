"""Fifteenth hostile pass, store: an event marker is deleted only through the race it belongs to."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.conftest import TOY
from warroom.core.types import Annotation
from warroom.store import polls as repo
from warroom.store.db import make_engine, make_session_factory, upgrade
from warroom.store.errors import StoreError


def test_deleting_another_races_marker_by_its_number_is_refused_and_the_marker_kept(store_url: str) -> None:
    """delete_annotation took only the marker's number: a window (or script) open on race A, handed a number
    that is now race B's marker (SQLite reuses numbers), deleted the teammate's marker in B without a word."""
    engine = make_engine(store_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        a = repo.add_contest(s, TOY)
        b = repo.add_contest(s, replace(TOY, name="Second race"))
        own = repo.add_annotation(s, a, Annotation(date(2024, 3, 1), "our debate"))
        theirs = repo.add_annotation(s, b, Annotation(date(2024, 3, 2), "their launch"))
    with pytest.raises(StoreError, match="Second race") as refused, sessions.begin() as s:
        repo.delete_annotation(s, a, theirs)
    assert refused.value.kind == "conflict"
    assert "nothing was deleted" in str(refused.value)
    with sessions.begin() as s:
        assert [m.text for m in repo.list_annotations(s, b)] == ["their launch"]
        repo.delete_annotation(s, a, own)  # its own race's marker: deleted
    with sessions() as s:
        assert repo.list_annotations(s, a) == []
        assert [m.text for m in repo.list_annotations(s, b)] == ["their launch"]
    engine.dispose()
