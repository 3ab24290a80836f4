"""Running a checked script: assignments go to private copies of the data, applied only at the end.

Stored values are copied into JSON-native form and counted against one budget per run.
"""

from __future__ import annotations

import ast
import copy
import math
from collections import ChainMap
from collections.abc import Mapping
from typing import Any

from ._cost import deep_size, meter, metered
from ._eval import apply_binary, guarded, key_refused, node_value, shown, type_name
from ._language import CONSTANT_TYPES, MAX_DEPTH, MAX_STORED_SIZE, ExpressionError


def target_root(target: ast.AST) -> str:
    """The data name at the root of an assignment target."""
    while isinstance(target, ast.Subscript):
        target = target.value
    assert isinstance(target, ast.Name)
    return target.id


def _stored(value: Any, depth: int = 0) -> Any:
    """A fresh JSON-native copy of `value` (tuples and sets become lists)."""
    if depth > MAX_DEPTH:
        raise ExpressionError("store_too_deep")
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError("store_not_finite")
    if isinstance(value, CONSTANT_TYPES):
        return value
    if isinstance(value, list | tuple):
        return [_stored(v, depth + 1) for v in value]
    if isinstance(value, set | frozenset):
        try:
            return sorted(_stored(v, depth + 1) for v in value)
        except TypeError:
            raise ExpressionError("store_mixed_set") from None
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ExpressionError("store_key_not_text")
        return {k: _stored(v, depth + 1) for k, v in value.items()}
    raise ExpressionError("store_type", type=type_name(value))


class Workspace:
    """A script's view of the data: writes go to private copies until applied."""

    def __init__(self, data: Mapping[str, Any], context: Mapping[str, Any]) -> None:
        self.data, self.context = data, context
        self.changed: dict[str, Any] = {}
        self.view = ChainMap(context, self.changed, data)
        self.budget = MAX_STORED_SIZE

    def assign(self, target: ast.AST, value: Any) -> None:
        """Store `value` at `target` (a name or a subscript chain rooted at a name)."""
        root = target_root(target)
        if root in self.context:
            raise ExpressionError("read_only", name=root)
        self.budget -= deep_size(value, self.budget)
        if self.budget < 0:
            raise ExpressionError("script_too_much_data", limit=MAX_STORED_SIZE)
        value = _stored(value)
        if isinstance(target, ast.Name):
            self.changed[root] = value
            return
        if root not in self.changed:
            if root not in self.data:
                raise ExpressionError("unknown_name", name=root)
            self.changed[root] = copy.deepcopy(self.data[root])
        assert isinstance(target, ast.Subscript)
        _set_item(node_value(target.value, self.view), node_value(target.slice, self.view), value)
        meter().forget()  # a value changed in place: sizes remembered may be out of date


def _set_item(container: Any, key: Any, value: Any) -> None:
    """`container[key] = value` for dicts (text keys) and lists."""
    if isinstance(container, dict) and not isinstance(key, str):
        raise ExpressionError("store_key_not_text")
    if not isinstance(container, dict | list):
        raise ExpressionError("assign_into", type=type_name(container))
    try:
        container[key] = value
    except IndexError:
        raise ExpressionError("index_out_of_range", index=shown(key)) from None
    except TypeError:
        raise key_refused(container, key) from None


def _perform(stmt: ast.stmt, work: Workspace) -> None:
    """Carry out one checked statement."""
    if isinstance(stmt, ast.Assign):
        value = node_value(stmt.value, work.view)
        for target in stmt.targets:
            work.assign(target, value)
    elif isinstance(stmt, ast.AugAssign):
        current = node_value(stmt.target, work.view)
        work.assign(stmt.target, apply_binary(stmt.op, current, node_value(stmt.value, work.view)))


def run_statements(body: tuple[ast.stmt, ...], data: dict[str, Any],
                   context: Mapping[str, Any]) -> None:
    """Apply checked statements to `data`; on any error `data` is left unchanged."""
    work = Workspace(data, context)
    metered(perform_all, body, work)
    data.update(work.changed)


def perform_all(body: tuple[ast.stmt, ...] | list[ast.stmt], work: Workspace,
                on_failure: Any = None) -> None:
    """Carry out statements in order, each error at its line (`on_failure` may absorb one)."""
    for stmt in body:
        try:
            guarded(_perform, stmt, work)
        except ExpressionError as err:
            located = err.at_line(stmt.lineno)
            if on_failure is None or not on_failure(stmt, located):
                raise located from None
