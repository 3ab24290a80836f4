"""Domain errors raised by the engine: a code and its parameters, never a sentence.

Every error class lists the codes it may carry, each with the names of its parameters;
`error_codes()` collects them all, so the web layer (which turns each code into words) can be
checked against the complete list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar


class EngineError(Exception):
    """Base class of every error the engine raises on purpose: `code` plus `params`."""

    codes: ClassVar[Mapping[str, tuple[str, ...]]] = {}  # code -> names of its params

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        if not self.params:
            return self.code
        return self.code + " " + " ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))


class NotFound(EngineError):
    """The thing asked for does not exist (or the caller may not know that it does)."""

    codes: ClassVar = {
        "task.not_found": (), "request.not_found": (), "instance.not_found": (),
        "checkpoint.not_found": (), "checkpoint.none_yet": (),
        "user.not_found": ("username",),  # username only when one was asked for by name
        "process.not_deployed": ("process_id",), "version.not_found": (),
        "history.no_such_event": ("seq",),  # a request's history has no event with this seq
        "draft.not_found": ("process_id",), "deploy.not_found": (),
        # holiday cover
        "cover.not_found": (),
        # admins' mail pages
        "mail.not_found": (), "delivery.not_found": (),
        "account.not_found": (),  # no such account in the register
        "demo_clock.off": (),  # the demo clock is not turned on: time is real
    }


class NotAllowed(EngineError):
    """The caller may not do this."""

    codes: ClassVar = {
        "task.not_assignee": (), "request.not_involved": (), "register.communications_only": (),
        "requests.oversight_only": (), "record.auditors_only": (),
        "correction.admins_only": (), "process.owners_only": (), "process.readers_only": (),
        "deploy.own_request": (),  # four eyes: the owner who asked cannot decide
        "people.admins_only": (),
        # holiday cover: only the person themselves or an admin names a substitute
        "cover.not_yours": (),
        "claim.not_holder": (),  # only the holder of a claim (or an admin) releases it
        "tasks.admins_only": (),  # the stuck tasks page
        "withdraw.not_requester": (),  # only the requester withdraws their own request
        "answers.requester_only": (),  # only the requester checks and changes their answers
        "comment.read_only": (),  # auditors read a request's conversation, they do not join it
        "keeping.communications_only": (),  # only communications changes the register
        "account.not_involved": (),  # an account's page: oversight, its owner and moderators
        "demo_clock.admins_only": (),  # only admins move the demo's clock
    }


class Conflict(EngineError):
    """Someone else changed the same thing first; reload and try again."""

    codes: ClassVar = {"instance.changed": (), "task.no_longer_waiting": (),
                       "request.cancelled": (), "request.not_running": ("status",),
                       "request.withdrawn": (),  # its requester withdrew it
                       # a request is withdrawn only while running and before registration
                       "withdraw.not_running": ("status",), "withdraw.already_registered": (),
                       "answer.superseded": ("title",),
                       # a draft was saved by someone else since the editor loaded it
                       "draft.changed": ("by", "at", "revision"),
                       "draft.exists": ("by", "at", "revision"),  # one draft per process
                       "deploy.pending_exists": ("by", "at"),  # one waiting deploy per process
                       "deploy.decided": ("outcome",),
                       "move.already_moved": ("version_id",),
                       # people: another admin changed the person since the page was loaded
                       "person.changed": ("revision",),
                       "person.own_admin": (),  # an admin cannot lock themselves out
                       # a colleague (name) claimed this group task
                       "task.claimed_by_other": ("name",),  # an admin cannot lock themselves out
                       # the requester's answers went on (to the manager): no more changes here
                       "answers.already_sent": (),
                       "answers.nothing_to_send": (),  # no kept answers of the held step
                       # completed, cancelled or withdrawn: its conversation is closed
                       "comment.request_ended": ("status",),
                       # the register entry changed since the edit form was loaded
                       "account.changed": (),
                       "account.already_closed": ("closed_on",)}  # ISO date or ""


class TaskAlreadyDone(Conflict):
    """The task was completed already: which (title), by whom (by, by_id), when (at), where.

    `by_id` lets a caller tell a person's own second submission (a double click) from someone
    else's; `instance_id` is the request the task belongs to.
    """

    codes: ClassVar = {"task.already_done": ("title", "by", "at", "by_id", "instance_id")}

    def __init__(self, title: str, by: str | None, at, by_id: int | None = None,
                 instance_id: str | None = None) -> None:
        super().__init__("task.already_done", title=title, by=by, at=at, by_id=by_id,
                         instance_id=instance_id)
        self.title, self.by, self.at = title, by, at
        self.by_id, self.instance_id = by_id, instance_id


class InvalidInput(EngineError):
    """A request the engine cannot act on; the code says why."""

    codes: ClassVar = {
        "withdraw.not_a_request": (),  # a review cycle is not withdrawn
        "withdraw.reason_too_long": ("max",),
        "user.manager_unknown": ("username",), "user.username_taken": ("username",),
        "user.own_manager": (), "user.unknown_roles": ("roles",),
        "user.incomplete": ("missing", "unknown_roles"), "password.too_short": ("min",),
        "approval.no_manager": (), "settings.not_a_duration": ("name", "value"),
        "settings.too_short": ("name", "value", "least", "setting"),
        "schedule.out_of_range": ("anchor", "interval"), "search.not_storable": (),
        "correction.reason_required": (), "correction.user_inactive": ("username",),
        "correction.requester_not_allowed": ("lane",),
        "correction.already_assigned": ("username",),
        "correction.not_a_request": (), "correction.not_an_answer": ("field", "title"),
        "correction.no_change": ("field",), "correction.decision_field": ("field",),
        "dry_run.answers_malformed": ("index",),  # not a list of (task id, answer) pairs
        "deploy.reason_required": (), "deploy.reason_too_long": ("limit",),
        "deploy.unchanged": ("number",),  # the draft is the current version already
        "draft.too_large": ("part", "size", "limit"),  # part: diagram, forms, lanes, form name
        "draft.too_many_forms": ("count", "limit"),
        "draft.bad_shape": ("part",),  # not text / not an object of forms / not an object
        "draft.bad_form_name": ("name",),
        "draft.not_storable": ("part",),
        "process.bad_id": ("process_id",),
        "move.reason_required": (), "move.other_process": (),
        # holiday cover
        "cover.self": (), "cover.substitute_inactive": ("username",),
        "cover.bad_range": (), "cover.too_long": ("limit",), "cover.overlap": ("start", "end"),
        "cover.substitute_away": ("username",), "cover.already_over": (),
        # claims of group tasks
        "claim.not_group_task": (), "claim.target_not_in_role": ("username",),
        "claim.already_holder": ("username",),
        # how one is told: a mail per message or a daily digest
        "notify.bad_mode": ("allowed",),
        # a step whose answers are not on the requester's check page
        "answers.not_checked_here": ("title",),
        # a CSV import of existing accounts
        "import.too_large": ("limit",),  # bytes
        "import.too_many_rows": ("limit", "rows"),
        "import.no_rows": (), "import.no_header": (), "import.wrong_encoding": (),
        "import.unreadable": (),
        "import.missing_columns": ("columns",),  # the export's names of the missing columns
    }


@dataclass(frozen=True)
class Message:
    """One validation message about a form field: a code and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.params:
            return self.code
        return self.code + " " + " ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))


