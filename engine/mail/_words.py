"""What each kind of message says by mail (English for now), keyed by kind.

The kernel's kinds are here; a procedure brings words for its own kinds and titles, merged
in the wiring like its title codes. Every template takes the message's parameters plus
`title` (the request's title in words), `link` (where the reader acts) and `name`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

KERNEL_MAIL_WORDS: dict[str, tuple[str, str]] = {
    "task_ready": (
        "Waiting for you: {task_title}",
        "Hello {name},\n\nA task waits for you: {task_title}, in the request {title}.\n\n"
        "Open it here: {link}\n",
    ),
    "request_withdrawn": (
        "Withdrawn: {title}",
        "Hello {name},\n\n{by} withdrew the request {title}, so {task_title} no longer "
        "waits for you.\nReason given: {reason}\n\nSee the request here: {link}\n",
    ),
    "task_reminder": (
        "Due soon: {task_title}",
        "Hello {name},\n\nA task waiting for you is due {due}: {task_title}, in the request "
        "{title}.\n\nOpen it here: {link}\n",
    ),
    "task_overdue": (
        "Overdue: {task_title}",
        "Hello {name},\n\nA task waiting for you was due {due} and is not done yet: "
        "{task_title}, in the request {title}.\n\nOpen it here: {link}\n",
    ),
    "comment_added": (
        "New comment: {title}",
        "Hello {name},\n\n{by_name} wrote in the conversation on the request {title}:\n\n"
        "{text}\n\nAnswer here: {link}\n",
    ),
}

# The one mail a day for people who chose a digest: each held message's subject and link.
DIGEST_WORDS: tuple[str, str, str] = (
    "Your daily summary: {count} new",
    "Hello {name},\n\nThis is what happened for you since your last summary:\n\n{items}\n",
    "- {subject}\n  {link}\n",
)

KERNEL_TITLE_WORDS: dict[str, str] = {"process": "{process_id}", "plain": "{label}"}

# Kinds whose link is the task page (the reader acts there); the others link the request.
TASK_KINDS = frozenset({"task_ready", "task_reminder", "task_overdue"})
# Kinds that wait on the reader: a substitute on holiday cover gets them instead.
WAITING_KINDS = frozenset({"task_ready", "task_reminder", "task_overdue"})


class _Blank(dict):
    def __missing__(self, key: str) -> str:  # a parameter a message lacks reads as nothing
        return ""


# A template, or a function of the message's parameters that gives one (words that depend on
# whether a parameter is given, such as an optional comment).
Template = str | Callable[[Mapping[str, Any]], str]


def say(template: Template, values: Mapping[str, Any]) -> str:
    """Fill a template; missing parameters are empty."""
    if callable(template):
        template = template(values)
    return template.format_map(_blank(values))


def say_body(template: str, values: Mapping[str, Any]) -> str:
    """Fill a mail body; a line whose every parameter is empty is left out (no "Reason
    given:" with nothing after it)."""
    if callable(template):
        template = template(values)
    filled = _blank(values)
    return "\n".join(line.format_map(filled) for line in template.split("\n")
                     if not _all_blank(line, filled))


def _blank(values: Mapping[str, Any]) -> _Blank:
    return _Blank({k: "" if v is None else v for k, v in values.items()})


def _all_blank(line: str, values: Mapping[str, Any]) -> bool:
    names = [name for _, name, _, _ in Formatter().parse(line) if name]
    return bool(names) and all(str(values[name]) == "" for name in names)


@dataclass(frozen=True)
class MailWords:
    """Subjects, bodies and titles by code, and the service's address for links."""

    base_url: str
    kinds: Mapping[str, tuple[str, Template]] = field(
        default_factory=lambda: dict(KERNEL_MAIL_WORDS))
    titles: Mapping[str, str] = field(default_factory=lambda: dict(KERNEL_TITLE_WORDS))

    def link(self, kind: str, instance_id: str, params: Mapping[str, Any]) -> str:
        """The page where the reader acts on a message."""
        base = self.base_url.rstrip("/")
        if kind in TASK_KINDS and params.get("task_id"):
            return f"{base}/tasks/{params['task_id']}"
        anchor = params.get("anchor")  # a section of the request page, such as its conversation
        suffix = f"#{anchor}" if isinstance(anchor, str) and anchor.isidentifier() else ""
        return f"{base}/requests/{instance_id}{suffix}"

    def title(self, data: Any) -> str:
        """A request title (code and parameters) in words."""
        if not isinstance(data, Mapping):
            return str(data or "")
        params = dict(data.get("params") or {})
        return say(self.titles.get(str(data.get("code")), "{label}"), params)

    def compose(self, kind: str, instance_id: str, params: Mapping[str, Any],
                name: str) -> tuple[str, str]:
        """Subject and plain-text body of one kind of message for one reader; KeyError if
        the kind has no words."""
        subject, body = self.kinds[kind]
        values = {**params, "name": name, "link": self.link(kind, instance_id, params),
                  "title": self.title(params.get("request_title"))}
        return say(subject, values).replace("\n", " ")[:300], say_body(body, values)

    def compose_digest(self, name: str, items: list[tuple[str, str]]) -> tuple[str, str]:
        """Subject and body of one person's digest of (subject, link) items."""
        subject, body, line = DIGEST_WORDS
        listed = "".join(say(line, {"subject": s, "link": link}) for s, link in items)
        return (say(subject, {"count": len(items)}),
                say(body, {"name": name, "items": listed}))
