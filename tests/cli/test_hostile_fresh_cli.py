"""Hostile pass 6 (issue 16), command-line options."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import TOY
from warroom.cli.irv import parse_row
from warroom.core.types import EXHAUSTED, Candidate, CountingSystem

SMITHS = dataclasses.replace(
    TOY,
    system=CountingSystem.IRV,
    candidates=(
        Candidate("ann", "Ann Smith", "R", "#d62728"),
        Candidate("bob", "Bob Smith", "B", "#1f77b4"),
        Candidate("cat", "Cat Green", "G", "#2ca02c"),
    ),
)


def test_a_row_naming_a_candidate_twice_is_refused_not_summed() -> None:
    """`--row cat=ann:40,ann:60` set Ann's share to 100 (the two added up) without a word."""
    assert parse_row(SMITHS, "cat=ann:40,bob:35,exhausted:25") == ("cat", {"ann": 40.0, "bob": 35.0, EXHAUSTED: 25.0})
    with pytest.raises(ValueError, match="given twice"):
        parse_row(SMITHS, "cat=ann:40,Ann Smith:60")


def test_a_row_naming_a_surname_two_candidates_share_is_refused_naming_both() -> None:
    """`--row cat=smith:60,...` gave the share to whichever Smith was listed first, as the poll CSV once did; the
    CLI now names people by the poll CSV's one rule (a code, a full name, a surname only when one has it)."""
    with pytest.raises(ValueError, match=r"could be Ann Smith \(ann\) or Bob Smith \(bob\)"):
        parse_row(SMITHS, "cat=smith:60,green:40")
    with pytest.raises(ValueError, match="could be"):
        parse_row(SMITHS, "smith=cat:100")
    assert parse_row(SMITHS, "Bob Smith=cat:70,ann:30") == ("bob", {"cat": 70.0, "ann": 30.0})


def _warroom(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "warroom", *args], text=True, capture_output=True, env=env, timeout=180
    )


def test_contest_given_decomposed_or_as_the_other_verbs_take_it_is_found(tmp_path: Path) -> None:
    """`--contest` with a name pasted decomposed (a Mac's "e" + combining diaeresis) was "no contest named
    'Zoë Race'" beside a contest drawn exactly alike; and `warroom backtest --contest` took the name only exactly
    as stored, where every other verb ignores case and spacing."""
    data = ["--data-dir", str(tmp_path / "d")]
    toml = tmp_path / "zoe.toml"
    toml.write_text(
        '[contest]\nname = "Zoë Race"\nelection_date = 2026-05-07\nsystem = "sv"\n'
        '[[candidate]]\ncode = "a"\nname = "Ann A"\n[[candidate]]\ncode = "b"\nname = "Bob B"\n',
        encoding="utf-8",
    )
    assert _warroom(*data, "contest", "new", "--from", str(toml)).returncode == 0
    decomposed = unicodedata.normalize("NFD", "Zoë Race")
    proc = _warroom(*data, "polls", "--contest", decomposed)
    assert proc.returncode == 0 and "Zoë Race: 0 polls" in proc.stdout, proc.stderr
    proc = _warroom(*data, "backtest", "--contest", "  london MAYOR 2012 ")
    assert proc.returncode == 0 and "London Mayor 2012" in proc.stdout, proc.stderr
