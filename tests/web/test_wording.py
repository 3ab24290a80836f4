"""Every code the engine can answer with has words in web/wording.py, and only such codes do.

The codes come from the engine's own registries (errors, validation, history, current step,
statuses, definition problems, record checks), so a code added to the engine without words fails
here.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from engine import (
    CHAIN_CODES,
    EXPRESSION_REASONS,
    HISTORY_CODES,
    INSTANCE_STATUSES,
    LIFE_CODES,
    MOVE_CODES,
    NOTE_CODES,
    PROBLEM_CODES,
    REPLAY_CODES,
    REVIEW_STAGES,
    SCHEMA_REASONS,
    STATEMENT_KINDS,
    STEP_CODES,
    STUCK_REASONS,
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
from engine.definitions.expressions import (
    MAX_EXPRESSION_CHARS,
    ExpressionError,
    check_script,
    compile_expression,
    evaluate,
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
    "length": 2_000_001, "reason_params": {}, "statement": "import", "op": "+", "type": "str",
    "supported": ["email", "uri", "date"], "value": "'maybe'", "format": "'phone'",
    "keyword": "pattern", "other": "maximum", "path": "properties.x",
}
# A placeholder left unfilled ({name}); JSON shapes such as {"const": <value>} are words.
UNFILLED = re.compile(r"\{\w*\}")

REGISTRIES = {
    "error": (error_codes(), wording.ERRORS),
    "validation": (VALIDATION_CODES, wording.VALIDATION),
    "history": (HISTORY_CODES, wording.HISTORY),
    "step": (STEP_CODES, wording.STEPS),
    "problem": (PROBLEM_CODES, wording.PROBLEMS),
    "chain": (CHAIN_CODES, wording.CHAIN),
    "replay": (REPLAY_CODES, wording.REPLAY),
    "move": (MOVE_CODES, wording.MOVES),
    "title": (TITLE_CODES, wording.TITLES),
    "note": (NOTE_CODES, wording.NOTES),
    "life": (LIFE_CODES, wording.LIFE),
    "expression_reason": (EXPRESSION_REASONS, wording.REASONS),
    "schema_reason": (SCHEMA_REASONS, wording.SCHEMA),
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
    if kind == "move":
        return wording.move_reason_text(SimpleNamespace(code=code, params=params))
    if kind == "title":
        return wording.title_text(Title(code, params))
    if kind == "note":
        return wording.note_text(Message(code, params))
    if kind == "life":
        return wording.life_text(SimpleNamespace(code=code, params=params))
    if kind == "expression_reason":
        return wording.reason_text(code, params)
    if kind == "schema_reason":
        return wording.schema_text(code, params)
    return wording.step_text(CurrentStep(code, params))


CASES = [(kind, code) for kind, (codes, _words) in REGISTRIES.items() for code in sorted(codes)]


@pytest.mark.parametrize(("kind", "code"), CASES)
def test_every_engine_code_has_words(kind, code):
    codes, words = REGISTRIES[kind]
    assert code in words, f"no words for the {kind} code {code!r}"
    text = say(kind, code, params_for(codes[code]))
    assert text and text != code
    assert not UNFILLED.search(text), text


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
    assert wording.waiting_on_text(WaitingOn(person="Maja Manager", covered_by="Dan Director")) \
        == "Dan Director, covering for Maja Manager"


def test_a_problem_is_worded_with_where_it_is():
    problem = Problem("bpmn.flow_end_unknown", {"end": "targetRef", "ref": "plan"},
                      element_id="flow_1", line=12, file="p.bpmn")
    assert wording.problem_text(problem) == (
        "p.bpmn, line 12, element 'flow_1': The flow's targetRef 'plan' names no element of "
        "the process.")


# ---- the evaluator's reasons, inside the errors and problems that carry them ---------------------

REFUSED_TEXT = ["expression.rejected", "process.expression_failed", "process.script_failed"]
REFUSED_PROBLEMS = ["bpmn.condition_refused", "bpmn.timer_refused", "bpmn.script_refused"]


@pytest.mark.parametrize("reason", sorted(EXPRESSION_REASONS))
def test_every_reason_is_worded_inside_what_carries_it(reason):
    carried = {"reason": reason, "reason_params": params_for(EXPRESSION_REASONS[reason]),
               "line": 2}
    words = wording.reason_text(reason, carried["reason_params"], 2)
    for code in REFUSED_TEXT:
        text = say("error", code, {**params_for(error_codes()[code]), **carried})
        assert words in text and not UNFILLED.search(text), text
    for code in REFUSED_PROBLEMS:
        text = say("problem", code, carried)
        assert words in text and not UNFILLED.search(text), text


@pytest.mark.parametrize("kind", STATEMENT_KINDS)
def test_every_statement_kind_has_words(kind):
    assert kind in wording.STATEMENTS
    assert set(wording.STATEMENTS) == set(STATEMENT_KINDS)


def test_a_refused_condition_reads_well():
    problem = Problem("bpmn.condition_refused",
                      {"reason": "call", "reason_params": {}, "line": None},
                      element_id="flow_approved", line=40, file="request.bpmn")
    assert wording.problem_text(problem) == (
        "request.bpmn, line 40, element 'flow_approved': The condition is refused: function "
        "calls are not allowed.")


def test_a_failing_expression_names_itself_its_task_and_its_reason():
    error = EngineError("process.expression_failed", expression="amount / count",
                        task="Approve?", reason="division_by_zero", reason_params={}, line=None)
    assert wording.error_text(error) == (
        "The process could not continue: the expression 'amount / count' in 'Approve?' failed: "
        "division by zero. Nothing was saved; tell the process owner.")
    script = EngineError("process.script_failed", task=None, reason="unknown_name",
                         reason_params={"name": "total"}, line=3)
    assert wording.error_text(script) == (
        "The process could not continue: a script failed: line 3: unknown name 'total'. Nothing "
        "was saved; tell the process owner.")


@pytest.mark.parametrize(("text", "words"), [
    ("open('/etc/passwd')", "function calls are not allowed"),
    ("2 ** 100000", "the operator '**' (power) is not allowed"),
    ("x << 1", "the operator '<<' is not allowed"),
    ("_secret", "names starting with '_' are not allowed ('_secret')"),
    ("b'raw'", "constants of type 'bytes' are not allowed"),
    ("import os", "statements are not allowed in an expression (found 'import')"),
    ("x = 1", "statements are not allowed in an expression (found an assignment)"),
    ("a +", "syntax error: invalid syntax"),
])
def test_a_refusal_reads_as_before_once_worded(text: str, words: str) -> None:
    assert said(compile_expression_error(text)) == words


def said(error: ExpressionError) -> str:
    """The error's reason in words, as a process owner reads it."""
    return wording.reason_text(error.reason, error.reason_params, error.line)


