"""Issue 16, hostile pass h2: an instant-runoff scenario's first round whose figures are each finite but too large
to scale (1e308: 100 x it, or the sum of several, overflows) is refused naming it. The scenario took it and
normalised it to inf or NaN shares without a word (NaN shares had made the count loop for ever in a saved case:
saved_cases' own guard); a stored or bundled transfer prior so written was read back that way
(tests/store/test_hostile_h2_prior_overflow.py). Failed before its fix."""

from __future__ import annotations

import numpy as np
import pytest

from warroom.core.irv_scenario import IrvScenario

CODES = ("ann", "bob", "cat")
ROWS = [[0.0, 60.0, 30.0, 10.0], [50.0, 0.0, 40.0, 10.0], [45.0, 45.0, 0.0, 10.0]]


@pytest.mark.parametrize("first", [[1e308, 1.0, 1.0], [1e308, 1e308, 1e308], [1.8e306, 0.0, 0.0]])
def test_a_first_round_too_large_to_scale_is_refused(first: list[float]) -> None:
    with pytest.raises(ValueError, match=r"first-round shares .* too large"):
        IrvScenario(CODES, first, ROWS)


def test_large_counts_still_scale_to_shares() -> None:
    s = IrvScenario(CODES, [6e9, 3e9, 1e9], ROWS)  # (more voters than anywhere has: still finite shares)
    assert np.allclose(s.first_round, [60.0, 30.0, 10.0]) and np.isfinite(s.first_round).all()
