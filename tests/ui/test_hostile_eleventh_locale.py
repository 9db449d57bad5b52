"""Hostile pass 11 (issue 16): a locale whose encoding is not UTF-8 (LC_ALL=C with Python's UTF-8 mode off, as a
Latin-1 or EUC locale gives Python its own encoding), with a data folder named in UTF-8 (`Zoé`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ASCII_LOCALE = {
    **os.environ,
    "LC_ALL": "C",
    "PYTHONUTF8": "0",
    "PYTHONCOERCECLOCALE": "0",
    "PYTHONPATH": str(ROOT),
    "QT_QPA_PLATFORM": "offscreen",
}
SETTINGS_CHILD = """
import os, sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from warroom.paths import AppPaths
from warroom.services.settings import open_settings
assert sys.getfilesystemencoding() == "ascii", sys.getfilesystemencoding()
paths = AppPaths.under(Path(os.fsdecode(os.fsencode(sys.argv[1]))))
paths.ensure()
settings = open_settings(paths)
settings.theme = "dark"
settings.sync()
print(open_settings(paths).theme)
"""


def test_settings_in_a_folder_named_in_utf8_are_kept_there_under_an_ascii_locale(tmp_path: Path) -> None:
    """Qt names files in UTF-8 whatever the locale, Python in the locale's encoding (its other bytes as U+DCxx
    escapes): under LC_ALL=C the settings path `Zoé/config/settings.ini` reached QSettings as `Zo\\udcc3\\udca9`,
    which Qt wrote as U+FFFD, so the settings went to a folder `Zo��` made beside the data folder (the umask's
    mode), and the file in the data folder was never read or written. They are now kept where they belong."""
    root = os.fsencode(tmp_path) + b"/Zo\xc3\xa9"
    done = subprocess.run(
        [sys.executable, "-c", SETTINGS_CHILD, root],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=ASCII_LOCALE,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "dark"
    assert b"theme=dark" in Path(os.fsdecode(root + b"/config/settings.ini")).read_bytes()
    assert sorted(os.listdir(os.fsencode(tmp_path))) == [b"Zo\xc3\xa9"]  # no stray `Zo��` beside it


def test_a_picture_rendered_into_a_folder_named_in_utf8_is_written_under_an_ascii_locale(tmp_path: Path) -> None:
    """`warroom render --out Zoé/chart.png` under LC_ALL=C said "cannot write; nothing written": Qt was given the
    temporary file's name with U+DCxx escapes, a name that is not there."""
    state = os.fsencode(tmp_path) + b"/Zo\xc3\xa9"
    out = state + b"/chart.png"
    done = subprocess.run(
        [sys.executable, "-m", "warroom", b"--data-dir", state, "render", "lead1", "--out", out],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=ASCII_LOCALE,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert Path(os.fsdecode(out)).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


DIALOG_CHILD = """
import os, sys
from pathlib import Path
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
app = QApplication([])
from warroom.ui.main_window import MainWindow
folder = Path(os.fsdecode(os.fsencode(sys.argv[1])))
csv = folder / "polls.csv"
csv.write_text("pollster")
shown = os.fsencode(csv).decode("utf-8")  # the name as Qt reads it, as its file dialog gives it
QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (shown, ""))
win = MainWindow(object(), charts=False)
got = []
win.import_requested.connect(got.append)
win.choose_import()
data = QMimeData()
data.setUrls([QUrl.fromLocalFile(shown)])
win.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
print(len(got), all(p.is_file() for p in got))
"""


def test_a_file_chosen_or_dropped_from_a_folder_named_in_utf8_is_that_file_under_an_ascii_locale(
    tmp_path: Path,
) -> None:
    """The reverse way: a file dialog's choice or a dropped file's URL is a name Qt read as UTF-8, and Python looked
    for it under its own encoding's escapes, so File > Import of `Zoé/polls.csv` (or dropping it) was "no such
    file". Every file name from Qt (the import, export, briefing, official-result and ballot dialogs, dropped
    files) is read back as its bytes (`paths.from_qt_name`)."""
    folder = os.fsencode(tmp_path) + b"/Zo\xc3\xa9"
    os.mkdir(folder)
    done = subprocess.run(
        [sys.executable, "-c", DIALOG_CHILD, folder],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=ASCII_LOCALE,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["2", "True"], (done.stdout, done.stderr[-2000:])
