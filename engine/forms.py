"""Task forms: a small JSON Schema subset, checked when a process loads, validated with marshmallow.

A form file is refused at load time unless every keyword in it is one we support; the web layer
renders the resulting `Field`s and never reads the raw schema. Submitted data goes through the
marshmallow schema built once per `FormDefinition`. Rules for submitted data:

- strings are stripped; a blank string, ``None`` or an empty list counts as "not given";
- ``default`` is a hint for pre-filling the form, never injected into submitted data;
- ``if``/``then`` applies only when the field holds exactly the given value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, validate
from marshmallow import fields as mf

from engine.errors import EngineError, InvalidForm, Problem

FORMATS = ("email", "uri", "date")
SCALAR_TYPES = ("string", "boolean", "integer", "number")
FORM_KEY = "_form"  # InvalidForm key for messages about the submission as a whole

REQUIRED = "This field is required."
CONFIRM = "Must be checked to continue."
UNKNOWN = "This field is not part of the form."

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_TOP_KEYS = {"$schema", "title", "description", "type", "properties", "required",
             "additionalProperties", "if", "then", "allOf"}
_COMMON = {"type", "title", "description", "default"}
_BY_TYPE = {
    "string": {"minLength", "maxLength", "format", "enum", "enumNames"},
    "boolean": {"const"},
    "integer": {"minimum", "maximum"},
    "number": {"minimum", "maximum"},
    "array": {"items", "minItems", "maxItems"},
}
_PROPERTY_KEYS = _COMMON.union(*_BY_TYPE.values())
_ITEM_STRING_KEYS = {"type", "title", "description", "minLength", "maxLength", "format", "enum",
                     "enumNames"}
_ITEM_OBJECT_KEYS = {"type", "title", "description", "properties", "required",
                     "additionalProperties"}
_IF_SHAPE = 'must look like {"properties": {"<field>": {"const": <value>}}}'


class FormDefinitionError(EngineError):
    """A form schema was refused; every problem found is listed together."""

    def __init__(self, problems: list[str], name: str | None = None) -> None:
        """Keep the problems (and the form's name) for the caller."""
        super().__init__("\n".join(problems))
        self.problems = list(problems)
        self.name = name

    def as_problems(self, file: str | None = None, element_id: str | None = None) -> list[Problem]:
        """Return the problems as `Problem`s located in the given file and element."""
        return [Problem(p, element_id=element_id, file=file) for p in self.problems]


@dataclass(frozen=True)
class Field:
    """One input of a form, as the web layer renders it (list defaults are tuples)."""

    name: str
    kind: str
    title: str
    description: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    choice_titles: tuple[str, ...] = ()  # readable labels, one for each choice
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    default: Any = None
    item_fields: tuple[Field, ...] = ()
    item_kind: str | None = None
    item_title: str = ""

    def label_for(self, choice: Any) -> str:
        """The readable label of one of this field's choices (the value itself if it has none)."""
        if choice in self.choices and len(self.choice_titles) == len(self.choices):
            return self.choice_titles[self.choices.index(choice)]
        return str(choice)


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
        object.__setattr__(self, "_schema", _schema_class(self.fields, self.name)())

    def validate(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Return cleaned JSON-native data, or raise InvalidForm with messages per dotted path."""
        if not isinstance(data, Mapping):
            raise InvalidForm({FORM_KEY: ["The form data must be a set of named fields."]})
        given = _clean(data, self.fields)
        messages: dict[str, list[str]] = {}
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


def check_form(schema: Mapping[str, Any], name: str) -> list[str]:
    """Return every problem of a form schema as 'path: message' (empty when it is fine)."""
    checker = _Checker()
    checker.form(schema)
    return checker.problems


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


# ---- checking a schema ------------------------------------------------------------------------


def _join(path: str, key: Any) -> str:
    """Append a key to a dotted path."""
    return f"{path}.{key}" if path else str(key)


def _is_int(value: Any) -> bool:
    """Tell whether a value is an integer (booleans are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_num(value: Any) -> bool:
    """Tell whether a value is a number (booleans are not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fits(prop: Any, value: Any) -> bool:
    """Tell whether a value is a possible value of a (raw) scalar property."""
    kind = prop.get("type") if isinstance(prop, Mapping) else None
    if kind == "string":
        enum = prop.get("enum")
        return isinstance(value, str) and (not isinstance(enum, list) or value in enum)
    return {"boolean": isinstance(value, bool), "integer": _is_int(value),
            "number": _is_num(value)}.get(kind, False)


class _Checker:
    """Walks a form schema and collects every problem with its path."""

    def __init__(self) -> None:
        """Start with no problems."""
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        """Record one problem at a path."""
        self.problems.append(f"{path}: {message}" if path else message)

    def form(self, schema: Any) -> None:
        """Check the top of a form schema."""
        if not isinstance(schema, Mapping):
            self.add("", "a form must be a JSON object")
            return
        self.keywords(schema, "", _TOP_KEYS, "the form")
        self.texts(schema, "", ("$schema", "title", "description"))
        if schema.get("type") != "object":
            self.add("type", "must be 'object'")
        props = self.object_body(schema, "", in_group=False)
        if "if" in schema or "then" in schema:
            self.conditional(schema, "", props)
        if "allOf" in schema:
            rules = schema["allOf"]
            if not isinstance(rules, list) or not rules:
                self.add("allOf", "must be a non-empty list of if/then objects")
                return
            for i, rule in enumerate(rules):
                if not isinstance(rule, Mapping):
                    self.add(f"allOf.{i}", "must be an object with 'if' and 'then'")
                    continue
                self.keywords(rule, f"allOf.{i}", {"if", "then"}, "an allOf entry")
                self.conditional(rule, f"allOf.{i}", props)

    def keywords(self, node: Mapping, path: str, allowed: set[str], where: str) -> None:
        """Report keywords that are not allowed at this place."""
        for key in node:
            if key in allowed:
                continue
            if key in _PROPERTY_KEYS or key in _TOP_KEYS:
                self.add(_join(path, key), f"'{key}' does not apply to {where}")
            else:
                self.add(_join(path, key), f"'{key}' is not a supported keyword")

    def texts(self, node: Mapping, path: str, keys: tuple[str, ...]) -> None:
        """Report keywords whose value must be a string but is not."""
        for key in keys:
            if key in node and not isinstance(node[key], str):
                self.add(_join(path, key), "must be a string")

    def object_body(self, node: Mapping, path: str, in_group: bool) -> Mapping:
        """Check properties, required and additionalProperties; return properties."""
        props = node.get("properties", {})
        if not isinstance(props, Mapping):
            self.add(_join(path, "properties"), "must be an object of field names and schemas")
            props = {}
        for name, prop in props.items():
            where = _join(path, f"properties.{name}")
            if not isinstance(name, str) or not _NAME.match(name):
                self.add(where, "a field name must start with a letter and use only letters, "
                                "digits and _")
            self.property(prop, where, in_group)
        required = node.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            self.add(_join(path, "required"), "must be a list of field names")
        else:
            self.names(required, _join(path, "required"), props)
        if node.get("additionalProperties", False) is not False:
            self.add(_join(path, "additionalProperties"),
                     "must be false (unknown fields are always refused)")
        return props

    def names(self, names: list[str], path: str, props: Mapping) -> None:
        """Report names that are not fields, or are listed twice."""
        for name in names:
            if name not in props:
                self.add(path, f"'{name}' is not a field of this form")
        if len(set(names)) != len(names):
            self.add(path, "names a field more than once")

    def property(self, prop: Any, path: str, in_group: bool) -> None:
        """Check one field's schema."""
        if not isinstance(prop, Mapping):
            self.add(path, "must be an object")
            return
        kind = prop.get("type")
        allowed = SCALAR_TYPES if in_group else (*SCALAR_TYPES, "array")
        if kind not in allowed:
            if kind == "array":
                message = "lists inside a list of groups are not supported (one level only)"
            elif kind == "object":
                message = "objects are only supported as list items (type 'array' with 'items')"
            else:
                message = f"must be one of: {', '.join(allowed)}"
            self.add(_join(path, "type"), message)
            self.keywords(prop, path, _PROPERTY_KEYS | _TOP_KEYS, "this field")
            return
        self.keywords(prop, path, _COMMON | _BY_TYPE[kind], f"type '{kind}'")
        self.texts(prop, path, ("title", "description"))
        if kind == "string":
            self.string_rules(prop, path)
        elif kind == "boolean":
            if "const" in prop and prop["const"] is not True:
                self.add(_join(path, "const"), "only true is supported (a box to be checked)")
        elif kind in ("integer", "number"):
            self.bounds(prop, path, kind)
        else:
            self.array(prop, path)
        if "default" in prop and not self.default_fits(prop, kind):
            self.add(_join(path, "default"), f"{prop['default']!r} is not a valid value here")

    def string_rules(self, node: Mapping, path: str) -> None:
        """Check minLength, maxLength, format and enum of a string schema."""
        self.pair(node, path, "minLength", "maxLength")
        if "format" in node and node["format"] not in FORMATS:
            self.add(_join(path, "format"), f"{node['format']!r} is not a supported format "
                                            f"(supported: {', '.join(FORMATS)})")
        if "enum" not in node:
            if "enumNames" in node:
                self.add(_join(path, "enumNames"), "needs an 'enum' to name")
            return
        enum = node["enum"]
        self.enum_names(node, path)
        if not isinstance(enum, list) or not enum or not all(isinstance(e, str) for e in enum):
            self.add(_join(path, "enum"), "must be a non-empty list of strings")
        elif len(set(enum)) != len(enum):
            self.add(_join(path, "enum"), "lists a choice more than once")
        elif any(e != e.strip() or not e for e in enum):
            self.add(_join(path, "enum"), "choices must not be blank or start or end with spaces")
        for key in ("format", "minLength", "maxLength"):
            if key in node:
                self.add(_join(path, key), f"'{key}' cannot be combined with 'enum'")

    def enum_names(self, node: Mapping, path: str) -> None:
        """Check enumNames: one readable label for each enum choice, in the same order."""
        if "enumNames" not in node:
            return
        names, enum = node["enumNames"], node["enum"]
        if (not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names)
                or not isinstance(enum, list) or len(names) != len(enum)):
            self.add(_join(path, "enumNames"), "must list one non-blank label for each choice")

    def pair(self, node: Mapping, path: str, low: str, high: str) -> None:
        """Check a pair of count keywords such as minLength and maxLength."""
        for key in (low, high):
            if key in node and not (_is_int(node[key]) and node[key] >= 0):
                self.add(_join(path, key), "must be a whole number, 0 or more")
        if _is_int(node.get(low)) and _is_int(node.get(high)) and node[low] > node[high]:
            self.add(_join(path, low), f"must not be greater than {high}")

    def bounds(self, node: Mapping, path: str, kind: str) -> None:
        """Check minimum and maximum of a number field."""
        check, message = (_is_int, "a whole number") if kind == "integer" else (_is_num, "a number")
        for key in ("minimum", "maximum"):
            if key in node and not check(node[key]):
                self.add(_join(path, key), f"must be {message}")
        low, high = node.get("minimum"), node.get("maximum")
        if check(low) and check(high) and low > high:
            self.add(_join(path, "minimum"), "must not be greater than maximum")

    def array(self, prop: Mapping, path: str) -> None:
        """Check a list field: its item counts and its items."""
        self.pair(prop, path, "minItems", "maxItems")
        where = _join(path, "items")
        items = prop.get("items")
        if not isinstance(items, Mapping):
            self.add(where, "is required: an object describing each item")
            return
        kind = items.get("type")
        if kind == "string":
            self.keywords(items, where, _ITEM_STRING_KEYS, "list items of type 'string'")
            self.texts(items, where, ("title", "description"))
            self.string_rules(items, where)
        elif kind == "object":
            self.keywords(items, where, _ITEM_OBJECT_KEYS, "list items of type 'object'")
            self.texts(items, where, ("title", "description"))
            self.object_body(items, where, in_group=True)
        elif kind == "array":
            self.add(_join(where, "type"), "lists of lists are not supported (one level only)")
        else:
            self.add(_join(where, "type"), "list items must be of type 'string' or 'object'")

    def default_fits(self, prop: Mapping, kind: str) -> bool:
        """Tell whether a field's default is a possible value of it."""
        value = prop["default"]
        if kind != "array":
            return _fits(prop, value)
        items = prop.get("items")
        return isinstance(value, list) and all(_fits(items, v) for v in value)

    def conditional(self, node: Mapping, path: str, props: Mapping) -> None:
        """Check one if/then rule."""
        for key in ("if", "then"):
            if key not in node:
                self.add(_join(path, key), "is required with " + ("then" if key == "if" else "if"))
        if "if" in node:
            self.condition(node["if"], _join(path, "if"), props)
        if "then" in node:
            then, where = node["then"], _join(path, "then")
            if not isinstance(then, Mapping) or set(then) != {"required"}:
                self.add(where, 'must look like {"required": ["<field>", ...]}')
            elif not (isinstance(then["required"], list) and then["required"]
                      and all(isinstance(r, str) for r in then["required"])):
                self.add(_join(where, "required"), "must be a non-empty list of field names")
            else:
                self.names(then["required"], _join(where, "required"), props)

    def condition(self, cond: Any, path: str, props: Mapping) -> None:
        """Check the 'if' part of a rule: one field compared with a constant."""
        if not (isinstance(cond, Mapping) and set(cond) <= {"properties", "required"}
                and isinstance(cond.get("properties"), Mapping) and len(cond["properties"]) == 1):
            self.add(path, _IF_SHAPE)
            return
        ((name, test),) = cond["properties"].items()
        where = _join(path, f"properties.{name}")
        if "required" in cond and cond["required"] != [name]:
            self.add(_join(path, "required"), f"may only be ['{name}']")
        if name not in props:
            self.add(where, f"'{name}' is not a field of this form")
        elif not isinstance(test, Mapping) or set(test) != {"const"}:
            self.add(where, 'must look like {"const": <value>}')
        elif not _fits(props[name], test["const"]):
            self.add(_join(where, "const"), f"{test['const']!r} is not a possible value of "
                                             f"'{name}'")


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


# ---- marshmallow: one schema class per form ---------------------------------------------------


class _FormSchema(Schema):
    """Refuses unknown fields with a message a person can read."""

    error_messages: ClassVar[dict[str, str]] = {
        "unknown": UNKNOWN, "type": "Must be a group of fields."}


class _Text(mf.String):
    """A string field with our message."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Must be text."}


class _Email(mf.Email):
    """An email field that accepts strings only."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Enter a valid email address."}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        """Return the value when it is acceptable; refuse it otherwise."""
        return _text(value)


class _Url(mf.Url):
    """An absolute http(s) address that accepts strings only."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Enter a full web address starting with http:// or https://."}

    def __init__(self, **kwargs: Any) -> None:
        """Allow only http and https; intranet host names without a dot are fine."""
        super().__init__(schemes={"http", "https"}, require_tld=False, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        """Return the value when it is acceptable; refuse it otherwise."""
        return _text(value)


def _text(value: Any) -> str:
    """Return the value if it is a string; refuse anything else."""
    if not isinstance(value, str):
        raise ValidationError("Must be text.")
    return value


class _Date(_Text):
    """A date kept as its ISO 'YYYY-MM-DD' string."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        """Return the value when it is acceptable; refuse it otherwise."""
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            if _ISO_DATE.match(text):
                dt.date.fromisoformat(text)
                return text
        except ValueError:
            pass
        raise ValidationError("Enter a valid date as YYYY-MM-DD.")


class _Bool(mf.Boolean):
    """A boolean that accepts real booleans only."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Must be true or false."}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        """Return the value when it is acceptable; refuse it otherwise."""
        if isinstance(value, bool):
            return value
        raise self.make_error("invalid")


