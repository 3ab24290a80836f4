"""Driving the account procedure through the engine, step by step, as its people would.

Tests that only need a request at some stage use these, so a change to the procedure's steps
is made here once.
"""

from __future__ import annotations

from tests.support.people import (
    ACCOUNT,
    APPROVE,
    GUIDELINES,
    MODERATION,
    REGISTER,
    REGISTRATION,
)


def only_task(engine, user, name):
    """The one ready task of that name in the user's inbox."""
    tasks = [t for t in engine.inbox(user.id) if t.task_name == name]
    assert len(tasks) == 1, f"{user.username} should have one '{name}' task: {tasks}"
    return tasks[0]


def do(engine, user, name, data):
    """Complete the user's task of that name."""
    return engine.complete_task(user.id, only_task(engine, user, name).id, data)


def request_until_approval(engine, org, requester=None):
    """Start a request and fill in the requester's steps up to the manager's approval."""
    requester = requester or org.staff
    request_id = engine.start_request(requester.id).instance_id
    do(engine, requester, "confirm_guidelines", GUIDELINES)
    do(engine, requester, "define_account", ACCOUNT)
    do(engine, requester, "plan_moderation", MODERATION)
    return request_id


def register(engine, org):
    """Drive a request all the way to a registered account; return the request id."""
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    do(engine, org.staff, "registration_form", REGISTRATION)
    do(engine, org.comms, "register_account", REGISTER)
    return request_id
