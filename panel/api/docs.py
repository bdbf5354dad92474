"""``/api/openapi.json`` (the generated OpenAPI document) and ``/api/docs`` (a self-contained explorer).

Both are public. The docs page loads nothing from other hosts: its script is inline and it only fetches
``/api/openapi.json`` and the API itself. Its Content-Security-Policy says exactly that: only the inline
script and style carrying this response's nonce run, and it connects only to its own origin.
"""

from __future__ import annotations

import secrets
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


def docs_csp(nonce: str) -> str:
    """The docs page's policy: its own nonced inline script and style, requests to this origin only."""
    return (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )


@bp.get("/docs")
@documented()
def docs_page() -> Response:
    """An HTML page listing every operation with a "Try it" form."""
    nonce = secrets.token_urlsafe(16)
    html = DOCS_PAGE.read_text(encoding="utf-8")
    html = html.replace("<script>", f'<script nonce="{nonce}">').replace(
        "<style>", f'<style nonce="{nonce}">'
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = docs_csp(nonce)
    return response
