"""The one rule between the layers, checked by reading every module's imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_dotted(package: str) -> dict[str, set[str]]:
    """Full dotted module names imported by each file of a package (relative ones resolved)."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        # A file's own name stands in for the package level that relative imports drop.
        here = parts
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[:-node.level]
                    module = ".".join([*base, node.module] if node.module else base)
                else:
                    module = node.module or ""
                names.add(module)
                names.update(f"{module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(ROOT))] = names
    return found


def room_of(file: str) -> str:
    """The engine room a file belongs to: 'definitions', 'store', ... or '' for the top."""
    parts = file.split("/")
    return parts[1] if len(parts) > 2 else ""


def offenders_importing(room: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """Files of an engine room that import any module starting with a forbidden prefix."""
    found = {}
    for file, modules in imported_dotted("engine").items():
        if room_of(file) != room:
            continue
        bad = sorted(m for m in modules
                     if any(m == f or m.startswith(f + ".") for f in forbidden))
        if bad:
            found[file] = bad
    return found


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


def test_definitions_and_runtime_never_touch_the_database():
    forbidden = ("sqlalchemy", "alembic", "psycopg", "engine.store", "engine.usecases",
                 "engine.accounts", "engine.app")
    assert offenders_importing("definitions", forbidden) == {}
    assert offenders_importing("runtime", forbidden) == {}


def test_definitions_never_run_workflows():
    assert offenders_importing("definitions", ("engine.runtime",)) == {}


def test_store_never_imports_the_use_cases():
    forbidden = ("engine.usecases", "engine.accounts", "engine.app")
    assert offenders_importing("store", forbidden) == {}


def test_rooms_use_each_other_only_through_their_packages():
    offenders = []
    for file, modules in imported_dotted("engine").items():
        room = room_of(file)
        for module in modules:
            parts = module.split(".")
            if parts[0] != "engine" or len(parts) < 3:
                continue
            private = any(p.startswith("_") and p != "__init__" for p in parts[2:])
            if parts[1] != room and private:
                offenders.append(f"{file}: {module}")
    assert offenders == []


def test_only_the_wiring_knows_the_account_procedure():
    """The kernel reaches the procedure through its protocol; engine/app.py plugs it in."""
    wiring = {"engine/app.py", "engine/__init__.py"}
    offenders = {file: modules for file, modules in
                 ((f, sorted(m for m in ms if m == "engine.accounts"
                             or m.startswith("engine.accounts.")))
                  for f, ms in imported_dotted("engine").items())
                 if modules and file not in wiring and room_of(file) != "accounts"}
    assert offenders == {}


def test_the_kernel_names_no_task_or_field_of_the_procedure():
    """No literal of the account procedure is left outside its package and the wiring."""
    literals = {"social_media_account", "account_review", "account_name", "manager_approval",
                "registered_on", "review_decision", "periodic_review"}
    hits = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        file = str(path.relative_to(ROOT))
        if room_of(file) == "accounts":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                hits += [f"{file}:{node.lineno}: {word}" for word in literals
                         if word in node.value]
    assert hits == []


def test_evidence_needs_only_the_standard_library_and_cryptography():
    """A case file is checked on a machine without the database: no SQLAlchemy, no other room."""
    offenders = {}
    for file, modules in imported_modules("engine").items():
        if room_of(file) != "evidence":
            continue
        bad = sorted(m for m in modules if m not in sys.stdlib_module_names
                     and m not in {"cryptography", "__future__"})
        if bad:
            offenders[file] = bad
    assert offenders == {}
    outside = {f: sorted(m for m in ms if m.startswith("engine.")
                         and not m.startswith("engine.evidence"))
               for f, ms in imported_dotted("engine").items() if room_of(f) == "evidence"}
    assert {f: ms for f, ms in outside.items() if ms} == {}
