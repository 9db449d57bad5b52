"""core.two_round_pipeline: averages per matchup and per candidate across hypotheses, qualification, the 2022
back-test; core.compilations: recognising the compilations, a contest from one, the extended poll CSV."""

from __future__ import annotations

import math
import shutil
from datetime import date
from pathlib import Path

import pytest

from warroom.core.compilations import (
    candidate_code,
    contest_from_compilation,
    detect_format,
    header_of,
    parse_question_csv,
    read_compilation,
)
from warroom.core.france import FranceFormatError, Hypothesis, Matchup, PollNotice, name_key
from warroom.core.two_round_pipeline import (
    Campaign,
    backtest_two_round,
    candidate_averages,
    hypothesis_effects,
    matchup_average,
    matchups_asked,
    qualify_odds,
    resolve_matchup,
    two_round_report,
)
from warroom.core.types import CountingSystem, Rules
from warroom.demo import FAR_LEFT_2022, france_2022_compilation, france_2022_contest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "data" / "france_2022"
SHARED = ROOT.parent / "shared" / "data"
MACRON, LE_PEN, MELENCHON = "Emmanuel Macron", "Marine Le Pen", "Jean-Luc Mélenchon"


def notice(
    day: int, hyps: tuple[Hypothesis, ...] = (), runs: tuple[Matchup, ...] = (), *, who: str = "Ifop"
) -> PollNotice:
    d = date(2026, 5, day)
    return PollNotice(f"n{day}{who}", who, "", d, d, 1000, "", None, hyps, runs)


# --- averages -------------------------------------------------------------------------------------------------


def test_matchup_average_is_the_pairs_share_and_its_lead_and_odds_follow() -> None:
    polls = [notice(d, runs=(Matchup("", "A", "B", 54.0, 46.0, 1),)) for d in range(1, 20)]
    polls += [notice(d, runs=(Matchup("", "B", "A", 46.0, 54.0, 1),), who="Ipsos") for d in range(1, 20)]
    got = matchup_average(polls, "a", "B")
    assert got.polls == 38 and got.latest() == pytest.approx(54.0, abs=0.01)
    assert got.lead.mean[-1] == pytest.approx(8.0, abs=0.02)
    assert 0.85 < got.win_probability() < 0.95  # 8 points against a 6-point polling sd: about 0.9
    assert matchup_average(polls, "B", "A").win_probability() == pytest.approx(1 - got.win_probability(), abs=1e-6)
    early = matchup_average(polls, "A", "B", as_of=date(2026, 5, 9))
    assert early.polls == 18 and early.share.days[-1] == date(2026, 5, 9).toordinal()
    assert math.isnan(matchup_average(polls, "A", "C").latest())


def test_hypothesis_effect_is_estimated_within_notices_and_added_back_for_a_chosen_hypothesis() -> None:
    # Every notice asks two lists: with C, A polls 30; without C, A polls 36 (C's voters go to A).
    polls = [
        notice(
            d,
            (
                Hypothesis("with C", {"A": 30.0, "B": 40.0, "C": 30.0}, 1),
                Hypothesis("without C", {"A": 36.0, "B": 64.0}, 2),
            ),
        )
        for d in range(1, 15)
    ]
    effects = hypothesis_effects(polls)
    assert effects["with C"]["a"] == pytest.approx(-3.0 * 14 / 16)  # shrunk by two pseudo-notices
    pooled = candidate_averages(polls)
    assert pooled.lineup == ("A", "B", "C") and pooled.latest()["A"] == pytest.approx(33.0, abs=0.05)
    seen = candidate_averages(polls, hypothesis="without C")
    assert seen.lineup == ("A", "B") and seen.latest()["A"] == pytest.approx(33.0 + 3.0 * 14 / 16, abs=0.05)
    with pytest.raises(ValueError, match="no poll asks the first-round hypothesis 'nope'"):
        candidate_averages(polls, hypothesis="nope")


