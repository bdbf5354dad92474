"""`GET /api/system/status` against a real private redis-server and a real plexsim, and with both missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from panel import create_app
from panel.settings import Settings
from plexsim.dataset import generate
from plexsim.server import SimulatorConfig, start_background
from tests.support.ports import free_port

from .conftest import sign_in

TOKEN = "status-test-token"


@pytest.fixture(scope="module")
def plex_url() -> Iterator[str]:
    """A plexsim with the demo library that requires `TOKEN`."""
    server = start_background(generate(), port=0, config=SimulatorConfig(token=TOKEN))
    try:
        yield server.url.rstrip("/")
    finally:
        server.shutdown()
        server.server_close()


def client_for(tmp_path: Path, **settings: Any) -> FlaskClient:
    app = create_app(Settings(data_dir=tmp_path / "data", **settings))
    app.testing = True
    return sign_in(app, app.test_client())


def status(client: FlaskClient) -> dict[str, Any]:
    """The status data; always 200 with a success envelope."""
    resp = client.get("/api/system/status")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["success"] is True and body["error"] is None
    data: dict[str, Any] = body["data"]
    assert set(data) == {"git", "plex", "redis", "disk", "version"}
    return data


def test_everything_reachable(tmp_path: Path, redis_url: str, plex_url: str) -> None:
    client = client_for(tmp_path, redis_url=redis_url, plex_url=plex_url, plex_token=TOKEN)
    data = status(client)
    head = client.get("/api/history?limit=1").get_json()["data"]
    assert data["git"] == {"head": head["items"][0]["sha"], "branch": "main"}
    plex = data["plex"]
    assert plex["reachable"] is True and "error" not in plex
    assert plex["url"] == plex_url and plex["version"] and plex["friendly_name"] == "plexsim"
    assert data["redis"] == {"url": redis_url, "reachable": True}
    disk = data["disk"]
    assert disk["data_dir"] == str(tmp_path / "data")
    assert 0 < disk["free_bytes"] <= disk["total_bytes"]
    assert data["version"] == "0.1.0"
    assert TOKEN not in client.get("/api/system/status").get_data(as_text=True)


def test_nothing_configured(tmp_path: Path) -> None:
    data = status(client_for(tmp_path))
    assert data["plex"] == {
        "url": None,
        "reachable": False,
        "version": None,
        "friendly_name": None,
        "error": "not configured",
    }
    assert data["redis"] == {"url": None, "reachable": False, "error": "not configured"}
    assert len(data["git"]["head"]) == 40


def test_unreachable_services(tmp_path: Path) -> None:
    plex_url = f"http://127.0.0.1:{free_port()}"
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    data = status(client_for(tmp_path, redis_url=redis_url, plex_url=plex_url, plex_token="x"))
    assert data["plex"]["reachable"] is False and data["plex"]["url"] == plex_url
    assert "cannot reach" in data["plex"]["error"]
    assert data["redis"]["reachable"] is False and data["redis"]["url"] == redis_url
    assert "Connection" in data["redis"]["error"]


def test_wrong_plex_token(tmp_path: Path, plex_url: str) -> None:
    data = status(client_for(tmp_path, plex_url=plex_url, plex_token="wrong"))
    assert data["plex"]["reachable"] is False
    assert data["plex"]["error"] == "the token was refused"


def test_settings_from_env() -> None:
    env = {
        "KOMETA_PANEL_REDIS_URL": "redis://127.0.0.1:6390/0",
        "KOMETA_PANEL_PLEX_URL": "http://127.0.0.1:32400/",
        "KOMETA_PANEL_PLEX_TOKEN": "secret",
    }
    settings = Settings.from_env(env)
    assert settings.redis_url == "redis://127.0.0.1:6390/0"
    assert settings.plex_url == "http://127.0.0.1:32400" and settings.plex_token == "secret"
    assert "secret" not in repr(settings)
    empty = Settings.from_env({})
    assert (empty.redis_url, empty.plex_url, empty.plex_token) == (None, None, None)
