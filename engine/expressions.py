"""The only evaluator of diagram text: a whitelisted expression language run by a tree walker.

Text is parsed with `ast.parse` and checked against a whitelist; the checked tree is then walked by
the small interpreter below. Python never runs diagram text.
"""

from __future__ import annotations

import ast
import copy
import functools
import math
import operator
import textwrap
from collections import ChainMap
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_EXPRESSION_CHARS = 2_000
MAX_SCRIPT_CHARS = 10_000
MAX_EXPRESSION_NODES = 1_000
MAX_SCRIPT_NODES = 8_000
MAX_DEPTH = 60
MAX_REPEAT_LENGTH = 10_000
MAX_STORED_SIZE = 100_000
MAX_INT_BITS = 1_024

_CONSTANT_TYPES = (str, int, float, bool, type(None))
_NUMBERS = (int, float)
_SEQUENCES = (str, list, tuple)
_OPERANDS = _NUMBERS + _SEQUENCES

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

_SYMBOLS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
    ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not", ast.USub: "-",
    ast.UAdd: "+",
}


class ExpressionError(Exception):
    """Diagram text was rejected or failed to evaluate; `message` says why, `line` where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


# ---------------------------------------------------------------------------- checking


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
    if not isinstance(node.value, _CONSTANT_TYPES):
        _reject(node, f"constants of type '{type(node.value).__name__}' are not allowed")


def _check_name(node: ast.Name, depth: int = 0) -> None:
    """Refuse names that start with an underscore."""
    if node.id.startswith("_"):
        _reject(node, f"names starting with '_' are not allowed ('{node.id}')")


def _check_operator(node: ast.AST, op: ast.AST, allowed: Collection[type]) -> None:
    """Refuse an operator that is not in `allowed`."""
    if type(op) not in allowed:
        symbol = _SYMBOLS.get(type(op), type(op).__name__)
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


# ---------------------------------------------------------------------------- evaluation


def _value(node: ast.AST, env: Mapping[str, Any]) -> Any:
    """Compute the value of a checked expression node."""
    return _EVALUATORS[type(node)](node, env)


def _name_value(node: ast.Name, env: Mapping[str, Any]) -> Any:
    """Look a name up in the data."""
    try:
        return env[node.id]
    except KeyError:
        raise ExpressionError(f"unknown name '{node.id}'") from None


def _shown(value: Any) -> str:
    """A short printable form of a value for messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _subscript_value(node: ast.Subscript, env: Mapping[str, Any]) -> Any:
    """Index or slice a dict, list, tuple or string."""
    container = _value(node.value, env)
    if not isinstance(container, dict | list | tuple | str):
        raise ExpressionError(f"a value of type '{type(container).__name__}' cannot be indexed")
    if isinstance(node.slice, ast.Slice):
        parts = (node.slice.lower, node.slice.upper, node.slice.step)
        return container[slice(*(None if p is None else _value(p, env) for p in parts))]
    key = _value(node.slice, env)
    try:
        return container[key]
    except KeyError:
        raise ExpressionError(f"key {_shown(key)} not found") from None
    except IndexError:
        raise ExpressionError(f"index {_shown(key)} is out of range") from None


def _boolop_value(node: ast.BoolOp, env: Mapping[str, Any]) -> Any:
    """`and` / `or` with short-circuit, returning the deciding operand like Python."""
    is_and = isinstance(node.op, ast.And)
    result = None
    for operand in node.values:
        result = _value(operand, env)
        if bool(result) != is_and:
            return result
    return result


def _unary_value(node: ast.UnaryOp, env: Mapping[str, Any]) -> Any:
    """`not x`, `-x`, `+x`."""
    operand = _value(node.operand, env)
    if isinstance(node.op, ast.Not):
        return not operand
    if not isinstance(operand, _NUMBERS):
        symbol = _SYMBOLS[type(node.op)]
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


