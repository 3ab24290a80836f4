"""Admins manage people from the browser: search, add, change, sign out; each change recorded."""

from __future__ import annotations

import re

import pytest

from engine.store import person_events, person_stream, verify_chain
from tests.web.webtools import post, text

REVISION = re.compile(r'name="revision" value="(\d+)"')


def _revision(client, user_id: int) -> str:
    return REVISION.search(client.get(f"/admin/people/{user_id}").get_data(as_text=True)).group(1)


def _form(person, **changes) -> dict:
    """The person page's form as it stands, with some fields changed."""
    data = {"name": person.name, "email": person.email, "manager": "",
            "roles": sorted(person.roles), "active": "yes" if person.active else "no"}
    return {**data, **changes}


@pytest.mark.parametrize("username", ["staff", "manager", "comms1", "owner", "auditor"])
def test_only_admins_reach_the_people_pages(client_for, demo, username):
    browser = client_for(username)
    assert browser.get("/admin/").status_code == 403
    assert browser.get("/admin/people").status_code == 403
    assert browser.get(f"/admin/people/{demo['staff'].id}").status_code == 403
    response = post(browser, f"/admin/people/{demo['staff'].id}",
                    _form(demo["staff"], name="Taken Over", revision="0"))
    assert response.status_code == 403
    assert "Admin" not in re.findall(r'class="mainnav".*?</nav>', text(browser.get("/inbox")),
                                     re.S)[0]


def test_a_post_without_the_csrf_token_is_refused(client_for, demo):
    admin = client_for("admin")
    response = admin.post(f"/admin/people/{demo['staff'].id}",
                          data=_form(demo["staff"], name="No Token", revision="0"))
    assert response.status_code == 400
    assert "No Token" not in text(admin.get(f"/admin/people/{demo['staff'].id}"))


def test_search_finds_by_name_username_and_email_and_escapes_wildcards(client_for):
    admin = client_for("admin")
    page = text(admin.get("/admin/people?q=manager"))
    assert "Maja Manager" in page and "Sara Staff" not in page
    assert "Sara Staff" in text(admin.get("/admin/people?q=SARA"))
    assert "Nobody matches" in text(admin.get("/admin/people?q=%25"))
    assert "Nobody matches" in text(admin.get("/admin/people?q=_"))
    everyone = text(admin.get("/admin/people"))
    assert "8 people" in everyone


def test_people_come_a_page_at_a_time(client_for, engine, demo):
    for number in range(30):
        engine.users.create(f"p{number:02}", f"Person {number:02}", f"p{number}@ki.se", None,
                            ["staff"])
    admin = client_for("admin")
    first = text(admin.get("/admin/people"))
    assert "38 people" in first and "Page 1 of 2" in first
    second = text(admin.get("/admin/people?page=2"))
    assert "Page 2 of 2" in second and "Person 00" not in second
    assert "Page 2 of 2" in text(admin.get("/admin/people?page=99"))
    assert "Page 1 of 2" in text(admin.get("/admin/people?page=abc"))


def test_an_admin_adds_a_person_who_can_then_sign_in(client_for, app, engine, demo):
    admin = client_for("admin")
    response = post(admin, "/admin/people", {
        "username": "nina", "name": "Nina New", "email": "nina@ki.se", "manager": "manager",
        "roles": ["staff"], "password": "a-long-password"})
    assert response.status_code == 303
    page = text(admin.get(response.headers["Location"]))
    assert "Nina New was added" in page and "Added by Adam Admin with roles staff" in page
    nina = engine.users.find("nina")
    assert nina.manager_name == "Maja Manager" and nina.roles == {"staff"}
    assert engine.authenticate("nina", "a-long-password").id == nina.id


def test_a_refused_new_person_keeps_what_was_typed(client_for, engine):
    admin = client_for("admin")
    response = post(admin, "/admin/people", {
        "username": "staff", "name": "Second Staff", "email": "second@ki.se",
        "manager": "", "roles": ["communications"], "password": ""})
    page = text(response)
    assert response.status_code == 422
    assert "The username &#39;staff&#39; is taken." in page
    assert 'value="Second Staff"' in page and 'value="second@ki.se"' in page
    assert re.search(r'value="communications" checked', page)
    response = post(admin, "/admin/people", {
        "username": "bad name", "name": "", "email": "nope", "roles": ["staff"]})
    assert response.status_code == 422 and "a valid email address" in text(response)
    assert engine.users.find("bad name") is None


