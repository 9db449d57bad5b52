"""The baseline's first round as polled beside the projection's, scaled to 100 % (issue 16, one number, one place):
one panel showed Paddick 3.4 (the poll average) and 3.5 (the projection) with nothing to say which was which."""

from __future__ import annotations

from warroom.core.pipeline import polled_first_round
from warroom.core.scenario import Baseline, Scenario, project

NAMES = {"bj": "Johnson", "kl": "Livingstone", "bp": "Paddick", "other": "Others"}


def _baseline(shares: dict[str, float]) -> Baseline:
    return Baseline(first_round=shares, party_vi={}, candidate_party={}, a="bj", b="kl", label="x", names=NAMES)


def test_a_first_round_that_scales_apart_from_its_projection_says_it_is_as_polled_and_scaled() -> None:
    base = _baseline({"bj": 45.0, "kl": 41.0, "bp": 3.56, "other": 12.0})  # 101.56 % in all, as averages can be
    projected = project(base, Scenario(splits={})).first_round
    assert (f"{base.first_round['bp']:.1f}", f"{projected['bp']:.1f}") == ("3.6", "3.5")
    words = polled_first_round(base)
    assert words.startswith("As polled: Johnson 45.0, Livingstone 41.0, Others 12.0, Paddick 3.6 "), words
    assert "(101.6 % in all; scaled to 100 % in the projection)" in words, words


def test_a_first_round_that_prints_alike_scaled_says_only_as_polled() -> None:
    base = _baseline({"bj": 44.0, "kl": 40.0, "bp": 16.0})
    assert polled_first_round(base) == "As polled: Johnson 44.0, Livingstone 40.0, Paddick 16.0"


def test_a_runoff_adjustment_that_prints_as_nothing_is_not_described_as_a_difference() -> None:
    """A race read on polling day printed "First round plus the default transfers alone would put the margin 0.0
    points lower; that difference is kept ..." (an adjustment of a few hundredths); under 0.05 points the line
    now names the runoff's source only, as for none at all."""
    from dataclasses import replace

    from warroom.core.pipeline import describe_runoff_source

    base = replace(_baseline({"bj": 44.0, "kl": 40.0, "bp": 16.0}), runoff_source="the runoff poll average")
    for adjustment in (0.0, 0.03, -0.049):
        said = describe_runoff_source(replace(base, runoff_adjustment=adjustment))
        assert said == "Runoff: the runoff poll average.", said
    assert "0.7 points higher" in describe_runoff_source(replace(base, runoff_adjustment=-0.7))
