"""Request counters by method and route template, reads and writes apart, for tests and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter

READ_METHODS = frozenset({"GET", "HEAD"})


class RequestStats:
    """Thread-safe counts of Plex requests (never of `/__plexsim` control requests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: Counter[str] = Counter()
        self._statuses: Counter[int] = Counter()
        self._reads = 0
        self._writes = 0

    def record(self, method: str, template: str, status: int) -> None:
        with self._lock:
            self._routes[f"{method} {template}"] += 1
            self._statuses[status] += 1
            if method in READ_METHODS:
                self._reads += 1
            else:
                self._writes += 1

    def reset(self) -> None:
        with self._lock:
            self._routes.clear()
            self._statuses.clear()
            self._reads = self._writes = 0

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "total": self._reads + self._writes,
                "reads": self._reads,
                "writes": self._writes,
                "routes": dict(sorted(self._routes.items())),
                "statuses": {str(k): v for k, v in sorted(self._statuses.items())},
            }
