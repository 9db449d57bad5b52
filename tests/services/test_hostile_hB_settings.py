"""A fresh hostile pass (issue 16) on settings.ini's values: a value QSettings reads as bytes.

The file itself is plain ASCII, so the checks on the whole file (NUL bytes, text that is not UTF-8) pass it; but
QSettings writes binary values as `@ByteArray(...)` with escapes, and reads one under any key. A string setting (the
theme, the race opened, meeting mode's views) so written with bytes that are not UTF-8 raised UnicodeDecodeError
wherever it was read: a traceback at every start (in the contest's preferences, the race's meeting views never
applied), and as bytes that are UTF-8 a race's own views read "b'answer'". Each is read as its text when it is
UTF-8, else as the setting's default.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.paths import AppPaths
from warroom.services.settings import open_settings

NOT_UTF8 = "@ByteArray(\\xff\\xfe)"


def _settings_with(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    paths.settings_file.write_text(text, encoding="ascii")
    return open_settings(paths)


@pytest.mark.parametrize(
    ("group", "key", "attr", "default"),
    [
        ("view", "theme", "theme", "system"),
        ("data", "contest", "contest", ""),
        ("view", "presentation_views", "presentation_views", "answer,charts,scenario"),
    ],
)
def test_a_string_setting_written_as_bytes_that_are_not_utf8_reads_as_its_default(
    qapp, tmp_path: Path, group: str, key: str, attr: str, default: str
) -> None:
    settings = _settings_with(tmp_path, f"[{group}]\n{key}={NOT_UTF8}\n")
    assert getattr(settings, attr) == default


def test_a_string_setting_written_as_utf8_bytes_reads_as_its_text(qapp, tmp_path: Path) -> None:
    settings = _settings_with(tmp_path, "[view]\ntheme=@ByteArray(dark)\n[data]\ncontest=@ByteArray(Zo\\xc3\\xab)\n")
    assert settings.theme == "dark"
    assert settings.contest == "Zo\u00eb"


def test_a_races_own_views_written_as_bytes_read_as_their_text_or_not_at_all(qapp, tmp_path: Path) -> None:
    settings = _settings_with(
        tmp_path,
        "[contest]\n1\\presentation_views=@ByteArray(answer)\n2\\presentation_views=" + NOT_UTF8 + "\n",
    )
    assert settings.presentation_views_for(1) == ["answer"]
    assert settings.presentation_views_for(2) == ["answer", "charts", "scenario"]  # (the global list)
