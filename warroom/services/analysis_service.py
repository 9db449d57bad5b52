"""AverageController: recomputes the poll average whenever the polls change, coalesced to one run per turn."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from warroom.core.averaging import ColumnBuilder, PollAverages
from warroom.core.forecast import ForecastErrors
from warroom.core.pipeline import OddsModel, PriorSource, compute_averages
from warroom.core.types import Contest, Poll


class AverageController(QObject):
    """Owns the current PollAverages of the open contest.

    Signals:
        averages_ready: (list[Poll], PollAverages | None) after every change of the polls.
        average_failed: message.
    """

    averages_ready = Signal(object, object)
    average_failed = Signal(str)

    def __init__(self, parent: QObject | None = None, *, errors: ForecastErrors | None = None) -> None:
        super().__init__(parent)
        self._errors = errors  # the historical error table: with it, the averages carry their forecast bands
        self._odds: OddsModel | None = None
        self._contest: Contest | None = None
        self._by_contest: dict[
            int, tuple[Contest, ColumnBuilder, tuple[list[Poll], object, PollAverages | None] | None]
        ] = {}
        self._last: tuple[list[Poll], object, PollAverages | None] | None = None
        self._polls: list[Poll] = []
        self.averages: PollAverages | None = None
        self.priors: PriorSource | None = None  # default splits for implied runoffs, from a past count
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)  # coalesce a burst of changes into one recompute, same frame
        self._pending.timeout.connect(self.recompute)

    def set_contest(self, contest: Contest) -> None:
        self._contest = contest
        self._polls = []
        self.averages = None
        # Each contest keeps its column cache and last averages: switching back to it reuses both when its poll
        # objects are the very ones averaged last time (the poll service hands back the same list unchanged).
        cached = self._by_contest.get(contest.id) if contest.id is not None else None
        if cached is not None and cached[0] == contest:  # the same contest as then (an edit makes it another)
            _same, self._columns, self._last = cached
        else:
            self._columns, self._last = ColumnBuilder(contest), None
        if self._errors is not None:
            self._odds = OddsModel(self._errors, contest.second_round_date or contest.election_date)

    def set_priors(self, priors: PriorSource | None) -> None:
        """Default splits for implied runoffs from a past count (None: none); recomputed next turn."""
        self.priors = priors
        self._pending.start()

    def set_polls(self, polls: Sequence[Poll]) -> None:
        self._polls = list(polls)
        self._pending.start()

    def recompute(self) -> None:
        self._pending.stop()
        contest = self._contest
        if contest is None:
            return
        try:
            last = self._last
            same = (
                last is not None
                and last[1] is self.priors
                and len(last[0]) == len(self._polls)
                and all(p is q for p, q in zip(last[0], self._polls, strict=True))
            )
            if same and last is not None:
                self.averages = last[2]
            else:
                self.averages = compute_averages(
                    self._polls, contest, columns=self._columns, priors=self.priors, odds=self._odds
                )
            self._last = (self._polls, self.priors, self.averages)
            if contest.id is not None:
                self._by_contest[contest.id] = (contest, self._columns, self._last)
        except (ValueError, KeyError) as exc:
            self.averages = None
            self.average_failed.emit(f"The poll average could not be computed: {exc}")
        self.averages_ready.emit(self._polls, self.averages)
