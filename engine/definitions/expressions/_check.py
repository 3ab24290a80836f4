"""Parsing diagram text and checking its tree against the whitelist, before anything runs.

Anything not listed here is refused with a message naming it and, where known, its line.
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

_REJECTED: dict[type, str] = {
    ast.Call: "function calls are not allowed",
    ast.Attribute: "attribute access is not allowed",
    ast.Lambda: "lambda expressions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.Starred: "starred expressions (*) are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
    ast.Slice: "slices are only allowed inside brackets",
}

_STATEMENTS: dict[type, str] = {
    ast.If: "'if'", ast.For: "'for'", ast.AsyncFor: "'for'", ast.While: "'while'",
    ast.Import: "'import'", ast.ImportFrom: "'import'", ast.FunctionDef: "'def'",
    ast.AsyncFunctionDef: "'def'", ast.ClassDef: "'class'", ast.Delete: "'del'",
    ast.With: "'with'", ast.AsyncWith: "'with'", ast.Try: "'try'", ast.TryStar: "'try'",
    ast.Return: "'return'", ast.Raise: "'raise'", ast.Assert: "'assert'",
    ast.Global: "'global'", ast.Nonlocal: "'nonlocal'", ast.Match: "'match'",
    ast.Break: "'break'", ast.Continue: "'continue'", ast.Expr: "an expression on its own",
    ast.AnnAssign: "an annotated assignment", ast.Assign: "an assignment",
    ast.AugAssign: "an assignment",
}

_UNARY = frozenset({ast.Not, ast.USub, ast.UAdd})
# expression_eval implements exactly these operators; keep the two lists in step
_BINARY = frozenset({ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod})


def _reject(node: ast.AST, reason: str) -> None:
    """Raise the rejection of `node` with its line."""
    raise ExpressionError(reason, getattr(node, "lineno", None))


def _check(node: ast.AST, depth: int) -> None:
    """Reject `node` (an expression) unless it and everything in it is whitelisted."""
    if depth > MAX_DEPTH:
        _reject(node, "the expression is nested too deeply")
    checker = _CHECKS.get(type(node))
    if checker is None:
        _reject(node, _REJECTED.get(type(node), f"'{type(node).__name__}' is not allowed"))
    else:
        checker(node, depth + 1)


def _check_all(nodes: list[Any], depth: int) -> None:
    """Check each node of a list."""
    for node in nodes:
        _check(node, depth)


def _check_constant(node: ast.Constant, depth: int) -> None:
    """Allow str, int, float, bool and None constants only."""
    if not isinstance(node.value, CONSTANT_TYPES):
        _reject(node, f"constants of type '{type(node.value).__name__}' are not allowed")


def _check_name(node: ast.Name, depth: int = 0) -> None:
    """Refuse names that start with an underscore."""
    if node.id.startswith("_"):
        _reject(node, f"names starting with '_' are not allowed ('{node.id}')")


def _check_operator(node: ast.AST, op: ast.AST, allowed: Collection[type]) -> None:
    """Refuse an operator that is not in `allowed`."""
    if type(op) not in allowed:
        symbol = SYMBOLS.get(type(op), type(op).__name__)
        extra = " (power)" if isinstance(op, ast.Pow) else ""
        _reject(node, f"the operator '{symbol}'{extra} is not allowed")


def _check_dict(node: ast.Dict, depth: int) -> None:
    """Check a dict display; refuse `**` unpacking."""
    if any(key is None for key in node.keys):
        _reject(node, "dictionary unpacking (**) is not allowed")
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
            _reject(node, "'is' and 'is not' may only compare with None")
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
            _reject(node, "slice bounds must be constant whole numbers")


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
        _reject(node, "the assignment target is nested too deeply")
    if isinstance(node, ast.Name):
        _check_name(node)
    elif isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
        _check(node.slice, depth + 1)
        _check_target(node.value, depth + 1)
    else:
        _reject(node, _REJECTED.get(type(node), "only a name or name[key] can be assigned to"))


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
        kind = _STATEMENTS.get(type(stmt), f"'{type(stmt).__name__}'")
        _reject(stmt, f"{kind} is not allowed in a script; only assignments and 'pass' are")


# ---------------------------------------------------------------------------- parsing


def require_text(text: Any, max_chars: int) -> str:
    """Refuse non-text and text longer than `max_chars`."""
    if not isinstance(text, str):
        raise ExpressionError(f"expected text, not '{type(text).__name__}'")
    if len(text) > max_chars:
        raise ExpressionError(f"the text is too long ({len(text):,} characters; at most "
                              f"{max_chars:,})")
    return text


def _parse(text: str, mode: str, max_nodes: int) -> ast.AST:
    """Parse text, bounding its node count."""
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error: {exc.msg}", exc.lineno) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("the text cannot be parsed") from None
    if any(count > max_nodes for count, _ in enumerate(ast.walk(tree))):
        raise ExpressionError(f"the text is too complex (more than {max_nodes:,} parts)")
    return tree


def _parse_expression(text: str) -> ast.Expression:
    """Parse an expression, naming the statement if the text is one."""
    try:
        tree = _parse(text, "eval", MAX_EXPRESSION_NODES)
    except ExpressionError as err:
        if not err.message.startswith("syntax error"):
            raise
        try:
            body = ast.parse(text).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise err from None
        kinds = [type(stmt) for stmt in body if not isinstance(stmt, ast.Expr)]
        if not kinds:
            raise err from None
        found = _STATEMENTS.get(kinds[0], "a statement")
        raise ExpressionError(f"statements are not allowed in an expression (found {found})",
                              err.line) from None
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
