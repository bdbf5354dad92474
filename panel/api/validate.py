"""``POST /api/validate``: what a batch write would meet, without committing anything.

The body is ``POST /api/files``'s (``{base, changes}``; a ``message`` is allowed and ignored). The edit
is applied to ``base`` in memory and the whole tree is validated and scanned for secrets exactly as a
commit is, so a review dialog shows the same problems the commit would get, and nothing moves.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from panel.api.answers import ValidationReport
from panel.api.common import check_secrets, resolve_base, tree_report
from panel.api.envelope import ApiError, ok
from panel.api.files import BatchWrite, batch_changes
from panel.openapi import documented

bp = Blueprint("validate", __name__)


def _findings(changes: dict[str, bytes | None]) -> list[dict[str, Any]]:
    """The secret findings a commit of the edit would be refused for (through the commit's own check,
    so whatever limits it applies apply here too)."""
    try:
        check_secrets(changes)
    except ApiError as exc:
        if exc.code != "secret_detected":
            raise
        findings: list[dict[str, Any]] = exc.details["findings"]
        return findings
    return []


@bp.post("/validate")
@documented(body=BatchWrite, data=ValidationReport)
def validate(body: BatchWrite) -> tuple[Response, int]:
    """The problems of the tree ``base`` would be after ``changes`` (as `POST /api/files` takes them):
    `{base, valid, problems, blocking, secrets}`; nothing is committed."""
    base = resolve_base(body.base)
    changes, renames = batch_changes(body.changes)
    problems, blocking = tree_report(changes, renames, base)
    secrets = _findings(changes)
    valid = not blocking and not secrets
    return ok({"base": base, "valid": valid, "problems": problems, "blocking": blocking, "secrets": secrets})
