"""Changes the store refused, kept in a file of the data folder across a close that could not ask (a signal, a
session ending), and offered again at the next start.

The file is JSON, owner-only, written all or nothing (paths.write_private_atomic): the store it belongs to (as
shown, passwords redacted), the contest, the action and the polls as typed (the campaign bundle's poll form).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from warroom.core.types import UnsavedChange
from warroom.paths import write_private_atomic
from warroom.store.contests import _poll_from_dict, poll_to_dict

RECOVERY_FILE_NAME = "unsaved-change.json"
_VERSION = 1


def write_unsaved(path: Path, change: UnsavedChange, store: str) -> None:
    """Keep `change`, made on `store` (its address as shown), in `path`, replacing what was there.

    Raises:
        OSError: it could not be written (the file as it was).
    """
    data: dict[str, Any] = {
        "warroom_unsaved_change": _VERSION,
        "store": store,
        "contest_id": change.contest_id,
        "contest_name": change.contest_name,
        "action": change.action,
        "polls": [{**poll_to_dict(p), "id": p.id} for p in change.polls],
    }
    write_private_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def read_unsaved(path: Path, store: str) -> UnsavedChange | None:
    """The change kept in `path` for `store`; None when there is none, or it was made on another store.

    Raises:
        ValueError: the file is there but cannot be read as one (what, and where), so the user can look at it.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: the unsaved change kept there cannot be read ({exc})") from exc
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("warroom_unsaved_change") != _VERSION:
            raise ValueError("not a warroom unsaved-change file of this version")
        if data.get("store") != store:
            return None
        action = data["action"]
        if action not in ("add", "edit", "delete"):
            raise ValueError(f"unknown action {action!r:.40}")
        contest_id = data["contest_id"]
        if contest_id is not None and (isinstance(contest_id, bool) or not isinstance(contest_id, int)):
            raise ValueError(f"contest_id {contest_id!r:.40} is not a whole number")
        polls = []
        for i, raw in enumerate(data["polls"], start=1):
            if not isinstance(raw, dict):
                raise ValueError(f"poll {i}: not a JSON object")
            fields = dict(raw)
            poll_id = fields.pop("id", None)
            if poll_id is not None and (isinstance(poll_id, bool) or not isinstance(poll_id, int)):
                raise ValueError(f"poll {i}: id {poll_id!r:.40} is not a whole number")
            try:
                poll = _poll_from_dict(fields)
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"poll {i}: {exc}") from None
            polls.append(poll if poll_id is None else replace(poll, id=poll_id))
        if not polls:
            raise ValueError("it holds no polls")
        return UnsavedChange(action, tuple(polls), contest_id, str(data.get("contest_name") or ""))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: the unsaved change kept there cannot be read ({exc})") from None


def forget_unsaved(path: Path) -> None:
    """The kept change is settled (saved, exported or discarded): its file goes."""
    path.unlink(missing_ok=True)
