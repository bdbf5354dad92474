"""The guard's per-process cache of users and tokens (`panel.auth_cache.AuthCache`): changes made through this
process take effect at once; changes made by another process (here: a plain sqlite3 connection to the
same database) take effect within the cache's lifetime, or at once after `forget_user`. Also the signing
key file when several processes start together."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from panel import create_app
from panel.auth import load_secret_key
from panel.auth_cache import DEFAULT_CACHE_SECONDS, TOUCH_EVERY, auth_cache, forget_user
from panel.db import User, get_session
from panel.settings import Settings
from tests.support.panel_api import envelope

from .conftest import make_user, token_for

FILES = "/api/files"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def other_process_sql(app: Flask, statement: str, *args: Any) -> None:
    """Change the database the way another worker process would: its own connection, no ORM events."""
    path = app.extensions["kometa_settings"].data_dir / "panel.db"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(statement, args)


def later(app: Flask, seconds: float) -> None:
    """Move the cache's clock forward instead of sleeping."""
    cache = auth_cache(app)
    clock = cache.clock
    cache.clock = lambda: clock() + seconds


@pytest.fixture
def viewer(app: Flask) -> Iterator[Callable[..., Any]]:
    """A signed-in viewer ``vic``: ``viewer()`` is the status of reading the file list as vic."""
    make_user(app, "vic", "viewer")
    token, client = token_for(app, "vic"), app.test_client()
    yield lambda: client.get(FILES, headers=bearer(token)).status_code


def test_a_user_disabled_in_this_process_is_refused_at_once(app: Flask, viewer: Callable[[], int]) -> None:
    assert viewer() == 200
    with app.app_context():
        session = get_session()
        user = session.query(User).filter_by(username="vic").one()
        user.disabled = True
        session.commit()
    assert viewer() == 401


def test_a_bulk_update_in_this_process_empties_the_cache(app: Flask, viewer: Callable[[], int]) -> None:
    assert viewer() == 200
    with app.app_context():
        session = get_session()
        session.execute(update(User).where(User.username == "vic").values(disabled=True))
        session.commit()
    assert viewer() == 401


def test_a_user_disabled_by_another_process_is_refused_within_the_cache_lifetime(
    app: Flask, viewer: Callable[[], int]
) -> None:
    assert viewer() == 200
    other_process_sql(app, "UPDATE users SET disabled = 1 WHERE username = ?", "vic")
    assert viewer() == 200  # still cached: the documented bound
    later(app, DEFAULT_CACHE_SECONDS + 0.1)
    assert viewer() == 401


def test_forget_user_drops_the_cached_user_at_once(app: Flask, viewer: Callable[[], int]) -> None:
    assert viewer() == 200
    other_process_sql(app, "UPDATE users SET disabled = 1 WHERE username = ?", "vic")
    with app.app_context():
        user_id = get_session().query(User).filter_by(username="vic").one().id
        forget_user(user_id)
    assert viewer() == 401


def test_a_role_change_by_another_process_applies_after_the_lifetime(app: Flask) -> None:
    make_user(app, "eve", "viewer")
    client, headers = app.test_client(), bearer(token_for(app, "eve"))
    assert client.delete(f"{FILES}/collections/movies.yml?base=main", headers=headers).status_code == 403
    other_process_sql(app, "UPDATE users SET role = 'editor' WHERE username = ?", "eve")
    later(app, DEFAULT_CACHE_SECONDS + 0.1)
    resp = client.delete(f"{FILES}/collections/nope.yml?base=main", headers=headers)
    assert resp.status_code != 403, resp.get_data(as_text=True)


def test_a_cached_user_is_a_copy_whose_edits_are_saved(app: Flask, client: FlaskClient) -> None:
    """The second request finds the user in the cache; `current_user()` still saves changes made to it."""
    assert client.get("/api/auth/me").status_code == 200
    changed = client.post(
        "/api/auth/password",
        json={"current_password": "correct horse battery", "new_password": "a new password 2"},
    )
    envelope(changed, 200)
    relogin = {"username": "admin", "password": "a new password 2"}
    envelope(app.test_client().post("/api/auth/login", json=relogin), 200)


def test_personal_access_tokens_are_cached_and_record_use_once_a_minute(
    app: Flask, client: FlaskClient, anon: FlaskClient
) -> None:
    created = envelope(client.post("/api/tokens", json={"name": "ci", "scopes": ["read"]}), 201)["data"]
    token = created["token"]

    def last_used() -> Any:
        items = envelope(client.get("/api/tokens"), 200)["data"]["items"]
        return items[0]["last_used_at"]

    assert anon.get(FILES, headers=bearer(token)).status_code == 200
    first = last_used()
    assert first is not None
    assert anon.get(FILES, headers=bearer(token)).status_code == 200
    assert last_used() == first  # not written again within a minute
    later(app, TOUCH_EVERY + 1)
    assert anon.get(FILES, headers=bearer(token)).status_code == 200
    assert last_used() > first

    other_process_sql(app, "UPDATE access_tokens SET revoked_at = '2020-01-01 00:00:00'")
    assert anon.get(FILES, headers=bearer(token)).status_code == 200  # cached
    later(app, DEFAULT_CACHE_SECONDS + 0.1)
    assert anon.get(FILES, headers=bearer(token)).status_code == 401


def test_a_cache_lifetime_of_zero_looks_everything_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMETA_PANEL_AUTH_CACHE_SECONDS", "0")
    app = create_app(Settings(data_dir=tmp_path / "data"))
    make_user(app, "vic", "viewer")
    client, headers = app.test_client(), bearer(token_for(app, "vic"))
    assert client.get(FILES, headers=headers).status_code == 200
    other_process_sql(app, "UPDATE users SET disabled = 1 WHERE username = ?", "vic")
    assert client.get(FILES, headers=headers).status_code == 401


def test_a_bad_cache_lifetime_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMETA_PANEL_AUTH_CACHE_SECONDS", "soon")
    with pytest.raises(ValueError, match="KOMETA_PANEL_AUTH_CACHE_SECONDS"):
        create_app(Settings(data_dir=tmp_path / "data"))


def _load_key(data_dir: Path, barrier: Any, keys: Any) -> None:
    barrier.wait()
    keys.put(load_secret_key(Settings(data_dir=data_dir)))


def test_processes_starting_together_share_one_signing_key(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    count = 6
    barrier, keys = context.Barrier(count), context.Queue()
    data_dir = tmp_path / "data"
    procs = [context.Process(target=_load_key, args=(data_dir, barrier, keys)) for _ in range(count)]
    for proc in procs:
        proc.start()
    found = {keys.get(timeout=60) for _ in procs}
    for proc in procs:
        proc.join(timeout=60)
    assert len(found) == 1 and len(found.pop()) > 40
    assert [p.name for p in data_dir.iterdir()] == ["secret_key"]
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
