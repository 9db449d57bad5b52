"""A race with no poll of its own: the war room starts from party voting intention and says so (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDoubleSpinBox

from tests.conftest import TOY, make_poll
from tests.ui.conftest import running_room
from warroom.paths import AppPaths


@pytest.fixture
def vi_room(qtbot, tmp_path: Path) -> Iterator[object]:
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    polls = [replace(make_poll(d), first_round={}, party_vi={"R": 31.0, "B": 39.0, "G": 11.0}) for d in (1, 8, 15)]
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, polls)
    yield from running_room(qtbot, store, open_settings(paths))


def test_party_vi_baseline_is_chosen_and_personal_votes_move_it(vi_room, qtbot) -> None:
    room = vi_room
    assert room.averages.averages is None  # no first-round poll at all
    assert room.scenarios.choice.mode == "party_vi"
    panel = room.scenario_panel
    assert panel.personal_box.isVisible()
    assert "no poll of this race yet" in panel.baseline_label.text()
    assert panel.baseline_combo.currentData() == ("party_vi", None)
    bob = panel.findChild(QDoubleSpinBox, "personal_bob")
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=2000):
        bob.setValue(4.0)
    base = room.scenarios.baseline
    assert base.first_round["bob"] == pytest.approx(43.0) and base.bounce == pytest.approx(4.0)
    assert dict(room.scenarios.choice.personal) == {"bob": 4.0}
    # the message lever now peels the personal vote: full strength takes bob back to his party
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=2000):
        panel.message_slider.setValue(1000)
    assert room.scenarios.view.projection.first_round["bob"] < room.scenarios.baseline.normalised["bob"]
