"""Issue 16, thirteenth hostile pass over back-tests, forecasts and official results: the core's rules
(tests/cli/test_hostile_thirteenth_results_cli.py has the command line's). Each test failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.conftest import TOY, make_poll
from warroom.core.baseline import as_of_problem, last_average_day
from warroom.core.forecast import ForecastErrors, chance_text, field_verdict
from warroom.core.pipeline import (
    BaselineChoice,
    OddsModel,
    PipelineError,
    compute_averages,
    evaluate,
    make_baseline,
)
from warroom.core.resultfile import ResultFileError, parse_result_csv
from warroom.core.runoff import Split
from warroom.core.scenario import Baseline, Scenario
from warroom.core.types import Candidate, Contest, CountingSystem, Rules
from warroom.core.validation import result_problems
from warroom.resources import resource_path

ERRORS = ForecastErrors.load(resource_path("data", "forecast_errors.json"))


def test_the_verdict_gives_the_favourites_own_chance_when_a_third_candidate_can_win() -> None:
    """Four candidates level at 25 %: the verdict said "Likely Able (76 % chance)", one minus Baker's 24 %,
    though Cole and Dee reach the final (and win) in as many draws as Able; now the favourite's own simulated
    chance, as `warroom forecast` and the chance table print it."""
    base = Baseline({"A": 25.0, "B": 25.0, "C": 25.0, "D": 25.0}, {}, {}, "A", "B", as_of=date(2025, 4, 21))
    scenario = Scenario({"C": Split(27, 27, 46), "D": Split(27, 27, 46)})
    view = evaluate(base, scenario, heatmap=False, odds=OddsModel(ERRORS, date(2025, 5, 1)))
    odds = view.odds
    assert odds is not None
    favourite = max(odds.p_win, key=lambda c: odds.p_win[c])
    assert odds.p_win[favourite] < 0.5 and sum(v for k, v in odds.p_win.items() if k not in "AB") > 0.3
    # Four level candidates: the two likeliest are level within 2,000 draws' error, so no favourite is named
    # (core.forecast.level_within_error); without that test, the favourite's own chance.
    assert view.projection.verdict.endswith("level within the simulation's error)")
    assert "Likely" not in view.projection.verdict
    words = field_verdict(odds.p_win, str)[1]
    assert words == f"Toss-up ({favourite} {chance_text(odds.p_win[favourite])})"


def test_the_verdict_of_a_two_way_race_is_unchanged() -> None:
    """Where only the pair ever wins, the words and the chance are the two-way ones (P(A) = 1 - P(B))."""
    base = Baseline({"A": 46.0, "B": 40.0, "C": 14.0}, {}, {}, "A", "B", as_of=date(2025, 4, 21))
    view = evaluate(base, Scenario({"C": Split(30, 30, 40)}), heatmap=False, odds=OddsModel(ERRORS, date(2025, 5, 1)))
    assert view.odds is not None and view.odds.p_win.get("C", 0.0) == 0.0
    p_b = view.projection.win_probability_b
    assert view.projection.verdict.endswith(f"A ({chance_text(1 - p_b)} chance)")


def _trio(majority: float | None) -> Contest:
    rules = None if majority is None else replace(Rules.default_for(CountingSystem.SV), majority=majority)
    return Contest(
        "Trio Mayor 2025",
        date(2025, 5, 1),
        CountingSystem.SV,
        (Candidate("ann", "Ann Able"), Candidate("bob", "Bob Baker"), Candidate("cat", "Cat Cole")),
        rules=rules,
    )


# Ann has 45 % of the valid vote; 5,000 of Cole's voters transfer.
ANN_45 = "candidate,first_round,final_round\nann,45000,48000\nbob,35000,37000\ncat,20000,\nexhausted,15000,\n"


def test_a_result_is_held_to_the_contests_own_majority() -> None:
    """A contest file's `majority = 40` (elected outright past 40 % of valid votes): a result giving Ann 45 % in
    the first round and then a final round with transfers was stored by every path (result CSV, File > Official
    result, contest file, bundle); the check knew no majority at all. It is now refused naming the candidate and
    the rule; under the usual 50 % (and a majority of 60 %) the same result stands."""
    with pytest.raises(ResultFileError) as caught:
        parse_result_csv(ANN_45, _trio(40.0))
    (problem,) = caught.value.problems
    assert problem.column == "final_round"
    assert "'ann' had 45,000 of 100,000 valid votes in the first round (45.00 %)" in problem.message
    assert "over Trio Mayor 2025's majority of 40 %: elected in the first round" in problem.message
    result = parse_result_csv(ANN_45, _trio(None))
    assert result_problems(_trio(40.0), result) and not result_problems(_trio(None), result)
    assert not result_problems(_trio(60.0), result)
    # The first round's figures repeated as the final round (nothing transferred) claim no second count.
    repeated = replace(result, final_round={"ann": 45000, "bob": 35000})
    assert not result_problems(_trio(40.0), repeated)
    # A majority of registered voters goes by the result's electorate (none given: not decided).
    registered = replace(
        _trio(None), rules=replace(Rules.default_for(CountingSystem.SV), majority=40.0, majority_base="registered")
    )
    assert not result_problems(registered, result)
    assert not result_problems(registered, replace(result, electorate=200_000))
    (key, message), *_ = result_problems(registered, replace(result, electorate=100_000)) or [("", "")]
    assert key == "final_round" and "45,000 of 100,000 registered votes" in message
    # A first-round majority of the usual 50 % with a final round of transfers: refused too.
    assert result_problems(_trio(None), replace(result, first_round={"ann": 55000, "bob": 35000, "cat": 10000}))


def test_an_average_is_never_taken_past_polling_day_and_the_last_poll() -> None:
    """`warroom scenario --as-of 9999-12-31` labelled its baseline "Poll average on 04 May 2013" (a year past the
    election, where the grid is capped), its band widened a year on; a saved "as of" choice alike. A day past
    polling day and the last poll is now refused naming the last day that can be taken (the window's date box
    ends on that same day, core.baseline.last_average_day); polling day itself still is one."""
    polls = [replace(make_poll(day, f"P{day}"), id=day) for day in (1, 8, 15)]
    avg = compute_averages(polls, TOY)
    with pytest.raises(PipelineError) as caught:
        make_baseline(BaselineChoice("as_of", as_of=date(9999, 12, 31)), polls, TOY, avg)
    assert str(caught.value) == (
        "no poll average on 31 Dec 9999 in Toyton Mayor: polling day was 02 May 2024 and the last poll ended "
        "16 Mar 2024; take a day up to 02 May 2024"
    )
    on_the_day = make_baseline(BaselineChoice("as_of", as_of=TOY.election_date), polls, TOY, avg)
    assert on_the_day.label == "Poll average on 02 May 2024"
    # A poll taken after polling day moves the last day to its fieldwork end.
    late = [
        *polls,
        replace(make_poll(1, "Late"), id=9, fieldwork_start=date(2024, 6, 1), fieldwork_end=date(2024, 6, 3)),
    ]
    assert last_average_day(TOY.election_date, date(2024, 6, 3)) == date(2024, 6, 3)
    assert as_of_problem(date(2024, 6, 3), late, TOY) is None and as_of_problem(date(2024, 6, 4), late, TOY)


def test_a_leads_band_never_passes_100_points_even_from_polls_of_one_respondent() -> None:
    """Two polls with a sample of 1 (no reader refuses one): `warroom average`, the briefing and the charts gave the
    first-round lead's 90 % band as -100.8 to +106.8 and the runoff lead's as -160.2 to +166.9, leads no two shares
    can have. Both bands now stay within -100 to +100; the means are the same."""
    polls = [
        replace(make_poll(10, "P1", a=40, b=35, c=25, n=1), id=1),
        replace(make_poll(20, "P2", a=38, b=37, c=25, n=1), id=2),
    ]
    avg = compute_averages(polls, TOY)
    assert avg is not None
    for lead in (avg.first_lead, avg.second_lead):
        mean, low, high = lead.at(lead.days[-1])
        assert -100.0 <= low < mean < high <= 100.0
        assert lead.lower.min() >= -100.0 and lead.upper.max() <= 100.0
    assert avg.first_lead.at(avg.first_lead.days[-1])[1] == -100.0  # the band is "anything", said within range


def test_the_runoff_back_test_and_its_error_table_take_no_instant_runoff_race() -> None:
    """backtest_contest scored an instant-runoff race on a Supplementary Vote projection, and eve_records gave its
    error to the runoff error table; the one refuses it by name, the other gives nothing."""
    from warroom.core.backtest import backtest_contest, eve_records
    from warroom.core.types import OfficialResult

    irv = replace(TOY, system=CountingSystem.IRV, rules=None)
    polls = [replace(make_poll(day, f"P{day}"), id=day) for day in (1, 8, 15)]
    result = OfficialResult({"ann": 450, "bob": 400, "cat": 150}, {"ann": 500, "bob": 480})
    with pytest.raises(PipelineError, match="Toyton Mayor: the back-test scores Supplementary Vote"):
        backtest_contest(irv, polls, result, ERRORS)
    assert eve_records(irv, polls, result) == ([], [])
    assert eve_records(TOY, polls, result) != ([], [])


def test_the_projection_and_its_odds_follow_the_contests_own_majority() -> None:
    """A contest file's `majority = 40`: the scenario, its verdict and the simulated odds went by 50 % all the
    same. Ann at 45 % (elected outright under that rule) was projected into a runoff Bob wins on Cole's transfers,
    "Likely Bob". The baseline now carries the contest's majority (core.pipeline.outright_majority), kept in a
    saved scenario's record; under the usual 50 % nothing changes."""
    from warroom.core.pipeline import baseline_from_dict, baseline_to_dict

    forty = replace(TOY, rules=replace(Rules.default_for(CountingSystem.SV), majority=40.0))
    polls = [replace(make_poll(day, f"P{day}", a=45, b=40, c=15), id=day) for day in (1, 8, 15)]
    base = make_baseline(BaselineChoice(), polls, forty, compute_averages(polls, forty))
    assert base.majority == 40.0
    assert make_baseline(BaselineChoice(), polls, TOY, compute_averages(polls, TOY)).majority == 50.0
    assert baseline_from_dict(baseline_to_dict(base), forty).majority == 40.0
    odds = OddsModel(ERRORS, TOY.election_date)
    everyone_to_bob = Scenario({"cat": Split(0, 100, 0)})
    elected = evaluate(base, everyone_to_bob, heatmap=False, odds=odds)
    assert elected.projection.outright_winner == "ann"
    assert elected.projection.verdict.startswith("Red passes 40 % in the first round with 45.0 %: Lean Red")
    assert elected.odds is not None and elected.odds.p_win["ann"] > 0.6 and elected.odds.p_outright > 0.6
    usual = evaluate(replace(base, majority=50.0), everyone_to_bob, heatmap=False, odds=odds)
    assert usual.projection.outright_winner is None and usual.odds is not None and usual.odds.p_win["ann"] < 0.3
    assert "Blue" in usual.projection.verdict.rpartition(":")[2]  # the runoff's favourite


