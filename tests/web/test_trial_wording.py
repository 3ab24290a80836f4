"""Every code, element kind and compared attribute of dry runs and comparisons has words."""

from __future__ import annotations

import pytest

from engine import COMPARED_ATTRIBUTES, DRY_RUN_CODES, FIELD_ATTRIBUTES, AnswerRefused
from engine.definitions import NODE_TAGS
from web import trial_wording


@pytest.mark.parametrize("code", sorted(DRY_RUN_CODES))
def test_every_refusal_has_words(code):
    words = trial_wording.refusal_text(AnswerRefused(3, "define_account", code))
    assert words and "{" not in words and code not in words


@pytest.mark.parametrize("tag", sorted(NODE_TAGS | {"sequenceFlow", "lane", "participant"}))
def test_every_element_kind_has_words(tag):
    assert tag in trial_wording.TAGS


@pytest.mark.parametrize("name", sorted(set(COMPARED_ATTRIBUTES) | set(FIELD_ATTRIBUTES)))
def test_every_compared_attribute_has_words(name):
    assert name in trial_wording.ATTRIBUTES
    if name in FIELD_ATTRIBUTES and name == "default":
        assert "default_value" in trial_wording.ATTRIBUTES


def test_a_default_is_a_flow_of_a_gateway_and_a_value_of_a_field():
    assert trial_wording.attribute_text("default") == "default flow"
    assert trial_wording.attribute_text("default", of_field=True) == "default"


def test_values_read_as_words():
    assert trial_wording.value_text(None) == "(none)"
    assert trial_wording.value_text({"rule": "role", "role": "admin"}) == "rule: role, role: admin"
    assert trial_wording.value_text(["a", "b"]) == "a, b"
    assert trial_wording.value_text(True) == "Yes"
