"""The installed commands: `warroom` is a console script (the verbs print, on Windows too), `warroom-gui` a
GUI script (the window without a console window)."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_console_and_gui_entry_points_are_declared() -> None:
    project = _project()
    assert project["scripts"] == {"warroom": "warroom.cli:main"}
    assert project["gui-scripts"] == {"warroom-gui": "warroom.cli:main_gui"}


def test_the_console_entry_point_prints_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    module, _, attr = _project()["scripts"]["warroom"].partition(":")
    main = getattr(importlib.import_module(module), attr)
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    assert "usage" in capsys.readouterr().out.lower()


def test_the_gui_entry_point_resolves() -> None:
    module, _, attr = _project()["gui-scripts"]["warroom-gui"].partition(":")
    target = importlib.import_module(module)
    assert callable(getattr(target, attr))


def test_a_missing_system_library_is_named_instead_of_a_qt_abort(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import warroom.app as app

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(app, "uses_xcb", lambda: True)
    monkeypatch.setattr(app, "missing_qt_libraries", lambda: ["libxcb-cursor0"])
    from warroom.cli import main

    assert main(["gui"]) == 2
    assert "libxcb-cursor0" in capsys.readouterr().err
