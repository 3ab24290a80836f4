"""Engine settings, read from the environment when asked for, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
