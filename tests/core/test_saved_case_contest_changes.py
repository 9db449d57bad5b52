"""Issue 16, a fresh pass on saved cases: a saved runoff case of a race whose candidates were renamed, withdrawn or
deleted since shows its figures as saved, under the names it saved; nothing said that the race had changed, so
`warroom scenario --name` printed "Paddick's voters: 70 % to Johnson" beside "Brian Paddock 7.0" (the contest's
new name) in one page, and a finalist withdrawn since was still a finalist without a word. The freshness note
(core.pipeline.freshness: the panel's, Compare's, the briefing's and the CLI's one sentence) now says what changed
in the race. Failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from warroom.core.pipeline import BaselineChoice, SavedScenario, freshness
from warroom.core.runoff import Split
from warroom.core.scenario import Baseline, Scenario
from warroom.core.types import Candidate, Contest, CountingSystem

RACE = Contest(
    "Race",
    date(2012, 5, 3),
    CountingSystem.SV,
    (
        Candidate("j", "Boris Johnson"),
        Candidate("l", "Ken Livingstone"),
        Candidate("p", "Brian Paddick"),
        Candidate("g", "Jenny Jones"),
    ),
)
SHARES = {"j": 44.0, "l": 40.0, "p": 10.0, "g": 6.0}


def _saved() -> SavedScenario:
    names = {c.code: c.display for c in RACE.candidates}
    base = Baseline(dict(SHARES), {}, {}, "j", "l", names=names, label="Poll average")
    return SavedScenario("Plan", BaselineChoice(), base, Scenario({"p": Split(70, 10, 20), "g": Split(30, 30, 40)}))


def test_the_note_on_a_saved_case_says_who_was_renamed_withdrawn_or_deleted_since() -> None:
    renamed = replace(RACE.candidates[2], name="Brian Paddock")
    withdrawn = replace(RACE.candidates[1], withdrawn=True)
    now = replace(RACE, candidates=(RACE.candidates[0], withdrawn, renamed))  # Jones deleted
    note = freshness(_saved(), [], now, None).message
    assert "Since it was saved" in note, note
    assert "Paddick is now Paddock" in note and "Livingstone has withdrawn" in note, note
    assert "Jones is no longer a candidate" in note, note
    assert freshness(_saved(), [], RACE, None).message.count("Since it was saved") == 0  # nothing changed: silent
    out_before = replace(RACE, candidates=(*RACE.candidates[:3], replace(RACE.candidates[3], withdrawn=True)))
    assert "Since it was saved" not in freshness(_saved(), [], out_before, None).message  # may have been, then


def test_an_instant_runoff_cases_note_says_who_was_renamed_or_deleted_since() -> None:
    """The saved instant-runoff case's note (core.saved_cases.irv_freshness) said nothing of a rename, and of a
    deleted candidate only that "today's polls name other candidates"."""
    from warroom.core.irv_pipeline import IrvCase
    from warroom.core.irv_scenario import irv_scenario
    from warroom.core.saved_cases import irv_freshness, save_irv

    scenario = irv_scenario({"k": 40.0, "w": 35.0, "m": 25.0}, {})
    names = {"k": "Kiss", "w": "Wright", "m": "Montroll"}
    saved = save_irv("Plan", IrvCase(scenario, "Ballots", None, names), scenario)
    renamed = IrvCase(scenario, "Ballots", None, names | {"k": "Kyss"})
    assert irv_freshness(saved, renamed) == "Since it was saved: Kiss is now Kyss."
    assert irv_freshness(saved, IrvCase(scenario, "Ballots", None, names)) == ""
    fewer = irv_scenario({"k": 55.0, "w": 45.0}, {})
    note = irv_freshness(saved, IrvCase(fewer, "Ballots", None, {"k": "Kiss", "w": "Wright"}))
    assert "Montroll is no longer a candidate" in note, note
