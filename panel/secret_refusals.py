"""Refusals of writes that hold a stored secret's value, counted per user so they cannot be used to guess
the secret faster than a password at login.

A write is refused (422 ``secret_detected``) when it holds the literal value of a stored secret; which
line matched tells the writer which of their candidates is the value. So each user may get
``MAX_REFUSALS`` such refusals per ``WINDOW_SECONDS``; after that every write of theirs answers 429
``rate_limited`` with ``Retry-After`` before anything is scanned, until the window ends. Each refusal is
audited (``secret_refused``, with the secrets' names), and reaching the limit too
(``secret_refusals_limited``). A refusal tells an admin which stored secret matched and where; anyone else
learns only which file holds a stored secret's value (at 1:1), since the line would tell which candidate
of many is the secret.

The counters live in the login limiter's Redis when one is configured (shared by every process); while it
does not answer, and without one, each process counts on its own, so writes keep working.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import current_app

from panel.auth import current_user
from panel.db import audit, get_session
from panel.errors import ApiError
from panel.ratelimit import LOCKOUT_SECONDS, MemoryLimiter, RedisLimiter, RedisUnavailable
from panel.secret_scan import Finding
from panel.settings import Settings

MAX_REFUSALS = 5
WINDOW_SECONDS = LOCKOUT_SECONDS
PREFIX = "kometa-panel:secret-refusals:"
STORED = "stored_secret"  # the kind of a finding that is a stored secret's value
HIDDEN = (
    "this file holds the value of a stored secret; use its <<placeholder>> instead "
    "(an admin can tell which secret and where)"
)


class RefusalCounter:
    """Per-user refusal counts: in Redis when configured, else (or while it is down) in this process."""

    def __init__(self, redis_url: str | None) -> None:
        self.shared = RedisLimiter(redis_url, WINDOW_SECONDS, PREFIX) if redis_url else None
        self.local = MemoryLimiter(WINDOW_SECONDS)

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may write again; 0 while it has fewer than ``MAX_REFUSALS`` refusals."""
        if self.shared is not None:
            try:
                return self.shared.retry_after(key, MAX_REFUSALS)
            except RedisUnavailable:
                pass
        return self.local.retry_after(key, MAX_REFUSALS)

    def count(self, key: str) -> None:
        """Count one refusal for ``key``."""
        if self.shared is not None:
            try:
                self.shared.fail(key)
                return
            except RedisUnavailable:
                pass
        self.local.fail(key)


def _counter() -> RefusalCounter:
    """The app's counter, made on first use with the configured Redis."""
    extensions = current_app.extensions
    if "kometa_secret_refusals" not in extensions:
        settings: Settings = extensions["kometa_settings"]
        extensions.setdefault("kometa_secret_refusals", RefusalCounter(settings.redis_url))
    counter: RefusalCounter = extensions["kometa_secret_refusals"]
    return counter


def _key() -> str | None:
    """The signed-in user's counter (by uid, never reused), or None outside a signed-in request."""
    user = current_user()
    return None if user is None else f"user:{user.uid}"


def _limited(wait: int) -> ApiError:
    message = f"too many writes refused for holding a stored secret's value; try again in {wait} s"
    return ApiError(429, "rate_limited", message, {"retry_after": wait})


def check_not_limited() -> None:
    """429 with ``Retry-After`` while the signed-in user has used up their refusals (before any scan)."""
    key = _key()
    wait = _counter().retry_after(key) if key else 0
    if wait:
        raise _limited(wait)


def record_refusal(findings: Sequence[Finding], stored_names: Iterable[str]) -> list[Finding]:
    """Count and audit a refusal when ``findings`` hold stored secrets' values (``stored_names``: the
    names in the store); the findings as the writer may see them (the names hidden but from an admin)."""
    stored = [f for f in findings if f.kind == STORED]
    user = current_user()
    if not stored or user is None:
        return list(findings)
    key = f"user:{user.uid}"
    counter = _counter()
    counter.count(key)
    names = sorted(name for name in stored_names if any(repr(name) in f.message for f in stored))
    places = [f"{f.file}:{f.line}:{f.column}" for f in stored]
    session = get_session()
    audit(session, "secret_refused", user=user.username, target=stored[0].file, secrets=names, places=places)
    wait = counter.retry_after(key)
    if wait:
        audit(session, "secret_refusals_limited", user=user.username, retry_after=wait)
    session.commit()
    if user.role == "admin":
        return list(findings)
    return _hide_stored(findings)


def _hide_stored(findings: Sequence[Finding]) -> list[Finding]:
    """The findings with each file's stored-secret matches folded into one at 1:1 that names no secret."""
    shown = [f for f in findings if f.kind != STORED]
    files = dict.fromkeys(f.file for f in findings if f.kind == STORED)
    shown.extend(Finding(file, 1, 1, "", "", STORED, HIDDEN) for file in files)
    return sorted(shown, key=lambda f: (f.file, f.line, f.column, f.kind))
