"""Data the register trusts is checked against what it means, on the service's (Stockholm) day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from engine import InvalidForm, NotAllowed
from engine.store import OutboxMessage
from tests.support.people import (
    ACCOUNT,
    APPROVE,
    GUIDELINES,
    MODERATION,
    PASSWORD,
    REGISTER,
    REGISTRATION,
    REJECT,
    SEND_BACK,
)
from tests.support.walk import do, only_task, request_until_approval
from tests.support.walk import register as register_request


@pytest.fixture
def at_registration(engine, org):
    """A request waiting on the requester's registration form (the test clock: 2026-01-05)."""
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)


def refused(engine, user, name, data):
    """The per-field messages (code, params) of a refused submission."""
    with pytest.raises(InvalidForm) as error:
        do(engine, user, name, data)
    return {field: [(m.code, m.params) for m in found]
            for field, found in error.value.messages.items()}


def test_a_planned_start_in_the_past_is_refused(engine, org, at_registration):
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "planned_start": "1999-06-01"}) == {
        "planned_start": [("date_in_past", {"today": "2026-01-05"})]}
    assert only_task(engine, org.staff, "registration_form"), "nothing moved on"


@pytest.mark.parametrize("day", ["2026-01-05", "2026-02-01"])
def test_a_planned_start_today_or_later_is_accepted(engine, org, at_registration, day):
    do(engine, org.staff, "registration_form", {**REGISTRATION, "planned_start": day})
    assert only_task(engine, org.comms, "register_account")


def test_date_messages_come_with_the_forms_own(engine, org, at_registration):
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "planned_start": "2025-12-31", "contact_email": "sara"}) == {
        "planned_start": [("date_in_past", {"today": "2026-01-05"})],
        "contact_email": [("invalid_email", {})]}


def test_a_registration_date_in_the_future_is_refused(engine, org, at_registration):
    do(engine, org.staff, "registration_form", REGISTRATION)
    assert refused(engine, org.comms, "register_account",
                   {**REGISTER, "registered_on": "2030-01-01"}) == {
        "registered_on": [("date_in_future", {"today": "2026-01-05"})]}
    do(engine, org.comms, "register_account", {**REGISTER, "registered_on": "2025-11-30"})
    assert [a.status for a in engine.accounts(org.comms.id)] == ["active"]


def test_a_send_back_ignores_a_leftover_registration_date(engine, org, at_registration):
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", {**SEND_BACK, "registered_on": "2030-01-01"})
    assert only_task(engine, org.staff, "registration_form")


def test_today_is_stockholms_day_not_utcs(engine, org, at_registration, clock):
    do(engine, org.staff, "registration_form", REGISTRATION)
    clock.advance(timedelta(hours=14, minutes=30))  # 23:30 UTC: already 6 January in Stockholm
    do(engine, org.comms, "register_account", {**REGISTER, "registered_on": "2026-01-06"})
    assert [a.status for a in engine.accounts(org.comms.id)] == ["active"]


def test_an_address_without_a_dotted_host_is_refused(engine, org, at_registration):
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "account_url": "https://x"}) == {
        "account_url": [("invalid_url", {})]}
    do(engine, org.staff, "registration_form", REGISTRATION)
    assert refused(engine, org.comms, "register_account",
                   {**REGISTER, "registered_url": "https://x"}) == {
        "registered_url": [("invalid_url", {})]}


def test_the_register_form_starts_from_the_requesters_address(engine, org, at_registration):
    do(engine, org.staff, "registration_form",
       {**REGISTRATION, "account_url": "https://www.instagram.com/kineurolab"})
    task = engine.get_task(org.comms.id, only_task(engine, org.comms, "register_account").id)
    assert task.values == {"registered_url": "https://www.instagram.com/kineurolab"}


def test_the_register_form_starts_empty_without_an_address(engine, org, at_registration):
    do(engine, org.staff, "registration_form", REGISTRATION)
    task = engine.get_task(org.comms.id, only_task(engine, org.comms, "register_account").id)
    assert task.values == {}


# ---- an address on the chosen channel ----------------------------------------------------------

def at_registration_on(engine, org, channel, **more):
    """A request for an account on `channel`, waiting on the requester's registration form."""
    request_id = engine.start_request(org.staff.id).instance_id
    do(engine, org.staff, "confirm_guidelines", GUIDELINES)
    do(engine, org.staff, "define_account", {**ACCOUNT, "channel": channel, **more})
    do(engine, org.staff, "plan_moderation", MODERATION)
    do(engine, org.manager, "manager_approval", APPROVE)
    return request_id


