"""Process definitions: hardened XML parsing, SpiffWorkflow parsing, our lint rules, versions.

A process is a folder `processes/<id>/` with `<id>.bpmn`, `forms/<task>.json` and `lanes.json`.
Loading collects every problem it can find and raises them together as `InvalidDiagram`.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from engine.definitions.expressions import compile_expression
from engine.definitions.forms import FormDefinition, check_form, load_form
from engine.errors import InvalidDiagram, Problem
from engine.evidence import content_digest

from ._contract import Contract, contract_problems
from ._encoding import decode_diagram
from ._flow import flow_problems
from ._lanes import LaneRule, parse_lane_rules
from ._lint import lint_tree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS, "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
FORM_PROPERTY = "formJsonSchemaFilename"
MAX_PROBLEMS = 200  # listed per refusal; the rest are counted in one diagram.more_problems
XSD_ERRORS_PLACED = 100  # up to this many schema errors are given their line and element


@dataclass(frozen=True)
class ProcessSource:
    """The files of one process version, as text and plain data."""

    process_id: str
    bpmn_xml: str
    forms: dict[str, Any]
    lanes: dict[str, Any]

    @property
    def content_hash(self) -> str:
        """SHA-256 of diagram, forms and lanes in a canonical form: the version's identity."""
        return content_digest(self.process_id, self.bpmn_xml, self.forms, self.lanes)


@dataclass(frozen=True)
class UserTaskInfo:
    """What the engine and the web need to know about one user task of a process."""

    name: str
    title: str
    lane_id: str
    lane_name: str
    form: FormDefinition
    documentation: str


@dataclass
class LoadedProcess:
    """A parsed, linted process version, ready to start instances of."""

    source: ProcessSource
    spec: Any
    subprocess_specs: dict[str, Any]
    user_tasks: dict[str, UserTaskInfo]
    lane_rules: dict[str, LaneRule]
    step_order: list[str] = field(default_factory=list)
    decision_fields: frozenset[str] = frozenset()  # data names the flow's conditions read

    @property
    def process_id(self) -> str:
        """The BPMN process id."""
        return self.source.process_id

    @property
    def content_hash(self) -> str:
        """The version's content hash."""
        return self.source.content_hash


def read_process_dir(path: Path) -> ProcessSource:
    """Read a process folder into a ProcessSource (files are not checked here)."""
    process_id = path.name
    problems: list[Problem] = []
    bpmn_path = path / f"{process_id}.bpmn"
    if not bpmn_path.is_file():
        raise InvalidDiagram([Problem("folder.no_diagram", {"file": bpmn_path.name})])
    forms: dict[str, Any] = {}
    for form_path in sorted((path / "forms").glob("*.json")):
        forms[form_path.name] = _read_json(form_path, problems)
    lanes_path = path / "lanes.json"
    lanes = _read_json(lanes_path, problems) if lanes_path.is_file() else {}
    if not lanes_path.is_file():
        problems.append(Problem("folder.no_lanes", file="lanes.json"))
    if problems:
        raise InvalidDiagram(problems)
    bpmn_xml = decode_diagram(bpmn_path.read_bytes(), bpmn_path.name)
    return ProcessSource(process_id, bpmn_xml, forms, lanes)