class InvalidForm(EngineError):
    """Submitted form data failed validation: `messages` per field (dotted paths for nested)."""

    codes: ClassVar = {"form.invalid": ("fields",)}

    def __init__(self, messages: dict[str, list[Message]]) -> None:
        super().__init__("form.invalid", fields=sorted(messages))
        self.messages = messages

    def __str__(self) -> str:
        return "form.invalid " + "; ".join(
            f"{name}: {', '.join(str(m) for m in found)}"
            for name, found in sorted(self.messages.items()))


class ProcessFailed(EngineError):
    """The diagram could not continue (a failing condition or script); nothing was saved."""

    codes: ClassVar = {
        # an expression (condition, timer) or a script failed: an ExpressionError's reason
        "process.expression_failed": ("task", "expression", "reason", "reason_params", "line"),
        "process.script_failed": ("task", "reason", "reason_params", "line"),
        "process.failed": ("detail",),  # anything else: SpiffWorkflow's own explanation
        "process.too_many_steps": ("limit",),  # the engine ran more tasks by itself than allowed
        "process.no_end_reached": (),  # the workflow stopped without reaching an end event
    }


class ReplayDiverged(EngineError):
    """The log cannot be replayed: a recorded step was not possible at that point."""

    codes: ClassVar = {"replay.step_not_waiting": ("seq", "task_name"),
                       "replay.after_cancel": ("seq",),
                       "replay.after_withdrawal": ("seq",),
                       "replay.wrong_version": ("seq", "recorded", "in_force")}


