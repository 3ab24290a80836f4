"""One hostile diagram cannot stop the server: the step fails fast while others are answered."""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine import DEMO_PASSWORD, Engine, InvalidDiagram, Settings
from tests.integration.test_wsgi_server import demo_database
from tests.support.server import Browser, GunicornServer
from tests.web.webtools import GUIDELINES

FLOW = ('<bpmn:sequenceFlow id="flow_confirm_guidelines_to_define_account" '
        'sourceRef="confirm_guidelines" targetRef="define_account" />')


def with_script(folder, script: str):
    """The request process with `script` run between the first two steps."""
    target = folder / "social_media_account"
    shutil.copytree(Settings.from_env({}).processes_dir / "social_media_account", target)
    diagram = target / "social_media_account.bpmn"
    xml = diagram.read_text(encoding="utf-8")
    assert FLOW in xml
    diagram.write_text(xml.replace(FLOW, (
        '<bpmn:sequenceFlow id="flow_confirm_to_probe" sourceRef="confirm_guidelines" '
        'targetRef="probe" />'
        f'<bpmn:scriptTask id="probe" name="Probe"><bpmn:script>{script}</bpmn:script>'
        '</bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="flow_confirm_guidelines_to_define_account" '
        'sourceRef="probe" targetRef="define_account" />')), encoding="utf-8")
    return target


def test_a_bomb_written_as_literals_is_refused_at_deploy(tmp_path):
    folder = with_script(tmp_path, "probe = [[[[0] * 10000] * 10000] * 10000] * 10000 == 1")
    engine = Engine(Settings.from_env({}, database_url=demo_database(tmp_path)))
    try:
        with pytest.raises(InvalidDiagram) as caught:
            engine.deploy_process(folder)
    finally:
        engine.dispose()
    [problem] = caught.value.problems
    assert (problem.code, problem.element_id) == ("bpmn.script_refused", "probe")
    assert problem.params["reason"] == "value_too_large"


@pytest.mark.timeout(90)
def test_a_bomb_that_depends_on_data_fails_its_step_while_the_server_answers_others(tmp_path):
    url = demo_database(tmp_path)
    engine = Engine(Settings.from_env({}, database_url=url))
    # Only the answers make this big, so only the run can bound it.
    engine.deploy_process(with_script(
        tmp_path, "probe = [[[[read_guidelines] * 10000] * 10000] * 10000] * 10000 == 1"))
    engine.dispose()
    with GunicornServer(url, tmp_path, workers=2) as server:
        staff, other = Browser(server.url, timeout=30), Browser(server.url, timeout=30)
        staff.login("staff", DEMO_PASSWORD)
        started = staff.submit("/requests/", {}, form_page="/requests/new")
        assert started.status == 303 and started.location.startswith("/tasks/")

        def hostile_step():
            began = time.monotonic()
            page = staff.submit(started.location, GUIDELINES)
            return page, time.monotonic() - began

        def others_signing_in():
            answered = []
            for _ in range(5):
                began = time.monotonic()
                answered.append((other.get("/login").status, time.monotonic() - began))
            return answered

        with ThreadPoolExecutor(2) as pool:
            hostile = pool.submit(hostile_step)
            logins = pool.submit(others_signing_in).result()
            page, took = hostile.result()
        assert page.status == 422, page.body[:500]
        assert "Probe" in page.body and "counting every repetition" in page.body
        assert took < 5
        assert [status for status, _ in logins] == [200] * 5
        assert max(seconds for _, seconds in logins) < 5
        assert not [a for a in server.answers() if a[3] >= 500], server.errors()
