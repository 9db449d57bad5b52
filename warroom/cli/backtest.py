"""`warroom backtest`: for every contest with a stored result, the average and the forecast at fixed distances
before polling day against the result, with interval coverage and a calibration table (core.backtest)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from warroom.cli.common import CliError, emit_json, open_for_cli, table
from warroom.cli.two_round import backtest_json, print_backtest, two_round_backtests
from warroom.core.backtest import (
    BACKTESTED,
    DISTANCES,
    BacktestPoint,
    RaceKey,
    backtest_contest,
    no_final_round_reason,
    not_backtested_reason,
    race_key,
    summarise_backtest,
    untested_reason,
)
from warroom.core.forecast import chance_text, signed_points
from warroom.core.types import echoed


def _point_json(p: BacktestPoint) -> dict[str, Any]:
    return {
        "contest": p.contest,
        "days_before": p.days,
        "as_of": p.as_of.isoformat(),
        "polls": p.polls,
        "front_runner": p.a,
        "challenger": p.b,
        "margin": round(p.margin, 3),
        "band90": [round(p.band[0], 3), round(p.band[1], 3)],
        "official_margin": None if p.actual_margin is None else round(p.actual_margin, 3),
        "error": None if p.margin_error is None else round(p.margin_error, 3),
        "covered": p.covered,
        "p_challenger_wins": round(p.p_b_wins, 4),
        "challenger_won": p.b_won,
        "shares": {
            c: {"average": round(m, 3), "band90": [round(lo, 3), round(hi, 3)], "official": round(o, 3)}
            for c, (m, lo, hi, o) in p.shares.items()
        },
    }


def cmd_backtest(args: argparse.Namespace, out: TextIO) -> int:
    """Run the back-test over every contest in the store that has a result (or the --contest one)."""
    from warroom.resources import resource_path
    from warroom.store import contests as contests_repo
    from warroom.store import polls as repo
    from warroom.store.db import translated

    store = open_for_cli(args)
    points: list[BacktestPoint] = []
    try:
        with translated(store.engine), store.sessions() as session:
            contests = repo.list_contests(session)
            if args.contest:
                named = repo.get_contest(session, args.contest)  # as every verb finds it (case, spacing, NFC)
                contests = [c for c in contests if named is not None and c.id == named.id]
                if not contests:
                    raise CliError(f"no contest named {echoed(args.contest)} in the store")
            work = []
            untested: list[tuple[str, str]] = []  # (contest, why): a stored result with nothing to test
            two_round = two_round_backtests(session, contests)
            # A race stored twice (a copy under another name) is scored once, as the error table counts it
            # (core.backtest.race_key): the demo first, then in the order stored. London and its copy were scored
            # as two races, "10 times of 10" and a calibration table of two identical races.
            same_as: dict[int, str] = {}
            first_of: dict[RaceKey, str] = {}
            for c in sorted(contests, key=lambda c: (not c.demo, c.id or 0)):
                stored = contests_repo.get_official_result(session, c.id or 0)
                if stored is None or c.system not in BACKTESTED or len(stored.final_round) != 2:
                    continue
                key = race_key(c, stored)
                if key in first_of:
                    same_as[c.id or 0] = first_of[key]
                else:
                    first_of[key] = c.name
            for c in contests:
                result = contests_repo.get_official_result(session, c.id or 0)
                if result is not None and c.system not in BACKTESTED:
                    if any(t.id == c.id for t, _bt in two_round):
                        continue  # scored by the two-round back-test below
                    # (an instant-runoff race was scored on a Supplementary Vote projection the app never shows
                    # for it: Burlington's "P(chal.) 15 %" for Kiss, where its panel gives him 34 %)
                    untested.append((c.name, not_backtested_reason(c)))
                elif result is not None and (c.id or 0) in same_as:
                    untested.append(
                        (
                            c.name,
                            f"the same race as {same_as[c.id or 0]} (the same polling day and official figures): "
                            "scored once",
                        )
                    )
                elif result is not None and len(result.final_round) == 2:
                    priors = contests_repo.transfer_prior_of(session, c)
                    work.append((c, result, repo.list_polls(session, c.id or 0), priors))
                elif result is not None:
                    # left out without a word: a race won in the first round (no final round to score a margin on)
                    untested.append((c.name, no_final_round_reason(c, result)))
            # The table the app uses (the shipped record refitted with the stored races), each race's back-test
            # without its own eve-of-poll error: fitted with it, the bands learnt the result they were scored on.
            table = resource_path("data", "forecast_errors.json")
            errors_of = contests_repo.errors_without_each(session, table, [c.id for c, *_rest in work])
    finally:
        store.close()
    if not work and not two_round and not untested:
        if args.contest:  # (it said "no contest in the store has ...", of one race named)
            raise CliError(f"{contests[0].name} has no official result with a final round to test against")
        raise CliError("no contest in the store has an official result with a final round to test against")
    for contest, result, polls, priors in work:
        found = backtest_contest(contest, polls, result, errors_of[contest.id], priors=priors)
        if not found:
            untested.append((contest.name, untested_reason(contest, polls)))
        points += found
    if not points and not two_round:
        # An empty table and "Brier score nan." was printed (every poll dated after polling day).
        raise CliError("nothing to back-test: " + "; ".join(f"{name}: {why}" for name, why in untested))
    summary = summarise_backtest(points)
    share_pairs = [(lo <= o <= hi) for p in points for (_m, lo, hi, o) in p.shares.values()]
    if args.json:
        emit_json(
            {
                "distances": list(DISTANCES),
                "points": [_point_json(p) for p in points],
                "margin_band_coverage": {"held": summary.covered, "of": summary.intervals},
                "share_band_coverage": {"held": sum(share_pairs), "of": len(share_pairs)},
                "brier": round(summary.brier, 4) if points else None,
                "calibration": [
                    {
                        "bin": [b.low, b.high],
                        "n": b.count,
                        "mean_forecast": b.mean_forecast,
                        "observed": b.observed_rate,
                    }
                    for b in summary.bins
                    if b.count
                ],
                "two_round": [{"contest": c.name} | backtest_json(bt) for c, bt in two_round],
                "untested": [{"contest": name, "reason": why} for name, why in untested],
            },
            out,
        )
        return 0
    if points:
        _print_points(points, out)
    for name, why in untested:
        out.write(f"\nNot tested: {name}: {why}\n")
    for contest, bt in two_round:
        out.write(f"\nBack-test of {contest.title} (two rounds)\n")
        print_backtest(bt, out)
    return 0


def _print_points(points: list[BacktestPoint], out: TextIO) -> None:
    summary = summarise_backtest(points)
    share_pairs = [(lo <= o <= hi) for p in points for (_m, lo, hi, o) in p.shares.values()]
    out.write("Back-test: the poll average and the forecast d days before polling day, against the result\n\n")
    table(
        ["contest", "days", "as of", "polls", "margin", "90 % band", "result", "error", "held", "P(chal.)", "won"],
        [
            [
                p.contest,
                p.days,
                p.as_of,
                p.polls,
                f"{signed_points(p.margin)}",
                f"{signed_points(p.band[0])} to {signed_points(p.band[1])}",
                "" if p.actual_margin is None else f"{signed_points(p.actual_margin)}",
                "" if p.margin_error is None else f"{signed_points(p.margin_error)}",
                {True: "yes", False: "NO", None: ""}[p.covered],
                chance_text(p.p_b_wins),
                {True: "yes", False: "no", None: "tie"}[p.b_won],
            ]
            for p in points
        ],
        out,
    )
    out.write(
        f"\nMargin bands held the result {summary.covered} times of {summary.intervals}; "
        f"first-round share bands {sum(share_pairs)} of {len(share_pairs)}. Brier score {summary.brier:.3f}.\n"
    )
    out.write("Calibration (challenger's win probability):\n")
    table(
        ["forecast", "cases", "mean forecast", "challenger won"],
        [
            [
                f"{100 * b.low:.0f}-{100 * b.high:.0f} %",
                b.count,
                f"{100 * b.mean_forecast:.0f} %",
                f"{100 * b.observed_rate:.0f} %",
            ]
            for b in summary.bins
            if b.count
        ],
        out,
    )
