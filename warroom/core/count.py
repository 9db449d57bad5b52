"""Ballot-level count engine: Supplementary Vote, contingent vote and instant runoff.

Exact integer arithmetic throughout: a count is reproduced to the vote or it is wrong.

How a paper is read is data (`CountRules`), and every system's defaults follow its law:

Supplementary Vote (`CountRules.for_system("sv")`). Sources: the Greater London Authority Elections Rules
2007 and the Combined Authority Mayoral Elections Rules 2017 (SI 2017/67, Schedule 1), rule 55(2): "A ballot
paper ... on which not more than one second preference vote is marked shall be valid as respects that vote
and shall be counted accordingly if, but only if, a valid first preference vote has also been marked."
    - The paper has two columns. Only the first two preference columns of a ballot file are read; a third
      column is not on an SV paper and never counts (issue 16: `C,,B` is C with no second choice).
    - No valid first preference (blank, or more than one mark: `overvote`): the whole paper is rejected,
      even if a second preference is marked.
    - Second column blank, overvoted, or the same candidate as the first: the paper counts for its first
      preference only, and is exhausted if that candidate is eliminated.
    - Round one elects a candidate with "more than half of all the first preference votes given in the
      election" (Local Democracy, Economic Development and Construction Act 2009, Schedule 5B, para 5(2)); a
      contest's own `[rules] majority` of valid votes replaces the half (`CountRules.majority`, `for_contest`;
      contingent alike).
    - Round two: everyone but the top two is eliminated at once; a second preference for one of the two
      is added to their total. A tie keeps more than two (Schedule 5B para 5; 5(5) for a tie for second): three
      or more tied for first place all remain in the contest, and when one is first and two or more tie for second,
      the first and every one tied for second remain; a second preference for any of them is added. The one
      with the most votes then wins; a tie there the law decides by lot (the engine: on first preferences,
      then by name, with a note).

Contingent vote (`for_system("contingent")`), as in Sri Lanka's presidential election. Source: the
Constitution of Sri Lanka, Article 94: a voter may "specify his second and third preferences"; in the second
count "the second preference ... shall, if it is for one or the other of the remaining two candidates, be
counted", and "the third preference of each voter ... whose second preference is not counted" is counted
the same way.
    - At most three preference columns count (two when only three candidates stand, as Article 94(1)(a)
      allows only a second preference then).
    - No valid first preference: rejected. A second preference that is blank, overvoted, repeats the first
      or names an eliminated candidate is "not counted", so the third preference is looked at.
    - Round two: as SV, with the third preference as a fallback, but always between two: Article 94(3)
      eliminates all "other than the candidates who received the highest and second highest number", and
      94(4) settles a tie over "which candidate is not to be eliminated" by lot (the engine: by name, with a
      note).

Instant runoff (`for_system("irv")`; the defaults are this engine's long-standing behaviour, and the rule
fields cover New York City, Maine, Alaska and Australian practice):
    - `max_rankings`: rankings past this column are ignored (NYC 5, Alaska 4; None: all).
    - A skipped (blank) ranking is passed over; `exhaust_after_skips=2` exhausts a ballot at its second
      consecutive skipped ranking (Maine, Alaska); 1 stops it at the first blank.
    - A candidate ranked again is passed over like a skipped ranking (their highest ranking stands).
    - An overvoted ranking exhausts the ballot when the count reaches it (`Overvote.EXHAUST`, as NYC and
      Maine do), or is passed over like a blank (`Overvote.SKIP`), or (`Overvote.CONTINUING`, as Burlington,
      Vermont's 2009 count did) counts for the one marked candidate still in the count when the count
      reaches it, exhausts the ballot if two or more marked candidates are, and is passed over if none is.
      That rule needs to know who was marked (an `A=B` cell); an overvote that does not say exhausts. Under
      it a ballot overvoted at its first ranking is valid and exhausted in round 1 (with
      `first_choice_required=False`), as that count reported it.
    - `first_choice_required` (default True): a ballot whose first ranking is blank or overvoted is
      rejected; if False, counting starts at its first valid ranking (NYC, Maine).
    - `full_preferential` (Australian House of Representatives; a contest's `Rules.full_preferential`): a
      paper is formal only if its first N - 1 ranking columns (N candidates standing) each name one
      candidate, all different: no blank, overvote or repeat among them. The last candidate is then implied
      (the AEC accepts a paper whose one blank square is the last); anything after column N - 1 is not read
      for formality. Every other paper is informal: rejected, never exhausted, so no formal paper exhausts.
      Sources: Commonwealth Electoral Act 1918 s 240(1)(b) (numbers "in the squares opposite the names of all
      the remaining candidates") and s 268(1)(c); the AEC scrutineers' handbook (resources/data/SOURCES.md).
    - The lowest candidate is eliminated each round; ties for last go to the earlier round where the tied
      candidates differ, then by name. `batch_elimination` excludes at once every group of lowest
      candidates whose combined votes are below the next candidate's total (they cannot overtake anyone).
    - The count stops when a candidate has more than half the continuing votes (or a contest's own
      `CountRules.majority`), or two are left. With
      `final_two` (New York City) a count that goes past round 1 runs on until two are left, a majority or
      not, and the one ahead then wins: the Board's certified reports say "The winning candidate is the
      candidate in the round with final 2 candidates who has the most votes".
    - `write_ins_first` (New York City): the write-ins (one candidate named "Write-in" or "Write-ins", as the
      city's records count them together) are excluded alone in the first round of exclusions, whatever
      batch elimination would take with them. In all 40 of the city's 2021 primary contests that went past
      round 1, the certified rounds exclude the write-ins alone first, and every later exclusion is the
      batch rule above (tests/data/nyc_2021_official_rounds.json, resources/data/SOURCES.md).

Any system: a ballot with no countable preference at all is rejected; a file whose counts are all zero,
or whose every ballot is rejected, is an error (there is nothing to count), never a winner.

In a ballot file a blank cell (or `undervote`, `skipped`) is an unmarked ranking and `overvote` a ranking
marked for more than one candidate (warroom.core.ballots). A contest keeps its rules as plain values:
`CountRules.as_dict()` and `CountRules.from_mapping()`.

The engine is column-wise (numpy): ballots are cleaned by these rules, identical rankings aggregated into
groups with a count, and each round moves whole groups, so memory tracks distinct patterns, not papers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from warroom.core.ballots import BLANK, OVERVOTE, Ballot, BallotRows, BallotTable, table_from_ballots
from warroom.core.types import (
    EXHAUSTED,
    CountingSystem,
    Rules,
    control_problem,
    lookalike_key,
    passes_majority,
    placing,
)

__all__ = [
    "Ballot",
    "BallotTable",
    "CountError",
    "CountResult",
    "CountRound",
    "CountRules",
    "Overvote",
    "Transfer",
    "batch_size",
    "count_ballots",
    "is_write_in",
]

_EXACT_LIMIT = 2**52  # tallies are summed in float64 by numpy: exact for integers below 2**53


class Overvote(StrEnum):
    """What an overvoted ranking (more than one candidate marked) does when the count reaches it."""

    EXHAUST = "exhaust"  # the ballot stops there
    SKIP = "skip"  # passed over like a blank ranking
    CONTINUING = "continuing"  # for the one marked candidate still continuing; exhausts if two or more are


@dataclass(frozen=True, slots=True)
class CountRules:
    """How a ballot paper is read. See the module docstring for each system's legal defaults.

    Attributes:
        max_rankings: only this many ranking columns count (None: all).
        exhaust_after_skips: this many consecutive skipped rankings end a ballot (None: never).
        overvote: what an overvoted ranking after the first does.
        first_choice_required: a blank or overvoted first ranking rejects the ballot.
        full_preferential: a ballot must number every candidate but the last, in order with no blank,
            overvote or repeat, or it is informal (rejected).
        batch_elimination: IRV excludes mathematically excluded candidates together.
        write_ins_first: IRV excludes the write-ins alone first (New York City).
        final_two: IRV runs on past a majority until two candidates are left (New York City).
        majority: the share (%) of the votes a candidate must pass to be elected: of the first round's valid
            votes under SV and the contingent vote, of each round's continuing votes under IRV. 50 % (more than
            half) unless a contest's `[rules] majority` of valid votes says otherwise (`for_contest`).
    """

    max_rankings: int | None = None
    exhaust_after_skips: int | None = None
    overvote: Overvote = Overvote.EXHAUST
    first_choice_required: bool = True
    full_preferential: bool = False
    batch_elimination: bool = False
    write_ins_first: bool = False
    final_two: bool = False
    majority: float = 50.0

    def __post_init__(self) -> None:
        if isinstance(self.majority, bool) or not isinstance(self.majority, int | float) or not 0 < self.majority < 100:
            raise ValueError(f"majority must lie strictly between 0 and 100 %, not {self.majority!r}")
        if self.max_rankings is not None and self.max_rankings < 1:
            raise ValueError(f"max_rankings must be at least 1, not {self.max_rankings}")
        if self.exhaust_after_skips is not None and self.exhaust_after_skips < 1:
            raise ValueError(f"exhaust_after_skips must be at least 1, not {self.exhaust_after_skips}")

    def as_dict(self) -> dict[str, int | float | str | bool | None]:
        """The rules as plain values (for a contest file or `--json`); `from_mapping` reads them back."""
        return {
            "max_rankings": self.max_rankings,
            "exhaust_after_skips": self.exhaust_after_skips,
            "overvote": self.overvote.value,
            "first_choice_required": self.first_choice_required,
            "full_preferential": self.full_preferential,
            "batch_elimination": self.batch_elimination,
            "write_ins_first": self.write_ins_first,
            "final_two": self.final_two,
            "majority": self.majority,
        }

    @staticmethod
    def from_mapping(data: Mapping[str, object], base: CountRules | None = None) -> CountRules:
        """Rules from plain values (a contest file's table); keys left out keep `base` (default: IRV's).

        Raises:
            ValueError: an unknown key, or a value of the wrong kind, named in the message.
        """
        base = base or CountRules()
        known = base.as_dict()
        unknown = [key for key in data if key not in known]
        if unknown:
            raise ValueError(f"unknown counting rule {unknown[0]!r} (known: {', '.join(known)})")

        def whole(key: str, default: int | None) -> int | None:
            value = data.get(key, default)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"counting rule {key!r} must be a whole number, not {value!r}")
            return value

        def flag(key: str, default: bool) -> bool:
            value = data.get(key, default)
            if not isinstance(value, bool):
                raise ValueError(f"counting rule {key!r} must be true or false, not {value!r}")
            return value

        def share(key: str, default: float) -> float:
            value = data.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"counting rule {key!r} must be a number (a share in %), not {value!r}")
            return float(value)

        overvote = data.get("overvote", base.overvote.value)
        if overvote not in [o.value for o in Overvote]:
            known_rules = ", ".join(repr(o.value) for o in Overvote)
            raise ValueError(f"counting rule 'overvote' must be one of {known_rules}, not {overvote!r}")
        return CountRules(
            max_rankings=whole("max_rankings", base.max_rankings),
            exhaust_after_skips=whole("exhaust_after_skips", base.exhaust_after_skips),
            overvote=Overvote(str(overvote)),
            first_choice_required=flag("first_choice_required", base.first_choice_required),
            full_preferential=flag("full_preferential", base.full_preferential),
            batch_elimination=flag("batch_elimination", base.batch_elimination),
            write_ins_first=flag("write_ins_first", base.write_ins_first),
            final_two=flag("final_two", base.final_two),
            majority=share("majority", base.majority),
        )

    @staticmethod
    def for_contest(system: CountingSystem | str, rules: Rules) -> CountRules:
        """How a contest's papers are read: the system's law (`for_system`) with the contest's own rules: how
        many preferences count, (instant runoff) full or optional preferential voting, and the majority that
        elects when it is a share of valid votes, which the ballots give (`majority_base = "valid"`). A share of
        votes cast or of the electorate needs figures a ballot file does not hold: the count keeps more than
        half of the valid votes, and `majority_unknown` says so."""
        base = CountRules.for_system(system)
        limit = base.max_rankings if rules.preferences is None else rules.preferences
        majority = rules.majority if rules.majority_base == "valid" else base.majority
        return replace(base, max_rankings=limit, full_preferential=rules.full_preferential, majority=majority)

    @staticmethod
    def majority_unknown(rules: Rules) -> str | None:
        """Why a count cannot follow a contest's majority (a share of votes cast or of registered voters, which a
        ballot file does not give), or None when it does."""
        if rules.majority_base == "valid" or rules.majority == 50.0:
            return None
        base = "votes cast" if rules.majority_base == "cast" else "registered voters"
        return (
            f"the contest's majority is {rules.majority:g} % of {base}, which the ballots do not give: counted to "
            "more than half of the valid votes; check the first round against that rule"
        )

    @staticmethod
    def for_system(system: CountingSystem | str) -> CountRules:
        """The law's reading of a paper under `system` (SV: two columns; contingent: three; IRV: all)."""
        system = CountingSystem(system)
        if system is CountingSystem.SV:
            return CountRules(max_rankings=2)
        if system is CountingSystem.CONTINGENT:
            return CountRules(max_rankings=3, overvote=Overvote.SKIP)
        return CountRules()


