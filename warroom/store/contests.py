"""Contests the user owns: create, edit, delete, official results, and campaign bundles. Take a Session.

Every write bumps the store revision first (other windows notice, and the write lock is taken before any read)
and happens in the caller's transaction: a refused write raises before anything is flushed, or the caller's
rollback undoes the part that was. Everything is scoped to one contest.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from warroom.core.backtest import RaceKey, errors_with_races, eve_records, race_key
from warroom.core.contestfile import (
    FORMAT_EXHAUSTED,
    ContestFileError,
    contest_from_dict,
    contest_to_dict,
    result_from_dict,
    result_to_dict,
    rules_to_dict,
)
from warroom.core.forecast import ForecastErrors
from warroom.core.france import name_key
from warroom.core.infile import looks_like_bundle as infile_looks_like_bundle
from warroom.core.irv_pipeline import prior_rows_from_result
from warroom.core.irv_scenario import IrvScenario
from warroom.core.pipeline import name_as_saved, scenario_name_problem
from warroom.core.priors import prior_source
from warroom.core.runoff import Split
from warroom.core.two_round_pipeline import Campaign
from warroom.core.types import (
    DIRECTION_CONTROLS,
    EXHAUSTED,
    MAX_CONTEST_EVENTS,
    NOTES_LIMIT,
    Annotation,
    Contest,
    CountingSystem,
    OfficialResult,
    Poll,
    TransferObservation,
    clipped,
    control_problem,
    echoed,
    event_note_problem,
    firm_key,
    is_colour,
    length_problem,
    lookalike_key,
)
from warroom.core.validation import (
    codes_not_allowed,
    contest_codes,
    event_date_problem,
    iso_date,
    result_problems,
    text_only,
    today_somewhere,
    validate_poll,
)
from warroom.store import irv_priors, questions
from warroom.store import polls as repo
from warroom.store.schema import (
    AnnotationRow,
    CandidateRow,
    ContestRow,
    IrvPriorRow,
    OfficialResultRow,
    PartyRow,
    PollFigureRow,
    PollNoticeRow,
    PollRow,
    ScenarioRow,
    TransferRow,
)

BUNDLE_FORMAT = "warroom-campaign-bundle"
BUNDLE_VERSION = 3
"""Version 2 adds "two_round" (a two-round contest's poll notices, matrices and official rounds); version 3 the
contest's expected first round (`expected_turnout`, `expected_blank_null`, `registered`: Contest.expected). A bundle
is written with the lowest version that holds what it carries (1 without either), which earlier versions of
warroom read; one that cannot read it says it is from a newer version (a warroom reading version 2 refused the
expected first round as an "unknown key")."""
"""Campaign bundles carry `format` and `version`; a reader refuses a newer version rather than guess."""


class ContestError(ValueError):
    """A contest write the store refuses; the message says what and where, and nothing was written."""


# --- reading ----------------------------------------------------------------------------------------------------


def get_contest(session: Session, key: int | str | None = None) -> Contest | None:
    """A contest by id or name; with no key, as store.polls.get_contest (the newest of the user's own, else London)."""
    return repo.get_contest(session, key)


def list_contests(session: Session) -> list[Contest]:
    """Every contest, latest election first."""
    return repo.list_contests(session)


def require_contest(session: Session, key: int | str) -> Contest:
    """A contest by id or name.

    Raises:
        ContestError: no such contest (the message lists the stored names).
    """
    contest = repo.get_contest(session, key)
    if contest is None:
        names = ", ".join(repr(c.name) for c in repo.list_contests(session)) or "none"
        raise ContestError(f"no contest {echoed(key) if isinstance(key, str) else key} in the store (stored: {names})")
    return contest


def poll_count(session: Session, contest_id: int) -> int:
    """The contest's polls: single-question polls and two-round poll notices (store.questions) alike."""
    polls = session.scalar(select(func.count(PollRow.id)).where(PollRow.contest_id == contest_id)) or 0
    notices = session.scalar(select(func.count(PollNoticeRow.id)).where(PollNoticeRow.contest_id == contest_id)) or 0
    return int(polls) + int(notices)


# --- checks -----------------------------------------------------------------------------------------------------


def _check(session: Session, contest: Contest, *, exclude: int | None, kept: Collection[str] = frozenset()) -> None:
    # lengths too: the store's column sizes are core's limits (CODE_LIMIT, ...); `kept`: the stored race's codes
    problems = list(contest.problems(kept=kept))
    for p in contest.parties:
        if not p.code.strip():
            problems.append(f"party {clipped(p.name)!r}: needs a code")
        if not is_colour(p.colour):
            problems.append(f"party {clipped(p.name)!r}: colour {clipped(p.colour, 20)!r} is not #RRGGBB")
    texts = [contest.name, contest.office, contest.area, contest.notes]
    texts += [x for c in contest.candidates for x in (c.code, c.name, c.short_name, c.colour, c.party or "")]
    texts += [x for p in contest.parties for x in (p.code, p.name, p.colour)]
    if any("\x00" in t for t in texts):
        problems.append("a name or note contains a NUL character (\\x00), which PostgreSQL cannot store")
    if problems:
        raise ContestError(f"{clipped(contest.name) or 'contest'}: " + "; ".join(problems))
    # Compared in Python: casefold() is what people mean by "the same name", and lower() differs by backend.
    taken = [r for r in session.execute(select(ContestRow.id, ContestRow.name)) if r[0] != exclude]
    key = contest.name.strip().casefold()
    looks = lookalike_key(contest.name)
    for rid, name in taken:
        if name.strip().casefold() == key:
            raise ContestError(f"a contest named {name!r} is already in the store (#{rid}); choose another name")
        if lookalike_key(name) == looks:  # "Zoë Race" typed decomposed, "Zоë Race" with a Cyrillic о, two spaces
            raise ContestError(
                f"the name {contest.name!a} looks like the contest {name!a} already in the store (#{rid}): two "
                "races drawn alike in every picker; choose another name"
            )


# --- create, edit, delete ---------------------------------------------------------------------------------------


def create_contest(session: Session, contest: Contest) -> int:
    """Store a new contest after checking it; returns its id.

    Raises:
        ContestError: the contest's own problems (Contest.problems: duplicate candidate codes or names, dates
            in the wrong order, ...), a value too long to store, or a contest of that name (ignoring case)
            already stored.
    """
    repo.bump_revision(session)
    _check(session, contest, exclude=None)
    return repo.add_contest(session, replace(contest, id=None))


def _uses(session: Session, contest_id: int, codes: Sequence[str], kinds: Sequence[str]) -> dict[str, int]:
    """How many of the contest's polls mention each code (figures of `kinds`, or a transfer), by code."""
    polls = select(PollRow.id).where(PollRow.contest_id == contest_id)
    out: dict[str, int] = {}
    for code in codes:
        by_figure = select(PollFigureRow.poll_id).where(
            PollFigureRow.poll_id.in_(polls), PollFigureRow.kind.in_(kinds), PollFigureRow.code == code
        )
        ids = set(session.scalars(by_figure))
        if "first" in kinds:
            by_transfer = select(TransferRow.poll_id).where(
                TransferRow.poll_id.in_(polls), or_(TransferRow.from_code == code, TransferRow.to_code == code)
            )
            ids |= set(session.scalars(by_transfer))
        if ids:
            out[code] = len(ids)
    return out


def update_contest(session: Session, contest_id: int, contest: Contest, *, replacing_result: bool = False) -> Contest:
    """Replace a stored contest's details with `contest`'s: rename, add or withdraw candidates, colours, rules,
    dates and notes. Candidates and parties are matched by code; the demo mark is kept as stored.

    Args:
        replacing_result: the caller stores a new official result in the same transaction (a contest file's
            [result]), so the stored one need not fit the new details.

    Raises:
        ContestError: the contest is gone, the new details have a problem, the new name is taken, a candidate
            (or party) that polls, the official result or the transfer prior mention would be deleted (withdraw a
            candidate instead), or the stored official result would not fit the new rules (result_problems: a
            `majority = 40` edit under a result with Ann at 45 % and a final round of transfers was stored, and
            the contest's own export and bundle were then refused by every import).
    """
    repo.bump_revision(session)
    row = session.get(ContestRow, contest_id, options=[selectinload(ContestRow.candidates)])
    if row is None:
        raise ContestError(f"contest #{contest_id} no longer exists (deleted elsewhere?)")
    _check(session, contest, exclude=contest_id, kept={c.code for c in row.candidates} | {q.code for q in row.parties})
    new_codes = {c.code for c in contest.candidates}
    gone = [c for c in row.candidates if c.code not in new_codes]
    used = _uses(session, contest_id, [c.code for c in gone], ("first", "second"))
    result = get_official_result(session, contest_id)
    prior = irv_priors.get_irv_prior(session, contest_id)
    problems = []
    for cand in gone:
        if cand.code in used:
            problems.append(
                f"candidate {cand.name!r} ({cand.code}) appears in {used[cand.code]} poll(s) and cannot be deleted; "
                "mark them as withdrawn instead (withdrawn = true), which keeps those polls meaningful"
            )
        elif result is not None and (cand.code in result.first_round or cand.code in result.final_round):
            problems.append(
                f"candidate {cand.name!r} ({cand.code}) is in the official result and cannot be deleted; "
                "mark them as withdrawn instead"
            )
        elif prior is not None and cand.code in prior.scenario.codes:
            problems.append(
                f"candidate {cand.name!r} ({cand.code}) has a row in the instant-runoff transfer prior and cannot "
                "be deleted; mark them as withdrawn instead"
            )
    two_round = CountingSystem.TWO_ROUND
    if row.system == two_round:
        # A two-round race's polls name candidates as the pollsters wrote them, tied to the race's candidates by
        # name (france.name_key): a candidate they name deleted, or renamed to a name that reads otherwise, left
        # those polls with no candidate, her series gone from the charts and her column from the poll table
        named = questions.notices_naming(session, contest_id)
        now = {c.code: c for c in contest.candidates}
        for cand in row.candidates:
            n = named.get(name_key(cand.name), 0)
            if not n:
                continue
            if cand.code not in now:
                problems.append(
                    f"candidate {cand.name!r} ({cand.code}) is named in {n} poll(s) and cannot be deleted; mark them "
                    "as withdrawn instead (withdrawn = true), which keeps those polls meaningful"
                )
            elif name_key(now[cand.code].name) != name_key(cand.name):
                problems.append(
                    f"candidate {cand.name!r} ({cand.code}) is named so in {n} poll(s), which a two-round race ties "
                    f"to its candidates by name: as {now[cand.code].name!r} those polls would name no candidate "
                    "(out of the charts and the poll table); keep the name and change short_name, which the charts "
                    "show"
                )
    if prior is not None and row.system == CountingSystem.IRV and contest.system != CountingSystem.IRV:
        problems.append(
            f"it holds an instant-runoff transfer prior ({prior.source}) that a contest counted by "
            f"{contest.system.label} does not read (only an instant-runoff race reads it); keep its counting system "
            f"({CountingSystem(row.system).label}), or make a new contest for the other count"
        )
    if (contest.system == two_round) != (row.system == two_round):
        # a two-round race's views read its notices, every other system's its polls: the others would be hidden
        kept = PollNoticeRow if row.system == two_round else PollRow
        held = session.scalar(select(func.count(kept.id)).where(kept.contest_id == contest_id)) or 0
        if held:
            problems.append(
                f"it holds {held} poll(s) that a contest counted by {contest.system.label} does not read (a two-round "
                "race reads poll notices with their questions, the other systems plain polls), so every view would "
                f"show none; keep its counting system ({CountingSystem(row.system).label}), or make a new contest for "
                "the other count"
            )
        elif contest.system == two_round and result is not None:
            problems.append(
                f"it holds an official result that a contest counted by {contest.system.label} does not read (a "
                "two-round race's result is its official rounds, from official_results.csv); keep its counting system "
                f"({CountingSystem(row.system).label}), or make a new contest for the other count"
            )
        elif row.system == two_round:
            # its transfer matrices and official rounds too (a race made with File > New contest that holds only
            # an NSPPolls reports file or official_results.csv): no other system's view, verb or back-test reads them
            campaign = questions.load_campaign(session, contest_id)
            parts = []
            if campaign.matrices:
                n = len(campaign.matrices)
                parts.append(f"{n} transfer matri{'x' if n == 1 else 'ces'}")
            if campaign.results:
                n = len(campaign.results)
                parts.append(f"{n} official round{'' if n == 1 else 's'} (official_results.csv)")
            if parts:
                problems.append(
                    f"it holds {' and '.join(parts)} that a contest counted by {contest.system.label} does not read "
                    "(only a two-round race reads them); keep its counting system "
                    f"({CountingSystem(row.system).label}), or make a new contest for the other count"
                )
    new_parties = {p.code for p in contest.parties}
    gone_parties = [p.code for p in session.scalars(select(PartyRow).where(PartyRow.contest_id == contest_id))]
    gone_parties = [code for code in gone_parties if code not in new_parties]
    for code, n in _uses(session, contest_id, gone_parties, ("party",)).items():
        problems.append(f"party {code!r} has voting-intention figures in {n} poll(s) and cannot be deleted")
    if result is not None and not replacing_result and not problems:
        # Only what this edit brings: a result stored before a rule was checked (a store from an older version)
        # keeps the contest editable, a rename included.
        stored = replace(require_contest(session, contest_id), name=contest.name)  # (messages name the race)
        before = set(result_problems(stored, result))
        misfits = [
            f"{key}: {message}" for key, message in result_problems(contest, result) if (key, message) not in before
        ]
        if misfits:
            problems.append(
                "the official result stored for it would not fit the edited contest ("
                + "; ".join(misfits)
                + "): store a result that fits first (File > Official result, `warroom contest result`), or give "
                "one in the contest file's [result]"
            )
    if problems:
        raise ContestError(f"{row.name}: " + "; ".join(problems))

    row.name = contest.name
    row.election_date = contest.election_date
    row.system = contest.system.value
    row.office = contest.office
    row.area = contest.area
    row.second_round_date = contest.second_round_date
    row.rules_json = None if contest.rules is None else json.dumps(rules_to_dict(contest.rules), sort_keys=True)
    row.notes = contest.notes
    row.transfer_prior = contest.transfer_prior
    repo.set_expected(row, contest)
    # Candidates and parties are rewritten in place by code: a row keeps its id, and the (contest, code)
    # unique constraint never sees two rows with one code mid-flush.
    old_cands = {c.code: c for c in row.candidates}
    session.execute(
        delete(CandidateRow).where(CandidateRow.contest_id == contest_id, CandidateRow.code.notin_(new_codes))
    )
    for i, c in enumerate(contest.candidates):
        values = {
            "name": c.name,
            "party_code": c.party,
            "colour": c.colour,
            "position": i,
            "short_name": c.short_name,
            "withdrawn": c.withdrawn,
        }
        if c.code in old_cands:
            for key, value in values.items():
                setattr(old_cands[c.code], key, value)
        else:
            session.add(CandidateRow(contest_id=contest_id, code=c.code, **values))
    old_parties = {p.code: p for p in session.scalars(select(PartyRow).where(PartyRow.contest_id == contest_id))}
    session.execute(delete(PartyRow).where(PartyRow.contest_id == contest_id, PartyRow.code.notin_(new_parties)))
    for i, p in enumerate(contest.parties):
        if p.code in old_parties:
            old_parties[p.code].name, old_parties[p.code].colour, old_parties[p.code].position = p.name, p.colour, i
        else:
            session.add(PartyRow(contest_id=contest_id, code=p.code, name=p.name, colour=p.colour, position=i))
    session.flush()
    session.expire_all()  # the relationship lists loaded above are stale after the bulk deletes
    return require_contest(session, contest_id)


def delete_contest(session: Session, contest_id: int) -> None:
    """Delete a contest and everything scoped to it (polls, events, scenarios, result). Take a backup first
    (backup_before_delete); this cannot be undone from the app.

    Raises:
        ContestError: no such contest.
    """
    repo.bump_revision(session)
    if session.get(ContestRow, contest_id) is None:
        raise ContestError(f"contest #{contest_id} no longer exists (deleted elsewhere?)")
    polls = select(PollRow.id).where(PollRow.contest_id == contest_id)
    # Explicit, child tables first: the same on SQLite and PostgreSQL whatever the foreign-key settings.
    session.execute(delete(PollFigureRow).where(PollFigureRow.poll_id.in_(polls)))
    session.execute(delete(TransferRow).where(TransferRow.poll_id.in_(polls)))
    session.execute(delete(PollRow).where(PollRow.contest_id == contest_id))
    questions.delete_campaign(session, contest_id)  # two-round notices, matrices, official rounds
    for table in (AnnotationRow, ScenarioRow, OfficialResultRow, IrvPriorRow, CandidateRow, PartyRow):
        session.execute(delete(table).where(table.contest_id == contest_id))
    session.execute(delete(ContestRow).where(ContestRow.id == contest_id))
    session.expire_all()


def backup_before_delete(engine: Engine, backup_dir: Path, session: Session, contest_id: int) -> Path:
    """The copy to take before deleting a contest; returns where it went.

    A SQLite store is copied whole with the store's own backup (db.backup_sqlite, reason "before-delete",
    rotated with the other backups). A server store cannot be copied as a file, so the contest is written to
    `backup_dir` as a campaign bundle (owner-only, atomically), which `warroom import` reads back.

    Raises:
        ContestError: no such contest.
        OSError: the backup folder cannot be written (then do not delete).
    """
    from warroom.paths import make_private_folders, write_private_atomic
    from warroom.store.db import backup_sqlite, sqlite_path

    db_file = sqlite_path(engine)
    if db_file is not None:
        return backup_sqlite(db_file, backup_dir, reason="before-delete")
    bundle = export_bundle(session, contest_id)
    make_private_folders(backup_dir)  # owner-only whatever the umask, its parents too
    slug = re.sub(r"[^a-z0-9]+", "-", bundle["contest"]["contest"]["name"].casefold()).strip("-") or "contest"
    target = backup_dir / f"{slug}-{datetime.now():%Y%m%d-%H%M%S-%f}-before-delete.json"
    write_private_atomic(target, bundle_to_text(bundle))
    return target


# --- official results -------------------------------------------------------------------------------------------


def _composed_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip().casefold()


def _result_problems(contest: Contest, result: OfficialResult) -> list[str]:
    codes = set(contest.candidate_codes)
    out = [
        f"first_round: {c!r} is not a candidate of {contest.name}"
        for c in result.first_round
        if c not in codes | {"other"}
    ]
    out += [f"final_round: {c!r} is not a candidate of {contest.name}" for c in result.final_round if c not in codes]
    for frm, to, _v in result.transfers:
        if frm not in codes | {"other"} or to not in codes | {EXHAUSTED}:
            shown = FORMAT_EXHAUSTED if to == EXHAUSTED else to
            out.append(f"transfers: {frm!r} -> {shown!r} names someone who is not a candidate of {contest.name}")
    if not out:  # figures no count could give (core.validation.result_problems, the contest file's rule)
        out += [f"{key}: {message}" for key, message in result_problems(contest, result)]
    return out


def result_refusal(contest: Contest) -> str | None:
    """Why `contest` takes no official result (first and final rounds), else None: a two-round race's back-test,
    panel and `contest show` read its official rounds (official_results.csv), so such a result, stored beside
    them, would be read by none of its figures."""
    if contest.system != CountingSystem.TWO_ROUND:
        return None
    return (
        f"{contest.name}: official result refused: a two-round race's result is its official rounds, read from "
        "official_results.csv (turnout.csv beside it): warroom import official_results.csv --contest NAME, or "
        "File > Import polls in the app"
    )


def set_official_result(session: Session, contest_id: int, result: OfficialResult) -> None:
    """Store (or replace) a contest's official result.

    Raises:
        ContestError: no such contest, a two-round one (result_refusal), or the result names codes that are not
            the contest's candidates.
    """
    repo.bump_revision(session)
    contest = require_contest(session, contest_id)
    refused = result_refusal(contest)
    if refused is not None:
        raise ContestError(refused)
    problems = _result_problems(contest, result)
    if problems:
        raise ContestError(f"{contest.name}: official result refused: " + "; ".join(problems))
    text = json.dumps(result_to_dict(result))  # in the order given: reports list candidates as the result does
    row = session.scalars(select(OfficialResultRow).where(OfficialResultRow.contest_id == contest_id)).first()
    if row is None:
        session.add(OfficialResultRow(contest_id=contest_id, result_json=text))
    else:
        row.result_json = text
        row.saved_at = datetime.now()
    session.flush()


def get_official_result(session: Session, contest_id: int) -> OfficialResult | None:
    """The contest's official result, None when none is stored."""
    text = session.scalar(select(OfficialResultRow.result_json).where(OfficialResultRow.contest_id == contest_id))
    return None if text is None else result_from_dict(json.loads(text))


def clear_official_result(session: Session, contest_id: int) -> None:
    repo.bump_revision(session)
    session.execute(delete(OfficialResultRow).where(OfficialResultRow.contest_id == contest_id))


def transfer_prior_of(session: Session, contest: Contest) -> Callable[[str, str], dict[str, Split]] | None:
    """The default transfers a contest takes from its chosen past count (Contest.transfer_prior), or None when
    it has none, the past contest is gone or has no stored result.

    Raises:
        PriorError: the past count cannot give priors (no final round, no transfers).
    """
    if not contest.transfer_prior:
        return None
    past = repo.get_contest(session, contest.transfer_prior)
    if past is None or past.id is None or past.id == contest.id:
        return None
    result = get_official_result(session, past.id)
    return prior_source(past, result, contest) if result is not None else None


def irv_prior_rows_of(session: Session, contest: Contest) -> dict[str, dict[str, float]] | None:
    """Next-preference rows an instant-runoff contest takes from its chosen past count (Contest.transfer_prior):
    what each candidate standing again saw their votes do last time (core.irv_pipeline.prior_rows_from_result).
    None when no past count is chosen, it is gone, or it has no stored result."""
    if not contest.transfer_prior:
        return None
    past = repo.get_contest(session, contest.transfer_prior)
    if past is None or past.id is None or past.id == contest.id:
        return None
    result = get_official_result(session, past.id)
    return prior_rows_from_result(result, contest.candidate_codes) if result is not None else None


def expected_valid_votes(session: Session, contest: Contest) -> int | None:
    """The first-round valid vote to expect: the contest's own stored result, else that of the past contest it
    takes its transfers from (the same area last time); None when neither is stored."""
    for key in (contest.id, contest.transfer_prior or None):
        if key is None:
            continue
        # (the contest's own result by its id: its details were read again for nothing, three statements of each
        # switch to a race; the prior is named, and found as every name is)
        past = contest.id if key == contest.id else getattr(repo.get_contest(session, key), "id", None)
        result = get_official_result(session, past) if past is not None else None
        if result is not None:
            return sum(result.first_round.values())
    return None


def forecast_errors(session: Session, table_path: Path) -> ForecastErrors:
    """The forecast error table, refitted with the eve-of-poll errors of every race in the store that has polls
    and an official result (core.backtest.errors_with_races), each race once (core.backtest.race_key). The demo
    race is in the shipped table already, and so is any copy of it."""
    return errors_without_each(session, table_path, [None])[None]


def errors_without_each(
    session: Session, table_path: Path, leave_out: Sequence[int | None]
) -> dict[int | None, ForecastErrors]:
    """forecast_errors refitted once per id in `leave_out`, without that contest's own eve-of-poll errors (None:
    with every race): a back-test of a race must not widen or narrow its bands with the very result it is scored
    against. Each race's errors are worked out once."""
    data = json.loads(table_path.read_text(encoding="utf-8"))
    races: dict[RaceKey, tuple[list[dict[str, object]], list[dict[str, object]]]] = {}
    key_of: dict[int, RaceKey] = {}
    shipped: set[RaceKey] = set()  # the demo races' keys: the shipped table holds them already
    # A race is counted once (core.backtest.race_key): a copy stored under another name is the same race. The
    # demo races first, then the others in id order, so the race stored first is the one whose records count.
    contests = sorted(repo.list_contests(session), key=lambda c: (not c.demo, c.id or 0))
    for contest in contests:
        if contest.id is None:
            continue
        result = get_official_result(session, contest.id)
        if result is None or len(result.final_round) != 2:
            continue
        key = key_of[contest.id] = race_key(contest, result)
        if contest.demo:
            shipped.add(key)
            continue
        if key in shipped or key in races:
            continue
        polls = repo.list_polls(session, contest.id)
        records = eve_records(contest, polls, result, transfer_prior_of(session, contest))
        if records[0] or records[1]:
            races[key] = records
    out_keys = {out: key_of.get(out) if out is not None else None for out in dict.fromkeys(leave_out)}
    return {
        out: errors_with_races(data, [r for key, r in races.items() if out_key is None or key != out_key])
        for out, out_key in out_keys.items()
    }


# --- campaign bundles -------------------------------------------------------------------------------------------


def poll_to_dict(poll: Poll) -> dict[str, Any]:
    """A poll as JSON-ready data: the campaign bundle's form, and the CLI's `polls --json`."""
    return {
        "pollster": poll.pollster,
        "client": poll.client,
        "fieldwork_start": poll.fieldwork_start.isoformat(),
        "fieldwork_end": poll.fieldwork_end.isoformat(),
        "published": None if poll.published is None else poll.published.isoformat(),
        "sample_size": poll.sample_size,
        "method": poll.method,
        "source_url": poll.source_url,
        "notes": poll.notes,
        "first_round": dict(poll.first_round),
        "second_round": dict(poll.second_round),
        "party_vi": dict(poll.party_vi),
        "transfers": [
            {
                "from": t.from_candidate,
                "to": FORMAT_EXHAUSTED if t.to_candidate == EXHAUSTED else t.to_candidate,
                "share": t.share,
            }
            for t in poll.transfers
        ],
    }


def _text(data: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    """A text field of a bundled poll: text, or absent/null for empty (never a number or object made text)."""
    value = data[key] if required else data.get(key)
    if value is None and not required:
        return ""
    return text_only(value, key)  # (core.validation's one wording; the caller names the poll)


def _note(data: Mapping[str, Any], key: str) -> str:
    """A bundled free-text note (a saved scenario's): text held to a poll's notes' rule (validate_poll): at most
    NOTES_LIMIT characters, no NUL (PostgreSQL's text cannot hold one: "the poll store failed", naming nothing) and
    no text-direction control; line breaks and tabs are the note's own."""
    value = _text(data, key)
    problem = length_problem(value, NOTES_LIMIT)
    if problem is None and "\x00" in value:
        problem = "contains a NUL character"
    if problem is None and any(ch in DIRECTION_CONTROLS for ch in value):
        problem = "contains a text-direction control character: it displays reordered"
    if problem is not None:
        raise ValueError(f"{key} {problem}")
    return value


def _day(data: Mapping[str, Any], key: str, *, required: bool = True) -> date | None:
    value = data[key] if required else data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a date written YYYY-MM-DD, not {value!r:.40}")
    try:
        return iso_date(value)
    except ValueError:
        raise ValueError(f"{key} {value!r:.40} is not a date written YYYY-MM-DD") from None


_POLL_KEYS = (
    "pollster", "client", "fieldwork_start", "fieldwork_end", "published", "sample_size", "method", "source_url",
    "notes", "first_round", "second_round", "party_vi", "transfers",
)  # fmt: skip
"""What poll_to_dict writes: a key outside it ("sample" for "sample_size") would be dropped without a word."""


def poll_from_dict(data: Mapping[str, Any]) -> Poll:
    """A poll from poll_to_dict's form (a campaign bundle's polls, the recovery file's unsaved changes), its id
    unset; every field checked, none dropped.

    Raises:
        ValueError, KeyError, TypeError: what is wrong, naming the key.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"a poll must be a JSON object, not {type(data).__name__}")
    unknown = [key for key in data if key not in _POLL_KEYS]
    if unknown:
        raise ValueError(f"unknown key {str(unknown[0])[:40]!r} (a poll takes {', '.join(_POLL_KEYS)})")
    size = data.get("sample_size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int)):
        raise ValueError(f"sample_size {size!r} is not a whole number")
    for kind in ("first_round", "second_round", "party_vi"):
        if not isinstance(data.get(kind, {}), Mapping):
            raise ValueError(f"{kind} must be a JSON object of code: share")
        for code, share in data.get(kind, {}).items():
            if isinstance(share, bool) or not isinstance(share, int | float):
                raise ValueError(f"{kind}[{code!r}]: {share!r} is not a number")
    transfers = data.get("transfers", [])
    if not isinstance(transfers, list) or not all(isinstance(t, Mapping) for t in transfers):
        raise ValueError('transfers must be a list of {"from": code, "to": code, "share": n}')
    for t in transfers:
        share = t["share"]
        if isinstance(share, bool) or not isinstance(share, int | float):
            raise ValueError(f"transfers: share {share!r} is not a number")
        if not isinstance(t["from"], str) or not isinstance(t["to"], str):
            raise ValueError(f"transfers: {t['from']!r} -> {t['to']!r} must name candidates by their code")
    start, end = _day(data, "fieldwork_start"), _day(data, "fieldwork_end")
    assert start is not None and end is not None
    return Poll(
        pollster=_text(data, "pollster", required=True),
        client=_text(data, "client"),
        fieldwork_start=start,
        fieldwork_end=end,
        published=_day(data, "published", required=False),
        sample_size=size,
        method=_text(data, "method"),
        source_url=_text(data, "source_url"),
        notes=_text(data, "notes"),
        first_round=dict(data.get("first_round", {})),
        second_round=dict(data.get("second_round", {})),
        party_vi=dict(data.get("party_vi", {})),
        transfers=tuple(
            TransferObservation(t["from"], EXHAUSTED if t["to"] == FORMAT_EXHAUSTED else t["to"], float(t["share"]))
            for t in transfers
        ),
    )


def export_bundle(session: Session, contest_id: int) -> dict[str, Any]:
    """A contest with its polls, official result, event markers and saved scenarios, as one JSON-ready document.

    Raises:
        ContestError: no such contest.
    """
    contest = require_contest(session, contest_id)
    scenarios = session.scalars(
        select(ScenarioRow).where(ScenarioRow.contest_id == contest_id).order_by(ScenarioRow.name)
    )
    records = {}
    for r in scenarios:
        records[r.name] = (repo.stored_record(r.baseline_json), repo.stored_record(r.settings_json), r)
        if not all(isinstance(part, dict) for part in records[r.name][:2]):  # edited outside warroom
            raise ContestError(
                f"saved scenario {r.name!r} cannot be exported: its stored record is not a JSON object (edited "
                "outside warroom); delete that scenario or restore a backup; nothing was written"
            )
    campaign = questions.load_campaign(session, contest_id)
    two_round = campaign.notices or campaign.matrices or campaign.results
    polls = repo.list_polls(session, contest_id)
    by_id = {p.id: p for p in polls}
    return (
        {
            "format": BUNDLE_FORMAT,
            "version": 3 if contest.expected is not None else 2 if two_round else 1,
            "exported_at": datetime.now().isoformat(timespec="seconds"),
            "demo": contest.demo,
            "contest": contest_to_dict(contest, get_official_result(session, contest_id)),
            "polls": [poll_to_dict(p) for p in polls],
            "events": [
                {"date": a.when.isoformat(), "text": a.text} for a in repo.list_annotations(session, contest_id)
            ],
            "scenarios": [
                {
                    "name": r.name,
                    "baseline": baseline,
                    "settings": settings,
                    "notes": r.notes,
                    "saved_at": r.saved_at.isoformat(timespec="seconds") if r.saved_at else None,
                }
                | _poll_keys_of(baseline, by_id)
                for baseline, settings, r in records.values()
            ],
        }
        | ({"two_round": questions.campaign_to_dict(campaign)} if two_round else {})
        | _bundled_prior(session, contest_id)
    )


def _unreadable_case(name: str, baseline: dict[str, Any], settings: dict[str, Any], contest: Contest) -> str | None:
    """Why the reader of a bundled saved scenario's kind (runoff, two-round, instant runoff) refuses it, or None:
    the bundle is held to what the app can read back, as its polls are held to the poll checks."""
    from warroom.core.pipeline import PipelineError, SavedScenario
    from warroom.core.saved_cases import IRV, SV, TWO_ROUND, SavedIrv, SavedTwoRound, record_kind

    kind = record_kind(baseline)
    try:
        if kind == SV:
            SavedScenario.from_dicts(name, baseline, settings, contest)
        elif kind == TWO_ROUND:
            SavedTwoRound.from_dicts(name, baseline, settings)
        elif kind == IRV:
            SavedIrv.from_dicts(name, baseline, settings)
        else:
            return f"saved scenario {name!r} is of a kind this warroom does not know ({kind[:40]!r})"
    except (PipelineError, ValueError, KeyError, TypeError) as exc:
        return str(exc)
    return None


def _referenced_ids(baseline: Mapping[str, Any]) -> list[int]:
    """The store ids of polls a saved scenario's record names: its one-poll baseline's, and those it was made on."""
    ids = baseline.get("poll_ids")
    found = [i for i in ids if type(i) is int] if isinstance(ids, list) else []
    choice = baseline.get("choice")
    if isinstance(choice, Mapping) and type(choice.get("poll_id")) is int:
        found.append(choice["poll_id"])
    return found


def _poll_keys_of(baseline: Mapping[str, Any], by_id: Mapping[int | None, Poll]) -> dict[str, Any]:
    """A bundled scenario's "poll_keys": each poll its record names by store id, as pollster and fieldwork dates,
    so the store it goes into can name the same polls by its own ids (import_bundle); {} when it names none."""
    keys = {
        str(i): [by_id[i].pollster, by_id[i].fieldwork_start.isoformat(), by_id[i].fieldwork_end.isoformat()]
        for i in _referenced_ids(baseline)
        if i in by_id
    }
    return {"poll_keys": keys} if keys else {}


def _poll_keys_from(item: Mapping[str, Any]) -> dict[int, tuple[str, date, date]]:
    """A bundled scenario's "poll_keys" read and checked (export_bundle's form)."""
    raw = item.get("poll_keys", {})
    if not isinstance(raw, Mapping):
        raise ValueError('poll_keys must be a JSON object {"id": [pollster, fieldwork_start, fieldwork_end]}')
    out: dict[int, tuple[str, date, date]] = {}
    for key, value in raw.items():
        if not (isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18):
            raise ValueError(f"poll_keys: {key[:40]!r} is not a poll id")
        if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value)):
            raise ValueError(f"poll_keys[{key}]: give [pollster, fieldwork_start, fieldwork_end] as text")
        try:
            start, end = iso_date(value[1]), iso_date(value[2])
        except ValueError:
            raise ValueError(f"poll_keys[{key}]: the fieldwork dates must be written YYYY-MM-DD") from None
        out[int(key)] = (firm_key(value[0]), start, end)
    return out


def _with_polls_renumbered(
    baseline: dict[str, Any], keys: Mapping[int, tuple[str, date, date]], here: Mapping[tuple[str, date, date], int]
) -> dict[str, Any]:
    """A bundled scenario's record with the polls it names given this store's ids (its "poll_keys" say which polls
    they are): the ids were the exporting store's, and here they are other polls', or no poll's. A poll the record
    was made on that is not here is left out of its poll_ids (it counts as removed since, which it is)."""
    out = dict(baseline)
    if isinstance(baseline.get("poll_ids"), list):
        out["poll_ids"] = [
            here[keys[i]] for i in baseline["poll_ids"] if type(i) is int and i in keys and keys[i] in here
        ]
    choice = baseline.get("choice")
    if isinstance(choice, Mapping) and type(choice.get("poll_id")) is int and choice["poll_id"] in keys:
        target = here.get(keys[choice["poll_id"]])
        if target is not None:
            out["choice"] = {**choice, "poll_id": target}
    return out


def _bundled_prior(session: Session, contest_id: int) -> dict[str, Any]:
    """The contest's instant-runoff transfer prior as the bundle's optional "irv_prior" part."""
    stored = irv_priors.get_irv_prior(session, contest_id)
    if stored is None:
        return {}
    return {"irv_prior": {"source": stored.source, "prior": irv_priors.prior_to_dict(stored.scenario)}}


def bundle_to_text(bundle: Mapping[str, Any]) -> str:
    return json.dumps(bundle, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def looks_like_bundle(text: str) -> bool:
    """Whether a file's text is meant as a campaign bundle, not a poll CSV: a JSON object. Any text starting
    with "{" is read as one, so that a broken bundle (a number of 5,000 digits, text after the end, another
    program's JSON) is explained by read_bundle, never read as a CSV whose header is the whole file (the rule is
    core.infile's, which the window's import reads too)."""
    return infile_looks_like_bundle(text)


_SCENARIO_KEYS = ("name", "baseline", "settings", "notes", "saved_at", "poll_keys")
"""What export_bundle writes for a saved scenario."""

_BUNDLE_KEYS = (
    "format", "version", "exported_at", "demo", "contest", "polls", "events", "scenarios", "two_round", "irv_prior",
)  # fmt: skip
"""The parts export_bundle writes."""


class _RepeatedKey(ValueError):
    """A JSON object names one key twice: json.loads keeps the last silently."""


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _RepeatedKey(key)
        out[key] = value
    return out


@dataclass(frozen=True)
class Bundle:
    """A campaign bundle read and checked, not yet stored."""

    contest: Contest
    result: OfficialResult | None
    polls: tuple[Poll, ...]
    events: tuple[Annotation, ...]
    scenarios: tuple[tuple[str, dict[str, Any], dict[str, Any], str], ...]  # name, baseline, settings, notes
    demo: bool = False
    campaign: Campaign | None = None  # a two-round contest's notices, matrices and official rounds
    irv_prior: tuple[str, IrvScenario] | None = None  # source, rows
    # scenario name -> the exporting store's poll id -> that poll's key (Poll.key()), for the polls its record names
    scenario_polls: Mapping[str, Mapping[int, tuple[str, date, date]]] = field(default_factory=dict)


def read_bundle(text: str) -> Bundle:
    """Parse and check a campaign bundle.

    Raises:
        ContestError: not a bundle, a newer version, or a problem naming the part ("polls[3]: ...").
    """
    try:
        data = json.loads(text.lstrip("\ufeff"), object_pairs_hook=_no_repeated_keys)
    except _RepeatedKey as exc:  # "pollster": "YouGov", "pollster": "Ipsos" imported an Ipsos poll
        raise ContestError(
            f"the key {str(exc)[:60]!r} appears twice in one object of the bundle (which is meant?)"
        ) from None
    except ValueError as exc:
        found = re.search(r"value has (\d+) digits", str(exc))
        why = f"a number of {int(found.group(1)):,} digits" if found else str(exc)[:200]
        raise ContestError(f"not a campaign bundle: {why}") from None
    except RecursionError:  # json recurses once per level of [ or {
        raise ContestError("not a campaign bundle: its JSON is nested too deeply to read") from None
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise ContestError("not a campaign bundle (no warroom bundle format tag)")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ContestError(f"bundle version {version!r:.40} is not a version warroom writes (1 to {BUNDLE_VERSION})")
    if version > BUNDLE_VERSION:
        raise ContestError(
            f"the bundle was written by a newer version of warroom (bundle version {version}; this one reads versions "
            f"1 to {BUNDLE_VERSION}): update warroom to import it"
        )
    if not isinstance(data.get("demo", False), bool):  # ("false" was read as true)
        raise ContestError(f"demo must be true or false, not {data['demo']!r:.40}; nothing imported")
    unknown = [key for key in data if key not in _BUNDLE_KEYS]
    if unknown:  # "scenario" for "scenarios" dropped every saved scenario without a word
        raise ContestError(f"unknown part {str(unknown[0])[:40]!r} (a bundle has {', '.join(_BUNDLE_KEYS)})")
    try:
        parsed = contest_from_dict(data.get("contest", {}))
    except ContestFileError as exc:
        raise ContestError("contest in the bundle: " + "; ".join(str(p) for p in exc.problems)) from None
    for part in ("polls", "events", "scenarios"):
        if not isinstance(data.get(part, []), list):
            raise ContestError(f"{part}: must be a list; nothing imported")
    polls: list[Poll] = []
    for i, item in enumerate(data.get("polls", [])):
        try:
            polls.append(poll_from_dict(item))
        except KeyError as exc:
            raise ContestError(f"polls[{i + 1}]: {exc!s} is missing") from None
        except ValueError as exc:
            raise ContestError(f"polls[{i + 1}]: {exc!s}") from None
    events: list[Annotation] = []
    for i, item in enumerate(data.get("events", [])):
        try:
            if not isinstance(item, Mapping):
                raise ValueError('an event must be a JSON object {"date": "YYYY-MM-DD", "text": "..."}')
            when = _day(item, "date")
            assert when is not None
            events.append(Annotation(when, _text(item, "text", required=True)))
        except KeyError as exc:
            raise ContestError(f"events[{i + 1}]: {exc!s} is missing") from None
        except ValueError as exc:
            raise ContestError(f"events[{i + 1}]: {exc!s}") from None
        problem = event_note_problem(events[-1].text)  # (the window's Event marker dialog's rule too)
        if problem is not None:  # too long; a NUL, a terminal escape, a line break, a direction override
            raise ContestError(f"events[{i + 1}]: text {problem}")
        problem = event_date_problem(events[-1].when, parsed.contest.election_date)  # (the window's rule too)
        if problem is not None:  # a typo such as 9999: stored, and never seen on the charts
            raise ContestError(f"events[{i + 1}]: date {problem}")
    scenarios: list[tuple[str, dict[str, Any], dict[str, Any], str]] = []
    scenario_polls: dict[str, Mapping[int, tuple[str, date, date]]] = {}
    for i, item in enumerate(data.get("scenarios", [])):
        try:
            name, baseline, settings = item["name"], item["baseline"], item["settings"]
        except (KeyError, TypeError) as exc:
            raise ContestError(f"scenarios[{i + 1}]: {exc!s} is missing") from None
        unknown = [key for key in item if key not in _SCENARIO_KEYS]
        if unknown:  # "note" for "notes" dropped the notes without a word
            raise ContestError(
                f"scenarios[{i + 1}]: unknown key {str(unknown[0])[:40]!r} (a saved scenario has "
                f"{', '.join(_SCENARIO_KEYS)})"
            )
        try:
            keys = _poll_keys_from(item)
        except ValueError as exc:
            raise ContestError(f"scenarios[{i + 1}]: {exc}") from None
        if not isinstance(baseline, dict) or not isinstance(settings, dict):
            raise ContestError(f"scenarios[{i + 1}]: baseline and settings must be JSON objects")
        if not isinstance(name, str):
            raise ContestError(f"scenarios[{i + 1}]: the name must be text, not {name!r:.40}")
        name = name_as_saved(name)  # trimmed, as the app saves every name
        problem = scenario_name_problem(name)
        if problem is not None:
            raise ContestError(f"scenarios[{i + 1}]: a name of 1-120 characters is needed: {name[:40]!r}: {problem}")
        if any(name == other[0] for other in scenarios):
            raise ContestError(f"scenarios[{i + 1}]: {name!r} appears twice; each saved scenario once")
        twin = next((other[0] for other in scenarios if lookalike_key(other[0]) == lookalike_key(name)), None)
        if twin is not None:  # two entries drawn alike in every list (store.polls.save_scenario's rule)
            raise ContestError(f"scenarios[{i + 1}]: {name!a} looks like {twin!a}; each saved scenario once")
        try:
            notes = _note(item, "notes")
        except ValueError as exc:
            raise ContestError(f"scenarios[{i + 1}]: {exc}") from None
        scenarios.append((name, baseline, settings, notes))
        if keys:
            scenario_polls[name] = keys
    prior: tuple[str, IrvScenario] | None = None
    if "irv_prior" in data:
        item = data["irv_prior"]
        if not isinstance(item, dict) or not isinstance(item.get("prior"), dict):
            raise ContestError("irv_prior: must be a JSON object with a 'prior' object; nothing imported")
        try:
            source = _text(item, "source")
            problem = control_problem(source) or length_problem(source, NOTES_LIMIT)
            if problem is not None:  # one line where it is shown; PostgreSQL's text holds no NUL
                raise ValueError(f"source {problem}")
        except ValueError as exc:
            raise ContestError(f"irv_prior: {exc}; nothing imported") from None
        try:
            prior = (source, irv_priors.prior_from_dict(item["prior"]))
        except irv_priors.PriorError as exc:
            raise ContestError(f"irv_prior: {exc}; nothing imported") from None
        unknown = [c for c in prior[1].codes if c not in parsed.contest.candidate_codes]
        if unknown:
            raise ContestError(f"irv_prior: {', '.join(map(repr, unknown))} are not the contest's candidates")
    campaign: Campaign | None = None
    if "two_round" in data:
        try:
            campaign = questions.campaign_from_dict(data["two_round"])
        except ValueError as exc:
            raise ContestError(f"{exc}; nothing imported") from None
    return Bundle(
        parsed.contest,
        parsed.result,
        tuple(polls),
        tuple(events),
        tuple(scenarios),
        bool(data.get("demo", False)),
        campaign,
        prior,
        scenario_polls,
    )


@dataclass
class BundleImport:
    """What importing a bundle did."""

    contest: str
    contest_id: int
    created: bool
    polls_added: int = 0
    duplicates: list[str] = field(default_factory=list)
    events_added: int = 0
    scenarios_added: list[str] = field(default_factory=list)
    scenarios_kept: list[str] = field(default_factory=list)
    result: str = "none"  # "added", "same", "kept" (the store's differs and was kept), "none"
    irv_prior: str = "none"  # the instant-runoff transfer prior: as `result`
    two_round: questions.CampaignImport | None = None  # what a two-round campaign's import added and skipped


def _differences(stored: Contest, incoming: Contest) -> list[str]:
    mine = {c.code: c for c in stored.candidates}
    theirs = {c.code: c for c in incoming.candidates}
    out = [f"the bundle has candidate {theirs[c].name!r} ({c}), the store does not" for c in theirs if c not in mine]
    out += [f"the store has candidate {mine[c].name!r} ({c}), the bundle does not" for c in mine if c not in theirs]
    for code in mine.keys() & theirs.keys():
        a, b = mine[code], theirs[code]
        if a.name != b.name or a.party != b.party:
            out.append(f"candidate {code}: {a.name} ({a.party or 'independent'}) in the store, "
                       f"{b.name} ({b.party or 'independent'}) in the bundle")  # fmt: skip
    return sorted(out)


_POLL_PART_KEYS = {"first": "first_round", "second": "second_round", "party": "party_vi", "transfer": "transfers"}
"""A bundled poll's key for each part of core.validation.CodeMisuse."""


def _check_polls(bundle: Bundle, today: date) -> None:
    """Every code a bundled poll uses is one of the bundle's candidates (or parties, for voting intention), and
    every poll passes the checks a poll typed, pasted or read from a CSV passes (core.validation.validate_poll:
    shares within 0-100 summing to about 100, dates in order and near the election and none after `today`, a
    positive sample): a bundle is a file anyone can edit, and a poll dated 9999 or a share of -50 would otherwise
    be counted."""
    allowed = contest_codes(bundle.contest)
    for i, poll in enumerate(bundle.polls, start=1):
        where = f"polls[{i}] ({poll.pollster} {poll.fieldwork_start} to {poll.fieldwork_end})"
        for misuse in codes_not_allowed(poll, allowed):  # (core.validation.allowed_codes: the one rule)
            key = _POLL_PART_KEYS[misuse.part]
            if misuse.part == "transfer":
                key = f"a transfer {misuse.field.removeprefix('transfer:').replace('->', ' -> ')}"
            raise ContestError(
                f"{where}: {key} names {misuse.code!r}, not one of the contest's {misuse.kind} codes it may use; "
                "nothing imported"
            )
        problems = validate_poll(poll, bundle.contest, today=today)
        if problems:
            raise ContestError(f"{where}: " + "; ".join(map(str, problems)) + "; nothing imported")


def import_bundle(
    session: Session, bundle: Bundle, demo_names: Collection[str] = (), *, today: date | None = None
) -> BundleImport:
    """Bring a bundle into the store, in the caller's transaction: all of it, or (on an error) none of it.

    A new contest is created. An existing contest of the same name must have the same candidates (codes, names,
    parties); then polls already stored (same pollster and fieldwork dates) are skipped and reported, events
    already there are skipped, and a saved scenario or an official result the store already holds in another
    form is kept as stored and reported.

    A new contest is marked as a demo only if the bundle says so and it is named as one of `demo_names` (the
    demos the app ships): a bundle cannot make a user's race a demo (labelled one, never opened by default, its
    result left out of the forecast error table).

    A poll or a two-round notice whose fieldwork starts after `today` (default: core.validation.today_somewhere(),
    the day begun in UTC+14; a poll published after it too) is refused, as a poll typed or read from a CSV is:
    bundles stored them without a word.

    Raises:
        ContestError: the contest exists with different candidates (each difference named), or a part of the
            bundle cannot be stored.
        repo.PollRejectedError: a poll value no backend can store.
    """
    today = today_somewhere() if today is None else today
    repo.bump_revision(session)
    incoming = bundle.contest
    # The same name in composed or decomposed letters (canonically equivalent: a Mac's export) is the same race.
    same = _composed_key(incoming.name)
    existing = next((c for c in repo.list_contests(session) if _composed_key(c.name) == same), None)
    if existing is None:
        contest_id = create_contest(session, replace(incoming, demo=bundle.demo and incoming.name in demo_names))
        report = BundleImport(incoming.name, contest_id, created=True)
    else:
        diff = _differences(existing, incoming)
        if diff:
            raise ContestError(
                f"{existing.name} is already in the store with different candidates: " + "; ".join(diff)
                + "; nothing imported (rename the contest in one of them, or make the candidates agree)"
            )  # fmt: skip
        two_round = CountingSystem.TWO_ROUND
        if (existing.system == two_round) != (incoming.system == two_round):
            # a two-round race keeps notices and matrices, the others polls: stored the other way, no view reads them
            raise ContestError(
                f"{existing.name} is stored here as a {existing.system.label} contest and the bundle's is a "
                f"{incoming.system.label} contest: its polls would be kept where no view of the race reads them; "
                "nothing imported (rename the contest in one of them, or count both the same way)"
            )
        assert existing.id is not None
        contest_id = existing.id
        report = BundleImport(existing.name, contest_id, created=False)
    _check_polls(bundle, today)
    if existing is not None:  # a hand-edited bundle's copy of the race (its date, its parties) is not the stored one
        _check_polls(replace(bundle, contest=existing), today)
        for i, event in enumerate(bundle.events):  # (read_bundle held them to the bundle's copy's date only)
            problem = event_date_problem(event.when, existing.election_date)
            if problem is not None:
                raise ContestError(f"events[{i + 1}]: date {problem} (the race as stored here)")
    for i, (name, baseline, settings, _notes) in enumerate(bundle.scenarios):
        problem = _unreadable_case(name, baseline, settings, existing or incoming)
        if problem is not None:  # stored, it could never be read: unreadable for good in every view
            raise ContestError(f"scenarios[{i + 1}]: {problem}")
    stored_keys = {p.key(): p.id for p in repo.list_polls(session, contest_id)}
    fresh: list[Poll] = []
    seen: set[tuple[str, date, date]] = set()
    for poll in bundle.polls:
        key = poll.key()
        if key in stored_keys or key in seen:
            where = f"poll #{stored_keys[key]}" if key in stored_keys else "an earlier poll in the bundle"
            report.duplicates.append(
                f"{poll.pollster} {poll.fieldwork_start} to {poll.fieldwork_end} (same as {where}; skipped)"
            )
            continue
        seen.add(key)
        fresh.append(replace(poll, id=None))
    repo.add_polls(session, contest_id, fresh)
    report.polls_added = len(fresh)
    # the polls the bundle's scenarios name, by this store's ids (read only when some scenario names one)
    here = {p.key(): p.id or 0 for p in repo.list_polls(session, contest_id)} if bundle.scenario_polls else {}
    have_events = {(a.when, a.text) for a in repo.list_annotations(session, contest_id)}
    coming = {(e.when, e.text) for e in bundle.events} - have_events
    if len(have_events) + len(coming) > MAX_CONTEST_EVENTS:  # (store.polls.add_annotation's rule, said up front)
        raise ContestError(
            f"events: {len(coming):,} new event markers beside the {len(have_events):,} stored for {report.contest} "
            f"would be more than the at most {MAX_CONTEST_EVENTS} a race may hold"
        )
    for event in bundle.events:
        if (event.when, event.text) not in have_events:
            repo.add_annotation(session, contest_id, event)
            have_events.add((event.when, event.text))
            report.events_added += 1
    stored_scenarios = {name: (b, s) for name, b, s in repo.list_scenarios(session, contest_id)}
    for name, bundled, settings, notes in bundle.scenarios:
        baseline = _with_polls_renumbered(bundled, bundle.scenario_polls[name], here) if name in bundle.scenario_polls else bundled  # fmt: skip
        if name in stored_scenarios:
            if stored_scenarios[name] != (baseline, settings):
                report.scenarios_kept.append(name)
            continue
        repo.save_scenario(session, contest_id, name, baseline, settings)
        if notes:
            row = session.scalars(
                select(ScenarioRow).where(ScenarioRow.contest_id == contest_id, ScenarioRow.name == name)
            ).one()
            row.notes = notes
        report.scenarios_added.append(name)
    if bundle.campaign is not None:
        c = bundle.campaign
        try:  # per question: known questions with the same figures are skipped, other figures refuse the bundle
            report.two_round = questions.add_campaign(
                session, contest_id, c.notices, c.matrices, c.results or None, today=today
            )
        except questions.QuestionRejectedError as exc:
            raise ContestError(f"two_round: {exc}; nothing imported") from None
    if bundle.result is not None:
        stored = get_official_result(session, contest_id)
        if stored is None:
            set_official_result(session, contest_id, bundle.result)
            report.result = "added"
        else:
            report.result = "same" if stored == bundle.result else "kept"
    if bundle.irv_prior is not None:
        source, prior = bundle.irv_prior
        have = irv_priors.get_irv_prior(session, contest_id)
        if have is None:
            irv_priors.set_irv_prior(session, contest_id, prior, source)
            report.irv_prior = "added"
        else:
            report.irv_prior = "same" if irv_priors.same_prior(have.scenario, prior) else "kept"
    session.flush()
    return report
