"""A conversation on each request: who may read and write it, its events, its messages."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from engine.errors import Conflict, InvalidForm, NotAllowed
from engine.store import Event, OutboxMessage
from tests.support.people import (
    ACCOUNT,
    APPROVE,
    MODERATION,
    PASSWORD,
    REGISTRATION,
    REJECT,
    SEND_BACK,
)
from tests.support.walk import do, register, request_until_approval


@pytest.fixture
def people(engine, org):
    """The test organisation with an auditor, an admin and a process owner besides."""
    users = engine.users
    return {
        "staff": org.staff, "manager": org.manager, "comms": org.comms, "comms2": org.comms2,
        "outsider": org.outsider, "director": org.director,
        "auditor": users.create("auditor", "Aud Auditor", "aud@ki.se", PASSWORD, ["auditor"],
                                "director"),
        "admin": users.create("admin", "Ada Admin", "ada@ki.se", PASSWORD, ["admin"],
                              "director"),
        "owner": users.create("owner", "Olle Owner", "olle@ki.se", PASSWORD,
                              ["process_owner"], "director"),
    }


def texts(engine, user, request_id):
    return [(i.kind, i.author_name, i.text)
            for i in engine.conversation(user.id, request_id).items]


def events(engine, request_id, kind="comment_added"):
    with engine.uow.read() as session:
        return session.scalars(select(Event).where(Event.stream == request_id,
                                                   Event.kind == kind)
                               .order_by(Event.seq)).all()


def messages(engine, request_id):
    with engine.uow.read() as session:
        return session.scalars(select(OutboxMessage).where(
            OutboxMessage.instance_id == request_id, OutboxMessage.kind == "comment_added")
            .order_by(OutboxMessage.id)).all()


# Who sees the request may comment on it: the requester, their manager (the approver),
# communications, admins; auditors only read; anyone else is refused both.
WRITERS = ("staff", "manager", "comms", "comms2", "admin")
REFUSED = ("outsider", "owner", "director")


@pytest.mark.parametrize("who", WRITERS)
def test_who_may_comment(engine, org, people, who):
    request_id = request_until_approval(engine, org)
    user = people[who]
    engine.add_comment(user.id, request_id, "  Is the name final?  ")
    assert texts(engine, people["staff"], request_id) == [
        ("comment", user.name, "Is the name final?")]
    assert engine.conversation(user.id, request_id).may_comment


def test_an_auditor_reads_but_may_not_comment(engine, org, people):
    request_id = request_until_approval(engine, org)
    engine.add_comment(org.staff.id, request_id, "Hello")
    view = engine.conversation(people["auditor"].id, request_id)
    assert [i.text for i in view.items] == ["Hello"] and not view.may_comment
    with pytest.raises(NotAllowed) as refused:
        engine.add_comment(people["auditor"].id, request_id, "An auditor's remark")
    assert refused.value.code == "comment.read_only"
    assert len(events(engine, request_id)) == 1


@pytest.mark.parametrize("who", REFUSED)
def test_people_not_involved_neither_read_nor_comment(engine, org, people, who):
    request_id = request_until_approval(engine, org)
    with pytest.raises(NotAllowed):
        engine.conversation(people[who].id, request_id)
    with pytest.raises(NotAllowed):
        engine.add_comment(people[who].id, request_id, "Me too")
    assert events(engine, request_id) == []


def test_a_person_a_task_was_reassigned_to_may_take_part(engine, org, people):
    request_id = request_until_approval(engine, org)
    task = next(t for t in engine.get_request(people["admin"].id, request_id).open_tasks)
    engine.reassign_task(people["admin"].id, task.id, "outsider", "Maja is away")
    engine.add_comment(org.outsider.id, request_id, "I approve this one instead")
    assert engine.conversation(org.outsider.id, request_id).may_comment


@pytest.mark.parametrize("text", ["", "   \n\t ", "x" * 4001])
def test_empty_or_too_long_text_is_a_field_error(engine, org, text):
    request_id = request_until_approval(engine, org)
    with pytest.raises(InvalidForm) as refused:
        engine.add_comment(org.staff.id, request_id, text)
    assert list(refused.value.messages) == ["text"]
    assert refused.value.messages["text"][0].code in ("required", "too_long")
    assert events(engine, request_id) == []


def test_4000_characters_are_kept(engine, org):
    request_id = request_until_approval(engine, org)
    engine.add_comment(org.staff.id, request_id, "x" * 4000)
    assert texts(engine, org.staff, request_id)[0][2] == "x" * 4000


def test_ended_requests_are_refused(engine, org, people):
    completed = register(engine, org)
    cancelled = request_until_approval(engine, org)
    engine.cancel_request(people["admin"].id, cancelled, "Opened by mistake")
    for request_id, status in ((completed, "completed"), (cancelled, "cancelled")):
        with pytest.raises(Conflict) as refused:
            engine.add_comment(org.staff.id, request_id, "One more thing")
        assert (refused.value.code, refused.value.params) == (
            "comment.request_ended", {"status": status})
        view = engine.conversation(org.staff.id, request_id)
        assert view.closed and not view.may_comment
        assert events(engine, request_id) == []


def test_a_comment_is_a_chained_event_and_the_record_check_stays_sound(engine, org, people):
    request_id = request_until_approval(engine, org)
    engine.add_comment(org.staff.id, request_id, "Bo is in the same lab")
    do(engine, org.manager, "manager_approval", APPROVE)
    engine.add_comment(org.manager.id, request_id, "Approved, thanks")
    [first, second] = events(engine, request_id)
    assert first.payload == {"text": "Bo is in the same lab", "by": org.staff.id}
    assert first.actor_id == org.staff.id and second.seq > first.seq
    check = engine.check_record(people["auditor"].id, request_id)
    assert check.chain.intact and check.replay.matches and check.sound, check
    history = [h.code for h in engine.get_request(org.staff.id, request_id).history]
    assert history.count("history.comment_added") == 2
    step = engine.history_step(org.staff.id, request_id, first.seq)  # replayed up to it
    assert step.event.code == "history.comment_added"
    assert step.event.params == {"actor": org.staff.name, "text": "Bo is in the same lab"}


def test_a_step_still_completes_after_a_comment(engine, org):
    request_id = request_until_approval(engine, org)
    engine.add_comment(org.staff.id, request_id, "Ready for you")
    result = do(engine, org.manager, "manager_approval", APPROVE)
    assert result.instance_id == request_id


def test_comments_at_the_same_moment_are_both_written(engine, org, people):
    request_id = request_until_approval(engine, org)
    writers = [org.staff, org.manager, org.comms, people["admin"]]
    barrier = threading.Barrier(len(writers))
    outcomes: dict[str, str] = {}

    def comment(user):
        barrier.wait()
        try:
            engine.add_comment(user.id, request_id, f"From {user.username}")
            outcomes[user.username] = "written"
        except Conflict as error:  # only if it lost three times in a row
            outcomes[user.username] = error.code

    threads = [threading.Thread(target=comment, args=(u,)) for u in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(outcomes.values()) <= {"written", "instance.changed"}, outcomes
    written = [u for u, o in outcomes.items() if o == "written"]
    assert written, outcomes
    assert len(events(engine, request_id)) == len(written)
    assert len(texts(engine, org.staff, request_id)) == len(written)
    assert engine.check_record(people["auditor"].id, request_id).sound


def test_a_comment_racing_a_step_leaves_one_chain(engine, org, people):
    request_id = request_until_approval(engine, org)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(action):
        barrier.wait()
        try:
            action()
        except Conflict as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(a,)) for a in (
        lambda: engine.add_comment(org.staff.id, request_id, "While you approve"),
        lambda: do(engine, org.manager, "manager_approval", APPROVE))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(e.code == "instance.changed" for e in errors), errors
    assert engine.check_record(people["auditor"].id, request_id).sound


def test_communications_questions_and_the_managers_reason_appear(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", REJECT)
    do(engine, org.staff, "define_account", ACCOUNT)
    do(engine, org.staff, "plan_moderation", MODERATION)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", SEND_BACK)
    engine.add_comment(org.staff.id, request_id, "Yes, the department approved it")
    assert texts(engine, org.staff, request_id) == [
        ("reason", org.manager.name, REJECT["rejection_reason"]),
        ("question", org.comms.name, SEND_BACK["questions"]),
        ("comment", org.staff.name, "Yes, the department approved it"),
    ]
    assert events(engine, request_id) and not any(
        e.kind == "comment_added" and e.payload["text"] == SEND_BACK["questions"]
        for e in events(engine, request_id)), "a question is in its step's own event"


def test_an_approval_adds_nothing_to_the_conversation(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    assert texts(engine, org.staff, request_id) == []


def test_the_other_participants_are_told(engine, org):
    request_id = request_until_approval(engine, org)
    engine.add_comment(org.manager.id, request_id, "A question for Sara")
    [to_staff] = messages(engine, request_id)  # the waiting task is the manager's own
    assert to_staff.user_id == org.staff.id and to_staff.params["text"] == "A question for Sara"
    engine.add_comment(org.staff.id, request_id, "An answer")
    latest = messages(engine, request_id)[1:]
    assert [(m.user_id, m.role) for m in latest] == [(org.manager.id, None)]
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    engine.add_comment(org.comms.id, request_id, "Looking at it")
    [to_requester, to_role] = messages(engine, request_id)[2:]
    assert (to_requester.user_id, to_role.role) == (org.staff.id, "communications")
    assert to_role.params["not_to"] == org.comms.id
    delivery = engine.delivery_port()
    assert [a for a, _ in delivery.recipients(to_role)] == ["cleo@ki.se"], "not the author"


def test_the_mail_links_the_conversation(engine, org):
    request_id = request_until_approval(engine, org)
    engine.add_comment(org.manager.id, request_id, "See the plan")
    [message] = messages(engine, request_id)
    subject, body = engine.mail_words().compose(message.kind, request_id, message.params,
                                                "Sara")
    assert "KI Neuro Lab" in subject
    assert f"/requests/{request_id}#conversation" in body and "See the plan" in body
