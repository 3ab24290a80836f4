"""The draft editor: bpmn-js's Modeler over a process's draft, and its live form preview."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_login import login_required

from engine import FormDefinitionError, NotAllowed

from .context import get_engine, me
from .editor_words import editor_words
from .formview import build_form, initial_values
from .i18n import _
from .vendor import editor_bundle_version
from .wording import error_text, problem_text

bp = Blueprint("process_editor", __name__, url_prefix="/processes")

# A form schema is a few kilobytes; the preview refuses anything far larger before parsing it.
MAX_PREVIEW_BYTES = 256 * 1024


@bp.get("/<process_id>/draft/edit")
@login_required
def edit(process_id: str):
    """The modeler page for a process's draft (process owners only, as the engine decides)."""
    draft = get_engine().editable_draft(me().id, process_id)
    version = editor_bundle_version()
    bundle = url_for("vendor.editor_bundle", v=version) if version else None
    # The draft's JSON endpoints sit beside this page (/processes/<id>/draft/...).
    base = url_for("process_editor.edit", process_id=process_id).rsplit("/", 1)[0]
    return render_template("process_editor.html", draft=draft, process_id=process_id,
                           draft_url=base, bundle_url=bundle, words=json.dumps(editor_words()))


@bp.post("/<process_id>/draft/form-preview")
@login_required
def form_preview(process_id: str):
    """A JSON schema in; the staff form's HTML fragment out, or the schema's problems in words.

    Nothing is stored: the engine checks the person may change processes and builds the form.
    """
    schema, trouble = _read_schema()
    try:
        # The engine decides who may preview before anything about the body is said.
        form = get_engine().preview_form(me().id, None if trouble else schema)
    except NotAllowed as error:
        return jsonify(ok=False, error=error_text(error)), 403
    except FormDefinitionError as error:
        return jsonify(ok=False, problems=[trouble] if trouble else
                       [problem_text(p) for p in error.problems])
    views, _summary = build_form(form.fields, initial_values(form.fields, {}))
    html = render_template("_form_preview.html", form=form, fields=views)
    return jsonify(ok=True, html=html)


def _read_schema() -> tuple[Any, str | None]:
    """The request's JSON body, or what is wrong with it in words."""
    if (request.content_length or 0) > MAX_PREVIEW_BYTES:
        return None, _("The form is larger than {n} KB.", n=MAX_PREVIEW_BYTES // 1024)
    data = request.get_data(cache=False)
    if len(data) > MAX_PREVIEW_BYTES:
        return None, _("The form is larger than {n} KB.", n=MAX_PREVIEW_BYTES // 1024)
    try:
        return json.loads(data.decode("utf-8")), None
    except (ValueError, RecursionError):
        # RecursionError: JSON nested deeper than Python's parser goes.
        return None, _("The form is not valid JSON.")

