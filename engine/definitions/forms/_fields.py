"""A form's fields: the `Field` the web layer renders, and the marshmallow field that checks it.

`schema_class` turns a form's Fields into one marshmallow schema; the field classes below accept
JSON-native values only (no coercion of strings to numbers or booleans) and speak plainly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, validate
from marshmallow import fields as mf

from ._schema import is_num

REQUIRED = "This field is required."
CONFIRM = "Must be checked to continue."
UNKNOWN = "This field is not part of the form."

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


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
        if not is_num(value):
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
        inner: mf.Field = mf.Nested(schema_class(spec.item_fields, f"{spec.name}_item"),
                                    error_messages={"null": "Must be a group of fields."})
    else:
        inner = _scalar(spec.item_kind or "string", spec,
                        error_messages={"null": "Must not be blank."})
        if spec.item_kind in ("string", "text") and not spec.min_length:
            inner.validators.insert(0, validate.Length(min=1, error="Must not be blank."))
    return _Items(inner, validate=counts, **kwargs)


def schema_class(specs: tuple[Field, ...], name: str) -> type[Schema]:
    """Build the marshmallow schema class of a list of Fields."""
    declared = {f"field_{i}": _marshmallow_field(spec) for i, spec in enumerate(specs)}
    return _FormSchema.from_dict(declared, name=f"{name}_schema")
