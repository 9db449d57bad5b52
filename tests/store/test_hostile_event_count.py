"""A race holds at most MAX_CONTEST_EVENTS event markers (f4's pass, issue 16).

Each marker is a line on every chart with its note: a campaign bundle of 2,000 markers (a script's output, a
hostile file) was imported whole, and `warroom render charts` of that race took 57 s (27.6 s of CPU) against
London's 5.6 s (2.6 s) in the same minutes (load average 6); the window draws the same lines on its GUI thread.
The window's Event marker dialog had no limit either.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from tests.cli._run import run
from warroom.core.types import MAX_CONTEST_EVENTS, Annotation


def _events(n: int, start: datetime.date = datetime.date(2011, 1, 1)) -> list[dict[str, str]]:
    return [{"date": (start + datetime.timedelta(days=i % 400)).isoformat(), "text": f"event {i}"} for i in range(n)]


def test_a_bundle_with_more_event_markers_than_a_race_may_hold_is_refused(tmp_path: Path) -> None:
    home = ["--data-dir", str(tmp_path / "home")]
    path = tmp_path / "campaign.json"
    assert run(*home, "export", "--contest", "London Mayor 2012", "--bundle", str(path))[0] == 0
    data = json.loads(path.read_text("utf-8"))
    data["contest"]["contest"]["name"] = "Our Mayor 2012"
    data["events"] = _events(MAX_CONTEST_EVENTS + 1)
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = run(*home, "import", str(path))
    assert code == 1 and f"at most {MAX_CONTEST_EVENTS}" in err and "nothing imported" in err, err
    data["events"] = _events(MAX_CONTEST_EVENTS - 10)
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run(*home, "import", str(path))[0] == 0
    data["events"] = _events(20, datetime.date(2012, 2, 1))  # 10 more than there is room for, in the stored race
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = run(*home, "import", str(path))
    assert code == 1 and f"at most {MAX_CONTEST_EVENTS}" in err and "nothing imported" in err, err


def test_a_marker_past_the_most_a_race_may_hold_is_refused_by_the_store(tmp_path: Path) -> None:
    """The one rule for the window's Event marker dialog (PollService.add_annotation) and bundles."""
    from warroom.bootstrap import open_store
    from warroom.store import polls as repo

    opened = open_store(tmp_path / "polls.sqlite3", backup_dir=None)
    try:
        with opened.sessions.begin() as session:
            cid = repo.get_contest(session, "London Mayor 2012").id
            for e in _events(MAX_CONTEST_EVENTS):
                repo.add_annotation(session, cid, Annotation(datetime.date.fromisoformat(e["date"]), e["text"]))
        with pytest.raises(ValueError, match=f"at most {MAX_CONTEST_EVENTS}"), opened.sessions.begin() as session:
            repo.add_annotation(session, cid, Annotation(datetime.date(2012, 4, 1), "one more"))
        with opened.sessions() as session:
            assert len(repo.list_annotations(session, cid)) == MAX_CONTEST_EVENTS
    finally:
        opened.close()
