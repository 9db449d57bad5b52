"""Transfer priors from a past count, checked on the official 2012 London count."""

from __future__ import annotations

from datetime import date

import pytest

from warroom.core.priors import PriorError, transfer_priors
from warroom.core.types import EXHAUSTED, Candidate, Contest, CountingSystem, OfficialResult, Party
from warroom.demo import LONDON_2012

# Official 2012 count (resources/data/london_mayor_results.json): second preferences are published pooled.
LONDON_2012_RESULT = OfficialResult(
    first_round={
        "johnson": 971_931,
        "livingstone": 889_918,
        "jones": 98_913,
        "paddick": 91_774,
        "benita": 83_914,
        "webb": 43_274,
        "cortiglia": 28_751,
    },
    final_round={"johnson": 1_054_811, "livingstone": 992_273},
    transfers=(("other", "johnson", 82_880), ("other", "livingstone", 102_355)),
)

NEW = Contest(
    name="Riverside Mayor 2027",
    election_date=date(2027, 5, 6),
    system=CountingSystem.SV,
    parties=(Party("LAB", "Labour"), Party("CON", "Conservative"), Party("GRN", "Green"), Party("REF", "Reform")),
    candidates=(
        Candidate("ada", "Ada Lab", "LAB"),
        Candidate("cy", "Cy Con", "CON"),
        Candidate("gus", "Gus Green", "GRN"),
        Candidate("rex", "Rex Reform", "REF"),
    ),
)


def test_pooled_rate_and_party_division_from_the_2012_count() -> None:
    priors = transfer_priors(LONDON_2012, LONDON_2012_RESULT, NEW, "ada", "cy")
    assert set(priors) == {"gus", "rex", "other"}
    valid = 100 * (82_880 + 102_355) / 346_626  # 53.4 % named a finalist
    lab_share = 100 * 102_355 / 185_235  # Labour's finalist took 55.3 % of them
    for split in priors.values():
        assert split.to_a + split.to_b == pytest.approx(valid)
        assert split.a_of_valid == pytest.approx(lab_share)  # Ada is Labour, like Livingstone
    swapped = transfer_priors(LONDON_2012, LONDON_2012_RESULT, NEW, "cy", "ada")
    assert swapped["gus"].a_of_valid == pytest.approx(100 - lab_share)


def test_pooled_transfers_read_from_the_final_round_when_none_are_listed() -> None:
    bare = OfficialResult(first_round=LONDON_2012_RESULT.first_round, final_round=LONDON_2012_RESULT.final_round)
    assert transfer_priors(LONDON_2012, bare, NEW, "ada", "cy") == transfer_priors(
        LONDON_2012, LONDON_2012_RESULT, NEW, "ada", "cy"
    )


def test_unmatched_finalists_split_evenly_at_the_past_rate() -> None:
    priors = transfer_priors(LONDON_2012, LONDON_2012_RESULT, NEW, "ada", "rex")  # Reform never made the final
    assert priors["gus"].a_of_valid == pytest.approx(50.0)
    assert priors["gus"].to_a + priors["gus"].to_b == pytest.approx(100 * 185_235 / 346_626)


def test_per_candidate_transfers_give_party_rates() -> None:
    result = OfficialResult(
        first_round={"johnson": 900, "livingstone": 800, "jones": 100, "paddick": 200},
        final_round={"johnson": 990, "livingstone": 930},
        transfers=(
            ("jones", "livingstone", 60),
            ("jones", "johnson", 10),
            ("jones", EXHAUSTED, 30),
            ("paddick", "johnson", 80),
            ("paddick", "livingstone", 70),
        ),
    )
    priors = transfer_priors(LONDON_2012, result, NEW, "ada", "cy")
    green = priors["gus"]  # Jones was Green: 70 of her 100 named a finalist, 60 of them Livingstone (Labour)
    assert (green.to_a, green.to_b, green.exhausted) == pytest.approx((60.0, 10.0, 30.0))
    pooled = priors["rex"]  # no Reform candidate last time: all eliminated pooled, 220 of 300
    assert pooled.to_a + pooled.to_b == pytest.approx(100 * 220 / 300)


def test_a_result_without_a_final_round_gives_no_prior() -> None:
    with pytest.raises(PriorError, match="final round"):
        transfer_priors(LONDON_2012, OfficialResult(first_round={"johnson": 10, "livingstone": 5}), NEW, "ada", "cy")
