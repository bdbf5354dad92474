"""Benchmark the panel's files/history API over HTTP on a config repository with a 10,000-commit history.

Builds the repository in a temporary data directory (the seed commit from ``config-repo/`` via
``ConfigRepo.create``, then the rest with one ``git fast-import``), starts the panel as a separate
process serving real HTTP (werkzeug, threaded), and measures as a client:

- commit latency: sequential ``PUT /api/files/collections/movies.yml`` edits, each on the previous sha;
- ``GET /api/history?limit=50``: the first page, and a page whose cursor is deep in the history;
- ``GET /api/files/config.yml``;
- 50 concurrent clients (threads, one session each) each reading a file 20 times.

Goals from the issue: commit median < 150 ms, history page < 50 ms, file read < 10 ms, p99 of file
reads with 50 concurrent clients < 100 ms. Writes JSON; exits 0 only if every goal is met.

    python bench/api.py [--output bench/results/api.json] [--commits 10000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
from _common import ROOT, free_port, peak_rss_mb, result_header, write_result

GOAL_COMMIT_MS = 150
GOAL_HISTORY_MS = 50
GOAL_READ_MS = 10
GOAL_CONCURRENT_P99_MS = 100
EDITED = "collections/movies.yml"
CYCLE = ("collections/movies.yml", "config.yml", "collections/tv.yml")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100), nearest-rank."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "median_ms": ms(statistics.median(values)),
        "p95_ms": ms(percentile(values, 95)),
        "p99_ms": ms(percentile(values, 99)),
        "max_ms": ms(max(values)),
    }


# ----------------------------------------------------------------------------- setup


def build_repo(data_dir: Path, commits: int) -> dict[str, Any]:
    """The config repository with ``commits`` commits on main: the seed, then the rest via fast-import."""
    sys.path.insert(0, str(ROOT))
    from panel.repo import ConfigRepo
    from panel.settings import Settings

    settings = Settings(data_dir=data_dir)
    began = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    repo = ConfigRepo.create(settings.repo_path, settings.seed_dir, settings.author)
    seed = repo.head()
    repo.close()
    contents = {path: (settings.seed_dir / path).read_bytes() for path in CYCLE}
    stamp = int(time.time()) - commits * 60
    chunks: list[bytes] = []
    for n in range(1, commits):
        path = CYCLE[n % len(CYCLE)]
        data = contents[path] + f"# bench revision {n}\n".encode()
        message = f"Bench edit {n} of {path}\n".encode()
        who = f"Bench <bench@localhost> {stamp + n * 60} +0000\n".encode()
        chunks += [b"commit refs/heads/main\n", b"author " + who, b"committer " + who]
        chunks.append(b"data %d\n%s" % (len(message), message))
        if n == 1:
            chunks.append(f"from {seed}\n".encode())
        chunks.append(f"M 100644 inline {path}\n".encode())
        chunks.append(b"data %d\n%s\n" % (len(data), data))
    stream = b"".join(chunks)
    subprocess.run(
        ["git", "--git-dir", str(settings.repo_path), "fast-import", "--quiet"], input=stream, check=True
    )
    count = int(_git(settings.repo_path, "rev-list", "--count", "refs/heads/main"))
    return {"commits": count, "setup_seconds": round(time.perf_counter() - began, 3)}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


# ----------------------------------------------------------------------------- server


def serve(data_dir: Path, port: int) -> None:
    """Run the panel on ``port`` (the child process): werkzeug's threaded server, no reloader, no logs."""
    import logging

    sys.path.insert(0, str(ROOT))
    from werkzeug.serving import make_server

    from panel import create_app
    from panel.settings import Settings

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    make_server("127.0.0.1", port, create_app(Settings(data_dir=data_dir)), threaded=True).serve_forever()


AUTH: dict[str, str] = {}


def sign_in_admin(data_dir: Path) -> None:
    """Create an admin in the panel's database and keep its access token for every request (the API
    answers 401 without one). The server process shares the data dir, hence the database and the key."""
    sys.path.insert(0, str(ROOT))
    from panel import create_app
    from panel.auth import create_user, issue_access_token
    from panel.db import get_session
    from panel.settings import Settings

    app = create_app(Settings(data_dir=data_dir))
    with app.app_context():
        session = get_session()
        user = create_user(session, "bench", "bench-password-1", "admin")
        session.commit()
        AUTH["Authorization"] = f"Bearer {issue_access_token(user)}"


