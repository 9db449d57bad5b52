"""The instant-runoff panel's "From last election's ballots…" reads what `warroom count` reads: a .blt file (the
weighted-profile format of OpenSTV and others) was read as a ballot CSV and refused on its first line, though the
command line counts it. New York City's exports (several contests, candidates by ID) get a message saying how to
read them: the command line's --save-prior, which the panel then takes its rows from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.ui.test_irv_panel import irv_room  # noqa: F401  (the fixture)

pytestmark = pytest.mark.gui

CSV = "count,p1,p2\n60,Dee Moss,Lena Park\n30,Dee Moss,Grace Nolan\n10,Dee Moss,\n"
BLT = '3 1\n60 1 2 0\n30 1 3 0\n10 1 0\n0\n"Dee Moss"\n"Lena Park"\n"Grace Nolan"\n"Riverton 2022"\n'


def _load(qtbot: Any, room: Any, monkeypatch: Any, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(room.irv.notice, timeout=10000):
        room.irv_panel.ballots_button.click()


def test_a_blt_file_gives_the_rows_its_csv_gives(qtbot: Any, irv_room: Any, tmp_path: Path, monkeypatch: Any) -> None:  # noqa: F811
    room = irv_room
    csv_path, blt_path = tmp_path / "riverton_2022.csv", tmp_path / "riverton_2022.blt"
    csv_path.write_text(CSV)
    blt_path.write_text(BLT)
    _load(qtbot, room, monkeypatch, csv_path)
    from_csv = {k: dict(v) for k, v in (room.irv.prior_rows or {}).items()}
    assert from_csv["dem"]["lnp"] == pytest.approx(60.0)
    room.irv.set_prior_rows(None)
    _load(qtbot, room, monkeypatch, blt_path)
    assert {k: dict(v) for k, v in (room.irv.prior_rows or {}).items()} == from_csv


def test_a_new_york_export_is_a_message_saying_how_to_read_it(
    qtbot: Any,
    irv_room: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    room = irv_room
    path = tmp_path / "2021P_CVR_Final.xlsx"
    path.write_bytes(b"PK\x03\x04 not read")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    before = room.irv.scenario
    with qtbot.waitSignal(room.irv.scenario_failed, timeout=10000) as blocker:
        room.irv_panel.ballots_button.click()
    message = blocker.args[0]
    assert message.startswith("2021P_CVR_Final.xlsx: New York City's cast-vote records")
    assert "--save-prior" in message and "unchanged" in message
    assert room.irv.scenario is before
