"""The flow checks a process owner can trust: values, fields read before asked, reachability, loops.

Small diagrams are written here, loaded with the real loader (XSD, lint, SpiffWorkflow); the
shipped procedure is changed the way a process owner might.
"""

from __future__ import annotations

import copy
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from engine import InvalidDiagram, ProcessSource, load_process, read_process_dir
from engine.accounts import CONTRACTS
from engine.definitions import Contract
from engine.definitions._flow import flow_problems

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
REQUEST = read_process_dir(PROCESSES / "social_media_account")
REVIEW = read_process_dir(PROCESSES / "account_review")

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" '
    'targetNamespace="http://example.org/kontofloede">\n'
    '<bpmn:process id="p" isExecutable="true">\n'
)
TAIL = "</bpmn:process>\n</bpmn:definitions>\n"

DECIDE = {"type": "object", "properties": {
    "decision": {"type": "string", "enum": ["yes", "no"]},
    "agreed": {"type": "boolean"},
    "comment": {"type": "string", "maxLength": 200},
    "count": {"type": "integer", "minimum": 0, "maximum": 10},
    "channels": {"type": "array", "items": {"type": "string", "enum": ["web", "mail"]}},
}, "required": ["decision"], "additionalProperties": False}
NOTE = {"type": "object", "properties": {"note": {"type": "string"}},
        "additionalProperties": False}


def task(task_id: str, form: str = "decide.json") -> str:
    """A user task asking a form."""
    return (f'<bpmn:userTask id="{task_id}" name="Task {task_id}"><bpmn:extensionElements>'
            '<spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" '
            f'value="{form}" /></spiffworkflow:properties></bpmn:extensionElements>'
            '</bpmn:userTask>\n')


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    """A sequence flow, with a condition if given (escaped as XML text)."""
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}" />\n'
    text = condition.replace("&", "&amp;").replace("<", "&lt;")
    return (f'<bpmn:sequenceFlow id="{flow_id}" name="Flow {flow_id}" sourceRef="{source}" '
            f'targetRef="{target}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
            f'{text}</bpmn:conditionExpression></bpmn:sequenceFlow>\n')


def gateway(gateway_id: str, default: str, kind: str = "exclusiveGateway") -> str:
    """A gateway (exclusive with a default flow, or parallel)."""
    chosen = f' default="{default}"' if default else ""
    return f'<bpmn:{kind} id="{gateway_id}"{chosen} />\n'


def diagram(body: str, forms: dict | None = None) -> ProcessSource:
    """A process `p` with the body's elements and one lane holding every user task."""
    tasks = re.findall(r'<bpmn:userTask id="(\w+)"', body)
    refs = "".join(f"<bpmn:flowNodeRef>{t}</bpmn:flowNodeRef>" for t in tasks)
    lanes = (f'<bpmn:laneSet id="lanes"><bpmn:lane id="people" name="People">{refs}'
             '</bpmn:lane></bpmn:laneSet>\n')
    forms = forms if forms is not None else {"decide.json": DECIDE, "note.json": NOTE}
    return ProcessSource("p", HEAD + lanes + body + TAIL, forms, {"people": {"rule": "initiator"}})


def problems(source: ProcessSource, given: tuple[str, ...] = ()) -> list:
    """The problems a source is refused with ([] when it loads)."""
    try:
        load_process(source, contract=Contract(source.process_id, given=given))
    except InvalidDiagram as refused:
        return refused.problems
    return []


def decided(condition: str) -> ProcessSource:
    """start → ask → gateway: `condition` → done, default → other."""
    return diagram(
        '<bpmn:startEvent id="start" />\n' + task("ask") + gateway("choose", "to_other")
        + '<bpmn:endEvent id="done" />\n<bpmn:endEvent id="other" />\n'
        + flow("f1", "start", "ask") + flow("f2", "ask", "choose")
        + flow("to_done", "choose", "done", condition) + flow("to_other", "choose", "other"))


def codes(found: list) -> list[tuple[str, str | None]]:
    return [(p.code, p.element_id) for p in found]


# ---- the shipped procedure ------------------------------------------------------------------


def test_the_shipped_procedures_pass_every_flow_check():
    for source in (REQUEST, REVIEW):
        root = etree.fromstring(source.bpmn_xml.encode())
        [process] = root.iterfind("{*}process")
        given = CONTRACTS[source.process_id].given
        assert flow_problems(process, source.forms, f"{source.process_id}.bpmn", given=given) == []


