"""A two-round import taken back (the window's Undo): `remove_campaign_rows` removes exactly the rows
`add_campaign` wrote, and puts the official rounds back as they were. There was no way to take one back: a
notice imported by mistake stayed until its race was deleted."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.store.test_questions import H1, H2, M1, TWO_2022, _contest, _notice, _open
from warroom.demo import france_2022_compilation
from warroom.store.questions import add_campaign, load_campaign, remove_campaign_rows


def _notice_2022(pid: str, **kw):  # type: ignore[no-untyped-def]
    return replace(_notice(pid, **kw), fieldwork_start=date(2022, 3, 1), fieldwork_end=date(2022, 3, 3))


def test_an_import_taken_back_leaves_the_campaign_as_it_was(store_url: str) -> None:
    engine, sessions = _open(store_url)
    cid = _contest(sessions, TWO_2022)
    other = _contest(sessions, replace(TWO_2022, name="Another race"))
    comp = france_2022_compilation()
    with sessions.begin() as s:
        add_campaign(s, cid, comp.notices[:50], comp.matrices[:5], None)
        add_campaign(s, other, [_notice_2022("p1", hyps=(H1,))])
    with sessions() as s:
        before = load_campaign(s, cid)
        other_before = load_campaign(s, other)
    # the rest of the file, the official rounds, and a question added to a notice already stored
    stored = comp.notices[0]
    grown = replace(stored, hypotheses=(*stored.hypotheses, replace(H2, label="Added later")))
    with sessions.begin() as s:
        got = add_campaign(s, cid, [grown, *comp.notices[50:]], comp.matrices, comp.results)
    assert got.rows is not None and got.polls == len(comp.notices) - 50 and got.rounds == 2
    assert len(got.rows.notices) == got.polls
    assert len(got.rows.questions) == got.hypotheses + got.matchups
    assert len(got.rows.matrices) == got.matrices == len(comp.matrices) - 5
    with sessions() as s:
        assert len(load_campaign(s, cid).notices) == len(comp.notices)
    with sessions.begin() as s:
        remove_campaign_rows(s, cid, got.rows)
    with sessions() as s:
        after = load_campaign(s, cid)
        assert load_campaign(s, other) == other_before  # another race's rows untouched
    assert after.notices == before.notices  # the stored notice keeps its own questions, loses the one added
    assert after.matrices == before.matrices
    assert dict(after.results) == dict(before.results) == {}  # the official rounds it stored went with it
    engine.dispose()


def test_taking_back_an_import_restores_the_official_rounds_it_replaced(store_url: str) -> None:
    engine, sessions = _open(store_url)
    cid = _contest(sessions, TWO_2022)
    comp = france_2022_compilation()
    first_only = {1: comp.results[1]}
    with sessions.begin() as s:
        add_campaign(s, cid, [], [], first_only)
    with sessions.begin() as s:
        got = add_campaign(s, cid, [_notice_2022("z", runs=(M1,))], [], comp.results)
    assert got.rows is not None
    with sessions.begin() as s:
        remove_campaign_rows(s, cid, got.rows)
    with sessions() as s:
        back = load_campaign(s, cid)
    assert dict(back.results) == first_only and back.notices == ()
    engine.dispose()
