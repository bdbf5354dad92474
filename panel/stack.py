"""``python -m panel.stack`` (``make run``): the whole demo stack on loopback, in the foreground.

Starts, in this order, and prints one line per service:

1. a private ``redis-server`` (``KOMETA_PANEL_REDIS_PORT``, default 6390 when free, else a free port) with
   persistence off and its files in ``DATA/redis``; skipped when ``KOMETA_PANEL_REDIS_URL`` is set;
2. ``plexsim`` with the demo library on ``PLEXSIM_PORT`` (default 32400), its token kept in
   ``DATA/plexsim-token`` and passed as ``--token-file`` (never on a command line, where ``ps`` shows it); skipped when ``KOMETA_PANEL_PLEX_URL`` names a real Plex;
3. on a panel with no user yet, the first admin, ``admin``, whose generated password is printed once;
4. the panel under gunicorn (``panel.wsgi:app`` with ``panel/gunicorn_conf.py``: gthread workers,
   keep-alive) on ``KOMETA_PANEL_PORT`` (default 5000), pointed at both; ``KOMETA_PANEL_WORKERS`` and
   ``KOMETA_PANEL_THREADS`` size it (default: one worker per core, at least 2, with 4 threads each).

Ctrl-C or SIGTERM stops everything in reverse order (exit 0); gunicorn's master stops its own workers.
When a service dies, the others are stopped and the exit status is 1. Every child is started directly (never through a shell) in its own session, so
its PID is the service's and a terminal's Ctrl-C reaches only this launcher, which stops them in order.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from panel.gunicorn_conf import worker_counts
from panel.settings import PROJECT_DIR

HOST = "127.0.0.1"
DEFAULT_PANEL_PORT = 5000
DEFAULT_PLEXSIM_PORT = 32400
DEFAULT_REDIS_PORT = 6390
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.2
TOKEN_FILE = "plexsim-token"
FIRST_ADMIN = "admin"


class StackError(Exception):
    """A service could not start, or died; the message names it."""


@dataclass
class Service:
    """A started child process and what to print about it."""

    name: str
    url: str
    proc: subprocess.Popen[bytes]
    note: str = ""

    def line(self) -> str:
        """The one line printed when the service is up."""
        note = f", {self.note}" if self.note else ""
        return f"{self.name + ':':9}{self.url}  (pid {self.proc.pid}{note})"


@dataclass
class Stack:
    """The services started so far, stopped in reverse order."""

    services: list[Service] = field(default_factory=list)

    def stop(self) -> None:
        """SIGTERM each service, newest first; SIGKILL what has not exited after ``STOP_TIMEOUT``."""
        for service in reversed(self.services):
            stop_process(service.proc)
        self.services.clear()

    def dead(self) -> Service | None:
        """The first service whose process has exited, if any."""
        return next((s for s in self.services if s.proc.poll() is not None), None)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Terminate ``proc`` by its PID and reap it."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT)


def port_free(port: int) -> bool:
    """True when ``HOST:port`` can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def any_free_port() -> int:
    """A port the kernel says is free on ``HOST``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def env_port(env: Mapping[str, str], name: str, default: int) -> int:
    """The port in ``env[name]`` (or ``default``); a clear error when it is not a port or is taken."""
    raw = env.get(name) or str(default)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise StackError(f"{name} must be a port number from 1 to 65535, got {raw!r}")
    port = int(raw)
    if not port_free(port):
        raise StackError(f"port {port} on {HOST} is in use; choose another with {name}=PORT")
    return port


def accepts(port: int) -> bool:
    """True when something accepts TCP connections on ``HOST:port``."""
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def redis_answers(port: int) -> bool:
    """True when a Redis on ``HOST:port`` answers ``PING`` with ``+PONG``."""
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def panel_answers(port: int) -> bool:
    """True when a panel worker answers ``GET /api/health`` (gunicorn accepts before its workers are up)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        conn.request("GET", "/api/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def wait_ready(service: Service, port: int, check: str = "tcp") -> None:
    """Block until the service answers on ``port``; StackError if it exits or takes too long."""
    probe = {"redis": redis_answers, "http": panel_answers}.get(check, accepts)
    deadline = time.monotonic() + START_TIMEOUT
    while not probe(port):
        if service.proc.poll() is not None:
            raise StackError(f"{service.name} exited with status {service.proc.returncode} while starting")
        if time.monotonic() >= deadline:
            raise StackError(f"{service.name} did not answer on {HOST}:{port} within {START_TIMEOUT:.0f}s")
        time.sleep(0.05)


def spawn(argv: list[str], env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``argv`` directly in its own session (so Ctrl-C in the terminal reaches only the launcher)."""
    return subprocess.Popen(
        argv, cwd=PROJECT_DIR, env=dict(env or os.environ), stdin=subprocess.DEVNULL, start_new_session=True
    )


def start_redis(stack: Stack, data_dir: Path, env: Mapping[str, str]) -> str:
    """A private redis-server on loopback, nothing persisted; returns its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise StackError(
            "redis-server is not installed; run `make system-deps` (Debian package redis-server)"
        )
    if env.get("KOMETA_PANEL_REDIS_PORT"):
        port = env_port(env, "KOMETA_PANEL_REDIS_PORT", DEFAULT_REDIS_PORT)
    else:
        port = DEFAULT_REDIS_PORT if port_free(DEFAULT_REDIS_PORT) else any_free_port()
    workdir = data_dir / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [
        binary,
        "--port", str(port),
        "--bind", HOST,
        "--save", "",
        "--appendonly", "no",
        "--dir", str(workdir),
        "--logfile", str(workdir / "redis.log"),
        "--daemonize", "no",
    ]  # fmt: skip
    url = f"redis://{HOST}:{port}/0"
    service = Service("redis", url, spawn(argv), f"log in {workdir / 'redis.log'}")
    stack.services.append(service)
    wait_ready(service, port, check="redis")
    print(service.line(), flush=True)
    return url


def demo_token(data_dir: Path) -> str:
    """The demo plexsim token from ``DATA/plexsim-token``, created (mode 0600) on first use."""
    path = data_dir / TOKEN_FILE
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip()
    token = secrets.token_urlsafe(24)
    path.touch(mode=0o600)
    path.write_text(token + "\n")
    return token


def start_plexsim(stack: Stack, data_dir: Path, env: Mapping[str, str]) -> tuple[str, str]:
    """plexsim with the demo library; returns its URL and token (the token is never printed)."""
    port = env_port(env, "PLEXSIM_PORT", DEFAULT_PLEXSIM_PORT)
    token = demo_token(data_dir)
    token_file = str(data_dir / TOKEN_FILE)  # by file: a token on the command line shows in `ps`
    argv = [
        sys.executable,
        "-m",
        "plexsim",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--token-file",
        token_file,
    ]
    url = f"http://{HOST}:{port}"
    note = f"demo library, token in {data_dir / TOKEN_FILE}"
    service = Service("plexsim", url, spawn(argv), note)
    stack.services.append(service)
    wait_ready(service, port)
    print(service.line(), flush=True)
    return url, token


def panel_command(port: int, host: str = HOST) -> list[str]:
    """The gunicorn command serving the panel on ``host:port`` (also used by ``bench/api.py``)."""
    config = "python:panel.gunicorn_conf"
    return [sys.executable, "-m", "gunicorn", "-c", config, "--bind", f"{host}:{port}", "panel.wsgi:app"]


def start_panel(stack: Stack, port: int, panel_env: Mapping[str, str]) -> None:
    """The panel under gunicorn, configured through ``KOMETA_PANEL_*`` variables."""
    try:
        workers, threads = worker_counts(panel_env)
    except ValueError as exc:
        raise StackError(str(exc)) from None
    note = f"gunicorn, {workers} workers x {threads} threads, API under /api"
    service = Service("panel", f"http://{HOST}:{port}", spawn(panel_command(port), panel_env), note)
    stack.services.append(service)
    wait_ready(service, port, check="http")
    print(service.line(), flush=True)


def create_first_admin(panel_env: Mapping[str, str]) -> None:
    """On a panel with no user yet, create ``admin`` with a generated password and print it (once)."""
    argv = [sys.executable, "-m", "flask", "--app", "panel", "create-admin", FIRST_ADMIN, "--first"]
    try:
        done = subprocess.run(
            argv,
            cwd=PROJECT_DIR,
            env=dict(panel_env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise StackError(f"creating the first admin took over {START_TIMEOUT:.0f}s") from None
    if done.returncode != 0:
        raise StackError(f"creating the first admin failed: {(done.stderr or done.stdout).strip()}")
    password = next(
        (line.split(": ", 1)[1] for line in done.stdout.splitlines() if line.startswith("password")), None
    )
    if password:
        print(f"{'admin:':9}created user {FIRST_ADMIN!r} with password {password}", flush=True)
        print(" " * 9 + "(shown this once; change it with POST /api/auth/password)", flush=True)


def start_all(stack: Stack, env: Mapping[str, str]) -> None:
    """Start Redis, plexsim (unless a Plex is configured) and the panel, each once the previous is up."""
    data_dir = Path(env.get("KOMETA_PANEL_DATA_DIR") or "data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    panel_port = env_port(env, "KOMETA_PANEL_PORT", DEFAULT_PANEL_PORT)
    try:
        worker_counts(env)  # a bad KOMETA_PANEL_WORKERS/THREADS fails before anything starts
    except ValueError as exc:
        raise StackError(str(exc)) from None
    panel_env = {**env, "KOMETA_PANEL_DATA_DIR": str(data_dir)}
    if env.get("KOMETA_PANEL_REDIS_URL"):
        print(f"{'redis:':9}{env['KOMETA_PANEL_REDIS_URL']}  (from KOMETA_PANEL_REDIS_URL)", flush=True)
    else:
        panel_env["KOMETA_PANEL_REDIS_URL"] = start_redis(stack, data_dir, env)
    if env.get("KOMETA_PANEL_PLEX_URL"):
        print(f"{'plex:':9}{env['KOMETA_PANEL_PLEX_URL']}  (from KOMETA_PANEL_PLEX_URL)", flush=True)
    else:
        url, token = start_plexsim(stack, data_dir, env)
        panel_env["KOMETA_PANEL_PLEX_URL"], panel_env["KOMETA_PANEL_PLEX_TOKEN"] = url, token
    create_first_admin(panel_env)
    start_panel(stack, panel_port, panel_env)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT and SIGTERM both stop the stack."""
    raise KeyboardInterrupt


def run(env: Mapping[str, str] | None = None) -> int:
    """Start the stack, wait for Ctrl-C/SIGTERM (0) or a dead service (1), and stop everything."""
    env = os.environ if env is None else env
    signal.signal(signal.SIGINT, _interrupt)  # also when started with SIGINT ignored (a shell's `&`)
    signal.signal(signal.SIGTERM, _interrupt)
    stack = Stack()
    try:
        start_all(stack, env)
        print("Ctrl-C stops everything.", flush=True)
        while (dead := stack.dead()) is None:
            time.sleep(POLL_INTERVAL)
        raise StackError(f"{dead.name} exited with status {dead.proc.returncode}")
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
        return 0
    except StackError as exc:
        print(f"panel.stack: {exc}; stopping the rest", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not orphan a child
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        print("panel.stack: everything stopped", flush=True)


def main() -> None:
    """Entry point of ``python -m panel.stack``."""
    sys.exit(run())


if __name__ == "__main__":
    main()
