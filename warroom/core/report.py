"""The poll average in words and figures: one summary that the CLI, the briefing and exports all print. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from warroom.core.averaging import PollAverages
from warroom.core.forecast import signed_points
from warroom.core.pipeline import runoff_kind
from warroom.core.types import Contest, Poll, bidi_isolated

Band = tuple[float, float, float]
"""(mean, lower, upper) of an average on a day."""


@dataclass(frozen=True)
class AverageSummary:
    """The poll average on its last day.

    Attributes:
        contest: the race.
        day: the day the figures are for.
        polls_used: polls known by then.
        shares: candidate code -> first-round share band.
        first_lead: first-round lead of a over b, or None.
        second_lead: runoff lead of a over b, or None.
        runoff_kind: what the runoff average is made of, in words.
        house_effects: pollster -> house effect on the front-runner's share (points).
        a: front-runner.
        b: runner-up.
    """

    contest: Contest
    day: date
    polls_used: int
    shares: dict[str, Band]
    first_lead: Band | None
    second_lead: Band | None
    runoff_kind: str
    house_effects: dict[str, float]
    a: str
    b: str

    def name(self, code: str) -> str:
        """A candidate's full name (the code if unknown), isolated for joining into text (types.bidi_isolated)."""
        try:
            return bidi_isolated(self.contest.candidate(code).name)
        except KeyError:
            return "Others" if code == "other" else code

    def share_lines(self) -> list[str]:
        """First-round shares, largest first, and where they come from."""
        ranked = sorted(self.shares.items(), key=lambda kv: -kv[1][0])
        return [
            ", ".join(f"{self.name(c)} {m:.1f} %" for c, (m, _lo, _hi) in ranked),
            f"Poll average on {self.day:%d %B %Y} from {self.polls_used} polls (90 % band of the average).",
        ]

    def lead_lines(self) -> list[str]:
        """Both leads with their bands, the runoff one saying what it is made of."""
        out = []
        who = f"{self.name(self.a)} minus {self.name(self.b)}"
        if self.first_lead is not None:
            m, lo, hi = self.first_lead
            out.append(
                f"First-round lead, {who}: {signed_points(m)} points (90 %: {signed_points(lo)} to {signed_points(hi)})"
            )
        if self.second_lead is not None:
            m, lo, hi = self.second_lead
            out.append(
                f"Runoff lead, {who}: {signed_points(m)} points (90 %: {signed_points(lo)} to {signed_points(hi)}); average of {self.runoff_kind}"
            )
        return out


def summarise(averages: PollAverages, polls: Sequence[Poll], contest: Contest) -> AverageSummary:
    """The summary of an average on its last day (as_of is taken from the averages)."""
    series = next(iter(averages.first_round.values()))
    last = float(series.days[-1])
    as_of = averages.as_of
    return AverageSummary(
        contest=contest,
        day=date.fromordinal(int(last)),
        polls_used=sum(1 for p in polls if as_of is None or p.fieldwork_end <= as_of),
        shares={c: s.at(s.days[-1]) for c, s in averages.first_round.items()},
        first_lead=None if averages.first_lead.empty else averages.first_lead.at(averages.first_lead.days[-1]),
        second_lead=None if averages.second_lead.empty else averages.second_lead.at(averages.second_lead.days[-1]),
        runoff_kind=runoff_kind(averages),
        house_effects=dict(averages.first_round[averages.a].house_effects)
        if averages.a in averages.first_round
        else {},
        a=averages.a,
        b=averages.b,
    )
