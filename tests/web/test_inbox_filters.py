"""The inbox's filters, sort orders, pages and counts, driven through HTTP as a person would."""

from __future__ import annotations

import re

import pytest

from tests.support.walk import request_until_approval
from tests.web.webtools import inbox_task_ids, post, submit_request, text


@pytest.fixture
def manager_with_two(client, login_as):
    """Two requests by Sara waiting on her manager's approval; the manager signed in."""
    login_as("staff")
    submit_request(client, {"account_name": "KI Neuro Lab"})
    submit_request(client, {"account_name": "Cancer Outreach"})
    login_as("manager")
    return client


def test_search_finds_a_request_by_its_account_name(manager_with_two):
    assert len(inbox_task_ids(manager_with_two)) == 2
    page = text(manager_with_two.get("/inbox?q=neuro"))
    assert "KI Neuro Lab" in page and "Cancer Outreach" not in page
    assert "1 tasks" in page
    assert "No such" not in page


def test_search_with_wildcards_is_literal(manager_with_two):
    assert text(manager_with_two.get("/inbox?q=%25")).count('href="/tasks/') == 0


def test_step_filter_and_counts(manager_with_two):
    page = text(manager_with_two.get("/inbox"))
    assert "Approve the account (2)" in page
    assert len(inbox_task_ids(manager_with_two)) == 2
    none = text(manager_with_two.get("/inbox?step=register_account"))
    assert 'href="/tasks/' not in none


def test_role_filter_me_and_a_role_i_do_not_hold(manager_with_two):
    assert "Me (2)" in text(manager_with_two.get("/inbox"))
    assert len(TASKS(manager_with_two, "/inbox?role=me")) == 2
    assert len(TASKS(manager_with_two, "/inbox?role=communications")) == 0


def TASKS(client, url):
    """The task ids a page of the inbox links to, in order."""
    return re.findall(r'href="/tasks/([0-9a-f-]{36})"', client.get(url).get_data(as_text=True))


def test_sorts_order_oldest_or_newest_first(manager_with_two):
    oldest = TASKS(manager_with_two, "/inbox?sort=waiting")
    newest = TASKS(manager_with_two, "/inbox?sort=newest")
    assert newest == list(reversed(oldest))
    assert TASKS(manager_with_two, "/inbox?sort=deadline") == oldest  # no deadlines: oldest first


@pytest.mark.parametrize("query", ["page=0", "page=9999", "page=abc", "sort=bogus",
                                   "role=admin", "step=nope", "q=" + "x" * 500])
def test_bad_parameters_fall_back_instead_of_failing(manager_with_two, query):
    response = manager_with_two.get(f"/inbox?{query}")
    assert response.status_code == 200
    if query in ("page=0", "page=9999", "page=abc", "sort=bogus"):
        assert len(TASKS(manager_with_two, f"/inbox?{query}")) == 2


def test_pages_of_25(client, login_as, engine, demo):
    for _ in range(27):
        request_until_approval(engine, None, demo["staff"])
    login_as("manager")
    first = TASKS(client, "/inbox")
    second = TASKS(client, "/inbox?page=2")
    assert len(first) == 25 and len(second) == 2
    assert not set(first) & set(second)
    assert "Page 1 of 2" in text(client.get("/inbox"))
    assert TASKS(client, "/inbox?page=9999") == second
    assert post(client, "/inbox").status_code in (405, 400)
