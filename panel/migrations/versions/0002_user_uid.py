"""Users get ``uid`` (a random identity for access tokens, never reused like a row id) and
``token_generation`` (raised to sign every access token of a user out).

Existing users get a fresh uid each, so access tokens from before the upgrade stop working (they named
row ids): everyone signs in again once; refresh tokens and personal access tokens keep working.

Revision ID: 0002_user_uid
Revises: 0001_initial
Create Date: 2026-12-07
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0002_user_uid"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _columns() -> set[str]:
    if context.is_offline_mode():
        return set()
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns("users")}


def upgrade() -> None:
    have = _columns()  # a database adopted from create_all may have them already
    if "token_generation" not in have:
        op.add_column(
            "users", sa.Column("token_generation", sa.Integer(), nullable=False, server_default="0")
        )
    if "uid" in have:
        return
    # SQLite adds a NOT NULL column only with a default; every row gets its own value before the index.
    op.add_column("users", sa.Column("uid", sa.String(length=32), nullable=False, server_default=""))
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("uid", sa.String()))
    if not context.is_offline_mode():
        bind = op.get_bind()
        for (user_id,) in bind.execute(sa.select(users.c.id)).all():
            bind.execute(sa.update(users).where(users.c.id == user_id).values(uid=secrets.token_hex(16)))
    op.create_index(op.f("ix_users_uid"), "users", ["uid"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_users_uid"), table_name="users")
    op.execute("ALTER TABLE users DROP COLUMN uid")  # SQLite 3.35+; no table rebuild (that cascades)
    op.execute("ALTER TABLE users DROP COLUMN token_generation")
