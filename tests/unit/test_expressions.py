"""The whitelisted expression language: what it evaluates, what it refuses and why."""

from __future__ import annotations

import copy
import json

import pytest

from engine.definitions.expressions import (
    MAX_EXPRESSION_CHARS,
    MAX_SCRIPT_CHARS,
    ExpressionError,
    check_expression,
    check_script,
    compile_expression,
    compile_script,
    evaluate,
)

DATA = {
    "decision": "approve",
    "amount": 1500,
    "rate": 0.5,
    "tags": ["press", "social"],
    "channel": "mastodon",
    "person": {"name": "Ada", "roles": ["manager"], "manager": None},
    "delay": "P12M",
    "empty": "",
    "flag": True,
}


@pytest.mark.parametrize(("text", "expected"), [
    # literals
    ("'text'", "text"), ("42", 42), ("2.5", 2.5), ("True", True), ("False", False),
    ("None", None), ("[1, 'a']", [1, "a"]), ("(1, 2)", (1, 2)), ("{'k': 1}", {"k": 1}),
    ("{1, 2}", {1, 2}), ("[]", []), ("()", ()), ("{}", {}),
    # timer-style values
    ('"P12M"', "P12M"), ('"PT0S"', "PT0S"), ("delay", "P12M"),
    # names and comparisons
    ("decision", "approve"), ('decision == "approve"', True), ('decision != "approve"', False),
    ("amount < 2000", True), ("amount <= 1500", True), ("amount > 1500", False),
    ("amount >= 1500", True), ("1000 < amount <= 2000", True), ("1 < 2 < amount < 1000", False),
    ("0 < rate < 1 < amount", True),
    # in / not in on lists, strings, dicts
    ('"press" in tags', True), ('"tv" not in tags', True), ('"masto" in channel', True),
    ('"name" in person', True), ('decision in ["approve", "revise"]', True),
    ('channel in {"mastodon", "bluesky"}', True),
    # is None / is not None
    ('person["manager"] is None', True), ("person is not None", True), ("None is flag", False),
    # boolean logic
    ("flag and amount > 1000", True), ("empty or 'fallback'", "fallback"), ("not flag", False),
    ("not empty", True), ("flag and empty", ""), ("empty and missing", ""),
    ("flag or missing", True),
    # arithmetic
    ("-amount", -1500), ("+rate", 0.5), ("amount + 1", 1501), ("amount - 500", 1000),
    ("amount * 2", 3000), ("amount / 4", 375.0), ("amount // 7", 214), ("amount % 7", 2),
    ("rate * 3", 1.5), ("'a' + 'b'", "ab"), ("tags + ['tv']", ["press", "social", "tv"]),
    ("'ab' * 3", "ababab"), ("[0] * 3", [0, 0, 0]), ("(1 + 2) * 3", 9),
    # conditional expression
    ("'big' if amount > 1000 else 'small'", "big"), ("'yes' if empty else 'no'", "no"),
    # subscripts and slices
    ('person["name"]', "Ada"), ('person["roles"][0]', "manager"), ("tags[-1]", "social"),
    ("channel[0]", "m"), ("channel[1:3]", "as"), ("tags[:1]", ["press"]),
    ("channel[::-1]", "nodotsam"), ("channel[-4:]", "odon"), ("tags[amount - 1500]", "press"),
    ('{"a": 1}["a"]', 1),
])
def test_allowed_constructs_evaluate(text: str, expected: object) -> None:
    assert evaluate(text, DATA) == expected
    assert check_expression(text) is None


def test_surrounding_whitespace_and_multiline_expression() -> None:
    assert evaluate('\n   decision == "approve"\n  ', DATA) is True
    assert evaluate('(amount > 1\n and flag)', DATA) is True


def test_names_lists_what_the_expression_reads() -> None:
    expression = compile_expression('approved and person["name"] in allowed or 1 > 0')
    assert expression.names == {"approved", "person", "allowed"}


def test_compile_is_cached_by_text() -> None:
    assert compile_expression("amount > 1") is compile_expression("amount > 1")


def test_evaluate_does_not_change_data() -> None:
    data = copy.deepcopy(DATA)
    evaluate("tags + ['x']", data)
    evaluate("person['roles'][0]", data)
    assert data == DATA