def test_qualification_uses_the_lineup_and_the_rules() -> None:
    polls = [notice(d, (Hypothesis("", {"A": 40.0, "B": 30.0, "C": 29.0, "D": 1.0}, 1),)) for d in range(1, 10)]
    odds = qualify_odds(candidate_averages(polls))
    assert odds["A"] > 0.99 and odds["D"] < 0.01 and sum(odds.values()) == pytest.approx(2.0)
    assert 0.4 < odds["B"] < 0.8 and 0.2 < odds["C"] < 0.6
    threshold = Rules(finalists="threshold", qualify_threshold=12.5, qualify_base="registered", preferences=1)
    three = qualify_odds(candidate_averages(polls), threshold, valid_of_base=75.0)
    assert min(three["A"], three["B"], three["C"]) > 0.99  # 29 % of valid at 75 % is 21.8 % of registered


def test_matchups_and_their_names() -> None:
    notices = france_2022_compilation().notices
    asked = matchups_asked(notices)
    assert asked[0] == (MACRON, LE_PEN, 355)
    assert resolve_matchup("macron-le-pen", notices) == (MACRON, LE_PEN)
    assert resolve_matchup("Le Pen / Macron", notices) == (LE_PEN, MACRON)
    assert resolve_matchup("melenchon vs macron", notices) == (MELENCHON, MACRON)
    with pytest.raises(ValueError, match="no poll asks the matchup 'jadot-hidalgo'"):
        resolve_matchup("jadot-hidalgo", notices)


# --- the 2022 back-test (the README's figures) ------------------------------------------------------------------


def test_2022_backtest_first_round_and_runoff() -> None:
    comp = france_2022_compilation()
    campaign = Campaign(comp.notices, comp.matrices, comp.results)
    bt = backtest_two_round(campaign, proxies=FAR_LEFT_2022)
    assert bt is not None and (bt.a, bt.b) == (MACRON, LE_PEN) and bt.first_eve == date(2022, 4, 9)
    assert list(bt.first)[:3] == [MACRON, LE_PEN, MELENCHON]  # the right pair, in the right order
    assert bt.first[MACRON][0] == pytest.approx(26.5, abs=0.05) and bt.first[MELENCHON][0] == pytest.approx(
        16.9, abs=0.05
    )
    assert bt.mean_abs_error == pytest.approx(1.23, abs=0.01)
    assert bt.official == pytest.approx(58.55, abs=0.005)
    assert bt.from_matrices is not None and bt.from_matrices.matrices == 35
    assert bt.from_matrices.projection.a_share == pytest.approx(54.61, abs=0.01)  # core test_two_round's figure
    assert bt.head_to_head is not None and bt.head_to_head.polls == 355
    assert bt.head_to_head.latest() == pytest.approx(55.28, abs=0.01)
    pooled = backtest_two_round(campaign)  # no proxies: Poutou's and Arthaud's voters take the pooled split
    assert pooled is not None and pooled.from_matrices is not None
    assert pooled.from_matrices.projection.a_share == pytest.approx(54.53, abs=0.01)
    assert backtest_two_round(Campaign(comp.notices, comp.matrices, {1: comp.results[1]})) is None


def test_report_picks_the_leading_pair_and_lists_the_others() -> None:
    comp = france_2022_compilation()
    report = two_round_report(Campaign(comp.notices, comp.matrices, comp.results), as_of=date(2022, 4, 9))
    assert report.matchup is not None and {report.matchup.a, report.matchup.b} == {MACRON, LE_PEN}
    assert report.matchup.polls == 297 and report.backtest is not None
    assert {MACRON, LE_PEN} not in [{a, b} for a, b, _ in report.others]
    assert (MELENCHON, MACRON, 65) in report.others
    assert report.qualify[MACRON] > 0.99 and 0.05 < report.qualify[MELENCHON] < 0.1  # he missed by 1.2 points


# --- compilations --------------------------------------------------------------------------------------------


def test_formats_are_recognised_by_their_headers() -> None:
    assert detect_format(header_of((SHIPPED / "nsppolls_presidentielle.csv").read_text()[:2000])) == "nsppolls-polls"
    assert detect_format(header_of((SHIPPED / "nsppolls_reports.csv").read_text()[:2000])) == "nsppolls-reports"
    assert detect_format(header_of("pollster,fieldwork_end,first:a\n")) is None
    assert detect_format(header_of("round,date,candidate,party,votes\n")) == "results"


