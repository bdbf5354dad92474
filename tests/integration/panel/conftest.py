"""The panel app against a real bare git repository in tmp_path, seeded by the app factory from the
project's `config-repo/`, with Flask's test client signed in as an admin (`admin`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel import create_app
from panel.auth import ACCESS_LIFETIME, create_user, issue_access_token
from panel.db import get_session
from panel.repo import ConfigRepo
from panel.settings import Settings

ADMIN = "admin"
PASSWORD = "correct horse battery"


def make_user(app: Flask, username: str, role: str, password: str = PASSWORD) -> None:
    """Add a user to the app's database."""
    with app.app_context():
        session = get_session()
        create_user(session, username, password, role)
        session.commit()


def token_for(app: Flask, username: str, lifetime: timedelta = ACCESS_LIFETIME) -> str:
    """A signed access token for an existing user (a negative lifetime gives an expired one)."""
    from sqlalchemy import select

    from panel.db import User

    with app.app_context():
        user = get_session().scalar(select(User).where(User.username == username))
        assert user is not None
        return issue_access_token(user, lifetime)


def sign_in(app: Flask, client: FlaskClient, username: str = ADMIN, role: str = "admin") -> FlaskClient:
    """Create ``username`` with ``role`` and send its access token with every request of ``client``."""
    make_user(app, username, role)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(app, username)}"
    return client


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app(Settings(data_dir=tmp_path / "data"))
    app.testing = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return sign_in(app, app.test_client())


@pytest.fixture
def anon(app: Flask) -> FlaskClient:
    """A client without credentials."""
    return app.test_client()


@pytest.fixture
def client_as(app: Flask) -> Callable[[str], FlaskClient]:
    """A new client signed in as a new user with the given role (named after it)."""
    return lambda role: sign_in(app, app.test_client(), role, role)


@pytest.fixture
def repo(app: Flask) -> ConfigRepo:
    repo: ConfigRepo = app.extensions["kometa_repo"]
    return repo
