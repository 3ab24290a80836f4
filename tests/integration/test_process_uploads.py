"""Uploads are hostile input: every file becomes a draft or a list of problems, never a crash."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

import pytest

from engine import Conflict, InvalidDiagram, NotAllowed
from tests.support.people import PASSWORD

SMA = "social_media_account"
FOLDER = Path(__file__).resolve().parents[2] / "processes" / SMA
DIAGRAM = (FOLDER / f"{SMA}.bpmn").read_bytes()

# A diagram as Camunda Modeler saves it: its own namespace, editor ids, no spiffworkflow forms.
CAMUNDA = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:modeler="http://camunda.org/schema/modeler/1.0"
  id="Definitions_1x2y3z4" targetNamespace="http://bpmn.io/schema/bpmn"
  exporter="Camunda Modeler" exporterVersion="5.20.0"
  modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.20.0">
  <bpmn:process id="Process_0abc123" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1">
      <bpmn:outgoing>Flow_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="Activity_0gg5h3v" name="Review" camunda:assignee="demo">
      <bpmn:incoming>Flow_1</bpmn:incoming>
      <bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="Event_1k2l3m4">
      <bpmn:incoming>Flow_2</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_0gg5h3v" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_0gg5h3v" targetRef="Event_1k2l3m4" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_0abc123">
      <bpmndi:BPMNShape id="_BPMNShape_StartEvent_2" bpmnElement="StartEvent_1">
        <dc:Bounds x="179" y="99" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Activity_0gg5h3v_di" bpmnElement="Activity_0gg5h3v">
        <dc:Bounds x="270" y="77" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Event_1k2l3m4_di" bpmnElement="Event_1k2l3m4">
        <dc:Bounds x="432" y="99" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="215" y="117" /><di:waypoint x="270" y="117" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="370" y="117" /><di:waypoint x="432" y="117" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


@pytest.fixture
def owner(engine):
    """A process owner."""
    return engine.users.create("olle", "Olle Owner", "olle@ki.se", PASSWORD, ["process_owner"])


def zipped(members: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def folder_members(prefix: str = f"{SMA}/") -> dict[str, bytes]:
    members = {f"{prefix}{SMA}.bpmn": DIAGRAM, f"{prefix}lanes.json": (FOLDER / "lanes.json")
               .read_bytes()}
    for form in sorted((FOLDER / "forms").glob("*.json")):
        members[f"{prefix}forms/{form.name}"] = form.read_bytes()
    return members


def refused(engine, owner, filename, data) -> list[str]:
    """The problem codes an upload is refused with (it must be refused)."""
    with pytest.raises(InvalidDiagram) as error:
        engine.processes.upload(owner.id, filename, data)
    assert error.value.problems
    return [p.code for p in error.value.problems]


def test_a_zipped_folder_becomes_the_draft(engine, owner):
    draft = engine.processes.upload(owner.id, f"{SMA}.zip", zipped(folder_members()))
    current = engine.processes.process(owner.id, SMA).current
    assert draft.content_hash == current.content_hash and draft.revision == 1


def test_a_bpmn_alone_keeps_the_current_forms_and_lanes(engine, owner):
    changed = DIAGRAM.replace(b'name="Approve the account"', b'name="Approve it"')
    draft = engine.processes.upload(owner.id, f"{SMA}.bpmn", changed)
    version = engine.processes.version(owner.id, engine.processes.process(
        owner.id, SMA).current.version_id)
    assert draft.source.forms == version.source.forms
    assert draft.source.lanes == version.source.lanes
    assert engine.processes.check_draft(owner.id, SMA) == []


def test_an_upload_onto_an_open_draft_is_a_conflict_unless_replacing(engine, owner):
    engine.processes.open_draft(owner.id, SMA)
    with pytest.raises(Conflict) as conflict:
        engine.processes.upload(owner.id, f"{SMA}.bpmn", DIAGRAM)
    assert conflict.value.code == "draft.exists" and conflict.value.params["revision"] == 1
    replaced = engine.processes.upload(owner.id, f"{SMA}.bpmn", DIAGRAM.replace(
        b"Approve the account", b"Approve it"), replace_revision=1)
    assert replaced.revision == 2 and "Approve it" in replaced.source.bpmn_xml


def test_a_camunda_modeler_diagram_loads_as_a_draft_with_clear_problems(engine, owner):
    draft = engine.processes.upload(owner.id, "diagram_1.bpmn", CAMUNDA)
    assert draft.process_id == "Process_0abc123"
    problems = engine.processes.check_draft(owner.id, "Process_0abc123")
    codes = {p.code for p in problems}
    assert "bpmn.task_without_form" in codes or "bpmn.task_without_lane" in codes
    assert all(p.element_id or p.file for p in problems)


def test_an_iso_8859_1_diagram_is_read_in_its_declared_encoding(engine, owner):
    latin = DIAGRAM.decode("utf-8").replace("Approve the account", "Godkänn kontot")
    latin = latin.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("iso-8859-1")
    draft = engine.processes.upload(owner.id, f"{SMA}.bpmn", latin)
    assert "Godkänn kontot" in draft.source.bpmn_xml
    assert engine.processes.check_draft(owner.id, SMA) == []


def test_a_utf16_diagram_is_read(engine, owner):
    text = DIAGRAM.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    draft = engine.processes.upload(owner.id, f"{SMA}.bpmn", text.encode("utf-16"))
    assert draft.source.bpmn_xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;</bpmn:definitions>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>"""


