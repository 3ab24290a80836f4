"""Small process sources built in tests: a chain of elements in one lane, with one form."""

from __future__ import annotations

from itertools import pairwise

from engine import ProcessSource

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="definitions_probe" targetNamespace="http://example.org/probe">\n')
FORM = {
    "title": "Answer", "type": "object", "required": ["answer"],
    "properties": {"answer": {"title": "Answer", "type": "string", "maxLength": 200}},
}


def user_task(task_id: str, inner: str = "") -> str:
    """A user task with the probe form."""
    return (f'<bpmn:userTask id="{task_id}" name="Task {task_id}"><bpmn:extensionElements>'
            '<spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" '
            f'value="answer.json" /></spiffworkflow:properties></bpmn:extensionElements>{inner}'
            '</bpmn:userTask>')


def script_task(task_id: str, script: str, inner: str = "") -> str:
    """A script task running `script` (escaped for XML by the caller)."""
    return (f'<bpmn:scriptTask id="{task_id}" name="Script {task_id}">{inner}'
            f'<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>')


def timer_event(event_id: str, kind: str, text: str) -> str:
    """An intermediate timer event with a timeDuration or timeDate expression."""
    return (f'<bpmn:intermediateCatchEvent id="{event_id}" name="Wait {event_id}">'
            f'<bpmn:timerEventDefinition id="{event_id}_def"><bpmn:{kind} '
            f'xsi:type="bpmn:tFormalExpression">{text}</bpmn:{kind}></bpmn:timerEventDefinition>'
            '</bpmn:intermediateCatchEvent>')


def process_xml(process_id: str, elements: list[tuple[str, str]], extra: str = "",
                flows: str | None = None) -> str:
    """A process: start, each (id, xml) in turn, end; all in one lane; `extra` after it."""
    ids = ["start", *[i for i, _ in elements], "end"]
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
    chain = "".join(
        f'<bpmn:sequenceFlow id="flow_{a}_{b}" sourceRef="{a}" targetRef="{b}" />\n'
        for a, b in pairwise(ids))
    return (f'<bpmn:process id="{process_id}" isExecutable="true">\n'
            f'<bpmn:laneSet id="lanes_{process_id}"><bpmn:lane id="lane_requester" '
            f'name="Requester">{refs}</bpmn:lane></bpmn:laneSet>\n'
            '<bpmn:startEvent id="start" />\n'
            + "".join(xml + "\n" for _, xml in elements)
            + '<bpmn:endEvent id="end" />\n' + (chain if flows is None else flows)
            + '</bpmn:process>\n' + extra)


def probe(elements: list[tuple[str, str]], extra: str = "", process_id: str = "probe",
          flows: str | None = None) -> ProcessSource:
    """A ProcessSource of one chain of elements (and whatever `extra` adds to the file)."""
    xml = HEAD + process_xml(process_id, elements, flows=flows) + extra + "</bpmn:definitions>\n"
    return ProcessSource(process_id, xml, {"answer.json": FORM},
                         {"lane_requester": {"rule": "initiator"}})


# ---- large diagrams (the check benchmark and its tests) ----------------------------------------

BIG_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="d" targetNamespace="http://example.org/bench">\n'
        '<bpmn:process id="bench" isExecutable="true">\n')
BIG_TAIL = "</bpmn:process>\n</bpmn:definitions>\n"
BIG_LANES = {"lane_requester": {"rule": "initiator"}}


def many_problems(count: int = 40_000) -> ProcessSource:
    """A diagram where each of `count` elements breaks the schema (an unknown attribute)."""
    body = "".join(f'<bpmn:startEvent id="e{i}" wrong="{i}" />\n' for i in range(count))
    return ProcessSource("bench", BIG_HEAD + body + BIG_TAIL, {}, BIG_LANES)


def many_gateways(count: int = 11_500) -> ProcessSource:
    """A valid chain start -> `count` exclusive gateways -> end."""
    nodes = ['<bpmn:startEvent id="g0" />\n']
    nodes += [f'<bpmn:exclusiveGateway id="g{i}" />\n' for i in range(1, count + 1)]
    nodes.append(f'<bpmn:endEvent id="g{count + 1}" />\n')
    flows = [f'<bpmn:sequenceFlow id="f{i}" sourceRef="g{i}" targetRef="g{i + 1}" />\n'
             for i in range(count + 1)]
    return ProcessSource("bench", BIG_HEAD + "".join(nodes + flows) + BIG_TAIL, {},
                         BIG_LANES)
