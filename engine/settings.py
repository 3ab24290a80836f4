"""Engine settings, read from the environment when asked for, never at import."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'kontoflode.db'}"


@dataclass(frozen=True)
class Settings:
    """Everything the engine needs to know about its surroundings."""

    database_url: str = DEFAULT_DATABASE_URL
    processes_dir: Path = PROJECT_ROOT / "processes"
    review_interval: str = "P12M"
    review_grace: str = "P30D"
    max_diagram_bytes: int = 2_000_000
    # Checkpoints: the Ed25519 private key (PEM file) stays outside the database.
    checkpoint_key: Path | None = None
    checkpoint_public_key: Path | None = None
    checkpoint_interval: int = 3600  # seconds between the worker's checkpoints
    # Four eyes: a deploy waits until a second process owner approves it.
    deploy_approval: bool = False
    # Mail: smtp sends, keep stores it for the admins' mailbox page (the demo), log logs it.
    mail: str = "keep"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_tls: str = "none"
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "kontoflode@localhost"
    base_url: str = "http://127.0.0.1:5000"  # the start of every link in a mail
    # Reminders: how long before a task's deadline its reminder goes.
    reminder_hours: int = 48
    # Daily digests go at this hour, Stockholm time.
    digest_hour: int = 7
    # The organisation's own pages, linked from the start page, the first step and the footer.
    guidelines_url: str = "https://medarbetare.ki.se/riktlinjer-for-sociala-medier"
    getting_started_url: str = "https://medarbetare.ki.se/kom-igang-med-sociala-medier"
    contact_email: str = "socialmedia@ki.se"
    # The demo's clock, which an admin moves forward to rehearse reviews: never in production.
    demo_clock: bool = False

    def __post_init__(self):
        check_links(self)
        check_demo_clock(self)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Build settings from KONTOFLODE_* / DATABASE_URL variables, then explicit overrides."""
        env = os.environ if environ is None else environ
        values: dict = {}
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        if env.get("KONTOFLODE_PROCESSES_DIR"):
            values["processes_dir"] = Path(env["KONTOFLODE_PROCESSES_DIR"])
        if env.get("KONTOFLODE_REVIEW_INTERVAL"):
            values["review_interval"] = env["KONTOFLODE_REVIEW_INTERVAL"]
        if env.get("KONTOFLODE_REVIEW_GRACE"):
            values["review_grace"] = env["KONTOFLODE_REVIEW_GRACE"]
        if env.get("KONTOFLODE_CHECKPOINT_KEY"):
            values["checkpoint_key"] = Path(env["KONTOFLODE_CHECKPOINT_KEY"])
        if env.get("KONTOFLODE_CHECKPOINT_PUBLIC_KEY"):
            values["checkpoint_public_key"] = Path(env["KONTOFLODE_CHECKPOINT_PUBLIC_KEY"])
        if env.get("KONTOFLODE_CHECKPOINT_INTERVAL"):
            values["checkpoint_interval"] = _seconds(env["KONTOFLODE_CHECKPOINT_INTERVAL"])
        if env.get("KONTOFLODE_DEPLOY_APPROVAL", "").strip():
            values["deploy_approval"] = _flag("KONTOFLODE_DEPLOY_APPROVAL",
                                              env["KONTOFLODE_DEPLOY_APPROVAL"])
        if env.get("KONTOFLODE_DEMO_CLOCK", "").strip():
            values["demo_clock"] = _flag("KONTOFLODE_DEMO_CLOCK", env["KONTOFLODE_DEMO_CLOCK"])
        values.update(_mail(env))
        values.update(_notify(env))
        values.update({key: env[name].strip() for name, key in LINKS.items()
                       if env.get(name, "").strip()})
        values.update(overrides)
        return cls(**values)


def _flag(name: str, text: str) -> bool:
    """An on/off setting (1/0, true/false, yes/no, on/off), or a ValueError that names it."""
    word = text.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be on or off (1 or 0), not {text!r}")


