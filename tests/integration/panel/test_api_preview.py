"""``POST /api/collections/preview`` and the poster route over real HTTP against plexsim.

Expected members come from plexapi searches of the same plexsim (never from the panel's code); plexsim's
request counters show that previews write nothing and that a warm preview does not list the library again.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from PIL import Image
from plexapi.server import PlexServer

from panel import create_app
from panel.api.preview_answers import PreviewAnswer
from panel.settings import Settings
from plexsim.server import PlexSimServer
from tests.support.engine_run import TOKEN, plex_stats, plexsim_server, reset_stats
from tests.support.panel_http import serve, signed_in
from tests.support.ports import free_port, wait_for_port

PREVIEW = "/api/collections/preview"
LISTING = "GET /library/sections/{section}/all"
TEMPLATES = """\
templates:
  Genre Decade:
    plex_search:
      all:
        genre: <<genre>>
        decade: <<decade>>
collections:
  Dramas of the 2000s:
    template: {name: Genre Decade, genre: Drama, decade: 2000}
"""


@pytest.fixture(scope="module")
def plex() -> Iterator[PlexSimServer]:
    with plexsim_server() as server:
        yield server


@pytest.fixture(scope="module")
def plexapi(plex: PlexSimServer) -> PlexServer:
    return PlexServer(plex.url, TOKEN)


@pytest.fixture
def app(tmp_path: Path, plex: PlexSimServer) -> Flask:
    app = create_app(Settings(data_dir=tmp_path / "data", plex_url=plex.url, plex_token=TOKEN))
    app.testing = True
    return app


@pytest.fixture
def panel(app: Flask) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture
def viewer(app: Flask, panel: str) -> requests.Session:
    return signed_in(app, panel, "viewer", "viewer")


def preview(client: requests.Session, panel: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    """Every page of one preview's answer: the first page's data with all items."""
    answer = client.post(f"{panel}{PREVIEW}?limit=500", json=body, timeout=60)
    assert answer.status_code == status, answer.text
    if status != 200:
        error: dict[str, Any] = answer.json()["error"]
        return error
    data: dict[str, Any] = answer.json()["data"]
    PreviewAnswer.model_validate(data)
    items, cursor = list(data["items"]), data["next_cursor"]
    while cursor:
        page = client.post(f"{panel}{PREVIEW}?limit=500&cursor={cursor}", json=body, timeout=60).json()
        items += page["data"]["items"]
        cursor = page["data"]["next_cursor"]
    return {**data, "items": items}


def head_of(client: requests.Session, panel: str) -> str:
    commit: str = client.get(f"{panel}/api/files", timeout=30).json()["data"]["commit"]
    return commit


def keys(data: dict[str, Any]) -> set[int]:
    return {item["rating_key"] for item in data["items"]}


def searched(plexapi: PlexServer, **kwargs: Any) -> set[int]:
    """Rating keys of a plexapi search of plexsim's Movies."""
    return {int(m.ratingKey) for m in plexapi.library.section("Movies").search(libtype="movie", **kwargs)}


def test_plex_search_preview_is_what_plexapi_finds_and_writes_nothing(
    plex: PlexSimServer, plexapi: PlexServer, panel: str, viewer: requests.Session
) -> None:
    reset_stats(plex.url)
    yaml = "plex_search:\n  all:\n    genre: Action\n    year.gte: 2010\n"
    data = preview(viewer, panel, {"library": "Movies", "yaml": yaml})
    expected = searched(plexapi, filters={"genre": "Action", "year>>": 2009})
    assert expected and keys(data) == expected
    assert data["total"] == len(expected) and data["smart"] is False and data["problems"] == []
    movies = {int(m.ratingKey): m for m in plexapi.library.section("Movies").all()}
    for item in data["items"]:
        movie = movies[item["rating_key"]]
        assert (item["title"], item["year"]) == (movie.title, movie.year)
        assert item["poster"] == f"/api/plex/libraries/1/items/{item['rating_key']}/poster"
    assert plex_stats(plex.url)["writes"] == 0


def test_smart_filter_preview_holds_what_its_query_returns(
    plex: PlexSimServer, plexapi: PlexServer, panel: str, viewer: requests.Session
) -> None:
    reset_stats(plex.url)
    yaml = "smart_filter:\n  all:\n    genre: Comedy\n  sort_by: year.desc\n"
    data = preview(viewer, panel, {"library": "Movies", "yaml": yaml})
    found = plexapi.library.section("Movies").search(libtype="movie", genre="Comedy", sort="year:desc")
    assert data["smart"] is True
    assert [item["rating_key"] for item in data["items"]] == [int(m.ratingKey) for m in found]
    assert plex_stats(plex.url)["writes"] == 0


