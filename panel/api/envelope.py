"""The API envelope ``{success, data, error, timestamp}`` and the error handlers that always use it.

Errors raised anywhere in a request (our :class:`ApiError`, the config repository's errors, werkzeug's
HTTP exceptions such as 404/405/413/415, and unexpected exceptions) become an envelope with a stable
``error.code``, so no response is ever an HTML error page.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, has_request_context, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from panel.auth import bearer_token
from panel.errors import ApiError
from panel.repo import ConflictError, CursorError, NoChangeError, NotFoundError, PathError, RevisionError
from panel.times import iso_utc

__all__ = ["ApiError", "fail", "json_body", "ok", "register_error_handlers"]

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
}


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
REALM = "kometa-panel"


def timestamp() -> str:
    """Now in UTC, ISO-8601 with milliseconds and ``Z``."""
    return iso_utc(datetime.now(UTC))


def ok(data: Any, status: int = 200) -> tuple[Response, int]:
    """A success envelope around ``data``."""
    body = {"success": True, "data": data, "error": None, "timestamp": timestamp()}
    return jsonify(body), status


def fail(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> tuple[Response, int]:
    """An error envelope; a 401 also carries the ``WWW-Authenticate`` challenge (RFC 7235, RFC 6750)."""
    error = {"code": code, "message": message, "details": details or {}}
    body = {"success": False, "data": None, "error": error, "timestamp": timestamp()}
    response = jsonify(body)
    if status == 401:
        response.headers["WWW-Authenticate"] = _challenge()
    return response, status


def _challenge() -> str:
    """``Bearer`` with the realm, and ``error="invalid_token"`` when the request sent a bearer token."""
    sent = has_request_context() and bearer_token(request.headers.get("Authorization")) is not None
    return f'Bearer realm="{REALM}"' + (', error="invalid_token"' if sent else "")


def security_headers(response: Response) -> Response:
    """``after_request``: no content sniffing, framing or referrer on any response, and a deny-all CSP on
    JSON (a page sets its own, as ``/api/docs`` does)."""
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    if response.is_json:
        response.headers.setdefault("Content-Security-Policy", JSON_CSP)
    return response


def json_body(optional: bool = False) -> dict[str, Any]:
    """The request's JSON object; 415 for another content type, 413 past the size limit, 400 for malformed
    JSON (with its line and column), a non-object, or text that is not valid Unicode (naming the field).

    With ``optional`` an empty body is an empty object.
    """
    if optional and not request.content_length and not request.headers.get("Transfer-Encoding"):
        return {}
    if not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", "the request body must be JSON (Content-Type: application/json)"
        )
    raw = request.get_data(cache=True)  # raises 413 first when the declared length is too large
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and request.content_length is None and len(raw) >= limit:
        raise RequestEntityTooLarge()  # a chunked body is cut at the limit rather than refused
    if optional and not raw:
        return {}
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        where = {"line": exc.lineno, "column": exc.colno}
        raise ApiError(400, "bad_request", f"the request body is not valid JSON: {exc.msg}", where) from None
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "bad_request", "the request body is not valid UTF-8 JSON") from None
    except RecursionError:
        raise ApiError(400, "bad_request", "the request body nests too deeply") from None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", f"the request body must be a JSON object, not {_json_kind(body)}")
    bad = _unpaired_surrogate(body)
    if bad is not None:
        message = f"'{bad}' is not valid Unicode text (it has an unpaired surrogate, \\ud800-\\udfff)"
        raise ApiError(400, "bad_request", message, {"field": bad})
    return body


def _json_kind(value: Any) -> str:
    names = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    return names.get(type(value), "a list")


def _unpaired_surrogate(body: dict[str, Any]) -> str | None:
    """The first field (``changes[2].content``) whose text JSON escapes made into a lone surrogate, which
    no file, commit or database can hold."""
    stack: list[tuple[Any, str]] = [(body, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return where or "the request body"
        elif isinstance(value, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in value.items())
            stack.extend((k, f"{where}.{k}" if where else "a key") for k in value if isinstance(k, str))
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(value))
    return None


def _http_error(exc: HTTPException) -> tuple[Response, int]:
    status = exc.code or 500
    message = exc.description or exc.name
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if status == 413 and limit:
        message = f"the request body is over the limit of {limit:,} bytes (KOMETA_PANEL_MAX_BODY)"
    response, _ = fail(status, HTTP_CODES.get(status, "http_error"), message)
    for key, value in exc.get_headers():
        if key.lower() != "content-type":  # keeps e.g. Allow on 405
            response.headers[key] = value
    return response, status


def _api_error(exc: ApiError) -> tuple[Response, int]:
    """Our error; ``details.retry_after`` (seconds) also becomes a ``Retry-After`` header."""
    response, status = fail(exc.status, exc.code, exc.message, exc.details)
    if "retry_after" in exc.details:
        response.headers["Retry-After"] = str(exc.details["retry_after"])
    return response, status


def _unexpected(exc: Exception) -> tuple[Response, int]:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return fail(500, "internal_error", "an unexpected error happened; it has been logged")


def _revision_error(exc: RevisionError) -> tuple[Response, int]:
    """422 for a revision git would not read (the document's pattern refuses most with a 400 first), 404
    for one that names no commit."""
    status, code = (422, "unprocessable") if exc.malformed else (404, "not_found")
    return fail(status, code, str(exc), {"revision": exc.rev})


def register_error_handlers(app: Flask) -> None:
    """Answer every error with an envelope; add the security headers to every response."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(NotFoundError, lambda e: fail(404, "not_found", str(e)))
    app.register_error_handler(RevisionError, _revision_error)
    app.register_error_handler(CursorError, lambda e: fail(422, "unprocessable", str(e), {"field": "cursor"}))
    app.register_error_handler(
        PathError, lambda e: fail(422, "unprocessable", f"bad path {e}", {"path": e.path, "reason": e.reason})
    )
    app.register_error_handler(
        ConflictError,
        lambda e: fail(409, "conflict", str(e), {"base": e.base, "head": e.head, "paths": e.paths}),
    )
    app.register_error_handler(NoChangeError, lambda e: fail(409, "conflict", str(e)))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    app.after_request(security_headers)
