"""The tree walker: the value of a checked expression over task data.

It only ever sees trees that passed the whitelist (expression_check); results are bounded as they
are made, so no expression can build a huge string or number.
"""

from __future__ import annotations

import ast
import math
import operator
import reprlib
from collections.abc import Callable, Mapping
from typing import Any

from ._cost import meter
from ._language import MAX_INT_BITS, MAX_REPEAT_LENGTH, SYMBOLS, ExpressionError

_NUMBERS = (int, float)
_SEQUENCES = (str, list, tuple)
_OPERANDS = _NUMBERS + _SEQUENCES


def node_value(node: ast.AST, env: Mapping[str, Any]) -> Any:
    """Compute the value of a checked expression node."""
    meter().charge(1)
    return _EVALUATORS[type(node)](node, env)


def _name_value(node: ast.Name, env: Mapping[str, Any]) -> Any:
    """Look a name up in the data."""
    try:
        return env[node.id]
    except KeyError:
        raise ExpressionError("unknown_name", name=node.id) from None


_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlong = 3, 40, 40, 40


def shown(value: Any) -> str:
    """A short printable form of a value for a reason's parameters (never walks all of it)."""
    text = _SHOWN.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _subscript_value(node: ast.Subscript, env: Mapping[str, Any]) -> Any:
    """Index or slice a dict, list, tuple or string."""
    container = node_value(node.value, env)
    if not isinstance(container, dict | list | tuple | str):
        raise ExpressionError("not_indexable", type=type_name(container))
    if isinstance(node.slice, ast.Slice):
        if isinstance(container, dict):
            raise ExpressionError("not_sliceable", type=type_name(container))
        parts = (node.slice.lower, node.slice.upper, node.slice.step)
        meter().charge(len(container))
        try:
            return container[slice(*(None if p is None else node_value(p, env) for p in parts))]
        except ValueError:
            raise ExpressionError("slice_step_zero") from None
    key = node_value(node.slice, env)
    if isinstance(container, dict):
        meter().bounded(key)  # hashing walks the key
    try:
        return container[key]
    except KeyError:
        raise ExpressionError("key_missing", key=shown(key)) from None
    except IndexError:
        raise ExpressionError("index_out_of_range", index=shown(key)) from None
    except TypeError:
        raise key_refused(container, key) from None


def type_name(value: Any) -> str:
    """The Python name of a value's type, for a reason's parameters."""
    return type(value).__name__


def key_refused(container: Any, key: Any) -> ExpressionError:
    """Why `key` cannot index `container`: it is unhashable, or not a whole number for a list."""
    if isinstance(container, dict):
        return ExpressionError("unhashable", type=type_name(key))
    return ExpressionError("bad_index", type=type_name(container), key_type=type_name(key))


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
        raise ExpressionError("needs_number", op=SYMBOLS[type(node.op)], type=type_name(operand))
    return -operand if isinstance(node.op, ast.USub) else +operand


def _multiply(left: Any, right: Any) -> Any:
    """`*`, refusing results that would be too long, too large or too big deep down."""
    if isinstance(left, _SEQUENCES) or isinstance(right, _SEQUENCES):
        seq, count = (left, right) if isinstance(left, _SEQUENCES) else (right, left)
        if isinstance(count, int):
            if len(seq) * count > MAX_REPEAT_LENGTH:
                raise ExpressionError("result_too_long", limit=MAX_REPEAT_LENGTH)
            return _repeated(seq, count)
    elif (isinstance(left, int) and isinstance(right, int)
          and left.bit_length() + right.bit_length() > MAX_INT_BITS):
        raise ExpressionError("too_large")
    return left * right


def _repeated(seq: str | list[Any] | tuple[Any, ...], count: int) -> Any:
    """`seq * count`, its deep size checked before it is made."""
    costs = meter()
    if isinstance(seq, str):
        costs.allow(max(1, len(seq) * count))
        return seq * count
    items = costs.bounded(seq) - 1  # what one copy of the items weighs
    size = costs.allow(1 + items * max(count, 0))
    return costs.made(seq * count, size)


def _add(left: Any, right: Any) -> Any:
    """`+`; joined text, lists and tuples have their deep size checked before they are made."""
    if isinstance(left, _SEQUENCES) and type(left) is type(right):
        costs = meter()
        parts = costs.bounded(left) + costs.bounded(right)
        size = costs.allow(parts if isinstance(left, str) else parts - 1)
        return costs.made(left + right, size)
    return left + right


def _modulo(left: Any, right: Any) -> Any:
    """`%` on numbers only (no string formatting)."""
    if isinstance(left, str):
        raise ExpressionError("percent_format")
    return left % right