@pytest.mark.parametrize(("filename", "data", "code"), [
    ("p.bpmn", BILLION_LAUGHS, "xml.doctype"),
    ("p.bpmn", EXTERNAL, "xml.doctype"),
    ("p.bpmn", b"<a>" * 100_000 + b"</a>" * 100_000, "xml.malformed"),
    ("p.bpmn", b"not xml at all", "xml.malformed"),
    ("p.bpmn", b"<x>caf\xe9 \xfa</x>", "upload.not_text"),
    ("p.bpmn", b"x" * (20 * 1024 * 1024), "upload.too_large"),
    ("p.zip", b"PK\x03\x04 this is not a zip", "upload.not_a_zip"),
    ("p.exe", b"MZ", "upload.unknown_kind"),
])
def test_hostile_files_are_refused_with_a_problem(engine, owner, filename, data, code):
    assert code in refused(engine, owner, filename, data)


def test_zip_members_outside_the_folder_are_refused(engine, owner):
    for member in ("../evil.bpmn", "/etc/evil.bpmn", "a/../../evil.json"):
        members = {**folder_members(""), member: b"x"}
        assert "upload.unsafe_member" in refused(engine, owner, "p.zip", zipped(members))
    assert "upload.unsafe_member" in refused(
        engine, owner, "p.zip", zipped(folder_members(""), symlink="lanes_link.json"))
    unexpected = {**folder_members(""), "run.py": b"import os"}
    assert "upload.unexpected_member" in refused(engine, owner, "p.zip", zipped(unexpected))


def test_a_zip_bomb_is_stopped_before_it_inflates(engine, owner):
    bomb = {**folder_members(""), "forms/huge.json": b"0" * (300 * 1024 * 1024)}
    data = zipped(bomb)
    assert len(data) < 1_000_000
    assert "upload.member_too_large" in refused(engine, owner, "p.zip", data)


def test_too_many_members_are_refused(engine, owner):
    many = {**folder_members(""), **{f"forms/f{i}.json": b"{}" for i in range(300)}}
    assert "upload.too_many_members" in refused(engine, owner, "p.zip", zipped(many))


def test_non_utf8_json_in_a_zip_is_a_problem_naming_the_file(engine, owner):
    members = {**folder_members(""), "lanes.json": json.dumps({"å": 1}).encode("utf-16")}
    with pytest.raises(InvalidDiagram) as error:
        engine.processes.upload(owner.id, "p.zip", zipped(members))
    assert [(p.code, p.file) for p in error.value.problems] == [("file.not_json", "lanes.json")]


def test_only_process_owners_upload(engine, owner):
    auditor = engine.users.create("alva", "Alva", "alva@ki.se", PASSWORD, ["auditor"])
    with pytest.raises(NotAllowed):
        engine.processes.upload(auditor.id, f"{SMA}.bpmn", DIAGRAM)
