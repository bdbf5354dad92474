"""The guard's per-process cache of what it looked up: users, personal access tokens and verified JWTs.

Entries live ``KOMETA_PANEL_AUTH_CACHE_SECONDS`` (default 5; 0 turns the cache off). A user or personal
access token changed through the panel in any process is felt by every process at once: after such a
commit the process writes a new random *epoch* into ``<data_dir>/auth-epoch``, and each process reads it
before it trusts its cache, emptying the cache when it changed (see the ORM hooks in :mod:`panel.auth`).
The lifetime still bounds changes made behind the panel's back (SQL by hand, another host).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app

DEFAULT_CACHE_SECONDS = 5.0
TOUCH_EVERY = 60.0  # seconds between two writes of a personal access token's last_used_at
MAX_CACHED = 10_000  # entries per map before it is emptied
Entry = tuple[float, str, dict[str, Any]]  # (expires on the cache's clock, epoch, values)


@dataclass
class AuthCache:
    """What the guard looked up, per process: users (uid -> column values), personal access tokens
    (sha256 -> row values), and verified JWTs (token -> uid, generation, expiry). Entries of users and
    tokens live ``ttl`` seconds, or until another process writes a new epoch; a verified JWT is only ever
    re-checked for expiry (and its user and generation looked up)."""

    ttl: float
    clock: Callable[[], float] = time.monotonic
    epoch_path: Path | None = None
    users: dict[str, Entry] = field(default_factory=dict)
    tokens: dict[str, Entry] = field(default_factory=dict)
    jwts: dict[str, tuple[str, int, float]] = field(default_factory=dict)
    touched: dict[str, float] = field(default_factory=dict)  # token sha256 -> when last_used_at was written
    epoch: str = ""

    def sync(self) -> str:
        """The current epoch, read before a request's lookups; the cache is emptied when it changed. An
        entry is kept with the epoch its request saw, so a lookup that raced a change is never trusted."""
        if self.epoch_path is None:
            return ""
        try:
            fd = os.open(self.epoch_path, os.O_RDONLY)  # raw: a third of read_text()'s cost
        except FileNotFoundError:
            epoch = ""
        else:
            try:
                epoch = os.read(fd, 64).decode("ascii", "replace")
            finally:
                os.close(fd)
        if epoch != self.epoch:
            self.epoch = epoch
            self.clear()
        return epoch

    def bump(self) -> None:
        """Tell every process to empty its cache: a new random epoch, replaced atomically."""
        if self.epoch_path is None:
            return
        fd, tmp = tempfile.mkstemp(prefix=".auth-epoch-", dir=self.epoch_path.parent)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(16))
            os.replace(tmp, self.epoch_path)
        except BaseException:
            os.unlink(tmp)
            raise

    def fresh(self, entry: Entry | None) -> dict[str, Any] | None:
        """The values of a cache entry that has not expired and was kept in the current epoch."""
        if entry is None or entry[0] <= self.clock() or entry[1] != self.epoch:
            return None
        return entry[2]

    def keep(self, store: dict[Any, Entry], key: Any, values: dict[str, Any], epoch: str) -> None:
        """Remember ``values``, looked up in ``epoch``, under ``key`` for ``ttl`` seconds (nothing when
        the cache is off)."""
        if self.ttl > 0:
            if len(store) >= MAX_CACHED:
                store.clear()
            store[key] = (self.clock() + self.ttl, epoch, values)

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
    for uid, (_expires, _epoch, values) in list(cache.users.items()):
        if values["id"] == user_id:
            cache.users.pop(uid, None)
    for key, (_expires, _epoch, values) in list(cache.tokens.items()):
        if values["user_id"] == user_id:
            cache.tokens.pop(key, None)
