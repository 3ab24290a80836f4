"""Communications keeps the register: edit an entry, close an account, add existing accounts
(one at a time or from a CSV file) and start a review now. Routes on the register blueprint.

Every action needs a reason, which the engine records with who and when on the account's
stream. After each, the register says what was done (the account page will take its place).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import Conflict, InvalidForm, InvalidInput, Message

from .context import get_engine, me
from .i18n import _
from .register import bp
from .wording import error_text, message_text

ENTRY_FIELDS = ("account_name", "channel", "handle", "url", "owning_unit", "owning_unit_type",
                "owner_email", "purpose")
MAX_MODERATOR_ROWS = 20
EMPTY_ROWS = 2  # blank moderator rows offered beneath the named ones
REASON_MAX = 1000
IMPORT_MAX_BYTES = 512 * 1024  # the engine refuses larger files too; this stops reading early

LABELS = {
    "account_name": "Account name", "channel": "Channel", "handle": "Handle",
    "url": "Address", "owning_unit": "Owning unit", "owning_unit_type": "Type of unit",
    "owner_email": "Owner's email", "purpose": "Purpose", "moderators": "Moderators",
    "registered_on": "Registered on", "reason": "Reason",
}


@dataclass(frozen=True)
class Problem:
    """One refused field, for the summary at the top and the message beside the field."""

    anchor: str
    label: str
    message: str


def _keeping():
    return get_engine().keeping


# ---- edit ------------------------------------------------------------------------------------


@bp.get("/<int:account_id>/edit")
@login_required
def edit(account_id: int):
    """The entry's form, filled in with what the register holds now."""
    entry = _keeping().entry(me().id, account_id)
    if entry.status == "closed":
        return _refused(Conflict("account.already_closed", closed_on=""))
    return _entry_page("edit", _typed_from(entry), revision=entry.revision,
                       account_id=account_id)


@bp.post("/<int:account_id>/edit")
@login_required
def save(account_id: int):
    """Save the edit, or show the form again with what was typed and what is wrong."""
    typed = _typed_from_form()
    revision = request.form.get("revision", "")[:100]
    try:
        changes = _keeping().edit_entry(me().id, account_id, revision, _raw(typed),
                                        typed["reason"])
    except InvalidForm as error:
        return _entry_page("edit", typed, error.messages, revision=revision,
                           account_id=account_id, status=422)
    except Conflict as error:
        if error.code != "account.changed":
            return _refused(error)
        # Their change is shown; what this person typed would undo it unseen.
        entry = _keeping().entry(me().id, account_id)
        return _entry_page("edit", {**_typed_from(entry), "reason": typed["reason"]},
                           revision=entry.revision, account_id=account_id,
                           conflict=error_text(error), status=409)
    if changes:
        flash(_("The entry of {name} was changed; the change is recorded with your reason.",
                name=typed["account_name"]), "info")
    else:
        flash(_("Nothing was changed: the entry already holds what you sent."), "info")
    return redirect(url_for("accounts.show", account_id=account_id), code=303)


# ---- add one -----------------------------------------------------------------------------------


@bp.get("/add")
@login_required
def add():
    """An empty form for an account that existed before the system."""
    _keeping().require_keeper(me().id)
    return _entry_page("add", _typed_from(None))


@bp.post("/add")
@login_required
def add_save():
    """Add the account, or show the form again with what was typed and what is wrong."""
    typed = _typed_from_form()
    try:
        account_id = _keeping().add_entry(me().id, _raw(typed), typed["reason"])
    except InvalidForm as error:
        return _entry_page("add", typed, error.messages, status=422)
    flash(_("{name} was added to the register; its first review is scheduled from its "
            "registration date.", name=typed["account_name"]), "info")
    return redirect(url_for("accounts.show", account_id=account_id), code=303)


# ---- close and review now ----------------------------------------------------------------------


@bp.get("/<int:account_id>/close")
@login_required
def close_confirm(account_id: int):
    """What closing does, a required reason, and Confirm."""
    return _confirm_open("close", account_id)


@bp.post("/<int:account_id>/close")
@login_required
def close(account_id: int):
    """Close the account; a second close says it is closed already."""
    return _confirmed("close", account_id, _keeping().close_entry,
                      _("The account was closed. Its waiting review, if any, has ended."))


@bp.get("/<int:account_id>/review")
@login_required
def review_confirm(account_id: int):
    """What starting a review now does, a required reason, and Confirm."""
    return _confirm_open("review", account_id)


@bp.post("/<int:account_id>/review")
@login_required
def review(account_id: int):
    """Start a review due now; its owner has the task at once."""
    return _confirmed("review", account_id, _keeping().start_review_now,
                      _("A review was started: its owner has it in their inbox now."))


def _confirm_open(action: str, account_id: int):
    """The confirm page of an action on an open account (a closed one says it is closed)."""
    entry = _keeping().entry(me().id, account_id)
    if entry.status == "closed":
        return _refused(Conflict("account.already_closed", closed_on=""))
    return _confirm_page(action, entry)


