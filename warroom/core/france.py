"""French presidential polls, read straight from the two public compilations' own CSV formats. Pure.

A French poll notice is one fieldwork that publishes several questions: first-round *hypotheses* (each a
named list of candidates with their shares) and runoff *matchups* (each a pair with shares). After the first
round, pollsters also publish vote-transfer matrices ("report de voix"): of each first-round electorate, the
share that would vote for each finalist, or neither.

Two compilations, both under the MIT licence:

* NSPPolls (github.com/nsppolls/nsppolls), 2022 campaign. `nsppolls_presidentielle.csv` has one row per
  candidate x poll x round x hypothesis (columns candidat, parti, intentions, erreur_sup, erreur_inf, id,
  nom_institut, commanditaire, debut_enquete, fin_enquete, echantillon, population, rolling, media, tour,
  hypothese, sous_echantillon). A notice is an `id`; a hypothesis is a (id, hypothese) of the first round
  ("Premier tour"); a matchup a (id, hypothese) of the second ("Deuxième tour"), which must name exactly two
  candidates. `nsppolls_reports.csv` has one row per matrix cell (id, candidat_T1, choix_T2, part,
  id_sondage, debut_enquete, fin_enquete, nom_institut, dates in French words: "22 avril 2022"). There
  `choix_T2` is a finalist or "Abstention", which covers abstention, blank and null votes together, and a
  `candidat_T1` of "Abstention" is the first round's abstainers.
* Mieux Voter (github.com/MieuxVoter/presidentielle2027), 2027 campaign: `polls.csv` (one row per question:
  poll_id `YYYYMMDD_DDMM_ii_X`, hypothese, institute, client, dates, sample, tour "1er Tour"/"2nd Tour"),
  `hypotheses.csv` (hypothesis id -> comma-separated candidate names), `candidats.csv` (candidate id, names,
  party, declaration and withdrawal dates) and `presidentielle2027.csv` (one row per candidate x question).
  A notice is a poll_id without its last `_X` part.

Every row is checked; the parsers raise FranceFormatError listing every problem with its line (the header
is line 1) and column, and return nothing partial.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from warroom.core.csvformat import LineError
from warroom.core.infile import CsvRecords
from warroom.core.types import ExpectedTurnout, firm_key
from warroom.core.validation import iso_date, whole_number

NSPPOLLS_CREDIT = "NSPPolls (github.com/nsppolls/nsppolls, MIT licence)"
MIEUXVOTER_CREDIT = "Mieux Voter (github.com/MieuxVoter/presidentielle2027, MIT licence)"

ABSTAINERS = "__abstainers__"
"""Electorate code of the first round's abstainers (NSPPolls writes them as candidat_T1 "Abstention")."""
BLANK_NULL = "__blank_null__"
"""Electorate code of the first round's blank and null voters (no published matrix has a row for them)."""

FRANCE_2022_TURNOUT = ExpectedTurnout(
    turnout=100.0 * 35_923_707 / 48_747_876, blank_null=100.0 * 790_760 / 35_923_707, registered=48_747_876
)
"""The first round of the last presidential election (10 April 2022; Conseil constitutionnel, resources/data/
france_2022/turnout.csv and SOURCES.md): 48,747,876 registered, 35,923,707 votes cast (73.7 %), 790,760 of them
blank or null (2.2 %). A French presidential race made from a poll compilation
(core.compilations.contest_from_compilation) starts with these as its expected first round, shown and editable in
its form; no other race is given them (issue 16)."""

MATRIX_SUM_TOLERANCE = 2.0
"""Points by which a matrix row may miss 100: rows are printed in whole points, so three rounded cells can be
off by 1.5. In the 2022 file three rows sum to 99 or 101 (Elabe's Zemmour row twice, Cluster17's Le Pen row);
a wider miss is a transcription error."""

_FRENCH_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        (
            "janvier",
            "fevrier",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "aout",
            "septembre",
            "octobre",
            "novembre",
            "decembre",
        )
    )
}


