"""A form's fields: the `Field` the web layer renders, and the marshmallow field that checks it.

`schema_class` turns a form's Fields into one marshmallow schema; the field classes below accept
JSON-native values only (no coercion of strings to numbers or booleans) and speak plainly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from marshmallow import Schema, ValidationError, validate
from marshmallow import fields as mf

from engine.errors import Message
from engine.text import storable

from ._schema import is_num

REQUIRED = Message("required")
CONFIRM = Message("confirm")
UNKNOWN = Message("unknown_field")

# Every code a validation message may carry, with the names of its parameters.
VALIDATION_CODES: dict[str, tuple[str, ...]] = {
    "required": (), "confirm": (), "unknown_field": (), "not_a_form": (), "not_a_group": (),
    "not_text": (), "not_storable": (), "invalid_email": (), "invalid_url": (), "invalid_date": (),
    "not_a_boolean": (), "not_an_integer": (), "not_a_number": (), "too_large": (),
    "not_a_list": (), "blank": (), "invalid": (),
    "date_out_of_range": ("min", "max"),  # ISO dates
    "date_in_future": ("today",),  # ISO date: a date that must not be after today
    "date_in_past": ("today",),  # ISO date: a date that must not be before today
    "too_short": ("min",),  # characters
    "too_long": ("max",),  # characters
    "not_a_choice": ("choices",),  # the choices' labels
    "below_minimum": ("min",),
    "above_maximum": ("max",),
    "too_few_items": ("min",),
    "too_many_items": ("max",),
}


def _coded(code: str, **params: Any) -> list[Message]:
    """A marshmallow error message carrying a code (a list, so marshmallow merges it as is)."""
    return [Message(code, params)]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# Dates a form accepts: wide enough for any real account, narrow enough that every date
# computed from one (a review a year later, say) is still a date Python and the database hold.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)


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

    error_messages: ClassVar[dict[str, Any]] = {
        "unknown": UNKNOWN, "type": Message("not_a_group")}


class _Coded(mf.Field):
    """The messages every field shares, as codes."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "required": _coded("required"), "null": _coded("blank"),
        "validator_failed": _coded("invalid")}


class _Text(_Coded, mf.String):
    """A string field with our message; refuses text the database cannot store."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _coded("not_text"), "invalid_utf8": _coded("not_text")}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        """Return the text when the database can store it; refuse it otherwise."""
        text = super()._deserialize(value, attr, data, **kwargs)
        if not storable(text):
            raise ValidationError(_coded("not_storable"))
        return text


class _Email(_Text):
    """An email address that accepts strings only."""

    def __init__(self, **kwargs: Any) -> None:
        """Check the address first, with a coded message."""
        super().__init__(**kwargs)
        self.validators.insert(0, _recoded(validate.Email(), "invalid_email"))


class _Url(_Text):
    """An absolute http(s) address that accepts strings only."""

    def __init__(self, **kwargs: Any) -> None:
        """Allow only http and https to a host with a dot (`https://x` is no address)."""
        super().__init__(**kwargs)
        self.validators.insert(0, _recoded(_web_address, "invalid_url"))


_URL = validate.URL(relative=False, schemes={"http", "https"}, require_tld=True)


def _web_address(value: str) -> None:
    """Refuse all but http(s) addresses whose host has a dot (no `localhost`, no bare name)."""
    _URL(value)
    if "." not in (urlsplit(value).hostname or ""):
        raise ValidationError("no dot in the host")


def _recoded(validator: Callable[[Any], Any], code: str) -> Callable[[Any], None]:
    """Run a marshmallow validator, refusing with our code instead of its sentence."""

    def check(value: Any) -> None:
        try:
            validator(value)
        except ValidationError:
            raise ValidationError(_coded(code)) from None

    return check


def _text(value: Any) -> str:
    """Return the value if it is a string; refuse anything else."""
    if not isinstance(value, str):
        raise ValidationError(_coded("not_text"))
    return value


class _Date(_Text):
    """A date kept as its ISO 'YYYY-MM-DD' string."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        """Return the value when it is acceptable; refuse it otherwise."""
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            day = dt.date.fromisoformat(text) if _ISO_DATE.match(text) else None
        except ValueError:
            day = None
        if day is None:
            raise ValidationError(_coded("invalid_date"))
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(_coded("date_out_of_range", min=EARLIEST_DATE.isoformat(),
                                         max=LATEST_DATE.isoformat()))
        return text


class _Bool(_Coded, mf.Boolean):
    """A boolean that accepts real booleans only."""

    default_error_messages: ClassVar[dict[str, Any]] = {"invalid": _coded("not_a_boolean")}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        """Return the value when it is acceptable; refuse it otherwise."""
        if isinstance(value, bool):
            return value
        raise self.make_error("invalid")


class _Int(_Coded, mf.Integer):
    """An integer that refuses strings, floats and booleans."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _coded("not_an_integer"), "too_large": _coded("too_large")}

    def __init__(self, **kwargs: Any) -> None:
        """Make the field strict."""
        super().__init__(strict=True, **kwargs)


