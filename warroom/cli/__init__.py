"""The command line: verbs over the store and the core pipeline, one package on top of everything else.

`main` is the entry point of the `warroom` command (console script) and of `python -m warroom`.
"""

from __future__ import annotations

from warroom.cli.main import main, main_gui

__all__ = ["main", "main_gui"]