class FranceFormatError(ValueError):
    """A compilation file cannot be imported; `errors` lists every problem with its line and column."""

    def __init__(self, source: str, errors: Sequence[LineError]) -> None:
        self.source = source
        self.errors = tuple(errors)
        shown = "; ".join(str(e) for e in self.errors[:10])
        more = f" (and {len(self.errors) - 10} more)" if len(self.errors) > 10 else ""
        super().__init__(f"{source}: {len(self.errors)} problem(s): {shown}{more}")


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One first-round question of a poll: a named candidate list with shares (%).

    Attributes:
        label: the compilation's name for it ("Hypothèse Pécresse", "H41"; "" for a poll's only list).
        shares: candidate name -> share (%), in the file's order.
        line: line of its first row in the file.
    """

    label: str
    shares: Mapping[str, float]
    line: int

    @property
    def candidates(self) -> tuple[str, ...]:
        return tuple(self.shares)


@dataclass(frozen=True, slots=True)
class Matchup:
    """One runoff question of a poll: a pair with shares (%), in the file's order.

    Attributes:
        label: the compilation's name for it ("Hypothèse Macron / Le Pen", "H2_2").
        a: first candidate named.
        b: second candidate named.
        a_share: a's share (%).
        b_share: b's share (%).
        line: line of its first row.
    """

    label: str
    a: str
    b: str
    a_share: float
    b_share: float
    line: int

    def share_of(self, name: str) -> float:
        """The share of `name` (either of the pair)."""
        if name == self.a:
            return self.a_share
        if name == self.b:
            return self.b_share
        raise KeyError(f"{name!r} is not in the matchup {self.a} / {self.b}")

    def has(self, x: str, y: str) -> bool:
        """Whether this matchup is x against y (in either order, names compared by `name_key`)."""
        return {name_key(self.a), name_key(self.b)} == {name_key(x), name_key(y)}


def asked_before(matchups: Sequence[Matchup], pair: Matchup) -> Matchup | None:
    """The matchup of `matchups` that asks `pair`'s two candidates already (either order, `name_key`), or None.
    A poll asks a pair once: every view reads a notice's first matchup of a pair (`PollNotice.matchup`), so a
    second one under another label ("Macron / Le Pen bis", "Le Pen / Macron") was stored and read by none. The
    readers refuse it naming both (the NSPPolls and Mieux Voter readers, the poll CSV with questions, bundles)."""
    return next((m for m in matchups if m.has(pair.a, pair.b)), None)


@dataclass(frozen=True)
class PollNotice:
    """One published poll: its fieldwork, its first-round hypotheses and its runoff matchups.

    Attributes:
        id: the compilation's poll id (Mieux Voter: without the question suffix).
        institute: the pollster ("Ifop").
        client: who commissioned it ("" if not given).
        fieldwork_start: first day of fieldwork.
        fieldwork_end: last day of fieldwork.
        sample_size: respondents (None when not published).
        population: the population the shares describe ("Inscrits sur les listes électorales").
        rolling: a rolling poll (None when the file does not say).
        hypotheses: first-round questions.
        matchups: runoff questions.
        source: the compilation, for credit (NSPPOLLS_CREDIT or MIEUXVOTER_CREDIT).
    """

    id: str
    institute: str
    client: str
    fieldwork_start: date
    fieldwork_end: date
    sample_size: int | None
    population: str
    rolling: bool | None
    hypotheses: tuple[Hypothesis, ...] = ()
    matchups: tuple[Matchup, ...] = ()
    source: str = ""

    def matchup(self, x: str, y: str) -> Matchup | None:
        """The matchup of x against y, if this poll asked it (the first one, if asked twice)."""
        return next((m for m in self.matchups if m.has(x, y)), None)


@dataclass(frozen=True, slots=True)
class TransferRow:
    """What one first-round electorate does in the runoff (percent of that electorate).

    Attributes:
        to_a: votes for finalist A.
        to_b: votes for finalist B.
        neither: abstains or votes blank or null (published together in the 2022 matrices).
        line: line of its first cell in the file.
    """

    to_a: float
    to_b: float
    neither: float
    line: int = 0

    @property
    def total(self) -> float:
        return self.to_a + self.to_b + self.neither


@dataclass(frozen=True)
class TransferMatrix:
    """One published vote-transfer matrix ("report de voix").

    Attributes:
        poll_id: the compilation's poll id.
        institute: the pollster.
        fieldwork_start: first day of fieldwork.
        fieldwork_end: last day.
        a: finalist A (first finalist named in the file).
        b: finalist B.
        rows: first-round electorate (candidate name, or ABSTAINERS) -> TransferRow, in the file's order.
        source: the compilation, for credit.
    """

    poll_id: str
    institute: str
    fieldwork_start: date
    fieldwork_end: date
    a: str
    b: str
    rows: Mapping[str, TransferRow]
    source: str = NSPPOLLS_CREDIT


@dataclass(frozen=True, slots=True)
class MieuxVoterCandidate:
    """A row of Mieux Voter's candidats.csv.

    Attributes:
        id: short id ("EP").
        name: full name.
        party: party name.
        declared: date of declaration, if any.
        withdrawn: date of withdrawal, if any.
    """

    id: str
    name: str
    party: str
    declared: date | None
    withdrawn: date | None


@dataclass(frozen=True)
class MieuxVoterCampaign:
    """The Mieux Voter compilation, read and cross-checked.

    Attributes:
        notices: poll notices, each with its hypotheses and matchups, oldest fieldwork first.
        candidates: candidate id -> candidate.
        hypotheses: hypothesis id -> the candidate names hypotheses.csv lists for it.
        questions: rows of polls.csv (one per hypothesis or matchup asked).
    """

    notices: tuple[PollNotice, ...]
    candidates: Mapping[str, MieuxVoterCandidate]
    hypotheses: Mapping[str, tuple[str, ...]]
    questions: int = 0


@dataclass(frozen=True)
class Counts:
    """How much a compilation holds: the figures import is checked against."""

    polls: int
    hypotheses: int
    matchups: int
    rows: int
    matrices: int = 0


# --- shared helpers -----------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)  # a campaign compares the same few dozen names hundreds of thousands of times
def name_key(name: str) -> str:
    """A name compared without case, accents or spacing ("Éric Zemmour" and "Eric Zemmour" match)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("-", " ").split())


