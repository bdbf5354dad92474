"""One declaration per request: what the OpenAPI document says a body, query or path parameter may be
is what the server accepts (issue 9, item 20), with the field named in every 400."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from panel.repo import ConfigRepo
from tests.support.panel_api import envelope


def spec(client: FlaskClient) -> dict[str, Any]:
    data: dict[str, Any] = client.get("/api/openapi.json").get_json()
    return data


def body_schema(client: FlaskClient, path: str, method: str) -> dict[str, Any]:
    document = spec(client)
    ref = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/auth/logout", {"refresh_token": None}, "refresh_token"),
        ("/api/tokens", {"name": "ci", "expires_at": None}, "expires_at"),
        ("/api/users", {"username": "ann", "password": "long enough", "role": None}, "role"),
        ("/api/tokens", {"name": "ci", "colour": "red"}, "colour"),
        ("/api/files", {"base": "main", "changes": [{"path": "a.yml", "content": 1}]}, "changes[0].content"),
        ("/api/files", {"base": "", "changes": [{"path": "a.yml", "content": ""}]}, "base"),
    ],
)
def test_what_the_document_forbids_is_a_400_naming_the_field(
    client: FlaskClient, url: str, body: dict[str, Any], field: str
) -> None:
    error = envelope(client.post(url, json=body), 400)["error"]
    assert error["code"] == "bad_request" and error["details"]["field"] == field
    assert f"'{field}'" in error["message"]


def test_the_document_says_the_same_rules(client: FlaskClient) -> None:
    tokens = body_schema(client, "/api/tokens", "post")
    assert tokens["additionalProperties"] is False
    assert "null" not in str(tokens["properties"]["expires_at"])
    batch = body_schema(client, "/api/files", "post")
    assert batch["properties"]["base"]["pattern"].startswith("^")
    assert body_schema(client, "/api/auth/logout", "post")["properties"]["refresh_token"]["type"] == "string"
    operation_ids = [op["operationId"] for item in spec(client)["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids)) and "files_put_file" in operation_ids


def test_a_well_formed_base_that_names_no_commit_is_a_422(client: FlaskClient) -> None:
    body = {"content": "x: 1\n", "base": "ab" * 20}
    error = envelope(client.put("/api/files/notes.yml", json=body), 422)["error"]
    assert error["details"]["field"] == "base"


def test_malformed_json_still_names_line_and_column(client: FlaskClient) -> None:
    resp = client.post("/api/files", data='{"base": "main",\n "changes": [}', content_type="application/json")
    error = envelope(resp, 400)["error"]
    assert error["details"] == {"line": 2, "column": 14}


# ------------------------------------------------------------------------------ item 18: diff to alone


def test_diff_of_one_commit_is_one_call(client: FlaskClient, repo: ConfigRepo) -> None:
    seed = repo.head()
    text = repo.read_file("config.yml")[0].decode() + "# one more line\n"
    sha = envelope(client.put("/api/files/config.yml", json={"content": text, "base": seed}), 200)["data"][
        "sha"
    ]
    alone = envelope(client.get(f"/api/diff?to={sha}"), 200)["data"]
    assert alone == envelope(client.get(f"/api/diff?from={seed}&to={sha}"), 200)["data"]
    assert [f["path"] for f in alone["files"]] == ["config.yml"]


def test_diff_of_the_root_commit_is_against_the_empty_tree(client: FlaskClient, repo: ConfigRepo) -> None:
    root = repo.head()
    assert repo.commit(root).parents == []
    diff = envelope(client.get(f"/api/diff?to={root}"), 200)["data"]
    listed = {str(item["path"]) for item in repo.list_tree(root)}
    assert {f["path"] for f in diff["files"]} == listed
    assert {f["status"] for f in diff["files"]} == {"added"}
