"""A second hostile pass over the pure readers: contest files, official-result CSVs and poll CSVs."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from warroom.core.contestfile import ContestFileError, parse_contest_file
from warroom.core.csvformat import CsvFormatError, parse_ballot_file, parse_ballot_table, parse_polls_csv
from warroom.core.resultfile import ResultFileError, parse_result_csv
from warroom.core.types import Candidate, Contest, CountingSystem
from warroom.demo import LONDON_2012

HEAD = """
[contest]
name = "Mayor 2027"
election_date = 2027-05-06
system = "sv"

[[candidate]]
code = "ada"
name = "Ada Lovelace"

[[candidate]]
code = "bea"
name = "Bea Smith"
"""


@pytest.mark.parametrize("value", ['["ada"]', "1", "{ x = 1 }", "true", "2027-05-06"])
@pytest.mark.parametrize("end", ["from", "to"])
def test_a_result_transfer_naming_no_text_is_a_problem_not_a_traceback(end: str, value: str) -> None:
    """`from = ["ada"]` raised TypeError (unhashable list) out of the reader instead of naming the key."""
    other = '"bea"' if end == "from" else '"ada"'
    pair = f"from = {value}, to = {other}" if end == "from" else f"from = {other}, to = {value}"
    text = HEAD + f"\n[result]\nfirst_round = {{ ada = 10, bea = 5 }}\ntransfers = [{{ {pair}, votes = 1 }}]\n"
    with pytest.raises(ContestFileError) as info:
        parse_contest_file(text)
    (problem,) = info.value.problems
    assert problem.key == f"result.transfers[1].{end}" and problem.line == 17


# --- names that two candidates share -------------------------------------------------------------------------

TWINS = Contest(
    name="Twins",
    election_date=date(2027, 5, 6),
    system=CountingSystem.SV,
    candidates=(
        Candidate("boris", "Boris Johnson", None, "#000000"),
        Candidate("jo", "Jo Johnson", None, "#111111"),
        Candidate("khan", "Sadiq Khan", None, "#222222"),
        Candidate("smith", "Ann Smith", None, "#333333"),
        Candidate("bea", "Bea Smith", None, "#444444"),
        Candidate("ann", "Ann Other", None, "#555555"),
    ),
)
POLL_HEAD = "pollster,fieldwork_start,fieldwork_end,sample_size,"


def _poll_csv(columns: str, values: str) -> str:
    return f"{POLL_HEAD}{columns}\nX,2027-04-01,2027-04-02,1000,{values}\n"


def test_a_poll_column_named_by_a_surname_two_candidates_share_is_refused() -> None:
    """`first:johnson` silently meant whichever Johnson came first in the contest (Boris), so Jo's figure was
    Boris's: now it is an error naming both and asking for the code."""
    result = parse_polls_csv(_poll_csv("first:johnson,first:khan,first:jo", "40,40,20"), TWINS, today=date(2027, 5, 1))
    assert not result.polls
    (error,) = result.errors
    assert error.line == 1 and error.field == "first:johnson"
    assert "Boris Johnson" in error.message and "Jo Johnson" in error.message and "boris" in error.message


def test_a_code_wins_over_another_candidates_surname_and_other_stays_the_others() -> None:
    """`first:smith` is the candidate whose code is smith, not Bea Smith; `first:other` is the grouped
    others, not Ann Other (whose surname is Other)."""
    text = _poll_csv("first:smith,first:bea,first:khan,first:other", "30,20,40,10")
    result = parse_polls_csv(text, TWINS, today=date(2027, 5, 1))
    assert not result.errors
    assert result.polls[0].first_round == {"smith": 30.0, "bea": 20.0, "khan": 40.0, "other": 10.0}


def test_an_official_result_row_naming_a_shared_surname_is_refused() -> None:
    """A result row "Johnson" was counted as Boris's votes without a word."""
    with pytest.raises(ResultFileError) as info:
        parse_result_csv("candidate,first_round,final_round\nJohnson,100,150\nKhan,90,120\nJo,30,\n", TWINS)
    problem = info.value.problems[0]
    assert problem.line == 2 and "Boris Johnson" in problem.message and "Jo Johnson" in problem.message


