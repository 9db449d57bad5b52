"""Issue 16, a fresh pass on exports of races with names that look like markup. Each test failed before its fix."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli._run import ok
from tests.conftest import renamed_toy
from tests.ui.conftest import toy_polls
from warroom.store import polls as repo

pytestmark = pytest.mark.gui

HOSTILE = renamed_toy(
    'Toyton <Mayor> & "2024" ]]>',
    candidates=("Ann Red ]]>", "Bob <b>Blue</b> & Co", "Cat Green"),
)
"""A race whose names hold every character XML escapes; Ann's short name (her last word) is "]]>", which may not
stand unescaped in XML content."""


@pytest.mark.parametrize("chart", ["lead1", "lead2", "charts"])
def test_a_chart_svg_of_a_race_named_like_markup_is_xml_with_the_names_as_typed(tmp_path: Path, chart: str) -> None:
    """The lead charts' SVG wrote its title, "Runoff lead: ]]> minus Bob", with the "]]>" as it was: the file was
    no XML (every SVG viewer and parser refused it: "not well-formed")."""
    from warroom.bootstrap import open_store

    store_file = tmp_path / "team.sqlite3"
    store = open_store(store_file, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, HOSTILE)
        repo.add_polls(s, cid, toy_polls())
    store.close()
    out = tmp_path / f"{chart}.svg"
    ok("--data-dir", str(tmp_path / "state"), "--db", str(store_file), "render", chart, "--out", str(out))
    root = ET.parse(out).getroot()  # (raised "not well-formed (invalid token)")
    texts = " ".join(t for e in root.iter() for t in [e.text or ""] if t.strip())
    if chart != "charts":
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text is not None and "]]>" in title.text, title
    assert "]]>" in texts


def test_svg_text_never_holds_a_character_xml_cannot_hold() -> None:
    from warroom.ui.export import _xml_text

    assert _xml_text('A ]]> <b> & "x"') == 'A ]]&gt; &lt;b&gt; &amp; "x"'
    assert _xml_text("a\x01b\ufffec") == "a\ufffdb\ufffdc"
