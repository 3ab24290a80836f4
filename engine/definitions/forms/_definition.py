"""Task forms: a small JSON Schema subset, checked when a process loads, validated with marshmallow.

A form file is refused at load time unless every keyword in it is one we support; the web layer
renders the resulting `Field`s and never reads the raw schema. Submitted data goes through the
marshmallow schema built once per `FormDefinition`. The load-time checker is `form_schema`; the
`Field`s and their marshmallow fields are `form_fields`. Rules for submitted data:

- strings are stripped; a blank string, ``None`` or an empty list counts as "not given";
- ``default`` is a hint for pre-filling the form, never injected into submitted data;
- ``if``/``then`` applies only when the field holds exactly the given value;
- a field that only ``then`` rules require belongs to those rules: when none of them applies, its
  answer is dropped (a reason typed for "reject", then "approve" chosen, is not stored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, ValidationError

from engine.errors import FormDefinitionError, InvalidForm, Message, Problem

from ._fields import CONFIRM, REQUIRED, UNKNOWN, VALIDATION_CODES, Field, schema_class
from ._schema import FORMATS, SCALAR_TYPES, SCHEMA_REASONS, dotted, schema_problems

__all__ = [
    "CONFIRM",
    "FORMATS",
    "FORM_KEY",
    "REQUIRED",
    "SCALAR_TYPES",
    "SCHEMA_REASONS",
    "UNKNOWN",
    "VALIDATION_CODES",
    "Field",
    "FormDefinition",
    "FormDefinitionError",
    "check_form",
    "load_form",
]

FORM_KEY = "_form"  # InvalidForm key for messages about the submission as a whole


@dataclass(frozen=True)
class FormDefinition:
    """A checked form: its fields in schema order, its conditional rules and its validator."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    conditional_required: tuple[tuple[str, Any, tuple[str, ...]], ...] = ()
    _schema: Schema = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Build the marshmallow schema once, when the definition is made."""
        object.__setattr__(self, "_schema", schema_class(self.fields, self.name)())

    def validate(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Return cleaned JSON-native data, or raise InvalidForm with messages per dotted path."""
        if not isinstance(data, Mapping):
            raise InvalidForm({FORM_KEY: [Message("not_a_form")]})
        # An answer to a field that does not apply is neither checked nor kept.
        given = self._applicable(_clean(data, self.fields))
        messages: dict[str, list[Message]] = {}
        result: dict[str, Any] = {}
        try:
            result = self._schema.load(given)
        except ValidationError as error:
            _flatten(error.messages, "", messages)
        for name, value, names in self.conditional_required:
            if name in given and _same(given[name], value):
                for needed in names:
                    if needed not in given and needed not in messages:
                        messages[needed] = [REQUIRED]
        if messages:
            raise InvalidForm(messages)
        return result

    def shown_when(self) -> dict[str, list[tuple[str, Any]]]:
        """Per field that only `then` rules require: the (field, value) pairs it applies under."""
        always = {f.name for f in self.fields if f.required}
        owners: dict[str, list[tuple[str, Any]]] = {}
        for name, value, names in self.conditional_required:
            for needed in names:
                if needed not in always:
                    owners.setdefault(needed, []).append((name, value))
        return owners

    def _applicable(self, given: dict[str, Any]) -> dict[str, Any]:
        """Drop the answers of fields whose only requiring rules do not apply."""
        always = {f.name for f in self.fields if f.required}
        owners: dict[str, list[tuple[str, Any]]] = {}
        for name, value, names in self.conditional_required:
            for needed in names:
                owners.setdefault(needed, []).append((name, value))
        return {key: value for key, value in given.items()
                if key in always or key not in owners
                or any(name in given and _same(given[name], test)
                       for name, test in owners[key])}


def check_form(schema: Mapping[str, Any], name: str) -> list[Problem]:
    """Return every problem of a form schema as `form.schema` problems (empty when it is fine)."""
    return schema_problems(schema)


def load_form(schema: Mapping[str, Any], name: str) -> FormDefinition:
    """Check a form schema and build its definition, or raise FormDefinitionError."""
    problems = check_form(schema, name)
    if problems:
        raise FormDefinitionError(problems, name)
    return FormDefinition(
        name=name,
        title=schema.get("title") or _humanise(name),
        description=schema.get("description", ""),
        fields=_make_fields(schema),
        conditional_required=_conditionals(schema),
    )


