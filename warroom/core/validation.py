"""Checks a poll must pass before it is stored. Pure: returns problems, raises nothing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from warroom.core.types import (
    DIRECTION_CONTROLS,
    EXHAUSTED,
    NAME_LIMIT,
    NOTES_LIMIT,
    Contest,
    CountingSystem,
    OfficialResult,
    Poll,
    control_problem,
    disguised_letter,
    length_problem,
    passes_majority,
    placing,
    tie_names,
)

SUM_TOLERANCE = 3.0
"""Published shares are rounded and some polls print "others" loosely; within 97-103 is "about 100"."""

MAX_SAMPLE_SIZE = 2**31 - 1
"""The largest sample a store keeps everywhere: PostgreSQL's INTEGER (SQLite would take 2**63 - 1). It is about
a quarter of everyone alive (8.2 billion in 2024, UN World Population Prospects 2024), so no real poll comes
near it; above it a value is a typo, and would otherwise fail only on a team store, without line or field."""

TEXT_LIMITS = {"pollster": NAME_LIMIT, "client": NAME_LIMIT, "method": 60}
"""Characters each text field may hold: the store's column sizes (store/schema.py; a store test checks they
match). SQLite ignores them, PostgreSQL refuses longer text, so they are checked here for both."""

LATEST_AFTER_ELECTION = timedelta(days=366)
EARLIEST_BEFORE_ELECTION = timedelta(days=3653)
"""The window a poll's dates must fall in, relative to its contest's election date: from ten years before
(a full electoral cycle and more: London's mayoral term is four years) to a year after (post-election
recall polls). A date outside is a typo such as 9999 or 0001, which would also stretch every average's
day-by-day timeline to thousands of years. Fixed to the contest, not to today, so a file validates the same
on any day; the separate `today` check still refuses fieldwork that has not started."""


LATEST_UTC_OFFSET = timedelta(hours=14)
"""The zone furthest ahead of UTC (Kiribati's Line Islands, UTC+14): the first to start each day."""


def today_somewhere(now: datetime | None = None) -> date:
    """The latest date anywhere on Earth now: the day that has begun in UTC+14. The "in the future" check goes by
    it, not by this machine's date: a poll published today in New Zealand was refused as in the future on a
    machine in London that morning (or anywhere on the Americas' side of the date line)."""
    instant = datetime.now(UTC) if now is None else now.astimezone(UTC)
    return (instant + LATEST_UTC_OFFSET).date()


THOUSANDS_SEPARATORS = ", \u00a0\u2009\u202f"
"""What may group a whole number's digits in threes: a comma, a space, a no-break, thin or narrow no-break
space (French figures print 48 747 876). One kind per number."""

_WHOLE = re.compile(r"[0-9]+|[0-9]{1,3}(?P<sep>[, \u00a0\u2009\u202f])[0-9]{3}(?:(?P=sep)[0-9]{3})*")


def whole_number(text: str, *, most: int, what: str = "a whole number") -> int:
    """A count, sample or vote total as every reader takes it (poll CSV, ballot CSV, official results, the French
    compilations, pastes): ASCII digits 0-9, optionally grouped in threes by one kind of THOUSANDS_SEPARATORS,
    at most `most`. int() alone would also read "1_000", "+800", " 8 ", other scripts' digits ("١٠٠٠",
    fullwidth "１０００") and any number of digits; "1,0,0" with its commas dropped would be 100.

    Raises:
        ValueError: the text (cut to 40 characters) and what it should be.
    """
    shown = text if len(text) <= 40 else text[:40] + "..."
    if not _WHOLE.fullmatch(text):
        if EXPONENT.fullmatch(text):
            raise ValueError(exponent_words(text))
        raise ValueError(f"{shown!r} is not {what} (digits 0-9, thousands grouped by commas or spaces)")
    digits = re.sub(r"[^0-9]", "", text).lstrip("0")
    if len(digits) > len(str(most)) or int(digits or "0") > most:  # length first: int() of 10^6 digits is slow
        raise ValueError(f"{shown} is too large for {what} (at most {most:,})")
    return int(digits or "0")


MAX_VOTES = 10**12 - 1
"""The most votes one figure of an official result may hold (a candidate's round, a transfer, the exhausted pile,
the electorate): a trillion less one, some hundred times any electorate on earth. One rule for the result CSV and
the contest file's [result] (which took 10^26 while the CSV stopped here)."""


def votes_problem(value: object, *, what: str = "votes") -> str | None:
    """Why `value` (a contest file's number) cannot be a count of votes: not a whole number >= 0, or past
    MAX_VOTES; None when it can. The result CSV reads its cells with whole_number(most=MAX_VOTES)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return f"{what} must be a whole number >= 0, not {value!r}"
    if value > MAX_VOTES:
        return f"{what}: {value:,} is too large (at most {MAX_VOTES:,})"
    return None


_DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")

EXPONENT = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)[eE](?:[+-]?[0-9]*)")
"""A figure written with an exponent ("1e2", "4.5E1", "1e-05"), its exponent perhaps unfinished ("1e", "4.5E-")."""


def exponent_words(text: str) -> str:
    """What every reader and form says of a figure written with an exponent (EXPONENT): it is not taken, as a
    figure in digits is the one rule. The poll CSV refused "1e2" while the poll form read it as 100: the same
    words now in both, with the figure in digits where there is one ("'1e2' is not a number: write it in digits,
    without an exponent (100)")."""
    shown = text if len(text) <= 40 else text[:40] + "..."
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = None  # an exponent not finished: "1e", "4.5E-"
    digits = ""
    if value is not None and value.is_finite() and -24 <= value.adjusted() <= 24:  # ("1e999999999": no hint)
        digits = format(value, "f")
        digits = digits.rstrip("0").rstrip(".") if "." in digits else digits
    hint = f" ({digits})" if digits and len(digits) <= 30 else ""
    return f"{shown!r} is not a number: write it in digits, without an exponent{hint}"


def plain_decimal(text: str) -> float:
    """A share or percentage as every reader and option takes it: ASCII digits with an optional point and sign,
    and one optional trailing "%" ("45", "45.5", "-2", "45 %"). float() alone would also read "4_5" as 45,
    other scripts' digits ("٤٥"), exponents, "nan" and "inf".

    Raises:
        ValueError: the text (cut to 40 characters) is not such a number.
    """
    t = text.strip()
    t = t[:-1].rstrip() if t.endswith("%") else t
    if not _DECIMAL.fullmatch(t):
        if EXPONENT.fullmatch(t):
            raise ValueError(exponent_words(t))
        if re.fullmatch(r"-?[0-9]+,[0-9]+", t):  # "12,5" quoted in a comma file: say how to write it
            raise ValueError(f"{t!r} is not a number (write decimals with a point: {t.replace(',', '.')})")
        raise ValueError(f"{t[:40]!r} is not a number")
    return float(t)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(text: str) -> date:
    """A date written YYYY-MM-DD in ASCII digits, the one form every reader and option takes. date.fromisoformat
    alone also reads "20240301" and week dates ("2024-W09-5") on Python 3.11 but not 3.10, so a file would read
    differently by the Python it runs on.

    Raises:
        ValueError: the text (cut to 40 characters), and the form to use.
    """
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date (no such day)") from None
    raise ValueError(f"{text[:40]!r} is not a date (use YYYY-MM-DD)")


def json_kind(value: object) -> str:
    """A JSON value's kind and the value, shown in a refusal ("a number 5", "null", "a list ['x']")."""
    if value is None:
        return "null"
    kind = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return f"{kind.get(type(value), type(value).__name__)} {value!r:.40}"


def not_text(value: object, field: str) -> str | None:
    """The one wording for a value read from JSON (a bundle, a saved record) that must be text and is not:
    "pollster must be text, not a number 5", naming the field (the caller names where: the bundle's part, the
    record); None for text. Read with str(), a number 5 had been the name "5" and null the text "None"."""
    return None if isinstance(value, str) else f"{field} must be text, not {json_kind(value)}"


def text_only(value: object, field: str) -> str:
    """`value` if it is text; else ValueError in not_text's wording."""
    if (problem := not_text(value, field)) is not None:
        raise ValueError(problem)
    assert isinstance(value, str)
    return value


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def written_as_fractions(values: Iterable[float]) -> bool:
    """Figures written as fractions of one (0.44 for 44 %), as a spreadsheet's percent cells save: at least two,
    each at most 1, together between a half and "about 1" (SUM_TOLERANCE). Read as percentages they would say
    the parties or transfers named hold about 1 % between them, which no poll publishes; a party figure's sum is
    not held to 100 (a poll may list some parties), so 0.44 had been stored as 0.44 %."""
    figures = list(values)
    if len(figures) < 2 or max(figures) > 1.0:  # the usual case: percentages
        return False
    return min(figures) >= 0.0 and 0.5 <= sum(figures) <= 1.0 + SUM_TOLERANCE / 100


def _fractions_problem(field: str, total: float) -> Problem:
    return Problem(field, f"figures sum to {total:g}: fractions of one? write percentages (0.44 as 44, or 44 %)")


def _check_shares(name: str, shares: Mapping[str, float], known: frozenset[str], *, must_sum: bool) -> list[Problem]:
    problems: list[Problem] = []
    for code, value in shares.items():
        if code not in known:
            problems.append(
                Problem(f"{name}:{code}", f"unknown {'party' if name == 'party' else 'candidate'} {code!r}")
            )
        if not 0.0 <= value <= 100.0 or value != value:  # NaN fails both comparisons: caught by the second test
            problems.append(Problem(f"{name}:{code}", f"share {value:g} is outside 0-100"))
    total = sum(shares.values())
    if len(shares) >= 2 and written_as_fractions(shares.values()):
        problems.append(_fractions_problem(name, total))
    elif must_sum and shares and abs(total - 100.0) > SUM_TOLERANCE:
        problems.append(
            Problem(name, f"shares sum to {total:g}, not about 100 (add an 'other' figure if the poll has one)")
        )
    elif shares and total > 100.0 + SUM_TOLERANCE:
        problems.append(Problem(name, f"shares sum to {total:g}, more than 100"))
    return problems


def poll_date_window(contest: Contest) -> tuple[date, date]:
    """The earliest and latest dates a poll for `contest` may carry (see LATEST_AFTER_ELECTION)."""
    return date_window(contest.election_date)


def event_date_problem(day: date, election: date) -> str | None:
    """Why `day` cannot be an event marker's date in a race held on `election`, None when it can: the polls' window
    (ten years before the election to a year after). A marker dated 9999 or 0001 was stored and never seen on the
    charts. One rule for the window's Event marker dialog and for campaign bundles."""
    earliest, latest = date_window(election)
    if earliest <= day <= latest:
        return None
    return (
        f"{day.isoformat()} is outside this contest's dates ({earliest.isoformat()} to {latest.isoformat()}: ten "
        "years before its election to a year after)"
    )


def date_window(election: date) -> tuple[date, date]:
    """The earliest and latest dates a poll of a race held on `election` may carry (see LATEST_AFTER_ELECTION)."""
    earliest = election - EARLIEST_BEFORE_ELECTION if election.toordinal() > EARLIEST_BEFORE_ELECTION.days else date.min
    latest = election + LATEST_AFTER_ELECTION if election <= date.max - LATEST_AFTER_ELECTION else date.max
    return earliest, latest


def poll_problems(poll: Poll, contest: Contest, others: Iterable[Poll], *, today: date | None = None) -> list[str]:
    """What would stop `poll` being saved in `contest` beside `others` (the contest's polls, or those of the
    same fieldwork dates), as messages naming the field: validate_poll's problems, then a duplicate of another
    stored poll (same pollster as it looks and same fieldwork dates; the poll itself, by id, is not its own
    duplicate). The window's form and the start's first stage check with this one function."""
    problems = [str(p) for p in validate_poll(poll, contest, today=today)]
    key = poll.key()
    for other in sorted(others, key=lambda p: p.id or 0):
        if other.id != poll.id and other.key() == key:
            problems.append(f"pollster: duplicate of poll #{other.id} (same pollster and fieldwork dates)")
    return problems


_DIRECTION = re.compile("[" + "".join(sorted(DIRECTION_CONTROLS)) + "]")


def in_the_future(day: date, today: date) -> str:
    """The words for a date after `today` (today_somewhere): the poll's rule, for every importer. The day it is
    measured from is named, so that a computer whose clock is set back (a flat battery, a machine restored from an
    image) is seen to be the cause, not the poll."""
    return (
        f"{day.isoformat()} is in the future (no day after {today.isoformat()} has begun anywhere on Earth by this "
        "computer's clock)"
    )


@dataclass(frozen=True, slots=True)
class AllowedCodes:
    """The codes a poll of one contest may give a figure to, per kind of figure: the one statement of the rule
    that validate_poll, a bundle's check (store.contests), the window's put-back check (services.poll_service)
    and the store's hand-edit check (store.db, as SQL lists) all read."""

    first: frozenset[str]
    """First round: the candidates, and "other" (the candidates a poll leaves out, together)."""
    second: frozenset[str]
    """Second round (a runoff pairing): the candidates only."""
    party: frozenset[str]
    """Party voting intention: the parties, and "other"."""
    transfer_from: frozenset[str]
    """A transfer's source: a candidate (whose voters move)."""
    transfer_to: frozenset[str]
    """A transfer's destination: a candidate, or EXHAUSTED (no further preference)."""


def allowed_codes(candidates: Iterable[str], parties: Iterable[str]) -> AllowedCodes:
    """The codes a poll may use in a contest with these candidate and party codes (AllowedCodes)."""
    people = frozenset(candidates)
    return AllowedCodes(
        first=people | {"other"},
        second=people,
        party=frozenset(parties) | {"other"},
        transfer_from=people,
        transfer_to=people | {EXHAUSTED},
    )


def codes_union(a: AllowedCodes, b: AllowedCodes) -> AllowedCodes:
    """Every code either allows, kind by kind."""
    return AllowedCodes(
        a.first | b.first,
        a.second | b.second,
        a.party | b.party,
        a.transfer_from | b.transfer_from,
        a.transfer_to | b.transfer_to,
    )


def codes_cover(now: AllowedCodes, seen: AllowedCodes) -> bool:
    """Whether `now` allows every code `seen` allows, kind by kind: a poll within `seen` is within `now`."""
    return (
        seen.first <= now.first
        and seen.second <= now.second
        and seen.party <= now.party
        and seen.transfer_from <= now.transfer_from
        and seen.transfer_to <= now.transfer_to
    )


def contest_codes(contest: Contest) -> AllowedCodes:
    """allowed_codes for `contest`'s candidates and parties."""
    return allowed_codes(contest.candidate_codes, (p.code for p in contest.parties))


@dataclass(frozen=True, slots=True)
class CodeMisuse:
    """One code a poll uses where AllowedCodes does not allow it."""

    part: str
    """Which figures: "first", "second", "party" or "transfer"."""
    field: str
    """Where, as validate_poll names a field: "first:dan", "second:other", "party:R", "transfer:ann->other"."""
    code: str
    """The code not allowed there."""
    kind: str
    """What the code should name there: "candidate" or "party"."""


def codes_not_allowed(poll: Poll, allowed: AllowedCodes) -> list[CodeMisuse]:
    """Each code `poll` uses that `allowed` does not allow where it is used, in the poll's order: first round,
    second round, party figures, then each transfer's source and destination. Empty for a poll within the rule."""
    out: list[CodeMisuse] = []
    for name, shares, known, kind in (
        ("first", poll.first_round, allowed.first, "candidate"),
        ("second", poll.second_round, allowed.second, "candidate"),
        ("party", poll.party_vi, allowed.party, "party"),
    ):
        out += [CodeMisuse(name, f"{name}:{code}", code, kind) for code in shares if code not in known]
    for t in poll.transfers:
        where = f"transfer:{t.from_candidate}->{t.to_candidate}"
        if t.from_candidate not in allowed.transfer_from:
            out.append(CodeMisuse("transfer", where, t.from_candidate, "candidate"))
        if t.to_candidate not in allowed.transfer_to:
            out.append(CodeMisuse("transfer", where, t.to_candidate, "candidate"))
    return out


def validate_poll(poll: Poll, contest: Contest, *, today: date | None = None) -> list[Problem]:
    """Everything wrong with `poll` for `contest`; an empty list means it can be stored."""
    problems: list[Problem] = []
    if not poll.pollster.strip():
        problems.append(Problem("pollster", "is empty"))
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(poll, name)) > limit:
            problems.append(Problem(name, f"is {len(getattr(poll, name))} characters long; at most {limit}"))
    if (long_note := length_problem(poll.notes, NOTES_LIMIT)) is not None:  # a contest's notes' rule too
        problems.append(Problem("notes", long_note))
    for name in ("pollster", "client", "method", "source_url", "notes"):
        if "\x00" in getattr(poll, name):  # PostgreSQL text cannot hold NUL; it is never meant anyway
            problems.append(Problem(name, "contains a NUL character"))
        elif name in ("method", "source_url") and (line := control_problem(getattr(poll, name))) is not None:
            # one line each in the table's tooltip and the briefing's sources: a line break there made a second
            # "Pollster: URL" line for a pollster nobody polled, and a direction override showed another address
            # ("https://acme.example/\u202egnp.exe" as ".../exe.png")
            problems.append(Problem(name, line))
        elif name == "notes" and (bidi := _DIRECTION.search(poll.notes)) is not None:
            # the rule of the other free-text fields for direction controls (lines, tabs and other control
            # characters stay a note's own, shown escaped): a right-to-left override (U+202E) reordered what the
            # table, its tooltip and the briefing showed ("\u202eenilno" read "online")
            problems.append(
                Problem(
                    name, f"contains a text-direction control character (U+{ord(bidi[0]):04X}): it displays reordered"
                )
            )
    for name in ("pollster", "client"):  # a name that displays as another firm's would split its house effect
        if any(ch in DIRECTION_CONTROLS for ch in getattr(poll, name)):
            problems.append(Problem(name, "contains a text-direction control character: it displays as another name"))
            continue
        hidden = next((ch for ch in getattr(poll, name) if unicodedata.category(ch) in ("Cc", "Cf", "Cs")), None)
        if hidden is not None:  # "Ac\u200bme" or a BOM-prefixed "Acme" is a second firm, and a second poll
            problems.append(
                Problem(
                    name,
                    f"contains an invisible or control character (U+{ord(hidden):04X}, such as a zero-width space, "
                    "byte-order mark or line break): it displays as another name",
                )
            )
            continue
        disguised = disguised_letter(getattr(poll, name))
        if disguised is not None:  # "YоuGov" (Cyrillic о) prints as YouGov: a second firm, a second house effect
            problems.append(
                Problem(
                    name,
                    f"mixes Latin letters with {unicodedata.name(disguised, 'a letter').split()[0].title()} "
                    f"U+{ord(disguised):04X}, drawn like a Latin one: it displays as another name (write it in one "
                    "alphabet)",
                )
            )
    if poll.fieldwork_end < poll.fieldwork_start:
        problems.append(
            Problem(
                "fieldwork_end",
                f"{poll.fieldwork_end.isoformat()} is before the start {poll.fieldwork_start.isoformat()}",
            )
        )
    if poll.published is not None and poll.published < poll.fieldwork_end:
        problems.append(Problem("published", f"{poll.published.isoformat()} is before fieldwork ended"))
    earliest = poll_date_window(contest)[0]
    latest = poll_date_window(contest)[1]
    if poll.fieldwork_start < earliest:
        problems.append(
            Problem(
                "fieldwork_start",
                f"{poll.fieldwork_start.isoformat()} is an impossible date for this contest "
                f"(more than ten years before its election; earliest {earliest.isoformat()})",
            )
        )
    if poll.fieldwork_end > latest:
        problems.append(
            Problem(
                "fieldwork_end",
                f"{poll.fieldwork_end.isoformat()} is an impossible date for this contest "
                f"(more than a year after its election; latest {latest.isoformat()})",
            )
        )
    if poll.published is not None and poll.published > latest:
        problems.append(
            Problem(
                "published",
                f"{poll.published.isoformat()} is an impossible date for this contest "
                f"(more than a year after its election; latest {latest.isoformat()})",
            )
        )
    if today is not None and poll.fieldwork_start > today:
        problems.append(Problem("fieldwork_start", in_the_future(poll.fieldwork_start, today)))
    if today is not None and poll.published is not None and today < poll.published <= latest:
        problems.append(Problem("published", in_the_future(poll.published, today)))
    if poll.sample_size is not None and poll.sample_size <= 0:
        problems.append(Problem("sample_size", f"must be positive, got {poll.sample_size}"))
    elif poll.sample_size is not None and poll.sample_size > MAX_SAMPLE_SIZE:
        problems.append(
            Problem("sample_size", f"{poll.sample_size:,} is larger than any poll (at most {MAX_SAMPLE_SIZE:,})")
        )
    if not poll.first_round and not poll.second_round and not poll.party_vi:
        problems.append(Problem("first", "no first-round, second-round or party figures"))
    if len(poll.first_round) == 1:  # "first:ann" alone at 100: her average pulled ten points up, the lead unmoved
        problems.append(
            Problem("first", "one figure is no first round: give every candidate's share (or the rest as 'other')")
        )
    for name, shares in (("first", poll.first_round), ("second", poll.second_round)):
        whole = [code for code, value in shares.items() if value == 100.0]
        if whole and len(shares) >= 2:  # a runoff lead of +100 outweighs the rest: +6 became +46 on one such line
            problems.append(
                Problem(
                    f"{name}:{whole[0]}",
                    "100 % for one candidate leaves nobody for the others listed (a shifted or mistyped figure?)",
                )
            )
    allowed = contest_codes(contest)
    problems += _check_shares("first", poll.first_round, allowed.first, must_sum=True)
    problems += _check_shares("second", poll.second_round, allowed.second, must_sum=len(poll.second_round) >= 2)
    problems += _check_shares("party", poll.party_vi, allowed.party, must_sum=False)
    per_source: dict[str, float] = {}
    split: dict[str, list[float]] = {}
    given: dict[tuple[str, str], float] = {}
    for t in poll.transfers:
        split.setdefault(t.from_candidate, []).append(t.share)
        where = f"transfer:{t.from_candidate}->{t.to_candidate}"
        pair = (t.from_candidate, t.to_candidate)
        if pair in given:  # two rows of the poll form (or a bundle) for one figure: the store keeps one per pair
            problems.append(Problem(where, f"given twice ({given[pair]:g} and {t.share:g}): keep one"))
        given.setdefault(pair, t.share)
        if t.from_candidate not in allowed.transfer_from:
            problems.append(Problem(where, f"unknown candidate {t.from_candidate!r}"))
        if t.to_candidate not in allowed.transfer_to:
            problems.append(Problem(where, f"unknown candidate {t.to_candidate!r}"))
        elif t.to_candidate == t.from_candidate:  # a slip for another column: no split reads it
            problems.append(Problem(where, f"a transfer from {t.from_candidate!r} to himself"))
        if not 0.0 <= t.share <= 100.0:
            problems.append(Problem(where, f"share {t.share:g} is outside 0-100"))
        per_source[t.from_candidate] = per_source.get(t.from_candidate, 0.0) + t.share
    for source, total in per_source.items():
        if written_as_fractions(split[source]):
            problems.append(_fractions_problem(f"transfer:{source}", total))
        elif total > 100.0 + SUM_TOLERANCE:
            problems.append(Problem(f"transfer:{source}", f"splits sum to {total:g}, more than 100"))
    return problems


def result_problems(contest: Contest, result: OfficialResult) -> list[tuple[str, str]]:
    """What makes `result` impossible as `contest`'s declared outcome, as (key, message) pairs, the key as a
    contest file's [result] names it ("final_round.berry"). One rule for every path that stores a result: a
    contest file, a result CSV, File > Official result, a bundle and `count --save-result`.

    Every system: no figure past MAX_VOTES; every standing (not withdrawn) candidate has a first-round figure,
    unless an 'other' row groups those left out; a finalist has first-round votes; the exhausted pile holds no more
    votes than the first round counted; an electorate is at least the votes counted. Counts that carry the first
    round's papers on (Supplementary Vote, contingent vote, instant runoff): the final round holds no more votes
    than the first round counted, less those exhausted (instant runoff: an official exhausted pile may include
    papers the first round never counted, so the final round alone). Supplementary Vote and contingent vote, whose law sends the
    top two on (`finalists = "top_two"`): at most two finalists (SV: also everyone tied for second, or three or
    more tied for first, Schedule 5B para 5), each kept at least his first preferences, none
    placed below a candidate left out, and no transfer leaving a finalist (he keeps his papers). A runoff (two
    rounds) is a second election, whose turnout may rise, so its votes are not held to the first round's.
    Supplementary Vote, contingent vote and two rounds: no final round after a candidate passed the contest's
    majority in the first round (_majority_problems: its own `majority`, not 50 %).
    """
    out: list[tuple[str, str]] = []
    # its source is a line of attribution, as a poll's source address and an instant-runoff prior's source: a
    # right-to-left override read "Official <U+202E>gnp.exe" as "Official exe.png" in File > Official result
    if (problem := control_problem(result.source)) is not None:
        out.append(("source", problem))
    first, final = result.first_round, result.final_round
    figures = [
        *((f"first_round.{c}", v) for c, v in first.items()),
        *((f"final_round.{c}", v) for c, v in final.items()),
        *((f"transfers.{frm}", v) for frm, _to, v in result.transfers),
        ("exhausted", result.exhausted),
        ("electorate", result.electorate or 0),
    ]
    for key, votes in figures:  # every path's limit (`count --save-result` of 2^62 ballots stored them as counted)
        if votes > MAX_VOTES:
            out.append((key, f"{votes:,} votes is too large (at most {MAX_VOTES:,})"))
    if "other" not in first:  # an 'other' row may hold the candidates left out; else each must be there
        for candidate in contest.candidates:
            if not candidate.withdrawn and candidate.code not in first:
                out.append(
                    (
                        f"first_round.{candidate.code}",
                        f"{candidate.name} stands but has no first-round figure: give 0 if no votes, or put the "
                        "candidates left out in an 'other' row",
                    )
                )
    counted, in_final = sum(first.values()), sum(final.values())
    carried = contest.system != CountingSystem.TWO_ROUND
    for code in final:
        if code not in first:
            out.append((f"final_round.{code}", "a finalist must have first-round votes (none given)"))
    if carried and result.exhausted > counted:
        out.append(("exhausted", f"{result.exhausted:,} is more votes than the first round counted ({counted:,})"))
    # An instant-runoff report's exhausted pile may hold papers the first round never counted (Burlington 2009's
    # four first-ranking overvotes), so there the final round alone is held to the first round's count.
    exhausted = 0 if contest.system == CountingSystem.IRV else result.exhausted
    if carried and in_final + exhausted > counted:
        also = f" and {exhausted:,} exhausted are" if exhausted else " are"
        out.append(
            (
                "final_round",
                f"{in_final:,} votes in the final round{also} more than the first round counted ({counted:,}): "
                "votes from nowhere (is a first-round figure missing? the candidates left out go in an 'other' row)",
            )
        )
    if result.electorate is not None and result.electorate < max(counted, in_final):
        out.append(
            (
                "electorate",
                f"{result.electorate:,} registered voters are fewer than the {max(counted, in_final):,} votes counted",
            )
        )
    out += _majority_problems(contest, result)
    top_two = contest.counting_rules.finalists == "top_two"
    if contest.system in (CountingSystem.SV, CountingSystem.CONTINGENT) and top_two:
        standing = [v for c, v in first.items() if c != "other"]
        # SV keeps every candidate tied for second, or of three or more tied for first (Schedule 5B para 5)
        cut = sorted(standing, reverse=True)[1] if len(standing) > 1 else 0
        tied = sum(v >= cut for v in standing) if contest.system is CountingSystem.SV else 2
        if len(final) > max(2, tied):
            also = " and every candidate tied for second" if contest.system is CountingSystem.SV else ""
            out.append(("final_round", f"names {len(final)} finalists; {contest.system.label} takes the top two{also}"))
        for code, votes in final.items():
            if code not in first:
                continue
            if votes < first[code]:
                out.append(
                    (
                        f"final_round.{code}",
                        f"{votes:,} is fewer than the {first[code]:,} first-round votes a finalist keeps",
                    )
                )
            ahead = sorted((v for v in standing if v > first[code]), reverse=True)
            if len(ahead) >= 2:
                out.append(
                    (
                        f"final_round.{code}",
                        f"{code!r} was not in the top two on first-round votes ({first[code]:,}, below "
                        f"{ahead[0]:,} and {ahead[1]:,}), so cannot be a finalist",
                    )
                )
        for frm, to, _votes in result.transfers:
            if frm in final:
                shown = "exhausted" if to == EXHAUSTED else to
                out.append(
                    ("transfers", f"{frm!r} -> {shown!r}: a finalist keeps his papers; nothing transfers from him")
                )
    return out


def first_round_winner(contest: Contest, result: OfficialResult) -> tuple[str, int, int] | None:
    """The candidate elected in the first round by `contest`'s own majority rule, as (code, votes, base): more
    than `majority` % (its [rules], 50 % unless the contest file says otherwise) of `majority_base` (valid votes:
    the first round's figures; registered voters: the result's electorate, None without it; votes cast include
    blank and null papers the result does not give, so never decided here). None when nobody passed it."""
    rules = contest.counting_rules
    base = {"valid": sum(result.first_round.values()), "registered": result.electorate}.get(rules.majority_base)
    if not base:
        return None
    standing = {c: v for c, v in result.first_round.items() if c != "other"}
    if not standing:
        return None
    # Under a majority below half the largest is elected; tied leaders go as the count breaks the tie (placing, on
    # the names the count's ballots give, never the codes a result is keyed by).
    shown = tie_names(contest)

    def place(c: str) -> tuple[float, str]:
        return placing(standing[c], shown.get(c, c))

    code = max(standing, key=place)
    return (code, standing[code], base) if passes_majority(standing[code], base, rules.majority) else None


def _majority_problems(contest: Contest, result: OfficialResult) -> list[tuple[str, str]]:
    """A final round after a first-round winner: under the Supplementary Vote, the contingent vote and two
    rounds, a candidate with more than the contest's `majority` (its [rules], 50 % unless the contest file says
    otherwise) of `majority_base` in the first round is elected there, and no second count or runoff is held. A
    final round that repeats the finalists' first-round figures, nothing transferred, claims no second count and
    is let be. Valid votes are the first round's figures; registered voters the result's electorate (no check without it);
    votes cast include blank and null papers the result does not give, so that base is not checked."""
    if contest.system not in (CountingSystem.SV, CountingSystem.CONTINGENT, CountingSystem.TWO_ROUND):
        return []
    final = result.final_round
    if not final or (all(final[c] == result.first_round.get(c) for c in final) and not result.transfers):
        return []  # none, or the first round's figures again: no second count is claimed
    won = first_round_winner(contest, result)
    if won is None:
        return []
    code, votes, base = won
    rules = contest.counting_rules
    return [
        (
            "final_round",
            f"{code!r} had {votes:,} of {base:,} {rules.majority_base} votes in the first round "
            f"({100.0 * votes / base:.2f} %), over {contest.name}'s majority of {rules.majority:g} %: elected "
            "in the first round, so no votes were transferred to a final round (leave final_round out)",
        )
    ]
