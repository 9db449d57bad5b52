"""A round that eliminates several candidates at once names them as a list: Burlington 2009's first round read
"Simpson and Write-in and Smith out"; it reads "Simpson, Write-in and Smith out" (core.irv_scenario's
elimination_lines, which the panel, the briefing and `warroom scenario` all print)."""

from __future__ import annotations

from pathlib import Path

from tests.cli._run import ok


def test_a_batch_elimination_is_named_as_a_list(tmp_path: Path) -> None:
    out = ok("--data-dir", str(tmp_path), "--contest", "Burlington Mayor 2009", "scenario")
    assert "Round 1: Simpson, Write-in and Smith out, 8.4 points behind Montroll." in out, out
    assert " and Write-in and " not in out


def test_names_are_listed_as_a_sentence_lists_them() -> None:
    """core.types.listed: the one rule the count's words and the instant-runoff panel's lines use."""
    from warroom.core.types import listed

    assert [listed(n) for n in ([], ["A"], ["A", "B"], ["A", "B", "C"])] == ["", "A", "A and B", "A, B and C"]


def test_a_reserved_electorate_named_mid_sentence_is_lower_case(tmp_path: Path) -> None:
    """France 2022's split lines read "First-round blank and null voters and First-round abstainers: ..."."""
    out = ok("--data-dir", str(tmp_path), "--contest", "France 2022 presidential", "scenario")
    assert "First-round blank and null voters and first-round abstainers: " in out, out
    assert " and First-round " not in out
