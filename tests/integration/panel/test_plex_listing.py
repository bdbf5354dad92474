"""The preview's listing cache against plexsim: one listing per library per ``ttl`` however many threads
ask at once, bounded in libraries, pooled connections; counted with plexsim's request counters."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from panel import plex_listing
from panel.plex_listing import ListingCache, server_key
from plexsim.server import PlexSimServer
from tests.support.engine_run import TOKEN, plex_stats, plexsim_server, reset_stats

LISTING = "GET /library/sections/{section}/all"
SECTIONS = "GET /library/sections"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def plex() -> Iterator[PlexSimServer]:
    with plexsim_server() as server:
        yield server


def listings(url: str) -> int:
    return int(plex_stats(url)["routes"].get(LISTING, 0))


def test_concurrent_cold_reads_list_the_library_once(plex: PlexSimServer) -> None:
    cache = ListingCache(ttl=60)
    server = server_key(plex.url, TOKEN)
    reset_stats(plex.url)
    found: list[int] = []
    start = threading.Barrier(8)

    def read() -> None:
        start.wait()
        with cache.gateway(plex.url, TOKEN) as gateway:
            section = cache.section(gateway, server, "Movies")
            found.append(len(cache.listing(gateway, server, section).order))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(found) == 8 and len(set(found)) == 1 and found[0] > 0
    stats = plex_stats(plex.url)
    assert stats["routes"][LISTING] == 1 and stats["routes"][SECTIONS] == 1 and stats["writes"] == 0


def test_entries_expire_after_ttl_and_refresh_reads_again(plex: PlexSimServer) -> None:
    clock = Clock()
    cache = ListingCache(ttl=60, clock=clock)
    server = server_key(plex.url, TOKEN)
    with cache.gateway(plex.url, TOKEN) as gateway:
        section = cache.section(gateway, server, "Movies")
        first = cache.listing(gateway, server, section)
        reset_stats(plex.url)
        clock.now += 59
        assert cache.listing(gateway, server, section) is first
        assert plex_stats(plex.url)["total"] == 0
        clock.now += 2
        assert cache.listing(gateway, server, section) is not first
        assert listings(plex.url) == 1
        cache.listing(gateway, server, section, refresh=True)
        assert listings(plex.url) == 2


def test_listings_past_max_items_are_dropped_least_recent_first(plex: PlexSimServer) -> None:
    """The demo has 320 movies and 32 shows: a bound of 340 items holds one library, not both."""
    cache = ListingCache(ttl=60, max_items=340)
    server = server_key(plex.url, TOKEN)
    with cache.gateway(plex.url, TOKEN) as gateway:
        movies = cache.section(gateway, server, "Movies")
        shows = cache.section(gateway, server, "TV Shows")
        cache.listing(gateway, server, movies)
        cache.listing(gateway, server, shows)  # evicts Movies
        reset_stats(plex.url)
        cache.listing(gateway, server, shows)
        assert listings(plex.url) == 0
        cache.listing(gateway, server, movies)
        assert listings(plex.url) == 1


def test_a_zero_ttl_keeps_nothing(plex: PlexSimServer) -> None:
    cache = ListingCache(ttl=0)
    server = server_key(plex.url, TOKEN)
    with cache.gateway(plex.url, TOKEN) as gateway:
        section = cache.section(gateway, server, "Movies")
        reset_stats(plex.url)
        cache.listing(gateway, server, section)
        cache.listing(gateway, server, section)
        assert listings(plex.url) == 2


def test_connections_are_pooled_not_shared(plex: PlexSimServer) -> None:
    cache = ListingCache()
    with cache.gateway(plex.url, TOKEN) as first, cache.gateway(plex.url, TOKEN) as second:
        assert first is not second  # two threads at once never share a session
    with cache.gateway(plex.url, TOKEN) as again:
        assert again in (first, second)


def test_sizes_come_from_the_environment() -> None:
    cache = ListingCache.from_env({"KOMETA_PANEL_PREVIEW_TTL": "5", "KOMETA_PANEL_PREVIEW_ITEMS": "2000"})
    assert (cache.ttl, cache.max_items) == (5, 2000)
    with pytest.raises(ValueError, match="KOMETA_PANEL_PREVIEW_TTL"):
        ListingCache.from_env({"KOMETA_PANEL_PREVIEW_TTL": "soon"})


def test_search_answers_are_kept_per_listing_and_bounded(
    plex: PlexSimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plex_listing, "MAX_SEARCH_KEYS", 200)
    cache = ListingCache()
    server = server_key(plex.url, TOKEN)
    with cache.gateway(plex.url, TOKEN) as gateway:
        listing = cache.listing(gateway, server, cache.section(gateway, server, "Movies"))
        section = listing.section

        def search(year: int) -> list[int]:
            params = [("type", "1"), ("year>>", str(year))]
            return listing.search(params, lambda: gateway.search_keys(section, params))

        reset_stats(plex.url)
        recent = search(2020)  # under the bound: kept
        assert search(2020) == recent and listings(plex.url) == 1
        wider = search(2015)  # kept too, and together past the bound: the least recent answer goes
        assert len(recent) + len(wider) > 200 >= len(wider)
        search(2015)
        assert listings(plex.url) == 2
        search(2020)
        assert listings(plex.url) == 3
        search(1990)  # larger than the bound by itself: never kept
        search(1990)
        assert listings(plex.url) == 5