@pytest.mark.parametrize(("channel", "address"), [
    ("Facebook", "https://www.instagram.com/kineurolab"),  # another channel's address
    ("Instagram", "https://instagram.com.example.org/kineurolab"),  # the name inside a host
    ("Instagram", "https://notinstagram.com/kineurolab"),
    ("Instagram", "https://instagram.com@evil.example.org/kineurolab"),  # a user, not a host
    ("X", "https://www.youtube.com/@kineurolab"),
])
def test_an_address_of_another_site_is_refused_naming_the_channel(engine, org, channel,
                                                                   address):
    at_registration_on(engine, org, channel)
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "account_url": address}) == {
        "account_url": [("address.not_on_channel", {"channel": channel})]}
    assert only_task(engine, org.staff, "registration_form"), "nothing moved on"


@pytest.mark.parametrize(("channel", "address"), [
    ("Facebook", "https://www.facebook.com/kineurolab"),
    ("Facebook", "https://m.facebook.com/kineurolab"),
    ("Facebook", "https://fb.com/kineurolab"),
    ("Instagram", "https://INSTAGRAM.com/kineurolab"),
    ("X", "https://twitter.com/kineurolab"),
    ("X", "https://x.com/kineurolab"),
    ("YouTube", "https://youtu.be/abc"),
    ("LinkedIn", "https://se.linkedin.com/company/ki"),
    ("TikTok", "https://www.tiktok.com/@kineurolab"),
    ("Mastodon", "https://mastodon.nu/@kineurolab"),  # run on many servers: any host
])
def test_an_address_on_the_channels_own_site_is_accepted(engine, org, channel, address):
    at_registration_on(engine, org, channel)
    do(engine, org.staff, "registration_form", {**REGISTRATION, "account_url": address})
    assert only_task(engine, org.comms, "register_account")


def test_an_address_over_plain_http_is_refused(engine, org):
    at_registration_on(engine, org, "Instagram")
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "account_url": "http://www.instagram.com/kineurolab"}) == {
        "account_url": [("address.not_https", {})]}


def test_communications_address_is_checked_against_the_channel_too(engine, org):
    at_registration_on(engine, org, "Facebook")
    do(engine, org.staff, "registration_form", REGISTRATION)
    # The shared REGISTER answers give an Instagram address: wrong for a Facebook account.
    assert refused(engine, org.comms, "register_account", REGISTER) == {
        "registered_url": [("address.not_on_channel", {"channel": "Facebook"})]}
    do(engine, org.comms, "register_account",
       {**REGISTER, "registered_url": "https://www.facebook.com/kineurolab"})
    [account] = engine.accounts(org.comms.id)
    assert account.url == "https://www.facebook.com/kineurolab"


def test_a_send_back_does_not_store_a_wrong_address_either(engine, org):
    at_registration_on(engine, org, "Facebook")
    do(engine, org.staff, "registration_form", REGISTRATION)
    # The address is kept with a send-back (it is not a conditional field): it must be right.
    wrong = {**SEND_BACK, "registered_url": "https://www.instagram.com/kineurolab"}
    assert refused(engine, org.comms, "register_account", wrong) == {
        "registered_url": [("address.not_on_channel", {"channel": "Facebook"})]}
    do(engine, org.comms, "register_account", SEND_BACK)
    assert only_task(engine, org.staff, "registration_form")


def test_other_takes_any_https_address_and_refuses_the_rest(engine, org):
    at_registration_on(engine, org, "Other", channel_name="Vimeo")
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "account_url": "https://x"}) == {
        "account_url": [("invalid_url", {})]}
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "account_url": "http://vimeo.com/kineurolab"}) == {
        "account_url": [("address.not_https", {})]}
    do(engine, org.staff, "registration_form",
       {**REGISTRATION, "account_url": "https://vimeo.com/kineurolab"})
    assert only_task(engine, org.comms, "register_account")


def test_address_messages_come_with_the_forms_own(engine, org):
    at_registration_on(engine, org, "Instagram")
    assert refused(engine, org.staff, "registration_form",
                   {**REGISTRATION, "account_url": "https://www.facebook.com/kineurolab",
                    "planned_start": "1999-06-01"}) == {
        "account_url": [("address.not_on_channel", {"channel": "Instagram"})],
        "planned_start": [("date_in_past", {"today": "2026-01-05"})]}


# ---- "Other" is named --------------------------------------------------------------------------

def test_other_needs_the_channels_name(engine, org):
    engine.start_request(org.staff.id)
    do(engine, org.staff, "confirm_guidelines", GUIDELINES)
    assert refused(engine, org.staff, "define_account", {**ACCOUNT, "channel": "Other"}) == {
        "channel_name": [("required", {})]}
    assert refused(engine, org.staff, "define_account",
                   {**ACCOUNT, "channel": "Other", "channel_name": " "})["channel_name"]
    do(engine, org.staff, "define_account", {**ACCOUNT, "channel": "Other",
                                             "channel_name": "Vimeo"})