def new_session() -> requests.Session:
    session = requests.Session()
    session.headers.update(AUTH)
    return session


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, __file__, "--serve", str(data_dir), "--port", str(port)]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"panel exited early: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if requests.get(f"{base}/api/health", timeout=1).ok:
                return proc, base
        except requests.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("panel did not answer within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ----------------------------------------------------------------------------- measurements


def timed(call: Any) -> tuple[float, requests.Response]:
    began = time.perf_counter()
    answer = call()
    elapsed = time.perf_counter() - began
    answer.raise_for_status()
    return elapsed, answer


def commit_latency(base: str, edits: int) -> dict[str, Any]:
    """Sequential edits of one collection file, each based on the sha the previous one answered."""
    session = new_session()
    url = f"{base}/api/files/{EDITED}"
    original = session.get(url, timeout=30).json()["data"]
    head = original["commit"]
    times = []
    for n in range(edits):
        body = {"content": original["content"] + f"# panel edit {n}\n", "base": head}
        elapsed, answer = timed(lambda b=body: session.put(url, json=b, timeout=30))
        data = answer.json()["data"]
        assert not data["unchanged"] and data["parents"] == [head], data
        head = data["sha"]
        times.append(elapsed)
    return summary(times)


def history_pages(base: str, repo: Path, runs: int) -> dict[str, Any]:
    session = new_session()
    url = f"{base}/api/history"
    first = [timed(lambda: session.get(url, params={"limit": 50}, timeout=30)) for _ in range(runs)]
    assert len(first[-1][1].json()["data"]["items"]) == 50
    shas = _git(repo, "rev-list", "--topo-order", "refs/heads/main").split()
    cursor = shas[int(len(shas) * 0.9)]
    params: dict[str, str | int] = {"limit": 50, "cursor": cursor}
    deep = [timed(lambda: session.get(url, params=params, timeout=30)) for _ in range(max(runs // 5, 5))]
    assert deep[-1][1].json()["data"]["items"][0]["sha"] == shas[int(len(shas) * 0.9) + 1]
    return {
        "first_page": summary([t for t, _ in first]),
        "deep_cursor": {"position": int(len(shas) * 0.9), **summary([t for t, _ in deep])},
    }


def file_reads(base: str, runs: int) -> dict[str, Any]:
    session = new_session()
    url = f"{base}/api/files/config.yml"
    return summary([timed(lambda: session.get(url, timeout=30))[0] for _ in range(runs)])


def concurrent_reads(base: str, clients: int, reads: int) -> dict[str, Any]:
    """``clients`` threads with their own sessions, started together, each reading ``reads`` times."""
    url = f"{base}/api/files/config.yml"
    barrier = threading.Barrier(clients + 1)
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        session = new_session()
        session.get(url, timeout=30)  # connect before the clock starts
        barrier.wait()
        mine = []
        for _ in range(reads):
            try:
                mine.append(timed(lambda: session.get(url, timeout=30))[0])
            except requests.RequestException as exc:
                errors.append(repr(exc))
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {
        "clients": clients,
        "reads_per_client": reads,
        "errors": len(errors),
        "wall_seconds": round(wall, 3),
        "throughput_rps": round(len(times) / wall, 1),
        **summary(times),
    }


def run(commits: int, edits: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kometa-bench-api-") as tmp:
        data_dir = Path(tmp) / "data"
        setup = build_repo(data_dir, commits)
        sign_in_admin(data_dir)
        repo = data_dir / "config.git"
        proc, base = start_server(data_dir)
        try:
            result: dict[str, Any] = {"setup": setup}
            result["file_read"] = file_reads(base, 200)
            result["history"] = history_pages(base, repo, 100)
            result["concurrent_reads"] = concurrent_reads(base, 50, 20)
            result["commit"] = commit_latency(base, edits)
            result["commits_after"] = int(_git(repo, "rev-list", "--count", "refs/heads/main"))
            result["server_peak_rss_mb"] = peak_rss_mb(proc.pid)
        finally:
            stop_server(proc)
    result["goals"] = {
        "commit_median_under_150ms": result["commit"]["median_ms"] < GOAL_COMMIT_MS,
        "history_page_under_50ms": result["history"]["first_page"]["median_ms"] < GOAL_HISTORY_MS,
        "file_read_under_10ms": result["file_read"]["median_ms"] < GOAL_READ_MS,
        "concurrent_p99_under_100ms": result["concurrent_reads"]["p99_ms"] < GOAL_CONCURRENT_P99_MS
        and result["concurrent_reads"]["errors"] == 0,
    }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commits", type=int, default=10_000, help="history length before the edits")
    parser.add_argument("--edits", type=int, default=200, help="sequential PUTs for the commit latency")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "api.json")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # internal: the server process
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.port)
        return 0
    result = {**result_header("api", args.commits), **run(args.commits, args.edits)}
    write_result(result, args.output)
    print(json.dumps(result, indent=2))
    return 0 if all(result["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
