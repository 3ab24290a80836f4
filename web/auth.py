"""Signing in and out with local accounts, behind the engine's identity seam."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from engine import NotFound, UserView

from .context import get_engine
from .extensions import limiter, login_manager
from .i18n import _
from .security import safe_next

bp = Blueprint("auth", __name__)


class SignedInUser:
    """The Flask-Login user: a thin wrapper around the engine's `UserView`."""

    is_anonymous = False

    def __init__(self, view: UserView):
        self.view = view

    @property
    def is_authenticated(self) -> bool:
        """Always true for a loaded user."""
        return True

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in or keep a session."""
        return self.view.active

    def get_id(self) -> str:
        """What the session keeps: the person's id and the session generation it began under."""
        return f"{self.view.id}:{self.view.session_generation}"


def load_user(session_id: str) -> SignedInUser | None:
    """Flask-Login's user loader: None for unknown ids and for sessions that have ended.

    A session ends when the person's session generation moved on since it began: they signed
    out (a copy of the cookie is refused too), changed their password, were signed out
    everywhere or deactivated.
    """
    user_id, _colon, generation = session_id.partition(":")
    try:
        view = get_engine().users.get(int(user_id))
    except (NotFound, ValueError):
        return None
    if not view.active or generation != str(view.session_generation):
        return None
    return SignedInUser(view)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Show the sign-in form; check the credentials with the engine."""
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("tasks.inbox"))
    error = None
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        user = get_engine().authenticate(username, request.form.get("password", ""))
        if user is not None and user.active:
            session.clear()  # a fresh session for the signed-in user
            login_user(SignedInUser(user))
            return redirect(target or url_for("tasks.inbox"), code=303)
        error = _("The username or password is not right.")
    status = 401 if error else 200
    return render_template("login.html", error=error, next=target,
                           username=request.form.get("username", "")), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST only, so a link or an image cannot sign anyone out).

    Every session of the person ends, so a copy of this session's cookie is worthless too.
    """
    get_engine().users.sign_out_everywhere(current_user.view.username)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"), code=303)


def init_auth(app: Flask) -> None:
    """Configure Flask-Login for this app."""
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # A session copied to another browser or network is dropped rather than trusted.
    login_manager.session_protection = "strong"
