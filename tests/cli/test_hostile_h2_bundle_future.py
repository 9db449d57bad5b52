"""Issue 16, hostile pass h2: a campaign bundle is held to the poll CSV's "fieldwork in the future" rule
(`core.validation.today_somewhere`, the day begun in UTC+14). `warroom import BUNDLE` stored a poll whose
fieldwork starts next week (or one published tomorrow), and a two-round notice so dated, without a word: the
bundle's polls were checked as a typed poll is, but without today. Now the bundle is refused naming the poll (or
the notice) and the field, and nothing is written. `store.contests.import_bundle(today=)` pins the day for tests
(its default is today_somewhere()). Failed before its fix."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli._run import ok, run
from tests.cli.test_hostile_h2_question_future import HEAD, _rows, two_round_race
from tests.store.test_contests import _fill, _open
from warroom.core.validation import today_somewhere
from warroom.store import contests as store
from warroom.store import polls as repo


def _copy(bundle: dict[str, Any], **poll: str | None) -> store.Bundle:
    """The bundle as another race (so every poll is new), its first poll's fields changed."""
    edited = json.loads(json.dumps(bundle))
    edited["contest"]["contest"]["name"] = "Cumbria Mayor 2027 (copy)"
    edited["polls"][0].update(poll)
    return store.read_bundle(store.bundle_to_text(edited))


@pytest.mark.parametrize(
    ("poll", "words"),
    [
        (
            {"fieldwork_start": "2024-03-10", "fieldwork_end": "2024-03-11", "published": None},
            "fieldwork_start: 2024-03-10 is in the future",
        ),
        ({"published": "2024-03-10"}, "published: 2024-03-10 is in the future"),
    ],
)
def test_a_bundled_poll_dated_after_today_is_refused_and_nothing_is_written(
    tmp_path: Path, poll: dict[str, str | None], words: str
) -> None:
    _engine, sessions = _open(str(tmp_path / "a.sqlite3"))
    cid = _fill(sessions)  # polls of 1-6 March 2024, published on the 9th
    with sessions() as s:
        bundle = store.export_bundle(s, cid)
    with pytest.raises(store.ContestError, match=words) as caught, sessions.begin() as s:
        store.import_bundle(s, _copy(bundle, **poll), today=date(2024, 3, 9))
    assert "polls[1] (P1 " in str(caught.value) and "nothing imported" in str(caught.value)
    with sessions() as s:
        assert [c.name for c in repo.list_contests(s)] == ["Cumbria Mayor 2027"]
    with sessions.begin() as s:  # the day it starts (or is published) is no longer the future
        report = store.import_bundle(s, _copy(bundle, **poll), today=date(2024, 3, 10))
    assert report.created and report.polls_added == 3


def test_the_default_today_is_the_day_begun_anywhere(tmp_path: Path) -> None:
    _engine, sessions = _open(str(tmp_path / "a.sqlite3"))
    cid = _fill(sessions)
    with sessions() as s:
        bundle = store.export_bundle(s, cid)
    after = (today_somewhere() + timedelta(days=1)).isoformat()  # within the 2027 race's window until May 2028
    with pytest.raises(store.ContestError, match=f"fieldwork_start: {after} is in the future"), sessions.begin() as s:
        store.import_bundle(s, _copy(bundle, fieldwork_start=after, fieldwork_end=after, published=after))


def _race_bundle(db: list[str], tmp_path: Path, name: str) -> dict[str, Any]:
    path = tmp_path / f"{name}.json"
    ok("export", "--contest", name, "--bundle", str(path), *db)
    return json.loads(path.read_text(encoding="utf-8"))


def _import(db: list[str], tmp_path: Path, data: dict[str, Any]) -> tuple[int, str, str]:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return run("import", str(path), *db)


def test_warroom_import_refuses_a_bundle_with_a_poll_dated_after_today(db: list[str], tmp_path: Path) -> None:
    begun = today_somewhere()
    race = tmp_path / "race.toml"
    race.write_text(
        f'[contest]\nname = "Race"\nelection_date = {begun + timedelta(days=200)}\nsystem = "sv"\n\n'
        '[[candidate]]\ncode = "ada"\nname = "Ada"\ncolour = "#D55E00"\n\n'
        '[[candidate]]\ncode = "bea"\nname = "Bea"\ncolour = "#0072B2"\n',
        encoding="utf-8",
    )
    ok("contest", "new", "--from", str(race), *db)
    polls = tmp_path / "polls.csv"
    polls.write_text(
        f"pollster,fieldwork_start,fieldwork_end,published,sample_size,first:ada,first:bea\n"
        f"Acme,{begun},{begun},{begun},1000,52,48\n",
        encoding="utf-8",
    )
    ok("import", str(polls), "--contest", "Race", *db)
    data = _race_bundle(db, tmp_path, "Race")
    data["contest"]["contest"]["name"] = "Race (copy)"
    later = str(begun + timedelta(days=1))
    data["polls"][0] |= {"fieldwork_start": later, "fieldwork_end": later, "published": later}
    code, _, err = _import(db, tmp_path, data)
    assert code == 1 and "Traceback" not in err, err
    assert f"polls[1] (Acme {later} to {later}): fieldwork_start: {later} is in the future" in err, err
    assert "nothing imported" in err
    assert "Race (copy)" not in [c["name"] for c in json.loads(ok("contests", "--json", *db))]


def test_warroom_import_refuses_a_bundle_with_a_two_round_notice_dated_after_today(
    db: list[str], tmp_path: Path
) -> None:
    begun = today_somewhere()
    two_round_race(db, tmp_path)
    questions = tmp_path / "questions.csv"
    questions.write_text(HEAD + _rows(begun), encoding="utf-8")
    ok("import", str(questions), "--contest", "Race", *db)
    data = _race_bundle(db, tmp_path, "Race")
    data["contest"]["contest"]["name"] = "Race (copy)"
    later = str(begun + timedelta(days=1))
    data["two_round"]["notices"][0] |= {"fieldwork_start": later, "fieldwork_end": later}
    code, _, err = _import(db, tmp_path, data)
    assert code == 1 and "Traceback" not in err, err
    assert f"Ifop {later} to {later} (f1)" in err and f"fieldwork_start {later} is in the future" in err, err
    assert "nothing imported" in err
    assert "Race (copy)" not in [c["name"] for c in json.loads(ok("contests", "--json", *db))]
    data["two_round"]["notices"][0] |= {"fieldwork_start": str(begun), "fieldwork_end": str(begun)}
    code, _, err = _import(db, tmp_path, data)  # today, where the day has begun, imports
    assert code == 0, err