class _Int(mf.Integer):
    """An integer that refuses strings, floats and booleans."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Enter a whole number.", "too_large": "Too large."}

    def __init__(self, **kwargs: Any) -> None:
        """Make the field strict."""
        super().__init__(strict=True, **kwargs)


class _Float(mf.Float):
    """A number that refuses strings and booleans."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Enter a number.", "too_large": "Too large.", "special": "Enter a number."}

    def _validated(self, value: Any) -> float:
        """Refuse anything that is not a number, then check it."""
        if not _is_num(value):
            raise self.make_error("invalid")
        return super()._validated(value)


class _Items(mf.List):
    """A list that reports its item count together with errors in its items."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Must be a list."}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list:
        """Return the value when it is acceptable; refuse it otherwise."""
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as error:
            if not isinstance(error.messages, dict):
                raise
            try:
                self._validate(value)
            except ValidationError as count_error:
                messages = {**error.messages, "_schema": count_error.messages}
                raise ValidationError(messages) from error
            raise


def _esc(text: str) -> str:
    """Escape braces, since marshmallow formats validator messages."""
    return text.replace("{", "{{").replace("}", "}}")


def _num(value: float) -> str:
    """Write a number for a message: 3, 2.5."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _plural(count: int, word: str) -> str:
    """Write a count with its noun: '1 character', '20 characters'."""
    return f"{count} {word}" + ("" if count == 1 else "s")


