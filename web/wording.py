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


def _too_short(p: Mapping[str, Any]) -> str:
    return _("{setting} is {value}, too short for the review schedule: the {name} must be at "
             "least {least}.", setting=p["setting"], value=repr(p["value"]),
             name=str(p["name"]).replace("_", " "), least=p["least"])


# ---- why diagram text was refused or failed (the evaluator's reasons) -------------------------


def _an(name: str) -> str:
    """The English article before a name as it is said: an Instagram, an X, a Facebook."""
    return "an" if name[:1].upper() in "AEIOUX" else "a"


def _count(n: Any) -> str:
    """A count with thousands separated, as in 10,000."""
    return f"{n:,}" if isinstance(n, int) else shown(n)


# How a refused statement is named: kinds that are not a keyword (a keyword is shown quoted).
STATEMENTS: dict[str, str] = {
    "expression": "an expression on its own",
    "annotated_assignment": "an annotated assignment",
    "assignment": "an assignment",
    "statement": "a statement",
}


def _statement(p: Mapping[str, Any]) -> str:
    kind = str(p["statement"])
    return _(STATEMENTS[kind]) if kind in STATEMENTS else f"'{kind}'"


REASONS: dict[str, Wording] = {
    "not_text": "expected text, not '{type}'",
    "too_long": lambda p: _("the text is too long ({length} characters; at most {limit})",
                            length=_count(p["length"]), limit=_count(p["limit"])),
    "syntax": "syntax error: {detail}",
    "unparsable": "the text cannot be parsed",
    "too_complex": lambda p: _("the text is too complex (more than {limit} parts)",
                               limit=_count(p["limit"])),
    "too_deep": "the expression is nested too deeply",
    "target_too_deep": "the assignment target is nested too deeply",
    "call": "function calls are not allowed",
    "attribute": "attribute access is not allowed",
    "lambda": "lambda expressions are not allowed",
    "comprehension": "comprehensions are not allowed",
    "generator": "generator expressions are not allowed",
    "fstring": "f-strings are not allowed",
    "walrus": "assignment expressions (:=) are not allowed",
    "starred": "starred expressions (*) are not allowed",
    "await": "'await' is not allowed",
    "yield": "'yield' is not allowed",
    "slice_outside_brackets": "slices are only allowed inside brackets",
    "node": "'{node}' is not allowed",
    "constant_type": "constants of type '{type}' are not allowed",
    "private_name": "names starting with '_' are not allowed ('{name}')",
    "operator": lambda p: _("the operator '**' (power) is not allowed") if p["op"] == "**"
    else _("the operator '{op}' is not allowed", op=p["op"]),
    "dict_unpacking": "dictionary unpacking (**) is not allowed",
    "is_only_none": "'is' and 'is not' may only compare with None",
    "slice_bounds": "slice bounds must be constant whole numbers",
    "statement": lambda p: _("statements are not allowed in an expression (found {statement})",
                             statement=_statement(p)),
    "script_statement": lambda p: _("{statement} is not allowed in a script; only assignments "
                                    "and 'pass' are", statement=_statement(p)),
    "assign_target": "only a name or name[key] can be assigned to",
    "unknown_name": "unknown name '{name}'",
    "not_indexable": "a value of type '{type}' cannot be indexed",
    "not_sliceable": "a value of type '{type}' cannot be sliced",
    "bad_index": "a value of type '{type}' is indexed by whole numbers, not by a '{key_type}'",
    "key_missing": "key {key} not found",
    "index_out_of_range": "index {index} is out of range",
    "slice_step_zero": "a slice step cannot be zero",
    "unhashable": "a value of type '{type}' cannot be a dictionary key or a set item",
    "needs_number": "'{op}' needs a number, not '{type}'",
    "bad_operands": "'{op}' cannot be used with '{left}' and '{right}'",
    "cannot_compare": "'{op}' cannot compare '{left}' with '{right}'",
    "not_container": "'{op}' needs text, a list, a set or a dictionary on its right, not "
                     "'{type}'",
    "percent_format": "string formatting with '%' is not allowed",
    "division_by_zero": "division by zero",
    "not_finite": "the result is not a finite number",
    "too_large": "the number would be too large",
    "result_too_long": lambda p: _("the result would be longer than {limit} items",
                                   limit=_count(p["limit"])),
    "data_too_large": "the data is too large or too deeply nested",
    "value_too_large": lambda p: _("a value would hold more than {limit} items and characters "
                                   "(counting every repetition)", limit=_count(p["limit"])),
    "too_much_work": lambda p: _("the calculation would take too long (more than {limit} steps)",
                                 limit=_count(p["limit"])),
    "failed": "the calculation failed ({error})",
    "timer_not_text": "a timer's value must be text such as \"P12M\" or \"2030-01-31T09:00\", "
                      "not '{type}'",
    "timer_not_duration": "'{value}' is not an ISO 8601 duration such as \"P12M\" or \"PT4H\"",
    "timer_too_long": "the duration '{value}' is longer than the limit ({limit})",
    "timer_not_date": "'{value}' is not an ISO 8601 date and time such as \"2030-01-31T09:00\"",
    "timer_date_out_of_range": "the date '{value}' is not between the years {first} and {last}",
    "read_only": "'{name}' is read-only here",
    "script_too_much_data": lambda p: _("the script creates too much data (over {limit} items "
                                        "or characters)", limit=_count(p["limit"])),
    "store_too_deep": "the value is nested too deeply to be stored",
    "store_not_finite": "the value is not a finite number",
    "store_mixed_set": "a set of mixed types cannot be stored",
    "store_key_not_text": "dictionary keys must be text to be stored",
    "store_type": "a value of type '{type}' cannot be stored",
    "assign_into": "cannot assign into a value of type '{type}'",
    "service_task": "service tasks are not supported",
}


