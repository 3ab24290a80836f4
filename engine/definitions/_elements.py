"""A diagram's elements as plain data, by id: what a person sees and what the engine reads.

Read with the hardened parser. Used to show a dry run's path (which elements and flows) and to
compare two versions element by element.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from lxml import etree

from ._process import BPMN_NS, NS, form_file_of, lane_of_nodes, parse_xml_safely

# Tags (local names) of the elements a path passes through.
NODE_TAGS = frozenset({
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "userTask", "task", "scriptTask", "manualTask", "serviceTask",
    "sendTask", "receiveTask", "businessRuleTask", "callActivity", "subProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway",
})
COMPARED_TAGS = NODE_TAGS | {"sequenceFlow", "lane", "participant", "textAnnotation"}
TIMER_KINDS = ("timeDuration", "timeDate", "timeCycle")


@dataclass(frozen=True)
class DiagramElement:
    """One element of a diagram: the things about it a change can touch."""

    element_id: str
    tag: str
    name: str
    condition: str = ""  # a sequence flow's condition text
    timer: str = ""  # a timer's kind and text, e.g. "timeDuration: review_grace"
    form: str = ""  # a user task's form file
    lane: str = ""  # the lane a flow node is drawn in
    source: str = ""  # a sequence flow's source and target
    target: str = ""
    default: str = ""  # a gateway's default flow
    documentation: str = ""
    script: str = ""

    @property
    def is_flow(self) -> bool:
        """Whether it is a sequence flow."""
        return self.tag == "sequenceFlow"

    @property
    def label(self) -> str:
        """Its name, else its id."""
        return self.name or self.element_id


# The attributes two versions of an element are compared on, in the order they are listed.
COMPARED_ATTRIBUTES = tuple(f.name for f in fields(DiagramElement) if f.name != "element_id")


def diagram_elements(bpmn_xml: str, max_bytes: int = 2_000_000) -> dict[str, DiagramElement]:
    """Every element with an id that a person would call a part of the diagram, by id."""
    tree = parse_xml_safely(bpmn_xml, max_bytes)
    lanes = lane_of_nodes(tree)
    found: dict[str, DiagramElement] = {}
    for element in tree.iter(f"{{{BPMN_NS}}}*"):
        tag = etree.QName(element).localname
        element_id = element.get("id")
        if tag not in COMPARED_TAGS or not element_id or element_id in found:
            continue
        found[element_id] = DiagramElement(
            element_id=element_id, tag=tag, name=(element.get("name") or "").strip(),
            condition=_text(element.find("bpmn:conditionExpression", NS)),
            timer=_timer(element), form=(form_file_of(element) or "") if tag == "userTask" else "",
            lane=lanes.get(element_id, ("", ""))[0] if tag in NODE_TAGS else "",
            source=element.get("sourceRef") or "", target=element.get("targetRef") or "",
            default=element.get("default") or "",
            documentation=_text(element.find("bpmn:documentation", NS)),
            script=_text(element.find("bpmn:script", NS)),
        )
    return found


def _text(node: etree._Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def _timer(element: etree._Element) -> str:
    definition = element.find("bpmn:timerEventDefinition", NS)
    if definition is None:
        return ""
    for kind in TIMER_KINDS:
        value = definition.find(f"bpmn:{kind}", NS)
        if value is not None:
            return f"{kind}: {_text(value)}"
    return "timer"
