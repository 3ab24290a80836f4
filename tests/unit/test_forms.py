"""Form definitions: the JSON Schema subset we accept, and how submitted data is validated."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from engine.definitions.forms import (
    SCHEMA_REASONS,
    Field,
    FormDefinition,
    FormDefinitionError,
    check_form,
    load_form,
)
from engine.errors import InvalidForm, Problem
from web import wording

REPO = Path(__file__).resolve().parents[2]

MODERATION: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Plan daily moderation",
    "description": "Name the people who watch the account every day.",
    "type": "object",
    "properties": {
        "moderators": {
            "title": "Moderators",
            "type": "array",
            "minItems": 2,
            "items": {
                "title": "Moderator",
                "type": "object",
                "properties": {
                    "name": {"title": "Name", "type": "string", "minLength": 2, "maxLength": 100},
                    "email": {"title": "Email", "type": "string", "format": "email"},
                    "covers_holidays": {"type": "boolean"},
                },
                "required": ["name", "email", "covers_holidays"],
                "additionalProperties": False,
            },
        },
        "holiday_plan": {
            "title": "Moderation during holidays",
            "type": "string",
            "minLength": 20,
            "maxLength": 2000,
        },
        "daily_moderation_confirmed": {
            "title": "The account will be watched every day",
            "type": "boolean",
            "const": True,
        },
    },
    "required": ["moderators", "holiday_plan", "daily_moderation_confirmed"],
    "additionalProperties": False,
}

APPROVAL: dict[str, Any] = {
    "title": "Approve the account",
    "type": "object",
    "properties": {
        "manager_decision": {"title": "Decision", "type": "string", "enum": ["approve", "reject"]},
        "rejection_reason": {"title": "Reason for rejection", "type": "string", "maxLength": 2000},
    },
    "required": ["manager_decision"],
    "if": {"properties": {"manager_decision": {"const": "reject"}}},
    "then": {"required": ["rejection_reason"]},
    "additionalProperties": False,
}

# One field per supported shape, none of them required unless a test says so.
EVERYTHING: dict[str, Any] = {
    "type": "object",
    "properties": {
        "handle": {"type": "string", "minLength": 3, "maxLength": 10, "default": "ki_news"},
        "initial": {"type": "string", "minLength": 1, "maxLength": 1},
        "contact": {"type": "string", "format": "email"},
        "website": {"type": "string", "format": "uri"},
        "start": {"type": "string", "format": "date"},
        "channel": {"type": "string", "enum": ["Facebook", "Instagram"]},
        "advice": {"type": "boolean", "default": False},
        "followers": {"type": "integer", "minimum": 0, "maximum": 1000},
        "share": {"type": "number", "minimum": 0.5, "maximum": 2.5},
        "tags": {"type": "array", "minItems": 1, "maxItems": 3,
                 "items": {"type": "string", "minLength": 2}},
        "languages": {"type": "array", "items": {"type": "string", "enum": ["sv", "en"]},
                      "default": ["sv"]},
    },
    "additionalProperties": False,
}

GOOD_MODERATION: dict[str, Any] = {
    "moderators": [
        {"name": "Ann Lind", "email": "ann.lind@ki.se", "covers_holidays": True},
        {"name": "Bo Ek", "email": "bo.ek@ki.se", "covers_holidays": False},
    ],
    "holiday_plan": "Ann takes June and July, Bo takes August.",
    "daily_moderation_confirmed": True,
}


def messages_of(form: FormDefinition, data: Any) -> dict[str, list[tuple[str, dict]]]:
    """Validate data that must be refused and return the messages as (code, params)."""
    with pytest.raises(InvalidForm) as caught:
        form.validate(data)
    return {path: [(m.code, m.params) for m in found]
            for path, found in caught.value.messages.items()}


def problems_of(schema: Any) -> list[str]:
    """A refused schema's problems in words ('path: why'); load_form and check_form agree."""
    with pytest.raises(FormDefinitionError) as caught:
        load_form(schema, "broken")
    assert caught.value.problems == check_form(schema, "broken")
    return worded(caught.value.problems)


def worded(problems: list[Problem]) -> list[str]:
    """Form schema problems in words; each is a `form.schema` problem with a known reason."""
    assert all(p.code == "form.schema" and p.params["reason"] in SCHEMA_REASONS
               and set(p.params["reason_params"]) == set(SCHEMA_REASONS[p.params["reason"]])
               for p in problems)
    return [wording.problem_text(p) for p in problems]


def with_property(name: str, prop: Any, **top: Any) -> dict[str, Any]:
    """Return a minimal form schema with one property."""
    return {"type": "object", "properties": {name: prop}, **top}


@pytest.fixture(scope="module")
def moderation() -> FormDefinition:
    return load_form(MODERATION, "plan_moderation")