def test_an_official_result_row_other_is_the_grouped_others_and_a_code_wins() -> None:
    result = parse_result_csv("candidate,first_round\nsmith,100\nkhan,90\nother,7\nAnn Other,5\n", TWINS)
    assert result.first_round == {"smith": 100, "khan": 90, "other": 7, "ann": 5}


@pytest.mark.parametrize("code", ["exhausted", "Exhausted", "none", "no second"])
def test_a_candidate_code_that_means_the_exhausted_pile_is_reserved(code: str) -> None:
    """A candidate coded "exhausted" made `transfers = [{to = "exhausted"}]` in a result and
    `transfer:x>exhausted` (or >none) in a poll CSV mean the exhausted pile, never the candidate: their
    transfers were silently counted as exhausted ballots."""
    text = HEAD.replace('code = "bea"', f'code = "{code}"')
    with pytest.raises(ContestFileError) as info:
        parse_contest_file(text)
    (problem,) = info.value.problems
    assert problem.key == "candidate[2].code" and "reserved" in problem.message and problem.line == 12


# --- official-result CSVs --------------------------------------------------------------------------------------

LONDON_RESULT = "candidate,first_round,final_round\nBoris Johnson,971931,1054811\nKen Livingstone,889918,992273\n"


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        (LONDON_RESULT.replace("final_round\n", "final_round,First_Round\n"), 1, "First_Round", "appears twice"),
        (LONDON_RESULT.replace("1054811\n", "1054811,777\n"), 2, "row", "4 cells but the header has 3"),
        (LONDON_RESULT + "exhausted,0,\nexhausted,500,\n", 5, "candidate", "'exhausted' appears twice"),
    ],
)
def test_a_result_csv_never_drops_or_picks_a_figure_silently(text: str, line: int, column: str, words: str) -> None:
    """A repeated first_round column was read from its first copy, a cell past the header was dropped, and a
    second exhausted row replaced a first one of 0: each silently. The poll CSV refuses all three."""
    with pytest.raises(ResultFileError) as info:
        parse_result_csv(text, LONDON_2012)
    problem = info.value.problems[0]
    assert (problem.line, problem.column) == (line, column) and words in problem.message


@pytest.mark.parametrize(
    "nested", ["notes = " + "[" * 100_000 + "]" * 100_000, "x = " + "{a=" * 5000 + "1" + "}" * 5000]
)
def test_a_contest_file_nested_too_deeply_is_a_problem_not_a_traceback(nested: str) -> None:
    """tomllib recurses once per level: 100,000 brackets raised RecursionError out of `contest new`."""
    with pytest.raises(ContestFileError) as info:
        parse_contest_file(HEAD + nested + "\n")
    (problem,) = info.value.problems
    assert "nested too deeply" in problem.message


# --- ballot files ------------------------------------------------------------------------------------------------


def test_a_ballot_file_with_a_hundred_thousand_columns_is_refused_at_once(tmp_path) -> None:
    """100,000 preference columns ran 14 s and then raised OverflowError (int16 candidate codes) as a traceback."""
    cols = 100_000
    path = tmp_path / "wide.csv"
    path.write_text(
        "count," + ",".join(f"p{i}" for i in range(cols)) + "\n5," + ",".join(f"C{i}" for i in range(cols)) + "\n"
    )
    with pytest.raises(CsvFormatError, match="10,000"):
        parse_ballot_file(path)


@pytest.mark.parametrize("fast", [True, False])
def test_a_ballot_file_naming_forty_thousand_candidates_is_refused(tmp_path, fast: bool) -> None:
    """One column, 40,000 different names: past the 32,767 codes a ballot table holds, OverflowError."""
    rows = "".join(f'1,"N{i}"\n' if not fast else f"1,N{i}\n" for i in range(40_000))
    path = tmp_path / "many.csv"
    path.write_text("count,p1\n" + rows)
    with pytest.raises(CsvFormatError, match="more than 10,000 different candidates"):
        parse_ballot_file(path)
    with pytest.raises(CsvFormatError, match="more than 10,000 different candidates"):
        parse_ballot_table("count,p1\n" + rows)


