"""What a diagram can make the engine do is bounded when it is checked, and again when it runs."""

from __future__ import annotations

import time

import pytest

from engine import FixedClock, InvalidDiagram, ProcessFailed, load_process
from engine.runtime import start_workflow
from tests.support.diagrams import probe, script_task, timer_event, user_task


def refused(source) -> list:
    """The problems a source is refused with."""
    with pytest.raises(InvalidDiagram) as caught:
        load_process(source)
    return caught.value.problems


def multi(count: str) -> str:
    return ("<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>"
            f"{count}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>")


def line_of(source, text: str) -> int:
    return source.bpmn_xml[: source.bpmn_xml.index(text)].count("\n") + 1


# ---- timers ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "text", "reason"), [
    ("timeDuration", '"not a duration"', "timer_not_duration"),
    ("timeDuration", "12", "timer_not_text"),
    ("timeDuration", '"P99999999Y"', "timer_too_long"),
    ("timeDuration", '"P11Y"', "timer_too_long"),
    ("timeDuration", '"P1W2D"', "timer_not_duration"),
    ("timeDuration", '"P" + "9999" + "Y"', "timer_too_long"),
    ("timeDate", '"next tuesday"', "timer_not_date"),
    ("timeDate", '"3000-01-01T00:00"', "timer_date_out_of_range"),
    ("timeDate", '"1899-12-31T23:00"', "timer_date_out_of_range"),
    ("timeDate", '"P12M"', "timer_not_date"),
])
def test_a_literal_timer_value_is_parsed_when_the_diagram_is_checked(kind, text, reason):
    source = probe([("wait", timer_event("wait", kind, text.replace('"', "&quot;")))])
    [problem] = refused(source)
    assert (problem.code, problem.params["reason"]) == ("bpmn.timer_refused", reason)
    assert problem.element_id == "wait" and problem.line == line_of(source, 'id="wait"')


@pytest.mark.parametrize(("kind", "text"), [
    ("timeDuration", '"P12M"'), ("timeDuration", '"PT0S"'), ("timeDuration", '"P10Y"'),
    ("timeDuration", "wait_for"), ("timeDate", '"2030-01-31T09:00:00+01:00"'),
])
def test_sound_timer_values_load(kind, text):
    load_process(probe([("wait", timer_event("wait", kind, text.replace('"', "&quot;")))]))


def test_timer_cycles_stay_refused():
    source = probe([("wait", timer_event("wait", "timeCycle", "&quot;R3/PT1H&quot;"))])
    assert [p.code for p in refused(source)] == ["bpmn.cycle_timer"]


@pytest.mark.parametrize(("value", "reason"), [
    ("P99999999Y", "timer_too_long"), (12, "timer_not_text"), ("soon", "timer_not_duration"),
])
def test_a_timer_value_from_data_is_bounded_before_spiffworkflow_steps_through_it(value, reason):
    loaded = load_process(probe([("wait", timer_event("wait", "timeDuration", "wait_for"))]))
    started = time.perf_counter()
    with pytest.raises(ProcessFailed) as caught:
        start_workflow(loaded, {"wait_for": value}, FixedClock())
    assert caught.value.code == "process.expression_failed"
    assert caught.value.params["reason"] == reason and caught.value.params["task"] == "Wait wait"
    assert time.perf_counter() - started < 1


def test_a_bounded_timer_value_from_data_waits():
    loaded = load_process(probe([("wait", timer_event("wait", "timeDuration", "wait_for"))]))
    snapshot = start_workflow(loaded, {"wait_for": "P30D"}, FixedClock())
    assert [t.name for t in snapshot.timers] == ["Wait wait"]


# ---- loops and multi-instance ------------------------------------------------------------------

