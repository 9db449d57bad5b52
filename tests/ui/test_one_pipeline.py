"""One pipeline, every front end: the same case shows the same numbers in the panel, compare, meeting mode,
the briefing, the rendered exports and the command line (issue 9), on the real 2012 London demo race."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from warroom.cli import main
from warroom.core.forecast import chance_text
from warroom.core.pipeline import BaselineChoice, compute_averages
from warroom.core.types import Poll
from warroom.paths import AppPaths


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _poll(room, pollster: str, end: date) -> Poll:
    return next(p for p in room.poll_service.polls if p.pollster == pollster and p.fieldwork_end == end)


def _choose(room, qtbot, choice: BaselineChoice) -> None:
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=2000):
        room.scenarios.set_choice(choice)


def test_one_saved_case_gives_the_same_numbers_everywhere(demo, qtbot, tmp_path: Path) -> None:
    room = demo
    yougov = _poll(room, "YouGov", date(2012, 4, 29))
    _choose(room, qtbot, BaselineChoice("poll", poll_id=yougov.id))
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=2000):
        room.scenario_panel.message_slider.setValue(400)
    saved = room.scenarios.save("Tie him")
    margin = room.scenarios.saved_view(saved).projection.margin
    chance = room.scenarios.saved_view(saved).projection.win_probability_b
    assert chance == room.scenarios.view.projection.win_probability_b  # simulated, with a fixed seed
    assert room.scenarios.view.projection.margin == pytest.approx(margin)

    # Today's data moves on: a later poll arrives and the live case goes back to the latest average.
    later = replace(yougov, id=None, fieldwork_start=date(2012, 5, 1), fieldwork_end=date(2012, 5, 2), pollster="Later")
    room.poll_service.add_polls([replace(later, first_round={**later.first_round, "johnson": 50, "livingstone": 35})])
    _choose(room, qtbot, BaselineChoice())
    assert room.scenarios.view.projection.margin != pytest.approx(margin, abs=0.05)

    text = f"{margin:+.1f}"
    # compare: the saved case on its own baseline, saved label beside it
    column = next(c for c in room.scenario_actions.columns() if c.name == "Tie him")
    assert f"{column.projection.margin:+.1f}" == text
    assert column.projection.win_probability_b == chance
    assert column.baseline_label == saved.baseline.label and "YouGov" in column.baseline_label
    # meeting mode: the saved view shows exactly what was saved, and the live case is untouched
    live_before = room.scenarios.view.projection.margin
    win = room.window
    win.set_presentation_views(["charts", "scenario:Tie him"])
    win.enter_presentation()
    win.step_view(1)
    qtbot.waitUntil(lambda: room.presented.view is not None)
    assert f"margin {text}" in room.saved_panel.runoff_label.text()
    assert chance_text(chance) in room.saved_panel.win_label.text()
    assert room.scenarios.view.projection.margin == live_before
    win.leave_presentation()
    # the briefing: the saved case's own numbers, with its baseline and assumptions written out
    brief = room.briefing()
    entry = next(s for s in brief.scenarios if s.name == "Tie him")
    assert f"{entry.margin:+.1f}" == text
    assert entry.win_probability == chance
    assert any("YouGov" in line for line in entry.details)
    assert any(line.startswith("Message: 40 %") for line in entry.details)
    # the command line on the same store
    state = ["--data-dir", str(tmp_path / "state")]
    code, out, err = run("scenario", "--name", "Tie him", "--json", *state)
    assert code == 0, err
    data = json.loads(out)
    assert f"{data['margin']:+.1f}" == text and data["baseline"] == saved.baseline.label
    assert data["win_probability_challenger"] == round(chance, 4)
    assert data["today"]["changed"] is False  # the same poll baseline: today's data gives the same answer
    # PNG of the scenario view and the PDF briefing render from the same case
    code, out, err = run("render", "briefing", "--out", str(tmp_path / "b.pdf"), *state)
    assert code == 0, err
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_a_saved_average_case_says_when_todays_polls_differ(demo, qtbot, tmp_path: Path) -> None:
    room = demo
    saved = room.scenarios.save("On the average")
    then = saved.view().projection.margin
    poll = room.poll_service.polls[-1]
    room.poll_service.add_polls(
        [
            replace(
                poll, id=None, pollster="Newcomer", first_round={**poll.first_round, "johnson": 52, "livingstone": 30}
            )
        ]
    )
    qtbot.waitUntil(lambda: len(room.scenarios.polls) == len(room.poll_service.polls))
    fresh = room.scenarios.freshness(room.scenarios.find_saved("On the average"))
    assert fresh.changed and fresh.new_polls == 1 and f"{then:+.1f}" in fresh.message
    assert room.scenarios.find_saved("On the average").view().projection.margin == pytest.approx(then)
    code, out, _ = run("scenario", "--name", "On the average", *["--data-dir", str(tmp_path / "state")])
    assert code == 0 and f"margin {then:+.1f}" in out and "1 new poll" in out


def test_a_poll_baseline_keeps_its_published_head_to_head(demo, qtbot) -> None:
    room = demo
    yougov = _poll(room, "YouGov", date(2012, 4, 29))  # published 52-48
    _choose(room, qtbot, BaselineChoice("poll", poll_id=yougov.id))
    view = room.scenarios.view
    assert view.projection.runoff.a_share == pytest.approx(52.0)
    assert view.projection.margin == pytest.approx(4.0)
    assert "published head-to-head" in room.scenario_panel.baseline_label.text()
    # transfers move it from there: more of the eliminated vote to Livingstone narrows the gap
    code = view.heatmap_of
    assert code is not None
    split = view.scenario.split(code)
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=2000):
        room.scenarios.set_split(code, replace(split, to_a=0.0, to_b=split.to_a + split.to_b))
    assert room.scenarios.view.projection.margin < 4.0


def test_the_verdict_at_defaults_is_the_runoff_chart_average(demo) -> None:
    room = demo
    avg = room.averages.averages
    lead = avg.second_lead
    chart = lead.at(lead.days[-1])[0]
    assert room.scenarios.view.projection.margin == pytest.approx(chart, abs=1e-9)
    assert "runoff poll average" in room.scenarios.baseline.runoff_source
    assert "published head-to-head" in room.scenarios.baseline.runoff_source  # says what the average holds


def test_a_new_baseline_shows_the_split_the_projection_uses(demo, qtbot) -> None:
    room = demo
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=2000):
        room.scenario_panel.message_slider.setValue(300)  # the user has touched the case
    survation = _poll(room, "Survation", date(2012, 4, 24))  # only Paddick and "other" beside the pair
    _choose(room, qtbot, BaselineChoice("poll", poll_id=survation.id))
    panel, scenario = room.scenario_panel, room.scenarios.scenario
    assert set(panel._split_widgets) == set(room.scenarios.baseline.eliminated)
    for code, widget in panel._split_widgets.items():
        split = scenario.split(code)
        assert widget.parts() == pytest.approx((split.to_a, split.to_b, split.exhausted), abs=0.051)
    assert room.scenarios.scenario.message_strength == pytest.approx(0.3)  # the lever is kept


def test_baseline_on_a_date_ignores_later_polls(demo, qtbot) -> None:
    room = demo
    day = date(2012, 4, 20)
    _choose(room, qtbot, BaselineChoice("as_of", as_of=day))
    early = [p for p in room.poll_service.polls if p.fieldwork_end <= day]
    cut = compute_averages(early, room.poll_service.contest)
    assert cut is not None
    expected = cut.latest_first_round(float(day.toordinal()))
    got = room.scenarios.baseline.first_round
    for code, share in expected.items():
        assert got[code] == pytest.approx(share, abs=1e-9)


def test_cli_options_before_the_verb_and_bad_splits(tmp_path: Path) -> None:
    state = ["--data-dir", str(tmp_path / "state")]
    code, out, err = run(*state, "--json", "average")
    assert code == 0, err
    assert "first_round" in json.loads(out)
    code, out, err = run("--db", str(tmp_path / "state" / "data" / "polls.sqlite3"), "average")
    assert code == 0, err
    code, _out, err = run("scenario", "--split", "paddick=nan/50/50", *state)
    assert code == 1 and "paddick" in err.lower() and "Gap closed" not in _out
    with pytest.raises(SystemExit) as usage:  # a usage error since issue 16's fourth pass: not a plain decimal
        run("scenario", "--message", "nan", *state)  # (the message: tests/cli/test_hostile_fourth_pass.py)
    assert usage.value.code == 2
    code, _out, err = run("gui", "--contest", "No Such Race", *state)
    assert code == 1 and "No Such Race" in err


def test_render_reads_the_same_settings_file_as_the_app(tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtCore import QSettings

    from tests.conftest import TOY
    from warroom.bootstrap import open_store
    from warroom.demo import DEMO_NAME
    from warroom.store import polls as repo

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    user = AppPaths.for_user()
    assert str(tmp_path) in str(user.settings_file)
    db = tmp_path / "store.sqlite3"
    store = open_store(db, backup_dir=tmp_path / "backups")  # the demo first, then a newer contest
    with store.sessions.begin() as s:
        repo.add_contest(s, TOY)
    store.close()
    user.config_dir.mkdir(parents=True)
    ini = QSettings(str(user.settings_file), QSettings.Format.IniFormat)
    ini.setValue("data/contest", DEMO_NAME)  # what the app remembers: the demo, not the newest contest
    ini.sync()
    code, out, err = run("render", "charts", "--db", str(db), "--out", str(tmp_path / "c.png"), "--json")
    assert code == 0, err
    assert json.loads(out)["contest"] == DEMO_NAME
    code, out, err = run(
        "render", "charts", "--db", str(db), "--contest", TOY.name, "--out", str(tmp_path / "t.png"), "--json"
    )
    assert code == 0, err
    assert json.loads(out)["contest"] == TOY.name


def test_the_forecast_over_time_ends_on_the_panels_numbers(demo, qtbot, tmp_path: Path) -> None:
    room = demo
    dialog = room.scenario_actions.forecast_dialog()
    qtbot.addWidget(dialog)
    live = room.scenarios.view
    last_day = max(p.fieldwork_end for p in room.poll_service.polls)
    x, y = dialog.curves["livingstone"].getData()
    assert len(x) >= 5 and y.min() >= 0 and y.max() <= 100
    # its last point is the case on the panel: the same baseline day, the same simulated chance
    assert y[-1] == pytest.approx(100 * live.projection.win_probability_b, abs=1e-9)
    assert chance_text(live.projection.win_probability_b) in dialog.summary.text()
    assert f"{last_day:%d %B %Y}" in dialog.summary.text()
    dialog.resize(1200, 800)
    dialog.show()
    dialog.grab().save(str(tmp_path / "forecast.png"))


def test_the_break_even_is_said_in_voters_from_the_stored_result(demo) -> None:
    room = demo
    words = room.scenarios.view.break_even_words
    assert "voters" in words and "points of the first round" in words
    assert "voters" in room.scenario_panel.break_even_label.text()


def test_the_seeds_question_is_answered_from_the_panel_in_a_few_inputs(demo, qtbot) -> None:
    """The seed article's question, asked as a new user would: YouGov's final poll as the baseline, the Lib
    Dems 70/30 between the finalists; can a "tie him to his party" message close the gap, and by how many
    points? Three inputs on the panel (a baseline pick, "70" typed, Return) and the answer is on screen, in
    points of the first round and in voters, the same figure the core gives."""
    from PySide6.QtCore import Qt

    from warroom.core.scenario import break_even_text

    room = demo
    panel = room.scenario_panel
    final = max((p for p in room.poll_service.polls if p.pollster == "YouGov"), key=lambda p: p.fieldwork_end)
    combo = panel.baseline_combo
    index = next(i for i in range(combo.count()) if combo.itemData(i) == ("poll", final.id))
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=2000):
        combo.setCurrentIndex(index)  # 1: the baseline
    lib_dems = panel._split_widgets["paddick"]
    field = lib_dems.a_of_valid.field
    field.setFocus()
    field.selectAll()
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=2000):
        qtbot.keyClicks(field, "70")  # 2: Johnson 70 of every 100 Lib Dems naming a finalist
        qtbot.keyClick(field, Qt.Key.Key_Return)  # 3
    view = room.scenarios.view
    assert view.baseline.label.startswith("YouGov") and f"{final.fieldwork_end:%d %b %Y}" in view.baseline.label
    split = view.scenario.split("paddick")
    assert split.to_a / (split.to_a + split.to_b) == pytest.approx(0.7)
    p = view.projection
    assert p.margin > 0 and not p.gap_closed  # Johnson ahead: the gap is there to close
    assert p.break_even_message is not None and 0 < p.break_even_message < 1  # a message strength closes it
    expected = break_even_text(p.break_even_message, view.baseline.bounce, valid_votes=view.valid_votes)
    shown = panel.break_even_label.text()
    points = f"{p.break_even_message * view.baseline.bounce:.1f} points of the first round"
    assert points in expected and points in shown and "voters" in shown


def test_the_headline_and_the_chance_line_add_up_to_one_hundred(demo, qtbot, tmp_path: Path) -> None:
    # The window printed "Likely Johnson (81 % chance)" above "Chance Livingstone wins: 18 %": each side rounded
    # down on its own. The panel and the CLI print the two chances of one race, and they add up.
    import re

    room = demo
    _choose(room, qtbot, BaselineChoice())
    panel = room.scenario_panel
    favourite = int(re.search(r"\((\d+) % chance\)", panel.verdict.text()).group(1))
    challenger = int(re.search(r"wins: <b>(\d+) %</b>", panel.win_label.text()).group(1))
    assert favourite + challenger == 100
    code, out, _ = run("--db", str(tmp_path / "state" / "data" / "polls.sqlite3"), "scenario")
    assert code == 0
    assert f"({favourite} % chance)" in out and f"wins: {challenger} %" in out