class _Float(_Coded, mf.Float):
    """A number that refuses strings and booleans."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _coded("not_a_number"), "too_large": _coded("too_large"),
        "special": _coded("not_a_number")}

    def _validated(self, value: Any) -> float:
        """Refuse anything that is not a number, then check it."""
        if not is_num(value):
            raise self.make_error("invalid")
        return super()._validated(value)


class _Items(_Coded, mf.List):
    """A list that reports its item count together with errors in its items."""

    default_error_messages: ClassVar[dict[str, Any]] = {"invalid": _coded("not_a_list")}

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


def _check(test: Callable[[Any], bool], code: str, **params: Any) -> Callable[[Any], None]:
    """A validator that refuses a value failing `test` with a coded message."""

    def check(value: Any) -> None:
        if not test(value):
            raise ValidationError(_coded(code, **params))

    return check


def _scalar(kind: str, spec: Field, **kwargs: Any) -> mf.Field:
    """Return the marshmallow field of a scalar kind with its validators."""
    checks: list[Any] = []
    if spec.min_length is not None:
        low = spec.min_length
        checks.append(_check(lambda v: len(v) >= low, "too_short", min=low))
    if spec.max_length is not None:
        high = spec.max_length
        checks.append(_check(lambda v: len(v) <= high, "too_long", max=high))
    if spec.choices:
        choices = spec.choices
        checks.append(_check(lambda v: v in choices, "not_a_choice",
                             choices=list(spec.choice_titles or spec.choices)))
    if spec.minimum is not None:
        minimum = spec.minimum
        checks.append(_check(lambda v: v >= minimum, "below_minimum", min=minimum))
    if spec.maximum is not None:
        maximum = spec.maximum
        checks.append(_check(lambda v: v <= maximum, "above_maximum", max=maximum))
    if kind == "confirm":
        checks.append(_check(lambda v: v is True, "confirm"))
        kwargs["error_messages"] = {"required": [CONFIRM]}
    classes = {"email": _Email, "uri": _Url, "date": _Date, "boolean": _Bool, "confirm": _Bool,
               "integer": _Int, "number": _Float}
    return classes.get(kind, _Text)(validate=checks, **kwargs)


class _Group(_Coded, mf.Nested):
    """A nested group of fields."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "type": _coded("not_a_group"), "null": _coded("not_a_group")}


def _marshmallow_field(spec: Field) -> mf.Field:
    """Return the marshmallow field of a Field."""
    kwargs: dict[str, Any] = {"required": spec.required, "data_key": spec.name,
                              "attribute": spec.name, "error_messages": {"required": [REQUIRED]}}
    if spec.kind not in ("list", "group"):
        return _scalar(spec.kind, spec, **kwargs)
    counts = []
    if spec.min_items is not None:
        fewest = spec.min_items
        counts.append(_check(lambda v: len(v) >= fewest, "too_few_items", min=fewest))
    if spec.max_items is not None:
        most = spec.max_items
        counts.append(_check(lambda v: len(v) <= most, "too_many_items", max=most))
    if spec.kind == "group":
        inner: mf.Field = _Group(schema_class(spec.item_fields, f"{spec.name}_item"))
    else:
        inner = _scalar(spec.item_kind or "string", spec)
        if spec.item_kind in ("string", "text") and not spec.min_length:
            inner.validators.insert(0, _check(lambda v: len(v) >= 1, "blank"))
    return _Items(inner, validate=counts, **kwargs)


def schema_class(specs: tuple[Field, ...], name: str) -> type[Schema]:
    """Build the marshmallow schema class of a list of Fields."""
    declared = {f"field_{i}": _marshmallow_field(spec) for i, spec in enumerate(specs)}
    return _FormSchema.from_dict(declared, name=f"{name}_schema")
