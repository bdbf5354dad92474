"""``/api/users`` (admin: list, create) and ``/api/tokens`` (the caller's personal access tokens)."""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import select

from panel.api.envelope import ApiError, field_str, json_body, ok
from panel.auth import create_pat, create_user, current_user, expiry_from
from panel.db import AccessToken, User, audit, get_session, utcnow

bp = Blueprint("users", __name__)


def _me() -> User:
    user = current_user()
    assert user is not None  # the guard signed the caller in
    return user


@bp.get("/users")
def list_users() -> tuple[Response, int]:
    """Every user."""
    users = get_session().scalars(select(User).order_by(User.id))
    return ok({"items": [user.to_dict() for user in users], "next_cursor": None})


@bp.post("/users")
def add_user() -> tuple[Response, int]:
    """``{username, password, role}`` → the new user (201)."""
    body = json_body()
    username = field_str(body, "username") or ""
    password = field_str(body, "password") or ""
    role = field_str(body, "role", required=False) or "viewer"
    if len(password) < 8:
        raise ApiError(400, "bad_request", "password must be at least 8 characters", {"field": "password"})
    session = get_session()
    user = create_user(session, username, password, role)
    audit(session, "user_create", user=_me().username, target=username, role=role)
    session.commit()
    return ok(user.to_dict(), 201)


@bp.get("/tokens")
def list_tokens() -> tuple[Response, int]:
    """The caller's personal access tokens (without the tokens themselves)."""
    rows = get_session().scalars(
        select(AccessToken).where(AccessToken.user_id == _me().id).order_by(AccessToken.id)
    )
    return ok({"items": [row.to_dict() for row in rows], "next_cursor": None})


@bp.post("/tokens")
def add_token() -> tuple[Response, int]:
    """``{name, scopes?, expires_at?}`` → the token object plus ``token``, shown only this once (201)."""
    body = json_body()
    name = field_str(body, "name") or ""
    scopes = body.get("scopes", ["read"])
    if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        raise ApiError(400, "bad_request", "scopes must be a list of strings", {"field": "scopes"})
    session = get_session()
    user = _me()
    token, row = create_pat(session, user, name, scopes, expiry_from(body.get("expires_at")))
    audit(session, "token_create", user=user.username, target=name, scopes=scopes)
    session.commit()
    return ok({**row.to_dict(), "token": token}, 201)


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int) -> tuple[Response, int]:
    """Revoke one of the caller's tokens (admins may revoke anyone's)."""
    session = get_session()
    user = _me()
    row = session.get(AccessToken, token_id)
    if row is None or (row.user_id != user.id and user.role != "admin"):
        raise ApiError(404, "not_found", f"no token {token_id}")
    row.revoked_at = row.revoked_at or utcnow()
    audit(session, "token_revoke", user=user.username, target=row.name)
    session.commit()
    return ok(row.to_dict())