def reason_text(reason: str, params: Mapping[str, Any] | None = None,
                line: int | None = None) -> str:
    """Why diagram text was refused or failed, in words, with the line in the text if known."""
    words = _say(REASONS, reason, params or {})
    return _("line {n}: {reason}", n=line, reason=words) if line else words


def _why(p: Mapping[str, Any]) -> str:
    """The evaluator's reason carried in an error's or a problem's params, in words."""
    params = p.get("reason_params")
    return reason_text(str(p.get("reason", "")), params if isinstance(params, Mapping) else {},
                       p.get("line") if isinstance(p.get("line"), int) else None)


def _refused(text: str) -> Callable[[Mapping[str, Any]], str]:
    """Words for refused or failed diagram text: `text` with {reason} and the other params."""
    def word(p: Mapping[str, Any]) -> str:
        values = {k: shown(v) for k, v in p.items() if k not in ("reason", "reason_params")}
        return _(text, **{**values, "reason": _why(p)})
    return word


def _failed_in(text: str, in_task: str) -> Callable[[Mapping[str, Any]], str]:
    """Words for a process that stopped on failing diagram text, naming the task if known."""
    def word(p: Mapping[str, Any]) -> str:
        what = _(in_task if p.get("task") else text, expression=shown(p.get("expression")),
                 task=shown(p.get("task")))
        return _("The process could not continue: {what} failed: {reason}. Nothing was saved; "
                 "tell the process owner.", what=what, reason=_why(p))
    return word


