"""Fifteenth hostile pass, services: the open race's Remove event marker removes only that race's markers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.conftest import TOY
from warroom.core.types import Annotation
from warroom.services.poll_service import PollService
from warroom.store import polls as repo
from warroom.store.db import StoreError, make_engine, make_session_factory, upgrade


def test_the_open_race_cannot_delete_a_marker_of_another_race_by_its_number(qtbot, store_url: str) -> None:
    """PollService.delete_annotation passed only the number down: the window open on race A, handed the number of
    a teammate's marker in race B (another window's stale list, a script), deleted it from B."""
    engine = make_engine(store_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        repo.add_contest(s, TOY)
        b = repo.add_contest(s, replace(TOY, name="Second race"))
        theirs = repo.add_annotation(s, b, Annotation(date(2024, 3, 2), "their launch"))
    service = PollService(sessions, watch=False)
    service.open_contest(TOY.name)
    with pytest.raises(StoreError, match="nothing was deleted"):
        service.delete_annotation(theirs)
    with sessions() as s:
        assert [m.text for m in repo.list_annotations(s, b)] == ["their launch"]
    own = service.add_annotation(Annotation(date(2024, 3, 1), "our debate"))
    service.delete_annotation(own)
    assert service.annotations == []
    engine.dispose()
