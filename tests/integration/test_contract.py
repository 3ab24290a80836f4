"""The account procedure's contract: a version that breaks it is refused by check and deploy."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import InvalidDiagram, check_process_dir
from engine.accounts import CONTRACTS
from engine.definitions import NeededTask
from engine.store import Catalog, Event, Instance
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


def review_copy(tmp_path: Path) -> Path:
    """A copy of the review process to break."""
    folder = tmp_path / "account_review"
    shutil.copytree(PROCESSES / "account_review", folder)
    return folder


def edit_form(folder: Path, form: str, change) -> None:
    """Apply `change` to a form's schema, in place."""
    path = folder / "forms" / f"{form}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema), encoding="utf-8")


def without_choice(choice: str):
    """A schema change that drops one choice of the review decision."""
    def change(schema):
        decision = schema["properties"]["review_decision"]
        at = decision["enum"].index(choice)
        del decision["enum"][at]
        if "enumNames" in decision:
            del decision["enumNames"][at]
    return change


def problems_of(folder: Path) -> list[tuple]:
    with pytest.raises(InvalidDiagram) as refused:
        check_process_dir(folder)
    return [(p.code, p.element_id, p.params.get("field"), p.params.get("choices"))
            for p in refused.value.problems]


def test_a_review_form_without_the_close_choice_is_refused(tmp_path):
    folder = review_copy(tmp_path)
    edit_form(folder, "periodic_review", without_choice("close"))
    assert problems_of(folder) == [
        ("contract.choice_missing", "periodic_review", "review_decision", ["close"])]


def test_a_review_form_without_the_update_choice_is_refused(tmp_path):
    folder = review_copy(tmp_path)

    def change(schema):
        without_choice("update")(schema)
        del schema["if"], schema["then"]  # the rule names the choice that is gone
    edit_form(folder, "periodic_review", change)
    assert problems_of(folder) == [
        ("contract.choice_missing", "periodic_review", "review_decision", ["update"])]


@pytest.mark.parametrize("field", ["moderators_current", "moderators", "purpose",
                                   "new_owner_email"])
def test_a_review_form_without_a_field_the_update_reads_is_refused(tmp_path, field):
    folder = review_copy(tmp_path)

    def change(schema):
        del schema["properties"][field]
        schema["required"] = [r for r in schema["required"] if r != field]
        schema["then"]["required"] = [r for r in schema["then"]["required"] if r != field]
    edit_form(folder, "periodic_review", change)
    assert ("contract.field_missing", "periodic_review", field, None) in problems_of(folder)


def test_a_review_without_the_moderation_follow_up_is_refused(tmp_path):
    folder = review_copy(tmp_path)
    diagram = folder / "account_review.bpmn"
    diagram.write_text(diagram.read_text(encoding="utf-8").replace(
        "moderation_follow_up", "follow_up_by_comms"), encoding="utf-8")
    (folder / "forms" / "moderation_follow_up.json").rename(
        folder / "forms" / "follow_up_by_comms.json")
    found = problems_of(folder)
    assert ("contract.task_missing", "moderation_follow_up", None, None) in found


def test_a_follow_up_without_the_close_choice_is_refused(tmp_path):
    folder = review_copy(tmp_path)

    def change(schema):
        decision = schema["properties"]["follow_up_decision"]
        decision["enum"], decision["enumNames"] = ["keep"], ["Keep the account"]
    edit_form(folder, "moderation_follow_up", change)
    # The diagram's own check names it first (its close flow compares with the missing choice).
    assert [(code, field) for code, _, field, _ in problems_of(folder)] == [
        ("bpmn.value_not_a_choice", "follow_up_decision")]


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


def test_a_version_deployed_before_its_contract_grew_still_runs(engine, org, tmp_path):
    """Reviews already running on an older version are not stranded by a grown contract; a new
    deployment is still held to all of it."""
    register(engine, org)
    version_id = engine.catalog.current("account_review")[0]
    review = CONTRACTS["account_review"]
    grown = replace(review, tasks=(*review.tasks, NeededTask("future_step", "review_status")))
    later = Catalog(engine.uow, engine.clock, engine.settings.max_diagram_bytes,
                    {**CONTRACTS, "account_review": grown})
    assert later.get(version_id).process_id == "account_review"
    with pytest.raises(InvalidDiagram) as refused:
        later.deploy_dir(review_copy(tmp_path))
    assert [p.code for p in refused.value.problems] == ["contract.task_missing"]
