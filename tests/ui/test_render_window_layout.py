"""`warroom render window --width W --height H` draws the window the user would see at that size: the docks keep
the shares of the window they were saved with. The render resized the window before it was first shown, so the
saved dock's pixels were read as a share of the new width: a layout saved at 849 px (its scenario dock 280 px, a
third) was drawn at 1366 px with the dock still 280 px, a fifth, its text cut."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def test_render_window_keeps_the_saved_dock_share(qtbot, tmp_path: Path, monkeypatch) -> None:
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.cli import main
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings
    from warroom.ui import export

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    room = WarRoom(store, open_settings(paths), watch=False)
    room.window.resize(849, 755)
    room.window.show()
    qtbot.waitUntil(lambda: room.scenarios.view is not None)
    for _ in range(4):
        QApplication.processEvents()
        qtbot.wait(20)
    share = room.window.scenario_dock.width() / room.window.width()
    room.window.close()  # (saves its size and dock layout)
    store.close()
    assert 0.3 < share < 0.4

    seen: list[float] = []
    real = export.render_target

    def spy(window, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(window.scenario_dock.width() / window.width())
        return real(window, *args, **kwargs)

    monkeypatch.setattr(export, "render_target", spy)
    out, err = io.StringIO(), io.StringIO()
    png = tmp_path / "w.png"
    argv = ["--data-dir", str(tmp_path / "state"), "render", "window", "--out", str(png), "--width", "1366"]
    assert main([*argv, "--height", "768"], out=out, err=err) == 0, err.getvalue()
    assert seen and seen[0] == pytest.approx(share, abs=0.02)
