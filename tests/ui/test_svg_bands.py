"""Every band the window shows is in the chart's SVG.

The SVG writer treated any path that is both filled and outlined as a poll marker, kept whole or dropped by
where its centre lies. A forecast band ("where the result may land": a faint fill with dashed edges) that starts
before the visible weeks has its centre left of the chart, so the SVG of the charts left it out while the window,
PNG and PDF showed it (London 2012: Johnson's, Livingstone's and both lead charts' forecast bands were missing).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from warroom.ui.charts import _BandItem
from warroom.ui.export import plot_to_svg

pytestmark = pytest.mark.gui


def _shown_bands(plot) -> list[_BandItem]:
    view = plot.getViewBox().sceneBoundingRect()
    bands = []
    for item in plot.items:
        shown = isinstance(item, _BandItem) and item.isVisible() and not item.path().isEmpty()
        if shown and item.sceneBoundingRect().intersects(view):
            bands.append(item)
    return bands


def _fills(text: str) -> list[tuple[str, str, int]]:
    """(fill colour, fill opacity, vertices) of each filled path in an SVG."""
    out = []
    for d, colour, opacity in re.findall(r'<path d="([^"]*)" fill="(#[0-9a-f]{6})" fill-opacity="([0-9.]+)"', text):
        out.append((colour, opacity, d.count("L") + d.count("M")))
    return out


@pytest.mark.parametrize("key", ["first", "lead1", "lead2"])
def test_every_band_the_window_shows_is_drawn_in_the_svg(demo, tmp_path: Path, key: str) -> None:
    charts = demo.window.charts
    plot = charts.plots[key]
    bands = _shown_bands(plot)  # the final weeks are shown, as the window opens: the bands start before them
    forecasts = [b for b in bands if b.pen().style() != Qt.PenStyle.NoPen]
    assert forecasts, "the chart shows no forecast band to check"
    out = tmp_path / f"{key}.svg"
    assert plot_to_svg(plot, out) == []
    fills = _fills(out.read_text())
    for band in bands:
        colour = band.brush().color()
        want = (colour.name(), f"{colour.alphaF():.3f}".rstrip("0").rstrip("."))
        drawn = [f for f in fills if (f[0], f[1]) == want and f[2] > 4]  # more than a legend key's corner
        assert drawn, f"a band filled {want} is shown in the window but missing from the SVG"
