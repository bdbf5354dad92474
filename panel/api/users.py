"""``/api/users`` (admin: list, create, read, change, delete) and ``/api/tokens`` (the caller's personal
access tokens).

The panel always keeps an enabled admin: a change that would disable, demote or delete the last one
answers 409. Disabling or deleting a user revokes their refresh and personal access tokens; a new
password revokes their refresh tokens (access tokens stop at once: the guard checks ``disabled``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from panel.api.envelope import ApiError, field_str, json_body, ok
from panel.api.paging import PAGED, paged
from panel.auth import (
    MAX_TOKEN_DAYS,
    MAX_TOKEN_NAME,
    MAX_USERNAME,
    SCOPES,
    create_pat,
    create_user,
    current_user,
    expiry_from,
    hash_password,
)
from panel.auth_sessions import sign_out_everywhere
from panel.db import ROLES, AccessToken, RefreshToken, User, audit, get_session, utcnow
from panel.openapi import documented

bp = Blueprint("users", __name__)
MIN_PASSWORD = 8
_STR: dict[str, Any] = {"type": "string"}
_ROLE: dict[str, Any] = {"enum": list(ROLES)}
_PASSWORD: dict[str, Any] = {"type": "string", "minLength": MIN_PASSWORD}
_USERNAME: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_USERNAME,
    "pattern": r"^[^\s<>]([^<>]*[^\s<>])?$",
    "description": "printable characters, no '<' or '>', no whitespace at either end; unique in any case",
}
USER_FIELDS = {"username", "password", "role"}
USER_CHANGES = {"role", "password", "disabled"}
MAX_ID = 2**63 - 1  # the largest id a database integer column holds


def _me() -> User:
    user = current_user()
    assert user is not None  # the guard signed the caller in
    return user


def check_password(password: str, field: str = "password") -> str:
    """``password`` when long enough; 400 naming ``field`` otherwise."""
    if len(password) < MIN_PASSWORD:
        message = f"'{field}' must be at least {MIN_PASSWORD} characters"
        raise ApiError(400, "bad_request", message, {"field": field})
    return password


def _revoke_access_tokens(session: Session, user_id: int) -> None:
    session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _refuse_unknown(body: dict[str, Any], known: set[str]) -> None:
    """400 naming the first field of ``body`` not in ``known`` (a typo must not pass unnoticed)."""
    unknown = sorted(set(body) - known)
    if unknown:
        raise ApiError(400, "bad_request", f"unknown field '{unknown[0]}'", {"field": unknown[0]})


def _get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if user_id <= MAX_ID else None
    if user is None:
        raise ApiError(404, "not_found", f"no user {user_id}")
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    """409 unless an enabled admin other than ``user`` exists (call before ``user`` stops being one)."""
    if user.role != "admin" or user.disabled:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.disabled.is_(False), User.id != user.id)
    )
    if not others:
        raise ApiError(
            409,
            "conflict",
            f"{user.username!r} is the last enabled admin; make another user admin first",
            {"user": user.id},
        )


@bp.get("/users")
@documented(query=PAGED)
def list_users() -> tuple[Response, int]:
    """The users, by id; paged."""
    users = list(get_session().scalars(select(User).order_by(User.id)))
    return ok(paged(users, lambda user: (user.id,), User.to_dict))


@bp.post("/users")
@documented(
    body={
        "type": "object",
        "properties": {"username": _USERNAME, "password": _PASSWORD, "role": _ROLE},
        "required": ["username", "password"],
        "additionalProperties": False,
    },
    status=201,
)
def add_user() -> tuple[Response, int]:
    """``{username, password, role?}`` → the new user (201); the role defaults to viewer. 409 when the name
    is taken in any letter case."""
    body = json_body()
    _refuse_unknown(body, USER_FIELDS)
    username = field_str(body, "username") or ""
    password = check_password(field_str(body, "password") or "")
    role = field_str(body, "role", required=False) or "viewer"
    session = get_session()
    user = create_user(session, username, password, role)
    audit(session, "user_create", user=_me().username, target=username, role=role)
    session.commit()
    return ok(user.to_dict(), 201)


@bp.get("/users/<int:user_id>")
@documented()
def get_user(user_id: int) -> tuple[Response, int]:
    """One user."""
    return ok(_get_user(get_session(), user_id).to_dict())


def _changes(body: dict[str, Any]) -> dict[str, Any]:
    """The checked ``{role?, password?, disabled?}`` of a PATCH body; 400 naming a bad or unknown field."""
    _refuse_unknown(body, USER_CHANGES)
    if not body:
        raise ApiError(400, "bad_request", "send at least one of 'role', 'password', 'disabled'")
    changes: dict[str, Any] = {}
    if "role" in body:
        role = field_str(body, "role") or ""
        if role not in ROLES:
            raise ApiError(400, "bad_request", f"'role' must be one of {', '.join(ROLES)}", {"field": "role"})
        changes["role"] = role
    if "password" in body:
        changes["password"] = check_password(field_str(body, "password") or "")
    if "disabled" in body:
        if not isinstance(body["disabled"], bool):
            raise ApiError(400, "bad_request", "'disabled' must be true or false", {"field": "disabled"})
        changes["disabled"] = body["disabled"]
    return changes


@bp.patch("/users/<int:user_id>")
@documented(
    body={
        "type": "object",
        "properties": {"role": _ROLE, "password": _PASSWORD, "disabled": {"type": "boolean"}},
        "required": [],
        "additionalProperties": False,
        "minProperties": 1,
    }
)
def patch_user(user_id: int) -> tuple[Response, int]:
    """Change a user: JSON ``{role?, password?, disabled?}``; 409 when no enabled admin would be left."""
    changes = _changes(json_body())
    session = get_session()
    user = _get_user(session, user_id)
    if changes.get("role", "admin") != "admin" or changes.get("disabled"):
        _keep_an_admin(session, user)
    details: dict[str, Any] = {}
    if "role" in changes and changes["role"] != user.role:
        details["role"] = {"from": user.role, "to": changes["role"]}
        user.role = changes["role"]
    if "disabled" in changes and changes["disabled"] != user.disabled:
        details["disabled"] = changes["disabled"]
        user.disabled = changes["disabled"]
        if user.disabled:
            sign_out_everywhere(session, user)
            _revoke_access_tokens(session, user.id)
    if "password" in changes:
        details["password_changed"] = True
        user.password_hash = hash_password(changes["password"])
        sign_out_everywhere(session, user)
    audit(session, "user_update", user=_me().username, target=user.username, **details)
    session.commit()
    return ok(user.to_dict())


@bp.delete("/users/<int:user_id>")
@documented()
def delete_user(user_id: int) -> tuple[Response, int]:
    """Delete a user and their tokens; 409 when they are the last enabled admin."""
    session = get_session()
    user = _get_user(session, user_id)
    _keep_an_admin(session, user)
    gone = user.to_dict()
    session.execute(delete(RefreshToken).where(RefreshToken.user_id == user.id))
    session.execute(delete(AccessToken).where(AccessToken.user_id == user.id))
    session.delete(user)
    audit(session, "user_delete", user=_me().username, target=gone["username"], role=gone["role"])
    session.commit()
    return ok(gone)


@bp.get("/tokens")
@documented(query=PAGED)
def list_tokens() -> tuple[Response, int]:
    """The caller's personal access tokens (without the tokens themselves), by id; paged."""
    rows = list(
        get_session().scalars(
            select(AccessToken).where(AccessToken.user_id == _me().id).order_by(AccessToken.id)
        )
    )
    return ok(paged(rows, lambda row: (row.id,), AccessToken.to_dict))


