"""SafeScriptEngine inside real SpiffWorkflow runs: gateways, scripts, timers, hostile diagrams."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.definitions.expressions import ExpressionError
from engine.runtime import SafeEnvironment, SafeScriptEngine
from engine.runtime._advance import _failure

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
)

APPROVAL = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="defs" targetNamespace="http://example.org/kontofloede">
  <bpmn:process id="approval" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="count"/>
    <bpmn:task id="count" name="Count the attempt">
      <bpmn:extensionElements>
        <spiffworkflow:preScript>attempts = attempts + 1</spiffworkflow:preScript>
        <spiffworkflow:postScript>note = "counted"</spiffworkflow:postScript>
      </bpmn:extensionElements>
    </bpmn:task>
    <bpmn:sequenceFlow id="f0" sourceRef="count" targetRef="decide"/>
    <bpmn:scriptTask id="decide" name="Decide">
      <bpmn:script>approved = decision == "approve"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="gateway"/>
    <bpmn:exclusiveGateway id="gateway" default="to_rejected"/>
    <bpmn:sequenceFlow id="to_wait" sourceRef="gateway" targetRef="wait">
      <bpmn:conditionExpression>{{condition}}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_rejected" sourceRef="gateway" targetRef="rejected"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration>{{timer}}</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="approved_end"/>
    <bpmn:endEvent id="approved_end"/>
    <bpmn:endEvent id="rejected"/>
  </bpmn:process>
</bpmn:definitions>
"""

SCRIPT_ONLY = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="defs" targetNamespace="http://example.org/kontofloede">
  <bpmn:process id="scripted" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="run"/>
    <bpmn:scriptTask id="run"><bpmn:script>{{script}}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="run" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

MULTI = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="defs" targetNamespace="http://example.org/kontofloede">
  <bpmn:process id="multi" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="each"/>
    <bpmn:scriptTask id="each">
      <bpmn:multiInstanceLoopCharacteristics isSequential="true">
        <bpmn:loopCardinality>{{cardinality}}</bpmn:loopCardinality>
      </bpmn:multiInstanceLoopCharacteristics>
      <bpmn:script>done = True</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="each" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _workflow(xml: str, process_id: str, **data: object) -> BpmnWorkflow:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_str(xml.encode(), filename=f"{process_id}.bpmn")
    workflow = BpmnWorkflow(parser.get_spec(process_id), script_engine=SafeScriptEngine())
    workflow.task_tree.data.update(data)
    return workflow


def _approval(decision: str, timer: str = '"PT0S"', condition: str = "approved and attempts <= 3",
              **data: object) -> BpmnWorkflow:
    condition = condition.replace("&", "&amp;").replace("<", "&lt;")
    xml = APPROVAL.replace("{timer}", timer).replace("{condition}", condition)
    return _workflow(xml, "approval", decision=decision, attempts=0, **data)


def _step(workflow: BpmnWorkflow) -> None:
    """Complete the ready manual tasks (the pre-/post-script task), then run engine steps."""
    workflow.do_engine_steps()
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        task.run()
    workflow.do_engine_steps()


def _finish(workflow: BpmnWorkflow) -> None:
    _step(workflow)
    for _ in range(50):
        if workflow.is_completed():
            return
        time.sleep(0.01)
        workflow.refresh_timers()
        _step(workflow)
    raise AssertionError("workflow did not complete")


def _completed(workflow: BpmnWorkflow) -> set[str]:
    return {t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)}


def _end_data(workflow: BpmnWorkflow, spec_name: str) -> dict:
    return workflow.get_tasks(spec_name=spec_name, state=TaskState.COMPLETED)[0].data


def test_approve_takes_the_timer_branch_and_script_result_lands_in_data() -> None:
    workflow = _approval("approve")
    _finish(workflow)
    assert {"wait", "approved_end"} <= _completed(workflow)
    assert "rejected" not in _completed(workflow)
    data = _end_data(workflow, "approved_end")
    assert data["approved"] is True
    assert data["attempts"] == 1
    assert data["note"] == "counted"


def test_reject_takes_the_default_branch() -> None:
    workflow = _approval("reject")
    _finish(workflow)
    assert "rejected" in _completed(workflow)
    assert "wait" not in _completed(workflow)
    assert _end_data(workflow, "rejected")["approved"] is False


def test_timer_duration_read_from_a_data_name() -> None:
    workflow = _approval("approve", timer="delay", delay="PT0S")
    _finish(workflow)
    assert "approved_end" in _completed(workflow)


def test_long_timer_waits_with_its_due_time() -> None:
    workflow = _approval("approve", timer='"P12M"')
    _step(workflow)
    assert not workflow.is_completed()
    events = workflow.waiting_events()
    assert len(events) == 1 and events[0].value > "2000"


