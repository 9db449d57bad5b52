"""Undoable poll edits. Each command acts first (errors reach the user, nothing is pushed),
then goes on the QUndoStack with its first redo skipped."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from warroom.core.types import Poll


class PollWriter(Protocol):
    def add_polls(
        self, polls: Sequence[Poll], *, undo: bool = False, ids: Sequence[int] | None = None
    ) -> list[int]: ...
    def update_poll(self, poll: Poll, *, undo: bool = False, base: Poll | None = None) -> None: ...
    def delete_polls(self, poll_ids: Sequence[int], *, undo: bool = False) -> list[Poll]: ...


ErrorSink = Callable[[str], None]


class _UndoableWrite(QUndoCommand):
    """A store write on the undo stack: done once by execute() (errors raise, and it is not pushed), then
    redone and undone by the stack; a failed redo or undo is shown and drops the history, which no longer
    matches the store."""

    def __init__(self, on_error: ErrorSink, text: str) -> None:
        super().__init__(text)
        self._on_error = on_error
        self._skip_redo = True

    def execute(self) -> None:
        """Do it the first time; raises on failure (then the command is not pushed)."""
        self._do()

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._guard(self._do)

    def undo(self) -> None:
        self._guard(self._undo, "undo ")  # "Could not undo add poll": the undo failed, not the add

    def _guard(self, fn: Callable[[], None], doing: str = "") -> None:
        try:
            fn()
        except Exception as exc:  # shown, and the history dropped: it no longer matches the store
            self.setObsolete(True)
            self._on_error(f"Could not {doing}{self._what()}: {exc}")

    def _what(self) -> str:
        """The command's text as the error message says it (its first letter lower-cased)."""
        return self.text()[:1].lower() + self.text()[1:]

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class _PollCommand(_UndoableWrite):
    def __init__(self, writer: PollWriter, on_error: ErrorSink, text: str) -> None:
        super().__init__(on_error, text)
        self._writer = writer

    def _what(self) -> str:
        return self.text().lower()


class AddPollsCommand(_PollCommand):
    def __init__(self, writer: PollWriter, polls: Sequence[Poll], on_error: ErrorSink) -> None:
        super().__init__(writer, on_error, "Add poll" if len(polls) == 1 else f"Import {len(polls)} polls")
        self._polls = [replace(p, id=None) for p in polls]
        self.ids: list[int] = []

    def _do(self) -> None:
        # The first time the store picks the ids; a redo puts the polls back under the same ids, which they carry
        # (passed along: the writer need not read them from each poll).
        given = self.ids if self.ids and len(self.ids) == len(self._polls) else None
        self.ids = self._writer.add_polls(self._polls, ids=given)
        # (a poll under its id already is kept: the redo of a 1,000-poll import copied and checked each again)
        self._polls = [p if p.id == i else replace(p, id=i) for p, i in zip(self._polls, self.ids, strict=True)]

    def _undo(self) -> None:
        self._writer.delete_polls(self.ids, undo=True)


class ImportedPollsCommand(AddPollsCommand):
    """Polls an import already stored (on its own thread), recorded for undo: undo deletes them, redo puts them
    back under the same ids. Pushed without execute(): the first redo is skipped as for every command."""

    def __init__(self, writer: PollWriter, stored: Sequence[Poll], on_error: ErrorSink) -> None:
        # Not AddPollsCommand.__init__: it copies every poll without its id (half a second for 10,000), and
        # these keep theirs, so that a redo puts them back under the same ids.
        _PollCommand.__init__(self, writer, on_error, "Add poll" if len(stored) == 1 else f"Import {len(stored)} polls")
        self.ids = [p.id for p in stored if p.id is not None]
        self._polls = list(stored)

    def execute(self) -> None:
        raise RuntimeError("already stored: push it, do not execute it")


class EditPollCommand(_PollCommand):
    def __init__(self, writer: PollWriter, before: Poll, after: Poll, on_error: ErrorSink) -> None:
        super().__init__(writer, on_error, f"Edit {after.pollster} poll")
        self._before, self._after = before, after

    def execute(self) -> None:
        """The edit, made from `before` (the version the form opened on, or a teammate's it was merged with): the
        store must hold that very version, not only the one the window shows (a teammate's edit the window has
        shown since the form opened would otherwise be written over unseen)."""
        self._writer.update_poll(self._after, base=self._before)

    def _do(self) -> None:
        self._writer.update_poll(self._after)

    def _undo(self) -> None:
        self._writer.update_poll(self._before, undo=True)


