"""The whitelisted evaluator for diagram text: conditions, timer expressions and scripts."""

from ._api import (
    EXPRESSION_REASONS,
    MAX_EXPRESSION_CHARS,
    MAX_SCRIPT_CHARS,
    MAX_VALUE_SIZE,
    MAX_WORK,
    STATEMENT_KINDS,
    ExpressionError,
    check_expression,
    check_script,
    compile_expression,
    compile_script,
    evaluate,
)
from ._timers import MAX_TIMER_DAYS, TIMER_KINDS, timer_refusal

__all__ = [
    "EXPRESSION_REASONS",
    "MAX_EXPRESSION_CHARS",
    "MAX_SCRIPT_CHARS",
    "MAX_TIMER_DAYS",
    "MAX_VALUE_SIZE",
    "MAX_WORK",
    "STATEMENT_KINDS",
    "TIMER_KINDS",
    "ExpressionError",
    "check_expression",
    "check_script",
    "compile_expression",
    "compile_script",
    "evaluate",
    "timer_refusal",
]
