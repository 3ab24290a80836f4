"""The account register: listing, filters, sorting and the CSV export."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.web.webtools import register_account, text
from web.csv_export import to_csv


@pytest.fixture
def comms(client_for):
    """Communications, with three accounts registered by three requesters."""
    staff, manager, officer = client_for("staff"), client_for("manager"), client_for("comms1")
    register_account(staff, manager, officer)
    register_account(staff, manager, officer,
                     {"account_name": "Global Health", "channel": "LinkedIn",
                      "owning_unit": "Department of Global Public Health",
                      "owning_unit_type": "Department"},
                     {"registered_handle": "ki-global-health", "registered_on": "2026-01-03",
                      "registered_url": "https://www.linkedin.com/company/ki-global-health"})
    register_account(staff, manager, officer,
                     {"account_name": "=HYPERLINK(\"http://evil.example\")", "channel": "X",
                      "owning_unit": "+SUM(A1:A9)"},
                     {"registered_handle": "@handle", "registered_url": "https://x.com/h"})
    return officer


def rows_of(page: str) -> list[str]:
    """The account names in table order."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'class="strong-link" href="/accounts/\d+">([^<]+)</a>', body)


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


def csv_records(response) -> list[dict[str, str]]:
    """The rows of an exported CSV as Swedish spreadsheet software reads it: BOM, ';', CRLF."""
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: the spreadsheet reads UTF-8
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")  # CRLF, nothing else
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_csv_export_has_the_same_rows_for_swedish_spreadsheets(comms):
    response = comms.get("/register/accounts.csv?channel=Instagram")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data().decode("utf-8-sig").startswith("Account;Handle;Address;Channel;")
    [record] = csv_records(response)
    assert record["Account"] == "KI Neuro Lab" and record["Owner"] == "Sara Staff"
    assert record["Handle"] == "@kineurolab"  # a handle keeps its "@", no apostrophe
    assert record["Moderators"] == "Sara Staff; Bo Berg"
    assert record["Approved by"] == "Maja Manager"
    assert record["Registered on"] == "2026-01-05" and record["Next review"] == "2027-01-05"


def test_csv_statuses_are_worded_as_on_the_page(comms):
    page = text(comms.get("/register/"))
    statuses = {r["Status"] for r in csv_records(comms.get("/register/accounts.csv"))}
    assert statuses == {"Active"}
    assert '<span class="status status-active">Active</span>' in page


def test_csv_cells_that_would_be_formulas_are_neutralised(comms):
    [record] = csv_records(comms.get("/register/accounts.csv?channel=X"))
    assert record["Account"] == "'=HYPERLINK(\"http://evil.example\")"
    assert record["Unit"] == "'+SUM(A1:A9)"
    assert record["Handle"] == "@handle"  # a plain handle is not a formula


@pytest.mark.parametrize(("cell", "written"), [
    ("@x", "@x"), ("@ki.neuro_lab", "@ki.neuro_lab"), ("=cmd", "'=cmd"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"), ("-2+3", "'-2+3"),
    ("+46 8 524 800 00", "'+46 8 524 800 00"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Åsa; Bo", "Åsa; Bo"), ("a=b", "a=b"), ("", ""),
])
def test_only_cells_read_as_formulas_get_a_quote(cell, written):
    body = to_csv(["Cell"], [[cell]])
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert rows == [["Cell"], [written]]


def test_the_export_link_keeps_the_filters(comms):
    page = text(comms.get("/register/?channel=LinkedIn&q=health"))
    assert 'href="/register/accounts.csv?channel=LinkedIn&amp;q=health' in page
