"""The only evaluator of diagram text: a whitelisted expression language run by a tree walker.

Text is parsed with `ast.parse` and checked against a whitelist (`expression_check`); the checked
tree is then walked by a small interpreter (`expression_eval`, and `expression_script` for
assignments). Python never runs diagram text.
"""

from __future__ import annotations

import ast
import functools
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._check import checked_expression, checked_script, require_text
from ._cost import metered
from ._eval import guarded, node_value
from ._fold import fold_expression, fold_script
from ._language import (
    EXPRESSION_REASONS,
    MAX_DEPTH,
    MAX_EXPRESSION_CHARS,
    MAX_EXPRESSION_NODES,
    MAX_INT_BITS,
    MAX_REPEAT_LENGTH,
    MAX_SCRIPT_CHARS,
    MAX_SCRIPT_NODES,
    MAX_STORED_SIZE,
    MAX_VALUE_SIZE,
    MAX_WORK,
    STATEMENT_KINDS,
    ExpressionError,
)
from ._script import run_statements, target_root

__all__ = [
    "EXPRESSION_REASONS",
    "MAX_DEPTH",
    "MAX_EXPRESSION_CHARS",
    "MAX_EXPRESSION_NODES",
    "MAX_INT_BITS",
    "MAX_REPEAT_LENGTH",
    "MAX_SCRIPT_CHARS",
    "MAX_SCRIPT_NODES",
    "MAX_STORED_SIZE",
    "MAX_VALUE_SIZE",
    "MAX_WORK",
    "STATEMENT_KINDS",
    "Expression",
    "ExpressionError",
    "Script",
    "check_expression",
    "check_script",
    "compile_expression",
    "compile_script",
    "evaluate",
]


def _read_names(nodes: list[ast.AST]) -> frozenset[str]:
    """Names read anywhere inside `nodes`."""
    return frozenset(n.id for node in nodes for n in ast.walk(node)
                     if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))


@dataclass(frozen=True)
class Expression:
    """A checked expression; evaluate it against task data as often as needed."""

    text: str
    names: frozenset[str]
    tree: ast.expr = field(repr=False, compare=False)

    def evaluate(self, data: Mapping[str, Any]) -> Any:
        """Value of the expression over `data` (read only); ExpressionError if it fails."""
        return metered(guarded, node_value, self.tree, data)


@functools.lru_cache(maxsize=1024)
def compile_expression(text: str) -> Expression:
    """Check expression text once (cached); ExpressionError's reason says what is not allowed."""
    source = require_text(text, MAX_EXPRESSION_CHARS).strip()
    try:
        tree = checked_expression(source)
        fold_expression(tree)
    except ExpressionError as err:
        raise err.at_line(err.line if "\n" in source else None) from None
    return Expression(text, _read_names([tree]), tree)


# ---------------------------------------------------------------------------- scripts


@dataclass(frozen=True)
class Script:
    """A checked script: assignments only; `names` it reads, `targets` it assigns."""

    text: str
    names: frozenset[str]
    targets: frozenset[str]
    body: tuple[ast.stmt, ...] = field(repr=False, compare=False)

    def run(self, data: dict[str, Any], context: Mapping[str, Any] | None = None) -> None:
        """Apply the script to `data`; on any error `data` is left unchanged."""
        run_statements(self.body, data, context or {})


@functools.lru_cache(maxsize=512)
def compile_script(text: str) -> Script:
    """Check script text once (cached); ExpressionError gives the reason and the line."""
    source = textwrap.dedent(require_text(text, MAX_SCRIPT_CHARS))
    body = checked_script(source)
    fold_script(body)
    targets = [t for s in body if isinstance(s, ast.Assign) for t in s.targets]
    augmented = [s.target for s in body if isinstance(s, ast.AugAssign)]
    names = _read_names(body) | {target_root(t) for t in augmented}
    roots = frozenset(target_root(t) for t in targets + augmented)
    return Script(text, names, roots, tuple(body))


# ---------------------------------------------------------------------------- conveniences


def check_expression(text: str) -> ExpressionError | None:
    """Why expression text is rejected (the error, not raised), or None if it is allowed."""
    try:
        compile_expression(text)
    except ExpressionError as err:
        return err
    return None


def check_script(text: str) -> ExpressionError | None:
    """Why script text is rejected (the error, not raised), or None if it is allowed."""
    try:
        compile_script(text)
    except ExpressionError as err:
        return err
    return None


def evaluate(text: str, data: Mapping[str, Any]) -> Any:
    """Compile (cached) and evaluate expression text over `data`."""
    return compile_expression(text).evaluate(data)