def test_a_named_channel_is_dropped_when_the_channel_is_not_other(engine, org):
    request_id = at_registration_on(engine, org, "Instagram", channel_name="Vimeo")
    view = engine.get_request(org.staff.id, request_id)
    assert view.title.params == {"account_name": "KI Neuro Lab", "channel": "Instagram"}
    assert all(item.name != "channel_name" for s in view.answers for item in s.items)


def registered_on_other(engine, org):
    """An account on a channel the list does not have, named Vimeo, registered."""
    request_id = at_registration_on(engine, org, "Other", channel_name="Vimeo")
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account",
       {**REGISTER, "registered_url": "https://vimeo.com/kineurolab"})
    return request_id


def test_the_named_channel_is_the_title_the_register_and_the_mails(engine, org, clock):
    request_id = registered_on_other(engine, org)
    assert engine.get_request(org.staff.id, request_id).title.params == {
        "account_name": "KI Neuro Lab", "channel": "Vimeo"}
    [account] = engine.accounts(org.comms.id)
    assert account.channel == "Vimeo"
    assert engine.accounts(org.comms.id, channel="Vimeo") == [account]
    with engine.uow.read() as session:
        channels = {m.kind: m.params.get("channel") for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.instance_id == request_id))
            if "channel" in m.params}
    assert channels == {"request_approved": "Vimeo", "account_registered": "Vimeo"}
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    review = only_task(engine, org.staff, "periodic_review")
    assert review.request_title.params["channel"] == "Vimeo", "never '… on Other'"


def test_a_register_row_edited_back_to_other_is_reported(engine, org):
    request_id = registered_on_other(engine, org)
    with engine.uow.write() as session:
        session.execute(text("UPDATE accounts SET channel = 'Other'"))
    auditor = engine.users.create("auditor", "Ada Auditor", "ada@ki.se", PASSWORD, ["auditor"])
    check = engine.check_record(auditor.id, request_id)
    assert [(d.table, d.field, d.stored, d.expected) for d in check.projections] == [
        ("accounts", "channel", "Other", "Vimeo")]


# ---- communications sees its own earlier questions --------------------------------------------

def sent_back_by_communications(engine, org):
    """A registration sent back with questions and answered by the requester; the request id."""
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", SEND_BACK)
    do(engine, org.staff, "registration_form",
       {**REGISTRATION, "message": "Yes: the head of department approved it."})
    return request_id


def items_of(section):
    """A section's answers by field name."""
    return {item.name: item.value for item in section.items}


def test_a_returning_registration_shows_communications_its_questions_and_the_reply(engine,
                                                                                  org):
    sent_back_by_communications(engine, org)
    task = engine.get_task(org.comms2.id, only_task(engine, org.comms2, "register_account").id)
    [earlier] = task.earlier_rounds
    assert (earlier.said.step, earlier.said.by) == ("register_account", org.comms.name)
    assert items_of(earlier.said)["questions"] == SEND_BACK["questions"]
    [reply] = earlier.replies
    assert (reply.step, reply.by) == ("registration_form", org.staff.name)
    assert items_of(reply)["message"] == "Yes: the head of department approved it."


def test_a_first_registration_and_the_requesters_revision_show_no_earlier_questions(engine,
                                                                                   org):
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    first = engine.get_task(org.comms.id, only_task(engine, org.comms, "register_account").id)
    assert first.earlier_rounds == ()
    do(engine, org.comms, "register_account", SEND_BACK)
    revising = engine.get_task(org.staff.id, only_task(engine, org.staff,
                                                        "registration_form").id)
    assert revising.earlier_rounds == (), "the requester sent nothing back"


def test_earlier_questions_come_from_the_record_not_the_conversation_rows(engine, org):
    sent_back_by_communications(engine, org)
    with engine.uow.write() as session:  # an insider removes the question from the conversation
        session.execute(text("DELETE FROM request_comments"))
    task = engine.get_task(org.comms.id, only_task(engine, org.comms, "register_account").id)
    assert items_of(task.earlier_rounds[0].said)["questions"] == SEND_BACK["questions"]


def test_earlier_questions_are_refused_to_people_outside_the_task(engine, org):
    sent_back_by_communications(engine, org)
    task_id = only_task(engine, org.comms, "register_account").id
    for outsider in (org.staff, org.outsider, org.manager):
        with pytest.raises(NotAllowed):
            engine.get_task(outsider.id, task_id)


# ---- an escalated review shows whom to contact ------------------------------------------------

