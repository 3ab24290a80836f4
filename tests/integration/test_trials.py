"""engine.trials on a database: dry runs write nothing, comparisons read versions by number."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from engine import InvalidInput, NotAllowed, NotFound
from engine.store import Event, Instance, OutboxMessage, ProcessVersion, ReadyTask, Timer
from tests.support.people import ACCOUNT, GUIDELINES, MODERATION, PASSWORD, REJECT


@pytest.fixture
def owner(engine):
    return engine.users.create("olle", "Olle Owner", "olle@ki.se", PASSWORD, ["process_owner"])


def rows(engine) -> tuple[int, ...]:
    with engine.uow.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) for t in (
            Instance, Event, OutboxMessage, ReadyTask, Timer, ProcessVersion))


def test_a_dry_run_writes_nothing(engine, owner, org):
    engine.start_request(org.staff.id)  # a real request beside it, to show nothing moves
    version_id = engine.catalog.current("social_media_account")[0]
    before = rows(engine)
    trial = engine.trials.try_version(owner.id, "social_media_account", version_id, [
        ("confirm_guidelines", GUIDELINES), ("define_account", ACCOUNT),
        ("plan_moderation", MODERATION), ("manager_approval", REJECT)])
    assert trial.version.number == 1 and not trial.is_draft
    assert trial.run.reached[-1] == "define_account"
    assert rows(engine) == before


def test_readers_see_where_a_run_starts_and_only_owners_answer(engine, org):
    version_id = engine.catalog.current("social_media_account")[0]
    auditor = engine.users.create("alva", "Alva Auditor", "alva@ki.se", PASSWORD, ["auditor"])
    with pytest.raises(NotAllowed) as refused:
        engine.trials.try_version(org.staff.id, "social_media_account", version_id, [])
    assert refused.value.code == "process.readers_only"
    with pytest.raises(NotAllowed):
        engine.trials.compare(org.manager.id, "social_media_account", version_id, version_id)
    start = engine.trials.try_version(auditor.id, "social_media_account", version_id, [])
    assert [w.name for w in start.run.waiting] == ["confirm_guidelines"]
    with pytest.raises(NotAllowed) as refused:
        engine.trials.try_version(auditor.id, "social_media_account", version_id,
                                  [("confirm_guidelines", GUIDELINES)])
    assert refused.value.code == "process.owners_only"
    with pytest.raises(NotAllowed) as refused:
        engine.trials.try_draft(org.comms.id, "social_media_account", [])
    assert refused.value.code == "process.readers_only"


def test_malformed_answers_are_refused_with_a_code(engine, owner):
    version_id = engine.catalog.current("social_media_account")[0]
    for answers in ("text", [("a",)], [(1, {})], [("a", [])], [("a", {})] * 201):
        with pytest.raises(InvalidInput) as refused:
            engine.trials.try_version(owner.id, "social_media_account", version_id, answers)
        assert refused.value.code == "dry_run.answers_malformed"


def test_versions_are_numbered_within_their_process(engine, owner):
    first, loaded = engine.catalog.current("social_media_account")
    xml = loaded.source.bpmn_xml.replace('name="Approve the account"',
                                         'name="Approve the new account"')
    second = engine.catalog.deploy(replace(loaded.source, bpmn_xml=xml)).version_id
    comparison = engine.trials.compare(owner.id, "social_media_account", first, second)
    assert (comparison.a_number, comparison.b_number) == (1, 2)
    assert [e.element_id for e in comparison.elements_changed] == ["manager_approval"]
    assert [v.number for v in engine.trials.versions(owner.id, "social_media_account")] == [1, 2]
    previous = engine.trials.previous_version(owner.id, "social_media_account", second)
    assert previous.version_id == first and previous.number == 1
    review = engine.catalog.current("account_review")[0]
    with pytest.raises(NotFound):
        engine.trials.compare(owner.id, "social_media_account", first, review)


def test_without_an_open_draft_there_is_nothing_to_try(engine, owner):
    with pytest.raises(NotFound) as missing:
        engine.trials.try_draft(owner.id, "social_media_account", [])
    assert missing.value.code == "draft.not_found"
