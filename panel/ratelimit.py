"""Login rate limiting with lockout, per ``(username, address)`` pair and, far more loosely, per address.

After ``MAX_FAILURES`` failed logins for one username from one address within ``LOCKOUT_SECONDS`` that
pair is locked out; after ``MAX_ADDRESS_FAILURES`` failures from one address, whatever the names, the
whole address is. Locked-out attempts get 429 ``rate_limited`` with ``Retry-After``. So guessing one
password is slow, while nobody can lock everyone else out (behind a reverse proxy every client shares the
proxy's address) with a few wrong logins.

With ``KOMETA_PANEL_REDIS_URL`` set the counters are Redis keys (``INCR`` + ``EXPIRE``), shared by every
panel process. Without Redis they are kept in this process only: good for tests and a single-process
deployment, but each worker process of a multi-process server then counts on its own.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 50
LOCKOUT_SECONDS = 15 * 60
PREFIX = "kometa-panel:login-failures:"
MAX_KEY_NAME = 65  # characters of a username kept in a key: longer names cannot exist anyway


def login_keys(username: str, address: str | None) -> dict[str, int]:
    """The counters a login attempt checks and feeds, each with its failure limit: the pair first."""
    addr = address or "-"
    return {
        f"user:{username.casefold()[:MAX_KEY_NAME]}@{addr}": MAX_FAILURES,
        f"ip:{addr}": MAX_ADDRESS_FAILURES,
    }


class LoginLimiter(Protocol):
    """Failure counters per key (see :func:`login_keys`), each locked once it reaches its limit."""

    def retry_after(self, key: str, limit: int = MAX_FAILURES) -> int:
        """Seconds until ``key`` may try again; 0 when it has fewer than ``limit`` failures."""

    def fail(self, key: str) -> None:
        """Count one failure for ``key``."""

    def reset(self, key: str) -> None:
        """Forget ``key``'s failures (after a successful login)."""


class MemoryLimiter:
    """In-process counters: ``key -> (failures, window end)``."""

    def __init__(self, window: int = LOCKOUT_SECONDS) -> None:
        self.window = window
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str, limit: int = MAX_FAILURES) -> int:
        with self._lock:
            count, until = self._counts.get(key, (0, 0.0))
            left = until - time.monotonic()
            if left <= 0:
                self._counts.pop(key, None)
                return 0
            return max(1, int(left + 0.999)) if count >= limit else 0

    def fail(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            count, until = self._counts.get(key, (0, 0.0))
            if until <= now:
                count, until = 0, now + self.window
            self._counts[key] = (count + 1, until)

    def reset(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class RedisLimiter:
    """Counters in Redis: the first failure of a window creates the key with its expiry, then ``INCR``."""

    def __init__(self, url: str, window: int = LOCKOUT_SECONDS) -> None:
        self.window = window
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def retry_after(self, key: str, limit: int = MAX_FAILURES) -> int:
        raw = self.client.get(PREFIX + key)
        if raw is None or int(raw) < limit:
            return 0
        ttl = int(self.client.ttl(PREFIX + key))
        return ttl if ttl > 0 else self.window

    def fail(self, key: str) -> None:
        with self.client.pipeline() as pipe:  # MULTI: a key never exists without its expiry
            pipe.set(PREFIX + key, 0, ex=self.window, nx=True)
            pipe.incr(PREFIX + key)
            pipe.execute()

    def reset(self, key: str) -> None:
        self.client.delete(PREFIX + key)


def make_limiter(redis_url: str | None) -> LoginLimiter:
    """Redis counters when a Redis is configured, else in-process ones."""
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
