"""The demo campaigns, from the bundled public data: the 2012 London mayoral race and the 2022 French
presidential election (two rounds). No Qt, no database."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from warroom.core.compilations import Compilation, contest_from_compilation, read_nsppolls
from warroom.core.csvformat import parse_polls_csv
from warroom.core.types import Candidate, Contest, CountingSystem, OfficialResult, Party, Poll
from warroom.resources import resource_path

DEMO_NAME = "London Mayor 2012"

# Colours: the parties' own where they are distinct; chosen so the two finalists differ in lightness as well
# as hue (blue vs red stays apart for red-green colour-blind viewers).
LONDON_2012 = Contest(
    name=DEMO_NAME,
    election_date=date(2012, 5, 3),
    system=CountingSystem.SV,
    parties=(
        Party("CON", "Conservative", "#0072B2"),
        Party("LAB", "Labour", "#D55E00"),
        Party("LD", "Liberal Democrat", "#E69F00"),
        Party("GRN", "Green", "#009E73"),
        Party("UKIP", "UKIP", "#CC79A7"),
        Party("BNP", "BNP", "#56334F"),
    ),
    candidates=(
        Candidate("johnson", "Boris Johnson", "CON", "#0072B2"),
        Candidate("livingstone", "Ken Livingstone", "LAB", "#D55E00"),
        Candidate("paddick", "Brian Paddick", "LD", "#E69F00"),
        Candidate("jones", "Jenny Jones", "GRN", "#009E73"),
        Candidate("benita", "Siobhan Benita", None, "#7F7F7F"),
        Candidate("webb", "Lawrence Webb", "UKIP", "#CC79A7"),
        Candidate("cortiglia", "Carlos Cortiglia", "BNP", "#56334F"),
    ),
    office="Mayor of London",
    area="Greater London",
    notes="Demo race shipped with the app: the published 2012 polls and the official result.",
    demo=True,
)


def data_dir() -> Path:
    return resource_path("data")


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


PARTY_VOTE_PREFERENCE = ("assembly_constituency", "assembly_list", "westminster")
"""Which party figure stands for "the party" when a poll has several: the Assembly constituency vote is cast
on the same day on the same kind of ballot, so it is the cleanest measure of the party's own pull."""


