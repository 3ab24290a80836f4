"""A review that can fail: "keep" only when its checks hold, an update of the register, and a
communications follow-up when the account is not watched every day, driven through the engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from engine import InvalidForm, NotAllowed
from engine.store import Event, Instance, OutboxMessage
from tests.support.people import (
    ACCOUNT,
    CLOSE,
    FOLLOW_UP_CLOSE,
    FOLLOW_UP_KEEP,
    KEEP,
    MODERATION,
    PASSWORD,
    UPDATE,
)
from tests.support.walk import do, only_task, register

CHECKS = ("still_moderated_daily", "purpose_still_holds", "moderators_current")
NOT_WATCHED = {**UPDATE, "still_moderated_daily": False}


def review_due(engine, org, clock):
    """Register an account and let its first review fall due; return the request id."""
    request_id = register(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    return request_id


def refused(engine, user, task_name, answers) -> dict:
    """The messages (field -> codes) a submission is refused with."""
    with pytest.raises(InvalidForm) as error:
        do(engine, user, task_name, answers)
    return {field: [m.code for m in found] for field, found in error.value.messages.items()}


def account_log(engine, account_id) -> list[Event]:
    with engine.uow.read() as session:
        return list(session.scalars(select(Event).where(
            Event.stream == f"account:{account_id}").order_by(Event.seq)).all())


def outbox_kinds(engine, user_id) -> list[str]:
    with engine.uow.read() as session:
        return list(session.scalars(select(OutboxMessage.kind).where(
            OutboxMessage.user_id == user_id).order_by(OutboxMessage.id)).all())


def auditor(engine):
    return engine.users.create("auditor", "Ada Auditor", "ada@ki.se", PASSWORD, ["auditor"])


@pytest.mark.parametrize("unticked", CHECKS)
def test_keep_with_a_check_unticked_is_refused_on_that_check(engine, org, clock, unticked):
    review_due(engine, org, clock)
    assert refused(engine, org.staff, "periodic_review", {**KEEP, unticked: False}) == {
        unticked: ["review.keep_unconfirmed"]}
    [account] = engine.accounts(org.comms.id)
    assert (account.status, account.review_cycles) == ("review due", 0)
    only_task(engine, org.staff, "periodic_review")  # still waiting for an answer


def test_keep_with_every_check_unticked_and_no_comment_is_refused_on_each(engine, org, clock):
    """The issue's case: all three unticked, Keep, no comment."""
    review_due(engine, org, clock)
    answers = {**KEEP, **dict.fromkeys(CHECKS, False)}
    assert refused(engine, org.staff, "periodic_review", answers) == {
        check: ["review.keep_unconfirmed"] for check in CHECKS}


def test_the_review_form_starts_from_the_register_entry(engine, org, clock):
    review_due(engine, org, clock)
    task = engine.get_task(org.staff.id, only_task(engine, org.staff, "periodic_review").id)
    assert task.values["moderators"] == MODERATION["moderators"]
    assert task.values["purpose"] == ACCOUNT["purpose"]
    assert "review_decision" not in task.values


def test_keep_leaves_the_register_as_it_was(engine, org, clock):
    review_due(engine, org, clock)
    # The form posts the prefilled moderators too; for "keep" they are not an update.
    do(engine, org.staff, "periodic_review", {**KEEP, "moderators": UPDATE["moderators"]})
    [account] = engine.accounts(org.comms.id)
    assert account.moderators == ("Sara Staff", "Bo Berg")
    assert [e.kind for e in account_log(engine, account.id)] == []


@pytest.mark.parametrize(("moderators", "expected"), [
    ([{"name": "Sara Staff", "email": "sara@ki.se", "covers_holidays": True}],
     {"moderators": ["too_few_items"]}),
    ([{"name": "Sara Staff", "email": "sara@ki.se", "covers_holidays": True},
      {"name": "S. Staff", "email": "SARA@ki.se", "covers_holidays": True}],
     {"moderators.1.email": ["moderators.same_person"],
      "moderators": ["moderators.too_few_people"]}),
    ([{"name": "Sara Staff", "email": "sara@ki.se", "covers_holidays": False},
      {"name": "Ulla Ung", "email": "ulla@ki.se", "covers_holidays": False}],
     {"moderators": ["moderators.no_holiday_cover"]}),
])
def test_an_update_must_keep_the_moderation_rules(engine, org, clock, moderators, expected):
    review_due(engine, org, clock)
    assert refused(engine, org.staff, "periodic_review",
                   {**UPDATE, "moderators": moderators}) == expected
    assert engine.accounts(org.comms.id)[0].moderators == ("Sara Staff", "Bo Berg")