# ---- building fields from a checked schema ----------------------------------------------------


def _humanise(name: str) -> str:
    """Turn a field name into a title: 'covers_holidays' -> 'Covers holidays'."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _string_kind(node: Mapping) -> str:
    """Return the Field kind of a checked string schema."""
    if "enum" in node:
        return "choice"
    if "format" in node:
        return node["format"]
    low, high = node.get("minLength"), node.get("maxLength")
    long_text = (high is not None and high > 200) or (high is None and (low or 0) >= 20)
    return "text" if long_text else "string"


def _choices(node: Mapping) -> dict[str, tuple[str, ...]]:
    """The choices of a checked string schema and their labels (enumNames, else the choices)."""
    choices = tuple(node.get("enum", ()))
    return {"choices": choices, "choice_titles": tuple(node.get("enumNames", choices))}


def _make_fields(node: Mapping) -> tuple[Field, ...]:
    """Return the Fields of a checked object schema, in property order."""
    required = set(node.get("required", ()))
    return tuple(_make_field(name, prop, name in required)
                 for name, prop in node.get("properties", {}).items())


def _make_field(name: str, prop: Mapping, required: bool) -> Field:
    """Return the Field of one checked property."""
    default = prop.get("default")
    common: dict[str, Any] = {
        "name": name, "title": prop.get("title") or _humanise(name),
        "description": prop.get("description", ""), "required": required,
        "default": tuple(default) if isinstance(default, list) else default,
    }
    kind = prop["type"]
    if kind == "string":
        return Field(kind=_string_kind(prop), **_choices(prop),
                     min_length=prop.get("minLength"), max_length=prop.get("maxLength"), **common)
    if kind == "boolean":
        if prop.get("const") is True:
            return Field(kind="confirm", **{**common, "required": True})
        return Field(kind="boolean", **common)
    if kind in ("integer", "number"):
        return Field(kind=kind, minimum=prop.get("minimum"), maximum=prop.get("maximum"), **common)
    items = prop["items"]
    counts = {"min_items": prop.get("minItems"), "max_items": prop.get("maxItems"),
              "item_title": items.get("title", "")}
    if items["type"] == "object":
        return Field(kind="group", item_fields=_make_fields(items), **counts, **common)
    return Field(kind="list", item_kind=_string_kind(items), **_choices(items),
                 min_length=items.get("minLength"), max_length=items.get("maxLength"),
                 **counts, **common)


def _conditionals(schema: Mapping) -> tuple[tuple[str, Any, tuple[str, ...]], ...]:
    """Return (field, value, required fields) for every if/then rule."""
    rules = ([schema] if "if" in schema else []) + list(schema.get("allOf", []))
    return tuple((name, test["const"], tuple(rule["then"]["required"]))
                 for rule in rules for name, test in rule["if"]["properties"].items())


# ---- submitted data ---------------------------------------------------------------------------


def _clean(data: Mapping[str, Any], specs: tuple[Field, ...]) -> dict[str, Any]:
    """Copy submitted data with strings stripped and blank known fields left out."""
    by_name = {spec.name: spec for spec in specs}
    out: dict[str, Any] = {}
    for key, value in data.items():
        spec = by_name.get(key)
        if spec is None:
            out[key] = value
            continue
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "" or (isinstance(value, (list, tuple)) and not value):
            continue
        if isinstance(value, (list, tuple)) and spec.kind == "group":
            value = [_clean(v, spec.item_fields) if isinstance(v, Mapping) else v for v in value]
        elif isinstance(value, (list, tuple)):
            value = [v.strip() if isinstance(v, str) else v for v in value]
        out[key] = value
    return out


def _flatten(messages: Any, path: str, out: dict[str, list[Message]]) -> None:
    """Flatten marshmallow's nested messages into dotted paths."""
    if isinstance(messages, dict):
        for key, sub in messages.items():
            _flatten(sub, path if key == "_schema" else dotted(path, key), out)
        return
    found = out.setdefault(path or FORM_KEY, [])
    for message in messages if isinstance(messages, list) else [messages]:
        # Every message of ours is coded; anything else from marshmallow is a plain "invalid".
        found.append(message if isinstance(message, Message) else Message("invalid"))


def _same(given: Any, value: Any) -> bool:
    """Compare a submitted value with a rule's constant (True is not 1)."""
    if isinstance(given, bool) or isinstance(value, bool):
        return given is value
    return given == value
