"""Hostile pass 13 (issue 16), the twelfth pass's leftovers in the store: a long value never echoed whole."""

from __future__ import annotations

from dataclasses import replace

from tests.conftest import TOY


def test_the_store_refuses_a_long_contest_name_without_echoing_it_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from warroom.store.contests import ContestError, create_contest
    from warroom.store.db import make_engine, make_session_factory, upgrade

    engine = make_engine(str(tmp_path / "polls.sqlite3"))
    upgrade(engine)
    sessions = make_session_factory(engine)
    try:
        with sessions.begin() as s:
            create_contest(s, replace(TOY, name="N" * 5000))
    except ContestError as exc:
        message = str(exc)
    else:
        raise AssertionError("a 5,000-character name was stored")
    finally:
        engine.dispose()
    assert "5,000 characters" in message and len(message) < 300, message[:400]


def test_the_store_refuses_a_long_pollster_without_echoing_it_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The store's own check (the last line behind validate_poll) named the poll by its whole pollster: a
    5,000-character pollster was echoed whole in "... pollster is 5000 characters long"."""
    from tests.conftest import make_poll
    from warroom.store import polls as repo
    from warroom.store.db import make_engine, make_session_factory, upgrade

    engine = make_engine(str(tmp_path / "polls.sqlite3"))
    upgrade(engine)
    sessions = make_session_factory(engine)
    try:
        with sessions.begin() as s:
            cid = repo.add_contest(s, TOY)
        with sessions.begin() as s:
            repo.add_polls(s, cid, [make_poll(1, pollster="P" * 5000)])
    except repo.PollRejectedError as exc:
        message = str(exc)
    else:
        raise AssertionError("a 5,000-character pollster was stored")
    finally:
        engine.dispose()
    assert "5000 characters" in message and len(message) < 300, message[:400]
