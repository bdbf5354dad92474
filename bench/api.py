"""Benchmark the panel's files/history API over HTTP on a config repository with a 10,000-commit history.

Builds the repository in a temporary data directory (the seed commit from ``config-repo/`` via
``ConfigRepo.create``, then the rest with one ``git fast-import``), starts the panel exactly as
``make run`` does (gunicorn with ``panel/gunicorn_conf.py``: gthread workers, keep-alive; sized by
``KOMETA_PANEL_WORKERS`` / ``KOMETA_PANEL_THREADS`` or their defaults), and measures as a client over
keep-alive connections, so the figures are the server's:

- commit latency: sequential ``PUT /api/files/collections/movies.yml`` edits, each on the previous sha;
- ``GET /api/history?limit=50``: the first page, and a page whose cursor is deep in the history;
- ``GET /api/files/config.yml``, one client;
- 50 concurrent clients, each on its own keep-alive connection, reading that file 20 times; the clients
  are asyncio connections spread over a few client processes, so the client side costs little CPU.

- large write: ``PUT`` of a new collection file just under the YAML size limit (1 MiB, about 5,000
  collections with a search, a summary and a sort title each), validated, secret-scanned and committed;
  then one byte over the limit, which must be refused up front with 413 naming the file.

Goals from the issue: commit median < 150 ms, history page < 50 ms, file read < 10 ms, p99 of file
reads with 50 concurrent clients < 100 ms, the large write < 2 s. Writes JSON; exits 0 only if every goal
is met. ``--only large_write`` measures just the large write on the seed repository and merges its figure
into the existing output file, keeping the other figures.

    python bench/api.py [--output bench/results/api.json] [--commits 10000] [--client-processes 2]
    python bench/api.py --only large_write
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, child_pids, free_port, peak_rss_mb, result_header, write_result

sys.path.insert(0, str(ROOT))
from panel.gunicorn_conf import worker_counts
from panel.stack import panel_command

GOAL_COMMIT_MS = 150
GOAL_HISTORY_MS = 50
GOAL_READ_MS = 10
GOAL_CONCURRENT_P99_MS = 100
GOAL_LARGE_WRITE_MS = 2000
HOST = "127.0.0.1"
EDITED = "collections/movies.yml"
READ = "/api/files/config.yml"
CYCLE = ("collections/movies.yml", "config.yml", "collections/tv.yml")
LARGE_RUNS = 5


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


def sign_in_admin(data_dir: Path) -> str:
    """Create an admin in the panel's database and return its ``Authorization`` header value (the API
    answers 401 without one). The server shares the data dir, hence the database and the signing key."""
    from panel import create_app
    from panel.auth import create_user, issue_access_token
    from panel.db import get_session
    from panel.settings import Settings

    app = create_app(Settings(data_dir=data_dir))
    with app.app_context():
        session = get_session()
        user = create_user(session, "bench", "bench-password-1", "admin")
        session.commit()
        return f"Bearer {issue_access_token(user)}"


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The panel under gunicorn as ``make run`` starts it, on a free port; returns it once it answers."""
    port = free_port()
    env = {**os.environ, "KOMETA_PANEL_DATA_DIR": str(data_dir)}
    env.pop("KOMETA_PANEL_REDIS_URL", None)
    proc = subprocess.Popen(
        panel_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"panel exited early: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=1)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
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


def server_rss_mb(pid: int) -> float | None:
    """Peak resident memory of the gunicorn master plus its workers."""
    sizes = [peak_rss_mb(p) for p in [pid, *child_pids(pid)]]
    return round(sum(size for size in sizes if size is not None), 1) or None


# ----------------------------------------------------------------------------- one client


class Client:
    """One keep-alive connection sending the admin's token with every request."""

    def __init__(self, port: int, auth: str) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.auth = auth

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[float, Any]:
        """Seconds until the whole answer arrived, and its ``data``; stops the benchmark on an error."""
        headers = {"Authorization": self.auth}
        payload = None
        if body is not None:
            payload, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        began = time.perf_counter()
        self.conn.request(method, path, body=payload, headers=headers)
        answer = self.conn.getresponse()
        raw = answer.read()
        elapsed = time.perf_counter() - began
        if answer.status != 200:
            raise SystemExit(f"{method} {path}: {answer.status} {raw[:400]!r}")
        return elapsed, json.loads(raw)["data"]

    def refused(self, method: str, path: str, body: dict[str, Any]) -> tuple[float, int, dict[str, Any]]:
        """Seconds, status and ``error`` of a request expected to fail."""
        headers = {"Authorization": self.auth, "Content-Type": "application/json"}
        began = time.perf_counter()
        self.conn.request(method, path, body=json.dumps(body).encode(), headers=headers)
        answer = self.conn.getresponse()
        raw = answer.read()
        return time.perf_counter() - began, answer.status, json.loads(raw)["error"] or {}


def commit_latency(client: Client, edits: int) -> dict[str, Any]:
    """Sequential edits of one collection file, each based on the sha the previous one answered."""
    url = f"/api/files/{EDITED}"
    original = client.call("GET", url)[1]
    head = original["commit"]
    times = []
    for n in range(edits):
        body = {"content": original["content"] + f"# panel edit {n}\n", "base": head}
        elapsed, data = client.call("PUT", url, body)
        assert not data["unchanged"] and data["parents"] == [head], data
        head = data["sha"]
        times.append(elapsed)
    return summary(times)


def history_pages(client: Client, repo: Path, runs: int) -> dict[str, Any]:
    first = [client.call("GET", "/api/history?limit=50") for _ in range(runs)]
    assert len(first[-1][1]["items"]) == 50
    shas = _git(repo, "rev-list", "--topo-order", "refs/heads/main").split()
    position = int(len(shas) * 0.9)
    url = f"/api/history?limit=50&cursor={shas[position]}"
    deep = [client.call("GET", url) for _ in range(max(runs // 5, 5))]
    assert deep[-1][1]["items"][0]["sha"] == shas[position + 1]
    return {
        "first_page": summary([t for t, _ in first]),
        "deep_cursor": {"position": position, **summary([t for t, _ in deep])},
    }


def large_collection_file(limit: int) -> str:
    """A collection file of ordinary definitions, as close to ``limit`` bytes as whole entries allow."""
    parts, size, number = ["collections:\n"], len("collections:\n"), 0
    while True:
        entry = (
            f"  Bench Collection {number:05d}:\n"
            "    plex_search:\n      all:\n        genre: Action\n"
            f"        year.gte: {1950 + number % 70}\n"
            f"    summary: Films picked for the benchmark, number {number}.\n"
            f"    sort_title: '!{number:05d}'\n    sync_mode: sync\n"
        )
        if size + len(entry) > limit - 64:
            return "".join(parts)
        parts.append(entry)
        size += len(entry)
        number += 1


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` and its children so far (the gunicorn master's workers)."""
    total = 0
    for each in [pid, *child_pids(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def large_write(client: Client, runs: int, server_pid: int) -> dict[str, Any]:
    """``runs`` writes of a new collection file just under the YAML size limit, each a new commit; then
    one over the limit, which must be a 413 naming the file before anything parses it. Besides the time
    each answer took, the server's CPU time per write, which other load on the machine does not inflate
    as much."""
    from panel.api.common import MAX_YAML_BYTES

    text = large_collection_file(MAX_YAML_BYTES)
    head = client.call("GET", "/api/files/config.yml")[1]["commit"]
    times, cpu = [], []
    for n in range(runs):
        body = {"content": text + f"# bench write {n}\n", "base": head}
        used = cpu_seconds(server_pid)
        elapsed, data = client.call("PUT", f"/api/files/collections/large-{n}.yml", body)
        cpu.append(cpu_seconds(server_pid) - used)
        assert not data["unchanged"], data
        head = data["sha"]
        times.append(elapsed)
    over = text + "#" * (MAX_YAML_BYTES + 1 - len(text.encode())) + "\n"
    seconds, status, error = client.refused(
        "PUT", "/api/files/collections/over.yml", {"content": over, "base": head}
    )
    assert status == 413 and "collections/over.yml" in error["message"], (status, error)
    return {
        "file_bytes": len(text.encode()),
        "collections": text.count("\n  Bench Collection "),
        "limit_bytes": MAX_YAML_BYTES,
        **summary(times),
        "server_cpu_median_ms": ms(statistics.median(cpu)),
        "over_limit_refused_ms": ms(seconds),
        "load_average": round(os.getloadavg()[0], 2),
    }


def file_reads(client: Client, runs: int) -> dict[str, Any]:
    return summary([client.call("GET", READ)[0] for _ in range(runs)])


# ----------------------------------------------------------------------------- many clients


async def _fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one request on a keep-alive connection and read the whole answer; its status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    await reader.readexactly(int(length[1]) if length else 0)
    return int(head.split(b" ", 2)[1])


async def _connection(
    port: int, request: bytes, reads: int, warm: asyncio.Barrier, start: asyncio.Event
) -> tuple[list[float], int]:
    """One client: connect, read once to warm up, wait for the start, then read ``reads`` times."""
    reader, writer = await asyncio.open_connection(HOST, port)
    await _fetch(reader, writer, request)
    await warm.wait()
    await start.wait()
    times, errors = [], 0
    for _ in range(reads):
        began = time.perf_counter()
        try:
            status = await _fetch(reader, writer, request)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            reader, writer = await asyncio.open_connection(HOST, port)
            continue
        times.append(time.perf_counter() - began)
        errors += status != 200
    writer.close()
    return times, errors


async def _clients(port: int, auth: str, count: int, reads: int, barrier: Any) -> dict[str, Any]:
    request = f"GET {READ} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: {auth}\r\n\r\n".encode()
    warm, start = asyncio.Barrier(count + 1), asyncio.Event()
    tasks = [asyncio.create_task(_connection(port, request, reads, warm, start)) for _ in range(count)]
    await warm.wait()
    await asyncio.get_running_loop().run_in_executor(None, barrier.wait)  # every client process is warm
    began = time.monotonic()
    start.set()
    done = await asyncio.gather(*tasks)
    return {
        "began": began,
        "ended": time.monotonic(),
        "times": [t for times, _ in done for t in times],
        "errors": sum(errors for _, errors in done),
    }


def _client_process(port: int, auth: str, count: int, reads: int, barrier: Any, results: Any) -> None:
    results.put(asyncio.run(_clients(port, auth, count, reads, barrier)))


def concurrent_reads(port: int, auth: str, clients: int, reads: int, processes: int) -> dict[str, Any]:
    """``clients`` keep-alive connections over ``processes`` client processes, started together, each
    reading ``reads`` times; latency is per request, throughput over the whole run."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(processes), context.Queue()
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    procs = [
        context.Process(target=_client_process, args=(port, auth, share, reads, barrier, results))
        for share in shares
    ]
    for proc in procs:
        proc.start()
    parts = [results.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join()
    times = [t for part in parts for t in part["times"]]
    wall = max(part["ended"] for part in parts) - min(part["began"] for part in parts)
    return {
        "clients": clients,
        "client_processes": processes,
        "reads_per_client": reads,
        "errors": sum(part["errors"] for part in parts),
        "wall_seconds": round(wall, 3),
        "throughput_rps": round(len(times) / wall, 1),
        **summary(times),
    }


def run(commits: int, edits: int, client_processes: int) -> dict[str, Any]:
    workers, threads = worker_counts()
    with tempfile.TemporaryDirectory(prefix="kometa-bench-api-") as tmp:
        data_dir = Path(tmp) / "data"
        setup = build_repo(data_dir, commits)
        auth = sign_in_admin(data_dir)
        repo = data_dir / "config.git"
        proc, port = start_server(data_dir)
        try:
            result: dict[str, Any] = {"server": {"gunicorn_workers": workers, "threads": threads}}
            result["setup"] = setup
            client = Client(port, auth)
            result["file_read"] = file_reads(client, 200)
            result["history"] = history_pages(client, repo, 100)
            result["concurrent_reads"] = concurrent_reads(port, auth, 50, 20, client_processes)
            result["commit"] = commit_latency(client, edits)
            result["large_write"] = large_write(client, LARGE_RUNS, proc.pid)
            result["commits_after"] = int(_git(repo, "rev-list", "--count", "refs/heads/main"))
            result["server_peak_rss_mb"] = server_rss_mb(proc.pid)
        finally:
            stop_server(proc)
    result["goals"] = {
        "commit_median_under_150ms": result["commit"]["median_ms"] < GOAL_COMMIT_MS,
        "history_page_under_50ms": result["history"]["first_page"]["median_ms"] < GOAL_HISTORY_MS,
        "file_read_under_10ms": result["file_read"]["median_ms"] < GOAL_READ_MS,
        "concurrent_p99_under_100ms": result["concurrent_reads"]["p99_ms"] < GOAL_CONCURRENT_P99_MS
        and result["concurrent_reads"]["errors"] == 0,
        **large_write_goal(result["large_write"]),
    }
    return result


def large_write_goal(figure: dict[str, Any]) -> dict[str, bool]:
    return {"large_write_under_2s": figure["median_ms"] < GOAL_LARGE_WRITE_MS}


def run_large_write_only(output: Path) -> dict[str, Any]:
    """Just the large write, on a new seed repository; merged into ``output`` (the other figures kept)."""
    with tempfile.TemporaryDirectory(prefix="kometa-bench-api-") as tmp:
        data_dir = Path(tmp) / "data"
        auth = sign_in_admin(data_dir)
        proc, port = start_server(data_dir)
        try:
            figure = large_write(Client(port, auth), LARGE_RUNS, proc.pid)
        finally:
            stop_server(proc)
    result: dict[str, Any] = json.loads(output.read_text()) if output.exists() else result_header("api", 0)
    result["large_write"] = {**figure, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    result["goals"] = {**result.get("goals", {}), **large_write_goal(figure)}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commits", type=int, default=10_000, help="history length before the edits")
    parser.add_argument("--edits", type=int, default=200, help="sequential PUTs for the commit latency")
    parser.add_argument("--client-processes", type=int, default=2, help="processes sharing the 50 clients")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "api.json")
    parser.add_argument(
        "--only", choices=["large_write"], help="measure only this part and merge it into --output"
    )
    args = parser.parse_args()
    if args.only == "large_write":
        result = run_large_write_only(args.output)
    else:
        result = {
            **result_header("api", args.commits),
            **run(args.commits, args.edits, args.client_processes),
        }
    write_result(result, args.output)
    print(json.dumps(result, indent=2))
    return 0 if all(result["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
