"""The window's picture and briefing exports under hostile targets (issue 16, fourth pass): a planted link at the
old fixed temporary name, a read-only file, a folder, a FIFO; and hostile candidate names in the briefing."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from warroom.ui.export import Briefing, ExportError, export_chart, export_view, write_briefing_pdf


def _briefing(title: str = "Toyton Mayor") -> Briefing:
    return Briefing(title, "2 May 2024", ["Ann 45.0%", "Bob 40.0%"], ["Ann leads by 5.0"])


def _writers(room: object) -> dict[str, Callable[[Path], object]]:
    charts = room.window.charts  # type: ignore[attr-defined]
    return {
        "chart.png": lambda p: export_chart(charts.plots["first"], p, 400),
        "chart.svg": lambda p: export_chart(charts.plots["first"], p),
        "chart.pdf": lambda p: export_chart(charts.plots["first"], p),
        "window.png": lambda p: export_view(room.window, p, 400),  # type: ignore[attr-defined]
        "briefing.pdf": lambda p: write_briefing_pdf(_briefing(), p),
    }


def test_picture_and_briefing_exports_never_write_through_a_planted_link(room, tmp_path: Path, open_umask) -> None:
    """The CSV export was fixed, but charts, views and the briefing still wrote to `NAME.part` and renamed it:
    another user's symlink there made an export overwrite any file the user can write; and the result was
    world-readable."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    for name, write in _writers(room).items():
        (shared / f"{name}.part").symlink_to(victim)
        write(shared / name)
        assert victim.read_text() == "precious\n", name
        target = shared / name
        assert not target.is_symlink() and target.stat().st_size > 100, name
        assert stat.S_IMODE(target.stat().st_mode) == 0o600, name
    leftovers = sorted(p.name for p in shared.iterdir() if not p.name.endswith(".part"))
    assert leftovers == sorted(_writers(room)), "no temporary file or folder is left behind"


def test_an_export_over_a_read_only_file_or_a_folder_is_refused_and_a_fifo_never_hangs(room, tmp_path: Path) -> None:
    for name, write in _writers(room).items():
        kept = tmp_path / f"kept-{name}"
        kept.write_bytes(b"the user's own copy")
        kept.chmod(0o444)  # made read-only on purpose: renaming over it would quietly undo that
        with pytest.raises((OSError, ExportError)) as info:
            write(kept)
        assert "read-only" in str(info.value) and str(kept) in str(info.value), name
        assert kept.read_bytes() == b"the user's own copy"
        folder = tmp_path / f"folder-{name}"
        folder.mkdir()
        with pytest.raises((OSError, ExportError)) as info:
            write(folder)
        assert "folder" in str(info.value), name
        fifo = tmp_path / f"fifo-{name}"
        os.mkfifo(fifo)
        write(fifo)  # replaced by the file, never opened (that would wait for a reader for ever)
        assert fifo.is_file() and fifo.stat().st_size > 100
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _words(pdf: Path) -> tuple[float, list[tuple[str, float, float, float]]]:
    """The page width and each word's text, left edge, right edge and top, as pdftotext -bbox reads them."""
    import re
    import shutil
    import subprocess

    tool = shutil.which("pdftotext")
    assert tool is not None, "poppler-utils (pdftotext) is needed to read the briefing back"
    html = subprocess.run([tool, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', html)
    return width, [(w, float(x0), float(x1), float(y0)) for x0, y0, x1, w in found]


def test_a_briefing_with_hostile_names_stays_on_the_page_and_reads_left_to_right(qapp, tmp_path: Path) -> None:
    """A name or source with no space in it ran off the right edge of the page (cut, unreadable); a line
    starting with an Arabic or Hebrew name was laid out right to left, so "صادق خان leads Ann by 5.0" printed
    as "leads Ann by 5.0 صادق خان", the leader's name after the sentence; and a share after such a name was
    drawn into the name's run ("45.0 صادق خان%")."""
    from warroom.ui.export import BriefingScenario

    rtl, long = "صادق خان", "W" * 300
    briefing = Briefing(
        "Alexandria" * 30,
        "2 May 2024",
        [f"{rtl} 45.0%", f"{long} 40.0%", "Ann 🗳️👩🏽‍💼 Smith 15.0%"],
        [f"{rtl} leads Ann by 5.0"],
        [BriefingScenario("🗳️" * 40, "Lean", 3.2, "needs 55%", 0.62, ["x" * 400])],
        ["Acme: https://example.org/" + "a" * 500],
    )
    pdf = tmp_path / "briefing.pdf"
    assert write_briefing_pdf(briefing, pdf) == 1
    width, words = _words(pdf)
    assert words
    off_page = [w for w, _x0, x1, _y in words if x1 > width - 14]  # 15-point margins: nothing in them or beyond
    assert not off_page, f"{len(off_page)} words run off the page: {off_page[:3]}"
    (leads_x, leads_y), *_ = [(x0, y) for w, x0, _x1, y in words if w == "leads"]
    arabic = [x1 for w, _x0, x1, y in words if abs(y - leads_y) < 1 and any(0x0600 <= ord(c) <= 0xFEFF for c in w)]
    assert arabic and max(arabic) <= leads_x, "the leader's name comes before 'leads', as written"
    (share_x, share_y), *_ = [(x0, y) for w, x0, _x1, y in words if w.startswith("45.0")]
    named = [x1 for w, _x0, x1, y in words if abs(y - share_y) < 1 and any(0x0600 <= ord(c) <= 0xFEFF for c in w)]
    assert named and max(named) <= share_x, "the share stays after the name (not drawn into its run: '45.0 name%')"


def test_a_pdf_or_svg_cut_short_by_a_full_disk_is_refused_and_the_old_file_kept(
    room, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qt's PDF and SVG writers say nothing when the disk fills: on a nearly full disk (a 200 KB tmpfs) the chart
    PDF came out cut short and replaced the user's previous file, reported as saved. The disk filling is
    simulated here by cutting what Qt wrote, at the moment a full disk would have."""
    import warroom.paths as paths_module

    real = paths_module.atomic_target

    def full_disk(path: Path, **kw: bytes):  # type: ignore[no-untyped-def]
        import contextlib

        @contextlib.contextmanager
        def cut() -> Iterator[Path]:
            with real(path, **kw) as tmp:
                yield tmp
                data = tmp.read_bytes()
                tmp.write_bytes(data[: len(data) * 2 // 3])  # what fitted before the disk was full

        return cut()

    monkeypatch.setattr("warroom.ui.export.atomic_target", full_disk)
    charts = room.window.charts
    writers = {
        "chart.pdf": lambda p: export_chart(charts.plots["first"], p),
        "briefing.pdf": lambda p: write_briefing_pdf(_briefing(), p),
        "window.svg": lambda p: export_view(room.window, p),
    }
    out = tmp_path / "exports"
    out.mkdir()
    for name, write in writers.items():
        target = out / name
        target.write_bytes(b"the previous export")
        with pytest.raises((OSError, ExportError)) as info:
            write(target)
        assert "disk" in str(info.value) and str(target) in str(info.value), name
        assert target.read_bytes() == b"the previous export", name
    assert sorted(p.name for p in out.iterdir()) == sorted(writers)  # no temporary left
