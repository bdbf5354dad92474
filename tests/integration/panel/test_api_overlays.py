"""The overlays API (`/api/overlays`) against a real bare git repository in tmp_path: an overlay file is
committed through the files API, then listed, read, edited, created and deleted entry by entry.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from panel.api.overlays import describe
from panel.repo import ConfigRepo
from tests.unit.panel.test_yaml_edit import AUDIENCE_RATING, OVERLAYS

BADGES = "overlays/badges.yml"


def data(resp: TestResponse, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["success"] is (status < 400)
    return body["error"] if status >= 400 else body["data"]


def url(file: str, name: str) -> str:
    return "/api/overlays/" + quote(f"{file}::{name}", safe="")


def badges(repo: ConfigRepo) -> str:
    return repo.read_file(BADGES)[0].decode("utf-8")


@pytest.fixture
def seeded(client: FlaskClient, repo: ConfigRepo) -> str:
    """Commit the overlay file fixture as ``overlays/badges.yml``; the commit before it."""
    before = repo.head()
    data(client.put(f"/api/files/{BADGES}", json={"content": OVERLAYS, "base": before}))
    return before


def test_list_has_file_line_and_what_each_overlay_draws(client: FlaskClient, seeded: str) -> None:
    got = data(client.get("/api/overlays"))
    mine = [i for i in got["items"] if i["file"] == BADGES]
    lines = OVERLAYS.splitlines()
    assert [i["name"] for i in mine] == ["4K", "HDR", "Audience Rating"]
    for item in mine:
        assert item["id"] == f"{BADGES}::{item['name']}"
        assert lines[item["line"] - 1] == f"  {item['name']}:"
    four_k, hdr, rating = (i["overlay"] for i in mine)
    assert four_k == {
        "kind": "image",
        "name": "4K",
        "text": None,
        "source": "default",
        "path": "resolution/4K",
    }
    assert hdr["source"] == "default" and hdr["path"] == "resolution/HDR"
    assert rating == {
        "kind": "text",
        "name": "text(<<audience_rating>>)",
        "text": "<<audience_rating>>",
        "source": None,
        "path": None,
    }
    assert mine[2]["yaml"].startswith("overlay:\n  name: text(<<audience_rating>>)\n")
    older = data(client.get(f"/api/overlays?rev={seeded}"))
    assert older["commit"] == seeded and not [i for i in older["items"] if i["file"] == BADGES]
    assert not [i for i in data(client.get("/api/collections"))["items"] if i["file"] == BADGES]


def test_get_one_and_ids_that_do_not_fit(client: FlaskClient, repo: ConfigRepo, seeded: str) -> None:
    item = data(client.get(url(BADGES, "HDR")))
    assert item["commit"] == repo.head() and item["blob"] == repo.read_file(BADGES)[1]
    assert item["definition"]["suppress_overlays"] == ["4K"]
    assert item["yaml"].startswith('overlay: {name: HDR, default: "resolution/HDR"}\n')
    assert data(client.get(url(BADGES, "HDR") + f"?rev={seeded}"), 404)["code"] == "not_found"
    assert data(client.get(url(BADGES, "8K")), 404)["details"] == {"file": BADGES, "name": "8K"}
    assert data(client.get("/api/overlays/no-separator"), 400)["details"]["field"] == "ident"
    assert data(client.get(url("overlays/badges.txt", "4K")), 400)["code"] == "bad_request"
    assert data(client.get(url("../badges.yml", "4K")), 422)["code"] == "unprocessable"


def test_putting_every_overlay_back_changes_nothing(
    client: FlaskClient, repo: ConfigRepo, seeded: str
) -> None:
    head = repo.head()
    items = data(client.get("/api/overlays"))["items"]
    assert items
    for item in items:
        for body in ({"definition": item["definition"]}, {"yaml": item["yaml"]}):
            commit = data(client.put(url(item["file"], item["name"]), json={**body, "base": head}))
            assert commit["unchanged"] is True and commit["sha"] == head
    assert badges(repo) == OVERLAYS


def test_an_edit_changes_only_that_line(client: FlaskClient, repo: ConfigRepo, seeded: str) -> None:
    definition = data(client.get(url(BADGES, "Audience Rating")))["definition"]
    definition["overlay"]["font_size"] = 70
    commit = data(
        client.put(url(BADGES, "Audience Rating"), json={"definition": definition, "base": repo.head()})
    )
    assert commit["unchanged"] is False and commit["files"] == [BADGES]
    assert commit["message"] == f"Update overlay Audience Rating in {BADGES}"
    assert badges(repo) == OVERLAYS.replace("      font_size: 63\n", "      font_size: 70\n")


def test_yaml_text_keeps_its_comments(client: FlaskClient, repo: ConfigRepo, seeded: str) -> None:
    source = "overlay:\n  name: 4K\n  default: resolution/4K   # the badge\n# only UHD\nplex_search:\n  all:\n    resolution: 4K\n"
    data(client.put(url(BADGES, "4K"), json={"yaml": source, "base": repo.head(), "message": "4K badge"}))
    assert data(client.get(url(BADGES, "4K")))["yaml"] == source
    old = OVERLAYS[OVERLAYS.index("  4K:\n") : OVERLAYS.index("\n  HDR:")]
    new = "  4K:\n" + "".join("    " + line for line in source.splitlines(keepends=True))
    assert badges(repo) == OVERLAYS.replace(old, new)
    assert repo.commit(repo.head()).message.strip() == "4K badge"


def test_create_into_a_new_file_and_next_to_others(
    client: FlaskClient, repo: ConfigRepo, seeded: str
) -> None:
    body = {"file": "overlays/new.yml", "name": "Dolby", "definition": {"overlay": "Dolby", "plex_all": True}}
    commit = data(client.post("/api/overlays", json={**body, "base": repo.head()}), 201)
    assert commit["files"] == ["overlays/new.yml"]
    assert (
        repo.read_file("overlays/new.yml")[0]
        == b"overlays:\n  Dolby:\n    overlay: Dolby\n    plex_all: true\n"
    )
    again = data(client.post("/api/overlays", json={**body, "base": repo.head()}), 409)
    assert again["code"] == "conflict" and again["details"]["id"] == "overlays/new.yml::Dolby"

    blur = {"file": BADGES, "name": "Blur", "yaml": "overlay:\n  name: blur(50)  # soft\nplex_all: true\n"}
    data(client.post("/api/overlays", json={**blur, "base": repo.head()}), 201)
    closing = "\n# End of file"
    assert badges(repo) == OVERLAYS.replace(
        closing, "\n  Blur:\n    overlay:\n      name: blur(50)  # soft\n    plex_all: true\n" + closing
    )
    assert data(client.get(url(BADGES, "Blur")))["overlay"]["kind"] == "blur"


def test_delete_down_to_the_last_overlay(client: FlaskClient, repo: ConfigRepo, seeded: str) -> None:
    commit = data(client.delete(url(BADGES, "Audience Rating") + f"?base={repo.head()}&message=no+ratings"))
    assert commit["message"].strip() == "no ratings"
    assert badges(repo) == OVERLAYS.replace("\n" + AUDIENCE_RATING, "")
    for name in ("4K", "HDR"):
        data(client.delete(url(BADGES, name) + f"?base={repo.head()}"))
    head = OVERLAYS[: OVERLAYS.index("overlays:\n")]
    assert (
        badges(repo) == head + "overlays: {}\n\n# End of file: overlays above are applied in weight order.\n"
    )
    assert data(client.delete(url(BADGES, "4K") + f"?base={repo.head()}"), 404)["code"] == "not_found"
    assert data(client.delete(url(BADGES, "4K")), 400)["message"].startswith("'base'")


def test_an_invalid_overlay_is_refused_with_its_place(
    client: FlaskClient, repo: ConfigRepo, seeded: str
) -> None:
    head = repo.head()
    definition = {"overlay": {"name": "4K", "horizontal_align": "middle"}, "plex_all": True}
    err = data(client.put(url(BADGES, "4K"), json={"definition": definition, "base": head}), 422)
    assert err["code"] == "validation_failed"
    problem = next(p for p in err["details"]["problems"] if p["severity"] == "error")
    assert (problem["file"], problem["line"]) == (BADGES, 25)
    assert f"{BADGES}:25:{problem['column']}" in err["message"]
    assert repo.head() == head and badges(repo) == OVERLAYS


def test_bad_bodies_are_refused_naming_the_field(client: FlaskClient, repo: ConfigRepo, seeded: str) -> None:
    head = repo.head()
    broken = data(client.put(url(BADGES, "4K"), json={"yaml": "overlay:\n  name: [4K\n", "base": head}), 422)
    assert broken["code"] == "validation_failed" and broken["details"]["blocking"][0]["file"] == BADGES
    listed = data(client.put(url(BADGES, "4K"), json={"yaml": "- 4K\n", "base": head}), 422)
    assert listed["details"] == {"field": "yaml"}
    assert "'definition'" in data(client.put(url(BADGES, "4K"), json={"base": head}), 400)["message"]
    assert data(client.put(url(BADGES, "4K"), json={"definition": {}}), 400)["details"] == {"field": "base"}
    nameless = {"file": BADGES, "name": " ", "definition": {"plex_all": True}, "base": head}
    assert data(client.post("/api/overlays", json=nameless), 400)["details"] == {"field": "name"}
    assert repo.head() == head


def test_a_stale_base_is_a_conflict_with_both_versions(
    client: FlaskClient, repo: ConfigRepo, seeded: str
) -> None:
    base = repo.head()
    first = data(client.get(url(BADGES, "4K")))["definition"]
    data(client.put(url(BADGES, "4K"), json={"definition": {**first, "weight": 10}, "base": base}))
    theirs = badges(repo)
    hdr = data(client.get(url(BADGES, "HDR")))["definition"]
    err = data(client.put(url(BADGES, "HDR"), json={"definition": {**hdr, "weight": 20}, "base": base}), 409)
    assert err["code"] == "conflict" and err["details"]["base"] == base
    assert err["details"]["head"] == repo.head() and err["details"]["theirs"] == theirs
    assert err["details"]["yours"] == OVERLAYS.replace(
        "[4K]   # 4K wins\n", "[4K]   # 4K wins\n    weight: 20\n"
    )
    assert badges(repo) == theirs


@pytest.mark.parametrize("kind", ["collections", "overlays"])
def test_the_openapi_document_has_bodies_and_query_parameters(anon: FlaskClient, kind: str) -> None:
    paths = anon.get("/api/openapi.json").get_json()["paths"]
    one = paths[f"/api/{kind}/{{ident}}"]
    query = {
        op: {p["name"]: p["required"] for p in one[op]["parameters"] if p["in"] == "query"} for op in one
    }
    assert query == {"get": {"rev": False}, "put": {}, "delete": {"base": True, "message": False}}
    schemas = anon.get("/api/openapi.json").get_json()["components"]["schemas"]

    def body(op: dict[str, Any]) -> dict[str, Any]:
        ref: str = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema: dict[str, Any] = schemas[ref.rsplit("/", 1)[1]]
        return schema

    put = body(one["put"])
    assert set(put["properties"]) == {"definition", "yaml", "base", "message"} and put["required"] == ["base"]
    assert put["oneOf"] == [{"required": ["definition"]}, {"required": ["yaml"]}]
    assert set(body(paths[f"/api/{kind}"]["post"])["required"]) == {"file", "name", "base"}
    assert {p["name"] for p in paths[f"/api/{kind}"]["get"]["parameters"]} == {"rev", "limit", "cursor"}


@pytest.mark.parametrize(
    ("definition", "overlay"),
    [
        (
            {"overlay": "4K", "plex_all": True},
            {"kind": "image", "name": "4K", "source": "config", "path": "overlays/4K.png"},
        ),
        (
            {"plex_all": True},
            {"kind": "image", "name": "Badge", "source": "config", "path": "overlays/Badge.png"},
        ),
        (
            {"overlay": {"name": "Logo", "url": "https://example.org/l.png"}},
            {"kind": "image", "name": "Logo", "source": "url", "path": "https://example.org/l.png"},
        ),
        (
            {"overlay": {"name": "IMDb", "pmm": "ratings/imdb"}},
            {"kind": "image", "name": "IMDb", "source": "default", "path": "ratings/imdb"},
        ),
        (
            {"overlay": {"name": "backdrop", "back_color": "#000"}},
            {"kind": "backdrop", "name": "backdrop", "source": None, "path": None},
        ),
        (
            {"overlay": {"name": "blur(30)"}},
            {"kind": "blur", "name": "blur(30)", "source": None, "path": None},
        ),
        (
            {"overlay": {"name": "text(<<runtimeH>>h)", "file": "icons/clock.png"}},
            {"kind": "text", "name": "text(<<runtimeH>>h)", "source": "file", "path": "icons/clock.png"},
        ),
    ],
)
def test_what_an_overlay_draws(definition: dict[str, Any], overlay: dict[str, Any]) -> None:
    got = describe("Badge", definition)["overlay"]
    assert {k: got[k] for k in overlay} == overlay


def test_an_overlay_from_a_template_is_not_guessed() -> None:
    assert describe("Badge", {"template": {"name": "Corner Badge"}, "plex_all": True}) == {"overlay": None}