def test_the_approved_typo_is_refused_naming_the_flow_the_field_and_its_values():
    source = replace(REQUEST, bpmn_xml=REQUEST.bpmn_xml.replace(
        'manager_decision == "approve"', 'manager_decision == "approved"'))
    with pytest.raises(InvalidDiagram) as refused:
        load_process(source, contract=CONTRACTS["social_media_account"])
    [problem] = refused.value.problems
    assert problem.code == "bpmn.value_not_a_choice"
    assert problem.params == {"field": "manager_decision", "value": "approved",
                              "values": ["approve", "reject"]}
    assert (problem.element_id, problem.element_name) == (
        "flow_approved_to_registration_form", "Approved")
    xml = source.bpmn_xml
    flow_at = xml.index('id="flow_approved_to_registration_form"')
    assert problem.line == xml[:flow_at].count("\n") + 1
    assert problem.file == "social_media_account.bpmn"


# ---- 1. literals a form can give ------------------------------------------------------------


@pytest.mark.parametrize("condition", [
    'decision == "yes"', '"no" == decision', 'decision != "no"', 'decision in ("yes", "no")',
    'agreed == True', 'not agreed', 'comment == "anything at all"', 'count == 10',
    'count >= 11', '"web" in channels', 'decision == "yes" and (agreed or count == 3)',
])
def test_literals_the_form_can_give_pass(condition):
    assert problems(decided(condition)) == []


@pytest.mark.parametrize(("condition", "code", "params"), [
    ('decision == "maybe"', "bpmn.value_not_a_choice",
     {"field": "decision", "value": "maybe", "values": ["yes", "no"]}),
    ('"Yes" == decision', "bpmn.value_not_a_choice",
     {"field": "decision", "value": "Yes", "values": ["yes", "no"]}),
    ('decision != "nope"', "bpmn.value_not_a_choice",
     {"field": "decision", "value": "nope", "values": ["yes", "no"]}),
    ('not (decision == "yes") and decision in ("no", "perhaps")', "bpmn.value_not_a_choice",
     {"field": "decision", "value": "perhaps", "values": ["yes", "no"]}),
    ('agreed == "yes" or count == 1', "bpmn.value_not_a_choice",
     {"field": "agreed", "value": "yes", "values": [True, False]}),
    ('comment == 3', "bpmn.value_not_of_kind", {"field": "comment", "value": 3,
                                                "kinds": ["string"]}),
    ('channels == "web"', "bpmn.value_not_of_kind", {"field": "channels", "value": "web",
                                                     "kinds": ["list"]}),
    ('"phone" in channels', "bpmn.value_not_a_choice",
     {"field": "channels", "value": "phone", "values": ["web", "mail"]}),
    ('count == 11', "bpmn.value_out_of_range",
     {"field": "count", "value": 11, "minimum": 0, "maximum": 10}),
    ('count == -1', "bpmn.value_out_of_range",
     {"field": "count", "value": -1, "minimum": 0, "maximum": 10}),
    ('count == 2.5', "bpmn.value_out_of_range",
     {"field": "count", "value": 2.5, "minimum": 0, "maximum": 10}),
])
def test_a_literal_no_form_can_give_is_refused(condition, code, params):
    [problem] = problems(decided(condition))
    assert (problem.code, problem.params, problem.element_id) == (code, params, "to_done")
    assert problem.element_name == "Flow to_done" and problem.line


def test_a_field_two_forms_ask_may_take_the_values_of_either():
    forms = {"decide.json": DECIDE, "other.json": {"type": "object", "properties": {
        "decision": {"type": "string", "enum": ["maybe"]}}, "additionalProperties": False}}
    body = ('<bpmn:startEvent id="start" />\n' + task("ask") + task("again", "other.json")
            + gateway("choose", "to_other") + '<bpmn:endEvent id="done" />\n'
            '<bpmn:endEvent id="other" />\n' + flow("f1", "start", "ask")
            + flow("f2", "ask", "again") + flow("f3", "again", "choose")
            + flow("to_done", "choose", "done", 'decision in ("maybe", "yes", "never")')
            + flow("to_other", "choose", "other"))
    [problem] = problems(diagram(body, forms))
    assert problem.params == {"field": "decision", "value": "never",
                              "values": ["yes", "no", "maybe"]}


