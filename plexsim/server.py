"""The threaded keep-alive HTTP server: decoding, auth, dispatch under the library lock, stats, state saving."""

from __future__ import annotations

import gc
import json
import logging
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from plexsim.http import (
    XML_TYPE,
    BadRequest,
    HTTPError,
    MethodNotAllowed,
    PayloadTooLarge,
    Request,
    Response,
    Router,
    Unauthorized,
    as_response,
    error_response,
)
from plexsim.model import Library
from plexsim.query import QueryError, warm
from plexsim.render import container as empty_container
from plexsim.stats import READ_METHODS, RequestStats

log = logging.getLogger("plexsim")
MAX_BODY = 64 * 1024 * 1024
CONTROL_PREFIX = "/__plexsim/"
SMALL_BODY = 1 << 20  # bodies up to this size are sent in one write together with the headers


@dataclass
class SimulatorConfig:
    token: str | None = None
    state_file: Path | None = None
    save_delay: float = 0.5


class StateSaver(threading.Thread):
    """Writes the library to the state file shortly after writes stop (and at shutdown), atomically."""

    def __init__(self, server: PlexSimServer, path: Path, delay: float) -> None:
        super().__init__(name="plexsim-state", daemon=True)
        self.server = server
        self.path = path
        self.delay = delay
        self.dirty = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            if self.dirty.wait(0.2) and not self.stopping.wait(self.delay):
                self.try_flush()

    def flush(self) -> None:
        """Save now (raises OSError when the file cannot be written; the changes stay pending)."""
        from plexsim import persist

        self.dirty.clear()
        library = self.server.library
        try:
            with library.lock:
                persist.save(library, self.path)
        except BaseException:
            self.dirty.set()
            raise

    def try_flush(self) -> None:
        try:
            self.flush()
        except Exception as exc:  # keep serving; the next change (or shutdown) tries again
            log.error("plexsim: could not save state to %s: %s", self.path, exc)

    def stop(self) -> None:
        """Stop the thread (letting a save in progress finish), then save once more if anything changed."""
        self.stopping.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout=60)
        if self.dirty.is_set():
            self.try_flush()


class PlexSimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        library: Library,
        router: Router,
        config: SimulatorConfig,
        reset: Callable[[], Library] | None = None,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6  # e.g. --host ::1
        super().__init__(address, PlexRequestHandler)
        self.library = library
        self.router = router
        self.config = config
        self.reset_library = reset
        self.stats = RequestStats()
        self.saver = StateSaver(self, config.state_file, config.save_delay) if config.state_file else None
        if self.saver:
            self.saver.start()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        """A client that hangs up mid-answer is routine, not worth a traceback; anything else is."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def shutdown(self) -> None:
        super().shutdown()
        if self.saver:
            self.saver.stop()


class PlexRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PlexSimServer
    server_version = "PlexMediaServer/plexsim"
    # Headers and body leave in one write, with Nagle off: otherwise every keep-alive request waits ~40 ms
    # for the client's delayed ACK between the two segments.
    disable_nagle_algorithm = True
    _headers_buffer: list[bytes]  # BaseHTTPRequestHandler's pending header lines

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self.dispatch()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def read_body(self) -> bytes:
        """The request body, from Content-Length or chunked transfer coding; at most MAX_BODY bytes."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                line = self.rfile.readline(1024)
                if not line.endswith(b"\n"):
                    raise BadRequest("malformed chunked body: truncated chunk size line")
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size < 0:
                    raise BadRequest("malformed chunked body: negative chunk size")
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise PayloadTooLarge(f"body is larger than {MAX_BODY} bytes")
                chunk = self.rfile.read(size)
                if len(chunk) < size:
                    raise BadRequest("malformed chunked body: connection closed inside a chunk")
                chunks.append(chunk)
                self.rfile.readline(1024)
        raw_length = self.headers.get("Content-Length") or "0"
        if not raw_length.strip().isdigit():
            raise BadRequest(f"Content-Length must be a non-negative integer, got {raw_length!r}")
        length = int(raw_length)
        if length > MAX_BODY:
            raise PayloadTooLarge(f"body of {length} bytes is larger than {MAX_BODY}")
        return self.rfile.read(length) if length else b""

    def dispatch(self) -> None:
        method = self.command
        split = urlsplit(self.path)
        path = unquote(split.path).rstrip("/") or "/"
        try:
            body = self.read_body()
            pairs = parse_qsl(split.query, keep_blank_values=True)
        except (ValueError, HTTPError) as exc:
            # The rest of the body is still on the socket: answer, then drop the connection.
            self.close_connection = True
            error = exc if isinstance(exc, HTTPError) else BadRequest(str(exc))
            self.send(error_response(error), head=method == "HEAD")
            return
        if path.startswith(CONTROL_PREFIX):
            self.send(self.control(method, path, dict(pairs)), head=method == "HEAD")
            return
        plex_params = {k: v for k, v in pairs if k.startswith("X-Plex-")}
        params = [(k, v) for k, v in pairs if not k.startswith("X-Plex-")]
        route, args, route_error = self.server.router.resolve(method, path)
        template = route.template if route is not None else "<unmatched>"
        if method == "OPTIONS" and route is not None:
            self.send(self.preflight(route_error), head=True)
            return
        try:
            self.authorize(plex_params)
            if route_error is not None:
                raise route_error
            assert route is not None
            library = self.server.library
            request = Request(method, path, params, plex_params, self.headers, body, library, args)
            with library.lock:
                response = as_response(route.handler(request))
            if (
                method in READ_METHODS
                and response.status == 200
                and not response.body
                and response.content_type == XML_TYPE
            ):
                response = as_response(empty_container())  # every GET answers a MediaContainer
        except HTTPError as exc:
            response = error_response(exc)
        except QueryError as exc:
            response = error_response(BadRequest(str(exc)))
        except Exception as exc:  # a simulator bug must show, not hang the client
            traceback.print_exc(file=sys.stderr)
            response = error_response(HTTPError(f"{type(exc).__name__}: {exc}"))
        self.server.stats.record(method, template, response.status)
        if method not in READ_METHODS and response.status < 400 and self.server.saver:
            self.server.saver.dirty.set()
        self.send(response, head=method == "HEAD")

    def preflight(self, route_error: HTTPError | None) -> Response:
        """A CORS preflight (`OPTIONS`): which methods and headers a browser client may use on this path."""
        allowed = route_error.allowed if isinstance(route_error, MethodNotAllowed) else frozenset({"OPTIONS"})
        return Response(
            status=204,
            headers={
                "Allow": ", ".join(sorted(allowed)),
                "Access-Control-Allow-Methods": ", ".join(sorted(allowed)),
                "Access-Control-Allow-Headers": self.headers.get("Access-Control-Request-Headers") or "*",
                "Access-Control-Max-Age": "86400",
            },
        )

    def authorize(self, plex_params: dict[str, str]) -> None:
        expected = self.server.config.token
        if expected is None:
            return
        given = self.headers.get("X-Plex-Token") or plex_params.get("X-Plex-Token")
        if given != expected:
            raise Unauthorized("a valid X-Plex-Token is required")

    def control(self, method: str, path: str, query: dict[str, str]) -> Response:
        """`/__plexsim/*`: stats, reset and save; outside the Plex namespace and never counted."""
        name = path[len(CONTROL_PREFIX) :]
        server = self.server
        if name == "stats" and method == "GET":
            return json_response(server.stats.snapshot())
        if name == "stats" and method in ("DELETE", "POST"):
            server.stats.reset()
            return json_response({"reset": "stats"})
        if name == "reset" and method == "POST" and server.reset_library is not None:
            fresh = server.reset_library()
            prepare(fresh)
            with server.library.lock:
                server.library = fresh
            server.stats.reset()
            if server.saver:
                server.saver.dirty.set()
            return json_response({"reset": "library", "items": len(fresh.items)})
        if name == "save" and method == "POST" and server.saver:
            try:
                server.saver.flush()
            except OSError as exc:
                return json_response({"error": f"cannot save {server.saver.path}: {exc}"}, status=500)
            return json_response({"saved": str(server.saver.path)})
        return json_response({"error": f"unknown control {method} {path}"}, status=404)

    def send(self, response: Response, head: bool = False) -> None:
        self.send_response(response.status)
        if response.status != 204:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Plex-Protocol", "1.0")
        if self.headers.get("Origin"):
            self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        body = response.body if not head and response.status != 204 else b""
        self._headers_buffer.append(b"\r\n")  # what end_headers() would add before flushing
        header_bytes = b"".join(self._headers_buffer)
        self._headers_buffer = []
        if len(body) <= SMALL_BODY:
            self.wfile.write(header_bytes + body)
        else:
            self.wfile.write(header_bytes)
            self.wfile.write(body)


def prepare(library: Library) -> None:
    """Sort the default listings now, then move the library out of the garbage collector's view: a
    50,000-item library would otherwise be rescanned by every full collection during requests."""
    warm(library)
    gc.collect()
    gc.freeze()


def json_response(data: object, status: int = 200) -> Response:
    return Response(status=status, body=json.dumps(data).encode(), content_type="application/json")


def make_server(
    library: Library,
    host: str = "127.0.0.1",
    port: int = 32400,
    config: SimulatorConfig | None = None,
    reset: Callable[[], Library] | None = None,
) -> PlexSimServer:
    from plexsim.routes import build_router

    prepare(library)
    return PlexSimServer((host, port), library, build_router(), config or SimulatorConfig(), reset)


def start_background(
    library: Library,
    host: str = "127.0.0.1",
    port: int = 0,
    config: SimulatorConfig | None = None,
    reset: Callable[[], Library] | None = None,
) -> PlexSimServer:
    """Start a simulator on a thread (port 0 picks a free one); call `.shutdown()` to stop it."""
    server = make_server(library, host, port, config, reset)
    threading.Thread(target=server.serve_forever, name="plexsim", daemon=True).start()
    return server
