"""What an instance is called, as a code with parameters: never a sentence stored in English.

The procedure plug-in names its instances (say, an account's name and channel); the web turns the
code into words in the reader's language. Stored as compact JSON in `instances.title` and in the
inbox's `ready_tasks.request_title`, so lists keep reading one indexed row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, and_, func, or_, true
from sqlalchemy.types import TypeDecorator

# The kernel's own titles: a process no plug-in names, and a row stored before titles were codes.
KERNEL_TITLE_CODES: dict[str, tuple[str, ...]] = {"process": ("process_id",), "plain": ("label",)}


@dataclass(frozen=True)
class Title:
    """An instance's title: a code and its parameters (data such as an account's name)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        """The title as plain data, for a message or an export."""
        return {"code": self.code, "params": dict(self.params)}

    def to_column(self) -> str:
        """The compact JSON text stored for it."""
        return json.dumps([self.code, self.params], ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"))

    @classmethod
    def from_column(cls, text: str | None) -> Title:
        """Read stored JSON back; anything else (an older row) is kept as plain text."""
        try:
            code, params = json.loads(text or "")
            return cls(str(code), dict(params))
        except (ValueError, TypeError):
            return cls("plain", {"label": text or ""})


class TitleColumn(TypeDecorator):
    """A Title stored as its JSON text (a plain string passes through, for LIKE searches)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Title to text."""
        return value.to_column() if isinstance(value, Title) else value

    def process_result_value(self, value, dialect):
        """Text to Title."""
        return None if value is None else Title.from_column(value)


def title_matches(column, text: str, title_words: Mapping[str, str] | None = None):
    """A clause: the stored title has every word of the text (case folded), in any order.

    Titles are stored as JSON codes with parameters, so a search for "review 2027" or "neuro
    lab" is matched word by word ("review" is in the review code, "2027" its year parameter).
    A word of a title's own wording (`title_words`: code -> template, such as "of" in "Review
    {year} of {name} on {channel}") also matches every title of that code, so a title pasted
    whole finds itself. LIKE's wildcards typed by a person are taken literally.
    """
    by_word: dict[str, list[str]] = {}
    for code, template in (title_words or {}).items():
        for word in set(_PLACEHOLDER.sub(" ", template).lower().split()):
            by_word.setdefault(word, []).append(code)
    clauses = []
    for word in text.lower().split():
        found = [func.lower(column).like("%" + _like_escaped(word) + "%", escape="\\")]
        found += [column.like(_like_escaped(f'["{code}",') + "%", escape="\\")
                  for code in sorted(by_word.get(word, ()))]
        clauses.append(or_(*found))
    return and_(true(), *clauses)


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
