"""Last election's ballots as this contest's transfer prior: ballot names matched to the contest's candidates.

Ballot files name candidates as the count printed them ("Bob Kiss", "Write-in"); a contest in the store
knows them by code. `ballot_codes` matches each name on the ballots to one candidate of the contest (by code,
full name, short name or surname, ignoring case), and `contest_prior` runs `irv_scenario.prior_from_ballots`
on the ballots with the contest's codes: first preferences and each candidate's voters' next choice, every
candidate of the contest a row (one not on last time's ballots gets `proportional_row`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from warroom.core.ballots import BallotTable
from warroom.core.irv_scenario import IrvScenario, prior_from_ballots
from warroom.core.types import Contest, tie_names

if TYPE_CHECKING:  # the counting engine is imported only by what counts
    from warroom.core.count import CountRules

__all__ = ["ballot_codes", "coded_table", "contest_prior"]


def ballot_codes(names: tuple[str, ...] | list[str], contest: Contest) -> dict[str, str]:
    """Each ballot name -> the code of the one candidate of `contest` it names.

    Two names of one candidate ("Bob Kiss" and "Kiss", "Kiss" and "kiss") are refused naming both: the count
    counts them as two candidates, and read into one code the later's figures replaced the earlier's (the
    instant-runoff panel's rows from last election's ballots, `warroom scenario --prior-ballots`, `count
    --save-prior` and `--save-result` alike).

    Raises:
        ValueError: names that match no candidate, or more than one, listed with the contest's codes; two names
            that match one candidate.
    """
    mapping, unknown = _matched(names, contest)
    if unknown:
        raise ValueError(
            f"{', '.join(map(repr, sorted(unknown)))} on the ballots match no single candidate of {contest.name} "
            f"(codes: {', '.join(contest.candidate_codes)})"
        )
    return mapping


def _matched(names: Sequence[str], contest: Contest) -> tuple[dict[str, str], list[str]]:
    """Each ballot name naming one candidate of `contest` -> that candidate's code, and the names naming none or
    several, in the order given.

    Raises:
        ValueError: two names of one candidate ("Bob Kiss" and "Kiss"): the count counts them as two candidates.
    """
    lookup = _lookup(contest)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    named: dict[str, str] = {}
    for name in names:
        found = lookup.get(name.strip().casefold(), set())
        if len(found) == 1:
            code = mapping[name] = next(iter(found))
            if named.setdefault(code, name) != name:
                raise ValueError(
                    f"{named[code]!r} and {name!r} on the ballots both name {contest.candidate(code).name} ({code}): "
                    "write each candidate one way (the count counts them as two candidates)"
                )
        else:
            unknown.append(name)
    return mapping, unknown


def _lookup(contest: Contest) -> dict[str, set[str]]:
    """Every way a ballot may name a candidate (code, full name, short name, surname; any case) -> the codes."""
    lookup: dict[str, set[str]] = {}
    for c in contest.candidates:
        for key in {c.code, c.name, c.display, c.name.split()[-1] if c.name.split() else c.code}:
            lookup.setdefault(key.strip().casefold(), set()).add(c.code)
    return lookup


def ballot_tie_names(names: Sequence[str], contest: Contest) -> dict[str, str]:
    """Each ballot name that names one candidate of `contest` (as `ballot_codes` matches them) -> the name the
    count orders tied candidates by (core.types.tie_names), so that a count of ballots naming candidates by code
    or surname breaks a tie as the result check does. A name matching none or several is left out (its own).

    Raises:
        ValueError: two names of one candidate ("Bob Kiss" and "Kiss"), as `ballot_codes` refuses them: the count
            counts them as two candidates (with Burlington's contest, 5 papers for "Kiss" and 3 for "Bob Kiss"
            against Wright's 6 elected Wright).
    """
    shown = tie_names(contest)
    return {name: shown[code] for name, code in _matched(names, contest)[0].items()}


def coded_table(table: BallotTable, contest: Contest) -> BallotTable:
    """The same ballots with candidates named by the contest's codes (`ballot_codes`).

    Raises:
        ValueError: a name on the ballots is not a candidate of the contest.
    """
    codes = ballot_codes(table.candidates, contest)
    return BallotTable(
        tuple(codes[n] for n in table.candidates),
        table.ranks,
        table.counts,
        table.lines,
        table.first_line,
        table.overvote_marks,
    )


def contest_prior(
    table: BallotTable, contest: Contest, *, max_rankings: int | None = None, rules: CountRules | None = None
) -> IrvScenario:
    """The ballots' first preferences and next-preference rows, by the contest's candidate codes.

    Args:
        table: last election's ballots (a weighted profile or a cast-vote record).
        contest: this race; every name on the ballots must be one of its candidates.
        max_rankings: how many rankings the next preference may come from (the ballots' count rules).
        rules: the rules the ballots were counted by: the papers are read as that count reads them, so the
            first preferences are its round 1 (`prior_from_ballots`).

    On a full preferential contest (`Rules.full_preferential`) the papers are read as its count reads them:
    informal papers are left out and no row has an exhausted share (`prior_from_ballots`).

    Raises:
        ValueError: a name on the ballots is not a candidate of the contest, or no ballot has a first choice.
    """
    coded = coded_table(table, contest)
    full = contest.counting_rules.full_preferential
    return prior_from_ballots(
        coded, list(contest.candidate_codes), max_rankings=max_rankings, full_preferential=full, rules=rules
    )