def test_multi_instance_cardinality_goes_through_the_evaluator() -> None:
    workflow = _workflow(MULTI.replace("{cardinality}", "count"), "multi", count=3)
    workflow.do_engine_steps()
    assert workflow.is_completed()
    children = workflow.get_tasks(spec_name="each [child]", state=TaskState.COMPLETED)
    assert len(children) == 3


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    """A file a hostile script would create if it ran."""
    return tmp_path / f"pwned_{uuid.uuid4().hex}"


def test_hostile_script_fails_and_runs_nothing(marker: Path) -> None:
    script = f'__import__("os").system("touch {marker}")'
    workflow = _workflow(SCRIPT_ONLY.replace("{script}", script), "scripted")
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert caught.value.exception.reason == "call"
    assert caught.value.line_number == 1
    assert not marker.exists()
    assert workflow.get_tasks(spec_name="run", state=TaskState.ERROR)


def test_hostile_condition_fails_and_runs_nothing(marker: Path) -> None:
    condition = f"().__class__.__base__.__subclasses__() or open('{marker}', 'w')"
    workflow = _approval("approve", condition=condition)
    with pytest.raises(WorkflowTaskException) as caught:
        _step(workflow)
    assert caught.value.exception.reason == "call"
    assert caught.value.expression.startswith("().__class__")
    assert not marker.exists()


def test_hostile_timer_expression_fails(marker: Path) -> None:
    workflow = _approval("approve", timer=f"__import__('os').system('touch {marker}')")
    with pytest.raises(WorkflowTaskException) as caught:
        _step(workflow)
    assert caught.value.exception.reason == "call"
    assert not marker.exists()


def test_failing_script_leaves_task_data_untouched() -> None:
    script = "first = 1\nsecond = missing + 1"
    workflow = _workflow(SCRIPT_ONLY.replace("{script}", script), "scripted", keep="yes")
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert caught.value.exception.reason == "unknown_name"
    assert caught.value.exception.reason_params == {"name": "missing"}
    assert caught.value.expression is None  # a script, not an expression
    assert caught.value.line_number == 2
    assert caught.value.error_line == "second = missing + 1"
    task = workflow.get_tasks(spec_name="run", state=TaskState.ERROR)[0]
    assert "first" not in task.data and task.data["keep"] == "yes"


def test_validate_raises_syntax_error_with_reason() -> None:
    engine = SafeScriptEngine()
    engine.validate("a == 1")
    with pytest.raises(SyntaxError, match="call"):
        engine.validate("open('x')")
    with pytest.raises(SyntaxError):
        engine.validate("< 5")


def test_environment_cannot_be_swapped_for_the_eval_one() -> None:
    engine = SafeScriptEngine()
    with pytest.raises(TypeError):
        engine.environment = TaskDataEnvironment()
    assert isinstance(engine.environment, SafeEnvironment)


def test_environment_direct_calls_use_the_evaluator(marker: Path) -> None:
    environment = SafeScriptEngine().environment
    assert environment.evaluate("a + b", {"a": 1}, external_context={"b": 2}) == 3
    with pytest.raises(ExpressionError, match="call"):
        environment.evaluate(f"open('{marker}', 'w')", {})
    data = {"a": 1}
    assert environment.execute("b = a + c", data, {"c": 2}) is True
    assert data == {"a": 1, "b": 3}
    with pytest.raises(ExpressionError, match="service_task"):
        environment.call_service({}, operation_name="x")
    assert not marker.exists()


def test_external_context_is_read_only_in_scripts() -> None:
    environment = SafeEnvironment()
    data = {"a": 1}
    with pytest.raises(ExpressionError, match="read_only"):
        environment.execute("c = 5", data, {"c": 2})
    assert data == {"a": 1}


def test_a_failing_script_or_condition_stops_the_process_with_its_reason() -> None:
    script = "first = 1\nsecond = missing + 1"
    workflow = _workflow(SCRIPT_ONLY.replace("{script}", script), "scripted")
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    failed = _failure(caught.value)
    assert (failed.code, failed.params) == ("process.script_failed", {
        "task": "run", "reason": "unknown_name", "reason_params": {"name": "missing"},
        "line": 2})
    workflow = _approval("approve", condition="approved and attempts / 0")
    with pytest.raises(WorkflowTaskException) as caught:
        _step(workflow)
    failed = _failure(caught.value)
    assert failed.code == "process.expression_failed"
    assert failed.params["expression"] == "approved and attempts / 0"
    assert (failed.params["reason"], failed.params["reason_params"]) == ("division_by_zero", {})
