"""The layering rules of house-style.md, enforced: import-linter contracts plus an AST check for the
rule import-linter cannot express (services may use QtCore but never QtWidgets or pyqtgraph)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PKG = ROOT / "warroom"


def _imports(folder: Path) -> list[tuple[Path, str]]:
    found = []
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.append((path, node.module))
    return found


def test_services_use_qtcore_only() -> None:
    bad = [
        (p.name, m)
        for p, m in _imports(PKG / "services")
        if m.startswith(("PySide6.QtWidgets", "PySide6.QtGui", "pyqtgraph", "warroom.ui"))
    ]
    assert bad == []


def test_core_is_pure() -> None:
    allowed_roots = set(sys.stdlib_module_names) | {"numpy", "warroom", "__future__"}
    bad = [(p.name, m) for p, m in _imports(PKG / "core") if m.split(".")[0] not in allowed_roots]
    assert bad == []
    assert not [m for _p, m in _imports(PKG / "core") if m.startswith("warroom.") and not m.startswith("warroom.core")]


def test_ui_never_touches_the_database() -> None:
    bad = [
        (p.name, m)
        for p, m in _imports(PKG / "ui")
        if m.startswith(("warroom.store", "sqlalchemy", "warroom.bootstrap", "alembic"))
    ]
    assert bad == []


def test_import_linter_contracts() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.fail("import-linter is a test dependency: pip install -e '.[test]'")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
