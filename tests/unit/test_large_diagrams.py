"""Checking stays linear in the size of the file, however many problems it has."""

from __future__ import annotations

import time

import pytest

from engine import InvalidDiagram, load_process
from tests.support.diagrams import many_gateways, many_problems


def refused_in(source, seconds: float) -> list:
    started = time.perf_counter()
    with pytest.raises(InvalidDiagram) as caught:
        load_process(source, max_bytes=3_000_000)
    assert time.perf_counter() - started < seconds
    return caught.value.problems


def test_forty_thousand_schema_errors_are_checked_in_seconds_and_listed_in_part():
    source = many_problems(40_000)
    assert len(source.bpmn_xml.encode()) > 1_500_000
    problems = refused_in(source, 15)
    assert [p.code for p in problems[:200]] == ["bpmn.invalid"] * 200
    assert "wrong" in problems[0].params["detail"]
    assert problems[200].code == "diagram.more_problems"
    assert problems[200].params == {"count": 40_000 - 200}
    assert len(problems) == 201


def test_a_few_schema_errors_keep_their_lines_and_elements():
    problems = refused_in(many_problems(5), 2)
    assert [(p.line, p.element_id) for p in problems] == [(4 + i, f"e{i}") for i in range(5)]


def test_eleven_thousand_gateways_are_refused_quickly_as_too_many():
    [problem] = refused_in(many_gateways(11_500), 10)
    assert problem.code == "bpmn.too_many_elements"
    assert problem.params == {"count": 11_502, "limit": 300}


def test_a_long_but_allowed_chain_loads():
    assert load_process(many_gateways(250)).spec is not None
