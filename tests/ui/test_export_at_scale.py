"""Issue 15, exports at scale: the briefing PDF's poll points are one picture per series at the page's resolution
(each marker had been an image of its own: 5,083 images, 4 MB, at 3,000 polls), and its text stays text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest

from tests.conftest import TOY
from tests.ui.test_scale_repaint import _stored
from warroom.core.pipeline import compute_averages
from warroom.ui import charts
from warroom.ui.charts import ChartPanel
from warroom.ui.export import Briefing, plot_to_pdf, write_briefing_pdf

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not (shutil.which("pdfimages") and shutil.which("pdftoppm")), reason="needs poppler"),
]


def _charts(qtbot: Any) -> ChartPanel:
    """The charts of 3,000 polls at 1366x768, showing the whole campaign."""
    polls = _stored(3000)
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    panel.set_contest(TOY)
    panel.show_data(polls, compute_averages(polls, TOY))
    panel.settle_points()
    panel.fit()
    return panel


def _briefing(qtbot: Any, path: Path) -> Path:
    """The briefing of 3,000 polls, its charts at 1366x768 showing the whole campaign."""
    panel = _charts(qtbot)
    write_briefing_pdf(
        Briefing("Toy: war-room briefing", "Prepared today", ["Ann 44.0 %"], ["Lead"], chart=panel), path
    )
    return path


def _images(pdf: Path) -> int:
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return len(listed.splitlines()) - 2  # (two header lines)


def _page(pdf: Path) -> np.ndarray:
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-singlefile", str(pdf), str(pdf.with_suffix(""))], check=True)
    from PySide6.QtGui import QImage

    image = QImage(str(pdf.with_suffix(".pgm"))).convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width()].copy()


def _near(mask: np.ndarray) -> np.ndarray:
    grown = mask.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            grown |= np.roll(np.roll(mask, dy, axis=0), dx, axis=1)
    return grown


def test_the_briefings_poll_points_are_one_picture_per_series_and_look_the_same(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layered = _briefing(qtbot, tmp_path / "layered.pdf")
    images = _images(layered)
    assert 0 < images <= 20, images  # one per scatter series shown (13 here); before, one per marker: 5,083
    text = subprocess.run(["pdftotext", str(layered), "-"], capture_output=True, text=True, check=True).stdout
    assert "Toy: war-room" in text and "Ann 44.0" in text and "First round" in text  # text is text
    # the page as every marker drawn as an image of its own (the drawing before): the same ink. Qt's raster engine
    # puts a marker on whole device pixels and poppler smooths each small image it scales, so a marker's edge may
    # move by a pixel either way; measured: 0.4 % of the ink more than two pixels from the other page's
    monkeypatch.setattr(charts.PollScatter, "paint", pg.ScatterPlotItem.paint)
    full = _briefing(qtbot, tmp_path / "full.pdf")
    assert _images(full) > 1000
    assert layered.stat().st_size < full.stat().st_size / 3
    a, b = _page(layered), _page(full)
    assert a.shape == b.shape
    ink_a, ink_b = a < 128, b < 128
    assert ink_b.sum() > 50_000 and abs(int(ink_a.sum()) - int(ink_b.sum())) < 0.1 * ink_b.sum()
    far = (ink_a & ~_near(_near(ink_b))).sum() + (ink_b & ~_near(_near(ink_a))).sum()
    assert far < 0.01 * ink_b.sum(), far


def test_a_chart_pdfs_poll_points_are_one_picture_per_series(qtbot: Any, tmp_path: Path) -> None:
    """File > Export chart as PDF draws the chart the same way (its markers were images of their own too: 2,508
    images, 2.1 MB, for the first-round chart of 3,000 polls; now 6, 0.55 MB). Its look against the PNG:
    tests/ui/test_exports.py::test_pdf_renders_like_the_png_in_poppler."""
    out = tmp_path / "first.pdf"
    plot_to_pdf(_charts(qtbot).plots["first"], out)
    assert 0 < _images(out) <= 10, _images(out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "First round" in text and "2030" in text  # title and dates are text
