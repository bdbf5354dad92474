"""Guessing a stored secret by writing candidates and reading the refusal is as slow as guessing a
password (issue 9 item 6): over real HTTP, against the panel under gunicorn with two workers sharing one
Redis, a user's refusals for stored secrets are counted, audited, and after a few the user's writes get
429 with ``Retry-After`` from every worker, before anything is scanned; an editor is told which file holds
the value, but neither the line (which would tell which candidate matched) nor which secret it is."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from panel.secret_refusals import MAX_REFUSALS
from tests.support.panel_server import PanelServer, panel_server

pytestmark = pytest.mark.slow

SECRET = "hunter2049"
FILE = "/api/files/notes/guesses.yml"


def guesses(first: int) -> str:
    return "".join(f"# hunter{n}\n" for n in range(first, first + 100)) + "note: guesses\n"


def write(server: PanelServer, token: str, content: str) -> tuple[int, dict[str, object], dict[str, str]]:
    head = server.call("GET", "/api/history?limit=1", token).json()["data"]["items"][0]["sha"]
    resp = server.call("PUT", FILE, token, json={"content": content, "base": head})
    return resp.status_code, resp.json(), dict(resp.headers)


def test_refusals_for_stored_secrets_are_rate_limited_per_user_and_audited(
    tmp_path: Path, redis_url: str
) -> None:
    users = {"admin": "admin", "ed": "editor", "eve": "editor"}
    env = {"KOMETA_PANEL_REDIS_URL": redis_url}
    with panel_server(tmp_path / "data", users, workers=2, spread=True, **env) as server:
        admin = server.tokens("admin")["access_token"]
        put = server.call("PUT", "/api/secrets/pin_code", admin, json={"value": SECRET})
        assert put.status_code in (200, 201), put.text
        ed = server.tokens("ed")["access_token"]

        for attempt in range(MAX_REFUSALS):
            status, body, _ = write(server, ed, guesses(2000))
            assert status == 422, (attempt, body)
            error = body["error"]
            assert isinstance(error, dict) and error["code"] == "secret_detected"
            assert "notes/guesses.yml" in error["message"], "the editor learns which file, to fix it"
            assert ":50:" not in str(body) and "hunter2049" not in str(body), "but not which candidate"
            assert "pin_code" not in str(body), "nor which stored secret it is"

        with ThreadPoolExecutor(6) as pool:  # from every worker, even for a write without a secret
            answers = list(pool.map(lambda _: write(server, ed, "note: nothing secret here\n"), range(6)))
        for status, body, headers in answers:
            assert status == 429, body
            assert int(headers["Retry-After"]) > 60
        other = server.tokens("eve")["access_token"]
        assert write(server, other, "note: eve's own\n")[0] == 200, "the limit is per user"

        status, body, _ = write(server, admin, guesses(2000))
        assert status == 422 and "pin_code" in str(body), "an admin may see the secret's name"
        assert ":50:" in body["error"]["message"], "and where it is"

        log = server.call("GET", "/api/audit?action=secret_refused", admin).json()["data"]["items"]
        mine = [entry for entry in log if entry["user"] == "ed"]
        assert len(mine) == MAX_REFUSALS
        assert mine[0]["target"] == "notes/guesses.yml"
        assert mine[0]["details"]["secrets"] == ["pin_code"]
        limited = server.call("GET", "/api/audit?action=secret_refusals_limited", admin).json()["data"]
        assert [entry["user"] for entry in limited["items"]] == ["ed"]


def validate(server: PanelServer, token: str, content: str) -> tuple[int, dict[str, object], dict[str, str]]:
    head = server.call("GET", "/api/history?limit=1", token).json()["data"]["items"][0]["sha"]
    changes = [{"path": FILE.removeprefix("/api/files/"), "content": content}]
    resp = server.call("POST", "/api/validate", token, json={"base": head, "changes": changes})
    return resp.status_code, resp.json(), dict(resp.headers)


def test_validating_candidates_counts_as_refusals_and_is_limited_like_writes(tmp_path: Path) -> None:
    users = {"admin": "admin", "ed": "editor", "eve": "editor"}
    with panel_server(tmp_path / "data", users) as server:
        admin = server.tokens("admin")["access_token"]
        put = server.call("PUT", "/api/secrets/pin_code", admin, json={"value": SECRET})
        assert put.status_code in (200, 201), put.text
        ed = server.tokens("ed")["access_token"]

        for attempt in range(MAX_REFUSALS):
            status, body, _ = validate(server, ed, guesses(2000))
            assert status == 200, (attempt, body)
            report = body["data"]
            assert isinstance(report, dict) and report["valid"] is False
            [finding] = report["secrets"]
            assert (finding["file"], finding["line"], finding["column"]) == ("notes/guesses.yml", 1, 1)
            assert "hunter2049" not in str(body) and "pin_code" not in str(body), "no candidate, no name"

        for check in (validate, write):  # the limit holds for validating and for writing alike
            status, body, headers = check(server, ed, "note: nothing secret here\n")
            assert status == 429, body
            assert int(headers["Retry-After"]) > 60
        assert validate(server, server.tokens("eve")["access_token"], "note: eve's\n")[0] == 200

        status, body, _ = validate(server, admin, guesses(2000))
        assert status == 200 and "pin_code" in str(body), "an admin may see the secret's name"
        report = body["data"]
        assert isinstance(report, dict) and report["secrets"][0]["line"] == 50, "and where it is"

        log = server.call("GET", "/api/audit?action=secret_refused", admin).json()["data"]["items"]
        assert len([entry for entry in log if entry["user"] == "ed"]) == MAX_REFUSALS
