"""Extreme contests on screen (issue 16, a fresh hostile pass): names of a few dozen letters, a race whose election
is months after its latest poll, names drawn as their glyphs' names; at a laptop's size and on a projector."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui

NAMES = ("Alexandra Montgomery-Smythe", "Benedict Featherstonehaugh", "Cordelia Van der Berg-Okonkwo")
"""27-29 letters: under the 28 letters a name inside a title is elided at, too long for the room a chart keeps."""


def _room_months_before_the_vote(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.conftest import renamed_toy
    from tests.ui.conftest import room_of

    contest = replace(renamed_toy(candidates=NAMES, short_names=NAMES), election_date=date(2024, 9, 5))
    return room_of(qtbot, tmp_path, contest)


def _labels_inside_the_chart(charts) -> list[str]:  # type: ignore[no-untyped-def]
    """The first-round chart's end labels that run past its right edge, and any elided one without its whole
    name in the tooltip."""
    view = charts.plots["first"].getViewBox().sceneBoundingRect()
    problems = []
    for code, name in zip(("ann", "bob", "cat"), NAMES, strict=True):
        label = charts.end_label(code)
        if label is None or not label.isVisible():
            continue
        text = charts.end_label_text(code)
        shown = label.mapRectToScene(label.boundingRect())
        if shown.right() > view.right() + 1:
            problems.append(f"{text!r} ends at {shown.right():.0f}, the chart at {view.right():.0f}")
        if "…" in text and name not in label.toolTip():
            problems.append(f"{text!r} elided without {name!r} in its tooltip ({label.toolTip()!r})")
        if text.split()[-1] not in label.toolTip() and "…" in text:
            problems.append(f"{text!r}: its figure is not in the tooltip")
    return problems


def test_end_labels_are_fitted_to_the_room_right_of_the_lines_on_a_laptop_and_a_projector(
    qtbot, tmp_path: Path
) -> None:
    """A race whose election is months after its latest poll ends its charts at that poll, a share of the window
    kept right of it for the end labels: at 1366x768 "Alexandra Montgomery-Smythe 44.1" ran past the chart's edge,
    cut to "Alexandra Montgom" (no figure), and on a projector too. Each label is now elided in its middle to the
    room it has, its figure whole, the whole name and figure in its tooltip; labels that fit are left whole."""
    for room in _room_months_before_the_vote(qtbot, tmp_path):  # (closed with its store after)
        _look_at(room, qtbot)


def _look_at(room, qtbot) -> None:  # type: ignore[no-untyped-def]
    win = room.window
    charts = win.charts
    assert charts.visible_days()[1] < date(2024, 9, 5).toordinal()  # the window ends at the latest poll
    win.resize(1366, 768)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: charts.end_label_text("ann") != "")
    qtbot.wait(50)
    assert _labels_inside_the_chart(charts) == []
    elided = [charts.end_label_text(c) for c in ("ann", "bob", "cat") if "…" in charts.end_label_text(c)]
    assert elided, [charts.end_label_text(c) for c in ("ann", "bob", "cat")]
    for text in elided:  # the figure stays whole after the elided name
        figure = text.split()[-1]
        assert figure.replace(".", "").isdigit(), text
    win.resize(1920, 1080)  # more room: more of each name
    QApplication.processEvents()
    qtbot.wait(50)
    assert _labels_inside_the_chart(charts) == []
    win.set_presentation_views(["charts"])
    win.enter_presentation()
    try:
        win.setWindowState(Qt.WindowState.WindowNoState)
        win.resize(1920, 1080)
        QApplication.processEvents()
        qtbot.wait(50)
        assert _labels_inside_the_chart(charts) == []  # (the projector's larger type)
    finally:
        win.leave_presentation()


def test_a_rich_output_label_keeps_to_its_lines_when_no_word_is_too_wide(qtbot) -> None:
    """The scenario panel's chance line is two lines high; in a race of a dozen candidates its list of who reaches
    the runoff took a third, drawn cut through the middle (meeting mode) or clipped at its foot (1366x768): a label
    was only refitted when a word was too wide for it. Text of ordinary words past its lines now ends in "…" within
    them, the whole text in its tooltip; text within its lines is shown as given, bold figures and all."""
    from warroom.ui.qt_utils import RichDataLabel

    label = RichDataLabel()
    qtbot.addWidget(label)
    label.resize(420, 10)
    label.show()
    runners = ", ".join(f"Candidate {name} {n} %" for n, name in enumerate(("Ann", "Bob", "Cat", "Dan", "Eve") * 3))
    label.set_rich(
        lambda h: (
            f"Chance {h('Bob Blue')} wins: <b>2 %</b> (assumes a polling error); reaching the runoff: " + h(runners)
        )
    )
    label.setFixedHeight(label.fontMetrics().lineSpacing() * 2 + label.fontMetrics().descent() + 8)
    label.fit(2)
    assert label.heightForWidth(label.width()) <= label.height(), label.text()
    assert label.text().endswith("…"), label.text()
    assert runners in label.toolTip() and "Candidate Eve 14 %" in label.accessibleDescription()
    label.set_rich(lambda h: f"Chance {h('Bob Blue')} wins: <b>2 %</b>")  # within its lines: as given
    assert label.text() == "Chance Bob Blue wins: <b>2 %</b>" and label.toolTip() == ""


def test_a_briefing_never_breaks_a_line_between_a_figure_and_its_per_cent_sign(qapp, tmp_path: Path) -> None:
    """A 30-candidate race's briefing wrapped its poll average as "... Isadora Nakamura I 1.4" and "%, Horatio ...":
    the per cent sign at the start of the next line, away from its figure. Read back with pdftotext, whatever
    length the names before it take, no line starts with "%" and every share is printed whole."""
    import shutil
    import subprocess

    from warroom.ui.export import Briefing, write_briefing_pdf

    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the briefing back")
    shares = [f"Candidate{'x' * (i % 7)} {chr(65 + i % 26)} {1 + (i * 37 % 90) / 10:.1f} %" for i in range(30)]
    lines = ["z" * pad + " " + ", ".join(shares) for pad in range(0, 24, 2)]  # the breaks fall at every place
    out = tmp_path / "briefing.pdf"
    write_briefing_pdf(Briefing("Thirty", "Prepared today", lines, []), out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    starts = [line for line in text.splitlines() if line.strip().startswith("%")]
    assert starts == [], starts
    flat = " ".join(text.replace("\u00a0", " ").split())
    for share in shares:
        assert share in flat, share


SYMBOLS = "\U0001f984\U0001f418\U0001f41d"
"""Three symbols no font on the test machines has (as three Chinese characters on a machine with no CJK font): each
drawn as its name in brackets, "[unicorn face][elephant][honeybee]", 34 letters from a name of three."""


def test_a_short_name_drawn_as_its_symbols_names_is_elided_as_drawn(qtbot, tmp_path: Path) -> None:
    """A name is elided to NAME_IN_TITLE characters where no label can refit it (a poll table column's header, a
    group box's title), but it was measured before its symbols were named: three Chinese characters (no CJK font)
    were kept whole and then drawn as "[cjk unified ideograph-738b][cjk unified ideograph-5c0f][cjk unified
    ideograph-660e]", a column header of 84 letters cut at both ends and the message box's title past the panel.
    The name as drawn is what is elided now, the whole of it in the header's tooltip."""
    from PySide6.QtWidgets import QTableView

    from tests.conftest import renamed_toy
    from tests.ui.conftest import room_of
    from warroom.ui.glyphs import drawable
    from warroom.ui.qt_utils import NAME_IN_TITLE

    drawn = drawable(SYMBOLS)
    if drawn == SYMBOLS:
        pytest.fail("an emoji font is installed: these symbols are drawn, not named; pick symbols no font has")
    contest = renamed_toy(candidates=(f"Ann {SYMBOLS}", "Bob Blue", "Cat Green"), short_names=(SYMBOLS, None, None))
    for room in room_of(qtbot, tmp_path, contest):
        win = room.window
        win.resize(1366, 768)
        QApplication.processEvents()
        table = next(t for t in win.findChildren(QTableView) if t.isVisible() and t.model() is not None)
        model = table.model()
        heads = {
            column: str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
            for column in range(model.columnCount())
        }
        column = next(c for c, head in heads.items() if "[unicorn" in head and not head.startswith("Runoff"))
        head = heads[column].strip("\u2066\u2067\u2068\u2069")
        assert len(head) <= NAME_IN_TITLE and "…" in head, head
        assert table.horizontalHeader().sectionSizeHint(column) < 300, (
            head,
            table.horizontalHeader().sectionSizeHint(column),
        )
        tip = str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole))
        assert SYMBOLS in tip or drawn in tip, tip
        box = room.scenario_panel.message_box
        assert box.fontMetrics().horizontalAdvance(box.title()) < box.width(), box.title()


