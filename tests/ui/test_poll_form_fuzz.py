"""The poll form under hundreds of random inputs: never a crash, every refusal names a field, and what
is accepted is exactly what the store-side validation accepts."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QDate

from tests.conftest import TOY
from warroom.core.validation import validate_poll
from warroom.ui.poll_dialog import PollDialog

FIELDS = {"pollster", "fieldwork_end", "fieldwork_start", "published", "sample_size", "first", "second", "party"}

shares = st.one_of(st.just(-1.0), st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pollster=st.text(max_size=30),
    start=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    end=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    sample=st.integers(-5, 3_000_000),
    first=st.lists(shares, min_size=4, max_size=4),
    second=st.lists(shares, min_size=3, max_size=3),
)
def test_form_fuzz(qtbot, pollster, start, end, sample, first, second) -> None:
    dialog = _dialog(qtbot)
    dialog.pollster.setText(pollster)
    dialog.start.setDate(QDate(start.year, start.month, start.day))
    dialog.end.setDate(QDate(end.year, end.month, end.day))
    dialog.sample.setValue(sample)
    for box, value in zip(dialog.first.values(), first, strict=True):
        box.setValue(value)
    for box, value in zip(dialog.second.values(), second, strict=True):
        box.setValue(value)
    poll = dialog.poll()
    expected = validate_poll(poll, TOY)
    dialog.accept()
    if expected:
        assert dialog.result() == 0
        assert dialog.problems.text().startswith("Cannot save yet")
        assert all(p.field.split(":")[0] in FIELDS for p in expected)
    else:
        assert dialog.result() == 1


_CACHE: dict[str, PollDialog] = {}


def _dialog(qtbot) -> PollDialog:
    # One dialog for all examples (creating 600 dialogs would only test Qt's allocator); reset each time.
    dialog = _CACHE.get("d")
    if dialog is None:
        dialog = PollDialog(TOY, lambda p: [str(x) for x in validate_poll(p, TOY)])
        _CACHE["d"] = dialog
    dialog.setResult(0)
    dialog.problems.clear()
    return dialog
