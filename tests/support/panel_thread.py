"""The panel app on a real HTTP socket (werkzeug's threaded server on a free loopback port), for tests that
drive it with ``requests`` as a browser or API client would: multipart uploads, streamed images, headers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from flask import Flask
from werkzeug.serving import make_server

from panel.auth import create_user
from panel.db import get_session


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """``app`` served on 127.0.0.1 until the block ends; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="panel-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def signed_in(app: Flask, base_url: str, username: str, role: str) -> requests.Session:
    """A new user of ``role``, signed in through ``POST /api/auth/login``; a session sending its token."""
    password = "correct horse battery staple"
    with app.app_context():
        session = get_session()
        create_user(session, username, password, role)
        session.commit()
    answer = requests.post(
        f"{base_url}/api/auth/login", json={"username": username, "password": password}, timeout=30
    )
    answer.raise_for_status()
    client = requests.Session()
    client.headers["Authorization"] = f"Bearer {answer.json()['data']['access_token']}"
    return client
