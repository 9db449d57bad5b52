"""Saved two-round and instant-runoff scenarios, and the headline every front end prints for a saved case. Pure.

A Supplementary Vote case is a `core.pipeline.SavedScenario`; a two-round (issue 11) or instant-runoff (issue 12)
case is one of the classes here. All three live in the store's one scenario table as two JSON documents (the
baseline record and the settings record). The two new kinds tag their baseline record with `"kind"` and
`"version"`, so that each loader reads only its own kind: `record_kind` says which a record is (a record with
no tag is a Supplementary Vote case, as every record written before these existed), and `SavedScenario.from_dicts`
refuses a tagged record of another kind rather than misreading it.

Like a SavedScenario, a saved case carries what it was computed from (the first round and the uncertainty of a
two-round runoff; the first round and the whole next-preference matrix of an instant runoff), so it gives the
numbers it was saved with whatever the store holds later. `CaseSummary` is what compare, the briefing and the
command line print for a case: the projected winner, the margin and the chance, from the same core functions
the panels call (core.two_round_view.evaluate, core.irv_pipeline.evaluate_irv).

The two-round case a contest starts from (`two_round_case`) is the one the app's runoff panel shows: the pooled
first-round average (or one hypothesis'), the official first round once there is one, the pair the polls put
first, and the published matrices' splits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import numpy as np

from warroom.core.forecast import chance_text, gap_words, signed_points
from warroom.core.france import ABSTAINERS, BLANK_NULL, name_key
from warroom.core.irv_pipeline import IrvCase, IrvView, evaluate_irv, has_rows
from warroom.core.irv_scenario import IrvScenario
from warroom.core.pipeline import OddsModel, PipelineError, name_as_saved, names_changed, scenario_name_problem
from warroom.core.two_round import FirstRound, Message, RunoffSplit, TwoRoundError, TwoRoundScenario
from warroom.core.two_round_pipeline import (
    Campaign,
    CandidateAverages,
    default_matchup,
    first_round_model,
    matchup_average,
    matchups_asked,
    withdrawn_runoff_note,
)
from warroom.core.two_round_view import (
    ScenarioDefaults,
    TwoRoundView,
    default_scenario,
    evaluate,
    first_round_from,
    largest_other,
)
from warroom.core.types import EXHAUSTED, Contest, CountingSystem, bidi_isolated, listed
from warroom.core.validation import json_kind, text_only

KIND_KEY = "kind"
SV = "sv"
TWO_ROUND = "two_round"
IRV = "irv"
KINDS = (SV, TWO_ROUND, IRV)
VERSION = 1
"""The record format each new kind writes; a newer one is refused with a message, never guessed at."""
CHANGE_TOLERANCE = 0.05
"""Points of margin below which today's answer counts as the same as the saved one (core.pipeline's)."""


def record_kind(baseline_record: Mapping[str, Any]) -> str:
    """Which kind of case a stored baseline record holds: "sv" (untagged: every record from before the tag),
    "two_round" or "irv"; an unknown tag is returned as it is, for the caller to refuse."""
    kind = baseline_record.get(KIND_KEY, SV) if isinstance(baseline_record, Mapping) else SV
    return str(kind)


def _check_tag(name: str, record: Mapping[str, Any], kind: str) -> None:
    found = record_kind(record)
    if found != kind:
        raise PipelineError(
            f"saved scenario {name!r} is for {_kind_words(found)} contests, not {_kind_words(kind)} ones"
        )
    version = record.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= VERSION:
        raise PipelineError(
            f"saved scenario {name!r}: record version {version!r}; this warroom reads version {VERSION} "
            "(update warroom)"
        )


def _kind_words(kind: str) -> str:
    return {SV: "SV runoff", TWO_ROUND: "two-round", IRV: "instant-runoff"}.get(kind, repr(kind))


def contest_kind(contest: Contest) -> str:
    """The kind of case `contest`'s panel makes and shows: "sv" (the Supplementary Vote and the contingent vote),
    "two_round" or "irv"."""
    return {CountingSystem.TWO_ROUND: TWO_ROUND, CountingSystem.IRV: IRV}.get(contest.system, SV)


_MADE_UNDER = {
    SV: "a runoff (SV) case, made while the race was counted by the Supplementary Vote or the contingent vote",
    TWO_ROUND: "a two-round case, made while the race was counted in two rounds",
    IRV: "an instant-runoff case, made while the race was counted by instant runoff",
}


def other_system_note(name: str, baseline_record: Any, contest: Contest) -> str | None:
    """Why a saved case is not shown on `contest` (None: it is of the kind the race's panel shows, or of a kind
    this version does not know, which its reader names).

    A race whose counting system was changed since a case was saved (File > Edit contest, `contest edit`) keeps
    the case, but no panel of its system can read it: it was left out of the menu, Compare and the briefing
    without a word, and `warroom scenario --name` said "no saved scenario ... (saved: none)"."""
    kind = record_kind(baseline_record)
    if kind == contest_kind(contest) or kind not in _MADE_UNDER:
        return None
    now = {
        CountingSystem.SV: "by the Supplementary Vote",
        CountingSystem.CONTINGENT: "by the contingent vote",
        CountingSystem.IRV: "by instant runoff",
        CountingSystem.TWO_ROUND: "in two rounds",
    }[contest.system]
    return (
        f"saved scenario {name!r} is {_MADE_UNDER[kind]}; {contest.name} is now counted {now}, so it is not "
        "shown (it is kept, and shown again if the race's counting system is set back)"
    )


def checked_name(name: str) -> str:
    """A saved case's name, trimmed; the one rule of core.pipeline.scenario_name_problem (PipelineError)."""
    clean = name_as_saved(name)
    problem = scenario_name_problem(clean)
    if problem is not None:
        raise PipelineError(problem)
    return clean


