"""A start's backup of a store nothing was written to since its newest backup: compared byte for byte with that
backup and not kept (store.db.backup_sqlite(unless_same=True)), against the plain backup (made and kept), in the
same run on the same store.

    python benchmarks/bench_start_backup_unchanged.py [--polls 100000] [--runs 3]

The store is bench_menu_stalls.py's (its cache, ~/.cache/warroom-bench, or built).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from bench_menu_stalls import cached_store

    from warroom.store.db import backup_sqlite

    folder = Path(tempfile.mkdtemp(prefix="warroom-bench-backup-"))
    try:
        db, how = cached_store(folder, args.polls, use_cache=True)
        print(f"store of {args.polls:,} polls, {db.stat().st_size / 1e6:.0f} MB ({how})")
        backups = folder / "backups"
        backup_sqlite(db, backups, reason="open")
        for run in range(args.runs):
            # (in turn first and second: a backup written just after another waits for the first's 90 MB to be
            # written out, whichever kind it is)
            order = ("plain", "unchanged") if run % 2 == 0 else ("unchanged", "plain")
            took: dict[str, float] = {}
            for kind in order:
                started = time.perf_counter()
                backup_sqlite(db, backups, reason="open", unless_same=kind == "unchanged")
                took[kind] = time.perf_counter() - started
            kept = len(list(backups.glob("*.sqlite3")))
            print(
                f"run {run + 1} ({' then '.join(order)}): plain backup (made, kept) {took['plain']:.3f} s; a start's "
                f"backup of the unchanged store (made, compared, not kept) {took['unchanged']:.3f} s; kept {kept}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
