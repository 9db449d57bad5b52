"""Contests in the window: File > New/Edit/Delete contest and the picker in the toolbar.

Switching contests opens the chosen one through the poll service; every view follows its contest_loaded and
polls_changed signals. A big race is read on the store writer's thread (PollService.switch_to): the race open
until then stays on screen, the status bar says "Loading <race>…", and a progress dialog with Cancel shows past
0.4 s. A refused write (a taken name, a candidate with polls) reopens the dialog as typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDialog, QMenu, QMessageBox, QProgressDialog

from warroom.core.types import Contest, CountingSystem, OfficialResult
from warroom.ui.contest_dialog import ContestDialog
from warroom.ui.dock_layout import PICKER_MAX_WIDTH, PICKER_MIN_LETTERS
from warroom.ui.glyphs import drawable
from warroom.ui.main_window import NO_RACE_STORED_MESSAGE, MainWindow
from warroom.ui.qt_utils import ask_plain, offer, signals_blocked, work_progress
from warroom.ui.result_dialog import ResultDialog

_T = TypeVar("_T")


RESULT_TIP = "Enter or read the declared result: it feeds the back-test and later races' priors"
TWO_ROUND_RESULT_TIP = (
    "A two-round race's result is its official rounds: import official_results.csv (turnout.csv beside it) with "
    "File > Import polls, as warroom import official_results.csv --contest NAME"
)
"""Why Official result is off while a two-round race is open: the form's first and final rounds are read by none
of its figures (its back-test, panel and `contest show` read the official rounds), and the store refuses them."""
PRIORS_TIP = "Start this race's second-preference splits from what they were in a past contest's count"
TWO_ROUND_PRIORS_TIP = (
    "A two-round race's runoff transfers come from its polls' transfer matrices: no past count's transfers are "
    "read by its figures"
)
"""Why Transfer priors is off while a two-round race is open (a past count chosen was stored, read by nothing)."""


class ContestSource(Protocol):
    """The poll service's contest side."""

    contest_loaded: Any
    contest_loading: Any
    contests_changed: Any

    @property
    def contest(self) -> Contest | None: ...
    @property
    def loading(self) -> Contest | None: ...
    def switch_to(self, contest_id: int) -> Contest | None: ...
    def stop_loading(self) -> None: ...
    def contests(self) -> list[Contest]: ...
    def open_contest(self, key: int | str | None = None) -> Contest | None: ...
    def used_codes(self) -> set[str]: ...
    def create_contest(self, contest: Contest) -> Contest: ...
    @property
    def opened_identity(self) -> tuple[str, datetime | None] | None: ...
    def update_contest(
        self, contest: Contest, base: Contest | None = None, *, born: tuple[str, datetime | None] | None = None
    ) -> Contest: ...
    def delete_contest(self, contest_id: int, *, born: tuple[str, datetime | None] | None = None) -> Path | None: ...
    def contests_with_results(self) -> list[Contest]: ...
    def official_result(self, contest_id: int) -> OfficialResult | None: ...
    def set_official_result(
        self,
        contest: Contest,
        result: OfficialResult,
        *,
        opened_with: tuple[OfficialResult | None] | None = None,
        born: tuple[str, datetime | None] | None = None,
    ) -> None: ...


class PriorChoice(Protocol):
    """Where the open contest's default transfers come from (services.contest_preferences)."""

    @property
    def transfer_prior(self) -> str: ...
    def set_transfer_prior(self, past_name: str) -> None: ...
    def forget_contest(self, contest_id: int) -> None: ...