ERRORS: dict[str, Wording] = {
    "task.not_found": "There is no such task.",
    "request.not_found": "There is no such request.",
    "instance.not_found": "There is no such instance.",
    "user.not_found": lambda p: _("There is no user '{username}'.", username=p["username"])
    if p.get("username") else _("There is no such user."),
    "process.not_deployed": "The process '{process_id}' has not been deployed yet.",
    "version.not_found": "There is no such process version.",
    "history.no_such_event": "The request's history has no step {seq}.",
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
    "process.owners_only": "Only process owners may change processes.",
    "process.readers_only": "The process catalogue is for process owners, auditors and admins.",
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
    "dry_run.answers_malformed": "The answers of the dry run could not be read (entry "
                                 "{index}). Start over.",
    "request.cancelled": "The request was cancelled; nothing more can be done on it.",
    "request.not_running": lambda p: _("The request is completed and cannot be cancelled.")
    if p["status"] == "completed" else _("The request was withdrawn by its requester already.")
    if p["status"] == "withdrawn" else _("The request was cancelled already."),
    "request.withdrawn": "The request was withdrawn; nothing more can be done on it.",
    "withdraw.not_requester": "Only the person who made the request can withdraw it.",
    "withdraw.not_a_request": "Only a request can be withdrawn, not a review cycle.",
    "withdraw.reason_too_long": "Keep the reason to {max} characters.",
    "withdraw.already_registered": "The communications department has already handled the "
                                   "registration, so the request can no longer be withdrawn. "
                                   "An administrator can cancel it.",
    "withdraw.not_running": lambda p: _("You withdrew this request already.")
    if p["status"] == "withdrawn" else _("The request was cancelled; there is nothing to "
                                         "withdraw.")
    if p["status"] == "cancelled" else _("The request is completed and can no longer be "
                                         "withdrawn."),
    "answer.superseded": "'{title}' was answered again later; correct the latest answer.",
    "answers.requester_only": "Only the person who started the request checks and changes "
                              "its answers.",
    "answers.already_sent": "The request has gone on to the manager; its answers can no "
                            "longer be changed here.",
    "answers.nothing_to_send": "There is nothing to send yet: fill in the last step first.",
    "answers.not_checked_here": "The answers to '{title}' cannot be changed here.",
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
    "settings.too_short": _too_short,
    "search.not_storable": "The search contains a character that cannot be searched for (a "
                           "NUL or an invalid character).",
    "schedule.out_of_range": "No review date can be scheduled from {anchor} every {interval}. "
                             "Nothing was saved; enter a date closer to today.",
    "database.unavailable": "The database could not take the change just now. Nothing was "
                            "saved; try again in a moment.",
    "form.invalid": "Some answers were not accepted: {fields}.",
    "process.failed": "The process could not continue: {detail}. Nothing was saved; tell the "
                      "process owner.",
    "process.too_many_steps": "The process ran more than {limit} steps by itself without "
                              "waiting for anyone: it is caught in a loop. Nothing was saved; "
                              "tell the process owner.",
    "process.no_end_reached": "The process stopped without reaching an end. Nothing was saved; "
                              "tell the process owner.",
    "process.expression_failed": _failed_in("the expression '{expression}'",
                                            "the expression '{expression}' in '{task}'"),
    "process.script_failed": _failed_in("a script", "the script of '{task}'"),
    "replay.step_not_waiting": "Event {seq}: '{task_name}' was not waiting.",
    "replay.after_cancel": "Event {seq} follows the request's cancellation.",
    "replay.after_withdrawal": "Event {seq} follows the request's withdrawal.",
    "replay.wrong_version": "Event {seq} names another process version than the one in force "
                            "when it happened.",
    "move.reason_required": "Give a reason: every move is recorded with one.",
    "move.other_process": "That version belongs to another process.",
    "move.already_moved": "The request is on that version already: nothing was moved again.",
    # people (admin pages)
    "people.admins_only": "Only an administrator may manage people.",
    "mail.not_found": "There is no such mail.",
    "delivery.not_found": "There is no such undelivered message.",
    # an account's page
    "account.not_found": "There is no such account in the register.",
    "account.not_involved": "An account's page is for its owner, its moderators and the "
                            "communications department.",
    "person.changed": "Someone else changed this person while you were editing. The page now "
                      "shows their change; make yours again if it is still needed.",
    "person.own_admin": "You cannot take away your own admin role or your own sign-in: ask "
                        "another administrator.",
    "expression.rejected": _refused("The diagram text was refused: {reason}."),
    "diagram.invalid": "The process definition was refused: {count} problems.",
    "form_definition.invalid": "The form '{form}' was refused: {count} problems.",
    # process owners' drafts and deploys
    "draft.not_found": "'{process_id}' has no open draft. Open one from a version first.",
    "deploy.not_found": "There is no such deploy waiting for approval.",
    "deploy.own_request": "You asked for this deploy, so another process owner must approve "
                          "or reject it.",
    "draft.changed": lambda p: _(
        "{by} saved the draft at {at}, after you started editing it (it is at revision "
        "{revision} now). Your changes were not saved: reload the draft to see theirs, then "
        "make yours again.", by=shown(p["by"]), at=shown(p["at"]), revision=p["revision"]),
    "draft.exists": "This process already has an open draft, last saved by {by} at {at}. Open "
                    "that draft, or replace it deliberately.",
    "deploy.pending_exists": "A deploy of this process asked for by {by} at {at} is waiting "
                             "for approval; it must be approved or rejected first.",
    "deploy.decided": lambda p: _("This deploy was approved already.")
    if p["outcome"] == "approved" else _("This deploy was rejected already.")
    if p["outcome"] == "rejected" else _("Another process owner decided this deploy first."),
    "deploy.reason_required": "Give a reason for the new version: it is recorded with it.",
    "deploy.reason_too_long": "The reason may be at most {limit} characters.",
    "deploy.unchanged": "Nothing changed: the draft is the same as version {number}, the "
                        "current one.",
    "draft.too_large": "{part} is {size} bytes; the limit is {limit}.",
    "draft.too_many_forms": "The draft has {count} forms; the limit is {limit}.",
    "draft.bad_shape": "{part} is not in the expected shape (a diagram is text, forms and lane "
                       "rules are JSON objects).",
    "draft.bad_form_name": "'{name}' cannot be a form's file name: use letters, digits, _ . "
                           "and - ending in .json.",
    "draft.not_storable": "{part} contains a character that cannot be saved (a NUL or an "
                          "invalid character).",
    "process.bad_id": "'{process_id}' cannot be a process id: use letters, digits, _ and -, "
                      "starting with a letter.",
    # Holiday cover.
    "cover.not_found": "There is no such cover period.",
    "cover.not_yours": "Only the person themselves or an administrator may change their cover.",
    "cover.self": "You cannot be your own substitute.",
    "cover.substitute_inactive": "{username} is not an active user and cannot be a substitute.",
    "cover.bad_range": "The last day must not be before the first day.",
    "cover.too_long": "A cover period may be at most {limit} days long.",
    "cover.overlap": "Another cover period already holds from {start} to {end}.",
    "cover.substitute_away": "{username} is away then and has a substitute themselves.",
    "cover.already_over": "That cover period is already over.",
    # How one is told.
    "notify.bad_mode": "Choose one of the offered ways to be told.",
    # Claims of group tasks.
    "task.claimed_by_other": "{name} is working on this task. Nothing you submitted was "
                             "saved; ask them, or an administrator, to hand it over.",
    "claim.not_holder": "Only the person working on this task, or an administrator, can "
                        "give it back to the group.",
    "claim.not_group_task": "This task is given to one person; it cannot be claimed.",
    "claim.target_not_in_role": "{username} is not an active colleague who may do this task.",
    "claim.already_holder": "{username} is already working on this task.",
    "tasks.admins_only": "Only administrators can see the tasks that are stuck.",
    # A request's conversation.
    "comment.read_only": "Auditors read a request's conversation but do not add to it.",
    # Communications keeps the register.
    "keeping.communications_only": "Only the communications department changes the account "
                                   "register.",
    "account.changed": "Someone else changed this entry while you were editing it. Nothing you "
                       "typed was saved; the form now shows their change, make yours again if "
                       "it is still needed.",
    "account.already_closed": lambda p: _("The account was closed on {date} already.",
                                          date=shown(p.get("closed_on")))
    if p.get("closed_on") else _("The account is closed already."),
    "import.too_large": lambda p: _("The file is larger than {size} KB. Split it and import "
                                    "the parts one by one.", size=int(p["limit"]) // 1024),
    "import.too_many_rows": "The file has {rows} accounts; import at most {limit} at a time.",
    "import.no_rows": "The file has a header row but no accounts under it.",
    "import.no_header": "The file is empty: its first row must name the columns.",
    "import.wrong_encoding": "The file is not UTF-8 text. Save it from the spreadsheet as \"CSV "
                              "UTF-8\" and try again.",
    "import.unreadable": "The file could not be read as CSV (a quote left open?).",
    "import.missing_columns": "The header row lacks the columns {columns}. Use the export's "
                              "column names.",
    # The demo clock.
    "demo_clock.off": "There is no demo clock here: Kontoflöde runs on real time.",
    "demo_clock.admins_only": "Only an administrator may move the demo clock.",
    "comment.request_ended": lambda p: _(
        "This request is {status}: its conversation is closed and nothing was added.",
        status=status_label(str(p.get("status", ""))).lower()),
}

# ---- form validation ---------------------------------------------------------------------------

VALIDATION: dict[str, Wording] = {
    "required": "This field is required.",
    "confirm": "Must be checked to continue.",
    "unknown_field": "This field is not part of the form.",
    "not_a_form": "The form data must be a set of named fields.",
    "not_a_group": "Must be a group of fields.",
    "not_text": "Must be text.",
    "not_storable": "Contains a character that cannot be saved (a NUL or an invalid "
                    "character). Remove it and try again.",
    "invalid_email": "Enter a valid email address.",
    "invalid_url": "Enter a full web address such as https://www.example.com/account.",
    "invalid_date": "Enter a valid date as YYYY-MM-DD.",
    "date_out_of_range": "Enter a date between {min} and {max}.",
    "date_in_future": "Enter today's date or an earlier one: this date is after today ({today}).",
    "date_in_past": "Enter today's date or a later one: this date is before today ({today}).",
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
    # the demo clock's move form
    "demo_clock.not_forward": "The demo clock only moves forward: enter at least {min} day.",
    "demo_clock.too_far": "Move the clock at most {max} days at a time.",
    # the account procedure's moderation rules
    "moderators.same_person": "This is the same person as moderator {number}. List different "
                              "people: the same email or name counts once.",
    "moderators.too_few_people": "Name at least {min} different people as moderators.",
    # communications' register entries
    "owner.unknown": "No active person of the system has the email address {email}.",
    "account.duplicate": "The register already has {handle} on {channel}.",
    "account.duplicate_in_file": "Row {row} of this file already has this channel and handle.",
    "moderators.unreadable": "\"{entry}\" is not a moderator written as Name <email>.",
    "registered_on.unschedulable": "This date is too long ago to schedule reviews from; enter a "
                                   "later one.",
    "moderators.no_holiday_cover": "Tick \"Covers holidays\" for at least one moderator: someone "
                                   "must watch the account during holidays. A stand-in who "
                                   "only covers holidays is listed as a moderator too.",
    # the account review's rules
    "review.keep_unconfirmed": "Keep the account only when this holds. If it does not, choose "
                               "\"Update the register and keep the account\" and say how it "
                               "is now, or close the account.",
    "review.owner_unknown": "Nobody who uses the system has this email address. Give the email "
                            "of an existing person, or leave it empty to stay the owner.",
    # the account procedure's address rules
    "address.not_https": "Enter the address as it starts with https://, for example "
                         "https://www.example.com/account.",
    "address.not_on_channel": lambda p: _(
        "This is not {article} {channel} address. Enter the account's address on {channel}.",
        article=_an(p["channel"]), channel=p["channel"]),
}

# ---- notes to the person deciding a task -------------------------------------------------------

NOTES: dict[str, Wording] = {
    "plan.one_holiday_cover": "Only {name} covers holidays: nobody stands in if they are away "
                              "then too.",
    "plan.holidays_name_nobody": "The holiday plan names none of the moderators, so it does "
                                 "not say who watches the account when.",
    "plan.no_moderators": "The request names no moderators.",
}


# ---- history -----------------------------------------------------------------------------------


def _task_completed(p: Mapping[str, Any]) -> str:
    who = p.get("actor") or _("The system")
    if p.get("decision"):
        return _("{who} completed '{title}': {decision}", who=who, title=p["title"],
                 decision=shown(p["decision"]))
    return _("{who} completed '{title}'", who=who, title=p["title"])


def _task_completed_for(p: Mapping[str, Any]) -> str:
    """Holiday cover: 'Approved by X for Y' in the history's own words."""
    if p.get("decision"):
        return _("{who} for {for_} completed '{title}': {decision}", who=p["actor"],
                 for_=p["for"], title=p["title"], decision=shown(p["decision"]))
    return _("{who} for {for_} completed '{title}'", who=p["actor"], for_=p["for"],
             title=p["title"])


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


def _amended(p: Mapping[str, Any]) -> str:
    return _("{who} changed the answers to '{title}' before sending them: {fields}",
             who=p.get("actor") or _("The requester"), title=p["title"],
             fields=shown(p.get("fields")))


def _excerpt(text: str, limit: int = 200) -> str:
    """The start of a long text for a one-line history entry (the conversation has it all)."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _quoted(value: Any) -> str:
    return _("(empty)") if value in (None, "") else f"'{shown(value)}'"


HISTORY: dict[str, Wording] = {
    "history.started": "{actor} started the request",
    "history.started_automatically": "The review cycle started",
    "history.task_completed": _task_completed,
    "history.task_completed_for": _task_completed_for,  # holiday cover
    "history.timer_fired": "Timer '{timer}' fired",
    "history.completed": "The process reached its end",
    "history.task_reassigned": _reassigned,
    "history.cancelled": lambda p: _("{who} cancelled the request. Reason: {reason}",
                                     who=p.get("actor") or _("An administrator"),
                                     reason=shown(p["reason"])),
    "history.withdrawn": lambda p: _("{who} withdrew the request. Reason: {reason}",
                                     who=p.get("actor") or _("The requester"),
                                     reason=shown(p["reason"])) if p.get("reason")
    else _("{who} withdrew the request.", who=p.get("actor") or _("The requester")),
    "history.answer_corrected": _corrected,
    "history.answer_amended": _amended,
    "history.migrated": lambda p: _(
        "{who} moved the request from version {old} to version {new}. Reason: {reason}",
        who=p.get("actor") or _("A process owner"), old=shown(p["from"]), new=shown(p["to"]),
        reason=shown(p["reason"])),
    "history.task_claimed": "{actor} started working on '{title}'",
    "history.task_released": lambda p: _(
        "{who} gave '{title}' back to the group (it was {before}'s)",
        who=shown(p.get("actor")), title=p["title"], before=shown(p.get("from"))),
    "history.task_assigned": lambda p: _(
        "{who} handed '{title}' to {after}", who=shown(p.get("actor")), title=p["title"],
        after=shown(p.get("to"))),
    "history.comment_added": lambda p: _(
        "{who} commented: “{said}”", who=p.get("actor") or _("Someone"),
        said=_excerpt(shown(p.get("text")))),
    "history.event": lambda p: str(p["event"]).replace("_", " "),
}


# ---- why a form schema was refused (the schema checker's reasons) ------------------------------


def _shape(shape: str) -> Callable[[Mapping[str, Any]], str]:
    """Words asking for a JSON shape (its braces are not placeholders)."""
    return lambda p: _("must look like {shape}", shape=shape)


SCHEMA: dict[str, Wording] = {
    "form_not_object": "a form must be a JSON object",
    "keyword_unknown": "'{keyword}' is not a supported keyword",
    "keyword_not_for_form": "'{keyword}' does not apply to the form",
    "keyword_not_for_allof_entry": "'{keyword}' does not apply to an allOf entry",
    "keyword_not_for_field": "'{keyword}' does not apply to this field",
    "keyword_not_for_type": "'{keyword}' does not apply to type '{type}'",
    "keyword_not_for_string_items": "'{keyword}' does not apply to list items of type 'string'",
    "keyword_not_for_object_items": "'{keyword}' does not apply to list items of type 'object'",
    "not_text": "must be a string",
    "form_type": "must be 'object'",
    "allof_not_list": "must be a non-empty list of if/then objects",
    "allof_entry_not_object": "must be an object with 'if' and 'then'",
    "properties_not_object": "must be an object of field names and schemas",
    "field_name": "a field name must start with a letter and use only letters, digits and _",
    "required_not_names": "must be a list of field names",
    "additional_properties": "must be false (unknown fields are always refused)",
    "not_a_field": "'{name}' is not a field of this form",
    "names_repeated": "names a field more than once",
    "field_not_object": "must be an object",
    "list_in_group": "lists inside a list of groups are not supported (one level only)",
    "object_outside_list": "objects are only supported as list items (type 'array' with "
                           "'items')",
    "type_unsupported": "must be one of: {supported}",
    "const_only_true": "only true is supported (a box to be checked)",
    "default_invalid": "{value} is not a valid value here",
    "format_unsupported": "{format} is not a supported format (supported: {supported})",
    "enum_names_without_enum": "needs an 'enum' to name",
    "enum_not_texts": "must be a non-empty list of strings",
    "enum_repeated": "lists a choice more than once",
    "enum_blank": "choices must not be blank or start or end with spaces",
    "enum_excludes": "'{keyword}' cannot be combined with 'enum'",
    "enum_names_mismatch": "must list one non-blank label for each choice",
    "count_not_whole": "must be a whole number, 0 or more",
    "greater_than": "must not be greater than {other}",
    "bound_not_whole": "must be a whole number",
    "bound_not_number": "must be a number",
    "items_missing": "is required: an object describing each item",
    "list_of_lists": "lists of lists are not supported (one level only)",
    "items_type": "list items must be of type 'string' or 'object'",
    "needs": "is required with {other}",
    "then_shape": _shape('{"required": ["<field>", ...]}'),
    "then_required_not_names": "must be a non-empty list of field names",
    "if_shape": _shape('{"properties": {"<field>": {"const": <value>}}}'),
    "if_required": "may only be ['{name}']",
    "const_shape": _shape('{"const": <value>}'),
    "const_impossible": "{value} is not a possible value of '{name}'",
}


def schema_text(reason: str, params: Mapping[str, Any] | None = None, path: str = "") -> str:
    """Why a form schema was refused, in words, after the dotted path it is about."""
    words = _say(SCHEMA, reason, params or {})
    return f"{path}: {words}" if path else words


def _schema_problem(p: Mapping[str, Any]) -> str:
    params = p.get("reason_params")
    return schema_text(str(p.get("reason", "")), params if isinstance(params, Mapping) else {},
                       str(p.get("path") or ""))


# ---- problems of a process definition -----------------------------------------------------------

# Why a procedure plug-in reads a task or field (the reason codes of its contract).
CONTRACT_REASONS = {
    "approver_recorded": "the account register records who approved the account",
    "registration_notice": "the requester is told whether the account was registered",
    "register_channel": "the register's channel column and the request's title",
    "register_channel_name": "the channel's name in the register and the title when the "
                             "channel is Other",
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
    "review_decision": "'close' closes the account in the register, 'update' changes its entry; "
                       "anything else starts the next review",
    "review_keep_check": "'keep' is accepted only when the owner confirms this",
    "review_moderators": "an update of the register names the account's moderators",
    "review_purpose": "an update of the register gives the account's purpose",
    "review_new_owner": "an update of the register may hand the account to a new owner",
    "review_reason": "the register records why it was updated",
    "follow_up_decision": "'close' after the moderation follow-up closes the account in the "
                          "register",
    "follow_up_reason": "the register records why communications closed the account",
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


# The kinds of form field a condition's literal is compared with, in words.
FIELD_KINDS = {
    "string": "text", "text": "text", "email": "email address", "uri": "web address",
    "date": "date", "boolean": "yes/no", "confirm": "confirmation", "integer": "whole number",
    "number": "number", "list": "list", "group": "list of entries", "choice": "choice",
}


def _literal(value: Any) -> str:
    """A value as a condition would write it: "approve", True, 3."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _literals(values: Any) -> str:
    return ", ".join(_literal(v) for v in values) if isinstance(values, list) else shown(values)


def _compared(p: Mapping[str, Any]) -> dict[str, str]:
    return {"field": shown(p.get("field")), "value": _literal(p.get("value"))}


def _not_a_choice(p: Mapping[str, Any]) -> str:
    return _("The condition compares '{field}' with {value}, which its form never gives: it can "
             "only be {values}.", **_compared(p), values=_literals(p.get("values")))


def _not_of_kind(p: Mapping[str, Any]) -> str:
    kinds = p.get("kinds") if isinstance(p.get("kinds"), list) else [p.get("kinds")]
    named = " or ".join(_(FIELD_KINDS.get(str(k), str(k))) for k in kinds)
    return _("The condition compares '{field}' with {value}, but '{field}' is a {kinds} field "
             "and never holds that value.", **_compared(p), kinds=named)


def _out_of_range(p: Mapping[str, Any]) -> str:
    low, high = p.get("minimum"), p.get("maximum")
    if low is not None and high is not None:
        bounds = _("from {low} to {high}", low=shown(low), high=shown(high))
    elif low is not None:
        bounds = _("at least {low}", low=shown(low))
    else:
        bounds = _("at most {high}", high=shown(high))
    return _("The condition compares '{field}' with {value}, but its form only accepts numbers "
             "{bounds}.", **_compared(p), bounds=bounds)


def _not_asked(p: Mapping[str, Any]) -> str:
    said = _("'{field}' is read here, but a path reaches this point without a form asking it "
             "(or a script setting it).", field=shown(p.get("field")))
    if p.get("asked_by"):
        return said + " " + _("It is asked in: {tasks}.", tasks=shown(p.get("asked_by")))
    return said + " " + _("No form in the process asks it.")


def _cycle(p: Mapping[str, Any]) -> str:
    said = _("These elements form a loop with no user task or timer in it, so a request would "
             "go round it forever: {elements}.", elements=shown(p.get("elements")))
    size, named = p.get("size"), p.get("elements")
    if isinstance(size, int) and isinstance(named, list) and size > len(named):
        said += " " + _("({size} elements in all.)", size=size)
    return said


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
    "xml.encoding": "The file cannot be read as {encoding}: save it as UTF-8, or declare the "
                    "encoding it is saved in.",
    "bpmn.invalid": "Not valid BPMN: {detail}.",
    "bpmn.refused": "The diagram was refused: {detail}.",
    "bpmn.no_process": "The diagram has no process with id '{process_id}'.",
    "bpmn.unsupported_element": "'{element}' is not supported by this engine.",
    "bpmn.unsupported_event": "A {event} with a {definition} is not supported.",
    "bpmn.only_timers_caught": "Only timer events can be caught by this engine.",
    "bpmn.cycle_timer": "Cycle timers (timeCycle) are not supported; use timeDuration.",
    "bpmn.timer_refused": _refused("The timer expression is refused: {reason}."),
    "bpmn.timer_missing": "The timer has no timeDuration or timeDate.",
    "bpmn.flow_end_unknown": "The flow's {end} '{ref}' names no element of the process.",
    "bpmn.condition_refused": _refused("The condition is refused: {reason}."),
    "bpmn.lane_without_rule": "The lane has no rule in lanes.json.",
    "bpmn.task_without_lane": "The task is in no lane, so nobody could do it.",
    "bpmn.task_without_form": "The user task names no form (property formJsonSchemaFilename).",
    "bpmn.form_file_missing": "The form file {file} does not exist.",
    "bpmn.flow_needs_condition": "A flow out of an exclusive gateway needs a condition (or must "
                                 "be the gateway's default).",
    "bpmn.gateway_needs_default": "The gateway has no default flow and its conditions may all "
                                  "be false: add a default flow.",
    "bpmn.script_refused": _refused("The script is refused: {reason}."),
    "bpmn.never_completed": "A {element} would wait for ever: nobody's inbox shows it and no "
                            "engine step completes it. Use a user task with a form, or a "
                            "script task.",
    "bpmn.loop_not_supported": "Loops and multi-instance are only supported on script tasks, "
                               "not on a {element}.",
    "bpmn.loop_unbounded": "The loop needs {bound} written as a whole number from 1 to "
                           "{limit}.",
    "bpmn.loop_input_collection": "A multi-instance activity over a data collection is not "
                                  "supported; give a literal loopCardinality.",
    "bpmn.loop_condition_refused": _refused("The loop's condition is refused: {reason}."),
    "bpmn.too_many_elements": "The process has {count} elements; at most {limit} are allowed.",
    "bpmn.too_deep": "The flow is too long a chain of elements to be read.",
    "diagram.more_problems": "{count} more problems were found; fix those listed first.",
    "bpmn.no_start": "The process has no start event, so no request could start.",
    "bpmn.no_end": "The process has no end event, so no request could finish.",
    "bpmn.unreachable": "No path from a start event reaches this element.",
    "bpmn.dead_end": "No path from this element reaches an end event: a request that gets here "
                     "would never finish.",
    "bpmn.cycle_without_person": _cycle,
    "bpmn.field_not_asked": _not_asked,
    "bpmn.value_not_a_choice": _not_a_choice,
    "bpmn.value_not_of_kind": _not_of_kind,
    "bpmn.value_out_of_range": _out_of_range,
    "lanes.not_an_object": "lanes.json must be an object keyed by lane id.",
    "lanes.rule_missing": "Lane '{lane}' needs a rule, one of: {rules}.",
    "lanes.unknown_keys": "Lane '{lane}' has unknown keys: {keys}.",
    "lanes.role_missing": "Lane '{lane}' has rule 'role' but names no role.",
    "lanes.role_not_taken": "Lane '{lane}': only the 'role' rule takes a role.",
    "form.schema": _schema_problem,
    "upload.too_large": "The file is {size} bytes; the limit is {limit}.",
    "upload.unknown_kind": "'{filename}' is neither a .bpmn diagram nor a .zip of a process "
                           "folder.",
    "upload.not_a_zip": "The file is not a readable zip archive.",
    "upload.too_many_members": "The zip holds {count} entries; a process folder has at most "
                               "{limit}.",
    "upload.member_too_large": "{member} is larger than {limit} bytes unpacked.",
    "upload.unsafe_member": "'{member}' is not a plain file inside the folder (a link, an "
                            "absolute path, '..' or an encrypted entry).",
    "upload.unexpected_member": "'{member}' does not belong in a process folder (only the "
                                "diagram, forms/*.json and lanes.json).",
    "upload.no_diagram": "The zip holds no .bpmn diagram.",
    "upload.several_diagrams": "The zip holds several diagrams ({files}); a process folder "
                               "has one.",
    "upload.no_process_id": "Which process the diagram is cannot be told: name the file after "
                            "its process id, or keep one process in it.",
    "upload.other_process": "The file is the process '{process_id}', not '{expected}'.",
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
    "replay.after_withdrawal": "Event {seq} follows the request's withdrawal.",
    "replay.wrong_version": "Event {seq} names another process version than the one in force "
                            "when it happened.",
    "replay.version": "The request names process version {stored}, but its log leaves it on "
                      "version {replayed}.",
}

