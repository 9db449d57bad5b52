"""Issue 16, a fresh pass on two-round and instant-runoff races (h5): what a saved two-round case says when the
race's candidates changed since it was saved. A saved runoff (SV) or instant-runoff case's note says "Since it was
saved: Paddick is now Paddock ..." (core.pipeline.contest_changes, saved_cases.irv_freshness); a two-round case
said nothing of a finalist renamed, withdrawn or deleted since, in the panel's note, Compare, the briefing and
`warroom scenario --name` alike. Failed before its fix."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from warroom.core.saved_cases import SavedTwoRound, save_two_round, two_round_case, two_round_freshness
from warroom.core.two_round_pipeline import Campaign
from warroom.core.types import Contest
from warroom.demo import FAR_LEFT_2022, france_2022_compilation, france_2022_contest

MACRON, LE_PEN = "Emmanuel Macron", "Marine Le Pen"


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    c = france_2022_compilation()
    return Campaign(tuple(c.notices), tuple(c.matrices), dict(c.results))


def _edited(contest: Contest, code: str, **changes: object) -> Contest:
    return replace(
        contest, candidates=tuple(replace(c, **changes) if c.code == code else c for c in contest.candidates)
    )


def _saved(campaign: Campaign, contest: Contest) -> SavedTwoRound:
    case = two_round_case(campaign, proxies=FAR_LEFT_2022)
    made = save_two_round("Plan", case, case.defaults.scenario, contest=contest)
    baseline, settings = (json.loads(json.dumps(d, sort_keys=True)) for d in made.to_dicts())  # as stored
    return SavedTwoRound.from_dicts("Plan", baseline, settings)


def test_a_two_round_cases_note_says_a_finalist_was_renamed_withdrawn_or_deleted_since(campaign: Campaign) -> None:
    race = france_2022_contest()
    saved = _saved(campaign, race)
    today = two_round_case(campaign, proxies=FAR_LEFT_2022)
    assert two_round_freshness(saved, today, contest=race) == ""  # nothing changed: silent
    renamed = _edited(race, "le-pen", name="Marine Le Pen-Aliot", withdrawn=True)
    note = two_round_freshness(saved, today, contest=renamed)
    assert note == "Since it was saved: Marine Le Pen is now Marine Le Pen-Aliot; Marine Le Pen has withdrawn.", note
    gone = replace(race, candidates=tuple(c for c in race.candidates if c.code not in ("macron", "zemmour")))
    note = two_round_freshness(saved, today, contest=gone)
    assert "Emmanuel Macron is no longer a candidate" in note and "Éric Zemmour is no longer a candidate" in note
    # a respelling the polls' names read alike (accents, case) renames no one; the case's figures stay as saved
    assert two_round_freshness(saved, today, contest=_edited(race, "zemmour", name="Eric ZEMMOUR")) == ""
    assert saved.summary().margin == pytest.approx(saved.view().projection.margin)


def test_a_two_round_case_saved_before_codes_were_kept_is_matched_by_name(campaign: Campaign) -> None:
    race = france_2022_contest()
    case = two_round_case(campaign, proxies=FAR_LEFT_2022)
    baseline, settings = save_two_round("Old", case, case.defaults.scenario, contest=race).to_dicts()
    baseline.pop("codes")  # a record from before
    old = SavedTwoRound.from_dicts("Old", baseline, settings)
    assert two_round_freshness(old, case, contest=race) == ""
    note = two_round_freshness(old, case, contest=_edited(race, "le-pen", name="Jordan Bardella"))
    assert note == f"Since it was saved: no candidate of the race is now called {LE_PEN}.", note
    assert "has withdrawn" in two_round_freshness(old, case, contest=_edited(race, "macron", withdrawn=True))


def test_a_hand_edited_code_map_is_refused_naming_the_case(campaign: Campaign) -> None:
    from warroom.core.pipeline import PipelineError

    race = france_2022_contest()
    case = two_round_case(campaign, proxies=FAR_LEFT_2022)
    baseline, settings = save_two_round("Plan", case, case.defaults.scenario, contest=race).to_dicts()
    for bad in ({"Nobody": "x"}, {MACRON: 3}, ["macron"]):
        with pytest.raises(PipelineError, match=r"saved scenario 'Plan'.*codes"):
            SavedTwoRound.from_dicts("Plan", {**baseline, "codes": bad}, settings)


def test_a_withdrawn_candidate_never_qualifies_nor_is_the_runoff_shown_first(campaign: Campaign) -> None:
    """France 2027's question: Marine Le Pen marked withdrawn (`withdrawn = true`, as an ineligible candidate would
    be). `warroom qualify` and the window still gave her a 93 % chance of reaching the runoff, and `warroom
    average`, `warroom scenario` and the panel started on her runoff against Macron; a Supplementary Vote race
    never makes a withdrawn candidate a finalist. Her share stays in the first round (the SV rule); the others
    qualify."""
    from warroom.core.two_round_pipeline import two_round_report, withdrawn_names

    race = france_2022_contest()
    before = two_round_report(campaign, rules=race.counting_rules)
    assert before.qualify[LE_PEN] > 0.9 and before.matchup is not None
    assert {before.matchup.a, before.matchup.b} == {MACRON, LE_PEN}
    out = withdrawn_names(_edited(race, "le-pen", withdrawn=True))
    report = two_round_report(campaign, rules=race.counting_rules, withdrawn=out)
    assert report.qualify[LE_PEN] == 0.0
    assert sum(report.qualify.values()) == pytest.approx(2.0)  # two finalists in every draw
    assert report.first.latest() == before.first.latest()  # her share stays in the first round
    assert report.matchup is not None and {report.matchup.a, report.matchup.b} == {MACRON, "Jean-Luc Mélenchon"}
    case = two_round_case(campaign, proxies=FAR_LEFT_2022, withdrawn=out)
    assert LE_PEN not in case.pair and MACRON in case.pair
    # asked for by name, her runoff is still there
    assert set(two_round_case(campaign, matchup=(MACRON, LE_PEN), withdrawn=out).pair) == {MACRON, LE_PEN}


def test_a_poll_asking_one_runoff_pair_twice_is_refused_naming_both_questions() -> None:
    """A notice asking one pair under two labels ("A / B" 60-40 and "A / B bis" 30-70, or "B / A") was imported
    whole; every view reads a notice's first matchup of a pair (PollNotice.matchup), so the second figure was
    stored and read by no average, chart or table, without a word. Refused in the poll CSV with questions, the
    NSPPolls reader and bundles, naming both."""
    from datetime import date

    from tests.conftest import TOY
    from tests.core.test_france import NSP_HEADER, nsp_row
    from warroom.core.compilations import parse_question_csv
    from warroom.core.france import FranceFormatError, parse_nsppolls_polls
    from warroom.store.questions import campaign_from_dict, campaign_to_dict

    head = "pollster,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,second:ann,second:bob\n"
    rows = [
        "Zeta,z1,H1,2024-03-05,2024-03-07,1000,40,40,20,,\n",
        "Zeta,z1,Ann / Bob,2024-03-05,2024-03-07,1000,,,,60,40\n",
        "Zeta,z1,Ann / Bob bis,2024-03-05,2024-03-07,1000,,,,30,70\n",  # line 4
    ]
    result = parse_question_csv(head + "".join(rows), TOY, today=date(2024, 4, 1))
    assert [(e.line, e.field) for e in result.errors] == [(4, "question")], result.errors
    assert "'Ann / Bob bis' asks" in result.errors[0].message and "'Ann / Bob', line 3" in result.errors[0].message
    assert not parse_question_csv(head + "".join(rows[:2]), TOY, today=date(2024, 4, 1)).errors

    text = NSP_HEADER + "".join(
        [
            nsp_row("Emmanuel Macron", "55", pid="p2", tour="Deuxième tour", hyp="H1"),
            nsp_row("Marine Le Pen", "45", pid="p2", tour="Deuxième tour", hyp="H1"),
            nsp_row("Marine Le Pen", "48", pid="p2", tour="Deuxième tour", hyp="H2"),  # line 4
            nsp_row("Emmanuel Macron", "52", pid="p2", tour="Deuxième tour", hyp="H2"),
        ]
    )
    with pytest.raises(FranceFormatError) as caught:
        parse_nsppolls_polls(text)
    assert [(e.line, e.field) for e in caught.value.errors] == [(4, "candidat")], caught.value.errors
    assert "again" in str(caught.value)

    one = parse_question_csv(head + "".join(rows[:2]), TOY, today=date(2024, 4, 1))
    data = campaign_to_dict(Campaign(one.notices, (), {}))
    twice = dict(
        data["notices"][0]["matchups"][0], label="Bob / Ann", a="Bob Blue", b="Ann Red", a_share=40, b_share=60
    )
    data["notices"][0]["matchups"].append(twice)
    with pytest.raises(ValueError, match=r"notices\[1\].*'Bob / Ann' asks Bob Blue against Ann Red again"):
        campaign_from_dict(data)
