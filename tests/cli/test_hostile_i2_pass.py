"""A fresh hostile pass (issue 16, helper i2): render targets, contest files and official results from the CLI."""

from __future__ import annotations

from pathlib import Path

from tests.cli._run import run


def test_the_briefing_is_never_written_as_a_pdf_under_a_png_or_svg_name(db: list[str], tmp_path: Path) -> None:
    """`warroom render briefing --out b.svg` (or b.png) wrote the briefing's PDF bytes under that name, exit 0,
    "wrote b.svg": a file every SVG or PNG reader refuses. It is refused naming the file, nothing written."""
    for name in ("b.svg", "b.png", "b.PNG"):
        target = tmp_path / name
        code, _out, err = run(*db, "render", "briefing", "--out", str(target))
        assert code == 1, err
        assert str(target) in err and "PDF" in err, err
        assert not target.exists()
