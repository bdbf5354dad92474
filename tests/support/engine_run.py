"""Running the engine against plexsim from a test: write config.yml and collection files to a temporary
directory, run the engine in-process (or `kometa.py` as a subprocess), read the result back through plexapi.

Expectations belong in the tests and come from `plexsim.dataset.generate()` read with plain Python; this
module only drives the engine and reads Plex, it computes nothing the tests assert on.

    with plexsim_server() as server:
        ws = Workspace(tmp_path, server)
        ws.write_config(MOVIES_ONLY)
        ws.write("movies.yml", "collections: ...")
        report = ws.run()
        ws.collection("Westerns").items()
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from PIL import Image
from plexapi.collection import Collection
from plexapi.exceptions import NotFound
from plexapi.server import PlexServer

from modules.config import load_config
from modules.events import Events
from modules.report import RunReport
from modules.run import RunOptions, run
from plexsim.dataset import generate
from plexsim.model import Item, Library
from plexsim.server import PlexSimServer, SimulatorConfig, start_background

TOKEN = "engine-test-token"
REPO_ROOT = Path(__file__).resolve().parents[2]
KOMETA = REPO_ROOT / "kometa.py"

# config.yml for the demo server: the Plex address and token come from the <<plex_url>> / <<plextoken>>
# secrets that `Workspace.run` passes; {settings} and {libraries} are indented YAML blocks.
CONFIG_TEMPLATE = """\
plex:
  url: <<plex_url>>
  token: <<plextoken>>
{settings}{webhooks}libraries:
{libraries}"""
MOVIES_LIBRARY = """\
  Movies:
    collection_files:
      - file: movies.yml
"""


# --------------------------------------------------------------------------- plexsim


@contextmanager
def plexsim_server() -> Iterator[PlexSimServer]:
    """A fresh demo server on a free loopback port, with the test token; stopped afterwards."""
    server = start_background(generate(), config=SimulatorConfig(token=TOKEN), reset=generate)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def plex_stats(url: str) -> dict[str, Any]:
    """plexsim's request counters (`reads`, `writes`, `routes`) since the last reset."""
    answer: dict[str, Any] = requests.get(f"{url}/__plexsim/stats", timeout=10).json()
    return answer


def reset_stats(url: str) -> None:
    requests.delete(f"{url}/__plexsim/stats", timeout=10).raise_for_status()


def demo_movies(library: Library | None = None) -> list[Item]:
    """The demo's movies as plexsim data (a second generation of the same library), for expectations."""
    lib = library or generate()
    return [item for item in lib.items.values() if item.type == "movie"]


# --------------------------------------------------------------------------- a config directory


def yaml_block(text: str, indent: int = 0) -> str:
    """`text` dedented, then indented by `indent` spaces, ending with a newline."""
    body = textwrap.dedent(text).strip("\n")
    return textwrap.indent(body, " " * indent) + "\n" if body else ""


def config_text(libraries: str = MOVIES_LIBRARY, settings: str = "", webhooks: str = "") -> str:
    """A config.yml for the demo server; `settings`/`webhooks` are the bodies of those mappings."""
    return CONFIG_TEMPLATE.format(
        settings=f"settings:\n{yaml_block(settings, 2)}" if settings.strip() else "",
        webhooks=f"webhooks:\n{yaml_block(webhooks, 2)}" if webhooks.strip() else "",
        libraries=yaml_block(libraries, 2),
    )


@dataclass
class Workspace:
    """A config directory served by one plexsim server."""

    directory: Path
    server: PlexSimServer
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.server.url)

    @property
    def config_path(self) -> Path:
        return self.directory / "config.yml"

    @property
    def secrets(self) -> dict[str, str]:
        return {"plex_url": self.url, "plextoken": TOKEN}

    def write(self, name: str, text: str) -> Path:
        """Write a dedented text file under the config directory."""
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def write_config(self, libraries: str = MOVIES_LIBRARY, settings: str = "", webhooks: str = "") -> Path:
        path = self.config_path
        path.write_text(config_text(libraries, settings, webhooks), encoding="utf-8")
        return path

    def collections_file(self, text: str, name: str = "movies.yml") -> Path:
        return self.write(name, text)

    def run(self, now: datetime | None = None, **options: Any) -> RunReport:
        """Load config.yml and run the engine in-process; `options` are RunOptions fields."""
        config = load_config(self.config_path, self.secrets)
        events = Events()
        events.subscribe(self.events.append)
        return run(config, RunOptions(now=now, **options), events)

    def run_counted(self, now: datetime | None = None, **options: Any) -> tuple[RunReport, dict[str, Any]]:
        """`run`, plus the requests plexsim counted during it."""
        reset_stats(self.url)
        report = self.run(now, **options)
        return report, plex_stats(self.url)

    # ---- reading Plex back through plexapi
    @property
    def plex(self) -> PlexServer:
        return PlexServer(self.url, TOKEN)

    def collection(self, title: str, section: str = "Movies") -> Collection:
        found: Collection = self.plex.library.section(section).collection(title)
        return found

    def has_collection(self, title: str, section: str = "Movies") -> bool:
        try:
            self.collection(title, section)
        except NotFound:
            return False
        return True

    def titles(self, section: str = "Movies") -> set[str]:
        return {c.title for c in self.plex.library.section(section).collections()}

    def members(self, title: str, section: str = "Movies") -> list[int]:
        """Rating keys of a collection's items in the order Plex shows them."""
        return [int(item.ratingKey) for item in self.collection(title, section).items()]

    def image(self, path: str) -> bytes:
        """The bytes Plex serves for an image path such as a collection's `thumb`."""
        answer = requests.get(f"{self.url}{path}", headers={"X-Plex-Token": TOKEN}, timeout=10)
        answer.raise_for_status()
        return answer.content


def collection_report(report: RunReport, name: str) -> Any:
    """The CollectionReport named `name` (any library)."""
    for library in report.libraries:
        for collection in library.collections:
            if collection.name == name:
                return collection
    raise KeyError(f"no collection {name!r} in the report")


# --------------------------------------------------------------------------- helpers for images and hooks


def png_bytes(color: tuple[int, int, int], size: tuple[int, int] = (20, 30)) -> bytes:
    """A small solid-colour PNG."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


@dataclass
class LocalHttp:
    """A loopback http.server: GET serves `files` by path; POST bodies are recorded as (path, JSON)."""

    files: dict[str, bytes] = field(default_factory=dict)
    posts: list[tuple[str, Any]] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)
    url: str = ""


@contextmanager
def local_http() -> Iterator[LocalHttp]:
    state = LocalHttp()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.gets.append(self.path)
            body = state.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            state.posts.append((self.path, json.loads(raw or b"null")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


# --------------------------------------------------------------------------- kometa.py as a process


def kometa_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The current environment without KOMETA_/PMM_ variables, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOMETA_", "PMM_"))}
    return {**env, **(extra or {})}


def run_kometa(
    args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python kometa.py ARGS` with the current interpreter; output captured as text."""
    return subprocess.run(
        [sys.executable, str(KOMETA), *args],
        env=kometa_env(env),
        cwd=str(cwd or REPO_ROOT),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def keys(items: list[Item]) -> list[int]:
    return [item.rating_key for item in items]
