"""Loopback ports for servers that tests start themselves."""

from __future__ import annotations

import socket
import time


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago.

    The kernel picks the port; the socket is closed before returning, so another process could take it
    before the caller binds it. Code that starts a server on it should retry with a new port when the
    server cannot bind (see `redis_server`).
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(host: str, port: int, timeout: float = 10.0) -> None:
    """Block until a TCP connection to (host, port) succeeds; raise TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error: OSError | None = None
    while True:
        try:
            with socket.create_connection((host, port), timeout=min(1.0, timeout)):
                return
        except OSError as exc:
            last_error = exc
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"nothing accepted connections on {host}:{port} within {timeout}s: {last_error}"
            )
        time.sleep(0.05)
