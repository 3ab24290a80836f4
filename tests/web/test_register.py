"""The account register: listing, filters, sorting and the CSV export."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.web.webtools import register_account, text


@pytest.fixture
def comms(client_for):
    """Communications, with three accounts registered by three requesters."""
    staff, manager, officer = client_for("staff"), client_for("manager"), client_for("comms1")
    register_account(staff, manager, officer)
    register_account(staff, manager, officer,
                     {"account_name": "Global Health", "channel": "LinkedIn",
                      "owning_unit": "Department of Global Public Health",
                      "owning_unit_type": "Department"},
                     {"registered_handle": "ki-global-health", "registered_on": "2026-01-03"})
    register_account(staff, manager, officer,
                     {"account_name": "=HYPERLINK(\"http://evil.example\")", "channel": "X",
                      "owning_unit": "+SUM(A1:A9)"},
                     {"registered_handle": "@handle", "registered_url": "https://x.com/h"})
    return officer


def rows_of(page: str) -> list[str]:
    """The account names in table order."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'class="strong-link" href="/requests/[^"]+">([^<]+)</a>', body)


def test_the_register_lists_every_account_with_its_details(comms):
    page = text(comms.get("/register/"))
    assert rows_of(page) == ["=HYPERLINK(&#34;http://evil.example&#34;)", "Global Health",
                             "KI Neuro Lab"]
    for detail in ("Instagram", "Neuro lab", "Sara Staff", "Bo Berg", "Maja Manager", "Active",
                   "2026-01-05", "2027-01-05", "@kineurolab", "https://instagram.com/kineurolab"):
        assert detail in page, detail
    assert "Showing 3 of 3 accounts." in page


def test_filters_by_channel_status_and_text(comms):
    assert rows_of(text(comms.get("/register/?channel=LinkedIn"))) == ["Global Health"]
    assert rows_of(text(comms.get("/register/?q=neuro"))) == ["KI Neuro Lab"]
    assert len(rows_of(text(comms.get("/register/?status=active")))) == 3
    page = text(comms.get("/register/?status=closed"))
    assert "No accounts match." in page and "Showing 0 of 3 accounts." in page
    assert '<option value="LinkedIn" selected>' in text(comms.get("/register/?channel=LinkedIn"))


def test_column_headers_sort_and_say_how(comms):
    page = text(comms.get("/register/"))
    assert 'aria-sort="ascending"' in page
    assert 'href="/register/?sort=channel&amp;dir=asc"' in page
    by_channel = text(comms.get("/register/?sort=channel&dir=asc"))
    assert rows_of(by_channel) == ["KI Neuro Lab", "Global Health",
                                   "=HYPERLINK(&#34;http://evil.example&#34;)"]
    assert 'href="/register/?sort=channel&amp;dir=desc"' in by_channel  # click again: flip
    newest = rows_of(text(comms.get("/register/?sort=registered_on&dir=desc")))
    assert newest[-1] == "Global Health"
    assert rows_of(text(comms.get("/register/?sort=owner_email"))) == rows_of(page)


def test_csv_export_has_the_same_rows_for_excel(comms):
    response = comms.get("/register/accounts.csv?channel=Instagram")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Account", "Handle", "Address", "Channel"]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Account"] == "KI Neuro Lab" and record["Owner"] == "Sara Staff"
    assert record["Moderators"] == "Sara Staff; Bo Berg"
    assert record["Approved by"] == "Maja Manager" and record["Next review"] == "2027-01-05"


def test_csv_cells_never_start_a_formula(comms):
    body = comms.get("/register/accounts.csv?channel=X").get_data().decode("utf-8-sig")
    record = dict(zip(*csv.reader(io.StringIO(body)), strict=True))
    assert record["Account"] == "'=HYPERLINK(\"http://evil.example\")"
    assert record["Unit"] == "'+SUM(A1:A9)"
    assert record["Handle"] == "'@handle"


def test_the_export_link_keeps_the_filters(comms):
    page = text(comms.get("/register/?channel=LinkedIn&q=health"))
    assert 'href="/register/accounts.csv?channel=LinkedIn&amp;q=health' in page
