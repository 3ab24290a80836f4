"""Our own rules for diagrams, checked before SpiffWorkflow parses them.

SpiffWorkflow accepts things that fail later at run time (a gateway nobody can leave) or gives
misleading messages (a flow to a missing element); these rules report them up front, each with
the element id, its name and its line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from engine.definitions.expressions import check_expression, check_script
from engine.errors import ExpressionError, Problem

from ._bounds import check_loops, check_timer
from ._lanes import LaneRule

if TYPE_CHECKING:
    from ._process import ProcessSource

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
NS = {"bpmn": BPMN[1:-1], "spiffworkflow": SPIFF[1:-1]}

# Flow elements the engine knows how to run safely; anything else in a process is refused.
SUPPORTED_FLOW_ELEMENTS = {
    "startEvent", "endEvent", "userTask", "scriptTask", "exclusiveGateway",
    "parallelGateway", "intermediateCatchEvent", "boundaryEvent", "sequenceFlow", "laneSet",
    "textAnnotation", "association", "documentation", "extensionElements",
}
TIMER_EVENTS = {"intermediateCatchEvent", "boundaryEvent"}
# Tasks SpiffWorkflow would wait on that neither a person's inbox (user tasks with a form only)
# nor an engine step ever completes: a request reaching one would hang there.
NEVER_COMPLETED = {"task", "manualTask", "receiveTask", "sendTask", "businessRuleTask",
                   "callActivity"}
# SpiffWorkflow's parser follows the flow recursively, about two frames per element; a process
# of this many elements (far more than a procedure needs) stays well within Python's stack.
MAX_FLOW_NODES = 300
NOT_NODES = {"sequenceFlow", "laneSet", "textAnnotation", "association", "documentation",
             "extensionElements"}
EQUALS_LITERAL = re.compile(r"""^\s*([A-Za-z][A-Za-z0-9_]*)\s*==\s*(['"])(.*?)\2\s*$""")


def lint_tree(
    tree: etree._ElementTree, source: ProcessSource, filename: str,
    lane_rules: dict[str, LaneRule],
) -> list[Problem]:
    """Every problem our rules find in the diagram, in document order."""
    processes = tree.getroot().findall("bpmn:process", NS)
    problems = []
    if not any(process.get("id") == source.process_id for process in processes):
        problems.append(Problem("bpmn.no_process", {"process_id": source.process_id},
                                file=filename))
    # Every process in the file is checked, not only the one that is started: another one
    # could be reached (or be mistaken for harmless) and must hold to the same rules.
    for process in processes:
        checker = _Checker(process, source, filename, lane_rules)
        checker.run()
        problems.extend(checker.problems)
    return problems


class _Checker:
    """Walks one process element and collects problems."""

    def __init__(self, process, source, filename, lane_rules):
        self.process = process
        self.source = source
        self.filename = filename
        self.lane_rules = lane_rules
        self.problems: list[Problem] = []
        self.ids = {el.get("id") for el in process.iter() if el.get("id")}
        self.lanes = {}
        for lane in process.iterfind(".//bpmn:lane", NS):
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                self.lanes[(ref.text or "").strip()] = lane
        self.flows = process.findall("bpmn:sequenceFlow", NS)
        self.outgoing: dict[str | None, list[etree._Element]] = {}
        for flow in self.flows:
            self.outgoing.setdefault(flow.get("sourceRef"), []).append(flow)

    def add(self, at: etree._Element, code: str, **params: Any) -> None:
        """Record a problem located at an element."""
        self.problems.append(Problem(
            code, params, element_id=at.get("id"), element_name=at.get("name"),
            line=at.sourceline, file=self.filename))

    def add_refused(self, at: etree._Element, code: str, refused: ExpressionError) -> None:
        """Record refused diagram text: the evaluator's reason and the line within the text."""
        self.add(at, code, reason=refused.reason, reason_params=refused.reason_params,
                 line=refused.line)

    def run(self) -> None:
        """Apply every rule."""
        nodes = 0
        for element in self.process:
            if not isinstance(element.tag, str):
                continue
            nodes += etree.QName(element).localname not in NOT_NODES
            self._check_supported(element)
            check_loops(element, self.add, self.add_refused)
        if nodes > MAX_FLOW_NODES:
            self.add(self.process, "bpmn.too_many_elements", count=nodes, limit=MAX_FLOW_NODES)
        for flow in self.flows:
            self._check_flow(flow)
        for lane in self.process.iterfind(".//bpmn:lane", NS):
            self._check_lane(lane)
        for task in self.process.iterfind("bpmn:userTask", NS):
            self._check_user_task(task)
        for gateway in self.process.iterfind("bpmn:exclusiveGateway", NS):
            self._check_gateway(gateway)
        for script_task in self.process.iterfind("bpmn:scriptTask", NS):
            self._check_script_text(script_task, script_task.findtext("bpmn:script", "", NS))
        for script in self.process.iterfind(".//spiffworkflow:preScript", NS):
            self._check_script_text(script.getparent().getparent(), script.text or "")
        for script in self.process.iterfind(".//spiffworkflow:postScript", NS):
            self._check_script_text(script.getparent().getparent(), script.text or "")

    def _check_supported(self, element: etree._Element) -> None:
        local = etree.QName(element).localname
        if etree.QName(element).namespace == BPMN[1:-1] and local in NEVER_COMPLETED:
            self.add(element, "bpmn.never_completed", element=local)
            return
        if etree.QName(element).namespace != BPMN[1:-1] or local not in SUPPORTED_FLOW_ELEMENTS:
            self.add(element, "bpmn.unsupported_element", element=local)
            return
        if local in ("startEvent", "endEvent"):
            self._check_plain_event(element, local)
        if local in TIMER_EVENTS:
            check_timer(element, self.add, self.add_refused)

    def _check_plain_event(self, event: etree._Element, local: str) -> None:
        """Start and end events may carry no event definition (a terminate end is fine)."""
        for definition in event:
            if not isinstance(definition.tag, str):
                continue
            kind = etree.QName(definition).localname
            if kind.endswith("EventDefinition") and kind != "terminateEventDefinition":
                self.add(event, "bpmn.unsupported_event", event=local, definition=kind)

    def _check_flow(self, flow: etree._Element) -> None:
        for end in ("sourceRef", "targetRef"):
            ref = flow.get(end)
            if ref not in self.ids:
                self.add(flow, "bpmn.flow_end_unknown", end=end, ref=ref)
        condition = flow.find("bpmn:conditionExpression", NS)
        if condition is not None:
            refused = check_expression((condition.text or "").strip())
            if refused:
                self.add_refused(flow, "bpmn.condition_refused", refused)

    def _check_lane(self, lane: etree._Element) -> None:
        if lane.get("id") not in self.lane_rules:
            self.add(lane, "bpmn.lane_without_rule")

    def _check_in_lane(self, task: etree._Element) -> bool:
        if task.get("id") not in self.lanes:
            self.add(task, "bpmn.task_without_lane")
            return False
        return True

    def _check_user_task(self, task: etree._Element) -> None:
        self._check_in_lane(task)
        form_file = None
        for prop in task.iterfind(".//spiffworkflow:property", NS):
            if prop.get("name") == "formJsonSchemaFilename":
                form_file = prop.get("value")
        if not form_file:
            self.add(task, "bpmn.task_without_form")
        elif form_file not in self.source.forms:
            self.add(task, "bpmn.form_file_missing", file=f"forms/{form_file}")

    def _check_gateway(self, gateway: etree._Element) -> None:
        outgoing = self.outgoing.get(gateway.get("id"), [])
        if len(outgoing) < 2:
            return
        default = gateway.get("default")
        conditioned = [f for f in outgoing if f.get("id") != default]
        for flow in conditioned:
            if flow.find("bpmn:conditionExpression", NS) is None:
                self.add(flow, "bpmn.flow_needs_condition")
        if default is None and not self._conditions_cover(conditioned):
            self.add(gateway, "bpmn.gateway_needs_default")

    def _conditions_cover(self, flows: list[etree._Element]) -> bool:
        """True when the conditions test one choice field against every one of its choices."""
        tested: dict[str, set[str]] = {}
        for flow in flows:
            text = flow.findtext("bpmn:conditionExpression", "", NS)
            match = EQUALS_LITERAL.match(text or "")
            if not match:
                return False
            tested.setdefault(match.group(1), set()).add(match.group(3))
        if len(tested) != 1:
            return False
        (name, values), = tested.items()
        return any(set(choices) <= values for choices in self._enum_choices(name))

    def _enum_choices(self, name: str) -> list[list[Any]]:
        found = []
        for schema in self.source.forms.values():
            prop = (schema.get("properties") or {}).get(name) if isinstance(schema, dict) else None
            if isinstance(prop, dict) and isinstance(prop.get("enum"), list):
                found.append(prop["enum"])
        return found

    def _check_script_text(self, element: etree._Element, text: str) -> None:
        refused = check_script(text or "")
        if refused:
            self.add_refused(element, "bpmn.script_refused", refused)