@pytest.fixture(scope="module")
def approval() -> FormDefinition:
    return load_form(APPROVAL, "manager_approval")


@pytest.fixture(scope="module")
def everything() -> FormDefinition:
    return load_form(EVERYTHING, "everything")


# ---- the definition the web layer renders ------------------------------------------------------


def test_title_description_and_schema_are_read(moderation: FormDefinition) -> None:
    assert moderation.name == "plan_moderation"
    assert moderation.title == "Plan daily moderation"
    assert moderation.description == "Name the people who watch the account every day."


def test_titles_fall_back_to_the_humanised_name() -> None:
    form = load_form(with_property("covers_holidays", {"type": "boolean"}), "plan_moderation")
    assert form.title == "Plan moderation"
    assert form.description == ""
    assert form.fields[0].title == "Covers holidays"


def test_fields_keep_schema_order_and_describe_themselves(moderation: FormDefinition) -> None:
    moderators, plan, confirmed = moderation.fields
    assert [f.name for f in moderation.fields] == [
        "moderators", "holiday_plan", "daily_moderation_confirmed"]
    assert (moderators.kind, moderators.required, moderators.min_items) == ("group", True, 2)
    assert moderators.item_title == "Moderator"
    assert [(f.name, f.kind, f.required) for f in moderators.item_fields] == [
        ("name", "string", True), ("email", "email", True), ("covers_holidays", "boolean", True)]
    assert moderators.item_fields[0].min_length == 2
    assert moderators.item_fields[0].max_length == 100
    assert (plan.kind, plan.min_length, plan.max_length) == ("text", 20, 2000)
    assert (confirmed.kind, confirmed.required) == ("confirm", True)
    assert confirmed.title == "The account will be watched every day"


def test_field_kinds_cover_every_supported_shape(everything: FormDefinition) -> None:
    kinds = {f.name: f.kind for f in everything.fields}
    assert kinds == {
        "handle": "string", "initial": "string", "contact": "email", "website": "uri",
        "start": "date", "channel": "choice", "advice": "boolean", "followers": "integer",
        "share": "number", "tags": "list", "languages": "list",
    }
    by_name = {f.name: f for f in everything.fields}
    assert by_name["channel"].choices == ("Facebook", "Instagram")
    assert (by_name["followers"].minimum, by_name["followers"].maximum) == (0, 1000)
    assert (by_name["share"].minimum, by_name["share"].maximum) == (0.5, 2.5)
    tags = by_name["tags"]
    assert (tags.item_kind, tags.min_items, tags.max_items, tags.min_length) == (
        "string", 1, 3, 2)
    assert by_name["languages"].item_kind == "choice"
    assert by_name["languages"].choices == ("sv", "en")


@pytest.mark.parametrize(("prop", "kind"), [
    ({"type": "string"}, "string"),
    ({"type": "string", "maxLength": 200}, "string"),
    ({"type": "string", "maxLength": 201}, "text"),
    ({"type": "string", "minLength": 20}, "text"),
    ({"type": "string", "minLength": 19}, "string"),
    ({"type": "string", "minLength": 20, "maxLength": 100}, "string"),
])
def test_long_strings_are_hinted_as_text(prop: dict[str, Any], kind: str) -> None:
    assert load_form(with_property("note", prop), "f").fields[0].kind == kind


def test_definitions_are_frozen_and_hashable(moderation: FormDefinition) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        moderation.fields[0].title = "Changed"  # type: ignore[misc]
    assert hash(moderation.fields) == hash(load_form(MODERATION, "plan_moderation").fields)
    assert isinstance(moderation.fields[0], Field)


@pytest.mark.parametrize(
    "path", sorted(REPO.glob("processes/*/forms/*.json")), ids=lambda p: f"{p.parts[-3]}/{p.stem}")
def test_every_shipped_form_loads(path: Path) -> None:
    form = load_form(json.loads(path.read_text(encoding="utf-8")), path.stem)
    assert form.fields


# ---- each supported keyword is enforced --------------------------------------------------------


def test_valid_submission_is_cleaned_typed_and_json_native(everything: FormDefinition) -> None:
    data = {
        "handle": "  ki_news ", "initial": "K", "contact": " press@ki.se ",
        "website": "https://ki.se/news", "start": "2024-02-29", "channel": "Instagram",
        "advice": True, "followers": 12, "share": 1, "tags": [" research ", "students"],
        "languages": ["en"],
    }
    cleaned = everything.validate(data)
    assert cleaned == {
        "handle": "ki_news", "initial": "K", "contact": "press@ki.se",
        "website": "https://ki.se/news", "start": "2024-02-29", "channel": "Instagram",
        "advice": True, "followers": 12, "share": 1.0, "tags": ["research", "students"],
        "languages": ["en"],
    }
    assert type(cleaned["followers"]) is int
    assert type(cleaned["share"]) is float
    assert type(cleaned["advice"]) is bool
    assert type(cleaned["tags"]) is list
    assert json.loads(json.dumps(cleaned)) == cleaned


