"""ContestPreferences: what each contest brings with it when it opens: its transfer priors (stored with the
contest, so every teammate and the command line get the same defaults) and its meeting-mode views (a setting of
this machine, kept per contest)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from warroom.core.pipeline import PriorSource
from warroom.core.types import Contest
from warroom.services.settings import AppSettings, contest_born


class PriorLookup(Protocol):
    """The poll service's side that turns a past contest's count into priors and stores the choice."""

    def transfer_priors(self, contest: Contest) -> PriorSource | None: ...
    def expected_valid_votes(self, contest: Contest) -> int | None: ...
    def update_contest(self, contest: Contest) -> Contest: ...
    @property
    def opened_identity(self) -> tuple[str, datetime | None] | None: ...


class ContestPreferences(QObject):
    """Per-contest settings, scoped by contest id in the settings file and marked with the contest's creation time
    (a contest made later under a deleted one's id never inherits them: AppSettings.claim_contest).

    Signals:
        priors_changed: the open contest's transfer priors (a PriorSource, or None).
        valid_votes_changed: the first-round valid vote to expect (int, or None), for break-evens in voters.
        presentation_views_changed: the open contest's meeting-mode views (list[str]).
        preferences_failed: a message (e.g. the chosen past count has no transfers).
    """

    priors_changed = Signal(object)
    valid_votes_changed = Signal(object)
    presentation_views_changed = Signal(object)
    preferences_failed = Signal(str)

    def __init__(
        self,
        settings: AppSettings,
        lookup: PriorLookup,
        parent: QObject | None = None,
        *,
        store: str = "",
        former: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.lookup = lookup
        # Each store's races keep their own settings (bootstrap.settings_key): ids are per store, and a team
        # store's race 1 took one's own race 1's meeting-mode views ("": the layout shared by every store)
        self.store = store
        self.former = former  # the key this store's settings were kept under before (bootstrap.former_settings_key)
        self.contest: Contest | None = None
        self._born = ""  # the open contest's creation time, as its settings are marked (contest_born)

    @property
    def transfer_prior(self) -> str:
        """The past contest the open one takes its default transfers from ("" for none)."""
        return self.contest.transfer_prior if self.contest is not None else ""

    def set_contest(self, contest: Contest) -> None:
        """A contest opened: announce its views and priors."""
        self.contest = contest
        self._born = contest_born(self.lookup.opened_identity) if contest.id is not None else ""
        if contest.id is not None:
            self.settings.claim_contest(contest.id, self._born, store=self.store, former=self.former)
        self.presentation_views_changed.emit(self.settings.presentation_views_for(contest.id, store=self.store))
        self._announce_priors(contest)
        self.valid_votes_changed.emit(self.lookup.expected_valid_votes(contest))

    def set_transfer_prior(self, past_name: str) -> None:
        """Take the open contest's default transfers from `past_name`'s count ("" for none), stored with the
        contest (the contest is reopened, which announces the priors)."""
        if self.contest is None or self.contest.id is None:
            return
        trial = replace(self.contest, transfer_prior=past_name)
        try:
            self.lookup.transfer_priors(trial)
        except ValueError as exc:
            self.preferences_failed.emit(f"No transfer priors from {past_name}: {exc}")
            return
        try:
            self.lookup.update_contest(trial)
        except ValueError as exc:
            self.preferences_failed.emit(f"The choice was not stored: {exc}")

    def set_presentation_views(self, views: list[str]) -> None:
        """The open contest's own meeting-mode views."""
        if self.contest is not None and self.contest.id is not None:
            self.settings.set_for_contest(
                self.contest.id, "presentation_views", ",".join(views), born=self._born, store=self.store
            )
            self.presentation_views_changed.emit(
                self.settings.presentation_views_for(self.contest.id, store=self.store)
            )

    def forget_contest(self, contest_id: int) -> None:
        """A contest deleted from this window: its settings go with it. SQLite gives its id to the next contest
        made, and one made within the same second also shares its creation time, the mark claim_contest reads."""
        self.settings.forget_contest(contest_id, store=self.store)

    def _announce_priors(self, contest: Contest) -> None:
        try:
            priors = self.lookup.transfer_priors(contest)
        except ValueError as exc:
            self.preferences_failed.emit(f"No transfer priors from {contest.transfer_prior}: {exc}")
            priors = None
        if contest.transfer_prior and priors is None:
            self.preferences_failed.emit(f"No transfer priors: {contest.transfer_prior} has no stored result")
        self.priors_changed.emit(priors)