class _Rows:
    """Reads a CSV text's records by header name, collecting LineErrors instead of raising."""

    def __init__(self, text: str, source: str, required: Sequence[str]) -> None:
        self.source = source
        self.errors: list[LineError] = []
        if "\x00" in text:
            raise FranceFormatError(source, [LineError(1, "file", "binary data, not CSV text")])
        self._reader = CsvRecords(text.removeprefix("\ufeff"))
        try:
            header = next(self._reader, None)
        except csv.Error as exc:  # a header cell past the csv module's 128 KB limit was a traceback
            raise FranceFormatError(source, [LineError(self._reader.line_num, "header", f"not CSV ({exc})")]) from None
        if header is None:
            raise FranceFormatError(source, [LineError(1, "header", "the file is empty")])
        self.columns = {name.strip(): i for i, name in enumerate(header)}
        repeated = sorted({name.strip() for name in header if name.strip()} - set(_once(header)))
        if repeated:  # one of the two would be read and the other silently dropped
            raise FranceFormatError(
                source, [LineError(1, name, "the column appears more than once in the header") for name in repeated]
            )
        missing = [c for c in required if c not in self.columns]
        if missing:
            raise FranceFormatError(source, [LineError(1, "header", f"missing column(s): {', '.join(missing)}")])
        self.width = len(header)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        try:
            for row in self._reader:
                line = self._reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # a blank line (e.g. at the end of the file)
                if len(row) != self.width:
                    self.error(line, "row", f"{len(row)} fields where the header has {self.width}")
                    continue
                yield line, row
        except csv.Error as exc:
            self.error(self._reader.line_num, "row", f"not readable as CSV ({exc})")

    def cell(self, row: list[str], name: str) -> str:
        return row[self.columns[name]].strip()

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(LineError(line, column, message))

    def number(self, line: int, row: list[str], name: str, *, low: float = 0.0, high: float = 100.0) -> float | None:
        text = self.cell(row, name)
        try:
            value = float(text.replace(",", ".").rstrip("%").strip())
        except ValueError:
            self.error(line, name, f"{text!r} is not a number")
            return None
        if not (math.isfinite(value) and low <= value <= high):
            self.error(line, name, f"{text!r} is outside {low:g}-{high:g}")
            return None
        return value

    def day(self, line: int, row: list[str], name: str, *, optional: bool = False) -> date | None:
        text = self.cell(row, name)
        if not text and optional:
            return None
        try:
            return _parse_day(text)
        except ValueError as exc:
            self.error(line, name, str(exc))
            return None

    def count(self, line: int, row: list[str], name: str, what: str = "a sample size") -> int | None:
        text = self.cell(row, name)
        if not text:
            return None
        if text.endswith(".0"):  # pandas-written integers
            text = text[:-2]
        try:  # the one rule for whole numbers (validation.whole_number): never '²' (a traceback) or '١٢'
            value = whole_number(text, most=2**63 - 1, what=what)
        except ValueError as exc:
            self.error(line, name, str(exc))
            return None
        if value <= 0:
            self.error(line, name, f"{self.cell(row, name)!r} is not {what} (a whole number above 0)")
            return None
        return value

    def flag(self, line: int, row: list[str], name: str) -> bool | None:
        text = self.cell(row, name).casefold()
        if text in ("", "na", "nan"):
            return None
        if text in ("true", "1", "vrai", "oui"):
            return True
        if text in ("false", "0", "faux", "non"):
            return False
        self.error(line, name, f"{self.cell(row, name)!r} is not True or False")
        return None

    def text(self, line: int, row: list[str], name: str) -> str:
        value = self.cell(row, name)
        if not value:
            self.error(line, name, "is empty")
        return value

    def finish(self) -> None:
        if self.errors:
            raise FranceFormatError(self.source, self.errors)


def _once(header: Sequence[str]) -> list[str]:
    """The header's names that appear exactly once (stripped)."""
    names = [name.strip() for name in header]
    return [name for name in names if names.count(name) == 1]


def _parse_day(text: str) -> date:
    """An ISO date, or a date in French words ("22 avril 2022", "1er mai 2022")."""
    try:
        return iso_date(text)
    except ValueError:
        pass
    parts = name_key(text).split()
    if len(parts) == 3 and parts[1] in _FRENCH_MONTHS:
        day = parts[0].removesuffix("er")
        if day.isascii() and day.isdigit() and parts[2].isascii() and parts[2].isdigit():
            try:
                return date(int(parts[2]), _FRENCH_MONTHS[parts[1]], int(day))
            except ValueError:
                pass
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or '22 avril 2022')")


@dataclass
class _Question:
    label: str
    line: int
    shares: dict[str, float] = field(default_factory=dict)


@dataclass
class _Notice:
    meta: tuple[str, str, date, date, int | None, str, bool | None]
    line: int
    first: dict[str, _Question] = field(default_factory=dict)
    second: dict[str, _Question] = field(default_factory=dict)


