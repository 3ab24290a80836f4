"""One process's flow graph, built once: its flow nodes, their flows, and walks over them.

Nodes are numbered in document order; every list below is indexed by that number, and each
walk (reachability, strongly connected components) is iterative and linear in nodes + flows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMN = f"{{{BPMN_NS}}}"
_ACTIVITIES = {"task", "subProcess", "callActivity", "transaction", "adHocSubProcess"}


def is_flow_node(local: str) -> bool:
    """Whether an element kind is a node tokens pass through (an event, activity or gateway)."""
    return local.endswith(("Event", "Task", "Gateway")) or local in _ACTIVITIES


@dataclass
class Flow:
    """A sequence flow between two known nodes."""

    element: etree._Element
    source: int
    target: int


@dataclass
class FlowGraph:
    """The flow nodes of one process and the edges between them.

    `successors` holds sequence flows and the edge from an activity to each boundary event
    attached to it (a boundary event is reached through its activity); `attached_to` names that
    activity for each boundary event.
    """

    elements: list[etree._Element] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    successors: list[list[int]] = field(default_factory=list)
    predecessors: list[list[int]] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    attached_to: dict[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.elements)

    def of_kind(self, *kinds: str) -> list[int]:
        """The nodes of the given kinds, in document order."""
        return [n for n, kind in enumerate(self.kinds) if kind in kinds]

    def add_edge(self, source: int, target: int) -> None:
        """Record one edge in both directions."""
        self.successors[source].append(target)
        self.predecessors[target].append(source)


def build_graph(process: etree._Element) -> FlowGraph:
    """The flow graph of a `bpmn:process` element; flows naming unknown nodes are left out."""
    graph = FlowGraph()
    flows = []
    for child in process:
        if not isinstance(child.tag, str) or not child.tag.startswith(BPMN):
            continue
        local = child.tag[len(BPMN):]
        if local == "sequenceFlow":
            flows.append(child)
        elif is_flow_node(local) and child.get("id"):
            graph.index.setdefault(child.get("id"), len(graph.elements))
            graph.elements.append(child)
            graph.kinds.append(local)
    graph.successors = [[] for _ in graph.elements]
    graph.predecessors = [[] for _ in graph.elements]
    for element in flows:
        source = graph.index.get(element.get("sourceRef"))
        target = graph.index.get(element.get("targetRef"))
        if source is not None and target is not None:
            graph.flows.append(Flow(element, source, target))
            graph.add_edge(source, target)
    for node in graph.of_kind("boundaryEvent"):
        activity = graph.index.get(graph.elements[node].get("attachedToRef"))
        if activity is not None:
            graph.attached_to[node] = activity
            graph.add_edge(activity, node)
    return graph


def reached(starts: Iterable[int], edges: list[list[int]]) -> list[bool]:
    """Which nodes some path along `edges` reaches from `starts` (the starts included)."""
    seen = [False] * len(edges)
    stack = list(starts)
    for node in stack:
        seen[node] = True
    while stack:
        for nxt in edges[stack.pop()]:
            if not seen[nxt]:
                seen[nxt] = True
                stack.append(nxt)
    return seen


def reverse_postorder(starts: Iterable[int], edges: list[list[int]]) -> list[int]:
    """Nodes reached from `starts` in reverse postorder of a depth-first walk (iterative)."""
    seen = [False] * len(edges)
    order: list[int] = []
    for start in starts:
        if seen[start]:
            continue
        seen[start] = True
        stack = [(start, 0)]
        while stack:
            node, i = stack[-1]
            if i < len(edges[node]):
                stack[-1] = (node, i + 1)
                nxt = edges[node][i]
                if not seen[nxt]:
                    seen[nxt] = True
                    stack.append((nxt, 0))
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def cycles(edges: list[list[int]]) -> list[list[int]]:
    """The strongly connected components that hold a cycle (Tarjan's algorithm, iterative).

    A component holds a cycle when it has more than one node or a node with a flow to itself.
    """
    count = len(edges)
    number = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(count):
        if number[root] != -1:
            continue
        work = [(root, 0)]
        number[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, i = work[-1]
            if i < len(edges[node]):
                work[-1] = (node, i + 1)
                nxt = edges[node][i]
                if number[nxt] == -1:
                    number[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack[nxt] = True
                    work.append((nxt, 0))
                elif on_stack[nxt]:
                    low[node] = min(low[node], number[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == number[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.append(sorted(component))
    return found
