"""The installed commands: `warroom` is a console script (the verbs print, on Windows too), `warroom-gui` a
GUI script (the window without a console window)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from warroom.cli.verbs import BLAS_THREADS

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


_GUI_ROUTE = """
import gc, os, sys
import warroom.app
def run_gui(args, digest, **start):
    print(os.environ.get("OPENBLAS_NUM_THREADS"), "numpy" in sys.modules, gc.isenabled(), start.get("gc_paused"))
    return 0
warroom.app.run_gui = run_gui
from warroom.cli import main
code = main(["--data-dir", sys.argv[1], "gui"])
print(gc.isenabled())
sys.exit(code)
"""


def _gui_route(tmp_path: Path, chosen: dict[str, str]) -> list[str]:
    """What the window's start (run_gui, replaced) is given by the command line (cmd_gui), on a new data folder:
    OPENBLAS_NUM_THREADS, numpy loaded yet, the garbage collector running, gc_paused; then the collector after."""
    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREADS} | chosen
    out = subprocess.run(
        [sys.executable, "-c", _GUI_ROUTE, str(tmp_path / "state")], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


@pytest.mark.parametrize(
    ("chosen", "said"),
    [({}, "1"), ({"OPENBLAS_NUM_THREADS": "3"}, "3"), ({"OMP_NUM_THREADS": "2"}, "None")],
)
def test_the_window_loads_numpy_with_one_blas_thread_unless_the_user_chose(
    tmp_path: Path, chosen: dict[str, str], said: str
) -> None:
    """The window's start (cmd_gui) asks numpy's OpenBLAS for one thread before numpy loads (a new data folder: no
    start frame, so numpy loads with the window's modules): its spinning pool cost the first paint 40-50 ms of CPU
    here (docs/STARTUP.md). A number the user set, for OpenBLAS or OpenMP, is left as it is."""
    assert _gui_route(tmp_path, chosen)[:2] == [said, "False"]  # set, and numpy not loaded yet: read as it loads


def test_the_window_loads_its_modules_without_the_garbage_collector_and_the_start_resumes_it(tmp_path: Path) -> None:
    """cmd_gui pauses the cyclic collector before the window's imports (62 collections, 10-12 ms of the first
    paint's CPU: docs/STARTUP.md) and hands the pause to the start (gc_paused), which resumes it once its figures
    are in; when the start returns (or never began), the collector runs again."""
    assert _gui_route(tmp_path, {})[2:] == ["False", "True", "True"]


def test_one_blas_thread_means_numpy_starts_no_blas_threads() -> None:
    """What the setting does: numpy loaded after one_blas_thread runs on the thread that loaded it alone (Linux's
    /proc counts the process's threads; OpenBLAS otherwise starts one per core as numpy loads)."""
    code = (
        "import os\nfrom warroom.cli.verbs import one_blas_thread\none_blas_thread()\nimport numpy\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'], len(os.listdir('/proc/self/task')) if os.path.isdir('/proc/self/task') else 1)"
    )
    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREADS}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "1"], out.stdout


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--data-dir", "/tmp/x"],
        ["--data-dir=/tmp/x", "--json"],
        ["--db", "sqlite:///x.sqlite3", "--contest", "London Mayor 2012"],
        ["--contest=Paris"],
    ],
)
def test_a_start_with_no_verb_reads_its_options_as_the_whole_command_line_does(argv: list[str]) -> None:
    """A start with no verb is parsed by the options every verb takes alone (issue 15: building every verb's
    options and importing the contest verbs cost 10-20 ms before the first paint): the same values."""
    from warroom.cli import verbs

    assert verbs._only_top_options(argv)
    assert vars(verbs._start_parser().parse_args(argv)) == vars(verbs.build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [["gui"], ["polls"], ["--contest", "x", "polls"], ["-h"], ["--version"], ["--data"], ["--json", "count", "f"]],
)
def test_a_verb_help_or_an_abbreviation_goes_to_the_whole_command_line(argv: list[str]) -> None:
    from warroom.cli import verbs

    assert not verbs._only_top_options(argv)
