"""The guard's per-process cache of what it looked up: users, personal access tokens and verified JWTs.

Entries live ``KOMETA_PANEL_AUTH_CACHE_SECONDS`` (default 5; 0 turns the cache off): a user disabled,
deleted or demoted, or a token revoked, through another process stops working within that many seconds;
through this process, at once (see ``forget_user`` and the ORM hooks in :mod:`panel.auth`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

DEFAULT_CACHE_SECONDS = 5.0
TOUCH_EVERY = 60.0  # seconds between two writes of a personal access token's last_used_at
MAX_CACHED = 10_000  # entries per map before it is emptied


@dataclass
class AuthCache:
    """What the guard looked up, per process: users (id -> column values), personal access tokens
    (sha256 -> row values), and verified JWTs (token -> user id, expiry). Entries of users and tokens
    live ``ttl`` seconds; a verified JWT is only ever re-checked for expiry."""

    ttl: float
    clock: Callable[[], float] = time.monotonic
    users: dict[int, tuple[float, dict[str, Any]]] = field(default_factory=dict)
    tokens: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict)
    jwts: dict[str, tuple[int, float]] = field(default_factory=dict)
    touched: dict[str, float] = field(default_factory=dict)  # token sha256 -> when last_used_at was written

    def fresh(self, entry: tuple[float, dict[str, Any]] | None) -> dict[str, Any] | None:
        """The values of a cache entry that has not expired."""
        return entry[1] if entry is not None and entry[0] > self.clock() else None

    def keep(self, store: dict[Any, Any], key: Any, values: Any) -> None:
        """Remember ``values`` under ``key`` for ``ttl`` seconds (nothing when the cache is off)."""
        if self.ttl > 0:
            if len(store) >= MAX_CACHED:
                store.clear()
            store[key] = (self.clock() + self.ttl, values)

    def clear(self) -> None:
        """Forget every user and token (verified JWT signatures stay valid)."""
        self.users.clear()
        self.tokens.clear()


def cache_seconds_from_env() -> float:
    """``KOMETA_PANEL_AUTH_CACHE_SECONDS`` (default 5; 0 looks everything up on every request)."""
    raw = os.environ.get("KOMETA_PANEL_AUTH_CACHE_SECONDS") or str(DEFAULT_CACHE_SECONDS)
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(f"KOMETA_PANEL_AUTH_CACHE_SECONDS must be a number, got {raw!r}") from None
    if seconds < 0:
        raise ValueError(f"KOMETA_PANEL_AUTH_CACHE_SECONDS must not be negative, got {raw!r}")
    return seconds


def auth_cache(app: Flask | None = None) -> AuthCache:
    """The app's auth cache."""
    cache: AuthCache = (app or current_app).extensions["kometa_auth_cache"]
    return cache


def forget_user(user_id: int, app: Flask | None = None) -> None:
    """Drop what this process cached about a user and their tokens; call after changing or deleting one
    (edits through the ORM in this process already do it; other processes follow within the TTL)."""
    drop_user(auth_cache(app), user_id)


def drop_user(cache: AuthCache, user_id: int) -> None:
    """Forget ``user_id`` and every token of theirs in ``cache``."""
    cache.users.pop(user_id, None)
    for key, (_expires, values) in list(cache.tokens.items()):
        if values["user_id"] == user_id:
            cache.tokens.pop(key, None)
