"""User-owned contests in the store: migration 0003, create/edit/delete, official results, campaign bundles."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import TOY, make_poll
from warroom.core.pipeline import BaselineChoice, compute_averages, make_case, save_scenario
from warroom.core.types import (
    EXHAUSTED,
    Annotation,
    Candidate,
    Contest,
    CountingSystem,
    OfficialResult,
    Party,
    Rules,
    TransferObservation,
)
from warroom.demo import LONDON_2012, official_2012_result
from warroom.store import contests as store
from warroom.store import polls as repo
from warroom.store.db import _alembic_config, list_backups, make_engine, make_session_factory, upgrade

MAYOR_2027 = Contest(
    name="Cumbria Mayor 2027",
    election_date=date(2027, 5, 6),
    system=CountingSystem.SV,
    office="Mayor of Cumbria",
    area="Cumbria Combined Authority",
    notes="First mayoral election.",
    rules=Rules(majority=50.0, preferences=2),
    parties=(Party("LAB", "Labour", "#D55E00"), Party("CON", "Conservative", "#0072B2")),
    candidates=(
        Candidate("ada", "Ada Lovelace", "LAB", "#D55E00", short_name="Lovelace"),
        Candidate("bea", "Bea Smith", "CON", "#0072B2"),
        Candidate("cy", "Cy Jones", None, "#777777", withdrawn=True),
    ),
)


def _open(url: str) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(url)
    upgrade(engine)
    return engine, make_session_factory(engine)


def _revision(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return repo.revision(s)


# --- migration ----------------------------------------------------------------------------------------------


def _old_store(url: str, *, demo: bool) -> Engine:
    """A store as version 0002 wrote it: a contest with polls (all figure kinds, transfers), an event, a scenario."""
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0002")
    contest = LONDON_2012 if demo else TOY
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO contest (id, name, election_date, system) VALUES (7, :n, :d, 'sv')"),
            {"n": contest.name, "d": contest.election_date},
        )
        for i, p in enumerate(contest.parties):
            conn.execute(
                text("INSERT INTO party (contest_id, code, name, colour, position) VALUES (7, :c, :n, :k, :i)"),
                {"c": p.code, "n": p.name, "k": p.colour, "i": i},
            )
        for i, c in enumerate(contest.candidates):
            conn.execute(
                text(
                    "INSERT INTO candidate (contest_id, code, name, party_code, colour, position) "
                    "VALUES (7, :c, :n, :p, :k, :i)"
                ),
                {"c": c.code, "n": c.name, "p": c.party, "k": c.colour, "i": i},
            )
        first, second = contest.candidates[0].code, contest.candidates[1].code
        for pid, day in ((11, 1), (12, 8)):
            conn.execute(
                text(
                    "INSERT INTO poll (id, contest_id, pollster, client, fieldwork_start, fieldwork_end, published, "
                    "sample_size, method, source_url, notes) VALUES (:id, 7, 'Acme', 'Times', :s, :e, NULL, 1000, "
                    "'online', 'https://example.org', 'n')"
                ),
                {"id": pid, "s": date(2012, 3, day), "e": date(2012, 3, day + 2)},
            )
            for kind, code, share in (("first", first, 45.0), ("first", second, 40.0), ("second", first, 52.5)):
                conn.execute(
                    text("INSERT INTO poll_figure (poll_id, kind, code, share) VALUES (:p, :k, :c, :s)"),
                    {"p": pid, "k": kind, "c": code, "s": share},
                )
            conn.execute(
                text("INSERT INTO transfer_split (poll_id, from_code, to_code, share) VALUES (:p, :f, :t, 33.0)"),
                {"p": pid, "f": contest.candidates[2].code, "t": EXHAUSTED},
            )
        conn.execute(
            text("INSERT INTO annotation (contest_id, day, text) VALUES (7, :d, 'Debate')"), {"d": date(2012, 3, 5)}
        )
        conn.execute(
            text(
                "INSERT INTO scenario (contest_id, name, baseline_json, settings_json, notes) "
                "VALUES (7, 'Squeeze', '{\"kind\": \"average\"}', '{\"drag\": 0.5}', 'why')"
            )
        )
        conn.execute(text("UPDATE store_revision SET revision = 41 WHERE id = 1"))
    return engine


@pytest.mark.parametrize("demo", [False, True])
def test_upgrade_from_0002_keeps_every_row(store_url: str, demo: bool) -> None:
    engine = _old_store(store_url, demo=demo)
    upgrade(engine)
    sessions = make_session_factory(engine)
    expected = LONDON_2012 if demo else TOY
    with sessions() as s:
        contest = repo.get_contest(s, 7)
        assert contest is not None
        assert replace(contest, id=None) == replace(expected, office="", area="", notes="", demo=demo)
        polls = repo.list_polls(s, 7)
        assert [p.id for p in polls] == [11, 12]
        first, second, third = (c.code for c in expected.candidates[:3])
        assert polls[0].first_round == {first: 45.0, second: 40.0} and polls[0].second_round == {first: 52.5}
        assert polls[1].transfers == (TransferObservation(third, EXHAUSTED, 33.0),)
        assert (polls[0].client, polls[0].method, polls[0].sample_size) == ("Times", "online", 1000)
        assert repo.list_annotations(s, 7)[0].text == "Debate"
        assert repo.list_scenarios(s, 7) == [("Squeeze", {"kind": "average"}, {"drag": 0.5})]
        assert s.execute(text("SELECT notes FROM scenario")).scalar_one() == "why"
        assert repo.revision(s) == 41
        # The demo an earlier version seeded is marked and gets its result; a user's race gets neither.
        assert contest.demo is demo
        assert store.get_official_result(s, 7) == (official_2012_result() if demo else None)
    engine.dispose()


def test_a_users_race_named_like_the_demo_is_not_marked(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "polls.sqlite3"))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0002")
        conn.execute(
            text("INSERT INTO contest (name, election_date, system) VALUES ('London Mayor 2012', '2012-05-03', 'sv')")
        )
    upgrade(engine)
    with make_session_factory(engine)() as s:
        contest = repo.get_contest(s, "London Mayor 2012")
        assert contest is not None and not contest.demo
        assert store.get_official_result(s, contest.id or 0) is None
    engine.dispose()


# --- create ------------------------------------------------------------------------------------------------


def test_create_round_trips_every_field(store_url: str) -> None:
    engine, sessions = _open(store_url)
    before = _revision(sessions)
    with sessions.begin() as s:
        cid = store.create_contest(s, MAYOR_2027)
    with sessions() as s:
        assert store.require_contest(s, cid) == replace(MAYOR_2027, id=cid)
    assert _revision(sessions) > before
    engine.dispose()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"name": "cumbria MAYOR 2027 "}, "already in the store"),
        ({"candidates": (*MAYOR_2027.candidates, Candidate("ada", "Someone Else"))}, "'ada' is also"),
        ({"candidates": (*MAYOR_2027.candidates, Candidate("dee", "Bea Smith"))}, "two candidates are named"),
        ({"second_round_date": date(2027, 5, 1)}, "second round must come after"),
        ({"name": "x" * 201}, "at most 200"),
    ],
)
def test_create_refuses_bad_contests_and_writes_nothing(tmp_path: Path, change: dict, words: str) -> None:
    engine, sessions = _open(str(tmp_path / "polls.sqlite3"))
    with sessions.begin() as s:
        store.create_contest(s, MAYOR_2027)
    with pytest.raises(store.ContestError, match=words), sessions.begin() as s:
        store.create_contest(s, replace(MAYOR_2027, **change))
    with sessions() as s:
        assert [c.name for c in store.list_contests(s)] == [MAYOR_2027.name]
    engine.dispose()


# --- update ------------------------------------------------------------------------------------------------


def test_update_renames_adds_withdraws_recolours_and_edits_rules(store_url: str) -> None:
    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        cid = store.create_contest(s, MAYOR_2027)
        repo.add_polls(s, cid, [replace(make_poll(), first_round={"ada": 40.0, "bea": 35.0, "cy": 5.0})])
    ada, bea, cy = MAYOR_2027.candidates
    edited = replace(
        MAYOR_2027,
        name="Cumbria Mayor (May 2027)",
        notes="Edited.",
        office="Mayor",
        rules=Rules(majority=50.0, preferences=None),
        system=CountingSystem.CONTINGENT,
        parties=(*MAYOR_2027.parties, Party("GRN", "Green", "#009E73")),
        candidates=(
            replace(bea, colour="#123456"),
            replace(ada, withdrawn=True),
            cy,
            Candidate("dan", "Dan Green", "GRN", "#009E73"),
        ),
    )
    before = _revision(sessions)
    with sessions.begin() as s:
        got = store.update_contest(s, cid, edited)
    assert got == replace(edited, id=cid)
    with sessions() as s:
        assert store.require_contest(s, cid) == replace(edited, id=cid)
        assert len(repo.list_polls(s, cid)) == 1  # the polls stay with the contest
    assert _revision(sessions) > before
    engine.dispose()


def test_deleting_a_candidate_with_polls_is_refused_with_withdrawal_offered(store_url: str) -> None:
    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        cid = store.create_contest(s, MAYOR_2027)
        repo.add_polls(s, cid, [replace(make_poll(), first_round={"ada": 40.0, "bea": 35.0})])
    ada, bea, cy = MAYOR_2027.candidates
    refused = replace(MAYOR_2027, candidates=(bea, cy, Candidate("eve", "Eve Ross")))
    with (
        pytest.raises(store.ContestError, match=r"'Ada Lovelace' \(ada\) appears in 1 poll.*withdrawn"),
        sessions.begin() as s,
    ):
        store.update_contest(s, cid, refused)
    with sessions() as s:
        assert store.require_contest(s, cid) == replace(MAYOR_2027, id=cid)  # nothing changed
    with sessions.begin() as s:  # cy has no polls: deleting them is fine
        store.update_contest(s, cid, replace(MAYOR_2027, candidates=(ada, bea)))
    with sessions() as s:
        assert store.require_contest(s, cid).candidate_codes == ("ada", "bea")
    engine.dispose()


def test_rename_onto_another_contest_is_refused(tmp_path: Path) -> None:
    engine, sessions = _open(str(tmp_path / "polls.sqlite3"))
    with sessions.begin() as s:
        store.create_contest(s, TOY)
        cid = store.create_contest(s, MAYOR_2027)
    with pytest.raises(store.ContestError, match="already in the store"), sessions.begin() as s:
        store.update_contest(s, cid, replace(MAYOR_2027, name=TOY.name.upper()))
    with sessions.begin() as s:  # its own name, unchanged, is not a clash
        store.update_contest(s, cid, replace(MAYOR_2027, notes="same name"))
    engine.dispose()


# --- delete ------------------------------------------------------------------------------------------------


def test_delete_removes_only_that_contest_after_a_backup(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, sessions = _open(str(db))
    with sessions.begin() as s:
        keep = store.create_contest(s, TOY)
        repo.add_polls(s, keep, [make_poll()])
        cid = store.create_contest(s, MAYOR_2027)
        repo.add_polls(
            s,
            cid,
            [replace(make_poll(), first_round={"ada": 40.0}, transfers=(TransferObservation("cy", "ada", 50.0),))],
        )
        repo.add_annotation(s, cid, Annotation(date(2027, 1, 1), "Launch"))
        repo.save_scenario(s, cid, "A", {"k": 1}, {"s": 2})
        store.set_official_result(s, cid, OfficialResult({"ada": 10, "bea": 5}))
    with sessions() as s:
        backup = store.backup_before_delete(engine, tmp_path / "backups", s, cid)
    assert list_backups(tmp_path / "backups") == [backup] and "before-delete" in backup.name
    with sessions.begin() as s:
        store.delete_contest(s, cid)
    with sessions() as s:
        assert [c.id for c in store.list_contests(s)] == [keep]
        assert len(repo.list_polls(s, keep)) == 1
        for table in ("poll_figure", "transfer_split"):
            assert (
                s.execute(text(f"SELECT count(*) FROM {table} WHERE poll_id NOT IN (SELECT id FROM poll)")).scalar()
                == 0
            )
        for table in ("annotation", "scenario", "official_result", "candidate", "party"):
            assert s.execute(text(f"SELECT count(*) FROM {table} WHERE contest_id = :c"), {"c": cid}).scalar() == 0
    old = sqlite3.connect(backup)  # the backup still has it
    assert old.execute("SELECT name FROM contest WHERE id = ?", (cid,)).fetchone() == (MAYOR_2027.name,)
    old.close()
    engine.dispose()


def test_backup_of_a_server_store_is_a_bundle(tmp_path: Path, store_url: str) -> None:
    if store_url.endswith(".sqlite3"):
        pytest.skip("a server store only (the SQLite case is the test above)")
    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        cid = store.create_contest(s, MAYOR_2027)
    with sessions() as s:
        backup = store.backup_before_delete(engine, tmp_path / "backups", s, cid)
    assert store.read_bundle(backup.read_text(encoding="utf-8")).contest == MAYOR_2027
    assert backup.stat().st_mode & 0o077 == 0
    engine.dispose()


# --- official results --------------------------------------------------------------------------------------


def test_official_result_set_replaced_and_checked(store_url: str) -> None:
    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        cid = store.create_contest(s, MAYOR_2027)
        other = store.create_contest(s, TOY)
    first = OfficialResult(
        {"ada": 100, "bea": 90, "cy": 10},
        {"ada": 104, "bea": 93},
        (("cy", "ada", 4), ("cy", EXHAUSTED, 3)),
        3,
        5000,
        "count",
    )
    with sessions.begin() as s:
        store.set_official_result(s, cid, first)
    second = replace(first, source="declared")
    with sessions.begin() as s:
        store.set_official_result(s, cid, second)
    with sessions() as s:
        assert store.get_official_result(s, cid) == second
        assert store.get_official_result(s, other) is None  # scoped to its contest
    with pytest.raises(store.ContestError, match="'ann' is not a candidate"), sessions.begin() as s:
        store.set_official_result(s, cid, OfficialResult({"ann": 5}))
    with sessions() as s:
        assert store.get_official_result(s, cid) == second
    engine.dispose()


def test_a_new_store_seeds_the_demo_with_its_result(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store

    opened = open_store(tmp_path / "polls.sqlite3", backup_dir=None)
    with opened.sessions() as s:
        demo = repo.get_contest(s)
        assert demo is not None and demo.demo and demo.title.endswith("(demo)")
        assert store.get_official_result(s, demo.id or 0) == official_2012_result()
    opened.close()


# --- bundles -----------------------------------------------------------------------------------------------


def _fill(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as s:
        cid = store.create_contest(s, MAYOR_2027)
        polls = [
            replace(make_poll(day, pollster=f"P{day}"), first_round={"ada": 40.0 + day, "bea": 35.0, "other": 25.0 - day}, second_round={"ada": 55.0},
                    party_vi={"LAB": 38.0}, transfers=(TransferObservation("cy", EXHAUSTED, 20.0),), client="C", published=date(2024, 3, 9))
            for day in (1, 3, 5)
        ]  # fmt: skip
        repo.add_polls(s, cid, polls)
        repo.add_annotation(s, cid, Annotation(date(2024, 3, 2), "Hustings"))
        # a case the app can read back (bundles are held to it): the average as of 6 March, the drag lever moved
        stored = repo.list_polls(s, cid)
        choice = BaselineChoice("as_of", date(2024, 3, 6))
        base, defaults = make_case(choice, stored, MAYOR_2027, compute_averages(stored, MAYOR_2027))
        saved = save_scenario("Squeeze", choice, base, replace(defaults, drag_recovery=0.25), stored, datetime(2024, 3, 7))  # fmt: skip
        repo.save_scenario(s, cid, saved.name, *saved.to_dicts())
        store.set_official_result(s, cid, OfficialResult({"ada": 100, "bea": 90}, {"ada": 100, "bea": 90}, source="x"))
    return cid


def _comparable(bundle: dict) -> dict:
    return {k: v for k, v in bundle.items() if k not in ("exported_at",)} | {
        "scenarios": [{k: v for k, v in sc.items() if k != "saved_at"} for sc in bundle["scenarios"]]
    }


def test_bundle_round_trip_between_two_stores(tmp_path: Path) -> None:
    engine_a, a = _open(str(tmp_path / "a.sqlite3"))
    engine_b, b = _open(str(tmp_path / "b.sqlite3"))
    cid = _fill(a)
    with a() as s:
        exported = store.export_bundle(s, cid)
    text_ = store.bundle_to_text(exported)
    assert store.looks_like_bundle(text_) and not store.looks_like_bundle("pollster,fieldwork_start\n")
    with b.begin() as s:
        report = store.import_bundle(s, store.read_bundle(text_))
    assert report.created and report.polls_added == 3 and report.events_added == 1 and report.result == "added"
    with b() as s:
        again = store.export_bundle(s, report.contest_id)
    assert _comparable(again) == _comparable(exported)
    # Once more: nothing new, every poll reported as a duplicate.
    with b.begin() as s:
        second = store.import_bundle(s, store.read_bundle(text_))
    assert not second.created and second.polls_added == 0 and len(second.duplicates) == 3
    assert second.events_added == 0 and second.scenarios_added == [] and second.result == "same"
    with b() as s:
        assert len(repo.list_polls(s, report.contest_id)) == 3
    engine_a.dispose()
    engine_b.dispose()


def test_bundle_for_a_contest_with_other_candidates_is_refused_whole(tmp_path: Path) -> None:
    engine_a, a = _open(str(tmp_path / "a.sqlite3"))
    engine_b, b = _open(str(tmp_path / "b.sqlite3"))
    cid = _fill(a)
    with a() as s:
        text_ = store.bundle_to_text(store.export_bundle(s, cid))
    ada, bea, _cy = MAYOR_2027.candidates
    with b.begin() as s:
        store.create_contest(
            s, replace(MAYOR_2027, candidates=(ada, replace(bea, name="Beatrice Smith"), Candidate("zed", "Zed Z")))
        )
    before = _revision(b)
    with pytest.raises(store.ContestError) as info, b.begin() as s:
        store.import_bundle(s, store.read_bundle(text_))
    message = str(info.value)
    assert "'Cy Jones' (cy), the store does not" in message
    assert "'Zed Z' (zed), the bundle does not" in message
    assert "Bea Smith (CON) in the bundle" in message
    with b() as s:
        assert repo.list_polls(s, store.require_contest(s, MAYOR_2027.name).id or 0) == []
    assert _revision(b) == before
    engine_a.dispose()
    engine_b.dispose()


def test_bundle_of_a_newer_version_or_with_a_bad_poll_is_refused(tmp_path: Path) -> None:
    engine, sessions = _open(str(tmp_path / "a.sqlite3"))
    cid = _fill(sessions)
    with sessions() as s:
        bundle = store.export_bundle(s, cid)
    from warroom.store.contests import BUNDLE_VERSION

    newer = BUNDLE_VERSION + 1  # (3 since bundles carry a race's expected first round: hL)
    with pytest.raises(store.ContestError, match=f"version {newer}"):
        store.read_bundle(json.dumps(bundle | {"version": newer}))
    bad = bundle | {"polls": [*bundle["polls"], {"pollster": "X"}]}
    with pytest.raises(store.ContestError, match=r"polls\[4\]"):
        store.read_bundle(json.dumps(bad))
    engine.dispose()


def test_downgrade_to_0002_keeps_the_rows_it_can_hold(tmp_path: Path) -> None:
    engine = _old_store(str(tmp_path / "polls.sqlite3"), demo=False)
    upgrade(engine)
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0002")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM candidate")).scalar() == len(TOY.candidates)
        assert conn.execute(text("SELECT count(*) FROM poll_figure")).scalar() == 6
    engine.dispose()


def test_bundle_poll_naming_an_unknown_candidate_is_refused(tmp_path: Path) -> None:
    engine_a, a = _open(str(tmp_path / "a.sqlite3"))
    engine_b, b = _open(str(tmp_path / "b.sqlite3"))
    cid = _fill(a)
    with a() as s:
        bundle = store.export_bundle(s, cid)
    bundle["polls"][1]["first_round"]["zed"] = 3.0
    with pytest.raises(store.ContestError, match=r"polls\[2\] \(P3 .*first_round names 'zed'"), b.begin() as s:
        store.import_bundle(s, store.read_bundle(json.dumps(bundle)))
    with b() as s:
        assert [c.name for c in store.list_contests(s)] == []  # the contest it would have created is not there
    engine_a.dispose()
    engine_b.dispose()


def test_a_party_colour_that_is_not_a_colour_is_refused(tmp_path: Path) -> None:
    engine, sessions = _open(str(tmp_path / "polls.sqlite3"))
    bad = replace(MAYOR_2027, parties=(Party("LAB", "Labour", "red"), MAYOR_2027.parties[1]))
    with pytest.raises(store.ContestError, match="party 'Labour': colour 'red'"), sessions.begin() as s:
        store.create_contest(s, bad)
    engine.dispose()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"polls": 5}, "polls: must be a list"),
        (
            {"events": [{"date": "2024-03-02", "text": "x" * 201}]},
            r"events\[1\]: text is 201 characters long; at most 200",
        ),
        ({"events": [{"text": "no date"}]}, r"events\[1\]: 'date' is missing"),
        ({"scenarios": [{"name": "", "baseline": {}, "settings": {}}]}, r"scenarios\[1\]: a name of 1-120"),
        ({"scenarios": [{"name": "A", "baseline": [], "settings": {}}]}, "must be JSON objects"),
        ({"contest": {"contest": {"name": "X"}}}, "contest in the bundle: contest.election_date: is required"),
    ],
)
def test_damaged_bundles_are_refused_with_the_part_named(tmp_path: Path, change: dict, words: str) -> None:
    engine, sessions = _open(str(tmp_path / "a.sqlite3"))
    cid = _fill(sessions)
    with sessions() as s:
        bundle = store.export_bundle(s, cid)
    with pytest.raises(store.ContestError, match=words):
        store.read_bundle(json.dumps(bundle | change))
    engine.dispose()


def test_full_preferential_rule_is_kept_and_older_rows_read_as_optional(store_url: str) -> None:
    irv = replace(
        MAYOR_2027,
        system=CountingSystem.IRV,
        rules=Rules(finalists="elimination", full_preferential=True),
        candidates=MAYOR_2027.candidates[:2],
    )
    engine, sessions = _open(store_url)
    with sessions.begin() as s:
        cid = store.create_contest(s, irv)
    with sessions() as s:
        got = store.require_contest(s, cid)
    assert got.counting_rules.full_preferential and got == replace(irv, id=cid)
    with sessions.begin() as s:  # a row a store written before the rule existed holds (no migration needed)
        old = json.dumps(
            {
                "majority": 50.0,
                "majority_base": "valid",
                "preferences": "all",
                "finalists": "elimination",
                "qualify_base": "registered",
            }
        )
        s.execute(text("UPDATE contest SET rules_json = :j WHERE id = :i"), {"j": old, "i": cid})
    with sessions() as s:
        assert store.require_contest(s, cid).counting_rules == Rules(finalists="elimination")
    engine.dispose()