# ---- why a request cannot move to another version ---------------------------------------------

MOVES: dict[str, Wording] = {
    "move.waiting_step_removed": "It waits at '{step}', which the new version no longer has.",
    "move.done_step_removed": "'{step}' was done, and the new version no longer has it.",
    "move.answer_missing": "The new version reads the answer '{field}' of '{step}', which this "
                           "request never gave (a field renamed or added).",
    "move.answer_invalid": "The answer '{field}' of '{step}' is not one the new version's form "
                           "accepts.",
    "move.timer_changed": "It waits on the timer '{timer}', which the new version defines "
                          "differently.",
    "move.would_advance": "It would not wait where it waits now (now: {before}; after the "
                          "move: {after}).",
    "move.subprocesses": "It runs in a subprocess; such requests are not moved.",
    "move.failed": "The engine could not move it: {detail}.",
    "move.not_running": lambda p: _("It is completed.") if p["status"] == "completed"
    else _("It was cancelled.") if p["status"] == "cancelled"
    else _("It was withdrawn.") if p["status"] == "withdrawn" else _("It is not running."),
    "move.not_newer": "It is on a newer version already.",
    "move.already_moved": "It is on that version already.",
    "instance.changed": "It changed since the preview; look again.",
}


def move_reason_text(reason: Any) -> str:
    """Why a request cannot move, in words (a MoveReason)."""
    return _say(MOVES, reason.code, reason.params)



