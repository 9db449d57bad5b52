"""The start frame's record: written and read back whole; anything else read as no frame, never an error."""

from __future__ import annotations

import json

from warroom.core.startframe import MAX_ROWS, StartFrame, frame_key

FRAME = StartFrame(
    key="k" * 64,
    title="Toy 2024 — warroom",
    contest="Toy 2024",
    headers=("Pollster", "Fieldwork", "Ann"),
    rows=(("Acme", "01 Jan 2024", "44"), ("Beta", "04 Jan 2024", "43")),
    polls="2 polls",
    store="Store: /tmp/polls.sqlite3",
    headline=("<b>Gap not closed</b>", "Chance Bob wins: <b>18 %</b>"),
)


def test_a_frame_reads_back_as_written() -> None:
    assert StartFrame.from_json(FRAME.to_json()) == FRAME


def test_what_is_not_a_frame_of_this_version_is_no_frame() -> None:
    data = json.loads(FRAME.to_json())
    assert StartFrame.from_json(json.dumps({**data, "format": 0})) is None  # an older (or newer) layout
    assert StartFrame.from_json(json.dumps({**data, "rows": "Acme"})) is None
    assert StartFrame.from_json(json.dumps({**data, "headline": [1, 2]})) is None
    assert StartFrame.from_json(json.dumps({k: v for k, v in data.items() if k != "title"})) is None
    assert StartFrame.from_json("{not json") is None
    assert StartFrame.from_json("[]") is None


def test_a_frame_keeps_one_screenful_of_rows() -> None:
    many = json.loads(FRAME.to_json()) | {"rows": [["Acme", "x", str(i)] for i in range(MAX_ROWS + 40)]}
    frame = StartFrame.from_json(json.dumps(many))
    assert frame is not None and len(frame.rows) == MAX_ROWS


def test_the_key_tells_every_part_and_their_boundaries_apart() -> None:
    assert frame_key(["a", "b"]) == frame_key(["a", "b"])
    assert frame_key(["a", "b"]) != frame_key(["ab", ""])
    assert frame_key(["a", "b"]) != frame_key(["b", "a"])
    assert frame_key(["a"]) != frame_key(["a", ""])
