"""Words for dry runs and version comparisons: refused answers, failures, what changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import DRY_RUN_CODES, EngineError, ProcessFailed

from .i18n import _
from .wording import error_text, reason_text, shown

REFUSALS: dict[str, str] = {
    "dry_run.invalid_answer": "The answer to '{name}' was not accepted; correct it below.",
    "dry_run.not_waiting": "'{name}' is not waiting at this point of the run, so its answer "
                           "was not used. The run stopped before it.",
    "dry_run.timer_has_data": "A timer fires without an answer: '{name}' was given one.",
    "dry_run.too_many": "The run stopped after {limit} answers.",
}
assert set(REFUSALS) == set(DRY_RUN_CODES)

# The BPMN element kinds, as a process owner calls them.
TAGS: dict[str, str] = {
    "startEvent": "start event", "endEvent": "end event",
    "intermediateCatchEvent": "waiting event", "intermediateThrowEvent": "event",
    "boundaryEvent": "boundary event", "userTask": "user task", "task": "task",
    "scriptTask": "script task", "manualTask": "manual task", "serviceTask": "service task",
    "sendTask": "send task", "receiveTask": "receive task",
    "businessRuleTask": "business rule task", "callActivity": "call activity",
    "subProcess": "sub-process", "exclusiveGateway": "exclusive gateway",
    "parallelGateway": "parallel gateway", "inclusiveGateway": "inclusive gateway",
    "eventBasedGateway": "event-based gateway", "complexGateway": "complex gateway",
    "sequenceFlow": "sequence flow", "lane": "lane", "participant": "pool",
    "textAnnotation": "text annotation",
}
# What a diagram element or a form field was compared on.
ATTRIBUTES: dict[str, str] = {
    "tag": "kind", "name": "name", "condition": "condition", "timer": "timer",
    "form": "form", "lane": "lane", "source": "from", "target": "to",
    "default": "default flow", "documentation": "instructions", "script": "script",
    "title": "title", "kind": "type", "description": "help text", "required": "required",
    "choices": "choices", "choice_titles": "choice labels", "min_length": "minimum length",
    "max_length": "maximum length", "min_items": "minimum entries",
    "max_items": "maximum entries", "minimum": "minimum", "maximum": "maximum",
    "default_value": "default", "item_kind": "entry type", "item_title": "entry title",
}
STATES: dict[str, str] = {"done": "passed", "waiting": "waiting for an answer",
                          "failed": "failed here", "cancelled": "ended by a timer"}


def refusal_text(refused: Any) -> str:
    """Why an answer of a dry run was not used."""
    # The name comes from what was posted: shown shortened, never at any length.
    return _(REFUSALS[refused.code], **{k: _short(shown(v)) for k, v in refused.params.items()})


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def failure_text(failure: EngineError) -> str:
    """Where and why a dry run's diagram stopped, in words for its owner."""
    p = failure.params
    if isinstance(failure, ProcessFailed) and failure.code == "process.expression_failed":
        return _("The expression '{expression}' in '{task}' failed: {reason}. A real request "
                 "would stop here.", expression=shown(p.get("expression")),
                 task=shown(p.get("task")),
                 reason=reason_text(p["reason"], p.get("reason_params"), p.get("line")))
    if isinstance(failure, ProcessFailed) and failure.code == "process.script_failed":
        return _("The script of '{task}' failed: {reason}. A real request would stop here.",
                 task=shown(p.get("task")),
                 reason=reason_text(p["reason"], p.get("reason_params"), p.get("line")))
    return error_text(failure)


def tag_text(tag: str) -> str:
    """An element kind in words."""
    return _(TAGS.get(tag, tag))


def attribute_text(name: str, of_field: bool = False) -> str:
    """A compared attribute in words (`default` is a flow of a gateway, a value of a field)."""
    key = "default_value" if of_field and name == "default" else name
    return _(ATTRIBUTES.get(key, name))


def value_text(value: Any) -> str:
    """An old or new value of a change, as text ("none" when there was none)."""
    if value is None or value == "" or value == []:
        return _("(none)")
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {shown(v)}" for k, v in value.items())
    return shown(value)


def state_text(state: str) -> str:
    """How far a dry run got with an element, in words."""
    return _(STATES.get(state, state))
