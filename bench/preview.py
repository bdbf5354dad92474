"""Benchmark ``POST /api/collections/preview`` over HTTP on the demo library and on a 50,000-movie plexsim.

For each size: plexsim in its own process, the panel (werkzeug's threaded server, in this process) with
that plexsim as its Plex, and a signed-in client. Measured: the first preview (which lists the library),
then, with the listing cached, the first preview of a definition the listing answers (``year``), of one
that needs a Plex search (``genre``), of a smart filter and of a filter, and the same previews repeated
(their Plex searches kept with the listing); and the poster route.

Goals from the frontend issue: a preview < 300 ms on the demo library and < 2 s on 50,000 movies once
the listing is cached. Writes JSON; exits 0 only if every goal is met.

    python bench/preview.py [--output bench/results/preview.json] [--scale 50000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from _common import ROOT, TOKEN, free_port, result_header, start_plexsim, stop_plexsim, write_result

sys.path.insert(0, str(ROOT))
from panel import create_app
from panel.settings import Settings
from tests.support.panel_http import serve, signed_in

GOAL_DEMO_MS = 300
GOAL_LARGE_MS = 2000
CASES = {
    "year (listing answers)": {"yaml": "plex_search:\n  all:\n    year.gte: 2015\n"},
    "genre (Plex search)": {"yaml": "plex_search:\n  all:\n    genre: Action\n"},
    "smart_filter": {"yaml": "smart_filter:\n  all:\n    genre: Comedy\n  sort_by: year.desc\n"},
    "plex_all with filters": {"yaml": "plex_all: true\nfilters:\n  year.gte: 2000\n  genre: Drama\n"},
}


def timed(client: requests.Session, url: str, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    answer = client.post(f"{url}/api/collections/preview", json={"library": "Movies", **body}, timeout=600)
    elapsed = time.perf_counter() - started
    answer.raise_for_status()
    data: dict[str, Any] = answer.json()["data"]
    return elapsed, data


def measure(scale: int | None, repeat: int) -> dict[str, Any]:
    """Cold and warm previews against a plexsim of ``scale`` movies (None: the demo library)."""
    port = free_port()
    proc, _ = start_plexsim(scale or 320, port)
    plex_url = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(Settings(data_dir=Path(tmp) / "data", plex_url=plex_url, plex_token=TOKEN))
            with serve(app) as url:
                client = signed_in(app, url, "bench", "viewer")
                cold, cold_data = timed(client, url, CASES["year (listing answers)"])
                warm: dict[str, Any] = {}
                for name, body in CASES.items():
                    first, data = timed(client, url, body)  # listing cached; its Plex searches not yet
                    again = [timed(client, url, body)[0] for _ in range(repeat)]
                    warm[name] = {
                        "items": data["total"],
                        "first_ms": round(first * 1000, 1),
                        "repeated_median_ms": round(statistics.median(again) * 1000, 1),
                    }
                poster = cold_data["items"][0]["poster"]
                started = time.perf_counter()
                for _ in range(repeat):
                    client.get(f"{url}{poster}", timeout=60).raise_for_status()
                poster_ms = (time.perf_counter() - started) / repeat * 1000
    finally:
        stop_plexsim(proc)
    return {
        "movies": scale or 320,
        "cold_preview_ms": round(cold * 1000, 1),
        "warm": warm,
        "warm_worst_first_ms": max(case["first_ms"] for case in warm.values()),
        "poster_ms": round(poster_ms, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "preview.json")
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    demo = measure(None, args.repeat)
    large = measure(args.scale, args.repeat)
    goals = {
        f"demo warm preview < {GOAL_DEMO_MS} ms": demo["warm_worst_first_ms"] < GOAL_DEMO_MS,
        f"{args.scale} movies warm preview < {GOAL_LARGE_MS} ms": large["warm_worst_first_ms"]
        < GOAL_LARGE_MS,
    }
    result = {**result_header("preview", args.scale), "demo": demo, "large": large, "goals": goals}
    write_result(result, args.output)
    print(f"demo: {demo}\nlarge: {large}\ngoals: {goals}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