@pytest.mark.parametrize(("text", "reason", "params"), [
    ("__import__('os').system('id')", "call", {}),
    ("().__class__.__base__.__subclasses__()", "call", {}),
    ("open('/etc/passwd')", "call", {}),
    ("x.__class__", "attribute", {}),
    ("x.upper", "attribute", {}),
    ("[c for c in x]", "comprehension", {}),
    ("{k: 1 for k in x}", "comprehension", {}),
    ("(c for c in x)", "generator", {}),
    ("lambda: 1", "lambda", {}),
    ("(y := 1)", "walrus", {}),
    ('f"{x}"', "fstring", {}),
    ("2 ** 100000", "operator", {"op": "**"}),
    ('"a" * 10**9', "operator", {"op": "**"}),
    ("_secret", "private_name", {"name": "_secret"}),
    ("__builtins__", "private_name", {"name": "__builtins__"}),
    ("[*x]", "starred", {}),
    ("{**x}", "dict_unpacking", {}),
    ("x & 1", "operator", {"op": "&"}),
    ("x << 1", "operator", {"op": "<<"}),
    ("~x", "operator", {"op": "~"}),
    ("x is 1", "is_only_none", {}),
    ("x[a:b]", "slice_bounds", {}),
    ("b'raw'", "constant_type", {"type": "bytes"}),
    ("1j", "constant_type", {"type": "complex"}),
    ("import os", "statement", {"statement": "import"}),
    ("x = 1", "statement", {"statement": "assignment"}),
    ("def f(): pass", "statement", {"statement": "def"}),
    ("await x", "await", {}),
    ("a +", "syntax", {"detail": "invalid syntax"}),
    ("", "syntax", {"detail": "invalid syntax"}),
])
def test_hostile_or_unsupported_expressions_are_rejected(text: str, reason: str,
                                                         params: dict) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    assert (caught.value.reason, caught.value.reason_params) == (reason, params)
    assert caught.value.params == {"reason": reason, "reason_params": params, "line": None}
    refused = check_expression(text)
    assert refused is not None and (refused.reason, refused.reason_params) == (reason, params)


def test_rejection_reports_line_only_for_multiline_text() -> None:
    assert compile_expression_error("open('x')").line is None
    error = compile_expression_error("(a ==\n open('x'))")
    assert (error.line, error.reason) == (2, "call")
    assert str(error) == "line 2: call"


def compile_expression_error(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    return caught.value


@pytest.mark.parametrize(("text", "reason", "params"), [
    ("x" * (MAX_EXPRESSION_CHARS + 1), "too_long",
     {"length": MAX_EXPRESSION_CHARS + 1, "limit": MAX_EXPRESSION_CHARS}),
    (" + ".join(["a"] * 400), "too_complex", {"limit": 1_000}),
    ("-" * 100 + "1", "too_deep", {}),
    ("[" * 100 + "]" * 100, "too_deep", {}),
])
def test_size_and_depth_are_bounded(text: str, reason: str, params: dict) -> None:
    refused = check_expression(text)
    assert refused is not None and (refused.reason, refused.reason_params) == (reason, params)


@pytest.mark.parametrize(("text", "data", "reason", "params"), [
    ("x", {}, "unknown_name", {"name": "x"}),
    ('"a" < 1', {}, "cannot_compare", {"op": "<", "left": "str", "right": "int"}),
    ("1 / 0", {}, "division_by_zero", {}),
    ("n // 0", {"n": 4}, "division_by_zero", {}),
    ("n % 0", {"n": 4}, "division_by_zero", {}),
    ('d["missing"]', {"d": {}}, "key_missing", {"key": "'missing'"}),
    ("items[5]", {"items": [1]}, "index_out_of_range", {"index": "5"}),
    ("items['a']", {"items": [1]}, "bad_index", {"type": "list", "key_type": "str"}),
    ("n[0]", {"n": 4}, "not_indexable", {"type": "int"}),
    ("d[1:2]", {"d": {}}, "not_sliceable", {"type": "dict"}),
    ("s[::0]", {"s": "ab"}, "slice_step_zero", {}),
    ("-s", {"s": "a"}, "needs_number", {"op": "-", "type": "str"}),
    ("d + 1", {"d": {}}, "bad_operands", {"op": "+", "left": "dict", "right": "int"}),
    ("None + 1", {}, "bad_operands", {"op": "+", "left": "NoneType", "right": "int"}),
    ('"a" + 1', {}, "bad_operands", {"op": "+", "left": "str", "right": "int"}),
    ('"%s" % n', {"n": 1}, "percent_format", {}),
    ('"a" * n', {"n": 10**9}, "result_too_long", {"limit": 10_000}),
    ("[0] * n", {"n": 10_001}, "result_too_long", {"limit": 10_000}),
    ("n * n", {"n": 10**200}, "too_large", {}),
    ("n / 1", {"n": 10**400}, "too_large", {}),
    ("1e308 * 10", {}, "not_finite", {}),
    ("1 in n", {"n": 2}, "not_container", {"op": "in", "type": "int"}),
    ("[1] in {1}", {}, "unhashable", {"type": "list"}),
    ("{[1]}", {}, "unhashable", {"type": "list"}),
    ("{[1]: 2}", {}, "unhashable", {"type": "list"}),
    ("d[[1]]", {"d": {}}, "unhashable", {"type": "list"}),
])
def test_runtime_errors_have_reasons(text: str, data: dict, reason: str, params: dict) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, data)
    assert (caught.value.reason, caught.value.reason_params) == (reason, params)


