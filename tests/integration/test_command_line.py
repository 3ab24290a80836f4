"""The engine's command line, run as a process owner or an operator would."""

from __future__ import annotations

import shutil

from engine.__main__ import main
from tests.integration.test_procedure import register


def test_check_accepts_the_shipped_processes(capsys, engine):
    assert main(["check", str(engine.settings.processes_dir / "social_media_account")]) == 0
    assert "ok, 6 user tasks" in capsys.readouterr().out


def test_check_lists_every_problem_of_a_broken_process(capsys, engine, tmp_path):
    target = tmp_path / "social_media_account"
    shutil.copytree(engine.settings.processes_dir / "social_media_account", target)
    diagram = target / "social_media_account.bpmn"
    xml = diagram.read_text(encoding="utf-8")
    diagram.write_text(xml.replace('manager_decision == "approve"', "os.system(1)").replace(
        "<bpmn:flowNodeRef>plan_moderation</bpmn:flowNodeRef>", ""), encoding="utf-8")
    assert main(["check", str(target)]) == 1
    out = capsys.readouterr().out
    assert "refused, 2 problem(s)" in out
    assert "flow_approved_to_registration_form" in out and "plan_moderation" in out


def test_deploy_fire_timers_and_verify_on_the_configured_database(
        capsys, engine, org, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["deploy"]) == 0
    assert capsys.readouterr().out.count("already current") == 2
    request_id = register(engine, org)
    assert main(["verify", request_id]) == 0
    assert "intact" in capsys.readouterr().out
    assert main(["replay", request_id]) == 0
    assert "gives the stored state" in capsys.readouterr().out
    assert main(["replay", "no-such-instance"]) == 2
    # The command runs on the real clock, so how many fire depends on today's date.
    assert main(["fire-timers"]) == 0
    assert "failed 0" in capsys.readouterr().out
    assert main(["verify", "no-such-instance"]) == 1
    assert "no events recorded" in capsys.readouterr().out
