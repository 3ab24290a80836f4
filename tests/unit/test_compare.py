"""Comparing two versions: diagram elements by id, form fields and lane rules, as data."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest

from engine import InvalidDiagram
from engine.definitions import compare_sources, diagram_elements, read_process_dir

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture(scope="module")
def source():
    return read_process_dir(PROCESSES / "social_media_account")


def changed(source, *, xml=None, forms=None, lanes=None):
    return replace(source, bpmn_xml=xml or source.bpmn_xml, forms=forms or source.forms,
                   lanes=lanes or source.lanes)


def test_the_same_version_has_no_changes(source):
    assert compare_sources(source, source).same


def test_a_renamed_step_is_a_changed_element_with_old_and_new_name(source):
    xml = source.bpmn_xml.replace('name="Plan daily moderation"', 'name="Plan the moderation"')
    result = compare_sources(source, changed(source, xml=xml))
    assert [(c.element_id, c.name) for c in result.elements_changed] == [
        ("plan_moderation", "Plan the moderation")]
    (change,) = result.elements_changed[0].changes
    assert (change.attribute, change.old, change.new) == (
        "name", "Plan daily moderation", "Plan the moderation")
    assert not result.elements_added and not result.elements_removed


def test_a_changed_condition_and_default_are_listed(source):
    xml = source.bpmn_xml.replace('manager_decision == "approve"',
                                  'manager_decision == "approved"')
    result = compare_sources(source, changed(source, xml=xml))
    (element,) = result.elements_changed
    assert element.element_id == "flow_approved_to_registration_form"
    assert [(c.attribute, c.new) for c in element.changes] == [
        ("condition", 'manager_decision == "approved"')]


def test_an_added_and_a_removed_element_are_listed_by_id(source):
    xml = source.bpmn_xml.replace('id="account_registered"', 'id="account_done"').replace(
        'targetRef="account_registered"', 'targetRef="account_done"').replace(
        "<bpmn:flowNodeRef>account_registered<", "<bpmn:flowNodeRef>account_done<")
    result = compare_sources(source, changed(source, xml=xml))
    assert [e.element_id for e in result.elements_added] == ["account_done"]
    assert [e.element_id for e in result.elements_removed] == ["account_registered"]
    assert [e.element_id for e in result.elements_changed] == [
        "flow_registered_to_account_registered"]
    assert result.elements_changed[0].changes[0].attribute == "target"


def test_a_moved_lane_and_a_changed_form_file_are_changes_of_the_task(source):
    xml = source.bpmn_xml.replace(
        "<bpmn:flowNodeRef>manager_approval</bpmn:flowNodeRef>", "").replace(
        "<bpmn:flowNodeRef>register_account</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>register_account</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>manager_approval</bpmn:flowNodeRef>").replace(
        'value="manager_approval.json"', 'value="approval.json"')
    result = compare_sources(source, changed(source, xml=xml))
    (element,) = [e for e in result.elements_changed if e.element_id == "manager_approval"]
    assert {(c.attribute, c.old, c.new) for c in element.changes} == {
        ("lane", "lane_manager", "lane_communications"),
        ("form", "manager_approval.json", "approval.json")}


def test_timer_text_is_compared():
    review = read_process_dir(PROCESSES / "account_review")
    xml = review.bpmn_xml.replace(">review_grace<", '>"P14D"<')
    result = compare_sources(review, replace(review, bpmn_xml=xml))
    (element,) = result.elements_changed
    assert element.element_id == "review_overdue"
    assert element.changes[0].attribute == "timer"
    assert element.changes[0].old == "timeDuration: review_grace"


def test_form_fields_added_removed_and_changed(source):
    forms = copy.deepcopy(source.forms)
    account = forms["define_account.json"]
    account["properties"]["account_name"]["title"] = "Name of the account"
    account["properties"]["channel"]["enum"].append("A new channel")
    del account["properties"]["goals"]
    account["required"] = [r for r in account["required"] if r != "goals"]
    account["properties"]["website"] = {"title": "Website", "type": "string", "format": "uri"}
    forms["plan_moderation.json"]["properties"]["moderators"]["items"]["properties"]["name"][
        "title"] = "Full name"
    result = compare_sources(source, changed(source, forms=forms))
    by_form = {f.form: f for f in result.forms_changed}
    assert set(by_form) == {"define_account.json", "plan_moderation.json"}
    account_change = by_form["define_account.json"]
    assert [f.name for f in account_change.added] == ["website"]
    assert [f.name for f in account_change.removed] == ["goals"]
    fields = {f.name: {c.attribute: (c.old, c.new) for c in f.changes}
              for f in account_change.changed}
    assert fields["account_name"]["title"] == ("Proposed account name or handle",
                                               "Name of the account")
    assert "A new channel" in fields["channel"]["choices"][1]
    assert "A new channel" not in fields["channel"]["choices"][0]
    moderation = by_form["plan_moderation.json"]
    assert [f.name for f in moderation.changed] == ["moderators.name"]  # not the group itself


def test_required_and_type_changes_are_listed(source):
    forms = copy.deepcopy(source.forms)
    approval = forms["manager_approval.json"]
    approval["required"] = ["manager_decision", "rejection_reason"]
    del approval["if"], approval["then"]
    result = compare_sources(source, changed(source, forms=forms))
    (form,) = result.forms_changed
    (field,) = form.changed
    assert field.name == "rejection_reason"
    assert [(c.attribute, c.old, c.new) for c in field.changes] == [("required", False, True)]


def test_forms_added_and_removed_and_lane_rules_changed(source):
    forms = dict(source.forms)
    forms["extra.json"] = {"title": "Extra", "type": "object", "properties": {}}
    del forms["registration_form.json"]
    lanes = dict(source.lanes, lane_communications={"rule": "role", "role": "admin"})
    result = compare_sources(source, changed(source, forms=forms, lanes=lanes))
    assert [f.form for f in result.forms_added] == ["extra.json"]
    assert [f.title for f in result.forms_added] == ["Extra"]
    assert [f.form for f in result.forms_removed] == ["registration_form.json"]
    (lane,) = result.lanes_changed
    assert (lane.lane, lane.old["role"], lane.new["role"]) == (
        "lane_communications", "communications", "admin")


def test_elements_are_read_with_the_hardened_parser():
    hostile = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>'
               '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>')
    with pytest.raises(InvalidDiagram) as refused:
        diagram_elements(hostile)
    assert refused.value.problems[0].code == "xml.doctype"
