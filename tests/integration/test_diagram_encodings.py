"""A diagram saved in any encoding XML allows is checked and deployed; bad bytes are a problem."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from engine import InvalidDiagram, read_process_dir
from web.cli import cli


def saved_as(engine, tmp_path, encoding: str, bom: bool = False):
    """The review process folder with its diagram saved in `encoding`, a step renamed with å."""
    folder = tmp_path / "account_review"
    shutil.copytree(engine.settings.processes_dir / "account_review", folder)
    diagram = folder / "account_review.bpmn"
    text = diagram.read_text(encoding="utf-8").replace(
        'encoding="UTF-8"', f'encoding="{encoding}"', 1).replace(
        'name="Review due"', 'name="Granskning nåbar"', 1)
    diagram.write_bytes(text.encode("utf-16" if bom else encoding))
    return folder


@pytest.mark.parametrize(("encoding", "bom"), [("UTF-16", True), ("ISO-8859-1", False),
                                               ("windows-1252", False)])
def test_check_and_deploy_read_the_declared_encoding(engine, tmp_path, encoding, bom):
    folder = saved_as(engine, tmp_path, encoding, bom)
    checked = CliRunner().invoke(cli, ["check", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert "ok" in checked.output
    deployed = CliRunner().invoke(cli, ["deploy", str(folder)], obj=engine)
    assert deployed.exit_code == 0, deployed.output
    assert "new version" in deployed.output
    source = read_process_dir(folder)
    assert 'name="Granskning nåbar"' in source.bpmn_xml
    assert source.bpmn_xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_a_utf8_diagram_keeps_its_text_and_its_hash(engine):
    folder = engine.settings.processes_dir / "account_review"
    source = read_process_dir(folder)
    assert source.bpmn_xml == (folder / "account_review.bpmn").read_text(encoding="utf-8")


@pytest.mark.parametrize(("data", "code"), [
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<a>\n\xff\xfe</a>', "xml.encoding"),
    (b'<?xml version="1.0" encoding="no-such-codec"?>\n<a/>', "xml.encoding"),
])
def test_undecodable_bytes_are_a_problem_with_a_line_never_a_traceback(engine, tmp_path,
                                                                          data, code):
    folder = saved_as(engine, tmp_path, "UTF-8")
    (folder / "account_review.bpmn").write_bytes(data)
    with pytest.raises(InvalidDiagram) as caught:
        read_process_dir(folder)
    [problem] = caught.value.problems
    assert problem.code == code and problem.line in (1, 3)
    checked = CliRunner().invoke(cli, ["check", str(folder)])
    assert checked.exit_code == 1 and "Traceback" not in checked.output
    assert "cannot be read as" in checked.output
