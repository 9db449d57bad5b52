"""The command line's light verbs start light (issue 15): no Qt, no plotting, no Alembic on an up-to-date store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("PySide6", "pyqtgraph", "alembic", "warroom.ui", "warroom.services", "warroom.core.count")


@pytest.mark.parametrize("verb", ["polls", "contests"])
def test_listing_verbs_import_no_qt_and_no_alembic(tmp_path: Path, verb: str) -> None:
    state = ["--data-dir", str(tmp_path / "state")]
    first = subprocess.run(  # the first start creates and seeds the store (that one migrates)
        [sys.executable, "-m", "warroom", "contests", *state], capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    probe = (
        "import io, sys; from warroom.cli import main\n"
        f"code = main([{verb!r}, *sys.argv[1:]], out=io.StringIO())\n"
        f"print(code, [m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, *state], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 []"


def test_the_parsers_overvote_choices_are_the_count_engines() -> None:
    """--overvote's choices are spelt out in the CLI (so the parser imports no counting code): they must be the
    engine's values, or a new rule could not be asked for or an old one would fail inside the count."""
    from warroom.cli.verbs import OVERVOTE_CHOICES
    from warroom.core.count import Overvote

    assert tuple(o.value for o in Overvote) == OVERVOTE_CHOICES
