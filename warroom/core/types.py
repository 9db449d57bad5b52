"""Frozen domain types shared by every layer.

Shares are always percentages (0-100), never fractions, because that is how
pollsters publish them and how staff talk about them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction

EXHAUSTED = "__exhausted__"
"""Pseudo candidate code for a ballot or a voter with no valid later preference."""


class CountingSystem(StrEnum):
    """The counting rules this app understands."""

    SV = "sv"  # Supplementary Vote: two preferences, top two go to the second round
    CONTINGENT = "contingent"  # contingent vote: up to three preferences (Sri Lanka, Art. 94), top two to round two
    IRV = "irv"  # instant runoff: eliminate the last one at a time
    TWO_ROUND = "two_round"  # two-round system: a second election between those who qualify

    @property
    def label(self) -> str:
        return {
            CountingSystem.SV: "Supplementary Vote",
            CountingSystem.CONTINGENT: "Contingent vote",
            CountingSystem.IRV: "Instant runoff",
            CountingSystem.TWO_ROUND: "Two-round system",
        }[self]


MAJORITY_BASES = ("valid", "cast", "registered")
"""What a majority or qualifying threshold is a share of: valid votes, all votes cast (blank and null
included), or registered voters."""


def passes_majority(votes: int, base: int, majority: float) -> bool:
    """Whether `votes` are more than `majority` % of `base`, exactly (no float rounding at 10^16 votes): the one
    test the count engine (`core.count`) and the result check (`core.validation.first_round_winner`) share."""
    return base > 0 and Fraction(votes) * 100 > Fraction(majority) * base


def placing(votes: float, name: str) -> tuple[float, str]:
    """The order of candidates on one round's votes (or shares), as a sort key (larger is ahead): more votes first,
    and among tied candidates the later name ahead. The one tie rule the count engine (`core.count`: first-round
    leaders past a majority, the top two), the result check (`core.validation.first_round_winner`, and the
    back-test's reason that names who was elected), a projection's outright winner (`core.scenario.project`) and
    the runoff pair an average proposes (`core.runoff.front_pair`) share, so a check never names another of two
    tied leaders than the count elected, whatever order a result file lists them in. The law decides such ties by
    lot; the count says so.

    `name` is the candidate's name as the window shows it (`Candidate.display`, `tie_names`), never the code: a
    contest whose codes and names sort apart (code "b" for Ann, "a" for Bob) elected Bob in the count (ballots
    name candidates) and Ann in the result check (results are keyed by code). A count without a contest has only
    its ballots' names."""
    return (votes, name)


def tie_names(contest: Contest) -> dict[str, str]:
    """Each of `contest`'s candidates' codes -> the name `placing` compares (`Candidate.display`, the name the
    window shows; a code the contest does not have, such as "other", is its own name)."""
    return {c.code: c.display for c in contest.candidates}


FINALIST_RULES = ("top_two", "threshold", "elimination")
"""How the final round is reached: the top two qualify (SV, contingent, two-round presidential); everyone over
a threshold qualifies, or else the top two (French legislative: 12.5 % of registered voters); or the last
candidate is eliminated round by round (instant runoff)."""


DIRECTION_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Unicode's bidirectional controls: a right-to-left override makes a name display as a different name."""


RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")
"""A right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms; the historic and
Adlam planes)."""


def listed(names: Sequence[str]) -> str:
    """Names as a sentence lists them: "A", "A and B", "A, B and C" (a batch elimination read "Simpson and
    Write-in and Smith out"). The one rule the count's words, the panels and the settings in words use."""
    return names[-1] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}" if names else ""


def bidi_isolated(name: str) -> str:
    """A name holding right-to-left letters, set in a first-strong isolate (FSI ... PDI), for joining into text.

    The one helper every sentence, label, header and headline uses where a candidate's or pollster's name is
    joined with other text. Without it, Unicode's bidi rules join the figures and punctuation after such a name
    to the name's right-to-left run: "Reid 41 %, خان 43.0" was laid out with 43.0 read as the other candidate's,
    and "Runoff خان–Reid" with the dash on the wrong side. Latin names come back as they are, and a name
    already isolated is not wrapped twice. For display only, never for matching (names are refused if they
    hold a direction control themselves: control_problem).
    """
    if not RIGHT_TO_LEFT.search(name) or (name.startswith("\u2068") and name.endswith("\u2069")):
        return name
    return f"\u2068{name}\u2069"


_ISOLATED_RUN = re.compile("\u2068([^\u2066-\u2069\u200e\u200f\u202a-\u202e]*)\u2069")


def without_isolates(text: str) -> str:
    """`text` with every isolate bidi_isolated put round a name taken off: the plain names, for machine output
    (the CLI's JSON), where the isolates are display dress a script comparing names would trip on. Only a
    balanced isolate round text holding no other direction control is taken off; anything else is left."""
    if "\u2068" not in text:
        return text
    return _ISOLATED_RUN.sub(r"\1", text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def controls_escaped(text: str, *, lines_ok: bool = False) -> str:
    """`text` for display with each control character and text-direction control written as a \\xNN or \\uNNNN
    escape (line breaks and tabs kept with lines_ok, for notes): a stored text from before such characters were
    refused (or edited outside warroom) is shown as it is, never reordered by an override ("\\u202eenilno" read
    "online") nor broken into lines that are not its own. The one rule for the poll table's tooltip, the poll
    form's note and the briefing's sources."""
    if _CONTROL_OR_DIRECTION.search(text) is None:
        return text
    if lines_ok:
        return "".join(
            ch if ch in "\n\t" else _CONTROL_OR_DIRECTION.sub(_escape, ch) for ch in text.replace("\r\n", "\n")
        )
    return _CONTROL_OR_DIRECTION.sub(_escape, text)


_CONTROL_OR_DIRECTION = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(DIRECTION_CONTROLS)) + "]")


