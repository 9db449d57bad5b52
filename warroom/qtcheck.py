"""Which system libraries Qt's X11 (xcb) platform plugin needs and this machine lacks, found without loading Qt.

On Linux the PySide6 wheels bring Qt itself but not the X11, OpenGL and font libraries of the system. When one
of the xcb plugin's libraries is missing, Qt does not raise an exception: it prints "Could not load the Qt
platform plugin "xcb"" and aborts the process, and the user is left to guess. `missing_qt_libraries()` asks
the system's library cache (through `ctypes.util.find_library`, with no Qt import) for each of them first, so
the app can name the Debian/Ubuntu packages to install before Qt aborts.

The table lists the libraries that PySide6 6.9-6.11's `libqxcb.so`, `libQt6XcbQpa.so.6` and `libQt6Gui.so.6`
link against (their ELF `NEEDED` entries) minus those the wheel bundles and the C/C++ runtime; the test reads
the installed wheel's ELF files to keep it complete. Package names are Debian 12's (Ubuntu's are the same).

Pure standard library: importing this module loads no Qt.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping

# find_library name (the part of "lib<name>.so.N" it takes) -> the Debian package that ships it.
XCB_LIBRARIES: dict[str, str] = {
    "xcb": "libxcb1",
    "X11": "libx11-6",
    "X11-xcb": "libx11-xcb1",
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-randr": "libxcb-randr0",
    "xcb-render": "libxcb-render0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-shm": "libxcb-shm0",
    "xcb-sync": "libxcb-sync1",
    "xcb-util": "libxcb-util1",
    "xcb-xfixes": "libxcb-xfixes0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon": "libxkbcommon0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "GL": "libgl1",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
    "freetype": "libfreetype6",
    "glib-2.0": "libglib2.0-0",
    "gthread-2.0": "libglib2.0-0",
    "dbus-1": "libdbus-1-3",
    "z": "zlib1g",
}


def find_library(name: str) -> str | None:
    """ctypes.util.find_library, answered from one reading of the library cache.

    ctypes asks `ldconfig -p` again for every name (a process each: 70 ms for this table, on every start of the
    window under X11). The cache's listing is read once; a name it lacks goes to ctypes, which also tries the
    compiler and the linker, so the answer is ctypes' own.
    """
    match = re.search(rf"\s(lib{re.escape(name)}\.so[^\s]*)\s", _library_cache())
    if match:
        return match.group(1)
    import ctypes.util

    return ctypes.util.find_library(name)


_CACHE: list[str] = []


def _library_cache() -> str:
    """`ldconfig -p`'s listing (empty where there is no ldconfig), read once per process."""
    if not _CACHE:
        import shutil
        import subprocess

        ldconfig = shutil.which("ldconfig") or next(
            (p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(p)), None
        )
        text = ""
        if ldconfig:
            try:
                text = subprocess.run(
                    [ldconfig, "-p"], capture_output=True, text=True, timeout=10, env={**os.environ, "LC_ALL": "C"}
                ).stdout
            except (OSError, subprocess.SubprocessError):
                text = ""
        _CACHE.append(text)
    return _CACHE[0]


def missing_qt_libraries(find: Callable[[str], str | None] = find_library, platform: str = sys.platform) -> list[str]:
    """The Debian packages whose libraries the xcb plugin needs and the system cannot find.

    Args:
        find: looks a library up by its short name (find_library: ctypes'; tests pass their own).
        platform: sys.platform; only Linux (and the BSDs) use the xcb plugin, elsewhere nothing is missing.

    Returns:
        Package names, each once, in the table's order; empty when everything is there.
    """
    if not (platform.startswith("linux") or "bsd" in platform):
        return []
    missing: list[str] = []
    for name, package in XCB_LIBRARIES.items():
        if find(name) is None and package not in missing:
            missing.append(package)
    return missing


def uses_xcb(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """Whether Qt will try the xcb plugin: on Linux, when QT_QPA_PLATFORM names it (first) or is unset under X11."""
    if not (platform.startswith("linux") or "bsd" in platform):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


SCALE_RANGE = (0.25, 8.0)
"""The scale factors warroom lets Qt draw at (QT_SCALE_FACTOR, each of QT_SCREEN_SCALE_FACTORS): a quarter to
eight times, beyond any real screen (8K panels use 2-4). Qt took 0 and drew with a device pixel ratio of 0 (a
ZeroDivisionError inside pyqtgraph), a negative one drew nothing, and 50 rendered for minutes."""
FONT_DPI_RANGE = (24, 960)
"""The QT_FONT_DPI values warroom lets Qt use: 96 is ordinary, 192 and 384 are 2x and 4x; 100000 made every text
item enormous and the render ran for minutes."""


def _scale_problem(text: str) -> str | None:
    low, high = SCALE_RANGE
    try:
        value = float(text)
    except ValueError:
        return "is not a number"
    return None if low <= value <= high else f"is not a scale from {low:g} to {high:g}"  # (NaN fails both)


def unusable_scale(environ: Mapping[str, str] = os.environ) -> list[tuple[str, str]]:
    """Qt's scale variables in `environ` that Qt cannot draw at, each as (name, "NAME=VALUE is ..."): the caller
    drops them before the QApplication exists and says so. Unset or empty ones are Qt's default (none)."""
    found: list[tuple[str, str]] = []
    factor = environ.get("QT_SCALE_FACTOR", "").strip()
    if factor and (problem := _scale_problem(factor)):
        found.append(("QT_SCALE_FACTOR", f"QT_SCALE_FACTOR={factor} {problem}"))
    screens = environ.get("QT_SCREEN_SCALE_FACTORS", "").strip()
    for part in filter(None, (p.strip() for p in screens.split(";"))):
        if problem := _scale_problem(part.rpartition("=")[2]):  # "1.5" or "eDP-1=1.5"
            found.append(
                ("QT_SCREEN_SCALE_FACTORS", f"QT_SCREEN_SCALE_FACTORS={screens} holds {part}, which {problem}")
            )
            break
    dpi = environ.get("QT_FONT_DPI", "").strip()
    low, high = FONT_DPI_RANGE
    if dpi and not (dpi.isascii() and dpi.isdigit() and low <= int(dpi) <= high):
        found.append(("QT_FONT_DPI", f"QT_FONT_DPI={dpi} is not a font DPI from {low} to {high}"))
    return found


def missing_message(packages: list[str]) -> str:
    """What to tell the user (empty when nothing is missing)."""
    if not packages:
        return ""
    return (
        "warroom cannot open its window: Qt's X11 platform plugin needs system libraries that are not installed:\n"
        f"  {', '.join(packages)}\n"
        "On Debian or Ubuntu install them with:\n"
        f"  sudo apt-get install {' '.join(packages)}\n"
        "(or start it on Wayland, or headless with QT_QPA_PLATFORM=offscreen for `warroom render`)."
    )


def main() -> int:
    """`python -m warroom.qtcheck`: list what is missing (exit 1) or say that nothing is (exit 0)."""
    missing = missing_qt_libraries()
    if missing:
        print(missing_message(missing))
        return 1
    print("All the system libraries Qt's X11 plugin needs were found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