def escalated(engine, org, clock):
    """A registered account whose review went unanswered: communications' follow-up task."""
    register_request(engine, org)
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    clock.advance(timedelta(days=31))
    engine.fire_due_timers()
    return only_task(engine, org.comms, "escalated_review")


def test_an_escalated_review_gives_the_owners_and_moderators_contacts(engine, org, clock):
    task = engine.get_task(org.comms.id, escalated(engine, org, clock).id)
    account = task.subject
    assert (account.owner_name, account.owner_email) == (org.staff.name, org.staff.email)
    assert account.owning_unit == ACCOUNT["owning_unit"]
    assert account.moderator_contacts == (("Sara Staff", "sara@ki.se"), ("Bo Berg", "bo@ki.se"))


def test_the_escalation_and_its_contacts_are_not_shown_to_the_owner(engine, org, clock):
    task = escalated(engine, org, clock)
    for person in (org.staff, org.outsider):
        with pytest.raises(NotAllowed):
            engine.get_task(person.id, task.id)


# ---- a neutral comment on approval -------------------------------------------------------------

COMMENTED = {**APPROVE, "approval_comment": "Good plan. Ask Bo to join the channel network."}


def approvals(engine, request_id):
    """The approval messages written for a request: (kind, params)."""
    with engine.uow.read() as session:
        return [(m.kind, m.params) for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.instance_id == request_id,
                                        OutboxMessage.kind.like("request_approved%")))]


def test_an_approval_comment_reaches_the_requester_by_mail_and_conversation(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", COMMENTED)
    [(kind, params)] = approvals(engine, request_id)
    subject, body = engine.mail_words().compose(kind, request_id, params, "Sara")
    assert subject == "Approved: KI Neuro Lab on Instagram"
    assert COMMENTED["approval_comment"] in body and "approved the account" in body
    assert [(i.kind, i.author_name, i.text) for i in engine.conversation(
        org.staff.id, request_id).items] == [
        ("approval", org.manager.name, COMMENTED["approval_comment"])]
    approval = next(s for s in engine.get_request(org.staff.id, request_id).answers
                    if s.step == "manager_approval")
    assert items_of(approval)["approval_comment"] == COMMENTED["approval_comment"]
    assert "rejection_reason" not in items_of(approval)


def test_an_approval_without_a_comment_says_nothing_more(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", {**APPROVE, "approval_comment": "   "})
    [(kind, params)] = approvals(engine, request_id)
    _subject, body = engine.mail_words().compose(kind, request_id, params, "Sara")
    assert "comment" not in body, "no empty comment heading"
    assert engine.conversation(org.staff.id, request_id).items == ()


def test_a_rejection_still_needs_its_reason_and_the_comment_does_not_replace_it(engine, org):
    request_until_approval(engine, org)
    assert refused(engine, org.manager, "manager_approval",
                   {"manager_decision": "reject", "approval_comment": "Looks fine"}) == {
        "rejection_reason": [("required", {})]}


def test_only_the_manager_comments_on_the_approval(engine, org):
    request_until_approval(engine, org)
    task_id = only_task(engine, org.manager, "manager_approval").id
    with pytest.raises(NotAllowed):
        engine.complete_task(org.staff.id, task_id, COMMENTED)
    assert refused(engine, org.manager, "manager_approval",
                   {**COMMENTED, "approval_comment": "x" * 2001}) == {
        "approval_comment": [("too_long", {"max": 2000})]}


# ---- answers under the step and person that gave them -----------------------------------------

def test_each_steps_answers_name_who_gave_them_and_when(engine, org, clock):
    request_id = request_until_approval(engine, org)
    clock.advance(timedelta(hours=2))
    do(engine, org.manager, "manager_approval", COMMENTED)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms2, "register_account", REGISTER)
    answers = {s.step: s for s in engine.get_request(org.staff.id, request_id).answers}
    assert {step: s.by for step, s in answers.items()} == {
        "confirm_guidelines": org.staff.name, "define_account": org.staff.name,
        "plan_moderation": org.staff.name, "manager_approval": org.manager.name,
        "registration_form": org.staff.name, "register_account": org.comms2.name}
    assert answers["manager_approval"].at == clock.now()
    assert items_of(answers["register_account"])["communications_decision"] == (
        "Register the account")


def test_a_decision_made_again_is_under_whoever_made_it_last(engine, org):
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", REJECT)
    do(engine, org.staff, "define_account", ACCOUNT)
    do(engine, org.staff, "plan_moderation", MODERATION)
    do(engine, org.manager, "manager_approval", APPROVE)
    approval = next(s for s in engine.get_request(org.comms.id, request_id).answers
                    if s.step == "manager_approval")
    assert approval.by == org.manager.name
    assert items_of(approval) == {"manager_decision": "Approve the account"}
