"""Evaluation cost: every value is sized deeply and refused before it is made; work is bounded."""

from __future__ import annotations

import time

import pytest

from engine.definitions.expressions import (
    MAX_VALUE_SIZE,
    MAX_WORK,
    ExpressionError,
    check_expression,
    check_script,
    compile_expression,
    compile_script,
    evaluate,
)
from engine.definitions.expressions._cost import deep_size


def test_deep_size_counts_shared_parts_each_time_they_appear():
    text = "a" * 10_000
    assert deep_size((text,) * 10_000, 10**12) == 1 + 10_000 * 10_000
    assert deep_size([[0] * 3, "ab", {"k": "vv"}], 10**9) == 11
    assert deep_size([""] * 5, 10**9) == 6  # an empty string still costs its reference
    assert deep_size([[0] * 10_000] * 10_000, 1000) <= 1000 + 10_001  # the walk stops early


@pytest.mark.parametrize("text", [
    "[[[[0]*10000]*10000]*10000]*10000 == 1",
    "{}[(('a'*10000,)*10000,)*10] == 1",
    "(('a' * 10000,) * 10000,) * 10",
    "['x' * 10000] * 100 == ['x' * 10000] * 100",
    "[[0] * 10000] * 10000",
    "{('a' * 10000,) * 100: 1}",
    "decision == 'approve' or [['a' * 5000] * 100] * 100 == decision",
    "x if flag else [[0] * 10000] * 100",
])
def test_bombs_written_as_literals_are_refused_when_the_text_is_checked(text):
    started = time.perf_counter()
    refused = check_expression(text)
    assert refused is not None and refused.reason == "value_too_large"
    assert refused.reason_params == {"limit": MAX_VALUE_SIZE}
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(("text", "data"), [
    ("[[x] * 1000] * 1000 == 1", {"x": 0}),
    ("{}[((s,) * n,) * 10] == 1", {"s": "a" * 10_000, "n": 10_000}),
    ("(s,) * n", {"s": "a" * 100, "n": 10_000}),
    ("x in [s] * 100", {"x": 1, "s": "b" * 10_000}),
    ("[s, s, s] + [s] * 20 == [s]", {"s": "c" * 10_000}),
    ("x == y", {"x": [[0] * 1000] * 1000, "y": [[0] * 1000] * 1000}),
    ("x[0] == 1", {"x": [["a" * 1000] * 1000]}),
    ("{x: 1}", {"x": (("a" * 1000,) * 1000,)}),
])
def test_values_that_depend_on_data_are_refused_before_they_are_made(text, data):
    assert check_expression(text) is None  # the text alone cannot show it
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, data)
    assert caught.value.reason == "value_too_large"
    assert time.perf_counter() - started < 0.5


def test_ordinary_values_near_the_limit_still_work():
    assert evaluate("len_ok == [s] * 10", {"len_ok": ["x" * 10_000] * 10, "s": "x" * 10_000})
    assert evaluate("'P' + '12' + 'M'", {}) == "P12M"
    assert evaluate("[0] * 10000 == [0] * 10000", {})


def test_total_work_is_bounded_even_when_every_value_is_small_enough():
    # Each comparison is within the size limit; together they are far more work than allowed.
    big = ["x" * 1000] * 190
    text = " and ".join(["a == b"] * 150)
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, {"a": big, "b": list(big)})
    assert caught.value.reason == "too_much_work"
    assert caught.value.reason_params == {"limit": MAX_WORK}
    assert time.perf_counter() - started < 2


def test_a_script_doubling_a_list_is_refused_at_check_time_with_its_line():
    text = "a = [1] * 1000\n" + "a = a + a\n" * 20
    refused = check_script(text)
    assert refused is not None and refused.reason == "script_too_much_data"
    assert refused.line == 7  # 1000 * 2**6 items: the first assignment over the budget


def test_a_script_doubling_nested_lists_from_data_stops_before_it_is_big():
    script = compile_script("a = [x] * 10\n" + "a = [a, a]\n" * 40)
    data = {"x": "y" * 100}
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        script.run(data)
    assert caught.value.reason in ("script_too_much_data", "value_too_large")
    assert data == {"x": "y" * 100}
    assert time.perf_counter() - started < 1


def test_a_script_comparing_two_huge_nested_values_is_refused():
    script = compile_script("a = [x] * 100\nb = [a] * 100\nc = b == b")
    with pytest.raises(ExpressionError) as caught:
        script.run({"x": "z" * 50})
    assert caught.value.reason in ("script_too_much_data", "value_too_large")


def test_a_script_that_builds_a_bomb_from_its_own_literals_names_the_line():
    refused = check_script("ok = 1\nb = ('a' * 10000,) * 10000\n")
    assert refused is not None and refused.reason == "value_too_large" and refused.line == 2


def test_a_part_that_fails_for_another_reason_is_left_to_the_run():
    assert check_expression("x and 1 / 0") is None
    assert check_script("a = missing + 1\nb = a * 2") is None


def test_a_refused_key_is_shown_shortly_without_walking_it():
    with pytest.raises(ExpressionError) as caught:
        compile_expression("{}[k]").evaluate({"k": ("a" * 5000,) * 30})
    assert caught.value.reason == "key_missing"
    assert len(caught.value.reason_params["key"]) <= 60
