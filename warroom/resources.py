"""Locates the bundled resources/ folder, in a source checkout or an installed wheel. No Qt."""

from __future__ import annotations

from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path


@cache
def resource_root() -> Path:
    """The resources folder: packaged as `warroom/_resources` in a wheel, `resources/` in a checkout."""
    packaged = Path(__file__).with_name("_resources")
    if packaged.is_dir():
        return packaged
    try:
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
