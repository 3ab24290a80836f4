"""The compare page: two versions' changes listed in words (and coloured); every role."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from tests.web.webtools import text


def deploy_changed(engine):
    """A copy of the procedure with a renamed step and a changed field title, deployed."""
    old_id, old = engine.catalog.current("social_media_account")
    forms = copy.deepcopy(old.source.forms)
    forms["define_account.json"]["properties"]["account_name"]["title"] = "Name of the account"
    xml = old.source.bpmn_xml.replace('name="Plan daily moderation"',
                                      'name="Plan the daily moderation"')
    lanes = dict(old.source.lanes, lane_communications={"rule": "role", "role": "admin"})
    new = engine.catalog.deploy(replace(old.source, bpmn_xml=xml, forms=forms, lanes=lanes))
    return old_id, new.version_id


def url(a, b):
    return f"/processes/social_media_account/compare?a={a}&b={b}"


def test_the_changes_are_listed_in_words(engine, client, login_as):
    a, b = deploy_changed(engine)
    login_as("owner")
    response = client.get(url(a, b))
    page = text(response)
    assert response.status_code == 200
    assert "Version 2 compared with Version 1" in page
    assert 'data-element="plan_moderation"' in page
    assert "Plan the daily moderation" in page and "Plan daily moderation" in page
    assert 'data-field="account_name"' in page
    assert "Proposed account name or handle" in page and "Name of the account" in page
    assert 'data-lane="lane_communications"' in page and "role: admin" in page
    assert "Added: green with a solid border" in page  # the legend says it in words
    assert f'data-a-url="/processes/social_media_account/versions/{a}/diagram.bpmn"' in page


def test_the_same_version_says_so(engine, client, login_as):
    a = engine.catalog.current("social_media_account")[0]
    login_as("auditor")
    page = text(client.get(url(a, a)))
    assert "The two versions are the same" in page


def test_compare_with_the_previous_version(engine, client, login_as):
    a, b = deploy_changed(engine)
    login_as("admin")
    page = text(client.get(f"/processes/social_media_account/compare?b={b}"))
    assert "Version 2 compared with Version 1" in page
    first = text(client.get(f"/processes/social_media_account/compare?b={a}"))
    assert "The two versions are the same" in first  # the first has none before it
    assert client.get("/processes/social_media_account/compare?b=99999").status_code == 404


@pytest.mark.parametrize(("who", "status"), [
    ("owner", 200), ("auditor", 200), ("admin", 200), ("staff", 403), ("manager", 403),
    ("comms1", 403),
])
def test_who_may_compare(engine, client, login_as, who, status):
    a, b = deploy_changed(engine)
    login_as(who)
    assert client.get(url(a, b)).status_code == status
    assert client.get(f"/processes/social_media_account/compare?b={b}").status_code == status


def test_without_versions_named_the_newest_change_is_shown(engine, client, login_as):
    deploy_changed(engine)
    login_as("owner")
    page = text(client.get("/processes/social_media_account/compare"))
    assert "Version 2 compared with Version 1" in page and 'data-element="plan_moderation"' in page
    only = text(client.get("/processes/account_review/compare"))
    assert "The two versions are the same" in only
    assert client.get("/processes/nothing/compare").status_code == 404


@pytest.mark.parametrize("query", [
    "?a=1", "?a=x&b=1", "?b=x", "?b=" + "9" * 40, "?a=&b=", "?a=1&b=-1", "?a=99999&b=1",
    "?a=1&b=" + "9" * 40,
    "?a=%00&b=1",
])
def test_bad_versions_are_not_found(engine, client, login_as, query):
    login_as("owner")
    response = client.get("/processes/social_media_account/compare" + query)
    assert response.status_code in (400, 404)


def test_a_version_of_another_process_is_not_found(engine, client, login_as):
    a = engine.catalog.current("social_media_account")[0]
    other = engine.catalog.current("account_review")[0]
    login_as("owner")
    assert client.get(url(a, other)).status_code == 404


def test_only_the_built_bundles_are_served(client, app, tmp_path):
    app.config["ASSETS_BUILD_DIR"] = tmp_path
    (tmp_path / "compare.js").write_text("/* built */")
    (tmp_path / "other.js").write_text("/* not ours */")
    served = client.get("/vendor/build/compare.js")
    assert served.status_code == 200 and b"built" in served.data
    assert client.get("/vendor/build/other.js").status_code == 404
    assert client.get("/vendor/build/..%2Fcompare.js").status_code == 404
