"""The window in odd environments (issue 16, fourth pass): far time zones."""

from __future__ import annotations

import time
from datetime import date

import pytest


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Auckland", "Etc/GMT+12", "UTC"])
def test_a_poll_day_sits_after_its_own_date_tick_in_every_time_zone(
    qtbot, monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    """Days are placed at noon UTC, but the date axis labelled its ticks in local time: east of UTC+12 every
    poll, average and election-day line sat after the next day's tick (2 May read as 3 May)."""
    import pyqtgraph as pg

    from warroom.ui.charts import DateAxis, day_to_epoch

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        plot = pg.PlotWidget(axisItems={"bottom": DateAxis()})
        qtbot.addWidget(plot)
        plot.resize(800, 300)
        plot.show()
        for day in (date(2024, 5, 2), date(2024, 12, 31)):  # Auckland: summer time (UTC+13) in December
            x = float(day_to_epoch(day.toordinal()))
            plot.setXRange(x - 6 * 86400, x + 6 * 86400, padding=0)
            plot.grab()  # the axis measures its font on its first paint
            axis = plot.getPlotItem().getAxis("bottom")
            spacing, values = axis.tickValues(x - 6 * 86400, x + 6 * 86400, 800)[-1]
            assert spacing == 86400
            labels = dict(zip(values, axis.tickStrings(values, 1, spacing), strict=True))
            tick = max(v for v in values if v <= x)
            assert labels[tick] == f"{day.day:02d}", f"{day} sits after the tick labelled {labels[tick]} in {zone}"
            assert x - tick < 86400
    finally:
        monkeypatch.undo()
        time.tzset()
