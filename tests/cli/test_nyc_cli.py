"""`warroom count` on other ballot formats: New York City's export (the city's rules come with it) and BLT."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import run
from tests.core.test_nyc_cvr import CANDIDACY, HEADER, PAPERS, write_xlsx
from warroom.core.nyc_cvr import NYC_RULES


def test_count_reads_the_export_with_its_rules_and_names_errors(tmp_path: Path) -> None:
    cvr = str(write_xlsx(tmp_path / "2025P1V1_ELE1.xlsx", [HEADER, *PAPERS]))
    names = str(write_xlsx(tmp_path / "CandidacyID_To_Name.xlsx", CANDIDACY))
    code, out, err = run("count", cvr, "--system", "irv", "--cvr-contest", "DEM Mayor", "--candidacy", names, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["rules"] == NYC_RULES.as_dict()
    assert result["rounds"][0]["tallies"] == {"Ada Adams": 2, "Ben Brown": 2, "Cy Cole": 2, "Write-in": 1}
    assert result["winner"] == "Cy Cole" and result["rejected"] == 1
    # Options still change the rules read from the file.
    code, out, err = run(
        "count",
        cvr,
        "--system",
        "irv",
        "--cvr-contest",
        "026916",
        "--candidacy",
        names,
        "--max-rankings",
        "1",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["rules"]["max_rankings"] == 1
    code, _, err = run("count", cvr, "--cvr-contest", "DEM Mayor", "--candidacy", names)
    assert code == 1 and "count by instant runoff: add --system irv" in err
    code, _, err = run("count", cvr, "--system", "irv", "--candidacy", names)
    assert code == 1 and "holds 2 contests, say which one" in err
    code, _, err = run("count", cvr, "--system", "irv", "--cvr-contest", "DEM Mayor")
    assert code == 1 and "row 2, column D" in err and "CandidacyID_To_Name" in err


def test_count_reads_a_blt_file_and_names_its_errors(tmp_path: Path) -> None:
    path = tmp_path / "toy.blt"
    path.write_text('3 1\n4 1 2 0\n3 2 1 0\n2 3 1=2 0\n0\n"Ada" "Ben" "Cy"\n"Toy"\n', encoding="utf-8")
    code, out, err = run("count", str(path), "--system", "irv", "--overvote", "continuing", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["rounds"][0]["tallies"] == {"Ada": 4, "Ben": 3, "Cy": 2}
    assert result["rounds"][1]["exhausted"] == 2  # Cy's papers mark Ada and Ben, both still in: exhausted
    path.write_text("3 1\n4 1 9 0\n0\n", encoding="utf-8")
    code, _, err = run("count", str(path), "--system", "irv")
    assert code == 1 and "toy.blt: line 2: '9' is not a candidate number" in err
