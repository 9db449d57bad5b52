"""Chart exports at scale never hold the window's thread with work that touches no chart (issue 15).

At 100,000 polls the chart panel's SVG held the window 1.7 s (benchmarks/bench_menu_stalls.py --profile), a single
chart's 1.0 s: thousands of markers formatted as SVG text on the window's thread. The charts are now read on the
window's thread (copies of paths, pens and the points' arrays) and the text is made and written on a worker
(ui.export.FileSave), to the very same file as the synchronous writer (`warroom render`, and the tests' own), all
or nothing, a failure named.
"""

from __future__ import annotations

import errno
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

import warroom.ui.export as export
import warroom.ui.sketch as sketch
from tests.ui.conftest import built_ahead
from warroom.ui.export import plot_to_svg, plots_to_svg


def _in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every export painted by a process of its own whatever its size (sketch.paint_here: a demo race's PNG is
    painted in the window's process): what the tests of the child's path need at the demo's size."""
    monkeypatch.setattr(sketch, "PAINT_HERE_BELOW", 0)


def _answer(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "SVG (*.svg)"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, *a, **k: (items[0], True))  # as on screen


def _spied_svg(monkeypatch: pytest.MonkeyPatch, threads: list[str]) -> None:
    """The threads the SVG's text is made on and written from."""
    made, written = export._SvgWriter.document, export.write_private_atomic

    def document(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return made(self, *args, **kwargs)

    def write(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return written(*args, **kwargs)

    monkeypatch.setattr(export._SvgWriter, "document", document)
    monkeypatch.setattr(export, "write_private_atomic", write)


@pytest.mark.parametrize("what", ["charts", "first"])
def test_a_chart_svg_is_made_and_written_off_the_gui_thread_and_is_the_same_file(
    room, qtbot, tmp_path, monkeypatch, what
) -> None:
    out = tmp_path / "out" / f"{what}.svg"
    out.parent.mkdir()
    _answer(monkeypatch, out)
    threads: list[str] = []
    _spied_svg(monkeypatch, threads)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    charts = room.window.charts
    if what == "charts":
        room.window.export_view_dialog(charts, "svg")
    else:
        room.window.export_chart_dialog("first")
    qtbot.waitUntil(lambda: f"Saved {out}" in room.window.statusBar().currentMessage(), timeout=20000)
    assert errors == []
    assert len(threads) == 2 and threading.main_thread().name not in threads, threads  # (before: MainThread x2)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # all or nothing: no temporary left
    # the very file the synchronous writer makes of the charts as they are (the command line's `render`)
    again = tmp_path / f"again-{what}.svg"
    if what == "charts":
        views = charts.plots["first"].scene().views()
        plots_to_svg(
            list(charts.plots.values()), views[0].sceneRect(), again, charts.accessibleName() or "warroom charts"
        )
    else:
        with charts.exportable("first") as plot:
            plot_to_svg(plot, again)
    assert out.read_bytes() == again.read_bytes()
    assert out.read_text(encoding="utf-8").count("<path") > 50  # (markers, lines, axes: a chart, not a blank page)


def test_a_chart_svg_the_disk_refuses_is_named_and_the_old_file_kept(room, qtbot, tmp_path, monkeypatch) -> None:
    out = tmp_path / "charts.svg"
    out.write_text("the old picture", encoding="utf-8")
    _answer(monkeypatch, out)

    def full(*_a, **_k) -> None:  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "write_private_atomic", full)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.export_view_dialog(room.window.charts, "svg")
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert str(out) in errors[0] and "No space left" in errors[0] and "nothing written" in errors[0], errors
    assert out.read_text(encoding="utf-8") == "the old picture"
    assert not room.window.file_writes


def test_closing_the_window_mid_svg_waits_for_its_write(room, qtbot, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "charts.svg"
    _answer(monkeypatch, out)
    started = threading.Event()
    real = export.write_private_atomic

    def slow(path: Path, data: object) -> None:  # the write under way when the window closes
        started.set()
        threading.Event().wait(1.0)
        real(path, data)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "write_private_atomic", slow)
    room.window.export_view_dialog(room.window.charts, "svg")
    assert started.wait(10)
    room.window.close()
    assert sorted(p.name for p in folder.iterdir()) == [out.name]
    assert out.read_text(encoding="utf-8").rstrip().endswith("</svg>")


def _spied_pages(monkeypatch: pytest.MonkeyPatch, calls: list[str]) -> None:
    """Every QPainter call on a PDF page in this process, by any thread (a PDF writer made, text drawn, a picture
    put on it, a page begun, the painter ended): the window's process is to make none (ui.sketch)."""
    from PySide6.QtGui import QPainter, QPdfWriter

    made = QPdfWriter.__init__

    def writer(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(f"QPdfWriter:{threading.current_thread().name}")
        made(self, *args, **kwargs)

    monkeypatch.setattr(QPdfWriter, "__init__", writer)
    for name in ("end", "drawText", "drawImage", "drawPath", "drawPicture", "fillRect"):
        real = getattr(QPainter, name)

        def spied(painter: QPainter, *args, _name=name, _real=real, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(painter.device(), QPdfWriter):
                calls.append(f"{_name}:{threading.current_thread().name}")
            return _real(painter, *args, **kwargs)

        monkeypatch.setattr(QPainter, name, spied)


def test_a_chart_pdf_is_painted_by_a_process_of_its_own_and_the_page_is_the_same(
    room, qtbot, tmp_path, monkeypatch
) -> None:
    """A chart PDF is painted and written by a process of its own (ui.sketch): the window's thread records the
    chart (QPictures, the markers as arrays) and no thread of the window's process makes a QPainter call on a
    PDF (PySide6 holds Python's lock through each: the PDF's end on a worker held the window's thread up to 160
    ms at 100,000 polls). The page is the one-pass writer's, up to the few pixels where the lines' joins are
    rasterised otherwise (_same_page)."""
    _in_a_child(monkeypatch)
    out = tmp_path / "out" / "first.pdf"
    out.parent.mkdir()
    _answer(monkeypatch, out)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PDF (*.pdf)"))
    calls: list[str] = []
    _spied_pages(monkeypatch, calls)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.export_chart_dialog("first")
    qtbot.waitUntil(lambda: f"Saved {out}" in room.window.statusBar().currentMessage(), timeout=20000)
    assert errors == []
    assert calls == [], calls  # (before: the writer made and the chart drawn on MainThread, its end on a worker)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    again = tmp_path / "again.pdf"
    with room.window.charts.exportable("first") as plot:
        export.plot_to_pdf(plot, again)
    _same_page(out, again)


def test_the_briefing_is_painted_by_a_process_of_its_own(room, qtbot, tmp_path, monkeypatch) -> None:
    """The briefing's pages are painted and written by a process of its own: the window's thread records the
    chart (a widget), the list of sources is made on a worker, and no thread of the window's process makes a
    QPainter call on the PDF (at 100,000 polls the briefing held the window 200 ms in the lead's quiet run, most
    of it QPainter calls holding Python's lock). The pages are the one-pass writer's, but for the markers, drawn
    as paths at the page's resolution rather than from the screen's atlas (_same_page's allowance)."""
    _in_a_child(monkeypatch)
    out = tmp_path / "out" / "briefing.pdf"
    out.parent.mkdir()
    calls: list[str] = []
    _spied_pages(monkeypatch, calls)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    room.window.action_briefing.trigger()
    qtbot.waitUntil(lambda: out.exists() and not room.window.file_writes, timeout=20000)
    assert errors == []
    assert calls == [], calls  # (before: the text above the chart and the chart on MainThread, the rest on a worker)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    again = tmp_path / "again.pdf"
    export.write_briefing_pdf(room.scenario_actions.briefing(), again)
    _same_page(out, again, markers=True)


def _same_page(pdf: Path, again: Path, *, markers: bool = False) -> None:
    """The first pages of two PDFs as poppler draws them (_page) the same: at most 0.5 % of the pixels differ by
    more than 8 of 255 (an average line's joins, drawn as separate segments on one and one path on the other),
    2 % with `markers` (a briefing's markers drawn as paths, not from the screen's atlas); and the words are
    the same."""
    import shutil
    import subprocess

    import numpy as np

    a, b = _page(pdf), _page(again)
    assert len(a) == len(b) and a[:20] == b[:20]
    header = len(a) - len(b"".join(a.split(b"\n", 3)[3:]))
    pa = np.frombuffer(a[header:], dtype=np.uint8).astype(int)
    pb = np.frombuffer(b[header:], dtype=np.uint8).astype(int)
    differ = np.abs(pa - pb)
    assert (differ > 8).mean() < (0.02 if markers else 0.005), ((differ > 8).mean(), differ.max())
    tool = shutil.which("pdftotext")
    assert tool is not None
    words = [
        subprocess.run([tool, str(f), "-"], capture_output=True, text=True, check=True).stdout for f in (pdf, again)
    ]
    assert words[0] == words[1]


def _page(pdf: Path) -> bytes:
    """The first page as poppler draws it (grey, 60 dpi: the figures, words and chart, not the file's dates), drawn
    into a folder of its own beside the PDF's."""
    import shutil
    import subprocess

    tool = shutil.which("pdftoppm")
    assert tool is not None, "poppler (pdftoppm) is needed to read the PDF back"
    folder = pdf.parent.parent / f"{pdf.parent.name}-{pdf.stem}-drawn"
    folder.mkdir(exist_ok=True)
    root = folder / "page"
    subprocess.run([tool, "-r", "60", "-gray", "-singlefile", "-f", "1", "-l", "1", str(pdf), str(root)], check=True)
    drawn = root.with_suffix(".pgm").read_bytes()
    assert len(drawn) > 10_000, len(drawn)  # (a page drawn, not an empty answer)
    return drawn


def _pixels(path: Path):  # type: ignore[no-untyped-def]
    import numpy as np
    from PySide6.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).astype(int)


def _close_pixels(a, b) -> None:  # type: ignore[no-untyped-def]
    """Two pictures of a chart the same but for a few pixels: at most 0.5 % of them differ by more than 8 of 255
    (an average line's joins: drawn as separate segments on a picture, as one outline when replayed from a
    recording)."""
    assert a.shape == b.shape
    differ = abs(a - b).max(axis=2)
    assert (differ > 8).mean() < 0.005, (differ.max(), (differ > 8).mean())
    assert (a != a[0, 0]).any(axis=2).mean() > 0.02  # (a chart drawn, not a blank picture)


@pytest.mark.parametrize("key", ["first", "lead1"])
def test_a_chart_png_is_painted_by_a_process_of_its_own_and_looks_the_same(
    room, qtbot, tmp_path, monkeypatch, key
) -> None:
    """A chart PNG is painted and written by a process of its own (ui.sketch): no thread of the window's process
    draws a marker (each one an antialiased path at the picture's resolution: most of the 290 ms a first-chart
    PNG held the window at 100,000 polls; on a worker thread they still held it, PySide6 keeping Python's lock
    through each QPainter call) or writes the PNG. The picture is the one-pass drawing's (_close_pixels)."""
    _in_a_child(monkeypatch)
    built_ahead(room)
    from pyqtgraph.graphicsItems import ScatterPlotItem
    from PySide6.QtGui import QImage

    out = tmp_path / "out" / f"{key}.png"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PNG (*.png)"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, *a, **k: (items[0], True))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (1200, True))
    threads: list[str] = []
    drawn, saved = ScatterPlotItem.drawSymbol, QImage.save

    def draw_symbol(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(f"marker:{threading.current_thread().name}")
        return drawn(*args, **kwargs)

    def save(image, *args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(f"save:{threading.current_thread().name}")
        return saved(image, *args, **kwargs)

    monkeypatch.setattr(ScatterPlotItem, "drawSymbol", draw_symbol)
    monkeypatch.setattr(QImage, "save", save)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.export_chart_dialog(key)
    qtbot.waitUntil(lambda: f"Saved {out}" in room.window.statusBar().currentMessage(), timeout=20000)
    assert errors == []
    assert threads == [], set(threads)  # (before: the markers drawn and the PNG written on a worker thread)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    again = tmp_path / "again.png"
    with room.window.charts.exportable(key) as plot:
        export.plot_to_png(plot, again, 1200)  # (in one pass, here: the command line's drawing)
    _close_pixels(_pixels(out), _pixels(again))


def test_the_chart_panels_png_is_painted_by_a_process_of_its_own_and_looks_the_same(
    room, qtbot, tmp_path, monkeypatch
) -> None:
    """The chart panel's PNG (File > Export charts > PNG) is recorded on the window's thread and painted and
    written by a process of its own: no thread of the window's process draws a marker, rasterises the panel or
    writes the PNG (the panel drawn on the window's thread and written on a worker held the window 123 ms at
    100,000 polls in the lead's quiet run). The picture is the one-pass drawing's, but for the markers, drawn as
    paths rather than from the screen's atlas."""
    _in_a_child(monkeypatch)
    built_ahead(room)
    from pyqtgraph.graphicsItems import ScatterPlotItem
    from PySide6.QtGui import QImage

    out = tmp_path / "out" / "charts.png"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PNG (*.png)"))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (1400, True))
    calls: list[str] = []
    drawn, saved, fragments = ScatterPlotItem.drawSymbol, QImage.save, export.QPainter.drawPixmapFragments

    def draw_symbol(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(f"marker:{threading.current_thread().name}")
        return drawn(*args, **kwargs)

    def save(image, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(f"save:{threading.current_thread().name}")
        return saved(image, *args, **kwargs)

    def atlas(painter, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(painter.device(), QImage):  # (markers put on a picture; a recording's are not rasterised)
            calls.append(f"atlas:{threading.current_thread().name}")
        return fragments(painter, *args, **kwargs)

    monkeypatch.setattr(ScatterPlotItem, "drawSymbol", draw_symbol)
    monkeypatch.setattr(QImage, "save", save)
    monkeypatch.setattr(export.QPainter, "drawPixmapFragments", atlas)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    charts = room.window.charts
    room.window.export_view_dialog(charts, "png")
    qtbot.waitUntil(lambda: f"Saved {out}" in room.window.statusBar().currentMessage(), timeout=20000)
    assert errors == []
    assert calls == [], set(calls)  # (before: the markers from the atlas on MainThread, the PNG saved on a worker)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    monkeypatch.undo()
    again = tmp_path / "again.png"
    export.widget_to_png(charts, again, 1400)  # (in one pass, here)
    a, b = _pixels(out), _pixels(again)
    assert a.shape == b.shape
    differ = abs(a - b).max(axis=2)
    assert (differ > 8).mean() < 0.02, (differ.max(), (differ > 8).mean())
    assert (a != a[0, 0]).any(axis=2).mean() > 0.02


@pytest.mark.parametrize("ending", ["pdf", "png", "svg"])
def test_a_slide_laid_out_afresh_and_let_go_is_written_whole_by_the_worker(
    room, qtbot, tmp_path, monkeypatch, ending
) -> None:
    """A slide's chart is laid out afresh and let go (disposed) as soon as the window's part is done; what the
    worker does (a PDF's end, a PNG's markers, an SVG's text) reads only what was drawn or copied, and the file is
    the one written in place from the same slide."""
    out = tmp_path / "out" / f"slide.{ending}"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, *a, **k: (items[2], True))  # 1280 x 720
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.export_chart_dialog("first")
    qtbot.waitUntil(lambda: f"Saved {out}" in room.window.statusBar().currentMessage(), timeout=20000)
    assert errors == [] and sorted(p.name for p in out.parent.iterdir()) == [out.name]
    again = tmp_path / f"again.{ending}"
    export.chart_to_slide(room.window.charts, "first", again, 1280, 720)
    if ending == "pdf":
        _same_page(out, again)
    elif ending == "svg":
        assert out.read_bytes() == again.read_bytes()
    else:
        _close_pixels(_pixels(out), _pixels(again))


def test_the_briefings_list_of_sources_is_made_off_the_gui_thread(qtbot, tmp_path, monkeypatch) -> None:
    """The briefing's list of sources (one line per distinct address of every poll: 30-50 ms of the window's thread
    at 100,000 polls) is made on the worker with the rest of the page; the window's thread finds only the first
    page's worth, to name the characters no font has (ui.glyphs). The page lists what it listed before."""
    from dataclasses import replace

    from tests.conftest import TOY
    from tests.ui.conftest import room_of, toy_polls

    polls = [replace(p, source_url=f"https://polls{i % 7}.example/{i % 5}") for i, p in enumerate(toy_polls())]
    for room in room_of(qtbot, tmp_path, TOY, polls):
        _briefing_sources(room, qtbot, tmp_path, monkeypatch)


def _briefing_sources(room, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "briefing.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    made, calls = export.sources_of, []

    def sources_of(*args, **kwargs):  # type: ignore[no-untyped-def]
        listed = made(*args, **kwargs)
        calls.append((threading.current_thread().name, kwargs.get("limit"), len(listed)))
        return listed

    monkeypatch.setattr(export, "sources_of", sources_of)
    room.window.action_briefing.trigger()
    qtbot.waitUntil(lambda: out.exists() and not room.window.file_writes, timeout=20000)
    main = threading.main_thread().name
    whole = [(thread, n) for thread, limit, n in calls if limit is None]
    assert whole and all(thread != main for thread, _n in whole), calls  # (before: made on MainThread)
    expected = made([(p.pollster, p.source_url) for p in room.poll_service.polls])
    assert whole[-1][1] == len(expected) > 0
    import shutil
    import subprocess

    tool = shutil.which("pdftotext")
    assert tool is not None
    text = subprocess.run([tool, str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Sources of the polls used" in text and all(line.split(": ")[0] in text for line in expected)


def test_symbols_no_font_has_are_named_in_text_laid_out_on_the_worker(qapp, tmp_path) -> None:
    """The briefing's scenarios and sources are laid out on the worker, so the look-up of symbols no installed font
    has (ui.glyphs) runs there, with raw fonts of its own thread (Qt: a QRawFont belongs to the thread that made
    it): a symbol is named in brackets there as on the window's thread."""
    import shutil
    import subprocess

    from warroom.ui import glyphs

    glyphs._GLYPHS.clear()  # (looked up afresh, on the worker)
    briefing = export.Briefing(
        "Race",
        "2 May 2024",
        ["Ann 44.0 %"],
        [],
        scenarios=[export.BriefingScenario("Plan 🦄", "", 0.0, "", 0.5, ["Note 🐝"], headline="Plan 🦄: Ann wins")],
        sources=["Acme 🐘: https://acme.example/poll"],
    )
    threads: list[threading.Thread] = []

    def later(job, _path):  # type: ignore[no-untyped-def]
        threads.append(threading.Thread(target=job))
        threads[-1].start()

    out = tmp_path / "briefing.pdf"
    export.start_briefing_pdf(briefing, out, later=later)
    threads[0].join(20)
    tool = shutil.which("pdftotext")
    assert tool is not None
    text = subprocess.run([tool, str(out), "-"], capture_output=True, text=True, check=True).stdout
    for ch, name, line in (("🦄", "unicorn face", "Plan"), ("🐝", "honeybee", "Note"), ("🐘", "elephant", "Acme")):
        assert line in text
        if not glyphs.has_glyph(ch, export.QFont("DejaVu Sans")):
            assert f"[{name}" in text and ch not in text, text


def test_the_briefings_sources_are_listed_handing_pythons_lock_over(room, qtbot, tmp_path, monkeypatch) -> None:
    """The worker's loop over every poll (the briefing's list of sources) hands Python's lock over every
    YIELD_EVERY polls: kept for the interpreter's 5 ms switch interval each time the window's thread asked for it,
    the window's turn recording the chart took twice its time while the sources were listed (at 100,000 polls)."""
    from types import SimpleNamespace

    out = tmp_path / "briefing.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(export, "YIELD_EVERY", 5)
    handed: list[str] = []
    monkeypatch.setattr(
        export, "time", SimpleNamespace(sleep=lambda _s: handed.append(threading.current_thread().name))
    )
    room.window.action_briefing.trigger()
    qtbot.waitUntil(lambda: out.exists() and not room.window.file_writes, timeout=20000)
    polls = len(room.poll_service.polls)
    assert polls > 10 and len(handed) >= polls // 5, (polls, handed)  # (before: never handed over)
    assert threading.main_thread().name not in handed


def test_a_two_round_races_charts_are_recorded_without_the_atlas_and_look_the_same(
    qtbot, tmp_path, monkeypatch
) -> None:
    """A two-round race's charts paint their items through data pictures (ui.charts.DataPicture), so the panel is
    recorded in one picture (export._widget_picture): its poll points are put in it as one picture per series at
    the recording's resolution, never from the screen's atlas (recorded, each marker kept the whole atlas: seconds
    a chart at 100,000 polls). The PNG is the one-pass drawing's (markers as paths: _close_pixels' allowance x4)."""
    from PySide6.QtGui import QPaintEngine, QPainter

    from tests.ui.test_hostile_ninth_left import _emoji_two_round_room

    fragments = QPainter.drawPixmapFragments
    recorded: list[str] = []

    def atlas(painter, *args, **kwargs):  # type: ignore[no-untyped-def]
        engine = painter.paintEngine()  # (a widget's render onto a picture: the device is the widget)
        markers = args[1] if len(args) > 2 else len(args[0])  # (fragments and their count, or a list of them)
        if engine is not None and engine.type() == QPaintEngine.Type.Picture and markers:
            recorded.append(threading.current_thread().name)
        return fragments(painter, *args, **kwargs)

    layers = export._widget_layers
    fell_back: list[bool] = []

    def watched(widget, to):  # type: ignore[no-untyped-def]
        out = layers(widget, to)
        fell_back.append(len(out) == 1)
        return out

    monkeypatch.setattr(QPainter, "drawPixmapFragments", atlas)
    monkeypatch.setattr(export, "_widget_layers", watched)
    out = tmp_path / "out" / "charts.png"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PNG (*.png)"))
    for room in _emoji_two_round_room(qtbot, tmp_path):
        monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (1200, True))
        errors: list[str] = []
        room.window.show_error = errors.append  # type: ignore[method-assign]
        room.window.export_view_dialog(room.window.charts, "png")
        bar = room.window.statusBar()
        qtbot.waitUntil(lambda: f"Saved {out}" in bar.currentMessage(), timeout=20000)  # noqa: B023
        assert errors == [] and fell_back == [True], (errors, fell_back)
        assert recorded == [], recorded  # (before: the poll points' atlas, recorded marker by marker)
        again = tmp_path / "again.png"
        export.widget_to_png(room.window.charts, again, 1200)
        a, b = _pixels(out), _pixels(again)
        assert a.shape == b.shape
        differ = abs(a - b).max(axis=2)
        assert (differ > 8).mean() < 0.02, (differ.max(), (differ > 8).mean())


@pytest.mark.parametrize("what", ["chart png", "charts png"])
def test_a_small_races_png_is_painted_in_the_windows_process_and_is_the_same(
    room, qtbot, tmp_path, monkeypatch, what
) -> None:
    """A small race's PNG (a chart's, the chart panel's) starts no process (sketch.paint_here: under
    PAINT_HERE_BELOW markers): the job recorded on the window's thread is painted on the export's worker thread,
    the file on disk about 0.2 s after the click, where a child Python first had to start and import Qt (1.6-4.0
    s for the demo's chart PNG, benchmarks/bench_paint_here.py). The file is the one-pass drawing's, as the
    child's is (_close_pixels)."""
    import multiprocessing

    started: list[str] = []
    real_run, real_context = sketch.Child.run, multiprocessing.get_context

    def run(child, job, target):  # type: ignore[no-untyped-def]
        started.append("Child.run")
        return real_run(child, job, target)

    def context(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.append("multiprocessing")
        return real_context(*args, **kwargs)

    monkeypatch.setattr(sketch.Child, "run", run)
    monkeypatch.setattr(multiprocessing, "get_context", context)
    painted: list[str] = []
    real_paint = sketch.PngJob.paint

    def paint(job, target):  # type: ignore[no-untyped-def]
        painted.append(threading.current_thread().name)
        return real_paint(job, target)

    monkeypatch.setattr(sketch.PngJob, "paint", paint)
    out = tmp_path / "out" / ("first.png" if what == "chart png" else "charts.png")
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PNG (*.png)"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, *a, **k: (items[0], True))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (1200, True))
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    if what == "charts png":
        room.window.export_view_dialog(room.window.charts, "png")
    else:
        room.window.export_chart_dialog("first")
    qtbot.waitUntil(lambda: f"Saved {out}" in room.window.statusBar().currentMessage(), timeout=20000)
    assert errors == []
    assert started == [], started  # (before: a child process for every export)
    assert painted and threading.main_thread().name not in painted, painted  # (here, on the export's worker)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    monkeypatch.undo()
    again = tmp_path / "again.png"
    if what == "chart png":
        with room.window.charts.exportable("first") as plot:
            export.plot_to_png(plot, again, 1200)
        _close_pixels(_pixels(out), _pixels(again))
    else:
        export.widget_to_png(room.window.charts, again, 1200)
        a, b = _pixels(out), _pixels(again)
        assert a.shape == b.shape
        differ = abs(a - b).max(axis=2)
        assert (differ > 8).mean() < 0.02, (differ.max(), (differ > 8).mean())


def test_where_an_export_is_painted_is_decided_by_its_size_and_kind() -> None:
    """sketch.paint_here: a PNG's job in the window's process under PAINT_HERE_BELOW markers, by a child at or over
    it; a PDF's (a chart's, the briefing) by a child whatever its size (painted here it held the window's thread
    for its whole painting)."""
    white = (255, 255, 255, 255)
    small = sketch.PngJob(10, 10, white, [], markers=sketch.PAINT_HERE_BELOW - 1)
    big = sketch.PngJob(10, 10, white, [], markers=sketch.PAINT_HERE_BELOW)
    pdf = sketch.PdfJob(10, 10, 96, "t", white, [], markers=0)
    briefing = export.BriefingJob(export.Briefing("t", "s", [], []))
    assert sketch.paint_here(small) and not sketch.paint_here(big)
    assert not sketch.paint_here(pdf) and not sketch.paint_here(briefing)


def test_the_chart_panels_recording_draws_the_views_background_not_its_cached_picture(
    room, qtbot, tmp_path, monkeypatch
) -> None:
    """The chart panel's PNG for the window is a recording of the panel (a QPicture, painted by another process or
    on a worker). Its graphics view keeps its background as a cached picture of the whole view
    (QGraphicsView.CacheBackground, pyqtgraph's), which the recording kept whole, every pixel of it: 22 ms of the
    recording's 45-50 ms on the window's thread (10,000 polls; the charts PNG of benchmarks/bench_menu_stalls.py).
    Now the background is drawn into the recording afresh (a fill), the view's cache kept for the screen; the
    file is the one-pass drawing's."""
    from pyqtgraph.widgets.GraphicsView import GraphicsView
    from PySide6.QtWidgets import QGraphicsView

    charts = room.window.ready_charts()
    assert charts is not None
    qtbot.waitUntil(lambda: len(charts.point_data("lead1")[2]) > 0, timeout=10000)
    view = charts.findChild(QGraphicsView)
    assert view is not None and view.cacheMode() == QGraphicsView.CacheModeFlag.CacheBackground
    charts.grab()  # (painted: the view's background picture is made)
    recording: list[bool] = []
    modes: list[object] = []  # the view's cache mode as it painted itself into a recording
    real_paint, real_render = GraphicsView.paintEvent, export._render_into

    def paint(event):  # type: ignore[no-untyped-def]
        if recording:
            modes.append(view.cacheMode())
        return real_paint(view, event)

    def render(*args, **kwargs):  # type: ignore[no-untyped-def]
        recording.append(True)
        try:
            return real_render(*args, **kwargs)
        finally:
            recording.pop()

    monkeypatch.setattr(view, "paintEvent", paint)
    monkeypatch.setattr(export, "_render_into", render)
    out = tmp_path / "out" / "charts.png"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PNG (*.png)"))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (1200, True))
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.export_view_dialog(charts, "png")
    # (before: CacheBackground, its cached picture put into the recording whole)
    assert modes and set(modes) == {QGraphicsView.CacheModeFlag.CacheNone}, modes
    assert view.cacheMode() == QGraphicsView.CacheModeFlag.CacheBackground  # (the screen keeps its cache)
    qtbot.waitUntil(lambda: f"Saved {out}" in room.window.statusBar().currentMessage(), timeout=20000)
    assert errors == []
    monkeypatch.undo()
    again = tmp_path / "again.png"
    export.widget_to_png(charts, again, 1200)  # (in one pass, here)
    a, b = _pixels(out), _pixels(again)
    assert a.shape == b.shape
    differ = abs(a - b).max(axis=2)
    assert (differ > 8).mean() < 0.02, (differ.max(), (differ > 8).mean())


def test_the_chart_panels_png_keeps_the_screens_marker_caches(room, qtbot, tmp_path, monkeypatch) -> None:
    """The panel's recording put every item's pixmap cache off (export.uncached) to draw the items through it, its
    poll markers' too, though their paint only hands copies of them over (PollScatter.defer_markers): the screen
    then drew every marker again in the same turn (10 ms at 10,000 polls, over the recording's own work). Now each
    scatter item drawn in pixels is left out of the drawing, its markers copied from the item and its view, and
    its cache kept; the file is the one-pass drawing's."""
    from warroom.ui.charts import PollScatter

    charts = room.window.ready_charts()
    assert charts is not None
    qtbot.waitUntil(lambda: len(charts.point_data("lead1")[2]) > 0, timeout=10000)
    toggled: list[object] = []
    real = PollScatter.setCacheMode

    def set_cache_mode(item, mode):  # type: ignore[no-untyped-def]
        toggled.append(mode)
        return real(item, mode)

    monkeypatch.setattr(PollScatter, "setCacheMode", set_cache_mode)
    out = tmp_path / "out" / "charts.png"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PNG (*.png)"))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (1200, True))
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.export_view_dialog(charts, "png")
    assert toggled == [], toggled  # (before: put off and back, twice per scatter item)
    qtbot.waitUntil(lambda: f"Saved {out}" in room.window.statusBar().currentMessage(), timeout=20000)
    assert errors == []
    monkeypatch.undo()
    again = tmp_path / "again.png"
    export.widget_to_png(charts, again, 1200)  # (in one pass, here)
    a, b = _pixels(out), _pixels(again)
    assert a.shape == b.shape
    differ = abs(a - b).max(axis=2)
    assert (differ > 8).mean() < 0.02, (differ.max(), (differ > 8).mean())