def test_group_output_is_json_native(moderation: FormDefinition) -> None:
    cleaned = moderation.validate(GOOD_MODERATION)
    assert cleaned == GOOD_MODERATION
    assert json.loads(json.dumps(cleaned)) == cleaned


def test_required_field_missing_or_blank(moderation: FormDefinition) -> None:
    messages = messages_of(moderation, {**GOOD_MODERATION, "holiday_plan": "   "})
    assert messages == {"holiday_plan": [("required", {})]}
    messages = messages_of(moderation, {"daily_moderation_confirmed": True})
    assert messages == {"moderators": [("required", {})],
                        "holiday_plan": [("required", {})]}


def test_optional_fields_may_be_left_out_and_blanks_are_dropped(
        everything: FormDefinition) -> None:
    assert everything.validate({}) == {}
    assert everything.validate({"handle": "  ", "contact": "", "tags": [], "followers": None}) == {}


def test_default_is_a_hint_never_injected(everything: FormDefinition) -> None:
    by_name = {f.name: f for f in everything.fields}
    assert by_name["handle"].default == "ki_news"
    assert by_name["advice"].default is False
    assert by_name["languages"].default == ("sv",)
    assert everything.validate({}) == {}


def test_unknown_submitted_key_is_refused(moderation: FormDefinition) -> None:
    messages = messages_of(moderation, {**GOOD_MODERATION, "is_admin": True, "note": None})
    assert messages == {"is_admin": [("unknown_field", {})],
                        "note": [("unknown_field", {})]}


def test_unknown_key_inside_a_group_is_refused(moderation: FormDefinition) -> None:
    moderators = [dict(GOOD_MODERATION["moderators"][0], phone="123"),
                  GOOD_MODERATION["moderators"][1]]
    messages = messages_of(moderation, {**GOOD_MODERATION, "moderators": moderators})
    assert messages == {"moderators.0.phone": [("unknown_field", {})]}


def test_min_length(moderation: FormDefinition) -> None:
    messages = messages_of(moderation, {**GOOD_MODERATION, "holiday_plan": "We share it."})
    assert messages == {"holiday_plan": [("too_short", {"min": 20})]}


def test_max_length_and_singular(everything: FormDefinition) -> None:
    assert messages_of(everything, {"handle": "k" * 11}) == {
        "handle": [("too_long", {"max": 10})]}
    assert messages_of(everything, {"initial": "KI"}) == {
        "initial": [("too_long", {"max": 1})]}


def test_format_email(everything: FormDefinition) -> None:
    assert messages_of(everything, {"contact": "press at ki.se"}) == {
        "contact": [("invalid_email", {})]}


@pytest.mark.parametrize("url", ["ftp://ki.se/file", "/news", "ki.se", "javascript:alert(1)",
                                 "https://x", "http://intranet/wiki", "http://localhost:5000/",
                                 "https://x.", "https:///path"])
def test_format_uri_is_an_absolute_http_address(everything: FormDefinition, url: str) -> None:
    assert messages_of(everything, {"website": url}) == {
        "website": [("invalid_url", {})]}


def test_format_uri_accepts_http_and_https(everything: FormDefinition) -> None:
    for url in ("http://intranet.ki.se/wiki", "https://www.instagram.com/kineurolab",
                "https://10.0.0.1/x"):
        assert everything.validate({"website": url}) == {"website": url}


@pytest.mark.parametrize("day", ["2024-02-30", "30/01/2024", "20240101", "2024-1-5", "tomorrow"])
def test_format_date(everything: FormDefinition, day: str) -> None:
    assert messages_of(everything, {"start": day}) == {
        "start": [("invalid_date", {})]}


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_dates_outside_what_a_schedule_can_hold_are_refused(everything: FormDefinition,
                                                            day: str) -> None:
    assert messages_of(everything, {"start": day}) == {
        "start": [("date_out_of_range", {"min": "1900-01-01", "max": "2200-12-31"})]}


@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31"])
def test_the_ends_of_the_date_range_are_accepted(everything: FormDefinition, day: str) -> None:
    assert everything.validate({"start": day}) == {"start": day}


@pytest.mark.parametrize(("field", "value"), [
    ("handle", "ki\x00news"), ("contact", "press@ki.se\x00"), ("start", "2024-01-01\x00"),
    ("website", "https://ki.se/\ud800"),
])
def test_text_the_database_cannot_store_is_refused(everything: FormDefinition, field: str,
                                                   value: str) -> None:
    assert messages_of(everything, {field: value}) == {field: [("not_storable", {})]}


def test_text_the_database_cannot_store_is_refused_in_list_entries(
        everything: FormDefinition) -> None:
    assert messages_of(everything, {"tags": ["ok", "n\x00o"]}) == {
        "tags.1": [("not_storable", {})]}