def _flag(record: Mapping[str, Any], key: str, default: bool) -> bool:
    """A true/false field of a record: JSON true or false only ("false", 0 or 1 hand-typed is refused, not read
    as its truth value)."""
    value = record.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, got {value!r}")
    return value


BASELINE = "baseline record"
SETTINGS = "settings record"
"""The two JSON documents a saved case is stored as (its `where` in a refusal's words)."""


_kind_of = json_kind  # (core.validation's: one way to name a JSON value)


def _text(value: Any, field: str, where: str) -> str:
    """A text field of a saved record: a JSON string only, refused in core.validation's one wording. It was
    read with str(): a number 5 was the name "5", null the text "None" and a list its brackets, shown and matched
    as if typed."""
    return text_only(value, f"{field} in its {where}")


def _optional_text(value: Any, field: str, where: str) -> str | None:
    """A text field the app writes as null when it has none (a hypothesis, a message's electorate)."""
    return None if value is None else _text(value, field, where)


def _object(value: Any, field: str, where: str) -> Mapping[str, Any]:
    """A part of a saved record that is a JSON object ({"votes": ...}); a list or a number named, not a
    TypeError's "list indices must be integers"."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{field} in its {where} must be a JSON object, not {_kind_of(value)}")
    return value


def _text_list(value: Any, field: str, where: str) -> tuple[str, ...]:
    """A list of text (a string is no list: "ind" was read as the codes "i", "n", "d")."""
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValueError(f"{field} in its {where} must be a list of text, not {_kind_of(value)}")
    return tuple(value)


def _texts(value: Any, what: str) -> dict[str, str]:
    """An object of text -> text (None: empty)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f"{what} must be an object of code -> text, got {value!r}")  # (a number was read as "nan")
    return {str(k): v for k, v in value.items()}


MAX_COUNT = 1e10
"""More voters than this in one first round (past the world's population) is a hand-edited record, refused."""
MAX_SD = 100.0
"""A standard deviation in points of the vote past this is refused (the projection's normal tail overflowed)."""


def _count(value: Any, what: str) -> float:
    out = _number(value, what)
    if not 0 <= out <= MAX_COUNT:
        raise ValueError(f"{what} must lie within 0-{MAX_COUNT:,.0f}, got {out:g}")
    return out


def _sd(value: Any, what: str) -> float:
    out = _number(value, what)
    if not 0 <= out <= MAX_SD:
        raise ValueError(f"{what} must lie within 0-{MAX_SD:g} points, got {out:g}")
    return out


def _now(now: datetime | None) -> str:
    return (now or datetime.now()).isoformat(timespec="seconds")


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a number, got {value!r}")
    return float(value)


# --- the headline of a case ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSummary:
    """A case as compare, the briefing and the command line print it.

    Attributes:
        name: the saved name ("" for a case made from options).
        kind: "two_round" or "irv".
        baseline: what the case starts from, in words.
        saved_at: when it was saved (ISO 8601; "" if it is not saved).
        headline: the verdict in words.
        winner: the projected winner's name.
        runner_up: the other finalist's name.
        margin: the winner's lead over the runner-up in the runoff (or final round), points (>= 0).
        chance: the projected winner's chance of winning, 0-1.
        details: every setting in words.
        today: "" when today's data give the same answer, else one sentence.
        levers: the settings a user moves most, in words (compare's "Settings" row).
    """

    name: str
    kind: str
    baseline: str
    saved_at: str
    headline: str
    winner: str
    runner_up: str
    margin: float
    chance: float
    details: tuple[str, ...] = ()
    today: str = ""
    levers: tuple[str, ...] = ()

    @property
    def margin_text(self) -> str:
        words = gap_words(self.margin)  # (an exact two-round tie said "Macron by 0.0 points")
        if words == "level":
            return f"{bidi_isolated(self.winner)} and {bidi_isolated(self.runner_up)} level"
        return f"{bidi_isolated(self.winner)} {words}"

    @property
    def chance_text(self) -> str:
        return chance_text(self.chance)

    def as_json(self) -> dict[str, Any]:
        return {
            "scenario": self.name or None,
            "kind": self.kind,
            "baseline": self.baseline,
            "saved_at": self.saved_at or None,
            "headline": self.headline,
            "winner": self.winner,
            "runner_up": self.runner_up,
            "margin": round(self.margin, 3),
            "winner_chance": round(self.chance, 4),
            "assumptions": list(self.details),
            "today": self.today or None,
        }


COMPARE_ROWS = (
    "Baseline",
    "Saved",
    "Verdict",
    "Projected winner",
    "Margin",
    "Winner's chance",
    "Settings",
    "Today's data",
)


