"""Words for the engine's codes: errors, validation messages, history, statuses and steps.

The engine answers in codes with parameters; this module is the one place that turns each code
into an English sentence, through the `_()` gate, so another language is a translation away.
A code without words here is a bug, and tests/web/test_wording.py enumerates every code the
engine registers to catch one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from engine import EngineError, Message, Problem

from .filters import local_date, local_datetime
from .i18n import _

Wording = str | Callable[[Mapping[str, Any]], str]

# ---- errors ------------------------------------------------------------------------------------

_NEW_USER_NEEDS = {
    "username": "a username of letters, digits, '.', '-' or '_'",
    "name": "a name",
    "email": "a valid email address",
    "password": "a password of at least 8 characters",
    "roles": "known roles only (not {roles})",
}


def _already_done(p: Mapping[str, Any]) -> str:
    return _("'{title}' was already completed by {who} on {when}.", title=p["title"],
             who=p.get("by") or _("someone"), when=local_datetime(p["at"]))


def _incomplete_user(p: Mapping[str, Any]) -> str:
    roles = shown(p.get("unknown_roles") or [])
    needs = [_(_NEW_USER_NEEDS[item], roles=roles) for item in p["missing"]]
    return _("A user needs {needs}.", needs=", ".join(needs))


def _not_a_duration(p: Mapping[str, Any]) -> str:
    return _("The {name} {value} is not an ISO 8601 duration such as P12M or P30D.",
             name=str(p["name"]).replace("_", " "), value=repr(p["value"]))


ERRORS: dict[str, Wording] = {
    "task.not_found": "There is no such task.",
    "request.not_found": "There is no such request.",
    "instance.not_found": "There is no such instance.",
    "user.not_found": lambda p: _("There is no user '{username}'.", username=p["username"])
    if p.get("username") else _("There is no such user."),
    "process.not_deployed": "The process '{process_id}' has not been deployed yet.",
    "version.not_found": "There is no such process version.",
    "checkpoint.not_found": "There is no such checkpoint.",
    "checkpoint.none_yet": "No checkpoint has been made yet.",
    "checkpoint.no_key": "No checkpoint key is configured: set KONTOFLODE_CHECKPOINT_KEY to "
                         "its PEM file.",
    "checkpoint.key_unusable": "The checkpoint key {path} cannot be used: {detail}",
    "checkpoint.public_key_unreadable": "The checkpoint public key {path} cannot be read: "
                                        "{detail}",
    "version.altered": lambda p: _(
        "Version {version} of '{process}' was changed in the database after it was deployed: its "
        "files no longer match their content hash ({stored}; they now hash to {actual}). It is "
        "not run until an administrator restores it.", version=p["version_id"],
        process=p["process_id"], stored=str(p["stored_hash"])[:12],
        actual=str(p["actual_hash"])[:12]),
    "task.not_assignee": "This task is not yours to complete.",
    "request.not_involved": "You are not involved in this request.",
    "register.communications_only": "The account register is for the communications department.",
    "requests.oversight_only": "The list of all requests is for communications and auditors.",
    "record.auditors_only": "Checking a request's record is for auditors.",
    "correction.admins_only": "Only an administrator may correct a request.",
    "correction.reason_required": "Give a reason: every correction is recorded with one.",
    "correction.user_inactive": "{username} may not sign in, so the task cannot go to them.",
    "correction.requester_not_allowed": "The requester cannot take a task of the lane "
                                        "'{lane}' on their own request.",
    "correction.already_assigned": "The task is already {username}'s.",
    "correction.not_a_request": "Only a request can be cancelled, not a review cycle.",
    "correction.not_an_answer": "'{field}' is not a field of '{title}'.",
    "correction.decision_field": "'{field}' steered the process; a decision cannot be "
                                 "corrected afterwards.",
    "correction.no_change": "'{field}' already has that value.",
    "request.cancelled": "The request was cancelled; nothing more can be done on it.",
    "request.not_running": lambda p: _("The request is completed and cannot be cancelled.")
    if p["status"] == "completed" else _("The request was cancelled already."),
    "answer.superseded": "'{title}' was answered again later; correct the latest answer.",
    "instance.changed": "Someone else changed this request while you were working on it. "
                        "Nothing you submitted was saved; reload the page and try again.",
    "task.no_longer_waiting": "This task is no longer waiting: someone completed it or the "
                              "request moved on. Reload the page to see where it stands.",
    "task.already_done": _already_done,
    "user.manager_unknown": "There is no user '{username}' to be the manager.",
    "user.username_taken": "The username '{username}' is taken.",
    "user.own_manager": "Nobody can be their own manager.",
    "user.unknown_roles": "Unknown roles: {roles}.",
    "user.incomplete": _incomplete_user,
    "password.too_short": "A password needs at least {min} characters.",
    "approval.no_manager": "You have no manager registered, and a manager must approve every "
                           "new account. Ask an administrator to set your manager.",
    "settings.not_a_duration": _not_a_duration,
    "form.invalid": "Some answers were not accepted: {fields}.",
    "process.failed": "The process could not continue: {detail}. Nothing was saved; tell the "
                      "process owner.",
    "replay.step_not_waiting": "Event {seq}: '{task_name}' was not waiting.",
    "replay.after_cancel": "Event {seq} follows the request's cancellation.",
    "expression.rejected": "The diagram text was refused: {reason}.",
    "diagram.invalid": "The process definition was refused: {count} problems.",
    "form_definition.invalid": "The form '{form}' was refused: {count} problems.",
}

# ---- form validation ---------------------------------------------------------------------------

VALIDATION: dict[str, Wording] = {
    "required": "This field is required.",
    "confirm": "Must be checked to continue.",
    "unknown_field": "This field is not part of the form.",
    "not_a_form": "The form data must be a set of named fields.",
    "not_a_group": "Must be a group of fields.",
    "not_text": "Must be text.",
    "invalid_email": "Enter a valid email address.",
    "invalid_url": "Enter a full web address starting with http:// or https://.",
    "invalid_date": "Enter a valid date as YYYY-MM-DD.",
    "not_a_boolean": "Must be true or false.",
    "not_an_integer": "Enter a whole number.",
    "not_a_number": "Enter a number.",
    "too_large": "Too large.",
    "not_a_list": "Must be a list.",
    "blank": "Must not be blank.",
    "invalid": "This value is not accepted.",
    "too_short": lambda p: _("Must be at least 1 character.") if p["min"] == 1
    else _("Must be at least {min} characters.", min=p["min"]),
    "too_long": lambda p: _("Must be at most 1 character.") if p["max"] == 1
    else _("Must be at most {max} characters.", max=p["max"]),
    "not_a_choice": "Choose one of: {choices}.",
    "below_minimum": "Must be at least {min}.",
    "above_maximum": "Must be at most {max}.",
    "too_few_items": "Add at least {min}.",
    "too_many_items": "Add no more than {max}.",
}


# ---- history -----------------------------------------------------------------------------------


def _task_completed(p: Mapping[str, Any]) -> str:
    who = p.get("actor") or _("The system")
    if p.get("decision"):
        return _("{who} completed '{title}': {decision}", who=who, title=p["title"],
                 decision=shown(p["decision"]))
    return _("{who} completed '{title}'", who=who, title=p["title"])


def _reassigned(p: Mapping[str, Any]) -> str:
    return _("{who} reassigned '{title}' from {before} to {after}. Reason: {reason}",
             who=p.get("actor") or _("An administrator"), title=p["title"],
             before=shown(p.get("from")) or _("nobody"), after=shown(p["to"]),
             reason=shown(p["reason"]))


def _corrected(p: Mapping[str, Any]) -> str:
    return _("{who} corrected '{field}' in '{title}' from {before} to {after}. Reason: {reason}",
             who=p.get("actor") or _("An administrator"), field=shown(p["field"]),
             title=p["title"], before=_quoted(p.get("before")), after=_quoted(p.get("after")),
             reason=shown(p["reason"]))


def _quoted(value: Any) -> str:
    return _("(empty)") if value in (None, "") else f"'{shown(value)}'"


HISTORY: dict[str, Wording] = {
    "history.started": "{actor} started the request",
    "history.started_automatically": "The review cycle started",
    "history.task_completed": _task_completed,
    "history.timer_fired": "Timer '{timer}' fired",
    "history.completed": "The process reached its end",
    "history.task_reassigned": _reassigned,
    "history.cancelled": lambda p: _("{who} cancelled the request. Reason: {reason}",
                                     who=p.get("actor") or _("An administrator"),
                                     reason=shown(p["reason"])),
    "history.answer_corrected": _corrected,
    "history.event": lambda p: str(p["event"]).replace("_", " "),
}


# ---- problems of a process definition -----------------------------------------------------------

# Why a procedure plug-in reads a task or field (the reason codes of its contract).
CONTRACT_REASONS = {
    "approver_recorded": "the account register records who approved the account",
    "registration_notice": "the requester is told whether the account was registered",
    "register_channel": "the register's channel column and the request's title",
    "register_name": "the register's account name and the request's title",
    "register_unit_type": "the register's kind of owning unit",
    "register_unit": "the register's owning unit",
    "register_purpose": "the register keeps each account's purpose for its review",
    "register_moderators": "the register lists who moderates the account",
    "register_link_fallback": "the register's link when communications gives none",
    "register_handle": "the register's handle column",
    "register_link": "the register's link",
    "first_review_date": "the registration date, from which the first review is counted",
    "approval_notice": "the requester is told whether the manager approved",
    "rejection_notice": "the requester is told why the request was sent back",
    "questions_notice": "the requester is told what communications asks",
    "review_status": "the register shows when a review is due or overdue",
    "review_decision": "'close' closes the account in the register; anything else starts the "
                       "next review",
}


def _reason(p: Mapping[str, Any]) -> str:
    reason = str(p.get("reason", ""))
    return _(CONTRACT_REASONS[reason]) if reason in CONTRACT_REASONS else reason


def _contract(text: str) -> Callable[[Mapping[str, Any]], str]:
    """Words for a contract problem: what is wrong, then why the procedure needs it."""
    def word(p: Mapping[str, Any]) -> str:
        values = {k: shown(v) for k, v in p.items() if k != "reason"}
        return _(text, **values) + " " + _("It is needed because {reason}.", reason=_reason(p))
    return word


PROBLEMS: dict[str, Wording] = {
    "contract.task_missing": _contract("The procedure needs the task '{task}', which this "
                                       "version does not have."),
    "contract.field_missing": _contract("The field '{field}' is missing from {form}."),
    "contract.field_kind": _contract("The field '{field}' in {form} is a {kind} field; the "
                                     "procedure reads it as {expected}."),
    "contract.choice_missing": _contract("The field '{field}' in {form} no longer offers "
                                         "{choices}."),
    "folder.no_diagram": "There is no diagram {file} in the process folder.",
    "folder.no_lanes": "lanes.json is missing.",
    "file.not_json": "Not valid JSON: {detail}.",
    "xml.too_large": "The diagram is {size} bytes; the limit is {limit}.",
    "xml.doctype": "DOCTYPE and entity declarations are not allowed in a diagram.",
    "xml.malformed": "The XML is not well-formed: {detail}.",
    "bpmn.invalid": "Not valid BPMN: {detail}.",
    "bpmn.refused": "The diagram was refused: {detail}.",
    "bpmn.no_process": "The diagram has no process with id '{process_id}'.",
    "bpmn.unsupported_element": "'{element}' is not supported by this engine.",
    "bpmn.unsupported_event": "A {event} with a {definition} is not supported.",
    "bpmn.only_timers_caught": "Only timer events can be caught by this engine.",
    "bpmn.cycle_timer": "Cycle timers (timeCycle) are not supported; use timeDuration.",
    "bpmn.timer_refused": "The timer expression is refused: {reason}.",
    "bpmn.timer_missing": "The timer has no timeDuration or timeDate.",
    "bpmn.flow_end_unknown": "The flow's {end} '{ref}' names no element of the process.",
    "bpmn.condition_refused": "The condition is refused: {reason}.",
    "bpmn.lane_without_rule": "The lane has no rule in lanes.json.",
    "bpmn.task_without_lane": "The task is in no lane, so nobody could do it.",
    "bpmn.task_without_form": "The user task names no form (property formJsonSchemaFilename).",
    "bpmn.form_file_missing": "The form file {file} does not exist.",
    "bpmn.flow_needs_condition": "A flow out of an exclusive gateway needs a condition (or must "
                                 "be the gateway's default).",
    "bpmn.gateway_needs_default": "The gateway has no default flow and its conditions may all "
                                  "be false: add a default flow.",
    "bpmn.script_refused": "The script is refused: {reason}.",
    "lanes.not_an_object": "lanes.json must be an object keyed by lane id.",
    "lanes.rule_missing": "Lane '{lane}' needs a rule, one of: {rules}.",
    "lanes.unknown_keys": "Lane '{lane}' has unknown keys: {keys}.",
    "lanes.role_missing": "Lane '{lane}' has rule 'role' but names no role.",
    "lanes.role_not_taken": "Lane '{lane}': only the 'role' rule takes a role.",
    "form.schema": "{detail}",
}


# ---- an auditor's check of a request's record ---------------------------------------------------

CHAIN: dict[str, Wording] = {
    "chain.event_missing": "an event is missing before it",
    "chain.not_following": "it does not follow the one before",
    "chain.altered": "its content was altered",
}

REPLAY: dict[str, Wording] = {
    "replay.waiting_steps": "Waiting steps: stored {stored}; replayed {replayed}.",
    "replay.timers": "Timers: stored {stored}; replayed {replayed}.",
    "replay.completion": lambda p: _("The stored request is completed and the replayed one is not.")
    if p["stored"] else _("The replayed request is completed and the stored one is not."),
    "replay.data": lambda p: _("Data '{name}': stored {stored}; replayed {replayed}.",
                               name=p["name"], stored=repr(p["stored"]),
                               replayed=repr(p["replayed"])),
    "replay.step_not_waiting": "Event {seq}: '{task_name}' was not waiting.",
    "replay.no_events": "The log holds no events: there is nothing to replay.",
    "replay.after_cancel": "Event {seq} follows the request's cancellation.",
}


# ---- statuses and where a request stands -------------------------------------------------------

STATUSES: dict[str, Wording] = {
    "running": "In progress",
    "completed": "Completed",
    "cancelled": "Cancelled",
    # the account register's statuses
    "active": "Active",
    "closed": "Closed",
    "review due": "Review due",
    "review overdue": "Review overdue",
}

STEPS: dict[str, Wording] = {
    "completed": "Completed",
    "cancelled": "Cancelled",
    "waiting": "Waiting",
    "at_tasks": "{tasks}",
    "timer": lambda p: _("{timer}: {due}", timer=p["timer"], due=p["due"]),
}


# ---- turning codes into words ------------------------------------------------------------------


def shown(value: Any) -> str:
    """A parameter as text: lists joined, times in Stockholm, booleans as Yes or No."""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return local_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def _say(table: Mapping[str, Wording], code: str, params: Mapping[str, Any]) -> str:
    wording = table.get(code)
    if wording is None:  # a code without words: show the code rather than nothing
        return code
    if callable(wording):
        return wording(params)
    return _(wording, **{k: shown(v) for k, v in params.items()})


def error_text(error: EngineError) -> str:
    """What an engine error means, in words."""
    return _say(ERRORS, error.code, error.params)


def problem_text(problem: Problem) -> str:
    """One problem of a process definition in words, with where it is."""
    where = [part for part in (
        problem.file,
        _("line {n}", n=problem.line) if problem.line else None,
        _("element '{id}'", id=problem.element_id) if problem.element_id else None,
        f"({problem.element_name})" if problem.element_name else None,
    ) if part]
    what = _say(PROBLEMS, problem.code, problem.params)
    return f"{', '.join(where)}: {what}" if where else what


def error_lines(error: EngineError) -> list[str]:
    """An error in words, followed by each problem of a refused diagram (for the command line)."""
    lines = [error_text(error)]
    for problem in getattr(error, "problems", []):
        lines.append(problem_text(problem) if isinstance(problem, Problem) else str(problem))
    return lines


def message_text(message: Message) -> str:
    """A form validation message in words."""
    return _say(VALIDATION, message.code, message.params)


def status_label(status: str) -> str:
    """A readable instance or account status."""
    if status in STATUSES:
        return _say(STATUSES, status, {})
    return _(status.replace("_", " ").capitalize())


def step_text(step: Any) -> str:
    """Where a request stands (a CurrentStep), in words."""
    return _say(STEPS, step.code, step.params)


def chain_text(reason: str) -> str:
    """Why a record's chain is broken, in words."""
    return _say(CHAIN, reason, {})


