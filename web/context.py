"""Per-request access to the engine and to what every page shows (the navigation)."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_login import current_user

from engine import Engine, UserView, may_administer, may_change_processes, may_read_processes

from .i18n import _

EXTENSION_KEY = "kontoflode"


def engine_of(app: Flask) -> Engine:
    """The engine an app serves."""
    return app.extensions[EXTENSION_KEY]


def get_engine() -> Engine:
    """The engine of the current app."""
    return engine_of(current_app)


def me() -> UserView:
    """The signed-in user's view (only call behind login_required)."""
    return current_user.view


def may_see_register(user: UserView) -> bool:
    """Whether to show the account register link: the engine's rule, asked once a request."""
    if "may_see_register" not in g:
        g.may_see_register = get_engine().may_view_register(user.id)
    return g.may_see_register


def may_start_requests(user: UserView) -> bool:
    """Whether to offer starting a request: the engine needs a manager to approve it."""
    return user.manager_id is not None


def navigation() -> dict:
    """Template globals for the top bar."""
    if g.get("plain_page") or not current_user.is_authenticated:
        return {"nav": None}
    user = me()
    return {"nav": {
        "user": user,
        "inbox_count": get_engine().inbox_count(user.id),
        "show_register": may_see_register(user),
        "show_requests": may_start_requests(user),
        "show_processes": may_read_processes(user),
        "show_admin": may_administer(user),
        "may_change_processes": may_change_processes(user),
    }}


def organisation_links() -> dict:
    """Template globals for the organisation's own pages: its guidelines and its contact."""
    settings = get_engine().settings
    return {"org_links": {"guidelines": settings.guidelines_url,
                          "getting_started": settings.getting_started_url,
                          "contact_email": settings.contact_email}}


def init_context(app: Flask) -> None:
    """Register the navigation context, the organisation's links and `_` for templates."""
    app.context_processor(navigation)
    app.context_processor(organisation_links)
    app.jinja_env.globals["_"] = _
