"""core.two_round_view: the runoff panel's first round, defaults, break-evens in words and chart inputs."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from warroom.core.averaging import AverageSeries
from warroom.core.france import (
    ABSTAINERS,
    BLANK_NULL,
    FRANCE_2022_TURNOUT,
    Hypothesis,
    Matchup,
    PollNotice,
    RoundResult,
)
from warroom.core.two_round import FirstRound, RunoffSplit, TwoRoundScenario, project
from warroom.core.two_round_pipeline import candidate_averages
from warroom.core.two_round_view import (
    NOTICE_NOTE,
    NoticeRows,
    campaign_chart,
    default_scenario,
    evaluate,
    first_round_from,
    matchup_points,
    neutral_splits,
    question_text,
    value_extent,
)

FIRST = FirstRound({"A": 300.0, "B": 250.0, "C": 150.0}, registered=1000.0, blank_null=20.0)
SPLITS = {
    "A": RunoffSplit(95, 2, 1, 2),
    "B": RunoffSplit(3, 94, 1, 2),
    "C": RunoffSplit(40, 20, 15, 25),
    BLANK_NULL: RunoffSplit(10, 10, 50, 30),
    ABSTAINERS: RunoffSplit(10, 15, 5, 70),
}


def test_question_text_names_each_reachable_break_even_and_sums_up_the_rest() -> None:
    view = evaluate(FIRST, TwoRoundScenario("A", "B", SPLITS), electorate="C")
    lines = question_text(view)
    to_b = view.break_evens["b"]
    abstain = view.break_evens["abstain"]
    assert to_b is not None and to_b.reachable and abstain is not None and not abstain.reachable
    assert f"B wins if over {to_b.share:.1f} % of C's voters vote B (now 20.0 %)" in lines
    assert lines[-1].startswith("However many of them") and "abstain" in lines[-1]
    assert view.projection == project(FIRST, TwoRoundScenario("A", "B", SPLITS))


def test_first_round_official_else_poll_average_with_the_contests_turnout() -> None:
    one = RoundResult(1, date(2022, 4, 10), {"A": 600, "B": 300}, registered=1200, voters=920, blank_null=20)
    first, said = first_round_from({1: one}, {"A": 10.0, "B": 90.0}, None)
    assert first.votes == {"A": 600, "B": 300} and first.registered == 1200 and said.startswith("Official")
    first, said = first_round_from({}, {"A": 60.0, "B": 40.0}, FRANCE_2022_TURNOUT)
    assert first.registered == FRANCE_2022_TURNOUT.registered
    assert first.turnout == pytest.approx(FRANCE_2022_TURNOUT.turnout)
    assert first.shares() == pytest.approx({"A": 60.0, "B": 40.0}) and "poll average" in said
    with pytest.raises(ValueError, match="no first round"):
        first_round_from({}, {"A": 100.0}, FRANCE_2022_TURNOUT)


def test_a_pair_without_a_matrix_starts_neutral() -> None:
    splits = neutral_splits(FIRST, "A", "C")
    assert splits["A"].to_a == 100 and splits["C"].to_b == 100 and splits["B"].parts == (50, 50, 0, 0)
    assert splits[ABSTAINERS].abstain == 100 and splits[BLANK_NULL].blank_null == 100
    defaults = default_scenario(FIRST, (), "A", "C")
    assert defaults.matrices == 0 and set(defaults.sources.values()) == {"no matrix"}
    assert project(FIRST, defaults.scenario).turnout == pytest.approx(FIRST.turnout)  # nobody changes behaviour


def _notice_of(
    pid: str, institute: str, day: int, days: int, hyps: tuple[Hypothesis, ...], runs: tuple[Matchup, ...]
) -> PollNotice:
    """A notice of 1,000 interviews from 2022-03-`day` for `days` days."""
    return PollNotice(pid, institute, "", date(2022, 3, day), date(2022, 3, day + days), 1000, "", None, hyps, runs)


def _notice(day: int, institute: str, a: float, b: float, hyps: list[dict[str, float]]) -> PollNotice:
    labelled = tuple(Hypothesis(f"H{i}" if len(hyps) > 1 else "", h, 1) for i, h in enumerate(hyps))
    return _notice_of(f"p{day}{institute}", institute, day, 1, labelled, (Matchup("", "Ann A", "Bob B", a, b, 1),))


def test_chart_points_and_first_round_lead() -> None:
    notices = [
        _notice(1, "X", 55, 45, [{"Ann A": 30.0, "Bob B": 25.0, "Cy C": 45.0}]),
        _notice(3, "Y", 52, 48, [{"Ann A": 31.0, "Bob B": 24.0, "Cy C": 45.0}, {"Ann A": 33.0, "Bob B": 27.0}]),
        _notice(5, "X", 53, 47, [{"Ann A": 29.0, "Bob B": 26.0, "Cy C": 45.0}]),
    ]
    days, leads, pollsters = matchup_points(notices, "Bob B", "Ann A")
    assert leads == pytest.approx([-10.0, -4.0, -6.0]) and pollsters == ["X", "Y", "X"]
    assert days[0] == date(2022, 3, 1).toordinal() + 0.5
    averages = candidate_averages(notices)
    chart = campaign_chart(notices, averages, {"ann a": "ann", "bob b": "bob", "cy c": "cy"}, "Ann A", "Bob B")
    assert set(chart.first) == {"ann", "bob", "cy"} and (chart.a, chart.b) == ("ann", "bob")
    assert chart.lead_points[1] == pytest.approx((5.0, (7.0 + 6.0) / 2, 3.0))  # a poll's lists averaged
    assert len(chart.points["ann"][1]) == 4  # every question's share
    a, b = averages.series["Ann A"], averages.series["Bob B"]
    assert chart.lead.mean == pytest.approx(a.mean - b.mean)
    assert chart.latest == date(2022, 3, 6).toordinal()


def test_notice_rows_show_the_chosen_list_and_pair_and_list_every_question() -> None:
    two = _notice(3, "Y", 52, 48, [{"Ann A": 31.0, "Bob B": 24.0, "Cy C": 45.0}, {"Ann A": 33.0, "Bob B": 27.0}])
    two = PollNotice(
        two.id, two.institute, "Le Journal", two.fieldwork_start, two.fieldwork_end, None, "Inscrits", None,
        two.hypotheses, (*two.matchups, Matchup("H2", "Ann A", "Cy C", 60.0, 40.0, 2)), "Compiled by Z (MIT)",
    )  # fmt: skip
    notices = [_notice(1, "X", 55, 45, [{"Ann A": 30.0, "Bob B": 25.0, "Dee D": 45.0}]), two]
    table = NoticeRows(notices, {"ann a": "ann", "bob b": "bob", "cy c": "cy"})
    assert table.questions == 2 + 4
    rows = table.rows(None, ("Bob B", "Ann A"))
    assert len(rows) == 2 and all(r.id is None for r in rows)  # not stored polls: read-only in the table
    assert rows[0].first_round == {"ann": 30.0, "bob": 25.0}  # Dee D is no candidate of the contest
    assert rows[0].second_round == {"ann": 55.0, "bob": 45.0}
    assert rows[1].first_round == {"ann": 31.0, "bob": 24.0, "cy": 45.0}  # pooled: the notice's first list
    assert (rows[1].pollster, rows[1].client, rows[1].sample_size) == ("Y", "Le Journal", None)
    assert rows[1].fieldwork_end == date(2022, 3, 4) and rows[1].source_url == "Compiled by Z (MIT)"
    assert rows[1].method == "2 first-round list(s), 2 runoff matchup(s); population: Inscrits"
    notes = rows[1].notes.splitlines()
    assert notes == [
        "First round, H0: Ann A 31, Bob B 24, Cy C 45",
        "First round, H1: Ann A 33, Bob B 27",
        "Runoff: Ann A 52, Bob B 48",
        "Runoff (H2): Ann A 60, Cy C 40",
        NOTICE_NOTE,
    ]
    assert "Dee D 45" in rows[0].notes  # the notes keep every name
    # another list and another pair: a notice that did not ask them shows no share
    rows = table.rows("H1", ("Cy C", "Ann A"))
    assert rows[0].first_round == {} and rows[0].second_round == {}
    assert rows[1].first_round == {"ann": 33.0, "bob": 27.0} and rows[1].second_round == {"ann": 60.0, "cy": 40.0}
    assert table.rows("H1", ("Ann A", "Cy C")) is rows  # each choice's rows are kept: switching back is free
    assert table.table("H1", ("Cy C", "Ann A")).pair == ("cy", "ann")
    assert table.table(None, ("Cy C", "Dee D")).pair is None  # the contest does not know Dee D


def test_the_answer_in_words_follows_the_projection() -> None:
    """The sentences the panel and meeting mode share: shares, verdict with the favourite's chance (core.forecast's
    bands and floor), the chance line and the turnout with what its lever adds."""
    from warroom.core.forecast import chance_text, verdict_sentence

    view = evaluate(FIRST, TwoRoundScenario("A", "B", SPLITS))
    p = view.projection
    assert view.shares_text() == f"A {p.a_share:.1f} % – B {100 - p.a_share:.1f} %"
    assert view.shares_text(str.lower).startswith("a ")
    assert view.verdict_text() == verdict_sentence(1 - p.win_probability_a, "A", "B")
    who, chance = view.favourite()
    assert who == ("A" if p.margin > 0 else "B") and chance >= 0.5
    assert view.chance_line() == f"Chance {who} wins the runoff: {chance_text(chance)}"
    assert f"Margin {p.margin:+.1f} points of valid votes" in view.margin_text()
    assert view.turnout_text().endswith(", as the splits give it") and view.unlevered_turnout is None
    up = evaluate(FIRST, TwoRoundScenario("A", "B", SPLITS, turnout=0.5))
    gain = up.projection.turnout - p.turnout
    assert gain > 0 and up.unlevered_turnout == pytest.approx(p.turnout)
    assert f"{gain:+.1f} points from the turnout lever, {p.turnout:.1f} % without it" in up.turnout_text()
    assert f"(first round {FIRST.turnout:.1f} %)" in up.turnout_text()


def _series(start: float, mean: list[float], half: float) -> AverageSeries:
    m = np.asarray(mean, dtype=float)
    return AverageSeries(np.arange(start, start + len(m)), m, m - half, m + half, {})


def test_value_extent_is_the_union_of_every_band_day_by_day_and_of_every_point() -> None:
    """Two choices' bands on overlapping days and their points: the extent holds, each day, the lowest and highest
    band edge of either; `within` a window gives the bands on its days and one day either side, and the points
    inside it only; a missing value (NaN) and an empty series count for nothing."""
    one = _series(100.0, [10, 12, 14, 16], 1.0)  # days 100-103
    two = _series(102.0, [20, 5, float("nan")], 2.0)  # days 102-104
    points = [((100.5, 103.5), (30.0, -9.0), ("x", "y")), ((110.0,), (99.0,), ("z",))]
    extent = value_extent([one, two, AverageSeries.nothing()], points)
    assert extent.days.tolist() == [100.0, 101.0, 102.0, 103.0]  # (day 104: NaN only)
    assert extent.low.tolist() == [9.0, 11.0, 13.0, 3.0]  # day 103: the second choice's 5 - 2
    assert extent.high.tolist() == [11.0, 13.0, 22.0, 17.0]  # day 102: 20 + 2
    assert extent.span == (100.0, 110.0)
    assert extent.within(101.0, 101.0) == (9.0, 22.0)  # day 101 and the days either side (100, 102)
    assert extent.within(100.0, 101.0) == (9.0, 30.0)  # the point at 100.5
    assert extent.within(103.2, 104.0) == (-9.0, 17.0)  # the point at 103.5; day 103, the day before the window
    assert extent.within(200.0, 300.0) is None
    assert value_extent([], []).span is None


def test_campaign_extents_span_every_list_and_every_pair() -> None:
    """The charts' extents over a campaign: the first-round chart holds every list's averages and every question's
    share; the first-round lead chart every pair's lead through every list; the runoff-lead chart every pair's
    head-to-heads and their average. A choice's own figures always lie within."""
    from warroom.core.two_round_pipeline import first_round_model, matchup_average, matchups_asked
    from warroom.core.two_round_view import MatchupLead, campaign_extents, first_round_lead, lead_points

    notices = [
        _notice_of(
            f"p{d}",
            "Ifop" if d % 2 else "BVA",
            d,
            2,
            (
                Hypothesis("one", {"Ann A": 30.0 + d / 10, "Bob B": 25.0, "Cy C": 20.0}, 1),
                Hypothesis("two", {"Ann A": 28.0, "Bob B": 27.0 - d / 10, "Cy C": 22.0}, 1),
            ),
            (
                Matchup("", "Ann A", "Bob B", 55.0 + d / 10, 45.0 - d / 10, 1),
                Matchup("", "Ann A", "Cy C", 60.0, 40.0, 1),
            ),
        )
        for d in range(1, 20, 3)
    ]
    codes = {"ann a": "ann", "bob b": "bob", "cy c": "cy"}
    model = first_round_model(notices)
    lists = [model.view(None), model.view("one"), model.view("two")]
    runoffs = []
    for a, b, _n in matchups_asked(notices):
        average = matchup_average(notices, a, b)
        days, leads, who = matchup_points(notices, a, b)
        runoffs.append(MatchupLead(average, tuple(days), tuple(leads), tuple(who)))
    extents = campaign_extents(notices, codes, lists, runoffs)
    first, lead1, lead2 = extents["first"], extents["lead1"], extents["lead2"]
    assert len(first.point_days) == 3 * 2 * len(notices)  # every question's share of every candidate
    for averages in lists:
        for series in averages.series.values():
            low, high = first.within(float(series.days[0]), float(series.days[-1]))
            assert low <= float(np.nanmin(series.lower)) and float(np.nanmax(series.upper)) <= high
        for a, b in (("Ann A", "Bob B"), ("Ann A", "Cy C")):
            lead = first_round_lead(averages, a, b)
            low, high = lead1.within(float(lead.days[0]), float(lead.days[-1]))
            assert low <= float(np.nanmin(lead.lower)) and float(np.nanmax(lead.upper)) <= high
    assert len(lead1.point_days) == sum(
        len(lead_points(notices, a, b)[0]) for a, b in (("Ann A", "Bob B"), ("Ann A", "Cy C"))
    )
    for runoff in runoffs:
        low, high = lead2.within(*lead2.span)  # type: ignore[misc]
        assert low <= min(runoff.leads) and max(runoff.leads) <= high
        assert low <= float(np.nanmin(runoff.average.lead.lower))


