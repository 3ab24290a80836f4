"""Parsing diagram text and checking its tree against the whitelist, before anything runs.

Anything not listed here is refused with a reason code naming it and, where known, its line.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
from typing import Any

from ._language import (
    CONSTANT_TYPES,
    MAX_DEPTH,
    MAX_EXPRESSION_NODES,
    MAX_SCRIPT_NODES,
    SYMBOLS,
    ExpressionError,
)

# The reason (a code of EXPRESSION_REASONS) each refused kind of expression is refused for.
_REJECTED: dict[type, str] = {
    ast.Call: "call",
    ast.Attribute: "attribute",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator",
    ast.JoinedStr: "fstring",
    ast.FormattedValue: "fstring",
    ast.NamedExpr: "walrus",
    ast.Starred: "starred",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slice_outside_brackets",
}

# How a statement is named in a reason: its keyword, or one of STATEMENT_KINDS.
_STATEMENTS: dict[type, str] = {
    ast.If: "if", ast.For: "for", ast.AsyncFor: "for", ast.While: "while",
    ast.Import: "import", ast.ImportFrom: "import", ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "def", ast.ClassDef: "class", ast.Delete: "del",
    ast.With: "with", ast.AsyncWith: "with", ast.Try: "try", ast.TryStar: "try",
    ast.Return: "return", ast.Raise: "raise", ast.Assert: "assert",
    ast.Global: "global", ast.Nonlocal: "nonlocal", ast.Match: "match",
    ast.Break: "break", ast.Continue: "continue", ast.Expr: "expression",
    ast.AnnAssign: "annotated_assignment", ast.Assign: "assignment",
    ast.AugAssign: "assignment",
}

_UNARY = frozenset({ast.Not, ast.USub, ast.UAdd})
# expression_eval implements exactly these operators; keep the two lists in step
_BINARY = frozenset({ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod})


def _reject(node: ast.AST, reason: str, **params: Any) -> None:
    """Raise the rejection of `node` with its line."""
    raise ExpressionError(reason, getattr(node, "lineno", None), **params)


def _check(node: ast.AST, depth: int) -> None:
    """Reject `node` (an expression) unless it and everything in it is whitelisted."""
    if depth > MAX_DEPTH:
        _reject(node, "too_deep")
    checker = _CHECKS.get(type(node))
    if checker is None:
        if type(node) in _REJECTED:
            _reject(node, _REJECTED[type(node)])
        _reject(node, "node", node=type(node).__name__)
    else:
        checker(node, depth + 1)


def _check_all(nodes: list[Any], depth: int) -> None:
    """Check each node of a list."""
    for node in nodes:
        _check(node, depth)


def _check_constant(node: ast.Constant, depth: int) -> None:
    """Allow str, int, float, bool and None constants only."""
    if not isinstance(node.value, CONSTANT_TYPES):
        _reject(node, "constant_type", type=type(node.value).__name__)


def _check_name(node: ast.Name, depth: int = 0) -> None:
    """Refuse names that start with an underscore."""
    if node.id.startswith("_"):
        _reject(node, "private_name", name=node.id)


def _check_operator(node: ast.AST, op: ast.AST, allowed: Collection[type]) -> None:
    """Refuse an operator that is not in `allowed`."""
    if type(op) not in allowed:
        _reject(node, "operator", op=SYMBOLS.get(type(op), type(op).__name__))


def _check_dict(node: ast.Dict, depth: int) -> None:
    """Check a dict display; refuse `**` unpacking."""
    if any(key is None for key in node.keys):
        _reject(node, "dict_unpacking")
    _check_all([*node.keys, *node.values], depth)


def _is_none(node: ast.AST) -> bool:
    """Whether `node` is the constant None."""
    return isinstance(node, ast.Constant) and node.value is None


def _check_compare(node: ast.Compare, depth: int) -> None:
    """Check a (chained) comparison; `is`/`is not` only against None."""
    operands = [node.left, *node.comparators]
    for i, op in enumerate(node.ops):
        if isinstance(op, ast.Is | ast.IsNot) and not (
            _is_none(operands[i]) or _is_none(operands[i + 1])
        ):
            _reject(node, "is_only_none")
    _check_all(operands, depth)


def _is_int_constant(node: ast.AST) -> bool:
    """Whether `node` is a whole-number literal such as 2 or -2."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