class DeletePollsCommand(_PollCommand):
    """Delete polls; undo puts them back under their ids. `ids`: the polls' ids in their order where the caller
    holds them already (the poll table's array of its rows' ids), so that 100,000 polls are not each read for it."""

    def __init__(
        self, writer: PollWriter, polls: Sequence[Poll], on_error: ErrorSink, *, ids: Sequence[int] | None = None
    ) -> None:
        super().__init__(writer, on_error, "Delete poll" if len(polls) == 1 else f"Delete {len(polls)} polls")
        self._polls = list(polls)
        if ids is None or len(ids) != len(self._polls):
            ids = [p.id for p in polls if p.id is not None]
            self._whole = len(ids) == len(self._polls)
        else:
            self._whole = True
        self._ids = list(ids)

    def _do(self) -> None:
        self._writer.delete_polls(self._ids)

    def _undo(self) -> None:
        # same ids, so older history entries still find them; their ids passed along when every poll has one
        self._writer.add_polls(self._polls, undo=True, ids=self._ids if self._whole else None)


# --- saved scenarios -------------------------------------------------------------------------------------------


class ScenarioRecords(Protocol):
    """The open contest's saved-scenario records (PollService in the app): any kind, as JSON documents."""

    def scenarios(self) -> list[tuple[str, dict[str, Any], dict[str, Any]]]: ...
    def save_scenario(self, name: str, baseline: dict[str, Any], settings: dict[str, Any]) -> None: ...
    def delete_scenario(self, name: str) -> None: ...


def _record(records: ScenarioRecords, name: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    return next(((b, s) for n, b, s in records.scenarios() if n == name), None)


def _as_stored(record: tuple[dict[str, Any], dict[str, Any]] | None) -> str | None:
    """A record as the store keeps it (JSON, keys sorted): a tuple and a list compare alike."""
    return None if record is None else json.dumps(record, sort_keys=True, default=str)


class _ScenarioCommand(_UndoableWrite):
    """A saved-scenario write that undo takes back: the record as it was before is kept and written back."""

    def __init__(self, records: ScenarioRecords, name: str, on_error: ErrorSink, text: str) -> None:
        super().__init__(on_error, text)
        self._records = records
        self._name = name
        self._before = _record(records, name)

    def _undo(self) -> None:
        self._expect(self._left)
        if self._before is None:
            self._records.delete_scenario(self._name)
        else:
            self._records.save_scenario(self._name, *self._before)

    @property
    def _left(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The record this command's write left (None: no record)."""
        raise NotImplementedError

    def _expect(self, record: tuple[dict[str, Any], dict[str, Any]] | None) -> None:
        """Refuse to undo or redo over a record a teammate (or another program) wrote or deleted since: their
        saved scenario would be deleted or overwritten unseen."""
        if _as_stored(_record(self._records, self._name)) != _as_stored(record):
            raise ValueError(
                f"saved scenario '{self._name}' was changed or deleted by a teammate or another program since, "
                "so nothing was changed"
            )


class SaveScenarioCommand(_ScenarioCommand):
    """Save (or overwrite) a scenario; undo deletes it, or puts back the one it replaced."""

    def __init__(
        self,
        records: ScenarioRecords,
        name: str,
        baseline: dict[str, Any],
        settings: dict[str, Any],
        on_error: ErrorSink,
    ) -> None:
        super().__init__(records, name, on_error, f"Save scenario '{name}'")
        self._after = (baseline, settings)

    @property
    def replaced(self) -> bool:
        """A scenario of that name was there before (undo puts it back)."""
        return self._before is not None

    @property
    def _left(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        return self._after

    def _do(self) -> None:
        self._expect(self._before)  # a redo: the record is as undo left it
        self._records.save_scenario(self._name, *self._after)


class DeleteScenarioCommand(_ScenarioCommand):
    """Delete a saved scenario; undo puts it back exactly."""

    def __init__(self, records: ScenarioRecords, name: str, on_error: ErrorSink) -> None:
        super().__init__(records, name, on_error, f"Delete scenario '{name}'")

    @property
    def _left(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        return None

    def _do(self) -> None:
        if self._before is None:
            raise ValueError(f"no saved scenario named {self._name!r}")
        self._expect(self._before)  # a redo: the record is as undo put it back
        self._records.delete_scenario(self._name)