def test_a_field_a_script_also_sets_may_take_any_value():
    body = ('<bpmn:startEvent id="start" />\n' + task("ask")
            + '<bpmn:scriptTask id="tweak"><bpmn:script>decision = "maybe"</bpmn:script>'
              '</bpmn:scriptTask>\n'
            + gateway("choose", "to_other") + '<bpmn:endEvent id="done" />\n'
            '<bpmn:endEvent id="other" />\n' + flow("f1", "start", "ask")
            + flow("f2", "ask", "tweak") + flow("f3", "tweak", "choose")
            + flow("to_done", "choose", "done", 'decision == "maybe"')
            + flow("to_other", "choose", "other"))
    assert problems(diagram(body)) == []


# ---- 2. fields read before they are asked ----------------------------------------------------


def branches(second_asks: str, kind: str = "exclusiveGateway") -> ProcessSource:
    """start → split → (a: decide form | b: `second_asks` form) → join → choose → ends."""
    split_default = "to_a" if kind == "exclusiveGateway" else ""
    to_a = flow("to_a", "split", "a")
    to_b = flow("to_b", "split", "b", "True" if kind == "exclusiveGateway" else None)
    join = gateway("join", "", kind if kind == "parallelGateway" else "exclusiveGateway")
    return diagram(
        '<bpmn:startEvent id="start" />\n' + gateway("split", split_default, kind)
        + task("a") + task("b", second_asks) + join + gateway("choose", "to_other")
        + '<bpmn:endEvent id="done" />\n<bpmn:endEvent id="other" />\n'
        + flow("f1", "start", "split") + to_a + to_b + flow("f2", "a", "join")
        + flow("f3", "b", "join") + flow("f4", "join", "choose")
        + flow("to_done", "choose", "done", 'decision == "yes"')
        + flow("to_other", "choose", "other"))


def test_a_field_asked_on_only_one_branch_is_refused_where_it_is_read():
    [problem] = problems(branches("note.json"))
    assert (problem.code, problem.element_id) == ("bpmn.field_not_asked", "to_done")
    assert problem.params == {"field": "decision", "asked_by": ["a"]}
    assert problem.line


def test_a_field_asked_on_every_branch_passes():
    assert problems(branches("decide.json")) == []


def test_after_a_parallel_join_a_field_asked_on_any_branch_is_set():
    assert problems(branches("note.json", kind="parallelGateway")) == []


def test_a_field_no_form_asks_is_refused_with_no_task_named():
    [problem] = problems(decided('unheard_of == "yes"'))
    assert problem.params == {"field": "unheard_of", "asked_by": []}


def test_a_script_or_pre_script_sets_what_a_condition_reads():
    script = ('<bpmn:scriptTask id="compute"><bpmn:extensionElements><spiffworkflow:preScript>'
              'ready = True</spiffworkflow:preScript></bpmn:extensionElements>'
              '<bpmn:script>score = 3</bpmn:script></bpmn:scriptTask>\n')
    body = ('<bpmn:startEvent id="start" />\n' + script + gateway("choose", "to_other")
            + '<bpmn:endEvent id="done" />\n<bpmn:endEvent id="other" />\n'
            + flow("f1", "start", "compute") + flow("f2", "compute", "choose")
            + flow("to_done", "choose", "done", "ready and score > 2")
            + flow("to_other", "choose", "other"))
    assert problems(diagram(body)) == []


def waiting(timer: str, boundary: bool = False) -> ProcessSource:
    """start → (timer) → ask → end, the timer caught before the task or on its boundary."""
    definition = ('<bpmn:timerEventDefinition><bpmn:timeDuration '
                  f'xsi:type="bpmn:tFormalExpression">{timer}</bpmn:timeDuration>'
                  '</bpmn:timerEventDefinition>')
    if boundary:
        body = ('<bpmn:startEvent id="start" />\n' + task("ask")
                + f'<bpmn:boundaryEvent id="late" name="Late" attachedToRef="ask">{definition}'
                '</bpmn:boundaryEvent>\n<bpmn:endEvent id="done" />\n'
                + flow("f1", "start", "ask") + flow("f2", "ask", "done")
                + flow("f3", "late", "done"))
    else:
        body = ('<bpmn:startEvent id="start" />\n'
                f'<bpmn:intermediateCatchEvent id="wait" name="Wait">{definition}'
                '</bpmn:intermediateCatchEvent>\n' + task("ask") + '<bpmn:endEvent id="done" />\n'
                + flow("f1", "start", "wait") + flow("f2", "wait", "ask")
                + flow("f3", "ask", "done"))
    return diagram(body)


