"""The panel app against a real bare git repository in tmp_path, seeded by the app factory from the
project's `config-repo/`, with Flask's test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel import create_app
from panel.repo import ConfigRepo
from panel.settings import Settings


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app(Settings(data_dir=tmp_path / "data"))
    app.testing = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def repo(app: Flask) -> ConfigRepo:
    repo: ConfigRepo = app.extensions["kometa_repo"]
    return repo
