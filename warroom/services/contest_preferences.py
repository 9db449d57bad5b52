"""ContestPreferences: each contest's own settings, applied when it opens (meeting-mode views, transfer priors)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Signal

from warroom.core.pipeline import PriorSource
from warroom.core.types import Contest
from warroom.services.settings import AppSettings


class PriorLookup(Protocol):
    """The poll service's side that turns a past contest's count into priors."""

    def transfer_priors(self, past_name: str) -> PriorSource | None: ...


class ContestPreferences(QObject):
    """Per-contest settings, scoped by contest id in the settings file.

    Signals:
        priors_changed: the open contest's transfer priors (a PriorSource, or None).
        presentation_views_changed: the open contest's meeting-mode views (list[str]).
        preferences_failed: a message (e.g. the chosen past count has no transfers).
    """

    priors_changed = Signal(object)
    presentation_views_changed = Signal(object)
    preferences_failed = Signal(str)

    def __init__(self, settings: AppSettings, lookup: PriorLookup, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.lookup = lookup
        self.contest: Contest | None = None

    @property
    def transfer_prior(self) -> str:
        """The past contest the open one takes its default transfers from ("" for none)."""
        if self.contest is None or self.contest.id is None:
            return ""
        return self.settings.for_contest(self.contest.id, "transfer_prior")

    def set_contest(self, contest: Contest) -> None:
        """A contest opened: announce its views and priors."""
        self.contest = contest
        self.presentation_views_changed.emit(self.settings.presentation_views_for(contest.id))
        self._announce_priors(self.transfer_prior)

    def set_transfer_prior(self, past_name: str) -> None:
        """Take the open contest's default transfers from `past_name`'s count ("" for none) and remember it."""
        if self.contest is None or self.contest.id is None:
            return
        if self._announce_priors(past_name):
            self.settings.set_for_contest(self.contest.id, "transfer_prior", past_name)

    def set_presentation_views(self, views: list[str]) -> None:
        """The open contest's own meeting-mode views."""
        if self.contest is not None and self.contest.id is not None:
            self.settings.set_for_contest(self.contest.id, "presentation_views", ",".join(views))
            self.presentation_views_changed.emit(self.settings.presentation_views_for(self.contest.id))

    def _announce_priors(self, past_name: str) -> bool:
        if not past_name:
            self.priors_changed.emit(None)
            return True
        try:
            priors = self.lookup.transfer_priors(past_name)
        except ValueError as exc:
            self.preferences_failed.emit(f"No transfer priors from {past_name}: {exc}")
            self.priors_changed.emit(None)
            return False
        if priors is None:
            self.preferences_failed.emit(f"No transfer priors: {past_name} has no stored result any more")
        self.priors_changed.emit(priors)
        return priors is not None
