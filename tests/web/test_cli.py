"""The command line as `flask --app web` mounts it: the same commands as `kontoflode`."""

from __future__ import annotations

from datetime import timedelta

from tests.web.webtools import inbox_task_ids, register_account, submit_request
from web.cli import cli


def run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


def test_flask_mounts_the_very_same_commands(app):
    for name, command in cli.commands.items():
        assert app.cli.get_command(None, name) is command, name
    assert set(cli.commands) == {"check", "deploy", "worker", "verify", "replay", "users",
                                 "demo", "create-schema", "checkpoint", "export",
                                 "verify-export", "correct", "move"}
    assert set(cli.commands["users"].commands) == {"create", "update", "signout", "list"}
    assert set(cli.commands["checkpoint"].commands) == {"keygen", "create", "export", "verify"}
    assert set(cli.commands["correct"].commands) == {"reassign", "cancel", "answer"}
    assert set(cli.commands["move"].commands) == {"preview", "one", "all"}


def test_users_list_under_flask_uses_the_apps_engine(app, engine):
    engine.users.create("nina", "Nina New", "nina@ki.se", "a long password", ["auditor"])
    result = run(app, "users", "list")
    assert result.exit_code == 0, result.output
    assert "nina" in result.output and "Nina New" in result.output


def test_create_user_with_roles_and_manager(app, engine, demo):
    result = run(app, "users", "create", "ulla", "--name", "Ulla Unit", "--email", "ulla@ki.se",
                 "--password", "a long password", "--role", "staff", "--role", "manager",
                 "--manager", "director")
    assert result.exit_code == 0, result.output
    assert "Created ulla (Ulla Unit), roles: manager, staff." in result.output
    user = engine.users.find("ulla")
    assert user.manager_name == "Dan Director"
    assert engine.authenticate("ulla", "a long password").id == user.id


def test_create_user_asks_for_the_password(app, engine):
    result = run(app, "users", "create", "pia", "--name", "Pia", "--email", "pia@ki.se",
                 input="secret password\nsecret password\n")
    assert result.exit_code == 0, result.output
    assert "secret password" not in result.output
    assert engine.authenticate("pia", "secret password") is not None


def test_create_user_reports_problems(app, demo):
    taken = run(app, "users", "create", "staff", "--name", "S", "--email", "s@ki.se",
                "--password", "long enough")
    assert taken.exit_code == 1 and "taken" in taken.output
    no_manager = run(app, "users", "create", "new", "--name", "N", "--email", "n@ki.se",
                     "--password", "long enough", "--manager", "ghost")
    assert no_manager.exit_code == 1 and "There is no user 'ghost'" in no_manager.output
    bad_role = run(app, "users", "create", "new", "--name", "N", "--email", "n@ki.se",
                   "--password", "long enough", "--role", "king")
    assert bad_role.exit_code == 2


def test_deploy_prints_versions(app):
    result = run(app, "deploy")
    assert result.exit_code == 0
    assert "account_review: version" in result.output
    assert "social_media_account: version" in result.output and "unchanged" in result.output


def test_demo_deploys_and_seeds_idempotently(make_app, make_engine):
    engine = make_engine(seeded=False)
    app = make_app(engine=engine)
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    assert first.output.count("created") == 8 and "kontoflode-demo" in first.output
    assert "Sara Staff" in first.output and "comms2" in first.output
    assert "social_media_account: version" in first.output
    second = run(app, "demo")
    assert second.output.count("existed") == 8 and "created" not in second.output
    assert engine.users.find("staff").manager_name == "Maja Manager"
    assert engine.users.find("manager").manager_name == "Dan Director"


def test_create_schema_command(make_app):
    app = make_app(seeded=False)
    assert run(app, "create-schema").exit_code == 0


def test_worker_once_fires_the_due_review(app, clock, client_for):
    staff = client_for("staff")
    register_account(staff, client_for("manager"), client_for("comms1"))
    quiet = run(app, "worker", "--once")
    assert quiet.exit_code == 0 and "nothing due" in quiet.output
    clock.advance(timedelta(days=366))
    result = run(app, "worker", "--once")
    assert result.exit_code == 0, result.output
    assert "fired 1" in result.output
    assert len(inbox_task_ids(staff)) == 1
    assert "nothing due" in run(app, "worker", "--once").output  # each timer fires once


