"""Contest files: a race written as TOML, read with the stdlib's tomllib and written here. Pure core.

The format (the README's "Your own race" section has a complete example):

    [contest]     name, office, area, election_date, second_round_date, system, notes
    [rules]       majority, majority_base, preferences ("all" or a number), finalists, qualify_threshold,
                  qualify_base, full_preferential (instant runoff: true when every candidate must be numbered,
                  false, the default, for optional preferential); keys left out take the system's usual value
                  (core.types.Rules.default_for)
    [[party]]     code, name, colour
    [[candidate]] code, name, short_name, party, colour, withdrawn
    [result]      optional: first_round = {code = votes}, final_round = {code = votes},
                  transfers = [{from = code, to = code or "exhausted", votes = n}], exhausted, electorate, source

Every problem in a file is reported together, each with its line and key ("line 14: candidate[2].colour:
'#12345' is not #RRGGBB"), so a file can be fixed in one pass. The same checks run on the plain dictionary
form (`contest_from_dict`), which is what campaign bundles carry; there the key is named without a line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from warroom.core.colour import PALETTE
from warroom.core.types import (
    CONTEST_TEXT_LIMITS,
    EXHAUSTED,
    Candidate,
    Contest,
    CountingSystem,
    ExpectedTurnout,
    OfficialResult,
    Party,
    Rules,
    clipped,
    control_problem,
    expected_turnout_problems,
    is_colour,
)
from warroom.core.validation import MAX_VOTES, result_problems, votes_problem

EXPECTED_KEYS = ("expected_turnout", "expected_blank_null", "registered")
"""[contest] keys of a two-round race's expected first round (core.types.ExpectedTurnout: turnout, blank_null,
registered), written and read together."""

FORMAT_EXHAUSTED = "exhausted"
"""How a file names the exhausted pile in `transfers` (the store's EXHAUSTED code is internal)."""

CONTEST_FILE_MAX_BYTES = 1024**2
"""A contest file is a few kilobytes (the 2016 London example is 3 KB). Readers refuse anything past a megabyte
unread: tomllib reads a character at a time, and a 50 MB file took 17 s before its problems were listed."""

Path_ = tuple[str | int, ...]
"""A key's place in the document: ("candidate", 1, "colour") is the second [[candidate]]'s colour."""


@dataclass(frozen=True, slots=True)
class FileProblem:
    """One problem in a contest file.

    Attributes:
        line: 1-based line in the file, None when reading a dictionary (a bundle) or when no line holds the key.
        key: where, as "table.key" or "candidate[2].colour" (1-based), "" for a syntax error.
        message: what is wrong.
    """

    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.key}: {self.message}" if self.key else f"{where}{self.message}"


class ContestFileError(ValueError):
    """A contest file or dictionary that cannot be used; `problems` lists every problem found.

    Attributes:
        problems: each with its line (when known) and key.
    """

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ContestFile:
    """What a contest file holds: the contest and, optionally, its official result."""

    contest: Contest
    result: OfficialResult | None = None


# --- reading ----------------------------------------------------------------------------------------------------


def parse_contest_toml(text: str) -> Contest:
    """The contest described by a TOML contest file.

    Raises:
        ContestFileError: every problem, each with its line and key; nothing is half-read.
    """
    return parse_contest_file(text).contest


def parse_contest_file(text: str, *, kept: Collection[str] = frozenset()) -> ContestFile:
    """The contest and its optional [result] from a TOML contest file (`kept`: the codes of the stored race it
    edits, as Contest.problems takes them).

    Raises:
        ContestFileError: every problem, each with its line and key.
    """
    import tomllib  # (here: the window's start reads a contest's rules, store/first_read.py, never a file)

    text = text.removeprefix("\ufeff")  # Windows editors' byte-order mark: TOML's "Invalid statement" at line 1
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "syntax error"
        line = int(found.group(1)) if found else None
        raise ContestFileError([FileProblem(line, "", f"TOML syntax: {message}")]) from None
    except RecursionError:  # tomllib recurses once per level of [ or {
        raise ContestFileError([FileProblem(None, "", "TOML nested too deeply to read (arrays or tables)")]) from None
    return contest_from_dict(data, locate=_line_finder(text), kept=kept)


