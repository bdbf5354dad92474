"""A private, throw-away `redis-server` for tests: free port, temp dir, nothing persisted, stopped by PID."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support.ports import free_port

HOST = "127.0.0.1"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
PORT_ATTEMPTS = 5


def redis_ping(host: str, port: int, timeout: float = 1.0) -> bool:
    """Send a RESP `PING` over a raw socket; True when the answer is `+PONG`."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            reply = sock.recv(64)
    except OSError:
        return False
    return reply.startswith(b"+PONG")


def _log_tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGCONT)  # a test may have left it frozen
    proc.terminate()  # SIGTERM to the redis-server PID itself (no shell in between)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def redis_server(tmp_path: Path) -> Iterator[str]:
    """Run the real `redis-server` binary on a free loopback port; yield `redis://127.0.0.1:PORT/0`."""
    with redis_process(tmp_path) as (url, _proc):
        yield url


@contextlib.contextmanager
def redis_process(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run the real `redis-server` binary on a free loopback port; yield its URL and process (a test may
    stop or freeze it by that PID).

    The server's working dir and log live under `tmp_path/redis`; persistence is off (`--save ''`,
    `--appendonly no`). The process is started directly (not through a shell), so its PID is the server's
    and stopping it cannot orphan it. If the port was taken between picking and binding, another port is tried.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server is not installed; run `make system-deps` (Debian package redis-server)"
        )
    workdir = tmp_path / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "redis.log"

    failures: list[str] = []
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        argv = [
            binary,
            "--port", str(port),
            "--bind", HOST,
            "--save", "",
            "--appendonly", "no",
            "--dir", str(workdir),
            "--logfile", str(log),
            "--daemonize", "no",
        ]  # fmt: skip
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while proc.poll() is None and not redis_ping(HOST, port):
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"redis-server on port {port} did not answer PING within {START_TIMEOUT}s:\n"
                        + _log_tail(log)
                    )
                time.sleep(0.02)
            if proc.poll() is not None:
                # Exited during start-up, most likely "Address already in use": try another port.
                stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                failures.append(f"port {port}: exit {proc.returncode}: {stderr.strip()}\n{_log_tail(log)}")
                continue
            yield f"redis://{HOST}:{port}/0", proc
            return
        finally:
            _stop(proc)
            if proc.stderr:
                proc.stderr.close()
    raise RuntimeError("redis-server failed to start:\n" + "\n".join(failures))
