"""The window's save dialogs never write an export over the poll store (or its -wal file): the dialog asks before
replacing a file, but not that this file is the live store, which a CSV or PNG written over it would destroy."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from warroom.bootstrap import open_store
from warroom.paths import AppPaths


def _answer_save_dialog(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


@pytest.mark.parametrize("companion", ["", "-wal"])
@pytest.mark.parametrize("dialog", ["polls_csv", "briefing_pdf", "chart"])
def test_a_save_dialog_aimed_at_the_store_writes_nothing(
    room, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialog: str, companion: str
) -> None:
    store_file = AppPaths.under(tmp_path).database
    target = Path(str(store_file) + companion)
    before = target.read_bytes() if target.exists() else None
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    briefings: list[Path] = []
    room.window.briefing_requested.connect(briefings.append)
    _answer_save_dialog(monkeypatch, target)
    if dialog == "polls_csv":
        room.window.choose_export()
    elif dialog == "briefing_pdf":
        room.window._choose_briefing()
    else:
        room.window.export_view_dialog(room.window.charts, "svg")

    assert errors and "poll store itself" in errors[0]
    assert briefings == []
    assert (target.read_bytes() if target.exists() else None) == before
    again = open_store(store_file, backup_dir=None, seed=False)  # still a store, with its polls
    try:
        from warroom.store import polls as repo

        with again.sessions() as s:
            assert repo.count_contests(s) == 1
    finally:
        again.close()


def test_an_ordinary_export_still_works(room, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out" / "polls.csv"
    out.parent.mkdir()
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    _answer_save_dialog(monkeypatch, out)
    room.window.choose_export()
    qtbot.waitUntil(lambda: room.window.exporting is None)  # (written on a worker)
    assert errors == []
    assert out.read_text(encoding="utf-8").startswith("pollster") or out.stat().st_size > 0
