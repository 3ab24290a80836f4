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


@pytest.mark.parametrize(("text", "reason"), [
    ("__import__('os').system('id')", "function calls are not allowed"),
    ("().__class__.__base__.__subclasses__()", "function calls are not allowed"),
    ("open('/etc/passwd')", "function calls are not allowed"),
    ("x.__class__", "attribute access is not allowed"),
    ("x.upper", "attribute access is not allowed"),
    ("[c for c in x]", "comprehensions are not allowed"),
    ("{k: 1 for k in x}", "comprehensions are not allowed"),
    ("(c for c in x)", "generator expressions are not allowed"),
    ("lambda: 1", "lambda expressions are not allowed"),
    ("(y := 1)", "assignment expressions (:=) are not allowed"),
    ('f"{x}"', "f-strings are not allowed"),
    ("2 ** 100000", "the operator '**' (power) is not allowed"),
    ('"a" * 10**9', "the operator '**' (power) is not allowed"),
    ("_secret", "names starting with '_' are not allowed"),
    ("__builtins__", "names starting with '_' are not allowed"),
    ("[*x]", "starred expressions (*) are not allowed"),
    ("{**x}", "dictionary unpacking (**) is not allowed"),
    ("x & 1", "the operator '&' is not allowed"),
    ("x << 1", "the operator '<<' is not allowed"),
    ("~x", "the operator '~' is not allowed"),
    ("x is 1", "'is' and 'is not' may only compare with None"),
    ("x[a:b]", "slice bounds must be constant whole numbers"),
    ("b'raw'", "constants of type 'bytes' are not allowed"),
    ("1j", "constants of type 'complex' are not allowed"),
    ("import os", "statements are not allowed in an expression (found 'import')"),
    ("x = 1", "statements are not allowed in an expression (found an assignment)"),
    ("def f(): pass", "statements are not allowed in an expression (found 'def')"),
    ("await x", "'await' is not allowed"),
    ("a +", "syntax error"),
    ("", "syntax error"),
])
def test_hostile_or_unsupported_expressions_are_rejected(text: str, reason: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    assert reason in caught.value.message
    assert check_expression(text) == str(caught.value)


def test_rejection_reports_line_only_for_multiline_text() -> None:
    assert compile_expression_error("open('x')").line is None
    error = compile_expression_error("(a ==\n open('x'))")
    assert error.line == 2 and str(error) == "line 2: function calls are not allowed"


def compile_expression_error(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    return caught.value


@pytest.mark.parametrize(("text", "reason"), [
    ("x" * (MAX_EXPRESSION_CHARS + 1), "too long"),
    (" + ".join(["a"] * 400), "too complex"),
    ("-" * 100 + "1", "nested too deeply"),
    ("[" * 100 + "]" * 100, "nested too deeply"),
])
def test_size_and_depth_are_bounded(text: str, reason: str) -> None:
    assert reason in (check_expression(text) or "")


@pytest.mark.parametrize(("text", "data", "message"), [
    ("x", {}, "unknown name 'x'"),
    ('"a" < 1', {}, "'<' not supported between instances of 'str' and 'int'"),
    ("1 / 0", {}, "division by zero"),
    ("n // 0", {"n": 4}, "division by zero"),
    ("n % 0", {"n": 4}, "division by zero"),
    ('d["missing"]', {"d": {}}, "key 'missing' not found"),
    ("items[5]", {"items": [1]}, "index 5 is out of range"),
    ("items['a']", {"items": [1]}, "list indices must be integers"),
    ("n[0]", {"n": 4}, "a value of type 'int' cannot be indexed"),
    ("-s", {"s": "a"}, "'-' needs a number, not 'str'"),
    ("d + 1", {"d": {}}, "'+' cannot be used with 'dict' and 'int'"),
    ("None + 1", {}, "'+' cannot be used with 'NoneType' and 'int'"),
    ('"%s" % n', {"n": 1}, "string formatting with '%' is not allowed"),
    ('"a" * n', {"n": 10**9}, "longer than 10,000"),
    ("[0] * n", {"n": 10_001}, "longer than 10,000"),
    ("n * n", {"n": 10**200}, "too large"),
    ("1e308 * 10", {}, "not a finite number"),
    ("1 in n", {"n": 2}, "not iterable"),
    ("{[1]}", {}, "unhashable type: 'list'"),
])
def test_runtime_errors_are_readable(text: str, data: dict, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, data)
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)


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


@pytest.mark.parametrize(("text", "reason"), [
    ("import os", "line 1: 'import' is not allowed in a script"),
    ("from os import system", "line 1: 'import' is not allowed in a script"),
    ("def f(): pass", "line 1: 'def' is not allowed in a script"),
    ("a = 1\nfor i in a: pass", "line 2: 'for' is not allowed in a script"),
    ("a = 1\n\ndel a", "line 3: 'del' is not allowed in a script"),
    ("if a: b = 1", "line 1: 'if' is not allowed in a script"),
    ("while True: pass", "line 1: 'while' is not allowed in a script"),
    ("with a: pass", "line 1: 'with' is not allowed in a script"),
    ("class A: pass", "line 1: 'class' is not allowed in a script"),
    ("try:\n    a = 1\nexcept: pass", "line 1: 'try' is not allowed in a script"),
    ("global a", "line 1: 'global' is not allowed in a script"),
    ("a: int = 1", "an annotated assignment is not allowed"),
    ("a", "an expression on its own is not allowed"),
    ('__import__("os").system("id")', "line 1: function calls are not allowed"),
    ("a = 1\nb = open('x')", "line 2: function calls are not allowed"),
    ("x.y = 1", "attribute access is not allowed"),
    ("a, b = 1, 2", "only a name or name[key] can be assigned to"),
    ("a[1:2] = [3]", "only a name or name[key] can be assigned to"),
    ("_a = 1", "names starting with '_' are not allowed"),
    ("a **= 2", "the operator '**' (power) is not allowed"),
    ("a = [c for c in b]", "comprehensions are not allowed"),
    ("a = (", "syntax error"),
    ("a = 1\n" * (MAX_SCRIPT_CHARS // 6 + 1), "too long"),
])
def test_hostile_or_unsupported_scripts_are_rejected(text: str, reason: str) -> None:
    assert reason in (check_script(text) or "")


def test_script_rejection_carries_line() -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_script("a = 1\nimport os")
    assert caught.value.line == 2
    assert caught.value.message.startswith("'import' is not allowed")


@pytest.mark.parametrize(("text", "message"), [
    ("a = 1\nb = missing", "line 2: unknown name 'missing'"),
    ('count += 1\nperson["name"] = 1 / 0', "line 2: division by zero"),
    ('person["name"] = "B"\nitems[7] = 1', "line 2: index 7 is out of range"),
    ('person["name"] = "B"\nnobody["k"] = 1', "line 2: unknown name 'nobody'"),
    ('person["name"] = "B"\ncount["k"] = 1', "line 2: cannot assign into a value of type 'int'"),
    ('person[1] = "B"', "dictionary keys must be text"),
    ("bad = {1: 'a'}", "dictionary keys must be text"),
    ("bad = {1, 'a'}", "a set of mixed types cannot be stored"),
    ("count = 1\ncount = count / 0.0", "division by zero"),
])
def test_failing_script_leaves_data_untouched(text: str, message: str) -> None:
    data = {"count": 1, "person": {"name": "Ada"}, "items": [1]}
    before = copy.deepcopy(data)
    with pytest.raises(ExpressionError) as caught:
        compile_script(text).run(data)
    assert message in str(caught.value)
    assert data == before


@pytest.mark.parametrize("text", [
    "s += s\n" * 40,
    'a["x"] = a\na["y"] = a\n' * 30,
    "b = [1] * 10000\nc = [b] * 10000",
    "n *= n\n" * 20,
])
def test_scripts_cannot_build_memory_bombs(text: str) -> None:
    data = {"s": "ab", "a": {"p": "x" * 100}, "n": 99}
    with pytest.raises(ExpressionError, match=r"too much data|too large|longer than"):
        compile_script(text).run(data)
    assert data == {"s": "ab", "a": {"p": "x" * 100}, "n": 99}


def test_script_context_is_readable_but_read_only() -> None:
    data = {"a": 1}
    compile_script("b = a + c").run(data, {"c": 2})
    assert data == {"a": 1, "b": 3}
    with pytest.raises(ExpressionError, match="'c' is read-only here"):
        compile_script("c = 5").run(data, {"c": 2})
