"""Alembic migrations of the panel database, driven from code: no ``alembic.ini`` is needed.

:func:`upgrade_to_head` runs when the app starts (``panel.db.init_db``); ``flask --app panel db ...``
(``panel/cli.py``) drives the same :func:`alembic_config` by hand. A database made before migrations
existed (tables from ``create_all``, no ``alembic_version``) is adopted: the initial revision creates
only the tables it lacks and records itself, so it ends stamped instead of failing on existing tables.
A new SQLite file gets a copy of an in-memory database the migrations built once per process, so
starting an app on a fresh data directory costs about what ``create_all`` did.
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent
INITIAL_REVISION = "0001_initial"
VERSION_TABLE = "alembic_version"

_TEMPLATE_LOCK = threading.Lock()

log = logging.getLogger(__name__)


class MigrationError(RuntimeError):
    """The database cannot be brought to this release's schema (e.g. it is newer than the code)."""


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    """An Alembic config for the panel database at ``url`` (or on an open ``connection``)."""
    config = Config(stdout=sys.stdout)  # the current stdout (Config's default is bound at import)
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def script_directory() -> ScriptDirectory:
    """The revision scripts, read once per process."""
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """The revisions recorded in the database (empty for a new or pre-migration one)."""
    return MigrationContext.configure(connection).get_current_heads()


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` so processes starting together migrate one at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade_to_head(engine: Engine, url: str, lock_path: Path) -> None:
    """Upgrade the database to the newest revision; nothing is done when it is already there."""
    script = script_directory()
    heads = set(script.get_heads())
    with file_lock(lock_path):
        with engine.begin() as connection:
            current = set(current_revisions(connection))
            if current == heads:
                return
            _refuse_unknown(script, current, heads)
            tables = set(inspect(connection).get_table_names()) - {VERSION_TABLE}
            fresh = not tables and not current and _is_sqlite_file(engine)
            if not fresh:
                if not current and tables:
                    log.warning("database without migration history: adopting it at %s", INITIAL_REVISION)
                _upgrade(script, alembic_config(url, connection))
        if fresh:
            _copy_template(engine)


def _refuse_unknown(script: ScriptDirectory, current: set[str], heads: set[str]) -> None:
    """A clear error when the database was migrated by a newer release than this one."""
    unknown = sorted(current - {revision.revision for revision in script.walk_revisions()})
    if unknown:
        newest = ", ".join(sorted(heads))
        raise MigrationError(
            f"the database is at revision {', '.join(unknown)}, which this release does not know "
            f"(its newest is {newest}): it was migrated by a newer panel; run that release's "
            f"`flask --app panel db downgrade {newest}`, or run the newer panel"
        )


def _upgrade(script: ScriptDirectory, config: Config) -> None:
    """``alembic upgrade head`` with the process's cached scripts (``command.upgrade`` re-reads them)."""

    def steps(revision: Any, _context: MigrationContext) -> Any:
        return script._upgrade_revs("head", revision)

    with EnvironmentContext(config, script, fn=steps, destination_rev="head"):
        script.run_env()


def _is_sqlite_file(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")


@cache
def _template() -> sqlite3.Connection:
    """An in-memory SQLite database the migrations have been run on, once per process."""
    raw = sqlite3.connect(":memory:", check_same_thread=False)
    engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
    with engine.begin() as connection:
        _upgrade(script_directory(), alembic_config("sqlite://", connection))
    return raw


def _copy_template(engine: Engine) -> None:
    """Give a new SQLite file the migrated schema with SQLite's backup API (much faster than the DDL)."""
    raw = engine.raw_connection()
    try:
        target: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        with _TEMPLATE_LOCK:
            _template().backup(target)
    finally:
        raw.close()