def test_short_circuit_skips_the_failing_operand() -> None:
    assert evaluate("amount > 1 or missing", DATA) is True
    assert evaluate("2 < 1 < missing", DATA) is False
    assert evaluate("'a' if flag else missing", DATA) == "a"


# ------------------------------------------------------------------------- scripts


def test_script_assignments_mutate_data() -> None:
    data = {"decision": "approve", "count": 1, "person": {"name": "Ada"}, "items": [1, 2]}
    compile_script(
        'approved = decision == "approve"\n'
        "count += 2\n"
        'person["name"] = "Grace"\n'
        'person["roles"] = ["manager"]\n'
        'person["roles"][0] += "!"\n'
        "items[0] = 9\n"
        "first = second = items[1]\n"
        "pass\n"
    ).run(data)
    assert data == {
        "decision": "approve", "count": 3, "approved": True, "items": [9, 2],
        "person": {"name": "Grace", "roles": ["manager!"]}, "first": 2, "second": 2,
    }


def test_script_results_are_json_native() -> None:
    data: dict = {}
    compile_script("s = {3, 1, 2}\nt = (1, (2, 3))\nd = {'k': {'x'}}").run(data)
    assert data == {"s": [1, 2, 3], "t": [1, [2, 3]], "d": {"k": ["x"]}}
    assert json.loads(json.dumps(data)) == data


def test_script_copies_values_instead_of_sharing_them() -> None:
    data = {"a": {"k": 1}}
    compile_script('b = a\nb["k"] = 2\na["self"] = a').run(data)
    assert data == {"a": {"k": 1, "self": {"k": 1}}, "b": {"k": 2}}
    json.dumps(data)


def test_script_names_and_targets() -> None:
    script = compile_script('total = price * qty\ncart["n"] += 1\nlog = total')
    assert script.names == {"price", "qty", "cart", "total"}
    assert script.targets == {"total", "cart", "log"}


def test_script_is_dedented() -> None:
    data = {"a": 1}
    compile_script("\n    b = a + 1\n    c = b * 2\n").run(data)
    assert data == {"a": 1, "b": 2, "c": 4}