def compare_cells(summary: CaseSummary) -> list[str]:
    """One compare column's texts, in COMPARE_ROWS order."""
    return [
        summary.baseline,
        summary.saved_at.replace("T", " ") or "—",
        summary.headline,
        summary.winner,
        f"{summary.margin:.1f} points over {summary.runner_up}",
        summary.chance_text,
        "\n".join(summary.levers) or "the baseline's",
        summary.today or "same answer",
    ]


# --- two-round cases ------------------------------------------------------------------------------------------


def electorate_name(code: str) -> str:
    """An electorate in words (a candidate's name, or what the reserved electorates are)."""
    if code == ABSTAINERS:
        return "First-round abstainers"
    if code == BLANK_NULL:
        return "First-round blank and null voters"
    return code


def runoff_leader(view: TwoRoundView) -> tuple[str, float]:
    """The finalist more likely than not to win and that chance: TwoRoundView.favourite, what the panel's 'Chance
    X wins the runoff' line, the pickers and meeting mode say, and every saved-case headline prints."""
    return view.favourite()


def two_round_summary(view: TwoRoundView, *, name: str = "", baseline: str = "", saved_at: str = "") -> CaseSummary:
    """The headline of a two-round case (winner, margin on valid votes, chance) and its settings in words."""
    p = view.projection
    lines = two_round_lines(view)
    winner, runner = (p.a, p.b) if p.margin >= 0 else (p.b, p.a)
    leader, chance = runoff_leader(view)
    share = p.a_share if winner == p.a else 100.0 - p.a_share
    w, r, lead = bidi_isolated(winner), bidi_isolated(runner), bidi_isolated(leader)  # figures stay with names
    headline = f"{w} {share:.1f} % of valid votes against {r}; chance {lead} wins the runoff: {chance_text(chance)}"
    return CaseSummary(
        name,
        TWO_ROUND,
        baseline,
        saved_at,
        headline,
        winner,
        runner,
        abs(p.margin),
        chance if leader == winner else 1.0 - chance,
        tuple(lines),
        levers=tuple(lines[:2]),
    )


def _lever(percent: float) -> str:
    """A lever in whole points, or tenths where it has them ("-20", "-99.9": the turnout lever's floor is not -100)."""
    tenths = round(percent * 10)
    return f"{tenths / 10:+.0f}" if tenths % 10 == 0 else f"{signed_points(tenths / 10)}"


def two_round_lines(view: TwoRoundView) -> list[str]:
    """The settings of a two-round case in words: turnout, message, and each electorate's split (alike splits
    on one line)."""
    s, p = view.scenario, view.projection
    lines = [
        f"Runoff: {s.a} v {s.b}; turnout {p.turnout:.1f} % of registered (lever {_lever(100 * s.turnout)} %), "
        f"blank or null {p.blank_null_share:.1f} % of votes cast"
    ]
    m = s.message
    if m is not None and m.strength > 0:
        among = f" among {electorate_name(m.among)}" if m.among else ""
        lines.append(
            f"Message against {m.on}: {100 * m.strength:.0f} % of {m.on}'s runoff voters{among} leave ({m.to_other:.0f} % to "
            f"the other finalist, {m.to_blank_null:.0f} % blank or null, {m.to_abstain:.0f} % abstain)"
        )
    else:
        lines.append("Message: none")
    groups: dict[str, list[str]] = {}
    for code in view.first.electorates():
        sp = s.splits.get(code)
        if sp is None or code in (s.a, s.b):
            continue
        text = (
            f"{sp.to_a:.0f} % {s.a}, {sp.to_b:.0f} % {s.b}, {sp.blank_null:.0f} % blank or null, "
            f"{sp.abstain:.0f} % abstain"
        )
        groups.setdefault(text, []).append(electorate_name(code))
    for text, names in groups.items():
        # mid-sentence, a reserved electorate's name is lower case ("... and first-round abstainers: ...")
        said = [n if i == 0 or not n.startswith("First-round ") else "f" + n[1:] for i, n in enumerate(names)]
        who = listed(said)
        lines.append(f"{who}: {text}")
    return lines


@dataclass(frozen=True)
class TwoRoundCase:
    """What a two-round runoff scenario starts from.

    Attributes:
        first: the first round.
        first_source: which first round, in words.
        hypothesis: the first-round hypothesis seen through (None: every list, pooled).
        defaults: the pair's default splits and their uncertainty.
        electorate: whose voters the break-even question is about.
        note: what the runoff shown needs said (`withdrawn_runoff_note`: a finalist has withdrawn), or "".
    """

    first: FirstRound
    first_source: str
    hypothesis: str | None
    defaults: ScenarioDefaults
    electorate: str
    note: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        return (self.defaults.scenario.a, self.defaults.scenario.b)

    def view(self, scenario: TwoRoundScenario | None = None) -> TwoRoundView:
        """The case evaluated (core.two_round_view.evaluate, as the panel's controller calls it)."""
        return evaluate(
            self.first, scenario or self.defaults.scenario, error=self.defaults.error, electorate=self.electorate
        )


def _spelled(first: FirstRound, name: str) -> str:
    """The first round's spelling of a name ("Eric Zemmour" in a poll is "Éric Zemmour" in the results)."""
    key = name_key(name)
    return next((k for k in first.votes if name_key(k) == key), name)


