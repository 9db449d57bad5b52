"""Frozen domain types shared by every layer.

Shares are always percentages (0-100), never fractions, because that is how
pollsters publish them and how staff talk about them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

EXHAUSTED = "__exhausted__"
"""Pseudo candidate code for a ballot or a voter with no valid later preference."""


class CountingSystem(StrEnum):
    """The counting rules this app understands."""

    SV = "sv"  # Supplementary Vote: two preferences, top two go to the second round
    CONTINGENT = "contingent"  # contingent vote: all preferences, top two go to the second round
    IRV = "irv"  # instant runoff: eliminate the last one at a time

    @property
    def label(self) -> str:
        return {
            CountingSystem.SV: "Supplementary Vote",
            CountingSystem.CONTINGENT: "Contingent vote",
            CountingSystem.IRV: "Instant runoff",
        }[self]


@dataclass(frozen=True, slots=True)
class Party:
    code: str
    name: str
    colour: str = "#808080"


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    name: str
    party: str | None = None  # party code, None for an independent
    colour: str = "#808080"


@dataclass(frozen=True, slots=True)
class Contest:
    """One race: its candidates, parties and the counting rules."""

    name: str
    election_date: date
    system: CountingSystem
    candidates: tuple[Candidate, ...]
    parties: tuple[Party, ...] = ()
    id: int | None = None

    def candidate(self, code: str) -> Candidate:
        for cand in self.candidates:
            if cand.code == code:
                return cand
        raise KeyError(f"unknown candidate {code!r} in {self.name}")

    def party(self, code: str) -> Party:
        for party in self.parties:
            if party.code == code:
                return party
        raise KeyError(f"unknown party {code!r} in {self.name}")

    @property
    def candidate_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.candidates)


@dataclass(frozen=True, slots=True)
class TransferObservation:
    """A published second-preference split: of `from_candidate`'s voters, `share` % go to `to_candidate`.

    `to_candidate` is EXHAUSTED for voters with no valid second preference.
    """

    from_candidate: str
    to_candidate: str
    share: float


@dataclass(frozen=True, slots=True)
class Annotation:
    """A dated event on the charts ("poster unveiled")."""

    when: date
    text: str
    id: int | None = None


@dataclass(frozen=True)
class Poll:
    """One published poll of a contest.

    Attributes:
        first_round: candidate code -> first-preference share (%).
        second_round: candidate code -> head-to-head share (%) of the runoff, when published.
        party_vi: party code -> party voting intention (%), when published.
        transfers: published second-preference splits.
    """

    pollster: str
    fieldwork_start: date
    fieldwork_end: date
    sample_size: int | None  # None: the pollster did not publish it
    first_round: Mapping[str, float] = field(default_factory=dict)
    second_round: Mapping[str, float] = field(default_factory=dict)
    party_vi: Mapping[str, float] = field(default_factory=dict)
    transfers: tuple[TransferObservation, ...] = ()
    client: str = ""
    published: date | None = None
    method: str = ""
    source_url: str = ""
    notes: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        # One canonical order, so the same poll compares equal however it was read (CSV, store, form).
        object.__setattr__(
            self, "transfers", tuple(sorted(self.transfers, key=lambda t: (t.from_candidate, t.to_candidate)))
        )

    @property
    def midpoint(self) -> date:
        """Middle of fieldwork: the date a poll is plotted at."""
        return self.fieldwork_start + (self.fieldwork_end - self.fieldwork_start) / 2

    def key(self) -> tuple[str, date, date]:
        """Identity for duplicate detection: same pollster and fieldwork dates."""
        return (self.pollster.strip().casefold(), self.fieldwork_start, self.fieldwork_end)
