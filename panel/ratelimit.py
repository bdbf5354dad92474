"""Login rate limiting with lockout, per ``(username, address)`` pair and, far more loosely, per address.

After ``MAX_FAILURES`` failed logins for one username from one address within ``LOCKOUT_SECONDS`` that
pair is locked out; after ``MAX_ADDRESS_FAILURES`` failures from one address, whatever the names, the
whole address is. Locked-out attempts get 429 ``rate_limited`` with ``Retry-After``. So guessing one
password is slow, while nobody can lock everyone else out (behind a reverse proxy every client shares the
proxy's address) with a few wrong logins.

With ``KOMETA_PANEL_REDIS_URL`` set the counters are Redis keys (``INCR`` + ``EXPIRE``), shared by every
panel process. Without Redis they are kept in this process only: good for tests and a single-process
deployment, but each worker process of a multi-process server then counts on its own.

A configured Redis that is down or frozen makes every call raise :class:`RedisUnavailable` (503 with
``Retry-After``, naming Redis) after at most ``SOCKET_TIMEOUT`` seconds; for ``PAUSE_SECONDS`` after
that, calls of this process fail at once instead of waiting on Redis again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from panel.errors import ApiError

T = TypeVar("T")

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 50
LOCKOUT_SECONDS = 15 * 60
PREFIX = "kometa-panel:login-failures:"
MAX_KEY_NAME = 65  # characters of a username kept in a key: longer names cannot exist anyway
SOCKET_TIMEOUT = 0.25  # seconds to connect to Redis or get an answer (a local Redis takes under 1 ms)
PAUSE_SECONDS = 2  # after a failure, this process does not ask Redis again for this long


class RedisUnavailable(ApiError):
    """The limiter's Redis did not answer: 503 ``unavailable`` with ``Retry-After``, naming Redis."""

    def __init__(self, where: str, reason: str) -> None:
        message = (
            f"Redis at {where}, which counts failed sign-ins, is not answering ({reason}); "
            f"sign-in waits until it is back: try again in {PAUSE_SECONDS} s"
        )
        details = {"service": "redis", "retry_after": PAUSE_SECONDS}
        super().__init__(503, "unavailable", message, details)


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

    def __init__(self, url: str, window: int = LOCKOUT_SECONDS, prefix: str = PREFIX) -> None:
        self.window, self.prefix = window, prefix
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        kwargs = self.client.connection_pool.connection_kwargs
        self.where = f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"
        self._paused_until = 0.0

    def _call(self, work: Callable[[redis.Redis], T]) -> T:
        """``work(client)``, or :class:`RedisUnavailable` when Redis failed just now or fails now."""
        if time.monotonic() < self._paused_until:
            raise RedisUnavailable(self.where, "it failed less than a moment ago")
        try:
            return work(self.client)
        except redis.RedisError as exc:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            reason = "timed out" if isinstance(exc, redis.TimeoutError) else type(exc).__name__
            raise RedisUnavailable(self.where, reason) from exc

    def retry_after(self, key: str, limit: int = MAX_FAILURES) -> int:
        name = self.prefix + key

        def read(client: redis.Redis) -> tuple[object, object]:
            with client.pipeline(transaction=False) as pipe:  # one round trip
                pipe.get(name)
                pipe.ttl(name)
                count, ttl = pipe.execute()
            return count, ttl

        raw, ttl = self._call(read)
        if raw is None or int(raw) < limit:  # type: ignore[call-overload]
            return 0
        seconds = int(ttl)  # type: ignore[call-overload]
        return seconds if seconds > 0 else self.window

    def fail(self, key: str) -> None:
        def count(client: redis.Redis) -> None:
            with client.pipeline() as pipe:  # MULTI: a key never exists without its expiry
                pipe.set(self.prefix + key, 0, ex=self.window, nx=True)
                pipe.incr(self.prefix + key)
                pipe.execute()

        self._call(count)

    def reset(self, key: str) -> None:
        self._call(lambda client: client.delete(self.prefix + key))


def make_limiter(redis_url: str | None) -> LoginLimiter:
    """Redis counters when a Redis is configured, else in-process ones."""
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
