"""``/api/openapi.json`` (the generated OpenAPI document) and ``/api/docs`` (a self-contained explorer).

Both are public. The docs page loads nothing from other hosts: its script is inline and it only fetches
``/api/openapi.json`` and the API itself.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify

from panel.api.system import app_version
from panel.openapi import build_spec, documented

bp = Blueprint("docs", __name__)
DOCS_PAGE = Path(__file__).resolve().parent.parent / "templates" / "api_docs.html"


@bp.get("/openapi.json")
@documented()
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API, generated from the registered routes."""
    return jsonify(build_spec(current_app, app_version()))


@bp.get("/docs")
@documented()
def docs_page() -> Response:
    """An HTML page listing every operation with a "Try it" form."""
    return Response(DOCS_PAGE.read_text(encoding="utf-8"), mimetype="text/html")
