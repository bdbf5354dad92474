"""``/api/users`` (admin: list, create, read, change, delete) and ``/api/tokens`` (the caller's personal
access tokens).

The panel always keeps an enabled admin: a change that would disable, demote or delete the last one
answers 409. Disabling or deleting a user revokes their refresh and personal access tokens; a new
password revokes their refresh tokens (access tokens stop at once: the guard checks ``disabled``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from flask import Blueprint, Response
from pydantic import AwareDatetime, BeforeValidator, ConfigDict, Field, model_validator
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from panel.api import answers
from panel.api.envelope import ApiError, ok
from panel.api.paging import Paged, paged
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
from panel.contract import UNSAFE, WS, Absent, Body, ruled
from panel.db import ROLES, AccessToken, RefreshToken, User, audit, get_session, utcnow
from panel.openapi import documented

bp = Blueprint("users", __name__)
MIN_PASSWORD = 8
MAX_ID = 2**63 - 1  # the largest id a database integer column holds
_NAME_CHAR = rf"[^<>{UNSAFE}]"
_EDGE_CHAR = rf"[^<>{UNSAFE}{WS}]"
Username = Annotated[
    str,
    ruled(
        rf"^{_EDGE_CHAR}(?:{_NAME_CHAR}*{_EDGE_CHAR})?$",
        min_length=1,
        max_length=MAX_USERNAME,
        description="No '<', '>' or control characters, no whitespace at either end; unique in any case "
        "(other unprintable characters are a 422)",
    ),
]
Password = Annotated[str, Field(min_length=MIN_PASSWORD, description=f"At least {MIN_PASSWORD} characters")]
Role = Literal["viewer", "editor", "admin"]
Scope = Literal["read", "write"]
TokenName = Annotated[str, ruled(rf"[^{WS}]", "Not all blank", min_length=1, max_length=MAX_TOKEN_NAME)]
assert get_args(Role) == ROLES and get_args(Scope) == SCOPES, "the models name every role and scope"
Days = Annotated[int, Field(ge=1, le=MAX_TOKEN_DAYS, description="Days from now")]


def _time_text(value: Any) -> Any:
    """A time arrives as text with its date (a bare number is not a time here, though pydantic would
    read it as seconds since 1970)."""
    if not isinstance(value, str) or value.strip().lstrip("-").replace(".", "", 1).isdigit():
        raise ValueError("must be a time with its offset, e.g. 2030-01-31T12:00:00Z")
    return value


Expiry = Annotated[AwareDatetime, Field(strict=False), BeforeValidator(_time_text)]


class UserCreate(Body):
    """``{username, password, role?}``."""

    username: Username
    password: Password
    role: Role = "viewer"


class UserChange(Body):
    """``{role?, password?, disabled?}``: at least one."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    role: Role | Absent = None
    password: Password | Absent = None
    disabled: bool | Absent = None

    @model_validator(mode="after")
    def _something(self) -> UserChange:
        if not self.model_fields_set:
            raise ValueError("send at least one of 'role', 'password', 'disabled'")
        return self


class TokenCreate(Body):
    """``{name, scopes?, expires_at?}``."""

    name: TokenName
    scopes: list[Scope] = Field(
        ["read"], min_length=1, description="'write' needs the editor or admin role (default: read)"
    )
    expires_at: Expiry | Days | Absent = Field(
        None, description=f"A time with its offset, or days from now; at most {MAX_TOKEN_DAYS} days ahead"
    )


def _me() -> User:
    user = current_user()
    assert user is not None  # the guard signed the caller in
    return user


def _revoke_access_tokens(session: Session, user_id: int) -> None:
    session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


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
@documented(query=Paged, data=answers.UserPage)
def list_users(query: Paged) -> tuple[Response, int]:
    """The users, by id; paged."""
    users = list(get_session().scalars(select(User).order_by(User.id)))
    return ok(paged(users, lambda user: (user.id,), User.to_dict))


@bp.post("/users")
@documented(body=UserCreate, status=201, data=answers.User)
def add_user(body: UserCreate) -> tuple[Response, int]:
    """``{username, password, role?}`` → the new user (201); the role defaults to viewer. 409 when the name
    is taken in any letter case."""
    username, password, role = body.username, body.password, body.role
    session = get_session()
    user = create_user(session, username, password, role)
    audit(session, "user_create", user=_me().username, target=username, role=role)
    session.commit()
    return ok(user.to_dict(), 201)


@bp.get("/users/<int:user_id>")
@documented(data=answers.User)
def get_user(user_id: int) -> tuple[Response, int]:
    """One user."""
    return ok(_get_user(get_session(), user_id).to_dict())


def _changes(body: UserChange) -> dict[str, Any]:
    """The fields a PATCH body sets."""
    return body.model_dump(include=body.model_fields_set)


@bp.patch("/users/<int:user_id>")
@documented(body=UserChange, data=answers.User)
def patch_user(user_id: int, body: UserChange) -> tuple[Response, int]:
    """Change a user: JSON ``{role?, password?, disabled?}``; 409 when no enabled admin would be left."""
    changes = _changes(body)
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
@documented(data=answers.User)
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
@documented(query=Paged, data=answers.TokenPage)
def list_tokens(query: Paged) -> tuple[Response, int]:
    """The caller's personal access tokens (without the tokens themselves), by id; paged."""
    rows = list(
        get_session().scalars(
            select(AccessToken).where(AccessToken.user_id == _me().id).order_by(AccessToken.id)
        )
    )
    return ok(paged(rows, lambda row: (row.id,), AccessToken.to_dict))


@bp.post("/tokens")
@documented(body=TokenCreate, status=201, data=answers.NewToken)
def add_token(body: TokenCreate) -> tuple[Response, int]:
    """``{name, scopes?, expires_at?}`` → the token object plus ``token``, shown only this once (201)."""
    name, scopes = body.name, [str(scope) for scope in body.scopes]
    session = get_session()
    user = _me()
    token, row = create_pat(session, user, name, scopes, expiry_from(body.expires_at))
    audit(session, "token_create", user=user.username, target=name, scopes=scopes)
    session.commit()
    return ok({**row.to_dict(), "token": token}, 201)


@bp.delete("/tokens/<int:token_id>")
@documented(data=answers.Token)
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
