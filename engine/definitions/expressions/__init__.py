"""The whitelisted evaluator for diagram text: conditions, timer expressions and scripts."""

from ._api import (
    MAX_EXPRESSION_CHARS,
    MAX_SCRIPT_CHARS,
    ExpressionError,
    check_expression,
    check_script,
    compile_expression,
    compile_script,
    evaluate,
)

__all__ = [
    "MAX_EXPRESSION_CHARS",
    "MAX_SCRIPT_CHARS",
    "ExpressionError",
    "check_expression",
    "check_script",
    "compile_expression",
    "compile_script",
    "evaluate",
]
