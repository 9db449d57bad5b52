"""A closed store is freed: nothing process-wide keeps its engine (and the engine's compiled statements)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from warroom.bootstrap import open_store


def test_a_closed_store_leaves_nothing_holding_its_engine(tmp_path: Path) -> None:
    # is_older_store was a functools.cache keyed by the engine: every store opened in a process (each start, each
    # File > Open, each restore) stayed in memory with its pool and up to 500 compiled statements (~4,000
    # objects), and the window tests' workers grew by that much per test.
    store = open_store(tmp_path / "polls.db", backup_dir=tmp_path / "backups", seed=False)
    engine = weakref.ref(store.engine)
    store.close()
    del store
    gc.collect()
    assert engine() is None
