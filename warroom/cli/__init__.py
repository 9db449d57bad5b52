"""The command line: verbs over the store and the core pipeline, one package on top of everything else.

`main` is the entry point of the `warroom` command (console script) and of `python -m warroom`; `main_gui` of
`warroom-gui`. Both load the verbs only after making Ctrl-C during the start a quiet exit (cli.interrupts), so
this module imports nothing else of the program.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from warroom.cli.interrupts import end_quietly_on_interrupt

__all__ = ["main", "main_gui"]


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one verb (the app itself with no verb); returns the exit code. Run as the program (no `argv`: the
    console script, `python -m warroom`), Ctrl-C while it starts ends it with one line, never a traceback."""
    if argv is None:
        _painting_child()
        end_quietly_on_interrupt()
    from warroom.cli.verbs import main as run

    return run(argv, out, err)


def main_gui() -> int:
    """The `warroom-gui` entry point (a GUI script: no console window on Windows): the app, taking the same
    options as `warroom gui`."""
    _painting_child()
    end_quietly_on_interrupt()
    from warroom.cli.verbs import main_gui as run

    return run()


def _painting_child() -> None:
    """In a frozen app (PyInstaller and the like: no Python to start), the process multiprocessing starts to paint
    an export (ui.sketch) is this very program: it paints and leaves here, never reaching the app."""
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