class ContestActions(QObject):
    """New, edit, delete and pick contests.

    Args:
        source: the poll service.
        window: the main window (its File menu and toolbar get the actions and the picker).
        confirm: asks a yes/no question (tests answer it); default a message box.
    """

    def __init__(
        self, source: ContestSource, window: MainWindow, confirm: Any = None, priors: PriorChoice | None = None
    ) -> None:
        super().__init__(window)
        self.source = source
        self.priors = priors
        self.window = window
        self._confirm = confirm or self._ask
        self.picker = QComboBox()
        self.picker.setObjectName("contest_picker")
        self.picker.setAccessibleName("Contest")
        self.picker.setToolTip("The contest on screen: switch to another race in this store")
        # As wide as the longest race's name (the demos' "(demo)" mark was cut to "(den"), up to a limit past
        # which a very long name is elided rather than pushing the toolbar's buttons off a laptop screen.
        self.picker.setMinimumContentsLength(PICKER_MIN_LETTERS)
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.picker.setMaximumWidth(PICKER_MAX_WIDTH)
        self.picker.currentIndexChanged.connect(self._on_picker_changed)
        self.action_new = QAction("&New contest…", window)
        self.action_new.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.action_new.setToolTip("Set up another race: name, date, system, candidates")
        self.action_new.triggered.connect(self.new_contest)
        self.action_edit = QAction("Edit &contest…", window)
        self.action_edit.setToolTip("Rename, add or withdraw candidates, change colours, rules and dates")
        self.action_edit.triggered.connect(self.edit_contest)
        self.action_delete = QAction("&Delete contest…", window)
        self.action_delete.setToolTip("Delete this contest with its polls and scenarios (a backup is taken first)")
        self.action_delete.triggered.connect(self.delete_contest)
        self.action_result = QAction("Official &result…", window)
        self.action_result.setToolTip(RESULT_TIP)
        self.action_result.triggered.connect(self.edit_result)
        self.action_priors = QAction("Transfer &priors from a past count…", window)
        self.action_priors.setToolTip(PRIORS_TIP)
        self.action_priors.triggered.connect(self.choose_priors)
        file_menu = self._file_menu()
        if file_menu is not None:
            first = file_menu.actions()[0] if file_menu.actions() else None
            file_menu.insertActions(
                first,  # type: ignore[arg-type]
                [self.action_new, self.action_edit, self.action_result, self.action_priors, self.action_delete],
            )
            file_menu.insertSeparator(first)  # type: ignore[arg-type]
        window.toolbar.insertWidget(window.toolbar.actions()[0] if window.toolbar.actions() else None, self.picker)  # type: ignore[arg-type]
        self.loading_progress: QProgressDialog | None = None  # a picked race being read (past 0.4 s: shown)
        source.contest_loaded.connect(self.show_contest)
        source.contest_loading.connect(self._on_contest_loading)
        source.contests_changed.connect(self.show_contests)
        self.show_contests(source.contests())

    # --- data down ---------------------------------------------------------------------------------------------

    def show_contests(self, contests: list[Contest]) -> None:
        """Refill the picker (keeping the open contest, or the one being read, selected)."""
        current = self.source.contest
        picked = self.source.loading or current
        with signals_blocked(self.picker):
            self.picker.clear()
            for c in contests:
                self.picker.addItem(drawable(c.title), c.id)
            # none open nor being read: the picker names no race (a refill put the first one there), so picking
            # any race, the one whose read was cancelled too, opens it
            self.picker.setCurrentIndex(self.picker.findData(picked.id) if picked is not None else -1)
        self.action_delete.setEnabled(bool(contests))
        self.action_edit.setEnabled(current is not None)

    def show_contest(self, contest: Contest) -> None:
        """A contest was opened: select it in the picker."""
        with signals_blocked(self.picker):
            index = self.picker.findData(contest.id)
            if index < 0:
                self.picker.addItem(drawable(contest.title), contest.id)
                index = self.picker.count() - 1
            self.picker.setCurrentIndex(index)
        for action in (self.action_edit, self.action_result, self.action_priors):
            action.setEnabled(True)
        plain = contest.system != CountingSystem.TWO_ROUND
        offer(self.action_result, plain, RESULT_TIP, TWO_ROUND_RESULT_TIP)
        offer(self.action_priors, plain, PRIORS_TIP, TWO_ROUND_PRIORS_TIP)

    # --- actions -----------------------------------------------------------------------------------------------

    def new_contest(self, dialog: ContestDialog | None = None) -> Contest | None:
        """Ask for a new contest and open it; a refused one comes back as typed."""
        own = dialog is None  # (made here: deleted once answered)
        dialog = dialog or ContestDialog(taken_names=[c.name for c in self.source.contests()], parent=self.window)
        made = self._until_accepted(
            dialog, lambda: self.source.create_contest(dialog.contest()), "The contest was not created", own=own
        )
        if made is not None:
            self.window.statusBar().showMessage(f"Contest '{made.name}' created: import or add its polls", 8000)
        return made

    def edit_contest(self, dialog: ContestDialog | None = None) -> Contest | None:
        """Edit the open contest."""
        contest = self.source.contest
        if contest is None:
            return None
        own = dialog is None  # (made here: deleted once answered)
        if dialog is None:  # (the other races' names: read for the dialog, not again when its edit is saved)
            others = [c.name for c in self.source.contests() if c.id != contest.id]
            dialog = ContestDialog(contest, others, sorted(self.source.used_codes()), self.window)
        base = [contest]  # what the dialog started from: a teammate's edit meanwhile is not written over unseen
        born = self.source.opened_identity  # the race itself: another made under its id is never written over

        def attempt() -> Contest:
            try:
                return self.source.update_contest(dialog.contest(), base=base[0], born=born)
            except RuntimeError as exc:
                if getattr(exc, "kind", "") == "conflict":  # said once; saved again, the user's details go in
                    base[0] = getattr(exc, "current", base[0])
                raise

        return self._until_accepted(dialog, attempt, "The contest was not changed", own=own)

    def edit_result(self, dialog: ResultDialog | None = None) -> OfficialResult | None:
        """Enter or replace the open contest's official result."""
        contest = self.source.contest
        if contest is None or contest.id is None:
            return None
        if contest.system == CountingSystem.TWO_ROUND:  # (its action is off: a route around it says why)
            self.window.show_error(TWO_ROUND_RESULT_TIP + ".")
            return None
        stored_then = self.source.official_result(contest.id)
        own = dialog is None  # (made here: deleted once answered)
        dialog = dialog or ResultDialog(contest, stored_then, self.window)
        opened_with = [stored_then]  # a teammate's result stored meanwhile is not replaced unseen
        born = self.source.opened_identity  # the race itself: another made under its id never takes the result

        def store() -> OfficialResult:
            result = dialog.typed_result()
            try:
                self.source.set_official_result(contest, result, opened_with=(opened_with[0],), born=born)
            except RuntimeError as exc:
                if getattr(exc, "kind", "") == "conflict":  # said once; saved again, these figures go in
                    opened_with[0] = getattr(exc, "current", opened_with[0])
                raise
            return result

        stored = self._until_accepted(dialog, store, "The result was not stored", own=own)
        if stored is not None:
            self.window.statusBar().showMessage(f"Official result of {contest.name} stored", 6000)
        return stored

    def _until_accepted(self, dialog: QDialog, attempt: Callable[[], _T], failed: str, *, own: bool) -> _T | None:
        """Run the dialog until the user cancels or `attempt` succeeds; a refusal (ValueError) is shown as
        "<failed>: <why>" and the dialog opens again with what the user typed. A dialog made here (`own`) is
        deleted once answered, `attempt` having read it: a child of the window, each one made for a New contest,
        Edit contest or Result was kept, hidden, as long as the window."""
        try:
            while dialog.exec() == QDialog.DialogCode.Accepted:
                try:
                    return attempt()
                except (ValueError, RuntimeError, OSError) as exc:  # a refusal, or the store's own error
                    self.window.show_error(f"{failed}: {_with_where(exc)}")
            return None
        finally:
            if own:
                dialog.deleteLater()

    def choose_priors(self, pick: Any = None) -> str | None:
        """Pick the past contest whose count gives this race's default transfers (or none).

        Args:
            pick: chooses among the names (tests answer it); default an input dialog.
        """
        if self.priors is None:
            return None
        open_now = self.source.contest
        if open_now is not None and open_now.system == CountingSystem.TWO_ROUND:  # (its action is off: why)
            self.window.show_error(TWO_ROUND_PRIORS_TIP + ".")
            return None
        names = ["(none: polls' published splits, else an even split)"]
        names += [c.name for c in self.source.contests_with_results()]
        if len(names) == 1:
            self.window.show_error("No other contest in this store has an official result to take transfers from.")
            return None
        current = self.priors.transfer_prior
        contest, mark = self.source.contest, self.window.race_mark()
        if pick is None:
            from PySide6.QtWidgets import QInputDialog

            index = names.index(current) if current in names else 0
            choice, ok = QInputDialog.getItem(
                self.window, "Transfer priors", "Default transfers from the count of:", names, index, False
            )
            if not ok:
                return None
        else:
            choice = pick(names)
        name = "" if choice == names[0] else str(choice)
        if contest is not None and not self.window.still_open(contest, mark):
            now = self.source.contest
            self.window.show_error(  # the list was this race's; the race opened since keeps its own choice
                f"The transfer priors chosen for '{contest.name}' were not stored: it was closed while the list was "
                f"open (deleted by a teammate or another program{', and ' + repr(now.name) + ' opened' if now else ''})"
            )
            return None
        self.priors.set_transfer_prior(name)
        return name

    def delete_contest(self) -> bool:
        """Delete the open contest after asking; a backup is taken first."""
        contest = self.source.contest
        if contest is None or contest.id is None:
            return False
        question = (
            f"Delete {contest.title} with all its polls, event markers, saved scenarios and result?\n\n"
            "A backup of the store is taken first."
        )
        born = self.source.opened_identity  # the race asked about: another made under its id meanwhile is not it
        if not self._confirm("Delete contest", question):
            return False
        try:
            backup = self.source.delete_contest(contest.id, born=born)
        except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: the store's own (busy, full, gone)
            self.window.show_error(f"{contest.name} was not deleted: {_with_where(exc)}")
            return False
        if self.priors is not None:
            self.priors.forget_contest(contest.id)  # its settings are not the next contest's under its id
        where = f"; backup: {backup}" if backup else ""
        if self.source.contest is None and self.source.loading is None and self.picker.count() == 0:
            self.window.statusBar().showMessage(f"Deleted {contest.name}{where}. {NO_RACE_STORED_MESSAGE}")
            return True
        self.window.statusBar().showMessage(f"Deleted {contest.name}{where}", 10000)
        return True

    # --- private -------------------------------------------------------------------------------------------

    def _file_menu(self) -> QMenu | None:
        for action in self.window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and menu.title().replace("&", "") == "File":
                return menu
        return None

    def _ask(self, title: str, text: str) -> bool:
        answer = ask_plain(self.window, title, text)  # a contest's name as typed
        return answer == QMessageBox.StandardButton.Yes

    def _on_contest_loading(self, contest: Contest | None) -> None:
        """A picked race is being read (its name in the status bar, a progress dialog past 0.4 s whose Cancel keeps
        the race shown), or that read ended (None): the picker names the race on screen again until contest_loaded
        says which one that is now."""
        dialog, self.loading_progress = self.loading_progress, None
        if dialog is not None:  # (taken first: closing it emits its canceled signal)
            dialog.close()
            dialog.deleteLater()
        bar = self.window.statusBar()
        if contest is None:
            if bar.currentMessage().startswith("Loading "):
                bar.clearMessage()
            current = self.source.contest
            if current is not None:
                self.show_contest(current)
            else:  # the read cancelled, failed or refused with no race open: none is named, one is asked for
                self._show_no_contest()
            return
        with signals_blocked(self.picker):
            self.picker.setCurrentIndex(self.picker.findData(contest.id))
        text = f"Loading {drawable(contest.title)}…"
        bar.showMessage(text)
        progress = work_progress(text, "Open contest", "contest_loading_progress", self.window, lambda: None, 0)
        progress.canceled.connect(lambda: self._on_loading_cancelled(progress))
        self.loading_progress = progress

    def _show_no_contest(self) -> None:
        """No race open: the picker names none (so picking any race opens it) and the window says so."""
        with signals_blocked(self.picker):
            self.picker.setCurrentIndex(-1)
        for action in (self.action_edit, self.action_result, self.action_priors):
            action.setEnabled(False)
        self.window.show_no_contest(none_stored=self.picker.count() == 0)

    def _on_loading_cancelled(self, progress: QProgressDialog) -> None:
        if progress is self.loading_progress:  # (not one closed because its read ended)
            self.source.stop_loading()

    def _on_picker_changed(self, index: int) -> None:
        contest_id = self.picker.itemData(index)
        current = self.source.contest
        if contest_id is not None and (current is None or current.id != contest_id or self.source.loading is not None):
            try:
                self.source.switch_to(int(contest_id))
            except (RuntimeError, OSError) as exc:  # the store's own error: the picker must not name another race
                back = self.picker.findData(current.id) if current is not None else -1
                blocked = self.picker.blockSignals(True)
                self.picker.setCurrentIndex(back)
                self.picker.blockSignals(blocked)
                self.window.show_error(f"{self.picker.itemText(index)} could not be opened: {_with_where(exc)}")


def _with_where(exc: BaseException) -> str:
    """An error's message, with the store it names (a StoreError's `where`) on a line of its own."""
    where = getattr(exc, "where", "")
    return f"{exc}" + (f"\n\n{where}" if where else "")
