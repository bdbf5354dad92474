"""Authentication and authorization: argon2 passwords, JWT access tokens, rotating refresh tokens,
personal access tokens, and the ``before_request`` hook that guards every ``/api`` route.

Access tokens are HS256 JWTs (``sub``, ``role``, ``exp``, ``type: access``) living 15 minutes, signed with
``KOMETA_PANEL_SECRET_KEY`` (or a key generated into ``<data_dir>/secret_key``). Refresh tokens and
personal access tokens (``kp_...``) are random and stored only as their sha256.

Roles: ``GET`` needs ``viewer``; writes need ``editor``; ``/api/users`` needs ``admin``. Every signed-in
user manages their own session (``/api/auth/*``) and personal access tokens (``/api/tokens``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from panel.db import ROLES, AccessToken, RefreshToken, User, get_session, utcnow
from panel.errors import ApiError
from panel.settings import Settings

ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=30)
PAT_PREFIX = "kp_"
PUBLIC = {("POST", "/api/auth/login"), ("POST", "/api/auth/refresh"), ("GET", "/api/health")}
PUBLIC |= {("GET", "/api/openapi.json"), ("GET", "/api/docs")}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SELF_SERVICE = ("/api/auth/", "/api/tokens")
ADMIN_ONLY = ("/api/users", "/api/secrets", "/api/audit")

hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user, and the scopes of the personal access token used (None for a JWT)."""

    user: User
    scopes: tuple[str, ...] | None = None


# ---------------------------------------------------------------------------- passwords and keys


def hash_password(password: str) -> str:
    """An argon2id hash."""
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches (False for a malformed hash)."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sha256(token: str) -> str:
    """The stored form of a random token."""
    return hashlib.sha256(token.encode()).hexdigest()


def load_secret_key(settings: Settings) -> str:
    """The configured key, or the one in ``<data_dir>/secret_key`` (generated, mode 0600, when missing)."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.data_dir / "secret_key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


# ---------------------------------------------------------------------------- users and tokens


def create_user(session: Session, username: str, password: str, role: str) -> User:
    """Add a user (the caller commits); 400 for an unknown role, 409 for a taken name."""
    if role not in ROLES:
        raise ApiError(400, "bad_request", f"role must be one of {', '.join(ROLES)}", {"field": "role"})
    if not username or len(username) > 64:
        raise ApiError(400, "bad_request", "username must be 1 to 64 characters", {"field": "username"})
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ApiError(409, "conflict", f"user {username!r} already exists")
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def issue_access_token(user: User, lifetime: timedelta = ACCESS_LIFETIME, key: str | None = None) -> str:
    """A signed JWT for ``user``; a negative ``lifetime`` gives an already expired one (for tests)."""
    now = utcnow()
    claims: dict[str, Any] = {"sub": str(user.id), "name": user.username, "role": user.role, "type": "access"}
    claims |= {"iat": now, "exp": now + lifetime}
    return jwt.encode(claims, key or current_app.extensions["kometa_secret_key"], algorithm="HS256")


def issue_refresh_token(session: Session, user: User) -> tuple[str, RefreshToken]:
    """A new refresh token and its row (the caller commits)."""
    token = secrets.token_urlsafe(32)
    row = RefreshToken(user_id=user.id, token_hash=sha256(token), expires_at=utcnow() + REFRESH_LIFETIME)
    session.add(row)
    session.flush()
    return token, row


def rotate_refresh_token(session: Session, token: str) -> tuple[User, str]:
    """Trade a refresh token for a new one; reuse of a revoked one revokes its whole chain (401)."""
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == sha256(token)))
    if row is None:
        raise ApiError(401, "unauthorized", "unknown refresh token")
    if row.revoked_at is not None:
        _revoke_chain(session, row)
        session.commit()
        raise ApiError(401, "unauthorized", "refresh token already used or revoked")
    user = session.get(User, row.user_id)
    if row.expires_at <= utcnow() or user is None or user.disabled:
        raise ApiError(401, "unauthorized", "refresh token expired")
    new_token, new_row = issue_refresh_token(session, user)
    row.revoked_at, row.replaced_by = utcnow(), new_row.id
    return user, new_token


def _revoke_chain(session: Session, row: RefreshToken) -> None:
    """Revoke every successor of ``row`` (a stolen token's family)."""
    seen: set[int] = set()
    while row.replaced_by is not None and row.replaced_by not in seen:
        seen.add(row.replaced_by)
        nxt = session.get(RefreshToken, row.replaced_by)
        if nxt is None:
            break
        nxt.revoked_at = nxt.revoked_at or utcnow()
        row = nxt


def revoke_refresh_token(session: Session, token: str, user: User) -> bool:
    """Revoke one of ``user``'s refresh tokens; whether it was found."""
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == sha256(token)))
    if row is None or row.user_id != user.id:
        return False
    row.revoked_at = row.revoked_at or utcnow()
    return True


