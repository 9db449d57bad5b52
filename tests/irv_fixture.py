"""A 12-candidate instant-runoff contest for tests and benchmarks, made through the store's contest API.

Shaped like Brisbane 2022 (illustrative numbers, not the official ones): the front-runner leads the first round,
two candidates are level for second, and whichever of them is excluded third elects the other on its
preferences. The independent's published next preferences decide who finishes third, and so who wins.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from warroom.core.irv_scenario import IrvScenario
from warroom.core.types import EXHAUSTED, Candidate, Contest, CountingSystem, Party, Poll, TransferObservation

FIRST = {
    "lnp": 34.0,
    "grn": 24.6,
    "alp": 24.4,
    "uap": 4.0,
    "ind": 3.5,
    "ajp": 2.0,
    "lib": 1.6,
    "one": 1.5,
    "sus": 1.3,
    "leg": 1.2,
    "sci": 1.0,
    "dem": 0.9,
}
NAMES = {
    "lnp": ("Lena Park", "LNP", "#1C4F9C"),
    "grn": ("Grace Nolan", "GRN", "#10C25B"),
    "alp": ("Alan Reid", "ALP", "#E13940"),
    "uap": ("Una Price", "UAP", "#FFED00"),
    "ind": ("Ivan Dale", None, "#808080"),
    "ajp": ("Amy Jones", "AJP", "#2E8B57"),
    "lib": ("Leo Bright", "LDP", "#FFB000"),
    "one": ("Olive Neal", "ONE", "#F36C21"),
    "sus": ("Sam Usher", "SUS", "#6A5ACD"),
    "leg": ("Lou Egan", "LEG", "#8B4513"),
    "sci": ("Sid Cole", "SCI", "#00CED1"),
    "dem": ("Dee Moss", "DEM", "#FF69B4"),
}
IRV_CONTEST = Contest(
    name="Riverton Mayor 2026",
    election_date=date(2026, 6, 6),
    system=CountingSystem.IRV,
    parties=tuple(Party(p, p, colour) for _c, (_n, p, colour) in NAMES.items() if p is not None),
    candidates=tuple(Candidate(code, name, party, colour) for code, (name, party, colour) in NAMES.items()),
)

IND_TO_GRN = 45.0
"""The independent's voters going to the Greens' candidate in the latest poll (the rest: 30 Labor, 25 LNP)."""


def irv_polls(n: int = 12, seed: int = 5, ind_to_grn: float = IND_TO_GRN) -> list[Poll]:
    """n polls a few days apart; the last publishes next preferences of the three candidates that matter."""
    rng = np.random.default_rng(seed)
    polls = []
    start = date(2026, 3, 2)
    for i in range(n):
        noise = rng.normal(0, 0.4, len(FIRST))
        shares = {c: round(max(v + e, 0.3), 1) for (c, v), e in zip(FIRST.items(), noise, strict=True)}
        day = start + timedelta(days=7 * i)
        last = i == n - 1
        transfers = (
            (
                TransferObservation("ind", "grn", ind_to_grn),
                TransferObservation("ind", "alp", 75.0 - ind_to_grn),
                TransferObservation("ind", "lnp", 25.0),
                TransferObservation("alp", "grn", 80.0),
                TransferObservation("alp", "lnp", 20.0),
                TransferObservation("grn", "alp", 85.0),
                TransferObservation("grn", "lnp", 15.0),
                TransferObservation("uap", "lnp", 60.0),
                TransferObservation("uap", "alp", 15.0),
                TransferObservation("uap", "grn", 10.0),
                TransferObservation("uap", EXHAUSTED, 15.0),
            )
            if last
            else ()
        )
        polls.append(
            Poll(
                pollster=["Acme", "Beta", "Gamma"][i % 3],
                fieldwork_start=day,
                fieldwork_end=day + timedelta(days=2),
                sample_size=1200,
                first_round=shares,
                transfers=transfers,
            )
        )
    return polls


def add_irv_contest(store: object, *, ind_to_grn: float = IND_TO_GRN) -> int:
    """Store the contest and its polls (an OpenStore); returns the contest's id."""
    from warroom.store import contests
    from warroom.store import polls as repo

    with store.sessions.begin() as s:  # type: ignore[attr-defined]
        cid = contests.create_contest(s, IRV_CONTEST)
        repo.add_polls(s, cid, irv_polls(ind_to_grn=ind_to_grn))
    return cid


def many_candidates(n: int, *, on_nothing: bool = True, seed: int = 1) -> IrvScenario:
    """A big instant-runoff race (tests and benchmarks/bench_irv_many.py): n candidates (every other one on
    nothing if `on_nothing`), rows by first-round share, a fifth exhausting."""
    rng = np.random.default_rng(seed)
    first = rng.uniform(0.5, 20, n)
    if on_nothing:
        first[1::2] = 0.0
    rows = np.zeros((n, n + 1))
    rows[:, :n] = np.where(first > 0, first, 1e-3)[None, :]
    rows[:, n] = rows[:, :n].sum(axis=1) / 4
    np.fill_diagonal(rows, 0.0)
    rows *= 100.0 / rows.sum(axis=1)[:, None]
    return IrvScenario(tuple(f"c{i:03d}" for i in range(n)), first, rows)
