"""Offline guarantee: the app and the CLI open no network socket (an audit hook aborts on any attempt)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).parents[1]

GUARD = textwrap.dedent(
    """
    import sys, os
    def _hook(event, args):
        if event in ("socket.connect", "socket.bind", "socket.getaddrinfo", "socket.sendto"):
            family = getattr(args[0], "family", None) if args else None
            # AF_UNIX socketpairs are how Qt and asyncio wake themselves up; anything else is network.
            if family is not None and int(family) == 1:
                return
            sys.stderr.write(f"NETWORK ATTEMPT: {event} {args!r}\\n")
            os._exit(97)
    sys.addaudithook(_hook)
    """
)


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-c", GUARD + textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_verbs_open_no_socket(tmp_path: Path) -> None:
    state = tmp_path / "state"
    out = tmp_path / "out.csv"
    ballots = ROOT / "resources" / "data" / "london_2012_ballots.csv"
    result = _run(
        f"""
        from warroom.cli import main
        for argv in (["contests"], ["polls"], ["export", {str(out)!r}], ["import", {str(out)!r}, "--dry-run"],
                     ["count", {str(ballots)!r}], ["average"], ["scenario"]):
            code = main(argv + ["--data-dir", {str(state)!r}])
            print(argv[0], code)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "NETWORK ATTEMPT" not in result.stderr


def test_app_opens_no_socket(tmp_path: Path) -> None:
    result = _run(
        f"""
        from pathlib import Path
        from PySide6.QtCore import QSettings
        from warroom.app import WarRoom, make_qapp
        from warroom.bootstrap import open_store
        from warroom.paths import AppPaths
        from warroom.services.settings import AppSettings
        paths = AppPaths.under(Path({str(tmp_path)!r}))
        paths.ensure()
        app = make_qapp()
        store = open_store(paths.database, backup_dir=paths.backup_dir)
        room = WarRoom(store, AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat)))
        room.window.show()
        for _ in range(20):
            app.processEvents()
        room.window.close()
        print("ok", "PySide6.QtNetwork" in sys.modules)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok False"
