"""Plex library listings kept for a short time, so collection previews feel live without re-listing.

One :class:`ListingCache` per process holds, per Plex server (URL and a digest of the token) and library
title, what the engine's :class:`modules.context.LibraryContext` reads at the start of a run: the section,
its items in Plex's order and its collections. Entries live ``KOMETA_PANEL_PREVIEW_TTL`` seconds (default
60; 0 keeps nothing), and listings of at most ``KOMETA_PANEL_PREVIEW_ITEMS`` items in all are kept
(default 60,000, least recently used dropped first; the one just read always stays): a listed item
costs about 3.5 KB, so a 50,000-movie library holds some 175 MB. Filling an entry is single-flight:
threads asking for the same library while it is listed wait for that one listing.

Connections (:class:`modules.plex.PlexGateway`) are pooled per server: a preview borrows one for its
searches and gives it back, so no two threads share a requests session and a warm preview opens nothing.
Each gunicorn process has its own cache; nothing here is shared across processes or needs to be, since an
entry is only a copy of what Plex says, at most ``ttl`` seconds old.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from modules.errors import PlexError
from modules.plex import PlexCollection, PlexGateway, PlexItem, Section
from panel.env import whole_number

DEFAULT_TTL = 60
DEFAULT_ITEMS = 60_000
MAX_IDLE_GATEWAYS = 4
PLEX_TIMEOUT = 30
MAX_SEARCH_KEYS = 1_000_000
"""Rating keys of search answers one listing keeps (8 bytes each)."""

ServerKey = tuple[str, str]


@dataclass
class Listing:
    """One library as a run sees it at its start; shared read-only between previews."""

    section: Section
    items: dict[int, PlexItem]
    order: list[int]
    collections: dict[str, PlexCollection]
    listed_at: str = ""
    """When Plex was asked (UTC, ISO-8601)."""
    tag_ids: dict[str, dict[str, str]] = field(default_factory=dict)
    """Filter choices looked up by previews (tag kind -> lower-cased title -> id), filled on demand."""
    _searches: OrderedDict[tuple[tuple[str, str], ...], array[int]] = field(default_factory=OrderedDict)
    _searched_keys: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def search(self, params: list[tuple[str, str]], read: Callable[[], list[int]]) -> list[int]:
        """The rating keys of a Plex search, asked once per listing: the answer lives as long as the
        listing, and at most MAX_SEARCH_KEYS keys of answers are kept (least recently used dropped)."""
        key = tuple(params)
        with self._lock:
            hit = self._searches.get(key)
            if hit is not None:
                self._searches.move_to_end(key)
                return hit.tolist()
        found = read()
        with self._lock:
            if key not in self._searches and len(found) <= MAX_SEARCH_KEYS:
                self._searches[key] = array("q", found)
                self._searched_keys += len(found)
                while self._searched_keys > MAX_SEARCH_KEYS:
                    _, dropped = self._searches.popitem(last=False)
                    self._searched_keys -= len(dropped)
        return found


@dataclass
class _Entry:
    expires: float
    value: Listing | list[Section] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def server_key(url: str, token: str | None) -> ServerKey:
    """The cache's name for a server: its URL and a digest of the token (the token itself is not kept)."""
    return url.rstrip("/"), hashlib.sha256((token or "").encode()).hexdigest()


class ListingCache:
    """Sections and library listings per Plex server, each kept ``ttl`` seconds; thread-safe and bounded."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL,
        max_items: int = DEFAULT_ITEMS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl, self.max_items, self.clock = ttl, max_items, clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[ServerKey, str], _Entry] = OrderedDict()
        self._idle: dict[ServerKey, list[PlexGateway]] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ListingCache:
        """A cache sized by ``KOMETA_PANEL_PREVIEW_TTL`` and ``KOMETA_PANEL_PREVIEW_ITEMS``."""
        env = os.environ if env is None else env
        ttl = whole_number(env, "KOMETA_PANEL_PREVIEW_TTL", DEFAULT_TTL, 0, 86_400)
        size = whole_number(env, "KOMETA_PANEL_PREVIEW_ITEMS", DEFAULT_ITEMS, 0, 10_000_000)
        return cls(ttl, size)

    # ---- connections

    @contextmanager
    def gateway(self, url: str, token: str | None) -> Iterator[PlexGateway]:
        """A connection to the server for this thread alone, returned to the pool afterwards."""
        key = server_key(url, token)
        with self._lock:
            idle = self._idle.get(key) or []
            gateway = idle.pop() if idle else None
        if gateway is None:
            gateway = PlexGateway(url, token, timeout=PLEX_TIMEOUT)
        broken = False
        try:
            yield gateway
        except PlexError:
            broken = True  # a connection that failed mid-request is not reused
            raise
        finally:
            self._give_back(key, gateway, broken)

    def _give_back(self, key: ServerKey, gateway: PlexGateway, broken: bool) -> None:
        if broken:
            gateway.session.close()
            return
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < MAX_IDLE_GATEWAYS:
                idle.append(gateway)
                return
        gateway.session.close()

    # ---- cached reads

    def sections(self, gateway: PlexGateway, server: ServerKey, refresh: bool = False) -> list[Section]:
        """The server's sections, cached like a listing."""
        sections = self._cached((server, ""), gateway.sections, refresh)
        assert isinstance(sections, list)
        return sections

    def section(self, gateway: PlexGateway, server: ServerKey, title: str, refresh: bool = False) -> Section:
        """The section named ``title`` on ``server``."""
        sections = self.sections(gateway, server, refresh)
        for section in sections:
            if section.title == title:
                return section
        known = ", ".join(s.title for s in sections)
        raise PlexError(f"Plex has no library named {title!r} (it has: {known})")

    def listing(
        self, gateway: PlexGateway, server: ServerKey, section: Section, refresh: bool = False
    ) -> Listing:
        """The section's items and collections, listed once per ``ttl`` seconds."""

        def read() -> Listing:
            items = gateway.list_items(section, section.type)
            return Listing(
                section,
                {item.rating_key: item for item in items},
                [item.rating_key for item in items],
                gateway.collections(section),
                datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            )

        key = (server, f"{section.key}:{section.title}")
        listing = self._cached(key, read, refresh)
        assert isinstance(listing, Listing)
        return listing

    def clear(self) -> None:
        """Forget every listing (connections stay pooled)."""
        with self._lock:
            self._entries.clear()

    def _cached(
        self, key: tuple[ServerKey, str], read: Callable[[], Listing | list[Section]], refresh: bool
    ) -> Listing | list[Section]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:  # an entry being filled (no value yet) is waited for, not replaced
                entry = _Entry(expires=0.0)
                self._entries[key] = entry
            self._entries.move_to_end(key)
        with entry.lock:  # one reader per key; the others wait and take its answer
            if entry.value is None or refresh or entry.expires <= self.clock():
                entry.value = read()
                entry.expires = self.clock() + self.ttl
            value = entry.value
        with self._lock:
            self._evict(key)
        return value

    def _evict(self, keep: tuple[ServerKey, str]) -> None:
        """Drop least recently used listings until the rest hold at most ``max_items`` (under the lock)."""
        if self.ttl <= 0:
            self._entries.pop(keep, None)
            return
        sizes = {k: len(e.value.order) for k, e in self._entries.items() if isinstance(e.value, Listing)}
        total = sum(sizes.values())
        for old, size in sizes.items():
            if total <= self.max_items:
                return
            if old != keep:
                del self._entries[old]
                total -= size
