"""Benchmark the engine at scale: 100 collections over plexsim's 50,000 movies, a first run and a no-op re-run.

Starts `python -m plexsim serve --scale N` as a separate process, writes a temporary config directory
(config.yml and one collection file), and runs `kometa.py --run --config ... --report ...` as a subprocess
twice: the first run builds every collection, the immediate re-run must find nothing to change. For each run
it records wall time, Plex reads and writes (plexsim's own counters, zeroed before the run, and the engine's
report), the engine's peak RSS (`wait4` rusage of that one child) and how the reads split into the paged
listing and everything else. Goals: the re-run writes nothing, reads at most the listing pages plus one request
per collection plus a constant the result spells out, and the first run stays under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import requests
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import (  # noqa: E402
    TOKEN,
    free_port,
    peak_rss_mb,
    result_header,
    start_plexsim,
    stop_plexsim,
    write_result,
)

from modules import plex as gateway  # noqa: E402  (the repository root must be on sys.path first)

TOTAL_COLLECTIONS = 100
SMART_FILTERS = 20
DYNAMIC_TYPES = ("genre", "decade")  # dynamic_collections types; each value Plex offers is one collection
ENGINE_TIMEOUT = 1800  # seconds before a hung engine run is killed
RSS_GOAL_MB = 500


# --------------------------------------------------------------------------- plexsim


def choices(base: str, kind: str) -> list[tuple[str, str]]:
    """(key, title) of a section-1 filter choice, e.g. every genre plexsim's dataset has."""
    answer = requests.get(
        f"{base}/library/sections/1/{kind}", params={"type": "1"}, headers={"X-Plex-Token": TOKEN}, timeout=60
    )
    answer.raise_for_status()
    return [(n.attrib["key"], n.attrib["title"]) for n in ET.fromstring(answer.content)]


def collection_sizes(base: str) -> dict[str, int]:
    """Each collection's childCount as Plex reports it (smart collections included)."""
    answer = requests.get(
        f"{base}/library/sections/1/collections", headers={"X-Plex-Token": TOKEN}, timeout=120
    )
    answer.raise_for_status()
    return {n.attrib["title"]: int(n.attrib.get("childCount", 0)) for n in ET.fromstring(answer.content)}


def stats(base: str, method: str = "GET") -> dict[str, Any]:
    answer = requests.request(method, f"{base}/__plexsim/stats", headers={"X-Plex-Token": TOKEN}, timeout=30)
    answer.raise_for_status()
    return answer.json() if method == "GET" else {}


# --------------------------------------------------------------------------- the collection file