def _mid_sentence(text: str) -> str:
    """A sentence's words inside another: its first letter lower case, the rest as written ("official first round
    of 10 April 2022"; `str.lower` printed "10 april 2022")."""
    return text[:1].lower() + text[1:]


class NotFinalists(PipelineError):
    """A runoff pair that the first round does not have both of."""


def runoff_first_round(
    campaign: Campaign, latest: Mapping[str, float], pair: tuple[str, str]
) -> tuple[FirstRound, str, str, str]:
    """(first round, where it comes from, A, B as the first round spells them): the first round a runoff
    scenario of `pair` stands on (core.two_round_view.first_round_from), for the panel's controller and
    two_round_case alike.

    Raises:
        PipelineError: no first round; NotFinalists: a finalist who is not a first-round candidate.
    """
    try:
        first, said = first_round_from(campaign.results, latest, campaign.expected)
    except ValueError as exc:
        raise PipelineError(str(exc)) from None
    a, b = _spelled(first, pair[0]), _spelled(first, pair[1])
    if a not in first.votes or b not in first.votes:
        raise NotFinalists(f"{pair[0]} v {pair[1]}: both must be first-round candidates ({_mid_sentence(said)})")
    return first, said, a, b


def two_round_case(
    campaign: Campaign,
    *,
    matchup: tuple[str, str] | None = None,
    hypothesis: str | None = None,
    proxies: Mapping[str, str] | None = None,
    averages: CandidateAverages | None = None,
    withdrawn: Iterable[str] = (),
) -> TwoRoundCase:
    """The runoff case of a two-round campaign as the app's panel starts it.

    Args:
        campaign: the contest's poll questions, matrices and results.
        matchup: the pair (either order: A is the one the head-to-heads put ahead); default the two leading
            candidates' runoff if polls ask it, else the first asked.
        hypothesis: see the first round through this hypothesis (None: pooled).
        proxies: electorates no matrix publishes -> the published one they follow.
        averages: the first-round averages of `hypothesis` when the caller has them (else worked out here).
        withdrawn: the race's withdrawn candidates (two_round_pipeline.withdrawn_names): never the default pair.

    Raises:
        PipelineError: no runoff question, an unknown pair, or no first round.
    """
    asked = matchups_asked(campaign.notices)
    if not asked:
        raise PipelineError("no runoff question in this contest's polls: no runoff scenario")
    if averages is None:
        try:
            averages = first_round_model(campaign.notices).view(hypothesis)
        except ValueError as exc:
            raise PipelineError(str(exc)) from None
    latest = averages.latest()
    if matchup is None:
        a, b = default_matchup(campaign.notices, averages, withdrawn) or asked[0][:2]
    else:
        a, b = matchup
        wanted = {name_key(a), name_key(b)}
        found = next(((x, y) for x, y, _ in asked if {name_key(x), name_key(y)} == wanted), None)
        if found is None:
            raise PipelineError(f"no poll asks the runoff {a} v {b}")
    if matchup_average(campaign.notices, a, b).latest() < 50.0:
        a, b = b, a
    first, said, a, b = runoff_first_round(campaign, latest, (a, b))
    defaults = default_scenario(first, campaign.matrices, a, b, proxies=proxies)
    note = withdrawn_runoff_note((a, b), asked, withdrawn)  # (it was shown as the race's runoff, without a word)
    return TwoRoundCase(first, said, hypothesis, defaults, largest_other(first, a, b), note)


def carry_over(saved: TwoRoundScenario, defaults: TwoRoundScenario) -> TwoRoundScenario:
    """A saved case's settings on today's first round of the same pair: its split for every electorate still
    there, today's default for a new one; levers kept. If today's head-to-heads put the other finalist ahead
    (A and B swap), each saved split is swapped with them, so every voter goes where the saved case sent him.

    Raises:
        PipelineError: the saved message is aimed at voters today's first round does not have (a candidate of
            the saved hypothesis who is not in today's first round).
    """
    among = saved.message.among if saved.message is not None else None
    if among is not None and among not in defaults.splits:
        raise PipelineError(
            f"its message is aimed at {electorate_name(among)!r}'s voters (as among {among!r}), who are not in "
            "today's first round"
        )
    own = dict(saved.splits)
    if (defaults.a, defaults.b) == (saved.b, saved.a):
        own = {k: RunoffSplit(v.to_b, v.to_a, v.blank_null, v.abstain) for k, v in own.items()}
    splits = {k: own.get(k, v) for k, v in defaults.splits.items()}
    return replace(defaults, splits=splits, turnout=saved.turnout, message=saved.message, name=saved.name)


def _split_to_dict(s: RunoffSplit) -> list[float]:
    return [s.to_a, s.to_b, s.blank_null, s.abstain]


def _split_from(value: Any, what: str) -> RunoffSplit:
    if not isinstance(value, list | tuple) or len(value) != 4:
        raise ValueError(f"{what}: a split is four numbers (A, B, blank or null, abstain), got {value!r}")
    return RunoffSplit(*(_number(x, what) for x in value))


