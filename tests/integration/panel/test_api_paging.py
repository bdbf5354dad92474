"""Every list of the API pages the same way: ``?limit=`` (default 50, at most 500) and an opaque ``?cursor=``
from the previous page's ``next_cursor``; a bad limit or cursor is a 400 naming it."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from panel.repo import ConfigRepo
from tests.support.panel_api import envelope

LISTS = [
    "/api/files",
    "/api/secrets",
    "/api/libraries",
    "/api/history",
    "/api/audit",
    "/api/collections",
    "/api/overlays",
    "/api/users",
    "/api/tokens",
]


def walk(client: FlaskClient, url: str, limit: int) -> list[list[Any]]:
    """Every page of ``url`` at ``limit`` items a page."""
    pages, cursor = [], None
    while True:
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        data = envelope(client.get(f"{url}?{query}"), 200)["data"]
        pages.append(data["items"])
        cursor = data["next_cursor"]
        if cursor is None:
            return pages


def test_files_page_by_path_without_repeats_or_gaps(client: FlaskClient) -> None:
    everything = envelope(client.get("/api/files?limit=500"), 200)["data"]["items"]
    pages = walk(client, "/api/files", 3)
    assert all(len(page) == 3 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 3
    assert [item for page in pages for item in page] == sorted(everything, key=lambda i: i["path"])


def test_a_page_survives_an_item_added_before_the_cursor(client: FlaskClient, repo: ConfigRepo) -> None:
    first = envelope(client.get("/api/files?limit=2"), 200)["data"]
    client.put("/api/files/.aaa.yml", json={"content": "a: 1\n", "base": repo.head()})
    second = envelope(client.get(f"/api/files?limit=2&cursor={first['next_cursor']}"), 200)["data"]
    seen = [i["path"] for i in first["items"] + second["items"]]
    assert ".aaa.yml" not in seen and len(set(seen)) == 4 and seen == sorted(seen)


def test_collections_page_by_file_and_line(client: FlaskClient) -> None:
    everything = envelope(client.get("/api/collections?limit=500"), 200)["data"]["items"]
    pages = walk(client, "/api/collections", 7)
    seen = [(item["file"], item["line"], item["name"]) for page in pages for item in page]
    assert len(pages) > 2 and seen == sorted((i["file"], i["line"], i["name"]) for i in everything)


def test_users_and_tokens_page_by_id(client: FlaskClient) -> None:
    for n in range(4):
        client.post("/api/users", json={"username": f"user{n}", "password": "long enough", "role": "viewer"})
        client.post("/api/tokens", json={"name": f"token {n}", "scopes": ["read"]})
    users = [item["id"] for page in walk(client, "/api/users", 2) for item in page]
    tokens = [item["name"] for page in walk(client, "/api/tokens", 3) for item in page]
    assert len(users) == 5 and users == sorted(users)
    assert tokens == [f"token {n}" for n in range(4)]


def test_secrets_page_by_name(client: FlaskClient) -> None:
    for name in ("tmdb_key", "plextoken", "trakt_secret", "omdb_key", "mdblist_key"):
        client.put(f"/api/secrets/{name}", json={"value": f"value-of-{name}"})
    pages = walk(client, "/api/secrets", 2)
    names = [item["name"] for page in pages for item in page]
    assert [len(page) for page in pages] == [2, 2, 1] and names == sorted(names) and len(names) == 5


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("limit", ["0", "501", "abc", "-1", "1.5", " 5"])
def test_a_bad_limit_is_400_naming_it(client: FlaskClient, url: str, limit: str) -> None:
    error = envelope(client.get(url, query_string={"limit": limit}), 400)["error"]
    assert error["code"] == "bad_request" and error["details"]["field"] == "limit"


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("cursor", ["garbage", "W10", "eyJhIjogMX0", "%%%"])
def test_a_cursor_from_elsewhere_is_refused_naming_it(client: FlaskClient, url: str, cursor: str) -> None:
    """Not a cursor's form: 400 (the document says so); the form but not this list's: 422."""
    malformed = cursor == "%%%" or url.startswith("/api/audit")
    status, code = (400, "bad_request") if malformed else (422, "unprocessable")
    error = envelope(client.get(url, query_string={"cursor": cursor}), status)["error"]
    assert error["code"] == code and error["details"]["field"] == "cursor"