def control_problem(text: str, *, lines_ok: bool = False) -> str | None:
    """Why `text` cannot be a name: a control character (a terminal escape, a line break, NUL; line breaks
    and tabs allowed with lines_ok, for notes) or a text-direction control; None when it has neither."""
    if _CONTROL_OR_DIRECTION.search(text) is None:  # the usual case, at C speed (every poll's address and method)
        return None
    for ch in text:
        if lines_ok and ch in "\n\r\t":
            continue
        code = ord(ch)
        if code < 32 or 127 <= code < 160 or ch in "\u2028\u2029":
            return f"contains a control character (U+{code:04X}): a line break, tab or terminal escape"
        if ch in DIRECTION_CONTROLS:
            return f"contains a text-direction control character (U+{code:04X}): it displays as another name"
    return None


_HOMOGLYPHS = str.maketrans(
    # Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables, the common ones): 'аnn' with a
    # Cyrillic а prints exactly as 'ann'.
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u04bb\u0501\u04cf"
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0423\u0425\u0406\u0408\u0405"
    "\u03bf\u03b1\u03b9\u03ba\u03bd\u03c1\u03c4\u03c5\u03c7"
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7",
    "aeopcyxijshdlABEKMHOPCTYXIJSoaikvptuxABEZHIKMNOPTYX",
)


def lookalike_key(text: str) -> str:
    """`text` as it looks: compatibility forms folded (fullwidth 'ＡＮＮ' is 'ANN'), invisible format characters
    dropped (soft hyphen, zero-width space), Cyrillic and Greek letters drawn like Latin ones read as those,
    case and spacing ignored. Two codes or names with one key cannot be told apart on screen."""
    folded = unicodedata.normalize("NFKC", text)
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return " ".join(visible.translate(_HOMOGLYPHS).casefold().split())


def firm_key(pollster: str) -> str:
    """A pollster's identity: its name as it looks (lookalike_key: case-folded, NFKC so fullwidth 'ＹｏｕＧｏｖ' is
    'YouGov', spaces of any kind collapsed and trimmed), so "YouGov", "yougov", "YOUGOV" and "YouGov\u00a0" are one
    firm. The one rule for every reader and grouping: duplicates (Poll.key), the average's house effects, the
    chart's pollster key, the two-round notices' smoother."""
    return lookalike_key(pollster)


def firm_spellings(names: Iterable[str]) -> dict[str, str]:
    """Each of `names` -> the spelling shown for its firm (firm_key): the first of `names` written for that firm.
    Callers pass the names in the order that makes "first" (the polls' order by fieldwork)."""
    shown: dict[str, str] = {}
    out: dict[str, str] = {}
    for name in names:
        if name not in out:
            out[name] = shown.setdefault(firm_key(name), name)
    return out


def without_invisibles(name: str) -> str:
    """A stored name as it can be typed: without the invisible format characters (zero-width space, soft hyphen)
    a name copied from a web page keeps, which every view draws as nothing. Used on the names looked in, never on
    the text looked for: a column typed with an invisible character is not the name (it looks alike, and is
    refused as unknown); a candidate shown as "Ann Red" was unknown to a column `first:Ann Red`."""
    return "".join(ch for ch in name if unicodedata.category(ch) != "Cf")


_HOMOGLYPH_LETTERS = frozenset(chr(k) for k in _HOMOGLYPHS)
_WORD = re.compile(r"\w+")


def disguised_letter(text: str) -> str | None:
    """The first Cyrillic or Greek letter drawn like a Latin one (_HOMOGLYPHS) inside a word that also holds Latin
    letters ('YоuGov' with a Cyrillic о), or None. Such a word prints as the Latin name and is another name
    wherever names are compared as written. A whole word in one alphabet (ВЦИОМ, or "Levada Центр") is left."""
    if text.isascii():  # the usual case: nothing but Latin letters
        return None
    for word in _WORD.finditer(text):
        found = next((ch for ch in word[0] if ch in _HOMOGLYPH_LETTERS), None)
        if found is not None and any(
            ch.isascii() or unicodedata.name(ch, "").startswith("LATIN") for ch in word[0] if ch.isalpha()
        ):
            return found
    return None


def _unaccented(key: str) -> str:
    """A lookalike_key with accents and hyphens dropped: how the French compilations (`france.name_key`) and
    pasted tables match names, so "Zoé Smith" and "Zoe Smith" are one name to them."""
    decomposed = unicodedata.normalize("NFKD", key)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("-", " ").split())


EARLIEST_ELECTION = date(1900, 1, 1)
LATEST_ELECTION = date(2199, 12, 31)
"""The election dates a contest may have. A date in year 1 or 9999 is a typo, and the ten-year window its polls
must fall in (core.validation) would run past the calendar: `forecast` said only "ordinal must be >= 1"."""


