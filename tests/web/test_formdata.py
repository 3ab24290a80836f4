"""HTML form fields to JSON-native data, and engine messages back onto the inputs."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from engine import Field, Message
from web.formdata import MAX_ROWS, change_rows, parse_form
from web.formview import build_form, initial_values

MODERATOR = (Field("name", "string", "Name", required=True),
             Field("email", "email", "Email", required=True),
             Field("covers_holidays", "boolean", "Covers holidays"))
FIELDS = (
    Field("agree", "confirm", "I agree", required=True),
    Field("flag", "boolean", "Flag"),
    Field("count", "integer", "Count"),
    Field("share", "number", "Share"),
    Field("note", "text", "Note"),
    Field("choice", "choice", "Choice", choices=("a", "b")),
    Field("tags", "list", "Tags", item_kind="string", item_title="Tag", min_items=1),
    Field("moderators", "group", "Moderators", item_fields=MODERATOR, min_items=2,
          item_title="Moderator"),
)


def parse(**form):
    return parse_form(FIELDS, MultiDict(form))


def test_checkboxes_become_true_or_false():
    assert parse(agree="true") == {"agree": True, "flag": False}
    assert parse(flag="on")["flag"] is True


def test_numbers_convert_only_when_they_parse():
    data = parse(count="42", share="2,5")
    assert data["count"] == 42 and data["share"] == 2.5
    data = parse(count="forty", share="NaN", note="  ")
    assert data["count"] == "forty" and data["share"] == "NaN"  # the engine says what is wrong
    assert "note" not in data  # blank optional answers are left out
    assert parse(count="1e400", share="1e400")["share"] == "1e400"


def test_text_is_passed_as_typed():
    assert parse(note=" two\nlines ", choice="b")["note"] == " two\nlines "


def test_list_entries_in_order_without_blanks():
    data = parse(**{"tags-10": "c", "tags-2": "b", "tags-0": "a", "tags-3": " ", "tagsx-1": "z"})
    assert data["tags"] == ["a", "b", "c"]
    assert "tags" not in parse(**{"tags-0": ""})


def test_group_rows_with_empty_rows_dropped():
    data = parse(**{
        "moderators-0-name": "Sara", "moderators-0-email": "s@ki.se",
        "moderators-0-covers_holidays": "true",
        "moderators-1-name": "", "moderators-1-email": "",
        "moderators-2-name": "Bo", "moderators-2-email": "",
        "moderators-2-unknown": "x",
    })
    assert data["moderators"] == [
        {"name": "Sara", "email": "s@ki.se", "covers_holidays": True},
        {"name": "Bo", "covers_holidays": False},
    ]


def test_rows_are_kept_while_editing_and_bounded():
    form = MultiDict({"moderators-1-name": "", "moderators-0-name": ""})
    assert parse_form(FIELDS, form, keep_empty_rows=True)["moderators"] == [
        {"covers_holidays": False}, {"covers_holidays": False}]
    many = MultiDict({f"tags-{i}": "t" for i in range(500)})
    assert len(parse_form(FIELDS, many)["tags"]) == MAX_ROWS


def test_change_rows():
    group, tags = FIELDS[-1], FIELDS[-2]
    assert change_rows(group, [{"name": "a"}], "add", None) == [{"name": "a"}, {}]
    assert change_rows(tags, ["a"], "add", None) == ["a", ""]
    assert change_rows(tags, ["a", "b"], "remove", 0) == ["b"]
    assert change_rows(tags, ["a"], "remove", 5) == ["a"]


def test_initial_values_use_defaults():
    fields = (Field("x", "string", "X", default="hello"), Field("t", "list", "T",
                                                                 default=("a", "b")))
    assert initial_values(fields, {}) == {"x": "hello", "t": ["a", "b"]}
    assert initial_values(fields, {"x": "given"})["x"] == "given"


def test_messages_land_on_their_inputs_and_in_the_summary():
    values = {"moderators": [{"name": "Sara"}, {"name": "Bo", "email": "bad"}],
              "tags": ["a", ""]}
    messages = {"moderators.1.email": [Message("invalid_email")],
                "moderators.0": [Message("not_a_group")],
                "tags.1": [Message("blank")], "tags": [Message("too_few_items", {"min": 3})],
                "agree": [Message("confirm")],
                "choice": [Message("not_a_choice", {"choices": ["a", "b"]})],
                "ghost": [Message("unknown_field")], "_form": [Message("not_a_form")]}
    views, summary = build_form(FIELDS, values, messages)
    by_name = {v.spec.name: v for v in views}
    email = by_name["moderators"].rows[1].controls[1]
    assert email.id == "f-moderators-1-email" and email.errors == ["Enter a valid email address."]
    assert email.describedby == "f-moderators-1-email-error"
    assert by_name["moderators"].rows[0].errors == ["Must be a group of fields."]
    assert by_name["tags"].rows[1].controls[0].errors == ["Must not be blank."]
    assert by_name["tags"].errors == ["Add at least 3."]
    assert by_name["choice"].control.anchor == "f-choice--0"
    anchors = [(item.anchor, item.label) for item in summary]
    assert anchors[0] == (None, "The form") and (None, "ghost") in anchors
    assert ("f-moderators-1-email", "Moderators, entry 2: Email") in anchors
    assert ("f-agree", "I agree") in anchors
    assert [a for a, _label in anchors].index("f-agree") < [
        a for a, _label in anchors].index("f-moderators-1-email")  # in form order


def test_repeating_fields_show_at_least_their_minimum_rows():
    views, _summary = build_form(FIELDS, {})
    by_name = {v.spec.name: v for v in views}
    assert len(by_name["moderators"].rows) == 2 and len(by_name["tags"].rows) == 1
    assert by_name["moderators"].template.controls[0].name == "moderators-__i__-name"


def test_widgets_by_kind():
    many = Field("c", "choice", "C", choices=("1", "2", "3", "4", "5"))
    views, _ = build_form((*FIELDS, many), {})
    widgets = {v.spec.name: v.control.widget for v in views if v.control}
    assert widgets == {"agree": "checkbox", "flag": "checkbox", "count": "number",
                       "share": "number", "note": "textarea", "choice": "radio", "c": "select"}
