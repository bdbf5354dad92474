"""``/api/libraries`` against a real plexsim: Plex's sections joined with config.yml's libraries, what each
library manages, the 60-second Plex cache and ``?refresh=1``, and a Plex that is missing or down.

The Plex answers are cached per process by Plex URL, and this file's plexsim outlives each test's app,
so every test that compares with plexsim's data asks with ``?refresh=1`` first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from plexapi.server import PlexServer
from ruamel.yaml import YAML

from panel import create_app
from panel.repo import ConfigRepo
from panel.settings import PANEL_AUTHOR, PROJECT_DIR, Settings
from plexsim.dataset import generate
from plexsim.server import PlexSimServer
from tests.support.engine_run import TOKEN, plex_stats, plexsim_server, reset_stats
from tests.support.panel_api import envelope
from tests.support.ports import free_port

from .conftest import sign_in

STARTER_MOVIES = PROJECT_DIR / "config-repo" / "collections" / "movies.yml"
NEW_CONFIG = """\
plex:
  url: <<plex_url>>
  token: <<plextoken>>
libraries:
  Films:
    library_name: Movies
    collection_files:
      - folder: collections
    overlay_files:
      - file: overlays/badges.yml
  Anime:
    collection_files:
      - url: https://example.com/anime.yml
      - default: genre
"""
BADGES = """\
overlays:
  4K Badge:
    plex_search: {all: {resolution: 4k}}
"""


@pytest.fixture(scope="module")
def plex() -> Iterator[PlexSimServer]:
    with plexsim_server() as server:
        yield server


@pytest.fixture
def app(tmp_path: Path, plex: PlexSimServer) -> Flask:
    """The panel with the starter config repository and plexsim as its Plex server."""
    app = create_app(Settings(data_dir=tmp_path / "data", plex_url=plex.url, plex_token=TOKEN))
    app.testing = True
    return app


def client_with(tmp_path: Path, plex_url: str | None, token: str | None = TOKEN) -> FlaskClient:
    """A signed-in client of a panel with another Plex address (or none)."""
    app = create_app(Settings(data_dir=tmp_path / "other", plex_url=plex_url, plex_token=token))
    app.testing = True
    return sign_in(app, app.test_client())


def data(client: FlaskClient, url: str, status: int = 200) -> dict[str, Any]:
    """The envelope's ``data`` of a GET (its ``error`` when ``status`` is an error status)."""
    body = envelope(client.get(url), status)
    found: dict[str, Any] = body["data"] if status < 400 else body["error"]
    return found


def expected_sections() -> list[dict[str, Any]]:
    """plexsim's demo sections with their item and collection counts, as the list should show them."""
    lib = generate()
    return [
        {
            "id": s.id,
            "title": s.title,
            "type": s.type,
            "agent": s.agent,
            "item_count": sum(1 for i in lib.items.values() if i.section_id == s.id and i.type == s.type),
            "collection_count": sum(
                1 for i in lib.items.values() if i.section_id == s.id and i.type == "collection"
            ),
        }
        for s in lib.sections.values()
    ]


def commit_config(repo: ConfigRepo, files: dict[str, str]) -> str:
    return repo.write({p: t.encode() for p, t in files.items()}, repo.head(), PANEL_AUTHOR, "test config").sha


def test_the_list_is_plex_sections_joined_with_the_config_libraries(client: FlaskClient) -> None:
    listing = data(client, "/api/libraries?refresh=1")
    assert listing["plex"]["reachable"] is True and listing["plex"]["cached"] is False
    assert listing["config"] == {"path": "config.yml", "found": True, "error": None}
    plex_part = [{k: i[k] for k in expected_sections()[0]} for i in listing["items"]]
    assert plex_part == expected_sections()
    assert [(i["title"], i["in_plex"], [c["name"] for c in i["config"]]) for i in listing["items"]] == [
        ("Movies", True, ["Movies"]),
        ("TV Shows", True, ["TV Shows"]),
    ]
    movies = listing["items"][0]["config"][0]
    assert (movies["files"], movies["external"], movies["errors"]) == (6, 0, 0)


