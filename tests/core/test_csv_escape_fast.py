"""escape_cell's fast path (a cell starting with a letter or digit is returned as it is) and _fmt's memo give exactly
what the full character-by-character check and the uncached Decimal formatting give (benchmarks/
bench_menu_stalls.py: a 100,000-poll export spent 7 s in them on the window's thread)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from warroom.core.csvformat import _fmt, _needs_escape, escape_cell, unescape_cell


def _full(value: str) -> str:
    return "'" + value if _needs_escape(value) else value


@given(st.text(max_size=12))
def test_escape_cell_is_the_full_check_for_any_text(value: str) -> None:
    assert escape_cell(value) == _full(value)
    assert unescape_cell(escape_cell(value)) == value


@given(st.sampled_from("aZ9٣Ｚé"), st.text(max_size=8))
def test_a_letter_or_digit_first_is_never_escaped(first: str, rest: str) -> None:
    assert escape_cell(first + rest) == first + rest == _full(first + rest)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_fmt_is_the_uncached_decimal_text(value: float) -> None:
    text = format(Decimal(repr(value)), "f")
    assert _fmt(value) == (text[:-2] if text.endswith(".0") else text)


def test_fmt_keeps_zero_and_negative_zero_apart() -> None:
    assert (_fmt(0.0), _fmt(-0.0), _fmt(0.0)) == ("0", "-0", "0")
