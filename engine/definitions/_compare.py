"""Two versions of a process compared: diagram elements by id, forms field by field, lane rules.

Everything is data (ids, attribute names, old and new values); the web layer puts it in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from engine.errors import FormDefinitionError

from ._elements import COMPARED_ATTRIBUTES, DiagramElement, diagram_elements
from ._process import ProcessSource
from .forms import Field, load_form

# A field is compared on everything the form says about it but its sub-fields (compared apart).
FIELD_ATTRIBUTES = tuple(f.name for f in fields(Field) if f.name not in ("name", "item_fields"))


@dataclass(frozen=True)
class Change:
    """One attribute that differs: its name, the old value and the new one."""

    attribute: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ElementChange:
    """A diagram element added, removed or changed (with what changed)."""

    element_id: str
    tag: str
    name: str  # the new name, or the old one if it was removed
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class FieldChange:
    """A form field (dotted for a group's sub-field) added, removed or changed."""

    name: str
    title: str
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class FormChange:
    """A form file added, removed or changed; changed forms list their fields."""

    form: str
    title: str
    changes: tuple[Change, ...] = ()  # the form's own title and description
    added: tuple[FieldChange, ...] = ()
    removed: tuple[FieldChange, ...] = ()
    changed: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class LaneRuleChange:
    """A lane whose rule was added, removed or changed: the rules as written."""

    lane: str
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None


@dataclass
class VersionComparison:
    """What changed from version a to version b."""

    process_id: str
    a_version_id: int | None = None
    b_version_id: int | None = None
    a_number: int | None = None  # the versions' numbers within their process
    b_number: int | None = None
    elements_added: list[ElementChange] = field(default_factory=list)
    elements_removed: list[ElementChange] = field(default_factory=list)
    elements_changed: list[ElementChange] = field(default_factory=list)
    forms_added: list[FormChange] = field(default_factory=list)
    forms_removed: list[FormChange] = field(default_factory=list)
    forms_changed: list[FormChange] = field(default_factory=list)
    lanes_changed: list[LaneRuleChange] = field(default_factory=list)

    @property
    def same(self) -> bool:
        """Whether nothing at all differs."""
        return not any((self.elements_added, self.elements_removed, self.elements_changed,
                        self.forms_added, self.forms_removed, self.forms_changed,
                        self.lanes_changed))


def compare_sources(a: ProcessSource, b: ProcessSource,
                    max_bytes: int = 2_000_000) -> VersionComparison:
    """Compare two process sources (loaded versions: their files were checked before)."""
    result = VersionComparison(process_id=b.process_id)
    _compare_elements(diagram_elements(a.bpmn_xml, max_bytes),
                      diagram_elements(b.bpmn_xml, max_bytes), result)
    _compare_forms(a.forms, b.forms, result)
    for lane in sorted(set(a.lanes) | set(b.lanes)):
        old, new = a.lanes.get(lane), b.lanes.get(lane)
        if old != new:
            result.lanes_changed.append(LaneRuleChange(lane, old, new))
    return result


def _compare_elements(old: dict[str, DiagramElement], new: dict[str, DiagramElement],
                      result: VersionComparison) -> None:
    for element_id, element in new.items():
        before = old.get(element_id)
        if before is None:
            result.elements_added.append(ElementChange(element_id, element.tag, element.label))
            continue
        changes = tuple(Change(name, getattr(before, name), getattr(element, name))
                        for name in COMPARED_ATTRIBUTES
                        if getattr(before, name) != getattr(element, name))
        if changes:
            result.elements_changed.append(
                ElementChange(element_id, element.tag, element.label, changes))
    for element_id, element in old.items():
        if element_id not in new:
            result.elements_removed.append(ElementChange(element_id, element.tag, element.label))


def _compare_forms(old: Mapping[str, Any], new: Mapping[str, Any],
                   result: VersionComparison) -> None:
    for name in sorted(set(old) | set(new)):
        if name not in old:
            result.forms_added.append(FormChange(name, _title(new[name], name)))
        elif name not in new:
            result.forms_removed.append(FormChange(name, _title(old[name], name)))
        elif old[name] != new[name]:
            result.forms_changed.append(_form_change(name, old[name], new[name]))


def _title(schema: Any, name: str) -> str:
    return str(schema.get("title") or name) if isinstance(schema, Mapping) else name


def _form_change(name: str, old_schema: Any, new_schema: Any) -> FormChange:
    try:
        old_form, new_form = load_form(old_schema, name), load_form(new_schema, name)
    except FormDefinitionError:  # only loaded versions are compared; say "changed" if not
        return FormChange(name, _title(new_schema, name))
    changes = tuple(Change(attr, getattr(old_form, attr), getattr(new_form, attr))
                    for attr in ("title", "description")
                    if getattr(old_form, attr) != getattr(new_form, attr))
    old_fields, new_fields = _flat(old_form.fields), _flat(new_form.fields)
    added = tuple(FieldChange(key, f.title) for key, f in new_fields.items()
                  if key not in old_fields)
    removed = tuple(FieldChange(key, f.title) for key, f in old_fields.items()
                    if key not in new_fields)
    changed = []
    for key, now in new_fields.items():
        before = old_fields.get(key)
        if before is None:
            continue
        found = tuple(Change(attr, _value(before, attr), _value(now, attr))
                      for attr in FIELD_ATTRIBUTES if _value(before, attr) != _value(now, attr))
        if found:
            changed.append(FieldChange(key, now.title, found))
    return FormChange(name, new_form.title, changes, added, removed, tuple(changed))


def _flat(fields: tuple[Field, ...], prefix: str = "") -> dict[str, Field]:
    """Fields by dotted name: a group's sub-fields follow it as `group.sub`."""
    out: dict[str, Field] = {}
    for one in fields:
        key = f"{prefix}{one.name}"
        out[key] = one
        out.update(_flat(one.item_fields, f"{key}."))
    return out


def _value(one: Field, attribute: str) -> Any:
    value = getattr(one, attribute)
    return list(value) if isinstance(value, tuple) else value