def _check_subscript(node: ast.Subscript, depth: int) -> None:
    """Check `x[i]`; slice bounds must be constant whole numbers."""
    _check(node.value, depth)
    if not isinstance(node.slice, ast.Slice):
        _check(node.slice, depth)
        return
    for bound in (node.slice.lower, node.slice.upper, node.slice.step):
        if bound is not None and not _is_int_constant(bound):
            _reject(node, "slice_bounds")


def _check_unary(node: ast.UnaryOp, depth: int) -> None:
    """Allow `not`, unary `-` and unary `+`."""
    _check_operator(node, node.op, _UNARY)
    _check(node.operand, depth)


def _check_binop(node: ast.BinOp, depth: int) -> None:
    """Allow + - * / // % between allowed expressions."""
    _check_operator(node, node.op, _BINARY)
    _check_all([node.left, node.right], depth)


_CHECKS: dict[type, Callable[[Any, int], None]] = {
    ast.Constant: _check_constant,
    ast.Name: _check_name,
    ast.List: lambda node, depth: _check_all(node.elts, depth),
    ast.Tuple: lambda node, depth: _check_all(node.elts, depth),
    ast.Set: lambda node, depth: _check_all(node.elts, depth),
    ast.Dict: _check_dict,
    ast.BoolOp: lambda node, depth: _check_all(node.values, depth),
    ast.UnaryOp: _check_unary,
    ast.BinOp: _check_binop,
    ast.Compare: _check_compare,
    ast.IfExp: lambda node, depth: _check_all([node.test, node.body, node.orelse], depth),
    ast.Subscript: _check_subscript,
}


# ---------------------------------------------------------------------------- scripts


def _check_target(node: ast.AST, depth: int = 0) -> None:
    """Allow `name` and `name[k]...[k]` as assignment targets."""
    if depth > MAX_DEPTH:
        _reject(node, "target_too_deep")
    if isinstance(node, ast.Name):
        _check_name(node)
    elif isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
        _check(node.slice, depth + 1)
        _check_target(node.value, depth + 1)
    else:
        _reject(node, _REJECTED.get(type(node), "assign_target"))


def _check_statement(stmt: ast.stmt) -> None:
    """Allow assignments of allowed expressions and `pass`; reject anything else."""
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            _check_target(target)
        _check(stmt.value, 0)
    elif isinstance(stmt, ast.AugAssign):
        _check_target(stmt.target)
        _check_operator(stmt, stmt.op, _BINARY)
        _check(stmt.value, 0)
    elif not isinstance(stmt, ast.Pass):
        if isinstance(stmt, ast.Expr):
            _check(stmt.value, 0)
        _reject(stmt, "script_statement", statement=_STATEMENTS.get(type(stmt), "statement"))


# ---------------------------------------------------------------------------- parsing


def require_text(text: Any, max_chars: int) -> str:
    """Refuse non-text and text longer than `max_chars`."""
    if not isinstance(text, str):
        raise ExpressionError("not_text", type=type(text).__name__)
    if len(text) > max_chars:
        raise ExpressionError("too_long", length=len(text), limit=max_chars)
    return text


def _parse(text: str, mode: str, max_nodes: int) -> ast.AST:
    """Parse text, bounding its node count."""
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as exc:
        raise ExpressionError("syntax", exc.lineno, detail=exc.msg) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("unparsable") from None
    if any(count > max_nodes for count, _ in enumerate(ast.walk(tree))):
        raise ExpressionError("too_complex", limit=max_nodes)
    return tree


def _parse_expression(text: str) -> ast.Expression:
    """Parse an expression, naming the statement if the text is one."""
    try:
        tree = _parse(text, "eval", MAX_EXPRESSION_NODES)
    except ExpressionError as err:
        if err.reason != "syntax":
            raise
        try:
            body = ast.parse(text).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise err from None
        kinds = [type(stmt) for stmt in body if not isinstance(stmt, ast.Expr)]
        if not kinds:
            raise err from None
        raise ExpressionError("statement", err.line,
                              statement=_STATEMENTS.get(kinds[0], "statement")) from None
    assert isinstance(tree, ast.Expression)
    return tree


def checked_expression(source: str) -> ast.expr:
    """Parse and check expression text; return the checked tree."""
    tree = _parse_expression(source)
    _check(tree.body, 0)
    return tree.body


def checked_script(source: str) -> list[ast.stmt]:
    """Parse and check script text; return its checked statements."""
    tree = _parse(source, "exec", MAX_SCRIPT_NODES)
    assert isinstance(tree, ast.Module)
    for stmt in tree.body:
        _check_statement(stmt)
    return tree.body