# --- dates far from the race -------------------------------------------------------------------------------------


@pytest.mark.parametrize("far", [date(9999, 12, 31), date(2400, 1, 1)])
def test_an_as_of_date_centuries_away_does_not_stretch_the_daily_grid(far: date) -> None:
    """`warroom scenario --as-of 9999-12-31` (or a saved scenario or bundle carrying that baseline) built a
    daily grid of 2.9 million days: killed after 100 s. A day past the last date any poll of the race may carry
    (a year after the election) is that last date."""
    from warroom.core.pipeline import compute_averages
    from warroom.core.validation import poll_date_window
    from warroom.demo import demo_polls

    latest = poll_date_window(LONDON_2012)[1]
    far_away = compute_averages(demo_polls(), LONDON_2012, as_of=far)
    at_latest = compute_averages(demo_polls(), LONDON_2012, as_of=latest)
    assert far_away is not None and at_latest is not None
    assert far_away.first_lead.days[-1] == latest.toordinal() and far_away.as_of == latest
    assert np.array_equal(far_away.first_lead.mean, at_latest.first_lead.mean)


def test_a_baseline_as_of_centuries_away_is_the_baseline_at_the_last_possible_day() -> None:
    """With the grid capped, the baseline looked the average up on 9999-12-31, off the grid: NaN shares and
    "baseline shares must be numbers". (Thirteenth pass: such a day, past polling day and the last poll, is now a
    message naming the last day an average is taken on; that day's baseline has finite shares.)"""
    from warroom.core.pipeline import BaselineChoice, PipelineError, compute_averages, make_baseline
    from warroom.demo import demo_polls

    polls = demo_polls()
    averages = compute_averages(polls, LONDON_2012)
    with pytest.raises(PipelineError, match=r"no poll average on 31 Dec 9999 .* take a day up to 03 May 2012"):
        make_baseline(BaselineChoice("as_of", as_of=date(9999, 12, 31)), polls, LONDON_2012, averages, None)
    near = make_baseline(BaselineChoice("as_of", as_of=LONDON_2012.election_date), polls, LONDON_2012, averages)
    assert all(np.isfinite(list(near.first_round.values())))


# --- names that rewrite the terminal or display as another name ---------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key", "line"),
    [
        ('name = "Ada Lovelace"', 'name = "Ada\\u001b[2JLovelace"', "candidate[1].name", 9),
        ('name = "Bea Smith"', 'name = "Bea\\nSmith"', "candidate[2].name", 13),
        ('code = "bea"', 'code = "b\\u202eea"', "candidate[2].code", 12),
        ('name = "Mayor 2027"', 'name = "Mayor\\u009b2027"', "contest.name", 3),
    ],
)
def test_a_name_with_a_control_or_direction_character_is_refused(old: str, new: str, key: str, line: int) -> None:
    """A contest file (or a bundle) could carry terminal escapes in a candidate's name: `contest show` and
    `polls` printed them, clearing or retitling the terminal; a right-to-left override shows one code as
    another; a line break split every table row. Names and codes take none of them (notes keep line breaks)."""
    with pytest.raises(ContestFileError) as info:
        parse_contest_file(HEAD.replace(old, new))
    (problem,) = info.value.problems
    assert (problem.key, problem.line) == (key, line) and "control" in problem.message


def test_notes_are_free_text() -> None:
    """Notes keep whatever was written (line breaks, tabs, even escapes): the CLI shows them escaped."""
    text = HEAD.replace('system = "sv"', 'system = "sv"\nnotes = "line one\\nline two\\ttab \\u001b"')
    assert parse_contest_file(text).contest.notes == "line one\nline two\ttab \x1b"


def test_the_store_and_the_dialog_refuse_them_too() -> None:
    """Contest.problems is what the contest dialog and the store check: the same rule."""
    from dataclasses import replace

    bad = replace(TWINS, candidates=(replace(TWINS.candidates[0], name="Boris\x1bJohnson"), *TWINS.candidates[1:]))
    assert any("control" in p for p in bad.problems())
    assert not TWINS.problems()
