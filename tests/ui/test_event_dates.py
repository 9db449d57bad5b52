"""An event marker's date keeps to the contest's dates, as a poll's do (ten years before the election to a year
after): a marker dated 9999 (a typo) was stored, from the window or a campaign bundle, and never seen on the
charts. One rule (core.validation.event_date_problem) for the window's dialog and the bundles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from warroom.core.types import Annotation
from warroom.core.validation import event_date_problem
from warroom.store.contests import ContestError, read_bundle

pytestmark = pytest.mark.gui


def test_the_rule() -> None:
    election = date(2012, 5, 3)
    assert event_date_problem(date(2012, 4, 20), election) is None
    assert event_date_problem(date(2013, 5, 3), election) is None  # (a year after: post-election recalls)
    problem = event_date_problem(date(9999, 12, 31), election)
    assert problem is not None and "9999-12-31" in problem and "2002-05-03" in problem and "2013-05-04" in problem
    assert event_date_problem(date(1, 1, 1), election) is not None


def test_the_window_stores_no_marker_outside_the_contests_dates(demo) -> None:  # type: ignore[no-untyped-def]
    service = demo.poll_service
    before = list(service.annotations)
    with pytest.raises(ValueError, match="event marker's date 9999-12-31 is outside this contest's dates"):
        service.add_annotation(Annotation(date(9999, 12, 31), "typo"))
    assert list(service.annotations) == before
    service.add_annotation(Annotation(date(2012, 4, 20), "debate"))
    assert any(a.text == "debate" for a in service.annotations)


def test_a_bundle_with_such_a_marker_is_refused_naming_it(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from warroom.cli import main

    bundle = tmp_path / "b.json"
    import io

    out, err = io.StringIO(), io.StringIO()
    state = ["--data-dir", str(tmp_path / "state")]
    assert main([*state, "export", "--contest", "London Mayor 2012", "--bundle", str(bundle)], out=out, err=err) == 0
    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["events"] = [{"date": "9999-12-31", "text": "typo"}]
    with pytest.raises(ContestError, match=r"events\[1\]: date 9999-12-31 is outside"):
        read_bundle(json.dumps(data))