def _confirmed(action: str, account_id: int, run, done: str):
    """Run a confirmed action with its reason; the page again with messages if refused."""
    reason = request.form.get("reason", "")
    try:
        run(me().id, account_id, reason)
    except InvalidForm as error:
        return _confirm_page(action, _keeping().entry(me().id, account_id), reason,
                             error.messages, 422)
    except Conflict as error:
        return _refused(error)
    flash(done, "info")
    return redirect(url_for("accounts.show", account_id=account_id), code=303)


# ---- import ------------------------------------------------------------------------------------


@bp.get("/import")
@login_required
def import_form():
    """The upload form, with the columns a file needs."""
    _keeping().require_keeper(me().id)
    return _import_page()


@bp.post("/import")
@login_required
def import_file():
    """Import the file's rows: the good ones are added, the others listed by row and column."""
    reason = request.form.get("reason", "")
    upload = request.files.get("file")
    data = upload.stream.read(IMPORT_MAX_BYTES + 1) if upload else b""
    try:
        result = _keeping().import_csv(me().id, data, reason)
    except InvalidForm as error:
        return _import_page(reason, _problems(error.messages), 422)
    except InvalidInput as error:
        return _import_page(reason, [Problem("file", _("File"), error_text(error))], 422)
    rejected = [(p.row, p.column, message_text(p.message)) for p in result.rejected]
    return render_template("register_import_result.html", result=result, rejected=rejected)


# ---- pages -------------------------------------------------------------------------------------


def _entry_page(mode: str, typed: dict, messages: dict[str, list[Message]] | None = None,
                revision: str = "", account_id: int | None = None, conflict: str | None = None,
                status: int = 200):
    messages = messages or {}
    errors = {path: [message_text(m) for m in found] for path, found in messages.items()}
    rows = list(typed["moderators"])
    rows += [{"name": "", "email": "", "covers_holidays": False}] * EMPTY_ROWS
    return render_template(
        "register_entry.html", mode=mode, typed=typed, errors=errors,
        summary=_problems(messages), moderators=rows[:MAX_MODERATOR_ROWS], revision=revision,
        account_id=account_id, conflict=conflict, reason_max=REASON_MAX), status


def _confirm_page(action: str, entry, reason: str = "",
                  messages: dict[str, list[Message]] | None = None, status: int = 200):
    errors = [message_text(m) for m in (messages or {}).get("reason", [])]
    return render_template("register_confirm.html", action=action, entry=entry, reason=reason,
                           errors=errors, reason_max=REASON_MAX), status


def _import_page(reason: str = "", summary: list[Problem] | None = None, status: int = 200):
    return render_template("register_import.html", reason=reason, summary=summary or [],
                           reason_max=REASON_MAX, limit_kb=IMPORT_MAX_BYTES // 1024), status


def _refused(error: Conflict):
    """Back to the register, saying why nothing was done (closed already, ...)."""
    flash(error_text(error), "error")
    return redirect(url_for("register.index"), code=303)


def _problems(messages: dict[str, list[Message]]) -> list[Problem]:
    """The refused fields in form order, each once, for the summary."""
    found = []
    for path, items in messages.items():
        parts = path.split(".")
        label = _(LABELS.get(parts[0], parts[0]))
        if len(parts) == 3:
            label = _("Moderator {number}", number=int(parts[1]) + 1)
        anchor = path.replace(".", "-")
        found += [Problem(anchor, label, message_text(m)) for m in items]
    return found


# ---- what was typed ----------------------------------------------------------------------------


def _typed_from(entry) -> dict:
    """The form's values from the register (or empty, for an account to add)."""
    typed = {name: getattr(entry, name, "") if entry else "" for name in ENTRY_FIELDS}
    typed["moderators"] = [
        {"name": str(m.get("name", "")), "email": str(m.get("email", "")),
         "covers_holidays": m.get("covers_holidays") is True}
        for m in (entry.moderators if entry else ())]
    typed["registered_on"] = ""
    typed["reason"] = ""
    return typed


def _typed_from_form() -> dict:
    """What the person typed, bounded, kept as typed for showing the form again."""
    form = request.form
    typed = {name: form.get(name, "")[:5000] for name in ENTRY_FIELDS}
    typed["registered_on"] = form.get("registered_on", "")[:40]
    typed["reason"] = form.get("reason", "")[:REASON_MAX + 1]
    rows = []
    for i in range(MAX_MODERATOR_ROWS):
        name = form.get(f"moderators-{i}-name", "")[:500]
        email = form.get(f"moderators-{i}-email", "")[:500]
        if name.strip() or email.strip():
            rows.append({"name": name, "email": email,
                         "covers_holidays": form.get(f"moderators-{i}-covers_holidays") ==
                         "true"})
    typed["moderators"] = rows
    return typed


def _raw(typed: dict) -> dict:
    """The typed values as the engine's entry check reads them."""
    return {name: value for name, value in typed.items() if name != "reason"}
