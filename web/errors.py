"""Engine errors and HTTP errors as pages that say what happened, never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from engine import (
    Conflict,
    DatabaseUnavailable,
    InvalidDiagram,
    InvalidForm,
    InvalidInput,
    NotAllowed,
    NotFound,
    ProcessFailed,
    TaskAlreadyDone,
    VersionAltered,
)

from .i18n import _
from .wording import error_text, problem_text

TITLES = {
    400: "The request could not be handled",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "This action is not possible here",
    409: "Someone else changed this",
    413: "What you sent is too large",
    422: "This could not be done",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}
MESSAGES = {
    400: "The request was not understood. Go back and try again.",
    403: "You are signed in, but this page is not open to you.",
    404: "There is nothing at this address. The link may be old, or the item was removed.",
    405: "This address does not accept that kind of request.",
    429: "There were too many attempts in a short time. Wait a minute and try again.",
    500: "The error has been logged. Try again in a moment; if it keeps happening, contact "
         "the service desk.",
}


def error_page(status: int, message: str | None = None, title: str | None = None,
               hint: str | None = None):
    """Render the shared error page with a status code."""
    return render_template(
        "error.html", status=status, title=title or _(TITLES.get(status, "Error")),
        message=message or _(MESSAGES.get(status, "")), hint=hint,
    ), status


def _http(error: HTTPException):
    if error.code == 413:  # the limit of the route asked (an upload's is larger than a form's)
        megabytes = round((request.max_content_length or 0) / (1024 * 1024), 1)
        return error_page(413, _("What you sent is larger than the limit of {size} MB. Make "
                                 "it smaller and try again.", size=f"{megabytes:g}"))
    return error_page(error.code or 500)


def _not_allowed(error: NotAllowed):
    return error_page(403, error_text(error))


def _not_found(error: NotFound):
    return error_page(404, error_text(error))


def _already_done(error: TaskAlreadyDone):
    return error_page(409, error_text(error), title=_("This task is already done"),
                      hint=_("Your answers were not saved. Check your inbox for what is next."))


def _conflict(error: Conflict):
    return error_page(409, error_text(error),
                      hint=_("Someone else changed this while you were working on it. Reload the "
                             "page to see the latest version, then try again."))


def _invalid_input(error: InvalidInput):
    return error_page(400, error_text(error))


def _unprocessable(error: ProcessFailed | InvalidForm):
    return error_page(422, error_text(error))


def _invalid_diagram(error: InvalidDiagram):
    # Pages that expect a refused diagram show its problems beside the form; elsewhere (an
    # approval whose version no longer loads) the problems are listed here.
    return error_page(422, error_text(error),
                      hint="; ".join(problem_text(p) for p in error.problems[:20]))


def _version_altered(error: VersionAltered):
    # Not the reader's doing and not a bug: the stored procedure was edited in place, so the
    # engine refuses to run it. Logged loudly for the administrators.
    current_app.logger.error("Refused an altered process version: %s", error)
    return error_page(503, error_text(error), title=_("This procedure cannot run right now"),
                      hint=_("Nothing was changed. Tell the system's administrators; an auditor "
                             "can see the details on the request's record check."))


def _unavailable(error: DatabaseUnavailable):
    # Logged with its cause for the administrators; the page asks nothing more of the database.
    current_app.logger.error("The database refused the work: %r", error.__cause__)
    g.plain_page = True
    return error_page(503, error_text(error), title=_("Nothing was saved"),
                      hint=_("The database is busy or cannot be written to right now. Wait a "
                             "moment and send the form again; if it keeps happening, contact "
                             "the service desk."))


def _csrf(error: CSRFError):
    return error_page(400, _("The form has expired or was not sent from this site. Reload the "
                             "page and send it again."), title=_("The form expired"))


def _internal(error: InternalServerError):
    # Flask has logged the original exception with its traceback; the page shows none of it,
    # and asks nothing of the database, which may be what failed.
    g.plain_page = True
    return error_page(500)


def init_errors(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(InternalServerError, _internal)
    app.register_error_handler(NotAllowed, _not_allowed)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(TaskAlreadyDone, _already_done)
    app.register_error_handler(Conflict, _conflict)
    app.register_error_handler(InvalidInput, _invalid_input)
    app.register_error_handler(ProcessFailed, _unprocessable)
    app.register_error_handler(InvalidForm, _unprocessable)
    app.register_error_handler(InvalidDiagram, _invalid_diagram)
    app.register_error_handler(VersionAltered, _version_altered)
    app.register_error_handler(DatabaseUnavailable, _unavailable)
