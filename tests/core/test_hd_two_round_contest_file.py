"""Issue 16: a contest file (`warroom contest new|edit --from`) gives a two-round race no transfer priors.

A two-round race's runoff transfers come from its polls' transfer matrices; `transfer_prior` (a past count whose
transfers start a Supplementary Vote, contingent or instant-runoff race's) was stored and read by none of its
figures. The window's File > Transfer priors is off for such a race; the file is refused the same, by its line."""

from __future__ import annotations

import pytest

from warroom.core.contestfile import ContestFileError, parse_contest_file

FILE = """\
[contest]
name = "Présidentielle 2027"
election_date = 2027-04-11
system = "{system}"
transfer_prior = "Présidentielle 2022"

[[candidate]]
code = "ann"
name = "Ann Red"

[[candidate]]
code = "bob"
name = "Bob Blue"
"""


def test_a_two_round_contest_file_with_transfer_priors_is_refused_by_its_line() -> None:
    with pytest.raises(ContestFileError) as refused:
        parse_contest_file(FILE.format(system="two_round"))
    problems = refused.value.problems
    assert [(p.line, p.key) for p in problems] == [(5, "contest.transfer_prior")], problems
    assert "transfer matrices" in str(refused.value)


@pytest.mark.parametrize("system", ["sv", "contingent", "irv"])
def test_the_other_systems_take_transfer_priors(system: str) -> None:
    assert parse_contest_file(FILE.format(system=system)).contest.transfer_prior == "Présidentielle 2022"
