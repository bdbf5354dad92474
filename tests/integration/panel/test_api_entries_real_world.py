"""`/api/collections` on real-world files (findings 1, 2, 4-7 of the config review): 4-space indentation,
numbers as names, anchors, aliases and `<<:` merge keys, CRLF line endings. Each edit must leave every
byte it did not mean to change, and an edit that would change another entry is refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from panel.repo import ConfigRepo
from tests.unit.panel.test_yaml_edit import INDENTED, NUMBERS, SHARED

TEMPLATES = 'templates:\n  Chart:\n    sort_title: "++_<<collection_name>>"\n    sync_mode: sync\n\n'
FILES = {
    "Indent.yml": INDENTED,
    "Numbers.yml": NUMBERS,
    "Movies.yml": TEMPLATES + SHARED,
    "MoviesCRLF.yml": (TEMPLATES + SHARED).replace("\n", "\r\n"),
}


def data(resp: TestResponse, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    return body["error"] if status >= 400 else body["data"]


def url(file: str, name: str) -> str:
    return "/api/collections/" + quote(f"{file}::{name}", safe="")


def text(repo: ConfigRepo, path: str) -> str:
    return repo.read_file(path)[0].decode("utf-8")


@pytest.fixture
def seeded(client: FlaskClient, repo: ConfigRepo) -> None:
    """The files above committed through the files API (so they validate as they are)."""
    for path, content in FILES.items():
        data(client.put(f"/api/files/{path}", json={"content": content, "base": repo.head()}))
        assert text(repo, path) == content


def put(
    client: FlaskClient, repo: ConfigRepo, path: str, name: str, body: dict[str, Any], status: int = 200
) -> Any:
    return data(client.put(url(path, name), json={**body, "base": repo.head()}), status)


def definition(client: FlaskClient, path: str, name: str) -> dict[str, Any]:
    got: dict[str, Any] = data(client.get(url(path, name)))["definition"]
    return got


@pytest.mark.usefixtures("seeded")
def test_a_four_space_file_keeps_its_indentation_and_its_next_collection(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    pixar = {**definition(client, "Indent.yml", "Pixar"), "summary": "Pixar Animation Studios films"}
    put(client, repo, "Indent.yml", "Pixar", {"definition": pixar})
    assert text(repo, "Indent.yml") == INDENTED.replace("Pixar films", "Pixar Animation Studios films")
    names = [i["name"] for i in data(client.get("/api/collections"))["items"] if i["file"] == "Indent.yml"]
    assert names == ["Pixar", "DreamWorks"]
    body = {"file": "Indent.yml", "name": "Illumination", "base": repo.head()}
    data(
        client.post(
            "/api/collections",
            json={**body, "definition": {"plex_search": {"all": {"studio": "Illumination"}}}},
        ),
        201,
    )
    assert text(repo, "Indent.yml").endswith(
        "    Illumination:\n        plex_search:\n            all:\n                studio: Illumination\n"
    )


@pytest.mark.usefixtures("seeded")
def test_numbers_and_nulls_as_names_are_listed_read_edited_and_deleted(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    ids = [i["id"] for i in data(client.get("/api/collections"))["items"] if i["file"] == "Numbers.yml"]
    assert ids == ["Numbers.yml::1917", "Numbers.yml::2001.5", "Numbers.yml::None", "Numbers.yml::Other"]
    assert definition(client, "Numbers.yml", "1917") == {"plex_search": {"all": {"title": "1917"}}}
    put(client, repo, "Numbers.yml", "2001.5", {"definition": {"plex_all": True, "limit": 5}})
    expected = NUMBERS.replace(
        "  2001.5:\n    plex_all: true\n", "  2001.5:\n    plex_all: true\n    limit: 5\n"
    )
    assert text(repo, "Numbers.yml") == expected
    data(client.delete(url("Numbers.yml", "None") + f"?base={repo.head()}"))
    data(client.delete(url("Numbers.yml", "1917") + f"?base={repo.head()}"))
    first = "  1917:\n    plex_search:\n      all:\n        title: '1917'\n"
    assert text(repo, "Numbers.yml") == expected.replace(first, "").replace("  ~:\n    plex_all: true\n", "")


@pytest.mark.usefixtures("seeded")
def test_anchors_and_aliases_survive_edits_and_yaml_may_use_them(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    before = FILES["Movies.yml"]
    trending = {**definition(client, "Movies.yml", "Trending"), "trakt_trending": 50}
    put(client, repo, "Movies.yml", "Trending", {"definition": trending})
    after = before.replace("trakt_trending: 30 ", "trakt_trending: 50 ")
    assert text(repo, "Movies.yml") == after
    popular = {**definition(client, "Movies.yml", "Popular"), "tmdb_popular": 20}
    put(client, repo, "Movies.yml", "Popular", {"definition": popular})
    after = after.replace("tmdb_popular: 40", "tmdb_popular: 20")
    assert text(repo, "Movies.yml") == after
    source = data(client.get(url("Movies.yml", "Popular")))["yaml"].replace("20", "25")
    put(client, repo, "Movies.yml", "Popular", {"yaml": source})
    assert text(repo, "Movies.yml") == after.replace("tmdb_popular: 20", "tmdb_popular: 25")
    head = repo.head()
    err = data(client.delete(url("Movies.yml", "Trending") + f"?base={head}"), 422)
    assert "Movies.yml: collections entry 'Trending'" in err["message"] and "no_horror" in err["message"]
    changed = {**trending, "filters": {"genre.not": "Drama"}}
    err = put(client, repo, "Movies.yml", "Trending", {"definition": changed}, 422)
    assert "other entries ('Popular')" in err["message"] and err["details"]["file"] == "Movies.yml"
    assert repo.head() == head


@pytest.mark.usefixtures("seeded")
def test_merge_keys_stay_when_a_client_echoes_the_definition(client: FlaskClient, repo: ConfigRepo) -> None:
    mcu = data(client.get(url("Movies.yml", "Marvel Cinematic Universe")))
    assert mcu["inherited"] == ["sync_mode", "minimum_items"]
    changed = {**mcu["definition"], "summary": "The MCU, in release order (updated)"}
    put(client, repo, "Movies.yml", "Marvel Cinematic Universe", {"definition": changed})
    after = FILES["Movies.yml"].replace("release order'", "release order (updated)'")
    assert text(repo, "Movies.yml") == after
    head = repo.head()
    del changed["sync_mode"]
    err = put(client, repo, "Movies.yml", "Marvel Cinematic Universe", {"definition": changed}, 422)
    assert "'sync_mode' comes from a '<<' merge key" in err["message"] and repo.head() == head
    source = data(client.get(url("Movies.yml", "Marvel Cinematic Universe")))["yaml"]
    assert source.startswith("<<: *shared_settings\n")
    source = source.replace("custom", "release")
    put(client, repo, "Movies.yml", "Marvel Cinematic Universe", {"yaml": source})
    assert text(repo, "Movies.yml") == after.replace("collection_order: custom", "collection_order: release")


@pytest.mark.usefixtures("seeded")
def test_crlf_files_get_crlf_lines(client: FlaskClient, repo: ConfigRepo) -> None:
    path = "MoviesCRLF.yml"
    popular = {**definition(client, path, "Popular"), "tmdb_popular": 20}
    put(client, repo, path, "Popular", {"definition": popular})
    after = FILES[path].replace("tmdb_popular: 40", "tmdb_popular: 20")
    assert text(repo, path) == after
    source = "tmdb_popular: 30\r\nfilters: *no_horror   # as Trending\r\nsummary: Popular.\n"
    put(client, repo, path, "Popular", {"yaml": source})
    popular_lines = after[after.index("  Popular:") : after.index("\r\n\r\n  Marvel")]
    after = after.replace(
        popular_lines,
        "  Popular:\r\n    tmdb_popular: 30\r\n    filters: *no_horror   # as Trending\r\n    summary: Popular.",
    )
    assert text(repo, path) == after
    body = {"file": path, "name": "New One", "definition": {"plex_all": True}, "base": repo.head()}
    data(client.post("/api/collections", json=body), 201)
    end = "# end of collections\r\n"
    assert text(repo, path) == after.replace(end, "\r\n  New One:\r\n    plex_all: true\r\n" + end)
