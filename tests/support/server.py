"""The app under a real WSGI server (gunicorn) on a loopback port, and a browser-like client.

Used by the server test and the HTTP benchmark. The server runs as production does: its own
process group, worker processes that each import `web.wsgi`, plain http on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# The access log names the worker process that answered: "<pid> METHOD /path status".
ACCESS_FORMAT = "%(p)s %(m)s %(U)s %(s)s"
ACCESS_LINE = re.compile(r"^<(\d+)> (\S+) (\S+) (\d{3})$")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """gunicorn serving `web.wsgi:app` on a free loopback port; a context manager.

    Leaving the `with` block always ends the server: SIGTERM (gunicorn's graceful stop), then
    SIGKILL to its whole process group if it has not stopped within `stop_timeout` seconds.
    """

    def __init__(self, database_url: str, folder: Path, workers: int = 2,
                 env: dict[str, str] | None = None, stop_timeout: float = 10.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.stop_timeout = stop_timeout
        self.access_log = folder / f"access-{self.port}.log"
        self.error_log = folder / f"error-{self.port}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "KONTOFLODE_INSECURE_COOKIES": "1",  # plain http on loopback, as `make run`
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self, ready_timeout: float = 20.0) -> GunicornServer:
        """Start gunicorn and wait until it answers the sign-in page."""
        command = [
            sys.executable, "-m", "gunicorn", "web.wsgi:app",
            "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
            "--no-control-socket",  # several servers may run at once on one machine
            "--access-logfile", str(self.access_log), "--access-logformat", ACCESS_FORMAT,
            "--error-logfile", str(self.error_log),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n"
                                   f"{self.errors()}")
            try:
                login = f"{self.url}/login"  # http on 127.0.0.1, built above
                with urllib.request.urlopen(login, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"gunicorn did not answer within {ready_timeout} s:\n{self.errors()}")

    def stop(self) -> int | None:
        """Stop gracefully (SIGTERM), killing the process group if that takes too long.

        Returns the server's exit code (negative: killed by that signal), None if never started.
        """
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(self.stop_timeout)
        # Whatever happened to the master, leave no worker behind.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait(self.stop_timeout)

    def worker_cpu_seconds(self) -> float | None:
        """CPU time (user + system) the worker processes have used so far; None off Linux."""
        if self.process is None or not Path("/proc").is_dir():
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended while being read
                continue
            if int(fields[1]) == self.process.pid:  # fields[1] is the parent's pid
                total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return total

    def answers(self) -> list[tuple[int, str, str, int]]:
        """Every request answered so far: (worker pid, method, path, status)."""
        if not self.access_log.exists():
            return []
        found = []
        for line in self.access_log.read_text(encoding="utf-8").splitlines():
            match = ACCESS_LINE.match(line.strip())
            if match:
                pid, method, path, status = match.groups()
                found.append((int(pid), method, path, int(status)))
        return found

    def errors(self) -> str:
        """The server's own log (start-up, worker boots, tracebacks)."""
        return self.error_log.read_text(encoding="utf-8") if self.error_log.exists() else ""

    def __enter__(self) -> GunicornServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc) -> None:
        self.stop()


@dataclass
class Page:
    """One HTTP response: status, the Location header (redirects) and the body."""

    status: int
    location: str | None
    body: str

    def csrf_token(self) -> str:
        """The page's CSRF token (every page with a form has one)."""
        match = CSRF.search(self.body)
        if match is None:
            raise AssertionError(f"no CSRF token on the page (status {self.status})")
        return match.group(1)


class _Unchecked(urllib.request.HTTPErrorProcessor):
    """Hand every response back as it is: no redirect following, no exception on 4xx/5xx."""

    def http_response(self, request, response):
        return response

    https_response = http_response


class Browser:
    """A client with its own cookies, as one person's browser; redirects are not followed."""

    def __init__(self, base_url: str, timeout: float = 10.0):
        if not base_url.startswith("http://"):
            raise ValueError(f"not an http URL: {base_url}")
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _Unchecked())

    def get(self, path: str) -> Page:
        """GET a page of the site."""
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310 - http only

    def post(self, path: str, data: dict[str, str]) -> Page:
        """POST a form (url-encoded, as a browser sends it)."""
        body = urllib.parse.urlencode(data).encode("ascii")
        request = urllib.request.Request(  # noqa: S310 - base_url is checked to be http
            self.base_url + path, data=body, method="POST")
        return self._open(request)

    def submit(self, path: str, data: dict[str, str], form_page: str | None = None) -> Page:
        """POST a form with the CSRF token of the page it is on (`form_page`, default `path`)."""
        token = self.get(form_page or path).csrf_token()
        return self.post(path, {**data, "csrf_token": token})

    def login(self, username: str, password: str) -> Page:
        """Sign in through the login form; fails unless the site redirects after it."""
        page = self.submit("/login", {"username": username, "password": password})
        if page.status != 303:
            raise AssertionError(f"signing in as {username} gave {page.status}")
        return page

    def _open(self, request: urllib.request.Request) -> Page:
        with self.opener.open(request, timeout=self.timeout) as response:
            return Page(response.status, response.headers.get("Location"),
                        response.read().decode("utf-8"))
