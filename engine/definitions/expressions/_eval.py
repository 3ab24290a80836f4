"""The tree walker: the value of a checked expression over task data.

It only ever sees trees that passed the whitelist (expression_check); results are bounded as they
are made, so no expression can build a huge string or number.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

from ._language import MAX_INT_BITS, MAX_REPEAT_LENGTH, SYMBOLS, ExpressionError

_NUMBERS = (int, float)
_SEQUENCES = (str, list, tuple)
_OPERANDS = _NUMBERS + _SEQUENCES


def node_value(node: ast.AST, env: Mapping[str, Any]) -> Any:
    """Compute the value of a checked expression node."""
    return _EVALUATORS[type(node)](node, env)


def _name_value(node: ast.Name, env: Mapping[str, Any]) -> Any:
    """Look a name up in the data."""
    try:
        return env[node.id]
    except KeyError:
        raise ExpressionError(f"unknown name '{node.id}'") from None


def shown(value: Any) -> str:
    """A short printable form of a value for messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _subscript_value(node: ast.Subscript, env: Mapping[str, Any]) -> Any:
    """Index or slice a dict, list, tuple or string."""
    container = node_value(node.value, env)
    if not isinstance(container, dict | list | tuple | str):
        raise ExpressionError(f"a value of type '{type(container).__name__}' cannot be indexed")
    if isinstance(node.slice, ast.Slice):
        parts = (node.slice.lower, node.slice.upper, node.slice.step)
        return container[slice(*(None if p is None else node_value(p, env) for p in parts))]
    key = node_value(node.slice, env)
    try:
        return container[key]
    except KeyError:
        raise ExpressionError(f"key {shown(key)} not found") from None
    except IndexError:
        raise ExpressionError(f"index {shown(key)} is out of range") from None


def _boolop_value(node: ast.BoolOp, env: Mapping[str, Any]) -> Any:
    """`and` / `or` with short-circuit, returning the deciding operand like Python."""
    is_and = isinstance(node.op, ast.And)
    result = None
    for operand in node.values:
        result = node_value(operand, env)
        if bool(result) != is_and:
            return result
    return result


def _unary_value(node: ast.UnaryOp, env: Mapping[str, Any]) -> Any:
    """`not x`, `-x`, `+x`."""
    operand = node_value(node.operand, env)
    if isinstance(node.op, ast.Not):
        return not operand
    if not isinstance(operand, _NUMBERS):
        symbol = SYMBOLS[type(node.op)]
        raise ExpressionError(f"'{symbol}' needs a number, not '{type(operand).__name__}'")
    return -operand if isinstance(node.op, ast.USub) else +operand


def _multiply(left: Any, right: Any) -> Any:
    """`*`, refusing results that would be too long or too large."""
    if isinstance(left, _SEQUENCES) or isinstance(right, _SEQUENCES):
        seq, count = (left, right) if isinstance(left, _SEQUENCES) else (right, left)
        if isinstance(count, int) and len(seq) * count > MAX_REPEAT_LENGTH:
            raise ExpressionError(f"the result would be longer than {MAX_REPEAT_LENGTH:,} items")
    elif (isinstance(left, int) and isinstance(right, int)
          and left.bit_length() + right.bit_length() > MAX_INT_BITS):
        raise ExpressionError("the number would be too large")
    return left * right


def _modulo(left: Any, right: Any) -> Any:
    """`%` on numbers only (no string formatting)."""
    if isinstance(left, str):
        raise ExpressionError("string formatting with '%' is not allowed")
    return left % right


_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: _multiply,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: _modulo,
}


def apply_binary(op: ast.operator, left: Any, right: Any) -> Any:
    """Apply an allowed binary operator to plain values and check the result."""
    symbol = SYMBOLS[type(op)]
    if not (isinstance(left, _OPERANDS) and isinstance(right, _OPERANDS)):
        names = f"'{type(left).__name__}' and '{type(right).__name__}'"
        raise ExpressionError(f"'{symbol}' cannot be used with {names}")
    result = _BINARY[type(op)](left, right)
    if isinstance(result, float) and not math.isfinite(result):
        raise ExpressionError("the result is not a finite number")
    if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
        raise ExpressionError("the number would be too large")
    return result


def _binop_value(node: ast.BinOp, env: Mapping[str, Any]) -> Any:
    """`a + b` and friends."""
    return apply_binary(node.op, node_value(node.left, env), node_value(node.right, env))


_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


def _compare_value(node: ast.Compare, env: Mapping[str, Any]) -> bool:
    """Chained comparison with short-circuit, like Python."""
    left = node_value(node.left, env)
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = node_value(comparator, env)
        if not _COMPARE[type(op)](left, right):
            return False
        left = right
    return True


_EVALUATORS: dict[type, Callable[[Any, Mapping[str, Any]], Any]] = {
    ast.Constant: lambda node, env: node.value,
    ast.Name: _name_value,
    ast.List: lambda node, env: [node_value(e, env) for e in node.elts],
    ast.Tuple: lambda node, env: tuple(node_value(e, env) for e in node.elts),
    ast.Set: lambda node, env: {node_value(e, env) for e in node.elts},
    ast.Dict: lambda node, env: {
        node_value(k, env): node_value(v, env) for k, v in zip(node.keys, node.values, strict=True)
    },
    ast.BoolOp: _boolop_value,
    ast.UnaryOp: _unary_value,
    ast.BinOp: _binop_value,
    ast.Compare: _compare_value,
    ast.IfExp: lambda node, env: node_value(
        node.body if node_value(node.test, env) else node.orelse, env),
    ast.Subscript: _subscript_value,
}


def guarded(func: Callable[..., Any], *args: Any) -> Any:
    """Call `func`, turning Python runtime errors into readable ExpressionErrors."""
    try:
        return func(*args)
    except ZeroDivisionError:
        raise ExpressionError("division by zero") from None
    except (TypeError, ValueError, OverflowError, KeyError, IndexError) as exc:
        raise ExpressionError(str(exc) or type(exc).__name__) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the data is too large or too deeply nested") from None