def test_text_the_database_cannot_store_is_refused_in_groups(moderation: FormDefinition) -> None:
    data = copy.deepcopy(GOOD_MODERATION)
    data["moderators"][0]["name"] = "Ann\x00 Lind"
    assert messages_of(moderation, data) == {"moderators.0.name": [("not_storable", {})]}


def test_enum(approval: FormDefinition) -> None:
    assert messages_of(approval, {"manager_decision": "maybe"}) == {
        "manager_decision": [("not_a_choice", {"choices": ["approve", "reject"]})]}


@pytest.mark.parametrize("value", [False, None, "true"])
def test_const_true_must_be_checked(moderation: FormDefinition, value: Any) -> None:
    data = {**GOOD_MODERATION, "daily_moderation_confirmed": value}
    expected = ("not_a_boolean", {}) if value == "true" else ("confirm", {})
    assert messages_of(moderation, data) == {"daily_moderation_confirmed": [expected]}


def test_const_true_missing_is_refused_even_if_not_listed_as_required() -> None:
    form = load_form(with_property("read_guidelines", {"type": "boolean", "const": True}), "f")
    assert form.fields[0].required
    assert messages_of(form, {}) == {"read_guidelines": [("confirm", {})]}
    assert form.validate({"read_guidelines": True}) == {"read_guidelines": True}


def test_optional_boolean_missing_stays_missing(everything: FormDefinition) -> None:
    assert "advice" not in everything.validate({"handle": "ki_news"})
    assert everything.validate({"advice": False}) == {"advice": False}


def test_minimum_and_maximum_integer(everything: FormDefinition) -> None:
    assert messages_of(everything, {"followers": -1}) == {
        "followers": [("below_minimum", {"min": 0})]}
    assert messages_of(everything, {"followers": 1001}) == {
        "followers": [("above_maximum", {"max": 1000})]}


def test_minimum_and_maximum_number(everything: FormDefinition) -> None:
    assert messages_of(everything, {"share": 0.25}) == {"share": [("below_minimum", {"min": 0.5})]}
    assert messages_of(everything, {"share": 3}) == {"share": [("above_maximum", {"max": 2.5})]}


def test_min_items_on_the_list_itself(moderation: FormDefinition) -> None:
    data = {**GOOD_MODERATION, "moderators": GOOD_MODERATION["moderators"][:1]}
    assert messages_of(moderation, data) == {"moderators": [("too_few_items", {"min": 2})]}


def test_max_items_and_item_rules_of_a_string_list(everything: FormDefinition) -> None:
    assert messages_of(everything, {"tags": ["aa", "bb", "cc", "dd"]}) == {
        "tags": [("too_many_items", {"max": 3})]}
    assert messages_of(everything, {"tags": ["research", "x"]}) == {
        "tags.1": [("too_short", {"min": 2})]}
    assert messages_of(everything, {"languages": ["sv", "fi"]}) == {
        "languages.1": [("not_a_choice", {"choices": ["sv", "en"]})]}


def test_blank_item_in_a_plain_string_list() -> None:
    form = load_form(with_property("links", {"type": "array", "items": {"type": "string"}}), "f")
    assert messages_of(form, {"links": ["a", "  ", None]}) == {
        "links.1": [("blank", {})], "links.2": [("blank", {})]}


def test_nested_group_errors_and_min_items_are_reported_together(
        moderation: FormDefinition) -> None:
    data = {**GOOD_MODERATION, "moderators": [
        {"name": "Ann Lind", "email": "ann.lind@ki.se", "covers_holidays": True},
        {"name": "B", "email": "bo.ek(at)ki.se"},
    ]}
    assert messages_of(moderation, data) == {
        "moderators.1.name": [("too_short", {"min": 2})],
        "moderators.1.email": [("invalid_email", {})],
        "moderators.1.covers_holidays": [("required", {})],
    }
    data["moderators"] = data["moderators"][1:]
    assert messages_of(moderation, data) == {
        "moderators": [("too_few_items", {"min": 2})],
        "moderators.0.name": [("too_short", {"min": 2})],
        "moderators.0.email": [("invalid_email", {})],
        "moderators.0.covers_holidays": [("required", {})],
    }


