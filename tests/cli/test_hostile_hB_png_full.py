"""A fresh hostile pass (issue 16): a PNG the disk could not take says why, as the PDF and SVG do.

On a full disk (a 64 KB tmpfs) `warroom render first --out full/a.png` said "full/a.png: cannot write; nothing
written", where the PDF said "the file came out incomplete (is the disk full?)": Qt's PNG writer reports only
"Unknown error". The message now says what is likely.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.cli._run import run


def test_a_png_the_writer_could_not_write_says_the_disk_may_be_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QImage, "save", lambda *_args, **_kw: False)  # what Qt answers on a full disk
    target = tmp_path / "a.png"
    code, _out, err = run("--data-dir", str(tmp_path / "state"), "render", "first", "--out", str(target))
    assert code != 0
    assert str(target) in err and "is the disk full?" in err and "nothing written" in err, err
    assert not target.exists() and [p.name for p in tmp_path.iterdir()] == ["state"]
