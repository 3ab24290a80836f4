"""A form schema as staff would see it, for a process owner editing a draft: reads, never writes."""

from __future__ import annotations

from typing import Any

from engine.definitions.forms import FormDefinition, load_form

from ._process_access import require_process_owner

PREVIEW_NAME = "preview.json"


class FormPreview:
    """Builds a form from a schema that is not deployed anywhere (the draft editor's preview)."""

    def __init__(self, uow):
        self.uow = uow

    def preview_form(self, user_id: int, schema: Any) -> FormDefinition:
        """The form of `schema`; NotAllowed unless a process owner, FormDefinitionError if bad."""
        with self.uow.read() as session:
            require_process_owner(session, user_id)
        # Checked outside the transaction: the schema is the owner's text, not the database's.
        return load_form(schema, PREVIEW_NAME)
