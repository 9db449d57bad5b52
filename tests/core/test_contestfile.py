"""Contest files: the README example reads, files round-trip, and every problem names its line and key."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.core.contestfile import (
    ContestFileError,
    contest_from_dict,
    contest_to_dict,
    contest_to_toml,
    parse_contest_file,
    parse_contest_toml,
)
from warroom.core.types import (
    DIRECTION_CONTROLS,
    EXHAUSTED,
    Candidate,
    Contest,
    CountingSystem,
    OfficialResult,
    Party,
    Rules,
    lookalike_key,
)
from warroom.core.validation import first_round_winner

README = Path(__file__).resolve().parents[2] / "README.md"

EXAMPLE = """\
[contest]
name = "Cumbria Mayor 2027"
office = "Mayor of Cumbria"
area = "Cumbria Combined Authority"
election_date = 2027-05-06
system = "sv"
notes = "First election for the post."

[rules]
majority = 50.0
preferences = 2

[[party]]
code = "LAB"
name = "Labour"
colour = "#D55E00"

[[party]]
code = "CON"
name = "Conservative"
colour = "#0072B2"

[[candidate]]
code = "ada"
name = "Ada Lovelace"
short_name = "Lovelace"
party = "LAB"
colour = "#D55E00"

[[candidate]]
code = "bea"
name = "Bea Smith"
party = "CON"
colour = "#0072B2"

