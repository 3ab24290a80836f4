"""What the draft editor asks of the engine: the draft to edit and a form's preview, owners only.

Reading a draft is open to auditors and admins too; editing it, and so the editor, is not.
"""

from __future__ import annotations

from typing import Any

from engine.definitions.forms import FormDefinition, load_form

from ._process_access import require_process_owner

PREVIEW_NAME = "preview.json"


class DraftEditor:
    """The draft editor's use cases: both read, neither writes."""

    def __init__(self, uow, processes):
        self.uow = uow
        self.processes = processes

    def editable_draft(self, user_id: int, process_id: str):
        """The process's open draft (a DraftView) for a process owner; NotAllowed for others."""
        with self.uow.read() as session:
            require_process_owner(session, user_id)
        return self.processes.draft(user_id, process_id)

    def preview_form(self, user_id: int, schema: Any) -> FormDefinition:
        """The form of `schema`; NotAllowed unless a process owner, FormDefinitionError if bad."""
        with self.uow.read() as session:
            require_process_owner(session, user_id)
        # Checked outside the transaction: the schema is the owner's text, not the database's.
        return load_form(schema, PREVIEW_NAME)