def test_the_contest_dialog_gives_a_long_field_the_contest_files_distinct_colours(qtbot) -> None:
    """The contest dialog had its own palette of eight (one of them #F0E442, a yellow line faint on the white
    page), so a 30-candidate race typed in had four candidates in each colour, where a contest file gives the
    first sixteen candidates sixteen colours (core.colour.PALETTE). One palette now: the dialog's new candidates
    take the contest file's colours in the same order."""
    from PySide6.QtCore import QDate

    from warroom.core.colour import PALETTE
    from warroom.ui.contest_dialog import ContestDialog

    dialog = ContestDialog(taken_names=[])
    qtbot.addWidget(dialog)
    dialog.name.setText("Thirty 2027")
    dialog.election.setDate(QDate(2027, 5, 6))
    dialog.candidates.item(0, 0).setText("Ann Smith")
    dialog.candidates.item(1, 0).setText("Bob Jones")
    for i in range(28):
        dialog.add_candidate(f"Candidate {chr(65 + i % 26)}{i}", "")
    colours = [c.colour.upper() for c in dialog.contest().candidates]
    assert colours[: len(PALETTE)] == [c.upper() for c in PALETTE], colours
    assert len(set(colours[: len(PALETTE)])) == len(PALETTE)


def test_a_two_candidate_race_says_why_it_has_no_transfers_and_no_heatmap(qtbot, tmp_path: Path) -> None:
    """With two candidates nobody is eliminated before the runoff: the scenario panel showed an empty "Second
    preferences of eliminated candidates" frame, and in the heatmap's place "No heatmap: no case to chart until
    the race has a poll" beside 30 polls and their verdict. Both now say that no second preferences move: the
    race's two candidates both reach the runoff."""
    from dataclasses import replace as replaced

    from PySide6.QtWidgets import QLabel

    from tests.conftest import TOY
    from tests.ui.conftest import room_of, toy_polls
    from warroom.ui.scenario_panel import HEATMAP_EMPTY

    contest = replaced(TOY, name="Two only", candidates=TOY.candidates[:2])
    polls = [
        replaced(
            p,
            first_round={"ann": p.first_round["ann"], "bob": 100 - p.first_round["ann"]},
            second_round={},
            transfers=(),
        )
        for p in toy_polls()
    ]
    for room in room_of(qtbot, tmp_path, contest, polls):
        panel = room.scenario_panel
        assert len(room.poll_service.polls) == 30 and panel.verdict.text()
        empty = panel.heatmap.findChild(QLabel, "heatmap_empty")
        assert not empty.isHidden() and empty.text() != HEATMAP_EMPTY, empty.text()  # (shown with the heatmap)
        assert "two candidates" in empty.text(), empty.text()
        said = [w.text() for w in panel.transfers_box.findChildren(QLabel) if w.isVisibleTo(panel)]
        assert any("two candidates" in text for text in said), said