def test_a_template_of_the_file_applies(
    plex: PlexSimServer, plexapi: PlexServer, app: Flask, panel: str, viewer: requests.Session
) -> None:
    editor = signed_in(app, panel, "editor", "editor")
    head = editor.get(f"{panel}/api/files", timeout=30).json()["data"]["commit"]
    written = editor.put(
        f"{panel}/api/files/collections/movies.yml", json={"content": TEMPLATES, "base": head}, timeout=60
    )
    assert written.status_code == 200, written.text
    reset_stats(plex.url)
    body = {"library": "Movies", "file": "collections/movies.yml", "name": "Dramas of the 2000s"}
    saved = preview(viewer, panel, body)
    edited = preview(
        viewer,
        panel,
        {**body, "yaml": "template: {name: Genre Decade, genre: Drama, decade: 1990}\n"},
    )
    assert keys(saved) == searched(plexapi, genre="Drama", decade=2000) != set()
    unknown = TEMPLATES.replace("genre: Drama,", "genre: Dramma,")  # valid YAML; only Plex knows better
    written = editor.put(
        f"{panel}/api/files/collections/other.yml",
        json={"content": unknown, "base": head_of(editor, panel)},
        timeout=60,
    )
    assert written.status_code == 200, written.text
    saved_broken = preview(viewer, panel, {**body, "file": "collections/other.yml"})
    [problem] = saved_broken["problems"]
    assert (problem["file"], problem["line"], problem["code"]) == (
        "collections/other.yml",
        8,
        "minimum-items",
    )
    assert keys(edited) == searched(plexapi, genre="Drama", decade=1990) != set()
    assert plex_stats(plex.url)["writes"] == 0


def test_filters_narrow_the_builders(
    plex: PlexSimServer, plexapi: PlexServer, panel: str, viewer: requests.Session
) -> None:
    reset_stats(plex.url)
    definition = {"plex_all": True, "filters": {"year.gte": 2015, "genre": "Drama"}}
    data = preview(viewer, panel, {"library": "Movies", "definition": definition})
    expected = searched(plexapi, filters={"genre": "Drama", "year>>": 2014})
    assert expected and keys(data) == expected
    assert data["filtered_out"] == len(plexapi.library.section("Movies").all()) - len(expected)
    assert plex_stats(plex.url)["writes"] == 0


def test_a_second_preview_of_the_library_does_not_list_it_again(
    plex: PlexSimServer, plexapi: PlexServer, panel: str, viewer: requests.Session
) -> None:
    """year and title are in the listing, so these previews need Plex only for the listing itself."""
    reset_stats(plex.url)
    first = preview(viewer, panel, {"library": "Movies", "yaml": "plex_search: {all: {year.gte: 2020}}"})
    assert plex_stats(plex.url)["routes"].get(LISTING, 0) >= 1
    reset_stats(plex.url)
    second = preview(viewer, panel, {"library": "Movies", "yaml": "plex_search: {all: {year.lt: 1990}}"})
    assert plex_stats(plex.url)["total"] == 0
    assert keys(first) == searched(plexapi, filters={"year>>": 2019})
    assert keys(second) == searched(plexapi, filters={"year<<": 1990})
    assert first["listed_at"] == second["listed_at"]
    genre = {"library": "Movies", "yaml": "plex_search: {all: {genre: Action}}"}
    searched_once = preview(viewer, panel, genre)
    reset_stats(plex.url)
    again = preview(viewer, panel, {**genre, "yaml": "sort_title: '+A'\nplex_search: {all: {genre: Action}}"})
    assert plex_stats(plex.url)["total"] == 0  # the same Plex search, answered with the listing
    assert keys(again) == keys(searched_once) == searched(plexapi, genre="Action")
    refreshed = preview(viewer, panel, {"library": "Movies", "yaml": "plex_all: true", "refresh": True})
    assert plex_stats(plex.url)["routes"].get(LISTING, 0) >= 1
    assert refreshed["listed_at"] >= second["listed_at"]