def test_a_timer_reading_data_nobody_gives_is_refused_and_accepted_once_given():
    [problem] = problems(waiting("grace"))
    assert (problem.code, problem.element_id, problem.element_name) == (
        "bpmn.field_not_asked", "wait", "Wait")
    assert problem.params == {"field": "grace", "asked_by": []}
    assert problems(waiting("grace"), given=("grace",)) == []


def test_a_boundary_timer_cannot_read_its_own_task_s_answers():
    [problem] = problems(waiting("comment", boundary=True))
    assert (problem.code, problem.element_id) == ("bpmn.field_not_asked", "late")
    assert problem.params == {"field": "comment", "asked_by": ["ask"]}


def test_the_review_needs_what_its_plug_in_gives_at_start():
    found = problems(REVIEW)
    assert sorted((p.element_id, p.params["field"]) for p in found) == [
        ("review_due", "review_due_at"), ("review_overdue", "review_grace")]
    assert problems(REVIEW, given=CONTRACTS["account_review"].given) == []


def test_a_loop_back_does_not_count_as_asking_before():
    # start → check (reads decision) → ask → back to check: the first pass has no answer yet
    body = ('<bpmn:startEvent id="start" />\n' + gateway("join", "")
            + gateway("check", "to_ask") + task("ask") + '<bpmn:endEvent id="done" />\n'
            + flow("f1", "start", "join") + flow("f2", "join", "check")
            + flow("to_done", "check", "done", 'decision == "yes"')
            + flow("to_ask", "check", "ask") + flow("back", "ask", "join"))
    [problem] = problems(diagram(body))
    assert (problem.code, problem.element_id) == ("bpmn.field_not_asked", "to_done")


# ---- 3. reachability -------------------------------------------------------------------------


def test_an_element_no_start_reaches_is_refused():
    body = ('<bpmn:startEvent id="start" />\n' + task("ask") + task("orphan")
            + '<bpmn:endEvent id="done" />\n' + flow("f1", "start", "ask")
            + flow("f2", "ask", "done") + flow("f3", "orphan", "done"))
    found = problems(diagram(body))
    assert codes(found) == [("bpmn.unreachable", "orphan")]
    assert found[0].element_name == "Task orphan" and found[0].line


def test_an_element_from_which_no_end_can_be_reached_is_refused():
    body = ('<bpmn:startEvent id="start" />\n' + task("ask") + gateway("choose", "to_stuck")
            + task("stuck") + '<bpmn:endEvent id="done" />\n' + flow("f1", "start", "ask")
            + flow("f2", "ask", "choose")
            + flow("to_done", "choose", "done", 'decision == "yes"')
            + flow("to_stuck", "choose", "stuck"))
    assert codes(problems(diagram(body))) == [("bpmn.dead_end", "stuck")]


def test_a_boundary_event_is_reached_through_its_task_and_may_be_its_way_out():
    body = ('<bpmn:startEvent id="start" />\n' + task("ask")
            + '<bpmn:boundaryEvent id="late" attachedToRef="ask"><bpmn:timerEventDefinition>'
              '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H"</bpmn:timeDuration>'
              '</bpmn:timerEventDefinition></bpmn:boundaryEvent>\n'
            + '<bpmn:endEvent id="done" />\n' + flow("f1", "start", "ask")
            + flow("f2", "late", "done"))
    assert problems(diagram(body)) == []


def test_a_process_without_a_start_event_is_refused_once():
    body = task("ask") + '<bpmn:endEvent id="done" />\n' + flow("f1", "ask", "done")
    assert "bpmn.no_start" in [p.code for p in problems(diagram(body))]
    root = etree.fromstring(diagram(body).bpmn_xml.encode())
    [process] = root.iterfind("{*}process")
    assert codes(flow_problems(process, {}, "p.bpmn")) == [("bpmn.no_start", "p")]


# ---- 4. loops without a person --------------------------------------------------------------


def test_a_loop_of_scripts_is_refused_naming_its_elements():
    body = ('<bpmn:startEvent id="start" />\n' + gateway("again", "to_done")
            + '<bpmn:scriptTask id="count"><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>\n'
            + '<bpmn:endEvent id="done" />\n' + flow("f1", "start", "count")
            + flow("f2", "count", "again") + flow("back", "again", "count", "n < 5")
            + flow("to_done", "again", "done"))
    [problem] = problems(diagram(body))
    assert problem.code == "bpmn.cycle_without_person"
    assert problem.element_id == "again"  # the first of the loop in document order
    assert problem.params == {"elements": ["again", "count"], "size": 2}


