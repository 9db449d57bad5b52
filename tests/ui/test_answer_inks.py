"""Meeting mode's answer page draws the runoff lead in inks that mean no candidate.

Its average and polls were drawn in #D55E00 and its "this scenario" line in #0072B2: on London 2012 those are
Livingstone's and Johnson's colours everywhere else in the window, so "Johnson minus Livingstone" (Johnson ahead)
came up in Livingstone's colour and the scenario line in Johnson's. France 2022's page, the same page, drew Macron
minus Le Pen in Le Pen's colour. The average, the polls and the scenario line now use neutral inks; the scenario's
label is black on the projector sheet's slider yellow, readable (WCAG 4.5:1).
"""

from __future__ import annotations

from warroom.core.colour import TEXT_CONTRAST, contrast_ratio


def _inks(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    label = page.projected.label
    return {
        "average": page.line.opts["pen"].color().name().upper(),
        "polls": page.points.opts["brush"].color().name().upper(),
        "scenario": page.projected.pen.color().name().upper(),
        "label text": label.color.name().upper(),
        "label fill": label.fill.color().name().upper(),
    }


def _check(page, contest) -> None:  # type: ignore[no-untyped-def]
    taken = {c.colour.upper() for c in contest.candidates} | {p.colour.upper() for p in contest.parties}
    inks = _inks(page)
    for what in ("average", "polls", "scenario"):
        assert inks[what] not in taken, (what, inks[what], sorted(taken))
    assert inks["average"] != inks["scenario"]
    assert contrast_ratio(inks["label text"], inks["label fill"]) >= TEXT_CONTRAST, inks
    assert contrast_ratio(inks["scenario"], "#000000") >= TEXT_CONTRAST  # the line on the projector's black


def test_london_answer_page_lead_is_in_no_candidates_colour(demo) -> None:
    room = demo
    page = room.answer_view
    page.show()  # (hidden, the page draws no averages: AnswerView.show_averages)
    assert page.line.xData is not None and len(page.line.xData) > 0  # the lead is drawn
    page.hide()
    _check(page, room.poll_service.contest)


def test_france_answer_page_lead_is_in_no_candidates_colour(france_room) -> None:
    room = france_room
    page = room.two_round_answer
    _check(page, room.poll_service.contest)
