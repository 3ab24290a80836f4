"""The values a form field can take, and the literals conditions compare fields with.

A condition such as `manager_decision == "approved"` against a form whose choices are
"approve" and "reject" is never true: with the rejection as the default flow, every approval
would silently become a rejection. These helpers find each comparison of a field with a literal
(`==`, `!=`, `in`/`not in` a tuple, list or set of literals, and a literal `in` a list field),
anywhere inside `and`/`or`/`not`, and say whether any form that asks the field could give it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.definitions.forms import Field

_CHOICES = {"boolean": (True, False), "confirm": (True,)}
_TEXT_KINDS = {"string", "text", "email", "uri", "date"}
_NUMBER_KINDS = {"integer", "number"}
_LITERAL_TYPES = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Comparison:
    """A field compared with one literal; `member` when the literal is looked for in the field."""

    field: str
    value: Any
    member: bool = False


def comparisons(tree: ast.AST) -> Iterator[Comparison]:
    """Every comparison of a data name with a literal inside a checked expression tree."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            yield from _pair(op, operands[i], operands[i + 1])


def _pair(op: ast.cmpop, left: ast.expr, right: ast.expr) -> Iterator[Comparison]:
    if isinstance(op, ast.Eq | ast.NotEq):
        for name, other in ((left, right), (right, left)):
            found, value = _literal(other)
            if isinstance(name, ast.Name) and found:
                yield Comparison(name.id, value)
    elif isinstance(op, ast.In | ast.NotIn):
        if isinstance(left, ast.Name) and isinstance(right, ast.Tuple | ast.List | ast.Set):
            for element in right.elts:
                found, value = _literal(element)
                if found:
                    yield Comparison(left.id, value)
        found, value = _literal(left)
        if found and isinstance(right, ast.Name):
            yield Comparison(right.id, value, member=True)


def _literal(node: ast.expr) -> tuple[bool, Any]:
    """(True, value) when `node` is a literal constant such as "approve", 3 or -3."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        found, value = _literal(node.operand)
        if found and isinstance(value, int | float) and not isinstance(value, bool):
            return True, -value if isinstance(node.op, ast.USub) else value
        return False, None
    if isinstance(node, ast.Constant) and isinstance(node.value, _LITERAL_TYPES):
        return True, node.value
    return False, None


@dataclass(frozen=True)
class Refusal:
    """Why a literal is impossible for a field: a problem code and its parameters."""

    code: str
    params: dict[str, Any]


def impossible(comparison: Comparison, fields: list[Field]) -> Refusal | None:
    """Why no form asking the field can give the literal (None when one can)."""
    if any(_possible(comparison, f) for f in fields):
        return None
    base = {"field": comparison.field, "value": comparison.value}
    choices = [_choices(comparison, f) for f in fields]
    if all(c is not None for c in choices):
        values = []
        for found in choices:
            values.extend(v for v in found if v not in values)
        return Refusal("bpmn.value_not_a_choice", {**base, "values": values})
    kinds = sorted({_kind(comparison, f) for f in fields})
    number = isinstance(comparison.value, int | float)
    if number and all(_kind(comparison, f) in _NUMBER_KINDS for f in fields):
        lows = [f.minimum for f in fields]
        highs = [f.maximum for f in fields]
        return Refusal("bpmn.value_out_of_range", {
            **base, "minimum": None if None in lows else min(lows),
            "maximum": None if None in highs else max(highs)})
    return Refusal("bpmn.value_not_of_kind", {**base, "kinds": kinds})


def _kind(comparison: Comparison, field: Field) -> str:
    """The kind of what the literal is compared with: the field, or its items for `in`."""
    if comparison.member and field.kind == "list":
        return "choice" if field.choices else (field.item_kind or "string")
    return field.kind


def _choices(comparison: Comparison, field: Field) -> tuple[Any, ...] | None:
    """Every value the field (or, for `in`, each of its items) can take, when they are few."""
    kind = _kind(comparison, field)
    if kind == "choice":
        return field.choices
    return _CHOICES.get(kind)


def _possible(comparison: Comparison, field: Field) -> bool:
    """Whether the field could hold the literal (or, for `in`, an item equal to it)."""
    value = comparison.value
    if comparison.member and field.kind not in ("list", "group"):
        return True  # `"a" in text` looks for a piece of the text: anything may match
    if not comparison.member and field.kind in ("list", "group"):
        return False  # a list is never equal to a single literal
    if comparison.member and field.kind == "group":
        return False  # a group's items are records, never a single literal
    kind = _kind(comparison, field)
    choices = _choices(comparison, field)
    if choices is not None:
        return value in choices
    if kind in _TEXT_KINDS:
        return isinstance(value, str)
    if kind in _NUMBER_KINDS:
        return _in_range(value, field)
    return True  # a kind we do not know: assume it may


def _in_range(value: Any, field: Field) -> bool:
    if not isinstance(value, int | float):
        return False
    if field.kind == "integer" and not float(value).is_integer():
        return False
    low, high = field.minimum, field.maximum
    return (low is None or value >= low) and (high is None or value <= high)