def plex_searches(count: int, values: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """`count` varied plex_search collections: genre, years, decade, resolution, ratings, studio, label,
    country, any/all nesting, sort_by and limit."""
    genres, decades, studios = values["genre"], values["decade"], values["studio"]
    labels, countries, ratings = values["label"], values["country"], values["contentRating"]
    resolutions = values["resolution"]
    makers = [
        lambda i: (
            f"{genres[i % len(genres)]} {1950 + 7 * i % 70}-{1959 + 7 * i % 70}",
            {
                "all": {
                    "genre": genres[i % len(genres)],
                    "year.gte": 1950 + 7 * i % 70,
                    "year.lte": 1959 + 7 * i % 70,
                }
            },
        ),
        lambda i: (
            f"{decades[i % len(decades)]}s in {resolutions[i % len(resolutions)]}",
            {
                "all": {
                    "decade": int(decades[i % len(decades)]),
                    "resolution": resolutions[i % len(resolutions)],
                }
            },
        ),
        lambda i: (
            f"Rated {'/'.join(ratings[i % len(ratings) : i % len(ratings) + 2])} since {1970 + i % 40}",
            {
                "all": {
                    # either rating: a list directly under all: wants every value (Kometa)
                    "any": {"content_rating": ratings[i % len(ratings) : i % len(ratings) + 2]},
                    "year.gte": 1970 + i % 40,
                }
            },
        ),
        lambda i: (
            f"Best of {studios[i % len(studios)]}",
            {"all": {"studio": studios[i % len(studios)]}, "sort_by": "critic_rating.desc", "limit": 50},
        ),
        lambda i: (
            f"Audience Favourites: {genres[(i + 3) % len(genres)]}",
            {
                "all": {"genre": genres[(i + 3) % len(genres)], "audience_rating.gte": 8.0},
                "sort_by": "audience_rating.desc",
                "limit": 100,
            },
        ),
        lambda i: (
            f"Labelled {labels[i % len(labels)]} ({decades[i % len(decades)]}s)",
            {"all": {"label": labels[i % len(labels)], "decade": int(decades[i % len(decades)])}},
        ),
        lambda i: (
            f"{countries[i % len(countries)]}: {genres[i % len(genres)]} or {genres[(i + 5) % len(genres)]} in HD",
            {
                "all": {
                    "country": countries[i % len(countries)],
                    "any": {"genre": [genres[i % len(genres)], genres[(i + 5) % len(genres)]]},
                    "all": {"any": {"resolution": ["4k", "1080"]}},
                }
            },
        ),
        lambda i: (
            f"Critics' Picks {1980 + 4 * i % 44}",
            {
                "all": {"critic_rating.gte": 8.5, "year": 1980 + 4 * i % 44},
                "sort_by": "release.desc",
                "limit": 25,
            },
        ),
        lambda i: (
            f"Old {genres[(i + 7) % len(genres)]} or New {genres[(i + 1) % len(genres)]}",
            {
                "any": {
                    "all": [
                        {"genre": genres[(i + 7) % len(genres)], "year.lt": 1960},
                        {"genre": genres[(i + 1) % len(genres)], "year.gte": 2022},
                    ]
                }
            },
        ),
        lambda i: (
            f"{studios[(i + 11) % len(studios)]} Before {1990 + i % 20}",
            {"all": {"studio": studios[(i + 11) % len(studios)], "year.lt": 1990 + i % 20}},
        ),
    ]
    found: dict[str, dict[str, Any]] = {}
    index = 0
    while len(found) < count:
        title, search = makers[index % len(makers)](index // len(makers) * 3 + index)
        found.setdefault(f"Search {len(found) + 1:02d}: {title}", {"plex_search": search})
        index += 1
    return found


def smart_filters(count: int, values: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    genres, decades, studios = values["genre"], values["decade"], values["studio"]
    labels, resolutions = values["label"], values["resolution"]
    makers = [
        lambda i: (
            f"New {genres[i % len(genres)]}",
            {"all": {"genre": genres[i % len(genres)], "year.gte": 2015}, "sort_by": "release.desc"},
        ),
        lambda i: (
            f"Unwatched {decades[i % len(decades)]}s",
            {"all": {"decade": int(decades[i % len(decades)]), "unplayed": True}, "sort_by": "title.asc"},
        ),
        lambda i: (
            f"{studios[(i + 2) % len(studios)]} Top 30",
            {
                "all": {"studio": studios[(i + 2) % len(studios)]},
                "sort_by": "audience_rating.desc",
                "limit": 30,
            },
        ),
        lambda i: (
            f"{resolutions[i % len(resolutions)]} {labels[i % len(labels)]}",
            {"any": {"resolution": resolutions[i % len(resolutions)], "label": labels[i % len(labels)]}},
        ),
        lambda i: (
            f"Highly Rated {genres[(i + 4) % len(genres)]}",
            {"all": {"genre": genres[(i + 4) % len(genres)], "critic_rating.gte": 8}, "sort_by": "random"},
        ),
    ]
    found: dict[str, dict[str, Any]] = {}
    index = 0
    while len(found) < count:
        title, search = makers[index % len(makers)](index // len(makers) * 2 + index)
        found.setdefault(f"Smart {len(found) + 1:02d}: {title}", {"smart_filter": search})
        index += 1
    return found


def tag_kinds(collections: dict[str, dict[str, Any]]) -> set[str]:
    """Tag attributes the searches name, each costing the engine one filter-choice request (name -> id)."""
    id_kinds = {"genre", "country", "actor", "director", "writer", "producer", "label", "collection"}
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                name = str(key).split(".", 1)[0]
                if name in id_kinds:
                    found.add(name)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(collections)
    return found


def write_config(directory: Path, base: str, collections: dict[str, dict[str, Any]]) -> Path:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    config = {
        "plex": {"url": base, "token": TOKEN, "timeout": 120},
        "settings": {"sync_mode": "sync", "minimum_items": 1, "cache": False},
        "libraries": {"Movies": {"collection_files": [{"file": "collections.yml"}]}},
    }
    body = {
        "collections": collections,
        "dynamic_collections": {f"Dynamic {kind}": {"type": kind} for kind in DYNAMIC_TYPES},
    }
    with (directory / "collections.yml").open("w", encoding="utf-8") as handle:
        yaml.dump(body, handle)
    path = directory / "config.yml"
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(config, handle)
    return path


# --------------------------------------------------------------------------- engine runs


def engine_python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run_engine(base: str, config: Path, name: str, listing_pages: int) -> dict[str, Any]:
    """One `kometa.py --run` as a child process: wall time, peak RSS, plexsim counters and its report."""
    report_path = config.parent / f"report-{name}.json"
    log_path = config.parent / f"engine-{name}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOMETA_", "PMM_"))}
    stats(base, "DELETE")
    command = [engine_python(), str(ROOT / "kometa.py"), "--run", "--config", str(config)]
    with log_path.open("wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*command, "--report", str(report_path)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        watchdog = threading.Timer(ENGINE_TIMEOUT, proc.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, peak RSS included
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    counted = stats(base)
    if not report_path.exists():
        tail = log_path.read_text(errors="replace")[-4000:]
        raise SystemExit(f"engine run {name} wrote no report (exit {proc.returncode}):\n{tail}")
    report = json.loads(report_path.read_text())
    collections = [c for lib in report["libraries"] for c in lib["collections"]]
    reads = int(counted["reads"])
    return {
        "wall_seconds": round(wall, 3),
        "engine_seconds": report["seconds"],
        "exit_code": proc.returncode,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "plex_reads": reads,
        "plex_writes": int(counted["writes"]),
        "report_plex_reads": report["plex_reads"],
        "report_plex_writes": report["plex_writes"],
        "listing_pages": listing_pages,
        "other_reads": reads - listing_pages,
        "routes": dict(sorted(counted["routes"].items(), key=lambda kv: -kv[1])),
        "statuses": counted.get("statuses", {}),
        "summary": report["summary"],
        "errors": report["errors"] + [e for lib in report["libraries"] for e in lib["errors"]],
        "collection_errors": [e for c in collections for e in c["errors"]][:20],
        "_collections": collections,
    }


def run(scale: int) -> dict[str, Any]:
    port = free_port()
    server, startup = start_plexsim(scale, port)
    base = f"http://127.0.0.1:{port}"
    try:
        kinds = ("genre", "decade", "studio", "label", "country", "contentRating", "resolution")
        values = {
            kind: [key if kind == "decade" else title for key, title in choices(base, kind)] for kind in kinds
        }
        values["resolution"] = [key for key, _ in choices(base, "resolution")]
        dynamic_titles = {kind: [title for _, title in choices(base, kind)] for kind in DYNAMIC_TYPES}
        dynamic_counts = {f"dynamic {kind}": len(titles) for kind, titles in dynamic_titles.items()}
        dynamic_count = sum(dynamic_counts.values())
        search_count = TOTAL_COLLECTIONS - SMART_FILTERS - dynamic_count
        if search_count < 1:
            raise SystemExit(
                f"the dataset's {dynamic_count} dynamic collections leave no room for plex_search"
            )
        collections = {**plex_searches(search_count, values), **smart_filters(SMART_FILTERS, values)}
        with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
            config = write_config(Path(tmp), base, collections)
            listing_pages = math.ceil(scale / gateway.PAGE_SIZE)
            first = run_engine(base, config, "first", listing_pages)
            noop = run_engine(base, config, "noop", listing_pages)
        sizes = collection_sizes(base)  # after the measured runs: smart collections' sizes too
        server_rss = peak_rss_mb(server.pid)
    finally:
        stop_plexsim(server)

    kinds_used = sorted(tag_kinds(collections))
    constant = {
        "GET / (plexapi connects)": 1,
        "GET /library/sections": 1,
        "GET /library/sections/{id}/collections (one page)": 1,
        f"filter choices for dynamic_collections ({', '.join(DYNAMIC_TYPES)})": len(DYNAMIC_TYPES),
        f"filter choices for tag name -> id ({', '.join(kinds_used)})": len(kinds_used),
    }
    budget = listing_pages + TOTAL_COLLECTIONS + sum(constant.values())
    first_cols, noop_cols = first.pop("_collections"), noop.pop("_collections")
    noop_status = {c["name"]: c["status"] for c in noop_cols}
    kind_of = {name: str(next(iter(spec))) for name, spec in collections.items()}
    for kind, titles in dynamic_titles.items():
        kind_of.update((title, f"dynamic {kind}") for title in titles)
    listed = [
        {
            "name": c["name"],
            "kind": kind_of.get(c["name"], "dynamic"),
            "first_run": c["status"],
            "items_added": len(c["added"]),
            "plex_child_count": sizes.get(c["name"]),
            "noop_run": noop_status.get(c["name"]),
        }
        for c in first_cols
    ]
    return {
        "plexsim_startup_seconds": round(startup, 3),
        "plexsim_peak_rss_mb": server_rss,
        "collections_total": len(first_cols),
        "collections_by_kind": {"plex_search": search_count, "smart_filter": SMART_FILTERS, **dynamic_counts},
        "page_size": gateway.PAGE_SIZE,
        "first_run": first,
        "noop_run": noop,
        "noop_read_budget": {
            "listing_pages": listing_pages,
            "collections": TOTAL_COLLECTIONS,
            "constant": constant,
            "total": budget,
            "note": (
                f"each of the {search_count + dynamic_count} plex_search and dynamic collections may cost one "
                f"search request (none when the engine answers it from the listing); the {SMART_FILTERS} "
                "smart filters cost none"
            ),
        },
        "goals": {
            "noop_zero_writes": noop["plex_writes"] == 0 and noop["report_plex_writes"] == 0,
            "noop_reads_within_budget": noop["plex_reads"] <= budget,
            "first_run_peak_rss_under_500mb": first["peak_rss_mb"] < RSS_GOAL_MB,
            "hundred_collections_without_errors": len(first_cols) == TOTAL_COLLECTIONS
            and not first["errors"]
            and not first["collection_errors"]
            and not noop["errors"]
            and not noop["collection_errors"],
        },
        "collections": listed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "engine.json")
    args = parser.parse_args()
    result = {**result_header("engine", args.scale), **run(args.scale)}
    write_result(result, args.output)
    print(json.dumps({k: v for k, v in result.items() if k != "collections"}, indent=2))
    print(f"(every collection is listed in {args.output})")
    return 0 if all(result["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
