"""Kontoflöde's web layer: a thin, server-rendered Flask UI over the engine's use cases."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, url_for
from flask_login import current_user

from engine import Engine, Settings

from . import (
    accounts,
    admin_tasks,
    answer_check,
    auth,
    cover,
    demo_clock,
    mail_pages,
    my_accounts,
    notifications,
    people,
    process_editor,
    process_moves,
    process_trials,
    processes,
    register,
    register_keeping,  # noqa: F401  (its routes are on the register blueprint)
    requests,
    tasks,
    vendor,
    withdrawal,  # noqa: F401  (its routes are on the requests blueprint)
)
from .cli import init_cli
from .config import base_config
from .context import EXTENSION_KEY, engine_of, init_context
from .errors import init_errors
from .extensions import csrf, limiter
from .filters import init_filters
from .inputs import init_inputs
from .security import init_security
from .wording import init_wording


def create_app(test_config: dict[str, Any] | None = None, *, engine: Engine | None = None) -> Flask:
    """Build the app over the given engine (else one from the environment's settings)."""
    test_config = dict(test_config or {})
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(base_config(app.instance_path, app.debug, test_config))
    app.extensions[EXTENSION_KEY] = engine if engine is not None else Engine(Settings.from_env())
    processes.init_processes(app)  # body limits first: the CSRF check reads the body
    csrf.init_app(app)
    limiter.init_app(app)
    auth.init_auth(app)
    for blueprint in (auth.bp, tasks.bp, requests.bp, answer_check.bp, register.bp, accounts.bp,
                      processes.bp, process_editor.bp, process_trials.bp, process_moves.bp,
                      people.bp, admin_tasks.bp, mail_pages.bp, my_accounts.bp, cover.bp,
                      notifications.bp,
                      vendor.bp):
        app.register_blueprint(blueprint)
    demo_clock.init_demo_clock(app, engine_of(app).demo_clock.enabled)
    app.add_url_rule("/", "home", home)
    init_context(app)
    init_filters(app)
    init_wording(app)
    init_security(app)
    init_inputs(app)
    init_errors(app)
    init_cli(app)
    return app


def home():
    """Signed-in people start at their inbox; everyone else at the sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("tasks.inbox"))
    return redirect(url_for("auth.login"))


__all__ = ["create_app"]
