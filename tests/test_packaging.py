"""The wheel carries everything the app needs: built, unpacked outside the repo, and started from there."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_wheel_runs_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("warroom-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "warroom/_resources/data/london_2012_polls.csv",
        "warroom/_resources/styles/app.qss",
        "warroom/store/migrations/versions/0001_initial_schema.py",
        "warroom/store/migrations/script.py.mako",
    ):
        assert needed in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    env = dict(os.environ, PYTHONPATH=str(target), QT_QPA_PLATFORM="offscreen")
    code = (
        "import warroom, warroom.resources as r, sys; "
        "assert warroom.__file__.startswith(sys.argv[1]), warroom.__file__; "
        "assert str(r.resource_root()).startswith(sys.argv[1]), r.resource_root(); "
        "from warroom.cli import main; "
        "sys.exit(main(['render', 'window', '--out', sys.argv[2], '--data-dir', sys.argv[3]]))"
    )
    out_png = tmp_path / "window.png"
    result = subprocess.run(
        [sys.executable, "-c", code, str(target), str(out_png), str(tmp_path / "state")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert out_png.stat().st_size > 50_000


def test_pyside_pin_keeps_python_311_off_the_none_refcount_crash() -> None:
    """PySide6 6.12.0 on Python 3.11 aborts after some thousands of chart updates (none_dealloc)."""
    import tomllib

    import PySide6

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pyside = [d for d in deps if d.startswith("PySide6")]
    assert any("<6.12" in d and "python_version < '3.12'" in d for d in pyside), pyside
    if sys.version_info < (3, 12):
        major, minor = (int(x) for x in PySide6.__version__.split(".")[:2])
        assert (major, minor) < (6, 12), PySide6.__version__