def compile_expression_error(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    return caught.value


def test_limits_are_worded_with_their_numbers() -> None:
    assert said(compile_expression_error("x" * (MAX_EXPRESSION_CHARS + 1))) == (
        "the text is too long (2,001 characters; at most 2,000)")


@pytest.mark.parametrize(("text", "data", "words"), [
    ("x", {}, "unknown name 'x'"),
    ('"a" < 1', {}, "'<' cannot compare 'str' with 'int'"),
    ('d["missing"]', {"d": {}}, "key 'missing' not found"),
    ("items[5]", {"items": [1]}, "index 5 is out of range"),
    ("-s", {"s": "a"}, "'-' needs a number, not 'str'"),
    ("None + 1", {}, "'+' cannot be used with 'NoneType' and 'int'"),
    ('"a" * n', {"n": 10**9}, "the result would be longer than 10,000 items"),
])
def test_runtime_errors_are_readable_once_worded(text: str, data: dict, words: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, data)
    assert said(caught.value) == words


@pytest.mark.parametrize(("text", "words"), [
    ("a = 1\nimport os", "line 2: 'import' is not allowed in a script; only assignments and "
                         "'pass' are"),
    ("a", "line 1: an expression on its own is not allowed in a script; only assignments and "
          "'pass' are"),
    ("a, b = 1, 2", "line 1: only a name or name[key] can be assigned to"),
])
def test_a_script_refusal_reads_as_before_once_worded(text: str, words: str) -> None:
    refused = check_script(text)
    assert refused is not None and said(refused) == words




@pytest.mark.parametrize("reason", sorted(SCHEMA_REASONS))
def test_every_schema_reason_is_worded_inside_a_form_problem(reason):
    params = params_for(SCHEMA_REASONS[reason])
    text = wording.problem_text(Problem(
        "form.schema", {"path": "properties.x", "reason": reason, "reason_params": params},
        file="forms/plan.json"))
    assert text == "forms/plan.json: properties.x: " + wording.schema_text(reason, params)
    assert not UNFILLED.search(text), text


def test_a_form_schema_problem_reads_as_before():
    problem = Problem("form.schema", {"path": "properties.x.format",
                                      "reason": "format_unsupported",
                                      "reason_params": {"format": "'phone'",
                                                        "supported": ["email", "uri", "date"]}})
    assert wording.problem_text(problem) == (
        "properties.x.format: 'phone' is not a supported format (supported: email, uri, date)")
    shape = Problem("form.schema", {"path": "if", "reason": "if_shape", "reason_params": {}})
    assert wording.problem_text(shape) == (
        'if: must look like {"properties": {"<field>": {"const": <value>}}}')


@pytest.mark.parametrize("reason", STUCK_REASONS)
def test_every_reason_a_task_is_stuck_has_words(reason):
    said = wording.stuck_reason_text(reason, 7)
    assert said != reason and "{" not in said


def test_a_long_wait_says_the_threshold():
    assert wording.stuck_reason_text("waiting_long", 12) == "Waiting longer than 12 days"


@pytest.mark.parametrize("stage", REVIEW_STAGES)
def test_every_stage_of_a_review_cycle_has_words(stage):
    assert stage in wording.REVIEW_STAGE_WORDS
    assert wording.review_stage_text(stage) not in ("", stage)


def test_a_review_title_says_its_year_and_an_older_one_reads_as_before():
    review = {"account_name": "KI Neuro Lab", "channel": "Instagram"}
    assert wording.title_text(Title("account_review", {**review, "year": "2027"})) == (
        "Review 2027 of KI Neuro Lab on Instagram")
    assert wording.title_text(Title("account_review", review)) == (
        "Review of KI Neuro Lab (Instagram)")


def test_the_people_of_an_account_have_a_table_name():
    assert "account_people" in wording.PROJECTED_TABLES
