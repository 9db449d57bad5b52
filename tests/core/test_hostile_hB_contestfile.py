"""A fresh hostile pass (issue 16): a contest file's text too long for the store is named on its own line and key.

Contest files promise every problem "with its line and key". A text past its length (an office or area past 200
characters, a candidate's or party's name past 120, a code past 40) was placed on no line at all (office, area, a
party's) or on the first `[[candidate]]` table's line whichever candidate it was, keyed "candidate: short_name" with
the candidate left out: a file of thirty candidates pointed at the wrong one.
"""

from __future__ import annotations

import pytest

from warroom.core.contestfile import ContestFileError, parse_contest_file

LONG = "W" * 300

FILE = f"""\
[contest]
name = "Rx"
office = "O{LONG}"
area = "A{LONG}"
election_date = 2024-05-02
system = "sv"

[[party]]
code = "P1"
name = "Party {LONG}"

[[party]]
code = "P2{LONG}"
name = "Party Two"

[[candidate]]
code = "ann"
name = "Ann Able"
short_name = "S{LONG}"
party = "P1"

[[candidate]]
code = "bob{LONG}"
name = "Bob Baker"

[[candidate]]
code = "cat"
name = "Cat {LONG}"
"""


def test_every_text_too_long_is_named_on_its_own_line_and_key() -> None:
    with pytest.raises(ContestFileError) as caught:
        parse_contest_file(FILE)
    found = {(p.line, p.key) for p in caught.value.problems}
    assert found == {
        (3, "contest.office"),
        (4, "contest.area"),
        (10, "party[1].name"),
        (13, "party[2].code"),
        (19, "candidate[1].short_name"),
        (23, "candidate[2].code"),
        (28, "candidate[3].name"),
    }, [str(p) for p in caught.value.problems]
    for problem in caught.value.problems:
        assert problem.message.startswith("is ") and "characters long; at most" in problem.message, str(problem)


RESULT = """\
[contest]
name = "Res race"
election_date = 2024-05-02
system = "sv"

[[candidate]]
code = "ann"
name = "Ann Able"

[[candidate]]
code = "bob"
name = "Bob Baker"

[result]
source = "{source}"
first_round = {{ ann = 600, bob = 400 }}
final_round = {{ ann = 600, bob = 400 }}
"""


@pytest.mark.parametrize(
    "source", ["Official \\u202egnp.exe", "London Elects\\u001b[2J", "Declared\\nWinner: Bob", "Declared \\u2066x"]
)
def test_an_official_results_source_takes_no_control_or_direction_character(source: str) -> None:
    """The declared result's source (a line of attribution, `contest show`'s "Source: ...", File > Official
    result's field) took a right-to-left override, a terminal escape or a line break, which a poll's source
    address, method and an instant-runoff prior's source refuse: "Official <U+202E>gnp.exe" reads "Official
    exe.png" in the result form. Refused on its line and key, as every other source."""
    from warroom.core.validation import result_problems

    with pytest.raises(ContestFileError) as caught:
        parse_contest_file(RESULT.format(source=source))
    assert [(p.line, p.key) for p in caught.value.problems] == [(15, "result.source")], [
        str(p) for p in caught.value.problems
    ]
    plain = parse_contest_file(RESULT.format(source="London Elects, 3 May 2012"))
    assert plain.result is not None and plain.result.source == "London Elects, 3 May 2012"
    from dataclasses import replace

    assert "source" in dict(result_problems(plain.contest, replace(plain.result, source="a\u202eb")))
