"""Issue 16: a two-round race's polls in the window go where its figures read them.

A two-round race's polls are notices with first-round and runoff questions (store.questions). File > Import,
a dropped file and a paste in the window stored them as plain polls, which no two-round average, chart, table
column or `warroom polls` reads ("1 poll added", and no figure moved), and refused a French compilation as a poll
CSV missing its 'pollster' column. Add poll entered a plain poll too. Now the window reads a file as `warroom
import` does (a compilation, else the poll CSV with questions), stores it with the same function, all or nothing,
and Add poll is off for such a race, saying how its polls come in."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TOY
from tests.ui.conftest import two_round_room
from warroom.core.types import CountingSystem

pytestmark = pytest.mark.gui

NSPPOLLS = Path(__file__).resolve().parents[2] / "warroom" / "resources"
SHARED_NSP = Path(__file__).resolve().parents[3] / "shared" / "data" / "france-2022" / "nsppolls_presidentielle.csv"

HEADER = "pollster,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,"
HEADER += "second:ann,second:bob\n"


def _probe_csv(ann: float = 44, runoff_ann: float = 55) -> str:
    return (
        HEADER
        + f"Probe,z1,Hyp,2024-04-20,2024-04-22,1200,{ann},35,{100 - ann - 35},,\n"
        + f"Probe,z1,Ann-Bob,2024-04-20,2024-04-22,1200,,,,{runoff_ann},{100 - runoff_ann}\n"
    )


@pytest.fixture
def race(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from two_round_room(qtbot, tmp_path, replace(TOY, system=CountingSystem.TWO_ROUND))


def _stored(room) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """What the store holds for the race, read as `warroom polls` reads it (store.questions.load_campaign)."""
    from warroom.store.questions import load_campaign

    with room.store.sessions() as s:
        campaign = load_campaign(s, room.poll_service.contest.id)
    return len(campaign.notices), sorted(n.institute for n in campaign.notices)


def _import(qtbot, room, path: Path) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(room.import_worker.campaign_finished, timeout=20000):
        room.import_actions.import_file(path)


def test_a_poll_csv_with_questions_imported_in_the_window_goes_into_the_two_round_race(race, qtbot, tmp_path) -> None:
    """It was stored as a plain poll (410 rows shown for France 2022's 409, "1 poll added"), read by none of the
    race's figures; now it is a notice of the race, as `warroom import` stores it, and the panel reads it."""
    room = race
    errors: list[str] = []
    room.window.show_error = errors.append
    count, _ = _stored(room)
    src = tmp_path / "probe.csv"
    src.write_text(_probe_csv())
    _import(qtbot, room, src)
    assert not errors, errors
    assert _stored(room) == (count + 1, sorted([*_stored(room)[1]]))
    assert "Probe" in _stored(room)[1]
    assert room.poll_service.polls == {} or not room.poll_service.polls  # no plain poll stored
    message = room.window.statusBar().currentMessage()
    assert message.startswith("From probe.csv: 1 poll, 1 first-round hypothesis, 1 runoff matchup"), message
    qtbot.waitUntil(lambda: any(n.institute == "Probe" for n in room.two_round.campaign.notices), timeout=10000)
    assert len(room.two_round.campaign.notices) == count + 1  # the panel's campaign is the store's


def test_the_same_file_again_adds_nothing_and_other_figures_ask_before_replacing(race, qtbot, tmp_path) -> None:
    """Imported again: every question already stored, skipped and counted. A corrected download (same poll,
    other figures) is refused unless the user says its figures replace the stored ones, as `--replace`."""
    from warroom.store.questions import load_campaign

    room = race
    errors: list[str] = []
    room.window.show_error = errors.append
    src = tmp_path / "probe.csv"
    src.write_text(_probe_csv())
    _import(qtbot, room, src)
    _import(qtbot, room, src)
    assert room.window.statusBar().currentMessage().startswith("Nothing new in probe.csv; 2 questions and matrices")
    asked: list[str] = []
    room.import_actions.ask_replace = lambda message: asked.append(message) or False
    src.write_text(_probe_csv(ann=46))
    with qtbot.waitSignal(room.import_worker.import_needs_replace, timeout=20000):
        room.import_actions.import_file(src)
    assert len(asked) == 1 and "Probe" in asked[0], asked
    assert not errors

    def probe_ann() -> float:
        with room.store.sessions() as s:
            campaign = load_campaign(s, room.poll_service.contest.id)
        notice = next(n for n in campaign.notices if n.institute == "Probe")
        return notice.hypotheses[0].shares["Ann Red"]

    assert probe_ann() == 44  # refused: nothing changed
    room.import_actions.ask_replace = lambda message: True
    with qtbot.waitSignal(room.import_worker.campaign_finished, timeout=20000):
        room.import_actions.import_file(src)
    qtbot.waitUntil(lambda: not room.import_worker.busy, timeout=20000)
    assert probe_ann() == 46
    assert "replaced by the file's" in room.window.statusBar().currentMessage()


def test_a_pasted_poll_csv_with_questions_goes_into_the_race_and_a_mapped_paste_is_refused(race, qtbot) -> None:
    """A paste took the mapping dialog's route to plain polls; the poll CSV with questions pasted now goes in as
    a notice, and a mapped table (plain polls) is refused, saying how a two-round race's polls come in."""
    from warroom.core.csvformat import ParseResult

    room = race
    errors: list[str] = []
    room.window.show_error = errors.append
    count, _ = _stored(room)
    with qtbot.waitSignal(room.import_worker.campaign_finished, timeout=20000):
        room.import_actions.import_text(_probe_csv().replace(",", "\t"))
    assert _stored(room)[0] == count + 1
    with qtbot.waitSignal(room.import_worker.import_failed, timeout=5000) as failed:
        room.import_worker.start_parsed(ParseResult(polls=(), errors=()), "the pasted table")
    assert "imported with their questions" in failed.args[0]
    assert errors == [failed.args[0]]


def test_add_poll_is_off_for_a_two_round_race_saying_how_its_polls_come_in(race, qtbot) -> None:
    from warroom.ui.main_window import TWO_ROUND_ADD_TIP

    win = race.window
    assert not win.action_add.isEnabled()
    assert win.action_add.toolTip() == TWO_ROUND_ADD_TIP
    assert not win.polls_pane.add_button.isEnabled()
    errors: list[str] = []
    win.show_error = errors.append
    win.add_poll()  # (a route around the action: no form, the reason)
    assert errors == [TWO_ROUND_ADD_TIP + "."]


def test_add_poll_stays_on_for_a_runoff_race(room) -> None:
    assert room.window.action_add.isEnabled()
    assert room.window.action_add.toolTip() == "Enter a newly published poll"


@pytest.mark.skipif(not SHARED_NSP.is_file(), reason="the shared data folder is not beside this checkout")
def test_a_compilation_imported_into_a_runoff_race_is_named_as_one(room, qtbot) -> None:
    """It was refused as "missing column 'pollster' (have: candidat, parti, ...)"."""
    errors: list[str] = []
    room.window.show_error = errors.append
    with qtbot.waitSignal(room.import_worker.import_failed, timeout=20000):
        room.import_actions.import_file(SHARED_NSP)
    assert len(errors) == 1
    assert "NSPPolls' poll compilation, for a two-round race" in errors[0], errors
    assert "--new-contest" in errors[0]


def test_the_summary_names_only_what_the_file_added() -> None:
    """Official rounds alone said "0 polls, 0 hypotheses, 0 runoff matchups, 0 transfer matrices, 2 official
    rounds added"."""
    from warroom.core.france import Counts
    from warroom.services.import_worker import CampaignReport
    from warroom.store.questions import CampaignImport

    def said(got: CampaignImport) -> str:
        return CampaignReport("f.csv", 1, "results", Counts(0, 0, 0, 0), got, 1, 2).summary

    assert said(CampaignImport(rounds=2)) == "From f.csv: 2 official rounds added"
    assert said(CampaignImport(polls=1, hypotheses=2, matchups=1)) == (
        "From f.csv: 1 poll, 2 first-round hypotheses, 1 runoff matchup added"
    )
    assert said(CampaignImport(skipped_questions=3, skipped_matrices=1)) == (
        "Nothing new in f.csv; 4 questions and matrices already stored, skipped"
    )


def test_undo_takes_a_two_round_import_back_and_redo_stores_it_again(race, qtbot, tmp_path) -> None:
    """One undo step per import, as a plain import has: Undo takes its notice out of the store and the panel,
    Redo puts it back, Undo again takes the new rows back. An import that replaced stored figures pushes none
    (their old figures are not kept; the user was asked)."""
    room = race
    errors: list[str] = []
    room.window.show_error = errors.append
    stack = room.window.undo_stack
    count, _ = _stored(room)
    src = tmp_path / "probe.csv"
    src.write_text(_probe_csv())
    _import(qtbot, room, src)
    assert stack.count() == 1 and stack.undoText() == "Import probe.csv"

    def probe_in_panel() -> bool:
        return any(n.institute == "Probe" for n in room.two_round.campaign.notices)

    qtbot.waitUntil(probe_in_panel, timeout=10000)
    for step, expected in (("undo", count), ("redo", count + 1), ("undo", count)):
        with qtbot.waitSignal(room.import_worker.campaign_finished, timeout=20000):
            getattr(stack, step)()
        assert _stored(room)[0] == expected, step
        qtbot.waitUntil(lambda expected=expected: probe_in_panel() == (expected > count), timeout=10000)
    assert room.window.statusBar().currentMessage().startswith("Undone: what was imported from probe.csv")
    assert not errors, errors
    stack.redo()
    qtbot.waitUntil(lambda: _stored(room)[0] == count + 1, timeout=20000)
    qtbot.waitUntil(lambda: not room.import_worker.busy, timeout=20000)
    room.import_actions.ask_replace = lambda message: True
    src.write_text(_probe_csv(ann=47))
    depth = stack.count()
    with qtbot.waitSignal(room.import_worker.campaign_finished, timeout=20000):
        room.import_actions.import_file(src)
    qtbot.waitUntil(lambda: not room.import_worker.busy, timeout=20000)
    assert stack.count() == depth  # a replacing import is not undoable


def _dmy_csv(ann: float = 44) -> str:
    """Dates as a French spreadsheet writes them (day first), every one readable both ways."""
    return (
        HEADER
        + f"Probe,z1,Hyp,03/04/2024,05/04/2024,1200,{ann},35,{100 - ann - 35},,\n"
        + "Probe,z1,Ann-Bob,03/04/2024,05/04/2024,1200,,,,55,45\n"
    )


def _probe_days(room) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from warroom.store.questions import load_campaign

    with room.store.sessions() as s:
        campaign = load_campaign(s, room.poll_service.contest.id)
    return [(str(n.fieldwork_start), str(n.fieldwork_end)) for n in campaign.notices if n.institute == "Probe"]


def test_a_two_round_files_dates_that_read_both_ways_are_asked_for_an_order_as_a_plain_imports(
    race, qtbot, tmp_path
) -> None:
    """A file for a two-round race with its dates in figures (03/04/2024) was refused naming the line, with no
    way in the window to say the order (the command line has --dates); now the window asks, as for a plain
    import: Cancel imports nothing, day/month/year reads 3 April."""
    room = race
    errors: list[str] = []
    room.window.show_error = errors.append
    src = tmp_path / "dmy.csv"
    src.write_text(_dmy_csv())
    asked: list[str] = []
    room.import_actions.ask_date_order = lambda message: asked.append(message)  # Cancel: None
    with qtbot.waitSignal(room.import_worker.import_needs_date_order, timeout=20000):
        room.import_actions.import_file(src)
    assert len(asked) == 1 and "dmy.csv" in asked[0], asked
    assert not errors and _probe_days(room) == []
    room.import_actions.ask_date_order = lambda message: "dmy"
    with qtbot.waitSignal(room.import_worker.campaign_finished, timeout=20000):
        room.import_actions.import_file(src)
    qtbot.waitUntil(lambda: not room.import_worker.busy, timeout=20000)
    assert not errors, errors
    assert _probe_days(room) == [("2024-04-03", "2024-04-05")]


def test_a_pasted_two_round_table_asks_its_date_order_and_then_whether_to_replace(race, qtbot, tmp_path) -> None:
    """Pasted: asked the order too; a corrected paste read in that order then asks whether to replace, and
    Replace stores its figures read in the order given."""
    from warroom.store.questions import load_campaign

    room = race
    room.window.show_error = lambda message: pytest.fail(message)
    room.import_actions.ask_date_order = lambda message: "dmy"
    with qtbot.waitSignal(room.import_worker.campaign_finished, timeout=20000):
        room.import_actions.import_text(_dmy_csv().replace(",", "\t"))
    qtbot.waitUntil(lambda: not room.import_worker.busy, timeout=20000)
    assert _probe_days(room) == [("2024-04-03", "2024-04-05")]
    asked: list[str] = []
    room.import_actions.ask_replace = lambda message: asked.append(message) or True
    with qtbot.waitSignal(room.import_worker.campaign_finished, timeout=20000):
        room.import_actions.import_text(_dmy_csv(ann=46).replace(",", "\t"))
    qtbot.waitUntil(lambda: not room.import_worker.busy, timeout=20000)
    assert len(asked) == 1
    assert _probe_days(room) == [("2024-04-03", "2024-04-05")]
    with room.store.sessions() as s:
        campaign = load_campaign(s, room.poll_service.contest.id)
    assert next(n for n in campaign.notices if n.institute == "Probe").hypotheses[0].shares["Ann Red"] == 46
