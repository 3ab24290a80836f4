"""The WSGI entry point for a production server: `gunicorn web.wsgi:app`.

Each worker process imports this module after the server forks it (no `--preload`), so each
builds its own app and its own database engine: no connection is shared across a fork.
"""

from __future__ import annotations

from . import create_app

app = create_app()