def test_problems_carry_the_line_and_column_of_the_yaml(panel: str, viewer: requests.Session) -> None:
    typo = "sort_title: +1\nplex_search:\n  all:\n    genre: Action\n    yaer.gte: 2012\n"
    data = preview(viewer, panel, {"library": "Movies", "yaml": typo})
    assert data["items"] == [] and data["total"] == 0
    [problem] = data["problems"]
    assert (problem["file"], problem["line"], problem["column"], problem["severity"]) == (None, 5, 5, "error")
    assert (problem["pointer"], problem["code"]) == ("/plex_search/all/yaer.gte", "definition")
    assert "yaer" in problem["message"] and "year" in problem["message"]
    few = preview(viewer, panel, {"library": "Movies", "yaml": "minimum_items: 1000\nplex_all: true\n"})
    assert few["total"] > 0 and [p["severity"] for p in few["problems"]] == ["warning"]
    assert "minimum_items is 1000" in few["problems"][0]["message"]
    broken = preview(viewer, panel, {"library": "Movies", "yaml": "plex_search:\n  all: {genre: [Action\n"})
    assert broken["problems"][0]["line"] == 3 and "YAML syntax error" in broken["problems"][0]["message"]


def test_bad_requests_are_named(panel: str, viewer: requests.Session) -> None:
    error = preview(viewer, panel, {"yaml": "plex_all: true"}, 400)
    assert error["details"]["field"] == "library"
    error = preview(viewer, panel, {"library": "Movies", "yaml": "a: 1", "definition": {}}, 400)
    assert error["details"]["field"] == "yaml"
    error = preview(viewer, panel, {"library": "Movies"}, 400)
    assert error["details"]["field"] == "definition"
    error = preview(viewer, panel, {"library": "Music", "yaml": "plex_all: true"}, 404)
    assert "Music" in error["message"] and error["details"]["field"] == "library"
    error = preview(viewer, panel, {"library": "Movies", "yaml": "plex_all: true", "colour": 1}, 400)
    assert error["details"]["field"] == "colour"
    for outside in ("../../../etc/hosts", "/etc/hosts"):
        error = preview(viewer, panel, {"library": "Movies", "file": outside, "name": "x"}, 400)
        assert error["code"] == "bad_request"
    error = preview(viewer, panel, {"library": "Movies", "file": "README.md", "name": "x"}, 404)
    assert error["details"]["field"] == "file"
    error = preview(
        viewer, panel, {"library": "Movies", "file": "collections/movies.yml", "name": "Nope"}, 404
    )
    assert error["details"]["field"] == "name"


def test_preview_needs_a_signed_in_user_and_a_read_token_is_enough(
    app: Flask, panel: str, viewer: requests.Session
) -> None:
    body = {"library": "Movies", "yaml": "plex_all: true"}
    assert requests.post(f"{panel}{PREVIEW}", json=body, timeout=30).status_code == 401
    token = viewer.post(f"{panel}/api/tokens", json={"name": "read", "scopes": ["read"]}, timeout=30)
    assert token.status_code == 201, token.text
    headers = {"Authorization": f"Bearer {token.json()['data']['token']}"}
    assert requests.post(f"{panel}{PREVIEW}", json=body, headers=headers, timeout=60).status_code == 200


# --------------------------------------------------------------------------- posters


def test_the_poster_is_plexs_image_behind_auth(
    plex: PlexSimServer, plexapi: PlexServer, panel: str, viewer: requests.Session
) -> None:
    data = preview(viewer, panel, {"library": "Movies", "yaml": "plex_search: {all: {year.gte: 2020}}"})
    item = data["items"][0]
    movie = plexapi.fetchItem(item["rating_key"])
    expected = requests.get(plexapi.url(movie.thumb, includeToken=True), timeout=30)
    answer = viewer.get(f"{panel}{item['poster']}", timeout=30)
    assert answer.status_code == 200
    assert answer.content == expected.content and len(answer.content) > 100
    assert answer.headers["Content-Type"] == expected.headers["Content-Type"]
    assert answer.headers["Cache-Control"] == "private, max-age=3600"
    assert TOKEN not in answer.text and TOKEN not in str(answer.headers)
    again = viewer.get(
        f"{panel}{item['poster']}", headers={"If-None-Match": answer.headers["ETag"]}, timeout=30
    )
    assert again.status_code == 304 and again.content == b""
    assert requests.get(f"{panel}{item['poster']}", timeout=30).status_code == 401
    small = viewer.get(f"{panel}{item['poster']}?width=60", timeout=30)
    resized = plexapi.transcodeImage(movie.thumb, height=90, width=60)
    assert small.status_code == 200 and small.content == requests.get(resized, timeout=30).content
    with Image.open(io.BytesIO(small.content)) as image:
        assert image.width <= 60 and image.height <= 90
    assert small.headers["ETag"] != answer.headers["ETag"]
    bad = viewer.get(f"{panel}{item['poster']}?width=0", timeout=30)
    assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "width"


