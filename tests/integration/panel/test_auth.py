"""Auth: login, refresh rotation, logout, expiry, personal access tokens, roles, lockout, the CLI, and a
sweep over every `/api` route (401 without a token, 403 for a viewer on writes, 403 for an editor on
admin-only routes)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from panel.auth import MAX_TOKEN_DAYS, READ_ONLY_POSTS
from panel.ratelimit import MAX_ADDRESS_FAILURES, MAX_FAILURES
from panel.repo import ConfigRepo
from tests.support.panel_api import STAMP

from .conftest import ADMIN, PASSWORD, make_user, token_for

PUBLIC = {("POST", "/api/auth/login"), ("POST", "/api/auth/refresh"), ("GET", "/api/health")}
PUBLIC |= {("GET", "/api/openapi.json"), ("GET", "/api/docs")}  # the API description
# Every signed-in user manages their own session and personal access tokens.
SELF_SERVICE = ("/api/auth/", "/api/tokens")
ADMIN_ONLY = ("/api/users", "/api/secrets", "/api/audit")
MOVIES = "collections/movies.yml"


def error(resp: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["success"] is False and body["error"]["code"] == code
    err: dict[str, Any] = body["error"]
    return err


def login(client: FlaskClient, username: str = ADMIN, password: str = PASSWORD) -> TestResponse:
    return client.post("/api/auth/login", json={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_me_and_health(app: Flask, client: FlaskClient, anon: FlaskClient) -> None:
    assert anon.get("/api/health").status_code == 200
    data = login(anon).get_json()["data"]
    assert data["expires_in"] == 900 and data["user"]["username"] == ADMIN and data["user"]["role"] == "admin"
    me = anon.get("/api/auth/me", headers=bearer(data["access_token"])).get_json()["data"]
    assert me["username"] == ADMIN and "password_hash" not in me
    error(login(anon, password="wrong password"), 401, "unauthorized")
    error(login(anon, username="nobody"), 401, "unauthorized")


def test_refresh_rotates_and_reuse_is_refused(client: FlaskClient, anon: FlaskClient) -> None:
    first = login(anon).get_json()["data"]["refresh_token"]
    second = anon.post("/api/auth/refresh", json={"refresh_token": first}).get_json()["data"]
    assert second["refresh_token"] != first and second["access_token"]
    error(anon.post("/api/auth/refresh", json={"refresh_token": first}), 401, "unauthorized")
    # reusing the old one revoked its successor too
    error(
        anon.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]}), 401, "unauthorized"
    )
    error(anon.post("/api/auth/refresh", json={"refresh_token": "made-up"}), 401, "unauthorized")


def test_logout_revokes_the_refresh_token(client: FlaskClient, anon: FlaskClient) -> None:
    data = login(anon).get_json()["data"]
    resp = anon.post(
        "/api/auth/logout",
        json={"refresh_token": data["refresh_token"]},
        headers=bearer(data["access_token"]),
    )
    assert resp.get_json()["data"] == {"revoked": True}
    error(anon.post("/api/auth/refresh", json={"refresh_token": data["refresh_token"]}), 401, "unauthorized")


def test_expired_and_bad_access_tokens(app: Flask, client: FlaskClient, anon: FlaskClient) -> None:
    expired = token_for(app, ADMIN, timedelta(seconds=-1))
    err = error(anon.get("/api/files", headers=bearer(expired)), 401, "unauthorized")
    assert "expired" in err["message"]
    error(anon.get("/api/files", headers=bearer("not.a.jwt")), 401, "unauthorized")
    error(anon.get("/api/files", headers={"Authorization": "Basic abc"}), 401, "unauthorized")


def test_personal_access_tokens(client: FlaskClient, anon: FlaskClient) -> None:
    created = client.post("/api/tokens", json={"name": "ci", "scopes": ["read"], "expires_at": 30})
    assert created.status_code == 201
    token = created.get_json()["data"]["token"]
    assert token.startswith("kp_")
    assert anon.get("/api/files", headers=bearer(token)).status_code == 200
    err = error(anon.delete(f"/api/files/{MOVIES}", headers=bearer(token)), 403, "forbidden")
    assert err["details"] == {"required_scope": "write"}
    listed = client.get("/api/tokens").get_json()["data"]["items"]
    assert [t["name"] for t in listed] == ["ci"] and "token" not in listed[0] and listed[0]["last_used_at"]
    assert client.delete(f"/api/tokens/{listed[0]['id']}").status_code == 200
    error(anon.get("/api/files", headers=bearer(token)), 401, "unauthorized")
    error(client.post("/api/tokens", json={"name": "x", "scopes": ["root"]}), 400, "bad_request")


def test_roles(client: FlaskClient, client_as: Callable[[str], FlaskClient], repo: ConfigRepo) -> None:
    viewer, editor = client_as("viewer"), client_as("editor")
    assert viewer.get(f"/api/files/{MOVIES}").status_code == 200
    body = {"content": repo.read_file(MOVIES)[0].decode() + "\n# by editor\n", "base": repo.head()}
    err = error(viewer.put(f"/api/files/{MOVIES}", json=body), 403, "forbidden")
    assert err["details"] == {"required_role": "editor"}
    resp = editor.put(f"/api/files/{MOVIES}", json=body)
    assert resp.status_code in (200, 201), resp.get_data(as_text=True)
    assert resp.get_json()["data"]["author"]["name"] == "editor"
    error(editor.get("/api/users"), 403, "forbidden")
    created = client.post("/api/users", json={"username": "new", "password": "long enough", "role": "viewer"})
    assert created.status_code == 201 and created.get_json()["data"]["role"] == "viewer"
    names = [u["username"] for u in client.get("/api/users").get_json()["data"]["items"]]
    assert names == [ADMIN, "viewer", "editor", "new"]
    error(client.post("/api/users", json={"username": "new", "password": "long enough"}), 409, "conflict")


def test_lockout_after_five_failures(app: Flask, client: FlaskClient, anon: FlaskClient) -> None:
    for _ in range(5):
        error(login(anon, password="wrong password"), 401, "unauthorized")
    resp = login(anon)  # even the right password is refused while locked out
    error(resp, 429, "rate_limited")
    assert 0 < int(resp.headers["Retry-After"]) <= 900


def test_lockout_with_redis(tmp_path: Any, redis_url: str) -> None:
    from panel import create_app
    from panel.settings import Settings

    app = create_app(Settings(data_dir=tmp_path / "data", redis_url=redis_url))
    make_user(app, "someone", "viewer")
    anon = app.test_client()
    for _ in range(5):
        error(login(anon, "someone", "wrong password"), 401, "unauthorized")
    resp = login(anon, "someone")
    error(resp, 429, "rate_limited")
    assert 0 < int(resp.headers["Retry-After"]) <= 900


def test_create_admin_cli(app: Flask, anon: FlaskClient) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "boss", "--password", "boss-password"])
    assert result.exit_code == 0, result.output
    assert login(anon, "boss", "boss-password").get_json()["data"]["user"]["role"] == "admin"
    result = runner.invoke(args=["create-admin", "gen"], input="\n\n")
    assert result.exit_code == 0, result.output
    password = re.search(r"password \(shown once\): (\S+)", result.output)
    assert password and login(anon, "gen", password[1]).status_code == 200
    assert runner.invoke(args=["create-admin", "boss", "--password", "boss-password"]).exit_code != 0


def test_create_admin_first_only_acts_on_a_panel_without_users(tmp_path: Any) -> None:
    """What `make run` calls on every start: the first admin is made, and its password shown, once."""
    from panel import create_app
    from panel.settings import Settings

    fresh = create_app(Settings(data_dir=tmp_path / "fresh"))
    runner = fresh.test_cli_runner()
    result = runner.invoke(args=["create-admin", "admin", "--first"])
    assert result.exit_code == 0, result.output
    password = re.search(r"password \(shown once\): (\S+)", result.output)
    assert password and login(fresh.test_client(), "admin", password[1]).status_code == 200
    again = runner.invoke(args=["create-admin", "admin", "--first"])
    assert (again.exit_code, again.output) == (0, "")
    assert runner.invoke(args=["create-admin", "other", "--first", "--password", "x" * 10]).output == ""


def sweep_url(rule: str) -> str:
    """A concrete URL for a rule: a number for ``int`` parameters, a word for the others."""
    return re.sub(r"<(\w+):\w+>|<\w+>", lambda m: "1" if m[1] == "int" else "dummy", rule)


def test_route_sweep(app: Flask, client_as: Callable[[str], FlaskClient], anon: FlaskClient) -> None:
    """Without a token every non-public route is 401; a viewer gets 403 on writes (except self-service)
    and an editor 403 on every admin-only route, whatever the method."""
    viewer, editor = client_as("viewer"), client_as("editor")
    checked, admin_checked = 0, 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = sweep_url(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (method, rule.rule) in PUBLIC:
                continue
            error(anon.open(path, method=method), 401, "unauthorized")
            checked += 1
            if (
                method != "GET"
                and not rule.rule.startswith(SELF_SERVICE)
                and rule.rule not in READ_ONLY_POSTS
            ):
                error(viewer.open(path, method=method, json={}), 403, "forbidden")
            if rule.rule.startswith(ADMIN_ONLY):
                for user in (viewer, editor):
                    err = error(user.open(path, method=method, json={}), 403, "forbidden")
                    assert err["details"] == {"required_role": "admin"}, (method, rule.rule)
                admin_checked += 1
    assert checked >= 30 and admin_checked >= 6


def test_sweep_urls_reach_the_views() -> None:
    assert sweep_url("/api/users/<int:user_id>") == "/api/users/1"
    assert sweep_url("/api/files/<anypath:path>") == "/api/files/dummy"
    assert sweep_url("/api/history/<sha>/revert") == "/api/history/dummy/revert"


# ---------------------------------------------------------------------------- personal access tokens


def token_names(client: FlaskClient) -> list[str]:
    return [t["name"] for t in client.get("/api/tokens").get_json()["data"]["items"]]


def test_token_expiry_out_of_range_is_400_naming_expires_at(client: FlaskClient) -> None:
    for expires in (
        100000000000000000000,
        MAX_TOKEN_DAYS + 1,
        "9999-12-31T23:59:59-01:00",
        "9999-12-31",
        "2000-01-01T00:00:00Z",
        0,
        -5,
        1.5,
        True,
        "soon",
    ):
        err = error(
            client.post("/api/tokens", json={"name": "ci", "expires_at": expires}), 400, "bad_request"
        )
        assert err["details"]["field"] == "expires_at" and "expires_at" in err["message"], expires
    assert token_names(client) == []
    longest = client.post("/api/tokens", json={"name": "ci", "expires_at": MAX_TOKEN_DAYS})
    assert longest.status_code == 201, longest.get_data(as_text=True)


def test_token_names_are_1_to_100_characters_and_not_blank(client: FlaskClient) -> None:
    for name in ("", "   ", "\t\n", "x" * 101, None, 7):
        err = error(client.post("/api/tokens", json={"name": name}), 400, "bad_request")
        assert err["details"] == {"field": "name"}, name
    assert token_names(client) == []
    assert client.post("/api/tokens", json={"name": "x" * 100}).status_code == 201


def test_tokens_cannot_have_scopes_beyond_the_role(client_as: Callable[[str], FlaskClient]) -> None:
    viewer, editor = client_as("viewer"), client_as("editor")
    for scopes in (["write"], ["read", "write"]):
        err = error(viewer.post("/api/tokens", json={"name": "ci", "scopes": scopes}), 400, "bad_request")
        assert (
            err["details"]["field"] == "scopes" and "viewer" in err["message"] and "write" in err["message"]
        )
    err = error(viewer.post("/api/tokens", json={"name": "ci", "scopes": ["root"]}), 400, "bad_request")
    assert err["details"] == {"field": "scopes"}
    assert token_names(viewer) == []
    assert viewer.post("/api/tokens", json={"name": "ci", "scopes": ["read"]}).status_code == 201
    assert editor.post("/api/tokens", json={"name": "ci", "scopes": ["read", "write"]}).status_code == 201


# ---------------------------------------------------------------------------- the Authorization header


def test_401_answers_carry_a_bearer_challenge(anon: FlaskClient) -> None:
    resp = anon.get("/api/files")
    error(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="kometa-panel"'
    resp = anon.get("/api/files", headers=bearer("not.a.jwt"))
    error(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="kometa-panel", error="invalid_token"'
    resp = login(anon, password="wrong password")
    error(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer ")


def test_the_bearer_scheme_is_case_insensitive(app: Flask, client: FlaskClient, anon: FlaskClient) -> None:
    token = token_for(app, ADMIN)
    for scheme in ("bearer", "BEARER", "Bearer", "bEaReR"):
        assert anon.get("/api/files", headers={"Authorization": f"{scheme} {token}"}).status_code == 200
    assert anon.get("/api/files", headers={"Authorization": f"Bearer  {token} "}).status_code == 200
    for header in (f"Bearer{token}", "Bearer ", "bearer", f"Token {token}", token):
        error(anon.get("/api/files", headers={"Authorization": header}), 401, "unauthorized")


# ---------------------------------------------------------------------------- lockout


def login_from(client: FlaskClient, address: str, username: str, password: str = PASSWORD) -> TestResponse:
    return client.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_failures_as_another_name_do_not_lock_out_the_address(client: FlaskClient, anon: FlaskClient) -> None:
    """The finding: five failures as a made-up user from one address locked every user out of it."""
    for _ in range(MAX_FAILURES):
        error(login_from(anon, "10.0.0.1", "x", "wrong password"), 401, "unauthorized")
    error(login_from(anon, "10.0.0.1", "x", "wrong password"), 429, "rate_limited")
    assert login_from(anon, "10.0.0.1", ADMIN).status_code == 200
    # the same name from another address is not locked either
    for _ in range(MAX_FAILURES):
        error(login_from(anon, "10.0.0.2", ADMIN, "wrong password"), 401, "unauthorized")
    error(login_from(anon, "10.0.0.2", ADMIN), 429, "rate_limited")
    error(login_from(anon, "10.0.0.2", ADMIN.upper()), 429, "rate_limited")  # names match in any case
    assert login_from(anon, "10.0.0.3", ADMIN).status_code == 200


def test_many_failures_from_one_address_lock_the_address(client: FlaskClient, anon: FlaskClient) -> None:
    for n in range(MAX_ADDRESS_FAILURES):
        error(login_from(anon, "10.0.0.9", f"guess{n}", "wrong password"), 401, "unauthorized")
    resp = login_from(anon, "10.0.0.9", ADMIN)
    error(resp, 429, "rate_limited")
    assert 0 < int(resp.headers["Retry-After"]) <= 900
    assert login_from(anon, "10.0.0.10", ADMIN).status_code == 200


def test_pair_and_address_lockout_with_redis(tmp_path: Any, redis_url: str) -> None:
    from panel import create_app
    from panel.settings import Settings

    app = create_app(Settings(data_dir=tmp_path / "data", redis_url=redis_url))
    make_user(app, "someone", "viewer")
    make_user(app, "other", "viewer")
    anon = app.test_client()
    for _ in range(MAX_FAILURES):
        error(login_from(anon, "10.1.0.1", "someone", "wrong password"), 401, "unauthorized")
    error(login_from(anon, "10.1.0.1", "someone"), 429, "rate_limited")
    assert login_from(anon, "10.1.0.1", "other").status_code == 200
    assert login_from(anon, "10.1.0.2", "someone").status_code == 200
    for n in range(MAX_ADDRESS_FAILURES):
        login_from(anon, "10.1.0.3", f"guess{n}", "wrong password")
    resp = login_from(anon, "10.1.0.3", "other")
    error(resp, 429, "rate_limited")
    assert 0 < int(resp.headers["Retry-After"]) <= 900


# ---------------------------------------------------------------------------- headers and times


def test_every_response_carries_the_security_headers(client: FlaskClient, anon: FlaskClient) -> None:
    for resp in (
        anon.get("/api/health"),
        anon.get("/api/files"),
        client.get("/api/files"),
        client.get("/api/nothing-here"),
        anon.get("/api/docs"),
        anon.get("/schemas/config.json"),
    ):
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_every_time_in_the_api_is_utc_with_milliseconds_and_z(client: FlaskClient, repo: ConfigRepo) -> None:
    day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    expires = {"name": "ci", "expires_at": f"{day}T12:00:00.123456+02:00"}
    assert client.post("/api/tokens", json=expires).status_code == 201
    body = {"content": repo.read_file(MOVIES)[0].decode() + "# t\n", "base": repo.head()}
    commit = client.put(f"/api/files/{MOVIES}", json=body).get_json()["data"]
    client.put("/api/secrets/apikey", json={"value": "a secret value"})
    token = client.get("/api/tokens").get_json()["data"]["items"][0]
    user = client.get("/api/users").get_json()["data"]["items"][0]
    secret = client.get("/api/secrets").get_json()["data"]["items"][0]
    audit = client.get("/api/audit").get_json()["data"]["items"][0]
    history = client.get("/api/history?limit=1").get_json()["data"]["items"][0]
    times = [token["created_at"], token["expires_at"], user["created_at"], secret["created_at"]]
    times += [secret["updated_at"], audit["time"], commit["time"], history["time"]]
    for value in times:
        assert STAMP.match(value), value
    assert token["expires_at"] == f"{day}T10:00:00.123Z"


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_proxy_the_lockout_counts_each_forwarded_client(tmp_path: Any, proxies: int) -> None:
    """With KOMETA_PANEL_PROXIES=1 the address is the one the proxy forwards; without it, X-Forwarded-For
    is ignored (anyone could write one), so every client behind the proxy shares the proxy's count."""
    from panel import create_app
    from panel.settings import Settings

    app = create_app(Settings(data_dir=tmp_path / "data", proxies=proxies))
    make_user(app, "someone", "viewer")
    anon = app.test_client()

    def attempt(client_address: str, password: str) -> TestResponse:
        return anon.post(
            "/api/auth/login",
            json={"username": "someone", "password": password},
            headers={"X-Forwarded-For": client_address},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )

    for _ in range(MAX_FAILURES):
        error(attempt("203.0.113.7", "wrong password"), 401, "unauthorized")
    assert attempt("198.51.100.9", PASSWORD).status_code == (200 if proxies else 429)


def test_proxies_must_be_a_small_number() -> None:
    from panel.settings import Settings

    assert Settings.from_env({"KOMETA_PANEL_PROXIES": "2"}).proxies == 2
    with pytest.raises(ValueError, match="KOMETA_PANEL_PROXIES must be a whole number from 0 to 10"):
        Settings.from_env({"KOMETA_PANEL_PROXIES": "yes"})


def test_head_on_the_public_documents_is_public(anon: FlaskClient) -> None:
    """Link checkers and proxies send HEAD; it is as public as GET, and no more."""
    assert anon.head("/api/docs").status_code == 200 and anon.head("/api/openapi.json").status_code == 200
    assert anon.head("/api/files").status_code == 401