def contest_from_dict(
    data: Mapping[str, Any],
    *,
    locate: Callable[[Path_], int | None] | None = None,
    kept: Collection[str] = frozenset(),
) -> ContestFile:
    """The contest (and result) in a dictionary shaped like a contest file (dates as dates or ISO text).

    Args:
        data: the document: "contest", "rules", "party", "candidate", "result".
        locate: gives the line of a key path, when the dictionary was read from a file.

    Raises:
        ContestFileError: every problem found.
    """
    reader = _Reader(locate or (lambda _path: None), kept=kept)
    return reader.read(data)


def _render(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass
class _Reader:
    locate: Callable[[Path_], int | None]
    problems: list[FileProblem] = field(default_factory=list)
    kept: Collection[str] = frozenset()  # the stored race's codes, for an edit (Contest.problems)

    def fail(self, path: Path_, message: str) -> None:
        self.problems.append(FileProblem(self.locate(path), _render(path), message))

    def table(self, data: Mapping[str, Any], path: Path_, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        value: Any = data
        for part in path:
            value = value[part]
        if not isinstance(value, Mapping):
            self.fail(path, "must be a table")
            return {}
        for key in value:
            if key not in allowed:
                self.fail((*path, key), f"unknown key (this table takes {', '.join(allowed)})")
        return value

    def text(
        self, table: Mapping[str, Any], path: Path_, key: str, *, default: str | None = None, free: bool = False
    ) -> str:
        value = table.get(key, default)
        if value is None:
            self.fail((*path, key), "is required")
            return ""
        if not isinstance(value, str):
            self.fail((*path, key), f"must be text in quotes, not {_kind(value)}")
            return ""
        problem = None if free else control_problem(value)
        if problem is not None:  # a terminal escape, a line break in a name, a right-to-left override
            self.fail((*path, key), problem)
            return ""
        return value

    def day(self, table: Mapping[str, Any], path: Path_, key: str, *, required: bool) -> date | None:
        value = table.get(key)
        if value is None:
            if required:
                self.fail((*path, key), "is required (a date such as 2027-05-06)")
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                self.fail((*path, key), f"{value!r} is not a date such as 2027-05-06")
                return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.fail((*path, key), f"must be a date such as 2027-05-06, not {_kind(value)}")
            return None
        return value

    def number(self, table: Mapping[str, Any], path: Path_, key: str) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail((*path, key), f"must be a number, not {value!r}")
            return None
        return float(value)

    def votes(self, value: Any, path: Path_) -> int | None:
        problem = votes_problem(value)  # the one rule, the result CSV's too
        if problem is not None:
            self.fail(path, problem)
            return None
        return int(value)

    def read(self, data: Mapping[str, Any]) -> ContestFile:
        top = self.table(data, (), ("contest", "rules", "party", "candidate", "result"))
        if "contest" not in top:
            self.fail(("contest",), "the file needs a [contest] table")
            raise ContestFileError(self.problems)
        head = self.table(
            top,
            ("contest",),
            (
                "name",
                "office",
                "area",
                "election_date",
                "second_round_date",
                "system",
                "notes",
                "transfer_prior",
                *EXPECTED_KEYS,
            ),
        )
        p: Path_ = ("contest",)
        name = self.text(head, p, "name")
        office = self.text(head, p, "office", default="")
        area = self.text(head, p, "area", default="")
        notes = self.text(head, p, "notes", default="", free=True)  # free text, shown escaped
        transfer_prior = self.text(head, p, "transfer_prior", default="")
        election = self.day(head, p, "election_date", required=True)
        second = self.day(head, p, "second_round_date", required=False)
        system_text = self.text(head, p, "system")
        system: CountingSystem | None = None
        if system_text:
            try:
                system = CountingSystem(system_text.strip().casefold())
            except ValueError:
                choices = ", ".join(s.value for s in CountingSystem)
                self.fail((*p, "system"), f"{system_text!r} is not a counting system ({choices})")
        if system == CountingSystem.TWO_ROUND and transfer_prior:
            self.fail(
                (*p, "transfer_prior"),
                "a two-round race's runoff transfers come from its polls' transfer matrices: no past count's "
                "transfers are read by its figures (leave transfer_prior out)",
            )
        expected = self.expected(head, p)
        rules = self.rules(top, system) if "rules" in top else None
        parties = self.parties(top)
        candidates = self.candidates(top, {q.code for q in parties})
        if self.problems or election is None or system is None:
            raise ContestFileError(self.problems)
        contest = Contest(
            name=name,
            election_date=election,
            system=system,
            candidates=candidates,
            parties=parties,
            office=office,
            area=area,
            second_round_date=second,
            rules=rules,
            notes=notes,
            transfer_prior=transfer_prior,
            expected=expected,
        )
        self.contest_problems(contest)
        result = self.result(top, contest) if "result" in top else None
        if self.problems:
            raise ContestFileError(self.problems)
        return ContestFile(contest, result)

    def expected(self, head: Mapping[str, Any], path: Path_) -> ExpectedTurnout | None:
        """[contest] expected_turnout, expected_blank_null and registered: all three or none (Contest.expected)."""
        given = [key for key in EXPECTED_KEYS if key in head]
        if not given:
            return None
        if len(given) < len(EXPECTED_KEYS):
            missing = [key for key in EXPECTED_KEYS if key not in head]
            self.fail(
                (*path, missing[0]),
                f"is required with {' and '.join(given)}: a two-round race's expected first round takes "
                "expected_turnout (% of registered), expected_blank_null (% of votes cast) and registered (voters) "
                "together, or none of them",
            )
            return None
        values = [head[key] for key in EXPECTED_KEYS]
        problems = expected_turnout_problems(*values)
        for problem in problems:
            key, _, said = problem.partition(": ")
            self.fail((*path, key), said)
        return None if problems else ExpectedTurnout(*values)

    def rules(self, top: Mapping[str, Any], system: CountingSystem | None) -> Rules | None:
        names = tuple(f.name for f in fields(Rules))
        table = self.table(top, ("rules",), names)
        p: Path_ = ("rules",)
        before = len(self.problems)
        base = Rules.default_for(system) if system is not None else Rules()
        values: dict[str, Any] = {n: getattr(base, n) for n in names}
        for key in ("majority", "qualify_threshold"):
            if key in table:
                values[key] = self.number(table, p, key)
        if "majority" in table and table["majority"] is None:  # (a bundle's JSON null: a TypeError traceback)
            self.fail((*p, "majority"), "must be a number, not null")
        for key in ("majority_base", "finalists", "qualify_base"):
            if key in table:
                values[key] = self.text(table, p, key)
        if "finalists" in table and values["finalists"] != "threshold" and "qualify_threshold" not in table:
            values["qualify_threshold"] = None
        if "preferences" in table:
            prefs = table["preferences"]
            if prefs == "all":
                values["preferences"] = None
            elif isinstance(prefs, bool) or not isinstance(prefs, int):
                self.fail((*p, "preferences"), f'must be a whole number or "all", not {prefs!r}')
            else:
                values["preferences"] = prefs
        if "full_preferential" in table:
            full = table["full_preferential"]
            if isinstance(full, bool):
                values["full_preferential"] = full
            else:
                self.fail((*p, "full_preferential"), f"must be true or false, not {full!r}")
        if len(self.problems) > before:
            return None
        try:
            return Rules(**values)
        except ValueError as exc:
            message = str(exc)
            first = message.split()[0].rstrip(":")
            key = first if first in names else "qualify_threshold"  # "a threshold rule needs qualify_threshold"
            self.fail((*p, key), message)
            return None

    def parties(self, top: Mapping[str, Any]) -> tuple[Party, ...]:
        items = top.get("party", [])
        if not isinstance(items, list):
            self.fail(("party",), "must be an array of tables: write each party as [[party]]")
            return ()
        out: list[Party] = []
        for i, _ in enumerate(items):
            p: Path_ = ("party", i)
            table = self.table(top, p, ("code", "name", "colour"))
            code = self.text(table, p, "code").strip()
            if "code" in table and not code:
                self.fail((*p, "code"), "is empty")
            name = self.text(table, p, "name", default=code)
            colour = self.text(table, p, "colour", default="#808080")
            if colour and not is_colour(colour):
                self.fail((*p, "colour"), f"{colour!r} is not #RRGGBB")
            out.append(Party(code, name, colour))
        return tuple(out)

    def candidates(self, top: Mapping[str, Any], party_codes: set[str]) -> tuple[Candidate, ...]:
        items = top.get("candidate", [])
        if not isinstance(items, list):
            self.fail(("candidate",), "must be an array of tables: write each candidate as [[candidate]]")
            return ()
        out: list[Candidate] = []
        for i, _ in enumerate(items):
            p: Path_ = ("candidate", i)
            table = self.table(top, p, ("code", "name", "short_name", "party", "colour", "withdrawn"))
            code = self.text(table, p, "code").strip()
            name = self.text(table, p, "name")
            short = self.text(table, p, "short_name", default="")
            party: str | None = self.text(table, p, "party", default="").strip() or None
            if party is not None and party not in party_codes:
                known = ", ".join(sorted(party_codes)) or "none defined"
                self.fail((*p, "party"), f"{party!r} is not one of the [[party]] codes ({known})")
            # A candidate written without a colour gets the next of the palette's distinct ones: every one was
            # grey, so a race set up from a file drew all its lines and end labels alike
            colour = self.text(table, p, "colour", default=PALETTE[i % len(PALETTE)])
            if colour and not is_colour(colour):
                self.fail((*p, "colour"), f"{colour!r} is not #RRGGBB")
            withdrawn = table.get("withdrawn", False)
            if not isinstance(withdrawn, bool):
                self.fail((*p, "withdrawn"), f"must be true or false, not {withdrawn!r}")
                withdrawn = False
            out.append(Candidate(code, name, party, colour, short, withdrawn))
        return tuple(out)

    def contest_problems(self, contest: Contest) -> None:
        """Contest.problems(), each placed on its key (colour and party references were checked above)."""
        codes = [c.code.strip().casefold() for c in contest.candidates]
        names = [c.name.strip().casefold() for c in contest.candidates]
        # Whose text a "candidate 'CODE': KEY: ..." or "party 'CODE': KEY: ..." problem is (the code as
        # Contest.problems quotes it, clipped): placed on that table's key, never on the first table's line
        tables: dict[str, tuple[str, int]] = {}
        for kind, table_codes in (
            ("candidate", [c.code for c in contest.candidates]),
            ("party", [q.code for q in contest.parties]),
        ):
            for i, code in enumerate(table_codes):
                tables.setdefault(f"{kind} {clipped(code)!r}", (kind, i))
        for message in contest.problems(kept=self.kept):
            if (
                "colour" in message
                or "is not one of the contest's parties" in message
                or "control character" in message
            ):
                continue  # each placed on its key as it was read
            head, _, rest = message.partition(": ")
            path: Path_ = (head,)
            key, _, said = rest.partition(": ")
            if head in tables and key in ("code", "name", "short_name") and said:
                self.fail((*tables[head], key), said)
                continue
            if head in ("name", *CONTEST_TEXT_LIMITS, "notes", "second_round_date", "election_date", *EXPECTED_KEYS):
                path = ("contest", head)
            elif head == "candidates":
                path = ("candidate",)
                twice = re.search(r"named '(.*)'$", rest)
                if twice and names.count(twice.group(1)) > 1:
                    second = [i for i, n in enumerate(names) if n == twice.group(1)][1]
                    path = ("candidate", second, "name")
            elif head == "parties":
                path = ("party",)
                twice = re.search(r"party code '(.*)' appears", rest)
                pcodes = [q.code.strip().casefold() for q in contest.parties]
                if twice and pcodes.count(twice.group(1)) > 1:
                    path = ("party", [i for i, c in enumerate(pcodes) if c == twice.group(1)][1], "code")
            elif head.startswith("candidate "):
                who = head[len("candidate ") :].strip("'").strip().casefold()
                path = ("candidate",)
                dup = re.search(r"the code '(.*)' is also", rest)
                if dup:  # the later of the two candidates sharing the code
                    same = [i for i, c in enumerate(codes) if c == dup.group(1).strip().casefold()]
                    if len(same) > 1:
                        path = ("candidate", same[1], "code")
                elif (
                    "needs a name" in rest or "look alike" in rest or "only by accents" in rest or "shown as" in rest
                ) and who in codes:
                    path = ("candidate", codes.index(who), "name")
                elif who in names:
                    path = ("candidate", names.index(who), "code")
            self.fail(path, rest or message)

    def result(self, top: Mapping[str, Any], contest: Contest) -> OfficialResult | None:
        p: Path_ = ("result",)
        table = self.table(top, p, ("first_round", "final_round", "transfers", "exhausted", "electorate", "source"))
        codes = set(contest.candidate_codes)
        before = len(self.problems)
        rounds: dict[str, dict[str, int]] = {}
        for key, allowed in (("first_round", codes | {"other"}), ("final_round", codes)):
            votes = table.get(key, {})
            if not isinstance(votes, Mapping):
                self.fail((*p, key), "must be a table of candidate code = votes")
                continue
            rounds[key] = {}
            for code, v in votes.items():
                if code not in allowed:
                    self.fail((*p, key, code), f"{code!r} is not a candidate code of this contest")
                n = self.votes(v, (*p, key, code))
                if n is not None:
                    rounds[key][code] = n
        if "first_round" not in table:
            self.fail((*p, "first_round"), "is required in a [result]")
        elif not any(rounds.get("first_round", {}).values()) and len(self.problems) == before:
            self.fail((*p, "first_round"), "no votes")
        transfers: list[tuple[str, str, int]] = []
        items = table.get("transfers", [])
        if not isinstance(items, list):
            self.fail((*p, "transfers"), 'must be a list of {from = "code", to = "code", votes = n}')
            items = []
        for i, item in enumerate(items):
            tp: Path_ = (*p, "transfers", i)
            if not isinstance(item, Mapping) or set(item) != {"from", "to", "votes"}:
                self.fail(tp, 'must be {from = "code", to = "code" or "exhausted", votes = n}')
                continue
            frm, to = item["from"], item["to"]
            if not isinstance(frm, str) or not isinstance(to, str):  # a list or table is unhashable: name the key
                for key, value in (("from", frm), ("to", to)):
                    if not isinstance(value, str):
                        self.fail((*tp, key), f"must be a candidate code in quotes, not {_kind(value)}")
                continue
            if frm not in codes | {"other"}:
                self.fail((*tp, "from"), f"{frm!r} is not a candidate code of this contest")
            if to != FORMAT_EXHAUSTED and to not in codes:
                self.fail((*tp, "to"), f'{to!r} is not a candidate code of this contest (or "exhausted")')
            if frm == to:
                self.fail(tp, "a transfer goes from one candidate to another")
            n = self.votes(item["votes"], (*tp, "votes"))
            if n is not None:
                transfers.append((str(frm), EXHAUSTED if to == FORMAT_EXHAUSTED else str(to), n))
        exhausted = table.get("exhausted", 0)
        if self.votes(exhausted, (*p, "exhausted")) is None:
            exhausted = 0
        electorate = table.get("electorate")
        if electorate is not None and (
            isinstance(electorate, bool) or not isinstance(electorate, int) or not 0 < electorate <= MAX_VOTES
        ):
            self.fail(
                (*p, "electorate"),
                f"must be a whole number of registered voters (1 to {MAX_VOTES:,}), not {electorate!r}",
            )
        source = self.text(table, p, "source", default="", free=True)
        if len(self.problems) != before:
            return None
        try:
            result = OfficialResult(
                first_round=rounds.get("first_round", {}),
                final_round=rounds.get("final_round", {}),
                transfers=tuple(transfers),
                exhausted=exhausted,
                electorate=electorate,
                source=source,
            )
        except ValueError as exc:
            self.fail(p, str(exc))
            return None
        for key, message in result_problems(contest, result):  # the store's rule: figures that cannot happen
            self.fail((*p, *key.split(".", 1)), message)
        return None if len(self.problems) != before else result


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, datetime):
        return "a date and time"
    return type(value).__name__


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")
_INLINE_KEY = re.compile(r"""[{,]\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")


def _unquote(key: str) -> str:
    import tomllib

    if key.startswith('"'):
        try:
            value = tomllib.loads(f"k = {key}")["k"]
            return str(value)
        except tomllib.TOMLDecodeError:
            return key.strip('"')
    return key.strip("'")


def _string_state(line: str, state: str | None) -> str | None:
    """Whether a multi-line string is open after `line`: its delimiter (three double or three single quotes), or None.

    Walks the line as TOML reads it: basic and literal strings are skipped whole (so quotes inside them
    never count), a comment ends the line, and a multi-line string may open and close on the same line.
    """
    i, n = 0, len(line)
    while i < n:
        if state is not None:
            if state == '"""' and line[i] == "\\":
                i += 2
            elif line.startswith(state, i):
                i += 3
                while i < n and line[i] == state[0]:  # up to two quotes may end the content itself
                    i += 1
                state = None
            else:
                i += 1
            continue
        ch = line[i]
        if ch == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            state, i = line[i : i + 3], i + 3
        elif ch == '"':
            i += 1
            while i < n and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
            i += 1
        elif ch == "'":
            end = line.find("'", i + 1)
            i = n if end < 0 else end + 1
        else:
            i += 1
    return state


def _line_finder(text: str) -> Callable[[Path_], int | None]:
    """Where each key and table of a (syntactically valid) contest file starts, by key path.

    A light scan of the lines, not a second parser: table headers, `key =` at the start of a line, and keys
    inside an inline table on that line, skipping the inside of multi-line strings. A key it cannot place
    falls back to its table's header.
    """
    where: dict[Path_, int] = {}
    counts: dict[str, int] = {}
    current: Path_ = ()
    inside: str | None = None  # the delimiter of the multi-line string the scan is in, if any
    # TOML lines end at "\n" only; str.splitlines() would also break at \x85, \u2028 and friends inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if inside is not None:
            inside = _string_state(line, inside)
            continue
        inside = _string_state(line, None)
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            name = header.group(2).strip().strip("\"'")
            if header.group(1) == "[[":
                index = counts.get(name, 0)
                counts[name] = index + 1
                current = (name, index)
                where.setdefault((name,), number)
            else:
                current = (name,)
            where.setdefault(current, number)
            continue
        key = _KEY.match(line)
        if key:
            name = _unquote(key.group(1))
            path = (*current, name)
            where.setdefault(path, number)
            rest = line[key.end() :]
            for inner in _INLINE_KEY.finditer(rest):
                where.setdefault((*path, _unquote(inner.group(1))), number)

    def locate(path: Path_) -> int | None:
        for cut in range(len(path), 0, -1):
            if path[:cut] in where:
                return where[path[:cut]]
        return None

    return locate


# --- writing ----------------------------------------------------------------------------------------------------


def contest_to_dict(contest: Contest, result: OfficialResult | None = None) -> dict[str, Any]:
    """The contest (and result) as a contest-file dictionary, dates as ISO text (JSON-ready)."""
    head: dict[str, Any] = {
        "name": contest.name,
        "office": contest.office,
        "area": contest.area,
        "election_date": contest.election_date.isoformat(),
        "system": contest.system.value,
        "notes": contest.notes,
    }
    if contest.transfer_prior:
        head["transfer_prior"] = contest.transfer_prior
    if contest.expected is not None:
        head |= dict(zip(EXPECTED_KEYS, contest.expected.columns(), strict=True))
    if contest.second_round_date is not None:
        head["second_round_date"] = contest.second_round_date.isoformat()
    out: dict[str, Any] = {"contest": head}
    if contest.rules is not None:
        out["rules"] = rules_to_dict(contest.rules)
    out["party"] = [{"code": q.code, "name": q.name, "colour": q.colour} for q in contest.parties]
    cands = []
    for c in contest.candidates:
        item: dict[str, Any] = {"code": c.code, "name": c.name, "short_name": c.short_name}
        if c.party is not None:
            item["party"] = c.party
        item |= {"colour": c.colour, "withdrawn": c.withdrawn}
        cands.append(item)
    out["candidate"] = cands
    if result is not None:
        out["result"] = result_to_dict(result)
    return out


def rules_to_dict(rules: Rules) -> dict[str, Any]:
    """Rules as a dictionary: preferences "all" for no limit, qualify_threshold left out when unused."""
    out: dict[str, Any] = {
        "majority": rules.majority,
        "majority_base": rules.majority_base,
        "preferences": "all" if rules.preferences is None else rules.preferences,
        "finalists": rules.finalists,
        "qualify_base": rules.qualify_base,
    }
    if rules.qualify_threshold is not None:
        out["qualify_threshold"] = rules.qualify_threshold
    if rules.full_preferential:  # left out when false: optional preferential, as every file before it said
        out["full_preferential"] = True
    return out


def rules_from_dict(data: Mapping[str, Any]) -> Rules:
    """The inverse of rules_to_dict.

    Raises:
        ValueError: a value out of range (Rules' own checks) or of the wrong kind.
    """
    prefs = data.get("preferences", "all")
    return Rules(
        majority=float(data.get("majority", 50.0)),
        majority_base=str(data.get("majority_base", "valid")),
        preferences=None if prefs == "all" or prefs is None else int(prefs),
        finalists=str(data.get("finalists", "top_two")),
        qualify_threshold=None if data.get("qualify_threshold") is None else float(data["qualify_threshold"]),
        qualify_base=str(data.get("qualify_base", "registered")),
        full_preferential=_flag(data.get("full_preferential", False), "full_preferential"),
    )


def _flag(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, not {value!r}")
    return value


def result_to_dict(result: OfficialResult) -> dict[str, Any]:
    """An official result as a dictionary (the [result] table; also how the store keeps it)."""
    out: dict[str, Any] = {
        "first_round": dict(result.first_round),
        "final_round": dict(result.final_round),
        "transfers": [
            {"from": frm, "to": FORMAT_EXHAUSTED if to == EXHAUSTED else to, "votes": votes}
            for frm, to, votes in result.transfers
        ],
        "exhausted": result.exhausted,
        "source": result.source,
    }
    if result.electorate is not None:
        out["electorate"] = result.electorate
    return out


def result_from_dict(data: Mapping[str, Any]) -> OfficialResult:
    """The inverse of result_to_dict.

    Raises:
        ValueError: figures OfficialResult refuses.
    """
    return OfficialResult(
        first_round=dict(data.get("first_round", {})),
        final_round=dict(data.get("final_round", {})),
        transfers=tuple(
            (str(t["from"]), EXHAUSTED if t["to"] == FORMAT_EXHAUSTED else str(t["to"]), int(t["votes"]))
            for t in data.get("transfers", [])
        ),
        exhausted=int(data.get("exhausted", 0)),
        electorate=None if data.get("electorate") is None else int(data["electorate"]),
        source=str(data.get("source", "")),
    )


_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or ch in "\x85\u2028\u2029":  # the last three: editors' line breaks
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(name: str) -> str:
    return name if _BARE.fullmatch(name) else _string(name)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a contest file")


def contest_to_toml(contest: Contest, result: OfficialResult | None = None) -> str:
    """A contest file that parse_contest_file reads back to the same contest and result.

    The store's id and the demo mark are not written: a file describes a race, not a row.
    """
    doc = contest_to_dict(contest, result)
    lines = ['# warroom contest file (see the README, "Your own race")', "", "[contest]"]
    for key in ("name", "office", "area"):
        lines.append(f"{key} = {_value(doc['contest'][key])}")
    lines.append(f"election_date = {contest.election_date.isoformat()}")
    if contest.second_round_date is not None:
        lines.append(f"second_round_date = {contest.second_round_date.isoformat()}")
    lines.append(f"system = {_value(contest.system.value)}")
    lines.append(f"notes = {_value(contest.notes)}")
    if contest.transfer_prior:
        lines.append(f"transfer_prior = {_value(contest.transfer_prior)}")
    if contest.expected is not None:
        lines += [f"{key} = {_value(doc['contest'][key])}" for key in EXPECTED_KEYS]
    if "rules" in doc:
        lines += ["", "[rules]"]
        lines += [f"{k} = {_value(v)}" for k, v in doc["rules"].items()]
    for item in doc["party"]:
        lines += ["", "[[party]]"]
        lines += [f"{k} = {_value(v)}" for k, v in item.items()]
    for item in doc["candidate"]:
        lines += ["", "[[candidate]]"]
        lines += [f"{k} = {_value(v)}" for k, v in item.items()]
    if "result" in doc:
        lines += ["", "[result]"]
        lines += [f"{k} = {_value(v)}" for k, v in doc["result"].items()]
    return "\n".join(lines) + "\n"