def _pairs(value: Any, what: str, where: str) -> dict[str, Any]:
    """[[name, value], ...] (the order kept) or an object, as a dict; ValueError when neither or empty, or a name
    is not text (`[null, 9783058]` was a candidate called "None")."""
    if isinstance(value, Mapping):
        out = {str(k): v for k, v in value.items()}
    elif isinstance(value, list) and all(isinstance(p, list | tuple) and len(p) == 2 for p in value):
        bad = next((k for k, _v in value if not isinstance(k, str)), "")
        if not isinstance(bad, str):
            raise ValueError(f"a name in {what} (its {where}) must be text, not {_kind_of(bad)}")
        out = {str(k): v for k, v in value}
        if len(out) != len(value):
            twice = next(str(k) for i, (k, _v) in enumerate(value) if any(str(k) == str(j) for j, _ in value[:i]))
            raise ValueError(f"{what}: {twice} appears twice")
    else:
        raise ValueError(f"{what}: a list of [name, value] pairs is needed")
    if not out:
        raise ValueError(f"{what}: none given")
    return out


def two_round_settings_to_dict(scenario: TwoRoundScenario) -> dict[str, Any]:
    """The settings of a two-round case, JSON-ready."""
    m = scenario.message
    return {
        "a": scenario.a,
        "b": scenario.b,
        # pairs, not an object: the store writes JSON with sorted keys, and the order is the ballot order
        "splits": [[k, _split_to_dict(v)] for k, v in scenario.splits.items()],
        "turnout": scenario.turnout,
        "message": None
        if m is None
        else {
            "on": m.on,
            "strength": m.strength,
            "to_other": m.to_other,
            "to_blank_null": m.to_blank_null,
            "to_abstain": m.to_abstain,
            "among": m.among,
        },
    }


def two_round_settings_from_dict(data: Mapping[str, Any], name: str = "") -> TwoRoundScenario:
    """Inverse of two_round_settings_to_dict (ValueError naming the bad part)."""
    splits = _pairs(data.get("splits"), "splits", SETTINGS)
    m = data.get("message")
    message = None
    if m is not None:
        if not isinstance(m, Mapping):
            raise ValueError("message: must be an object or null")
        message = Message(
            _text(m["on"], "message on", SETTINGS),
            _number(m.get("strength", 0.0), "message strength"),
            _number(m.get("to_other", 40.0), "message to_other"),
            _number(m.get("to_blank_null", 30.0), "message to_blank_null"),
            _number(m.get("to_abstain", 30.0), "message to_abstain"),
            _optional_text(m.get("among"), "message among", SETTINGS),
        )
    return TwoRoundScenario(
        _text(data["a"], "a", SETTINGS),
        _text(data["b"], "b", SETTINGS),
        {str(k): _split_from(v, f"split of {k}") for k, v in splits.items()},
        _number(data.get("turnout", 0.0), "turnout"),
        message,
        name,
    )


