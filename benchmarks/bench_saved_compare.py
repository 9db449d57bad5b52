"""Saved-case compare benchmark: building Scenario > Compare's columns (each case's headline on its own saved
figures, and the note on whether today's data answer differently) for ten saved two-round cases (France 2022)
and ten saved instant-runoff cases (Burlington 2009), against ten saved runoff (SV) cases of the London 2012
demo measured in the same run (the columns the dialog has always built).

No target in an issue: the dialog should open without a visible wait; this measures how far from that it is.

Run: python benchmarks/bench_saved_compare.py [--cases 10] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import datetime

import numpy as np
from _common import summary  # also puts the repository on sys.path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from warroom.core.forecast import ForecastErrors
    from warroom.core.irv_pipeline import IrvCase
    from warroom.core.pipeline import (
        BaselineChoice,
        OddsModel,
        compute_averages,
        default_scenario,
        freshness,
        make_baseline,
        save_scenario,
    )
    from warroom.core.saved_cases import (
        irv_freshness,
        save_irv,
        save_two_round,
        two_round_case,
        two_round_freshness,
    )
    from warroom.core.two_round import RunoffSplit
    from warroom.core.two_round_pipeline import Campaign, first_round_model
    from warroom.demo import (
        FAR_LEFT_2022,
        LONDON_2012,
        burlington_scenario,
        demo_polls,
        france_2022_compilation,
    )
    from warroom.resources import resource_path

    now = datetime(2026, 11, 29, 17, 0)
    errors = ForecastErrors.load(resource_path("data", "forecast_errors.json"))
    rng = np.random.default_rng(1)

    # reference: the SV columns (SavedScenario.view with the simulated odds, and freshness)
    polls = [replace(p, id=i + 1) for i, p in enumerate(demo_polls())]
    averages = compute_averages(polls, LONDON_2012)
    choice = BaselineChoice()
    base = make_baseline(choice, polls, LONDON_2012, averages)
    odds = OddsModel(errors, LONDON_2012.election_date)
    sv_default = default_scenario(base, polls, LONDON_2012, choice)
    sv = [
        save_scenario(
            f"c{i}", choice, base, replace(sv_default, message_strength=float(rng.uniform(0, 0.5))), polls, now
        )
        for i in range(args.cases)
    ]

    def sv_columns() -> None:
        for s in sv:
            s.view(odds)
            freshness(s, polls, LONDON_2012, averages, None, odds)

    # two-round: the panel's case on the 2022 campaign, ten cases with other Mélenchon splits
    comp = france_2022_compilation()
    campaign = Campaign(tuple(comp.notices), tuple(comp.matrices), dict(comp.results))
    panel_average = first_round_model(campaign.notices).view(None)  # the panel holds this already
    case = two_round_case(campaign, proxies=FAR_LEFT_2022, averages=panel_average)
    mel = "Jean-Luc Mélenchon"
    two = []
    for i in range(args.cases):
        a = float(rng.uniform(10, 60))
        s = replace(
            case.defaults.scenario, splits={**case.defaults.scenario.splits, mel: RunoffSplit(a, 60 - a, 20, 20)}
        )
        two.append(save_two_round(f"t{i}", case, s, now=now))

    def two_round_columns() -> None:
        todays = {}  # as services.case_library does: today's case once per pair and hypothesis
        for s in two:
            key = (s.scenario.a, s.scenario.b, s.hypothesis)
            if key not in todays:
                todays[key] = two_round_case(
                    campaign, matchup=(s.scenario.a, s.scenario.b), proxies=FAR_LEFT_2022, averages=panel_average
                )
            s.summary(two_round_freshness(s, todays[key]))

    # instant runoff: Burlington 2009's ballots, ten cases with another Montroll row
    irv_base = IrvCase(burlington_scenario(), "2009 ballots", None, {})
    irv = []
    for i in range(args.cases):
        row = np.array(irv_base.scenario.transfers[irv_base.scenario.index("montroll")])
        k = float(rng.uniform(0, 10))
        row[irv_base.scenario.index("wright")] += k
        row[-1] = max(0.0, row[-1] - k)
        scen = irv_base.scenario.with_row("montroll", row / row.sum() * 100)
        irv.append(save_irv(f"i{i}", irv_base, scen, row="montroll", now=now))
    burlington_odds = OddsModel(errors, LONDON_2012.election_date)

    def irv_columns() -> None:
        for s in irv:
            s.summary(burlington_odds, irv_freshness(s, irv_base))

    results: dict[str, list[float]] = {"sv": [], "two_round": [], "irv": []}
    for _ in range(args.repeats):  # interleaved: the same load on each
        for key, fn in (("sv", sv_columns), ("two_round", two_round_columns), ("irv", irv_columns)):
            t = time.perf_counter()
            fn()
            results[key].append(1000 * (time.perf_counter() - t))
    for key, label in (
        ("sv", "runoff (SV) reference"),
        ("two_round", "two-round (France 2022)"),
        ("irv", "instant runoff (Burlington)"),
    ):
        print(f"{args.cases} {label} columns: {summary(results[key])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
