"""``POST /api/validate``: what a batch write would meet, without committing anything.

The body is ``POST /api/files``'s (``{base, changes}``; a ``message`` is allowed and ignored). The edit
is applied to ``base`` in memory and the whole tree is validated and scanned for secrets exactly as a
commit is, so a review dialog shows the same problems the commit would get, and nothing moves. It is
guarded as a commit is: a user at the stored-secret refusal limit is refused first (429), a YAML file over
the size limit is a 413, and a stored secret's value found counts as a refusal and is shown to a non-admin
only as its file (:mod:`panel.secret_refusals`), so validating is no faster way to guess a secret.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from modules.yaml_nodes import reusing
from panel.api.answers import ValidationReport
from panel.api.common import check_secrets, refuse_large_yaml, resolve_base, tree_report
from panel.api.envelope import ApiError, ok
from panel.api.files import BatchWrite, batch_changes
from panel.openapi import documented
from panel.secret_refusals import check_not_limited

bp = Blueprint("validate", __name__)


def _findings(changes: dict[str, bytes | None]) -> list[dict[str, Any]]:
    """The secret findings a commit of the edit would be refused for, through the commit's own check: a
    stored secret's value counts as a refusal and is hidden from non-admins just the same."""
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
    check_not_limited()
    base = resolve_base(body.base)
    changes, renames = batch_changes(body.changes)
    refuse_large_yaml(changes)
    with reusing():  # the scan reads the nodes the validation composed
        problems, blocking = tree_report(changes, renames, base)
        secrets = _findings(changes)
    valid = not blocking and not secrets
    return ok({"base": base, "valid": valid, "problems": problems, "blocking": blocking, "secrets": secrets})
