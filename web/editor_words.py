"""The draft editor script's words, translated here and handed to the page as data.

Placeholders in braces ({by}, {n}) are filled in by the script.
"""

from __future__ import annotations

from .i18n import _


def editor_words() -> dict[str, str]:
    """Every text the editor script shows, by key."""
    return {
        **_status_words(), **_panel_words(), **_form_words(), **_lane_words(), **_check_words(),
    }


def _status_words() -> dict[str, str]:
    return {
        "loading": _("Loading the draft…"),
        "load_failed": _("The draft could not be loaded. Reload the page to try again."),
        "import_failed": _("The diagram could not be shown: {error}"),
        "unsaved": _("Unsaved changes"),
        "saving": _("Saving…"),
        "saved_as": _("Saved: revision {revision}, by {by}, {at}"),
        "save_failed": _("The draft was not saved. Your changes are still here; try again."),
        "not_saved": _("Not saved: someone else saved first"),
        "conflict": _("{by} saved this draft at {at}, after you opened it."),
        "conflict_kept": _("Your changes are still here and have not been saved. Save them over "
                           "the other version, or load the other version and lose yours."),
        "conflict_overwrite": _("Save mine over theirs"),
        "conflict_reload": _("Load their version (drop my changes)"),
    }


def _panel_words() -> dict[str, str]:
    return {
        "select_element": _("Select one element of the diagram to see its properties."),
        "id": _("Id"),
        "id_hint": _("Lower-case letters, digits and _; it cannot change once saved in a version."),
        "id_not_snake": _("Use lower-case letters, digits and _ only, starting with a letter."),
        "id_taken": _("The id {id} is already used in this diagram."),
        "name": _("Name"),
        "documentation": _("Documentation (shown to the person doing the step)"),
        "lane": _("Lane (who does it)"),
        "lane_hint": _("Choosing a lane moves the step into it."),
        "no_lane": _("No lane"),
        "form": _("Form"),
        "no_form": _("No form"),
        "form_missing": _("{file} (not in the draft)"),
        "new_form": _("A new form…"),
        "edit_form": _("Edit the form"),
        "condition": _("Condition"),
        "condition_hint": _("For example: manager_decision == \"approve\". Leave empty for none."),
        "default_flow_no_condition": _("This is its gateway's default flow: it is taken when no "
                                       "other condition holds, so it has no condition."),
        "timer_kind": _("Timer"),
        "timer_duration": _("After a duration"),
        "timer_date": _("At a date"),
        "timer_cycle": _("Repeating (cycle)"),
        "timer_expression": _("Timer expression"),
        "timer_hint": _("An ISO 8601 duration or date in quotes, such as \"P30D\", or a value "
                        "the process knows, such as review_grace."),
        "default_flow": _("Default flow"),
        "default_flow_hint": _("Taken when no condition of the other flows holds."),
        "no_default": _("No default flow"),
        "lane_rule_below": _("Who may act in this lane is set under Lane rules below."),
        "type_UserTask": _("User task"),
        "type_SequenceFlow": _("Sequence flow"),
        "type_ExclusiveGateway": _("Exclusive gateway"),
        "type_StartEvent": _("Start event"),
        "type_EndEvent": _("End event"),
        "type_Lane": _("Lane"),
        "type_Participant": _("Pool"),
    }


def _form_words() -> dict[str, str]:
    return {
        "form_file": _("Form file"),
        "choose_form": _("Choose a form…"),
        "form_title": _("Form title"),
        "form_description": _("Form description"),
        "fields": _("Fields"),
        "add_field": _("Add a field"),
        "new_field_title": _("New field {n}"),
        "field_name": _("Name (stored)"),
        "field_title": _("Title"),
        "field_kind": _("Kind"),
        "field_description": _("Help text"),
        "field_name_invalid": _("A name starts with a letter and holds letters, digits and _."),
        "field_name_taken": _("The form already has a field named {name}."),
        "required": _("Required"),
        "choices": _("Choices"),
        "choices_hint": _("One a line: the stored value, then = and the label people see."),
        "edit_as_json": _("Edit this field in the JSON below."),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "remove_field": _("Remove"),
        "raw_json": _("The whole form as JSON"),
        "raw_json_label": _("JSON Schema"),
        "not_json": _("Not valid JSON yet: {error}"),
        "preview": _("Preview (as staff see it)"),
        "preview_failed": _("The preview could not be drawn."),
        "preview_problems": _("The form cannot be used yet:"),
        "kind_string": _("Short text"),
        "kind_text": _("Long text"),
        "kind_email": _("Email address"),
        "kind_uri": _("Web address"),
        "kind_date": _("Date"),
        "kind_choice": _("Choice"),
        "kind_boolean": _("Yes or no (a tick box)"),
        "kind_confirm": _("Confirmation (must be ticked)"),
        "kind_integer": _("Whole number"),
        "kind_number": _("Number"),
        "kind_other": _("List (edit as JSON)"),
    }


def _lane_words() -> dict[str, str]:
    return {
        "no_lanes": _("The diagram has no lanes."),
        "lanes_not_in_diagram": _("Rules for lanes that are not in the diagram"),
        "lane_rule": _("Who acts"),
        "lane_role": _("Role"),
        "no_rule": _("No rule yet"),
        "choose_role": _("Choose a role…"),
        "unknown_role": _("{role} (unknown)"),
        "remove_rule": _("Remove the rule"),
        "rule_initiator": _("The person who started the request"),
        "rule_manager_of_initiator": _("That person's manager"),
        "rule_role": _("Anyone with a role"),
    }


def _check_words() -> dict[str, str]:
    return {
        "checking": _("Checking…"),
        "check_failed": _("The check could not be run. Try again."),
        "check_ok": _("No problems: the engine would accept this draft."),
        "check_found": _("The engine would refuse this draft: {n} problem(s)."),
        "checked_ok": _("Checked: no problems"),
        "checked_problems": _("Checked: {n} problem(s)"),
        "problems_here": _("{n} problem(s) here"),
        "line": _("line {n}"),
    }