def _scalar(kind: str, spec: Field, **kwargs: Any) -> mf.Field:
    """Return the marshmallow field of a scalar kind with its validators."""
    checks: list[Any] = []
    if spec.min_length is not None:
        message = f"Must be at least {_plural(spec.min_length, 'character')}."
        checks.append(validate.Length(min=spec.min_length, error=message))
    if spec.max_length is not None:
        message = f"Must be at most {_plural(spec.max_length, 'character')}."
        checks.append(validate.Length(max=spec.max_length, error=message))
    if spec.choices:
        message = _esc(f"Choose one of: {', '.join(spec.choice_titles or spec.choices)}.")
        checks.append(validate.OneOf(spec.choices, error=message))
    if spec.minimum is not None:
        message = f"Must be at least {_num(spec.minimum)}."
        checks.append(validate.Range(min=spec.minimum, error=message))
    if spec.maximum is not None:
        message = f"Must be at most {_num(spec.maximum)}."
        checks.append(validate.Range(max=spec.maximum, error=message))
    if kind == "confirm":
        checks.append(validate.Equal(True, error=CONFIRM))
        kwargs["error_messages"] = {"required": CONFIRM}
    classes = {"email": _Email, "uri": _Url, "date": _Date, "boolean": _Bool, "confirm": _Bool,
               "integer": _Int, "number": _Float}
    return classes.get(kind, _Text)(validate=checks, **kwargs)


