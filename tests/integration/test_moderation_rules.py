"""The guideline's moderation rules hold in the engine: two different people, holidays covered.

People are compared, not strings: the same email in another case, or the same name in another
case or spacing, is the same person. Each way around a rule is tried by the requester, by the
requester's check page and by an administrator's correction; a good plan passes, and the manager
is told what a plan lacks that the rules let through.
"""

from __future__ import annotations

import pytest

from engine import InvalidForm, NotAllowed
from tests.integration.test_corrections import _completed, events_of
from tests.support.people import ACCOUNT, GUIDELINES, MODERATION, PASSWORD
from tests.support.walk import do, only_task, request_until_approval

SARA = {"name": "Sara Staff", "email": "sara@ki.se", "covers_holidays": True}
BO = {"name": "Bo Berg", "email": "bo@ki.se", "covers_holidays": False}
NOBODY_IN_JULY = "Nobody is around in July, we check it in August."


def plan(*moderators, holiday_plan=MODERATION["holiday_plan"]) -> dict:
    """A moderation plan with these moderators (the rest as the good plan has it)."""
    return {**MODERATION, "moderators": list(moderators), "holiday_plan": holiday_plan}


def at_moderation(engine, org) -> str:
    """A request whose requester is at the moderation step; the request id."""
    request_id = engine.start_request(org.staff.id).instance_id
    do(engine, org.staff, "confirm_guidelines", GUIDELINES)
    do(engine, org.staff, "define_account", ACCOUNT)
    return request_id


def refused(engine, user, data) -> dict:
    """The codes per field the moderation step refuses these answers with."""
    with pytest.raises(InvalidForm) as caught:
        do(engine, user, "plan_moderation", data)
    return {path: [(m.code, m.params) for m in found]
            for path, found in caught.value.messages.items()}


def test_the_same_email_in_another_case_is_one_person(engine, org):
    at_moderation(engine, org)
    again = {"name": "S. Staff", "email": " SARA@KI.SE", "covers_holidays": True}
    messages = refused(engine, org.staff, plan(SARA, again))
    assert messages == {
        "moderators.1.email": [("moderators.same_person", {"number": 1})],
        "moderators": [("moderators.too_few_people", {"min": 2})],
    }
    only_task(engine, org.staff, "plan_moderation")  # nothing was completed


def test_the_same_name_in_another_case_and_spacing_is_one_person(engine, org):
    at_moderation(engine, org)
    again = {"name": "  sara   STAFF ", "email": "sara.staff@gmail.com", "covers_holidays": False}
    messages = refused(engine, org.staff, plan(SARA, again))
    assert messages == {
        "moderators.1.name": [("moderators.same_person", {"number": 1})],
        "moderators": [("moderators.too_few_people", {"min": 2})],
    }


def test_a_third_row_repeating_someone_is_refused_though_two_people_remain(engine, org):
    at_moderation(engine, org)
    messages = refused(engine, org.staff, plan(SARA, BO, {**BO, "email": "BO@ki.se"}))
    # Listed twice is a slip worth fixing, but the plan still names two different people.
    assert messages == {"moderators.2.email": [("moderators.same_person", {"number": 2})],
                        "moderators.2.name": [("moderators.same_person", {"number": 2})]}


def test_nobody_covering_holidays_is_refused_whatever_the_plan_says(engine, org):
    at_moderation(engine, org)
    messages = refused(engine, org.staff, plan({**SARA, "covers_holidays": False}, BO,
                                               holiday_plan=NOBODY_IN_JULY))
    assert messages == {"moderators": [("moderators.no_holiday_cover", {})]}


def test_a_good_plan_passes_and_reaches_the_manager(engine, org):
    request_id = request_until_approval(engine, org)
    task = only_task(engine, org.manager, "manager_approval")
    assert task.instance_id == request_id
    [event] = [e for e in events_of(engine, request_id, "task_completed")
               if e.task_name == "plan_moderation"]
    assert event.payload["data"]["moderators"] == MODERATION["moderators"]


def test_the_check_page_holds_only_answers_that_keep_the_rules(engine, org):
    at_moderation(engine, org)
    task_id = only_task(engine, org.staff, "plan_moderation").id
    with pytest.raises(InvalidForm) as caught:
        engine.hold_answers(org.staff.id, task_id, plan(SARA, {**SARA, "name": "SARA STAFF"}))
    assert "moderators" in caught.value.messages
    assert engine.load_draft(org.staff.id, task_id) is None  # nothing kept to send


def test_a_correction_cannot_break_the_rules_either(engine, org):
    admin = engine.users.create("admin", "Alva Admin", "alva@ki.se", PASSWORD, ["admin"])
    request_id = request_until_approval(engine, org)
    task_id = _completed(engine, request_id, "plan_moderation")
    with pytest.raises(InvalidForm) as caught:
        engine.correct_answer(admin.id, task_id, "moderators",
                              [SARA, {**SARA, "email": "Sara@KI.se"}], "Bo has left")
    assert set(caught.value.messages) == {"moderators.1.email", "moderators.1.name",
                                          "moderators"}
    assert events_of(engine, request_id, "answer_corrected") == []
    # Another answer of the step is corrected as before.
    engine.correct_answer(admin.id, task_id, "holiday_plan",
                          "Bo watches the account in July and August.", "Longer summer")


def approval_notes(engine, org, data) -> tuple:
    """The notes on the manager's approval of a request with this moderation plan."""
    at_moderation(engine, org)
    do(engine, org.staff, "plan_moderation", data)
    task = only_task(engine, org.manager, "manager_approval")
    notes = engine.get_task(org.manager.id, task.id).notes
    return tuple((n.code, n.params) for n in notes)


def test_the_manager_is_told_the_plan_meets_the_rules(engine, org):
    assert approval_notes(engine, org, MODERATION) == ()


def test_the_manager_is_told_what_the_plan_lacks(engine, org):
    notes = approval_notes(engine, org, plan(SARA, BO, holiday_plan=NOBODY_IN_JULY))
    assert notes == (("plan.one_holiday_cover", {"name": "Sara Staff"}),
                     ("plan.holidays_name_nobody", {}))


def test_only_deciders_get_notes_and_others_see_no_task(engine, org):
    at_moderation(engine, org)
    mine = only_task(engine, org.staff, "plan_moderation")
    assert engine.get_task(org.staff.id, mine.id).notes is None  # the requester's own step
    do(engine, org.staff, "plan_moderation", MODERATION)
    approval = only_task(engine, org.manager, "manager_approval")
    for other in (org.staff, org.comms, org.outsider):
        with pytest.raises(NotAllowed):
            engine.get_task(other.id, approval.id)
