"""The production entry point: ``gunicorn -c python:panel.gunicorn_conf panel.wsgi:app`` (what ``make run``
starts), configured by the ``KOMETA_PANEL_*`` environment variables.

Every worker process builds its own app. They start at the same moment on the same data directory, so
building the app holds an exclusive lock on ``<data_dir>/startup.lock``: the first worker creates the
config repository, the signing key and the database, and the others find them complete. Each worker then
checks every minute for commits left without an audit entry (:mod:`panel.audit_recovery`).
"""

from __future__ import annotations

import fcntl

from flask import Flask

from panel import create_app
from panel.audit_recovery import start_periodic
from panel.settings import Settings

LOCK_NAME = "startup.lock"


def create_app_locked(settings: Settings | None = None) -> Flask:
    """``create_app`` while holding the data directory's startup lock (released when it returns)."""
    settings = settings or Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return create_app(settings)


app = create_app_locked()
start_periodic(app)
