"""The `kontoflode` command line, run as a process owner or an operator would."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine import DEMO_PEOPLE, Engine, FixedClock, Settings
from engine.store import Instance
from tests.integration.test_contract import renamed_field_copy
from tests.support.databases import create_tables, fresh_database_url
from tests.support.walk import register
from web.cli import cli


@pytest.fixture
def kontoflode(engine):
    """Run `kontoflode ARGS...` on the test's engine; returns click's result."""

    def run(*args, input=None):
        return CliRunner().invoke(cli, list(args), obj=engine, input=input)

    return run


def test_check_accepts_the_shipped_processes(engine):
    folder = engine.settings.processes_dir / "social_media_account"
    result = CliRunner().invoke(cli, ["check", str(folder)])  # no database needed
    assert result.exit_code == 0, result.output
    assert "ok, 6 user tasks" in result.output


def test_check_lists_every_problem_of_a_broken_process(engine, tmp_path):
    target = tmp_path / "social_media_account"
    shutil.copytree(engine.settings.processes_dir / "social_media_account", target)
    diagram = target / "social_media_account.bpmn"
    xml = diagram.read_text(encoding="utf-8")
    diagram.write_text(xml.replace('manager_decision == "approve"', "os.system(1)").replace(
        "<bpmn:flowNodeRef>plan_moderation</bpmn:flowNodeRef>", ""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(target)])
    assert result.exit_code == 1
    assert "refused, 2 problem(s)" in result.output
    assert "flow_approved_to_registration_form" in result.output
    assert "plan_moderation" in result.output


def test_check_refuses_a_condition_value_the_form_never_gives(engine, tmp_path):
    target = tmp_path / "social_media_account"
    shutil.copytree(engine.settings.processes_dir / "social_media_account", target)
    diagram = target / "social_media_account.bpmn"
    diagram.write_text(diagram.read_text(encoding="utf-8").replace(
        'manager_decision == "approve"', 'manager_decision == "approved"'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(target)])
    assert result.exit_code == 1
    assert "refused, 1 problem(s)" in result.output
    assert "flow_approved_to_registration_form" in result.output and "(Approved)" in result.output
    assert '"approved"' in result.output and '"approve", "reject"' in result.output


def test_check_refuses_a_missing_folder(tmp_path):
    assert CliRunner().invoke(cli, ["check", str(tmp_path / "nothing")]).exit_code == 2


def test_deploy_is_idempotent(kontoflode, engine, tmp_path):
    first = kontoflode("deploy")
    assert first.exit_code == 0, first.output
    assert first.output.count("unchanged") == 2, "the fixture deployed them already"
    changed = tmp_path / "account_review"
    shutil.copytree(engine.settings.processes_dir / "account_review", changed)
    bpmn = changed / "account_review.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = kontoflode("deploy", str(changed))
    assert second.exit_code == 0, second.output
    assert "account_review: version" in second.output and "new version" in second.output
    assert "unchanged" in kontoflode("deploy", str(changed)).output
    by_name = kontoflode("deploy", "account_review")
    assert "earlier version made current again" in by_name.output


def test_deploy_reports_a_refused_process(kontoflode, tmp_path):
    (tmp_path / "empty").mkdir()
    result = kontoflode("deploy", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "Error: The process definition was refused" in result.output
    assert "There is no diagram empty.bpmn" in result.output


def test_users_create_update_and_list(kontoflode, engine, org):
    created = kontoflode("users", "create", "ulla", "--name", "Ulla Unit", "--email",
                         "ulla@ki.se", "--role", "staff", "--manager", "manager",
                         input="a long password\na long password\n")
    assert created.exit_code == 0, created.output
    assert "Created ulla (Ulla Unit), roles: staff." in created.output
    assert engine.authenticate("ulla", "a long password") is not None
    updated = kontoflode("users", "update", "ulla", "--manager", "director",
                         "--add-role", "manager", "--inactive")
    assert updated.exit_code == 0, updated.output
    assert "roles manager, staff; manager Dana Director; inactive." in updated.output
    assert engine.authenticate("ulla", "a long password") is None
    listed = kontoflode("users", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].split() == ["Username", "Name", "Roles", "Manager", "Status"]
    usernames = [line.split()[0] for line in lines[1:]]
    assert usernames == sorted(["comms", "comms2", "director", "manager", "outsider",
                                "staff", "ulla"])
    ulla = next(line for line in lines if line.startswith("ulla"))
    assert "manager, staff" in ulla and "Dana Director" in ulla and ulla.endswith("inactive")


def test_users_update_refuses_an_unknown_person(kontoflode, org):
    result = kontoflode("users", "update", "nobody", "--active")
    assert result.exit_code == 1 and "There is no user 'nobody'" in result.output


def test_worker_once_fires_due_timers(kontoflode, engine, org, clock):
    register(engine, org)
    quiet = kontoflode("worker", "--once")
    assert quiet.exit_code == 0 and "timers: nothing due" in quiet.output
    clock.advance(timedelta(days=366))
    fired = kontoflode("worker", "--once")
    assert fired.exit_code == 0, fired.output
    assert "timers: fired 1, skipped 0, failed 0" in fired.output
    assert "nothing due" in kontoflode("worker", "--once").output, "each timer fires once"


def test_worker_once_reports_a_failing_instance_with_exit_code_1(kontoflode, engine, org, clock):
    register(engine, org)
    with engine.uow.write() as session:
        session.scalars(select(Instance).where(
            Instance.process_id == "account_review")).one().state = "{not json"
    clock.advance(timedelta(days=366))
    result = kontoflode("worker", "--once")
    assert result.exit_code == 1
    assert "failed 1" in result.output and "JSONDecodeError" in result.output


def test_verify_and_replay_an_instance(kontoflode, engine, org):
    request_id = register(engine, org)
    verified = kontoflode("verify", request_id)
    assert verified.exit_code == 0 and "intact" in verified.output
    replayed = kontoflode("replay", request_id)
    assert replayed.exit_code == 0 and "gives the stored state" in replayed.output
    missing = kontoflode("verify", "no-such-instance")
    assert missing.exit_code == 1 and "no events recorded" in missing.output
    unknown = kontoflode("replay", "no-such-instance")
    assert unknown.exit_code == 1 and "There is no such instance" in unknown.output


def test_verify_and_replay_find_a_tampered_instance(kontoflode, engine, org):
    request_id = register(engine, org)
    with engine.uow.write() as session:
        instance = session.get(Instance, request_id)
        instance.state = instance.state.replace("@kineurolab", "@someoneelse")
    replayed = kontoflode("replay", request_id)
    assert replayed.exit_code == 1
    assert "differs from its replayed log" in replayed.output


def test_the_console_script_builds_its_engine_from_the_environment(
        engine, org, database_url, monkeypatch):
    """No engine is passed in: `kontoflode` reads DATABASE_URL like a deployment would."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    request_id = register(engine, org)
    runner = CliRunner()
    assert runner.invoke(cli, ["deploy"]).output.count("unchanged") == 2
    assert "intact" in runner.invoke(cli, ["verify", request_id]).output
    listed = runner.invoke(cli, ["users", "list"])
    assert "Sara Staff" in listed.output
    # The command runs on the real clock, so how many fire depends on today's date.
    swept = runner.invoke(cli, ["worker", "--once"])
    assert swept.exit_code == 0 and swept.output.startswith("timers: "), swept.output


def test_demo_seeds_the_organisation_once(tmp_path):
    url = fresh_database_url(tmp_path)
    create_tables(url)
    engine = Engine(Settings.from_env({}, database_url=url), clock=FixedClock())
    try:
        first = CliRunner().invoke(cli, ["demo"], obj=engine)
        assert first.exit_code == 0, first.output
        assert first.output.count("new version") == 2
        assert first.output.count("created") == len(DEMO_PEOPLE)
        assert engine.users.find("staff").manager_name == "Maja Manager"
        second = CliRunner().invoke(cli, ["demo"], obj=engine)
        assert second.output.count("existed") == len(DEMO_PEOPLE)
        assert second.output.count("unchanged") == 2
    finally:
        engine.dispose()


def test_check_refuses_a_renamed_field_the_register_reads(tmp_path):
    folder = renamed_field_copy(tmp_path, "define_account", "account_name", "account_title")
    result = CliRunner().invoke(cli, ["check", str(folder)])
    assert result.exit_code == 1
    assert "refused, 1 problem(s)" in result.output
    assert ("The field 'account_name' is missing from forms/define_account.json. It is needed "
            "because the register's account name and the request's title.") in result.output
