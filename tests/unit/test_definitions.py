"""Loading process definitions: the real ones load; hostile or broken ones are refused clearly."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest

from engine import InvalidDiagram, Problem, load_process, read_process_dir
from engine.accounts import CONTRACTS

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
REQUEST = read_process_dir(PROCESSES / "social_media_account")
REVIEW = read_process_dir(PROCESSES / "account_review")


def refused(source) -> list:
    """The problems a source is refused with."""
    with pytest.raises(InvalidDiagram) as caught:
        load_process(source, contract=CONTRACTS.get(source.process_id))
    assert caught.value.problems, "a refusal lists its problems"
    return caught.value.problems


def with_xml(source, old: str, new: str):
    """The source with one piece of its diagram replaced."""
    assert old in source.bpmn_xml, old
    return replace(source, bpmn_xml=source.bpmn_xml.replace(old, new, 1))


def line_of(source, text: str) -> int:
    """The line of the diagram where text first appears."""
    return source.bpmn_xml[: source.bpmn_xml.index(text)].count("\n") + 1


def test_the_shipped_processes_load_with_a_form_and_lane_for_every_user_task():
    for source in (REQUEST, REVIEW):
        loaded = load_process(source, contract=CONTRACTS[source.process_id])
        assert loaded.user_tasks
        for info in loaded.user_tasks.values():
            assert info.form.fields, info.name
            assert info.lane_id in loaded.lane_rules
            assert info.documentation
    assert list(load_process(REQUEST).user_tasks) == [
        "confirm_guidelines", "define_account", "plan_moderation", "manager_approval",
        "registration_form", "register_account"]


def test_content_hash_covers_diagram_forms_and_lanes():
    forms = copy.deepcopy(REQUEST.forms)
    forms["define_account.json"]["title"] = "Changed"
    lanes = {**REQUEST.lanes, "lane_manager": {"rule": "role", "role": "manager"}}
    hashes = {REQUEST.content_hash, replace(REQUEST, forms=forms).content_hash,
              replace(REQUEST, lanes=lanes).content_hash,
              with_xml(REQUEST, "Describe the account", "Describe it").content_hash}
    assert len(hashes) == 4
    assert read_process_dir(PROCESSES / "social_media_account").content_hash == REQUEST.content_hash


@pytest.mark.parametrize("hostile", [
    '__import__("os").system("id")',
    'manager_decision.__class__',
    'open("/etc/passwd")',
    '[x for x in manager_decision]',
    'lambda: 1',
])
def test_python_in_a_condition_is_refused_with_the_flow_id(hostile):
    source = with_xml(REQUEST, 'manager_decision == "approve"', hostile.replace('"', "&quot;"))
    [problem] = refused(source)
    assert problem.element_id == "flow_approved_to_registration_form"
    assert problem.code == "bpmn.condition_refused" and problem.params["reason"]
    assert problem.line == line_of(source, 'id="flow_approved_to_registration_form"')


def test_python_in_a_timer_is_refused_with_the_event_id():
    source = with_xml(REVIEW, ">review_due_at<", ">__import__('os').getcwd()<")
    [problem] = refused(source)
    assert problem.element_id == "review_due"
    assert problem.element_name == "Review due"
    assert problem.code == "bpmn.timer_refused" and problem.params["reason"]


def test_python_in_a_script_is_refused_with_the_task_id():
    script_task = (
        '<bpmn:scriptTask id="tidy_up" name="Tidy up"><bpmn:script>'
        'import os\nos.system("rm -rf /")</bpmn:script></bpmn:scriptTask>\n    '
        '<bpmn:startEvent id="request_started"')
    source = with_xml(REQUEST, '<bpmn:startEvent id="request_started"', script_task)
    problems = refused(source)
    script_problems = [p for p in problems if p.element_id == "tidy_up"]
    assert script_problems and script_problems[0].code == "bpmn.script_refused"
    assert script_problems[0].line == line_of(source, 'id="tidy_up"')


def test_an_external_entity_is_refused_before_parsing():
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    xxe = head + '\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    source = with_xml(REQUEST, head, xxe)
    [problem] = refused(source)
    assert problem.code == "xml.doctype"
    assert problem.line == 2
    assert "root:" not in str(problem)


def test_an_entity_bomb_is_refused():
    levels = "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' + levels
            + ']>\n<bpmn:definitions>&lol9;</bpmn:definitions>')
    [problem] = refused(replace(REQUEST, bpmn_xml=bomb))
    assert problem.code == "xml.doctype"


def test_an_oversized_diagram_is_refused():
    with pytest.raises(InvalidDiagram) as caught:
        load_process(REQUEST, max_bytes=1000)
    [problem] = caught.value.problems
    assert problem.code == "xml.too_large" and problem.params["limit"] == 1000


def test_malformed_xml_names_the_line():
    task = '<bpmn:userTask id="define_account"'
    source = with_xml(REQUEST, task, task + "<")
    [problem] = refused(source)
    assert problem.code == "xml.malformed"
    assert problem.line == line_of(source, 'id="define_account"')


def test_a_flow_to_a_missing_element_names_the_flow():
    source = with_xml(REQUEST, 'targetRef="plan_moderation"', 'targetRef="plan_moderatoin"')
    problems = refused(source)
    assert any(p.element_id == "flow_define_account_to_plan_moderation"
               and p.code == "bpmn.flow_end_unknown"
               and p.params == {"end": "targetRef", "ref": "plan_moderatoin"} for p in problems)


def test_a_user_task_without_a_lane_is_refused():
    source = with_xml(REQUEST, "<bpmn:flowNodeRef>plan_moderation</bpmn:flowNodeRef>", "")
    problems = refused(source)
    assert any(p.element_id == "plan_moderation" and p.code == "bpmn.task_without_lane"
               for p in problems)


def test_a_user_task_without_a_form_and_one_with_a_missing_form_are_both_reported():
    source = with_xml(REQUEST, '<spiffworkflow:property name="formJsonSchemaFilename" '
                      'value="define_account.json" />', "")
    source = with_xml(source, 'value="plan_moderation.json"', 'value="nowhere.json"')
    problems = refused(source)
    by_id = {p.element_id: (p.code, p.params) for p in problems}
    assert by_id["define_account"] == ("bpmn.task_without_form", {})
    assert by_id["plan_moderation"] == ("bpmn.form_file_missing", {"file": "forms/nowhere.json"})


def test_an_unsupported_form_keyword_is_refused_at_load():
    forms = copy.deepcopy(REQUEST.forms)
    forms["define_account.json"]["properties"]["purpose"]["pattern"] = "^.*$"
    problems = refused(replace(REQUEST, forms=forms))
    assert Problem("form.schema", {"path": "properties.purpose.pattern",
                                   "reason": "keyword_unknown",
                                   "reason_params": {"keyword": "pattern"}},
                   file="forms/define_account.json") in problems


def test_a_gateway_without_default_whose_conditions_may_all_fail_is_refused():
    source = with_xml(REQUEST, ' default="flow_rejected_to_define_account"', "")
    problems = refused(source)
    assert any(p.element_id == "flow_rejected_to_define_account"
               and p.code == "bpmn.flow_needs_condition" for p in problems)


def test_unsupported_elements_are_refused():
    source = with_xml(REQUEST, '<bpmn:startEvent id="request_started"',
                      '<bpmn:serviceTask id="call_out" name="Call out" />\n    '
                      '<bpmn:startEvent id="request_started"')
    problems = refused(source)
    assert any(p.element_id == "call_out" and p.code == "bpmn.unsupported_element"
               and p.params == {"element": "serviceTask"} for p in problems)


def test_lane_rules_must_be_known():
    lanes = {**REQUEST.lanes, "lane_manager": {"rule": "anyone"}}
    problems = refused(replace(REQUEST, lanes=lanes))
    assert any(p.file == "lanes.json" and p.code == "lanes.rule_missing"
               and p.params["lane"] == "lane_manager" for p in problems)


def test_several_problems_come_back_together():
    source = with_xml(REQUEST, 'manager_decision == "approve"', "x.y")
    source = with_xml(source, "<bpmn:flowNodeRef>plan_moderation</bpmn:flowNodeRef>", "")
    source = replace(source, lanes={**source.lanes, "lane_manager": {"rule": "?"}})
    problems = refused(source)
    assert len(problems) >= 3
    assert all(p.line or p.file == "lanes.json" for p in problems)


def test_xsd_errors_name_the_line():
    source = with_xml(REQUEST, '<bpmn:userTask id="define_account"',
                      '<bpmn:userTask id="define_account" bogus="1"')
    problems = refused(source)
    assert problems[0].line == line_of(source, 'bogus="1"')
    assert problems[0].code == "bpmn.invalid"


def test_the_answers_that_steer_the_flow_are_known():
    assert load_process(REQUEST).decision_fields == {"manager_decision",
                                                     "communications_decision"}
    assert load_process(REVIEW, contract=CONTRACTS["account_review"]).decision_fields == {
        "review_decision", "still_moderated_daily", "follow_up_decision"}
