"""``/api/auth/*`` (login, refresh, logout, me, password) and ``/api/health``.

Login is rate limited: 5 failures for a username from one address lock that pair out for 15 minutes, 50
from one address lock the address (429 ``rate_limited`` with ``Retry-After``); see :mod:`panel.ratelimit`.
While the Redis holding those counters does not answer, login answers 503 ``unavailable`` with
``Retry-After``. Usernames match case-insensitively. A wrong current password on ``/api/auth/password``
counts as a failed login. The web UI keeps its refresh token in a cookie (:mod:`panel.api.auth_cookie`).
"""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, current_app, request
from pydantic import Field

from panel.api import answers
from panel.api.answers import Health, SignedIn
from panel.api.auth_cookie import clear_cookie, cookie_token, from_browser, token_response
from panel.api.envelope import ApiError, ok
from panel.api.users import Password
from panel.auth import (
    ACCESS_LIFETIME,
    MAX_USERNAME,
    current_user,
    find_user,
    hash_password,
    issue_access_token,
    verify_password,
)
from panel.auth_sessions import (
    issue_refresh_token,
    revoke_refresh_token,
    rotate_refresh_token,
    sign_out_everywhere,
)
from panel.contract import Absent, Body
from panel.db import User, audit, get_session
from panel.openapi import documented
from panel.ratelimit import LoginLimiter, login_keys

bp = Blueprint("auth", __name__)


class Login(Body):
    """``{username, password}``."""

    username: str
    password: str


class RefreshBody(Body):
    """``{refresh_token?}``: left out (or no body at all), the web UI's cookie is used."""

    refresh_token: str | Absent = Field(None, description="Left out by the web UI, whose cookie is used")


class LogoutBody(Body):
    """``{refresh_token?}``: left out by the web UI, whose cookie is revoked."""

    refresh_token: str = ""


class PasswordChange(Body):
    """``{current_password, new_password}``."""

    current_password: str
    new_password: Password


# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def _tokens(user: User, refresh_token: str) -> tuple[Response, int]:
    """The sign-in answer: the refresh token in JSON, or in the cookie for the web UI."""
    data = {
        "access_token": issue_access_token(user),
        "token_type": "Bearer",
        "expires_in": int(ACCESS_LIFETIME.total_seconds()),
        "user": user.to_dict(),
    }
    return token_response(data, refresh_token)


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
    """``{username, password}`` → access and refresh tokens; 401 for bad credentials.

    503 ``unavailable`` with ``Retry-After`` while Redis, which counts failed logins, does not answer.

    With the header ``X-Requested-With: kometa-panel`` (the web UI) the refresh token is not in the JSON
    but in the ``kometa_refresh`` cookie (HttpOnly, SameSite=Strict, Path=/api/auth, Secure over HTTPS).
    """
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
    return _tokens(user, refresh_token)


@bp.post("/auth/refresh")
@documented(body=RefreshBody, data=SignedIn, optional_body=True)
def refresh(body: RefreshBody) -> tuple[Response, int]:
    """``{refresh_token}`` (or the web UI's cookie) → a new access token and a new refresh token.

    The old refresh token is revoked; using it again revokes every token that followed it. The web UI
    sends no body (or ``{}``): its ``kometa_refresh`` cookie is rotated instead, which needs the header
    ``X-Requested-With: kometa-panel`` (403 without it, against cross-site requests).
    """
    token = body.refresh_token if body.refresh_token is not None else cookie_token()
    if token is None:
        raise ApiError(401, "unauthorized", "no refresh token: send {refresh_token} or sign in again")
    session = get_session()
    user, new_token = rotate_refresh_token(session, token)
    session.commit()
    return _tokens(user, new_token)


@bp.post("/auth/logout")
@documented(body=LogoutBody, optional_body=True)
def logout(body: LogoutBody) -> tuple[Response, int]:
    """``{refresh_token}``: revoke it (the access token simply expires). For the web UI the
    ``kometa_refresh`` cookie is revoked and cleared."""
    browser = from_browser()
    token = body.refresh_token or (cookie_token() if browser else None)
    user = current_user()
    assert user is not None  # the guard signed the caller in
    session = get_session()
    revoked = bool(token) and revoke_refresh_token(session, token or "", user)
    audit(session, "logout", user=user.username)
    session.commit()
    response, status = ok({"revoked": revoked})
    if browser:
        clear_cookie(response)
    return response, status


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
    """``{current_password, new_password}``: change your own password; every session is signed out.

    Answers fresh tokens like login (the refresh token in the cookie for the web UI), since all access
    and refresh tokens (this session's too) stop working. A wrong current password is a 403 and counts
    as a failed login.
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
    sign_out_everywhere(session, user)
    refresh_token, _ = issue_refresh_token(session, user)
    audit(session, "password_change", user=user.username, target=user.username, ip=request.remote_addr)
    session.commit()
    return _tokens(user, refresh_token)


@bp.get("/health")
@documented(data=Health)
def health() -> tuple[Response, int]:
    """Liveness, without authentication."""
    return ok({"status": "ok"})