MAX_CONTEST_CANDIDATES = 1_000
"""The most candidates (and parties) a contest may have. The largest fields on record are a few hundred (185 in
Nizamabad, India, 2019; 135 in California's 2003 recall), and the window is built per candidate: `warroom render
window` of a 1,000-candidate race took 11 s (8.5 s of CPU) and of 5,000 candidates 168 s (98 s), where London's
took 5.6 s (this machine, load 3). The ballot readers' own limit (ballots.MAX_CANDIDATES) is separate: a file
of ballots is counted without a window."""


CODE_LIMIT = 40
NAME_LIMIT = 120
CONTEST_TEXT_LIMITS = {"name": 200, "office": 200, "area": 200, "transfer_prior": 200}
NOTES_LIMIT = 10_000
"""Characters a code (a candidate's or a party's), a name (a candidate's, its short name, a party's, a pollster
and a client: core.validation.TEXT_LIMITS), a contest's texts and a note (a contest's or a poll's) may hold: the
store's column sizes (store/schema.py; PostgreSQL refuses longer text, SQLite would keep it). Notes are Text
columns with no size; ten thousand characters (some four pages) is more than any note a team writes, and a note
past it is a file pasted by mistake. Contest.problems() and validate_poll check them, so the dialogs say so as
the user types (and stop typing there), and every file and bundle is held to the same rule."""


def clipped(text: str, most: int = 40) -> str:
    """`text` as a message quotes it: past `most` characters, cut there with an ellipsis ("NNN…"), so that a
    5,000-character name is not echoed whole in a message about its length."""
    return text if len(text) <= most else text[:most] + "\u2026"


ECHO_LIMIT = 80
"""The most of a user's argument a message repeats (`--row`, `--split`, `--matchup`, ...): a 180 KB `--row` was
repeated whole, twice for some messages."""


def elided(text: str, most: int = ECHO_LIMIT) -> str:
    """`text` as a message repeats it: past `most` characters, its first `most` and its length ("xxx… (180,000
    characters)")."""
    return text if len(text) <= most else text[:most] + f"\u2026 ({len(text):,} characters)"


def echoed(text: str, most: int = ECHO_LIMIT) -> str:
    """`text` quoted as a message repeats an argument (`repr`, as before), cut as `elided` cuts it."""
    return repr(text) if len(text) <= most else repr(text[:most]) + f"\u2026 ({len(text):,} characters)"


def length_problem(text: str, limit: int) -> str | None:
    """ "is 5000 characters long; at most 200" when `text` is longer than `limit`, else None."""
    return f"is {len(text):,} characters long; at most {limit:,}" if len(text) > limit else None


MAX_CONTEST_EVENTS = 200
"""Event markers a contest may hold (the store's add, so the window's Event marker dialog and bundles alike): each is
a line on every chart with its note, drawn on the GUI thread; a bundle of 2,000 made `warroom render charts` of its
race take 57 s (27.6 s of CPU) against 5.6 s (2.6 s) for London's in the same minutes. A campaign marks a few dozen
moments (debates, launches, scandals)."""

EVENT_NOTE_LIMIT = 200
"""Characters an event marker's note may hold: the store's column (store/schema.py AnnotationRow.text), which
PostgreSQL enforces and SQLite does not."""


def event_note_problem(text: str) -> str | None:
    """Why `text` cannot be an event marker's note, None when it can: the one rule for the window's Event marker
    dialog and for campaign bundles (at most EVENT_NOTE_LIMIT characters, no control or direction character)."""
    return length_problem(text, EVENT_NOTE_LIMIT) or control_problem(text)


RESERVED_CODES = frozenset({"other", "exhausted", "none", "no second"})
"""Codes no candidate may take: "other" is the grouped others in polls and results; "exhausted" (and, in a poll
CSV's transfer columns, "none" and "no second") is the pile of ballots that reached no finalist."""


@dataclass(frozen=True, slots=True)
class Rules:
    """A counting system's parameters, as data.

    Attributes:
        majority: share (%) of `majority_base` a candidate must exceed to win in the first round.
        majority_base: "valid", "cast" or "registered".
        preferences: how many preferences count (2 for the Supplementary Vote; None: all of them).
        finalists: "top_two", "threshold" or "elimination".
        qualify_threshold: for "threshold", the share (%) of `qualify_base` that qualifies for the runoff.
        qualify_base: "valid", "cast" or "registered".
        full_preferential: instant runoff only. True: a ballot must number every candidate (all but the last
            square, which is implied) or it is informal, so no formal ballot ever exhausts (Australian House of
            Representatives, Commonwealth Electoral Act 1918 ss 240 and 268(1)(c)). False (optional
            preferential): a voter ranks as few as they like and a ballot whose preferences run out exhausts.
    """

    majority: float = 50.0
    majority_base: str = "valid"
    preferences: int | None = None
    finalists: str = "top_two"
    qualify_threshold: float | None = None
    qualify_base: str = "registered"
    full_preferential: bool = False

    def __post_init__(self) -> None:
        if not (0.0 < self.majority < 100.0):  # `not` so NaN is refused too
            raise ValueError(f"majority must lie strictly between 0 and 100 %, got {self.majority}")
        for name, base in (("majority_base", self.majority_base), ("qualify_base", self.qualify_base)):
            if base not in MAJORITY_BASES:
                raise ValueError(f"{name} must be one of {', '.join(MAJORITY_BASES)}, got {base!r}")
        if self.finalists not in FINALIST_RULES:
            raise ValueError(f"finalists must be one of {', '.join(FINALIST_RULES)}, got {self.finalists!r}")
        if self.preferences is not None and not (1 <= self.preferences <= 99):
            raise ValueError(f"preferences must be a whole number from 1 to 99 (or all), got {self.preferences}")
        if self.finalists == "threshold":
            if self.qualify_threshold is None or not (0.0 < self.qualify_threshold < 100.0):
                raise ValueError("a threshold rule needs qualify_threshold strictly between 0 and 100 %")
        elif self.qualify_threshold is not None:
            raise ValueError("qualify_threshold only applies with finalists = 'threshold'")
        if not isinstance(self.full_preferential, bool):
            raise ValueError(f"full_preferential must be true or false, got {self.full_preferential!r}")
        if self.full_preferential and self.finalists != "elimination":
            raise ValueError("full_preferential applies only to instant runoff (finalists = 'elimination')")
        if self.full_preferential and self.preferences is not None:
            raise ValueError(
                "full_preferential: every candidate must be numbered, so preferences must be all, "
                f"not {self.preferences}"
            )

    @classmethod
    def default_for(cls, system: CountingSystem) -> Rules:
        """The usual parameters of a system (England's SV, the former contingent vote, IRV, French two-round)."""
        if system == CountingSystem.SV:
            return cls(preferences=2)
        if system == CountingSystem.CONTINGENT:
            return cls(preferences=3)  # as the count engine reads it (Sri Lanka's Constitution, Art. 94)
        if system == CountingSystem.IRV:
            return cls(preferences=None, finalists="elimination")
        return cls(preferences=1)


