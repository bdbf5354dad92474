"""The panel under gunicorn as a real HTTP server for tests: several worker processes on a free loopback
port, a data directory of the test's own, users made beforehand through the app, stopped by PID."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
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
    spread: bool = False,
    **env: str,
) -> Iterator[PanelServer]:
    """Run ``gunicorn panel.wsgi:app`` with ``workers`` processes on ``data_dir``; ``env`` adds
    ``KOMETA_PANEL_*`` variables (a Redis URL, the auth cache lifetime, proxies...).

    With ``spread`` each worker holds one connection at a time, so concurrent requests reach every
    worker, and the server is ready only once every worker has answered (they build their apps one
    after another, and a request arriving before that finds only the first)."""
    add_users(data_dir, users or {"admin": "admin"})
    port = free_port()
    access_log = data_dir.parent / f"access-{port}.log"
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("KOMETA_PANEL_", "GUNICORN_"))},
        "KOMETA_PANEL_DATA_DIR": str(data_dir),
        "KOMETA_PANEL_WORKERS": str(workers),
        "KOMETA_PANEL_THREADS": str(1 if spread else threads),
        **env,
    }
    if spread:  # the access log names the worker (%(p)s) of every request
        full_env["GUNICORN_CMD_ARGS"] = (
            f"--worker-connections 1 --access-logfile {access_log} --access-logformat %(p)s"
        )
    proc = subprocess.Popen(
        panel_command(port), cwd=PROJECT_DIR, env=full_env, stdin=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not panel_answers(port) or (spread and answering_workers(port, access_log) < workers):
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {proc.returncode} while starting")
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the panel's workers did not answer on port {port} within {START_TIMEOUT:.0f}s"
                )
            time.sleep(0.05)
        yield PanelServer(f"http://127.0.0.1:{port}", data_dir, proc)
    finally:
        stop_process(proc)


def answering_workers(port: int, access_log: Path, clients: int = 8) -> int:
    """How many worker processes have answered so far, after ``clients`` concurrent health checks."""
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda _: panel_answers(port), range(clients)))
    try:
        return len(set(access_log.read_text().split()))
    except FileNotFoundError:
        return 0
