"""Undoable poll edits. Each command acts first (errors reach the user, nothing is pushed),
then goes on the QUndoStack with its first redo skipped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from warroom.core.types import Poll


class PollWriter(Protocol):
    def add_polls(self, polls: Sequence[Poll]) -> list[int]: ...
    def update_poll(self, poll: Poll) -> None: ...
    def delete_polls(self, poll_ids: Sequence[int]) -> list[Poll]: ...


ErrorSink = Callable[[str], None]


class _PollCommand(QUndoCommand):
    def __init__(self, writer: PollWriter, on_error: ErrorSink, text: str) -> None:
        super().__init__(text)
        self._writer = writer
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
        self._guard(self._undo)

    def _guard(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # shown, and the history dropped: it no longer matches the store
            self.setObsolete(True)
            self._on_error(f"Could not {self.text().lower()}: {exc}")

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class AddPollsCommand(_PollCommand):
    def __init__(self, writer: PollWriter, polls: Sequence[Poll], on_error: ErrorSink) -> None:
        super().__init__(writer, on_error, "Add poll" if len(polls) == 1 else f"Import {len(polls)} polls")
        self._polls = [replace(p, id=None) for p in polls]
        self.ids: list[int] = []

    def _do(self) -> None:
        # The first time the store picks the ids; a redo puts the polls back under the same ids.
        self.ids = self._writer.add_polls(self._polls)
        self._polls = [replace(p, id=i) for p, i in zip(self._polls, self.ids, strict=True)]

    def _undo(self) -> None:
        self._writer.delete_polls(self.ids)


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

    def _do(self) -> None:
        self._writer.update_poll(self._after)

    def _undo(self) -> None:
        self._writer.update_poll(self._before)


class DeletePollsCommand(_PollCommand):
    def __init__(self, writer: PollWriter, polls: Sequence[Poll], on_error: ErrorSink) -> None:
        super().__init__(writer, on_error, "Delete poll" if len(polls) == 1 else f"Delete {len(polls)} polls")
        self._polls = list(polls)
        self._ids = [p.id for p in polls if p.id is not None]

    def _do(self) -> None:
        self._writer.delete_polls(self._ids)

    def _undo(self) -> None:
        self._writer.add_polls(self._polls)  # same ids, so older history entries still find them
