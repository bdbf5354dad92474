"""The audit log (`/api/audit`): every commit the API makes is recorded with its paths, sha and message
(files, collections, config.yml, revert, restore); newest first, cursor paging, filters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from panel.repo import ConfigRepo
from tests.support.panel_api import STAMP, envelope

from .conftest import ADMIN

MOVIES, TV = "collections/movies.yml", "collections/tv.yml"


def data(resp: TestResponse, status: int = 200) -> Any:
    return envelope(resp, status)["data"]


def entries(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = data(client.get(f"/api/audit?{query}"))["items"]
    return items


def commits(client: FlaskClient) -> list[dict[str, Any]]:
    """The audit entries of commits, newest first."""
    return [e for e in entries(client, "limit=500") if e["action"] in ("commit", "revert", "restore")]


def append(client: FlaskClient, repo: ConfigRepo, path: str, line: str) -> dict[str, Any]:
    text = repo.read_file(path)[0].decode() + line
    commit: dict[str, Any] = data(
        client.put(f"/api/files/{path}", json={"content": text, "base": repo.head()})
    )
    return commit


def test_a_file_write_is_audited_with_its_commit(client: FlaskClient, repo: ConfigRepo) -> None:
    commit = append(client, repo, MOVIES, "# audited\n")
    [entry] = commits(client)
    assert entry["action"] == "commit" and entry["user"] == ADMIN and entry["target"] == MOVIES
    assert entry["details"] == {"sha": commit["sha"], "message": f"Update {MOVIES}", "paths": [MOVIES]}
    assert entry["source"] == "session" and STAMP.match(entry["time"])


def test_a_no_op_write_is_not_audited(client: FlaskClient, repo: ConfigRepo) -> None:
    same = repo.read_file(MOVIES)[0].decode()
    assert data(client.put(f"/api/files/{MOVIES}", json={"content": same, "base": repo.head()}))["unchanged"]
    assert commits(client) == []


def test_refused_writes_are_not_audited(client: FlaskClient, repo: ConfigRepo) -> None:
    envelope(client.put(f"/api/files/{MOVIES}", json={"content": "a: [", "base": repo.head()}), 422)
    envelope(client.delete(f"/api/files/{MOVIES}"), 400)
    assert commits(client) == []


def test_deletes_collections_and_config_are_audited(client: FlaskClient, repo: ConfigRepo) -> None:
    data(client.put("/api/files/NOTES.txt", json={"content": "to do\n", "base": repo.head()}))
    deleted = data(client.delete(f"/api/files/NOTES.txt?base={repo.head()}&message=Drop%20notes"))
    ident = quote(f"{MOVIES}::Staff Picks", safe="")
    body = {"definition": {"plex_search": {"all": {"genre": "Drama"}}}, "base": repo.head()}
    collection = data(client.put(f"/api/collections/{ident}", json=body))
    config = repo.read_file("config.yml")[0].decode() + "# tuned\n"
    settings = data(client.put("/api/system/config", json={"content": config, "base": repo.head()}))
    got = [(e["action"], e["target"], e["details"]["sha"], e["details"]["message"]) for e in commits(client)]
    assert got == [
        ("commit", "config.yml", settings["sha"], "Update config.yml"),
        ("commit", MOVIES, collection["sha"], f"Update collection Staff Picks in {MOVIES}"),
        ("commit", "NOTES.txt", deleted["sha"], "Drop notes"),
        ("commit", "NOTES.txt", deleted["parents"][0], "Update NOTES.txt"),
    ]


def test_revert_and_restore_are_audited(client: FlaskClient, repo: ConfigRepo) -> None:
    seed = repo.head()
    first = append(client, repo, MOVIES, "# one\n")
    append(client, repo, TV, "# two\n")
    reverted = data(client.post(f"/api/history/{first['sha']}/revert"))
    restored = data(client.post(f"/api/history/{seed}/restore", json={"message": "Back to the seed"}))
    latest = commits(client)[:2]
    assert [(e["action"], e["details"]["sha"]) for e in latest] == [
        ("restore", restored["sha"]),
        ("revert", reverted["sha"]),
    ]
    assert latest[0]["target"] == TV and latest[0]["details"]["message"] == "Back to the seed"
    assert latest[1]["target"] == MOVIES and latest[1]["details"]["paths"] == [MOVIES]
    assert data(client.post(f"/api/history/{seed}/restore"))["unchanged"] is True
    assert len(commits(client)) == 4


def test_pages_newest_first_with_a_cursor(client: FlaskClient, repo: ConfigRepo) -> None:
    for n in range(5):
        append(client, repo, MOVIES, f"# {n}\n")
    everything = [e["id"] for e in entries(client)]
    assert everything == sorted(everything, reverse=True) and len(everything) == 5
    seen: list[int] = []
    url = "/api/audit?limit=2"
    while True:
        page = data(client.get(url))
        assert len(page["items"]) <= 2
        seen += [e["id"] for e in page["items"]]
        if page["next_cursor"] is None:
            break
        url = f"/api/audit?limit=2&cursor={page['next_cursor']}"
    assert seen == everything


def test_filters(client: FlaskClient, client_as: Callable[[str], FlaskClient], repo: ConfigRepo) -> None:
    append(client, repo, MOVIES, "# by admin\n")
    append(client_as("editor"), repo, TV, "# by editor\n")
    assert [e["target"] for e in entries(client, "user=editor&action=commit")] == [TV]
    assert [e["user"] for e in entries(client, "target=movies.yml")] == [ADMIN]
    assert [e["target"] for e in entries(client, "action=commit")] == [TV, MOVIES]
    assert entries(client, "target=%25") == []  # a literal '%', not a wildcard
    assert entries(client, "user=nobody") == []


def test_bad_paging_is_400(client: FlaskClient) -> None:
    huge = ("cursor=" + "9" * 30, "cursor=" + "9" * 5000, "cursor=\u0663")  # too big; an Arabic-Indic 3
    for query in ("limit=0", "limit=501", "limit=ten", "cursor=abc", "cursor=-1", *huge):
        err = envelope(client.get(f"/api/audit?{query}"), 400)["error"]
        assert query.split("=")[0] in err["message"], query


def test_only_admins_read_the_audit_log(client_as: Callable[[str], FlaskClient]) -> None:
    for role in ("viewer", "editor"):
        err = envelope(client_as(role).get("/api/audit"), 403)["error"]
        assert err["details"] == {"required_role": "admin"}


def test_the_source_tells_a_session_from_a_token_and_the_cli(
    client: FlaskClient, anon: FlaskClient, repo: ConfigRepo, app: Flask
) -> None:
    """api.md: every write is audited with where it came from; a personal access token is named."""
    made = data(client.post("/api/tokens", json={"name": "ci bot", "scopes": ["read", "write"]}), 201)
    append(client, repo, MOVIES, "# by session\n")
    text = repo.read_file(TV)[0].decode() + "# by token\n"
    headers = {"Authorization": f"Bearer {made['token']}"}
    by_token = data(
        anon.put(f"/api/files/{TV}", json={"content": text, "base": repo.head()}, headers=headers)
    )
    assert app.test_cli_runner().invoke(args=["create-admin", "root", "--password", "x" * 12]).exit_code == 0
    token_entry, session_entry = commits(client)
    assert token_entry["source"] == "token" and token_entry["user"] == ADMIN
    assert token_entry["details"] == {
        "sha": by_token["sha"],
        "message": f"Update {TV}",
        "paths": [TV],
        "token": {"id": made["id"], "name": "ci bot"},
    }
    assert session_entry["source"] == "session" and "token" not in session_entry["details"]
    [created] = entries(client, "action=token_create")
    assert created["source"] == "session"
    [cli] = entries(client, "action=user_create")
    assert cli["source"] == "cli" and cli["target"] == "root"
    anon.post("/api/auth/login", json={"username": ADMIN, "password": "wrong password"})
    assert entries(client, "action=login_failed")[0]["source"] == "session"
