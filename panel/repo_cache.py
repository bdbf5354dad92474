"""What makes config repository reads cheap: an LRU of immutable git data bounded by bytes, and reading a
branch's current commit straight from the ref files (never cached, so a new commit is seen at once).

Everything cached is keyed by a full commit sha (a file's content at a commit, a commit's tree listing,
a commit's metadata): git objects never change, so entries never go stale and need no invalidation.
The bound is ``KOMETA_PANEL_READ_CACHE_MB`` (default 64 MB per process; 0 turns the cache off).
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

DEFAULT_CACHE_MB = 64
ENTRY_OVERHEAD = 120  # rough bytes of bookkeeping per entry (key tuple, node, sizes)
FULL_SHA = re.compile(r"[0-9a-f]{40}")
MISSING = object()


def cache_bytes_from_env(environ: dict[str, str] | None = None) -> int:
    """The cache bound in bytes from ``KOMETA_PANEL_READ_CACHE_MB``; a clear error when it is not a number."""
    raw = (os.environ if environ is None else environ).get("KOMETA_PANEL_READ_CACHE_MB") or ""
    if not raw:
        return DEFAULT_CACHE_MB * 1024 * 1024
    try:
        megabytes = float(raw)
    except ValueError:
        raise ValueError(f"KOMETA_PANEL_READ_CACHE_MB must be a number of megabytes, got {raw!r}") from None
    if megabytes < 0:
        raise ValueError(f"KOMETA_PANEL_READ_CACHE_MB must not be negative, got {raw!r}")
    return int(megabytes * 1024 * 1024)


class ByteLRU:
    """A thread-safe least-recently-used map whose values' declared sizes never sum above ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> Any:
        """The value for ``key`` (now the most recently used), or ``MISSING``."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return MISSING
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep ``value``, evicting the least recently used entries to stay within the bound.

        A value larger than the whole bound is not kept.
        """
        size += ENTRY_OVERHEAD
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (value, size)
            self.size += size
            while self.size > self.max_bytes:
                _key, (_value, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self.size = 0


def read_ref(git_dir: Path, name: str, depth: int = 0) -> str | None:
    """The sha the ref ``name`` (e.g. ``refs/heads/main`` or ``HEAD``) points at, read from the loose ref
    file or ``packed-refs``; None when it is neither (the caller then asks git).

    git replaces a loose ref by renaming its lock file over it, so a read sees the old or the new sha.
    """
    if depth > 5:
        return None
    try:
        text = (git_dir / name).read_text(encoding="ascii").strip()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, UnicodeDecodeError):
        return _packed_ref(git_dir, name)
    if text.startswith("ref: "):
        return read_ref(git_dir, text[5:].strip(), depth + 1)
    return text if FULL_SHA.fullmatch(text) else None


def _packed_ref(git_dir: Path, name: str) -> str | None:
    try:
        lines = (git_dir / "packed-refs").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        sha, _, ref = line.partition(" ")
        if ref == name and FULL_SHA.fullmatch(sha):
            return sha
    return None
