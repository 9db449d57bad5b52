"""Two-round campaigns in the store (migration 0005, store/questions.py): notices with several questions, matrices,
official rounds; duplicates per question; all or nothing; London's single-question polls untouched."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import TOY, make_poll
from warroom.core.france import Hypothesis, Matchup, PollNotice, parse_nsppolls_polls
from warroom.core.types import Candidate, Contest, CountingSystem, TransferObservation
from warroom.demo import france_2022_compilation
from warroom.store import contests as contest_store
from warroom.store import polls as repo
from warroom.store.db import _alembic_config, make_engine, make_session_factory, upgrade
from warroom.store.questions import (
    QuestionRejectedError,
    add_campaign,
    load_campaign,
    notice_count,
)
from warroom.store.schema import CandidateRow, ContestRow, PartyRow, PollNoticeRow, QuestionShareRow

TWO = Contest(
    "Présidentielle test", date(2027, 4, 11), CountingSystem.TWO_ROUND, (Candidate("a", "A"), Candidate("b", "B"))
)

TWO_2022 = replace(TWO, election_date=date(2022, 4, 10))  # 2022's official rounds go only into a 2022 race


def _open(url: str) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(url)
    upgrade(engine)
    return engine, make_session_factory(engine)


def _notice(
    pid: str = "p1", *, pollster: str = "Ifop", hyps: tuple[Hypothesis, ...] = (), runs: tuple[Matchup, ...] = ()
) -> PollNotice:
    return PollNotice(pid, pollster, "LCI", date(2026, 5, 26), date(2026, 5, 28), 1000, "Inscrits", False, hyps, runs)


H1 = Hypothesis("H1", {"Édouard Philippe": 20.0, "Marine Le Pen": 33.0}, 2)
H2 = Hypothesis("H2", {"Bruno Retailleau": 12.0, "Marine Le Pen": 34.0}, 4)
M1 = Matchup("H2_1", "Édouard Philippe", "Marine Le Pen", 48.0, 52.0, 6)


def _contest(sessions: sessionmaker[Session], contest: Contest = TWO) -> int:
    with sessions.begin() as s:
        return repo.add_contest(s, contest)


def test_the_whole_2022_campaign_round_trips(store_url: str) -> None:
    engine, sessions = _open(store_url)
    cid = _contest(sessions, TWO_2022)
    comp = france_2022_compilation()
    with sessions.begin() as s:
        got = add_campaign(s, cid, comp.notices, comp.matrices, comp.results)
    assert (got.polls, got.hypotheses, got.matchups, got.matrices, got.rounds) == (409, 558, 767, 35, 2)
    with sessions() as s:
        campaign = load_campaign(s, TWO.name)
        assert s.scalar(select(func.count(QuestionShareRow.id))) == 8863  # every figure of the file is a row
    assert campaign.notices == comp.notices and campaign.matrices == comp.matrices
    assert dict(campaign.results) == dict(comp.results)
    notices, matrices, results, _expected = campaign  # the tuple form h5's service unpacks
    assert (notices, matrices) == (campaign.notices, campaign.matrices)
    assert results[2].share("Emmanuel Macron") == pytest.approx(58.55, abs=0.005)
    engine.dispose()


def test_a_second_notice_of_the_same_fieldwork_is_not_a_duplicate_but_a_repeated_question_is(store_url: str) -> None:
    engine, sessions = _open(store_url)
    cid = _contest(sessions)
    with sessions.begin() as s:
        first = add_campaign(s, cid, [_notice(hyps=(H1,)), _notice("p2", hyps=(H1,))])  # same pollster and dates
    assert (first.polls, first.hypotheses) == (2, 2)
    with sessions.begin() as s:  # the same notice again, with a new hypothesis and a matchup: only those are added
        again = add_campaign(s, cid, [_notice(hyps=(H1, H2), runs=(M1,))])
    assert (again.polls, again.hypotheses, again.matchups, again.skipped_questions) == (0, 1, 1, 1)
    with sessions() as s:
        (p1,) = [n for n in load_campaign(s, cid).notices if n.id == "p1"]
    assert [h.label for h in p1.hypotheses] == ["H1", "H2"] and p1.matchups == (M1,)
    assert p1.matchup("marine le pen", "EDOUARD PHILIPPE") == M1
    engine.dispose()


def test_a_question_stored_with_other_figures_refuses_the_whole_import(store_url: str) -> None:
    engine, sessions = _open(store_url)
    cid = _contest(sessions)
    with sessions.begin() as s:
        add_campaign(s, cid, [_notice(hyps=(H1,))])
    changed = replace(H1, shares={"Édouard Philippe": 21.0, "Marine Le Pen": 33.0})
    stored_otherwise = r"hypothesis 'H1' \(line 2\) is stored with other figures"
    with pytest.raises(QuestionRejectedError, match=stored_otherwise), sessions.begin() as s:
        add_campaign(s, cid, [_notice("p9", hyps=(H2,)), _notice(hyps=(changed,))])
    with sessions() as s:
        assert notice_count(s, cid) == 1  # p9 was not written either
    engine.dispose()


def test_values_the_store_cannot_keep_are_all_named_and_nothing_is_written(store_url: str) -> None:
    engine, sessions = _open(store_url)
    cid = _contest(sessions)
    bad = [
        _notice(hyps=(Hypothesis("x" * 121, {"A": 1.0}, 7),)),
        _notice("p2", pollster="", hyps=(Hypothesis("", {"B" * 121: 1.0, "C": 101.0}, 9),)),
        _notice("p2", pollster="", hyps=(H1,)),
    ]
    with pytest.raises(QuestionRejectedError) as caught, sessions.begin() as s:
        add_campaign(s, cid, bad)
    text_ = str(caught.value)
    assert "line 7: label is 121 characters" in text_ and "candidate is 121 characters" in text_
    assert "share 101.0 is outside 0-100" in text_ and "no pollster" in text_ and "appears twice" in text_
    with sessions() as s:
        assert s.scalar(select(func.count(PollNoticeRow.id))) == 0
    engine.dispose()


def test_an_ordinary_contest_has_an_empty_campaign_and_deleting_a_contest_takes_its_campaign(store_url: str) -> None:
    engine, sessions = _open(store_url)
    london = _contest(sessions, TOY)
    cid = _contest(sessions, TWO_2022)
    comp = france_2022_compilation()
    with sessions.begin() as s:
        add_campaign(s, cid, comp.notices[:20], comp.matrices[:3], comp.results)
    with sessions() as s:
        assert load_campaign(s, london) == ((), (), {}, None)
        assert contest_store.poll_count(s, cid) == 20
        with pytest.raises(KeyError, match="no contest 'nowhere'"):
            load_campaign(s, "nowhere")
    with sessions.begin() as s:
        contest_store.delete_contest(s, cid)
    with engine.connect() as conn:
        for table in ("poll_notice", "poll_question", "question_share", "transfer_matrix", "transfer_matrix_row"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
        assert conn.execute(text("SELECT count(*) FROM official_round")).scalar_one() == 0
    engine.dispose()


def _contest_as_0004_stores_it(session: Session, contest: Contest) -> int:
    """The contest's rows in a 0004 store: the columns it has (repo.add_contest writes later ones, 0007's)."""
    cid = session.execute(
        insert(ContestRow.__table__).values(
            name=contest.name, election_date=contest.election_date, system=contest.system.value
        )
    ).inserted_primary_key[0]
    for i, p in enumerate(contest.parties):
        session.execute(
            insert(PartyRow.__table__).values(contest_id=cid, code=p.code, name=p.name, colour=p.colour, position=i)
        )
    for i, c in enumerate(contest.candidates):
        session.execute(
            insert(CandidateRow.__table__).values(
                contest_id=cid, code=c.code, name=c.name, party_code=c.party, colour=c.colour, position=i
            )
        )
    return int(cid)


def test_upgrade_from_0004_keeps_single_question_polls_working(store_url: str) -> None:
    """A 0004 store with London-style polls (all figure kinds, transfers) upgrades; every poll reads back the
    same, the per-fieldwork duplicate check still holds, and the contest can then take two-round notices."""
    engine = make_engine(store_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0004")
    sessions = make_session_factory(engine)
    polls = [
        make_poll(
            day,
            second_round={"ann": 52.0, "bob": 48.0},
            party_vi={"R": 35.0, "B": 41.0},
            transfers=(TransferObservation("cat", "ann", 60.0),),
        )
        for day in (1, 8, 15)
    ]
    with sessions.begin() as s:
        cid = _contest_as_0004_stores_it(s, TOY)
        repo.add_polls(s, cid, polls)
    with sessions() as s:
        before = repo.list_polls(s, cid)
    upgrade(engine)
    with sessions() as s:
        assert repo.list_polls(s, cid) == before and len(before) == 3
    with pytest.raises(repo.DuplicatePollError), sessions.begin() as s:
        repo.add_polls(s, cid, [replace(polls[0], id=None)])
    # Dated within the toy race's window (a year after its election at most), as every poll must be.
    notice = replace(_notice(hyps=(H1,)), fieldwork_start=date(2024, 3, 20), fieldwork_end=date(2024, 3, 21))
    with sessions.begin() as s:
        add_campaign(s, cid, [notice])
    with sessions() as s:
        assert len(load_campaign(s, cid).notices) == 1 and repo.list_polls(s, cid) == before
    engine.dispose()


def test_notices_read_from_a_file_and_from_the_store_are_equal(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "resources" / "data" / "france_2022" / "nsppolls_presidentielle.csv"
    notices = parse_nsppolls_polls(shipped.read_text(encoding="utf-8"))
    engine, sessions = _open(str(tmp_path / "s.sqlite3"))
    cid = _contest(sessions)
    with sessions.begin() as s:
        add_campaign(s, cid, notices[-5:])
    with sessions() as s:
        assert load_campaign(s, cid).notices == notices[-5:]
    engine.dispose()
