"""What a task form template needs: each field's inputs, values, ids and error messages.

Built only from the engine's `Field`s, the values to show and the engine's `InvalidForm`
messages (dotted paths: `moderators.1.email` belongs to the second moderator's email input).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine import Field, Message

from .i18n import _
from .wording import message_text

RADIO_LIMIT = 4  # up to this many choices show as radio buttons, more as a list box
FORM_KEY = "_form"
TEMPLATE_INDEX = "__i__"


@dataclass
class Control:
    """One input (or one radio group) with its value and messages."""

    spec: Field
    name: str
    id: str
    value: Any
    errors: list[str] = field(default_factory=list)

    @property
    def widget(self) -> str:
        """How to draw it: text, textarea, email, url, date, number, checkbox, radio, select."""
        kind = self.spec.kind
        if kind == "choice":
            return "radio" if len(self.spec.choices) <= RADIO_LIMIT else "select"
        return {"text": "textarea", "uri": "url", "integer": "number", "number": "number",
                "boolean": "checkbox", "confirm": "checkbox"}.get(kind, kind if kind in (
                    "email", "date") else "text")

    @property
    def anchor(self) -> str:
        """The id an error summary links to (the first radio button of a radio group)."""
        return f"{self.id}--0" if self.widget == "radio" else self.id

    @property
    def describedby(self) -> str:
        """The ids of its help text and its messages, for aria-describedby."""
        ids = [f"{self.id}-help"] if self.spec.description else []
        return " ".join([*ids, f"{self.id}-error"] if self.errors else ids)


@dataclass
class Row:
    """One entry of a repeating field: a single control (list) or several (group)."""

    index: int | str
    controls: list[Control]
    errors: list[str] = field(default_factory=list)

    @property
    def number(self) -> int | str:
        """The row's number as people count (1, 2, ...)."""
        return self.index + 1 if isinstance(self.index, int) else ""


@dataclass
class FieldView:
    """A field of the form: one control, or rows of controls plus an empty row template."""

    spec: Field
    id: str
    control: Control | None = None
    rows: list[Row] = field(default_factory=list)
    template: Row | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def repeating(self) -> bool:
        """True for list and group fields."""
        return self.spec.kind in ("list", "group")

    @property
    def invalid(self) -> bool:
        """True when the field or anything in it has a message."""
        return bool(self.errors or (self.control and self.control.errors)
                    or any(r.errors or any(c.errors for c in r.controls) for r in self.rows))

    @property
    def describedby(self) -> str:
        """The ids of the field's help text and messages, for aria-describedby."""
        ids = [f"{self.id}-help"] if self.spec.description else []
        return " ".join([*ids, f"{self.id}-error"] if self.errors else ids)

    @property
    def can_add(self) -> bool:
        """Whether another row may be added."""
        return self.spec.max_items is None or len(self.rows) < self.spec.max_items


@dataclass(frozen=True)
class SummaryItem:
    """One line of the error summary at the top of the form."""

    anchor: str | None
    label: str
    message: str


def build_form(specs: tuple[Field, ...], values: dict[str, Any],
               messages: dict[str, list[Message]] | None = None) -> tuple[list[FieldView], list]:
    """Return the field views and the error summary (the engine's codes in words) for a form."""
    views = [_field_view(spec, values) for spec in specs]
    texts = {path: [message_text(m) for m in found] for path, found in (messages or {}).items()}
    summary = _attach_messages(views, texts)
    return views, summary


def initial_values(specs: tuple[Field, ...], values: dict[str, Any]) -> dict[str, Any]:
    """The values to show first: what the engine prefilled, else each field's default."""
    out = {}
    for spec in specs:
        if spec.name in values:
            out[spec.name] = values[spec.name]
        elif spec.default is not None:
            out[spec.name] = list(spec.default) if isinstance(spec.default, tuple) \
                else spec.default
    return out


