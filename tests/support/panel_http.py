"""The panel as a real HTTP server for tests, with an admin's bearer token and git on its repository: a thin
view over :mod:`tests.support.panel_server`, which starts gunicorn as `make run` does."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.panel_server import panel_server


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


@contextmanager
def panel_http(tmp_path: Path, workers: int = 1, threads: int = 4) -> Iterator[PanelHttp]:
    """The panel under gunicorn (:func:`tests.support.panel_server.panel_server`) on a new data directory in
    ``tmp_path``, with an admin signed in over HTTP; stopped after the block."""
    data_dir = tmp_path / "data"
    with panel_server(data_dir, {"admin": "admin"}, workers=workers, threads=threads) as server:
        token = server.tokens("admin")["access_token"]
        yield PanelHttp(server.url, {"Authorization": f"Bearer {token}"}, data_dir)