@dataclass(frozen=True, slots=True)
class Party:
    code: str
    name: str
    colour: str = "#808080"


GENERATION_SUFFIXES = frozenset({"jr", "jr.", "junior", "sr", "sr.", "senior", "ii", "iii", "iv"})
"""Words a name may end in that tell a generation, not the family: passed over for the name charts use
(Candidate.display); casefolded."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate.

    Attributes:
        code: stable identifier within the contest (lower case, used in CSV headers and files).
        name: full name as on the ballot.
        party: party code, None for an independent.
        colour: "#RRGGBB" for charts.
        short_name: what charts and verdicts call them (default: the surname).
        withdrawn: stood down; kept for the polls that include them, left out of new baselines.
    """

    code: str
    name: str
    party: str | None = None
    colour: str = "#808080"
    short_name: str = ""
    withdrawn: bool = False

    @property
    def display(self) -> str:
        """The short name, or the last word of the name before a generational suffix (GENERATION_SUFFIXES:
        "Robert F. Kennedy Jr." is Kennedy, not "Jr.")."""
        if self.short_name:
            return self.short_name
        words = self.name.split()
        while len(words) > 1 and words[-1].casefold() in GENERATION_SUFFIXES:
            words.pop()
        return words[-1].rstrip(",") or words[-1] if words else self.code


MAX_REGISTERED = 2_000_000_000
"""The largest registered electorate a contest may give (ExpectedTurnout.registered): more than any country's (India's
was under a billion in 2024), and within the store's integer column on every database."""


@dataclass(frozen=True, slots=True)
class ExpectedTurnout:
    """A two-round contest's own expected first round: what a first round read from the poll average stands on
    until an official first round is stored (core.two_round_view.first_round_from). Set in the race's form, its
    contest file ([contest] expected_turnout, expected_blank_null, registered) or bundle.

    Attributes:
        turnout: votes cast, % of registered voters, more than 0 and at most 100.
        blank_null: blank and null votes, % of votes cast, more than 0 and under 100 (at 100 no vote is valid).
        registered: registered voters, a whole number from 1 to MAX_REGISTERED.
    """

    turnout: float
    blank_null: float
    registered: int

    def __post_init__(self) -> None:
        problems = expected_turnout_problems(self.turnout, self.blank_null, self.registered)
        if problems:
            raise ValueError("; ".join(problems))
        object.__setattr__(self, "registered", int(self.registered))  # (7e6 read from a file is 7,000,000 voters)

    @classmethod
    def stored(cls, turnout: float | None, blank_null: float | None, registered: int | None) -> ExpectedTurnout | None:
        """The setting from the store's three columns: None unless all three are there (one cleared by hand reads
        as not set, never as a half-made setting)."""
        if turnout is None or blank_null is None or registered is None:
            return None
        return cls(turnout, blank_null, registered)

    def text(self) -> str:
        """The setting in words, as the runoff's first-round sentence and `warroom contest show` give it."""
        return (
            f"turnout {self.turnout:.1f} % of {self.registered:,} registered voters, blank or null "
            f"{self.blank_null:.1f} % of votes cast"
        )

    def columns(self) -> tuple[float, float, int]:
        """(turnout, blank_null, registered): the store's columns and the contest file's keys, in that order."""
        return (self.turnout, self.blank_null, self.registered)


def expected_turnout_problems(turnout: object, blank_null: object, registered: object) -> list[str]:
    """What is wrong with a contest's expected first round, each naming its field as a contest file does
    (expected_turnout, expected_blank_null, registered); empty when ExpectedTurnout takes them."""
    out: list[str] = []

    def number(value: object) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    t = number(turnout)
    if t is None or not (0.0 < t <= 100.0):  # `not` so NaN is refused too
        out.append(f"expected_turnout: must be more than 0 and at most 100 % of registered voters, got {turnout!r}")
    b = number(blank_null)
    if b is None or not (0.0 < b < 100.0):
        out.append(
            "expected_blank_null: must be more than 0 and under 100 % of votes cast (at 100 % no vote is valid), "
            f"got {blank_null!r}"
        )
    r = number(registered)
    if r is None or not (math.isfinite(r) and r == int(r) and 1 <= r <= MAX_REGISTERED):
        out.append(f"registered: must be a whole number of voters from 1 to {MAX_REGISTERED:,}, got {registered!r}")
    return out