def test_a_loop_through_a_person_or_a_timer_passes():
    wait = ('<bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition>'
            '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P1D"</bpmn:timeDuration>'
            '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n')
    body = ('<bpmn:startEvent id="start" />\n' + gateway("again", "to_done") + wait
            + '<bpmn:scriptTask id="count"><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>\n'
            + '<bpmn:endEvent id="done" />\n' + flow("f1", "start", "count")
            + flow("f2", "count", "again") + flow("back", "again", "pause", "n < 5")
            + flow("f3", "pause", "count") + flow("to_done", "again", "done"))
    assert problems(diagram(body)) == []
    assert problems(REQUEST) == []  # its rejection loop goes back through the requester


# ---- 5. lanes, forms, rules and the contract -------------------------------------------------


def test_a_user_task_in_a_lane_lanes_json_does_not_cover_is_refused():
    lanes = {k: v for k, v in REQUEST.lanes.items() if k != "lane_manager"}
    with pytest.raises(InvalidDiagram) as refused:
        load_process(replace(REQUEST, lanes=lanes))
    assert codes(refused.value.problems) == [("bpmn.lane_without_rule", "lane_manager")]


def test_removing_a_field_the_contract_needs_is_refused_by_load_process():
    forms = copy.deepcopy(REQUEST.forms)
    schema = forms["plan_moderation.json"]
    del schema["properties"]["moderators"]
    schema["required"] = [r for r in schema.get("required", []) if r != "moderators"]
    with pytest.raises(InvalidDiagram) as refused:
        load_process(replace(REQUEST, forms=forms), contract=CONTRACTS["social_media_account"])
    [problem] = refused.value.problems
    assert (problem.code, problem.params["field"], problem.element_id) == (
        "contract.field_missing", "moderators", "plan_moderation")


# ---- 6. linear in the size of the process ---------------------------------------------------


def big_process(segments: int) -> etree._Element:
    """start, then `segments` times: ask_i, choose_i (back to ask_i on "no"); then done."""
    parts = ['<bpmn:startEvent id="start" />\n<bpmn:endEvent id="done" />\n']
    previous = "start"
    for i in range(segments):
        onward = f"in_{i + 1}" if i + 1 < segments else "out"
        parts.append(task(f"ask_{i}") + gateway(f"choose_{i}", onward))
        parts.append(flow(f"in_{i}", previous, f"ask_{i}"))
        parts.append(flow(f"d_{i}", f"ask_{i}", f"choose_{i}"))
        parts.append(flow(f"back_{i}", f"choose_{i}", f"ask_{i}", 'decision == "no"'))
        previous = f"choose_{i}"
    parts.append(flow("out", previous, "done"))
    xml = HEAD + "".join(parts) + TAIL
    return next(etree.fromstring(xml.encode()).iterfind("{*}process"))


def test_ten_thousand_elements_are_checked_in_well_under_a_few_seconds():
    process = big_process(2_000)  # 4,001 nodes, 6,001 flows, 2,000 loops
    assert len(process) > 10_000
    started = time.perf_counter()
    found = flow_problems(process, {"decide.json": DECIDE}, "big.bpmn")
    elapsed = time.perf_counter() - started
    assert found == []
    assert elapsed < 10, f"{elapsed:.1f} s"


def test_a_ten_thousand_step_loop_of_scripts_is_found_without_recursion():
    steps = 10_000
    parts = ['<bpmn:startEvent id="start" />\n<bpmn:endEvent id="done" />\n',
             gateway("again", "to_done"), flow("f0", "start", "s_0"),
             flow("to_done", "again", "done"), flow("back", "again", "s_0", "n < 5")]
    for i in range(steps):
        parts.append(f'<bpmn:scriptTask id="s_{i}"><bpmn:script>n = 1</bpmn:script>'
                     '</bpmn:scriptTask>\n')
        parts.append(flow(f"f_{i}", f"s_{i}", f"s_{i + 1}" if i + 1 < steps else "again"))
    xml = HEAD + "".join(parts) + TAIL
    process = next(etree.fromstring(xml.encode()).iterfind("{*}process"))
    [problem] = flow_problems(process, {}, "loop.bpmn")
    assert problem.code == "bpmn.cycle_without_person"
    assert problem.params["size"] == steps + 1 and len(problem.params["elements"]) == 20
