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
# Every value an evaluation makes, counted deeply (see expression_cost), and all the work it does.
MAX_VALUE_SIZE = 200_000
MAX_WORK = 2_000_000

CONSTANT_TYPES = (str, int, float, bool, type(None))

SYMBOLS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
    ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not", ast.USub: "-",
    ast.UAdd: "+",
}

# Why diagram text is refused or fails: each reason code with the names of its parameters. The
# web layer words them; an ExpressionError carries one as `reason` with its `reason_params`.
EXPRESSION_REASONS: dict[str, tuple[str, ...]] = {
    # refused when the text is checked, before anything runs
    "not_text": ("type",),
    "too_long": ("length", "limit"),
    "syntax": ("detail",),  # Python's parser's own explanation
    "unparsable": (),
    "too_complex": ("limit",),
    "too_deep": (),
    "target_too_deep": (),
    "call": (),
    "attribute": (),
    "lambda": (),
    "comprehension": (),
    "generator": (),
    "fstring": (),
    "walrus": (),
    "starred": (),
    "await": (),
    "yield": (),
    "slice_outside_brackets": (),
    "node": ("node",),
    "constant_type": ("type",),
    "private_name": ("name",),
    "operator": ("op",),
    "dict_unpacking": (),
    "is_only_none": (),
    "slice_bounds": (),
    "statement": ("statement",),
    "script_statement": ("statement",),
    "assign_target": (),
    # failures while evaluating
    "unknown_name": ("name",),
    "not_indexable": ("type",),
    "not_sliceable": ("type",),
    "bad_index": ("type", "key_type"),
    "key_missing": ("key",),
    "index_out_of_range": ("index",),
    "slice_step_zero": (),
    "unhashable": ("type",),
    "needs_number": ("op", "type"),
    "bad_operands": ("op", "left", "right"),
    "cannot_compare": ("op", "left", "right"),
    "not_container": ("op", "type"),
    "percent_format": (),
    "division_by_zero": (),
    "not_finite": (),
    "too_large": (),
    "result_too_long": ("limit",),
    "data_too_large": (),
    "value_too_large": ("limit",),  # a value, counted deeply, would be over the limit
    "too_much_work": ("limit",),  # the evaluation would do more work than allowed
    # a timer's value (kind: timeDuration or timeDate)
    "timer_not_text": ("kind", "type"),
    "timer_not_duration": ("value",),
    "timer_too_long": ("value", "limit"),
    "timer_not_date": ("value",),
    "timer_date_out_of_range": ("value", "first", "last"),
    "failed": ("error",),  # an unexpected failure: the name of Python's exception
    # failures while a script stores its results
    "read_only": ("name",),
    "script_too_much_data": ("limit",),
    "store_too_deep": (),
    "store_not_finite": (),
    "store_mixed_set": (),
    "store_key_not_text": (),
    "store_type": ("type",),
    "assign_into": ("type",),
    "service_task": (),
}

# The statement kinds named by the `statement` and `script_statement` reasons, besides keywords
# such as 'if' or 'import'.
STATEMENT_KINDS = ("expression", "annotated_assignment", "assignment", "statement")
