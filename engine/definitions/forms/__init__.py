"""Task forms: a JSON Schema subset checked at load time and validated with marshmallow."""

from ._definition import (
    SCHEMA_REASONS,
    VALIDATION_CODES,
    Field,
    FormDefinition,
    FormDefinitionError,
    check_form,
    load_form,
)

__all__ = [
    "SCHEMA_REASONS", "VALIDATION_CODES", "Field", "FormDefinition", "FormDefinitionError",
    "check_form", "load_form",
]
