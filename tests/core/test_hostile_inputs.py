"""A second hostile pass over the pure readers: contest files, official-result CSVs and poll CSVs."""

from __future__ import annotations

import pytest

from warroom.core.contestfile import ContestFileError, parse_contest_file

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
