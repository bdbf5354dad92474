"""Login while the limiter's Redis is frozen (SIGSTOP) or stopped, over real HTTP against the panel under
gunicorn: a 503 with ``Retry-After`` naming Redis before the client's 5 s patience runs out, while
reads and refresh keep working; once Redis is back, login works again (issue 9 item 10)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.support.panel_server import PanelServer, panel_server
from tests.support.redis_server import redis_process

pytestmark = pytest.mark.slow


def assert_login_unavailable(server: PanelServer) -> None:
    for _ in range(4):  # each answer comes before the client's timeout, which would raise here
        resp = server.login("admin")
        assert resp.status_code == 503, resp.text
        error = resp.json()["error"]
        assert error["code"] == "unavailable"
        assert "Redis" in error["message"]
        assert int(resp.headers["Retry-After"]) >= 1


def still_working(server: PanelServer, tokens: dict[str, str]) -> None:
    assert server.call("GET", "/api/files", tokens["access_token"]).status_code == 200
    fresh = server.call("POST", "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert fresh.status_code == 200, fresh.text
    tokens.update(fresh.json()["data"])


def login_recovers(server: PanelServer) -> None:
    deadline = time.monotonic() + 30
    while (status := server.login("admin").status_code) != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status == 200


def test_login_answers_503_naming_redis_while_it_is_frozen_or_down(tmp_path: Path) -> None:
    with redis_process(tmp_path) as (redis_url, redis_proc):
        env = {"KOMETA_PANEL_REDIS_URL": redis_url}
        with panel_server(tmp_path / "data", workers=2, **env) as server:
            tokens = server.tokens("admin")

            os.kill(redis_proc.pid, signal.SIGSTOP)
            try:
                assert_login_unavailable(server)
                still_working(server, tokens)
            finally:
                os.kill(redis_proc.pid, signal.SIGCONT)
            login_recovers(server)

            redis_proc.terminate()
            redis_proc.wait(timeout=10)
            assert_login_unavailable(server)
            still_working(server, tokens)
            wrong = server.login("admin", "wrong password")
            assert wrong.status_code == 503, "a guess is neither counted nor answered without the limiter"
