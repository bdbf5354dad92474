"""``/`` and every other browser path: the prebuilt web UI from ``panel/static/`` (``npm run build``).

Hashed files under ``/assets/`` are cached for a year (their names change with their content);
``index.html`` is revalidated on every load, so a new build reaches browsers at once. Any path that is
not a file of the build gets ``index.html`` (the app's router reads the URL), except the API, schema and
git prefixes, which 404 as themselves. Without a build (a checkout that never ran it), ``/`` redirects to
the API docs as before.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, redirect, request, send_from_directory
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter
from werkzeug.wrappers import Response

from panel.api.envelope import ApiError

STATIC_DIR = Path(__file__).resolve().parent / "static"
INDEX = "index.html"
RESERVED = ("api", "schemas", "git")
IMMUTABLE = "public, max-age=31536000, immutable"
# Self only. Styles allow inline because MUI (emotion) and Monaco write <style> elements at runtime.
UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

bp = Blueprint("frontend", __name__)


class UiPathConverter(PathConverter):
    """A browser path: any path outside the API, schema and git prefixes, so a method an API path does
    not answer stays werkzeug's 405 (with ``Allow``) and an unknown API path its 404."""

    regex = rf"(?!(?:{'|'.join(RESERVED)})(?:/|$))[^/].*?"
    part_isolating = False


@bp.record_once
def _converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["uipath"] = UiPathConverter


def _index() -> Response:
    response = send_from_directory(STATIC_DIR, INDEX, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = UI_CSP
    return response


def _asset(path: str) -> Response:
    response = send_from_directory(STATIC_DIR, path)
    response.headers["Cache-Control"] = IMMUTABLE if path.startswith("assets/") else "no-cache"
    response.headers["Content-Security-Policy"] = UI_CSP
    return response


@bp.get("/")
def home() -> Response:
    """The web UI, or (no build yet) a temporary redirect to the API docs."""
    if not (STATIC_DIR / INDEX).is_file():
        return redirect("/api/docs", code=302)
    return _index()


@bp.route("/<uipath:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def ui_path(path: str) -> Response:
    """A file of the build, or ``index.html`` for a deep link such as ``/files/config.yml``.

    Every method is routed here so a path no API route matches stays a 404 (not a 405) for writes too.
    """
    if path.split("/", 1)[0] in RESERVED:
        raise ApiError(404, "not_found", f"no route {'/' + path!r}")
    if request.method not in ("GET", "HEAD"):
        raise ApiError(405, "method_not_allowed", "the web UI's pages only answer GET")
    if not (STATIC_DIR / INDEX).is_file():
        raise ApiError(404, "not_found", "the web UI is not built (run `npm run build` in panel/frontend)")
    try:
        return _asset(path)
    except NotFound:
        if path.startswith("assets/"):
            raise ApiError(404, "not_found", f"no file {path!r} in the web UI build") from None
        return _index()