_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: _add, ast.Sub: operator.sub, ast.Mult: _multiply,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: _modulo,
}


def apply_binary(op: ast.operator, left: Any, right: Any) -> Any:
    """Apply an allowed binary operator to plain values and check the result."""
    symbol = SYMBOLS[type(op)]
    refused = ExpressionError("bad_operands", op=symbol, left=type_name(left),
                              right=type_name(right))
    if not (isinstance(left, _OPERANDS) and isinstance(right, _OPERANDS)):
        raise refused
    try:
        result = _BINARY[type(op)](left, right)
    except TypeError:
        raise refused from None
    except OverflowError:
        raise ExpressionError("too_large") from None
    if isinstance(result, float) and not math.isfinite(result):
        raise ExpressionError("not_finite")
    if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
        raise ExpressionError("too_large")
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
    costs = meter()
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = node_value(comparator, env)
        if not isinstance(op, ast.Is | ast.IsNot):
            # comparing, searching and hashing walk both operands
            costs.charge(costs.bounded(left) + costs.bounded(right))
        try:
            holds = _COMPARE[type(op)](left, right)
        except TypeError:
            raise _comparison_refused(op, left, right) from None
        if not holds:
            return False
        left = right
    return True


def _comparison_refused(op: ast.cmpop, left: Any, right: Any) -> ExpressionError:
    """Why `left op right` cannot be compared."""
    symbol = _COMPARE_SYMBOLS[type(op)]
    if isinstance(op, ast.In | ast.NotIn):
        if not isinstance(right, str | list | tuple | dict | set | frozenset):
            return ExpressionError("not_container", op=symbol, type=type_name(right))
        if isinstance(right, dict | set | frozenset):
            return ExpressionError("unhashable", type=type_name(left))
    return ExpressionError("cannot_compare", op=symbol, left=type_name(left),
                           right=type_name(right))


_COMPARE_SYMBOLS: dict[type, str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}


def _set_value(node: ast.Set, env: Mapping[str, Any]) -> set[Any]:
    """A set display; every item must be hashable."""
    items = [node_value(e, env) for e in node.elts]
    size = _display_size(items)
    try:
        return meter().made(set(items), size)
    except TypeError:
        raise _unhashable(items) from None


def _dict_value(node: ast.Dict, env: Mapping[str, Any]) -> dict[Any, Any]:
    """A dict display; every key must be hashable."""
    pairs = [(node_value(k, env), node_value(v, env))
             for k, v in zip(node.keys, node.values, strict=True)]
    size = _display_size([part for pair in pairs for part in pair])
    try:
        return meter().made(dict(pairs), size)
    except TypeError:
        raise _unhashable([k for k, _v in pairs]) from None


def _display_size(items: list[Any]) -> int:
    """The deep size of a display of `items`, refused past the limit before it is made."""
    costs = meter()
    return costs.allow(1 + sum(costs.size(item) for item in items))


def _sequence_value(node: ast.List | ast.Tuple, env: Mapping[str, Any]) -> Any:
    """A list or tuple display."""
    items = [node_value(e, env) for e in node.elts]
    size = _display_size(items)
    return meter().made(items if isinstance(node, ast.List) else tuple(items), size)


def _unhashable(values: list[Any]) -> ExpressionError:
    """The refusal of the first value that cannot be a set item or a dictionary key."""
    for value in values:
        try:
            hash(value)
        except TypeError:
            return ExpressionError("unhashable", type=type_name(value))
    return ExpressionError("unhashable", type="object")


_EVALUATORS: dict[type, Callable[[Any, Mapping[str, Any]], Any]] = {
    ast.Constant: lambda node, env: node.value,
    ast.Name: _name_value,
    ast.List: _sequence_value,
    ast.Tuple: _sequence_value,
    ast.Set: _set_value,
    ast.Dict: _dict_value,
    ast.BoolOp: _boolop_value,
    ast.UnaryOp: _unary_value,
    ast.BinOp: _binop_value,
    ast.Compare: _compare_value,
    ast.IfExp: lambda node, env: node_value(
        node.body if node_value(node.test, env) else node.orelse, env),
    ast.Subscript: _subscript_value,
}


def guarded(func: Callable[..., Any], *args: Any) -> Any:
    """Call `func`, turning Python runtime errors into ExpressionErrors with a reason."""
    try:
        return func(*args)
    except ZeroDivisionError:
        raise ExpressionError("division_by_zero") from None
    except OverflowError:
        raise ExpressionError("too_large") from None
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise ExpressionError("failed", error=type(exc).__name__) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("data_too_large") from None
