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


def test_layers_contract_lists_every_package_and_module() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == "layers")["layers"]
    listed = {name.strip() for layer in layers for name in layer.split("|")}
    present = {f"warroom.{p.stem}" for p in PKG.glob("*.py") if p.stem != "__init__"}
    present |= {f"warroom.{p.parent.name}" for p in PKG.glob("*/__init__.py")}
    assert present - listed == set(), "every warroom module must sit in a layer of the import contract"
    assert listed - present == set()


def test_no_import_cycle_anywhere() -> None:
    """Not even inside a layer: the module graph is acyclic (Tarjan's strongly connected components)."""
    import grimp

    graph = grimp.build_graph("warroom")
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for m in modules:
        if m not in index:
            visit(m)
    assert cycles == []