def test_an_admin_changes_manager_roles_and_name_and_the_change_is_recorded(
        client_for, engine, demo):
    admin, staff = client_for("admin"), demo["staff"]
    response = post(admin, f"/admin/people/{staff.id}", _form(
        staff, name="Sara Staffsson", manager="director", roles=["staff", "communications"],
        revision=_revision(admin, staff.id)))
    assert response.status_code == 303
    changed = engine.users.get(staff.id)
    assert changed.name == "Sara Staffsson" and changed.manager_name == "Dan Director"
    assert changed.roles == {"staff", "communications"}
    page = text(admin.get(f"/admin/people/{staff.id}"))
    assert "Changed by Adam Admin: name from Sara Staff to Sara Staffsson" in page
    assert "manager from manager to director" in page
    assert "roles from staff to communications, staff" in page
    with engine.uow.read() as session:
        [*_, last] = person_events(session, staff.id)
    assert last.kind == "person_changed" and last.actor_id == demo["admin"].id
    with engine.uow.read() as session:  # the person's stream is a chain like every other
        assert verify_chain(session, person_stream(staff.id)).intact


def test_deactivating_a_person_signs_them_out(client_for, demo):
    staff_browser, admin = client_for("staff"), client_for("admin")
    staff = demo["staff"]
    assert staff_browser.get("/inbox").status_code == 200
    response = post(admin, f"/admin/people/{staff.id}",
                    _form(staff, active="no", revision=_revision(admin, staff.id)))
    assert response.status_code == 303
    assert staff_browser.get("/inbox").status_code == 302  # back to the sign-in page
    assert "may sign in from yes to no" in text(admin.get(f"/admin/people/{staff.id}"))


def test_two_admins_editing_one_person_conflict_instead_of_overwriting(
        client_for, engine, demo):
    admin, staff = client_for("admin"), demo["staff"]
    seen = _revision(admin, staff.id)
    assert post(admin, f"/admin/people/{staff.id}",
                _form(staff, name="First Edit", revision=seen)).status_code == 303
    response = post(admin, f"/admin/people/{staff.id}",
                    _form(staff, email="second@ki.se", revision=seen))
    assert response.status_code == 409
    page = text(response)
    assert "Someone else changed this person" in page
    assert 'value="second@ki.se"' in page  # what was typed is kept
    person = engine.users.get(staff.id)
    assert person.name == "First Edit" and person.email == staff.email


def test_an_admin_cannot_lock_themselves_out(client_for, engine, demo):
    admin, me = client_for("admin"), demo["admin"]
    response = post(admin, f"/admin/people/{me.id}",
                    _form(me, active="no", revision=_revision(admin, me.id)))
    assert response.status_code == 409 and "You cannot take away your own" in text(response)
    response = post(admin, f"/admin/people/{me.id}",
                    _form(me, roles=["staff"], revision=_revision(admin, me.id)))
    assert response.status_code == 409
    assert engine.users.get(me.id).active and "admin" in engine.users.get(me.id).roles


def test_unknown_manager_and_bad_email_re_render_with_the_typed_values(client_for, demo):
    admin, staff = client_for("admin"), demo["staff"]
    response = post(admin, f"/admin/people/{staff.id}", _form(
        staff, manager="nobody-here", revision=_revision(admin, staff.id)))
    assert response.status_code == 422
    assert "There is no user &#39;nobody-here&#39; to be the manager." in text(response)
    assert 'value="nobody-here"' in text(response)


def test_sign_out_everywhere_ends_the_persons_sessions_and_is_recorded(client_for, demo):
    staff_browser, admin = client_for("staff"), client_for("admin")
    staff = demo["staff"]
    response = post(admin, f"/admin/people/{staff.id}/sign-out",
                    {"revision": _revision(admin, staff.id)})
    assert response.status_code == 303
    assert staff_browser.get("/inbox").status_code == 302
    assert "Signed out everywhere by Adam Admin" in text(admin.get(f"/admin/people/{staff.id}"))


def test_command_line_changes_are_recorded_too(engine, demo):
    engine.users.update("staff", add_roles=("communications",))
    with engine.uow.read() as session:
        [*_, last] = person_events(session, demo["staff"].id)
    assert last.actor_id is None
    assert last.payload == {"changes": {"roles": [["staff"], ["communications", "staff"]]}}