[[candidate]]
code = "cy"
name = "Cy Jones"
colour = "#777777"
withdrawn = true
"""


def _problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ContestFileError) as info:
        parse_contest_file(text)
    return [(p.line, p.key) for p in info.value.problems]


def test_a_small_file_reads_to_the_contest_it_describes() -> None:
    contest = parse_contest_toml(EXAMPLE)
    assert contest == Contest(
        name="Cumbria Mayor 2027",
        election_date=date(2027, 5, 6),
        system=CountingSystem.SV,
        office="Mayor of Cumbria",
        area="Cumbria Combined Authority",
        notes="First election for the post.",
        rules=Rules(majority=50.0, preferences=2),
        parties=(Party("LAB", "Labour", "#D55E00"), Party("CON", "Conservative", "#0072B2")),
        candidates=(
            Candidate("ada", "Ada Lovelace", "LAB", "#D55E00", "Lovelace"),
            Candidate("bea", "Bea Smith", "CON", "#0072B2"),
            Candidate("cy", "Cy Jones", None, "#777777", withdrawn=True),
        ),
    )


def test_the_readme_example_reads_and_round_trips() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Your own race") :]
    blocks = re.findall(r"```toml\n(.*?)```", section, flags=re.S)
    assert blocks, "the README's 'Your own race' section has a ```toml example"
    parsed = parse_contest_file(blocks[0])
    assert parsed.contest.system == CountingSystem.SV and parsed.result is not None
    assert parse_contest_file(contest_to_toml(parsed.contest, parsed.result)) == parsed


def test_a_rules_table_fills_unset_keys_from_the_system() -> None:
    two_round = EXAMPLE.replace('system = "sv"', 'system = "two_round"\nsecond_round_date = 2027-05-20').replace(
        "[rules]\nmajority = 50.0\npreferences = 2\n", '[rules]\nmajority_base = "cast"\n'
    )
    contest = parse_contest_toml(two_round)
    assert contest.rules == Rules(majority_base="cast", preferences=1)
    assert contest.second_round_date == date(2027, 5, 20)
    assert parse_contest_toml(EXAMPLE.replace("[rules]\nmajority = 50.0\npreferences = 2\n", "")).rules is None


def test_a_syntax_error_names_its_line() -> None:
    broken = EXAMPLE.replace('office = "Mayor of Cumbria"', "office = Mayor of Cumbria")
    with pytest.raises(ContestFileError, match=r"^line 3: TOML syntax"):
        parse_contest_toml(broken)


def test_every_problem_is_reported_with_its_line_and_key() -> None:
    text = (
        EXAMPLE.replace(
            'colour = "#0072B2"\n\n[[candidate]]\ncode = "cy"', 'colour = "blue"\n\n[[candidate]]\ncode = "cy"'
        )
        .replace('party = "CON"\ncolour', 'party = "LD"\ncolour')
        .replace("majority = 50.0", "majority = 120")
        .replace('system = "sv"', 'system = "fptp"\nmayor = true')
    )
    lines = text.splitlines()

    def line_of(fragment: str, nth: int = 0) -> int:
        return [i for i, line in enumerate(lines, start=1) if fragment in line][nth]

    found = _problems(text)
    assert (line_of('system = "fptp"'), "contest.system") in found
    assert (line_of("mayor = true"), "contest.mayor") in found
    assert (line_of('party = "LD"'), "candidate[2].party") in found
    assert (line_of('colour = "blue"'), "candidate[2].colour") in found
    assert (line_of("majority = 120"), "rules.majority") in found  # all of them in one pass


def test_contest_level_problems_land_on_the_right_candidate() -> None:
    twice = EXAMPLE.replace('code = "cy"\nname = "Cy Jones"', 'code = "ADA"\nname = "Bea Smith"')
    lines = twice.splitlines()
    found = _problems(twice)
    assert (lines.index('code = "ADA"') + 1, "candidate[3].code") in found
    assert (lines.index('name = "Bea Smith"', lines.index('code = "ADA"')) + 1, "candidate[3].name") in found
    late = EXAMPLE.replace('system = "sv"', 'system = "two_round"\nsecond_round_date = 2027-05-01')
    assert _problems(late) == [
        (late.splitlines().index("second_round_date = 2027-05-01") + 1, "contest.second_round_date")
    ]


def test_missing_contest_and_required_keys() -> None:
    assert _problems("[[candidate]]\ncode = 'a'\n") == [(None, "contest")]
    found = _problems('[contest]\nname = "X"\n')
    assert found == [(1, "contest.election_date"), (1, "contest.system")]  # missing: the table's own line


def test_result_table_is_read_and_checked() -> None:
    good = EXAMPLE + (
        "\n[result]\nfirst_round = { ada = 1000, bea = 900, cy = 100, other = 5 }\n"
        'final_round = { ada = 1040, bea = 930 }\ntransfers = [{ from = "cy", to = "ada", votes = 40 },'
        ' { from = "cy", to = "exhausted", votes = 30 }]\nexhausted = 35\nelectorate = 9000\nsource = "count"\n'
    )
    result = parse_contest_file(good).result
    assert result == OfficialResult(
        {"ada": 1000, "bea": 900, "cy": 100, "other": 5},
        {"ada": 1040, "bea": 930},
        (("cy", "ada", 40), ("cy", EXHAUSTED, 30)),
        35,
        9000,
        "count",
    )
    bad = good.replace("bea = 900", "bob = -2")
    line = bad.splitlines().index(next(x for x in bad.splitlines() if "bob = -2" in x)) + 1
    found = _problems(bad)
    assert (line, "result.first_round.bob") in found


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)  # free text: notes
_name = st.text(  # names and codes take no control or text-direction character (types.control_problem)
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters=sorted(DIRECTION_CONTROLS)),
    max_size=30,
)
_code = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda c: c != "other")
_colour = st.from_regex(r"#[0-9A-Fa-f]{6}", fullmatch=True)


@st.composite
def contests(draw: st.DrawFn) -> tuple[Contest, OfficialResult | None]:
    party_codes = draw(st.lists(st.from_regex(r"[A-Z]{1,4}", fullmatch=True), max_size=3, unique=True))
    # parties drawn alike (core.types.lookalike_key) are refused: each a name of its own look
    party_names = draw(st.lists(_name, min_size=len(party_codes), max_size=len(party_codes), unique_by=lookalike_key))
    parties = tuple(Party(code, name, draw(_colour)) for code, name in zip(party_codes, party_names, strict=True))
    codes = draw(st.lists(_code, min_size=2, max_size=5, unique_by=str.casefold))
    # short names typed alike are refused (Contest.problems: the charts could not tell the two apart); one shown
    # alike by default is given its full name (Contest.__post_init__)
    shorts: list[str] = []
    for _ in codes:
        short = draw(_name).strip()
        shorts.append("" if short.casefold() in {s.casefold() for s in shorts} else short)
    candidates = tuple(
        Candidate(
            code,
            f"{draw(_name).strip() or 'Name'} {i}",
            draw(st.sampled_from([None, *party_codes])),
            draw(_colour),
            shorts[i],
            draw(st.booleans()),
        )
        for i, code in enumerate(codes)
    )
    system = draw(st.sampled_from(list(CountingSystem)))
    day = draw(st.dates(date(1990, 1, 1), date(2040, 1, 1)))
    second = draw(st.none() | st.just(date(2041, 1, 1))) if system == CountingSystem.TWO_ROUND else None
    rules = draw(
        st.none()
        | st.builds(
            Rules,
            majority=st.floats(1.0, 99.0),
            majority_base=st.sampled_from(["valid", "cast", "registered"]),
            preferences=st.none() | st.integers(1, 9),
        )
    )
    contest = Contest(
        draw(_name).strip() or "Race",
        day,
        system,
        candidates,
        parties,
        None,
        draw(_name),
        draw(_name),
        second,
        rules,
        draw(_text),
    )
    result = None
    if draw(st.booleans()):
        # A result its system's count could give (core.validation.result_problems): the top two on first
        # preferences go on, each keeping his first preferences; what they gain and the exhausted pile come out of
        # the grouped others; transfers leave someone who is not a finalist.
        votes = st.integers(1, 10**8)
        first = {c: draw(votes) for c in codes}
        finalists = sorted(codes, key=lambda c: -first[c])[:2]
        final = {c: first[c] + draw(st.integers(0, 10**6)) for c in finalists}
        exhausted = draw(st.integers(0, 10**6))
        first["other"] = sum(final.values()) - sum(first[c] for c in finalists) + exhausted + draw(votes)
        losers = [c for c in codes if c not in finalists]
        transfers = tuple(
            (losers[-1], draw(st.sampled_from([finalists[0], EXHAUSTED])), draw(votes))
            for _ in range(draw(st.integers(0, 1 if losers else 0)))
        )
        counted = sum(first.values())
        electorate = draw(st.none() | st.integers(counted, counted + 10**8))
        result = OfficialResult(first, final, transfers, exhausted, electorate, draw(_name))  # (a source: one line)
        if first_round_winner(contest, result) is not None:  # elected in the first round: no votes transferred
            result = replace(result, final_round={}, transfers=())
    return contest, result


@settings(max_examples=60, deadline=None)
@given(contests())
def test_files_round_trip(case: tuple[Contest, OfficialResult | None]) -> None:
    contest, result = case
    assert contest.problems() == []
    parsed = parse_contest_file(contest_to_toml(contest, result))
    assert parsed.contest == contest and parsed.result == result
    again = contest_from_dict(contest_to_dict(contest, result))  # the bundle path: dates as ISO text
    assert again.contest == contest and again.result == result


@settings(max_examples=40, deadline=None)
@given(contests(), st.data())
def test_a_bad_value_anywhere_is_placed_on_its_own_line(
    case: tuple[Contest, OfficialResult | None], data: st.DataObject
) -> None:
    contest, result = case
    lines = contest_to_toml(contest, result).split("\n")
    k = data.draw(st.integers(0, len(contest.candidates) - 1))
    header = [i for i, line in enumerate(lines) if line == "[[candidate]]"][k]
    target = next(i for i in range(header + 1, len(lines)) if lines[i].startswith("colour = "))
    lines[target] = 'colour = "nope"'
    with pytest.raises(ContestFileError) as info:
        parse_contest_file("\n".join(lines))
    assert [(p.line, p.key) for p in info.value.problems] == [(target + 1, f"candidate[{k + 1}].colour")]


def test_unicode_line_separators_inside_strings_do_not_shift_lines() -> None:
    raw = EXAMPLE.replace('notes = "First election for the post."', 'notes = "one\u2028two\x85three"')
    bad = raw.replace('colour = "#777777"', 'colour = "grey"')
    line = bad.split("\n").index('colour = "grey"') + 1
    assert _problems(bad) == [(line, "candidate[3].colour")]
    written = contest_to_toml(parse_contest_toml(raw))
    assert "\u2028" not in written and "\x85" not in written and "\\u2028" in written
    assert parse_contest_toml(written) == parse_contest_toml(raw)


def test_multi_line_strings_and_quotes_in_strings_do_not_shift_lines() -> None:
    text = EXAMPLE.replace(
        'notes = "First election for the post."',
        'notes = """\nline one \'\'\' and \\"""\n[[candidate]]\ncolour = \'x\'\n"""\noffice2 = \'a"""b\'',
    ).replace('colour = "#777777"', 'colour = "grey"')
    line = text.split("\n").index('colour = "grey"') + 1
    found = _problems(text)
    assert (line, "candidate[3].colour") in found
    assert (text.split("\n").index('office2 = \'a"""b\'') + 1, "contest.office2") in found


