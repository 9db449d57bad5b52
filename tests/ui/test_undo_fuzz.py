"""Issue 16, a fresh pass on undo: a seeded random run of the window's actions (polls added, edited and deleted,
scenarios saved over and deleted, File > Edit contest renaming a candidate, slider moves and loads between them),
then Undo to the start and Redo to the end. Undo of everything gives back the first polls and saved cases
exactly, and the same figures at the same settings; Redo of everything the last; slider settings are no undo
step, so neither moves them. Failed before its fix: an edit of the open contest cleared the whole history, as
opening another race does, so after a rename the polls deleted before it could not be undone."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from tests.conftest import make_poll
from tests.ui.conftest import AnsweredContestDialog
from warroom.core.runoff import Split
from warroom.ui.commands import DeletePollsCommand, EditPollCommand

pytestmark = pytest.mark.gui

NAMES = ("Plan A", "Plan B", "Plan C")


def _settled(room: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10_000)
    qtbot.waitUntil(lambda: not room.averages.busy, timeout=10_000)
    qtbot.waitUntil(lambda: not room.scenarios.busy and room.scenarios.view is not None, timeout=10_000)
    room.scenarios.evaluate_now()


def _key(poll: Any) -> tuple[Any, ...]:
    return (
        poll.pollster,
        poll.fieldwork_start,
        poll.fieldwork_end,
        poll.sample_size,
        tuple(sorted(poll.first_round.items())),
    )


def _state(room: Any) -> tuple[Counter[tuple[Any, ...]], Counter[tuple[Any, ...]], dict[str, Any]]:
    """(polls shown, polls stored, saved scenario records stored), polls without their ids."""
    from warroom.store import polls as repo

    ps = room.poll_service
    with room.store.sessions() as s:
        stored = repo.list_polls(s, ps.contest.id)
        records = {n: (b, st) for n, b, st in repo.list_scenarios(s, ps.contest.id)}
    return Counter(map(_key, ps.polls)), Counter(map(_key, stored)), records


def _figures(room: Any, qtbot: Any, scenario: Any) -> tuple[float, str]:
    room.scenarios.set_scenario(scenario)
    _settled(room, qtbot)
    view = room.scenarios.view
    return round(view.projection.margin, 9), view.baseline.label


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_undo_of_a_random_run_gives_back_the_first_state_and_redo_the_last(
    room: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rng = random.Random(seed)
    win, ps, acts, model = room.window, room.poll_service, room.scenario_actions, room.scenarios
    errors: list[str] = []
    monkeypatch.setattr(win, "show_error", errors.append)
    _settled(room, qtbot)
    first = _state(room)
    first_settings = model.scenario
    first_figures = _figures(room, qtbot, first_settings)
    eliminated = list(model.view.baseline.eliminated)
    added = renamed = 0
    for _step in range(30):
        action = rng.choice(["add", "add", "edit", "delete", "save", "save", "drop", "slider", "load", "rename"])
        polls = list(ps.polls)
        if action == "add":
            added += 1
            a = rng.uniform(30, 50)
            poll = make_poll(rng.randint(1, 27), pollster=f"Fuzz {added}", a=round(a, 1), b=round(80 - a, 1), c=20)
            assert win.import_polls([replace(poll, id=None)])
        elif action == "edit" and polls:
            p = rng.choice(polls)
            assert win._push(EditPollCommand(ps, p, replace(p, sample_size=rng.randint(300, 3000)), win.show_error))
        elif action == "delete" and len(polls) > 3:
            assert win._push(DeletePollsCommand(ps, rng.sample(polls, rng.randint(1, 3)), win.show_error))
        elif action == "save":
            assert acts.save_as(rng.choice(NAMES)) is not None
        elif action == "drop" and (names := acts.saved_names()):
            assert acts.delete(rng.choice(names))
        elif action == "slider" and eliminated:
            to_a = round(rng.uniform(0, 100), 1)
            to_b = round((100 - to_a) * rng.random(), 1)
            model.set_split(rng.choice(eliminated), Split(to_a, to_b, round(100 - to_a - to_b, 1)))
            model.set_message_strength(rng.random())
        elif action == "load" and (names := acts.saved_names()):
            acts.load(rng.choice(names))
        elif action == "rename":  # File > Edit contest: a candidate's name and colour (the codes stay)
            renamed += 1
            c = ps.contest
            who = rng.randrange(len(c.candidates))
            changed = replace(c.candidates[who], name=f"{c.candidates[who].name.split(' #')[0]} #{renamed}")
            edited = replace(c, candidates=tuple(changed if i == who else x for i, x in enumerate(c.candidates)))
            assert room.contest_actions.edit_contest(AnsweredContestDialog(edited)) is not None
        _settled(room, qtbot)
    assert not errors, errors
    last = _state(room)
    last_settings = model.scenario
    last_figures = _figures(room, qtbot, last_settings)
    stack = win.undo_stack
    steps = stack.index()
    while stack.canUndo():
        stack.undo()
        _settled(room, qtbot)
    assert not errors, errors
    assert model.scenario == last_settings  # undo moves no slider
    assert _state(room) == first
    assert _figures(room, qtbot, first_settings) == first_figures
    while stack.canRedo():
        stack.redo()
        _settled(room, qtbot)
    assert not errors, errors
    assert stack.index() == steps
    assert _state(room) == last
    assert _figures(room, qtbot, last_settings) == last_figures


def test_undo_of_instant_runoff_case_saves_and_deletes_around_a_rename_gives_back_the_first_records(
    qtbot: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same on Burlington 2009: cases saved, a row moved, saved over, a candidate renamed, one deleted; Undo to
    the start leaves the saved cases as they were, Redo to the end as they were last (the rename had cleared the
    history: both cases saved before it stayed, Undo unable to take them back)."""
    from tests.ui.conftest import running_room
    from warroom.bootstrap import open_store
    from warroom.demo import IRV_DEMO_NAME
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    settings = open_settings(paths)
    settings.contest = IRV_DEMO_NAME
    for room in running_room(qtbot, store, settings, ready="irv"):
        win, ps, acts = room.window, room.poll_service, room.scenario_actions
        errors: list[str] = []
        monkeypatch.setattr(win, "show_error", errors.append)

        def records(ps: Any = ps) -> dict[str, Any]:
            qtbot.waitUntil(lambda: ps.pending_writes == 0, timeout=10_000)
            return {n: (b, s) for n, b, s in ps.scenarios()}

        first = records()
        assert acts.kind == "irv" and acts.save_as("Ballots") is not None
        room.irv.set_row("montroll", {"kiss": 20.0, "wright": 60.0, "exhausted": 20.0})
        assert acts.save_as("Wright's day") is not None
        assert acts.save_as("Ballots") is not None  # saved over
        c = ps.contest
        kiss = next(x for x in c.candidates if x.code == "kiss")
        renamed = replace(c, candidates=tuple(replace(x, name="Bob Kyss") if x is kiss else x for x in c.candidates))
        assert room.contest_actions.edit_contest(AnsweredContestDialog(renamed)) is not None
        assert acts.delete("Wright's day")
        last = records()
        stack = win.undo_stack
        while stack.canUndo():
            stack.undo()
        assert records() == first and not errors, errors
        while stack.canRedo():
            stack.redo()
        assert records() == last and not errors, errors