def _marshmallow_field(spec: Field) -> mf.Field:
    """Return the marshmallow field of a Field."""
    kwargs: dict[str, Any] = {"required": spec.required, "data_key": spec.name,
                              "attribute": spec.name, "error_messages": {"required": REQUIRED}}
    if spec.kind not in ("list", "group"):
        return _scalar(spec.kind, spec, **kwargs)
    counts = []
    if spec.min_items is not None:
        counts.append(validate.Length(min=spec.min_items, error=f"Add at least {spec.min_items}."))
    if spec.max_items is not None:
        counts.append(validate.Length(max=spec.max_items,
                                      error=f"Add no more than {spec.max_items}."))
    if spec.kind == "group":
        inner: mf.Field = mf.Nested(_schema_class(spec.item_fields, f"{spec.name}_item"),
                                    error_messages={"null": "Must be a group of fields."})
    else:
        inner = _scalar(spec.item_kind or "string", spec,
                        error_messages={"null": "Must not be blank."})
        if spec.item_kind in ("string", "text") and not spec.min_length:
            inner.validators.insert(0, validate.Length(min=1, error="Must not be blank."))
    return _Items(inner, validate=counts, **kwargs)


def _schema_class(specs: tuple[Field, ...], name: str) -> type[Schema]:
    """Build the marshmallow schema class of a list of Fields."""
    declared = {f"field_{i}": _marshmallow_field(spec) for i, spec in enumerate(specs)}
    return _FormSchema.from_dict(declared, name=f"{name}_schema")


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


def _flatten(messages: Any, path: str, out: dict[str, list[str]]) -> None:
    """Flatten marshmallow's nested messages into dotted paths."""
    if isinstance(messages, dict):
        for key, sub in messages.items():
            _flatten(sub, path if key == "_schema" else _join(path, key), out)
    else:
        out.setdefault(path or FORM_KEY, []).extend(messages)


def _same(given: Any, value: Any) -> bool:
    """Compare a submitted value with a rule's constant (True is not 1)."""
    if isinstance(given, bool) or isinstance(value, bool):
        return given is value
    return given == value
