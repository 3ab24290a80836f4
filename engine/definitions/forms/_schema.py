"""Load-time checking of a form schema: only the JSON Schema subset we support is accepted.

Every problem is collected with its dotted path, so a process author sees them all at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

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
_IF_SHAPE = 'must look like {"properties": {"<field>": {"const": <value>}}}'


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


def schema_problems(schema: Any) -> list[str]:
    """Return every problem of a form schema as 'path: message' (empty when it is fine)."""
    checker = _Checker()
    checker.form(schema)
    return checker.problems


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
                self.add(dotted(path, key), f"'{key}' does not apply to {where}")
            else:
                self.add(dotted(path, key), f"'{key}' is not a supported keyword")

    def texts(self, node: Mapping, path: str, keys: tuple[str, ...]) -> None:
        """Report keywords whose value must be a string but is not."""
        for key in keys:
            if key in node and not isinstance(node[key], str):
                self.add(dotted(path, key), "must be a string")

    def object_body(self, node: Mapping, path: str, in_group: bool) -> Mapping:
        """Check properties, required and additionalProperties; return properties."""
        props = node.get("properties", {})
        if not isinstance(props, Mapping):
            self.add(dotted(path, "properties"), "must be an object of field names and schemas")
            props = {}
        for name, prop in props.items():
            where = dotted(path, f"properties.{name}")
            if not isinstance(name, str) or not _NAME.match(name):
                self.add(where, "a field name must start with a letter and use only letters, "
                                "digits and _")
            self.property(prop, where, in_group)
        required = node.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            self.add(dotted(path, "required"), "must be a list of field names")
        else:
            self.names(required, dotted(path, "required"), props)
        if node.get("additionalProperties", False) is not False:
            self.add(dotted(path, "additionalProperties"),
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
            self.add(dotted(path, "type"), message)
            self.keywords(prop, path, _PROPERTY_KEYS | _TOP_KEYS, "this field")
            return
        self.keywords(prop, path, _COMMON | _BY_TYPE[kind], f"type '{kind}'")
        self.texts(prop, path, ("title", "description"))
        if kind == "string":
            self.string_rules(prop, path)
        elif kind == "boolean":
            if "const" in prop and prop["const"] is not True:
                self.add(dotted(path, "const"), "only true is supported (a box to be checked)")
        elif kind in ("integer", "number"):
            self.bounds(prop, path, kind)
        else:
            self.array(prop, path)
        if "default" in prop and not self.default_fits(prop, kind):
            self.add(dotted(path, "default"), f"{prop['default']!r} is not a valid value here")

    def string_rules(self, node: Mapping, path: str) -> None:
        """Check minLength, maxLength, format and enum of a string schema."""
        self.pair(node, path, "minLength", "maxLength")
        if "format" in node and node["format"] not in FORMATS:
            self.add(dotted(path, "format"), f"{node['format']!r} is not a supported format "
                                             f"(supported: {', '.join(FORMATS)})")
        if "enum" not in node:
            if "enumNames" in node:
                self.add(dotted(path, "enumNames"), "needs an 'enum' to name")
            return
        enum = node["enum"]
        self.enum_names(node, path)
        if not isinstance(enum, list) or not enum or not all(isinstance(e, str) for e in enum):
            self.add(dotted(path, "enum"), "must be a non-empty list of strings")
        elif len(set(enum)) != len(enum):
            self.add(dotted(path, "enum"), "lists a choice more than once")
        elif any(e != e.strip() or not e for e in enum):
            self.add(dotted(path, "enum"), "choices must not be blank or start or end with spaces")
        for key in ("format", "minLength", "maxLength"):
            if key in node:
                self.add(dotted(path, key), f"'{key}' cannot be combined with 'enum'")

    def enum_names(self, node: Mapping, path: str) -> None:
        """Check enumNames: one readable label for each enum choice, in the same order."""
        if "enumNames" not in node:
            return
        names, enum = node["enumNames"], node["enum"]
        if (not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names)
                or not isinstance(enum, list) or len(names) != len(enum)):
            self.add(dotted(path, "enumNames"), "must list one non-blank label for each choice")

    def pair(self, node: Mapping, path: str, low: str, high: str) -> None:
        """Check a pair of count keywords such as minLength and maxLength."""
        for key in (low, high):
            if key in node and not (_is_int(node[key]) and node[key] >= 0):
                self.add(dotted(path, key), "must be a whole number, 0 or more")
        if _is_int(node.get(low)) and _is_int(node.get(high)) and node[low] > node[high]:
            self.add(dotted(path, low), f"must not be greater than {high}")

    def bounds(self, node: Mapping, path: str, kind: str) -> None:
        """Check minimum and maximum of a number field."""
        check, message = (_is_int, "a whole number") if kind == "integer" else (is_num, "a number")
        for key in ("minimum", "maximum"):
            if key in node and not check(node[key]):
                self.add(dotted(path, key), f"must be {message}")
        low, high = node.get("minimum"), node.get("maximum")
        if check(low) and check(high) and low > high:
            self.add(dotted(path, "minimum"), "must not be greater than maximum")

    def array(self, prop: Mapping, path: str) -> None:
        """Check a list field: its item counts and its items."""
        self.pair(prop, path, "minItems", "maxItems")
        where = dotted(path, "items")
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
            self.add(dotted(where, "type"), "lists of lists are not supported (one level only)")
        else:
            self.add(dotted(where, "type"), "list items must be of type 'string' or 'object'")

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
                self.add(dotted(path, key), "is required with " + ("then" if key == "if" else "if"))
        if "if" in node:
            self.condition(node["if"], dotted(path, "if"), props)
        if "then" in node:
            then, where = node["then"], dotted(path, "then")
            if not isinstance(then, Mapping) or set(then) != {"required"}:
                self.add(where, 'must look like {"required": ["<field>", ...]}')
            elif not (isinstance(then["required"], list) and then["required"]
                      and all(isinstance(r, str) for r in then["required"])):
                self.add(dotted(where, "required"), "must be a non-empty list of field names")
            else:
                self.names(then["required"], dotted(where, "required"), props)

    def condition(self, cond: Any, path: str, props: Mapping) -> None:
        """Check the 'if' part of a rule: one field compared with a constant."""
        if not (isinstance(cond, Mapping) and set(cond) <= {"properties", "required"}
                and isinstance(cond.get("properties"), Mapping) and len(cond["properties"]) == 1):
            self.add(path, _IF_SHAPE)
            return
        ((name, test),) = cond["properties"].items()
        where = dotted(path, f"properties.{name}")
        if "required" in cond and cond["required"] != [name]:
            self.add(dotted(path, "required"), f"may only be ['{name}']")
        if name not in props:
            self.add(where, f"'{name}' is not a field of this form")
        elif not isinstance(test, Mapping) or set(test) != {"const"}:
            self.add(where, 'must look like {"const": <value>}')
        elif not _fits(props[name], test["const"]):
            self.add(dotted(where, "const"), f"{test['const']!r} is not a possible value of "
                                              f"'{name}'")