def _differing_pixels(a, b) -> int:  # type: ignore[no-untyped-def]
    """Pixels that differ by more than antialiasing between two grabs of the same size."""
    import numpy as np

    def array(pixmap):  # type: ignore[no-untyped-def]
        from PySide6.QtGui import QImage

        image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)
        bits = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
        return bits.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4].astype(int)

    left, right = array(a), array(b)
    assert left.shape == right.shape
    return int((np.abs(left - right).reshape(left.shape[0], -1, 4).max(axis=2) > 96).sum())


@pytest.mark.parametrize("size", [(1600, 1000), (1366, 768), (1920, 1080)])
def test_the_charts_on_screen_are_the_charts_drawn_afresh(qtbot, tmp_path: Path, size) -> None:
    """The charts keep pixmaps of their points and lines between repaints; a value axis that moved after they
    were drawn (the average landing, a new window size) left the poll markers where they had been: a race whose
    lead chart rescaled showed its Gamma polls four points low, cut in half, one of Beta's not at all, while an
    export (drawn afresh) showed them right. What the window shows is now what a fresh drawing shows."""
    from warroom.ui.export import uncached

    for room in _room_months_before_the_vote(qtbot, tmp_path):
        win = room.window
        for w, h in [(1600, 1000), (1366, 768), (1920, 1080)]:
            win.resize(w, h)
            QApplication.processEvents()
            qtbot.wait(60)
            if (w, h) == size:
                break
        view = win.charts._layout_widget
        on_screen = view.grab()
        with uncached(view):
            afresh = view.grab()
        assert _differing_pixels(on_screen, afresh) < 50, _differing_pixels(on_screen, afresh)


def test_the_instant_runoff_rounds_elide_a_name_wider_than_their_column_of_names(qtbot, tmp_path: Path) -> None:
    """The instant-runoff panel's rounds table keeps its column of names at most 160 px wide; a longer name was
    cut mid-letter ("Alexandra Montgomery-Sr", "Horatio Montgomery-Smyt" in a 30-candidate race at 1366x768)
    with no sign that anything was missing. A name wider than the column is now elided in its middle, the whole
    name in the row's tooltip."""
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QFont, QFontMetrics

    from tests.irv_fixture import IRV_CONTEST, irv_polls
    from tests.ui.conftest import running_room
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.settings import AppSettings
    from warroom.store import contests
    from warroom.store import polls as repo

    long = "Alexandra Montgomery-Smythe-Fotheringham"
    contest = replace(
        IRV_CONTEST,
        candidates=tuple(replace(c, short_name=long) if c.code == "lnp" else c for c in IRV_CONTEST.candidates),
    )
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, contests.create_contest(s, contest), irv_polls())
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    settings.contest = contest.name
    for room in running_room(qtbot, store, settings, ready="irv"):
        room.window.resize(1366, 768)
        QApplication.processEvents()
        panel = room.irv_panel
        table, model = panel.rounds, panel.rounds_model
        header = table.verticalHeader()
        bold = QFont(table.font())
        bold.setBold(True)
        cut = []
        for row in range(model.rowCount()):
            name = str(model.headerData(row, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole))
            if QFontMetrics(bold).horizontalAdvance(name) + 8 <= header.width():
                continue
            tip = str(model.headerData(row, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole))
            if header.textElideMode() == Qt.TextElideMode.ElideNone or name not in tip:
                cut.append(name)
        assert any(long == str(model.headerData(r, Qt.Orientation.Vertical)) for r in range(model.rowCount()))
        assert cut == [], (cut, header.width())