@pytest.mark.parametrize(("text", "line", "reason", "params"), [
    ("import os", 1, "script_statement", {"statement": "import"}),
    ("from os import system", 1, "script_statement", {"statement": "import"}),
    ("def f(): pass", 1, "script_statement", {"statement": "def"}),
    ("a = 1\nfor i in a: pass", 2, "script_statement", {"statement": "for"}),
    ("a = 1\n\ndel a", 3, "script_statement", {"statement": "del"}),
    ("if a: b = 1", 1, "script_statement", {"statement": "if"}),
    ("while True: pass", 1, "script_statement", {"statement": "while"}),
    ("with a: pass", 1, "script_statement", {"statement": "with"}),
    ("class A: pass", 1, "script_statement", {"statement": "class"}),
    ("try:\n    a = 1\nexcept: pass", 1, "script_statement", {"statement": "try"}),
    ("global a", 1, "script_statement", {"statement": "global"}),
    ("a: int = 1", 1, "script_statement", {"statement": "annotated_assignment"}),
    ("a", 1, "script_statement", {"statement": "expression"}),
    ('__import__("os").system("id")', 1, "call", {}),
    ("a = 1\nb = open('x')", 2, "call", {}),
    ("x.y = 1", 1, "attribute", {}),
    ("a, b = 1, 2", 1, "assign_target", {}),
    ("a[1:2] = [3]", 1, "assign_target", {}),
    ("_a = 1", 1, "private_name", {"name": "_a"}),
    ("a **= 2", 1, "operator", {"op": "**"}),
    ("a = [c for c in b]", 1, "comprehension", {}),
    ("a = (", 1, "syntax", {"detail": "'(' was never closed"}),
    ("a = 1\n" * (MAX_SCRIPT_CHARS // 6 + 1), None, "too_long",
     {"length": 6 * (MAX_SCRIPT_CHARS // 6 + 1), "limit": MAX_SCRIPT_CHARS}),
])
def test_hostile_or_unsupported_scripts_are_rejected(text: str, line: int | None, reason: str,
                                                     params: dict) -> None:
    refused = check_script(text)
    assert refused is not None
    assert (refused.line, refused.reason, refused.reason_params) == (line, reason, params)


def test_script_rejection_carries_line() -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_script("a = 1\nimport os")
    assert caught.value.line == 2
    assert caught.value.reason == "script_statement"


@pytest.mark.parametrize(("text", "line", "reason", "params"), [
    ("a = 1\nb = missing", 2, "unknown_name", {"name": "missing"}),
    ('count += 1\nperson["name"] = 1 / 0', 2, "division_by_zero", {}),
    ('person["name"] = "B"\nitems[7] = 1', 2, "index_out_of_range", {"index": "7"}),
    ('person["name"] = "B"\nitems["k"] = 1', 2, "bad_index", {"type": "list", "key_type": "str"}),
    ('person["name"] = "B"\nnobody["k"] = 1', 2, "unknown_name", {"name": "nobody"}),
    ('person["name"] = "B"\ncount["k"] = 1', 2, "assign_into", {"type": "int"}),
    ('person[1] = "B"', 1, "store_key_not_text", {}),
    ("bad = {1: 'a'}", 1, "store_key_not_text", {}),
    ("bad = {1, 'a'}", 1, "store_mixed_set", {}),
    ("count = 1\ncount = count / 0.0", 2, "division_by_zero", {}),
])
def test_failing_script_leaves_data_untouched(text: str, line: int, reason: str,
                                              params: dict) -> None:
    data = {"count": 1, "person": {"name": "Ada"}, "items": [1]}
    before = copy.deepcopy(data)
    with pytest.raises(ExpressionError) as caught:
        compile_script(text).run(data)
    assert (caught.value.line, caught.value.reason, caught.value.reason_params) == (
        line, reason, params)
    assert data == before


@pytest.mark.parametrize("text", [
    "s += s\n" * 40,
    'a["x"] = a\na["y"] = a\n' * 30,
    "b = [1] * 10000\nc = [b] * 10000",
    "n *= n\n" * 20,
])
def test_scripts_cannot_build_memory_bombs(text: str) -> None:
    data = {"s": "ab", "a": {"p": "x" * 100}, "n": 99}
    with pytest.raises(ExpressionError) as caught:
        compile_script(text).run(data)
    assert caught.value.reason in ("script_too_much_data", "too_large", "result_too_long",
                                   "value_too_large")
    assert data == {"s": "ab", "a": {"p": "x" * 100}, "n": 99}


def test_script_context_is_readable_but_read_only() -> None:
    data = {"a": 1}
    compile_script("b = a + c").run(data, {"c": 2})
    assert data == {"a": 1, "b": 3}
    with pytest.raises(ExpressionError) as caught:
        compile_script("c = 5").run(data, {"c": 2})
    assert (caught.value.reason, caught.value.reason_params) == ("read_only", {"name": "c"})
    assert caught.value.line == 1
