"""``/api/audit`` (admin): the audit log, newest first, paged by cursor like ``/api/history``.

Filters: ``?user=`` and ``?action=`` match exactly, ``?target=`` matches any target containing the text
(a commit's target lists the paths it touched).
"""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, Response
from pydantic import Field
from sqlalchemy import select

from panel.api.envelope import ApiError, ok
from panel.api.paging import Paged
from panel.api.users import MAX_ID
from panel.contract import Absent, ruled
from panel.db import AuditLog, get_session
from panel.openapi import documented
from panel.times import iso_utc

bp = Blueprint("audit", __name__)


def entry_dict(row: AuditLog) -> dict[str, Any]:
    """The API's audit entry ``{id, time, user, action, target, source, details}``."""
    return {
        "id": row.id,
        "time": iso_utc(row.time),
        "user": row.user,
        "action": row.action,
        "target": row.target,
        "source": row.source,
        "details": row.details or {},
    }


AuditCursor = Annotated[str, ruled(r"^[0-9]{1,19}$", "The previous page's next_cursor (digits)")]


class AuditQuery(Paged):
    """Paging by the last id seen, and the filters."""

    cursor: AuditCursor | Absent = Field(None, description="The previous page's next_cursor")
    user: str | Absent = Field(None, description="Only entries by this username")
    action: str | Absent = Field(
        None, description="Only this action, e.g. commit, revert, login, user_update"
    )
    target: str | Absent = Field(
        None, description="Only entries whose target contains this text (e.g. a path)"
    )


def _cursor(raw: str | None) -> int | None:
    """``?cursor=``: the id the previous page ended at; 422 past the largest id."""
    if not raw:
        return None
    if int(raw) > MAX_ID:
        raise ApiError(
            422, "unprocessable", f"'cursor' is not a cursor from this list: {raw!r}", {"field": "cursor"}
        )
    return int(raw)


@bp.get("/audit")
@documented(query=AuditQuery)
def list_audit(query: AuditQuery) -> tuple[Response, int]:
    """Audit entries, newest first, filtered by ``?user=``, ``?action=``, ``?target=``."""
    limit = query.limit
    cursor = _cursor(query.cursor)
    select_rows = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit + 1)
    if cursor is not None:
        select_rows = select_rows.where(AuditLog.id < cursor)
    if query.user:
        select_rows = select_rows.where(AuditLog.user == query.user)
    if query.action:
        select_rows = select_rows.where(AuditLog.action == query.action)
    if query.target:
        select_rows = select_rows.where(AuditLog.target.contains(query.target, autoescape=True))
    rows = list(get_session().scalars(select_rows))
    page = rows[:limit]
    next_cursor = str(page[-1].id) if len(rows) > limit else None
    return ok({"items": [entry_dict(row) for row in page], "next_cursor": next_cursor})
