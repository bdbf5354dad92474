"""Benchmark `kometa.py --validate`: config-repo plus every default, and a file of 1,000 collections.

Goals from the issue: config-repo plus all defaults < 1 s, 1,000 collection definitions < 2 s (the
median of 5 runs in one process, after a first run that compiles the schemas; that first run and a
whole `kometa.py --validate` process are reported too). Writes JSON; exits 0 only if both goals are met.

    python bench/validate.py [--output bench/results/validate.json] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modules.validate import validate_config  # noqa: E402

GOAL_CONFIG_REPO = 1.0
GOAL_THOUSAND = 2.0
SECRETS = {"plex_url": "http://127.0.0.1:32400", "plextoken": "bench"}


def defaults_config(folder: Path) -> Path:
    """A config.yml whose Movies and TV Shows libraries use every default file there is for them."""
    defaults = ROOT / "defaults"
    lines = ["libraries:"]
    for library, own in (("Movies", "movie"), ("TV Shows", "show")):
        names = sorted({p.stem for d in (defaults / own, defaults / "both") for p in d.glob("*.yml")})
        lines += [f"  {library}:", "    collection_files:", *(f"      - default: {n}" for n in names)]
    path = folder / "defaults.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def thousand_config(folder: Path, count: int = 1000) -> Path:
    """A config.yml with one collection file of `count` definitions: searches, filters, details, templates."""
    lines = [
        "templates:",
        "  Decade:",
        "    default: {minimum: 6}",
        "    plex_search:",
        "      all:",
        "        decade: <<decade>>",
        "        critic_rating.gte: <<minimum>>",
        "      sort_by: critic_rating.desc",
        "    sort_title: +5_<<collection_name>>",
        "collections:",
    ]
    genres = ["Action", "Drama", "Comedy", "Horror", "Thriller", "Family"]
    for i in range(count):
        lines.append(f"  Collection {i:04d}:")
        if i % 3 == 0:
            lines += ["    template: {name: Decade, decade: " + str(1950 + 10 * (i % 7)) + "}"]
        else:
            lines += [
                "    plex_search:",
                "      all:",
                f"        genre: [{genres[i % 6]}, {genres[(i + 1) % 6]}]",
                f"        year.gte: {1950 + i % 70}",
                "        any:",
                "          content_rating: [PG, PG-13]",
                f"          title.begins: {chr(65 + i % 26)}",
                "      sort_by: release.desc",
                "      limit: 25",
                "    filters:",
                f"      audience_rating.gte: {5 + i % 4}",
                "      duration.lt: 150",
            ]
        lines += [
            f"    summary: Generated collection number {i}.",
            "    collection_order: custom",
            "    collection_mode: hide_items",
            "    sync_mode: sync",
            "    label: [Bench, Generated]",
            "    visible_home: range(12/01-12/31)" if i % 10 == 0 else "    visible_library: true",
            "    schedule: weekly(sunday)" if i % 4 == 0 else "    minimum_items: 2",
        ]
    (folder / "thousand.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = folder / "thousand-config.yml"
    config.write_text(
        "libraries:\n  Movies:\n    collection_files:\n      - file: thousand.yml\n", encoding="utf-8"
    )
    return config


def timed(run: Callable[[], Any], runs: int) -> dict[str, Any]:
    """First (cold) run and the median of `runs` more, in seconds; the problems of the last run."""
    started = time.perf_counter()
    run()
    cold = time.perf_counter() - started
    times = []
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return {
        "cold_seconds": round(cold, 4),
        "median_seconds": round(statistics.median(times), 4),
        "result": result,
    }


def cli_seconds(config: Path) -> float:
    """Wall time of a whole `kometa.py --validate` process (interpreter start and imports included)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "kometa.py"), "--validate", "--config", str(config), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    return round(time.perf_counter() - started, 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "validate.json")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        repo_config, all_defaults = ROOT / "config-repo" / "config.yml", defaults_config(folder)
        thousand = thousand_config(folder)

        def config_repo_and_defaults() -> list[Any]:
            return validate_config(repo_config, SECRETS) + validate_config(all_defaults, SECRETS)

        repo = timed(config_repo_and_defaults, args.runs)
        big = timed(lambda: validate_config(thousand, SECRETS), args.runs)
        cli = {"config_repo_seconds": cli_seconds(repo_config), "thousand_seconds": cli_seconds(thousand)}
    results = {
        "benchmark": "validate",
        "machine": {"cpus": _cpus(), "python": platform.python_version(), "platform": platform.platform()},
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "runs": args.runs,
        "config_repo_plus_defaults": _entry(repo, GOAL_CONFIG_REPO),
        "thousand_collections": _entry(big, GOAL_THOUSAND),
        "cli_process_wall": cli,
        "c_yaml_parser": _c_parser(),
    }
    results["goals_met"] = all(
        results[k]["met"] for k in ("config_repo_plus_defaults", "thousand_collections")
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0 if results["goals_met"] else 1


def _entry(timing: dict[str, Any], goal: float) -> dict[str, Any]:
    problems = timing["result"]
    return {
        "cold_seconds": timing["cold_seconds"],
        "median_seconds": timing["median_seconds"],
        "goal_seconds": goal,
        "met": timing["median_seconds"] < goal,
        "problems": len(problems),
        "errors": sum(1 for p in problems if p.severity == "error"),
    }


def _cpus() -> int | None:
    import os

    return os.cpu_count()


def _c_parser() -> bool:
    try:
        from ruamel.yaml.cyaml import CParser  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