def demo_polls(contest: Contest = LONDON_2012) -> list[Poll]:
    """Published 2012 polls with party voting intention merged in by poll.

    Rows of the research file without a fieldwork end date cannot be placed on a time axis and are left out
    (resources/data/SOURCES.md lists them). The file's second-preference splits come from the official count,
    not from polls, so they are not attached to any poll: a back-test must not see the result.
    """
    folder = data_dir()
    rows = _read_csv(folder / "london_2012_polls.csv")
    usable = [r for r in rows if r.get("fieldwork_end", "").strip()]
    header = list(rows[0].keys()) if rows else []
    out_buf = io.StringIO()
    writer = csv.DictWriter(out_buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for r in usable:
        writer.writerow(r)
    parsed = parse_polls_csv(out_buf.getvalue(), contest)
    if not parsed.ok:
        raise ValueError("bundled demo polls are invalid: " + "; ".join(map(str, parsed.errors[:5])))
    party_codes = {p.name.casefold(): p.code for p in contest.parties} | {
        p.code.casefold(): p.code for p in contest.parties
    }
    party_codes["liberal democrats"] = "LD"
    party_codes["other"] = "other"
    by_poll: dict[tuple[str, str], dict[str, dict[str, float]]] = {}
    for row in _read_csv(folder / "london_2012_party_vi.csv"):
        code = party_codes.get(row["party"].strip().casefold())
        end = row.get("fieldwork_end", "").strip()
        if code and end:
            kind = row.get("vote_type", "westminster").strip() or "westminster"
            by_poll.setdefault((row["pollster"].strip().casefold(), end), {}).setdefault(kind, {})[code] = float(
                row["share"]
            )
    out: list[Poll] = []
    for poll in parsed.polls:
        kinds = by_poll.get((poll.pollster.casefold(), poll.fieldwork_end.isoformat()), {})
        for kind in PARTY_VOTE_PREFERENCE:
            if kind in kinds:
                note = f"Party figures: {kind.replace('_', ' ')} voting intention."
                poll = replace(poll, party_vi=kinds[kind], notes=f"{poll.notes} {note}".strip())
                break
        out.append(poll)
    return out


def official_results() -> dict[str, Any]:
    """Official London mayoral results by year (first preferences, second preferences added, totals)."""
    return json.loads((data_dir() / "london_mayor_results.json").read_text(encoding="utf-8"))


def official_2012_shares() -> dict[str, float]:
    """Official 2012 first-round shares (%) by candidate code."""
    result = official_results()["2012"]
    total = sum(c["first"] for c in result["candidates"])
    codes = {c.name.split()[-1].casefold(): c.code for c in LONDON_2012.candidates}
    return {codes[c["name"].split()[-1].casefold()]: 100.0 * c["first"] / total for c in result["candidates"]}


def official_2012_result() -> OfficialResult:
    """The official 2012 result by candidate code: what the store keeps for the demo's back-test.

    London Elects published each candidate's first preferences and each finalist's total after second
    preferences, not where the transfers came from, so `transfers` is empty; `exhausted` is the first
    preferences that reached neither finalist.
    """
    result = official_results()["2012"]
    codes = {c.name.split()[-1].casefold(): c.code for c in LONDON_2012.candidates}
    first = {codes[c["name"].split()[-1].casefold()]: int(c["first"]) for c in result["candidates"]}
    final = {codes[c["name"].split()[-1].casefold()]: int(c["final"]) for c in result["candidates"] if c.get("final")}
    return OfficialResult(
        first_round=first,
        final_round=final,
        exhausted=sum(first.values()) - sum(final.values()),
        electorate=result.get("electorate"),
        source="London Elects declared result, 3 May 2012 (as reported by Wikipedia, New Statesman and BBC News)",
    )


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights` exactly (largest remainder), so sums are preserved to the vote."""
    wsum = sum(weights)
    if wsum == 0:
        return [0] * len(weights)
    raw = [total * w / wsum for w in weights]
    base = [int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (raw[i] - base[i], weights[i]), reverse=True)
    for i in order[: total - sum(base)]:
        base[i] += 1
    return base


def ballots_from_official(year: str) -> list[tuple[tuple[str, ...], int]]:
    """A ballot profile that reproduces an official Supplementary Vote result to the vote.

    London Elects publishes each finalist's first preferences and the second preferences added to
    them, not the full cross-tabulation, so the second preferences added are spread over the eliminated
    candidates in proportion to their first preferences; the rest of those ballots had no valid second
    preference. Every published total is met exactly.
    """
    result = official_results()[year]
    cands = sorted(result["candidates"], key=lambda c: -c["first"])
    a, b, *out = cands
    rows: list[tuple[tuple[str, ...], int]] = [((a["name"],), a["first"]), ((b["name"],), b["first"])]
    to_a = _apportion(a["second"], [c["first"] for c in out])
    to_b = _apportion(b["second"], [c["first"] for c in out])
    for cand, xa, xb in zip(out, to_a, to_b, strict=True):
        rows.append(((cand["name"], a["name"]), xa))
        rows.append(((cand["name"], b["name"]), xb))
        rows.append(((cand["name"],), cand["first"] - xa - xb))
    return rows


def ballots_csv(year: str) -> str:
    lines = ["count,pref1,pref2"]
    for prefs, n in ballots_from_official(year):
        second = prefs[1] if len(prefs) > 1 else ""
        lines.append(f"{n},{prefs[0]},{second}")
    return "\n".join(lines) + "\n"


# --- France 2022 ------------------------------------------------------------------------------------------------

FRANCE_2022_NAME = "France 2022 presidential"
FRANCE_2022_FIRST = date(2022, 4, 10)
FRANCE_2022_SECOND = date(2022, 4, 24)
FAR_LEFT_2022 = {"Philippe Poutou": "Jean-Luc Mélenchon", "Nathalie Arthaud": "Jean-Luc Mélenchon"}
"""Electorates no 2022 matrix publishes, and the published one they take their runoff split from: the two
Trotskyist candidates' voters as Mélenchon's (the back-test's choice; tests/core/test_two_round.py)."""


@cache
def france_2022_compilation() -> Compilation:
    """The whole 2022 campaign as shipped: NSPPolls' 409 poll notices and 35 matrices, and the official
    results of both rounds (resources/data/france_2022/SOURCES.md). Read once per process."""
    folder = data_dir() / "france_2022"
    return read_nsppolls([folder / "nsppolls_presidentielle.csv"], [folder / "nsppolls_reports.csv"], folder)


def france_2022_contest() -> Contest:
    """The 2022 demo contest: the twelve candidates of the first round, in the official order of votes."""
    return contest_from_compilation(
        france_2022_compilation(),
        FRANCE_2022_NAME,
        election_date=FRANCE_2022_FIRST,
        second_round_date=FRANCE_2022_SECOND,
        demo=True,
        notes="Demo race shipped with the app: every published poll of the 2022 campaign, the 35 vote-transfer "
        "matrices of 10-22 April, and the official results of both rounds.",
    )
