"""The collections API (`/api/collections`), `/api/system/config` and the ruamel helpers of
`panel.yaml_edit`, against a real bare git repository in tmp_path seeded from `config-repo/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from panel.repo import ConfigRepo
from panel.yaml_edit import delete_collection, dump_rt, list_collections, load_rt, set_collection

REPO_ROOT = Path(__file__).resolve().parents[3]
MOVIES = "collections/movies.yml"
MOVIES_TEXT = (REPO_ROOT / "config-repo" / MOVIES).read_text(encoding="utf-8")


def data(resp: TestResponse, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["success"] is (status < 400)
    return body["error"] if status >= 400 else body["data"]


def url(file: str, name: str) -> str:
    return "/api/collections/" + quote(f"{file}::{name}", safe="")


def movies(repo: ConfigRepo) -> str:
    return repo.read_file(MOVIES)[0].decode("utf-8")


# ---------------------------------------------------------------------------------------- yaml_edit


@pytest.mark.parametrize(
    "path", sorted(p for p in [*REPO_ROOT.glob("config-repo/**/*.yml"), *REPO_ROOT.glob("defaults/**/*.yml")])
)
def test_round_trip_is_byte_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert dump_rt(load_rt(text)) == text


@pytest.mark.parametrize("path", ["collections/movies.yml", "collections/tv.yml"])
def test_setting_a_collection_to_itself_changes_nothing(path: str) -> None:
    text = (REPO_ROOT / "config-repo" / path).read_text(encoding="utf-8")
    items = list_collections(text, path)
    assert items
    for item in items:
        assert set_collection(text, item["name"], item["definition"]) == text
        assert set_collection(text, item["name"], item["yaml"]) == text


def test_delete_takes_the_header_comment_and_keeps_the_rest() -> None:
    out = delete_collection(MOVIES_TEXT, "Late Night Thrills")
    assert "Late Night Thrills" not in out and "R or NC-17" not in out
    assert out.count("\n\n\n") == 0
    assert "# A smart collection: Plex itself keeps it current between runs." in out
    assert [i["name"] for i in list_collections(out, MOVIES)][1] == "Unwatched Gems"


def test_set_collection_creates_the_section() -> None:
    assert load_rt(set_collection("", "A", {"x": 1}))["collections"]["A"]["x"] == 1
    out = set_collection("# keep me\ntemplates:\n  T:\n    x: 1\n", "A", {"y": [1, 2]})
    assert out.startswith("# keep me\ntemplates:\n  T:\n    x: 1\n")
    assert list_collections(out, "f.yml")[0]["definition"] == {"y": [1, 2]}


# ---------------------------------------------------------------------------------------- the API


def test_list_has_file_and_line(client: FlaskClient) -> None:
    got = data(client.get("/api/collections"))
    assert got["next_cursor"] is None
    by_id = {i["id"]: i for i in got["items"]}
    lines = MOVIES_TEXT.splitlines()
    for item in got["items"]:
        assert item["id"] == f"{item['file']}::{item['name']}"
        if item["file"] == MOVIES:
            assert lines[item["line"] - 1] == f"  {item['name']}:"
    assert {i["file"] for i in got["items"]} == {"collections/movies.yml", "collections/tv.yml"}
    hits = by_id[f"{MOVIES}::Modern Action Hits"]
    assert hits["line"] == 35
    assert hits["definition"]["plex_search"]["limit"] == 20
    assert "schedule: daily                   # the default" in hits["yaml"]


def test_get_one_and_unknown_ids(client: FlaskClient, repo: ConfigRepo) -> None:
    item = data(client.get(url(MOVIES, "Staff Picks")))
    assert item["name"] == "Staff Picks" and item["file"] == MOVIES and item["commit"] == repo.head()
    assert item["definition"]["label.sync"] == ["Kometa Demo", "Curated"]
    assert data(client.get(url(MOVIES, "Nope")), 404)["code"] == "not_found"
    assert data(client.get(url("collections/nope.yml", "X")), 404)["code"] == "not_found"
    assert data(client.get("/api/collections/no-separator"), 400)["code"] == "bad_request"


def test_update_keeps_every_other_line(client: FlaskClient, repo: ConfigRepo) -> None:
    item = data(client.get(url(MOVIES, "Modern Action Hits")))
    definition = item["definition"]
    definition["plex_search"]["limit"] = 25
    definition["summary"] = "The 25 best-reviewed action movies released since 2010."
    base = repo.head()
    commit = data(
        client.put(url(MOVIES, "Modern Action Hits"), json={"definition": definition, "base": base})
    )
    assert commit["unchanged"] is False and commit["files"] == [MOVIES] and repo.head() == commit["sha"]
    before, after = MOVIES_TEXT.splitlines(), movies(repo).splitlines()
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert [after[i].strip() for i in changed] == [
        "limit: 25",
        "summary: The 25 best-reviewed action movies released since 2010.",
    ]
    assert after[changed[0]] == "      limit: 25"
    assert all(line in after for line in before if line.lstrip().startswith("#"))


def test_update_from_yaml_text_keeps_its_comments(client: FlaskClient, repo: ConfigRepo) -> None:
    source = "plex_search:\n  all:\n    genre: Western   # yee-haw\nsummary: Westerns.\n"
    base = repo.head()
    data(client.put(url(MOVIES, "Holiday Movies"), json={"yaml": source, "base": base}))
    item = data(client.get(url(MOVIES, "Holiday Movies")))
    assert item["yaml"] == source and item["line"] == 135
    text = movies(repo)
    assert text.replace(
        "  Holiday Movies:\n    plex_search:\n      all:\n        genre: Western   # yee-haw\n    summary: Westerns.\n",
        "",
    ) == MOVIES_TEXT.replace(
        MOVIES_TEXT[MOVIES_TEXT.index("  Holiday Movies:") : MOVIES_TEXT.index("\n  # The template")], ""
    )


def test_create_via_post_and_put_then_delete(client: FlaskClient, repo: ConfigRepo) -> None:
    definition = {"plex_search": {"all": {"genre": "Western"}}, "summary": "Westerns.", "sort_title": "+5_W"}
    body = {"file": MOVIES, "name": "Westerns", "definition": definition, "base": repo.head()}
    data(client.post("/api/collections", json=body), 201)
    assert movies(repo).startswith(MOVIES_TEXT)  # appended; nothing before changed
    got = data(client.get(url(MOVIES, "Westerns")))
    assert got["definition"] == definition
    assert (
        data(client.post("/api/collections", json={**body, "base": repo.head()}), 409)["code"] == "conflict"
    )

    tv = "collections/tv.yml"
    data(
        client.put(
            url(tv, "Cartoons"),
            json={"definition": {"plex_search": {"all": {"genre": "Animation"}}}, "base": repo.head()},
        )
    )
    assert data(client.get(url(tv, "Cartoons")))["definition"] == {
        "plex_search": {"all": {"genre": "Animation"}}
    }

    commit = data(client.delete(url(MOVIES, "Westerns") + f"?base={repo.head()}"))
    assert commit["files"] == [MOVIES]
    assert movies(repo) == MOVIES_TEXT
    assert data(client.delete(url(MOVIES, "Westerns") + f"?base={repo.head()}"), 404)["code"] == "not_found"
    assert data(client.delete(url(MOVIES, "Staff Picks")), 400)["code"] == "bad_request"


def test_invalid_definition_is_refused_and_main_does_not_move(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    definition = {"plex_search": {"all": {"genre": "Action"}}, "sync_mode": "mirror"}
    err = data(
        client.put(url(MOVIES, "Modern Action Hits"), json={"definition": definition, "base": head}), 422
    )
    assert err["code"] == "validation_failed"
    assert any(p["file"] == MOVIES for p in err["details"]["problems"])
    assert repo.head() == head and movies(repo) == MOVIES_TEXT


def test_stale_base_on_the_same_file_is_a_conflict(client: FlaskClient, repo: ConfigRepo) -> None:
    base = repo.head()
    first = data(client.get(url(MOVIES, "Staff Picks")))["definition"]
    data(
        client.put(
            url(MOVIES, "Staff Picks"), json={"definition": {**first, "visible_home": False}, "base": base}
        )
    )
    head = repo.head()
    second = {**first, "summary": "Something else."}
    err = data(client.put(url(MOVIES, "Unwatched Gems"), json={"definition": second, "base": base}), 409)
    assert err["code"] == "conflict" and err["details"]["base"] == base and err["details"]["head"] == head
    assert repo.head() == head


def test_system_config_round_trip(client: FlaskClient, repo: ConfigRepo) -> None:
    got = data(client.get("/api/system/config"))
    assert got["path"] == "config.yml" and got["commit"] == repo.head()
    assert got["data"]["settings"]["sync_mode"] == "sync"
    content = got["content"].replace("  minimum_items: 1\n", "  minimum_items: 2\n")
    assert content != got["content"]
    commit = data(client.put("/api/system/config", json={"content": content, "base": got["commit"]}))
    assert commit["files"] == ["config.yml"]
    again = data(client.get("/api/system/config"))
    assert again["content"] == content and again["data"]["settings"]["minimum_items"] == 2
    assert "# collections lose items that stop matching" in again["content"]
    bad = content.replace("sync_mode: sync", "sync_mode: mirror")
    err = data(client.put("/api/system/config", json={"content": bad, "base": again["commit"]}), 422)
    assert err["code"] == "validation_failed"
    stale = data(
        client.put("/api/system/config", json={"content": content + "\n", "base": got["commit"]}), 409
    )
    assert stale["code"] == "conflict"


def test_a_key_added_after_a_commented_last_key_stays_in_its_collection(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    definition = data(client.get(url(MOVIES, "Modern Action Hits")))["definition"]
    definition["visible_home"] = True
    data(client.put(url(MOVIES, "Modern Action Hits"), json={"definition": definition, "base": repo.head()}))
    last = "    schedule: daily                   # the default, written out: runs on every run\n"
    assert movies(repo) == MOVIES_TEXT.replace(last, last + "    visible_home: true\n")


def test_deleting_every_collection_of_a_file_leaves_an_empty_mapping(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    tv = "collections/tv.yml"
    names = [i["name"] for i in data(client.get("/api/collections"))["items"] if i["file"] == tv]
    assert len(names) == 4
    for name in names:
        data(client.delete(url(tv, name) + f"?base={repo.head()}"))
    before = (REPO_ROOT / "config-repo" / tv).read_text(encoding="utf-8")
    after = before[: before.index("collections:\n")] + "collections: {}\n"
    assert repo.read_file(tv)[0].decode("utf-8") == after
    assert not [i for i in data(client.get("/api/collections"))["items"] if i["file"] == tv]


def test_mistakes_in_an_edit_are_named_and_change_nothing(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    both = {"definition": {"plex_all": True}, "yaml": "plex_all: true\n", "base": head}
    error = client.put(url(MOVIES, "Westerns"), json=both).get_json()["error"]
    assert (error["code"], error["details"]) == ("bad_request", {"field": "yaml"}) and "not both" in error[
        "message"
    ]
    twice = {"yaml": "plex_all: true\nplex_all: false\n", "base": head}
    error = client.put(url(MOVIES, "Westerns"), json=twice).get_json()["error"]
    assert error["code"] == "validation_failed" and "duplicate key" in error["message"]
    assert error["details"]["blocking"][0]["file"] == MOVIES
    into_config = {"file": "config.yml", "name": "N", "definition": {"plex_all": True}, "base": head}
    error = client.post("/api/collections", json=into_config).get_json()["error"]
    assert error["details"]["file"] == "config.yml" and "not collections" in error["message"]
    error = client.put(
        url("config.yml", "N"), json={"definition": {"plex_all": True}, "base": head}
    ).get_json()
    assert (
        error["error"]["details"]["file"] == "config.yml" and "not collections" in error["error"]["message"]
    )
    spaced = client.put(url(MOVIES, "Westerns"), json={"definition": {"plex_all": True}, "base": "a b"})
    assert spaced.status_code == 400 and spaced.get_json()["error"]["message"].startswith(
        "'base' 'a b' does not fit"
    )
    two_lines = {"file": MOVIES, "name": "a\nb", "definition": {"plex_all": True}, "base": head}
    assert client.post("/api/collections", json=two_lines).get_json()["error"]["details"] == {"field": "name"}
    for stale, status in (("deadbeef", 422), ("main@{1}", 400)):
        resp = client.put(url(MOVIES, "Westerns"), json={"definition": {"plex_all": True}, "base": stale})
        assert resp.status_code == status and resp.get_json()["error"]["details"] == {"field": "base"}
        resp = client.delete(url(MOVIES, "Westerns") + f"?base={quote(stale)}")
        assert resp.status_code == status and resp.get_json()["error"]["details"] == {"field": "base"}
    assert repo.head() == head
