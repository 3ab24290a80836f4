"""Other versions of the request process, as a process owner would deploy them."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from engine import ProcessSource, read_process_dir


def request_source(engine) -> ProcessSource:
    """The request process as its folder holds it (`engine`: an engine, or the processes folder)."""
    folder = engine if isinstance(engine, Path) else engine.settings.processes_dir
    return read_process_dir(folder / "social_media_account")


def renamed_approval(engine, title: str = "Approve the new account",
                     decision_title: str = "Your decision") -> ProcessSource:
    """The approval step under a new title, and its decision field under a new title."""
    source = request_source(engine)
    forms = copy.deepcopy(source.forms)
    forms["manager_approval.json"]["properties"]["manager_decision"]["title"] = decision_title
    xml = source.bpmn_xml.replace('name="Approve the account"', f'name="{title}"')
    return ProcessSource(source.process_id, xml, forms, source.lanes)


def without_guidelines(engine) -> ProcessSource:
    """The request process without its first step (confirming the guidelines)."""
    source = request_source(engine)
    xml = source.bpmn_xml
    xml = re.sub(r'\s*<bpmn:flowNodeRef>confirm_guidelines</bpmn:flowNodeRef>', "", xml)
    xml = re.sub(r'\s*<bpmn:userTask id="confirm_guidelines".*?</bpmn:userTask>', "", xml,
                 flags=re.S)
    xml = re.sub(r'\s*<bpmn:sequenceFlow id="flow_confirm_guidelines_to_define_account"[^>]*/>',
                 "", xml)
    xml = xml.replace('targetRef="confirm_guidelines"', 'targetRef="define_account"')
    xml = xml.replace("<bpmn:incoming>flow_confirm_guidelines_to_define_account</bpmn:incoming>",
                      "<bpmn:incoming>flow_started_to_confirm_guidelines</bpmn:incoming>")
    xml = re.sub(r'\s*<bpmndi:BPMNShape id="confirm_guidelines_di".*?</bpmndi:BPMNShape>', "",
                 xml, flags=re.S)
    xml = re.sub(r'\s*<bpmndi:BPMNEdge id="flow_confirm_guidelines_to_define_account_di"'
                 r'.*?</bpmndi:BPMNEdge>', "", xml, flags=re.S)
    forms = {k: v for k, v in source.forms.items() if k != "confirm_guidelines.json"}
    return ProcessSource(source.process_id, xml, forms, source.lanes)


def renamed_goals_field(engine) -> ProcessSource:
    """The account description asks for its goals under another name (`account_goals`)."""
    source = request_source(engine)
    forms = copy.deepcopy(source.forms)
    form = forms["define_account.json"]
    form["properties"]["account_goals"] = form["properties"].pop("goals")
    form["required"] = [("account_goals" if n == "goals" else n) for n in form["required"]]
    return ProcessSource(source.process_id, source.bpmn_xml, forms, source.lanes)