def _add_share(rows: _Rows, line: int, question: _Question, name: str, share: float, column: str = "candidat") -> None:
    # Compared as name_key: 'MARINE LE PEN' beside 'Marine Le Pen' is one candidate to the poll table and the
    # averages (one share would be dropped), and a runoff of a candidate against himself is no matchup.
    key = name_key(name)
    same = next((known for known in question.shares if name_key(known) == key), None)
    if same is not None:
        also = "" if same == name else f" (as {same!r})"
        rows.error(line, column, f"{name!r} appears twice{also} in {question.label or 'the same question'}")
    question.shares[name] = share


QUESTION_SUM = (5.0, 105.0)
"""What a first-round question's shares may sum to (%). The real compilations' questions sum to 96-101 (rounding,
a minor candidate left unlisted), and a list may leave candidates out; but shares written as fractions (0.27 for
27 %) sum to about 1, and a question over 105 % holds more than the whole electorate (a row read twice, a figure
in the wrong column). Outside this range the file is refused, naming the question."""

MATCHUP_SUM = (90.0, 105.0)
"""What a runoff matchup's two shares may sum to (%): the pair is the whole runoff vote (the real files: 96-101)."""


def _whole_electorate(rows: _Rows, q: _Question, name: str, bounds: tuple[float, float]) -> bool:
    total = sum(q.shares.values())
    low, high = bounds
    if low <= total <= high:
        return True
    rows.error(q.line, "intentions", f"{name}: the shares sum to {total:g} %, outside {low:g}-{high:g}")
    return False


def _build_notices(
    rows: _Rows, notices: Mapping[str, _Notice], source: str, round_two: Callable[[str], str]
) -> tuple[PollNotice, ...]:
    """Turn collected questions into PollNotices, checking that every matchup names exactly two."""
    out: list[PollNotice] = []
    for poll_id, n in notices.items():
        institute, client, start, end, sample, population, rolling = n.meta
        matchups: list[Matchup] = []
        for q in n.second.values():
            if len(q.shares) != 2:
                rows.error(
                    q.line,
                    "candidat",
                    f"{round_two(poll_id)} {q.label!r}: a matchup needs exactly two candidates, found {len(q.shares)}",
                )
                continue
            (a, sa), (b, sb) = q.shares.items()
            made = Matchup(q.label, a, b, sa, sb, q.line)
            if (before := asked_before(matchups, made)) is not None:
                rows.error(
                    q.line,
                    "candidat",
                    f"{round_two(poll_id)} {q.label!r} asks {a} against {b} again (as {before.label!r}, line "
                    f"{before.line}): a poll asks a pair once",
                )
                continue
            if _whole_electorate(rows, q, f"{round_two(poll_id)} {q.label!r}", MATCHUP_SUM):
                matchups.append(made)
        for q in n.first.values():
            _whole_electorate(rows, q, f"{round_two(poll_id)} {q.label or 'first round'!r}", QUESTION_SUM)
        hypotheses = tuple(Hypothesis(q.label, dict(q.shares), q.line) for q in n.first.values())
        out.append(
            PollNotice(
                poll_id, institute, client, start, end, sample, population, rolling, hypotheses, tuple(matchups), source
            )
        )
    out.sort(key=lambda p: (p.fieldwork_end, p.fieldwork_start, p.id))
    return tuple(out)


def counts(notices: Sequence[PollNotice], matrices: Sequence[TransferMatrix] = ()) -> Counts:
    """Polls, hypotheses, matchups and share rows in `notices`, and the number of matrices."""
    return Counts(
        polls=len(notices),
        hypotheses=sum(len(p.hypotheses) for p in notices),
        matchups=sum(len(p.matchups) for p in notices),
        rows=sum(len(h.shares) for p in notices for h in p.hypotheses) + 2 * sum(len(p.matchups) for p in notices),
        matrices=len(matrices),
    )


# --- NSPPolls ----------------------------------------------------------------------------------------------

_NSP_COLUMNS = (
    "candidat", "intentions", "id", "nom_institut", "commanditaire", "debut_enquete", "fin_enquete",
    "echantillon", "population", "rolling", "tour", "hypothese",
)  # fmt: skip
_NSP_ROUNDS = {"premier tour": 1, "deuxieme tour": 2}