def test_an_update_names_moderators_and_purpose(engine, org, clock):
    review_due(engine, org, clock)
    answers = {k: v for k, v in UPDATE.items() if k not in ("moderators", "purpose")}
    assert refused(engine, org.staff, "periodic_review", answers) == {
        "moderators": ["required"], "purpose": ["required"]}


def test_a_new_owner_must_be_someone_who_uses_the_system(engine, org, clock):
    review_due(engine, org, clock)
    assert refused(engine, org.staff, "periodic_review",
                   {**UPDATE, "new_owner_email": "nobody@ki.se"}) == {
        "new_owner_email": ["review.owner_unknown"]}
    assert refused(engine, org.staff, "periodic_review",
                   {**UPDATE, "new_owner_email": "not an email"}) == {
        "new_owner_email": ["invalid_email"]}


def test_an_update_changes_the_register_and_records_the_owner_as_actor(engine, org, clock):
    review_due(engine, org, clock)
    do(engine, org.staff, "periodic_review", UPDATE)

    [account] = engine.accounts(org.comms.id)
    assert account.moderators == ("Sara Staff", "Ulla Ung")
    assert account.purpose == UPDATE["purpose"]
    assert (account.status, account.review_cycles, account.owner_name) == (
        "active", 1, "Sara Staff")
    [changed] = account_log(engine, account.id)
    assert (changed.kind, changed.actor_id) == ("account_changed", org.staff.id)
    assert changed.payload["via"] == "review"
    assert changed.payload["reason"] == UPDATE["comment"]
    assert set(changed.payload["changes"]) == {"moderators", "purpose"}
    assert changed.payload["changes"]["moderators"] == [MODERATION["moderators"],
                                                        UPDATE["moderators"]]

    # The next cycle starts from the updated entry.
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    task = engine.get_task(org.staff.id, only_task(engine, org.staff, "periodic_review").id)
    assert task.values["moderators"] == UPDATE["moderators"]
    assert task.values["purpose"] == UPDATE["purpose"]


def test_an_update_hands_the_account_to_a_new_owner(engine, org, clock):
    review_due(engine, org, clock)
    do(engine, org.staff, "periodic_review", {**UPDATE, "new_owner_email": "OTTO@ki.se"})

    [account] = engine.accounts(org.comms.id)
    assert account.owner_name == "Otto Outsider"
    [changed] = account_log(engine, account.id)
    assert changed.payload["changes"]["owner_id"] == [org.staff.id, org.outsider.id]
    assert changed.actor_id == org.staff.id
    assert [a.account_name for a in engine.my_accounts(org.outsider.id)] == ["KI Neuro Lab"]
    # The next review is the new owner's.
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    only_task(engine, org.outsider, "periodic_review")
    assert [t for t in engine.inbox(org.staff.id) if t.task_name == "periodic_review"] == []


def test_not_watched_daily_goes_to_communications_then_keep(engine, org, clock):
    review_due(engine, org, clock)
    do(engine, org.staff, "periodic_review", NOT_WATCHED)

    [account] = engine.accounts(org.comms.id)
    assert account.status == "moderation follow-up"
    assert account.moderators == ("Sara Staff", "Bo Berg"), "the update waits for the cycle"
    assert engine.inbox(org.staff.id) == []
    assert "review_follow_up" in outbox_kinds(engine, org.staff.id)
    task = only_task(engine, org.comms2, "moderation_follow_up")
    assert task.id in {t.id for t in engine.inbox(org.comms.id)}

    with pytest.raises(InvalidForm) as bad:
        do(engine, org.comms2, "moderation_follow_up", {**FOLLOW_UP_KEEP, "follow_up_comment": ""})
    assert "follow_up_comment" in bad.value.messages
    do(engine, org.comms2, "moderation_follow_up", FOLLOW_UP_KEEP)

    [account] = engine.accounts(org.comms.id)
    assert (account.status, account.review_cycles) == ("active", 1)
    assert account.moderators == ("Sara Staff", "Ulla Ung")
    [changed] = account_log(engine, account.id)
    assert (changed.kind, changed.actor_id) == ("account_changed", org.staff.id)


def test_not_watched_daily_then_closed_by_communications(engine, org, clock):
    review_due(engine, org, clock)
    do(engine, org.staff, "periodic_review", NOT_WATCHED)
    do(engine, org.comms, "moderation_follow_up", FOLLOW_UP_CLOSE)

    [account] = engine.accounts(org.comms.id)
    assert (account.status, account.next_review_on) == ("closed", None)
    [closed] = account_log(engine, account.id)
    assert (closed.kind, closed.actor_id) == ("account_closed", org.comms.id)
    assert closed.payload["reason"] == FOLLOW_UP_CLOSE["follow_up_comment"]
    clock.advance(timedelta(days=800))
    assert engine.fire_due_timers().fired == 0


