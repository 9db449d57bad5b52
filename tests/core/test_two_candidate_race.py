"""A race of two candidates (issue 16, one number, one place): nobody is eliminated before the runoff, so the
runoff is the first round, and every figure of it is the first round's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from tests.conftest import TOY
from warroom.core.pipeline import BaselineChoice, compute_averages, evaluate, make_case, runoff_kind
from warroom.core.types import Poll

TWO = replace(TOY, name="Two only", candidates=TOY.candidates[:2])


def two_polls(undecided: float = 0.0) -> list[Poll]:
    """30 polls of a lopsided two-candidate race (Ann about 63, Bob about 37), three pollsters."""
    rng = np.random.default_rng(3)
    polls = []
    for i in range(30):
        d = date(2024, 1, 1) + timedelta(days=3 * i)
        a = round(64 + rng.normal(0, 1.5), 1)
        polls.append(
            Poll(
                pollster=["Acme", "Beta", "Gamma"][i % 3],
                fieldwork_start=d,
                fieldwork_end=d + timedelta(days=2),
                sample_size=int(rng.integers(600, 2000)),
                first_round={"ann": a * (100 - undecided) / 100, "bob": (100 - a) * (100 - undecided) / 100},
            )
        )
    return polls


@pytest.mark.parametrize("undecided", [0.0, 12.0])
def test_a_two_candidate_runoff_is_its_first_round_in_every_figure(undecided: float) -> None:
    """From the same polls the runoff shares were 64.9-35.1 where the first round said 64.5-35.5, and the
    first-round and runoff lead charts said +29.3 and +29.9: the three were averaged apart (the runoff's leads
    as implied runoffs with doubled variance, the first round's as leads of their own). The runoff of two is now
    their first round scaled to the two (nothing to transfer), the leads the shares' difference, one series."""
    polls = two_polls(undecided)
    averages = compute_averages(polls, TWO)
    assert averages is not None
    ann, bob = (float(averages.first_round[c].mean[-1]) for c in ("ann", "bob"))
    valid_lead = 100.0 * (ann - bob) / (ann + bob)
    assert averages.first_lead.mean[-1] == pytest.approx(ann - bob, abs=1e-9)
    assert averages.second_lead.mean[-1] == pytest.approx(valid_lead, abs=1e-9)
    if not undecided:
        np.testing.assert_allclose(averages.second_lead.mean, averages.first_lead.mean, atol=1e-3)
        np.testing.assert_allclose(averages.second_lead.upper, averages.first_lead.upper, atol=1e-3)
    assert "implied" not in runoff_kind(averages) and "two candidates" in runoff_kind(averages)

    baseline, scenario = make_case(BaselineChoice(), polls, TWO, averages)
    view = evaluate(baseline, scenario)
    runoff = view.projection.runoff
    share = 100.0 * ann / (ann + bob)
    assert runoff.a_share == pytest.approx(share, abs=1e-6)
    assert view.projection.margin == pytest.approx(valid_lead, abs=1e-6)
    assert f"{view.projection.margin:+.1f}" == f"{averages.first_lead.mean[-1] * 100 / (ann + bob):+.1f}"
