"""StoreError, on its own so that code which only reports store problems (the command line) need not import
SQLAlchemy to catch them."""

from __future__ import annotations


class StoreError(RuntimeError):
    """A store problem explained for a person: what went wrong, where, and what to do."""

    def __init__(self, message: str, *, where: str = "", kind: str = "error") -> None:
        super().__init__(message)
        self.where = where
        # corrupt | foreign | newer | locked | readonly | full | io | limit | missing | conflict | unreachable | error
        # | input (the user's own input refused, the store fine: the command line's exit 1, not 3)
        self.kind = kind