class ExpressionError(EngineError):
    """Diagram text was refused or failed: a `reason` code, its `reason_params`, and the `line`."""

    codes: ClassVar = {"expression.rejected": ("reason", "reason_params", "line")}

    def __init__(self, reason: str, line: int | None = None, **reason_params: Any) -> None:
        super().__init__("expression.rejected", reason=reason, reason_params=reason_params,
                         line=line)
        self.reason = reason
        self.reason_params = reason_params
        self.line = line

    def at_line(self, line: int | None) -> ExpressionError:
        """The same reason, placed at another line (None: nowhere in particular)."""
        return ExpressionError(self.reason, line, **self.reason_params)

    def __str__(self) -> str:
        what = self.reason + "".join(f" {k}={v!r}" for k, v in sorted(self.reason_params.items()))
        return f"line {self.line}: {what}" if self.line else what


# What a diagram, form or lane file can be refused for: each code with its parameters. A
# `detail` is the XML parser's, JSON reader's or SpiffWorkflow's own explanation; refused diagram
# text carries the evaluator's `reason` code (EXPRESSION_REASONS) with its `reason_params` and the
# `line` within the text; a form schema problem its dotted `path` and a `reason` code
# (SCHEMA_REASONS) with `reason_params`; a contract problem the `reason` the procedure needs it.
PROBLEM_CODES: dict[str, tuple[str, ...]] = {
    "folder.no_diagram": ("file",),
    "folder.no_lanes": (),
    "file.not_json": ("detail",),
    "xml.too_large": ("size", "limit"),
    "xml.doctype": (),
    "xml.malformed": ("detail",),
    "xml.encoding": ("encoding",),  # the file cannot be read in the encoding it declares
    "bpmn.invalid": ("detail",),
    "bpmn.refused": ("detail",),
    "bpmn.no_process": ("process_id",),
    "bpmn.unsupported_element": ("element",),
    "bpmn.unsupported_event": ("event", "definition"),
    "bpmn.only_timers_caught": (),
    "bpmn.cycle_timer": (),
    "bpmn.timer_refused": ("reason", "reason_params", "line"),
    "bpmn.timer_missing": (),
    "bpmn.flow_end_unknown": ("end", "ref"),
    "bpmn.condition_refused": ("reason", "reason_params", "line"),
    "bpmn.lane_without_rule": (),
    "bpmn.task_without_lane": (),
    "bpmn.task_without_form": (),
    "bpmn.form_file_missing": ("file",),
    "bpmn.flow_needs_condition": (),
    "bpmn.gateway_needs_default": (),
    "bpmn.script_refused": ("reason", "reason_params", "line"),
    "bpmn.never_completed": ("element",),  # a task kind nobody and no engine step completes
    "bpmn.loop_not_supported": ("element",),
    "bpmn.loop_unbounded": ("bound", "limit"),  # bound: loopMaximum or loopCardinality
    "bpmn.loop_input_collection": (),
    "bpmn.loop_condition_refused": ("reason", "reason_params", "line"),
    "bpmn.too_many_elements": ("count", "limit"),  # flow elements in one process
    "bpmn.too_deep": (),  # the flow is too long a chain for the parser to follow
    "diagram.more_problems": ("count",),  # how many more problems were found than are listed
    "bpmn.no_start": (),
    "bpmn.no_end": (),
    "bpmn.unreachable": (),
    "bpmn.dead_end": (),
    "bpmn.cycle_without_person": ("elements", "size"),
    "bpmn.field_not_asked": ("field", "asked_by"),
    "bpmn.value_not_a_choice": ("field", "value", "values"),
    "bpmn.value_not_of_kind": ("field", "value", "kinds"),
    "bpmn.value_out_of_range": ("field", "value", "minimum", "maximum"),
    "lanes.not_an_object": (),
    "lanes.rule_missing": ("lane", "rules"),
    "lanes.unknown_keys": ("lane", "keys"),
    "lanes.role_missing": ("lane",),
    "lanes.role_not_taken": ("lane",),
    "form.schema": ("path", "reason", "reason_params"),
    "contract.task_missing": ("task", "reason"),
    "contract.field_missing": ("field", "form", "reason"),
    "contract.field_kind": ("field", "form", "reason", "kind", "expected"),
    "contract.choice_missing": ("field", "form", "reason", "choices"),
    # an uploaded file or zip that cannot become a draft
    "upload.too_large": ("size", "limit"),
    "upload.unknown_kind": ("filename",),
    "upload.not_a_zip": (),
    "upload.too_many_members": ("count", "limit"),
    "upload.member_too_large": ("member", "limit"),
    "upload.unsafe_member": ("member",),
    "upload.unexpected_member": ("member",),
    "upload.no_diagram": (),
    "upload.several_diagrams": ("files",),
    "upload.no_process_id": (),
    "upload.other_process": ("process_id", "expected"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a diagram, a form or a lane file: a code, params and where."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    element_id: str | None = None
    element_name: str | None = None
    line: int | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = [p for p in (
            self.file,
            f"line {self.line}" if self.line else None,
            f"element '{self.element_id}'" if self.element_id else None,
            f"({self.element_name})" if self.element_name else None,
        ) if p]
        what = self.code + "".join(f" {k}={v!r}" for k, v in sorted(self.params.items()))
        return f"{', '.join(where)}: {what}" if where else what


class InvalidDiagram(EngineError):
    """A process definition was refused; every problem found is listed together."""

    codes: ClassVar = {"diagram.invalid": ("count",)}

    def __init__(self, problems: list[Problem] | None = None) -> None:
        super().__init__("diagram.invalid", count=len(problems or ()))
        self.problems = list(problems or ())

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class FormDefinitionError(EngineError):
    """A form schema was refused; every problem found is listed together."""

    codes: ClassVar = {"form_definition.invalid": ("form", "count")}

    def __init__(self, problems: list[Problem], name: str | None = None) -> None:
        super().__init__("form_definition.invalid", form=name, count=len(problems))
        self.problems = list(problems)
        self.name = name

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def as_problems(self, file: str | None = None, element_id: str | None = None) -> list[Problem]:
        """Return the problems located in the given file and element."""
        return [replace(p, element_id=element_id, file=file) for p in self.problems]


class VersionAltered(EngineError):
    """A stored process version no longer matches its content hash: it was edited in place."""

    codes: ClassVar = {"version.altered": ("version_id", "process_id", "stored_hash",
                                           "actual_hash")}

    def __init__(self, version_id: int, process_id: str, stored_hash: str, actual_hash: str):
        super().__init__("version.altered", version_id=version_id, process_id=process_id,
                         stored_hash=stored_hash, actual_hash=actual_hash)
        self.version_id, self.process_id = version_id, process_id
        self.stored_hash, self.actual_hash = stored_hash, actual_hash


class DatabaseUnavailable(EngineError):
    """The database refused the work (locked, read-only, unreachable); nothing was saved."""

    codes: ClassVar = {"database.unavailable": ()}


class CheckpointUnavailable(EngineError):
    """A checkpoint cannot be made or read: no key configured, an unreadable key, none made yet."""

    codes: ClassVar = {"checkpoint.no_key": (), "checkpoint.key_unusable": ("path", "detail"),
                       "checkpoint.public_key_unreadable": ("path", "detail")}


def error_classes() -> list[type[EngineError]]:
    """EngineError and every subclass of it, depth first."""
    found: list[type[EngineError]] = []
    pending: list[type[EngineError]] = [EngineError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def error_codes() -> dict[str, tuple[str, ...]]:
    """Every code an engine error may carry, with the names of its parameters."""
    return {code: params for cls in error_classes() for code, params in cls.codes.items()}
