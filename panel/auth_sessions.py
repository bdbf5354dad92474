"""Sign-in sessions: refresh tokens, their rotation, and signing a user out everywhere.

A refresh token is random and stored as its sha256; each use trades it for a successor (``replaced_by``).
Rotation is one compare-and-set (``UPDATE ... WHERE revoked_at IS NULL``): of two requests racing with
one token exactly one wins, and the other is reuse, which revokes the whole family after it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from panel.auth import sha256
from panel.db import RefreshToken, User, utcnow
from panel.errors import ApiError

REFRESH_LIFETIME = timedelta(days=30)


def issue_refresh_token(session: Session, user: User) -> tuple[str, RefreshToken]:
    """A new refresh token and its row (the caller commits)."""
    token = secrets.token_urlsafe(32)
    row = RefreshToken(user_id=user.id, token_hash=sha256(token), expires_at=utcnow() + REFRESH_LIFETIME)
    session.add(row)
    session.flush()
    return token, row


def rotate_refresh_token(session: Session, token: str) -> tuple[User, str]:
    """Trade a refresh token for a new one (the caller commits); 401 for an unknown, expired or used one,
    and a used one (reuse, or the loser of a race) also revokes every successor of it."""
    digest, now = sha256(token), utcnow()
    claim = (
        update(RefreshToken)
        .where(RefreshToken.token_hash == digest, RefreshToken.revoked_at.is_(None))
        .where(RefreshToken.expires_at > now)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    result = session.execute(claim)
    won = isinstance(result, CursorResult) and result.rowcount == 1
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest))
    if row is None:
        raise ApiError(401, "unauthorized", "unknown refresh token")
    if not won:
        if row.revoked_at is None:
            raise ApiError(401, "unauthorized", "refresh token expired")
        _revoke_successors(session, row)
        session.commit()
        raise ApiError(401, "unauthorized", "refresh token already used or revoked")
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        session.commit()
        raise ApiError(401, "unauthorized", "refresh token expired")
    new_token, new_row = issue_refresh_token(session, user)
    row.replaced_by = new_row.id
    return user, new_token


def _revoke_successors(session: Session, row: RefreshToken) -> None:
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


def revoke_refresh_tokens(session: Session, user_id: int) -> None:
    """Revoke every live refresh token of a user."""
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def sign_out_everywhere(session: Session, user: User) -> None:
    """End every session of ``user`` (the caller commits): refresh tokens revoked, and access tokens
    refused from the next request on, in every process (their generation is raised)."""
    revoke_refresh_tokens(session, user.id)
    user.token_generation += 1
