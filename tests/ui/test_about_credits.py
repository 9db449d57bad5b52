"""Help > About credits every data set the app ships, with its licence, and says where the sources notes are on
this machine. It named the London demo only, and "resources/data/SOURCES.md", a path of the source tree that an
installed app does not have; France 2022's polls are NSPPolls' (MIT licence: credit them where shown)."""

from __future__ import annotations

from pathlib import Path

from warroom.ui.main_window import about_text


def test_about_credits_every_shipped_data_set_and_names_existing_sources_notes(qapp) -> None:
    text = about_text()
    for words in ("London Mayor 2012", "France 2022", "NSPPolls", "MIT licence", "Burlington Mayor 2009"):
        assert words in text, words
    notes = [part for part in text.split("<br>") if part.endswith("SOURCES.md")]
    assert len(notes) == 2 and all(Path(p).is_file() for p in notes), notes