def test_a_library_shows_its_plex_collections_and_what_the_config_manages(client: FlaskClient) -> None:
    movies = data(client, "/api/libraries/1?refresh=1")
    lib = generate()
    in_plex = [i for i in lib.items.values() if i.type == "collection" and i.section_id == 1]
    assert {c["title"]: c for c in movies["plex_collections"]} == {
        c.title: {
            "rating_key": c.rating_key,
            "title": c.title,
            "smart": c.smart,
            "child_count": len(c.members),
            "labels": c.tags.get("label", []),
            "kometa_label": "kometa" in {label.casefold() for label in c.tags.get("label", [])},
            "in_config": False,
            "managed": False,
        }
        for c in in_plex
    }
    written = list(YAML(typ="safe").load(STARTER_MOVIES.read_text())["collections"])
    # the defaults add Kometa's separator collections (plain collections of their files)
    separators = ["Genre", "Decade", "Resolution", "Ratings", "Actors"]
    assert [(c["id"], c["name"], c["in_plex"]) for c in movies["collections"]] == [
        (f"collections/movies.yml::{name}", name, False) for name in written
    ] + [(None, f"{name} Collections", False) for name in separators]
    assert [(c["name"], c["file"], c["source"]) for c in movies["dynamic_collections"]] == [
        ("Genre", "defaults/both/genre.yml", "defaults"),
        ("Decade", "defaults/movie/decade.yml", "defaults"),
        ("Resolution", "defaults/both/resolution.yml", "defaults"),
        ("Content Rating", "defaults/both/content_rating.yml", "defaults"),
        ("Top Actors", "defaults/both/actor.yml", "defaults"),
    ]
    [entry] = movies["libraries"]
    assert [(b["kind"], b["value"]) for b in entry["collection_files"]] == [
        ("file", "collections/movies.yml"),
        ("default", "genre"),
        ("default", "decade"),
        ("default", "resolution"),
        ("default", "content_rating"),
        ("default", "actor"),
    ]
    assert data(client, "/api/libraries/Movies")["id"] == 1


def test_a_configured_collection_plex_has_is_marked_after_a_refresh(
    client: FlaskClient, plex: PlexSimServer
) -> None:
    data(client, "/api/libraries/1?refresh=1")
    section = PlexServer(plex.url, TOKEN).library.section("Movies")
    section.createCollection("Staff Picks", items=section.all()[:2])
    try:
        cached = data(client, "/api/libraries/1")
        assert cached["plex"]["cached"] is True
        assert "Staff Picks" not in {c["title"] for c in cached["plex_collections"]}
        fresh = data(client, "/api/libraries/1?refresh=1")
        picks = next(c for c in fresh["plex_collections"] if c["title"] == "Staff Picks")
        assert (picks["managed"], picks["child_count"], picks["smart"]) == (True, 2, False)
        assert next(c for c in fresh["collections"] if c["name"] == "Staff Picks")["in_plex"] is True
        assert data(client, "/api/libraries?refresh=1")["items"][0]["collection_count"] == 4
    finally:
        requests.post(f"{plex.url}/__plexsim/reset", timeout=10).raise_for_status()
        data(client, "/api/libraries/1?refresh=1")


def test_a_second_call_within_a_minute_reads_nothing_from_plex(
    client: FlaskClient, plex: PlexSimServer
) -> None:
    first_list = data(client, "/api/libraries?refresh=1")
    first_one = data(client, "/api/libraries/2?refresh=1")
    reset_stats(plex.url)
    second_list = data(client, "/api/libraries")
    second_one = data(client, "/api/libraries/2")
    assert plex_stats(plex.url)["reads"] == 0
    assert second_list["plex"]["cached"] is True and second_one["plex"]["cached"] is True
    assert second_list["items"] == first_list["items"]
    assert second_one["plex_collections"] == first_one["plex_collections"]


