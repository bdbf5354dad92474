"""``/api/libraries/<name>`` after the engine has run the starter config repository against plexsim: every
collection the run made, also those of ``- default:`` files and dynamic collections, is ``managed``, and
each dynamic collection lists what it builds, found in Plex."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from plexapi.server import PlexServer

from panel import create_app
from panel.settings import PROJECT_DIR, Settings
from plexsim.server import PlexSimServer
from tests.support.engine_run import TOKEN, plexsim_server, run_kometa
from tests.support.panel_api import envelope

from .conftest import sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PlexSimServer, dict[str, set[str]]]]:
    """plexsim after one `kometa.py --run` of config-repo, and the collections each section had before."""
    folder = tmp_path_factory.mktemp("repo") / "config-repo"
    shutil.copytree(PROJECT_DIR / "config-repo", folder, ignore=shutil.ignore_patterns("logs", "*.cache"))
    with plexsim_server() as server:
        plex = PlexServer(server.url, TOKEN)
        before = {s.title: {c.title for c in s.collections()} for s in plex.library.sections()}
        env = {"KOMETA_PLEX_URL": server.url, "KOMETA_PLEXTOKEN": TOKEN}
        done = run_kometa(["--run", "--config", str(folder / "config.yml")], env=env)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr
        yield server, before


@pytest.fixture
def client(tmp_path: Path, ran: tuple[PlexSimServer, dict[str, set[str]]]) -> FlaskClient:
    app = create_app(Settings(data_dir=tmp_path / "data", plex_url=ran[0].url, plex_token=TOKEN))
    return sign_in(app, app.test_client())


@pytest.mark.parametrize("library", ["Movies", "TV Shows"])
def test_every_collection_the_run_made_is_managed_and_nothing_else(
    client: FlaskClient, ran: tuple[PlexSimServer, dict[str, set[str]]], library: str
) -> None:
    answer: dict[str, Any] = envelope(client.get(f"/api/libraries/{library}?refresh=1"), 200)["data"]
    made = {c["title"] for c in answer["plex_collections"]} - ran[1][library]
    assert len(made) > 10
    managed = {c["title"] for c in answer["plex_collections"] if c["managed"]}
    assert managed == made, (sorted(made - managed), sorted(managed - made))
    assert {c["title"] for c in answer["plex_collections"] if c["in_config"]} == made
    assert {c["title"] for c in answer["plex_collections"] if c["kometa_label"]} == made, "Kometa's label"

    built: set[str] = set()
    for dynamic in answer["dynamic_collections"]:
        assert dynamic["in_plex"] is True and dynamic["builds"], dynamic["name"]
        assert all(b["in_plex"] for b in dynamic["builds"]), dynamic
        built |= {b["title"] for b in dynamic["builds"]}
    for collection in answer["collections"]:
        assert collection["in_plex"] is True, collection
        built |= {b["title"] for b in collection.get("builds", [{"title": collection["name"]}])}
    assert built == made