# ---- statuses and where a request stands -------------------------------------------------------

STATUSES: dict[str, Wording] = {
    "running": "In progress",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "withdrawn": "Withdrawn",
    # the account register's statuses
    "active": "Active",
    "closed": "Closed",
    "review due": "Review due",
    "review overdue": "Review overdue",
    "moderation follow-up": "Moderation follow-up",
}

STEPS: dict[str, Wording] = {
    "completed": "Completed",
    "cancelled": "Cancelled",
    "withdrawn": "Withdrawn",
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


PROCESS_EVENTS: dict[str, Wording] = {
    "version_deployed": lambda p: _("Version {number} deployed: {reason}", number=p["number"],
                                    reason=p["reason"]) if p.get("reason") else _(
        "Version {number} deployed from the command line", number=p["number"]),
    "draft_opened": "Draft opened",
    "draft_saved": "Draft saved (revision {revision})",
    "draft_uploaded": "File {filename} uploaded as the draft (revision {revision})",
    "draft_discarded": "Draft discarded (revision {revision})",
    "deploy_requested": "Deploy asked for, waiting for a second process owner: {reason}",
    "deploy_approved": "Deploy approved",
    "deploy_rejected": lambda p: _("Deploy rejected: {reason}", reason=p["reason"])
    if p.get("reason") else _("Deploy rejected"),
}


def process_event_text(kind: str, params: Mapping[str, Any]) -> str:
    """One event of a process's stream in words."""
    return _say(PROCESS_EVENTS, kind, {**{k: "" for k in ("revision", "filename", "reason",
                                                           "number")}, **params})


def error_lines(error: EngineError) -> list[str]:
    """An error in words, followed by each problem of a refused diagram (for the command line)."""
    lines = [error_text(error)]
    for problem in getattr(error, "problems", []):
        lines.append(problem_text(problem) if isinstance(problem, Problem) else str(problem))
    return lines


def message_text(message: Message) -> str:
    """A form validation message in words."""
    return _say(VALIDATION, message.code, message.params)


def note_text(message: Message) -> str:
    """A note to the person deciding a task, in words."""
    return _say(NOTES, message.code, message.params)


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
                    "timers": "Timer row", "accounts": "Register row",
                    "account_people": "The people of account",
                    "account_moderators": "The moderators of account",
                    "events": "The log of"}


