"""What the benchmarks share: a plexsim process on a free port, peak RSS, child processes, and the JSON
result file.

Files starting with `_` are helpers; `make bench` runs only the benchmarks themselves.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_plexsim(scale: int, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """Start `python -m plexsim serve --scale N` and return it with the seconds until it answered `/identity`."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "plexsim", "serve", "--port", str(port), "--scale", str(scale)]
    proc = subprocess.Popen(
        [*command, "--token", TOKEN], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}/identity"
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"plexsim exited early: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if requests.get(url, headers={"X-Plex-Token": TOKEN}, timeout=1).ok:
                return proc, time.perf_counter() - started
        except requests.ConnectionError:
            time.sleep(0.05)


def stop_plexsim(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), while it still runs."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def child_pids(pid: int) -> list[int]:
    """The direct children of a running process (e.g. a gunicorn master's workers)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return sorted(set(found))


def result_header(name: str, scale: int) -> dict[str, Any]:
    return {
        "benchmark": name,
        "scale": scale,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_result(result: dict[str, Any], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
