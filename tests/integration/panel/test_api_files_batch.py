"""`POST /api/files`: several creates, updates, deletes and renames as one validated commit, or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from panel.repo import ConfigRepo
from tests.support.panel_api import envelope

MOVIES = "collections/movies.yml"
TV = "collections/tv.yml"
CONFIG = "config.yml"


def batch(client: FlaskClient, base: str, *changes: dict[str, Any], **extra: Any) -> TestResponse:
    return client.post("/api/files", json={"base": base, "changes": list(changes), **extra})


def text(repo: ConfigRepo, path: str, rev: str = "main") -> str:
    return repo.read_file(path, rev)[0].decode()


def test_create_update_delete_and_rename_land_as_one_commit(client: FlaskClient, repo: ConfigRepo) -> None:
    """Moving a collection file means renaming it and pointing config.yml at the new name: one commit."""
    base = repo.head()
    movies, config = text(repo, MOVIES), text(repo, CONFIG)
    envelope(
        client.put("/api/files/collections/spare.yml", json={"content": "collections: {}\n", "base": base}),
        200,
    )
    base = repo.head()
    resp = batch(
        client,
        base,
        {"path": "collections/films.yml", "from": MOVIES},
        {"path": CONFIG, "content": config.replace(MOVIES, "collections/films.yml")},
        {"path": "collections/spare.yml", "delete": True},
        {"path": "collections/new.yml", "content": "collections: {}\n"},
        message="Reorganise the collection files",
    )
    data = envelope(resp, 200)["data"]
    assert data["unchanged"] is False and data["parents"] == [base] and repo.head() == data["sha"]
    assert data["message"] == "Reorganise the collection files" and data["author"]["name"] == "admin"
    assert data["files"] == sorted(
        [MOVIES, "collections/films.yml", CONFIG, "collections/spare.yml", "collections/new.yml"]
    )
    assert text(repo, "collections/films.yml") == movies and "collections/films.yml" in text(repo, CONFIG)
    paths = {item["path"] for item in envelope(client.get("/api/files"), 200)["data"]["items"]}
    assert {MOVIES, "collections/spare.yml"}.isdisjoint(paths) and "collections/new.yml" in paths
    assert len(repo.log()[0]) == 3


def test_a_rename_may_carry_new_content(client: FlaskClient, repo: ConfigRepo) -> None:
    config = text(repo, CONFIG).replace(TV, "collections/shows.yml")
    new = text(repo, TV) + "# moved\n"
    changes = (
        {"path": "collections/shows.yml", "from": TV, "content": new},
        {"path": CONFIG, "content": config},
    )
    data = envelope(batch(client, repo.head(), *changes), 200)["data"]
    assert text(repo, "collections/shows.yml") == new and data["message"]


def test_renaming_a_file_config_yml_uses_is_refused_where_it_is_used(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    head = repo.head()
    err = envelope(batch(client, head, {"path": "collections/films.yml", "from": MOVIES}), 422)["error"]
    assert err["code"] == "validation_failed"
    first = err["details"]["blocking"][0]
    assert (first["file"], first["line"], first["code"]) == (CONFIG, 25, "missing-file")
    assert repo.head() == head


def test_one_invalid_file_refuses_the_whole_batch(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    changes = (
        {"path": "collections/fine.yml", "content": "collections: {}\n"},
        {"path": "collections/broken.yml", "content": "collections:\n  A:\n    plex_search: [\n"},
    )
    err = envelope(batch(client, head, *changes), 422)["error"]
    assert err["code"] == "validation_failed" and "collections/broken.yml:" in err["message"]
    assert repo.head() == head
    assert envelope(client.get("/api/files/collections/fine.yml"), 404)["error"]["code"] == "not_found"


def test_a_literal_secret_in_any_file_refuses_the_batch(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    leaked = text(repo, CONFIG).replace("token: <<plextoken>>", "token: Zq3xT9pLmW7vKc2RfHyB")
    changes = (
        {"path": "collections/fine.yml", "content": "collections: {}\n"},
        {"path": CONFIG, "content": leaked},
    )
    err = envelope(batch(client, head, *changes), 422)["error"]
    assert err["code"] == "secret_detected" and err["details"]["findings"][0]["file"] == CONFIG
    assert repo.head() == head


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ("config.yml", 400, "changes"),
        ([], 400, "changes"),
        (["config.yml"], 400, "changes[0]"),
        ([{"content": "a: 1\n"}], 400, "changes[0].path"),
        ([{"path": 5, "content": "a: 1\n"}], 400, "changes[0].path"),
        ([{"path": "a.yml", "content": 5}], 400, "changes[0].content"),
        ([{"path": "a.yml"}], 400, "changes[0].content"),
        ([{"path": "a.yml", "delete": "yes"}], 400, "changes[0].content"),
        ([{"path": "a.yml", "delete": True, "content": "a: 1\n"}], 400, "changes[0].content"),
        ([{"path": "a.yml", "content": "a: 1\n", "mode": "755"}], 400, "changes[0].mode"),
        (
            [{"path": "a.yml", "content": "a: 1\n"}, {"path": "../a.yml", "content": "a: 1\n"}],
            400,
            "changes[1].path",
        ),
        ([{"path": "b.yml", "from": ".git/config"}], 422, "changes[0]"),
        ([{"path": "a.yml", "content": "a: 1\n"}, {"path": "a.yml", "delete": True}], 422, "changes[1]"),
        ([{"path": "a.yml", "from": MOVIES}, {"path": MOVIES, "content": "a: 1\n"}], 422, "changes[1]"),
    ],
)
def test_malformed_changes_are_refused_naming_the_item(
    client: FlaskClient, repo: ConfigRepo, changes: Any, status: int, field: str
) -> None:
    """What the document forbids is a 400 naming the field; a path git refuses or a file changed twice,
    a 422 naming the item."""
    head = repo.head()
    resp = client.post("/api/files", json={"base": head, "changes": changes})
    err = envelope(resp, status)["error"]
    assert err["details"]["field"] == field and field in err["message"]
    assert err["code"] == ("bad_request" if status == 400 else "unprocessable")
    assert repo.head() == head


def test_base_is_required_and_the_body_must_be_json(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    change = {"path": "a.yml", "content": "a: 1\n"}
    assert envelope(client.post("/api/files", json={"changes": [change]}), 400)["error"]["details"] == {
        "field": "base"
    }
    assert envelope(client.post("/api/files", data="{}", content_type="text/plain"), 415)["error"]["code"]
    assert envelope(client.post("/api/files", data="{", content_type="application/json"), 400)["error"][
        "code"
    ]
    assert repo.head() == head


def test_renaming_or_deleting_a_missing_file_is_404(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    assert (
        envelope(batch(client, head, {"path": "b.yml", "from": "nope.yml"}), 404)["error"]["code"]
        == "not_found"
    )
    assert (
        envelope(batch(client, head, {"path": "nope.yml", "delete": True}), 404)["error"]["code"]
        == "not_found"
    )
    assert repo.head() == head


def test_a_stale_base_touching_a_changed_file_is_409_with_both_versions(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    base = repo.head()
    theirs = text(repo, TV) + "# theirs\n"
    envelope(client.put(f"/api/files/{TV}", json={"content": theirs, "base": base}), 200)
    head = repo.head()
    yours = text(repo, TV, base) + "# yours\n"
    changes = (
        {"path": "collections/other.yml", "content": "collections: {}\n"},
        {"path": TV, "content": yours},
    )
    details = envelope(batch(client, base, *changes), 409)["error"]["details"]
    assert (details["base"], details["head"], details["paths"]) == (base, head, [TV])
    assert details["files"] == [{"path": TV, "theirs": theirs, "yours": yours}]
    assert "theirs" not in details and repo.head() == head


def test_a_stale_base_touching_other_files_is_applied_on_the_head(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    base = repo.head()
    envelope(client.put(f"/api/files/{TV}", json={"content": text(repo, TV) + "# a\n", "base": base}), 200)
    data = envelope(
        batch(client, base, {"path": "collections/other.yml", "content": "collections: {}\n"}), 200
    )
    assert data["data"]["parents"] != [base] and text(repo, TV).endswith("# a\n")


def test_a_batch_that_changes_nothing_is_unchanged(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    data = envelope(batch(client, head, {"path": TV, "content": text(repo, TV)}), 200)["data"]
    assert data["unchanged"] is True and data["sha"] == head == repo.head()


def test_viewers_may_not_write(client_as: Any, repo: ConfigRepo) -> None:
    viewer = client_as("viewer")
    resp = batch(viewer, repo.head(), {"path": "a.yml", "content": "a: 1\n"})
    assert envelope(resp, 403)["error"]["code"] == "forbidden"
