"""Locates the bundled resources/ folder, in a source checkout or an installed wheel. No Qt."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def resource_root() -> Path:
    """The resources folder: packaged as `warroom/_resources` in a wheel, `resources/` in a checkout."""
    packaged = Path(__file__).with_name("_resources")
    if packaged.is_dir():
        return packaged
    try:
        from importlib import resources as importlib_resources  # (slow to import: only for unusual installs)

        traversable = importlib_resources.files("warroom._resources")
        candidate = Path(str(traversable))
        if candidate.is_dir():
            return candidate
    except (ModuleNotFoundError, TypeError):
        pass
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("warroom's resources folder is missing from this installation")


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)


@cache
def installation_stamp() -> str:
    """The name, size and modification time of every file of the program and its resources, as one string.

    Keys the window's start frame (app.py): figures recorded by other code (an upgrade, an edited checkout, new
    bundled data) are never shown as this code's. Stat calls only, no reading: a few milliseconds.
    """
    parts: list[str] = []
    for root in (Path(__file__).resolve().parent, resource_root()):
        for folder, dirs, _files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            with os.scandir(folder) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    if entry.is_file() and not entry.name.endswith((".pyc", ".pyo")):
                        st = entry.stat()
                        parts.append(f"{os.path.relpath(entry.path, root)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)
