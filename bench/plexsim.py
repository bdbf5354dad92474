"""Benchmark plexsim at scale: start-up, first page, a full paged listing, with raw HTTP and with plexapi.

Starts `python -m plexsim serve --scale N` as a separate process (as a user would), measures, stops it,
and writes JSON. Goals from the issue: start < 30 s, first page < 100 ms, full paged listing < 10 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import requests
from _common import (
    ROOT,
    TOKEN,
    free_port,
    peak_rss_mb,
    result_header,
    start_plexsim,
    stop_plexsim,
    write_result,
)


def timed_get(session: requests.Session, url: str, start: int, size: int) -> tuple[float, int, int]:
    headers = {"X-Plex-Container-Start": str(start), "X-Plex-Container-Size": str(size)}
    began = time.perf_counter()
    answer = session.get(url, headers=headers, timeout=60)
    elapsed = time.perf_counter() - began
    answer.raise_for_status()
    text = answer.text
    total = int(text.split('totalSize="', 1)[1].split('"', 1)[0])
    return elapsed, total, text.count("<Video ")


def paged_listing(base: str, page_size: int) -> dict[str, Any]:
    """Page through every movie as plexapi and Kometa do: same query, moving X-Plex-Container-Start."""
    session = requests.Session()
    session.headers["X-Plex-Token"] = TOKEN
    url = f"{base}/library/sections/1/all?includeGuids=1&type=1"
    began = time.perf_counter()
    start, seen, total, pages = 0, 0, None, []
    while total is None or start < total:
        elapsed, total, count = timed_get(session, url, start, page_size)
        pages.append(elapsed)
        seen += count
        start += page_size
    return {
        "page_size": page_size,
        "pages": len(pages),
        "items": seen,
        "total_seconds": round(time.perf_counter() - began, 3),
        "page_median_ms": round(statistics.median(pages) * 1000, 2),
        "page_max_ms": round(max(pages) * 1000, 2),
    }


def first_page(base: str) -> dict[str, Any]:
    session = requests.Session()
    session.headers["X-Plex-Token"] = TOKEN
    url = f"{base}/library/sections/1/all?includeGuids=1&type=1"
    cold, total, _ = timed_get(session, url, 0, 100)
    warm = [timed_get(session, url, 0, 100)[0] for _ in range(20)]
    filtered_url = f"{base}/library/sections/1/all?type=1&sort=year:desc&year%3E%3E=1990&resolution=4k"
    filtered = timed_get(session, filtered_url, 0, 100)[0]
    return {
        "total_size": total,
        "cold_ms": round(cold * 1000, 2),
        "warm_median_ms": round(statistics.median(warm) * 1000, 2),
        "filtered_sorted_cold_ms": round(filtered * 1000, 2),
    }


def plexapi_listing(base: str) -> dict[str, Any]:
    from plexapi.server import PlexServer

    began = time.perf_counter()
    movies = PlexServer(base, TOKEN).library.section("Movies")
    items = movies.all()
    return {"items": len(items), "total_seconds": round(time.perf_counter() - began, 3)}


def run(scale: int) -> dict[str, Any]:
    port = free_port()
    proc, startup = start_plexsim(scale, port)
    base = f"http://127.0.0.1:{port}"
    try:
        result: dict[str, Any] = {
            "startup_seconds": round(startup, 3),
            "first_page": first_page(base),
            "paged_listing_100": paged_listing(base, 100),
            "paged_listing_1000": paged_listing(base, 1000),
            "plexapi_all": plexapi_listing(base),
            "server_peak_rss_mb": peak_rss_mb(proc.pid),
        }
    finally:
        stop_plexsim(proc)
    listing = result["paged_listing_100"]
    result["goals"] = {
        "startup_under_30s": result["startup_seconds"] < 30,
        "first_page_under_100ms": result["first_page"]["cold_ms"] < 100,
        "full_paged_listing_under_10s": listing["total_seconds"] < 10,
        "every_item_listed": listing["items"] == scale,
    }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "plexsim.json")
    args = parser.parse_args()
    result = {**result_header("plexsim", args.scale), **run(args.scale)}
    write_result(result, args.output)
    print(json.dumps(result, indent=2))
    return 0 if all(result["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