@dataclass(frozen=True, slots=True)
class Contest:
    """One race: its candidates, parties and the counting rules.

    Attributes:
        name: unique name in the store ("Cumbria Mayor 2027").
        election_date: polling day (the first round where there are two).
        system: the counting system.
        candidates: in ballot order.
        parties: the parties the candidates and the party voting intention refer to.
        id: the store's id (None before it is stored).
        office: what is being elected ("Mayor of Cumbria").
        area: where ("Cumbria Combined Authority").
        second_round_date: the runoff's polling day, for systems with a separate second round.
        rules: the counting rules (None: the system's usual ones, see `counting_rules`).
        notes: free text.
        demo: a demo race shipped with the app (marked as such wherever it appears).
        transfer_prior: the name of a past contest in the store whose count gives this race's default
            transfer splits where no poll publishes one ("" for none; core.priors).
        expected: a two-round race's own expected turnout, blank/null rate and registered electorate, for a
            first round read from its polls (None: not set, and such a first round is not counted).
    """

    name: str
    election_date: date
    system: CountingSystem
    candidates: tuple[Candidate, ...]
    parties: tuple[Party, ...] = ()
    id: int | None = None
    office: str = ""
    area: str = ""
    second_round_date: date | None = None
    rules: Rules | None = None
    notes: str = ""
    demo: bool = False
    transfer_prior: str = ""
    expected: ExpectedTurnout | None = None

    def __post_init__(self) -> None:
        # Two candidates the charts, the panels and the table would call alike by default ("Boris Johnson" and
        # "Jo Johnson", both "Johnson"): each of them without a short name is shown by his full name. The window
        # said "Runoff: Johnson 52.8 %, Johnson 47.2 %", "Johnson minus Johnson", "Chance Johnson wins: 28 %".
        shown: dict[str, int] = {}
        for c in self.candidates:
            shown[c.display.strip().casefold()] = shown.get(c.display.strip().casefold(), 0) + 1
        if any(n > 1 for n in shown.values()):
            told = tuple(
                replace(c, short_name=c.name.strip())
                if not c.short_name and shown[c.display.strip().casefold()] > 1 and c.name.strip()
                else c
                for c in self.candidates
            )
            object.__setattr__(self, "candidates", told)

    @property
    def counting_rules(self) -> Rules:
        """The rules in force: the contest's own, else the system's usual ones."""
        return self.rules if self.rules is not None else Rules.default_for(self.system)

    @property
    def title(self) -> str:
        """The name as shown in title bars and pickers, marked when it is a demo."""
        return contest_title(self.name, self.demo)

    @property
    def standing(self) -> tuple[Candidate, ...]:
        """Candidates who have not withdrawn."""
        return tuple(c for c in self.candidates if not c.withdrawn)

    def counts_as(self, other: Contest) -> bool:
        """True when `other` differs from this contest only in how it is shown (the race's name, office, area and
        notes; candidates' and parties' names, short names and colours): every figure worked out from the same
        polls (averages, leads, bands) is the same for both, as each of them goes by codes, dates and rules."""
        return _counting_basis(self) == _counting_basis(other)

    def problems(self, *, kept: Collection[str] = frozenset()) -> list[str]:
        """What is wrong with this contest as data (empty when it can be stored).

        Args:
            kept: codes the stored race already has (an edit): the rules on a code's shape made since races were
                first stored (no '>' and no trailing '-', none drawn as a reserved code or as nothing) are not
                applied to them, so a race stored before them can still be edited; its codes cannot be changed
                once polls use them.
        """
        out: list[str] = []
        if not self.name.strip():
            out.append("name: a contest needs a name")
        if len(self.candidates) < 2:
            out.append("candidates: a contest needs at least two candidates")
        for what, many in (("candidates", len(self.candidates)), ("parties", len(self.parties))):
            if many > MAX_CONTEST_CANDIDATES:
                out.append(
                    f"{what}: {many:,} {what}; a contest has at most {MAX_CONTEST_CANDIDATES:,} (is this one race?)"
                )
        seen: dict[str, str] = {}
        looks: dict[str, Candidate] = {}
        for c in self.candidates:
            key = c.code.strip().casefold()
            new = c.code not in kept
            if not key or (new and not lookalike_key(c.code)):  # (a zero-width space alone is drawn as nothing)
                out.append(f"candidate {clipped(c.name)!r}: needs a code")
            elif key in RESERVED_CODES or (new and lookalike_key(c.code) in RESERVED_CODES) or key.startswith("__"):
                out.append(f"candidate {clipped(c.name)!r}: the code {clipped(c.code)!r} is reserved")
            elif new and (">" in key or key.endswith("-")):
                out.append(
                    f"candidate {clipped(c.name)!r}: the code {clipped(c.code)!r} holds a '>' or ends in '-', which a "
                    "poll CSV's transfer columns (transfer:<from>><to>, or <from>-><to>) could not tell apart: "
                    "choose a code without them"
                )
            elif key in seen:
                out.append(
                    f"candidate {clipped(c.name)!r}: the code {clipped(c.code)!r} is also {clipped(seen[key])!r}'s"
                )
            elif lookalike_key(c.code) in looks:
                twin = looks[lookalike_key(c.code)]
                out.append(
                    f"candidate {clipped(c.name)!r}: the code {clipped(c.code)!r} looks like {clipped(twin.code)!r} ({clipped(twin.name)}'s) but is "
                    f"spelled with other characters ({c.code!a}): use letters that look different"
                )
            seen.setdefault(key, c.name)
            looks.setdefault(lookalike_key(c.code), c)
            if not lookalike_key(c.name):
                out.append(f"candidate {clipped(c.code)!r}: needs a name")
            if c.party is not None and c.party not in {p.code for p in self.parties}:
                out.append(
                    f"candidate {clipped(c.name)!r}: party {clipped(c.party)!r} is not one of the contest's parties"
                )
            if not is_colour(c.colour):
                out.append(f"candidate {clipped(c.name)!r}: colour {clipped(c.colour, 20)!r} is not #RRGGBB")
        names = [c.name.strip().casefold() for c in self.candidates]
        for n in sorted({n for n in names if names.count(n) > 1}):
            out.append(f"candidates: two candidates are named {clipped(n)!r}")
        # Two candidates still shown alike (short names typed the same, or a short name that is another's
        # surname): the default ones were given full names (__post_init__)
        shown: dict[str, Candidate] = {}
        for c in self.candidates:
            key = c.display.strip().casefold()
            alike = shown.get(key)
            if alike is not None and alike.name.strip().casefold() != c.name.strip().casefold():
                out.append(
                    f"candidate {clipped(c.code)!r}: shown as {clipped(c.display)!r}, as {clipped(alike.name)!r} is: "
                    "give one of them a short name the charts and panels can tell apart"
                )
            shown.setdefault(key, c)
        named: dict[str, str] = {}
        plain: dict[str, str] = {}
        for c in self.candidates:
            key = lookalike_key(c.name)
            if key in named and named[key].strip().casefold() != c.name.strip().casefold():
                out.append(
                    f"candidate {clipped(c.code)!r}: the names {clipped(named[key])!r} and {clipped(c.name)!r} look alike"
                )
            elif key not in named and _unaccented(key) in plain:
                out.append(
                    f"candidate {clipped(c.code)!r}: the names {clipped(plain[_unaccented(key)])!r} and {clipped(c.name)!r} differ only by "
                    "accents or hyphens (poll compilations and pasted tables read them as one name)"
                )
            named.setdefault(key, c.name)
            plain.setdefault(_unaccented(key), c.name)
        # compared as they look: "CON" and "СON" (a Cyrillic С) are two parties drawn alike in every key and picker
        codes = [lookalike_key(p.code) for p in self.parties]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            out.append(
                f"parties: the party code {clipped(code)!r} appears twice (as it looks: case, spacing and letters)"
            )
        for q in self.parties:  # "party:other" is the grouped other parties, in polls and in the store's figures
            if lookalike_key(q.code) == "other" and q.code not in kept:
                out.append(
                    f"party {clipped(q.code)!r}: code: {clipped(q.code)!r} is reserved (the other parties' figure)"
                )
        party_names = [lookalike_key(p.name) for p in self.parties]
        for name in sorted({n for n in party_names if n and party_names.count(n) > 1}):
            out.append(f"parties: two parties are named {clipped(name)!r} (as it looks: case, spacing and letters)")
        for label, day in (("election_date", self.election_date), ("second_round_date", self.second_round_date)):
            if day is not None and not EARLIEST_ELECTION <= day <= LATEST_ELECTION:
                out.append(
                    f"{label}: {day.isoformat()} is outside {EARLIEST_ELECTION.year}-{LATEST_ELECTION.year} (a typo? "
                    "every poll is dated within ten years of it)"
                )
        if self.second_round_date is not None and self.second_round_date <= self.election_date:
            out.append("second_round_date: the second round must come after the first")
        if self.transfer_prior.strip().casefold() == self.name.strip().casefold() and self.name.strip():
            out.append("transfer_prior: a contest cannot take its transfers from its own count")
        texts = [("name", self.name, False), ("office", self.office, False), ("area", self.area, False)]
        texts += [("transfer_prior", self.transfer_prior, False)]  # notes are free text: shown escaped
        for c in self.candidates:
            texts += [(f"candidate {c.code[:40]!r}: {k}", v, False) for k, v in (("code", c.code), ("name", c.name), ("short_name", c.short_name))]  # fmt: skip
        for q in self.parties:
            texts += [(f"party {q.code[:40]!r}: {k}", v, False) for k, v in (("code", q.code), ("name", q.name))]
        for where, text, lines_ok in texts:
            problem = control_problem(text, lines_ok=lines_ok)
            if problem is not None:
                out.append(f"{where}: {problem}")
        lengths = [(k, getattr(self, k), most) for k, most in CONTEST_TEXT_LIMITS.items()]
        lengths += [("notes", self.notes, NOTES_LIMIT)]
        for c in self.candidates:
            for k, v, most in (("code", c.code, CODE_LIMIT), ("name", c.name, NAME_LIMIT), ("short_name", c.short_name, NAME_LIMIT)):  # fmt: skip
                lengths.append((f"candidate {clipped(c.code)!r}: {k}", v, most))
        for q in self.parties:
            for k, v, most in (("code", q.code, CODE_LIMIT), ("name", q.name, NAME_LIMIT)):
                lengths.append((f"party {clipped(q.code)!r}: {k}", v, most))
        for where, text, most in lengths:
            if (problem := length_problem(text, most)) is not None:
                out.append(f"{where}: {problem}")
        if self.second_round_date is not None and self.system != CountingSystem.TWO_ROUND:
            out.append("second_round_date: only a two-round system has a separate second round")
        if self.expected is not None and self.system != CountingSystem.TWO_ROUND:
            out.append("expected_turnout: only a two-round system's first round is read with an expected turnout")
        return out

    def candidate(self, code: str) -> Candidate:
        for cand in self.candidates:
            if cand.code == code:
                return cand
        raise KeyError(f"unknown candidate {code!r} in {self.name}")

    def party(self, code: str) -> Party:
        for party in self.parties:
            if party.code == code:
                return party
        raise KeyError(f"unknown party {code!r} in {self.name}")

    @property
    def candidate_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.candidates)


