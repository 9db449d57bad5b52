"""Issue 16, the thirteenth hostile pass over the files a count reads (tests/cli/test_hostile_thirteenth_counts.py
has the command line's): New York City workbooks that are tiny but unpack into gigabytes of memory or hours of
work, damaged or encrypted workbooks, and BLT names that read as other names. Each test failed before its fix."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.test_nyc_cvr import write_xlsx
from warroom.core import nyc_cvr
from warroom.core.blt import BltFormatError, parse_blt
from warroom.core.nyc_cvr import NycFormatError, read_nyc_cvr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAYOR = "DEM Mayor Choice 1 of 1 Citywide (026916)"
HEADER = (
    f'<c r="A1" t="inlineStr"><is><t>Cast Vote Record</t></is></c><c r="B1" t="inlineStr"><is><t>{MAYOR}</t></is></c>'
)
PAPER = '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>Ann</t></is></c></row>'


def _bomb(path: Path, sheet: Callable[[zipfile.ZipExtFile], None], strings: bytes | None = None) -> Path:
    """A compressed workbook whose sheet part is written by `sheet` (a few kilobytes that unpack to megabytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        if strings is not None:
            book.writestr("xl/sharedStrings.xml", strings)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            sheet(handle)
    return path


def _peak_mb(read: Callable[[], object]) -> float:
    """The most memory Python held while `read` ran, in MB (it may raise)."""
    tracemalloc.start()
    try:
        read()
    except NycFormatError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 1e6


# --- New York City workbooks: memory and time stay bounded ---------------------------------------------------


@pytest.mark.parametrize("ref", ["XFE", "ZZZZZZZZZ"])
def test_a_cell_past_excels_last_column_is_refused_naming_its_row(tmp_path: Path, ref: str) -> None:
    """An 877-byte workbook with one cell at column ZZZZZZ took 2.5 GB (a list of 300 million empty cells padded
    up to it), ZZZZZZZ more than the machine has ("ran out of memory", or the kernel killed the app); Excel's
    last column is XFD (16,384)."""

    def sheet(handle: zipfile.ZipExtFile) -> None:
        cell = f'<c r="{ref}1"><v>1</v></c>'
        handle.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{HEADER}{cell}</row>{PAPER}'.encode())
        handle.write(b"</sheetData></worksheet>")

    with pytest.raises(NycFormatError, match=rf"cvr\.xlsx, row 1: the cell {ref}1 is past Excel's last column"):
        read_nyc_cvr(_bomb(tmp_path / "cvr.xlsx", sheet))


def test_a_header_as_wide_as_excel_allows_is_still_read(tmp_path: Path) -> None:
    def sheet(handle: zipfile.ZipExtFile) -> None:
        handle.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{HEADER}'.encode())
        handle.write(b'<c r="XFD1"><v>7</v></c></row>')
        handle.write(f"{PAPER}</sheetData></worksheet>".encode())

    cvr = read_nyc_cvr(_bomb(tmp_path / "cvr.xlsx", sheet))
    assert cvr.table.candidates == ("Ann",) and cvr.papers == 1


def test_a_header_row_of_millions_of_cells_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """A 50 KB workbook whose header row is 1.4 million cells (20 MB of XML; 300 MB took 2.8 GB, then "out of
    memory") was parsed whole before anything was checked: every cell an element held in memory."""

    def sheet(handle: zipfile.ZipExtFile) -> None:
        handle.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{HEADER}'.encode())
        block = b"<c><v>1</v></c>" * 10_000
        for _ in range(140):
            handle.write(block)
        handle.write(f"</row>{PAPER}</sheetData></worksheet>".encode())

    path = _bomb(tmp_path / "cvr.xlsx", sheet)
    assert path.stat().st_size < 200_000
    with pytest.raises(NycFormatError, match=r"cvr\.xlsx, row 1.*(past Excel's last column|runs past)"):
        read_nyc_cvr(path)
    assert _peak_mb(lambda: read_nyc_cvr(path)) < 40


def test_a_sheet_of_a_million_empty_rows_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """Read by the XML parser (cells not laid out as Excel writes them), every row read stayed in memory as an
    emptied element: 100,000 rows held 9 MB, the 100 million of a 1 MB workbook far more than a machine has."""

    def sheet(handle: zipfile.ZipExtFile) -> None:
        handle.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{HEADER}</row>'.encode())
        handle.write(b'<row r="2"><c t="n" r="A2"><v>1</v></c><c t="inlineStr" r="B2"><is><t>Ann</t></is></c></row>')
        block = b"<row/>" * 10_000
        for _ in range(10):
            handle.write(block)
        handle.write(b"</sheetData></worksheet>")

    path = _bomb(tmp_path / "cvr.xlsx", sheet)
    cvr = read_nyc_cvr(path)
    assert cvr.papers == 1 and cvr.table.counts.tolist() == [1]
    assert _peak_mb(lambda: read_nyc_cvr(path)) < 6  # 9 MB before


def test_shared_strings_are_read_in_bounded_memory(tmp_path: Path) -> None:
    """The shared strings were parsed whole into elements: 250 MB of them (under the size limit, a 600 KB
    workbook) took 2.8 GB and 23 s and ended "out of memory"; 2.7 MB took 38 MB."""

    def sheet(handle: zipfile.ZipExtFile) -> None:
        handle.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{HEADER}</row>'.encode())
        handle.write(b'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>1</v></c></row></sheetData></worksheet>')

    strings = f'<sst xmlns="{MAIN}"><si><t>a</t></si><si><t>Ann</t></si>'.encode()
    strings += b"<si><t>a</t></si>" * 150_000 + b"</sst>"
    path = _bomb(tmp_path / "cvr.xlsx", sheet, strings)
    assert read_nyc_cvr(path).table.candidates == ("Ann",)
    assert _peak_mb(lambda: read_nyc_cvr(path)) < 15  # 38 MB before


def test_cells_that_never_close_are_refused_in_linear_time(tmp_path: Path) -> None:
    """A 1.7 KB workbook of 40,000 `<c r="B2">` that never close took 162 s (each one searched the rest of the
    row for its end: quadratic; the 800,000 of an 8 MB block hours), then said "no ballot carries" the contest."""

    def sheet(handle: zipfile.ZipExtFile) -> None:
        handle.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{HEADER}</row>'.encode())
        handle.write(b'<row r="2"><c r="A2"><v>1</v></c>' + b'<c r="B2">' * 10_000 + b"</row>")
        handle.write(b"</sheetData></worksheet>")

    path = _bomb(tmp_path / "cvr.xlsx", sheet)
    started = time.perf_counter()
    with pytest.raises(NycFormatError, match=r"cvr\.xlsx: the workbook cannot be read"):
        read_nyc_cvr(path)
    assert time.perf_counter() - started < 3  # 13 s before


# --- New York City workbooks: damaged or encrypted is a message ------------------------------------------------


def _flip(path: Path, what: str) -> None:
    data = bytearray(path.read_bytes())
    if what == "damaged":  # a byte of the sheet's compressed data
        at = data.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 2
        data[at] ^= 0xFF
    for signature, flags, method in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = data.find(signature)
        while at >= 0:
            if what == "encrypted":
                data[at + flags] |= 1  # the entry's "encrypted" flag: a password-protected zip
            elif what == "method":
                data[at + method] = 99  # WinZip's AES: a compression this reader has not
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("what", "said"),
    [
        ("damaged", "damaged"),
        ("encrypted", "encrypted"),
        ("method", "compressed in a way"),
    ],
)
def test_a_damaged_or_encrypted_workbook_is_a_message_naming_it(tmp_path: Path, what: str, said: str) -> None:
    """Each was a traceback (zlib.error, RuntimeError 'password required', NotImplementedError)."""
    rows: list[list[object]] = [["Cast Vote Record", MAYOR]] + [[i, "Ann Lee Smith"] for i in range(1, 400)]
    plain = write_xlsx(tmp_path / "plain.xlsx", rows)
    with zipfile.ZipFile(plain) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    path = tmp_path / "cvr.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    _flip(path, what)
    with pytest.raises(NycFormatError, match=rf"^cvr\.xlsx: .*{said}"):
        read_nyc_cvr(path)


