"""Cost at check time: what the text alone shows to be too big is refused before anything runs.

Parts of an expression that read no data (`[0] * 10000`, `('a' * 10000,) * 10000`) are worked
out when the text is checked, with the same meter as at run time; a script is run once over no
data, following only what its own assignments make. Only cost is judged here: a part that would
fail for another reason (an unknown name, a division by zero) is left to the run.
"""

from __future__ import annotations

import ast

from ._cost import metered
from ._eval import guarded, node_value
from ._language import ExpressionError
from ._script import Workspace, perform_all, target_root

# The reasons that say an evaluation would cost too much, whatever the data.
COST_REASONS = frozenset({
    "value_too_large", "too_much_work", "result_too_long", "too_large", "data_too_large",
    "script_too_much_data",
})


def _reads_data(node: ast.AST) -> bool:
    """Whether anything in `node` reads a name."""
    return any(isinstance(n, ast.Name) for n in ast.walk(node))


def _constant_parts(node: ast.AST) -> list[ast.expr]:
    """The largest parts of `node` that read no data (plain constants left out)."""
    if isinstance(node, ast.expr) and not isinstance(node, ast.Constant | ast.Slice) \
            and not _reads_data(node):
        return [node]
    return [part for child in ast.iter_child_nodes(node) for part in _constant_parts(child)]


def fold_expression(tree: ast.AST) -> None:
    """Refuse, at its line, a part of `tree` that reads no data and would cost too much."""
    for part in _constant_parts(tree):
        try:
            metered(guarded, node_value, part, {})
        except ExpressionError as err:
            if err.reason in COST_REASONS:
                raise err.at_line(getattr(part, "lineno", None)) from None


def _targets(stmt: ast.stmt) -> list[ast.AST]:
    if isinstance(stmt, ast.Assign):
        return list(stmt.targets)
    if isinstance(stmt, ast.AugAssign):
        return [stmt.target]
    return []


def fold_script(body: list[ast.stmt]) -> None:
    """Refuse a script whose own values, over no data, would cost too much (at its line)."""
    for stmt in body:
        fold_expression(stmt)
    work = Workspace({}, {})

    def unknown_from_now_on(stmt: ast.stmt, err: ExpressionError) -> bool:
        if err.reason in COST_REASONS:
            return False
        for target in _targets(stmt):
            work.changed.pop(target_root(target), None)
        return True

    metered(perform_all, body, work, unknown_from_now_on)