def parse_nsppolls_polls(text: str) -> tuple[PollNotice, ...]:
    """Read NSPPolls' `nsppolls_presidentielle.csv` into poll notices.

    Args:
        text: the file's text.

    Returns:
        Poll notices, oldest fieldwork first, each with its hypotheses and matchups.

    Raises:
        FranceFormatError: any row is wrong (every problem listed; nothing returned).
    """
    rows = _Rows(text, "nsppolls_presidentielle.csv", _NSP_COLUMNS)
    notices: dict[str, _Notice] = {}
    for line, row in rows:
        poll_id = rows.text(line, row, "id")
        name = rows.text(line, row, "candidat")
        share = rows.number(line, row, "intentions")
        round_no = _NSP_ROUNDS.get(name_key(rows.cell(row, "tour")))
        if round_no is None:
            rows.error(line, "tour", f"{rows.cell(row, 'tour')!r} is neither 'Premier tour' nor 'Deuxième tour'")
        start, end = rows.day(line, row, "debut_enquete"), rows.day(line, row, "fin_enquete")
        if start is not None and end is not None and end < start:
            rows.error(line, "fin_enquete", f"fieldwork ends ({end}) before it starts ({start})")
        meta = (
            rows.text(line, row, "nom_institut"),
            rows.cell(row, "commanditaire"),
            start or date.min,
            end or date.min,
            rows.count(line, row, "echantillon"),
            rows.cell(row, "population"),
            rows.flag(line, row, "rolling"),
        )
        if not poll_id or share is None or round_no is None or start is None or end is None or not name:
            continue
        notice = notices.get(poll_id)
        if notice is None:
            notice = notices[poll_id] = _Notice(meta, line)
        elif notice.meta[:5] != meta[:5]:  # population and rolling may differ by question; the first is kept
            rows.error(
                line,
                "id",
                f"poll {poll_id!r} has other institute, client, dates or sample here than on line {notice.line}",
            )
            continue
        label = rows.cell(row, "hypothese")
        questions = notice.first if round_no == 1 else notice.second
        question = questions.setdefault(label, _Question(label, line))
        _add_share(rows, line, question, name, share)
    built = _build_notices(rows, notices, NSPPOLLS_CREDIT, lambda pid: f"poll {pid!r}")
    rows.finish()
    return built


_REPORT_COLUMNS = ("candidat_T1", "choix_T2", "part", "id_sondage", "debut_enquete", "fin_enquete", "nom_institut")
_NEITHER = "abstention"


def parse_nsppolls_reports(text: str) -> tuple[TransferMatrix, ...]:
    """Read NSPPolls' `nsppolls_reports.csv` into vote-transfer matrices.

    Each matrix must name the same two finalists for every row, every row must give both finalists and
    "Abstention" (abstention, blank and null together) once each, and sum to 100 within
    MATRIX_SUM_TOLERANCE.

    Args:
        text: the file's text.

    Returns:
        Matrices, oldest fieldwork first.

    Raises:
        FranceFormatError: any row is wrong (every problem listed; nothing returned).
    """
    rows = _Rows(text, "nsppolls_reports.csv", _REPORT_COLUMNS)
    cells: dict[str, dict[str, dict[str, tuple[float, int]]]] = {}
    meta: dict[str, tuple[tuple[str, date, date], int]] = {}
    for line, row in rows:
        poll_id = rows.text(line, row, "id_sondage")
        origin = rows.text(line, row, "candidat_T1")
        choice = rows.text(line, row, "choix_T2")
        part = rows.number(line, row, "part")
        start, end = rows.day(line, row, "debut_enquete"), rows.day(line, row, "fin_enquete")
        institute = rows.text(line, row, "nom_institut")
        if not (poll_id and origin and choice and institute) or part is None or start is None or end is None:
            continue
        if end < start:
            rows.error(line, "fin_enquete", f"fieldwork ends ({end}) before it starts ({start})")
            continue
        seen = meta.setdefault(poll_id, ((institute, start, end), line))
        if seen[0] != (institute, start, end):
            rows.error(line, "id_sondage", f"matrix {poll_id!r} has another institute or dates than on line {seen[1]}")
            continue
        electorate = ABSTAINERS if name_key(origin) == _NEITHER else origin
        row_cells = cells.setdefault(poll_id, {}).setdefault(electorate, {})
        key = _NEITHER if name_key(choice) == _NEITHER else choice
        if key in row_cells:
            rows.error(line, "choix_T2", f"{origin!r} -> {choice!r} is given twice in matrix {poll_id!r}")
            continue
        row_cells[key] = (part, line)
    matrices: list[TransferMatrix] = []
    for poll_id, by_origin in cells.items():
        (institute, start, end), first_line = meta[poll_id]
        finalists = list(dict.fromkeys(k for cells_ in by_origin.values() for k in cells_ if k != _NEITHER))
        if len(finalists) != 2:
            rows.error(
                first_line,
                "choix_T2",
                f"matrix {poll_id!r} names {len(finalists)} finalists ({', '.join(finalists)}), not two",
            )
            continue
        a, b = finalists
        built: dict[str, TransferRow] = {}
        for origin, got in by_origin.items():
            line = min(ln for _, ln in got.values())
            where = "Abstention" if origin == ABSTAINERS else origin
            missing = [k for k in (a, b, _NEITHER) if k not in got]
            if missing:
                rows.error(
                    line,
                    "choix_T2",
                    f"matrix {poll_id!r}, row {where!r}: no figure for "
                    f"{', '.join('Abstention' if m == _NEITHER else m for m in missing)}",
                )
                continue
            row_ = TransferRow(got[a][0], got[b][0], got[_NEITHER][0], line)
            if abs(row_.total - 100.0) > MATRIX_SUM_TOLERANCE:
                rows.error(line, "part", f"matrix {poll_id!r}, row {where!r} sums to {row_.total:g}, not 100")
                continue
            built[origin] = row_
        matrices.append(TransferMatrix(poll_id, institute, start, end, a, b, built))
    rows.finish()
    matrices.sort(key=lambda m: (m.fieldwork_end, m.fieldwork_start, m.poll_id))
    return tuple(matrices)