@dataclass(frozen=True, slots=True)
class TransferObservation:
    """A published second-preference split: of `from_candidate`'s voters, `share` % go to `to_candidate`.

    `to_candidate` is EXHAUSTED for voters with no valid second preference.
    """

    from_candidate: str
    to_candidate: str
    share: float


@dataclass(frozen=True, slots=True)
class Annotation:
    """A dated event on the charts ("poster unveiled")."""

    when: date
    text: str
    id: int | None = None


@dataclass(frozen=True)
class Poll:
    """One published poll of a contest.

    Attributes:
        first_round: candidate code -> first-preference share (%).
        second_round: candidate code -> head-to-head share (%) of the runoff, when published.
        party_vi: party code -> party voting intention (%), when published.
        transfers: published second-preference splits.
    """

    pollster: str
    fieldwork_start: date
    fieldwork_end: date
    sample_size: int | None  # None: the pollster did not publish it
    first_round: Mapping[str, float] = field(default_factory=dict)
    second_round: Mapping[str, float] = field(default_factory=dict)
    party_vi: Mapping[str, float] = field(default_factory=dict)
    transfers: tuple[TransferObservation, ...] = ()
    client: str = ""
    published: date | None = None
    method: str = ""
    source_url: str = ""
    notes: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        # One canonical order, so the same poll compares equal however it was read (CSV, store, form).
        object.__setattr__(
            self, "transfers", tuple(sorted(self.transfers, key=lambda t: (t.from_candidate, t.to_candidate)))
        )

    @property
    def midpoint(self) -> date:
        """Middle of fieldwork: the date a poll is plotted at."""
        return self.fieldwork_start + (self.fieldwork_end - self.fieldwork_start) / 2

    def key(self) -> tuple[str, date, date]:
        """Identity for duplicate detection: same pollster (as it looks: `lookalike_key`, so a fullwidth "Ａcme"
        or "ACME  " is Acme) and fieldwork dates."""
        return (firm_key(self.pollster), self.fieldwork_start, self.fieldwork_end)