def test_group_items_must_be_objects(moderation: FormDefinition) -> None:
    data = {**GOOD_MODERATION, "moderators": ["Ann", None]}
    assert messages_of(moderation, data) == {
        "moderators.0": [("not_a_group", {})],
        "moderators.1": [("not_a_group", {})],
    }
    assert messages_of(moderation, {**GOOD_MODERATION, "moderators": "Ann, Bo"}) == {
        "moderators": [("not_a_list", {})]}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("handle", 12345, ("not_text", {})),
    ("contact", ["press@ki.se"], ("not_text", {})),
    ("start", 20240101, ("not_text", {})),
    ("advice", "on", ("not_a_boolean", {})),
    ("advice", 1, ("not_a_boolean", {})),
    ("followers", "12", ("not_an_integer", {})),
    ("followers", True, ("not_an_integer", {})),
    ("followers", 2.5, ("not_an_integer", {})),
    ("share", "1.5", ("not_a_number", {})),
    ("share", False, ("not_a_number", {})),
    ("share", float("nan"), ("not_a_number", {})),
])
def test_types_are_strict(everything: FormDefinition, field: str, value: Any, message: str) -> None:
    assert messages_of(everything, {field: value}) == {field: [message]}


def test_data_that_is_not_an_object_is_refused(moderation: FormDefinition) -> None:
    assert messages_of(moderation, [GOOD_MODERATION]) == {
        "_form": [("not_a_form", {})]}


def test_all_field_problems_are_reported_at_once(moderation: FormDefinition) -> None:
    data = {"moderators": [], "holiday_plan": "short", "daily_moderation_confirmed": False,
            "extra": 1}
    assert messages_of(moderation, data) == {
        "moderators": [("required", {})],
        "holiday_plan": [("too_short", {"min": 20})],
        "daily_moderation_confirmed": [("confirm", {})],
        "extra": [("unknown_field", {})],
    }


def test_validate_does_not_mutate_its_input(moderation: FormDefinition) -> None:
    data = copy.deepcopy(GOOD_MODERATION)
    data["holiday_plan"] = "  " + data["holiday_plan"] + "  "
    data["moderators"][0]["name"] = " Ann Lind "
    before = copy.deepcopy(data)
    cleaned = moderation.validate(data)
    assert data == before
    assert cleaned["moderators"][0]["name"] == "Ann Lind"
    cleaned["moderators"][0]["name"] = "changed"
    assert data == before
    bad = {**copy.deepcopy(data), "extra": " x "}
    bad_before = copy.deepcopy(bad)
    messages_of(moderation, bad)
    assert bad == bad_before


def test_the_same_definition_validates_repeatedly(approval: FormDefinition) -> None:
    for _ in range(3):
        assert approval.validate({"manager_decision": "approve"}) == {
            "manager_decision": "approve"}
        assert messages_of(approval, {"manager_decision": "reject"}) == {
            "rejection_reason": [("required", {})]}


# ---- conditional required ----------------------------------------------------------------------


def test_conditional_required_is_read(approval: FormDefinition) -> None:
    assert approval.conditional_required == (
        ("manager_decision", "reject", ("rejection_reason",)),)
    assert not approval.fields[1].required


def test_reason_required_only_when_rejecting(approval: FormDefinition) -> None:
    assert approval.validate({"manager_decision": "approve"}) == {"manager_decision": "approve"}
    assert approval.validate({"manager_decision": "approve", "rejection_reason": " "}) == {
        "manager_decision": "approve"}
    assert messages_of(approval, {"manager_decision": "reject"}) == {
        "rejection_reason": [("required", {})]}
    assert messages_of(approval, {"manager_decision": "reject", "rejection_reason": "  "}) == {
        "rejection_reason": [("required", {})]}
    assert approval.validate({"manager_decision": "reject", "rejection_reason": "Too vague."}) == {
        "manager_decision": "reject", "rejection_reason": "Too vague."}


def test_conditional_required_is_not_added_on_top_of_other_messages() -> None:
    schema = copy.deepcopy(APPROVAL)
    schema["properties"]["rejection_reason"]["minLength"] = 20
    form = load_form(schema, "f")
    assert messages_of(form, {"manager_decision": "reject", "rejection_reason": "Vague."}) == {
        "rejection_reason": [("too_short", {"min": 20})]}


def test_all_of_rules_and_boolean_conditions() -> None:
    schema = {
        "type": "object",
        "properties": {
            "decision": {"type": "string", "enum": ["register", "send_back"]},
            "questions": {"type": "string"},
            "has_url": {"type": "boolean"},
            "url": {"type": "string", "format": "uri"},
        },
        "allOf": [
            {"if": {"properties": {"decision": {"const": "send_back"}},
                    "required": ["decision"]},
             "then": {"required": ["questions"]}},
            {"if": {"properties": {"has_url": {"const": True}}}, "then": {"required": ["url"]}},
        ],
    }
    form = load_form(schema, "f")
    assert form.conditional_required == (
        ("decision", "send_back", ("questions",)), ("has_url", True, ("url",)))
    assert messages_of(form, {"decision": "send_back", "has_url": True}) == {
        "questions": [("required", {})], "url": [("required", {})]}
    assert form.validate({"decision": "register", "has_url": False}) == {
        "decision": "register", "has_url": False}


# ---- problems in a definition are reported when it loads ---------------------------------------


