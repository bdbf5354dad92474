"""The panel's SQLite state through SQLAlchemy 2: users, refresh tokens, personal access tokens, secrets,
audit log.

The database URL is ``KOMETA_PANEL_DATABASE_URL`` (default ``sqlite:///<data_dir>/panel.db``). The schema
is owned by the Alembic migrations in ``panel/migrations/``, applied up to the newest one when the app
starts (unless ``KOMETA_PANEL_AUTO_MIGRATE`` is off). A change to a model here needs a new revision:
``flask --app panel db revision --autogenerate -m "what changed"``. Each request (or CLI command) uses one
session, closed when its app context ends.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, MetaData, String, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from panel.settings import Settings
from panel.times import iso_utc, iso_utc_or_none

ROLES = ("viewer", "editor", "admin")
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
# Named constraints, so later migrations can alter them (SQLite batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored naive in UTC (SQLite has no zones) and read back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """The declarative base of every panel table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_uid() -> str:
    """A user's identity in access tokens: random, so a deleted user's never comes back (row ids do)."""
    return secrets.token_hex(16)


class User(Base):
    """A person who signs in: ``role`` is ``viewer``, ``editor`` or ``admin``. Access tokens name ``uid``
    and carry ``token_generation``; raising it signs every access token of the user out."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_uid)
    token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled: Mapped[bool] = mapped_column(default=False)

    def to_dict(self) -> dict[str, Any]:
        """The API's user object (never the password hash)."""
        return {
            "id": self.id,
            "username": self.username,
            "role": self.role,
            "created_at": iso_utc(self.created_at),
            "disabled": self.disabled,
        }


class RefreshToken(Base):
    """A refresh token, stored as its sha256; ``replaced_by`` links a rotation to its successor."""

    __tablename__ = "refresh_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("refresh_tokens.id"), default=None)


class AccessToken(Base):
    """A personal access token (``kp_...``), stored as its sha256, with scopes ``read`` or ``write``."""

    __tablename__ = "access_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    def to_dict(self) -> dict[str, Any]:
        """The API's token object (never the token itself)."""
        return {
            "id": self.id,
            "name": self.name,
            "scopes": list(self.scopes),
            "created_at": iso_utc(self.created_at),
            "expires_at": iso_utc_or_none(self.expires_at),
            "last_used_at": iso_utc_or_none(self.last_used_at),
            "revoked_at": iso_utc_or_none(self.revoked_at),
        }


class Secret(Base):
    """A named secret for ``<<name>>`` placeholders; ``value`` is ciphertext (see ``panel.secrets``)."""

    __tablename__ = "secrets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64), default=None)

    def to_dict(self) -> dict[str, Any]:
        """The API's secret object: never the value."""
        return {
            "name": self.name,
            "created_at": iso_utc(self.created_at),
            "updated_at": iso_utc(self.updated_at),
            "updated_by": self.updated_by,
        }


class AuditLog(Base):
    """Who did what, from where: ``source`` is ``session`` (signed in), ``token`` (a personal access token),
    ``cli``, or ``api`` (a request without credentials); ``details`` free-form JSON."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user: Mapped[str | None] = mapped_column(String(64), default=None)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(255), default=None)
    source: Mapped[str] = mapped_column(String(32), default="api")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def database_url(settings: Settings) -> str:
    """The configured URL, or the SQLite file in the data directory."""
    return settings.database_url or f"sqlite:///{settings.data_dir.resolve() / 'panel.db'}"


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets foreign keys on and a busy timeout for concurrent writers."""
    connect_args = {"timeout": 15, "check_same_thread": False} if url.startswith("sqlite") else {}
    engine = create_engine(url, connect_args=connect_args)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            conn.execute("PRAGMA foreign_keys=ON")

    return engine


def init_db(app: Flask, settings: Settings) -> None:
    """Create the engine, migrate the database to the newest revision, close each context's session."""
    from panel.migrations import upgrade_to_head

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = database_url(settings)
    engine = make_engine(url)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        private_sqlite_file(Path(engine.url.database))
    if settings.auto_migrate:
        upgrade_to_head(engine, url, settings.data_dir / "migrate.lock")
    app.extensions["kometa_db_engine"] = engine
    app.extensions["kometa_db"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def private_sqlite_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (it would use the umask, usually 0644), and take
    group and other access away from an existing one and its side files. SQLite creates ``-wal``,
    ``-shm`` and ``-journal`` files with the database's own mode."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES)):
        try:
            if name.stat().st_mode & 0o077:
                name.chmod(0o600)
        except FileNotFoundError:
            continue


def get_session() -> Session:
    """The current app context's session (created on first use)."""
    if "db_session" not in g:
        factory: sessionmaker[Session] = current_app.extensions["kometa_db"]
        g.db_session = factory()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()


def audit(
    session: Session,
    action: str,
    *,
    user: str | None,
    target: str | None = None,
    source: str | None = None,
    **details: Any,
) -> None:
    """Add an audit entry (committed with the caller's transaction). ``source`` defaults to where the
    request came from (:func:`panel.auth.request_origin`: ``session``, ``token`` with the token, ``cli``)."""
    if source is None:
        from panel.auth import request_origin  # panel.auth builds on this module

        source, origin = request_origin()
        details = {**origin, **details}
    session.add(AuditLog(user=user, action=action, target=target, source=source, details=details))
