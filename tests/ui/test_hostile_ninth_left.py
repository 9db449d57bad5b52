"""Hostile pass 9 (issue 16), the leftovers of pass 8 in the window: a store made read-only and started by root,
very long names, emoji names in the two-round panel, closing with many writes queued."""

from __future__ import annotations

from pathlib import Path

from tests.ui.test_start_first_read import _start
from warroom.paths import AppPaths
from warroom.store.first_read import FirstRead


def test_a_store_made_read_only_is_no_first_stage_to_work_in_even_for_root(qapp, tmp_path: Path) -> None:
    """The start's first stage (polls added, edited, deleted before the real window is built) was offered when
    `os.access` said the store could be written, which it always says to root: a 0444 store started by root took
    changes the real window (the store opened read-only by the missing write bit) then refused. The rule is the
    store's own (no write permission for us, or no write bit at all): the shell shows the figures, not a stage."""
    import os

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    for _ in range(2):
        _start(paths)
    paths.database.chmod(0o444)
    seen: dict[str, object] = {}

    def look(starter: object) -> None:
        seen.setdefault("editable", starter.shell.editable)  # type: ignore[attr-defined]
        seen.setdefault("live", starter.live)  # type: ignore[attr-defined]
        seen.setdefault("first", starter.first)  # type: ignore[attr-defined]

    try:
        starter = _start(paths, before_build=look)
    finally:
        paths.database.chmod(0o644)
    assert isinstance(seen["first"], FirstRead) and seen["live"], seen
    assert os.access(paths.database, os.W_OK) or os.geteuid() != 0  # (what root is told)
    assert seen["editable"] is False
    assert starter.room is not None and starter.room.store.read_only
