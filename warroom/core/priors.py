"""Transfer priors from a past count: what second preferences did last time, mapped onto a new race. Pure.

A new combined-authority race has no published transfer splits, but its area (or a neighbour) counted an
election before. The past count says, for the voters of the eliminated candidates, how many named each
finalist and how many named neither. This module turns that into a default Split for each eliminated
candidate of the new race:

* the transfer rate (share of voters naming either finalist) comes from the past candidates of the same party
  where the count gives their transfers separately (a ballot-level count does), else from all the past
  eliminated candidates pooled (official Supplementary Vote results publish only pooled second preferences);
* the division between the finalists follows party: when the new finalists' parties are the past finalists'
  parties (in either order), each side keeps its past share; otherwise nothing is known about the division
  and it is even.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from warroom.core.runoff import Split
from warroom.core.types import EXHAUSTED, Contest, OfficialResult


class PriorError(ValueError):
    """The past count cannot give priors (the message says why)."""


@dataclass(frozen=True)
class _Bucket:
    first: int
    to_pa: int
    to_pb: int


def transfer_priors(past: Contest, result: OfficialResult, new: Contest, a: str, b: str) -> dict[str, Split]:
    """Default splits for every candidate of `new` other than finalists `a` and `b` (and "other").

    Args:
        past: the contest that was counted.
        result: its official result; `final_round` names its two finalists, `transfers` gives
            (from, to, votes) with `from` a past candidate or anything else for pooled figures; with no
            transfers, each finalist's gain from the first to the final round is taken as pooled transfers.
        new: the race being planned.
        a: its front-runner.
        b: its challenger.

    Returns:
        candidate code -> Split (of all that candidate's voters: to a, to b, no valid preference).

    Raises:
        PriorError: the past result has no final round between two candidates, or no transfers.
    """
    finalists = list(result.final_round)
    if len(finalists) != 2:
        raise PriorError(f"{past.name}'s result has no final round between two candidates")
    pa, pb = finalists
    codes = {c.code for c in past.candidates}
    party_of = {c.code: c.party for c in past.candidates}
    eliminated = [k for k in result.first_round if k not in (pa, pb)]
    if not eliminated:
        raise PriorError(f"{past.name}'s count eliminated nobody")
    pooled_first = sum(result.first_round[k] for k in eliminated)
    by_party: dict[str | None, _Bucket] = {}
    pooled_a = pooled_b = 0
    separate: set[str] = set()
    for frm, to, votes in result.transfers:
        if to not in (pa, pb) or to == EXHAUSTED:
            continue
        if frm in codes and frm in eliminated:
            separate.add(frm)
            frm_party = party_of.get(frm)
            old = by_party.get(frm_party, _Bucket(0, 0, 0))
            to_pa, to_pb = (votes, 0) if to == pa else (0, votes)
            by_party[frm_party] = _Bucket(old.first, old.to_pa + to_pa, old.to_pb + to_pb)
        pooled_a += votes if to == pa else 0
        pooled_b += votes if to == pb else 0
    if not result.transfers:
        # Official Supplementary Vote results give each finalist's first preferences and final total, not
        # where the transfers came from: what each finalist gained is the pooled second preferences.
        pooled_a = result.final_round[pa] - result.first_round.get(pa, 0)
        pooled_b = result.final_round[pb] - result.first_round.get(pb, 0)
    if pooled_a < 0 or pooled_b < 0:
        raise PriorError(f"{past.name}'s final round has fewer votes than its first for a finalist")
    if pooled_a + pooled_b == 0:
        raise PriorError(f"{past.name}'s result has no transfers to its finalists")
    for k in separate:
        k_party = party_of.get(k)
        old = by_party[k_party]
        by_party[k_party] = _Bucket(old.first + result.first_round[k], old.to_pa, old.to_pb)
    pooled = _Bucket(pooled_first, pooled_a, pooled_b)

    def party_in(contest: Contest, code: str) -> str | None:
        return contest.candidate(code).party if code in {c.code for c in contest.candidates} else None

    a_is_pa: bool | None = None  # None: the finalists' parties do not match last time's, so the division is unknown
    new_a, new_b = party_in(new, a), party_in(new, b)
    past_a, past_b = party_of.get(pa), party_of.get(pb)
    if new_a is not None and new_b is not None:
        if (new_a, new_b) == (past_a, past_b):
            a_is_pa = True
        elif (new_a, new_b) == (past_b, past_a):
            a_is_pa = False
    out: dict[str, Split] = {}
    targets = [c.code for c in new.candidates if c.code not in (a, b)] + ["other"]
    for code in targets:
        p = party_in(new, code)
        bucket = by_party.get(p) if p is not None else None
        if bucket is None or bucket.first <= 0:
            bucket = pooled
        out[code] = _split(bucket, a_is_pa)
    return out


def _split(bucket: _Bucket, a_is_pa: bool | None) -> Split:
    valid = min(100.0 * (bucket.to_pa + bucket.to_pb) / bucket.first, 100.0)
    if a_is_pa is None:
        return Split.from_head_to_head(50.0, valid)
    to_pa_of_valid = 100.0 * bucket.to_pa / (bucket.to_pa + bucket.to_pb) if bucket.to_pa + bucket.to_pb else 50.0
    a_of_valid = to_pa_of_valid if a_is_pa else 100.0 - to_pa_of_valid
    return Split.from_head_to_head(a_of_valid, valid)


def describe(past: Contest, priors: Mapping[str, Split]) -> str:
    """One line for the panel and the CLI: where the default splits come from."""
    return f"Default transfers from the {past.name} count ({len(priors)} candidates)"


def prior_source(past: Contest, result: OfficialResult, new: Contest) -> Callable[[str, str], dict[str, Split]]:
    """transfer_priors bound to a past count, as the pipeline takes it (a function of the finalist pair).

    Raises:
        PriorError: the past count cannot give priors at all (checked now, not at the first use).
    """
    standing = [c.code for c in new.candidates]
    if len(standing) >= 2:
        transfer_priors(past, result, new, standing[0], standing[1])

    def priors(a: str, b: str) -> dict[str, Split]:
        try:
            return transfer_priors(past, result, new, a, b)
        except (PriorError, KeyError):
            return {}

    return priors
