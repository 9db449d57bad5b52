"""Hostile pass 6 (issue 16), command line: machine output without display-only characters, Ctrl-C at any
point of the start."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.cli._run import ok
from tests.irv_fixture import IRV_CONTEST, irv_polls
from warroom.cli.common import emit_json
from warroom.core.types import bidi_isolated

FSI, PDI = "\u2068", "\u2069"
KHAN, NETANYAHU = "خان", "נתניהו"


def _rtl_irv_store(db: list[str]) -> str:
    """A store (under the CLI's --data-dir `db`) holding an instant-runoff race whose two leaders have Hebrew and
    Arabic names; returns the race's name."""
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import polls as repo

    names = {"lnp": f"صادق {KHAN}", "grn": f"בנימין {NETANYAHU}"}
    contest = replace(
        IRV_CONTEST, candidates=tuple(replace(c, name=names.get(c.code, c.name)) for c in IRV_CONTEST.candidates)
    )
    paths = AppPaths.under(Path(db[1]))
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, contest), irv_polls())
    store.engine.dispose()
    return contest.name


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [*data, *(s for v in data.values() for s in _strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def test_json_output_carries_plain_names_while_the_text_output_keeps_them_isolated(db: list[str]) -> None:
    """`warroom scenario --json` carried the isolates the core puts round a right-to-left name for display
    (FSI ... PDI, as "\\u2068...\\u2069") in its headline, break-even and round lines: a script comparing the
    headline's names with the contest's found none. Machine output carries the plain names; the text output
    keeps the isolation that lays a figure out beside its own name."""
    name = _rtl_irv_store(db)
    for verb in (["scenario"], ["scenario", "--save", "plan"], ["scenario", "--name", "plan"]):
        data = json.loads(ok(*db, *verb, "--contest", name, "--json"))
        strings = _strings(data)
        assert not [s for s in strings if FSI in s or PDI in s], verb
        assert any(f"{NETANYAHU} ahead of {KHAN}" in s for s in strings), (verb, data.get("headline"))
    text = ok(*db, "scenario", "--contest", name)
    assert f"{bidi_isolated(NETANYAHU)} ahead of {bidi_isolated(KHAN)}" in text


def test_json_keeps_what_the_data_itself_holds_and_strips_only_the_display_isolates() -> None:
    """Only a balanced isolate round text with no control in it (what bidi_isolated makes) is display dress; a
    lone isolate in the data is data, and objects written through str() lose their isolates too."""

    class Shown:
        def __str__(self) -> str:
            return f"{bidi_isolated(KHAN)} 43.0"

    out = io.StringIO()
    emit_json({bidi_isolated(KHAN): [f"{bidi_isolated(KHAN)} wins", ("lone \u2068 stays",)], "x": Shown()}, out)
    assert json.loads(out.getvalue()) == {KHAN: [f"{KHAN} wins", ["lone \u2068 stays"]], "x": f"{KHAN} 43.0"}


_INTERRUPT_AT = """
import os, runpy, signal, sys

INTERRUPT_AT = sys.argv[1]

class _Interrupt:
    # Sends this process SIGINT (the terminal's Ctrl-C) when the named module is first imported: a fixed point of
    # the start, where a timer would land anywhere.
    def find_spec(self, name, path=None, target=None):
        if name == INTERRUPT_AT:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, _Interrupt())
entry, sys.argv = sys.argv[2], ["warroom", *sys.argv[3:]]
if entry == "-m":
    runpy.run_module("warroom", run_name="__main__", alter_sys=True)  # python -m warroom
else:
    from warroom.cli import main, main_gui  # the installed commands' scripts
    sys.exit(main() if entry == "warroom" else main_gui())
"""


def _interrupted_at(module: str, entry: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", _INTERRUPT_AT, module, entry, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
        # as from a terminal: Ctrl-C not ignored (a shell's background job starts with SIGINT ignored, and Python
        # then installs no handler at all)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize(
    ("module", "entry", "verb"),
    [
        ("warroom.cli.verbs", "-m", "polls"),  # the command line's own modules loading
        ("warroom.core.types", "warroom", "polls"),
        ("sqlalchemy", "warroom", "polls"),  # the verb running: opening the store
        ("warroom.app", "-m", "gui"),  # the window's start: Qt loading (shiboken aborted with a fatal error)
        ("encodings.cp437", "warroom-gui", "gui"),  # inside shiboken's start (its zipped signature loader)
        ("PySide6.support", "-m", "gui"),  # ditto, a step later
        ("PySide6.QtWidgets", "-m", "gui"),
        ("warroom.ui.qt_utils", "-m", "gui"),  # the QApplication made, the window's own handler not yet there
        ("warroom.ui.start_shell", "-m", "gui"),  # the handler there, no window shown yet (it then ran for ever)
        ("warroom.ui.main_window", "-m", "gui"),  # the shell shown, the real window being built
        ("PySide6.support", "warroom", "render"),  # a verb that loads Qt after starting its work
    ],
)
def test_ctrl_c_at_any_point_of_the_start_ends_quietly(tmp_path: Path, module: str, entry: str, verb: str) -> None:
    """Ctrl-C while the program was still starting printed a KeyboardInterrupt traceback from whichever module
    was loading; in the middle of Qt's own start (shiboken) Python aborted with "Fatal Python error", and once
    the window's handler was there but no window shown yet, the signal was lost and the window opened anyway,
    to run until closed. At every point the program now ends without a traceback: one line at most, exit 130
    (the shell's code for an interrupt), or the window closed as the user would close it (exit 0)."""
    data = ["--data-dir", str(tmp_path / "data")]
    args = [*data] if entry == "warroom-gui" else [*data, verb]  # warroom-gui is the gui verb
    args += ["first", "--out", str(tmp_path / "first.png")] if verb == "render" else []
    proc = _interrupted_at(module, entry, args)
    said = proc.stderr.strip()
    assert "Traceback" not in said and "Fatal Python error" not in said and "KeyboardInterrupt" not in said, said
    assert len(said.splitlines()) <= 1, said
    assert proc.returncode in (130, 0) if verb == "gui" else proc.returncode == 130, (proc.returncode, said)
    assert said == "" or "interrupted" in said, said
    if proc.returncode == 130:
        assert said, "an interrupted command says so"
    assert not (tmp_path / "first.png").exists()


def test_a_picture_that_cannot_be_written_is_named_with_its_reason_not_pythons_error(
    db: list[str], tmp_path: Path
) -> None:
    """`warroom render first --out q.png` where q.png is a folder, or a name longer than the file system takes,
    said "q.png: [Errno 21] is a folder, not a file: 'q.png'" (Python's error text, the 300-letter name twice).
    It is the file and the reason, as every other verb that writes says it, and nothing is written."""
    from tests.cli._run import run

    (tmp_path / "q.png").mkdir()
    long_name = tmp_path / ("n" * 300 + ".png")
    for target in (tmp_path / "q.png", long_name):
        code, _out, err = run(*db, "render", "first", "--out", str(target))
        assert code == 1, err
        assert "Errno" not in err and err.count(target.name) == 1, err
        assert err.startswith(f"warroom render: {target}: cannot write (") and err.rstrip().endswith("nothing written")
