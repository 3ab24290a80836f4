"""What a draft may hold: its shape and size are bounded on every save; its sense is Check's."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from engine.errors import InvalidInput
from engine.text import storable

FORM_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,95}\.json\Z")
PROCESS_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,99}\Z")
MAX_REASON = 2000


@dataclass(frozen=True)
class DraftLimits:
    """How big a draft's files may be: the diagram as deploy allows, forms and lanes besides."""

    diagram_bytes: int
    forms: int = 100
    form_bytes: int = 200_000
    lanes_bytes: int = 100_000

    @property
    def upload_bytes(self) -> int:
        """The largest file or zip an upload may send."""
        return self.diagram_bytes + self.forms * self.form_bytes // 4 + self.lanes_bytes


def check_process_id(process_id: str) -> None:
    """Refuse a process id that cannot be a folder, a file stem and a part of an address."""
    if not isinstance(process_id, str) or not PROCESS_ID.match(process_id):
        raise InvalidInput("process.bad_id", process_id=str(process_id)[:100])


def check_diagram(bpmn_xml: Any, limits: DraftLimits) -> None:
    """A diagram is text the database can store, within the diagram limit (not checked further)."""
    if not isinstance(bpmn_xml, str):
        raise InvalidInput("draft.bad_shape", part="diagram")
    size = len(bpmn_xml.encode("utf-8", "surrogatepass"))
    if size > limits.diagram_bytes:
        raise InvalidInput("draft.too_large", part="diagram", size=size,
                           limit=limits.diagram_bytes)
    if not storable(bpmn_xml):
        raise InvalidInput("draft.not_storable", part="diagram")


def check_forms(forms: Any, limits: DraftLimits) -> None:
    """Forms are an object of `<name>.json` to JSON objects, few and small enough."""
    if not isinstance(forms, dict):
        raise InvalidInput("draft.bad_shape", part="forms")
    if len(forms) > limits.forms:
        raise InvalidInput("draft.too_many_forms", count=len(forms), limit=limits.forms)
    for name, schema in forms.items():
        if not isinstance(name, str) or not FORM_NAME.match(name):
            raise InvalidInput("draft.bad_form_name", name=str(name)[:100])
        if not isinstance(schema, dict):
            raise InvalidInput("draft.bad_shape", part=name)
        _bounded_json(schema, name, limits.form_bytes)


def check_lanes(lanes: Any, limits: DraftLimits) -> None:
    """Lane rules are one JSON object, small enough."""
    if not isinstance(lanes, dict):
        raise InvalidInput("draft.bad_shape", part="lanes")
    _bounded_json(lanes, "lanes", limits.lanes_bytes)


def _bounded_json(value: Any, part: str, limit: int) -> None:
    text = json.dumps(value, ensure_ascii=False)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise InvalidInput("draft.too_large", part=part, size=size, limit=limit)
    if "\\u0000" in text or not storable(text):
        raise InvalidInput("draft.not_storable", part=part)


def clean_reason(reason: Any) -> str:
    """A deploy's reason, trimmed; refused when empty or too long."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput("deploy.reason_required")
    if len(text) > MAX_REASON:
        raise InvalidInput("deploy.reason_too_long", limit=MAX_REASON)
    if not storable(text):
        raise InvalidInput("draft.not_storable", part="reason")
    return text