def test_an_office_encrypted_workbook_says_so(tmp_path: Path) -> None:
    """Excel's "Encrypt with password" saves a compound file, not a zip: it was "not an Excel workbook"."""
    path = tmp_path / "cvr.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(NycFormatError, match=r"cvr\.xlsx: .*password-protected.*97-2003"):
        read_nyc_cvr(path)


# --- BLT names ----------------------------------------------------------------------------------------------


def test_unquoted_names_of_several_words_are_refused_not_read_as_other_candidates() -> None:
    """`Bob Kiss` and `Andy Montroll` unquoted were read as two candidates `Bob` and `Kiss` (and the title
    "Andy Montroll"): the count declared "Winner: Bob" with Andy Montroll's votes given to "Kiss"."""
    with pytest.raises(BltFormatError, match=r"line 5: .*Bob Kiss.*quotes"):
        parse_blt("2 1\n3 1 2 0\n2 2 1 0\n0\nBob Kiss\nAndy Montroll\n")
    with pytest.raises(BltFormatError, match=r"line 5: .*quotes"):
        parse_blt('2 1\n3 1 2 0\n2 2 1 0\n0\n"Bob Kiss" Andy Montroll\n')


def test_quoted_and_one_word_names_still_read() -> None:
    blt = parse_blt("3 1\n3 1 2 0\n2 3 1 0\n0\n'A' 'B' 'C'\n2009 Mayor\n")
    assert blt.table.candidates == ("A", "B", "C") and blt.title == "2009 Mayor"
    blt = parse_blt('2 1\n3 1 2 0\n2 2 1 0\n0\nKiss\n"Andy Montroll"\n"2009 Mayor"\n')
    assert blt.table.candidates == ("Kiss", "Andy Montroll") and blt.title == "2009 Mayor"


