"""Reading New York City's cast-vote-record workbooks: the fast sheet reader against the XML parser, same file.

Run: python benchmarks/bench_nyc_cvr.py [--papers 200000] [--other-columns 50]

Writes one Board-style workbook (deflated, as Excel saves it): a header with the Cast Vote Record, precinct and
ballot-style columns, the mayoral contest's five ranking columns, a council contest's five, and
`--other-columns` more (other contests, as a real sheet has), then `--papers` rows of candidacy IDs,
`undervote` and `overvote`. Times `read_nyc_cvr` (regular expressions over the sheet XML, only the contest's
columns) and, as the reference in the same run, the same read forced through the XML parser (the fallback
for sheets laid out otherwise); both must give the same ballots. The count of the result is timed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warroom.core import nyc_cvr
from warroom.core.count import count_ballots
from warroom.core.nyc_cvr import column_letter, read_nyc_cvr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_workbook(path: Path, papers: int, other: int, seed: int = 12) -> None:
    rng = np.random.default_rng(seed)
    header = ["Cast Vote Record", "Precinct", "Ballot Style"]
    header += [f"DEM Mayor Choice {k} of 5 Citywide (026916)" for k in range(1, 6)]
    header += [f"DEM Council Member Choice {k} of 5 36th Council District (026940)" for k in range(1, 6)]
    header += [f"Other Contest {i} (0{27000 + i})" for i in range(other)]
    strings = [*header, "undervote", "overvote", "Write-in", "AD 65 ED 001", "1"]
    index = {s: i for i, s in enumerate(strings)}
    ids = 217430 + np.arange(11)
    weights = np.linspace(3.0, 0.3, ids.size)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
        )
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        book.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>",
        )
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            head = "".join(f'<c r="{column_letter(c)}1" t="s"><v>{index[h]}</v></c>' for c, h in enumerate(header))
            sheet.write(f'<row r="1">{head}</row>'.encode())
            for start in range(0, papers, 10_000):
                n = min(10_000, papers - start)
                order = np.argsort(-(np.log(weights) + rng.gumbel(size=(n, ids.size))), axis=1)[:, :5]
                depth = rng.integers(1, 6, n)
                rows = []
                for i in range(n):
                    r = start + i + 2
                    cells = [
                        f'<c r="A{r}"><v>{100000 + start + i}</v></c>',
                        f'<c r="B{r}" t="s"><v>{index["AD 65 ED 001"]}</v></c>',
                        f'<c r="C{r}" t="s"><v>{index["1"]}</v></c>',
                    ]
                    for k in range(5):
                        col = column_letter(3 + k)
                        if k < depth[i]:
                            value = f"<v>{ids[order[i, k]]}</v>"
                            cells.append(f'<c r="{col}{r}">{value}</c>')
                        else:
                            cells.append(f'<c r="{col}{r}" t="s"><v>{index["undervote"]}</v></c>')
                    for c in range(13, 13 + other):
                        cells.append(f'<c r="{column_letter(c)}{r}" t="s"><v>{index["undervote"]}</v></c>')
                    rows.append(f'<row r="{r}">{"".join(cells)}</row>')
                sheet.write("".join(rows).encode())
            sheet.write(b"</sheetData></worksheet>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--other-columns", type=int, default=50)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times stretch under load)")
    names = {str(217430 + i): f"Candidate {i + 1}" for i in range(11)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2025P1V1_ELE1.xlsx"
        write_workbook(path, args.papers, args.other_columns)
        print(
            f"{args.papers:,} papers x {13 + args.other_columns} columns, {path.stat().st_size / 1e6:.0f} MB workbook"
        )
        t0 = time.perf_counter()
        fast = read_nyc_cvr(path, contest="DEM Mayor", candidacy=names)
        fast_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = count_ballots(fast.table, "irv", rules=fast.rules)
        count_s = time.perf_counter() - t0
        saved = nyc_cvr._xlsx_selected

        def refuse(*_args: object) -> object:
            raise nyc_cvr._OddLayout

        nyc_cvr._xlsx_selected = refuse  # type: ignore[assignment]
        try:
            t0 = time.perf_counter()
            slow = read_nyc_cvr(path, contest="DEM Mayor", candidacy=names)
            slow_s = time.perf_counter() - t0
        finally:
            nyc_cvr._xlsx_selected = saved
    same = np.array_equal(fast.table.ranks, slow.table.ranks) and np.array_equal(fast.table.counts, slow.table.counts)
    print(
        f"  read_nyc_cvr: {fast_s:.2f} s ({fast.papers:,} papers, {fast.table.rows:,} ranking patterns); "
        f"the XML parser on the same file: {slow_s:.2f} s ({slow_s / fast_s:.1f}x); "
        f"{'same ballots' if same else 'BALLOTS DIFFER'}"
    )
    print(f"  count_ballots: {count_s:.3f} s, {len(result.rounds)} rounds, winner {result.winner}")
    if not same:
        raise SystemExit("the two readers disagree")


if __name__ == "__main__":
    main()