def difference_text(difference: Any) -> str:
    """One way a replayed record differs from the stored state, in words."""
    return _say(REPLAY, difference.code, difference.params)


PROJECTED_TABLES = {"instances": "The request", "ready_tasks": "Inbox row",
                    "timers": "Timer row", "accounts": "Register row"}


def projection_text(difference: Any) -> str:
    """A projected row that differs from the record, in words."""
    table = _(PROJECTED_TABLES.get(difference.table, difference.table))
    if difference.field == "row":
        if difference.expected is None:
            return _("{table} {row} ({stored}) exists, but the record has no such row.",
                     table=table, row=difference.row, stored=shown(difference.stored))
        return _("{table} {row} ({expected}) is missing.", table=table, row=difference.row,
                 expected=shown(difference.expected))
    return _("{table} {row}: {field} is {stored}; the record gives {expected}.", table=table,
             row=difference.row, field=difference.field, stored=shown(difference.stored) or "—",
             expected=shown(difference.expected) or "—")


def history_text(entry: Any) -> str:
    """One line of a request's history in words."""
    return _say(HISTORY, entry.code, entry.params)


def waiting_on_text(who: Any) -> str:
    """Who a step waits on, in words (a WaitingOn, or its dict from the session)."""
    if isinstance(who, str):  # a session written before waiting-on became data
        return who
    get = who.get if isinstance(who, Mapping) else lambda name: getattr(who, name)
    if get("you"):
        return _("you")
    if get("person"):
        return str(get("person"))
    return _("anyone in {lane}", lane=get("lane") or "")


def waited_text(delta: timedelta) -> str:
    """How long something has waited, shortly: '5 min', '3 h', '2 d'."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return _("{n} min", n=max(1, seconds // 60))
    if seconds < 86400:
        return _("{n} h", n=seconds // 3600)
    return _("{n} d", n=seconds // 86400)


def yes_no(value: bool) -> str:
    """A boolean answer in words."""
    return _("Yes") if value else _("No")


def init_wording(app: Any) -> None:
    """Make the words available to templates as filters."""
    app.jinja_env.filters.update(
        history_text=history_text, waiting_on=waiting_on_text, waited=waited_text,
        yes_no=yes_no, status_label=status_label, step_text=step_text, chain_text=chain_text,
        difference_text=difference_text, projection_text=projection_text, error_text=error_text,
    )