TITLES: dict[str, Wording] = {
    "process": "{process_id}",
    "plain": "{label}",  # a title stored before titles were codes
    "account_request.new": "New social media account",
    "account_request": "{account_name} on {channel}",
    # A review titled before its year was given keeps its old words.
    "account_review": lambda p: _("Review {year} of {account_name} on {channel}",
                                  year=p["year"], account_name=p.get("account_name", ""),
                                  channel=p.get("channel", "")) if p.get("year") else _(
        "Review of {account_name} ({channel})", account_name=p.get("account_name", ""),
        channel=p.get("channel", "")),
}


def title_text(title: Any) -> str:
    """What a request is called, in words."""
    if title is None:
        return ""
    return _say(TITLES, title.code, title.params)


# ---- an account's life (its page's timeline) ---------------------------------------------------

REVIEW_DECISIONS = {"keep": "keep the account",
                    "update": "update the register and keep the account",
                    "close": "close the account"}
# Where a change of a register entry was made (the account log's `via`).
CHANGED_VIA = {"register": "in the register", "review": "in a review"}
ACCOUNT_FIELDS = {
    "account_name": "Account name", "channel": "Channel", "handle": "Handle", "url": "Address",
    "owning_unit": "Owning unit", "owning_unit_type": "Type of unit", "owner_id": "Owner",
    "moderators": "Moderators", "purpose": "Purpose",
}
REVIEW_STAGE_WORDS = {
    "scheduled": "Not due yet", "due": "Waiting for the owner",
    "overdue": "Overdue: with communications",
    "follow_up": "Not watched daily: communications follows up", "done": "Done",
    "cancelled": "Cancelled", "withdrawn": "Withdrawn",
}