# --- official results (the shared folder's own small format) -----------------------------------------------


@dataclass(frozen=True)
class RoundResult:
    """One round's official figures.

    Attributes:
        round: 1 or 2.
        day: polling day.
        votes: candidate name -> valid votes, in the file's order.
        registered: registered voters.
        voters: votes cast (valid, blank and null).
        blank_null: blank and null votes.
    """

    round: int
    day: date
    votes: Mapping[str, int]
    registered: int
    voters: int
    blank_null: int

    @property
    def valid(self) -> int:
        return sum(self.votes.values())

    @property
    def abstainers(self) -> int:
        return self.registered - self.voters

    def share(self, name: str) -> float:
        """`name`'s share of valid votes (%)."""
        return 100.0 * self.votes[name] / self.valid


def _check_runoff_rows(
    res: _Rows, votes: Mapping[int, Mapping[str, int]], days: Mapping[int, date], lines: Mapping[tuple[int, str], int]
) -> None:
    """The runoff's rows against the first round's: held after it, between two of its candidates, the two with the
    most votes (Constitution, art. 7: only the two first placed may stand). A runoff dated before the first
    round, or naming a candidate placed third (a row from another election's file), was stored without a word
    and drove the back-test and the runoff view."""
    if 1 not in votes or 2 not in votes:
        return
    second = sorted(votes[2], key=lambda name: lines[(2, name)])
    if days[2] <= days[1]:
        res.error(lines[(2, second[0])], "date", f"the runoff ({days[2]}) is not after the first round ({days[1]})")
    if len(second) != 2:
        res.error(lines[(2, second[0])], "candidate", f"the runoff has {len(second)} candidates; it has two")
    first = votes[1]
    for name in second:
        line = lines[(2, name)]
        if name not in first:
            res.error(
                line, "candidate", f"{name!r} has no first-round row: a runoff candidate stood in the first round"
            )
            continue
        ahead = sorted((other for other, n in first.items() if n > first[name]), key=lambda other: -first[other])
        if len(ahead) >= 2:
            res.error(
                line,
                "candidate",
                f"{name!r} was not among the first round's top two ({ahead[0]!r} and {ahead[1]!r} had more votes), "
                "so cannot be in the runoff",
            )


def parse_official_results(results_text: str, turnout_text: str) -> dict[int, RoundResult]:
    """Read `official_results.csv` (round, date, candidate, party, votes, pct_of_valid) and `turnout.csv`
    (round, registered, voters, blank, null, blank_and_null, valid).

    Args:
        results_text: the results file's text.
        turnout_text: the turnout file's text.

    Returns:
        round number -> its figures; the valid votes must equal the sum of the candidates' votes.

    Raises:
        FranceFormatError: any row is wrong.
    """
    res = _Rows(results_text, "official_results.csv", ("round", "date", "candidate", "votes"))
    votes: dict[int, dict[str, int]] = {}
    days: dict[int, date] = {}
    lines: dict[tuple[int, str], int] = {}
    for line, row in res:
        rnd, day, name = res.cell(row, "round"), res.day(line, row, "date"), res.text(line, row, "candidate")
        n = res.count(line, row, "votes", "a number of votes")
        if rnd not in ("1", "2"):
            res.error(line, "round", f"{rnd!r} is not 1 or 2")
            continue
        if day is None or n is None or not name:
            continue
        if days.setdefault(int(rnd), day) != day:
            res.error(line, "date", f"round {rnd} is dated {days[int(rnd)]} on an earlier line")
        if name in votes.get(int(rnd), {}):  # a second row for one candidate: never one of them silently
            res.error(line, "candidate", f"{name!r} has a second row in round {rnd}")
        votes.setdefault(int(rnd), {})[name] = n
        lines.setdefault((int(rnd), name), line)
    _check_runoff_rows(res, votes, days, lines)
    res.finish()
    turn = _Rows(turnout_text, "turnout.csv", ("round", "registered", "voters", "blank_and_null", "valid"))
    out: dict[int, RoundResult] = {}
    for line, row in turn:
        rnd = turn.cell(row, "round")
        figures = [turn.count(line, row, c) for c in ("registered", "voters", "blank_and_null", "valid")]
        if rnd not in ("1", "2") or int(rnd) not in votes:
            turn.error(line, "round", f"{rnd!r} is not a round of the results file")
            continue
        if any(f is None for f in figures):
            if not turn.errors:
                turn.error(line, "row", "registered, voters, blank_and_null and valid are all needed")
            continue
        registered, voters, blank_null, valid = (int(f or 0) for f in figures)
        result = RoundResult(int(rnd), days[int(rnd)], votes[int(rnd)], registered, voters, blank_null)
        if result.valid != valid or voters != valid + blank_null or voters > registered:
            turn.error(
                line,
                "valid",
                f"round {rnd}: candidates' votes ({result.valid:,}), valid ({valid:,}), "
                f"blank and null ({blank_null:,}), voters ({voters:,}) and registered do not add up",
            )
            continue
        out[result.round] = result
    turn.finish()
    return out