def test_update_user_moves_open_approvals_to_the_new_manager(app, engine, demo, client_for):
    from tests.web.webtools import submit_request

    submit_request(client_for("staff"))
    assert len(inbox_task_ids(client_for("manager"))) == 1
    result = run(app, "users", "update", "staff", "--manager", "director")
    assert result.exit_code == 0, result.output
    assert "manager Dan Director" in result.output
    assert inbox_task_ids(client_for("manager")) == []
    assert len(inbox_task_ids(client_for("director"))) == 1, "the approval moved with the change"


def test_update_user_roles_password_and_deactivation(app, engine, demo):
    result = run(app, "users", "update", "staff", "--add-role", "auditor", "--remove-role", "staff",
                 "--set-password", "--inactive", input="a new password\na new password\n")
    assert result.exit_code == 0, result.output
    user = engine.users.find("staff")
    assert user.roles == {"auditor"} and not user.active
    assert engine.authenticate("staff", "a new password") is None, "inactive: no sign-in"
    assert run(app, "users", "update", "staff", "--active").exit_code == 0
    assert engine.authenticate("staff", "a new password").id == user.id


def test_update_user_refuses_what_cannot_be(app, demo):
    assert "There is no user 'nobody'" in run(app, "users", "update", "nobody", "--active").output
    assert "own manager" in run(app, "users", "update", "staff", "--manager", "staff").output
    assert "no user 'ghost'" in run(app, "users", "update", "staff", "--manager", "ghost").output


def test_a_deactivated_person_is_signed_out_at_once(app, engine, demo, client_for):
    staff = client_for("staff")
    assert staff.get("/inbox").status_code == 200
    engine.users.update("staff", active=False)
    response = staff.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _request_at_approval(client_for) -> tuple[str, str]:
    """A request waiting on the manager's approval: (request id, approval task id)."""
    request_id = submit_request(client_for("staff"))
    [approval] = inbox_task_ids(client_for("manager"))
    return request_id, approval


def test_correct_reassign_and_cancel_as_an_admin(app, engine, demo, client_for):
    request_id, approval = _request_at_approval(client_for)
    moved = run(app, "correct", "reassign", approval, "director", "--reason", "Manager on leave",
                "--as", "admin")
    assert moved.exit_code == 0, moved.output
    assert [t.id for t in engine.inbox(demo["director"].id)] == [approval]
    cancelled = run(app, "correct", "cancel", request_id, "--reason", "Asked twice",
                    "--as", "admin")
    assert cancelled.exit_code == 0, cancelled.output
    assert engine.get_request(demo["admin"].id, request_id).status == "cancelled"
    assert engine.check_record(demo["admin"].id, request_id).sound


def test_correct_answer_as_an_admin_and_its_validation(app, engine, demo, client_for):
    request_id, _approval = _request_at_approval(client_for)
    define = next(h.task_id for h in engine.get_request(demo["admin"].id, request_id).history
                  if h.task_name == "define_account")
    wrong = run(app, "correct", "answer", define, "channel", "MySpace", "--reason", "Typo",
                "--as", "admin")
    assert wrong.exit_code == 1 and "channel: Choose one of" in wrong.output
    done = run(app, "correct", "answer", define, "account_name", "KI Neuro Labs",
               "--reason", "Misspelled", "--as", "admin")
    assert done.exit_code == 0, done.output
    assert engine.get_request(demo["admin"].id, request_id).title.params["account_name"] == (
        "KI Neuro Labs")


def test_correct_refuses_a_non_admin_and_a_missing_reason(app, demo, client_for):
    request_id, approval = _request_at_approval(client_for)
    refused = run(app, "correct", "cancel", request_id, "--reason", "Mine", "--as", "comms1")
    assert refused.exit_code == 1 and "Only an administrator" in refused.output
    blank = run(app, "correct", "reassign", approval, "director", "--reason", " ", "--as", "admin")
    assert blank.exit_code == 1 and "Give a reason" in blank.output
    missing = run(app, "correct", "cancel", request_id, "--as", "admin")
    assert missing.exit_code == 2