def decision_text(decision: Any) -> str:
    """A review's decision in words ("keep the account")."""
    if isinstance(decision, str) and decision in REVIEW_DECISIONS:
        return _(REVIEW_DECISIONS[decision])
    return shown(decision) or _("no decision")


def _actor(p: Mapping[str, Any]) -> str:
    return shown(p.get("actor")) or _("Someone")


def _via(p: Mapping[str, Any]) -> str:
    via = p.get("via")
    return " " + _(CHANGED_VIA[via]) if via in CHANGED_VIA else ""


def _with_reason(said: str, p: Mapping[str, Any]) -> str:
    reason = shown(p.get("reason")).strip()
    return _("{said}. Reason: {reason}", said=said, reason=reason) if reason else said + "."


def _titled(p: Mapping[str, Any]) -> str:
    title = p.get("title")
    return title_text(title) if hasattr(title, "code") else shown(title)


LIFE: dict[str, Wording] = {
    "life.requested": lambda p: _("{who} asked for the account: {title}", who=_actor(p),
                                  title=_titled(p)),
    "life.approved": lambda p: _("{who} approved the request", who=_actor(p)),
    "life.registered": lambda p: _("{who} registered the account as {handle}", who=_actor(p),
                                   handle=shown(p["handle"])) if p.get("handle") else _(
        "{who} registered the account", who=_actor(p)),
    "life.review_opened": lambda p: _("{title} planned, due {due}",
                                      title=_titled(p), due=shown(p.get("due")))
    if p.get("due") else _("{title} planned", title=_titled(p)),
    "life.review_answered": lambda p: _("{who} answered {title}: {decision}", who=_actor(p),
                                        title=_titled(p),
                                        decision=decision_text(p.get("decision"))),
    "life.review_followed_up": lambda p: _(
        "{who} followed up {title}, unanswered in time: {decision}", who=_actor(p),
        title=_titled(p), decision=decision_text(p.get("decision"))),
    "life.moderation_followed_up": lambda p: _(
        "{who} followed up {title}, not watched every day: {decision}", who=_actor(p),
        title=_titled(p), decision=decision_text(p.get("decision"))),
    "life.changed": lambda p: _with_reason(
        _("{who} changed the entry{via}", who=_actor(p), via=_via(p)), p),
    "life.closed": lambda p: _with_reason(
        _("{who} closed the account{via}", who=_actor(p), via=_via(p)), p),
    "life.added": lambda p: _with_reason(
        _("{who} added the account to the register, as it existed before", who=_actor(p)), p),
    "life.review_started": lambda p: _with_reason(
        _("{who} started a review outside the yearly cycle", who=_actor(p)), p),
}


