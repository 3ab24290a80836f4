"""Process files for the browser and for download: zips, JSON payloads, problems as words."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from flask import Response, jsonify

from engine import LANE_RULE_KINDS, ROLES, DraftView, EngineError, Problem, ProcessSource

from .filters import local_datetime
from .wording import error_text, problem_text

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every member gets the same time: the same files, the same zip


def pretty_json(value: Any) -> str:
    """JSON as a person reads it (and as a process folder keeps it)."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def folder_zip(source: ProcessSource) -> bytes:
    """A process folder as a zip: `<id>/<id>.bpmn`, `<id>/forms/*.json`, `<id>/lanes.json`.

    Members in a fixed order with fixed times, so the same files always give the same bytes.
    """
    root = source.process_id
    members = [(f"{root}/{root}.bpmn", source.bpmn_xml)]
    members += [(f"{root}/forms/{name}", pretty_json(source.forms[name]))
                for name in sorted(source.forms)]
    members.append((f"{root}/lanes.json", pretty_json(source.lanes)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def download(data: bytes | str, filename: str, mimetype: str) -> Response:
    """A file to save, never to be shown inline."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def draft_payload(draft: DraftView) -> dict[str, Any]:
    """The draft as the editor loads it."""
    return {
        "process_id": draft.process_id, "revision": draft.revision,
        "bpmn": draft.source.bpmn_xml, "forms": draft.source.forms,
        "lanes": draft.source.lanes, "base_version_id": draft.base_version_id,
        "content_hash": draft.content_hash, "updated_by": draft.updated_by,
        "updated_at": draft.updated_at.isoformat(),
        "lane_rule_kinds": list(LANE_RULE_KINDS), "roles": list(ROLES),
    }


def problem_dicts(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    """Problems as the editor marks them: the code, words, and where."""
    return [{"code": p.code, "text": problem_text(p), "element_id": p.element_id,
             "element_name": p.element_name, "line": p.line, "file": p.file}
            for p in problems]


def json_error(error: EngineError, status: int) -> tuple[Response, int]:
    """An engine refusal as JSON: its words, and who and when for a conflict."""
    body: dict[str, Any] = {"error": error_text(error), "code": error.code}
    for key in ("by", "revision"):
        if key in error.params:
            body[key] = error.params[key]
    if error.params.get("at") is not None:
        body["at"] = error.params["at"].isoformat()
        body["at_text"] = local_datetime(error.params["at"])
    return jsonify(body), status


def json_words(message: str, status: int) -> tuple[Response, int]:
    """A refusal of the web layer's own (malformed JSON, too large) as JSON."""
    return jsonify({"error": message}), status


def lane_rows(lanes: Any) -> list[tuple[str, str, str]]:
    """(lane id, rule, role) for each lane rule, for a table; odd entries shown as they are."""
    if not isinstance(lanes, dict):
        return []
    rows = []
    for lane_id, rule in lanes.items():
        if isinstance(rule, dict):
            rows.append((str(lane_id), str(rule.get("rule", "")), str(rule.get("role", "") or "")))
        else:
            rows.append((str(lane_id), json.dumps(rule, ensure_ascii=False), ""))
    return rows
