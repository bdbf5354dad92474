"""Managing users (`/api/users/<id>`: read, change, delete) and changing your own password
(`/api/auth/password`), against the real SQLite database of an app in tmp_path.

The panel always keeps an enabled admin; disabling or deleting a user ends every way they had in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.panel_api import envelope

from .conftest import ADMIN, PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def data(resp: TestResponse, status: int = 200) -> Any:
    return envelope(resp, status)["data"]


def error(resp: TestResponse, status: int) -> dict[str, Any]:
    err: dict[str, Any] = envelope(resp, status)["error"]
    return err


def user_id(client: FlaskClient, username: str) -> int:
    users = data(client.get("/api/users"))["items"]
    return int(next(u["id"] for u in users if u["username"] == username))


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
    return client.post("/api/auth/login", json={"username": username, "password": password})


def signed_in(client: FlaskClient, username: str, password: str = PASSWORD) -> dict[str, Any]:
    """Log in; the tokens, plus a read-only personal access token made with the new session."""
    tokens: dict[str, Any] = data(login(client, username, password))
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    pat = data(client.post("/api/tokens", json={"name": "ci"}, headers=headers), 201)["token"]
    return {**tokens, "pat": pat}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def audit_entries(client: FlaskClient, action: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = data(client.get(f"/api/audit?action={action}"))["items"]
    return items


def test_read_one_user(client: FlaskClient) -> None:
    me = data(client.get(f"/api/users/{user_id(client, ADMIN)}"))
    assert me["username"] == ADMIN and me["role"] == "admin" and me["disabled"] is False
    assert "password_hash" not in me
    assert error(client.get("/api/users/999"), 404)["code"] == "not_found"


def test_ids_beyond_the_database_range_are_404(client: FlaskClient) -> None:
    huge = 10**30
    for method, url in (
        ("GET", f"/api/users/{huge}"),
        ("PATCH", f"/api/users/{huge}"),
        ("DELETE", f"/api/users/{huge}"),
        ("DELETE", f"/api/tokens/{huge}"),
        ("GET", "/api/users/" + "9" * 5000),
    ):
        assert error(client.open(url, method=method, json={"role": "viewer"}), 404)["code"] == "not_found"


def test_change_a_role_is_audited(client: FlaskClient, app: Flask) -> None:
    make_user(app, "ed", "viewer")
    changed = data(client.patch(f"/api/users/{user_id(client, 'ed')}", json={"role": "editor"}))
    assert changed["role"] == "editor"
    entry = audit_entries(client, "user_update")[0]
    assert entry["user"] == ADMIN and entry["target"] == "ed"
    assert entry["details"] == {"role": {"from": "viewer", "to": "editor"}}


def test_bad_changes_are_400_naming_the_field_and_change_nothing(client: FlaskClient, app: Flask) -> None:
    make_user(app, "ed", "viewer")
    url = f"/api/users/{user_id(client, 'ed')}"
    cases = {
        "role": {"role": "owner"},
        "password": {"password": "short"},
        "disabled": {"disabled": "yes"},
        "username": {"username": "renamed"},
    }
    for field, body in cases.items():
        err = error(client.patch(url, json=body), 400)
        assert err["details"]["field"] == field and field in err["message"]
    assert "at least one" in error(client.patch(url, json={}), 400)["message"]
    assert error(client.patch(url, data="role=admin"), 415)["code"] == "unsupported_media_type"
    assert data(client.get(url)) | {"created_at": None} == {
        "id": user_id(client, "ed"),
        "username": "ed",
        "role": "viewer",
        "created_at": None,
        "disabled": False,
    }
    assert error(client.patch("/api/users/999", json={"role": "admin"}), 404)["code"] == "not_found"


def test_the_last_enabled_admin_cannot_be_removed(client: FlaskClient, app: Flask) -> None:
    url = f"/api/users/{user_id(client, ADMIN)}"
    for resp in (
        client.patch(url, json={"role": "editor"}),
        client.patch(url, json={"disabled": True}),
        client.delete(url),
    ):
        err = error(resp, 409)
        assert err["code"] == "conflict" and "last enabled admin" in err["message"]
    assert data(client.get(url))["role"] == "admin"
    make_user(app, "spare", "admin")
    spare = user_id(client, "spare")
    data(client.patch(f"/api/users/{spare}", json={"disabled": True}))
    # a disabled admin does not count: the signed-in admin is still the last enabled one
    assert error(client.patch(url, json={"role": "viewer"}), 409)["code"] == "conflict"
    data(client.patch(f"/api/users/{spare}", json={"disabled": False}))
    assert data(client.patch(url, json={"role": "editor", "disabled": False}))["role"] == "editor"


def test_disabling_ends_every_session_and_token(client: FlaskClient, anon: FlaskClient, app: Flask) -> None:
    make_user(app, "ed", "editor")
    ed = signed_in(anon, "ed")
    url = f"/api/users/{user_id(client, 'ed')}"
    assert data(client.patch(url, json={"disabled": True}))["disabled"] is True
    error(anon.get("/api/files", headers=bearer(ed["access_token"])), 401)
    error(anon.get("/api/files", headers=bearer(ed["pat"])), 401)
    error(anon.post("/api/auth/refresh", json={"refresh_token": ed["refresh_token"]}), 401)
    error(login(anon, "ed"), 401)
    # enabling again lets them sign in, but the old refresh and access tokens stay revoked
    data(client.patch(url, json={"disabled": False}))
    assert data(login(anon, "ed"))["user"]["username"] == "ed"
    error(anon.post("/api/auth/refresh", json={"refresh_token": ed["refresh_token"]}), 401)
    error(anon.get("/api/files", headers=bearer(ed["pat"])), 401)
    assert audit_entries(client, "user_update")[1]["details"] == {"disabled": True}


def test_an_admin_sets_a_new_password(client: FlaskClient, anon: FlaskClient, app: Flask) -> None:
    make_user(app, "ed", "editor")
    ed = signed_in(anon, "ed")
    data(client.patch(f"/api/users/{user_id(client, 'ed')}", json={"password": NEW_PASSWORD}))
    error(login(anon, "ed"), 401)
    assert data(login(anon, "ed", NEW_PASSWORD))["user"]["username"] == "ed"
    error(anon.post("/api/auth/refresh", json={"refresh_token": ed["refresh_token"]}), 401)
    assert anon.get("/api/files", headers=bearer(ed["pat"])).status_code == 200  # tokens are not passwords
    assert audit_entries(client, "user_update")[0]["details"] == {"password_changed": True}
    everything = json.dumps(data(client.get("/api/audit"))["items"])
    assert NEW_PASSWORD not in everything and PASSWORD not in everything


def test_deleting_a_user_removes_their_tokens(client: FlaskClient, anon: FlaskClient, app: Flask) -> None:
    make_user(app, "ed", "editor")
    ed = signed_in(anon, "ed")
    url = f"/api/users/{user_id(client, 'ed')}"
    assert data(client.delete(url))["username"] == "ed"
    error(client.get(url), 404)
    error(client.delete(url), 404)
    error(anon.get("/api/files", headers=bearer(ed["access_token"])), 401)
    error(anon.get("/api/files", headers=bearer(ed["pat"])), 401)
    error(anon.post("/api/auth/refresh", json={"refresh_token": ed["refresh_token"]}), 401)
    error(login(anon, "ed"), 401)
    entry = audit_entries(client, "user_delete")[0]
    assert entry["target"] == "ed" and entry["details"] == {"role": "editor"}


def test_another_admin_may_delete_the_first(client: FlaskClient, app: Flask) -> None:
    make_user(app, "second", "admin")
    data(client.delete(f"/api/users/{user_id(client, ADMIN)}"))
    error(client.get("/api/users"), 401)  # the caller's own account is gone


def test_users_are_managed_by_admins_only(
    client_as: Callable[[str], FlaskClient], client: FlaskClient
) -> None:
    editor = client_as("editor")
    target = user_id(client, ADMIN)
    for resp in (
        editor.get(f"/api/users/{target}"),
        editor.patch(f"/api/users/{target}", json={"role": "viewer"}),
        editor.delete(f"/api/users/{target}"),
    ):
        assert error(resp, 403)["details"] == {"required_role": "admin"}


# ---------------------------------------------------------------------------- your own password


def change(client: FlaskClient, token: str, current: str, new: str) -> TestResponse:
    body = {"current_password": current, "new_password": new}
    return client.post("/api/auth/password", json=body, headers=bearer(token))


def test_anyone_changes_their_own_password(client: FlaskClient, anon: FlaskClient, app: Flask) -> None:
    make_user(app, "vera", "viewer")
    old = signed_in(anon, "vera")
    other = data(login(anon, "vera"))
    fresh = data(change(anon, old["access_token"], PASSWORD, NEW_PASSWORD))
    assert fresh["user"]["username"] == "vera" and fresh["refresh_token"] not in (
        old["refresh_token"],
        other["refresh_token"],
    )
    for stale in (old["refresh_token"], other["refresh_token"]):
        error(anon.post("/api/auth/refresh", json={"refresh_token": stale}), 401)
    assert data(anon.post("/api/auth/refresh", json={"refresh_token": fresh["refresh_token"]}))[
        "access_token"
    ]
    error(login(anon, "vera"), 401)
    assert data(login(anon, "vera", NEW_PASSWORD))["user"]["role"] == "viewer"
    entry = audit_entries(client, "password_change")[0]
    assert entry["user"] == "vera" and NEW_PASSWORD not in json.dumps(entry)


def test_a_wrong_current_password_changes_nothing(anon: FlaskClient, app: Flask) -> None:
    make_user(app, "vera", "viewer")
    token = data(login(anon, "vera"))["access_token"]
    err = error(change(anon, token, "not my password", NEW_PASSWORD), 403)
    assert err["details"] == {"field": "current_password"}
    err = error(change(anon, token, PASSWORD, "short"), 400)
    assert err["details"] == {"field": "new_password"}
    err = error(
        anon.post("/api/auth/password", json={"new_password": NEW_PASSWORD}, headers=bearer(token)), 400
    )
    assert err["details"] == {"field": "current_password"}
    error(login(anon, "vera", NEW_PASSWORD), 401)
    assert data(login(anon, "vera"))["user"]["username"] == "vera"
    error(
        anon.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        401,
    )


def test_guessing_the_current_password_is_rate_limited(anon: FlaskClient, app: Flask) -> None:
    make_user(app, "vera", "viewer")
    token = data(login(anon, "vera"))["access_token"]
    for _ in range(5):
        error(change(anon, token, "a wrong guess", NEW_PASSWORD), 403)
    resp = change(anon, token, PASSWORD, NEW_PASSWORD)  # even the right one while locked out
    assert error(resp, 429)["code"] == "rate_limited" and int(resp.headers["Retry-After"]) > 0


# ---------------------------------------------------------------------------- creating users


def usernames(client: FlaskClient) -> list[str]:
    return [u["username"] for u in data(client.get("/api/users"))["items"]]


def test_usernames_git_cannot_author_with_are_refused_and_create_nothing(client: FlaskClient) -> None:
    """A name with '<', '>', a control character or surrounding whitespace would make every commit by
    that user fail; such names are refused up front."""
    before = usernames(client)
    for bad in (
        "",
        "a<b>c",
        "a>b",
        "two\nlines",
        "tab\there",
        "nul\x00",
        "bell\x07",
        " ed",
        "ed ",
        "\u202eed",
        "x" * 65,
    ):
        err = error(client.post("/api/users", json={"username": bad, "password": PASSWORD}), 400)
        assert err["details"]["field"] == "username" and "'username'" in err["message"], bad
    assert usernames(client) == before


def test_unprintable_names_the_pattern_lets_through_are_422(client: FlaskClient) -> None:
    """A format character or a no-break space inside a name fits the document's pattern, but git and
    the printable rule refuse it: 422 naming the field."""
    before = usernames(client)
    for bad in ("zero\u200bwidth", "no\u00a0break"):
        err = error(client.post("/api/users", json={"username": bad, "password": PASSWORD}), 422)
        assert err["details"] == {"field": "username"} and "printable" in err["message"], bad
    assert usernames(client) == before


def test_unusual_but_valid_names_can_sign_in_and_commit(client: FlaskClient, anon: FlaskClient) -> None:
    name = "Zoë O'Brien-Łukasz (ops)" + "x" * 40
    assert len(name) == 64
    data(client.post("/api/users", json={"username": name, "password": PASSWORD, "role": "editor"}), 201)
    token = data(login(anon, name))["access_token"]
    head = data(anon.get("/api/history?limit=1", headers=bearer(token)))["items"][0]["sha"]
    body = {"content": "# notes\n", "base": head}
    commit = data(anon.put("/api/files/notes.txt", json=body, headers=bearer(token)))
    assert commit["author"]["name"] == name


def test_usernames_are_unique_in_any_letter_case_and_sign_in_ignores_case(
    client: FlaskClient, anon: FlaskClient, app: Flask
) -> None:
    make_user(app, "Ed", "editor")
    for taken in ("ed", "ED", "eD"):
        err = error(client.post("/api/users", json={"username": taken, "password": PASSWORD}), 409)
        assert (
            err["code"] == "conflict" and "'Ed'" in err["message"] and err["details"]["field"] == "username"
        )
    assert usernames(client).count("Ed") == 1 and "ed" not in usernames(client)
    for spelling in ("ed", "ED", "Ed"):
        assert data(login(anon, spelling))["user"]["username"] == "Ed"


def test_names_differing_only_in_case_in_an_older_database_sign_in_exactly(
    client: FlaskClient, anon: FlaskClient, app: Flask
) -> None:
    """Rows made before names were unique in any case stay; each still signs in by its exact name."""
    from panel.auth import hash_password
    from panel.db import User, get_session

    make_user(app, "ed", "viewer")
    with app.app_context():
        session = get_session()
        session.add(User(username="ED", password_hash=hash_password("another password"), role="editor"))
        session.commit()
    assert data(login(anon, "ed"))["user"]["role"] == "viewer"
    assert data(login(anon, "ED", "another password"))["user"]["role"] == "editor"


def test_unknown_fields_on_create_are_400_naming_the_field(client: FlaskClient) -> None:
    before = usernames(client)
    body = {"username": "newbie", "password": PASSWORD, "extra": 1}
    err = error(client.post("/api/users", json=body), 400)
    assert err["details"] == {"field": "extra"} and "extra" in err["message"]
    err = error(client.post("/api/users", json={**body, "disabled": True, "extra": None}), 400)
    assert {e["field"] for e in err["details"]["errors"]} == {"disabled", "extra"}
    assert usernames(client) == before