def life_text(entry: Any) -> str:
    """One line of an account's timeline in words."""
    return _say(LIFE, entry.code, entry.params)


def account_field_text(name: str) -> str:
    """A register field's label."""
    return _(ACCOUNT_FIELDS.get(name, name.replace("_", " ").capitalize()))


def account_value_text(value: Any, name: str) -> str:
    """A register field's value as the page shows it (moderators by name and email)."""
    if name == "moderators" and isinstance(value, list):
        return ", ".join(
            f"{m.get('name', '')} <{m.get('email', '')}>" if isinstance(m, Mapping) else str(m)
            for m in value) or "—"
    return shown(value) or "—"


def review_stage_text(stage: str) -> str:
    """Where a review cycle stands, in words."""
    return _(REVIEW_STAGE_WORDS.get(stage, stage))


def projection_text(difference: Any) -> str:
    """A projected row that differs from the record, in words."""
    table = _(PROJECTED_TABLES.get(difference.table, difference.table))
    if difference.field == "chain":
        return _("{table} {row} is broken at event {seq}: {why}.", table=table,
                 row=difference.row, seq=difference.stored, why=chain_text(difference.expected))
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
    get = who.get if isinstance(who, Mapping) else lambda name: getattr(who, name, None)
    covered = get("covered_by")
    if get("you"):
        return _("you")
    if get("person") and covered:
        return _("{substitute}, covering for {person}", substitute=covered, person=get("person"))
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


STUCK_REASONS_WORDS: dict[str, str] = {
    "assignee_inactive": "The person it waits on may not sign in",
    "no_active_holder": "Nobody who may sign in holds the role",
    "claimer_inactive": "Claimed by someone who may not sign in",
    "waiting_long": "Waiting longer than {days} days",
}


def stuck_reason_text(reason: str, days: int) -> str:
    """Why a waiting task is stuck, in words."""
    return _say(STUCK_REASONS_WORDS, reason, {"days": days})


def yes_no(value: bool) -> str:
    """A boolean answer in words."""
    return _("Yes") if value else _("No")


def init_wording(app: Any) -> None:
    """Make the words available to templates as filters."""
    app.jinja_env.filters.update(
        history_text=history_text, waiting_on=waiting_on_text, waited=waited_text,
        yes_no=yes_no, status_label=status_label, step_text=step_text, chain_text=chain_text,
        difference_text=difference_text, projection_text=projection_text, error_text=error_text,
        title_text=title_text, move_reason=move_reason_text,
        stuck_reason=stuck_reason_text, note_text=note_text, life_text=life_text,
        account_field=account_field_text, account_value=account_value_text,
        review_stage=review_stage_text, decision_text=decision_text,
    )
