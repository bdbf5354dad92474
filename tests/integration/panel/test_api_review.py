"""What a review dialog needs before a commit: ``POST /api/validate`` (the problems of the tree as it
would be, committing nothing) and YAML errors of a collection's ``yaml`` at their place in the file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask.testing import FlaskClient

from panel.repo import ConfigRepo
from tests.support.panel_api import envelope

MOVIES = "collections/movies.yml"
BROKEN = "summary: fine\nsort_title: +1_x\nlabel: a: b\n"  # line 3, column 9: a mapping value there


def _validate(client: FlaskClient, base: str, changes: list[dict[str, Any]], status: int = 200) -> Any:
    return envelope(client.post("/api/validate", json={"base": base, "changes": changes}), status)


def test_a_yaml_error_in_a_collection_is_a_422_at_the_file_line(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    head = repo.head()
    lines = repo.read_file(MOVIES)[0].decode().splitlines()
    key_line = lines.index("  Modern Action Hits:") + 1  # 1-based
    url = "/api/collections/" + quote(f"{MOVIES}::Modern Action Hits", safe="")
    error = envelope(client.put(url, json={"yaml": BROKEN, "base": head}), 422)["error"]
    assert error["code"] == "validation_failed"
    first = error["details"]["blocking"][0]
    assert (first["file"], first["line"], first["column"]) == (MOVIES, key_line + 3, 9 + 4)
    assert f"{MOVIES}:{key_line + 3}:13" in error["message"]
    assert repo.head() == head


def test_validate_reports_the_tree_as_it_would_be_and_commits_nothing(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    head = repo.head()
    text = repo.read_file(MOVIES)[0].decode()
    broken = text.replace("    sort_title: +1_Modern Action Hits\n", "    sort_title: [oops\n")
    changes = [
        {"path": MOVIES, "content": broken},
        {"path": "notes/new.yml", "content": "collections: {}\n"},
        {"path": "notes/readme.txt", "from": "README.md"},
    ]
    report = _validate(client, head, changes)["data"]
    assert report["base"] == head and report["valid"] is False and report["secrets"] == []
    first = report["blocking"][0]
    assert first["file"] == MOVIES and first["line"] > text.splitlines().index("  Modern Action Hits:")
    assert {"file", "line", "column", "code", "message", "hint"} <= set(first)
    assert first in report["problems"]
    assert repo.head() == head
    refused = client.post("/api/files", json={"base": head, "changes": changes})
    details = envelope(refused, 422)["error"]["details"]
    assert (details["problems"], details["blocking"]) == (report["problems"], report["blocking"])
    assert {str(item["path"]) for item in repo.list_tree(head)} >= {"README.md"}


def test_validate_of_a_clean_change_is_valid(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    text = repo.read_file(MOVIES)[0].decode() + "# reviewed\n"
    report = _validate(client, head, [{"path": MOVIES, "content": text}])["data"]
    assert report["valid"] is True and report["blocking"] == [] and repo.head() == head


def test_validate_finds_secrets_like_a_commit(client: FlaskClient, repo: ConfigRepo) -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    report = _validate(client, repo.head(), [{"path": "notes.txt", "content": f"token: {token}\n"}])["data"]
    assert report["valid"] is False and report["secrets"][0]["file"] == "notes.txt"
    committed = client.post(
        "/api/files",
        json={"base": repo.head(), "changes": [{"path": "notes.txt", "content": f"token: {token}\n"}]},
    )
    assert envelope(committed, 422)["error"]["details"]["findings"] == report["secrets"]


def test_validate_refuses_what_a_batch_write_refuses(client: FlaskClient, repo: ConfigRepo) -> None:
    error = _validate(client, repo.head(), [{"path": MOVIES, "delete": True, "content": "x"}], 400)["error"]
    assert error["details"]["field"].startswith("changes[0]")
    twice = [{"path": MOVIES, "delete": True}, {"path": MOVIES, "content": ""}]
    assert _validate(client, repo.head(), twice, 422)["error"]["details"]["field"] == "changes[1]"
    assert _validate(client, "ab" * 20, [{"path": MOVIES, "delete": True}], 422)["error"]["details"] == {
        "field": "base"
    }


def test_validate_is_for_editors_and_admins(
    client_as: Callable[[str], FlaskClient], repo: ConfigRepo
) -> None:
    changes = [{"path": MOVIES, "delete": True}]
    assert _validate(client_as("viewer"), repo.head(), changes, 403)["error"]["code"] == "forbidden"
    assert _validate(client_as("editor"), repo.head(), changes)["data"]["base"] == repo.head()
