"""Admins' pages: the admin start page, and people (search, create, change, sign out)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import ROLES, Conflict, InvalidInput, NotAllowed, PersonChange, PersonFields

from .context import get_engine, me
from .i18n import _
from .people_words import person_entry_text
from .wording import error_text

bp = Blueprint("people", __name__, url_prefix="/admin")
bp.add_app_template_filter(person_entry_text, "person_entry")
MAX_FIELD = 254  # characters kept of any typed field


@bp.get("/")
@login_required
def index():
    """What an admin can do, each a link."""
    _require_admin()
    return render_template("admin_index.html", demo_clock=get_engine().demo_clock.enabled)


@bp.get("/people")
@login_required
def people():
    """Everyone, searched by username, name or email, a page at a time."""
    page = request.args.get("page", "1")
    found = get_engine().people.search(me().id, request.args.get("q", "")[:200],
                                       int(page) if page.isdigit() and len(page) < 7 else 1)
    return render_template("admin_people.html", found=found)


@bp.get("/people/new")
@login_required
def new_person():
    """The form for adding a person."""
    _require_admin()
    return render_template("admin_person_new.html", form={}, roles=ROLES, errors=[])


@bp.post("/people")
@login_required
def create_person():
    """Add a person; a refusal re-renders the form with what was typed."""
    form = _typed(request.form)
    fields = PersonFields(form["username"], form["name"], form["email"],
                          tuple(r for r in request.form.getlist("roles") if r),
                          form["manager"] or None)
    try:
        person = get_engine().people.create(me().id, fields, form["password"] or None)
    except InvalidInput as error:
        return render_template("admin_person_new.html", form=form, roles=ROLES,
                               chosen=set(fields.roles), errors=[error_text(error)]), 422
    flash(_("{name} was added.", name=person.name), "info")
    return redirect(url_for("people.person", user_id=person.id), code=303)


@bp.get("/people/<int:user_id>")
@login_required
def person(user_id: int):
    """One person: the form to change them, and every recorded change."""
    return _person_page(user_id)


@bp.post("/people/<int:user_id>")
@login_required
def change_person(user_id: int):
    """Change a person's name, email, manager, roles or activity."""
    form = _typed(request.form)
    change = PersonChange(name=form["name"], email=form["email"],
                          manager_username=form["manager"] or None,
                          roles=frozenset(r for r in request.form.getlist("roles") if r),
                          active=request.form.get("active") == "yes")
    try:
        get_engine().people.change(me().id, user_id, _revision(), change)
    except (InvalidInput, Conflict) as error:
        return _person_page(user_id, errors=[error_text(error)], typed=form,
                            chosen=set(change.roles or ()), status=409
                            if isinstance(error, Conflict) else 422)
    flash(_("The change was saved and recorded."), "info")
    return redirect(url_for("people.person", user_id=user_id), code=303)


@bp.post("/people/<int:user_id>/sign-out")
@login_required
def sign_out(user_id: int):
    """End every session of a person."""
    try:
        get_engine().people.sign_out_everywhere(me().id, user_id, _revision())
    except Conflict as error:
        return _person_page(user_id, errors=[error_text(error)], status=409)
    flash(_("They were signed out everywhere."), "info")
    return redirect(url_for("people.person", user_id=user_id), code=303)


def _person_page(user_id: int, errors: list[str] | None = None, typed: dict | None = None,
                 chosen: set[str] | None = None, status: int = 200):
    detail = get_engine().people.person(me().id, user_id)
    person = detail.person
    form = typed or {"name": person.name, "email": person.email,
                     "manager": detail.manager_username or ""}
    return render_template("admin_person.html", detail=detail, form=form, roles=ROLES,
                           chosen=person.roles if chosen is None else chosen,
                           errors=errors or []), status


def _typed(form: Mapping[str, str]) -> dict[str, str]:
    return {key: form.get(key, "").strip()[:MAX_FIELD]
            for key in ("username", "name", "email", "manager", "password")}


def _revision() -> int:
    raw = request.form.get("revision", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1


def _require_admin() -> None:
    if not get_engine().people.may_administer(me().id):
        raise NotAllowed("people.admins_only")


def may_administer() -> bool:
    """Whether the signed-in person sees the admin pages (for the navigation)."""
    return get_engine().people.may_administer(me().id)