def test_a_tied_final_round_names_no_winner_in_the_back_test() -> None:
    """A result whose final round is tied (the law draws lots; the result does not say who drew): the back-test
    took the row written first as the winner, so its "won" column and calibration followed the file's row order.
    Such a point now has no winner ("tie") and scores no win forecast; its margin is still scored."""
    from warroom.core.backtest import backtest_contest, summarise_backtest
    from warroom.core.types import OfficialResult

    day = TOY.election_date
    polls = [
        replace(
            make_poll(1, f"P{d}"),
            id=d,
            fieldwork_start=day - timedelta(days=d + 2),
            fieldwork_end=day - timedelta(days=d),
        )
        for d in (20, 9, 3)
    ]
    tied = OfficialResult({"ann": 4500, "bob": 4000, "cat": 1500}, {"ann": 4800, "bob": 4800})
    swapped = OfficialResult({"bob": 4000, "ann": 4500, "cat": 1500}, {"bob": 4800, "ann": 4800})
    points = backtest_contest(TOY, polls, tied, ERRORS, draws=200)
    assert points and all(p.b_won is None and p.actual_margin == 0.0 for p in points)
    assert points == backtest_contest(TOY, polls, swapped, ERRORS, draws=200)
    summary = summarise_backtest(points)
    assert summary.n == 0 and summary.intervals == len(points)