def test_closing_needs_no_follow_up_even_when_not_watched(engine, org, clock):
    review_due(engine, org, clock)
    do(engine, org.staff, "periodic_review", {**CLOSE, "still_moderated_daily": False})
    assert engine.accounts(org.comms.id)[0].status == "closed"
    with engine.uow.read() as session:
        assert session.scalar(text(
            "SELECT count(*) FROM ready_tasks WHERE task_name = 'moderation_follow_up'")) == 0


def test_only_communications_follows_up(engine, org, clock):
    review_due(engine, org, clock)
    do(engine, org.staff, "periodic_review", NOT_WATCHED)
    task = only_task(engine, org.comms, "moderation_follow_up")
    for user in (org.staff, org.outsider, org.manager):
        with pytest.raises(NotAllowed):
            engine.complete_task(user.id, task.id, FOLLOW_UP_KEEP)
        assert task.id not in {t.id for t in engine.inbox(user.id)}


def test_the_escalated_review_still_only_keeps_or_closes(engine, org, clock):
    review_due(engine, org, clock)
    clock.advance(timedelta(days=31))
    engine.fire_due_timers()
    answers = {"owner_contacted": True, "review_decision": "update", "comment": "Updated."}
    assert refused(engine, org.comms, "escalated_review", answers) == {
        "review_decision": ["not_a_choice"]}


def test_an_insider_edit_after_an_update_is_reported(engine, org, clock):
    request_id = review_due(engine, org, clock)
    do(engine, org.staff, "periodic_review", {**UPDATE, "new_owner_email": "otto@ki.se"})
    ada = auditor(engine)
    assert engine.check_record(ada.id, request_id).sound, "a recorded update is not tampering"
    with engine.uow.read() as session:
        review_id = session.scalar(select(Instance.id).where(
            Instance.process_id == "account_review").order_by(Instance.created_at).limit(1))
    assert engine.check_record(ada.id, review_id).sound

    with engine.uow.write() as session:
        session.execute(text("UPDATE accounts SET purpose = :p, owner_id = :o"),
                        {"p": ACCOUNT["purpose"], "o": org.staff.id})
    check = engine.check_record(ada.id, request_id)
    assert not check.sound
    assert {(d.table, d.field) for d in check.projections} >= {
        ("accounts", "purpose"), ("accounts", "owner_id")}
    assert check.chain.intact and check.replay.matches


def review_view(engine, user):
    with engine.uow.read() as session:
        review_id = session.scalar(select(Instance.id).where(
            Instance.process_id == "account_review").order_by(Instance.created_at).limit(1))
    return engine.get_request(user.id, review_id)


def panel(view) -> list[tuple[str, str | None, dict]]:
    """(step, who, {field: value}) of each section of a request's Answers panel."""
    return [(s.step, s.by, {i.name: i.value for i in s.items}) for s in view.answers]


def test_the_answers_panel_puts_each_decision_under_its_step_and_person(engine, org, clock):
    review_due(engine, org, clock)
    do(engine, org.staff, "periodic_review", NOT_WATCHED)
    do(engine, org.comms2, "moderation_follow_up", FOLLOW_UP_KEEP)
    [(step, who, owner), (step2, who2, department)] = panel(review_view(engine, org.staff))
    assert (step, who, step2, who2) == ("periodic_review", "Sara Staff",
                                        "moderation_follow_up", "Cleo Comms")
    assert owner["review_decision"] == "Update the register and keep the account"
    assert owner["comment"] == UPDATE["comment"] and "Ulla Ung" in owner["moderators"][1]
    assert department["follow_up_decision"] == "Keep the account"
    assert department["follow_up_comment"] == FOLLOW_UP_KEEP["follow_up_comment"]


def test_an_escalated_review_shows_only_the_step_that_happened(engine, org, clock):
    review_due(engine, org, clock)
    clock.advance(timedelta(days=31))
    engine.fire_due_timers()
    do(engine, org.comms, "escalated_review",
       {"owner_contacted": True, "review_decision": "keep", "comment": "Owner confirmed."})
    [(step, who, answers)] = panel(review_view(engine, org.comms))
    assert (step, who, answers["comment"]) == ("escalated_review", "Cai Comms",
                                               "Owner confirmed.")


def test_a_kept_review_shows_the_owner_not_the_seeded_register(engine, org, clock):
    review_due(engine, org, clock)
    do(engine, org.staff, "periodic_review", KEEP)
    [(step, who, answers)] = panel(review_view(engine, org.staff))
    assert (step, who) == ("periodic_review", "Sara Staff")
    assert set(answers) == {*CHECKS, "review_decision"}, "no update, no moderators shown"
