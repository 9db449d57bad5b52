"""`warroom average` and `warroom scenario` on a race of two candidates (issue 16, one number, one place): the
runoff is the first round, so both print the same figures for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import ok
from tests.core.test_two_candidate_race import two_polls

DUO = """\
[contest]
name = "Duo Mayor 2024"
election_date = 2024-05-02
system = "sv"

[[candidate]]
code = "ann"
name = "Ann Able"

[[candidate]]
code = "bob"
name = "Bob Baker"
"""


def _duo(db: list[str], tmp_path: Path) -> None:
    (tmp_path / "duo.toml").write_text(DUO, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "duo.toml"), *db)
    rows = ["pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob"]
    rows += [
        f"{p.pollster},{p.fieldwork_start},{p.fieldwork_end},{p.sample_size},{p.first_round['ann']:.1f},"
        f"{p.first_round['bob']:.1f}"
        for p in two_polls()
    ]
    (tmp_path / "polls.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ok("import", str(tmp_path / "polls.csv"), "--contest", "Duo Mayor 2024", *db)


def test_average_and_scenario_print_one_runoff_for_a_two_candidate_race(db: list[str], tmp_path: Path) -> None:
    """The runoff lead (+29.9) was averaged apart from the first-round lead (+29.3), and the scenario's runoff
    (64.9 %) from the first-round share (64.5 %). Every one of them is now the first round's."""
    _duo(db, tmp_path)
    average = json.loads(ok("average", "--contest", "Duo Mayor 2024", "--json", *db))
    scenario = json.loads(ok("scenario", "--contest", "Duo Mayor 2024", "--json", *db))
    ann, bob = average["first_round"]["ann"]["mean"], average["first_round"]["bob"]["mean"]
    assert average["second_round_lead"] == average["first_round_lead"]
    assert average["first_round_lead"]["mean"] == pytest.approx(ann - bob, abs=0.002)
    assert "implied" not in average["second_round_lead_kind"]
    assert scenario["runoff"]["ann"] == scenario["first_round"]["ann"] == pytest.approx(ann, abs=0.002)
    assert scenario["margin"] == pytest.approx(average["second_round_lead"]["mean"], abs=0.002)
    text = ok("scenario", "--contest", "Duo Mayor 2024", *db)
    assert "Runoff: the first round (two candidates: nobody's votes transfer)." in text
