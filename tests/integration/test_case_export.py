"""A request's case file is checked on a machine without the database, and one byte shows."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from engine import Engine, check_case_file
from tests.integration.conftest import write_keys
from tests.support.people import APPROVE
from tests.support.walk import do, request_until_approval
from web.cli import cli

# If verify-export tried to reach a database it would fail on this one.
NO_DATABASE = {"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/nothing"}


def verify_offline(path, *options):
    """`kontoflode verify-export` with no engine and a database URL that leads nowhere."""
    return CliRunner(env=NO_DATABASE).invoke(cli, ["verify-export", str(path), *options])


@pytest.fixture
def case(anchored, org, tmp_path):
    """A request anchored by a checkpoint and exported: (request id, file)."""
    request_id = request_until_approval(anchored, org)
    anchored.create_checkpoint()
    path = tmp_path / "case.json"
    result = CliRunner().invoke(cli, ["export", request_id, str(path)], obj=anchored)
    assert result.exit_code == 0, result.output
    assert "anchored by checkpoint 1 at seq 4" in result.output
    return request_id, path


def edited(path, change):
    """Write a copy of a case file with `change` applied to its parsed JSON."""
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    target = path.with_name("edited.json")
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return target


def one_byte(text, at):
    """The text with the character at `at` replaced by another."""
    return text[:at] + ("x" if text[at] != "x" else "y") + text[at + 1:]


def test_an_export_holds_offline_with_the_institutions_key(case, keys):
    request_id, path = case
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [e["seq"] for e in document["events"]] == [1, 2, 3, 4]
    assert {"hash", "prev_hash", "payload", "actor_id", "created_at"} <= set(
        document["events"][0])
    assert document["versions"][0]["bpmn_xml"].startswith("<?xml")
    assert document["checkpoint"]["leaf"] == [request_id, 4, document["events"][3]["hash"]]
    result = verify_offline(path, "--public-key", str(keys[1]))
    assert result.exit_code == 0, result.output
    assert "chain intact: 4 events" in result.output
    assert "is the trusted one" in result.output and f"{request_id}: HOLDS" in result.output
    plain = verify_offline(path)
    assert plain.exit_code == 0 and "named by the file itself" in plain.output


def test_one_byte_of_an_event_breaks_it(case):
    _request_id, path = case

    def change(document):
        purpose = document["events"][2]["payload"]["data"]["purpose"]
        document["events"][2]["payload"]["data"]["purpose"] = one_byte(purpose, 3)

    result = verify_offline(edited(path, change))
    assert result.exit_code == 1
    assert "chain BROKEN at event 3: its content was altered" in result.output


def test_one_byte_of_the_diagram_breaks_it(case):
    _request_id, path = case

    def change(document):
        xml = document["versions"][0]["bpmn_xml"]
        document["versions"][0]["bpmn_xml"] = one_byte(xml, xml.index('name="') + 6)

    result = verify_offline(edited(path, change))
    assert result.exit_code == 1
    assert "its diagram, forms or lanes were ALTERED" in result.output


def test_a_rehashed_file_no_longer_matches_its_checkpoint(case):
    """Rewriting the chain in the file and rehashing it cannot reach the signed root."""
    _request_id, path = case
    document = json.loads(path.read_text(encoding="utf-8"))
    document["checkpoint"]["leaf"][2] = "0" * 64
    assert check_case_file(document).anchor == ("leaf_mismatch", "proof_mismatch")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["checkpoint"]["proof"][0][1] = "0" * 64
    assert check_case_file(document).anchor == ("proof_mismatch",)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["checkpoint"]["statement"]["root"] = "0" * 64
    assert check_case_file(document).anchor == ("signature_invalid", "proof_mismatch")


def test_a_case_file_signed_with_another_key_is_refused(anchored, org, tmp_path, keys):
    request_id = request_until_approval(anchored, org)
    forger_key, _public = write_keys(tmp_path, "forger.pem")
    forger = Engine(replace(anchored.settings, checkpoint_key=forger_key), clock=anchored.clock)
    try:
        forger.create_checkpoint()
        document = forger.case_file(request_id)
    finally:
        forger.dispose()
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = verify_offline(path, "--public-key", str(keys[1]))
    assert result.exit_code == 1
    assert "signed with another key than the trusted one" in result.output


def test_events_after_the_checkpoint_are_shown_as_not_covered(anchored, org, tmp_path, keys):
    request_id = request_until_approval(anchored, org)
    assert check_case_file(anchored.case_file(request_id)).anchor == ("not_anchored",)
    anchored.create_checkpoint()
    do(anchored, org.manager, "manager_approval", APPROVE)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(anchored.case_file(request_id)), encoding="utf-8")
    result = verify_offline(path, "--public-key", str(keys[1]))
    assert result.exit_code == 0, result.output
    assert "events after 4 are not covered by a checkpoint" in result.output


def test_a_file_that_is_not_a_case_file_is_refused_plainly(tmp_path):
    path = tmp_path / "nonsense.json"
    for content in ("{", "[]", '{"format": "kontoflode-case/1"}'):
        path.write_text(content, encoding="utf-8")
        result = verify_offline(path)
        assert result.exit_code == 1, content
        assert result.exception is None or isinstance(result.exception, SystemExit), content