@dataclass(frozen=True, slots=True)
class Transfer:
    """Votes moved in a round from an eliminated candidate to a continuing one, or to EXHAUSTED."""

    from_candidate: str
    to_candidate: str
    votes: int


@dataclass(frozen=True)
class CountRound:
    """One stage of the count.

    Attributes:
        tallies: votes of every candidate still in the count at the end of this round.
        eliminated: candidates excluded at the end of the previous round whose ballots moved in this round.
        transfers: where those ballots went.
        exhausted: ballots exhausted so far (cumulative).
    """

    number: int
    tallies: dict[str, int]
    eliminated: tuple[str, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    exhausted: int = 0

    @property
    def continuing_votes(self) -> int:
        return sum(self.tallies.values())


@dataclass(frozen=True)
class CountResult:
    """A whole count: every round, the winner, and the rules the papers were read by."""

    system: CountingSystem
    rounds: tuple[CountRound, ...]
    winner: str
    valid: int
    rejected: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    rules: CountRules = field(default_factory=CountRules)

    @property
    def first_round(self) -> CountRound:
        return self.rounds[0]

    @property
    def final_round(self) -> CountRound:
        return self.rounds[-1]

    def added(self, candidate: str) -> int:
        """Votes a candidate gained by transfers over the whole count."""
        return sum(t.votes for r in self.rounds for t in r.transfers if t.to_candidate == candidate)


WRITE_IN_NAMES = frozenset({"write-in", "write-ins", "write_in", "writein", "write in"})
"""Names a ballot file gives the write-ins counted together (New York City's "Write-in"; its reports' "Write-ins")."""

_WRITE_IN_LETTERS = frozenset(re.sub(r"[\W_]+", "", n) for n in WRITE_IN_NAMES)


def is_write_in(name: str) -> bool:
    """Whether a candidate's name is the write-ins counted together: its letters alone, in any case, are one of
    WRITE_IN_NAMES' ("WRITE-IN", "Write In", "write  -  in" all are); a name spelled another way than the
    listed ones was a candidate of its own, never excluded first."""
    return re.sub(r"[\W_]+", "", name.casefold()) in _WRITE_IN_LETTERS


def batch_size(ascending: Sequence[int]) -> int:
    """Batch elimination: how many of the lowest candidates go together (0 or 1: none, exclude the lowest).

    `ascending` holds the continuing candidates' votes, lowest first. The batch is the largest k (leaving at
    least two candidates) whose k lowest candidates have fewer votes between them than the next one: even with
    every one of their ballots they could not pass anyone, so excluding them one by one or together gives the
    same count (the wording of New York City's certified reports)."""
    batch, total = 0, 0
    for k in range(1, len(ascending) - 1):
        total += ascending[k - 1]
        if total < ascending[k]:
            batch = k
    return batch


MAX_ELIMINATION_CANDIDATES = 1_000
"""The most candidates an instant-runoff count takes. It excludes one a round (ties and all), so N candidates are
up to N rounds, each listing everyone still in: quadratic in N however the engine is written (5,000 tied
candidates: 6 s and 650 MB to count, then hundreds of megabytes of rounds to print; 10,000: 2.5 GB). The longest
real ballots list a few hundred (ballots.MAX_CANDIDATES's note); Supplementary Vote and the contingent vote keep
the top two in one step and take every candidate a ballot file may name."""


class CountError(ValueError):
    """The ballots cannot be counted (no valid ballots, unknown candidate, ...)."""


def count_ballots(
    ballots: Iterable[Ballot] | BallotTable,
    system: CountingSystem | str,
    candidates: Sequence[str] | None = None,
    *,
    rules: CountRules | None = None,
    tie_names: Mapping[str, str] | None = None,
) -> CountResult:
    """Count `ballots` under `system`.

    Args:
        ballots: rows of preferences with a count: Ballot objects, or what the CSV reader returns (a
            BallotTable, or the BallotRows of parse_ballots_csv), which is counted column-wise.
        system: "sv" (top two; second preference column only), "contingent" (top two; second then third
            preference) or "irv" (eliminate the last candidate one round at a time).
        candidates: all candidates standing; those with no first preferences still appear with 0.
            If given, a preference for anyone else is an error.
        rules: how papers are read; None gives `CountRules.for_system(system)`.
        tie_names: a ballot name -> the name tied candidates are ordered by (core.types.placing): a contest's
            candidate's name as shown (core.types.tie_names), so that ballots naming candidates by code elect the
            one of two tied leaders the result check names. A ballot name not in it is its own.

    Returns:
        Every round with transfers and exhausted ballots, and the winner.

    Raises:
        CountError: a negative count, an unknown candidate, or nothing valid to count.
    """
    system = CountingSystem(system)
    rules = rules if rules is not None else CountRules.for_system(system)
    if isinstance(ballots, BallotTable):
        table = ballots
    elif isinstance(ballots, BallotRows):
        table = ballots.table  # rows read from a CSV: count the table behind them
    else:
        try:
            table = table_from_ballots(ballots)
        except OverflowError:
            raise CountError("a ballot count does not fit in 64 bits") from None
        except ValueError as exc:  # a malformed `A=B` overvote cell
            raise CountError(f"a ballot cell {exc}") from None
    counts = table.counts
    if counts.size and int(counts.min()) < 0:
        row = int(np.argmin(counts))
        raise CountError(f"negative ballot count {int(counts[row])} at line {table.line_of(row)}")
    if counts.size and float(counts.sum(dtype=np.float64)) >= _EXACT_LIMIT:
        raise CountError(f"more than {_EXACT_LIMIT:,} ballots: too many to count exactly")
    twins = _lookalike_candidates(table) or _reserved_candidate(table)
    if twins is not None:
        raise CountError(twins)

    given = list(candidates) if candidates is not None else None
    n_standing = len(set(given) | set(table.candidates)) if given is not None else len(table.candidates)
    limit = table.ranks.shape[1] if rules.max_rankings is None else min(rules.max_rankings, table.ranks.shape[1])
    if system is CountingSystem.CONTINGENT and n_standing == 3:
        limit = min(limit, 2)  # Article 94(1)(a): with three candidates only a second preference is given
    ranks, marks = _with_marks(table, limit, rules)
    prefs, _lengths, rejected_rows = _clean(ranks, len(table.candidates), rules)

    # Candidates: those given, or else everyone named in a counted ranking, in order of first appearance.
    used = np.zeros(len(table.candidates), dtype=bool)
    for j in range(prefs.shape[1]):  # shifted by 2 so BLANK and OVERVOTE (and marks) count in bins 0 and 1
        used |= np.bincount(np.maximum(prefs[:, j], OVERVOTE) + 2, minlength=len(table.candidates) + 2)[2:] > 0
    for k, marked in enumerate(marks):  # an overvote still on a counted paper names its candidates
        if (prefs == _MARK - k).any():
            used[list(marked)] = True
    if given is not None:
        known = set(given)
        for code in np.flatnonzero(used):
            name = table.candidates[code]
            if name not in known:
                named = (prefs == code).any(axis=1)
                for k, marked in enumerate(marks):
                    if code in marked:
                        named |= (prefs == _MARK - k).any(axis=1)
                row = int(np.flatnonzero(named)[0])
                raise CountError(f"unknown candidate {name!r} on a ballot (line {table.line_of(row)})")
        names = list(dict.fromkeys(given))
    else:
        names = [table.candidates[c] for c in np.flatnonzero(used)]
    if system is CountingSystem.IRV and len(names) > MAX_ELIMINATION_CANDIDATES:
        raise CountError(
            f"{len(names):,} candidates: an instant-runoff count excludes them one round at a time, and takes at most "
            f"{MAX_ELIMINATION_CANDIDATES:,} (the longest real ballots list a few hundred); group the smallest, "
            "such as write-ins, under one name"
        )
    index = {name: i for i, name in enumerate(names)}
    lut = np.array([index.get(c, -1) for c in table.candidates] + [-1], dtype=np.int16)
    if not np.array_equal(lut[:-1], np.arange(len(table.candidates))):
        if marks:  # marks (codes below OVERVOTE) stay; their candidates are renumbered
            prefs = np.asfortranarray(np.where(prefs >= 0, lut[np.maximum(prefs, -1)], prefs))
        else:
            prefs = np.asfortranarray(lut[prefs])  # a -1 (no preference) indexes the trailing -1
    sets = [tuple(int(lut[c]) for c in marked if lut[c] >= 0) for marked in marks]

    if rules.full_preferential and len(names) > 2 and ranks.shape[1] < len(names) - 1:
        # Every paper would be informal: say why (the rules or the file), not "all ballots were rejected".
        need = f"a formal paper numbers {len(names) - 1} of the {len(names):,} candidates"
        if rules.max_rankings is not None and rules.max_rankings < len(names) - 1:
            raise CountError(
                f"full preferential: {need}, but the ranking limit is {rules.max_rankings} "
                "(max_rankings): every ballot would be informal"
            )
        columns = f"{ranks.shape[1]} ranking column{'s' if ranks.shape[1] != 1 else ''}"
        raise CountError(f"full preferential: {need}, but the file has {columns}: every ballot would be informal")
    if rules.full_preferential:
        rejected_rows |= ~_numbers_all_but_one(ranks, len(names), len(table.candidates))
    rejected = int(counts[rejected_rows].sum())
    keep = ~rejected_rows & (counts > 0)
    if keep.all():
        groups, weights = _aggregate(prefs, counts, len(names), len(sets))
    else:
        kept = np.asfortranarray(np.compress(keep, prefs, axis=0))
        groups, weights = _aggregate(kept, counts[keep], len(names), len(sets))
    valid = int(weights.sum())
    if valid == 0:
        if counts.size and not counts.any():
            raise CountError("no ballots to count: every ballot count in the file is zero")
        if rejected:
            raise CountError(f"no valid ballots to count: all {rejected:,} ballots were rejected")
        raise CountError("no valid ballots to count")
    return _Count(system, rules, names, groups, weights, valid, rejected, sets, tie_names).run()


def _lookalike_candidates(table: BallotTable) -> str | None:
    """Two candidate names on the ballots that differ only in case, spacing, invisible characters (a byte-order
    mark or zero-width space) or look-alike letters: one candidate written two ways, whose votes would be split
    between two piles (`core.types.lookalike_key`, the rule for contest files). None when there are none."""
    seen: dict[str, int] = {}
    for code, name in enumerate(table.candidates):
        key = lookalike_key(name)
        key = WRITE_IN_KEY if _write_in(key) else key
        if key not in seen:
            seen[key] = code
            continue
        where = []
        for c in (seen[key], code):
            rows = np.flatnonzero((table.ranks == c).any(axis=1))
            where.append(f"{table.candidates[c]!a}" + (f" (line {table.line_of(int(rows[0]))})" if rows.size else ""))
        if key == WRITE_IN_KEY:
            return (
                f"the candidates {where[0]} and {where[1]} are both the write-ins, spelt two ways: write them one "
                "way (their votes would be counted as two candidates')"
            )
        return (
            f"the candidates {where[0]} and {where[1]} differ only in case, spacing or invisible characters: "
            "write each candidate one way (their votes would be counted as two candidates')"
        )
    return None


WRITE_IN_KEY = "\0write-in"
"""The key every spelling of the generic write-in candidate shares ("Write-in", "write in", "WRITE-INS", "Writein"):
one pile in the count, as the officials report it. A named write-in ("Write-in: Ann Lee") is a candidate of its
own."""


def _write_in(key: str) -> bool:
    """Whether a candidate's look-alike key is a spelling of the generic write-in."""
    return re.sub(r"[^a-z]", "", key) in ("writein", "writeins")


COUNT_ROW_NAMES = frozenset({"exhausted", "continuing"})
"""The rows a count's tables add beside the candidates: a candidate of either name (a ballot file's "Exhausted"
column of a spreadsheet pasted as a name) printed two rows "exhausted", and "Winner: exhausted". A name holding
a line break or other control character (core.types.control_problem) is refused with them."""


def _reserved_candidate(table: BallotTable) -> str | None:
    """A candidate named like one of the count's own rows (COUNT_ROW_NAMES, in any case or look-alike letters),
    with the line it first appears on; None when there is none."""
    for code, name in enumerate(table.candidates):
        reserved = lookalike_key(name) in COUNT_ROW_NAMES
        problem = None if reserved else control_problem(name)
        if reserved or problem is not None:
            rows = np.flatnonzero((table.ranks == code).any(axis=1))
            line = f" (line {table.line_of(int(rows[0]))})" if rows.size else ""
            if problem is not None:  # "Kiss\nWinner: Wright" printed a second, false winner line
                return f"the candidate name {name!a}{line} {problem}"
            return (
                f"a candidate named {name!a}{line}: that is a row of the count itself (a ranking that exhausts "
                "is left blank); name the candidate otherwise"
            )
    return None


_MARK = OVERVOTE - 1  # a ranking's cell holds _MARK - k for an overvote marking the candidates of marks[k]
_PASS = OVERVOTE  # an overvote none of whose candidates is continuing: passed over (never a cell once cleaned)


def _with_marks(table: BallotTable, limit: int, rules: CountRules) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """The ranking columns that count, with the overvotes that say who was marked coded _MARK - k when the
    rules count such an overvote for its one continuing candidate (Overvote.CONTINUING); else as they are."""
    ranks = table.ranks[:, :limit]
    if rules.overvote is not Overvote.CONTINUING or not table.overvote_marks:
        return ranks, []
    inside = [(cell, marked) for cell, marked in table.overvote_marks.items() if cell[1] < limit]
    if not inside:
        return ranks, []
    sets = list(dict.fromkeys(tuple(sorted(marked)) for _, marked in inside))
    if _MARK - len(sets) < np.iinfo(np.int16).min:
        raise CountError(f"{len(sets):,} different overvotes: too many to count under the 'continuing' rule")
    index = {marked: k for k, marked in enumerate(sets)}
    ranks = np.array(ranks, dtype=np.int16, copy=True, order="F")
    for (row, col), marked in inside:
        ranks[row, col] = _MARK - index[tuple(sorted(marked))]
    return ranks, sets


def _clean(ranks: np.ndarray, n_codes: int, rules: CountRules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply the paper-reading rules: each row's countable preferences, packed left, padded with -1.

    Rows that are already clean (candidates first, then only blanks; no repeat, no overvote) are taken
    as they are; the rest go through the rules one column at a time.

    Returns:
        (preferences, how many each row has, rows rejected).
    """
    n, width = ranks.shape
    if width == 0:
        return np.full((n, 1), -1, dtype=np.int16), np.zeros(n, dtype=np.intp), np.ones(n, dtype=bool)
    # One pass down the columns (each contiguous): marks per row, a candidate after a blank, an overvote.
    length = np.zeros(n, dtype=np.intp)
    messy = np.zeros(n, dtype=bool)
    before = np.ones(n, dtype=bool)
    for j in range(width):
        column = ranks[:, j]
        marked = column >= 0
        messy |= marked & ~before
        messy |= column <= OVERVOTE  # an overvote, or one that says who was marked (_MARK - k)
        length += marked
        before = marked
    messy |= _has_repeat(ranks, length, n_codes)
    rows = np.flatnonzero(messy)
    if not rows.size:
        return ranks, length, length == 0  # already clean: no copy
    out = np.array(ranks, dtype=np.int16, copy=True, order="F")  # column-major: the rules go column by column
    sub, sub_length, sub_rejected = _clean_rows(np.take(out, rows, axis=0), n_codes, rules)
    out[rows] = sub
    length[rows] = sub_length
    rejected = length == 0
    rejected[rows] |= sub_rejected
    return out, length, rejected


def read_papers(table: BallotTable, rules: CountRules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's countable preferences as `count_ballots` reads them under `rules` before anyone is excluded:
    the ranking limit, skipped rankings, repeats, overvotes and the first-choice rule, in one place for the count
    and for last election's ballots read as a prior (`irv_scenario.prior_from_ballots`).

    Returns:
        (preferences by the table's candidate index, packed left and padded with -1, an overvote that says who
        was marked kept in place below OVERVOTE under the 'continuing' rule; how many each row has; rows
        rejected).
    """
    width = table.ranks.shape[1]
    limit = width if rules.max_rankings is None else min(rules.max_rankings, width)
    ranks, _ = _with_marks(table, limit, rules)
    return _clean(ranks, len(table.candidates), rules)


def formal_full_preferential(table: BallotTable) -> np.ndarray:
    """Rows of `table` formal under full preferential voting (`CountRules.full_preferential`), as `count_ballots`
    reads them: the first N - 1 columns name N - 1 different candidates, N the candidates named on the ballots.
    The rule in one place, for the count and for last election's ballots read as a prior."""
    used = np.zeros(len(table.candidates), dtype=bool)
    named = table.ranks[table.ranks >= 0]
    used[np.unique(named)] = True
    return _numbers_all_but_one(table.ranks, int(used.sum()), len(table.candidates))


def _numbers_all_but_one(ranks: np.ndarray, n_standing: int, n_codes: int) -> np.ndarray:
    """Rows formal under full preferential voting: the first N - 1 columns name N - 1 different candidates."""
    need = max(n_standing - 1, 1)
    if ranks.shape[1] < need:
        return np.zeros(ranks.shape[0], dtype=bool)
    head = np.asfortranarray(ranks[:, :need])
    marked = np.ones(ranks.shape[0], dtype=bool)
    for j in range(need):
        marked &= head[:, j] >= 0  # a blank, an overvote (or one that says who) is not a number
    return marked & ~_has_repeat(head, np.full(ranks.shape[0], need, dtype=np.intp), n_codes)


def _has_repeat(ranks: np.ndarray, length: np.ndarray, n_codes: int) -> np.ndarray:
    """Rows that name a candidate twice."""
    if n_codes <= 64:
        kind = np.uint32 if n_codes <= 32 else np.uint64
        bit = np.zeros(n_codes + 2, dtype=kind)  # indexed by code + 2: BLANK and OVERVOTE set no bit
        bit[2:] = np.left_shift(kind(1), np.arange(n_codes, dtype=kind))
        bits: np.ndarray = np.zeros(ranks.shape[0], dtype=kind)
        for j in range(ranks.shape[1]):
            np.bitwise_or(bits, bit[np.maximum(ranks[:, j], OVERVOTE) + 2], out=bits)  # marks: no bit
        return np.bitwise_count(bits).astype(np.intp) != length
    ordered = np.sort(np.where(ranks >= 0, ranks, -1 - np.arange(ranks.shape[1], dtype=np.int16)), axis=1)
    return (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)


def _clean_rows(ranks: np.ndarray, n_codes: int, rules: CountRules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rules applied column by column (for rows with blanks inside, repeats or overvotes)."""
    n, width = ranks.shape
    out = np.full((n, width), -1, dtype=np.int16)
    length = np.zeros(n, dtype=np.intp)
    alive = np.ones(n, dtype=bool)
    run = np.zeros(n, dtype=np.intp)
    seen = np.zeros((n, max(n_codes, 1)), dtype=bool)
    rejected = np.zeros(n, dtype=bool)
    for j in range(width):
        v = ranks[:, j]
        if j == 0 and rules.first_choice_required:
            bad = v < 0
            rejected |= bad
            alive &= ~bad
        cand = np.flatnonzero(alive & (v >= 0))
        codes = v[cand].astype(np.intp)
        repeat = seen[cand, codes]
        fresh, fresh_codes = cand[~repeat], codes[~repeat]
        out[fresh, length[fresh]] = fresh_codes
        length[fresh] += 1
        seen[fresh, fresh_codes] = True
        run[fresh] = 0
        if rules.overvote is Overvote.CONTINUING:  # kept in place: who it counts for depends on the round
            at_mark = np.flatnonzero(alive & (v < OVERVOTE))
            out[at_mark, length[at_mark]] = v[at_mark]
            length[at_mark] += 1
            run[at_mark] = 0
        skipped = alive & ((v == BLANK) | ((v == OVERVOTE) & (rules.overvote is Overvote.SKIP)))
        skipped[cand[repeat]] = True
        run[skipped] += 1
        if rules.exhaust_after_skips is not None:
            alive &= ~(skipped & (run >= rules.exhaust_after_skips))
        if rules.overvote is not Overvote.SKIP:  # under CONTINUING, an overvote that does not say who exhausts
            alive &= v != OVERVOTE
    rejected |= length == 0
    return out, length, rejected


def _aggregate(prefs: np.ndarray, counts: np.ndarray, n_names: int, n_marks: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Merge identical rankings: (distinct rankings, their ballot counts).

    Each ranking gets an integer key: exact (base n_names + 1, plus the marks) when it fits in 62 bits, otherwise
    a 64-bit mix whose groups are then checked cell by cell, so two different rankings are never merged.
    """
    if prefs.shape[0] == 0:
        return prefs, counts.astype(np.int64)
    width = prefs.shape[1]
    offset = 1 if not n_marks else 2 + n_marks  # the lowest code (-1, or the last mark) becomes digit 0
    base = n_names + offset
    exact = base**width < 2**62
    kind = np.int64 if exact else np.uint64
    multiplier = kind(base if exact else 0x9E3779B97F4A7C15)
    keys = np.zeros(prefs.shape[0], dtype=kind)
    for j in range(width):
        keys = keys * multiplier + (prefs[:, j].astype(kind) + kind(offset))
    order = np.argsort(keys)
    ordered = keys[order]
    new_group = np.empty(ordered.size, dtype=bool)
    new_group[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_group[1:])
    starts = np.flatnonzero(new_group)
    if starts.size == prefs.shape[0]:
        return prefs, counts.astype(np.int64)  # every ranking is distinct: nothing to merge
    group_of_sorted = np.cumsum(new_group) - 1
    groups = np.asfortranarray(np.take(prefs, order[starts], axis=0))
    if not exact:
        # A row that is not the first of its group must equal that first row (its group's ranking).
        merged = np.flatnonzero(~new_group)
        rows, firsts = order[merged], group_of_sorted[merged]
        for j in range(width):
            if not np.array_equal(prefs[:, j].take(rows), groups[:, j].take(firsts)):
                # two different rankings shared a hashed key: group them exactly instead
                groups, inverse = np.unique(prefs, axis=0, return_inverse=True)
                weights = np.bincount(inverse.reshape(-1), weights=counts, minlength=groups.shape[0])
                return np.asfortranarray(groups), np.rint(weights).astype(np.int64)
    weights = np.bincount(group_of_sorted, weights=counts[order], minlength=starts.size)
    return groups, np.rint(weights).astype(np.int64)


class _Count:
    """The rounds of one count over aggregated groups (one row per distinct ranking)."""

    def __init__(
        self,
        system: CountingSystem,
        rules: CountRules,
        names: list[str],
        groups: np.ndarray,
        weights: np.ndarray,
        valid: int,
        rejected: int,
        marks: list[tuple[int, ...]] | None = None,
        tie_names: Mapping[str, str] | None = None,
    ) -> None:
        self.system = system
        self.rules = rules
        self.names = names
        # The names ties are decided by (core.types.placing): the ballots' own, or a contest's (count_ballots).
        self.tie = [tie_names.get(n, n) for n in names] if tie_names else names
        self.groups = np.asfortranarray(groups)
        self.weights = weights
        self.valid = valid
        self.rejected = rejected
        self.marks = marks or []  # candidates of each overvote coded _MARK - k (Overvote.CONTINUING)
        self.continuing = np.ones(len(names), dtype=bool)
        self.exhausted = 0
        # The groups each candidate holds, so a round touches only the ballots that move.
        self.held: list[list[np.ndarray]] = [[] for _ in names]
        if self.marks:  # a first ranking may be an overvote: placed by the same walk as a transfer
            everyone = np.arange(groups.shape[0])
            self.holder, self.pos = self._walk(everyone, np.full(groups.shape[0], -1, dtype=np.intp))
            placed = self.holder >= 0
            self._file(everyone[placed], self.holder[placed])
            self.tallies = self._sum(self.holder[placed], weights[placed], len(names))
            self.exhausted = int(weights[~placed].sum())
        else:
            self.pos = np.zeros(groups.shape[0], dtype=np.intp)
            self.holder = groups[:, 0].astype(np.intp)
            self._file(np.arange(groups.shape[0]), self.holder)
            self.tallies = self._sum(self.holder, weights, len(names))
        self.history: list[np.ndarray] = [self.tallies.copy()]
        # Each candidate's place in the backwards tie-break order (_rank_key), kept up to date round by round:
        # recomputing the whole history's tuples for every candidate every round was cubic in the candidates
        # (800 candidates: 14 s; the 10,000 a ballot file may name: hours).
        self._order = np.zeros(len(names), dtype=np.int64)
        self._name_rank = np.argsort(np.argsort(np.array(self.tie, dtype=object), kind="stable"), kind="stable")
        self._push_order(self.tallies)
        self.rounds: list[CountRound] = [CountRound(1, self._tally_dict(), exhausted=self.exhausted)]
        self.notes: list[str] = []

    def run(self) -> CountResult:
        winner = self._majority()
        if winner is None:
            winner = self._runoff() if self.system is CountingSystem.IRV else self._top_two()
        return CountResult(
            self.system,
            tuple(self.rounds),
            self.names[winner],
            self.valid,
            self.rejected,
            tuple(self.notes),
            self.rules,
        )

    # --- the two ways to end a count -------------------------------------------------------------------

    def _top_two(self) -> int:
        first = self.tallies
        # Ties go as instant runoff breaks them (the same papers name one winner under every system): on first
        # preferences, then by name, the later name ahead.
        ordered = sorted(range(len(self.names)), key=lambda c: placing(int(first[c]), self.tie[c]), reverse=True)
        if len(ordered) < 2:
            return ordered[0]
        second = int(first[ordered[1]])
        if self.system is CountingSystem.SV:
            # Schedule 5B para 5 (module docstring): every candidate tied for second place stays in the contest
            # with the first, and so does every candidate of a tie of three or more for first place.
            finalists = [c for c in ordered if int(first[c]) >= second]
            if len(finalists) > 2:
                tied = sorted((c for c in finalists if int(first[c]) == second), key=lambda c: self.tie[c])
                names = ", ".join(self.names[c] for c in tied)
                self.notes.append(
                    f"{names} tied for first place on {second:,} first preferences: all remain in the contest "
                    "(Schedule 5B para 5)"
                    if second == int(first[ordered[0]])
                    else f"{names} tied for second place on {second:,} first preferences: all remain in the contest "
                    f"with {self.names[ordered[0]]} (Schedule 5B para 5(5))"
                )
        else:
            finalists = ordered[:2]
            if len(ordered) > 2 and second == first[ordered[2]]:
                # Article 94(3) keeps only "the highest and second highest"; 94(4) decides the tie by lot.
                self.notes.append(
                    f"tie for second place between {self.names[ordered[1]]} and {self.names[ordered[2]]}: "
                    "decided by name here; the law decides by lot"
                )
        self._eliminate([c for c in ordered if c not in finalists])
        final = self.tallies
        best = max(int(final[c]) for c in finalists)
        tied_final = [c for c in finalists if int(final[c]) == best]
        if len(tied_final) > 1:
            self.notes.append(
                "final round tied: decided on first preferences here; the law decides by lot"
                if len({int(first[c]) for c in tied_final}) > 1
                else "final round and first preferences tied: decided by name here; the law decides by lot"
            )
        return max(finalists, key=lambda c: (int(final[c]), int(first[c]), self.tie[c]))

    def _runoff(self) -> int:
        while True:
            alive = np.flatnonzero(self.continuing).tolist()
            winner = None if self.rules.final_two else self._majority()
            if winner is not None:
                return winner
            if len(alive) <= 2:
                best = max(alive, key=lambda c: (int(self.tallies[c]), self._rank_key(c), self.tie[c]))
                if len({int(self.tallies[c]) for c in alive}) == 1:
                    self.notes.append("final round tied: decided on earlier rounds, then by name")
                return best
            self._eliminate(self._losers(alive))

    def _losers(self, alive: list[int]) -> list[int]:
        t = self.tallies
        number = len(self.rounds)
        if self.rules.write_ins_first and number == 1:
            write_ins = [c for c in alive if is_write_in(self.names[c])]
            if write_ins and len(alive) > 2:
                return write_ins[:1]
        live = np.asarray(alive, dtype=np.intp)
        # by tally, then earlier rounds (backwards), then name: _order already sorts by the first two
        ascending = live[np.lexsort((self._name_rank[live], self._order[live]))].tolist()
        if self.rules.batch_elimination:
            batch = batch_size([int(t[c]) for c in ascending])
            if batch >= 2:
                out = ascending[:batch]
                self.notes.append(
                    f"round {number}: {', '.join(self.names[c] for c in out)} excluded together "
                    f"({sum(int(t[c]) for c in out):,} votes between them, fewer than "
                    f"{self.names[ascending[batch]]}'s {int(t[ascending[batch]]):,})"
                )
                return out
        low = int(t[ascending[0]])
        tied = [c for c in alive if int(t[c]) == low]
        loser = ascending[0]
        if len(tied) > 1:
            self.notes.append(
                f"round {number}: {', '.join(self.names[c] for c in tied)} tied for last; "
                f"{self.names[loser]} excluded on earlier rounds/name"
            )
        return [loser]

    # --- moving ballots ------------------------------------------------------------------------------------

    def _eliminate(self, losers: list[int]) -> None:
        """Exclude `losers` and move each of their groups to its next continuing preference, as one round."""
        n = len(self.names)
        self.continuing[losers] = False
        moved = np.concatenate([part for c in losers for part in self.held[c]] or [np.zeros(0, dtype=np.intp)])
        for c in losers:
            self.held[c] = []
        source = self.holder[moved]
        dest, pos = self._walk(moved, self.pos[moved])
        self.holder[moved] = dest
        self.pos[moved] = pos
        self._file(moved[dest >= 0], dest[dest >= 0])
        w = self.weights[moved]
        # summed over the (from, to) pairs that occur: an array of every possible pair was n^2 each round
        pairs, which = np.unique(source * (n + 1) + dest + 1, return_inverse=True)
        flows = self._sum(which.ravel(), w, pairs.size)
        transfers = []
        for key, flow in zip(pairs.tolist(), flows.tolist(), strict=True):
            if not flow:
                continue
            src, dst = divmod(int(key), n + 1)
            to = EXHAUSTED if dst == 0 else self.names[dst - 1]
            transfers.append(Transfer(self.names[src], to, int(flow)))
        transfers.sort(key=lambda tr: (tr.from_candidate, tr.to_candidate))
        arrived = dest >= 0
        self.tallies = self.tallies + self._sum(dest[arrived], w[arrived], n)
        self.tallies[losers] = 0
        self.exhausted += int(w[~arrived].sum())
        self.history.append(self.tallies.copy())
        self._push_order(self.tallies)
        number = len(self.rounds) + 1
        eliminated = tuple(self.names[c] for c in losers)
        self.rounds.append(CountRound(number, self._tally_dict(), eliminated, tuple(transfers), self.exhausted))

    def _walk(self, moved: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each group in `moved`, from its ranking `start`, to its next continuing preference.

        Returns:
            (destination candidate or -1 for exhausted, the ranking it is counted on).
        """
        dest = np.full(moved.size, -1, dtype=np.intp)
        pos = start.copy()
        width = self.groups.shape[1]
        n_groups = self.groups.shape[0]
        flat = self.groups.ravel(order="F")  # a view: groups are column-major
        stops = np.append(self.continuing, True)  # a -1 (no further preference) stops the search: exhausted
        marks = self._marks_now() if self.marks else None
        todo = np.arange(moved.size)  # the groups still looking, with their position and row
        at = pos.copy()
        rows = moved
        while todo.size:
            at += 1
            inside = at < width  # past the last ranking: exhausted
            if not inside.all():
                todo, at, rows = todo[inside], at[inside], rows[inside]
            cand = flat.take(at * n_groups + rows)
            if marks is not None:  # an overvote: its one continuing candidate, exhausted (-1) or passed over
                mark = cand < OVERVOTE
                cand = np.where(mark, marks[np.clip(_MARK - cand, 0, marks.size - 1)], cand)
                done = np.where(cand == _PASS, False, stops[np.maximum(cand, -1)])
            else:
                done = stops[cand]
            found = np.flatnonzero(done)
            dest[todo[found]] = cand[found]
            pos[todo[found]] = at[found]
            going = ~done
            todo, at, rows = todo[going], at[going], rows[going]
        return dest, pos

    def _marks_now(self) -> np.ndarray:
        """What each overvote that says who was marked counts for now (Overvote.CONTINUING): its one
        continuing candidate, -1 (exhausted) if two or more are continuing, _PASS if none is."""
        out = np.empty(len(self.marks), dtype=np.intp)
        for k, marked in enumerate(self.marks):
            live = [c for c in marked if self.continuing[c]]
            out[k] = live[0] if len(live) == 1 else (-1 if live else _PASS)
        return out

    # --- helpers ---------------------------------------------------------------------------------------------

    def _file(self, group_ids: np.ndarray, holders: np.ndarray) -> None:
        """Record that each group in `group_ids` is now held by the candidate in `holders`."""
        small = holders.astype(np.int16)  # a stable sort of 16-bit keys is a radix sort in numpy
        order = np.argsort(small, kind="stable")
        bounds = np.searchsorted(small[order], np.arange(len(self.names) + 1))
        for c in np.flatnonzero(np.diff(bounds)).tolist():  # only the candidates that get groups
            self.held[c].append(group_ids[order[bounds[c] : bounds[c + 1]]])

    @staticmethod
    def _sum(keys: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
        """Exact integer sums of `weights` by `keys` (float64 is exact: totals stay below 2**52)."""
        return np.rint(np.bincount(keys, weights=weights, minlength=size)).astype(np.int64)

    def _tally_dict(self) -> dict[str, int]:
        return {self.names[c]: int(self.tallies[c]) for c in range(len(self.names)) if self.continuing[c]}

    def _majority(self) -> int | None:
        """The candidate past the majority (`rules.majority` % of the continuing votes), or None. Only the
        largest can pass it: under a majority below half, ties for the lead pass it together, and elect the
        one instant runoff's tie-break puts ahead (earlier rounds, then name)."""
        total = int(self.tallies[self.continuing].sum())
        live = np.flatnonzero(self.continuing)
        if not live.size:
            return None
        top = int(self.tallies[live].max())
        if not passes_majority(top, total, self.rules.majority):
            return None
        leaders = [int(c) for c in live if int(self.tallies[c]) == top]
        if len(leaders) > 1:
            self.notes.append(
                f"{', '.join(self.names[c] for c in leaders)} tied past the majority: decided by name here; "
                "the law decides by lot"
            )
        # In the first round every tied leader has the same place (_rank_key), so this is core.types.placing.
        return max(leaders, key=lambda c: (self._rank_key(c), placing(int(self.tallies[c]), self.tie[c])))

    def _rank_key(self, c: int) -> int:
        # Ties are broken on the most recent earlier round where the tied candidates differ
        # (the usual "backwards" rule), then by name so the count is deterministic. The place in that order
        # of the tuple (this round's tally, the round before's, ... the first's), kept by _push_order.
        return int(self._order[c])

    def _push_order(self, tallies: np.ndarray) -> None:
        """A new round's tallies: each candidate's place is now by this round's tally, then the place before."""
        idx = np.lexsort((self._order, tallies))
        a, b = tallies[idx], self._order[idx]
        new = np.ones(len(idx), dtype=bool)
        new[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        order = np.empty(len(idx), dtype=np.int64)
        order[idx] = np.cumsum(new) - 1
        self._order = order