def test_unsupported_format_is_reported_with_its_path() -> None:
    schema = copy.deepcopy(MODERATION)
    schema["properties"]["moderators"]["items"]["properties"]["email"]["format"] = "phone"
    assert problems_of(schema) == [
        ("properties.moderators.items.properties.email.format: 'phone' is not a supported format "
         "(supported: email, uri, date)"),
    ]


def test_unknown_keywords_are_reported() -> None:
    schema = with_property("handle", {"type": "string", "pattern": "^[a-z]+$"}, oneOf=[])
    assert problems_of(schema) == [
        "oneOf: 'oneOf' is not a supported keyword",
        "properties.handle.pattern: 'pattern' is not a supported keyword",
    ]


def test_keywords_of_another_type_are_reported() -> None:
    schema = with_property("age", {"type": "integer", "minLength": 1, "enum": ["1"]},
                           minimum=3)
    assert problems_of(schema) == [
        "minimum: 'minimum' does not apply to the form",
        "properties.age.minLength: 'minLength' does not apply to type 'integer'",
        "properties.age.enum: 'enum' does not apply to type 'integer'",
    ]


@pytest.mark.parametrize(("prop", "problem"), [
    ({"type": "string", "minLength": "5"}, "minLength: must be a whole number, 0 or more"),
    ({"type": "string", "maxLength": -1}, "maxLength: must be a whole number, 0 or more"),
    ({"type": "string", "minLength": 5, "maxLength": 2},
     "minLength: must not be greater than maxLength"),
    ({"type": "string", "title": 3}, "title: must be a string"),
    ({"type": "string", "description": None}, "description: must be a string"),
    ({"type": "string", "format": 5},
     "format: 5 is not a supported format (supported: email, uri, date)"),
    ({"type": "string", "enum": "approve"}, "enum: must be a non-empty list of strings"),
    ({"type": "string", "enum": []}, "enum: must be a non-empty list of strings"),
    ({"type": "string", "enum": ["a", 1]}, "enum: must be a non-empty list of strings"),
    ({"type": "string", "enum": ["a", "a"]}, "enum: lists a choice more than once"),
    ({"type": "string", "enum": ["a", " b"]},
     "enum: choices must not be blank or start or end with spaces"),
    ({"type": "string", "enum": ["a"], "format": "email"},
     "format: 'format' cannot be combined with 'enum'"),
    ({"type": "integer", "minimum": 1.5}, "minimum: must be a whole number"),
    ({"type": "number", "maximum": "10"}, "maximum: must be a number"),
    ({"type": "number", "minimum": 5, "maximum": 1},
     "minimum: must not be greater than maximum"),
    ({"type": "integer", "const": 3}, "const: 'const' does not apply to type 'integer'"),
    ({"type": "string", "const": "yes"},
     "const: 'const' does not apply to type 'string'"),
    ({"type": "boolean", "const": False},
     "const: only true is supported (a box to be checked)"),
    ({"type": "boolean", "default": "yes"}, "default: 'yes' is not a valid value here"),
    ({"type": "string", "enum": ["a"], "default": "b"},
     "default: 'b' is not a valid value here"),
    ({"type": "integer", "default": True}, "default: True is not a valid value here"),
    ({"type": "array", "items": {"type": "string"}, "default": [1]},
     "default: [1] is not a valid value here"),
    ({"type": "array", "minItems": 1.0, "items": {"type": "string"}},
     "minItems: must be a whole number, 0 or more"),
    ({"type": "array"}, "items: is required: an object describing each item"),
    ({"type": "array", "items": {"type": "integer"}},
     "items.type: list items must be of type 'string' or 'object'"),
    ({"type": "array", "items": {"type": "string", "default": "a"}},
     "items.default: 'default' does not apply to list items of type 'string'"),
    ({"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
     "items.type: lists of lists are not supported (one level only)"),
    ({"type": "object", "properties": {}},
     "type: objects are only supported as list items (type 'array' with 'items')"),
    ({"type": "null"}, "type: must be one of: string, boolean, integer, number, array"),
    ({"type": ["string", "null"]},
     "type: must be one of: string, boolean, integer, number, array"),
    ({"title": "No type"}, "type: must be one of: string, boolean, integer, number, array"),
])
def test_wrong_keyword_values_are_reported(prop: Any, problem: str) -> None:
    assert problems_of(with_property("x", prop)) == [f"properties.x.{problem}"]


def test_nested_arrays_deeper_than_one_level_are_reported() -> None:
    schema = with_property("moderators", {"type": "array", "items": {
        "type": "object",
        "properties": {
            "phones": {"type": "array", "items": {"type": "string"}},
            "address": {"type": "object", "properties": {}},
        },
    }})
    assert problems_of(schema) == [
        ("properties.moderators.items.properties.phones.type: lists inside a list of groups are "
         "not supported (one level only)"),
        ("properties.moderators.items.properties.address.type: objects are only supported as list "
         "items (type 'array' with 'items')"),
    ]


def test_required_naming_an_unknown_property_is_reported() -> None:
    schema = copy.deepcopy(MODERATION)
    schema["required"].append("moderator")
    schema["properties"]["moderators"]["items"]["required"] = ["name", "name", "phone"]
    assert problems_of(schema) == [
        "properties.moderators.items.required: 'phone' is not a field of this form",
        "properties.moderators.items.required: names a field more than once",
        "required: 'moderator' is not a field of this form",
    ]
    assert problems_of(with_property("x", {"type": "string"}, required="x")) == [
        "required: must be a list of field names"]


def test_top_level_shape_problems_are_reported() -> None:
    assert problems_of(["not", "a", "form"]) == ["a form must be a JSON object"]
    assert problems_of({"properties": {}}) == ["type: must be 'object'"]
    assert problems_of({"type": "object", "properties": []}) == [
        "properties: must be an object of field names and schemas"]
    assert problems_of(with_property("x", {"type": "string"}, additionalProperties=True)) == [
        "additionalProperties: must be false (unknown fields are always refused)"]
    assert problems_of(with_property("x", {"type": "string"}, title=["T"])) == [
        "title: must be a string"]
    assert problems_of(with_property("x", "string")) == ["properties.x: must be an object"]


def test_field_names_must_be_plain() -> None:
    assert problems_of(with_property("first name", {"type": "string"})) == [
        ("properties.first name: a field name must start with a letter and use only letters, "
         "digits and _"),
    ]


def test_additional_properties_of_group_items_must_be_false() -> None:
    schema = copy.deepcopy(MODERATION)
    schema["properties"]["moderators"]["items"]["additionalProperties"] = {}
    assert problems_of(schema) == [
        ("properties.moderators.items.additionalProperties: must be false "
         "(unknown fields are always refused)"),
    ]


def test_if_then_naming_unknown_fields_is_reported() -> None:
    schema = copy.deepcopy(APPROVAL)
    schema["if"] = {"properties": {"decision": {"const": "reject"}}}
    schema["then"] = {"required": ["reason"]}
    assert problems_of(schema) == [
        "if.properties.decision: 'decision' is not a field of this form",
        "then.required: 'reason' is not a field of this form",
    ]


@pytest.mark.parametrize(("rule", "problem"), [
    ({"if": {"properties": {"manager_decision": {"const": "maybe"}}},
      "then": {"required": ["rejection_reason"]}},
     "if.properties.manager_decision.const: 'maybe' is not a possible value of 'manager_decision'"),
    ({"if": {"properties": {"manager_decision": {"enum": ["reject"]}}},
      "then": {"required": ["rejection_reason"]}},
     'if.properties.manager_decision: must look like {"const": <value>}'),
    ({"if": {"properties": {"manager_decision": {"const": "reject"}}, "required": ["x"]},
      "then": {"required": ["rejection_reason"]}},
     "if.required: may only be ['manager_decision']"),
    ({"if": {"properties": {}}, "then": {"required": ["rejection_reason"]}},
     'if: must look like {"properties": {"<field>": {"const": <value>}}}'),
    ({"if": {"not": {}}, "then": {"required": ["rejection_reason"]}},
     'if: must look like {"properties": {"<field>": {"const": <value>}}}'),
    ({"if": {"properties": {"manager_decision": {"const": "reject"}}},
      "then": {"required": []}},
     "then.required: must be a non-empty list of field names"),
    ({"if": {"properties": {"manager_decision": {"const": "reject"}}},
      "then": {"properties": {}}},
     'then: must look like {"required": ["<field>", ...]}'),
    ({"if": {"properties": {"manager_decision": {"const": "reject"}}}},
     "then: is required with if"),
])
def test_unsupported_conditionals_are_reported(rule: dict[str, Any], problem: str) -> None:
    schema = {k: v for k, v in APPROVAL.items() if k not in ("if", "then")}
    assert problems_of({**schema, **rule}) == [problem]


def test_all_of_problems_are_reported_with_their_index() -> None:
    schema = {k: v for k, v in APPROVAL.items() if k not in ("if", "then")}
    schema["allOf"] = [
        {"if": {"properties": {"manager_decision": {"const": "reject"}}},
         "then": {"required": ["rejection_reason"]}},
        {"if": {"properties": {"manager_decision": {"const": "reject"}}},
         "then": {"required": ["rejection_reason"]}, "else": {"required": []}},
        "if reject then reason",
    ]
    assert problems_of(schema) == [
        "allOf.1.else: 'else' is not a supported keyword",
        "allOf.2: must be an object with 'if' and 'then'",
    ]
    schema["allOf"] = []
    assert problems_of(schema) == ["allOf: must be a non-empty list of if/then objects"]


def test_several_problems_are_reported_together() -> None:
    schema = copy.deepcopy(MODERATION)
    schema["properties"]["moderators"]["items"]["properties"]["email"]["format"] = "phone"
    schema["properties"]["holiday_plan"]["pattern"] = ".*"
    schema["properties"]["daily_moderation_confirmed"]["const"] = "yes"
    schema["required"].append("ghost")
    schema["additionalProperties"] = True
    problems = problems_of(schema)
    assert problems == [
        ("properties.moderators.items.properties.email.format: 'phone' is not a supported format "
         "(supported: email, uri, date)"),
        "properties.holiday_plan.pattern: 'pattern' is not a supported keyword",
        ("properties.daily_moderation_confirmed.const: only true is supported "
         "(a box to be checked)"),
        "required: 'ghost' is not a field of this form",
        "additionalProperties: must be false (unknown fields are always refused)",
    ]


def test_form_definition_error_carries_every_problem() -> None:
    schema = with_property("x", {"type": "string", "pattern": "a"}, foo=1)
    with pytest.raises(FormDefinitionError) as caught:
        load_form(schema, "define_account")
    error = caught.value
    assert error.name == "define_account"
    assert str(error) == "\n".join(str(p) for p in error.problems)
    assert error.as_problems(file="forms/define_account.json", element_id="define_account") == [
        Problem("form.schema", {"path": "foo", "reason": "keyword_unknown",
                                "reason_params": {"keyword": "foo"}},
                element_id="define_account", file="forms/define_account.json"),
        Problem("form.schema", {"path": "properties.x.pattern", "reason": "keyword_unknown",
                                "reason_params": {"keyword": "pattern"}},
                element_id="define_account", file="forms/define_account.json"),
    ]


def test_check_form_returns_nothing_for_a_good_form() -> None:
    assert check_form(MODERATION, "plan_moderation") == []
    assert check_form(APPROVAL, "manager_approval") == []
    assert check_form(EVERYTHING, "everything") == []


# --- enumNames: readable labels for choices -------------------------------------------------

LABELLED = {
    "type": "object",
    "properties": {
        "decision": {"type": "string", "enum": ["approve", "reject"],
                     "enumNames": ["Approve the account", "Reject and send back"]},
    },
    "required": ["decision"],
}


def test_enum_names_label_each_choice_and_the_error_message():
    form = load_form(LABELLED, "labelled")
    [decision] = form.fields
    assert decision.choice_titles == ("Approve the account", "Reject and send back")
    assert decision.label_for("reject") == "Reject and send back"
    assert decision.label_for("other") == "other"
    with pytest.raises(InvalidForm) as refused:
        form.validate({"decision": "maybe"})
    assert [(m.code, m.params) for m in refused.value.messages["decision"]] == [
        ("not_a_choice", {"choices": ["Approve the account", "Reject and send back"]})]
    assert form.validate({"decision": "approve"}) == {"decision": "approve"}


def test_enum_names_without_labels_for_every_choice_are_refused():
    short = {**LABELLED, "properties": {"decision": {
        "type": "string", "enum": ["approve", "reject"], "enumNames": ["Approve"]}}}
    assert worded(check_form(short, "short")) == [
        "properties.decision.enumNames: must list one non-blank label for each choice"]


def test_enum_names_without_an_enum_are_refused():
    loose = {**LABELLED, "properties": {"decision": {"type": "string", "enumNames": ["A"]}}}
    assert worded(check_form(loose, "loose")) == [
        "properties.decision.enumNames: needs an 'enum' to name"]


def test_a_field_without_enum_names_labels_choices_by_their_values():
    form = load_form({"type": "object", "properties": {
        "channel": {"type": "string", "enum": ["X", "Threads"]}}}, "plain")
    assert form.fields[0].label_for("Threads") == "Threads"


def test_a_field_only_a_rule_requires_is_dropped_when_the_rule_does_not_apply(
        approval: FormDefinition) -> None:
    assert approval.validate({"manager_decision": "approve",
                              "rejection_reason": "Typed before choosing."}) == {
        "manager_decision": "approve"}
    assert approval.validate({"manager_decision": "reject", "rejection_reason": "Vague."}) == {
        "manager_decision": "reject", "rejection_reason": "Vague."}


def test_an_inapplicable_answer_is_not_checked() -> None:
    schema = copy.deepcopy(APPROVAL)
    schema["properties"]["rejection_reason"]["maxLength"] = 5
    form = load_form(schema, "f")
    assert form.validate({"manager_decision": "approve", "rejection_reason": "Far too long"}) == {
        "manager_decision": "approve"}
    assert messages_of(form, {"manager_decision": "reject", "rejection_reason": "Far too long"}) \
        == {"rejection_reason": [("too_long", {"max": 5})]}
