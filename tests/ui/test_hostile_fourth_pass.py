"""Issue 16, a fourth hostile pass, in the running war room."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_the_panel_saves_and_finds_a_name_trimmed_and_composed_as_the_cli_does(room, qtbot) -> None:
    """Save as " Plan é " (typed with a combining accent) is the saved "Plan é"; the panel finds it by either
    spelling, as `warroom scenario --name` and bundles do (core.pipeline.name_as_saved)."""
    qtbot.waitUntil(lambda: room.scenarios.view is not None)
    acts = room.scenario_actions
    saved = acts.save_as(" Plan e\u0301\u00a0")
    assert saved is not None and saved.name == "Plan \u00e9"
    assert [s.name for s in room.scenarios.saved()] == ["Plan \u00e9"]
    assert room.scenarios.find_saved("  Plan \u00e9 ").name == "Plan \u00e9"
    assert room.scenarios.find_saved("Plan e\u0301").name == "Plan \u00e9"
    errors: list[str] = []
    room.scenarios.scenario_failed.connect(errors.append)
    acts.load(" Plan \u00e9")
    assert not any("no saved scenario" in e for e in errors), errors


def test_a_semicolon_paste_in_the_apps_own_columns_is_imported(room, qtbot) -> None:
    """split_table reads semicolons, so the own-columns shortcut must too: it sent the raw text on, which the
    importer refused as "separated by semicolons ... paste the table into the window"."""
    qtbot.waitUntil(lambda: room.window.polls_pane.model.rowCount() > 0)
    before = room.window.polls_pane.model.rowCount()
    contest = room.import_actions.source.contest
    codes = contest.candidate_codes
    when = contest.election_date.isoformat()
    shares = [str(100 // len(codes))] * (len(codes) - 1) + [str(100 - 100 // len(codes) * (len(codes) - 1))]
    text = (
        "pollster;fieldwork_start;fieldwork_end;sample_size;" + ";".join(f"first:{c}" for c in codes) + "\n"
        f"Acme Semicolon;{when};{when};1000;" + ";".join(shares) + "\n"
    )
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_text(text)
    assert errors == []
    qtbot.waitUntil(lambda: room.window.polls_pane.model.rowCount() == before + 1)
