"""The throw-away redis-server helper really starts, serves, isolates and stops a server."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.ports import free_port, wait_for_port
from tests.support.redis_server import redis_ping, redis_server


def _command(port: int, *args: str) -> bytes:
    """Send one RESP command over a raw socket and return the raw reply."""
    payload = f"*{len(args)}\r\n".encode() + b"".join(f"${len(a.encode())}\r\n{a}\r\n".encode() for a in args)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload)
        return sock.recv(4096)


def _server_pid(port: int) -> int:
    reply = _command(port, "INFO", "server").decode()
    for line in reply.splitlines():
        if line.startswith("process_id:"):
            return int(line.split(":", 1)[1])
    raise AssertionError(f"no process_id in INFO reply: {reply!r}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie would still answer kill(0); the helper waits for its child, so there should be none.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


def test_redis_server_serves_on_its_own_port_and_stops_by_pid(tmp_path: Path) -> None:
    with redis_server(tmp_path) as url:
        parts = urlsplit(url)
        assert parts.scheme == "redis"
        assert parts.hostname == "127.0.0.1"
        assert parts.path == "/0"
        port = parts.port
        assert port is not None and port != 6379  # never the machine's shared Redis

        assert redis_ping("127.0.0.1", port)
        assert _command(port, "SET", "kp:key", "value") == b"+OK\r\n"
        assert _command(port, "GET", "kp:key") == b"$5\r\nvalue\r\n"
        pid = _server_pid(port)
        assert _pid_alive(pid)

    assert not _pid_alive(pid), "redis-server outlived the context manager"
    assert not redis_ping("127.0.0.1", port)
    # Persistence is off: the temp dir holds the log, never a dump or an append-only file.
    assert not (tmp_path / "redis" / "dump.rdb").exists()
    assert not (tmp_path / "redis" / "appendonlydir").exists()
    assert (tmp_path / "redis" / "redis.log").exists()


def test_redis_server_stops_when_the_body_raises(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), redis_server(tmp_path) as url:
        port = urlsplit(url).port
        assert port is not None
        pid = _server_pid(port)
        raise RuntimeError("boom")
    assert not _pid_alive(pid)


def test_redis_url_fixture_gives_a_private_empty_server(redis_url: str) -> None:
    port = urlsplit(redis_url).port
    assert port is not None
    assert _command(port, "DBSIZE") == b":0\r\n"


def test_wait_for_port_times_out_on_a_closed_port_and_returns_on_an_open_one() -> None:
    port = free_port()
    with pytest.raises(TimeoutError):
        wait_for_port("127.0.0.1", port, timeout=0.3)
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        wait_for_port("127.0.0.1", srv.getsockname()[1], timeout=5)


def test_redis_server_survives_a_taken_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the picked port is taken before redis binds it, the helper retries on another port."""
    import tests.support.redis_server as module

    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = iter([taken])
        monkeypatch.setattr(module, "free_port", lambda: next(ports, None) or free_port())
        with redis_server(tmp_path) as url:
            port = urlsplit(url).port
            assert port is not None and port != taken
            assert redis_ping("127.0.0.1", port)


def test_redis_server_binary_missing_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="make system-deps"), redis_server(tmp_path):
        pass  # pragma: no cover
