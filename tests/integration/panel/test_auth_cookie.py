"""Browser sign-in over real HTTP (issue 10): with ``X-Requested-With: kometa-panel`` the refresh token
lives in an HttpOnly, SameSite=Strict cookie scoped to ``/api/auth``, rotated on each refresh and cleared
on sign-out; a cookie refresh without that header is refused (CSRF); API clients keep JSON tokens."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import requests

from tests.support.panel_server import CLIENT_TIMEOUT, PASSWORD, PanelServer, panel_server

pytestmark = pytest.mark.slow

BROWSER = {"X-Requested-With": "kometa-panel"}
COOKIE = "kometa_refresh"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PanelServer]:
    with panel_server(tmp_path / "data", {"admin": "admin"}, workers=2, KOMETA_PANEL_PROXIES="1") as running:
        yield running


def set_cookie(resp: requests.Response) -> dict[str, str]:
    """The attributes of the refresh cookie set by ``resp`` (lower-case names; ``value`` its value)."""
    headers = [v for k, v in resp.raw.headers.items() if k.lower() == "set-cookie"]
    assert len(headers) == 1, headers
    parsed = SimpleCookie(headers[0])[COOKIE]
    flags = {part.strip().split("=")[0].lower() for part in headers[0].split(";")[1:]}
    attrs = {k: v for k, v in parsed.items() if v}
    return {"value": parsed.value, **attrs, **{f: "yes" for f in flags if f in ("httponly", "secure")}}


def browser_login(server: PanelServer, session: requests.Session, **headers: str) -> requests.Response:
    body = {"username": "admin", "password": PASSWORD}
    url = server.url + "/api/auth/login"
    return session.post(url, json=body, headers={**BROWSER, **headers}, timeout=CLIENT_TIMEOUT)


def test_browser_login_sets_a_strict_httponly_cookie_and_no_token_in_json(server: PanelServer) -> None:
    session = requests.Session()
    resp = browser_login(server, session)
    assert resp.status_code == 200, resp.text
    data = resp.json()["data"]
    assert data["access_token"] and "refresh_token" not in data
    cookie = set_cookie(resp)
    assert cookie["path"] == "/api/auth"
    assert cookie["samesite"] == "Strict"
    assert cookie["httponly"] == "yes"
    assert "secure" not in cookie, "plain HTTP gets no Secure cookie (the browser would drop it)"
    assert int(cookie["max-age"]) > 24 * 3600
    me = session.get(server.url + "/api/auth/me", timeout=CLIENT_TIMEOUT)
    assert me.status_code == 401, "the cookie is no credential outside /api/auth/refresh"
    bearer = {"Authorization": "Bearer " + data["access_token"]}
    assert session.get(server.url + "/api/auth/me", headers=bearer, timeout=CLIENT_TIMEOUT).status_code == 200


def test_behind_an_https_proxy_the_cookie_is_secure(server: PanelServer) -> None:
    resp = browser_login(server, requests.Session(), **{"X-Forwarded-Proto": "https"})
    assert set_cookie(resp)["secure"] == "yes"


def test_the_cookie_refresh_rotates_and_needs_the_custom_header(server: PanelServer) -> None:
    session = requests.Session()
    first = set_cookie(browser_login(server, session))["value"]
    url = server.url + "/api/auth/refresh"

    forged = session.post(url, timeout=CLIENT_TIMEOUT)
    assert forged.status_code == 403, forged.text
    assert "X-Requested-With" in forged.json()["error"]["message"]
    assert forged.json()["error"]["details"] == {"header": "X-Requested-With"}

    rotated = session.post(url, headers=BROWSER, timeout=CLIENT_TIMEOUT)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["data"]["access_token"] and "refresh_token" not in rotated.json()["data"]
    second = set_cookie(rotated)["value"]
    assert second != first and session.cookies[COOKIE] == second

    replay = requests.post(url, headers=BROWSER, cookies={COOKIE: first}, timeout=CLIENT_TIMEOUT)
    assert replay.status_code == 401, "a used cookie is reuse: refused, and its family revoked"
    assert session.post(url, headers=BROWSER, timeout=CLIENT_TIMEOUT).status_code == 401


def test_sign_out_revokes_and_clears_the_cookie(server: PanelServer) -> None:
    session = requests.Session()
    login = browser_login(server, session)
    value = set_cookie(login)["value"]
    bearer = {"Authorization": "Bearer " + login.json()["data"]["access_token"], **BROWSER}

    out = session.post(server.url + "/api/auth/logout", headers=bearer, timeout=CLIENT_TIMEOUT)
    assert out.status_code == 200, out.text
    assert out.json()["data"]["revoked"] is True
    cleared = set_cookie(out)
    assert cleared["value"] == "" and cleared["max-age"] == "0" and cleared["path"] == "/api/auth"
    assert COOKIE not in session.cookies
    url = server.url + "/api/auth/refresh"
    again = requests.post(url, headers=BROWSER, cookies={COOKIE: value}, timeout=CLIENT_TIMEOUT)
    assert again.status_code == 401


def test_api_clients_keep_json_tokens_and_no_cookie(server: PanelServer) -> None:
    resp = server.login("admin")
    assert resp.status_code == 200
    assert resp.json()["data"]["refresh_token"]
    assert "set-cookie" not in {k.lower() for k in resp.headers}
    token = resp.json()["data"]["refresh_token"]
    fresh = server.call("POST", "/api/auth/refresh", json={"refresh_token": token})
    assert fresh.status_code == 200 and fresh.json()["data"]["refresh_token"]
    assert "set-cookie" not in {k.lower() for k in fresh.headers}
    none = server.call("POST", "/api/auth/refresh", headers=BROWSER)
    assert none.status_code == 401, "no cookie and no body: nothing to refresh"


def test_a_browser_password_change_answers_a_new_cookie_and_ends_the_old_one(server: PanelServer) -> None:
    session = requests.Session()
    login = browser_login(server, session)
    old = set_cookie(login)["value"]
    headers = {"Authorization": "Bearer " + login.json()["data"]["access_token"], **BROWSER}
    body = {"current_password": PASSWORD, "new_password": "another long password"}

    changed = session.post(
        server.url + "/api/auth/password", json=body, headers=headers, timeout=CLIENT_TIMEOUT
    )

    assert changed.status_code == 200, changed.text
    assert "refresh_token" not in changed.json()["data"]
    new = set_cookie(changed)["value"]
    assert new != old
    url = server.url + "/api/auth/refresh"
    assert (
        requests.post(url, headers=BROWSER, cookies={COOKIE: old}, timeout=CLIENT_TIMEOUT).status_code == 401
    )
    assert session.post(url, headers=BROWSER, timeout=CLIENT_TIMEOUT).status_code == 200
