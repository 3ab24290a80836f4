"""Which data names are surely set when the flow reaches each node: a forward data-flow.

A user task sets the fields its form asks, a script (script task, pre- or post-script) sets
the names it assigns, and the caller may name data given at start. A name is surely set at a
node when it is set on every path from a start event to it: the meet of the incoming paths is
their intersection, except at a parallel join, which waits for all its branches and merges
their data (a union). Sets are bitsets (ints) over the names diagram text reads, and a
worklist in reverse postorder makes the cost linear in nodes + flows for each name.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from engine.definitions.expressions import ExpressionError, compile_script
from engine.definitions.forms import Field, FormDefinitionError, load_form

from ._graph import FlowGraph, reverse_postorder

SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
FORM_PROPERTY = "formJsonSchemaFilename"


def form_file(task: etree._Element) -> str | None:
    """The form file a user task names through its spiffworkflow property, if any."""
    for prop in task.iter(f"{SPIFF}property"):
        if prop.get("name") == FORM_PROPERTY:
            return prop.get("value")
    return None


def asked_fields(graph: FlowGraph, forms: Mapping[str, Any]) -> dict[int, tuple[Field, ...] | None]:
    """Each user task's form fields; None when its form is missing or refused (said elsewhere)."""
    loaded: dict[str, tuple[Field, ...] | None] = {}
    asked = {}
    for node in graph.of_kind("userTask"):
        name = form_file(graph.elements[node])
        if name not in loaded:
            loaded[name] = _fields_of(forms, name)
        asked[node] = loaded[name]
    return asked


def _fields_of(forms: Mapping[str, Any], name: str | None) -> tuple[Field, ...] | None:
    schema = forms.get(name) if name else None
    if not isinstance(schema, Mapping):
        return None
    try:
        return load_form(schema, name).fields
    except FormDefinitionError:
        return None


@dataclass(frozen=True)
class Scripts:
    """What a node's scripts assign: before it runs (pre-script, or its own script) and after.

    A name set is None when a script was refused (reported by the lint rules)."""

    before: frozenset[str] | None = frozenset()
    after: frozenset[str] | None = frozenset()


def scripts_of(element: etree._Element, kind: str) -> Scripts:
    """The names one node's scripts assign."""
    extensions = element.find(f"{BPMN}extensionElements")
    pre = extensions.find(f"{SPIFF}preScript") if extensions is not None else None
    post = extensions.find(f"{SPIFF}postScript") if extensions is not None else None
    own = element.find(f"{BPMN}script") if kind == "scriptTask" else None
    before = _union(_targets(pre), _targets(own))
    return Scripts(before, _union(before, _targets(post)))


def _targets(script: etree._Element | None) -> frozenset[str] | None:
    if script is None:
        return frozenset()
    try:
        return compile_script(script.text or "").targets
    except ExpressionError:
        return None


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    return None if a is None or b is None else a | b


class NameBits:
    """Bit positions for the names diagram text reads; names outside are never asked about."""

    def __init__(self, names: Collection[str]) -> None:
        self.bit = {name: 1 << i for i, name in enumerate(sorted(names))}
        self.every = (1 << len(self.bit)) - 1

    def of(self, names: Collection[str] | None) -> int:
        """The bitset of `names` (None, an unknown set, counts as every name)."""
        if names is None:
            return self.every
        value = 0
        for name in names:
            value |= self.bit.get(name, 0)
        return value

    def missing(self, names: Collection[str], available: int) -> list[str]:
        """The names (sorted) that are not set in `available`."""
        return sorted(n for n in names if n in self.bit and not available & self.bit[n])


@dataclass
class DataFlow:
    """For each node, the names surely set when it starts (`entry`) and when it is done (`exit`)."""

    entry: list[int]
    exit: list[int]


def surely_set(graph: FlowGraph, bits: NameBits, sets: list[int], given: int) -> DataFlow:
    """Solve the forward must-be-set problem; `sets[n]` is what node n sets itself.

    Nodes no start reaches keep every name (nothing to report there: they are unreachable).
    """
    count = len(graph)
    entry = [bits.every] * count
    exit_ = [bits.every] * count
    starts = graph.of_kind("startEvent")
    order = reverse_postorder(starts, graph.successors)
    rank = {node: i for i, node in enumerate(order)}
    is_start = set(starts)
    queue = [(i, node) for i, node in enumerate(order)]
    queued = set(order)
    while queue:
        _, node = heapq.heappop(queue)
        queued.discard(node)
        new_entry = given if node in is_start else _meet(graph, node, entry, exit_, bits.every)
        new_exit = new_entry | sets[node]
        if new_entry == entry[node] and new_exit == exit_[node]:
            continue
        entry[node], exit_[node] = new_entry, new_exit
        for nxt in graph.successors[node]:
            if nxt not in queued and nxt in rank:
                queued.add(nxt)
                heapq.heappush(queue, (rank[nxt], nxt))
    return DataFlow(entry, exit_)


def _meet(graph: FlowGraph, node: int, entry: list[int], exit_: list[int], every: int) -> int:
    """What every way into `node` brings (what any brings, at a parallel join)."""
    activity = graph.attached_to.get(node)
    if activity is not None:  # a boundary event fires while its activity is still open
        return entry[activity]
    incoming = [exit_[p] for p in graph.predecessors[node]]
    if not incoming:
        return every
    if graph.kinds[node] == "parallelGateway" and len(incoming) > 1:
        value = 0
        for bring in incoming:
            value |= bring
        return value
    value = every
    for bring in incoming:
        value &= bring
    return value
