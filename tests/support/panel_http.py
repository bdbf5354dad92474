"""The panel as a real HTTP server for tests: gunicorn with `panel/gunicorn_conf.py` (as `make run` starts
it) on a free loopback port, over a new data directory, with an admin's bearer token; or an app object on
werkzeug's threaded server (`serve`) for tests that drive one app they configured."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from flask import Flask
from werkzeug.serving import make_server

from panel import create_app
from panel.auth import create_user, issue_access_token
from panel.db import get_session
from panel.settings import Settings
from panel.stack import PROJECT_DIR, panel_answers, panel_command, stop_process
from tests.support.ports import free_port

START_TIMEOUT = 60.0
UNSET = ("KOMETA_PANEL_REDIS_URL", "KOMETA_PANEL_PLEX_URL", "KOMETA_PANEL_PLEX_TOKEN", "KOMETA_PANEL_BIND")


@dataclass
class PanelHttp:
    """A running panel: its base URL, an admin's ``Authorization`` header, and its data directory."""

    url: str
    headers: dict[str, str]
    data_dir: Path

    @property
    def repo(self) -> Path:
        """The bare config repository the panel serves."""
        return self.data_dir / "config.git"

    def get(self, path: str) -> requests.Response:
        return requests.get(self.url + path, headers=self.headers, timeout=60)

    def put(self, path: str, body: object) -> requests.Response:
        return requests.put(self.url + path, headers=self.headers, json=body, timeout=120)

    def post(self, path: str, body: object) -> requests.Response:
        return requests.post(self.url + path, headers=self.headers, json=body, timeout=120)

    def head(self) -> str:
        """The sha ``main`` points at, read from the repository itself."""
        return git(self.repo, "rev-parse", "refs/heads/main")


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    """Run git on the bare repository ``repo``; its output without the final newline."""
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args], input=stdin, capture_output=True, text=True, check=True
    ).stdout.rstrip("\n")


def admin_header(data_dir: Path) -> dict[str, str]:
    """Create the data directory (repository, database, keys) and an admin in it; its bearer header."""
    app = create_app(Settings(data_dir=data_dir))
    with app.app_context():
        session = get_session()
        user = create_user(session, "admin", "correct horse battery", "admin")
        session.commit()
        return {"Authorization": f"Bearer {issue_access_token(user)}"}


@contextmanager
def panel_http(tmp_path: Path, workers: int = 1, threads: int = 4) -> Iterator[PanelHttp]:
    """Start the panel under gunicorn on a new data directory in ``tmp_path``; stop it (by its PID) after."""
    data_dir = tmp_path / "data"
    headers = admin_header(data_dir)
    env = {**os.environ, "KOMETA_PANEL_DATA_DIR": str(data_dir)}
    env |= {"KOMETA_PANEL_WORKERS": str(workers), "KOMETA_PANEL_THREADS": str(threads)}
    for name in UNSET:
        env.pop(name, None)
    log = tmp_path / "gunicorn.log"
    for _attempt in range(5):
        port = free_port()
        with log.open("ab") as errors:
            proc = subprocess.Popen(
                panel_command(port), cwd=PROJECT_DIR, env=env, stdin=subprocess.DEVNULL, stderr=errors
            )
        url = f"http://127.0.0.1:{port}"
        if _wait_health(proc, port):
            break
        stop_process(proc)
    else:
        raise RuntimeError("the panel did not start under gunicorn:\n" + log.read_text(errors="replace"))
    try:
        yield PanelHttp(url, headers, data_dir)
    finally:
        stop_process(proc)


def _wait_health(proc: subprocess.Popen[bytes], port: int) -> bool:
    """Whether a worker answers ``/api/health`` before the process exits (a lost port race) or times out."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        if panel_answers(port):
            return True
        time.sleep(0.05)
    return False


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """``app`` served on 127.0.0.1 until the block ends; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="panel-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def signed_in(app: Flask, base_url: str, username: str, role: str) -> requests.Session:
    """A new user of ``role``, signed in through ``POST /api/auth/login``; a session sending its token."""
    password = "correct horse battery staple"
    with app.app_context():
        session = get_session()
        create_user(session, username, password, role)
        session.commit()
    answer = requests.post(
        f"{base_url}/api/auth/login", json={"username": username, "password": password}, timeout=30
    )
    answer.raise_for_status()
    client = requests.Session()
    client.headers["Authorization"] = f"Bearer {answer.json()['data']['access_token']}"
    return client