def create_pat(
    session: Session, user: User, name: str, scopes: list[str], expires_at: datetime | None
) -> tuple[str, AccessToken]:
    """A new personal access token (shown once) and its row (the caller commits)."""
    if not scopes or any(scope not in ("read", "write") for scope in scopes):
        raise ApiError(400, "bad_request", "scopes must be a non-empty list of 'read' and 'write'")
    token = PAT_PREFIX + secrets.token_urlsafe(32)
    row = AccessToken(
        user_id=user.id, name=name, token_hash=sha256(token), scopes=scopes, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return token, row


# ---------------------------------------------------------------------------- the request guard


def authenticate(header: str | None) -> Principal:
    """The principal for an ``Authorization: Bearer ...`` header; 401 when missing or bad."""
    if not header or not header.startswith("Bearer ") or not header[7:].strip():
        raise ApiError(401, "unauthorized", "sign in: send 'Authorization: Bearer <token>'")
    token = header[7:].strip()
    session = get_session()
    if token.startswith(PAT_PREFIX):
        return _authenticate_pat(session, token)
    try:
        claims = jwt.decode(token, current_app.extensions["kometa_secret_key"], algorithms=["HS256"])
    except jwt.ExpiredSignatureError:
        raise ApiError(401, "unauthorized", "the access token has expired") from None
    except jwt.InvalidTokenError:
        raise ApiError(401, "unauthorized", "the access token is not valid") from None
    user = session.get(User, int(claims["sub"])) if str(claims.get("sub", "")).isdigit() else None
    if claims.get("type") != "access" or user is None or user.disabled:
        raise ApiError(401, "unauthorized", "the access token is not valid")
    return Principal(user)


def _authenticate_pat(session: Session, token: str) -> Principal:
    row = session.scalar(select(AccessToken).where(AccessToken.token_hash == sha256(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        raise ApiError(401, "unauthorized", "the personal access token is not valid")
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        raise ApiError(401, "unauthorized", "the personal access token is not valid")
    row.last_used_at = now
    session.commit()
    return Principal(user, tuple(row.scopes))


def required_role(method: str, path: str) -> str:
    """The lowest role allowed to call ``method path``."""
    if path.startswith(ADMIN_ONLY):
        return "admin"
    if method in SAFE_METHODS or path.startswith(SELF_SERVICE):
        return "viewer"
    return "editor"


def guard() -> None:
    """``before_request``: every ``/api`` route except the public ones needs a token and a high enough role."""
    path, method = request.path, request.method
    if not path.startswith("/api/") or method == "OPTIONS" or (method, path) in PUBLIC:
        return
    principal = authenticate(request.headers.get("Authorization"))
    g.principal = principal
    need = required_role(method, path)
    if ROLES.index(principal.user.role) < ROLES.index(need):
        raise ApiError(403, "forbidden", f"this needs the {need} role", {"required_role": need})
    scopes = principal.scopes
    if scopes is not None and method not in SAFE_METHODS and "write" not in scopes:
        raise ApiError(403, "forbidden", "this token has no 'write' scope", {"required_scope": "write"})


def current_user() -> User | None:
    """The signed-in user of this request, if any."""
    principal: Principal | None = g.get("principal")
    return principal.user if principal else None


def init_auth(app: Flask, settings: Settings) -> None:
    """Load the signing key, the login limiter, and install the guard."""
    from panel.ratelimit import make_limiter

    app.extensions["kometa_secret_key"] = load_secret_key(settings)
    app.extensions["kometa_login_limiter"] = make_limiter(settings.redis_url)
    app.before_request(guard)


def expiry_from(value: Any) -> datetime | None:
    """An optional ISO-8601 expiry or a number of days from now; 400 when malformed or past."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return utcnow() + timedelta(days=value)
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            400, "bad_request", "expires_at must be ISO-8601 or days", {"field": "expires_at"}
        ) from None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if when <= utcnow():
        raise ApiError(400, "bad_request", "expires_at is in the past", {"field": "expires_at"})
    return when