def test_a_hash_inside_a_quoted_name_or_title_is_part_of_it_not_a_comment() -> None:
    """`"Ann #1"` was cut at the `#` as a comment and refused as "No closing quotation"."""
    blt = parse_blt('2 1\n3 1 2 0 # the first ballots\n2 2 1 0\n0\n"Ann #1"\n"Bob" # the other\n"Ward #3"\n')
    assert blt.table.candidates == ("Ann #1", "Bob") and blt.title == "Ward #3"


@pytest.mark.parametrize("line", ["(y) 0", "(y)"])
def test_a_ballot_id_with_nothing_after_it_is_refused_not_the_end_of_the_ballots(line: str) -> None:
    """`(y) 0` ended the ballots: the real end line `0` became a candidate called "0" and won, the last name
    became the title. `(y)` alone was an IndexError traceback."""
    with pytest.raises(BltFormatError, match=r"line 3: a ballot line .*weight"):
        parse_blt(f"2 1\n(x) 3 1 2 0\n{line}\n2 2 1 0\n0\n'A' 'B'\n")


def test_a_ballot_id_before_a_ballot_still_reads() -> None:
    blt = parse_blt("2 1\n(x) 3 1 2 0\n(y) 2 2 0\n0\n'A' 'B'\n")
    assert blt.table.candidates == ("A", "B") and blt.table.counts.tolist() == [3, 2]


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ('<c r="B2" t="e"><v>#N/A</v></c>', r"an Excel error value \(#N/A\)"),
        ('<c t="e" r="B2"><v>#REF!</v></c>', r"an Excel error value \(#REF!\)"),  # through the XML parser
        ('<c r="B2" t="d"><v>2021-06-22T00:00:00</v></c>', r"a date \(2021-06-22T00:00:00\)"),
        ('<c r="B2" t="b"><v>1</v></c>', r"a TRUE/FALSE value"),
    ],
)
def test_an_error_date_or_true_false_cell_is_refused_not_a_candidate(tmp_path: Path, cell: str, said: str) -> None:
    """A formula's `#N/A` became a candidate called "#N/A", and won; a date cell a candidate named by the date;
    TRUE was read as candidacy ID 1."""
    from tests.core.test_hostile_third_pass import _book

    path = _book(tmp_path / "cvr.xlsx", f'<c r="A2"><v>1</v></c>{cell}', ["Ann"])
    with pytest.raises(NycFormatError, match=rf"cvr\.xlsx, row 2, column B.*{said}, not a ranking"):
        read_nyc_cvr(path, candidacy={"1": "Ann"})


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        # Excel's layout (the fast reader) and the same through the XML parser (type before reference)
        ('<c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>', "column B.*twice"),
        ('<c t="n" r="A2"><v>1</v></c><c t="s" r="B2"><v>0</v></c><c t="s" r="B2"><v>1</v></c>', "B2 appears twice"),
        (
            '<c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>2</v></c>'
            '<c r="B2" t="s"><v>1</v></c>',
            "twice",
        ),
        (
            '<c t="n" r="A2"><v>1</v></c><c t="s" r="B2"><v>0</v></c></row><row r="2"><c t="n" r="A2"><v>2</v>'
            '</c><c t="s" r="B2"><v>1</v></c>',
            "comes after row 2",
        ),
        (
            '<c r="A3"><v>1</v></c><c r="B3" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>2</v></c>'
            '<c r="B2" t="s"><v>1</v></c>',
            "comes after row 3",
        ),
        ('<c r="A1"><v>1</v></c><c r="B1" t="s"><v>0</v></c>', "twice"),  # the header's cells again
        ('<c t="n" r="A1"><v>1</v></c><c t="s" r="B1"><v>0</v></c>', "A1 is not in row 2"),
    ],
)
def test_a_repeated_or_misplaced_cell_or_row_is_refused_by_both_readers(tmp_path: Path, cells: str, said: str) -> None:
    """The two readers disagreed: a cell given twice was the last to the fast reader (Bob) and the first to the
    XML parser (Ann); a row given twice was one paper to the one and two to the other; the header's cells again
    inside row 2 were passed over by the one and counted by the other."""
    from tests.core.test_hostile_third_pass import _book

    path = _book(tmp_path / "cvr.xlsx", cells, ["Ann", "Bob"])
    with pytest.raises(NycFormatError, match=rf"cvr\.xlsx, row \d.*{said}"):
        read_nyc_cvr(path)