def test_a_folder_and_single_files_are_read_whole(tmp_path: Path) -> None:
    comp = read_compilation(SHIPPED)
    # The shipped folder is the 2022 demo: polls, matrices and both official rounds.
    assert comp is not None and comp.counts_json() == {
        "polls": 409,
        "hypotheses": 558,
        "matchups": 767,
        "matrices": 35,
        "rows": 8863,
        "official_rounds": 2,
    }
    only = read_compilation(SHIPPED / "nsppolls_reports.csv")
    assert only is not None and (len(only.notices), len(only.matrices), dict(only.results)) == (0, 35, {})
    assert read_compilation(ROOT / "resources" / "data" / "london_2012_polls.csv") is None
    broken = tmp_path / "nsppolls_reports.csv"
    broken.write_text((SHIPPED / "nsppolls_reports.csv").read_text(encoding="utf-8").replace(",41.0,", ",4x1,", 1))
    with pytest.raises(FranceFormatError, match="is not a number"):
        read_compilation(broken)


def test_a_mieuxvoter_file_needs_its_companions(tmp_path: Path) -> None:
    folder = SHARED / "france-2027"
    if not folder.exists():
        pytest.skip(f"{folder} is not on this machine")
    comp = read_compilation(folder / "presidentielle2027.csv")
    assert comp is not None and comp.kind == "mieuxvoter"
    assert {k: comp.counts_json()[k] for k in ("polls", "hypotheses", "matchups")} == {
        "polls": 33,
        "hypotheses": 136,
        "matchups": 36,
    }
    alone = tmp_path / "polls.csv"
    shutil.copy(folder / "polls.csv", alone)
    with pytest.raises(FranceFormatError, match=r"hypotheses.csv, candidats.csv, presidentielle2027.csv missing"):
        read_compilation(alone)
    contest = contest_from_compilation(comp, "France 2027", election_date=date(2027, 4, 11))
    assert contest.system == CountingSystem.TWO_ROUND and contest.second_round_date == date(2027, 4, 25)
    assert contest.problems() == [] and "Mieux Voter" in contest.notes
    assert {"le-pen", "philippe", "melenchon"} <= set(contest.candidate_codes)


def test_the_2022_demo_contest() -> None:
    contest = france_2022_contest()
    assert contest.demo and contest.problems() == [] and contest.counting_rules.finalists == "top_two"
    assert contest.candidate_codes[:3] == ("macron", "le-pen", "melenchon") and len(contest.candidates) == 12
    assert contest.candidate("le-pen").display == "Le Pen"
    assert candidate_code("Nicolas Dupont-Aignan") == "dupont-aignan" and candidate_code("Éric Zemmour") == "zemmour"


# --- the extended poll CSV ---------------------------------------------------------------------------------------

QUESTION_CSV = """pollster,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:macron,first:le-pen,first:melenchon,first:other,second:macron,second:le-pen,transfer:melenchon>macron,transfer:melenchon>le-pen,transfer:melenchon>exhausted
Ifop,f1,Hypothèse 12,2022-04-05,2022-04-07,1500,27,22,17,34,,,,,
Ifop,f1,Hypothèse sans Mélenchon,2022-04-05,2022-04-07,1500,33,27,,40,,,,,
Ifop,f1,Macron / Le Pen,2022-04-05,2022-04-07,1500,,,,,53,47,35,15,50
Ifop,f2,Hypothèse 12,2022-04-05,2022-04-07,900,26,23,18,33,,,,,
"""