def _field_view(spec: Field, values: dict[str, Any]) -> FieldView:
    view = FieldView(spec=spec, id=f"f-{spec.name}")
    value = values.get(spec.name)
    if not view.repeating:
        view.control = Control(spec, spec.name, view.id, _shown(spec, value))
        return view
    items = list(value) if isinstance(value, (list, tuple)) else []
    minimum = max(spec.min_items or 0, 1)
    items += [{} if spec.kind == "group" else ""] * max(0, minimum - len(items))
    view.rows = [_row(spec, i, item) for i, item in enumerate(items)]
    view.template = _row(spec, TEMPLATE_INDEX, {} if spec.kind == "group" else "")
    return view


def _row(spec: Field, index: int | str, item: Any) -> Row:
    base = f"{spec.name}-{index}"
    if spec.kind == "list":
        item_spec = Field(name=spec.name, kind=spec.item_kind or "string",
                          title=spec.item_title or spec.title, choices=spec.choices,
                          choice_titles=spec.choice_titles,
                          min_length=spec.min_length, max_length=spec.max_length)
        return Row(index, [Control(item_spec, base, f"f-{base}", _shown(item_spec, item))])
    item = item if isinstance(item, dict) else {}
    return Row(index, [Control(sub, f"{base}-{sub.name}", f"f-{base}-{sub.name}",
                               _shown(sub, item.get(sub.name))) for sub in spec.item_fields])


def _shown(spec: Field, value: Any) -> Any:
    """A value as its input shows it: a bool for checkboxes, text for everything else."""
    if spec.kind in ("boolean", "confirm"):
        return value is True
    if value is None or isinstance(value, (dict, list, tuple)):
        return ""
    return str(value)


def _attach_messages(views: list[FieldView], messages: dict[str, list[str]]) -> list:
    """Put each message next to its input; return the summary, in form order."""
    by_name = {v.spec.name: v for v in views}
    summary: list[SummaryItem] = []
    general = [SummaryItem(None, _("The form"), m) for m in messages.get(FORM_KEY, [])]
    for view in views:
        for path in sorted((p for p in messages if p.split(".")[0] == view.spec.name),
                           key=_path_order):
            summary += _attach(view, path.split(".")[1:], messages[path])
    for path, texts in messages.items():
        if path != FORM_KEY and path.split(".")[0] not in by_name:
            general += [SummaryItem(None, path, m) for m in texts]
    return general + summary


def _path_order(path: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split("."))


def _attach(view: FieldView, rest: list[str], texts: list[str]) -> list[SummaryItem]:
    """Attach messages for one dotted path below a field; return their summary lines."""
    title = view.spec.title
    if view.control is not None or not rest or not rest[0].isdigit():
        target = view.control.errors if view.control else view.errors
        target.extend(texts)
        anchor = view.control.anchor if view.control else _first_anchor(view)
        return [SummaryItem(anchor, title, m) for m in texts]
    index = int(rest[0])
    row = next((r for r in view.rows if r.index == index), None)
    if row is None:
        view.errors.extend(texts)
        return [SummaryItem(_first_anchor(view), title, m) for m in texts]
    label = _("{field}, entry {number}", field=title, number=index + 1)
    control = _row_control(view, row, rest[1:])
    if control is None:
        row.errors.extend(texts)
        return [SummaryItem(row.controls[0].anchor if row.controls else None, label, m)
                for m in texts]
    control.errors.extend(texts)
    if view.spec.kind == "group":
        label = f"{label}: {control.spec.title}"
    return [SummaryItem(control.anchor, label, m) for m in texts]


def _row_control(view: FieldView, row: Row, rest: list[str]) -> Control | None:
    if view.spec.kind == "list":
        return row.controls[0] if not rest else None
    if len(rest) == 1:
        return next((c for c in row.controls if c.spec.name == rest[0]), None)
    return None


def _first_anchor(view: FieldView) -> str | None:
    if view.rows and view.rows[0].controls:
        return view.rows[0].controls[0].anchor
    return view.id