def test_the_poster_route_refuses_what_is_not_an_item_of_a_configured_library(
    plexapi: PlexServer, app: Flask, panel: str, viewer: requests.Session
) -> None:
    movies = plexapi.library.section("Movies")
    shows = plexapi.library.section("TV Shows")
    show = shows.all()[0]
    movie = movies.all()[0]
    for path in (
        f"/api/plex/libraries/{movies.key}/items/{show.ratingKey}/poster",  # another library's item
        f"/api/plex/libraries/{movies.key}/items/999999/poster",  # no such item
        f"/api/plex/libraries/77/items/{movie.ratingKey}/poster",  # no such library
    ):
        answer = viewer.get(f"{panel}{path}", timeout=30)
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "not_found"
    assert (
        viewer.get(f"{panel}/api/plex/libraries/{shows.key}/items/{show.ratingKey}/poster").status_code == 200
    )
    editor = signed_in(app, panel, "editor", "editor")
    head = editor.get(f"{panel}/api/files", timeout=30).json()["data"]["commit"]
    config = editor.get(f"{panel}/api/files/config.yml", timeout=30).json()["data"]["content"]
    movies_only = config.split("  TV Shows:")[0].rstrip() + "\n"
    written = editor.put(
        f"{panel}/api/files/config.yml", json={"content": movies_only, "base": head}, timeout=60
    )
    assert written.status_code == 200, written.text
    gone = viewer.get(f"{panel}/api/plex/libraries/{shows.key}/items/{show.ratingKey}/poster", timeout=30)
    assert gone.status_code == 404


def test_without_a_plex_server_there_are_no_posters_and_previews_say_why(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "bare"))
    with serve(app) as url:
        viewer = signed_in(app, url, "viewer", "viewer")
        answer = viewer.get(f"{url}/api/plex/libraries/1/items/1/poster", timeout=30)
        assert answer.status_code == 404 and "no Plex server" in answer.json()["error"]["message"]
        body = {"library": "Movies", "yaml": "plex_all: true"}
        answer = viewer.post(f"{url}{PREVIEW}", json=body, timeout=30)
        assert answer.status_code == 503 and answer.json()["error"]["code"] == "plex_unreachable"


def test_plex_going_away_mid_edit_is_503_not_a_problem_of_the_definition(tmp_path: Path) -> None:
    """plexsim as its own process, killed between two previews: keep-alive connections die with it."""
    port = free_port()
    command = [sys.executable, "-m", "plexsim", "serve", "--port", str(port), "--token", TOKEN]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", port, timeout=60)
        plex_url = f"http://127.0.0.1:{port}"
        app = create_app(Settings(data_dir=tmp_path / "gone", plex_url=plex_url, plex_token=TOKEN))
        with serve(app) as url:
            viewer = signed_in(app, url, "viewer", "viewer")
            body = {"library": "Movies", "yaml": "plex_search: {all: {year.gte: 2000}}"}
            assert viewer.post(f"{url}{PREVIEW}", json=body, timeout=60).status_code == 200
            proc.kill()
            proc.wait(timeout=30)
            body = {"library": "Movies", "yaml": "plex_search: {all: {genre: Action}}"}  # needs a Plex search
            answer = viewer.post(f"{url}{PREVIEW}", json=body, timeout=60)
            assert answer.status_code == 503, answer.text
            assert answer.json()["error"]["code"] == "plex_unreachable" and TOKEN not in answer.text
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_without_a_panel_plex_the_one_config_yml_names_is_used_with_the_stored_secrets(
    tmp_path: Path, plex: PlexSimServer, plexapi: PlexServer
) -> None:
    """The starter config.yml says url: <<plex_url>> and token: <<plextoken>>, as a run fills them."""
    app = create_app(Settings(data_dir=tmp_path / "secrets", secrets_key="preview-secrets-key"))
    with serve(app) as url:
        admin = signed_in(app, url, "admin", "admin")
        body = {"library": "Movies", "yaml": "plex_search: {all: {year.gte: 2020}}"}
        assert admin.post(f"{url}{PREVIEW}", json=body, timeout=60).status_code == 503
        for name, value in (("plex_url", plex.url), ("plextoken", TOKEN)):
            assert (
                admin.put(f"{url}/api/secrets/{name}", json={"value": value}, timeout=30).status_code == 201
            )
        data = preview(admin, url, body)
        assert keys(data) == searched(plexapi, filters={"year>>": 2019})
        poster = admin.get(f"{url}{data['items'][0]['poster']}", timeout=30)
        assert poster.status_code == 200 and poster.headers["Content-Type"].startswith("image/")
