"""Reading an uploaded `.bpmn` file or a `.zip` of a process folder, as hostile input.

A zip is read member by member from its directory, with every bound checked before a byte is
inflated: how many members, how large each one says it is, how much they inflate to in total
(read in chunks, so a member lying about its size is still stopped), and only the paths a
process folder has (`<id>.bpmn`, `forms/<name>.json`, `lanes.json`, optionally inside one
folder). The diagram goes through the engine's hardened XML parser; nothing is ever run.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from dataclasses import dataclass
from typing import Any

from engine.definitions import decode_diagram, parse_xml_safely
from engine.errors import InvalidDiagram, Problem

from ._drafts import FORM_NAME, PROCESS_ID, DraftLimits

MAX_MEMBERS = 200
NS_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class UploadedFiles:
    """What an upload held: the diagram always, forms and lanes when a zip had them."""

    process_id: str
    bpmn_xml: str
    forms: dict[str, Any] | None
    lanes: dict[str, Any] | None


def read_upload(filename: str, data: bytes, limits: DraftLimits) -> UploadedFiles:
    """The files of an upload, or InvalidDiagram listing why it cannot become a draft."""
    name = (filename or "").strip()
    if len(data) > limits.upload_bytes:
        _refuse("upload.too_large", {"size": len(data), "limit": limits.upload_bytes}, name)
    lower = name.lower()
    if lower.endswith(".bpmn") or lower.endswith(".xml"):
        stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
        xml = decode_diagram(data, name)
        return UploadedFiles(_process_id(xml, stem, limits, name), xml, None, None)
    if lower.endswith(".zip"):
        return _read_zip(data, limits, name)
    _refuse("upload.unknown_kind", {"filename": name[:200]}, None)
    raise AssertionError("unreachable")


def _process_id(xml: str, stem: str, limits: DraftLimits, filename: str) -> str:
    """The process the diagram is: the one named like the file, else its only process."""
    tree = parse_xml_safely(xml, limits.diagram_bytes, filename)
    ids = [p.get("id") for p in tree.getroot().iter(f"{{{NS_BPMN}}}process") if p.get("id")]
    if stem in ids or (not ids and stem):
        chosen = stem
    elif len(ids) == 1:
        chosen = ids[0]
    else:
        _refuse("upload.no_process_id", {}, filename)
    if not PROCESS_ID.match(chosen):
        _refuse("upload.no_process_id", {}, filename)
    return chosen


def _read_zip(data: bytes, limits: DraftLimits, filename: str) -> UploadedFiles:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        _refuse("upload.not_a_zip", {}, filename)
    files = [m for m in members if not m.is_dir()]
    if len(members) > MAX_MEMBERS:
        _refuse("upload.too_many_members", {"count": len(members), "limit": MAX_MEMBERS},
                filename)
    problems: list[Problem] = []
    paths = {}
    for member in files:
        path = _safe_path(member, problems)
        if path is not None:
            paths[path] = member
    if problems:
        raise InvalidDiagram(problems)
    prefix = _common_folder(paths)
    inner = {path[len(prefix):]: member for path, member in paths.items()}
    diagrams = [p for p in inner if "/" not in p and p.lower().endswith(".bpmn")]
    if not diagrams:
        _refuse("upload.no_diagram", {}, filename)
    if len(diagrams) > 1:
        _refuse("upload.several_diagrams", {"files": sorted(diagrams)}, filename)
    for path in inner:
        if path not in diagrams and path != "lanes.json" and not (
                path.startswith("forms/") and FORM_NAME.match(path[len("forms/"):])):
            problems.append(Problem("upload.unexpected_member", {"member": prefix + path},
                                    file=filename))
    if problems:
        raise InvalidDiagram(problems)
    budget = _Budget(limits.upload_bytes * 4)
    diagram = diagrams[0]
    xml = decode_diagram(budget.read(archive, inner[diagram], limits.diagram_bytes), diagram)
    process_id = _process_id(xml, diagram[:-len(".bpmn")], limits, diagram)
    forms = {}
    for path in sorted(p for p in inner if p.startswith("forms/")):
        forms[path[len("forms/"):]] = _json(budget.read(archive, inner[path], limits.form_bytes),
                                            path, problems)
    lanes = None
    if "lanes.json" in inner:
        lanes = _json(budget.read(archive, inner["lanes.json"], limits.lanes_bytes),
                      "lanes.json", problems)
    if problems:
        raise InvalidDiagram(problems)
    return UploadedFiles(process_id, xml, forms, lanes)


def _safe_path(member: zipfile.ZipInfo, problems: list[Problem]) -> str | None:
    """A member's path when it is a plain relative file path; a problem otherwise."""
    path = member.filename
    kind = stat.S_IFMT(member.external_attr >> 16)
    parts = path.split("/")
    if ("\\" in path or path.startswith("/") or ":" in parts[0] or ".." in parts
            or "" in parts or "." in parts or kind not in (0, stat.S_IFREG)
            or member.flag_bits & 0x1):  # encrypted
        problems.append(Problem("upload.unsafe_member", {"member": path[:200]}))
        return None
    return path


def _common_folder(paths: dict[str, Any]) -> str:
    """`name/` when every member sits in one folder (a zipped process folder), else ''."""
    tops = {p.split("/", 1)[0] for p in paths}
    if len(tops) == 1 and all("/" in p for p in paths):
        return tops.pop() + "/"
    return ""


class _Budget:
    """Inflates members in chunks, stopping at each member's limit and at the total."""

    def __init__(self, total: int):
        self.left = total

    def read(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bytes:
        """A member's bytes, or InvalidDiagram when it inflates beyond a bound."""
        if member.file_size > limit:
            _refuse("upload.member_too_large", {"member": member.filename, "limit": limit},
                    None)
        out = bytearray()
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    out += chunk
                    self.left -= len(chunk)
                    if len(out) > limit or self.left < 0:
                        _refuse("upload.member_too_large",
                                {"member": member.filename, "limit": limit}, None)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError):
            _refuse("upload.not_a_zip", {}, member.filename)
        return bytes(out)


def _json(data: bytes, path: str, problems: list[Problem]) -> Any:
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        problems.append(Problem("file.not_json", {"detail": f"not UTF-8 ({error.reason})"},
                                file=path))
        return {}
    except (ValueError, RecursionError) as error:
        problems.append(Problem("file.not_json", {"detail": str(error)[:200]}, file=path,
                                line=getattr(error, "lineno", None)))
        return {}
    if not isinstance(value, dict):
        problems.append(Problem("file.not_json", {"detail": "not a JSON object"}, file=path))
        return {}
    return value


def _refuse(code: str, params: dict[str, Any], filename: str | None):
    raise InvalidDiagram([Problem(code, params, file=filename or None)])