POLL_EDIT_FIELDS: dict[str, tuple[str, ...]] = {
    "pollster": ("pollster",),
    "client": ("client",),
    "fieldwork dates": ("fieldwork_start", "fieldwork_end"),
    "published": ("published",),
    "sample size": ("sample_size",),
    "method": ("method",),
    "source": ("source_url",),
    "notes": ("notes",),
    "first round": ("first_round",),
    "second round": ("second_round",),
    "party voting intention": ("party_vi",),
    "transfers": ("transfers",),
}
"""The parts of a poll an edit changes as one (merged_edit), by the name the poll form gives them. The fieldwork
dates are one part (a start from one edit and an end from another could cross), and so is each set of figures (a
share from each edit could sum to anything)."""


@dataclass(frozen=True, slots=True)
class MergedEdit:
    """What merged_edit found: the merged poll, or the parts both edits changed differently.

    Attributes:
        poll: the poll with both edits (None when they clash).
        clashes: the parts (POLL_EDIT_FIELDS' names, in its order) both changed, each to another value.
        theirs_changed: the parts only the other edit changed (taken from it into `poll`).
        mine_first: both edits with mine in each clash (what a form shows again after a clash: nothing typed lost,
            and nothing of theirs outside the clashes put back to the version both started from); `poll` when
            there is no clash.
    """

    poll: Poll | None
    clashes: tuple[str, ...]
    theirs_changed: tuple[str, ...]
    mine_first: Poll


def _part(poll: Poll, attrs: tuple[str, ...]) -> tuple[object, ...]:
    """One part of a poll, comparable whatever mapping type its figures came in (a dict, a read-only view)."""
    return tuple(dict(v) if isinstance(v := getattr(poll, a), Mapping) else v for a in attrs)


