"""Sessions end when they should: sign-out, a new password, an administrator's sign-out."""

from __future__ import annotations

import pytest

from tests.web.webtools import post, text
from web.cli import cli


def copy_of(app, browser):
    """Another browser holding a copy of this browser's session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, browser.get_cookie(name).value)
    return thief


def signed_out(browser) -> bool:
    """True when the browser is sent to the sign-in page instead of its inbox."""
    response = browser.get("/inbox")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_copied_cookie_works_only_while_its_session_lasts(app, client_for):
    staff = client_for("staff")
    thief = copy_of(app, staff)
    assert thief.get("/inbox").status_code == 200, "a copy works until the session ends"
    assert post(staff, "/logout").status_code == 303
    assert signed_out(staff) and signed_out(thief)


def test_signing_in_again_after_signing_out_works(app, client_for, login_as):
    staff = client_for("staff")
    post(staff, "/logout")
    login_as("staff", staff)
    assert staff.get("/inbox").status_code == 200


def test_a_new_password_ends_every_session(app, engine, demo, client_for):
    staff = client_for("staff")
    thief = copy_of(app, staff)
    engine.users.update("staff", password="a brand new password")
    assert signed_out(staff) and signed_out(thief)


def test_other_changes_keep_the_session(app, engine, demo, client_for):
    staff = client_for("staff")
    engine.users.update("staff", add_roles=("auditor",))
    assert staff.get("/inbox").status_code == 200


def test_a_reactivated_person_signs_in_afresh(app, engine, demo, client_for):
    staff = client_for("staff")
    thief = copy_of(app, staff)
    engine.users.update("staff", active=False)
    engine.users.update("staff", active=True)
    assert signed_out(staff) and signed_out(thief), "deactivation ended the sessions for good"


def test_an_administrator_signs_a_person_out_everywhere(app, demo, client_for):
    staff, elsewhere, manager = client_for("staff"), client_for("staff"), client_for("manager")
    result = app.test_cli_runner().invoke(cli, ["users", "signout", "staff"])
    assert result.exit_code == 0, result.output
    assert "Signed staff (Sara Staff) out everywhere." in result.output
    assert signed_out(staff) and signed_out(elsewhere)
    assert manager.get("/inbox").status_code == 200, "nobody else is signed out"


def test_signing_out_someone_unknown_says_so(app, demo):
    result = app.test_cli_runner().invoke(cli, ["users", "signout", "nobody"])
    assert result.exit_code != 0 and "There is no user 'nobody'" in result.output


@pytest.mark.parametrize("stored", ["1", "1:99", "x:0", ""])
def test_a_session_from_before_generations_or_forged_is_refused(app, stored):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = stored
        session["_fresh"] = True
    assert signed_out(browser)
    assert "sign in" in text(browser.get("/inbox", follow_redirects=True)).lower()
