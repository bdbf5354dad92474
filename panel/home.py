"""``/``: where a browser pointed at the panel lands. Until the web UI is built, that is the API's docs."""

from __future__ import annotations

from flask import Blueprint, redirect
from werkzeug.wrappers import Response

bp = Blueprint("home", __name__)


@bp.get("/")
def home() -> Response:
    """A temporary redirect (302), so browsers do not remember it once the web UI takes over ``/``."""
    return redirect("/api/docs", code=302)
