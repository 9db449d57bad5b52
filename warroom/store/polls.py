"""Repository functions: take a Session, return core types. The caller owns the transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from warroom.core.types import Annotation, Candidate, Contest, CountingSystem, Party, Poll, TransferObservation
from warroom.store.schema import (
    AnnotationRow,
    CandidateRow,
    ContestRow,
    PartyRow,
    PollFigureRow,
    PollRow,
    RevisionRow,
    ScenarioRow,
    TransferRow,
)


class DuplicatePollError(ValueError):
    """A poll with the same pollster and fieldwork dates is already stored."""


def bump_revision(session: Session) -> None:
    """Mark a change. Called first in every write so the write lock is taken before any read (no upgrade race)."""
    result = session.execute(update(RevisionRow).where(RevisionRow.id == 1).values(revision=RevisionRow.revision + 1))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(RevisionRow(id=1, revision=1))


def revision(session: Session) -> int:
    value = session.scalar(select(RevisionRow.revision).where(RevisionRow.id == 1))
    return int(value or 0)


# --- contests -------------------------------------------------------------------------------------------------


def _contest_to_core(row: ContestRow) -> Contest:
    return Contest(
        id=row.id,
        name=row.name,
        election_date=row.election_date,
        system=CountingSystem(row.system),
        candidates=tuple(Candidate(c.code, c.name, c.party_code, c.colour) for c in row.candidates),
        parties=tuple(Party(p.code, p.name, p.colour) for p in row.parties),
    )


def add_contest(session: Session, contest: Contest) -> int:
    bump_revision(session)
    row = ContestRow(name=contest.name, election_date=contest.election_date, system=contest.system.value)
    row.parties = [
        PartyRow(code=p.code, name=p.name, colour=p.colour, position=i) for i, p in enumerate(contest.parties)
    ]
    row.candidates = [
        CandidateRow(code=c.code, name=c.name, party_code=c.party, colour=c.colour, position=i)
        for i, c in enumerate(contest.candidates)
    ]
    session.add(row)
    session.flush()
    return row.id


def list_contests(session: Session) -> list[Contest]:
    stmt = select(ContestRow).options(selectinload(ContestRow.parties), selectinload(ContestRow.candidates))
    return [_contest_to_core(r) for r in session.scalars(stmt.order_by(ContestRow.election_date.desc(), ContestRow.id))]


def get_contest(session: Session, key: int | str | None = None) -> Contest | None:
    """A contest by id or name; with no key, the most recently created one."""
    stmt = select(ContestRow).options(selectinload(ContestRow.parties), selectinload(ContestRow.candidates))
    if isinstance(key, int):
        stmt = stmt.where(ContestRow.id == key)
    elif isinstance(key, str):
        stmt = stmt.where(ContestRow.name == key)
    else:
        stmt = stmt.order_by(ContestRow.id.desc()).limit(1)
    row = session.scalars(stmt).first()
    return _contest_to_core(row) if row else None


def count_contests(session: Session) -> int:
    return len(session.scalars(select(ContestRow.id)).all())


# --- polls ----------------------------------------------------------------------------------------------------


def _poll_to_core(row: PollRow) -> Poll:
    figures: dict[str, dict[str, float]] = {"first": {}, "second": {}, "party": {}}
    for f in row.figures:
        figures.setdefault(f.kind, {})[f.code] = f.share
    return Poll(
        id=row.id,
        pollster=row.pollster,
        client=row.client,
        fieldwork_start=row.fieldwork_start,
        fieldwork_end=row.fieldwork_end,
        published=row.published,
        sample_size=row.sample_size,
        method=row.method,
        source_url=row.source_url,
        notes=row.notes,
        first_round=figures["first"],
        second_round=figures["second"],
        party_vi=figures["party"],
        transfers=tuple(TransferObservation(t.from_code, t.to_code, t.share) for t in row.transfers),
    )


def _fill(row: PollRow, poll: Poll) -> None:
    row.pollster = poll.pollster.strip()
    row.client = poll.client
    row.fieldwork_start = poll.fieldwork_start
    row.fieldwork_end = poll.fieldwork_end
    row.published = poll.published
    row.sample_size = poll.sample_size
    row.method = poll.method
    row.source_url = poll.source_url
    row.notes = poll.notes
    row.figures = (
        [PollFigureRow(kind="first", code=c, share=v) for c, v in poll.first_round.items()]
        + [PollFigureRow(kind="second", code=c, share=v) for c, v in poll.second_round.items()]
        + [PollFigureRow(kind="party", code=c, share=v) for c, v in poll.party_vi.items()]
    )
    row.transfers = [
        TransferRow(from_code=t.from_candidate, to_code=t.to_candidate, share=t.share) for t in poll.transfers
    ]


def _find_duplicate(session: Session, contest_id: int, poll: Poll, exclude: int | None = None) -> int | None:
    stmt = select(PollRow.id, PollRow.pollster).where(
        PollRow.contest_id == contest_id,
        PollRow.fieldwork_start == poll.fieldwork_start,
        PollRow.fieldwork_end == poll.fieldwork_end,
    )
    for pid, pollster in session.execute(stmt):
        if pid != exclude and pollster.strip().casefold() == poll.pollster.strip().casefold():
            return int(pid)
    return None


def add_polls(session: Session, contest_id: int, polls: Sequence[Poll]) -> list[int]:
    """Insert polls; a duplicate (same pollster and fieldwork) raises DuplicatePollError and the caller rolls back."""
    bump_revision(session)
    ids: list[int] = []
    for poll in polls:
        dup = _find_duplicate(session, contest_id, poll)
        if dup is not None:
            raise DuplicatePollError(
                f"{poll.pollster} {poll.fieldwork_start.isoformat()} to {poll.fieldwork_end.isoformat()} is already stored (poll #{dup})"
            )
        # A poll that comes back (undo of a delete, redo of an add) keeps its old id, so later
        # history entries that name it stay valid.
        keep_id = poll.id is not None and session.get(PollRow, poll.id) is None
        row = PollRow(contest_id=contest_id, id=poll.id) if keep_id else PollRow(contest_id=contest_id)
        _fill(row, poll)
        session.add(row)
        session.flush()
        ids.append(row.id)
    return ids


def add_poll(session: Session, contest_id: int, poll: Poll) -> int:
    return add_polls(session, contest_id, [poll])[0]


def update_poll(session: Session, poll: Poll) -> None:
    if poll.id is None:
        raise ValueError("update_poll needs a stored poll (id is None)")
    bump_revision(session)
    row = session.get(PollRow, poll.id, options=[selectinload(PollRow.figures), selectinload(PollRow.transfers)])
    if row is None:
        raise KeyError(f"poll #{poll.id} no longer exists (deleted elsewhere?)")
    dup = _find_duplicate(session, row.contest_id, poll, exclude=poll.id)
    if dup is not None:
        raise DuplicatePollError(f"another poll by {poll.pollster} has the same fieldwork dates (poll #{dup})")
    # Delete the old figures first: the unit of work would otherwise insert the new ones before
    # deleting the orphans and trip the (poll, kind, code) unique constraint.
    row.figures.clear()
    row.transfers.clear()
    session.flush()
    _fill(row, poll)
    session.flush()


def delete_polls(session: Session, poll_ids: Iterable[int]) -> int:
    bump_revision(session)
    ids = list(poll_ids)
    session.execute(delete(PollFigureRow).where(PollFigureRow.poll_id.in_(ids)))
    session.execute(delete(TransferRow).where(TransferRow.poll_id.in_(ids)))
    result = session.execute(delete(PollRow).where(PollRow.id.in_(ids)))
    return int(result.rowcount)  # type: ignore[attr-defined]


def list_polls(
    session: Session, contest_id: int, *, since: date | None = None, ids: Sequence[int] | None = None
) -> list[Poll]:
    stmt = (
        select(PollRow)
        .where(PollRow.contest_id == contest_id)
        .options(selectinload(PollRow.figures), selectinload(PollRow.transfers))
        .order_by(PollRow.fieldwork_end, PollRow.id)
    )
    if since is not None:
        stmt = stmt.where(PollRow.fieldwork_end >= since)
    if ids is not None:
        stmt = stmt.where(PollRow.id.in_(list(ids)))
    return [_poll_to_core(r) for r in session.scalars(stmt)]


# --- annotations ----------------------------------------------------------------------------------------------


def add_annotation(session: Session, contest_id: int, annotation: Annotation) -> int:
    bump_revision(session)
    row = AnnotationRow(contest_id=contest_id, day=annotation.when, text=annotation.text)
    session.add(row)
    session.flush()
    return row.id


def delete_annotation(session: Session, annotation_id: int) -> None:
    bump_revision(session)
    session.execute(delete(AnnotationRow).where(AnnotationRow.id == annotation_id))


def list_annotations(session: Session, contest_id: int) -> list[Annotation]:
    stmt = select(AnnotationRow).where(AnnotationRow.contest_id == contest_id).order_by(AnnotationRow.day)
    return [Annotation(r.day, r.text, r.id) for r in session.scalars(stmt)]


# --- saved scenarios (stored as JSON documents; the core owns their meaning) ----------------------------------


def save_scenario(
    session: Session, contest_id: int, name: str, baseline: dict[str, Any], settings: dict[str, Any]
) -> int:
    bump_revision(session)
    row = session.scalars(
        select(ScenarioRow).where(ScenarioRow.contest_id == contest_id, ScenarioRow.name == name)
    ).first()
    if row is None:
        row = ScenarioRow(contest_id=contest_id, name=name)
        session.add(row)
    row.baseline_json = json.dumps(baseline, sort_keys=True)
    row.settings_json = json.dumps(settings, sort_keys=True)
    session.flush()
    return row.id


def list_scenarios(session: Session, contest_id: int) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    stmt = select(ScenarioRow).where(ScenarioRow.contest_id == contest_id).order_by(ScenarioRow.name)
    return [(r.name, json.loads(r.baseline_json), json.loads(r.settings_json)) for r in session.scalars(stmt)]


def delete_scenario(session: Session, contest_id: int, name: str) -> None:
    bump_revision(session)
    session.execute(delete(ScenarioRow).where(ScenarioRow.contest_id == contest_id, ScenarioRow.name == name))