def _seconds(text: str) -> int:
    """A positive whole number of seconds, or a ValueError that names the setting."""
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"KONTOFLODE_CHECKPOINT_INTERVAL must be whole seconds, not {text!r}")
    return int(text)


MAIL_MODES = ("smtp", "keep", "log")
_MAIL_TEXT = {"KONTOFLODE_SMTP_HOST": "smtp_host", "KONTOFLODE_SMTP_USER": "smtp_user",
              "KONTOFLODE_SMTP_PASSWORD": "smtp_password", "KONTOFLODE_MAIL_FROM": "mail_from",
              "KONTOFLODE_BASE_URL": "base_url"}


def _mail(env) -> dict:
    """The mail settings present in the environment, checked."""
    values: dict = {}
    for name, key in _MAIL_TEXT.items():
        if env.get(name, "").strip():
            values[key] = env[name].strip()
    mode = env.get("KONTOFLODE_MAIL", "").strip().lower()
    if mode:
        if mode not in MAIL_MODES:
            raise ValueError(f"KONTOFLODE_MAIL must be one of {MAIL_MODES}, not {mode!r}")
        values["mail"] = mode
    tls = env.get("KONTOFLODE_SMTP_TLS", "").strip().lower()
    if tls:
        if tls not in ("starttls", "ssl", "none"):
            raise ValueError(f"KONTOFLODE_SMTP_TLS must be starttls, ssl or none, not {tls!r}")
        values["smtp_tls"] = tls
    port = env.get("KONTOFLODE_SMTP_PORT", "").strip()
    if port:
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"KONTOFLODE_SMTP_PORT must be a port number, not {port!r}")
        values["smtp_port"] = int(port)
    return values


def _whole(name: str, text: str, low: int, high: int) -> int:
    """A whole number in [low, high], or a ValueError that names the setting."""
    word = text.strip()
    if not word.isdigit() or not low <= int(word) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, not {text!r}")
    return int(word)


def _notify(env) -> dict:
    """The reminder and digest settings present in the environment, checked."""
    values: dict = {}
    if env.get("KONTOFLODE_REMINDER_HOURS", "").strip():
        values["reminder_hours"] = _whole("KONTOFLODE_REMINDER_HOURS",
                                          env["KONTOFLODE_REMINDER_HOURS"], 1, 24 * 365)
    if env.get("KONTOFLODE_DIGEST_HOUR", "").strip():
        values["digest_hour"] = _whole("KONTOFLODE_DIGEST_HOUR", env["KONTOFLODE_DIGEST_HOUR"],
                                       0, 23)
    return values


def check_demo_clock(settings: Settings) -> None:
    """Refuse the demo clock where mail really goes out: people would be told at fake times."""
    if settings.demo_clock and settings.mail == "smtp":
        raise ValueError("KONTOFLODE_DEMO_CLOCK is for the demo only and cannot be on with "
                         "KONTOFLODE_MAIL=smtp: moving the clock would send real people "
                         "reminders and escalations that are not due")


LINKS = {"KONTOFLODE_GUIDELINES_URL": "guidelines_url",
         "KONTOFLODE_GETTING_STARTED_URL": "getting_started_url",
         "KONTOFLODE_CONTACT_EMAIL": "contact_email"}
# One address, nothing a mailto: link would read as headers or a second recipient.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def check_links(settings: Settings) -> None:
    """Refuse link settings people could not follow safely: https pages and one plain address."""
    for name, key in LINKS.items():
        value = getattr(settings, key)
        if key == "contact_email":
            if not _EMAIL.fullmatch(value):
                raise ValueError(f"{name} must be one email address, not {value!r}")
        elif not _https_page(value):
            raise ValueError(f"{name} must be an https:// address of a page, not {value!r}")


def _https_page(value: str) -> bool:
    """Whether the text is an absolute https URL with a host and nothing a link would mangle."""
    if any(c.isspace() or ord(c) < 32 or c in "<>\"'`\\" for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and "@" not in parts.netloc