@pytest.mark.parametrize(("inner", "code"), [
    (multi("100000000"), "bpmn.loop_unbounded"),
    (multi("21"), "bpmn.loop_unbounded"),
    (multi("count"), "bpmn.loop_unbounded"),
    (multi("0"), "bpmn.loop_unbounded"),
    ("<bpmn:standardLoopCharacteristics><bpmn:loopCondition>True</bpmn:loopCondition>"
     "</bpmn:standardLoopCharacteristics>", "bpmn.loop_unbounded"),
    ('<bpmn:standardLoopCharacteristics loopMaximum="1000000" />', "bpmn.loop_unbounded"),
    ('<bpmn:standardLoopCharacteristics loopMaximum="3"><bpmn:loopCondition>'
     "__import__('os')</bpmn:loopCondition></bpmn:standardLoopCharacteristics>",
     "bpmn.loop_condition_refused"),
    ("<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality>"
     "<bpmn:completionCondition>[[0]*10000]*10000 == 1</bpmn:completionCondition>"
     "</bpmn:multiInstanceLoopCharacteristics>", "bpmn.loop_condition_refused"),
    ("<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>items"
     "</bpmn:loopDataInputRef></bpmn:multiInstanceLoopCharacteristics>",
     "bpmn.loop_input_collection"),
])
def test_loops_on_a_script_task_need_a_literal_small_bound(inner, code):
    source = probe([("calc", script_task("calc", "n = 1", inner))])
    [problem] = refused(source)
    assert problem.code == code and problem.element_id == "calc"
    assert problem.line == line_of(source, 'id="calc"')


def test_a_multi_instance_user_task_is_refused_whatever_its_cardinality():
    for count in ("1000000", "2"):
        [problem] = refused(probe([("ask", user_task("ask", multi(count)))]))
        assert problem.code == "bpmn.loop_not_supported"
        assert problem.params == {"element": "userTask"}


def test_a_small_literal_loop_on_a_script_task_loads_and_runs_to_the_end():
    for inner in (multi("3"), '<bpmn:standardLoopCharacteristics loopMaximum="5">'
                  "<bpmn:loopCondition>n &gt; 2</bpmn:loopCondition>"
                  "</bpmn:standardLoopCharacteristics>"):
        loaded = load_process(probe([("calc", script_task("calc", "n = n + 1", inner))]))
        assert start_workflow(loaded, {"n": 0}, FixedClock()).completed


# ---- tasks nobody completes, every process ----------------------------------------------------

@pytest.mark.parametrize("kind", ["manualTask", "task", "receiveTask", "sendTask",
                                  "businessRuleTask", "callActivity"])
def test_a_task_nobody_and_no_engine_step_completes_is_refused(kind):
    source = probe([("hang", f'<bpmn:{kind} id="hang" name="Hang" />')])
    [problem] = refused(source)
    assert (problem.code, problem.params, problem.element_id) == (
        "bpmn.never_completed", {"element": kind}, "hang")


def test_every_process_in_the_file_is_checked_not_only_the_one_started():
    second = (
        '<bpmn:process id="other" isExecutable="true">'
        '<bpmn:startEvent id="other_start" />'
        '<bpmn:serviceTask id="svc" name="Call out" />'
        + script_task("evil", "__import__('os').system('id')") +
        '<bpmn:sequenceFlow id="o1" sourceRef="other_start" targetRef="svc" />'
        '<bpmn:sequenceFlow id="o2" sourceRef="svc" targetRef="evil" />'
        '</bpmn:process>')
    source = probe([("ask", user_task("ask"))], extra=second)
    problems = refused(source)
    found = {(p.code, p.element_id) for p in problems}
    assert ("bpmn.unsupported_element", "svc") in found
    assert ("bpmn.script_refused", "evil") in found


# ---- a cycle nobody is in ---------------------------------------------------------------------

CYCLE = ('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc" />'
         '<bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="again" />'
         '<bpmn:sequenceFlow id="f3" sourceRef="again" targetRef="calc">'
         '<bpmn:conditionExpression>n &gt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>'
         '<bpmn:sequenceFlow id="f4" sourceRef="again" targetRef="end" />')


def test_an_automatic_cycle_fails_clearly_instead_of_looking_completed():
    loaded = load_process(probe([("calc", script_task("calc", "n = n + 1")),
                                 ("again", '<bpmn:exclusiveGateway id="again" default="f4" />')],
                                flows=CYCLE))
    started = time.perf_counter()
    with pytest.raises(ProcessFailed) as caught:
        start_workflow(loaded, {"n": 0}, FixedClock())
    assert caught.value.code == "process.too_many_steps"
    assert caught.value.params == {"limit": 250}
    assert time.perf_counter() - started < 2
    # the same diagram leaves the cycle when the data says so, and reaches its end
    assert start_workflow(loaded, {"n": -5}, FixedClock()).completed
