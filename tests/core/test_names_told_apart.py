"""A race's candidates can be told apart wherever the app names them, and a contest file's candidates written
without a colour are drawn in distinct colours.

"Boris Johnson" and "Jo Johnson" in one race, no short names: both were shown as "Johnson", so the window said
"Runoff: Johnson 52.8 %, Johnson 47.2 %", "Johnson minus Johnson" and "Chance Johnson wins: 28 %", and every
candidate of a contest file without colours was drawn grey (#808080), lines and end labels alike. Now each of two
candidates the default would show alike is shown by his full name (Contest.__post_init__); short names typed
alike are refused (Contest.problems: the contest dialog says so as the user types, a contest file names the line);
a colour left out is the next of the palette's distinct ones.
"""

from __future__ import annotations

from dataclasses import replace

from warroom.core.colour import PALETTE
from warroom.core.contestfile import ContestFileError, parse_contest_toml
from warroom.core.types import Candidate, Contest, CountingSystem

FILE = """[contest]
name = "Two Johnsons"
election_date = 2027-05-06
system = "sv"

[[candidate]]
code = "boris"
name = "Boris Johnson"

[[candidate]]
code = "jo"
name = "Jo Johnson"
{short}
[[candidate]]
code = "ann"
name = "Ann Other"
"""


def test_two_candidates_shown_alike_by_default_are_shown_by_their_full_names() -> None:
    from datetime import date

    contest = Contest(
        "Two Johnsons",
        date(2027, 5, 6),
        CountingSystem.SV,
        (Candidate("boris", "Boris Johnson"), Candidate("jo", "Jo Johnson"), Candidate("ann", "Ann Other")),
    )
    assert [c.display for c in contest.candidates] == ["Boris Johnson", "Jo Johnson", "Other"]
    assert not contest.problems()
    typed = replace(contest, candidates=(replace(contest.candidates[0], short_name="Johnson"),
                                         replace(contest.candidates[1], short_name="Johnson"),
                                         contest.candidates[2]))  # fmt: skip
    problems = typed.problems()
    assert any("shown as 'Johnson', as 'Boris Johnson' is" in p and "short name" in p for p in problems), problems


def test_a_contest_file_names_the_line_and_gives_each_uncoloured_candidate_its_own_colour() -> None:
    try:
        parse_contest_toml(
            FILE.format(short='short_name = "Johnson"\n').replace(
                'name = "Boris Johnson"', 'name = "Boris Johnson"\nshort_name = "Johnson"'
            )
        )
    except ContestFileError as exc:
        text = str(exc)
    else:
        raise AssertionError("two candidates shown as 'Johnson' were accepted")
    assert "candidate[2].name: shown as 'Johnson'" in text, text
    contest = parse_contest_toml(FILE.format(short='short_name = "Jo J."\n'))
    colours = [c.colour for c in contest.candidates]
    assert colours == list(PALETTE[:3]) and len(set(colours)) == 3
