"""``/api/secrets`` (admin only): the values behind config.yml's ``<<name>>`` placeholders.

Values go in (PUT) and never come out: answers carry names, times, who changed them last, whether the
current key can decrypt them, and where config.yml on ``main`` uses them.
"""

from __future__ import annotations

from typing import Annotated

from flask import Blueprint, Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from panel.api.common import get_repo, secrets_fernet
from panel.api.envelope import ApiError, ok
from panel.api.paging import Paged, paged
from panel.auth import current_user
from panel.contract import Body, ruled
from panel.db import Secret, audit, get_session, utcnow
from panel.openapi import documented
from panel.repo import NotFoundError
from panel.secrets import (
    Use,
    all_secrets,
    check_value,
    encrypt,
    normalize_name,
    placeholder_uses,
    readable,
)

bp = Blueprint("secrets", __name__)
CONFIG_FILE = "config.yml"
SecretName = Annotated[
    str,
    ruled(
        r"^[A-Za-z][A-Za-z0-9_]{0,63}$",
        description="A letter, then letters, digits and '_' (at most 64; stored lower-case); the engine's "
        "own setting names and 'panel_...' are a 422",
    ),
]


class SecretValue(Body):
    """``{value}``."""

    value: str = Field(min_length=1, description="The secret; never shown again")


def _name(raw: str) -> str:
    try:
        return normalize_name(raw)
    except ValueError as exc:
        raise ApiError(422, "unprocessable", str(exc), {"field": "name"}) from None


def _uses() -> list[Use]:
    """Placeholders in config.yml on ``main`` (none when it has no config.yml)."""
    repo = get_repo()
    try:
        data, _ = repo.read_file(CONFIG_FILE, "main")
    except NotFoundError:
        return []
    return placeholder_uses(data.decode("utf-8", errors="replace"), CONFIG_FILE)


def _item(row: Secret, uses: list[Use]) -> dict[str, object]:
    places = [use.place() for use in uses if use.name == row.name]
    return {**row.to_dict(), "readable": readable(secrets_fernet(), row), "used_in": places}


def _username() -> str:
    user = current_user()
    assert user is not None  # the guard signed the caller in
    return user.username


@bp.get("/secrets")
@documented(query=Paged)
def list_secrets(query: Paged) -> tuple[Response, int]:
    """The stored secrets by name (never their values) with where config.yml uses each, paged; and
    ``missing``: placeholders config.yml uses that have no stored secret."""
    rows = all_secrets(get_session())
    uses = _uses()
    stored = {row.name for row in rows}
    missing: dict[str, list[dict[str, object]]] = {}
    for use in uses:
        if use.name not in stored:
            missing.setdefault(use.name, []).append(use.place())
    return ok(
        {
            **paged(rows, lambda row: (row.name,), lambda row: _item(row, uses)),
            "missing": [{"name": name, "used_in": places} for name, places in sorted(missing.items())],
        }
    )


@bp.put("/secrets/<name>")
@documented(body=SecretValue, status=(200, 201), path={"name": SecretName})
def put_secret(name: str, body: SecretValue) -> tuple[Response, int]:
    """Store ``{value}`` under ``name`` (lower-cased): 201 when new, 200 when replaced."""
    name = _name(name)
    value = body.value
    try:
        check_value(value)
    except ValueError as exc:
        raise ApiError(422, "unprocessable", str(exc), {"field": "value"}) from None
    session = get_session()
    row = session.scalar(select(Secret).where(Secret.name == name))
    by = _username()
    ciphertext = encrypt(secrets_fernet(), value)
    if row is None:
        row = Secret(name=name, value=ciphertext, updated_by=by)
        session.add(row)
        status, action = 201, "secret_create"
    else:
        row.value, row.updated_at, row.updated_by = ciphertext, utcnow(), by
        status, action = 200, "secret_update"
    audit(session, action, user=by, target=name)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(409, "conflict", f"secret {name!r} was created at the same time; try again") from None
    return ok(_item(row, _uses()), status)


@bp.delete("/secrets/<name>")
@documented(path={"name": SecretName})
def delete_secret(name: str) -> tuple[Response, int]:
    """Delete a secret; runs that use its placeholder then fail until it is set again."""
    name = _name(name)
    session = get_session()
    row = session.scalar(select(Secret).where(Secret.name == name))
    if row is None:
        raise ApiError(404, "not_found", f"no secret {name!r}")
    session.delete(row)
    audit(session, "secret_delete", user=_username(), target=name)
    session.commit()
    return ok(row.to_dict())
