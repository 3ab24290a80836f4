"""Every environment variable the code reads has a row in the README's configuration table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READS = re.compile(r"""(?:environ|env)(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")


def variables_read() -> set[str]:
    """The names of the environment variables read anywhere in the project's Python."""
    found = set()
    for folder in ("engine", "web", "migrations", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(READS.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_setting_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))
    read = variables_read()
    assert {"DATABASE_URL", "SECRET_KEY", "LOGIN_RATE_LIMIT"} <= read, "the scan finds them"
    assert read - documented == set(), "undocumented settings"