def test_the_extended_poll_csv_groups_rows_into_notices_by_question() -> None:
    parsed = parse_question_csv(QUESTION_CSV, france_2022_contest())
    assert parsed.errors == ()
    f1, f2 = sorted(parsed.notices, key=lambda n: n.id)
    assert [h.label for h in f1.hypotheses] == ["Hypothèse 12", "Hypothèse sans Mélenchon"]
    assert f1.hypotheses[0].shares == {MACRON: 27.0, LE_PEN: 22.0, MELENCHON: 17.0} and f1.hypotheses[0].line == 2
    assert f1.matchups == (Matchup("Macron / Le Pen", MACRON, LE_PEN, 53.0, 47.0, 4),)
    assert f2.sample_size == 900 and f2.hypotheses[0].shares[MELENCHON] == 18.0
    (matrix,) = parsed.matrices
    row = matrix.rows[MELENCHON]
    assert (matrix.a, matrix.b, row.to_a, row.to_b, row.neither, row.line) == (MACRON, LE_PEN, 35.0, 15.0, 50.0, 4)


def test_the_extended_poll_csv_reports_every_bad_row_with_its_line() -> None:
    bad = QUESTION_CSV.replace("Hypothèse sans Mélenchon", "Hypothèse 12").replace(",53,47,35,15,50", ",53,,,,")
    bad += "Ifop,f3,,2022-04-05,2022-04-07,1500,27,x,17,34,,,,,\n"
    parsed = parse_question_csv(bad, france_2022_contest())
    where = {(e.line, e.field) for e in parsed.errors}
    assert (3, "question") in where  # the same hypothesis twice in one notice
    assert (4, "second") in where  # a matchup of one
    assert (6, "first:le-pen") in where
    assert any(name_key(e.message).startswith("hypothesis 'hypothese 12' is also on line 2") for e in parsed.errors)


def test_the_shipped_2022_polls_are_the_shared_file() -> None:
    shared = SHARED / "france-2022" / "nsppolls_presidentielle.csv"
    if not shared.exists():
        pytest.skip(f"{shared} is not on this machine")
    assert (SHIPPED / "nsppolls_presidentielle.csv").read_bytes() == shared.read_bytes()


def test_switching_hypothesis_is_a_view_of_one_model_and_agrees_with_candidate_averages() -> None:
    from warroom.core.two_round_pipeline import first_round_model

    notices = france_2022_compilation().notices
    model = first_round_model(notices, as_of=date(2022, 1, 31))
    for label in (None, "Hypothèse Pécresse", "Hypothèse Bertrand"):
        view = model.view(label)
        direct = candidate_averages(notices, hypothesis=label, as_of=date(2022, 1, 31))
        assert view.lineup == direct.lineup and view.latest() == direct.latest()
    pecresse = model.view("Hypothèse Pécresse")
    assert "Valérie Pécresse" in pecresse.lineup and "Xavier Bertrand" not in pecresse.lineup
    assert "Xavier Bertrand" in model.view("Hypothèse Bertrand").lineup


def test_publication_blackouts_are_the_eve_and_the_day_of_each_round() -> None:
    from warroom.core.two_round_pipeline import publication_blackouts

    assert publication_blackouts(date(2022, 4, 10), date(2022, 4, 24)) == (
        (date(2022, 4, 9), date(2022, 4, 10)),
        (date(2022, 4, 23), date(2022, 4, 24)),
    )


def test_a_threshold_on_registered_voters_takes_the_stored_turnout() -> None:
    from warroom.core.two_round_pipeline import valid_share_of_base

    comp = france_2022_compilation()
    campaign = Campaign(comp.notices, comp.matrices, comp.results)
    legislative = Rules(finalists="threshold", qualify_threshold=12.5, qualify_base="registered", preferences=1)
    assert valid_share_of_base(campaign, None) == 100.0
    assert valid_share_of_base(campaign, legislative) == pytest.approx(100 * 35_132_947 / 48_747_876)
    assert valid_share_of_base(Campaign(comp.notices, (), {}), legislative) is None  # none assumed
    # 12.5 % of registered is 17.3 % of valid at 2022's turnout: Mélenchon's 16.9 % average sits just below it.
    report = two_round_report(campaign, rules=legislative, as_of=date(2022, 4, 9))
    top_two = two_round_report(campaign, as_of=date(2022, 4, 9))
    assert report.qualify[MELENCHON] > top_two.qualify[MELENCHON] + 0.2
    assert sum(report.qualify.values()) > sum(top_two.qualify.values())  # three-way runoffs happen
