"""Fixtures of the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    """The CLI's options for a fresh store in the test's own app folder (a new store seeds the demos)."""
    return ["--data-dir", str(tmp_path / "state")]