# --- last election's ballots as a prior: read as the count reads them ---------------------------------------


def _random_papers(seed: int) -> list:
    import numpy as np

    from warroom.core.ballots import Ballot

    rng = np.random.default_rng(seed)
    marks = ["Ann", "Bob", "Cy", "Dee", "", "", "overvote", "Ann=Bob", "Cy=Dee"]
    return [Ballot(tuple(str(rng.choice(marks)) for _ in range(4)), int(rng.integers(1, 9))) for _ in range(300)]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "rules",
    [
        {},
        {"first_choice_required": False},
        {"first_choice_required": False, "overvote": "skip"},
        {"first_choice_required": False, "overvote": "continuing"},
        {"first_choice_required": False, "exhaust_after_skips": 2, "max_rankings": 3},
    ],
)
def test_a_prior_read_under_a_counts_rules_has_that_counts_first_round(seed: int, rules: dict) -> None:
    """The prior's first preferences are the count's round 1 under the same rules (they were read by the
    default rule whatever the count's: a paper with a blank first ranking was left out of one and not the
    other); under the default rules nothing changes."""
    import numpy as np

    from warroom.core.ballots import table_from_ballots
    from warroom.core.count import CountRules, count_ballots
    from warroom.core.irv_scenario import prior_from_ballots

    table = table_from_ballots(_random_papers(seed))
    count_rules = CountRules.from_mapping(rules)
    first = count_ballots(table, "irv", rules=count_rules).rounds[0].tallies
    prior = prior_from_ballots(table, max_rankings=count_rules.max_rankings, rules=count_rules)
    total = sum(first.values())
    np.testing.assert_allclose([prior.share(c) for c in first], [100 * v / total for v in first.values()])
    if not rules:
        plain = prior_from_ballots(table)
        np.testing.assert_allclose(prior.first_round, plain.first_round)
        np.testing.assert_allclose(prior.transfers, plain.transfers)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ('2 1\n3 1 2 0\n0\n"A"\n"B"\n'.encode("utf-16"), r'^UTF-16 text \(Excel\'s "Unicode Text"\): save it as UTF-8'),
        ('2 1\n3 1 2 0\n0\n"A"\n"B"\n'.encode("utf-32"), r"^UTF-32 text: save it as UTF-8"),
        (b"PK\x03\x04" + bytes(range(256)), r"^a zip archive, such as an Excel workbook.*, not BLT text"),
    ],
)
def test_a_blt_file_in_utf16_or_a_workbook_says_what_it_is(tmp_path: Path, data: bytes, said: str) -> None:
    """The check every CSV reader makes (core.infile) was not made for BLT: UTF-16 was read as Latin-1 and refused
    as "the first line gives the number of candidates and of seats, not 'ÿþ2\\x00 \\x001\\x00'", a workbook as
    "two encodings mixed"."""
    from warroom.core.blt import read_blt

    path = tmp_path / "count.blt"
    path.write_bytes(data)
    with pytest.raises(BltFormatError, match=said):
        read_blt(path)


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ('<c r="B2" t="inlineStr"><is><t><![CDATA[Ann]]></t></is></c>', "Ann"),
        ('<c r="B2" t="inlineStr"><is><t>Ann<!-- a note --></t></is></c>', "Ann"),
        ('<c r="B2" t="inlineStr"><is><t>Ann<?note x?></t></is></c>', "Ann"),
        ('<c r="B2" t="inlineStr"><is><t>Ann &amp; Bob &#233;&#xE9;</t></is></c>', "Ann & Bob éé"),
        ('<c r="B2" t="inlineStr"><is><t>Ann&eacute;</t></is></c>', None),  # HTML's entity, not XML's
    ],
)
def test_the_fast_reader_reads_xml_markup_as_the_xml_parser_does(tmp_path: Path, cell: str, read: str | None) -> None:
    """The fast reader named candidates '<![CDATA[Ann]]>', 'Ann<!-- a note -->' and 'Ann<?note x?>' where the XML
    parser read 'Ann', and read `&eacute;` (an HTML entity, which the XML parser refuses) as 'é'."""
    from tests.core.test_hostile_third_pass import _book

    path = _book(tmp_path / "cvr.xlsx", f'<c r="A2"><v>1</v></c>{cell}', [])
    if read is None:
        with pytest.raises(NycFormatError, match=r"cvr\.xlsx: the workbook cannot be read \(undefined entity"):
            read_nyc_cvr(path)
    else:
        assert read_nyc_cvr(path).table.candidates == (read,)


