"""``/api/auth/*`` (login, refresh, logout, me, password) and ``/api/health``.

Login is rate limited: 5 failures for a username from one address lock that pair out for 15 minutes, 50
from one address lock the address (429 ``rate_limited`` with ``Retry-After``); see :mod:`panel.ratelimit`.
Usernames match case-insensitively. A wrong current password on ``/api/auth/password`` counts as a failed
login.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, current_app, request

from panel.api import answers
from panel.api.answers import Health, SignedIn
from panel.api.envelope import ApiError, ok
from panel.api.users import Password, revoke_refresh_tokens
from panel.auth import (
    ACCESS_LIFETIME,
    MAX_USERNAME,
    current_user,
    find_user,
    hash_password,
    issue_access_token,
    issue_refresh_token,
    revoke_refresh_token,
    rotate_refresh_token,
    verify_password,
)
from panel.contract import Body
from panel.db import User, audit, get_session
from panel.openapi import documented
from panel.ratelimit import LoginLimiter, login_keys

bp = Blueprint("auth", __name__)


class Login(Body):
    """``{username, password}``."""

    username: str
    password: str


class RefreshBody(Body):
    """``{refresh_token}``."""

    refresh_token: str


class LogoutBody(Body):
    """``{refresh_token?}``."""

    refresh_token: str = ""


class PasswordChange(Body):
    """``{current_password, new_password}``."""

    current_password: str
    new_password: Password


# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def _tokens(user: User, refresh_token: str) -> dict[str, object]:
    return {
        "access_token": issue_access_token(user),
        "refresh_token": refresh_token,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_LIFETIME.total_seconds()),
        "user": user.to_dict(),
    }


def _limiter() -> LoginLimiter:
    limiter: LoginLimiter = current_app.extensions["kometa_login_limiter"]
    return limiter


def _check_lockout(keys: dict[str, int]) -> None:
    """429 while any of ``keys`` (key -> failure limit) is locked out."""
    wait = max(_limiter().retry_after(key, limit) for key, limit in keys.items())
    if wait:
        raise ApiError(
            429, "rate_limited", f"too many failed logins; try again in {wait} s", {"retry_after": wait}
        )


@bp.post("/auth/login")
@documented(body=Login, data=SignedIn)
def login(body: Login) -> tuple[Response, int]:
    """``{username, password}`` → access and refresh tokens; 401 for bad credentials."""
    username, password = body.username, body.password
    keys = login_keys(username, request.remote_addr)
    _check_lockout(keys)
    session = get_session()
    user = find_user(session, username)
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or user.disabled:
        for key in keys:
            _limiter().fail(key)
        audit(session, "login_failed", user=username[:MAX_USERNAME], source="session", ip=request.remote_addr)
        session.commit()
        raise ApiError(401, "unauthorized", "wrong username or password")
    _limiter().reset(next(iter(keys)))
    refresh_token, _ = issue_refresh_token(session, user)
    audit(session, "login", user=user.username, source="session", ip=request.remote_addr)
    session.commit()
    return ok(_tokens(user, refresh_token))


@bp.post("/auth/refresh")
@documented(body=RefreshBody, data=SignedIn)
def refresh(body: RefreshBody) -> tuple[Response, int]:
    """``{refresh_token}`` → a new access token and a new refresh token (the old one is revoked)."""
    token = body.refresh_token
    session = get_session()
    user, new_token = rotate_refresh_token(session, token)
    session.commit()
    return ok(_tokens(user, new_token))


@bp.post("/auth/logout")
@documented(body=LogoutBody, optional_body=True)
def logout(body: LogoutBody) -> tuple[Response, int]:
    """``{refresh_token}``: revoke it (the access token simply expires)."""
    token = body.refresh_token
    user = current_user()
    assert user is not None  # the guard signed the caller in
    session = get_session()
    revoked = bool(token) and revoke_refresh_token(session, token or "", user)
    audit(session, "logout", user=user.username)
    session.commit()
    return ok({"revoked": revoked})


@bp.get("/auth/me")
@documented(data=answers.User)
def me() -> tuple[Response, int]:
    """The signed-in user."""
    user = current_user()
    assert user is not None
    return ok(user.to_dict())


@bp.post("/auth/password")
@documented(body=PasswordChange, data=SignedIn)
def change_password(body: PasswordChange) -> tuple[Response, int]:
    """``{current_password, new_password}``: change your own password; every other session is signed out.

    Answers fresh tokens like login, since all refresh tokens (this session's too) are revoked. A wrong
    current password is a 403 and counts as a failed login.
    """
    current, new = body.current_password, body.new_password
    user = current_user()
    assert user is not None
    keys = login_keys(user.username, request.remote_addr)
    _check_lockout(keys)
    session = get_session()
    if not verify_password(user.password_hash, current):
        for key in keys:
            _limiter().fail(key)
        audit(session, "password_change_failed", user=user.username, ip=request.remote_addr)
        session.commit()
        raise ApiError(403, "forbidden", "'current_password' is wrong", {"field": "current_password"})
    user.password_hash = hash_password(new)
    revoke_refresh_tokens(session, user.id)
    refresh_token, _ = issue_refresh_token(session, user)
    audit(session, "password_change", user=user.username, target=user.username, ip=request.remote_addr)
    session.commit()
    return ok(_tokens(user, refresh_token))


@bp.get("/health")
@documented(data=Health)
def health() -> tuple[Response, int]:
    """Liveness, without authentication."""
    return ok({"status": "ok"})
