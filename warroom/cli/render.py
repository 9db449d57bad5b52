"""`warroom render CHART --out FILE`: the same pictures the app exports, without a screen."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TextIO

from warroom.cli.common import CliError, open_for_cli, paths_of, refuse_the_store
from warroom.cli.interrupts import quiet_while_loading

HEIGHT_TAKEN = ("first", "lead1", "lead2", "window")
"""The render targets drawn at the height asked; the others' height follows from the width."""
DEFAULT_HEIGHT = 900
"""The window's height for a render (and a chart's or the window's picture) when --height is not given."""


def render_headless(args: argparse.Namespace, out: TextIO) -> int:
    """Build the war room offscreen on the same store and settings the app uses, and render one target."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed (CI, servers, slide builds)
    refuse_the_store(args, args.out)  # a store named polls.png is unlikely, but never written over; nor "-"
    if args.height is not None and args.chart not in HEIGHT_TAKEN:
        # It was taken and ignored without a word: the picture's height follows from its width and the view's shape
        # (the briefing is an A4 page).
        raise CliError(
            f"render {args.chart} takes no --height: its height follows from --width and the view's shape; "
            f"--height is for {', '.join(HEIGHT_TAKEN[:-1])} or {HEIGHT_TAKEN[-1]}; nothing written"
        )
    height = DEFAULT_HEIGHT if args.height is None else args.height
    suffix = args.out.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise CliError(f"{args.out}: use .png, .svg or .pdf")
    if args.chart == "briefing" and suffix != ".pdf":  # it was written as a PDF under the .png or .svg name asked
        raise CliError(f"{args.out}: the briefing is a PDF: warroom render briefing --out FILE.pdf; nothing written")
    if suffix == ".pdf" and args.chart not in ("briefing", "first", "lead1", "lead2"):
        raise CliError(
            "PDF output is the briefing or one chart: warroom render briefing|first|lead1|lead2 --out FILE.pdf"
        )
    with quiet_while_loading():  # Ctrl-C in Qt's own start aborted Python ("Fatal Python error")
        from PySide6.QtWidgets import QApplication

        from warroom.app import WarRoom, make_qapp
        from warroom.services.settings import open_settings, settings_unchanged

        make_qapp(sys.argv[:1])
    from warroom.ui.glyphs import NO_FONT_HINT, no_text_font

    if no_text_font():
        raise CliError(f"{args.out}: {NO_FONT_HINT}; nothing was written")
    store = open_for_cli(args)
    try:
        paths = paths_of(args)
        # The user's settings are read, never written: the window closing below saved its offscreen size and dock
        # layout, and the race drawn, over the ones the user's window opens with.
        with settings_unchanged(open_settings(paths)) as settings:
            try:
                room = WarRoom(store, settings, watch=False, contest=args.contest, backup_dir=paths.backup_dir)
            except ValueError as exc:
                raise CliError(str(exc)) from None
            # Shown at its restored size first: the docks' saved pixels are read as shares of the window they were
            # saved with, then kept as the window takes the size asked for (resized first, a dock saved at 280 px
            # of 849 was drawn at 280 px of 1366, its text cut).
            room.window.show()
            for _ in range(3):
                QApplication.processEvents()
            room.window.resize(args.width, height)
            for _ in range(5):
                QApplication.processEvents()
            from warroom.ui.export import ExportError, export_problem, render_target

            try:
                render_target(room.window, args.chart, args.out, args.width, height, room.briefing())
            except (ExportError, OSError) as exc:
                raise CliError(export_problem(args.out, exc)) from None
            contest = room.poll_service.contest
            room.window.close()
    finally:
        store.close()
    if args.json:
        shown = contest.name if contest else None
        out.write(json.dumps({"wrote": str(args.out), "chart": args.chart, "contest": shown}) + "\n")
    else:
        out.write(f"wrote {args.out}" + (f" ({contest.name})" if contest else "") + "\n")
    return 0