@pytest.mark.parametrize(
    ("cell", "strings"),
    [
        ('<c r="B2" t="s"><v>0</v></c>', None),  # a shared string
        ('<c r="B2" t="inlineStr"><is><t>Ann</t><rPh sb="0" eb="3"><t>アン</t></rPh></is></c>', []),
        ('<c t="inlineStr" r="B2"><is><t>Ann</t><rPh sb="0" eb="3"><t>アン</t></rPh></is></c>', []),  # XML parser
        ('<c r="B2" t="inlineStr"><is><r><t>An</t></r><r><rPr><b/></rPr><t>n</t></r></is></c>', []),  # two runs
    ],
)
def test_a_phonetic_reading_guide_is_not_part_of_the_name(tmp_path: Path, cell: str, strings: list | None) -> None:
    """Japanese Excel stores a reading guide (`rPh`) beside a name typed with an input method; it was read into
    the name ('Annアン'), a candidate Excel does not show and the candidacy file does not name."""
    from tests.core.test_hostile_third_pass import _book

    shared = ['Ann</t><rPh sb="0" eb="3"><t>アン</t></rPh><phoneticPr fontId="1"/><t>'] if strings is None else []
    path = _book(tmp_path / "cvr.xlsx", f'<c r="A2"><v>1</v></c>{cell}', shared)
    assert read_nyc_cvr(path).table.candidates == ("Ann",)


