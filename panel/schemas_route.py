"""``/schemas/<name>.json``: the project's JSON Schemas for editors and the frontend."""

from __future__ import annotations

import re

from flask import Blueprint, Response, send_file

from panel.api.common import get_settings
from panel.api.envelope import ApiError

bp = Blueprint("schemas", __name__)
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@bp.get("/schemas/<name>.json")
def schema(name: str) -> Response:
    """One schema file, by bare name only (no paths)."""
    path = get_settings().schemas_dir / f"{name}.json"
    if not _NAME.fullmatch(name) or not path.is_file():
        raise ApiError(404, "not_found", f"no schema named {name!r}")
    return send_file(path, mimetype="application/schema+json", max_age=300)
