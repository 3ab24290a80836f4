"""What every stage of the expression language shares: its error, its limits, its vocabulary."""

from __future__ import annotations

import ast

from engine.errors import ExpressionError

__all__ = ["ExpressionError"]

MAX_EXPRESSION_CHARS = 2_000
MAX_SCRIPT_CHARS = 10_000
MAX_EXPRESSION_NODES = 1_000
MAX_SCRIPT_NODES = 8_000
MAX_DEPTH = 60
MAX_REPEAT_LENGTH = 10_000
MAX_STORED_SIZE = 100_000
MAX_INT_BITS = 1_024

CONSTANT_TYPES = (str, int, float, bool, type(None))

SYMBOLS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
    ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not", ast.USub: "-",
    ast.UAdd: "+",
}
