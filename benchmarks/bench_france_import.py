"""Importing the whole 2022 French campaign (issue 11: about 8,900 rows under 2 s), and reading it back.

Measured in one run, each beside a reference on the same data:
- parse: core.compilations.read_compilation of the shipped folder (NSPPolls polls and matrices, official
  results): the pure parse, no database;
- store: store.questions.add_campaign of the parsed campaign into a fresh SQLite store (checks, duplicate
  lookups, ids, one transaction), against a plain sqlite3 executemany of the same notice, question, share,
  matrix and matrix-row rows into an identical empty store (same schema, same pragmas);
- end to end: parse + store, the figure the 2 s target is about (`warroom import` adds about 0.3 s of
  interpreter and store start-up, not counted here);
- load: store.questions.load_campaign of the contest (what the panel and `warroom average` read).

Run: python benchmarks/bench_france_import.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import _common  # noqa: F401  (puts the repository on sys.path)

from warroom.core.compilations import read_compilation
from warroom.core.types import Candidate, Contest, CountingSystem
from warroom.resources import resource_path
from warroom.store import polls as repo
from warroom.store.db import make_engine, make_session_factory, upgrade
from warroom.store.questions import add_campaign, load_campaign

FOLDER = resource_path("data", "france_2022")
CONTEST = Contest("Bench", date(2022, 4, 10), CountingSystem.TWO_ROUND, (Candidate("a", "A"), Candidate("b", "B")))


def _fresh(root: Path, name: str) -> tuple[object, int]:
    engine = make_engine(root / f"{name}.sqlite3")
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        cid = repo.add_contest(s, CONTEST)
    return engine, cid


def _plain_insert(path: Path, cid: int, comp: object) -> float:
    """The same rows with sqlite3 executemany, ids assigned here (no checks, no lookups)."""
    from warroom.core.compilations import Compilation

    assert isinstance(comp, Compilation)
    notices, questions, shares, matrices, cells = [], [], [], [], []
    qid = 0
    for nid, n in enumerate(comp.notices, start=1):
        notices.append(
            (
                nid,
                cid,
                n.id,
                n.institute,
                n.client,
                n.fieldwork_start.isoformat(),
                n.fieldwork_end.isoformat(),
                n.sample_size,
                n.population,
                n.rolling,
                n.source,
            )
        )
        for rnd, qs in ((1, n.hypotheses), (2, n.matchups)):
            for pos, q in enumerate(qs):
                qid += 1
                questions.append((qid, nid, rnd, q.label, pos, q.line))
                got = dict(q.shares) if rnd == 1 else {q.a: q.a_share, q.b: q.b_share}  # type: ignore[union-attr]
                shares.extend((qid, name, share, i) for i, (name, share) in enumerate(got.items()))
    for mid, m in enumerate(comp.matrices, start=1):
        matrices.append(
            (
                mid,
                cid,
                m.poll_id,
                m.institute,
                m.fieldwork_start.isoformat(),
                m.fieldwork_end.isoformat(),
                m.a,
                m.b,
                m.source,
            )
        )
        cells.extend((mid, o, r.to_a, r.to_b, r.neither, i, r.line) for i, (o, r) in enumerate(m.rows.items()))
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA journal_mode=WAL")
    start = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(
        "INSERT INTO poll_notice (id, contest_id, source_key, pollster, client, fieldwork_start, fieldwork_end, "
        "sample_size, population, rolling, source) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        notices,
    )
    con.executemany(
        "INSERT INTO poll_question (id, notice_id, round, label, position, line) VALUES (?,?,?,?,?,?)", questions
    )
    con.executemany("INSERT INTO question_share (question_id, candidate, share, position) VALUES (?,?,?,?)", shares)
    con.executemany(
        "INSERT INTO transfer_matrix (id, contest_id, source_key, pollster, fieldwork_start, fieldwork_end, "
        "finalist_a, finalist_b, source) VALUES (?,?,?,?,?,?,?,?,?)",
        matrices,
    )
    con.executemany(
        "INSERT INTO transfer_matrix_row (matrix_id, electorate, to_a, to_b, neither, position, line) "
        "VALUES (?,?,?,?,?,?,?)",
        cells,
    )
    con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    parse_t, store_t, plain_t, load_t = [], [], [], []
    comp = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for k in range(args.repeat):
            t0 = time.perf_counter()
            comp = read_compilation(FOLDER)
            parse_t.append(time.perf_counter() - t0)
            assert comp is not None
            engine, cid = _fresh(root, f"w{k}")
            sessions = make_session_factory(engine)  # type: ignore[arg-type]
            t0 = time.perf_counter()
            with sessions.begin() as s:
                add_campaign(s, cid, comp.notices, comp.matrices, comp.results)
            store_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            with sessions() as s:
                got = load_campaign(s, cid)
            load_t.append(time.perf_counter() - t0)
            assert got.notices == comp.notices
            engine.dispose()  # type: ignore[attr-defined]
            plain_engine, pcid = _fresh(root, f"p{k}")
            plain_engine.dispose()  # type: ignore[attr-defined]
            plain_t.append(_plain_insert(root / f"p{k}.sqlite3", pcid, comp))
    assert comp is not None
    rows = sum(len(h.shares) for n in comp.notices for h in n.hypotheses) + 2 * sum(
        len(n.matchups) for n in comp.notices
    )
    med = statistics.median
    print(
        f"France 2022: {len(comp.notices)} notices, {rows} figure rows, {len(comp.matrices)} matrices; median of {args.repeat}"
    )
    print(f"  parse (pure, reference)           {med(parse_t) * 1000:8.1f} ms")
    print(
        f"  store add_campaign                {med(store_t) * 1000:8.1f} ms   plain sqlite3 executemany (reference) {med(plain_t) * 1000:6.1f} ms  ratio {med(store_t) / med(plain_t):.1f}x"
    )
    print(f"  parse + store (target < 2000 ms)  {(med(parse_t) + med(store_t)) * 1000:8.1f} ms")
    print(f"  load_campaign                     {med(load_t) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