# --- Mieux Voter --------------------------------------------------------------------------------------------

_MV_POLL_COLUMNS = (
    "poll_id",
    "hypothese",
    "nom_institut",
    "commanditaire",
    "debut_enquete",
    "fin_enquete",
    "echantillon",
    "population",
    "tour",
)
_MV_ROUNDS = {"1er tour": 1, "2nd tour": 2, "2e tour": 2, "premier tour": 1, "second tour": 2}


_MV_SHARED = ("nom_institut", "commanditaire", "debut_enquete", "fin_enquete", "echantillon")
"""polls.csv's columns that presidentielle2027.csv repeats on every row: they must agree."""


def mieuxvoter_notice_id(poll_id: str) -> str:
    """The notice a Mieux Voter question belongs to: its poll_id without the last `_X` part."""
    head, sep, _ = poll_id.rpartition("_")
    return head if sep and head.count("_") >= 2 else poll_id


def parse_mieuxvoter(
    polls_text: str, hypotheses_text: str, candidates_text: str, results_text: str
) -> MieuxVoterCampaign:
    """Read the Mieux Voter compilation's four files and check them against each other.

    Checks, besides each cell: question ids are unique in polls.csv; every result row's question is in
    polls.csv with the same institute, dates and round, and every question has results; every hypothesis a
    question names is in hypotheses.csv; every candidate id is in candidats.csv; a runoff question has
    exactly two candidates; the questions of one notice share institute, dates and sample.

    Args:
        polls_text: polls.csv.
        hypotheses_text: hypotheses.csv.
        candidates_text: candidats.csv.
        results_text: presidentielle2027.csv.

    Returns:
        The campaign.

    Raises:
        FranceFormatError: any problem in any file (the first file with problems is named).
    """
    hyp = _Rows(hypotheses_text, "hypotheses.csv", ("id_hypothese", "hypothese_complete"))
    hypotheses: dict[str, tuple[str, ...]] = {}
    for line, row in hyp:
        hid = hyp.text(line, row, "id_hypothese")
        names = tuple(n.strip() for n in hyp.cell(row, "hypothese_complete").split(",") if n.strip())
        if not names:
            hyp.error(line, "hypothese_complete", "lists no candidate")
        if hid in hypotheses:
            hyp.error(line, "id_hypothese", f"{hid!r} appears twice")
        if hid:
            hypotheses[hid] = names
    hyp.finish()

    cand = _Rows(candidates_text, "candidats.csv", ("candidate_id", "complete_name", "parti"))
    candidates: dict[str, MieuxVoterCandidate] = {}
    has_dates = all(c in cand.columns for c in ("annonce_candidature", "retrait_candidature"))
    for line, row in cand:
        cid, name = cand.text(line, row, "candidate_id"), cand.text(line, row, "complete_name")
        declared = cand.day(line, row, "annonce_candidature", optional=True) if has_dates else None
        withdrawn = cand.day(line, row, "retrait_candidature", optional=True) if has_dates else None
        if cid in candidates:
            cand.error(line, "candidate_id", f"{cid!r} appears twice")
        if cid and name:
            candidates[cid] = MieuxVoterCandidate(cid, name, cand.cell(row, "parti"), declared, withdrawn)
    cand.finish()

    polls = _Rows(polls_text, "polls.csv", _MV_POLL_COLUMNS)
    questions: dict[str, tuple[str, int, tuple[str, str, date, date, int | None, str, bool | None], int]] = {}
    polls_cells: dict[str, dict[str, str]] = {}  # question -> its cells that presidentielle2027.csv repeats
    rolling_col = "rolling" in polls.columns
    for line, row in polls:
        qid, hid = polls.text(line, row, "poll_id"), polls.cell(row, "hypothese")  # "": an unnamed list
        start, end = polls.day(line, row, "debut_enquete"), polls.day(line, row, "fin_enquete")
        round_no = _MV_ROUNDS.get(name_key(polls.cell(row, "tour")))
        if round_no is None:
            polls.error(line, "tour", f"{polls.cell(row, 'tour')!r} is neither '1er Tour' nor '2nd Tour'")
        if hid and hid not in hypotheses:
            polls.error(line, "hypothese", f"{hid!r} is not in hypotheses.csv")
        if start is not None and end is not None and end < start:
            polls.error(line, "fin_enquete", f"fieldwork ends ({end}) before it starts ({start})")
        meta = (
            polls.text(line, row, "nom_institut"),
            polls.cell(row, "commanditaire"),
            start or date.min,
            end or date.min,
            polls.count(line, row, "echantillon"),
            polls.cell(row, "population"),
            polls.flag(line, row, "rolling") if rolling_col else None,
        )
        if qid in questions:
            polls.error(line, "poll_id", f"{qid!r} appears twice")
        elif qid and round_no is not None:
            questions[qid] = (hid, round_no, meta, line)
            polls_cells[qid] = {c: polls.cell(row, c) for c in _MV_SHARED if c in polls.columns}
    polls.finish()

    res = _Rows(results_text, "presidentielle2027.csv", ("poll_id", "candidate_id", "candidat", "intentions", "tour"))
    notices: dict[str, _Notice] = {}
    answered: set[str] = set()
    for line, row in res:
        qid, cid = res.text(line, row, "poll_id"), res.text(line, row, "candidate_id")
        share = res.number(line, row, "intentions")
        q = questions.get(qid)
        if qid and q is None:
            res.error(line, "poll_id", f"{qid!r} is not in polls.csv")
        if cid and cid not in candidates:
            res.error(line, "candidate_id", f"{cid!r} is not in candidats.csv")
        if q is None or share is None or cid not in candidates:
            continue
        hid, round_no, meta, qline = q
        if _MV_ROUNDS.get(name_key(res.cell(row, "tour"))) != round_no:
            res.error(line, "tour", f"{res.cell(row, 'tour')!r} differs from polls.csv line {qline}")
            continue
        contradicted = [
            c for c in _MV_SHARED if c in res.columns and res.cell(row, c) != polls_cells[qid].get(c, res.cell(row, c))
        ]
        if contradicted:
            c = contradicted[0]
            res.error(line, c, f"{res.cell(row, c)!r} differs from polls.csv line {qline} ({polls_cells[qid][c]!r})")
            continue
        if "hypothese" in res.columns and res.cell(row, "hypothese") != hid:
            res.error(
                line, "hypothese", f"{res.cell(row, 'hypothese')!r} differs from polls.csv line {qline} ({hid!r})"
            )
            continue
        nid = mieuxvoter_notice_id(qid)
        notice = notices.get(nid)
        if notice is None:
            notice = notices[nid] = _Notice(meta, qline)
        elif notice.meta[:5] != meta[:5]:
            res.error(
                line,
                "poll_id",
                f"{qid!r} has other institute, client, dates or sample than notice {nid!r} "
                f"(polls.csv line {notice.line})",
            )
            continue
        questions_ = notice.first if round_no == 1 else notice.second
        question = questions_.setdefault(qid, _Question(hid, qline))
        _add_share(res, line, question, candidates[cid].name, share, "candidate_id")
        answered.add(qid)
    for qid, (_, _, _, qline) in questions.items():
        if qid not in answered:
            res.error(qline, "poll_id", f"polls.csv question {qid!r} has no result rows")
    built = _build_notices(res, notices, MIEUXVOTER_CREDIT, lambda nid: f"notice {nid!r}")
    res.finish()
    return MieuxVoterCampaign(built, candidates, hypotheses, len(questions))


