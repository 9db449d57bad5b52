"""Issue 16, hostile pass h2: a stored or bundled instant-runoff transfer prior whose first round is too large to
scale (each 1e308) is refused, not read back as NaN shares (`store.irv_priors.prior_from_dict`; the core rule is
tests/core/test_hostile_h2_irv_overflow.py). Failed before its fix."""

from __future__ import annotations

import json

import pytest

from warroom.core.irv_scenario import IrvScenario
from warroom.store import irv_priors

CODES = ("ann", "bob", "cat")
ROWS = [[0.0, 60.0, 30.0, 10.0], [50.0, 0.0, 40.0, 10.0], [45.0, 45.0, 0.0, 10.0]]


def test_a_stored_prior_so_written_is_refused_not_read_as_nan() -> None:
    data = json.loads(json.dumps(irv_priors.prior_to_dict(IrvScenario(CODES, [50.0, 30.0, 20.0], ROWS))))
    assert irv_priors.prior_from_dict(data).first_round.tolist() == [50.0, 30.0, 20.0]
    data["first_round"] = [1e308, 1e308, 1e308]
    with pytest.raises(irv_priors.PriorError, match="too large"):
        irv_priors.prior_from_dict(data)
