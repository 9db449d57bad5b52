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