# --- simple averages for back-tests -------------------------------------------------------------------------


def _latest_per_institute(notices: Iterable[PollNotice], first: date, last: date) -> list[PollNotice]:
    latest: dict[str, PollNotice] = {}
    for p in sorted(notices, key=lambda p: (p.fieldwork_end, p.fieldwork_start, p.id)):
        if first <= p.fieldwork_end <= last:
            latest[firm_key(p.institute)] = p  # the one rule for a firm (the store's, the average's)
    return list(latest.values())


def final_week_first_round(notices: Iterable[PollNotice], election_day: date, *, days: int = 7) -> dict[str, float]:
    """A plain eve-of-poll average: each institute's last poll ending in the `days` before `election_day`,
    its hypotheses averaged (the final week's polls ask one list each), then the institutes with equal
    weight. A candidate's average is over the polls that name him.

    Args:
        notices: poll notices.
        election_day: the first round's polling day.
        days: the window, in days before polling day.

    Returns:
        Candidate name -> average share (%), largest first; empty when no poll falls in the window.
    """
    window = _latest_per_institute(
        (p for p in notices if p.hypotheses), election_day - timedelta(days=days), election_day - timedelta(days=1)
    )
    sums: dict[str, list[float]] = {}
    for p in window:
        per: dict[str, list[float]] = {}
        for h in p.hypotheses:
            for name, share in h.shares.items():
                per.setdefault(name_key(name), []).append(share)
        for key, values in per.items():
            sums.setdefault(key, []).append(sum(values) / len(values))
    names = {name_key(n): n for p in window for h in p.hypotheses for n in h.shares}
    avg = {names[k]: sum(v) / len(v) for k, v in sums.items()}
    return dict(sorted(avg.items(), key=lambda kv: -kv[1]))


def final_week_matchup(
    notices: Iterable[PollNotice], a: str, b: str, election_day: date, *, days: int = 7
) -> tuple[float, int] | None:
    """The plain final-week average of `a`'s share of the a / b matchup: each institute's last poll asking
    it, ending in the `days` before `election_day`, with equal weight.

    Returns:
        (a's average share of the pair, in %, rescaled so a + b = 100; the number of institutes), or None.
    """
    asked = [p for p in notices if p.matchup(a, b) is not None]
    window = _latest_per_institute(asked, election_day - timedelta(days=days), election_day - timedelta(days=1))
    if not window:
        return None
    shares = []
    for p in window:
        m = p.matchup(a, b)
        assert m is not None
        sa = m.a_share if name_key(m.a) == name_key(a) else m.b_share
        shares.append(100.0 * sa / (m.a_share + m.b_share))
    return sum(shares) / len(shares), len(shares)
