"""Rules that bound what a diagram can make the engine do: timers, loops and multi-instance.

A timer's literal value is parsed as the ISO 8601 duration or date-time it must be; loops and
multi-instance activities need a literal, small bound, and their conditions go through the
evaluator's check. (Values that depend on data are bounded again when they are evaluated.)
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from lxml import etree

from engine.definitions.expressions import (
    TIMER_KINDS,
    ExpressionError,
    check_expression,
    compile_expression,
    timer_refusal,
)

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
NS = {"bpmn": BPMN[1:-1]}
MAX_LOOP = 20  # the most rounds of a loop, or instances of a multi-instance activity
LOOPS = ("standardLoopCharacteristics", "multiInstanceLoopCharacteristics")
# Activities whose loops the engine can run: a script task. A user task's rounds would each be
# a task under another name than the one its form and lane are known by, so none reach an inbox.
LOOPING_ALLOWED = frozenset({"scriptTask"})

Add = Callable[..., None]  # add(at, code, **params)
AddRefused = Callable[[etree._Element, str, ExpressionError], None]


def check_timer(event: etree._Element, add: Add, add_refused: AddRefused) -> None:
    """A timer event: one supported definition whose literal value is a bounded duration or date."""
    definition = event.find("bpmn:timerEventDefinition", NS)
    if definition is None:
        add(event, "bpmn.only_timers_caught")
        return
    if definition.find("bpmn:timeCycle", NS) is not None:
        add(event, "bpmn.cycle_timer")
        return
    for kind in TIMER_KINDS:
        expression = definition.find(f"bpmn:{kind}", NS)
        if expression is not None:
            refused = _timer_text_refusal(kind, (expression.text or "").strip())
            if refused:
                add_refused(event, "bpmn.timer_refused", refused)
            return
    add(event, "bpmn.timer_missing")


def _timer_text_refusal(kind: str, text: str) -> ExpressionError | None:
    """Why a timer's text is refused: as an expression, or, if it reads no data, by its value."""
    refused = check_expression(text)
    if refused is not None:
        return refused
    expression = compile_expression(text)
    if expression.names:
        return None  # depends on data: bounded when it is evaluated
    try:
        value = expression.evaluate({})
    except ExpressionError as err:
        return err
    return timer_refusal(kind, value)


def _literal_count(text: str | None) -> int | None:
    """A whole number written as a literal (`3`, `"3"` in an attribute), else None."""
    text = (text or "").strip()
    try:
        node = ast.parse(text, mode="eval").body if len(text) <= 20 else None
    except SyntaxError:
        return None
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def check_loops(element: etree._Element, add: Add, add_refused: AddRefused) -> None:
    """Loop and multi-instance characteristics of an activity: literal, small, checked."""
    for loop in element:
        if not isinstance(loop.tag, str) or etree.QName(loop).localname not in LOOPS:
            continue
        kind = etree.QName(loop).localname
        if etree.QName(element).localname not in LOOPING_ALLOWED:
            add(element, "bpmn.loop_not_supported", element=etree.QName(element).localname)
            continue
        if kind == "standardLoopCharacteristics":
            _check_standard_loop(element, loop, add, add_refused)
        else:
            _check_multi_instance(element, loop, add, add_refused)


def _check_bound(element: etree._Element, count: int | None, add: Add, what: str) -> None:
    if count is None or not 0 < count <= MAX_LOOP:
        add(element, "bpmn.loop_unbounded", bound=what, limit=MAX_LOOP)


def _check_condition(element: etree._Element, condition: etree._Element | None,
                     add_refused: AddRefused) -> None:
    if condition is not None:
        refused = check_expression((condition.text or "").strip())
        if refused:
            add_refused(element, "bpmn.loop_condition_refused", refused)


def _check_standard_loop(element: etree._Element, loop: etree._Element, add: Add,
                         add_refused: AddRefused) -> None:
    _check_bound(element, _literal_count(loop.get("loopMaximum")), add, "loopMaximum")
    _check_condition(element, loop.find("bpmn:loopCondition", NS), add_refused)


def _check_multi_instance(element: etree._Element, loop: etree._Element, add: Add,
                          add_refused: AddRefused) -> None:
    if loop.find("bpmn:loopDataInputRef", NS) is not None:
        add(element, "bpmn.loop_input_collection")
    else:
        cardinality = loop.find("bpmn:loopCardinality", NS)
        text = cardinality.text if cardinality is not None else None
        _check_bound(element, _literal_count(text), add, "loopCardinality")
    _check_condition(element, loop.find("bpmn:completionCondition", NS), add_refused)

