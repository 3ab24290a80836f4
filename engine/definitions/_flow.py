"""Checks of one process's flow that a process owner can trust, beyond the XSD and the lint rules.

- every element is reachable from a start event, and from every element a path reaches an end;
- a cycle that holds no user task and no timer to wait for (it would loop in one engine step)
  is refused;
- every field a condition or timer reads is set on every path to it: asked by a form, assigned
  by a script, or given at start by whoever starts the process (`given`);
- every literal a condition compares a field with is a value some form asking the field can give.

Diagram text that the evaluator refuses is skipped here: the lint rules report it. Each check
reads the flow graph built once, so the whole is linear in the size of the process.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

from engine.definitions.expressions import ExpressionError, compile_expression
from engine.definitions.forms import Field
from engine.errors import Problem

from ._fields import NameBits, asked_fields, scripts_of, surely_set
from ._graph import BPMN, FlowGraph, build_graph, cycles, reached
from ._values import comparisons, impossible

if TYPE_CHECKING:
    from engine.definitions.expressions._api import Expression

TIMER_PARTS = ("timeDuration", "timeDate", "timeCycle")
MAX_NAMED_IN_CYCLE = 20  # a cycle's problem names this many of its elements, and its size


def flow_problems(process: etree._Element, forms: Mapping[str, Any], filename: str, *,
                  given: Collection[str] = ()) -> list[Problem]:
    """Every problem of one `bpmn:process` element's flow, its conditions and its timers.

    `forms` are the process's form schemas by file name; `given` the data names an instance
    already holds when it starts (set by whoever starts it, such as a procedure plug-in).
    """
    check = _FlowCheck(process, build_graph(process), forms, filename)
    check.structure()
    check.cycles_without_a_person()
    check.data(frozenset(given))
    return check.problems


@dataclass
class _Texts:
    """The compiled conditions (by flow) and timer expressions (by node) of a process."""

    conditions: list[tuple[Any, Expression]] = field(default_factory=list)
    timers: list[tuple[int, Expression]] = field(default_factory=list)

    def names(self) -> set[str]:
        """Every data name the texts read."""
        return {n for _, e in self.conditions + self.timers for n in e.names}


def _compiled(text: str | None) -> Expression | None:
    try:
        return compile_expression((text or "").strip())
    except ExpressionError:
        return None  # refused: the lint rules say why


def _timer_text(element: etree._Element) -> str | None:
    definition = element.find(f"{BPMN}timerEventDefinition")
    if definition is None:
        return None
    for part in TIMER_PARTS:
        found = definition.find(f"{BPMN}{part}")
        if found is not None:
            return found.text or ""
    return None


class _FlowCheck:
    """The checks over one process's flow graph, collecting problems."""

    def __init__(self, process: etree._Element, graph: FlowGraph, forms: Mapping[str, Any],
                 filename: str) -> None:
        self.process, self.graph, self.forms, self.filename = process, graph, forms, filename
        self.problems: list[Problem] = []
        self.reached: list[bool] = [True] * len(graph)

    def add(self, at: etree._Element, code: str, **params: Any) -> None:
        """Record a problem located at an element."""
        self.problems.append(Problem(code, params, element_id=at.get("id"),
                                     element_name=at.get("name"), line=at.sourceline,
                                     file=self.filename))

    def structure(self) -> None:
        """Refuse elements no start reaches and elements from which no end can be reached."""
        graph = self.graph
        starts, ends = graph.of_kind("startEvent"), graph.of_kind("endEvent")
        if not starts:
            self.add(self.process, "bpmn.no_start")
            return
        self.reached = reached(starts, graph.successors)
        if not ends:
            self.add(self.process, "bpmn.no_end")
        ending = reached(ends, graph.predecessors)
        for node, element in enumerate(graph.elements):
            if not self.reached[node]:
                self.add(element, "bpmn.unreachable")
            elif ends and not ending[node]:
                self.add(element, "bpmn.dead_end")

    def cycles_without_a_person(self) -> None:
        """Refuse a cycle with no user task and no timer to wait for: it would never stop."""
        graph = self.graph
        for component in cycles(graph.successors):
            if any(self._waits(node) for node in component):
                continue
            ids = [graph.elements[node].get("id") for node in component]
            self.add(graph.elements[component[0]], "bpmn.cycle_without_person",
                     elements=ids[:MAX_NAMED_IN_CYCLE], size=len(ids))

    def _waits(self, node: int) -> bool:
        kind = self.graph.kinds[node]
        return kind in ("userTask", "manualTask") or (
            kind == "intermediateCatchEvent" and _timer_text(self.graph.elements[node]) is not None)

    def data(self, given: frozenset[str]) -> None:
        """Refuse names read before they are surely set, and literals no form can give."""
        graph, texts = self.graph, self._texts()
        asked = asked_fields(graph, self.forms)
        scripts = [scripts_of(element, kind)
                   for element, kind in zip(graph.elements, graph.kinds, strict=True)]
        bits = NameBits(texts.names())
        sets = [bits.of(s.after) for s in scripts]
        for node, fields in asked.items():
            sets[node] |= bits.of(None if fields is None else [f.name for f in fields])
        flow = surely_set(graph, bits, sets, bits.of(given))
        asked_by = self._asked_by(asked)
        for edge, expression in texts.conditions:
            self._unset(edge.element, expression, flow.exit[edge.source], bits, asked_by)
        for node, expression in texts.timers:
            before = bits.of(scripts[node].before)
            self._unset(graph.elements[node], expression, flow.entry[node] | before, bits,
                        asked_by)
        if all(fields is not None for fields in asked.values()):
            assigned = set(given).union(*(s.after or () for s in scripts))
            self._values(texts, self._field_kinds(asked, assigned))

    def _texts(self) -> _Texts:
        texts = _Texts()
        for edge in self.graph.flows:
            condition = edge.element.find(f"{BPMN}conditionExpression")
            expression = _compiled(condition.text) if condition is not None else None
            if expression is not None:
                texts.conditions.append((edge, expression))
        for node, element in enumerate(self.graph.elements):
            text = _timer_text(element)
            expression = _compiled(text) if text is not None else None
            if expression is not None:
                texts.timers.append((node, expression))
        return texts

    def _asked_by(self, asked: dict[int, tuple[Field, ...] | None]) -> dict[str, list[str]]:
        """For each field name, the user tasks whose forms ask it, in document order."""
        found: dict[str, list[str]] = {}
        for node, fields in asked.items():
            for f in fields or ():
                found.setdefault(f.name, []).append(self.graph.elements[node].get("id"))
        return found

    def _unset(self, at: etree._Element, expression: Expression, available: int,
               bits: NameBits, asked_by: dict[str, list[str]]) -> None:
        for name in bits.missing(expression.names, available):
            self.add(at, "bpmn.field_not_asked", field=name, asked_by=asked_by.get(name, []))

    @staticmethod
    def _field_kinds(asked: dict[int, tuple[Field, ...] | None],
                     assigned: set[str]) -> dict[str, list[Field]]:
        """The form fields of each name only forms set (a script or the starter may set others)."""
        kinds: dict[str, list[Field]] = {}
        for fields in asked.values():
            for f in fields or ():
                if f.name not in assigned:
                    kinds.setdefault(f.name, []).append(f)
        return kinds

    def _values(self, texts: _Texts, kinds: dict[str, list[Field]]) -> None:
        for edge, expression in texts.conditions:
            for comparison in comparisons(expression.tree):
                fields = kinds.get(comparison.field)
                refusal = impossible(comparison, fields) if fields else None
                if refusal is not None:
                    self.add(edge.element, refusal.code, **refusal.params)