def test_a_workbook_with_two_parts_of_one_name_is_refused(tmp_path: Path) -> None:
    """Two sheets both named xl/worksheets/sheet1.xml: zipfile read the last without a word (Excel calls such a
    file damaged), so a file could show one set of ballots in Excel and count another here."""
    import warnings

    plain = write_xlsx(tmp_path / "plain.xlsx", [["Cast Vote Record", MAYOR], [1, "Ann"]])
    with zipfile.ZipFile(plain) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    path = tmp_path / "cvr.xlsx"
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as book:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it writes
        for name, data in parts.items():
            book.writestr(name, data)
        book.writestr("xl/worksheets/sheet1.xml", parts["xl/worksheets/sheet1.xml"])
    with pytest.raises(NycFormatError, match=r"^cvr\.xlsx: the workbook holds two parts named xl/worksheets/sheet1"):
        read_nyc_cvr(path)


def test_what_follows_the_rows_is_not_held_to_a_rows_limit(tmp_path: Path) -> None:
    """The XML parser's 2 MB limit is a row's: megabytes of links after the rows (read through the XML parser, as
    this sheet's layout is not Excel's) still read."""

    def sheet(handle: zipfile.ZipExtFile) -> None:
        handle.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{HEADER}</row>'.encode())
        handle.write(b'<row r="2"><c t="n" r="A2"><v>1</v></c><c t="inlineStr" r="B2"><is><t>Ann</t></is></c></row>')
        handle.write(b"</sheetData><hyperlinks>" + b'<hyperlink ref="A2" display="paper one"/>' * 100_000)
        handle.write(b"</hyperlinks></worksheet>")

    assert read_nyc_cvr(_bomb(tmp_path / "cvr.xlsx", sheet)).table.candidates == ("Ann",)


def test_what_follows_the_rows_is_not_held_to_a_rows_limit_by_the_fast_reader(tmp_path: Path, monkeypatch) -> None:
    """The fast reader gathered what follows the last row as if it were a row that never ended: past 64 MB of
    links after the rows (here the limit is lowered to 1 MB) the sheet was refused, where the XML parser reads it."""
    monkeypatch.setattr(nyc_cvr, "_MAX_ROW_BYTES", 1 << 20)
    monkeypatch.setattr(nyc_cvr, "_BLOCK", 1 << 16)

    def sheet(handle: zipfile.ZipExtFile) -> None:
        handle.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{HEADER}</row>{PAPER}'.encode())
        handle.write(b"</sheetData><hyperlinks>" + b'<hyperlink ref="A2" display="paper one"/>' * 50_000)
        handle.write(b"</hyperlinks></worksheet>")

    cvr = read_nyc_cvr(_bomb(tmp_path / "cvr.xlsx", sheet))
    assert cvr.table.candidates == ("Ann",) and cvr.papers == 1 and cvr.skipped == 0
