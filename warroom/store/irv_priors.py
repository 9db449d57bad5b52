"""A contest's instant-runoff transfer prior, kept in the store. Take a Session.

"Turn last election's ballots into the transfer prior for this one": `core.irv_scenario.prior_from_ballots`
reads the ballots (first preferences, and each candidate's voters' next choice), and this module keeps the
result with the contest, so the app, teammates and the CLI start from the same rows. One prior per contest;
saving again replaces it. Writes bump the store revision first and happen in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from warroom.core.irv_scenario import IrvScenario
from warroom.core.types import CountingSystem
from warroom.store import polls as repo
from warroom.store.schema import IrvPriorRow

PRIOR_FORMAT = 1
"""Version of the stored JSON; a reader refuses a newer one rather than guess."""


class PriorError(ValueError):
    """A prior refused or unreadable; the message says which contest and why."""


@dataclass(frozen=True)
class StoredIrvPrior:
    """A contest's stored prior: the scenario rows, where they came from and when they were saved."""

    scenario: IrvScenario
    source: str
    saved_at: datetime | None = None


def prior_to_dict(prior: IrvScenario) -> dict[str, Any]:
    """An instant-runoff prior as JSON-ready data (`prior_from_dict` reads it back identically)."""
    return {
        "format": PRIOR_FORMAT,
        "codes": list(prior.codes),
        "first_round": [float(v) for v in prior.first_round],
        "transfers": [[float(v) for v in row] for row in prior.transfers],
        "max_rankings": prior.max_rankings,
        "batch_elimination": prior.batch_elimination,
    }


def prior_from_dict(data: Mapping[str, Any]) -> IrvScenario:
    """Read `prior_to_dict`'s data back.

    Raises:
        PriorError: a newer format, a missing key, or rows the scenario refuses (named in the message).
    """
    if not isinstance(data, Mapping):
        raise PriorError(f"stored transfer prior: must be a JSON object, not {type(data).__name__}")
    form = data.get("format", PRIOR_FORMAT)
    if isinstance(form, bool) or not isinstance(form, int):  # ("1" > 1 was a TypeError traceback)
        raise PriorError(f"stored transfer prior: format must be a whole number, not {form!r:.40}")
    if form > PRIOR_FORMAT:
        raise PriorError(f"stored transfer prior is format {form}, newer than this app reads")
    codes, batch = data.get("codes"), data.get("batch_elimination", False)
    if "codes" in data and (not isinstance(codes, list) or not all(isinstance(c, str) for c in codes)):
        raise PriorError(f"stored transfer prior: codes must be a list of text, not {codes!r:.40}")
    if not isinstance(batch, bool):  # (bool("x") was true)
        raise PriorError(f"stored transfer prior: batch_elimination must be true or false, not {batch!r:.40}")
    try:
        return IrvScenario(
            tuple(data["codes"]),
            data["first_round"],
            data["transfers"],
            max_rankings=data.get("max_rankings"),
            batch_elimination=batch,
        )
    except KeyError as exc:
        raise PriorError(f"stored transfer prior: missing {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise PriorError(f"stored transfer prior: {exc}") from None


def prior_rows(prior: IrvScenario) -> dict[str, dict[str, float]]:
    """The prior's next-preference rows by candidate code ({code: {to code or EXHAUSTED: percent}}), for the
    candidates who had first-preference voters (the others' rows are only a fallback by first-round share)."""
    return {code: prior.row(code) for code in prior.codes if prior.share(code) > 0}


def same_prior(a: IrvScenario, b: IrvScenario) -> bool:
    """The same rows to within rounding (a prior read back from JSON is rescaled to 100 again)."""
    return (
        a.codes == b.codes
        and (a.max_rankings, a.batch_elimination) == (b.max_rankings, b.batch_elimination)
        and bool(np.allclose(a.first_round, b.first_round, rtol=0, atol=1e-9))
        and bool(np.allclose(a.transfers, b.transfers, rtol=0, atol=1e-9))
    )


def set_irv_prior(session: Session, contest_id: int, prior: IrvScenario, source: str) -> None:
    """Store (or replace) a contest's instant-runoff transfer prior.

    Raises:
        PriorError: no such contest, one not counted by instant runoff, or the prior names codes that are not the
            contest's candidates.
    """
    repo.bump_revision(session)
    contest = repo.get_contest(session, contest_id)
    if contest is None:
        raise PriorError(f"contest #{contest_id} no longer exists (deleted elsewhere?); transfer prior not saved")
    if contest.system != CountingSystem.IRV:  # (no other system's view, verb or back-test reads it)
        raise PriorError(
            f"{contest.name}: transfer prior refused: it is a {contest.system.label} race, and an instant-runoff "
            "transfer prior is read only by instant-runoff races"
        )
    unknown = [c for c in prior.codes if c not in contest.candidate_codes]
    if unknown:
        raise PriorError(
            f"{contest.name}: transfer prior refused: {', '.join(map(repr, unknown))} are not candidates of "
            f"{contest.name} (codes: {', '.join(contest.candidate_codes)})"
        )
    text = json.dumps(prior_to_dict(prior))
    row = session.scalars(select(IrvPriorRow).where(IrvPriorRow.contest_id == contest_id)).first()
    if row is None:
        session.add(IrvPriorRow(contest_id=contest_id, source=source, prior_json=text))
    else:
        row.prior_json = text
        row.source = source
        row.saved_at = datetime.now()
    session.flush()


def get_irv_prior(session: Session, contest_id: int) -> StoredIrvPrior | None:
    """The contest's stored instant-runoff prior, None when none is stored.

    Raises:
        PriorError: the stored prior cannot be read (see prior_from_dict).
    """
    row = session.scalars(select(IrvPriorRow).where(IrvPriorRow.contest_id == contest_id)).first()
    if row is None:
        return None
    return StoredIrvPrior(prior_from_dict(json.loads(row.prior_json)), row.source, row.saved_at)


def clear_irv_prior(session: Session, contest_id: int) -> None:
    repo.bump_revision(session)
    session.execute(delete(IrvPriorRow).where(IrvPriorRow.contest_id == contest_id))
