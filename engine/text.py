"""What text the database can store: no NUL characters and nothing that is not valid UTF-8."""

from __future__ import annotations

from engine.errors import InvalidInput


def storable(text: str) -> bool:
    """True when every database the engine runs on can store this text as it is."""
    if "\x00" in text:
        return False  # PostgreSQL refuses NUL in text columns
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, say from JSON's \ud800
        return False
    return True


def check_search(*texts: str | None) -> None:
    """Refuse search and filter text the database cannot compare, as an input error."""
    if not all(storable(text) for text in texts if text):
        raise InvalidInput("search.not_storable")