def _binary(op: ast.operator, left: Any, right: Any) -> Any:
    """Apply an allowed binary operator to plain values and check the result."""
    symbol = _SYMBOLS[type(op)]
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
    return _binary(node.op, _value(node.left, env), _value(node.right, env))


_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


def _compare_value(node: ast.Compare, env: Mapping[str, Any]) -> bool:
    """Chained comparison with short-circuit, like Python."""
    left = _value(node.left, env)
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = _value(comparator, env)
        if not _COMPARE[type(op)](left, right):
            return False
        left = right
    return True


_EVALUATORS: dict[type, Callable[[Any, Mapping[str, Any]], Any]] = {
    ast.Constant: lambda node, env: node.value,
    ast.Name: _name_value,
    ast.List: lambda node, env: [_value(e, env) for e in node.elts],
    ast.Tuple: lambda node, env: tuple(_value(e, env) for e in node.elts),
    ast.Set: lambda node, env: {_value(e, env) for e in node.elts},
    ast.Dict: lambda node, env: {
        _value(k, env): _value(v, env) for k, v in zip(node.keys, node.values, strict=True)
    },
    ast.BoolOp: _boolop_value,
    ast.UnaryOp: _unary_value,
    ast.BinOp: _binop_value,
    ast.Compare: _compare_value,
    ast.IfExp: lambda node, env: _value(node.body if _value(node.test, env) else node.orelse, env),
    ast.Subscript: _subscript_value,
}

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


def _guarded(func: Callable[..., Any], *args: Any) -> Any:
    """Call `func`, turning Python runtime errors into readable ExpressionErrors."""
    try:
        return func(*args)
    except ZeroDivisionError:
        raise ExpressionError("division by zero") from None
    except (TypeError, ValueError, OverflowError, KeyError, IndexError) as exc:
        raise ExpressionError(str(exc) or type(exc).__name__) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the data is too large or too deeply nested") from None


# ---------------------------------------------------------------------------- parsing


def _require_text(text: Any, max_chars: int) -> str:
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
        return _guarded(_value, self.tree, data)


@functools.lru_cache(maxsize=1024)
def compile_expression(text: str) -> Expression:
    """Check expression text once (cached); ExpressionError names what is not allowed."""
    source = _require_text(text, MAX_EXPRESSION_CHARS).strip()
    try:
        tree = _parse_expression(source)
        _check(tree.body, 0)
    except ExpressionError as err:
        raise ExpressionError(err.message, err.line if "\n" in source else None) from None
    return Expression(text, _read_names([tree.body]), tree.body)


# ---------------------------------------------------------------------------- scripts


def _root(target: ast.AST) -> str:
    """The data name at the root of an assignment target."""
    while isinstance(target, ast.Subscript):
        target = target.value
    assert isinstance(target, ast.Name)
    return target.id


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


def _size(value: Any, limit: int) -> int:
    """Items and characters in `value`, counting shared parts each time; stops past `limit`."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        total += len(item) if isinstance(item, str) else 1
        if isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
    return total


def _stored(value: Any, depth: int = 0) -> Any:
    """A fresh JSON-native copy of `value` (tuples and sets become lists)."""
    if depth > MAX_DEPTH:
        raise ExpressionError("the value is nested too deeply to be stored")
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError("the value is not a finite number")
    if isinstance(value, _CONSTANT_TYPES):
        return value
    if isinstance(value, list | tuple):
        return [_stored(v, depth + 1) for v in value]
    if isinstance(value, set | frozenset):
        try:
            return sorted(_stored(v, depth + 1) for v in value)
        except TypeError:
            raise ExpressionError("a set of mixed types cannot be stored") from None
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ExpressionError("dictionary keys must be text to be stored")
        return {k: _stored(v, depth + 1) for k, v in value.items()}
    raise ExpressionError(f"a value of type '{type(value).__name__}' cannot be stored")


class _Workspace:
    """A script's view of the data: writes go to private copies until applied."""

    def __init__(self, data: Mapping[str, Any], context: Mapping[str, Any]) -> None:
        self.data, self.context = data, context
        self.changed: dict[str, Any] = {}
        self.view = ChainMap(context, self.changed, data)
        self.budget = MAX_STORED_SIZE

    def assign(self, target: ast.AST, value: Any) -> None:
        """Store `value` at `target` (a name or a subscript chain rooted at a name)."""
        root = _root(target)
        if root in self.context:
            raise ExpressionError(f"'{root}' is read-only here")
        self.budget -= _size(value, self.budget)
        if self.budget < 0:
            raise ExpressionError("the script creates too much data "
                                  f"(over {MAX_STORED_SIZE:,} items or characters)")
        value = _stored(value)
        if isinstance(target, ast.Name):
            self.changed[root] = value
            return
        if root not in self.changed:
            if root not in self.data:
                raise ExpressionError(f"unknown name '{root}'")
            self.changed[root] = copy.deepcopy(self.data[root])
        assert isinstance(target, ast.Subscript)
        _set_item(_value(target.value, self.view), _value(target.slice, self.view), value)


