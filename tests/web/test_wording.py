"""Every code the engine can answer with has words in web/wording.py, and only such codes do.

The codes come from the engine's own registries (errors, validation, history, current step,
statuses, definition problems, record checks), so a code added to the engine without words fails
here.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from engine import (
    CHAIN_CODES,
    HISTORY_CODES,
    INSTANCE_STATUSES,
    PROBLEM_CODES,
    REPLAY_CODES,
    STEP_CODES,
    TITLE_CODES,
    VALIDATION_CODES,
    CurrentStep,
    Difference,
    EngineError,
    Message,
    Problem,
    Title,
    WaitingOn,
    error_codes,
)
from web import wording

# A value for each parameter name the registries use; anything else gets SAMPLE.
SAMPLE = "Sample"
SAMPLES = {
    "at": datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    "by": "Sara Staff",
    "actor": "Sara Staff",
    "missing": ["username", "name", "email", "password", "roles"],
    "unknown_roles": ["boss"],
    "roles": ["boss", "chief"],
    "decision": [True, "Approve the account"],
    "tasks": ["Approve the account", "Plan moderation"],
    "choices": ["Approve", "Reject"],
    "fields": ["handle", "url"],
    "min": 2, "max": 3, "count": 2, "seq": 4, "line": 1,
    "due": "2027-03-01",
    "rules": ["initiator", "role"], "keys": ["colour"], "size": 2_000_001, "limit": 2_000_000,
}

REGISTRIES = {
    "error": (error_codes(), wording.ERRORS),
    "validation": (VALIDATION_CODES, wording.VALIDATION),
    "history": (HISTORY_CODES, wording.HISTORY),
    "step": (STEP_CODES, wording.STEPS),
    "problem": (PROBLEM_CODES, wording.PROBLEMS),
    "chain": (CHAIN_CODES, wording.CHAIN),
    "replay": (REPLAY_CODES, wording.REPLAY),
    "title": (TITLE_CODES, wording.TITLES),
}


def params_for(names: tuple[str, ...]) -> dict:
    return {name: SAMPLES.get(name, SAMPLE) for name in names}


def say(kind: str, code: str, params: dict) -> str:
    if kind == "error":
        return wording.error_text(EngineError(code, **params))
    if kind == "validation":
        return wording.message_text(Message(code, params))
    if kind == "history":
        return wording.history_text(SimpleNamespace(code=code, params=params))
    if kind == "problem":
        return wording.problem_text(Problem(code, params))
    if kind == "chain":
        return wording.chain_text(code)
    if kind == "replay":
        return wording.difference_text(Difference(code, params))
    if kind == "title":
        return wording.title_text(Title(code, params))
    return wording.step_text(CurrentStep(code, params))


CASES = [(kind, code) for kind, (codes, _words) in REGISTRIES.items() for code in sorted(codes)]


@pytest.mark.parametrize(("kind", "code"), CASES)
def test_every_engine_code_has_words(kind, code):
    codes, words = REGISTRIES[kind]
    assert code in words, f"no words for the {kind} code {code!r}"
    text = say(kind, code, params_for(codes[code]))
    assert text and text != code
    assert "{" not in text and "}" not in text, text


@pytest.mark.parametrize(("kind", "code"), CASES)
def test_words_use_only_the_parameters_the_engine_gives(kind, code):
    codes, words = REGISTRIES[kind]
    if callable(words[code]):
        return  # a function: rendering it above with exactly the engine's params is the check
    used = {name for _text, name, _spec, _conv in string.Formatter().parse(words[code]) if name}
    assert used <= set(codes[code]), f"{code!r} uses {used - set(codes[code])}"


@pytest.mark.parametrize("kind", sorted(REGISTRIES))
def test_no_words_for_codes_the_engine_does_not_have(kind):
    codes, words = REGISTRIES[kind]
    assert set(words) - set(codes) == set()


@pytest.mark.parametrize("status", INSTANCE_STATUSES)
def test_every_request_status_has_words(status):
    assert status in wording.STATUSES
    assert wording.status_label(status) not in ("", status)


def test_parameters_are_worded_for_people():
    assert wording.yes_no(True) == "Yes" and wording.yes_no(False) == "No"
    assert say("history", "history.task_completed", params_for(
        HISTORY_CODES["history.task_completed"])) == (
        "Sara Staff completed 'Sample': Yes, Approve the account")
    assert say("error", "task.already_done", params_for(error_codes()["task.already_done"])) \
        == "'Sample' was already completed by Sara Staff on 2026-01-05 10:00."  # Stockholm
    assert wording.waited_text(timedelta(days=3, hours=2)) == "3 d"
    assert wording.waited_text(timedelta(seconds=5)) == "1 min"
    assert wording.waiting_on_text(WaitingOn(person="Maja Manager", you=True)) == "you"
    assert wording.waiting_on_text(WaitingOn(lane="Communications")) == "anyone in Communications"
    assert wording.waiting_on_text({"person": "Maja Manager", "lane": None, "you": False}) \
        == "Maja Manager"


def test_a_problem_is_worded_with_where_it_is():
    problem = Problem("bpmn.flow_end_unknown", {"end": "targetRef", "ref": "plan"},
                      element_id="flow_1", line=12, file="p.bpmn")
    assert wording.problem_text(problem) == (
        "p.bpmn, line 12, element 'flow_1': The flow's targetRef 'plan' names no element of "
        "the process.")
