"""The one rule between the layers, checked by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(package: str) -> dict[str, set[str]]:
    """Top-level module names imported by each file of a package."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def calls_named(package: str, names: set[str]) -> list[str]:
    """Places in a package that call a function by one of these bare names."""
    hits = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in names):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return hits


def test_engine_never_imports_flask_or_web():
    forbidden = {"flask", "flask_login", "flask_wtf", "flask_limiter", "werkzeug", "web"}
    offenders = {f: sorted(m & forbidden) for f, m in imported_modules("engine").items()
                 if m & forbidden}
    assert offenders == {}


def test_web_never_imports_spiffworkflow_or_sqlalchemy():
    forbidden = {"SpiffWorkflow", "sqlalchemy", "alembic", "lxml"}
    modules = imported_modules("web")
    assert modules, "the web package exists"
    offenders = {f: sorted(m & forbidden) for f, m in modules.items() if m & forbidden}
    assert offenders == {}


def test_web_uses_only_what_the_engine_package_exports():
    offenders = []
    for path in sorted((ROOT / "web").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("engine."):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
            if isinstance(node, ast.Import):
                offenders += [f"{path.relative_to(ROOT)}:{node.lineno} {a.name}"
                              for a in node.names if a.name.startswith("engine.")]
    assert offenders == []


def test_diagram_text_is_never_run_as_python():
    assert calls_named("engine", {"eval", "exec", "compile", "__import__"}) == []


def test_processes_hold_no_python():
    assert list((ROOT / "processes").rglob("*.py")) == []
