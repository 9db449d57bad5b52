"""The live scenario case a start frame keeps, so the start's first paint has the real scenario panel working.

Issue 15: the first window the user sees must have the scenario sliders, the message lever and their figures, not
only a headline. The start frame (core/startframe.py) keeps the case the last start's window evaluated once its
figures were in: the baseline it started from (every number), the default settings (what Reset goes back to), the
polls a baseline can be taken from, and the win probability's model (the forecast error table as refitted with
the store's races, polling day, the simulation's size and seed, the valid vote). The frame is used only when its
key proves that the store, the settings, the day and the code are those it was computed from, so this case is the
one the full load rebuilds from the store: the same core function (core.pipeline.evaluate) then gives the same
figures from it, to the last digit (every float goes through JSON as its shortest repr, which reads back exactly;
tests/core/test_start_case.py checks the views agree field by field).

Pure: text in, text out; numpy only through the pipeline's own modules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from warroom.core.baseline import PollOffers, scenario_from_dict, scenario_to_dict
from warroom.core.forecast import ErrorCurve, ForecastErrors
from warroom.core.pipeline import BaselineChoice, OddsModel, PipelineError, baseline_from_dict, baseline_to_dict
from warroom.core.scenario import Baseline, Scenario
from warroom.core.types import Contest

FORMAT = 1  # bumped when the fields change: an older case is then ignored, never misread


@dataclass(frozen=True)
class StartCase:
    """A runoff (SV) contest's live case as the window had it with its first figures in.

    Attributes:
        choice: the baseline choice (the start's: the latest poll average, unless there was no poll).
        baseline: that baseline's numbers.
        defaults: the baseline's default settings (the start's settings, and what Reset goes back to).
        offers: the polls a baseline can be taken from, and the polling period.
        odds: how the win probability is simulated (None: the normal approximation, no error table).
    """

    choice: BaselineChoice
    baseline: Baseline
    defaults: Scenario
    offers: PollOffers
    odds: OddsModel | None

    def to_json(self) -> str:
        odds = self.odds
        return json.dumps(
            {
                "format": FORMAT,
                "choice": self.choice.to_dict(),
                "baseline": baseline_to_dict(self.baseline),
                "defaults": scenario_to_dict(self.defaults),
                "offers": {
                    "newest": [[pid, label] for pid, label in self.offers.newest],
                    "first": _day(self.offers.first),
                    "last": _day(self.offers.last),
                },
                "odds": None
                if odds is None
                else {
                    "errors": {
                        "election_type": odds.errors.election_type,
                        "margin": _curve(odds.errors.margin),
                        "share": _curve(odds.errors.share),
                        "races": list(odds.errors.races),
                    },
                    "election_date": odds.election_date.isoformat(),
                    "draws": odds.draws,
                    "seed": odds.seed,
                    "valid_votes": odds.valid_votes,
                },
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, contest: Contest) -> StartCase | None:
        """The case in `text` for `contest`, or None if it is not one this version wrote (a cache: never an error)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return None
            offers = data["offers"]
            odds = data["odds"]
            return cls(
                choice=BaselineChoice.from_dict(data["choice"]),
                baseline=baseline_from_dict(data["baseline"], contest),
                defaults=scenario_from_dict(data["defaults"]),
                offers=PollOffers(
                    tuple((int(pid), str(label)) for pid, label in offers["newest"]),
                    _from_day(offers["first"]),
                    _from_day(offers["last"]),
                ),
                odds=None
                if odds is None
                else OddsModel(
                    ForecastErrors(
                        str(odds["errors"]["election_type"]),
                        _from_curve(odds["errors"]["margin"]),
                        _from_curve(odds["errors"]["share"]),
                        tuple(str(r) for r in odds["errors"]["races"]),
                    ),
                    date.fromisoformat(odds["election_date"]),
                    int(odds["draws"]),
                    int(odds["seed"]),
                    None if odds["valid_votes"] is None else int(odds["valid_votes"]),
                ),
            )
        except (PipelineError, ValueError, KeyError, TypeError, AttributeError):
            return None


def _curve(curve: ErrorCurve) -> dict[str, float]:
    return {"s0": curve.s0, "k": curve.k, "dof": curve.dof, "level": curve.level}


def _from_curve(data: Any) -> ErrorCurve:
    return ErrorCurve(float(data["s0"]), float(data["k"]), float(data["dof"]), float(data["level"]))


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _from_day(text: Any) -> date | None:
    return date.fromisoformat(text) if isinstance(text, str) else None
