"""The engine raises codes, never sentences: every error class is in engine/errors.py, and every
raise site names a code its class registers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import engine.errors as errors
from engine import EXPRESSION_REASONS, PROBLEM_CODES, SCHEMA_REASONS, EngineError, error_codes
from engine.definitions.expressions._check import _REJECTED

ENGINE = Path(errors.__file__).resolve().parent
CODE = re.compile(r"[a-z_]+\.[a-z_]+\Z")


def engine_files():
    return sorted(ENGINE.rglob("*.py"))


def is_exception_class(node: ast.AST) -> bool:
    ours = {cls.__name__ for cls in errors.error_classes()}
    return isinstance(node, ast.ClassDef) and any(
        getattr(base, "id", "").endswith(("Error", "Exception")) or getattr(base, "id", "") in ours
        for base in node.bases)


def test_every_exception_class_of_the_engine_is_in_errors_py():
    stray = [f"{path.relative_to(ENGINE)}: {node.name}"
             for path in engine_files() if path.name != "errors.py"
             for node in ast.walk(ast.parse(path.read_text())) if is_exception_class(node)]
    assert stray == []


def test_every_error_class_derives_from_engine_error_and_has_codes():
    for cls in errors.error_classes():
        assert issubclass(cls, EngineError)
        if cls is not EngineError:
            assert cls.codes, cls.__name__
            assert all(CODE.match(code) for code in cls.codes), cls.codes


def test_codes_are_unique_across_classes():
    seen = [code for cls in errors.error_classes() for code in cls.codes]
    assert len(seen) == len(set(seen)) == len(error_codes())


def test_every_raise_site_uses_a_code_its_class_registers():
    classes = {cls.__name__: cls for cls in errors.error_classes() if cls is not EngineError}
    bad = []
    for path in engine_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            name = getattr(node.exc.func, "id", None)
            cls = classes.get(name)
            if cls is None or "__init__" in vars(cls):
                continue  # not ours, or a class that sets its own code
            first = node.exc.args[0] if node.exc.args else None
            if not (isinstance(first, ast.Constant) and first.value in cls.codes):
                bad.append(f"{path.relative_to(ENGINE)}:{node.lineno}: {name}")
    assert bad == []


def test_str_of_an_error_is_its_code_and_params_for_logs():
    error = errors.InvalidInput("user.username_taken", username="sara")
    assert str(error) == "user.username_taken username='sara'"
    assert (error.code, error.params) == ("user.username_taken", {"username": "sara"})
    assert str(errors.NotFound("task.not_found")) == "task.not_found"


PROBLEM_CODE = re.compile(r"(folder|file|xml|bpmn|lanes|form)\.[a-z_]+\Z")
NOT_CODES = {"lanes.json"}  # a file name


def test_every_problem_the_definitions_make_has_a_registered_code():
    used = set()
    for path in sorted((ENGINE / "definitions").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and PROBLEM_CODE.match(node.value):
                used.add(node.value)
    assert used, "no problem codes found: the pattern is out of date"
    assert used - NOT_CODES - set(PROBLEM_CODES) == set()


def reason_calls(path: Path):
    """(reason, keyword names) of each ExpressionError(...) or _reject(node, ...) with a literal."""
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None)
        args = node.args if name == "ExpressionError" else node.args[1:] if name == "_reject" \
            else None
        if args and isinstance(args[0], ast.Constant):
            yield node.lineno, args[0].value, {k.arg for k in node.keywords}


def test_every_expression_reason_raised_is_registered_with_its_params():
    files = [*sorted((ENGINE / "definitions" / "expressions").glob("*.py")),
             ENGINE / "runtime" / "_scripting.py"]
    found = [(path, *call) for path in files for call in reason_calls(path)]
    assert len(found) > 40, "no reasons found: the pattern is out of date"
    bad = [f"{path.name}:{line}: {reason} {sorted(names)}" for path, line, reason, names in found
           if set(EXPRESSION_REASONS.get(reason, ("?",))) != names]
    assert bad == []
    assert set(_REJECTED.values()) <= set(EXPRESSION_REASONS)


def test_every_schema_reason_recorded_is_registered_with_its_params():
    found = []
    for node in ast.walk(ast.parse((ENGINE / "definitions" / "forms" / "_schema.py").read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        names = {k.arg for k in node.keywords}
        if node.func.attr == "add" and isinstance(node.args[1], ast.IfExp):
            choice = node.args[1]  # one reason or another, both literal
            found += [(node.lineno, getattr(c, "value", "(not a literal reason)"), names)
                      for c in (choice.body, choice.orelse)]
        elif node.func.attr == "add" and isinstance(node.args[1], ast.Constant):
            found.append((node.lineno, node.args[1].value, names))
        elif node.func.attr == "keywords" and isinstance(node.args[3], ast.Constant):
            found.append((node.lineno, node.args[3].value, names | {"keyword"}))
        elif node.func.attr == "add" and getattr(node.args[1], "id", None) != "misplaced":
            found.append((node.lineno, "(not a literal reason)", names))  # keywords() passes one
    assert len(found) > 40, "no reasons found: the pattern is out of date"
    bad = [f"_schema.py:{line}: {reason} {sorted(names)}" for line, reason, names in found
           if set(SCHEMA_REASONS.get(reason, ("?",))) != names]
    assert bad == []