def test_refresh_reads_plex_again(client: FlaskClient, plex: PlexSimServer) -> None:
    data(client, "/api/libraries")
    reset_stats(plex.url)
    listing = data(client, "/api/libraries?refresh=1")
    routes = plex_stats(plex.url)["routes"]
    assert listing["plex"]["cached"] is False
    assert routes["GET /library/sections"] == 1
    assert routes["GET /library/sections/{section}/collections"] == len(expected_sections())


def test_the_config_side_is_read_at_the_requested_commit(client: FlaskClient, repo: ConfigRepo) -> None:
    before = repo.head()
    after = commit_config(
        repo, {"config.yml": NEW_CONFIG, "overlays/badges.yml": BADGES, "collections/old.txt": "x"}
    )
    listing = data(client, f"/api/libraries?rev={after}&refresh=1")
    assert listing["commit"] == after
    assert [
        (i["id"], i["title"], i["in_plex"], [c["name"] for c in i["config"]]) for i in listing["items"]
    ] == [
        (1, "Movies", True, ["Films"]),
        (2, "TV Shows", True, []),
        (None, "Anime", False, ["Anime"]),
    ]
    films = data(client, f"/api/libraries/1?rev={after}")
    assert {c["file"] for c in films["collections"]} == {"collections/movies.yml", "collections/tv.yml"}
    assert [(o["name"], o["file"], o["line"]) for o in films["overlays"]] == [
        ("4K Badge", "overlays/badges.yml", 2)
    ]
    anime = data(client, f"/api/libraries/Anime?rev={after}")
    assert (anime["id"], anime["in_plex"], anime["plex_collections"]) == (None, False, None)
    remote, genre = anime["libraries"][0]["collection_files"]
    assert (remote["kind"], remote["external"], remote["files"]) == ("url", True, [])
    assert [f["path"] for f in genre["files"]] == ["defaults/both/genre.yml"]
    old = data(client, f"/api/libraries?rev={before}")
    assert [[c["name"] for c in i["config"]] for i in old["items"]] == [["Movies"], ["TV Shows"]]


KOMETA_DEFAULTS_CONFIG = """\
plex:
  url: <<plex_url>>
  token: <<plextoken>>
libraries:
  Movies:
    collection_files:
      - default: genre
      - default: basic
      - git: PMM/chart/imdb
    overlay_files:
      - default: ribbon
      - default: resolution
        template_variables:
          use_edition: false
      - default: audio_codec
      - default: ratings
      - remove_overlays: false
  TV Shows:
    overlay_files:
      - default: ribbon
      - default: status
      - reapply_overlays: true
      - default: nonsense
"""


