"""The one gate every user-facing string passes through, so Swedish can be added later."""

from __future__ import annotations


def _(text: str, **values: object) -> str:
    """Translate a message (identity for now) and fill in its {named} placeholders."""
    return text.format(**values) if values else text
