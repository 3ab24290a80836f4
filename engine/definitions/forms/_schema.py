"""Load-time checking of a form schema: only the JSON Schema subset we support is accepted.

Every problem is collected with its dotted path and a reason code (SCHEMA_REASONS) with its
parameters, so a process author sees them all at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.errors import Problem

FORMATS = ("email", "uri", "date")
SCALAR_TYPES = ("string", "boolean", "integer", "number")

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
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

# Why a form schema is refused: each reason code with the names of its parameters (the web layer
# words them). A `form.schema` problem carries the dotted `path`, the `reason` and its
# `reason_params`.
SCHEMA_REASONS: dict[str, tuple[str, ...]] = {
    "form_not_object": (),
    "keyword_unknown": ("keyword",),
    "keyword_not_for_form": ("keyword",),
    "keyword_not_for_allof_entry": ("keyword",),
    "keyword_not_for_field": ("keyword",),
    "keyword_not_for_type": ("keyword", "type"),
    "keyword_not_for_string_items": ("keyword",),
    "keyword_not_for_object_items": ("keyword",),
    "not_text": (),
    "form_type": (),
    "allof_not_list": (),
    "allof_entry_not_object": (),
    "properties_not_object": (),
    "field_name": (),
    "required_not_names": (),
    "additional_properties": (),
    "not_a_field": ("name",),
    "names_repeated": (),
    "field_not_object": (),
    "list_in_group": (),
    "object_outside_list": (),
    "type_unsupported": ("supported",),
    "const_only_true": (),
    "default_invalid": ("value",),
    "format_unsupported": ("format", "supported"),
    "enum_names_without_enum": (),
    "enum_not_texts": (),
    "enum_repeated": (),
    "enum_blank": (),
    "enum_excludes": ("keyword",),
    "enum_names_mismatch": (),
    "count_not_whole": (),
    "greater_than": ("other",),
    "bound_not_whole": (),
    "bound_not_number": (),
    "items_missing": (),
    "list_of_lists": (),
    "items_type": (),
    "needs": ("other",),
    "then_shape": (),
    "then_required_not_names": (),
    "if_shape": (),
    "if_required": ("name",),
    "const_shape": (),
    "const_impossible": ("value", "name"),
}


def dotted(path: str, key: Any) -> str:
    """Append a key to a dotted path."""
    return f"{path}.{key}" if path else str(key)


def _is_int(value: Any) -> bool:
    """Tell whether a value is an integer (booleans are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_num(value: Any) -> bool:
    """Tell whether a value is a number (booleans are not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fits(prop: Any, value: Any) -> bool:
    """Tell whether a value is a possible value of a (raw) scalar property."""
    kind = prop.get("type") if isinstance(prop, Mapping) else None
    if kind == "string":
        enum = prop.get("enum")
        return isinstance(value, str) and (not isinstance(enum, list) or value in enum)
    return {"boolean": isinstance(value, bool), "integer": _is_int(value),
            "number": is_num(value)}.get(kind, False)


def schema_problems(schema: Any) -> list[Problem]:
    """Return every problem of a form schema as `form.schema` problems (empty when it is fine)."""
    checker = _Checker()
    checker.form(schema)
    return checker.problems


class _Checker:
    """Walks a form schema and collects every problem with its path."""

    def __init__(self) -> None:
        """Start with no problems."""
        self.problems: list[Problem] = []

    def add(self, path: str, reason: str, **params: Any) -> None:
        """Record one problem at a path."""
        self.problems.append(Problem("form.schema", {"path": path, "reason": reason,
                                                     "reason_params": params}))

    def form(self, schema: Any) -> None:
        """Check the top of a form schema."""
        if not isinstance(schema, Mapping):
            self.add("", "form_not_object")
            return
        self.keywords(schema, "", _TOP_KEYS, "keyword_not_for_form")
        self.texts(schema, "", ("$schema", "title", "description"))
        if schema.get("type") != "object":
            self.add("type", "form_type")
        props = self.object_body(schema, "", in_group=False)
        if "if" in schema or "then" in schema:
            self.conditional(schema, "", props)
        if "allOf" in schema:
            rules = schema["allOf"]
            if not isinstance(rules, list) or not rules:
                self.add("allOf", "allof_not_list")
                return
            for i, rule in enumerate(rules):
                if not isinstance(rule, Mapping):
                    self.add(f"allOf.{i}", "allof_entry_not_object")
                    continue
                self.keywords(rule, f"allOf.{i}", {"if", "then"}, "keyword_not_for_allof_entry")
                self.conditional(rule, f"allOf.{i}", props)

    def keywords(self, node: Mapping, path: str, allowed: set[str], misplaced: str,
                 **params: Any) -> None:
        """Report keywords not allowed here: known ones with the `misplaced` reason (and params)."""
        for key in node:
            if key in allowed:
                continue
            if key in _PROPERTY_KEYS or key in _TOP_KEYS:
                self.add(dotted(path, key), misplaced, keyword=key, **params)
            else:
                self.add(dotted(path, key), "keyword_unknown", keyword=key)

    def texts(self, node: Mapping, path: str, keys: tuple[str, ...]) -> None:
        """Report keywords whose value must be a string but is not."""
        for key in keys:
            if key in node and not isinstance(node[key], str):
                self.add(dotted(path, key), "not_text")

    def object_body(self, node: Mapping, path: str, in_group: bool) -> Mapping:
        """Check properties, required and additionalProperties; return properties."""
        props = node.get("properties", {})
        if not isinstance(props, Mapping):
            self.add(dotted(path, "properties"), "properties_not_object")
            props = {}
        for name, prop in props.items():
            where = dotted(path, f"properties.{name}")
            if not isinstance(name, str) or not _NAME.match(name):
                self.add(where, "field_name")
            self.property(prop, where, in_group)
        required = node.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            self.add(dotted(path, "required"), "required_not_names")
        else:
            self.names(required, dotted(path, "required"), props)
        if node.get("additionalProperties", False) is not False:
            self.add(dotted(path, "additionalProperties"), "additional_properties")
        return props

    def names(self, names: list[str], path: str, props: Mapping) -> None:
        """Report names that are not fields, or are listed twice."""
        for name in names:
            if name not in props:
                self.add(path, "not_a_field", name=name)
        if len(set(names)) != len(names):
            self.add(path, "names_repeated")

    def property(self, prop: Any, path: str, in_group: bool) -> None:
        """Check one field's schema."""
        if not isinstance(prop, Mapping):
            self.add(path, "field_not_object")
            return
        kind = prop.get("type")
        allowed = SCALAR_TYPES if in_group else (*SCALAR_TYPES, "array")
        if kind not in allowed:
            if kind == "array":
                self.add(dotted(path, "type"), "list_in_group")
            elif kind == "object":
                self.add(dotted(path, "type"), "object_outside_list")
            else:
                self.add(dotted(path, "type"), "type_unsupported", supported=list(allowed))
            self.keywords(prop, path, _PROPERTY_KEYS | _TOP_KEYS, "keyword_not_for_field")
            return
        self.keywords(prop, path, _COMMON | _BY_TYPE[kind], "keyword_not_for_type", type=kind)
        self.texts(prop, path, ("title", "description"))
        if kind == "string":
            self.string_rules(prop, path)
        elif kind == "boolean":
            if "const" in prop and prop["const"] is not True:
                self.add(dotted(path, "const"), "const_only_true")
        elif kind in ("integer", "number"):
            self.bounds(prop, path, kind)
        else:
            self.array(prop, path)
        if "default" in prop and not self.default_fits(prop, kind):
            self.add(dotted(path, "default"), "default_invalid", value=repr(prop["default"]))

    def string_rules(self, node: Mapping, path: str) -> None:
        """Check minLength, maxLength, format and enum of a string schema."""
        self.pair(node, path, "minLength", "maxLength")
        if "format" in node and node["format"] not in FORMATS:
            self.add(dotted(path, "format"), "format_unsupported", format=repr(node["format"]),
                     supported=list(FORMATS))
        if "enum" not in node:
            if "enumNames" in node:
                self.add(dotted(path, "enumNames"), "enum_names_without_enum")
            return
        enum = node["enum"]
        self.enum_names(node, path)
        if not isinstance(enum, list) or not enum or not all(isinstance(e, str) for e in enum):
            self.add(dotted(path, "enum"), "enum_not_texts")
        elif len(set(enum)) != len(enum):
            self.add(dotted(path, "enum"), "enum_repeated")
        elif any(e != e.strip() or not e for e in enum):
            self.add(dotted(path, "enum"), "enum_blank")
        for key in ("format", "minLength", "maxLength"):
            if key in node:
                self.add(dotted(path, key), "enum_excludes", keyword=key)

    def enum_names(self, node: Mapping, path: str) -> None:
        """Check enumNames: one readable label for each enum choice, in the same order."""
        if "enumNames" not in node:
            return
        names, enum = node["enumNames"], node["enum"]
        if (not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names)
                or not isinstance(enum, list) or len(names) != len(enum)):
            self.add(dotted(path, "enumNames"), "enum_names_mismatch")

    def pair(self, node: Mapping, path: str, low: str, high: str) -> None:
        """Check a pair of count keywords such as minLength and maxLength."""
        for key in (low, high):
            if key in node and not (_is_int(node[key]) and node[key] >= 0):
                self.add(dotted(path, key), "count_not_whole")
        if _is_int(node.get(low)) and _is_int(node.get(high)) and node[low] > node[high]:
            self.add(dotted(path, low), "greater_than", other=high)

    def bounds(self, node: Mapping, path: str, kind: str) -> None:
        """Check minimum and maximum of a number field."""
        check = _is_int if kind == "integer" else is_num
        for key in ("minimum", "maximum"):
            if key in node and not check(node[key]):
                self.add(dotted(path, key),
                         "bound_not_whole" if kind == "integer" else "bound_not_number")
        low, high = node.get("minimum"), node.get("maximum")
        if check(low) and check(high) and low > high:
            self.add(dotted(path, "minimum"), "greater_than", other="maximum")

    def array(self, prop: Mapping, path: str) -> None:
        """Check a list field: its item counts and its items."""
        self.pair(prop, path, "minItems", "maxItems")
        where = dotted(path, "items")
        items = prop.get("items")
        if not isinstance(items, Mapping):
            self.add(where, "items_missing")
            return
        kind = items.get("type")
        if kind == "string":
            self.keywords(items, where, _ITEM_STRING_KEYS, "keyword_not_for_string_items")
            self.texts(items, where, ("title", "description"))
            self.string_rules(items, where)
        elif kind == "object":
            self.keywords(items, where, _ITEM_OBJECT_KEYS, "keyword_not_for_object_items")
            self.texts(items, where, ("title", "description"))
            self.object_body(items, where, in_group=True)
        elif kind == "array":
            self.add(dotted(where, "type"), "list_of_lists")
        else:
            self.add(dotted(where, "type"), "items_type")

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
                self.add(dotted(path, key), "needs", other="then" if key == "if" else "if")
        if "if" in node:
            self.condition(node["if"], dotted(path, "if"), props)
        if "then" in node:
            then, where = node["then"], dotted(path, "then")
            if not isinstance(then, Mapping) or set(then) != {"required"}:
                self.add(where, "then_shape")
            elif not (isinstance(then["required"], list) and then["required"]
                      and all(isinstance(r, str) for r in then["required"])):
                self.add(dotted(where, "required"), "then_required_not_names")
            else:
                self.names(then["required"], dotted(where, "required"), props)

    def condition(self, cond: Any, path: str, props: Mapping) -> None:
        """Check the 'if' part of a rule: one field compared with a constant."""
        if not (isinstance(cond, Mapping) and set(cond) <= {"properties", "required"}
                and isinstance(cond.get("properties"), Mapping) and len(cond["properties"]) == 1):
            self.add(path, "if_shape")
            return
        ((name, test),) = cond["properties"].items()
        where = dotted(path, f"properties.{name}")
        if "required" in cond and cond["required"] != [name]:
            self.add(dotted(path, "required"), "if_required", name=name)
        if name not in props:
            self.add(where, "not_a_field", name=name)
        elif not isinstance(test, Mapping) or set(test) != {"const"}:
            self.add(where, "const_shape")
        elif not _fits(props[name], test["const"]):
            self.add(dotted(where, "const"), "const_impossible", value=repr(test["const"]),
                     name=name)
