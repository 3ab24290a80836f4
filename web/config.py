"""Reading the web layer's configuration: environment first, then what a test passes in."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_UPLOAD_BYTES = 1024 * 1024
_TRUE = {"1", "true", "yes", "on"}


def _flag(value: str | None) -> bool | None:
    """Read an on/off environment variable; None when it is not set."""
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() in _TRUE


def base_config(instance_path: str, debug: bool, test_config: dict[str, Any]) -> dict[str, Any]:
    """Return the Flask config for one app: defaults, then environment, then test_config."""
    testing = bool(test_config.get("TESTING", False))
    config: dict[str, Any] = {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "MAX_CONTENT_LENGTH": MAX_UPLOAD_BYTES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies(debug or testing),
        "SESSION_COOKIE_NAME": "kontoflode_session",
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,  # a long form may take a working day to fill in
        "RATELIMIT_ENABLED": _flag(os.environ.get("RATELIMIT_ENABLED")) is not False,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT") or "10 per minute",
        "BPMN_JS_DIST": Path(os.environ.get("BPMN_JS_DIST")
                             or PROJECT_ROOT / "node_modules" / "bpmn-js" / "dist"),
        "ASSETS_BUILD_DIR": PROJECT_ROOT / "build" / "assets",  # `npm run build` writes here
        "EDITOR_BUILD": Path(os.environ.get("KONTOFLODE_EDITOR_BUILD")
                             or PROJECT_ROOT / "build" / "editor"),
    }
    config.update(test_config)
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = instance_secret_key(Path(instance_path))
    return config


def secure_cookies(debug_or_testing: bool) -> bool:
    """Whether cookies get the Secure flag.

    Secure unless told otherwise: SESSION_COOKIE_SECURE=0 or KONTOFLODE_INSECURE_COOKIES=1 turn it
    off explicitly, and so does the debug server or a test run (both plain http on localhost).
    A production deployment therefore never silently sends its session over plain http.
    """
    explicit = _flag(os.environ.get("SESSION_COOKIE_SECURE"))
    if explicit is not None:
        return explicit
    if _flag(os.environ.get("KONTOFLODE_INSECURE_COOKIES")):
        return False
    return not debug_or_testing


def instance_secret_key(instance_dir: Path) -> str:
    """Return the key kept in instance/secret_key, creating it (mode 0600) on first use."""
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        # Write a private temporary file, then link it into place: two workers starting at
        # once never see a half-written key, and the first one to link wins.
        tmp = instance_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip()

