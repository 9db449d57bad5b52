"""Hostile pass 5 (issue 16), core: right-to-left names joined into the headline strings every front end prints."""

from __future__ import annotations

import re
from dataclasses import replace

from tests.conftest import KHAN, RTL_TOY, make_poll
from tests.irv_fixture import IRV_CONTEST, irv_polls
from warroom.core.irv_pipeline import evaluate_irv, irv_baseline
from warroom.core.pipeline import BaselineChoice, assumption_lines, compute_averages, default_scenario, make_baseline
from warroom.core.report import summarise
from warroom.core.saved_cases import irv_summary
from warroom.core.scenario import project
from warroom.core.types import bidi_isolated

FSI, PDI = "\u2068", "\u2069"


def _bare_rtl(text: str) -> list[str]:
    """Runs of right-to-left letters that sit outside any isolate in `text` (each would take the figures and
    punctuation after it into its run)."""
    outside = re.sub(f"{FSI}[^{FSI}{PDI}]*{PDI}", "", text)
    return re.findall("[\u0590-\u08ff]+", outside)


def test_the_helper_isolates_right_to_left_names_once_and_leaves_latin_names() -> None:
    assert bidi_isolated(KHAN) == f"{FSI}{KHAN}{PDI}"
    assert bidi_isolated(bidi_isolated(KHAN)) == f"{FSI}{KHAN}{PDI}"  # never wrapped twice
    assert bidi_isolated("Cat Green") == "Cat Green"
    assert bidi_isolated("Reid ܐ") != "Reid ܐ"  # Syriac is right to left too
    assert bidi_isolated("\U0001e900") != "\U0001e900"  # so is Adlam, outside the basic plane


def test_every_core_headline_isolates_a_right_to_left_name_from_its_figures() -> None:
    """The runoff verdict ("Gap not closed: خان still ahead ... by 4.0 points"), the settings in words, the
    briefing's average and lead lines, and an instant-runoff case's headline and summary joined a Hebrew or
    Arabic name with the figures after it, so the figures were laid out inside the name's right-to-left run
    ("Reid 41 %" read as "% 41 ..."). Every one of them now isolates the name; a Latin name is left alone."""
    polls = [
        replace(make_poll(d, a=44 + (d % 3), b=40 - (d % 2), c=16 - (d % 3) + (d % 2)), id=d) for d in range(1, 20)
    ]
    avg = compute_averages(polls, RTL_TOY)
    assert avg is not None
    base = make_baseline(BaselineChoice(), polls, RTL_TOY, avg)
    scenario = default_scenario(base, polls, RTL_TOY, BaselineChoice())
    p = project(base, scenario)
    texts = [p.verdict, p.situation, *assumption_lines(base, scenario)]
    summary = summarise(avg, polls, RTL_TOY)
    texts += [*summary.share_lines(), *summary.lead_lines()]
    for text in texts:
        assert not _bare_rtl(text), text
    assert any(f"{FSI}{KHAN}{PDI}" in t for t in texts) and any("Cat Green" in t for t in texts)
    assert not any(f"{FSI}Cat" in t for t in texts)

    names = {"alp": "آلان ريد", "grn": "גרייס נולאן"}
    contest = replace(
        IRV_CONTEST,
        candidates=tuple(replace(c, name=names.get(c.code, c.name)) for c in IRV_CONTEST.candidates),
    )
    irv_poll_list = [replace(q, id=i + 1) for i, q in enumerate(irv_polls())]
    case = irv_baseline(contest, irv_poll_list, compute_averages(irv_poll_list, contest))
    view = evaluate_irv(case)
    case_summary = irv_summary(view)
    irv_texts = [view.headline, *view.lines(), case_summary.margin_text, *case_summary.details]
    assert any(FSI in t for t in irv_texts)
    for text in irv_texts:
        assert not _bare_rtl(text), text
    assert case_summary.winner == "נולאן" and FSI not in case_summary.winner  # the name itself in data fields
