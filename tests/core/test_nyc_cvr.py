"""New York City's cast-vote-record export: read from Excel or CSV, all or nothing, counted by the city's rules."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pytest

from warroom.core import nyc_cvr
from warroom.core.ballots import BLANK, OVERVOTE
from warroom.core.count import count_ballots
from warroom.core.irv_scenario import prior_from_ballots
from warroom.core.nyc_cvr import (
    NYC_RULES,
    NycFormatError,
    column_letter,
    contests_in,
    looks_like_nyc,
    read_candidacy_names,
    read_nyc_cvr,
)

MAYOR = [f"DEM Mayor Choice {k} of 5 Citywide (026916)" for k in range(1, 6)]
COUNCIL = [f"DEM Council Member Choice {k} of 5 36th Council District (026940)" for k in range(1, 6)]
HEADER = ["Cast Vote Record", "Precinct", "Ballot Style", *MAYOR, *COUNCIL]
CANDIDACY = [["CandidacyID", "DefaultBallotName"], [217430, "Ada Adams"], [217431, "Ben Brown"], [217432, "Cy Cole"]]

# Cells as the Board writes them: candidacy IDs (numbers in the workbook), undervote, overvote, Write-in.
PAPERS = [
    ["100001", "AD 65 ED 001", "1", 217430, 217431, "undervote", "undervote", "undervote", "", "", "", "", ""],
    ["100002", "AD 65 ED 001", "1", 217430, "undervote", "undervote", "undervote", "undervote", "", "", "", "", ""],
    ["100003", "AD 65 ED 001", "1", 217431, 217432, "undervote", "undervote", "undervote", "", "", "", "", ""],
    ["100004", "AD 65 ED 002", "2", 217432, "undervote", 217431, "undervote", "undervote", 217430, "", "", "", ""],
    ["100005", "AD 65 ED 002", "2", 217432, "overvote", 217430, "undervote", "undervote", "", "", "", "", ""],
    ["100006", "AD 65 ED 002", "2", "undervote", 217431, "undervote", "undervote", "undervote", "", "", "", "", ""],
    ["100007", "AD 65 ED 002", "2", "Write-in", 217432, "undervote", "undervote", "undervote", "", "", "", "", ""],
    ["100008", "AD 65 ED 003", "3", "", "", "", "", "", 217430, 217431, "", "", ""],  # no mayoral contest
    ["100009", "AD 65 ED 003", "3", "overvote", 217430, "undervote", "undervote", "undervote", "", "", "", "", ""],
]


def write_xlsx(path: Path, rows: list[list[object]], *, odd: bool = False) -> Path:
    """A minimal Excel workbook as Excel lays it out: shared strings for text, numbers for numbers.

    odd=True writes it as other tools may: the type before the reference, text as inline strings, empty cells
    as elements of their own (read by the XML parser rather than the fast path; the same rows must come out).
    """
    strings: list[str] = []
    index: dict[str, int] = {}
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{column_letter(c)}{r}"
            if value == "":
                if odd:
                    cells.append(f'<c s="1" r="{ref}"/>')
                continue  # Excel writes no element for an empty cell
            if odd and not isinstance(value, int):
                cells.append(f'<c t="inlineStr" r="{ref}"><is><t>{escape(str(value))}</t></is></c>')
            elif isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                text = str(value)
                if text not in index:
                    index[text] = len(strings)
                    strings.append(text)
                cells.append(f'<c r="{ref}" t="s"><v>{index[text]}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        book.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{main}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>",
        )
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>',
        )
    return path


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def board_files(tmp_path: Path) -> tuple[Path, Path]:
    return write_xlsx(tmp_path / "2025P1V1_ELE1.xlsx", [HEADER, *PAPERS]), write_xlsx(
        tmp_path / "CandidacyID_To_Name.xlsx", CANDIDACY
    )


def test_header_names_the_contests_and_their_ranking_limit() -> None:
    found = contests_in(HEADER)
    assert [(c.name, c.contest_id, c.rankings) for c in found] == [
        ("DEM Mayor Citywide", "026916", 5),
        ("DEM Council Member 36th Council District", "026940", 5),
    ]
    assert found[0].columns == (3, 4, 5, 6, 7)
    assert looks_like_nyc(HEADER) and not looks_like_nyc(["count", "pref1"])


def test_excel_export_read_with_the_candidacy_file_and_counted_by_city_rules(board_files: tuple[Path, Path]) -> None:
    cvr_path, names_path = board_files
    assert read_candidacy_names(names_path) == {"217430": "Ada Adams", "217431": "Ben Brown", "217432": "Cy Cole"}
    cvr = read_nyc_cvr(cvr_path, contest="DEM Mayor", candidacy=names_path)
    assert cvr.contest.contest_id == "026916"
    assert cvr.papers == 8 and cvr.skipped == 1  # paper 100008 did not carry the mayoral contest
    assert cvr.rules == NYC_RULES
    assert int(cvr.table.counts.sum()) == 8
    assert set(cvr.table.candidates) == {"Ada Adams", "Ben Brown", "Cy Cole", "Write-in"}
    result = count_ballots(cvr.table, "irv", rules=cvr.rules)
    # Round 1: a skipped first ranking counts from the next (100006 -> Brown); a first-ranking overvote
    # exhausts at once, so 100009 is not counted.
    assert result.rejected == 1
    assert result.rounds[0].tallies == {"Ada Adams": 2, "Ben Brown": 2, "Cy Cole": 2, "Write-in": 1}
    # Write-in goes first (to Cole); Adams 2 + Brown 2 is not below Cole's 3, so no batch: the lowest of the
    # tied pair goes (broken on earlier rounds, then by name).
    assert result.rounds[1].eliminated == ("Write-in",)
    assert result.rounds[1].tallies == {"Ada Adams": 2, "Ben Brown": 2, "Cy Cole": 3}
    assert result.rounds[2].eliminated == ("Ada Adams",)
    # 100001 (Adams, Brown) moves to Brown; 100002 (Adams only) exhausts.
    assert result.rounds[2].tallies == {"Ben Brown": 3, "Cy Cole": 3}
    # The final pair ties 3-3: earlier rounds decide (Cole led Brown in round 2).
    assert result.winner == "Cy Cole"
    # The skipped second ranking of 100004 is passed over (Cole, -, Brown): its next preference is Brown;
    # the overvote of 100005 (Cole, overvote, Adams) exhausts there.
    prior = prior_from_ballots(cvr.table, list(cvr.table.candidates))
    cole = prior.row("Cy Cole")
    assert cole["Ben Brown"] == pytest.approx(50.0) and cole["__exhausted__"] == pytest.approx(50.0)


def test_several_files_are_one_contest_and_csv_with_names_needs_no_candidacy_file(tmp_path: Path) -> None:
    names = {"217430": "Ada Adams", "217431": "Ben Brown", "217432": "Cy Cole"}
    as_names = [[names.get(str(c), c) if isinstance(c, int) else c for c in row] for row in PAPERS]
    one = write_csv(tmp_path / "part1.csv", [HEADER, *as_names[:4]])
    two = write_xlsx(tmp_path / "part2.xlsx", [HEADER, *PAPERS[4:]])
    cvr = read_nyc_cvr([one, two], contest="026916", candidacy=names)
    assert cvr.papers == 8
    both = read_nyc_cvr(write_csv(tmp_path / "all.csv", [HEADER, *as_names]), contest="dem mayor citywide")
    split = count_ballots(cvr.table, "irv", rules=cvr.rules)
    whole = count_ballots(both.table, "irv", rules=both.rules)
    assert [r.tallies for r in whole.rounds] == [r.tallies for r in split.rounds]
    assert whole.rejected == split.rejected == 1
    codes = both.table.ranks
    assert (codes == OVERVOTE).sum() == 2 and (codes == BLANK).any()


def test_the_fast_sheet_reader_and_the_xml_parser_read_the_same_ballots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = read_candidacy_names(write_xlsx(tmp_path / "names.xlsx", CANDIDACY))
    parsed: list[str] = []
    parser = nyc_cvr._xlsx_rows
    monkeypatch.setattr(nyc_cvr, "_xlsx_rows", lambda path: parsed.append(path.name) or parser(path))
    tricky = [*PAPERS, ["100010", "AD 65 ED <3> & co", "4", "Write-in", 217430, "overvote", "", "", "", "", "", "", ""]]
    fast = read_nyc_cvr(write_xlsx(tmp_path / "excel.xlsx", [HEADER, *tricky]), contest="026916", candidacy=names)
    assert parsed == ["excel.xlsx"]  # the XML parser read the header only
    odd = write_xlsx(tmp_path / "odd.xlsx", [HEADER, *tricky], odd=True)
    slow = read_nyc_cvr(odd, contest="026916", candidacy=names)
    assert parsed == ["excel.xlsx", "odd.xlsx", "odd.xlsx"]  # the header, then every row
    assert (fast.papers, fast.skipped) == (slow.papers, slow.skipped) == (9, 1)
    assert fast.table.candidates == slow.table.candidates
    assert np.array_equal(fast.table.ranks, slow.table.ranks) and np.array_equal(fast.table.counts, slow.table.counts)
    assert np.array_equal(fast.table.lines, slow.table.lines)  # the row each pattern was first seen on
    # The fast reader takes only the contest's columns: a bad cell elsewhere on the sheet does not matter.
    other = [row[:] for row in tricky]
    other[0][1] = "&amp;&lt;"
    again = read_nyc_cvr(write_xlsx(tmp_path / "other.xlsx", [HEADER, *other]), contest="026916", candidacy=names)
    assert np.array_equal(again.table.ranks, fast.table.ranks)


def test_errors_name_file_row_and_column_and_nothing_is_returned(
    tmp_path: Path, board_files: tuple[Path, Path]
) -> None:
    cvr_path, names_path = board_files
    with pytest.raises(NycFormatError, match=r"holds 2 contests, say which one: DEM Mayor Citywide \(026916\)"):
        read_nyc_cvr(cvr_path, candidacy=names_path)
    with pytest.raises(NycFormatError, match="no contest 'Comptroller'"):
        read_nyc_cvr(cvr_path, contest="Comptroller", candidacy=names_path)
    with pytest.raises(
        NycFormatError,
        match=r"2025P1V1_ELE1.xlsx, row 2, column D \(DEM Mayor Citywide choice 1\) "
        r"\(cast vote record 100001\): '217430' is a candidacy ID",
    ):
        read_nyc_cvr(cvr_path, contest="DEM Mayor")
    with pytest.raises(NycFormatError, match=r"row 3, column E .*candidacy ID 217499 is not in the candidacy file"):
        bad = [row[:] for row in PAPERS]
        bad[1][4] = 217499
        read_nyc_cvr(write_xlsx(tmp_path / "bad.xlsx", [HEADER, *bad]), contest="DEM Mayor", candidacy=names_path)
    gap = [h for h in HEADER if "Choice 3 of 5 Citywide" not in h]
    with pytest.raises(NycFormatError, match=r"row 1: DEM Mayor Citywide \(026916\) has no column for choice 3 of 5"):
        read_nyc_cvr(write_csv(tmp_path / "gap.csv", [gap]), contest="DEM Mayor")
    twice = [*HEADER, MAYOR[0]]
    with pytest.raises(NycFormatError, match=r"column N .*choice 1 appears twice \(also column D\)"):
        read_nyc_cvr(write_csv(tmp_path / "twice.csv", [twice]))
    with pytest.raises(NycFormatError, match="no ranked-choice columns"):
        read_nyc_cvr(write_csv(tmp_path / "plain.csv", [["count", "pref1"], ["3", "A"]]))
    mayor = write_csv(tmp_path / "mayor.csv", [HEADER[:3] + MAYOR, ["1", "x", "1", "Ada Adams", "", "", "", ""]])
    council = write_csv(tmp_path / "council.csv", [HEADER[:3] + COUNCIL, ["2", "x", "1", "Ada Adams", "", "", "", ""]])
    with pytest.raises(NycFormatError, match=r"council.csv: holds DEM Council Member .* not DEM Mayor Citywide"):
        read_nyc_cvr([mayor, council])
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(NycFormatError, match="not an Excel workbook"):
        read_nyc_cvr(junk)
    with pytest.raises(NycFormatError, match="no ballot carries DEM Council Member"):
        read_nyc_cvr(write_csv(tmp_path / "empty.csv", [HEADER, PAPERS[1]]), contest="026940", candidacy=names_path)
    with pytest.raises(NycFormatError, match="needs a candidacy ID column and a name column"):
        read_candidacy_names(write_csv(tmp_path / "ids.csv", [["Number", "Who"], ["1", "A"]]))
    with pytest.raises(NycFormatError, match="row 3: candidacy 1 is named twice"):
        read_candidacy_names(write_csv(tmp_path / "dup.csv", [["CandidacyID", "Name"], ["1", "A"], ["1", "B"]]))


def test_header_and_candidacy_file_variants(tmp_path: Path) -> None:
    spaced = ["Cast Vote Record", *(f"DEM  Mayor Choice {k} of 5  Citywide\u00a0(026916)" for k in range(1, 6))]
    assert [(c.name, c.contest_id) for c in contests_in(spaced)] == [("DEM Mayor Citywide", "026916")]
    swapped = write_csv(tmp_path / "names.csv", [["Candidate Name", "Candidacy ID"], ["Ada Adams", "217430"]])
    assert read_candidacy_names(swapped) == {"217430": "Ada Adams"}


@pytest.mark.parametrize("spelling", ["WRITE-IN", "Write In", "write-in", "  write  -  in ", "WRITEIN", "UWI"])
def test_write_ins_are_one_candidate_excluded_first_however_spelled(tmp_path: Path, spelling: str) -> None:
    # A candidacy file naming an ID "WRITE-IN" (and cells spelling it their own way) made a second candidate beside
    # the cells' "Write-in": the write-ins were split and not excluded first together.
    candidacy = [*CANDIDACY, [217499, spelling]]
    papers = [*PAPERS, ["100010", "AD 65 ED 004", "4", 217499, 217430, "", "", "", "", "", "", "", ""]]
    papers += [["100011", "AD 65 ED 004", "4", spelling, 217431, "", "", "", "", "", "", "", ""]]
    cvr = read_nyc_cvr(
        write_csv(tmp_path / "cvr.csv", [HEADER, *papers]),
        contest="DEM Mayor",
        candidacy=write_csv(tmp_path / "names.csv", candidacy),
    )
    assert set(cvr.table.candidates) == {"Ada Adams", "Ben Brown", "Cy Cole", "Write-in"}
    result = count_ballots(cvr.table, "irv", rules=cvr.rules)
    assert result.rounds[0].tallies["Write-in"] == 3
    assert result.rounds[1].eliminated == ("Write-in",)