@bp.post("/tokens")
@documented(
    body={
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": MAX_TOKEN_NAME, "pattern": r"\S"},
            "scopes": {
                "type": "array",
                "items": {"enum": list(SCOPES)},
                "minItems": 1,
                "description": "'write' needs the editor or admin role",
            },
            "expires_at": {
                "type": ["string", "integer"],
                "description": f"ISO-8601 time or days from now, at most {MAX_TOKEN_DAYS} days ahead",
            },
        },
        "required": ["name"],
    },
    status=201,
)
def add_token() -> tuple[Response, int]:
    """``{name, scopes?, expires_at?}`` → the token object plus ``token``, shown only this once (201)."""
    body = json_body()
    name = field_str(body, "name") or ""
    scopes = body.get("scopes", ["read"])
    if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        raise ApiError(400, "bad_request", "'scopes' must be a list of strings", {"field": "scopes"})
    session = get_session()
    user = _me()
    token, row = create_pat(session, user, name, scopes, expiry_from(body.get("expires_at")))
    audit(session, "token_create", user=user.username, target=name, scopes=scopes)
    session.commit()
    return ok({**row.to_dict(), "token": token}, 201)


@bp.delete("/tokens/<int:token_id>")
@documented()
def revoke_token(token_id: int) -> tuple[Response, int]:
    """Revoke one of the caller's tokens (admins may revoke anyone's)."""
    session = get_session()
    user = _me()
    row = session.get(AccessToken, token_id) if token_id <= MAX_ID else None
    if row is None or (row.user_id != user.id and user.role != "admin"):
        raise ApiError(404, "not_found", f"no token {token_id}")
    row.revoked_at = row.revoked_at or utcnow()
    audit(session, "token_revoke", user=user.username, target=row.name)
    session.commit()
    return ok(row.to_dict())
