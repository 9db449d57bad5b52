"""core.colour: WCAG 2.1's contrast ratio, and a colour made readable on a background."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.core.colour import TEXT_CONTRAST, contrast_ratio, readable, relative_luminance


def test_the_ratio_is_wcags() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WCAG's well-known just-fail
    assert contrast_ratio("#0072b2", "#2b2b2b") == pytest.approx(2.73, abs=0.01)
    assert relative_luminance("#fff") == pytest.approx(1.0)


def test_a_readable_colour_is_kept_and_an_unreadable_one_moved_the_least() -> None:
    assert readable("#0072B2", "#ffffff") == "#0072b2"  # 5.1:1 on white: kept
    dark = readable("#0072B2", "#1e1e1e")
    assert contrast_ratio(dark, "#1e1e1e") >= TEXT_CONTRAST
    assert dark != "#ffffff"  # lightened, not replaced by white
    assert contrast_ratio(readable("#E69F00", "#ffffff"), "#ffffff") >= TEXT_CONTRAST  # darkened on paper


colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


@given(colours, colours)
def test_readable_always_reaches_the_ratio(colour: str, page: str) -> None:
    assert contrast_ratio(readable(colour, page), page) >= TEXT_CONTRAST - 1e-9