def _read_json(path: Path, problems: list[Problem]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        problems.append(Problem("file.not_json", {"detail": str(error)}, file=path.name, line=line))
        return {}


def parse_xml_safely(text: str, max_bytes: int, filename: str = "diagram") -> etree._ElementTree:
    """Parse untrusted XML: no DTD, no entities, no network, bounded size; any DOCTYPE refused.

    The text is parsed as the UTF-8 it is encoded to, whatever its declaration names.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = text[:error.start].count("\n") + 1
        raise InvalidDiagram([Problem("xml.encoding", {"encoding": "UTF-8"}, file=filename,
                                      line=line)]) from None
    if len(data) > max_bytes:
        raise InvalidDiagram([Problem(
            "xml.too_large", {"size": len(data), "limit": max_bytes}, file=filename)])
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        line = _line_of(data, b"<!")
        raise InvalidDiagram([Problem("xml.doctype", file=filename, line=line)])
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_pis=True, encoding="utf-8",
    )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as error:
        problem = Problem("xml.malformed", {"detail": error.msg}, file=filename,
                          line=error.lineno)
        raise InvalidDiagram([problem]) from None
    if tree.docinfo.doctype:
        raise InvalidDiagram([Problem("xml.doctype", file=filename)])
    return tree


def _line_of(data: bytes, needle: bytes) -> int:
    index = data.upper().find(needle)
    return data[:index].count(b"\n") + 1 if index >= 0 else 1


def load_process(source: ProcessSource, max_bytes: int = 2_000_000,
                 contract: Contract | None = None) -> LoadedProcess:
    """Check and parse a process version; raise InvalidDiagram listing every problem found.

    With a contract, the version must also keep the tasks and fields its plug-in reads, and
    the data the plug-in gives an instance at start counts as set there.
    """
    filename = f"{source.process_id}.bpmn"
    tree = parse_xml_safely(source.bpmn_xml, max_bytes, filename)
    problems = _xsd_problems(tree, filename)
    if problems:
        raise refusal(problems)
    lane_rules, lane_problems = parse_lane_rules(source.lanes)
    form_problems = _form_problems(source.forms)
    problems = lane_problems + form_problems + lint_tree(tree, source, filename, lane_rules)
    problems += _flow_problems(tree, source, filename, contract.given if contract else ())
    if problems:
        raise refusal(problems)
    spec, subprocess_specs = _spiff_parse(tree, source.process_id, filename)
    loaded = LoadedProcess(
        source=source, spec=spec, subprocess_specs=subprocess_specs,
        user_tasks=_user_tasks(tree, source), lane_rules=lane_rules,
        step_order=_step_order(tree), decision_fields=_condition_names(tree),
    )
    problems = contract_problems(loaded, contract) if contract else []
    if problems:
        raise refusal(problems)
    return loaded


def _flow_problems(tree: etree._ElementTree, source: ProcessSource, filename: str,
                   given: tuple[str, ...]) -> list[Problem]:
    """The flow checks (reachability, cycles, data) of every process in the file.

    The plug-in's start data is given only to the process the folder is named after: it is
    the one the plug-in starts.
    """
    problems: list[Problem] = []
    for process in tree.getroot().iterfind("bpmn:process", NS):
        named = process.get("id") == source.process_id
        problems += flow_problems(process, source.forms, filename, given=given if named else ())
    return problems
def refusal(problems: list[Problem]) -> InvalidDiagram:
    """InvalidDiagram with the first MAX_PROBLEMS problems and a count of the others."""
    if len(problems) <= MAX_PROBLEMS:
        return InvalidDiagram(problems)
    more = Problem("diagram.more_problems", {"count": len(problems) - MAX_PROBLEMS},
                   file=problems[MAX_PROBLEMS].file)
    return InvalidDiagram([*problems[:MAX_PROBLEMS], more])


def _xsd_problems(tree: etree._ElementTree, filename: str) -> list[Problem]:
    VALIDATOR.preprocess(tree)
    schema = VALIDATOR.validator
    # Validating the tree names each error's line, but lxml works out a path for every error
    # by counting the element's siblings: with thousands of errors among thousands of siblings
    # that is quadratic (a 2 MB file took over a minute). Validating while parsing is linear but
    # knows no lines; the tree is validated only when there are few errors to place.
    messages = _streamed_errors(tree, schema)
    if not messages:
        return []
    if len(messages) > XSD_ERRORS_PLACED:
        return [Problem("bpmn.invalid", {"detail": message}, file=filename)
                for message in messages]
    schema.validate(tree)
    ids = _ids_by_line(tree)
    return [
        Problem("bpmn.invalid", {"detail": error.message}, file=filename, line=error.line,
                element_id=ids.get(error.line))
        for error in schema.error_log
    ]


def _streamed_errors(tree: etree._ElementTree, schema: etree.XMLSchema) -> list[str]:
    """The schema's messages for the tree, found while parsing it again (linear, no lines)."""
    parser = etree.XMLParser(schema=schema, resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False)
    with contextlib.suppress(etree.XMLSyntaxError):  # every error is in the parser's log
        etree.fromstring(etree.tostring(tree), parser)
    return [error.message for error in parser.error_log
            if error.domain_name == "SCHEMASV"]


def _ids_by_line(tree: etree._ElementTree) -> dict[int, str]:
    """The first element id on each line, found in one walk of the tree."""
    ids: dict[int, str] = {}
    for element in tree.iter():
        element_id = element.get("id") if isinstance(element.tag, str) else None
        if element_id and element.sourceline not in ids:
            ids[element.sourceline] = element_id
    return ids


def _form_problems(forms: dict[str, Any]) -> list[Problem]:
    problems = []
    for name, schema in forms.items():
        for problem in check_form(schema, name):
            problems.append(replace(problem, file=f"forms/{name}"))
    return problems


def _spiff_parse(tree: etree._ElementTree, process_id: str, filename: str):
    # The XSD ran above and listed every problem; SpiffWorkflow's own checks come next.
    parser = SpiffBpmnParser(validator=None)
    try:
        parser.add_bpmn_xml(tree, filename=filename)
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    except ValidationException as error:
        element_id = getattr(error, "id", None) or None
        line = error.line_number or _line_of_id(tree, element_id)
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        if "RecursionError" in detail:  # SpiffWorkflow wraps the error it met
            raise InvalidDiagram([Problem("bpmn.too_deep", element_id=element_id, line=line,
                                          file=filename)]) from None
        raise InvalidDiagram([Problem(
            "bpmn.refused", {"detail": detail}, element_id=element_id,
            element_name=getattr(error, "name", None) or None, line=line, file=filename)]) from None
    except RecursionError:
        raise InvalidDiagram([Problem("bpmn.too_deep", file=filename)]) from None


def _line_of_id(tree: etree._ElementTree, element_id: str | None) -> int | None:
    if not element_id:
        return None
    found = tree.xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None


def _user_tasks(tree: etree._ElementTree, source: ProcessSource) -> dict[str, UserTaskInfo]:
    lanes = lane_of_nodes(tree)
    tasks = {}
    for node in tree.iterfind(".//bpmn:userTask", NS):
        task_id = node.get("id")
        lane_id, lane_name = lanes[task_id]
        form_file = form_file_of(node)
        tasks[task_id] = UserTaskInfo(
            name=task_id, title=node.get("name") or task_id, lane_id=lane_id,
            lane_name=lane_name, form=load_form(source.forms[form_file], form_file),
            documentation=(node.findtext("bpmn:documentation", "", NS) or "").strip(),
        )
    return tasks


def lane_of_nodes(tree: etree._ElementTree) -> dict[str, tuple[str, str]]:
    """Map each flow node id to (lane id, lane name)."""
    lanes = {}
    for lane in tree.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = (lane.get("id"), lane.get("name") or lane.get("id"))
    return lanes


def form_file_of(node: etree._Element) -> str | None:
    """The form file a user task names through its spiffworkflow property, if any."""
    for prop in node.iterfind(".//spiffworkflow:property", NS):
        if prop.get("name") == FORM_PROPERTY:
            return prop.get("value")
    return None


def _condition_names(tree: etree._ElementTree) -> frozenset[str]:
    """The data names read by the diagram's conditions: the answers that steer the flow."""
    names: set[str] = set()
    for condition in tree.iterfind(".//bpmn:conditionExpression", NS):
        names |= compile_expression((condition.text or "").strip()).names
    return frozenset(names)


def _step_order(tree: etree._ElementTree) -> list[str]:
    """User task ids in diagram order (left to right), for progress displays."""
    return [node.get("id") for node in tree.iterfind(".//bpmn:userTask", NS)]
