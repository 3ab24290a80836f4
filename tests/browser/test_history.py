"""An auditor steps through a request's history in Chromium and takes its case file away.

The request is driven through the engine (the journey test covers doing it through the forms):
Sara asks, her manager Maja sends it back with a reason, Sara revises, Maja approves. Alva the
auditor then opens its history, chooses the rejection, sees the diagram and answers as they
stood, prints the record, and downloads the case file, which checks offline.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from engine import Engine, check_case_file, generate_key_pair
from tests.support.people import ACCOUNT, GUIDELINES, MODERATION

pytestmark = pytest.mark.browser

REASON = "Please name the funders among the target audiences and say so in the purpose."
REVISED_PURPOSE = "Share the lab's research on synapses with the public, students and funders"
REQUEST = "KI Neuro Lab on Instagram"


def do(engine, username: str, task_name: str, data: dict) -> None:
    """Complete the person's one waiting task of that name, a few minutes after the last step."""
    user = engine.users.find(username)
    [task] = [t for t in engine.inbox(user.id) if t.task_name == task_name]
    engine.complete_task(user.id, task.id, data)


def rejected_then_approved(server) -> str:
    """A request sent back once with a reason, revised and approved; its id."""
    engine, clock = server.engine, server.clock
    staff = engine.users.find("staff")
    request_id = engine.start_request(staff.id).instance_id
    steps = [("staff", "confirm_guidelines", GUIDELINES),
             ("staff", "define_account", ACCOUNT),
             ("staff", "plan_moderation", MODERATION),
             ("manager", "manager_approval",
              {"manager_decision": "reject", "rejection_reason": REASON}),
             ("staff", "define_account", {**ACCOUNT, "purpose": REVISED_PURPOSE}),
             ("staff", "plan_moderation", MODERATION),
             ("manager", "manager_approval", {"manager_decision": "approve"})]
    for who, task, data in steps:
        clock.advance(timedelta(minutes=17, seconds=3))
        do(engine, who, task, data)
    return request_id


def test_an_auditor_steps_to_the_rejection_and_takes_the_case_file_away(
        people, server, shot, problems, tmp_path):
    request_id = rejected_then_approved(server)
    private, public = generate_key_pair()
    (tmp_path / "key.pem").write_bytes(private)
    (tmp_path / "key.pem.pub").write_bytes(public)
    signer = Engine(replace(server.engine.settings, checkpoint_key=tmp_path / "key.pem"),
                    clock=server.clock)
    signer.create_checkpoint()  # what the worker does every hour
    signer.dispose()

    alva = people.sign_in("auditor")
    alva.goto(f"/requests/{request_id}")
    expect(alva.get_by_role("heading", level=1)).to_have_text(REQUEST)
    alva.get_by_role("link", name="Step through the history").click()
    expect(alva.get_by_role("heading", level=1)).to_have_text(REQUEST)
    expect(alva.get_by_role("heading", level=2, name=re.compile(r"^Step 8 of 8"))).to_be_visible()
    expect(alva.locator(".version-line")).to_contain_text(
        "Process version 1 of social_media_account")
    shot(alva, "auditor-history-latest")

    # The rejection: Maja's fifth event, with the reason, and Sara's description waiting again.
    timeline = alva.get_by_role("region", name="Every step")
    rejection = timeline.get_by_role("link", name=re.compile("Maja Manager.*Reject"))
    expect(rejection).to_have_count(1)
    rejection.click()
    expect(alva).to_have_url(re.compile(r"/history\?step=5$"))
    now = alva.locator(".step-now")
    expect(now.get_by_role("heading", level=2)).to_contain_text("Step 5 of 8")
    expect(now.locator(".step-who")).to_contain_text("By Maja Manager")
    expect(now.locator(".step-who time")).to_have_text(
        re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CET$"))
    expect_diagram(alva, done=("confirm_guidelines", "plan_moderation", "manager_approval"),
                   waiting="define_account", not_reached=("registration_form",
                                                          "register_account"))
    answers = now.locator(".step-answers")
    expect(answers).to_contain_text(REASON)
    expect(answers).to_contain_text(ACCOUNT["purpose"])
    expect(answers).not_to_contain_text(REVISED_PURPOSE)
    expect(timeline.locator('a[aria-current="step"]')).to_have_count(1)
    shot(alva, "auditor-history-rejection")

    # The next step: Sara's revision, now with the revised purpose.
    now.get_by_role("link", name="Next step").click()
    expect(alva).to_have_url(re.compile(r"/history\?step=6$"))
    expect(alva.locator(".step-answers")).to_contain_text(REVISED_PURPOSE)

    # Printed, the page is the record: every event with its answers, no diagram or buttons.
    alva.emulate_media(media="print")
    expect(alva.locator(".step-now")).to_be_hidden()
    expect(alva.locator(".topbar")).to_be_hidden()
    expect(timeline.locator(".print-only").first).to_be_visible()
    expect(timeline).to_contain_text(REASON)
    expect(timeline).to_contain_text(REVISED_PURPOSE)
    shot(alva, "auditor-history-printed")
    alva.emulate_media(media="screen")

    # The case file, downloaded, checks offline: with the engine's check and the command.
    expect(alva.get_by_text("kontoflode verify-export FILE")).to_be_visible()
    with alva.expect_download() as download_info:
        alva.get_by_role("link", name="Download the case file").click()
    download = download_info.value
    assert download.suggested_filename == f"case-file-{request_id}.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    check = check_case_file(document, public.decode("ascii"))
    assert check.holds, check
    assert check.events == 8 and check.key_trusted
    command = Path(sys.executable).with_name("kontoflode")
    done = subprocess.run([str(command), "verify-export", str(saved), "--public-key",
                           str(tmp_path / "key.pem.pub")], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "chain intact: 8 events" in done.stdout
    shot(alva, "auditor-history-after-download")

    problems.assert_none()


def expect_diagram(page, done: tuple[str, ...], waiting: str,
                   not_reached: tuple[str, ...]) -> None:
    """bpmn-js drew the diagram as it stood: done steps, the one waiting step, the rest plain."""
    canvas = page.locator("#diagram .diagram-canvas")
    expect(canvas.locator("svg").first).to_be_visible()
    for step in done:
        expect(canvas.locator(f'g.djs-element[data-element-id="{step}"]')) \
            .to_have_class(re.compile(r"\bstep-done\b"))
    current = canvas.locator("g.djs-element.step-current")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("data-element-id", waiting)
    for step in not_reached:
        expect(canvas.locator(f'g.djs-element[data-element-id="{step}"]')) \
            .not_to_have_class(re.compile(r"\bstep-(done|current)\b"))
    expect(page.locator("#diagram.diagram-failed")).to_have_count(0)