def test_a_campaigns_notices_are_keyed_once_for_all_its_pairs(monkeypatch) -> None:
    """A switch to France 2022 and its idle preparation made 90 charts, each keying the 409 notices' questions
    again (50,000 dicts of name keys, 0.35 s of the window's thread): a tuple of notices is keyed once, and the
    lead points of every pair are as before; a list (which may change in place) is keyed at each call."""
    from warroom.core import two_round_view as view
    from warroom.demo import france_2022_compilation

    comp = france_2022_compilation()
    notices = tuple(comp.notices)
    calls: list[int] = []
    key = view._key_notices
    monkeypatch.setattr(view, "_key_notices", lambda ns: (calls.append(len(ns)), key(ns))[1])
    monkeypatch.setattr(view, "_last_keyed", None)
    pairs = [("Emmanuel Macron", "Marine Le Pen"), ("Emmanuel Macron", "Jean-Luc Mélenchon")]
    got = [view.lead_points(notices, a, b) for a, b in pairs * 2]
    assert len(calls) == 1
    assert got == [view._lead_points(key(notices), a, b) for a, b in pairs * 2]
    assert got[0][0] and got[1][0]  # (points for both pairs)
    as_list = list(notices)
    view.lead_points(as_list, *pairs[0])
    view.lead_points(as_list, *pairs[0])
    assert len(calls) == 3
