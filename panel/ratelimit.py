"""Login rate limiting with lockout: after ``MAX_FAILURES`` failed logins for a username or from an IP
within ``LOCKOUT_SECONDS``, further attempts get 429 ``rate_limited`` with ``Retry-After``.

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
LOCKOUT_SECONDS = 15 * 60
PREFIX = "kometa-panel:login-failures:"


class LoginLimiter(Protocol):
    """Failure counters per key (``user:NAME`` or ``ip:ADDR``)."""

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it is not locked out."""

    def fail(self, key: str) -> None:
        """Count one failure for ``key``."""

    def reset(self, key: str) -> None:
        """Forget ``key``'s failures (after a successful login)."""


class MemoryLimiter:
    """In-process counters: ``key -> (failures, window end)``."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: int = LOCKOUT_SECONDS) -> None:
        self.max_failures, self.window = max_failures, window
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int:
        with self._lock:
            count, until = self._counts.get(key, (0, 0.0))
            left = until - time.monotonic()
            if left <= 0:
                self._counts.pop(key, None)
                return 0
            return max(1, int(left + 0.999)) if count >= self.max_failures else 0

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
    """Counters in Redis: ``INCR`` and an ``EXPIRE`` set with the first failure of a window."""

    def __init__(self, url: str, max_failures: int = MAX_FAILURES, window: int = LOCKOUT_SECONDS) -> None:
        self.max_failures, self.window = max_failures, window
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def retry_after(self, key: str) -> int:
        raw = self.client.get(PREFIX + key)
        if raw is None or int(raw) < self.max_failures:
            return 0
        ttl = int(self.client.ttl(PREFIX + key))
        return ttl if ttl > 0 else self.window

    def fail(self, key: str) -> None:
        if int(self.client.incr(PREFIX + key)) == 1:
            self.client.expire(PREFIX + key, self.window)

    def reset(self, key: str) -> None:
        self.client.delete(PREFIX + key)


def make_limiter(redis_url: str | None) -> LoginLimiter:
    """Redis counters when a Redis is configured, else in-process ones."""
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
