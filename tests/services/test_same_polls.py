"""The delete's check of what the store holds against what was shown: matched by id in any order (no sorts of
100,000 polls on the writer thread), and refusing every difference the sorted comparison refused."""

from __future__ import annotations

from dataclasses import replace

from tests.conftest import make_poll
from warroom.core.types import Poll
from warroom.services.poll_service import _same_polls


def _three() -> list[Poll]:
    return [make_poll(day=i + 1, pollster=f"P{i}", id=i + 1) for i in range(3)]


def test_same_polls_in_any_order() -> None:
    shown = _three()
    stored = [replace(p) for p in reversed(shown)]
    assert _same_polls(stored, shown)


def test_any_difference_is_a_conflict() -> None:
    shown = _three()
    assert not _same_polls(shown[:2], shown)  # one gone from the store
    assert not _same_polls(shown, [*shown[:2], None])  # one expected gone (a pending delete)
    assert not _same_polls(shown, [shown[0], shown[1], replace(shown[2], sample_size=999)])  # edited
    assert not _same_polls(shown, [shown[0], shown[1], shown[1]])  # the same poll twice, another missing
    assert not _same_polls([shown[0], shown[0], shown[1]], [shown[0], shown[1], shown[2]])
    assert not _same_polls(shown, [shown[0], shown[1], replace(shown[2], id=9)])  # another id