@dataclass(frozen=True)
class SavedTwoRound:
    """A saved two-round case: reproducible from what it stores alone.

    Attributes:
        name: the name it was saved under.
        hypothesis: the first-round hypothesis it was seen through (None: pooled).
        first: the first round as it was.
        first_source: which first round, in words.
        scenario: the pair, every electorate's four-way split, the turnout lever and the message.
        error: the projection's uncertainty as it was (polling sd, each electorate's transfer sd).
        electorate: whose voters the break-even question was about.
        saved_at: when it was saved (ISO 8601, local time).
        codes: first-round name -> the race's candidate code when saved (`two_round_codes`), so a finalist
            renamed since is still known (empty in cases saved before it was kept: matched by name then).
    """

    name: str
    hypothesis: str | None
    first: FirstRound
    first_source: str
    scenario: TwoRoundScenario
    error: TwoRoundError = field(default_factory=TwoRoundError)
    electorate: str = ""
    saved_at: str = ""
    codes: Mapping[str, str] = field(default_factory=dict)

    @property
    def baseline_label(self) -> str:
        seen = f"hypothesis {self.hypothesis!r}" if self.hypothesis else "all hypotheses pooled"
        return f"{self.first_source} ({seen})"

    def view(self) -> TwoRoundView:
        """The case on its own saved first round: the numbers it was saved with."""
        return evaluate(self.first, self.scenario, error=self.error, electorate=self.electorate or None)

    def summary(self, today: str = "") -> CaseSummary:
        return replace(
            two_round_summary(self.view(), name=self.name, baseline=self.baseline_label, saved_at=self.saved_at),
            today=today,
        )

    def to_dicts(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(baseline record, settings record) for the store."""
        return (
            {
                KIND_KEY: TWO_ROUND,
                "version": VERSION,
                "hypothesis": self.hypothesis,
                "matchup": [self.scenario.a, self.scenario.b],
                "first_round": {
                    "votes": [[k, v] for k, v in self.first.votes.items()],  # in ballot order
                    "registered": self.first.registered,
                    "blank_null": self.first.blank_null,
                },
                "first_source": self.first_source,
                "error": {"polling_sd": self.error.polling_sd, "transfer_sd": dict(self.error.transfer_sd)},
                "electorate": self.electorate,
                "saved_at": self.saved_at,
                "codes": dict(self.codes),
            },
            two_round_settings_to_dict(self.scenario),
        )

    @classmethod
    def from_dicts(cls, name: str, record: Mapping[str, Any], settings: Mapping[str, Any]) -> SavedTwoRound:
        """Inverse of to_dicts (PipelineError naming the case and the problem)."""
        _check_tag(name, record, TWO_ROUND)
        try:
            fr = _object(record["first_round"], "first_round", BASELINE)
            votes = _pairs(fr["votes"], "votes", BASELINE)
            first = FirstRound(
                {k: _count(v, f"first-round votes of {k}") for k, v in votes.items()},
                _count(fr["registered"], "registered voters"),
                _count(fr.get("blank_null", 0.0), "blank and null votes"),
            )
            err = _object(record.get("error", {}), "error", BASELINE)
            transfer_sd = _object(err.get("transfer_sd", {}), "transfer_sd", BASELINE)
            error = TwoRoundError(
                _sd(err.get("polling_sd", TwoRoundError().polling_sd), "polling sd"),
                {str(k): _sd(v, f"transfer sd of {k}") for k, v in transfer_sd.items()},
            )
            scenario = two_round_settings_from_dict(settings, name)
            missing = [k for k in first.electorates() if k not in scenario.splits]
            if missing:
                raise ValueError(f"no split for {', '.join(missing)}")
            if scenario.a not in first.votes or scenario.b not in first.votes:
                raise ValueError(f"{scenario.a} v {scenario.b}: both must be first-round candidates")
            among = scenario.message.among if scenario.message is not None else None
            if among is not None and among not in first.electorates():
                raise ValueError(f"message among {among!r}: not an electorate of the saved first round")
            hypothesis = _optional_text(record.get("hypothesis"), "hypothesis", BASELINE)
            first_source = _text(record.get("first_source", ""), "first_source", BASELINE)
            saved_at = _text(record.get("saved_at", ""), "saved_at", BASELINE)
            electorate = _optional_text(record.get("electorate"), "electorate", BASELINE) or ""
            if electorate and electorate not in first.electorates():
                raise ValueError(f"electorate {electorate!r} is not one of the first round's")
            codes = _texts(record.get("codes"), "codes")
            if any(k not in first.votes for k in codes):
                raise ValueError("codes must name first-round candidates only")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PipelineError(f"saved scenario {name!r}: {str(exc).strip(chr(39) + chr(34))}") from None
        return cls(name, hypothesis, first, first_source, scenario, error, electorate, saved_at, codes)


def two_round_codes(first: FirstRound, contest: Contest | None) -> dict[str, str]:
    """First-round name -> the race's candidate code, for the names the race's candidates have (the two-round
    rule that ties a poll's name to a candidate: `name_key`, accents, case and hyphens aside)."""
    known = {name_key(c.name): c.code for c in contest.candidates} if contest is not None else {}
    return {name: known[name_key(name)] for name in first.votes if name_key(name) in known}


def two_round_changes(saved: SavedTwoRound, contest: Contest | None) -> str:
    """What changed in the race's candidates since a two-round case was saved ("" when nothing did), in the
    runoff case's words (`core.pipeline.contest_changes`): "Since it was saved: Marine Le Pen is now Marine
    Le Pen-Aliot; Valérie Pécresse is no longer a candidate; Emmanuel Macron has withdrawn." The case keeps the
    names it saved. A case saved before its candidates' codes were kept is matched by name: a finalist no
    candidate is now called is said so."""
    if contest is None:
        return ""
    now = {c.code: c for c in contest.candidates}
    finalists = (saved.scenario.a, saved.scenario.b)
    if saved.codes:
        then = {code: name for name, code in saved.codes.items()}
        # the two-round views read names as the polls spell them (`name_key`): a respelling that reads alike
        # ("Eric" for "Éric") renames no one
        said = names_changed(
            then,
            {
                code: then[code] if name_key(c.name) == name_key(then.get(code, "")) else c.name
                for code, c in now.items()
            },
            then,
        )
        who = {name: now.get(code) for name, code in saved.codes.items()}
    else:
        by_key = {name_key(c.name): c for c in contest.candidates}
        who = {name: by_key.get(name_key(name)) for name in finalists}
        said = [f"no candidate of the race is now called {bidi_isolated(n)}" for n in finalists if who[n] is None]
    said += [f"{bidi_isolated(n)} has withdrawn" for n in finalists if (c := who.get(n)) is not None and c.withdrawn]
    return f"Since it was saved: {'; '.join(said)}." if said else ""


def save_two_round(
    name: str,
    case: TwoRoundCase,
    scenario: TwoRoundScenario,
    *,
    electorate: str | None = None,
    now: datetime | None = None,
    contest: Contest | None = None,
) -> SavedTwoRound:
    """A SavedTwoRound of the live case (the name trimmed and checked as every saved scenario's); `contest`: the
    race, whose candidates' codes the case keeps (`two_round_codes`) so that a rename since can be said."""
    clean = checked_name(name)
    return SavedTwoRound(
        clean,
        case.hypothesis,
        case.first,
        case.first_source,
        replace(scenario, name=clean),
        case.defaults.error,
        electorate or case.electorate,
        _now(now),
        two_round_codes(case.first, contest),
    )


def two_round_freshness(
    saved: SavedTwoRound, today: TwoRoundCase | None, problem: str = "", *, contest: Contest | None = None
) -> str:
    """One sentence when today's polls and results give the saved settings another answer, and one when the
    race's candidates changed since (`two_round_changes`; "" when neither)."""
    since = two_round_changes(saved, contest)
    if today is None:
        return " ".join(x for x in (f"Today's data cannot rebuild this case: {problem}" if problem else "", since) if x)
    try:
        carried = carry_over(saved.scenario, today.defaults.scenario)
    except PipelineError as exc:
        return " ".join(x for x in (f"Today's data cannot rebuild this case: {exc}", since) if x)
    now = today.view(carried).projection
    then = saved.view().projection
    if abs(now.margin - then.margin) < CHANGE_TOLERANCE:
        return since
    return " ".join(
        x
        for x in (
            f"Today's first round ({_mid_sentence(today.first_source)}) gives {now.a} {signed_points(now.margin)} with the same "
            f"settings, against {signed_points(then.margin)} when saved.",
            since,
        )
        if x
    )


# --- instant-runoff cases -------------------------------------------------------------------------------------


def irv_summary(view: IrvView, *, name: str = "", baseline: str = "", saved_at: str = "") -> CaseSummary:
    """The headline of an instant-runoff case (IrvView.headline, the panel's) with the winner, the final-round
    margin and the winner's simulated chance."""
    winner, runner = view.run.final_pair
    chance = view.odds.p_win.get(winner, 0.0) if view.odds is not None else (1.0 if view.run.final_margin > 0 else 0.5)
    return CaseSummary(
        name,
        IRV,
        baseline,
        saved_at,
        view.headline,
        view.names.get(winner, winner),  # the name itself (a JSON field); margin_text isolates it for text
        view.names.get(runner, runner),
        float(view.run.final_margin),
        float(chance),
        tuple(irv_lines(view)),
    )


def irv_lines(view: IrvView, edited: Sequence[str] | None = None) -> list[str]:
    """The settings of an instant-runoff case in words: the first round and each (edited) next-preference row."""
    s = view.scenario
    order = sorted(s.codes, key=lambda c: (-s.share(c), c))
    lines = ["First round: " + ", ".join(f"{view.name(c)} {s.share(c):.1f} %" for c in order)]
    rows = order if edited is None else [c for c in order if c in edited]
    for c in rows if has_rows(s) else []:  # (two candidates: no row is ever counted, none is said)
        row = sorted(s.row(c).items(), key=lambda kv: (kv[0] == EXHAUSTED, -kv[1]))
        parts = ", ".join(f"{view.name(k)} {v:.0f} %" for k, v in row if v >= 0.5)
        lines.append(f"{view.name(c)}'s voters next: {parts}")
    lines += view.lines()
    return lines


def edited_rows(scenario: IrvScenario, baseline: IrvScenario) -> tuple[str, ...]:
    """The candidates whose next-preference row differs from the baseline's (the user's edits)."""
    if scenario.codes != baseline.codes:
        return tuple(scenario.codes)
    return tuple(
        c
        for i, c in enumerate(scenario.codes)
        if not np.allclose(scenario.transfers[i], baseline.transfers[i], atol=1e-9)
    )


@dataclass(frozen=True, eq=False)
class SavedIrv:
    """A saved instant-runoff case: reproducible from what it stores alone.

    Attributes:
        name: the name it was saved under.
        scenario: the first round, the whole next-preference matrix and the counting rules, as they were.
        label: where the first round came from, in words.
        as_of: the day of the figures (for the distance to polling day), when known.
        names: candidate code -> display name.
        sources: candidate code -> where the row came from.
        edited: the rows the user set (the others were the baseline's).
        row: whose row the sliders were on.
        saved_at: when it was saved (ISO 8601, local time).
    """

    name: str
    scenario: IrvScenario
    label: str
    as_of: date | None
    names: Mapping[str, str]
    sources: Mapping[str, str] = field(default_factory=dict)
    edited: tuple[str, ...] = ()
    row: str = ""
    saved_at: str = ""

    @property
    def case(self) -> IrvCase:
        return IrvCase(self.scenario, self.label, self.as_of, dict(self.names), dict(self.sources))

    def view(self, odds: OddsModel | None = None) -> IrvView:
        """The case on its own saved figures (core.irv_pipeline.evaluate_irv, the panel's)."""
        return evaluate_irv(self.case, odds=odds)

    def summary(self, odds: OddsModel | None = None, today: str = "") -> CaseSummary:
        view = self.view(odds)
        out = irv_summary(view, name=self.name, baseline=self.label, saved_at=self.saved_at)
        edited = irv_lines(view, self.edited)[1 : 1 + len(self.edited)]
        return replace(out, details=tuple(irv_lines(view, self.edited)), today=today, levers=tuple(edited))

    def to_dicts(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(baseline record, settings record) for the store."""
        s = self.scenario
        return (
            {
                KIND_KEY: IRV,
                "version": VERSION,
                "label": self.label,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "names": dict(self.names),
                "sources": dict(self.sources),
                "codes": list(s.codes),
                "first_round": [float(x) for x in s.first_round],
                "max_rankings": s.max_rankings,
                "batch_elimination": s.batch_elimination,
                "stop_at_majority": s.stop_at_majority,
                "full_preferential": s.full_preferential,
                "saved_at": self.saved_at,
            },
            {
                "rows": {c: [float(x) for x in s.transfers[i]] for i, c in enumerate(s.codes)},
                "edited": list(self.edited),
                "row": self.row,
            },
        )

    @classmethod
    def from_dicts(cls, name: str, record: Mapping[str, Any], settings: Mapping[str, Any]) -> SavedIrv:
        """Inverse of to_dicts (PipelineError naming the case and the problem)."""
        _check_tag(name, record, IRV)
        try:
            codes = _text_list(record["codes"], "codes", BASELINE)
            rows = settings["rows"]
            if not isinstance(rows, Mapping) or set(rows) != set(codes):
                raise ValueError("the next-preference rows must name exactly the case's candidates")
            max_rankings = record.get("max_rankings")
            if max_rankings is not None and (
                isinstance(max_rankings, bool) or not isinstance(max_rankings, int) or not 1 <= max_rankings <= 10_000
            ):
                raise ValueError(f"max_rankings must be a whole number within 1-10,000 or null, got {max_rankings!r}")
            # A share or a count, each at most MAX_COUNT: 1e308 was read, and the count's 100 * share overflowed
            # (every margin NaN, a share "inf %")
            first_round = np.array([_number(x, "first-round share") for x in record["first_round"]])
            past = next((x for x in first_round.tolist() if not 0 <= x <= MAX_COUNT), None)
            if past is not None:
                raise ValueError(f"first-round shares must each lie within 0-{MAX_COUNT:,.0f}, got {past:g}")
            if not math.isfinite(sum(first_round.tolist())):  # each finite, their sum not: NaN shares in the count
                raise ValueError("first-round shares are too large to add up")
            scenario = IrvScenario(
                codes,
                first_round,
                np.array([[_number(x, f"row of {c}") for x in rows[c]] for c in codes]),
                max_rankings,
                _flag(record, "batch_elimination", False),
                _flag(record, "stop_at_majority", True),
                _flag(record, "full_preferential", False),  # cases saved before the rule read as optional
            )
            as_of = record.get("as_of")
            if as_of is not None and not isinstance(as_of, str):  # (a number was read as no day at all)
                raise ValueError(f"as_of in its {BASELINE} must be a date written YYYY-MM-DD, not {_kind_of(as_of)}")
            try:
                as_of_day = date.fromisoformat(as_of) if as_of is not None else None
            except ValueError as exc:
                raise ValueError(f"as_of {as_of!r}: {exc}") from None
            names = _texts(record.get("names"), "names")
            sources = _texts(record.get("sources"), "sources")
            edited = _text_list(settings.get("edited", []), "edited", SETTINGS)
            stranger = next((c for c in edited if c not in codes), None)
            if stranger is not None:  # (it was dropped without a word)
                raise ValueError(f"edited in its {SETTINGS} names {stranger!r:.40}, not one of the case's candidates")
            row = _optional_text(settings.get("row"), "row", SETTINGS) or ""
            label = _text(record.get("label", ""), "label", BASELINE)
            saved_at = _text(record.get("saved_at", ""), "saved_at", BASELINE)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise PipelineError(f"saved scenario {name!r}: {str(exc).strip(chr(39) + chr(34))}") from None
        return cls(name, scenario, label, as_of_day, names, sources, edited, row if row in codes else "", saved_at)


def save_irv(
    name: str,
    case: IrvCase,
    scenario: IrvScenario,
    *,
    row: str = "",
    now: datetime | None = None,
) -> SavedIrv:
    """A SavedIrv of the live case: `case` is the baseline (its scenario tells which rows the user edited)."""
    clean = checked_name(name)
    return SavedIrv(
        clean,
        scenario,
        case.label,
        case.as_of,
        dict(case.names),
        dict(case.sources),
        edited_rows(scenario, case.scenario),
        row,
        _now(now),
    )


def irv_with_edits(saved: SavedIrv, today: IrvScenario) -> IrvScenario:
    """Today's baseline with the saved case's edited rows (where the same candidates stand; else today's)."""
    if today.codes != saved.scenario.codes:
        return today
    matrix = np.array(today.transfers)
    for code in saved.edited:
        matrix[today.index(code)] = saved.scenario.transfers[saved.scenario.index(code)]
    return today.with_values(transfers=matrix)


def irv_freshness(saved: SavedIrv, today: IrvCase | None, problem: str = "") -> str:
    """One sentence when today's baseline gives the saved rows another answer ("" when not)."""
    if today is None:
        return f"Today's data cannot rebuild this case: {problem}" if problem else ""
    # who was renamed or deleted since (core.pipeline.names_changed, the runoff case's rule): the case keeps the
    # names it saved, beside the race's new ones
    said = names_changed(saved.names, today.names, saved.scenario.codes)
    since = f" Since it was saved: {'; '.join(said)}." if said else ""
    if today.scenario.codes != saved.scenario.codes:
        return f"Today's polls name other candidates: the saved rows apply to the saved first round only.{since}"
    then = saved.view().run
    now = evaluate_irv(irv_with_edits(saved, today.scenario)).run
    if now.winner == then.winner and abs(now.final_margin - then.final_margin) < CHANGE_TOLERANCE:
        return since.strip()
    who = saved.names.get(now.winner, now.winner)
    return (
        f"Today's polls give {who} the win by {now.final_margin:.1f} in the final round with the same rows, "
        f"against {saved.names.get(then.winner, then.winner)} by {then.final_margin:.1f} when saved.{since}"
    )
