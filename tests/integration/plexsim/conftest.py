"""Fixtures that serve a generated library from plexsim and connect the real plexapi client to it.

Expected results in these tests come from `dataset` (a second, identical generation of the same library,
read with plain Python), never from asking the server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from plexapi.server import PlexServer

from plexsim.dataset import generate
from plexsim.model import Library
from plexsim.server import PlexSimServer, SimulatorConfig, start_background

TOKEN = "plexsim-test-token"


@pytest.fixture(scope="session")
def dataset() -> Library:
    """The demo library as data, for computing expected results independently of the server."""
    return generate()


def _serve() -> PlexSimServer:
    return start_background(generate(), config=SimulatorConfig(token=TOKEN), reset=generate)


@pytest.fixture(scope="module")
def shared_server() -> Iterator[PlexSimServer]:
    """One server per test module for tests that only read."""
    server = _serve()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def plex_ro(shared_server: PlexSimServer) -> PlexServer:
    return PlexServer(shared_server.url, TOKEN)


@pytest.fixture
def server() -> Iterator[PlexSimServer]:
    """A fresh server for a test that changes the library."""
    fresh = _serve()
    yield fresh
    fresh.shutdown()
    fresh.server_close()


@pytest.fixture
def plex(server: PlexSimServer) -> PlexServer:
    return PlexServer(server.url, TOKEN)
