"""warroom.qtcheck: names the system libraries Qt's xcb plugin lacks, without importing Qt."""

from __future__ import annotations

import ctypes.util
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from warroom.qtcheck import XCB_LIBRARIES, missing_message, missing_qt_libraries, uses_xcb


def _finder(absent: set[str]):
    return lambda name: None if name in absent else f"lib{name}.so.1"


def test_nothing_missing_when_every_library_is_found() -> None:
    assert missing_qt_libraries(find=_finder(set()), platform="linux") == []
    assert missing_message([]) == ""


def test_the_missing_ones_are_named_by_package_once_each() -> None:
    absent = {"xcb-cursor", "xcb-icccm", "glib-2.0", "gthread-2.0"}
    missing = missing_qt_libraries(find=_finder(absent), platform="linux")
    assert missing == ["libxcb-cursor0", "libxcb-icccm4", "libglib2.0-0"]
    text = missing_message(missing)
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libglib2.0-0" in text


def test_other_systems_need_no_xcb() -> None:
    everything_absent = _finder(set(XCB_LIBRARIES))
    assert missing_qt_libraries(find=everything_absent, platform="win32") == []
    assert missing_qt_libraries(find=everything_absent, platform="darwin") == []
    assert len(missing_qt_libraries(find=everything_absent, platform="linux")) == len(set(XCB_LIBRARIES.values()))


def test_when_qt_will_use_xcb() -> None:
    assert uses_xcb({"DISPLAY": ":0"}, "linux")
    assert not uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not uses_xcb({}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb;wayland"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux")
    assert not uses_xcb({"DISPLAY": ":0"}, "win32")


def test_the_real_lookup_answers_from_the_table() -> None:
    missing = missing_qt_libraries()
    assert set(missing) <= set(XCB_LIBRARIES.values())
    if sys.platform.startswith("linux"):
        expected = {p for name, p in XCB_LIBRARIES.items() if ctypes.util.find_library(name) is None}
        assert set(missing) == expected


def test_importing_it_loads_no_qt() -> None:
    code = (
        "import sys, warroom.qtcheck; sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


# --- the table covers what the installed Qt really links against ----------------------------------------------


def _needed(path: Path) -> list[str]:
    """DT_NEEDED entries of a 64-bit little-endian ELF file (the wheels' Linux builds)."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, f"{path} is not a 64-bit little-endian ELF"
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names: list[str] = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strtab_offset = sections[link][4]
        for pos in range(offset, offset + size, entsize or 16):
            tag, value = struct.unpack_from("<qQ", data, pos)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strtab_offset + value)
                names.append(data[strtab_offset + value : end].decode())
    return names


RUNTIME = ("libc.so", "libm.so", "libstdc++.so", "libgcc_s.so", "ld-linux", "libpthread.so", "libdl.so", "librt.so")


def test_table_covers_the_xcb_plugin_and_qtgui_of_the_installed_wheel() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the xcb plugin exists only in the Linux wheels")
    import PySide6  # only to find its files; nothing of Qt is loaded by reading them

    qt = Path(PySide6.__file__).parent / "Qt"
    files = [qt / "plugins/platforms/libqxcb.so", qt / "lib/libQt6XcbQpa.so.6", qt / "lib/libQt6Gui.so.6"]
    bundled = {p.name for p in (qt / "lib").iterdir()}
    needed = {n for f in files for n in _needed(f)}
    assert "libxcb-cursor.so.0" in needed  # the reader works: the one every fresh desktop lacks
    system = sorted(n for n in needed if n not in bundled and not n.startswith(RUNTIME))
    short = {n.removeprefix("lib").split(".so")[0] for n in system}
    assert short <= set(XCB_LIBRARIES), sorted(short - set(XCB_LIBRARIES))


def test_run_as_a_module_it_reports_and_exits_accordingly() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "warroom.qtcheck"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[1],
    )
    missing = missing_qt_libraries()
    assert result.returncode == (1 if missing else 0)
    assert all(p in result.stdout for p in missing)
    assert ("apt-get install" in result.stdout) == bool(missing)
