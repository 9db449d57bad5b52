"""Two-round campaigns in the store: poll notices with several questions, transfer matrices, official rounds.

Repository functions over a Session, core types out (core.france's PollNotice, TransferMatrix, RoundResult
inside core.two_round_pipeline.Campaign); the caller owns the transaction. Writes are set-based (a handful of
executemany statements for the whole 2022 campaign's 8,863 figures) and all or nothing: everything is
checked before the first row is written, and any refusal raises before anything is.

Duplicates are judged per question, not per fieldwork. A notice is identified by its source id (the
compilation's poll id, "" for one read from a poll CSV), pollster (ignoring case, accents and spacing) and
fieldwork dates; a question by its round and label within its notice. Importing a file again, or a newer
download of it, adds only what is new: a question already stored with the same figures is skipped (and
counted), the same question with other figures is refused as a conflict, naming both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from warroom.core.france import (
    Hypothesis,
    Matchup,
    PollNotice,
    RoundResult,
    TransferMatrix,
    TransferRow,
    asked_before,
    name_key,
)
from warroom.core.two_round_pipeline import Campaign
from warroom.core.types import DIRECTION_CONTROLS, control_problem, disguised_letter
from warroom.core.validation import date_window, in_the_future, not_text
from warroom.store.polls import _day, _gc_paused, _insert_plain, _raw_rows, bump_revision, expected_of
from warroom.store.schema import (
    ContestRow,
    OfficialRoundRow,
    PollNoticeRow,
    PollQuestionRow,
    QuestionShareRow,
    TransferMatrixCellRow,
    TransferMatrixRow,
)

_NOTICE = cast(Table, PollNoticeRow.__table__)
_QUESTION = cast(Table, PollQuestionRow.__table__)
_SHARE = cast(Table, QuestionShareRow.__table__)
_MATRIX = cast(Table, TransferMatrixRow.__table__)
_CELL = cast(Table, TransferMatrixCellRow.__table__)
_ROUND = cast(Table, OfficialRoundRow.__table__)
_SHARE_COLUMNS = ("question_id", "candidate", "share", "position")
_CELL_COLUMNS = ("matrix_id", "electorate", "to_a", "to_b", "neither", "position", "line")
_INT_MAX = 2**31 - 1  # INTEGER on PostgreSQL


class QuestionRejectedError(ValueError):
    """The store refused a campaign import; nothing was written.

    Attributes:
        problems: every problem, each naming the notice (or matrix), its line where known, and the field.
        conflicts: every problem is a question or matrix stored with other figures (`replace=True` would take
            the new ones: a corrected download).
    """

    def __init__(self, problems: Sequence[str], *, conflicts: bool = False) -> None:
        self.problems = tuple(problems)
        self.conflicts = conflicts
        shown = "; ".join(self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"{len(self.problems)} problem(s): {shown}{more}")


@dataclass(frozen=True)
class CampaignRows:
    """The rows one import wrote, for taking it back (remove_campaign_rows: the window's Undo).

    Attributes:
        notices: ids of the notices it made.
        questions: ids of every question it wrote (its new notices' and those it added to stored notices).
        matrices: ids of the matrices it wrote.
        rounds_before: the official rounds its own replaced (None: it stored none, they stay as they are).
    """

    notices: tuple[int, ...] = ()
    questions: tuple[int, ...] = ()
    matrices: tuple[int, ...] = ()
    rounds_before: Mapping[int, RoundResult] | None = None


@dataclass(frozen=True)
class CampaignImport:
    """What an import wrote, and what it found already stored.

    Attributes:
        polls: notices added (a known notice that gains a question is not counted here).
        hypotheses: first-round questions added.
        matchups: runoff questions added.
        matrices: transfer matrices added.
        skipped_questions: questions already stored with the same figures.
        skipped_matrices: matrices already stored with the same figures.
        rounds: official rounds stored (replacing any stored before).
        replaced_questions: questions stored with other figures, replaced (only with replace=True).
        replaced_matrices: matrices stored with other figures, replaced (only with replace=True).
    """

    polls: int = 0
    hypotheses: int = 0
    matchups: int = 0
    matrices: int = 0
    skipped_questions: int = 0
    skipped_matrices: int = 0
    rounds: int = 0
    replaced_questions: int = 0
    replaced_matrices: int = 0
    rows: CampaignRows | None = _field(default=None, compare=False, repr=False)
    """The rows written (remove_campaign_rows takes them back); None where they were not kept."""

    def as_json(self) -> dict[str, int]:
        return {
            "polls": self.polls,
            "hypotheses": self.hypotheses,
            "matchups": self.matchups,
            "matrices": self.matrices,
            "skipped_questions": self.skipped_questions,
            "skipped_matrices": self.skipped_matrices,
            "official_rounds": self.rounds,
            "replaced_questions": self.replaced_questions,
            "replaced_matrices": self.replaced_matrices,
        }


def _limit(table: Table, column: str) -> int:
    length = getattr(table.c[column].type, "length", None)
    assert length is not None
    return int(length)


_LIMITS = {
    "pollster": _limit(_NOTICE, "pollster"),
    "client": _limit(_NOTICE, "client"),
    "population": _limit(_NOTICE, "population"),
    "source_key": _limit(_NOTICE, "source_key"),
    "source": _limit(_NOTICE, "source"),
    "label": _limit(_QUESTION, "label"),
    "candidate": _limit(_SHARE, "candidate"),
}


def _where(notice: PollNotice) -> str:
    ident = f" ({notice.id})" if notice.id else ""
    return f"{notice.institute} {notice.fieldwork_start} to {notice.fieldwork_end}{ident}"


def _text_problem(where: str, field: str, value: str) -> str | None:
    limit = _LIMITS[field]
    if len(value) > limit:
        return f"{where}: {field} is {len(value)} characters, more than the {limit} the store keeps"
    if "\x00" in value:
        return f"{where}: {field} contains a NUL character"
    if field in ("pollster", "client") and any(ch in DIRECTION_CONTROLS for ch in value):
        return f"{where}: {field} contains a text-direction control character: it displays as another name"
    disguised = disguised_letter(value) if field in ("pollster", "client", "label", "candidate") else None
    if disguised is not None:  # "Ifоp" with a Cyrillic о prints as Ifop: another institute, another house effect;
        # a label or a name so drawn is another question or candidate shown as this one
        return (
            f"{where}: {field} mixes Latin letters with U+{ord(disguised):04X}, a Cyrillic or Greek letter drawn like "
            "a Latin one: it displays as another name"
        )
    if field in ("label", "candidate", "source"):  # shown in pickers, tables and the briefing's sources lines
        problem = control_problem(value)
        if problem is not None:
            return f"{where}: {field} {value[:40]!r} {problem}"
    return None


def _share_problem(where: str, value: float) -> str | None:
    if not (0.0 <= value <= 100.0):  # `not` so NaN is refused too
        return f"{where}: share {value!r} is outside 0-100"
    return None


def _first_line(notice: PollNotice) -> str:
    """ ", line N" of a notice's first question in its file ("" when the questions carry no line)."""
    lines = [h.line for h in notice.hypotheses if h.line] + [m.line for m in notice.matchups if m.line]
    return f", line {min(lines)}" if lines else ""


def check_campaign(
    notices: Sequence[PollNotice],
    matrices: Sequence[TransferMatrix] = (),
    *,
    election: date | None = None,
    today: date | None = None,
) -> list[str]:
    """Every problem the store would have with these notices and matrices (empty: all can be stored).

    With `election`, every date must also lie in the window every poll of that race is held to
    (core.validation.date_window): a notice dated 9999 would stretch the averages' daily grid for minutes.
    With `today` (core.validation.today_somewhere), fieldwork may not start after it: the poll CSV's rule
    (validate_poll), which the French compilations, the poll CSV with questions and bundles did not apply (a
    notice dated next week was stored, and averaged as the latest poll)."""
    problems: list[str] = []
    seen: dict[tuple[str, str, date, date], str] = {}
    earliest, latest = date_window(election) if election is not None else (date.min, date.max)
    dated = [(_where(n) + _first_line(n), n.fieldwork_start, n.fieldwork_end) for n in notices]
    dated += [(f"matrix {m.institute} ({m.poll_id})", m.fieldwork_start, m.fieldwork_end) for m in matrices]
    for where, start, end in dated:
        if start < earliest or end > latest:
            problems.append(
                f"{where}: an impossible date for this contest (polls run from {earliest} to {latest}, "
                "ten years before its election to a year after)"
            )
        elif today is not None and start > today:
            problems.append(f"{where}: fieldwork_start {in_the_future(start, today)}")
    for n in notices:
        where = _where(n)
        for field, value in (
            ("pollster", n.institute),
            ("client", n.client),
            ("population", n.population),
            ("source_key", n.id),
            ("source", n.source),
        ):
            problems.extend(p for p in [_text_problem(where, field, value)] if p)
        if not n.institute.strip():
            problems.append(f"{where}: no pollster")
        if n.fieldwork_end < n.fieldwork_start:
            problems.append(f"{where}: fieldwork ends before it starts")
        if n.sample_size is not None and not (0 < n.sample_size <= _INT_MAX):
            problems.append(f"{where}: sample size {n.sample_size} is not a positive whole number the store keeps")
        key = (n.id, name_key(n.institute), n.fieldwork_start, n.fieldwork_end)
        if key in seen:
            problems.append(f"{where}: the same notice appears twice in this import")
        seen[key] = where
        for round_no, questions in ((1, n.hypotheses), (2, n.matchups)):
            labels: set[str] = set()
            for q in questions:
                qwhere = f"{where}, line {q.line}" if q.line else where
                if q.label in labels:
                    problems.append(f"{qwhere}: round {round_no} question {q.label!r} appears twice")
                labels.add(q.label)
                problems.extend(p for p in [_text_problem(qwhere, "label", q.label)] if p)
                for name, share in _question_shares(q).items():
                    problems.extend(
                        p for p in [_text_problem(qwhere, "candidate", name), _share_problem(qwhere, share)] if p
                    )
    mseen: set[tuple[str, str, date, date]] = set()
    for m in matrices:
        where = f"matrix {m.institute} {m.fieldwork_start} to {m.fieldwork_end} ({m.poll_id})"
        for field, value in (("pollster", m.institute), ("source_key", m.poll_id), ("source", m.source)):
            problems.extend(p for p in [_text_problem(where, field, value)] if p)
        for name in (m.a, m.b, *m.rows):
            problems.extend(p for p in [_text_problem(where, "candidate", name)] if p)
        if name_key(m.a) == name_key(m.b):
            problems.append(f"{where}: the two finalists are the same")
        if not m.rows:
            problems.append(f"{where}: no rows")
        for origin, row in m.rows.items():
            for share in (row.to_a, row.to_b, row.neither):
                problems.extend(p for p in [_share_problem(f"{where}, row {origin!r}", share)] if p)
        key = (m.poll_id, name_key(m.institute), m.fieldwork_start, m.fieldwork_end)
        if key in mseen:
            problems.append(f"{where}: the same matrix appears twice in this import")
        mseen.add(key)
    return problems


def _question_shares(q: Hypothesis | Matchup) -> dict[str, float]:
    return dict(q.shares) if isinstance(q, Hypothesis) else {q.a: q.a_share, q.b: q.b_share}


def _notice_key(source_key: str, pollster: str, start: date, end: date) -> tuple[str, str, date, date]:
    return (source_key, name_key(pollster), start, end)


def add_campaign(
    session: Session,
    contest_id: int,
    notices: Sequence[PollNotice],
    matrices: Sequence[TransferMatrix] = (),
    results: Mapping[int, RoundResult] | None = None,
    *,
    replace: bool = False,
    today: date | None = None,
) -> CampaignImport:
    """Store a campaign's notices, matrices and official rounds in the caller's transaction, all or nothing.

    Args:
        session: the session whose transaction the caller commits (or rolls back on an exception).
        contest_id: the contest.
        notices: poll notices (a notice already stored gains its new questions; its known ones are skipped
            when their figures are the same).
        matrices: transfer matrices (one already stored with the same rows is skipped).
        results: official rounds to store, replacing those stored; None leaves them as they are.
        replace: a question or matrix stored with other figures takes the new ones (a compilation corrected
            upstream) instead of refusing the import.
        today: refuse fieldwork starting after this day (core.validation.today_somewhere(): every import from a
            file passes it; None, for the demos the app ships, checks no day).

    Returns:
        What was added and what was skipped.

    Raises:
        QuestionRejectedError: a value the store cannot keep, a repeat within the import, or a question or
            matrix stored with other figures; nothing was written.
        KeyError: no such contest.
    """
    row = session.get(ContestRow, contest_id)
    if row is None:
        raise KeyError(f"no contest #{contest_id}")
    problems = check_campaign(notices, matrices, election=row.election_date, today=today)
    if problems:
        raise QuestionRejectedError(problems)
    bump_revision(session)
    with _gc_paused():
        added_notices, hyps, matchups, skipped, conflicts = _plan_questions(session, contest_id, notices)
        new_matrices, skipped_m, mconflicts = _plan_matrices(session, contest_id, matrices)
        if (conflicts or mconflicts) and not replace:
            raise QuestionRejectedError(
                [c.message for c in conflicts] + [c.message for c in mconflicts], conflicts=True
            )
        for c in conflicts:  # replace: the stored question goes, and the new one is written below
            asked = select(_QUESTION.c.id).where(
                _QUESTION.c.notice_id == c.notice_id, _QUESTION.c.round == c.round, _QUESTION.c.label == c.label
            )
            session.execute(delete(_SHARE).where(_SHARE.c.question_id.in_(asked)))
            session.execute(
                delete(_QUESTION).where(
                    _QUESTION.c.notice_id == c.notice_id, _QUESTION.c.round == c.round, _QUESTION.c.label == c.label
                )
            )
        for mc in mconflicts:
            session.execute(delete(_CELL).where(_CELL.c.matrix_id == mc.matrix_id))
            session.execute(delete(_MATRIX).where(_MATRIX.c.id == mc.matrix_id))
        notice_ids, question_ids = _write_questions(session, contest_id, added_notices)
        matrix_ids = _write_matrices(session, contest_id, new_matrices)
        rounds = 0
        rounds_before = None
        if results is not None:
            rounds_before = load_official_rounds(session, contest_id)
            set_official_rounds(session, contest_id, results)
            rounds = len(results)
    return CampaignImport(
        polls=sum(1 for _, stored_id, _ in added_notices if stored_id is None),
        hypotheses=hyps,
        matchups=matchups,
        matrices=len(new_matrices) - len(mconflicts),
        skipped_questions=skipped,
        skipped_matrices=skipped_m,
        rounds=rounds,
        replaced_questions=len(conflicts),
        replaced_matrices=len(mconflicts),
        rows=CampaignRows(notice_ids, question_ids, matrix_ids, rounds_before),
    )


_IN_CHUNK = 500
"""Ids per IN list (SQLite's oldest builds take 999 variables a statement)."""


def remove_campaign_rows(session: Session, contest_id: int, rows: CampaignRows) -> None:
    """Take back what one import wrote (add_campaign's CampaignImport.rows) in the caller's transaction: its
    questions with their shares, its notices left with no question, its matrices with their cells, and the
    official rounds as they were before it. Rows already gone (a teammate's delete of the race) are passed over;
    nothing of another contest is touched."""
    bump_revision(session)
    notices_here = select(_NOTICE.c.id).where(_NOTICE.c.contest_id == contest_id)
    for k in range(0, len(rows.questions), _IN_CHUNK):
        chunk = rows.questions[k : k + _IN_CHUNK]
        ours = select(_QUESTION.c.id).where(_QUESTION.c.id.in_(chunk), _QUESTION.c.notice_id.in_(notices_here))
        found = list(session.scalars(ours))
        session.execute(delete(_SHARE).where(_SHARE.c.question_id.in_(found)))
        session.execute(delete(_QUESTION).where(_QUESTION.c.id.in_(found)))
    for k in range(0, len(rows.notices), _IN_CHUNK):
        chunk = rows.notices[k : k + _IN_CHUNK]
        asked = select(_QUESTION.c.notice_id).where(_QUESTION.c.notice_id.in_(chunk))
        session.execute(
            delete(_NOTICE).where(
                _NOTICE.c.id.in_(chunk), _NOTICE.c.contest_id == contest_id, _NOTICE.c.id.not_in(asked)
            )
        )
    for k in range(0, len(rows.matrices), _IN_CHUNK):
        chunk = rows.matrices[k : k + _IN_CHUNK]
        found = list(
            session.scalars(select(_MATRIX.c.id).where(_MATRIX.c.id.in_(chunk), _MATRIX.c.contest_id == contest_id))
        )
        session.execute(delete(_CELL).where(_CELL.c.matrix_id.in_(found)))
        session.execute(delete(_MATRIX).where(_MATRIX.c.id.in_(found)))
    if rows.rounds_before is not None and session.get(ContestRow, contest_id) is not None:
        set_official_rounds(session, contest_id, rows.rounds_before)


@dataclass(frozen=True)
class _Conflict:
    """A stored question whose figures differ from the import's."""

    notice_id: int
    round: int
    label: str
    message: str


@dataclass(frozen=True)
class _MatrixConflict:
    """A stored matrix whose figures differ from the import's."""

    matrix_id: int
    message: str


_Plan = tuple[PollNotice, int | None, list[tuple[int, int, Hypothesis | Matchup]]]
"""A notice to write: the notice, its stored id (None: a new notice), and (round, position, question) to add."""


def _stored_questions(
    session: Session, contest_id: int
) -> tuple[dict[tuple[str, str, date, date], int], dict[int, dict[tuple[int, str], dict[str, float]]]]:
    """The contest's stored notice keys -> id, and notice id -> (round, label) -> shares."""
    n = _NOTICE.c
    keys: dict[tuple[str, str, date, date], int] = {}
    for nid, source_key, pollster, start, end in _raw_rows(
        session,
        select(n.id, n.source_key, n.pollster, n.fieldwork_start, n.fieldwork_end).where(n.contest_id == contest_id),
    ):
        keys[_notice_key(source_key, pollster, cast(date, _day(start)), cast(date, _day(end)))] = int(nid)
    q, s = _QUESTION.c, _SHARE.c
    stored: dict[int, dict[tuple[int, str], dict[str, float]]] = {}
    if not keys:
        return keys, stored
    notices_of = select(n.id).where(n.contest_id == contest_id)
    stmt = (
        select(q.notice_id, q.round, q.label, s.candidate, s.share)
        .join(_SHARE, s.question_id == q.id)
        .where(q.notice_id.in_(notices_of))
    )
    for nid, round_no, label, candidate, share in _raw_rows(session, stmt):
        stored.setdefault(int(nid), {}).setdefault((int(round_no), label), {})[candidate] = float(share)
    return keys, stored


def _plan_questions(
    session: Session, contest_id: int, notices: Sequence[PollNotice]
) -> tuple[list[_Plan], int, int, int, list[_Conflict]]:
    """What to write: new notices and new questions (a conflicting question is written too, replacing the stored
    one if the caller allows it); counts of new hypotheses and matchups (conflicts not counted), skips."""
    keys, stored = _stored_questions(session, contest_id)
    plans: list[_Plan] = []
    hyps = matchups = skipped = 0
    conflicts: list[_Conflict] = []
    for notice in notices:
        nid = keys.get(_notice_key(notice.id, notice.institute, notice.fieldwork_start, notice.fieldwork_end))
        known = stored.get(nid, {}) if nid is not None else {}
        offset = len(known)  # new questions go after the stored ones
        todo: list[tuple[int, int, Hypothesis | Matchup]] = []
        for round_no, questions in ((1, notice.hypotheses), (2, notice.matchups)):
            for q in questions:
                shares = _question_shares(q)
                have = known.get((round_no, q.label))
                if have is None:
                    todo.append((round_no, offset + len(todo), q))
                    if round_no == 1:
                        hyps += 1
                    else:
                        matchups += 1
                elif have == shares:
                    skipped += 1
                else:
                    assert nid is not None  # a stored question belongs to a stored notice
                    what = "hypothesis" if round_no == 1 else "matchup"
                    line = f" (line {q.line})" if q.line else ""
                    message = (
                        f"{_where(notice)}: {what} {q.label or '(unnamed)'!r}{line} is stored with other figures "
                        f"({_fmt(have)} stored, {_fmt(shares)} here); import with --replace to take the new figures"
                    )
                    conflicts.append(_Conflict(nid, round_no, q.label, message))
                    todo.append((round_no, offset + len(todo), q))
        if nid is None or todo:
            plans.append((notice, nid, todo))
    return plans, hyps, matchups, skipped, conflicts


def _fmt(shares: Mapping[str, float]) -> str:
    return ", ".join(f"{k} {v:g}" for k, v in shares.items())


def _write_questions(session: Session, contest_id: int, plans: list[_Plan]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Write the planned notices and questions; the ids of the notices made and of every question written."""
    new = [p for p in plans if p[1] is None]
    ids: dict[tuple[str, str, date, date], int] = {}
    if new:
        stmt = insert(_NOTICE).returning(
            _NOTICE.c.id, _NOTICE.c.source_key, _NOTICE.c.pollster, _NOTICE.c.fieldwork_start, _NOTICE.c.fieldwork_end
        )
        rows = [
            {
                "contest_id": contest_id,
                "source_key": n.id,
                "pollster": n.institute.strip(),
                "client": n.client,
                "fieldwork_start": n.fieldwork_start,
                "fieldwork_end": n.fieldwork_end,
                "sample_size": n.sample_size,
                "population": n.population,
                "rolling": n.rolling,
                "source": n.source,
            }
            for n, _, _ in new
        ]
        for nid, source_key, pollster, start, end in session.execute(stmt, rows):
            ids[_notice_key(source_key, pollster, start, end)] = int(nid)
    question_rows: list[dict[str, Any]] = []
    shares_of: dict[tuple[int, int, str], dict[str, float]] = {}
    for notice, stored_id, todo in plans:
        nid = stored_id
        if nid is None:
            nid = ids[_notice_key(notice.id, notice.institute.strip(), notice.fieldwork_start, notice.fieldwork_end)]
        for round_no, position, q in todo:
            question_rows.append(
                {"notice_id": nid, "round": round_no, "label": q.label, "position": position, "line": q.line}
            )
            shares_of[(nid, round_no, q.label)] = _question_shares(q)
    if not question_rows:
        return tuple(ids.values()), ()
    stmt = insert(_QUESTION).returning(_QUESTION.c.id, _QUESTION.c.notice_id, _QUESTION.c.round, _QUESTION.c.label)
    share_rows: list[tuple[Any, ...]] = []
    written: list[int] = []
    for qid, nid, round_no, label in session.execute(stmt, question_rows):
        written.append(int(qid))
        for position, (name, share) in enumerate(shares_of[(int(nid), int(round_no), label)].items()):
            share_rows.append((int(qid), name, float(share), position))
    _insert_plain(session, _SHARE, _SHARE_COLUMNS, share_rows)
    return tuple(ids.values()), tuple(written)


def _matrix_cells(m: TransferMatrix) -> dict[str, tuple[float, float, float]]:
    return {origin: (row.to_a, row.to_b, row.neither) for origin, row in m.rows.items()}


def _plan_matrices(
    session: Session, contest_id: int, matrices: Sequence[TransferMatrix]
) -> tuple[list[TransferMatrix], int, list[_MatrixConflict]]:
    """Matrices to write (conflicting ones included, for replace), how many are already stored, conflicts."""
    if not matrices:
        return [], 0, []
    c = _MATRIX.c
    ids = {
        _notice_key(key, pollster, cast(date, _day(start)), cast(date, _day(end))): int(mid)
        for mid, key, pollster, start, end in _raw_rows(
            session,
            select(c.id, c.source_key, c.pollster, c.fieldwork_start, c.fieldwork_end).where(
                c.contest_id == contest_id
            ),
        )
    }
    stored = {
        _notice_key(m.poll_id, m.institute, m.fieldwork_start, m.fieldwork_end): m
        for m in load_matrices(session, contest_id)
    }
    new: list[TransferMatrix] = []
    skipped = 0
    conflicts: list[_MatrixConflict] = []
    for m in matrices:
        key = _notice_key(m.poll_id, m.institute, m.fieldwork_start, m.fieldwork_end)
        have = stored.get(key)
        if have is None:
            new.append(m)
        elif (have.a, have.b, _matrix_cells(have)) == (m.a, m.b, _matrix_cells(m)):
            skipped += 1
        else:
            message = (
                f"matrix {m.institute} {m.fieldwork_start} to {m.fieldwork_end} ({m.poll_id}) is stored with "
                "other figures; import with --replace to take the new figures"
            )
            conflicts.append(_MatrixConflict(ids[key], message))
            new.append(m)
    return new, skipped, conflicts


def _write_matrices(session: Session, contest_id: int, matrices: Sequence[TransferMatrix]) -> tuple[int, ...]:
    """Write the matrices with their cells; their ids."""
    if not matrices:
        return ()
    c = _MATRIX.c
    stmt = insert(_MATRIX).returning(c.id, c.source_key, c.pollster, c.fieldwork_start, c.fieldwork_end)
    rows = [
        {
            "contest_id": contest_id,
            "source_key": m.poll_id,
            "pollster": m.institute.strip(),
            "fieldwork_start": m.fieldwork_start,
            "fieldwork_end": m.fieldwork_end,
            "finalist_a": m.a,
            "finalist_b": m.b,
            "source": m.source,
        }
        for m in matrices
    ]
    ids = {_notice_key(k, p, s, e): int(i) for i, k, p, s, e in session.execute(stmt, rows)}
    cells: list[tuple[Any, ...]] = []
    for m in matrices:
        mid = ids[_notice_key(m.poll_id, m.institute.strip(), m.fieldwork_start, m.fieldwork_end)]
        for position, (origin, row) in enumerate(m.rows.items()):
            cells.append((mid, origin, float(row.to_a), float(row.to_b), float(row.neither), position, row.line))
    _insert_plain(session, _CELL, _CELL_COLUMNS, cells)
    return tuple(ids.values())


# --- official rounds ----------------------------------------------------------------------------------------


OFFICIAL_ROUND_DAYS = 90
"""How far an official round's polling day may lie from its contest's election date: a runoff follows within
weeks, and a provisional date (France 2027's 11 April) is within weeks of the real one."""


def set_official_rounds(session: Session, contest_id: int, results: Mapping[int, RoundResult]) -> None:
    """Store a contest's official rounds, replacing any stored before (an empty mapping clears them).

    Raises:
        QuestionRejectedError: a count the store cannot keep, or a round dated more than OFFICIAL_ROUND_DAYS
            from the contest's election (another election's results: 2022's rounds in a 2027 race).
    """
    row = session.get(ContestRow, contest_id)
    if row is not None:
        far = [
            f"official round {r.round} is dated {r.day}, {abs((r.day - row.election_date).days):,} days from this "
            f"contest's election ({row.election_date}): another election's results? (if the election moved, "
            "set its date first: warroom contest edit)"
            for r in results.values()
            if abs((r.day - row.election_date).days) > OFFICIAL_ROUND_DAYS
        ]
        if far:
            raise QuestionRejectedError(far)
    bump_revision(session)
    session.execute(delete(_ROUND).where(_ROUND.c.contest_id == contest_id))
    for r in results.values():
        if not all(0 <= n <= _INT_MAX for n in (r.registered, r.voters, r.blank_null)):
            raise QuestionRejectedError([f"official round {r.round}: a count is outside what the store keeps"])
    rows = [
        {
            "contest_id": contest_id,
            "round": r.round,
            "day": r.day,
            "registered": r.registered,
            "voters": r.voters,
            "blank_null": r.blank_null,
            "votes_json": json.dumps(dict(r.votes), ensure_ascii=False),
        }
        for r in sorted(results.values(), key=lambda r: r.round)
    ]
    if rows:
        session.execute(insert(_ROUND), rows)


def load_official_rounds(session: Session, contest_id: int) -> dict[int, RoundResult]:
    """Round -> official figures (empty when none is stored)."""
    c = _ROUND.c
    stmt = select(c.round, c.day, c.registered, c.voters, c.blank_null, c.votes_json).where(c.contest_id == contest_id)
    out: dict[int, RoundResult] = {}
    for round_no, day, registered, voters, blank_null, votes_json in session.execute(stmt.order_by(c.round)):
        votes = {str(k): int(v) for k, v in json.loads(votes_json).items()}
        out[int(round_no)] = RoundResult(int(round_no), day, votes, int(registered), int(voters), int(blank_null))
    return out


# --- reading ------------------------------------------------------------------------------------------------


def load_notices(session: Session, contest_id: int) -> tuple[PollNotice, ...]:
    """The contest's poll notices, oldest fieldwork first, each with its hypotheses and matchups in stored order."""
    n, q, s = _NOTICE.c, _QUESTION.c, _SHARE.c
    head = select(
        n.id, n.source_key, n.pollster, n.client, n.fieldwork_start, n.fieldwork_end, n.sample_size, n.population,
        n.rolling, n.source,
    ).where(n.contest_id == contest_id)  # fmt: skip
    with _gc_paused():
        notices = _raw_rows(session, head)
        if not notices:
            return ()
        mine = select(n.id).where(n.contest_id == contest_id)
        questions = _raw_rows(
            session,
            select(q.id, q.notice_id, q.round, q.label, q.line).where(q.notice_id.in_(mine)).order_by(q.position, q.id),
        )
        shares: dict[int, dict[str, float]] = {}
        stmt = (
            select(s.question_id, s.candidate, s.share)
            .where(s.question_id.in_(select(q.id).where(q.notice_id.in_(mine))))
            .order_by(s.question_id, s.position)
        )
        for qid, candidate, share in _raw_rows(session, stmt):
            shares.setdefault(qid, {})[candidate] = float(share)
        hyps: dict[int, list[Hypothesis]] = {}
        runs: dict[int, list[Matchup]] = {}
        for qid, nid, round_no, label, line in questions:
            got = shares.get(qid, {})
            if round_no == 1:
                hyps.setdefault(nid, []).append(Hypothesis(label, got, int(line)))
            elif len(got) == 2:
                (a, sa), (b, sb) = got.items()
                runs.setdefault(nid, []).append(Matchup(label, a, b, sa, sb, int(line)))
        out = [
            PollNotice(
                id=source_key,
                institute=pollster,
                client=client,
                fieldwork_start=cast(date, _day(start)),
                fieldwork_end=cast(date, _day(end)),
                sample_size=sample,
                population=population,
                rolling=None if rolling is None else bool(rolling),
                hypotheses=tuple(hyps.get(nid, ())),
                matchups=tuple(runs.get(nid, ())),
                source=source,
            )
            for nid, source_key, pollster, client, start, end, sample, population, rolling, source in notices
        ]
    out.sort(key=lambda p: (p.fieldwork_end, p.fieldwork_start, p.id))
    return tuple(out)


def load_matrices(session: Session, contest_id: int) -> tuple[TransferMatrix, ...]:
    """The contest's transfer matrices, oldest fieldwork first."""
    m, c = _MATRIX.c, _CELL.c
    heads = _raw_rows(
        session,
        select(
            m.id, m.source_key, m.pollster, m.fieldwork_start, m.fieldwork_end, m.finalist_a, m.finalist_b, m.source
        ).where(m.contest_id == contest_id),
    )
    if not heads:
        return ()
    rows: dict[int, dict[str, TransferRow]] = {}
    stmt = (
        select(c.matrix_id, c.electorate, c.to_a, c.to_b, c.neither, c.line)
        .where(c.matrix_id.in_(select(m.id).where(m.contest_id == contest_id)))
        .order_by(c.matrix_id, c.position)
    )
    for mid, electorate, to_a, to_b, neither, line in _raw_rows(session, stmt):
        rows.setdefault(mid, {})[electorate] = TransferRow(float(to_a), float(to_b), float(neither), int(line))
    out = [
        TransferMatrix(key, pollster, cast(date, _day(start)), cast(date, _day(end)), a, b, rows.get(mid, {}), source)
        for mid, key, pollster, start, end, a, b, source in heads
    ]
    out.sort(key=lambda x: (x.fieldwork_end, x.fieldwork_start, x.poll_id))
    return tuple(out)


def _contest_id(session: Session, contest: int | str) -> int:
    stmt = select(ContestRow.id).where(
        ContestRow.id == contest if isinstance(contest, int) else ContestRow.name == contest
    )
    found = session.scalar(stmt)
    if found is None:
        raise KeyError(f"no contest {contest!r} in the store")
    return int(found)


def load_campaign(session: Session, contest: int | str) -> Campaign:
    """A two-round contest's notices, matrices and official rounds as core types.

    Args:
        session: an open session (read only).
        contest: the contest's id or name.

    Returns:
        The campaign; an ordinary (single-question) contest gives an empty one.

    Raises:
        KeyError: no such contest.
    """
    contest_id = _contest_id(session, contest)
    row = session.get(ContestRow, contest_id)
    expected = None if row is None else expected_of(row)
    return Campaign(
        load_notices(session, contest_id),
        load_matrices(session, contest_id),
        load_official_rounds(session, contest_id),
        expected,
    )


def notices_naming(session: Session, contest_id: int) -> dict[str, int]:
    """How many of the contest's poll notices name each candidate in a question, by `name_key` of the name (the
    rule that ties a two-round race's polls to its candidates: store.contests.update_contest keeps it whole)."""
    rows = session.execute(
        select(_QUESTION.c.notice_id, _SHARE.c.candidate)
        .join(_SHARE, _SHARE.c.question_id == _QUESTION.c.id)
        .join(_NOTICE, _NOTICE.c.id == _QUESTION.c.notice_id)
        .where(_NOTICE.c.contest_id == contest_id)
    )
    seen: dict[str, set[int]] = {}
    for notice_id, name in rows:
        seen.setdefault(name_key(name), set()).add(notice_id)
    return {key: len(ids) for key, ids in seen.items()}


def notice_count(session: Session, contest_id: int) -> int:
    """How many poll notices the contest holds."""
    return len(session.scalars(select(_NOTICE.c.id).where(_NOTICE.c.contest_id == contest_id)).all())


def delete_campaign(session: Session, contest_id: int) -> None:
    """Delete the contest's notices, questions, matrices and official rounds, child tables first (the same on
    SQLite and PostgreSQL whatever the foreign-key settings); store.contests.delete_contest calls it."""
    notices = select(_NOTICE.c.id).where(_NOTICE.c.contest_id == contest_id)
    asked = select(_QUESTION.c.id).where(_QUESTION.c.notice_id.in_(notices))
    session.execute(delete(_SHARE).where(_SHARE.c.question_id.in_(asked)))
    session.execute(delete(_QUESTION).where(_QUESTION.c.notice_id.in_(notices)))
    session.execute(delete(_NOTICE).where(_NOTICE.c.contest_id == contest_id))
    matrices = select(_MATRIX.c.id).where(_MATRIX.c.contest_id == contest_id)
    session.execute(delete(_CELL).where(_CELL.c.matrix_id.in_(matrices)))
    session.execute(delete(_MATRIX).where(_MATRIX.c.contest_id == contest_id))
    session.execute(delete(_ROUND).where(_ROUND.c.contest_id == contest_id))


# --- in a campaign bundle (store.contests.export_bundle / read_bundle) -----------------------------------------


def campaign_to_dict(campaign: Campaign) -> dict[str, Any]:
    """A campaign as the JSON object a bundle carries under "two_round" (names as the sources write them)."""
    return {
        "notices": [
            {
                "id": n.id,
                "pollster": n.institute,
                "client": n.client,
                "fieldwork_start": n.fieldwork_start.isoformat(),
                "fieldwork_end": n.fieldwork_end.isoformat(),
                "sample_size": n.sample_size,
                "population": n.population,
                "rolling": n.rolling,
                "source": n.source,
                "hypotheses": [{"label": h.label, "shares": dict(h.shares), "line": h.line} for h in n.hypotheses],
                "matchups": [
                    {"label": m.label, "a": m.a, "b": m.b, "a_share": m.a_share, "b_share": m.b_share, "line": m.line}
                    for m in n.matchups
                ],
            }
            for n in campaign.notices
        ],
        "matrices": [
            {
                "id": m.poll_id,
                "pollster": m.institute,
                "fieldwork_start": m.fieldwork_start.isoformat(),
                "fieldwork_end": m.fieldwork_end.isoformat(),
                "a": m.a,
                "b": m.b,
                "source": m.source,
                "rows": [
                    {"electorate": k, "to_a": r.to_a, "to_b": r.to_b, "neither": r.neither, "line": r.line}
                    for k, r in m.rows.items()
                ],
            }
            for m in campaign.matrices
        ],
        "official_rounds": [
            {
                "round": r.round,
                "date": r.day.isoformat(),
                "votes": dict(r.votes),
                "registered": r.registered,
                "voters": r.voters,
                "blank_null": r.blank_null,
            }
            for r in sorted(campaign.results.values(), key=lambda r: r.round)
        ],
    }


def _share(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return float(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a whole number >= 0")
    return value


class _WrongKind(ValueError):
    """A bundle's field holds another JSON kind than its own (an object where text belongs)."""


_NOTICE_KEYS = (
    "id", "pollster", "client", "fieldwork_start", "fieldwork_end", "sample_size", "population", "rolling", "source",
    "hypotheses", "matchups",
)  # fmt: skip
"""What campaign_to_dict writes for a notice."""


def _flag(data: Mapping[str, Any], key: str) -> bool | None:
    """A true/false field of a bundled notice: JSON true, false or null (bool("false") was True)."""
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise _WrongKind(f"{key} must be true, false or null, not {value!r:.40}")
    return value


def _one_name_once(notice: PollNotice) -> None:
    """Each question names a candidate once, compared as the compilation readers compare names (name_key):
    'EMMANUEL MACRON' beside 'Emmanuel Macron' in one hypothesis would be two shares for one candidate, and a
    matchup of a candidate against himself is no matchup (france._add_share refuses both in the files)."""
    for h in notice.hypotheses:
        seen: dict[str, str] = {}
        for name in h.shares:
            if name_key(name) in seen:
                raise _WrongKind(f"hypothesis {h.label!r}: {name!r} appears twice (as {seen[name_key(name)]!r})")
            seen[name_key(name)] = name
    for i, m in enumerate(notice.matchups):
        if name_key(m.a) == name_key(m.b):
            raise _WrongKind(f"matchup {m.label!r}: {m.a!r} against {m.b!r} is one candidate against himself")
        if (before := asked_before(notice.matchups[:i], m)) is not None:
            raise _WrongKind(f"matchup {m.label!r} asks {m.a} against {m.b} again (as {before.label!r})")


def _str(data: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    """A text field of a bundled notice: text (absent or null: empty), never an object or number made text."""
    value = data[key] if required else data.get(key)
    if value is None and not required:
        return ""
    if (problem := not_text(value, key)) is not None:  # (core.validation's one wording; the caller names the notice)
        raise _WrongKind(problem)
    assert isinstance(value, str)
    return value


def campaign_from_dict(data: Any) -> Campaign:
    """The campaign a bundle carries; ValueError naming the part ("two_round.notices[3]: ...") if unreadable.
    Values are checked again by add_campaign before anything is stored."""
    if not isinstance(data, dict):
        raise ValueError("two_round: must be a JSON object")
    unknown = [key for key in data if key not in ("notices", "matrices", "official_rounds")]
    if unknown:  # a misspelt part ("matrix") was dropped without a word
        raise ValueError(
            f"two_round: unknown part {str(unknown[0])[:40]!r} (it has notices, matrices, official_rounds)"
        )
    for part in ("notices", "matrices", "official_rounds"):
        if not isinstance(data.get(part, []), list):  # (null or 5 there was a TypeError traceback)
            raise ValueError(f"two_round.{part}: must be a list, not {type(data[part]).__name__} {data[part]!r:.40}")
    notices: list[PollNotice] = []
    for i, n in enumerate(data.get("notices", []), start=1):
        try:
            if isinstance(n, Mapping) and any(key not in _NOTICE_KEYS for key in n):
                key = next(key for key in n if key not in _NOTICE_KEYS)
                raise _WrongKind(f"unknown key {str(key)[:40]!r} (a notice has {', '.join(_NOTICE_KEYS)})")
            notices.append(
                PollNotice(
                    id=_str(n, "id"),
                    institute=_str(n, "pollster", required=True),
                    client=_str(n, "client"),
                    fieldwork_start=date.fromisoformat(n["fieldwork_start"]),
                    fieldwork_end=date.fromisoformat(n["fieldwork_end"]),
                    sample_size=None if n.get("sample_size") is None else _count(n["sample_size"]),
                    population=_str(n, "population"),
                    rolling=_flag(n, "rolling"),
                    hypotheses=tuple(
                        Hypothesis(
                            _str(h, "label"),
                            {str(k): _share(v) for k, v in h["shares"].items()},
                            _count(h.get("line", 0)),
                        )
                        for h in n.get("hypotheses", [])
                    ),
                    matchups=tuple(
                        Matchup(
                            _str(m, "label"),
                            _str(m, "a", required=True),  # (str() made a finalist null the candidate "None")
                            _str(m, "b", required=True),
                            _share(m["a_share"]),
                            _share(m["b_share"]),
                            _count(m.get("line", 0)),
                        )
                        for m in n.get("matchups", [])
                    ),
                    source=_str(n, "source"),
                )
            )
            _one_name_once(notices[-1])
        except _WrongKind as exc:
            raise ValueError(f"two_round.notices[{i}]: {exc!s}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"two_round.notices[{i}]: {exc!s} is missing or unreadable") from None
    matrices: list[TransferMatrix] = []
    for i, m in enumerate(data.get("matrices", []), start=1):
        try:
            rows = {
                _str(r, "electorate", required=True): TransferRow(
                    _share(r["to_a"]), _share(r["to_b"]), _share(r["neither"]), _count(r.get("line", 0))
                )
                for r in m["rows"]
            }
            matrices.append(
                TransferMatrix(
                    _str(m, "id"),
                    _str(m, "pollster", required=True),
                    date.fromisoformat(m["fieldwork_start"]),
                    date.fromisoformat(m["fieldwork_end"]),
                    _str(m, "a", required=True),
                    _str(m, "b", required=True),
                    rows,
                    _str(m, "source"),
                )
            )
        except _WrongKind as exc:
            raise ValueError(f"two_round.matrices[{i}]: {exc!s}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"two_round.matrices[{i}]: {exc!s} is missing or unreadable") from None
    results: dict[int, RoundResult] = {}
    for i, r in enumerate(data.get("official_rounds", []), start=1):
        try:
            round_no = _count(r["round"])
            if round_no not in (1, 2) or round_no in results:
                raise ValueError(f"round {round_no!r} is not a new round 1 or 2")
            result = RoundResult(
                round_no,
                date.fromisoformat(r["date"]),
                {str(k): _count(v) for k, v in r["votes"].items()},
                _count(r["registered"]),
                _count(r["voters"]),
                _count(r["blank_null"]),
            )
            if result.voters > result.registered or result.valid + result.blank_null != result.voters:
                raise ValueError("votes, blank and null, voters and registered do not add up")
            results[round_no] = result
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"two_round.official_rounds[{i}]: {exc!s}") from None
    ids: dict[str, PollNotice] = {}
    for i, n in enumerate(notices, start=1):  # an id names one poll: matrices and re-imports find it by its id
        other = ids.setdefault(n.id, n) if n.id else n
        if other is not n and (other.institute, other.fieldwork_start, other.fieldwork_end) != (
            n.institute,
            n.fieldwork_start,
            n.fieldwork_end,
        ):
            raise ValueError(
                f"two_round.notices[{i}]: id {n.id!r} is also {other.institute} {other.fieldwork_start} to "
                f"{other.fieldwork_end}'s; one id names one poll"
            )
    notices.sort(key=lambda p: (p.fieldwork_end, p.fieldwork_start, p.id))
    matrices.sort(key=lambda x: (x.fieldwork_end, x.fieldwork_start, x.poll_id))
    return Campaign(tuple(notices), tuple(matrices), results)
