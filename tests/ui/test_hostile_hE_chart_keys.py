"""Fresh hostile pass hE: a candidate coded like a chart of the window ("lead1") keeps his first-round label, and
the lead chart its own: the two shared one key, so his label was dropped from the first-round chart and the lead's
"+3.2" was placed among the candidates' labels (at 12.4 on a lead chart whose line ends at 3.2)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TOY
from tests.ui.conftest import room_of, toy_polls


def _recode(figures: dict[str, float]) -> dict[str, float]:
    return {("lead1" if k == "bob" else k): v for k, v in figures.items()}


def test_a_candidate_coded_lead1_keeps_his_label_and_the_lead_chart_its_own(qtbot, tmp_path: Path) -> None:
    contest = replace(TOY, candidates=tuple(replace(c, code="lead1") if c.code == "bob" else c for c in TOY.candidates))
    polls = [
        replace(p, first_round=_recode(p.first_round), second_round=_recode(p.second_round), transfers=())
        for p in toy_polls()
    ]
    for room in room_of(qtbot, tmp_path, contest, polls):
        charts = room.window.charts
        averages = room.averages.averages
        qtbot.waitUntil(lambda c=charts: c.end_label_text("cat") != "", timeout=20000)
        bob = float(averages.first_round["lead1"].mean[-1])
        assert charts.end_label_text("lead1") == f"Blue {bob:.1f}"
        _x, lead_y = charts.curve_data("lead1")  # (the lead chart's line: 'lead1' names it there)
        lead_label = charts.end_label("__lead1")
        assert lead_label is not None and lead_label.isVisible()
        assert lead_label.pos().y() == pytest.approx(float(lead_y[-1]))
        assert lead_label.toPlainText() == f"{lead_y[-1]:+.1f}"
