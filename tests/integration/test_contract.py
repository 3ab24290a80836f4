"""The account procedure's contract: a version that breaks it is refused by check and deploy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import InvalidDiagram, check_process_dir
from engine.accounts import CONTRACTS
from engine.store import Event, Instance
from tests.support.walk import register

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def renamed_field_copy(tmp_path: Path, form: str, old: str, new: str) -> Path:
    """A copy of the request process with one form field renamed everywhere in its form."""
    folder = tmp_path / "social_media_account"
    shutil.copytree(PROCESSES / "social_media_account", folder)
    path = folder / "forms" / f"{form}.json"
    text = path.read_text(encoding="utf-8")
    assert f'"{old}"' in text
    path.write_text(text.replace(f'"{old}"', f'"{new}"'), encoding="utf-8")
    return folder


def test_shipped_processes_keep_their_contracts():
    for name in ("social_media_account", "account_review"):
        assert check_process_dir(PROCESSES / name).process_id == name


def test_renaming_a_field_the_register_reads_is_refused_by_check(tmp_path):
    folder = renamed_field_copy(tmp_path, "define_account", "account_name", "account_title")
    with pytest.raises(InvalidDiagram) as refused:
        check_process_dir(folder)
    [problem] = refused.value.problems
    assert problem.code == "contract.field_missing"
    assert problem.params == {"field": "account_name", "form": "forms/define_account.json",
                              "reason": "register_name"}
    assert (problem.element_id, problem.file) == ("define_account", "forms/define_account.json")


def test_renaming_a_field_the_register_reads_is_refused_by_deploy(engine, tmp_path):
    before = engine.catalog.current("social_media_account")[0]
    folder = renamed_field_copy(tmp_path, "register_account", "registered_on", "date_registered")
    with pytest.raises(InvalidDiagram) as refused:
        engine.deploy_process(folder)
    [problem] = refused.value.problems
    assert (problem.code, problem.params["field"]) == ("contract.field_missing", "registered_on")
    assert problem.file == "forms/register_account.json"
    assert engine.catalog.current("social_media_account")[0] == before


def test_a_review_form_without_the_close_choice_is_refused(tmp_path):
    folder = tmp_path / "account_review"
    shutil.copytree(PROCESSES / "account_review", folder)
    path = folder / "forms" / "periodic_review.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    decision = schema["properties"]["review_decision"]
    keep = decision["enum"].index("keep")
    decision["enum"] = ["keep"]
    if "enumNames" in decision:
        decision["enumNames"] = [decision["enumNames"][keep]]
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(InvalidDiagram) as refused:
        check_process_dir(folder)
    assert [(p.code, p.element_id, p.params["choices"]) for p in refused.value.problems] == [
        ("contract.choice_missing", "periodic_review", ["close"])]


def test_a_missing_approval_task_is_named(tmp_path):
    folder = tmp_path / "social_media_account"
    shutil.copytree(PROCESSES / "social_media_account", folder)
    diagram = folder / "social_media_account.bpmn"
    diagram.write_text(diagram.read_text(encoding="utf-8").replace(
        "manager_approval", "approval_by_manager"), encoding="utf-8")
    (folder / "forms" / "manager_approval.json").rename(
        folder / "forms" / "approval_by_manager.json")
    with pytest.raises(InvalidDiagram) as refused:
        check_process_dir(folder)
    assert ("contract.task_missing", "manager_approval") in {
        (p.code, p.element_id) for p in refused.value.problems}


def test_a_review_starts_with_exactly_the_data_its_contract_says_is_given(engine, org):
    register(engine, org)
    with engine.uow.read() as session:
        review_id = session.scalar(select(Instance.id).where(
            Instance.process_id == "account_review"))
        started = session.scalar(select(Event).where(
            Event.stream == review_id, Event.kind == "instance_started"))
    assert set(started.payload["data"]) == set(CONTRACTS["account_review"].given)
