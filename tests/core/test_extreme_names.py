"""Names of extreme contests (issue 16, a fresh hostile pass): what charts, verdicts and tables call a candidate."""

from __future__ import annotations

import pytest

from warroom.core.types import Candidate


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Robert F. Kennedy Jr.", "Kennedy"),
        ("Martin Luther King, Jr.", "King"),
        ("Bartholomew Maximilian Featherstonehaugh-Cholmondeley Junior", "Featherstonehaugh-Cholmondeley"),
        ("John Smith III", "Smith"),
        ("Hank Williams Sr", "Williams"),
        ("Sadiq Khan", "Khan"),
        ("Junior", "Junior"),  # a name that is only the word stays itself
        ("王小明", "王小明"),
    ],
)
def test_a_candidate_is_called_by_the_last_word_of_the_name_before_a_generational_suffix(name, shown) -> None:
    """Without a short name a candidate is called by the last word of the name, so "Robert F. Kennedy Jr." was
    "Jr." on every chart, verdict and column ("Safe Jr. (98 % chance)"), and a 60-letter name ending in Junior
    "Junior". A trailing Jr, Sr, Junior, Senior, II, III or IV (and a comma before it) is passed over."""
    assert Candidate("x", name).display == shown
    assert Candidate("x", name, short_name="Bobby").display == "Bobby"  # a short name given is kept