def test_kometa_defaults_not_shipped_are_unsupported_and_overlay_defaults_stay_overlays(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    sha = commit_config(repo, {"config.yml": KOMETA_DEFAULTS_CONFIG})
    listing = data(client, f"/api/libraries?rev={sha}&refresh=1")
    summaries = {c["name"]: c for i in listing["items"] for c in i["config"]}
    counts = ("files", "unsupported", "errors", "dynamic_collections", "overlays")
    assert {name: tuple(s[k] for k in counts) for name, s in summaries.items()} == {
        "Movies": (1, 6, 0, 1, 0),
        "TV Shows": (0, 2, 1, 0, 0),
    }
    movies = data(client, f"/api/libraries/1?rev={sha}")
    assert [(c["name"], c["file"]) for c in movies["dynamic_collections"]] == [
        ("Genre", "defaults/both/genre.yml")
    ]
    [entry] = movies["libraries"]
    assert [(b["value"], b["files"], b["error"], b["unsupported"]) for b in entry["overlay_files"]] == [
        (name, [], None, f"Kometa overlay default `{name}` is not shipped by this engine yet; it is skipped")
        for name in ("ribbon", "resolution", "audio_codec", "ratings")
    ]
    assert [(b["kind"], b["value"], b["unsupported"]) for b in entry["collection_files"][1:]] == [
        ("default", "basic", "Kometa default `basic` is not shipped by this engine yet; it is skipped"),
        ("default", "chart/imdb", "Kometa default `imdb` is not shipped by this engine yet; it is skipped"),
    ]
    shows = data(client, f"/api/libraries/2?rev={sha}")["libraries"][0]["overlay_files"]
    assert [(b["value"], b["error"]) for b in shows] == [
        ("ribbon", None),
        ("status", None),
        ("nonsense", "no overlay default named `nonsense` (did you mean `commonsense`?)"),
    ]


def test_a_config_with_kometa_defaults_this_engine_lacks_can_be_saved(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    text = KOMETA_DEFAULTS_CONFIG.replace("      - default: nonsense\n", "")
    saved = client.put("/api/files/config.yml", json={"content": text, "base": repo.head()})
    assert envelope(saved, 200)["data"]["files"] == ["config.yml"]
    refused = client.put(
        "/api/files/config.yml", json={"content": KOMETA_DEFAULTS_CONFIG, "base": repo.head()}
    )
    details = envelope(refused, 422)["error"]["details"]
    assert [(p["line"], p["code"]) for p in details["problems"] if p["severity"] == "error"] == [
        (23, "unknown-default")
    ]


def test_a_config_that_does_not_parse_is_reported_next_to_the_plex_libraries(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    broken = commit_config(repo, {"config.yml": "libraries:\n  Movies:\n    collection_files: [\n"})
    listing = data(client, f"/api/libraries?rev={broken}")
    assert listing["config"]["error"]["line"] == 4
    assert "YAML syntax error" in listing["config"]["error"]["message"]
    assert [(i["title"], i["config"]) for i in listing["items"]] == [("Movies", []), ("TV Shows", [])]


def test_an_unreachable_plex_still_shows_the_config_side(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    client = client_with(tmp_path, dead)
    listing = data(client, "/api/libraries?refresh=1")
    assert listing["plex"]["reachable"] is False and dead in listing["plex"]["error"]
    assert [(i["id"], i["title"], i["in_plex"]) for i in listing["items"]] == [
        (None, "Movies", None),
        (None, "TV Shows", None),
    ]
    movies = data(client, "/api/libraries/Movies")
    # 11 written in collections/movies.yml, 5 separators from the defaults
    assert movies["plex_collections"] is None and len(movies["collections"]) == 16
    assert {c["in_plex"] for c in movies["collections"]} == {None}
    error = data(client, "/api/libraries/1", 503)
    assert error["code"] == "plex_unreachable" and error["details"]["url"] == dead


def test_without_plex_configured_section_keys_do_not_exist(tmp_path: Path) -> None:
    client = client_with(tmp_path, None, None)
    listing = data(client, "/api/libraries")
    assert listing["plex"] == {
        "url": None,
        "reachable": False,
        "error": "not configured",
        "cached": False,
        "fetched_at": None,
    }
    assert data(client, "/api/libraries/1", 404)["code"] == "not_found"


def test_a_refused_token_is_reported_without_the_token(tmp_path: Path, plex: PlexSimServer) -> None:
    client = client_with(tmp_path, plex.url, "wrong-token-123")
    resp = client.get("/api/libraries?refresh=1")
    plex_part = resp.get_json()["data"]["plex"]
    assert resp.status_code == 200 and plex_part["reachable"] is False
    assert "refused the token" in plex_part["error"]
    assert b"wrong-token-123" not in resp.data


def test_bad_requests_name_the_problem(client: FlaskClient) -> None:
    assert data(client, "/api/libraries?refresh=maybe", 400)["details"] == {"field": "refresh"}
    assert data(client, "/api/libraries?rev=no-such-branch", 404)["code"] == "not_found"
    assert "Plex has no library" in data(client, "/api/libraries/99?refresh=1", 404)["message"]
    assert "config.yml has no library" in data(client, "/api/libraries/Music", 404)["message"]


def test_viewers_may_read_and_anonymous_callers_may_not(client_as: Any, anon: FlaskClient) -> None:
    assert client_as("viewer").get("/api/libraries").status_code == 200
    assert anon.get("/api/libraries").status_code == 401
    assert anon.get("/api/libraries/1").status_code == 401
