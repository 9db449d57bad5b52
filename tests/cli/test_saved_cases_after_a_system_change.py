"""Issue 16, a fresh pass on saved cases: a race whose counting system was changed since a case was saved keeps
the case, but no panel of the new system reads it. `warroom scenario --name` said "no saved scenario 'Plan A' ...
(saved: none)" beside a case it kept; it now says what kind of case it is and why it is not shown (the window
names it too: tests/ui/test_saved_cases_after_a_system_change.py). Each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

from tests.cli._run import ok, run

LONDON = "London Mayor 2012"


def _set_system(db: list[str], tmp_path: Path, race: str, old: str, new: str) -> None:
    toml = tmp_path / "race.toml"
    ok(*db, "contest", "export", race, "--out", str(toml))
    text = toml.read_text(encoding="utf-8")
    assert f'system = "{old}"' in text
    toml.write_text(text.replace(f'system = "{old}"', f'system = "{new}"'), encoding="utf-8")
    ok(*db, "contest", "edit", race, "--from", str(toml))


def test_a_runoff_case_of_a_race_now_counted_otherwise_is_named_not_called_missing(db: list[str], tmp_path) -> None:
    ok(*db, "--contest", LONDON, "scenario", "--split", "paddick=70/10/20", "--save", "Plan A")
    # (not to two rounds: a race holding polls keeps to or from two rounds, store.contests.update_contest)
    _set_system(db, tmp_path, LONDON, "sv", "irv")
    code, _out, err = run(*db, "--contest", LONDON, "scenario", "--name", "Plan A")
    assert code == 1 and "Traceback" not in err, err
    assert "saved scenario 'Plan A' is a runoff (SV) case" in err and "now counted by instant runoff" in err, err
    assert "saved: none" not in err
    _set_system(db, tmp_path, LONDON, "irv", "contingent")  # a runoff race again: shown as saved
    assert "Plan A" in ok(*db, "--contest", LONDON, "scenario", "--name", "Plan A")


def test_an_instant_runoff_case_of_a_race_now_counted_by_the_supplementary_vote_is_named(
    db: list[str], tmp_path
) -> None:
    _set_system(db, tmp_path, LONDON, "sv", "irv")
    ok(*db, "--contest", LONDON, "scenario", "--save", "Chain")
    _set_system(db, tmp_path, LONDON, "irv", "sv")
    code, _out, err = run(*db, "--contest", LONDON, "scenario", "--name", "Chain")
    assert code == 1 and "Traceback" not in err, err
    assert "'Chain' is an instant-runoff case" in err and "now counted by the Supplementary Vote" in err, err
