"""The panel under gunicorn as a real HTTP server for tests: several worker processes on a free loopback
port, a data directory of the test's own, users made beforehand through the app, stopped by PID."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from panel import create_app
from panel.auth import create_user
from panel.db import get_session
from panel.settings import Settings
from panel.stack import PROJECT_DIR, panel_answers, panel_command, stop_process
from tests.support.ports import free_port

START_TIMEOUT = 60.0
PASSWORD = "correct horse battery"
CLIENT_TIMEOUT = 5.0  # the patience of every request a test makes


@dataclass
class PanelServer:
    """A running panel: its base URL, data directory and gunicorn master."""

    url: str
    data_dir: Path
    proc: subprocess.Popen[bytes]

    def login(self, username: str, password: str = PASSWORD, **headers: str) -> requests.Response:
        """``POST /api/auth/login`` on a new connection."""
        body = {"username": username, "password": password}
        return requests.post(self.url + "/api/auth/login", json=body, headers=headers, timeout=CLIENT_TIMEOUT)

    def tokens(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        """Sign in and return the token answer's ``data``."""
        resp = self.login(username, password)
        assert resp.status_code == 200, resp.text
        data: dict[str, Any] = resp.json()["data"]
        return data

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        """One request on a new connection (so requests spread over the worker processes)."""
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", CLIENT_TIMEOUT)
        return requests.request(method, self.url + path, headers=headers, **kwargs)


def add_users(data_dir: Path, users: dict[str, str]) -> None:
    """Create ``username -> role`` (password :data:`PASSWORD`) in the data directory's database."""
    app = create_app(Settings(data_dir=data_dir))
    with app.app_context():
        session = get_session()
        for username, role in users.items():
            create_user(session, username, PASSWORD, role)
        session.commit()


@contextlib.contextmanager
def panel_server(
    data_dir: Path,
    users: dict[str, str] | None = None,
    workers: int = 2,
    threads: int = 4,
    **env: str,
) -> Iterator[PanelServer]:
    """Run ``gunicorn panel.wsgi:app`` with ``workers`` processes on ``data_dir``; ``env`` adds
    ``KOMETA_PANEL_*`` variables (a Redis URL, the auth cache lifetime, proxies...)."""
    add_users(data_dir, users or {"admin": "admin"})
    port = free_port()
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KOMETA_PANEL_")},
        "KOMETA_PANEL_DATA_DIR": str(data_dir),
        "KOMETA_PANEL_WORKERS": str(workers),
        "KOMETA_PANEL_THREADS": str(threads),
        **env,
    }
    proc = subprocess.Popen(
        panel_command(port), cwd=PROJECT_DIR, env=full_env, stdin=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not panel_answers(port):
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {proc.returncode} while starting")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the panel did not answer on port {port} within {START_TIMEOUT:.0f}s")
            time.sleep(0.05)
        yield PanelServer(f"http://127.0.0.1:{port}", data_dir, proc)
    finally:
        stop_process(proc)