def test_a_transfer_prior_round_trips_and_cannot_be_the_contest_itself() -> None:
    from dataclasses import replace as _replace

    from tests.conftest import TOY

    with_prior = _replace(TOY, transfer_prior="London Mayor 2012")
    text = contest_to_toml(with_prior)
    assert 'transfer_prior = "London Mayor 2012"' in text
    assert parse_contest_file(text).contest.transfer_prior == "London Mayor 2012"
    own = text.replace('transfer_prior = "London Mayor 2012"', f'transfer_prior = "{TOY.name}"')
    with pytest.raises(ContestFileError) as info:
        parse_contest_file(own)
    assert any("transfer_prior" in p.key or "transfer_prior" in p.message for p in info.value.problems)


def test_full_preferential_is_a_rule_of_the_file_and_round_trips() -> None:
    irv = EXAMPLE.replace('system = "sv"', 'system = "irv"').replace(
        "[rules]\nmajority = 50.0\npreferences = 2\n", "[rules]\nfull_preferential = true\n"
    )
    contest = parse_contest_toml(irv)
    assert contest.rules == Rules(preferences=None, finalists="elimination", full_preferential=True)
    assert "full_preferential = true" in contest_to_toml(contest)
    assert parse_contest_toml(contest_to_toml(contest)) == contest
    assert contest_from_dict(contest_to_dict(contest)).contest == contest
    # optional preferential (the default) writes nothing new: older files and stores read the same
    optional = parse_contest_toml(irv.replace("full_preferential = true", "preferences = 5"))
    assert "full_preferential" not in contest_to_toml(optional)
    assert optional.rules is not None and not optional.rules.full_preferential


def test_full_preferential_problems_name_their_line_and_key() -> None:
    irv = EXAMPLE.replace('system = "sv"', 'system = "irv"')
    lines = {
        'full_preferential = "yes"': "must be true or false",
        "full_preferential = true": "preferences must be all",  # with the example's preferences = 2
    }
    for setting, message in lines.items():
        text = irv.replace("preferences = 2\n", f"preferences = 2\n{setting}\n")
        line = text.splitlines().index(setting) + 1 if setting.endswith('"yes"') else None
        with pytest.raises(ContestFileError, match=message) as caught:
            parse_contest_toml(text)
        if line is not None:
            assert f"line {line}: rules.full_preferential" in str(caught.value)
        else:
            assert "rules.full_preferential" in str(caught.value)
    sv = EXAMPLE.replace("preferences = 2\n", "preferences = 2\nfull_preferential = true\n")
    with pytest.raises(ContestFileError, match="only to instant runoff"):
        parse_contest_toml(sv)