def merged_edit(base: Poll, mine: Poll, theirs: Poll) -> MergedEdit:
    """Two edits of one poll made from the same `base`: `mine` (this window's form) and `theirs` (a teammate's or
    another program's, stored meanwhile), merged part by part (POLL_EDIT_FIELDS): a part only one of them changed
    is taken from that one; a part both changed to the same value is that value; a part both changed to different
    values is a clash, and then there is no merged poll (neither edit may be dropped unseen). The merged poll
    carries theirs' id.

    Raises:
        ValueError: the three are not versions of one poll (different ids).
    """
    if not base.id == mine.id == theirs.id:
        raise ValueError(f"merged_edit: versions of different polls (ids {base.id}, {mine.id}, {theirs.id})")
    merged: dict[str, object] = {}
    clashes: list[str] = []
    taken: list[str] = []
    for name, attrs in POLL_EDIT_FIELDS.items():
        was, ours, other = _part(base, attrs), _part(mine, attrs), _part(theirs, attrs)
        if ours == was and other != was:  # only theirs changed it
            merged.update({a: getattr(theirs, a) for a in attrs})
            taken.append(name)
        else:  # only mine changed it, or both alike, or neither; or both differently: a clash, mine kept
            merged.update({a: getattr(mine, a) for a in attrs})
            if ours != other and other != was:
                clashes.append(name)
    both = replace(mine, id=theirs.id, **merged)  # type: ignore[arg-type]
    return MergedEdit(None if clashes else both, tuple(clashes), tuple(taken), both)


def is_colour(text: str) -> bool:
    """ "#RRGGBB"."""
    return len(text) == 7 and text[0] == "#" and all(ch in "0123456789abcdefABCDEF" for ch in text[1:])


@dataclass(frozen=True)
class OfficialResult:
    """A contest's official result, in votes.

    Attributes:
        first_round: candidate code -> first-round (first-preference) votes; "other" for grouped others.
        final_round: finalist code -> votes in the final round (SV/contingent: first preferences plus
            transfers; two-round: the runoff's votes; IRV: the last round). Empty when nobody needed one.
        transfers: (from code, to code or EXHAUSTED, votes) moved between the first and the final round.
        exhausted: first-round votes that reached neither finalist (or blank and null votes in a runoff).
        electorate: registered voters, when known.
        source: where the figures come from.
    """

    first_round: Mapping[str, int]
    final_round: Mapping[str, int] = field(default_factory=dict)
    transfers: tuple[tuple[str, str, int], ...] = ()
    exhausted: int = 0
    electorate: int | None = None
    source: str = ""

    def __post_init__(self) -> None:
        for where, votes in (("first_round", self.first_round), ("final_round", self.final_round)):
            for code, v in votes.items():
                if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                    raise ValueError(f"{where} {code}: votes must be a whole number >= 0, got {v!r}")
        if sum(self.first_round.values()) <= 0:
            raise ValueError("first_round: no votes")
        if self.exhausted < 0 or (self.electorate is not None and self.electorate <= 0):
            raise ValueError("exhausted and electorate must be positive numbers of votes")
        for frm, to, v in self.transfers:
            if v < 0 or frm == to:
                raise ValueError(f"transfer {frm}->{to}: must be a positive number of votes between two candidates")

    def shares(self) -> dict[str, float]:
        """First-round shares (%) of the valid vote."""
        total = sum(self.first_round.values())
        return {k: 100.0 * v / total for k, v in self.first_round.items()}

    def final_margin(self, a: str, b: str) -> float | None:
        """a minus b in points of the final round's valid vote, when both are finalists."""
        va, vb = self.final_round.get(a), self.final_round.get(b)
        if va is None or vb is None or va + vb == 0:
            return None
        return 100.0 * (va - vb) / (va + vb)


def _counting_basis(contest: Contest) -> tuple[object, ...]:
    """What of a contest the figures depend on (Contest.counts_as): all but its names, colours and notes."""
    return (
        contest.id,
        contest.election_date,
        contest.system,
        contest.second_round_date,
        contest.rules,
        contest.demo,
        contest.transfer_prior,
        contest.expected,
        tuple((c.code, c.party, c.withdrawn) for c in contest.candidates),
        tuple(p.code for p in contest.parties),
    )


def contest_title(name: str, demo: bool) -> str:
    """A contest's name as shown in title bars and pickers (Contest.title; the start's first read shows it too)."""
    return f"{name} (demo)" if demo else name


@dataclass(frozen=True, slots=True)
class UnsavedChange:
    """A change the store refused, kept as typed for Edit > Retry (and, past a close, in a recovery file).

    Attributes:
        action: "add", "edit" or "delete".
        polls: the polls as typed (an edit's carries the stored poll's id).
        contest_id: the contest it was made in (a retry never goes into another).
        contest_name: that contest's name, to say where it belongs.
        contest_born: that contest's creation time (None: not known), which tells it from a contest made later
            under its number (SQLite gives a deleted contest's number to the next one made).
        bases: an edit's: the version of each edited poll (its id as in `polls`) the edit was made against, so
            that a Retry finds a teammate's change stored since (core.types.merged_edit) instead of writing over
            it; empty when not known (a recovery file's: the poll as shown then stands for it).
    """

    action: str
    polls: tuple[Poll, ...]
    contest_id: int | None
    contest_name: str
    contest_born: datetime | None = None
    bases: tuple[Poll, ...] = ()

    def base_of(self, poll_id: int | None) -> Poll | None:
        """The version the edit of poll `poll_id` was made against, if kept."""
        return next((b for b in self.bases if b.id == poll_id), None)

    def describe(self) -> str:
        """What it is, in a few words: "2 polls added in London Mayor 2012"."""
        verb = {"add": "added", "edit": "edited", "delete": "deleted"}.get(self.action, self.action)
        what = f"the {self.polls[0].pollster} poll" if len(self.polls) == 1 else f"{len(self.polls):,} polls"
        return f"{what} {verb} in {self.contest_name}" if self.contest_name else f"{what} {verb}"
