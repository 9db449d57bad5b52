"""What stops the window from starting is said in a message box too: `warroom-gui` has no console on Windows,
so a message only on stderr would leave the user with nothing at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import warroom.app as app_module
from warroom.cli import main


def _start(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, list[tuple[str, str]]]:
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(app_module, "_tell", lambda title, text: told.append((title, text)))
    err = io.StringIO()
    code = main(["gui", "--message-boxes", *argv], out=io.StringIO(), err=err)
    return code, err.getvalue(), told


def test_folders_that_cannot_be_made_are_shown_in_a_box_and_printed(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    code, err, told = _start(monkeypatch, "--data-dir", str(blocker / "inner"))
    assert code == 3 and str(blocker) in err
    assert len(told) == 1 and str(blocker) in told[0][1] and "folders" in told[0][0]
    assert blocker.read_text() == "not a folder\n"


def test_a_contest_that_does_not_exist_is_shown_in_a_box_and_printed(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, err, told = _start(monkeypatch, "--data-dir", str(tmp_path / "state"), "--contest", "Nowhere 2031")
    assert code == 1 and "Nowhere 2031" in err
    assert len(told) == 1 and "Nowhere 2031" in told[0][1]


def test_warroom_gui_asks_for_message_boxes_and_warroom_gui_in_a_terminal_does_not(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`warroom gui` in a terminal prints and exits (a box would wait for a click nobody sees in a script);
    the `warroom-gui` entry point turns the boxes on."""
    import sys

    from warroom.cli import main_gui

    told: list[tuple[str, str]] = []
    monkeypatch.setattr(app_module, "_tell", lambda title, text: told.append((title, text)))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["gui", "--data-dir", str(blocker / "x")], out=io.StringIO(), err=io.StringIO()) == 3
    assert told == []
    monkeypatch.setattr(sys, "argv", ["warroom-gui", "--data-dir", str(blocker / "x")])
    assert main_gui() == 3
    assert len(told) == 1
