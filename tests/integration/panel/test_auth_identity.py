"""Over real HTTP, against the panel under gunicorn with several worker processes: an access token names
an identity that is never reused and dies with its user's sessions (issue 9 item 2), refresh rotation is
one atomic compare-and-set (item 3), and a signed token missing a claim is a 401, not a 500 (item 4)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from tests.support.panel_server import PASSWORD, PanelServer, panel_server

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PanelServer]:
    """Three workers, each caching what the guard looked up for a minute, and each holding one connection
    at a time, so concurrent requests reach every worker: only a cross-process invalidation can make a
    change made through one worker felt by the others at once."""
    env = {"KOMETA_PANEL_AUTH_CACHE_SECONDS": "60"}
    with panel_server(tmp_path / "data", {"admin": "admin"}, workers=3, spread=True, **env) as running:
        yield running


def me(server: PanelServer, token: str) -> requests.Response:
    return server.call("GET", "/api/auth/me", token)


def everywhere(server: PanelServer, token: str, rounds: int = 4, clients: int = 6) -> list[requests.Response]:
    """``GET /api/auth/me`` from ``clients`` concurrent clients, ``rounds`` times: every worker answers."""
    answers: list[requests.Response] = []
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(rounds):
            start = threading.Barrier(clients)

            def call(_: int, start: threading.Barrier = start) -> requests.Response:
                start.wait()
                return me(server, token)

            answers += pool.map(call, range(clients))
    return answers


def test_a_deleted_users_token_never_answers_for_the_next_user(server: PanelServer) -> None:
    admin = server.tokens("admin")["access_token"]
    made = server.call("POST", "/api/users", admin, json={"username": "temp", "password": PASSWORD})
    assert made.status_code == 201, made.text
    temp_id = made.json()["data"]["id"]
    stale = server.tokens("temp")["access_token"]
    for answer in everywhere(server, stale):  # every worker looks the user up and caches it
        assert answer.json()["data"]["username"] == "temp"

    assert server.call("DELETE", f"/api/users/{temp_id}", admin).status_code == 200
    body = {"username": "boss", "password": PASSWORD, "role": "admin"}
    boss = server.call("POST", "/api/users", admin, json=body)
    assert boss.status_code == 201, boss.text

    answers = everywhere(server, stale)
    assert [a.status_code for a in answers] == [401] * len(answers), [a.text for a in answers]
    assert me(server, server.tokens("boss")["access_token"]).json()["data"]["username"] == "boss"


def test_a_password_change_signs_out_every_other_access_token_in_every_worker(server: PanelServer) -> None:
    admin = server.tokens("admin")["access_token"]
    made = server.call("POST", "/api/users", admin, json={"username": "ed", "password": PASSWORD})
    assert made.status_code == 201
    laptop, phone = server.tokens("ed")["access_token"], server.tokens("ed")["access_token"]
    assert {answer.status_code for answer in everywhere(server, phone)} == {200}

    change = {"current_password": PASSWORD, "new_password": "another long password"}
    changed = server.call("POST", "/api/auth/password", laptop, json=change)
    assert changed.status_code == 200, changed.text

    assert {answer.status_code for answer in everywhere(server, phone)} == {401}
    assert [me(server, laptop).status_code for _ in range(3)] == [401] * 3
    assert me(server, changed.json()["data"]["access_token"]).status_code == 200


def refresh(server: PanelServer, token: str) -> requests.Response:
    return server.call("POST", "/api/auth/refresh", json={"refresh_token": token})


def test_concurrent_refreshes_of_one_token_have_exactly_one_winner(server: PanelServer) -> None:
    for round_ in range(20):
        token = server.tokens("admin")["refresh_token"]
        start = threading.Barrier(2)

        def race(_: int, token: str = token, start: threading.Barrier = start) -> requests.Response:
            start.wait()
            return refresh(server, token)

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(race, range(2)))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200, 401], (round_, [a.text for a in answers])
        [winner] = [a.json()["data"] for a in answers if a.status_code == 200]
        assert refresh(server, winner["refresh_token"]).status_code == 401, "the family is revoked"


# ---------------------------------------------------------------------------- claims


def signing_key(server: PanelServer) -> str:
    return (server.data_dir / "secret_key").read_text().strip()


def forged(server: PanelServer, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, signing_key(server), algorithm="HS256")


def test_a_signed_token_missing_a_claim_is_401_on_every_protected_route(server: PanelServer) -> None:
    good = jwt.decode(server.tokens("admin")["access_token"], signing_key(server), algorithms=["HS256"])
    later = datetime.now(UTC) + timedelta(minutes=5)
    for missing in ("exp", "sub", "type", "iat", "gen"):
        claims = {**good, "exp": later}
        claims.pop(missing, None)
        token = forged(server, claims)
        for path in ("/api/auth/me", "/api/files", "/api/history"):
            resp = server.call("GET", path, token)
            assert resp.status_code == 401, (missing, path, resp.text)
            assert resp.json()["error"]["code"] == "unauthorized"
    assert server.call("GET", "/api/auth/me", forged(server, {**good, "exp": later})).status_code == 200
