"""Browser sign-in: the refresh token in a cookie the page's scripts cannot read.

A request carrying ``X-Requested-With: kometa-panel`` is the web UI. Its login (and password change)
answers the access token in JSON, to be kept in memory only, and the refresh token in the
``kometa_refresh`` cookie: HttpOnly, SameSite=Strict, Path=/api/auth, Secure when the request came over
HTTPS (directly, or per ``X-Forwarded-Proto`` from a configured proxy, ``KOMETA_PANEL_PROXIES``).
``POST /api/auth/refresh`` without a body then rotates the cookie; it is refused (403, naming the header)
without the header, which a cross-site form cannot send (CSRF). Sign-out revokes and clears it. API
clients send no such header and keep receiving both tokens in JSON.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request

from panel.api.envelope import ok
from panel.auth_sessions import REFRESH_LIFETIME
from panel.errors import ApiError

COOKIE = "kometa_refresh"
COOKIE_PATH = "/api/auth"
BROWSER_HEADER = "X-Requested-With"
BROWSER_VALUE = "kometa-panel"


def from_browser() -> bool:
    """Whether the request says it is the web UI (``X-Requested-With: kometa-panel``)."""
    return request.headers.get(BROWSER_HEADER, "").strip().lower() == BROWSER_VALUE


def cookie_token() -> str | None:
    """The refresh token of the request's cookie, for the refresh route; 403 naming the header when the
    cookie comes without it (a request another site made the browser send)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    if not from_browser():
        message = f"a refresh by cookie needs the header '{BROWSER_HEADER}: {BROWSER_VALUE}'"
        raise ApiError(403, "forbidden", message, {"header": BROWSER_HEADER})
    return token


def token_response(data: dict[str, Any], refresh_token: str) -> tuple[Response, int]:
    """The answer of a sign-in: for API clients ``data`` with ``refresh_token`` in JSON; for the web UI
    ``data`` alone, the refresh token going into the cookie."""
    if not from_browser():
        return ok({**data, "refresh_token": refresh_token})
    response, status = ok(data)
    response.set_cookie(
        COOKIE,
        refresh_token,
        max_age=int(REFRESH_LIFETIME.total_seconds()),
        path=COOKIE_PATH,
        secure=request.is_secure,
        httponly=True,
        samesite="Strict",
    )
    return response, status


def clear_cookie(response: Response) -> None:
    """Remove the refresh cookie from the browser (sign-out)."""
    response.delete_cookie(
        COOKIE, path=COOKIE_PATH, secure=request.is_secure, httponly=True, samesite="Strict"
    )
