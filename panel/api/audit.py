"""``/api/audit`` (admin): the audit log, newest first, paged by cursor like ``/api/history``.

Filters: ``?user=`` and ``?action=`` match exactly, ``?target=`` matches any target containing the text
(a commit's target lists the paths it touched).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy import select

from panel.api.envelope import ApiError, ok
from panel.api.paging import CURSOR, LIMIT, parse_limit
from panel.api.users import MAX_ID
from panel.db import AuditLog, get_session
from panel.openapi import documented, query_param
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


def _cursor(raw: str | None) -> int | None:
    """``?cursor=``: the id the previous page ended at; 400 when it is not one."""
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19 or int(raw) > MAX_ID:
        raise ApiError(
            400, "bad_request", f"'cursor' is not a cursor from this list: {raw!r}", {"field": "cursor"}
        )
    return int(raw)


@bp.get("/audit")
@documented(
    query={
        "limit": LIMIT,
        "cursor": CURSOR,
        "user": query_param("Only entries by this username"),
        "action": query_param("Only this action, e.g. commit, revert, login, user_update"),
        "target": query_param("Only entries whose target contains this text (e.g. a path)"),
    }
)
def list_audit() -> tuple[Response, int]:
    """Audit entries, newest first, filtered by ``?user=``, ``?action=``, ``?target=``."""
    limit = parse_limit(request.args.get("limit"))
    cursor = _cursor(request.args.get("cursor"))
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit + 1)
    if cursor is not None:
        query = query.where(AuditLog.id < cursor)
    if user := request.args.get("user"):
        query = query.where(AuditLog.user == user)
    if action := request.args.get("action"):
        query = query.where(AuditLog.action == action)
    if target := request.args.get("target"):
        query = query.where(AuditLog.target.contains(target, autoescape=True))
    rows = list(get_session().scalars(query))
    page = rows[:limit]
    next_cursor = str(page[-1].id) if len(rows) > limit else None
    return ok({"items": [entry_dict(row) for row in page], "next_cursor": next_cursor})