def _set_item(container: Any, key: Any, value: Any) -> None:
    """`container[key] = value` for dicts (text keys) and lists."""
    if isinstance(container, dict) and not isinstance(key, str):
        raise ExpressionError("dictionary keys must be text to be stored")
    if not isinstance(container, dict | list):
        raise ExpressionError(f"cannot assign into a value of type '{type(container).__name__}'")
    try:
        container[key] = value
    except IndexError:
        raise ExpressionError(f"index {_shown(key)} is out of range") from None


def _perform(stmt: ast.stmt, work: _Workspace) -> None:
    """Carry out one checked statement."""
    if isinstance(stmt, ast.Assign):
        value = _value(stmt.value, work.view)
        for target in stmt.targets:
            work.assign(target, value)
    elif isinstance(stmt, ast.AugAssign):
        current = _value(stmt.target, work.view)
        work.assign(stmt.target, _binary(stmt.op, current, _value(stmt.value, work.view)))


@dataclass(frozen=True)
class Script:
    """A checked script: assignments only; `names` it reads, `targets` it assigns."""

    text: str
    names: frozenset[str]
    targets: frozenset[str]
    body: tuple[ast.stmt, ...] = field(repr=False, compare=False)

    def run(self, data: dict[str, Any], context: Mapping[str, Any] | None = None) -> None:
        """Apply the script to `data`; on any error `data` is left unchanged."""
        work = _Workspace(data, context or {})
        for stmt in self.body:
            try:
                _guarded(_perform, stmt, work)
            except ExpressionError as err:
                raise ExpressionError(err.message, stmt.lineno) from None
        data.update(work.changed)


@functools.lru_cache(maxsize=512)
def compile_script(text: str) -> Script:
    """Check script text once (cached); ExpressionError names the statement and line."""
    source = textwrap.dedent(_require_text(text, MAX_SCRIPT_CHARS))
    tree = _parse(source, "exec", MAX_SCRIPT_NODES)
    assert isinstance(tree, ast.Module)
    for stmt in tree.body:
        _check_statement(stmt)
    targets = [t for s in tree.body if isinstance(s, ast.Assign) for t in s.targets]
    augmented = [s.target for s in tree.body if isinstance(s, ast.AugAssign)]
    names = _read_names(tree.body) | {_root(t) for t in augmented}
    roots = frozenset(_root(t) for t in targets + augmented)
    return Script(text, names, roots, tuple(tree.body))


# ---------------------------------------------------------------------------- conveniences


def check_expression(text: str) -> str | None:
    """Why expression text is rejected, or None if it is allowed."""
    try:
        compile_expression(text)
    except ExpressionError as err:
        return str(err)
    return None


def check_script(text: str) -> str | None:
    """Why script text is rejected, or None if it is allowed."""
    try:
        compile_script(text)
    except ExpressionError as err:
        return str(err)
    return None


def evaluate(text: str, data: Mapping[str, Any]) -> Any:
    """Compile (cached) and evaluate expression text over `data`."""
    return compile_expression(text).evaluate(data)
