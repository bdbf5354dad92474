"""Request, response, errors and the route table: the HTTP shapes every route module shares."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from xml.etree.ElementTree import Element

from plexsim.model import Library
from plexsim.render import document

XML_TYPE = "text/xml;charset=utf-8"


class HTTPError(Exception):
    """An error answered as `<Response code=... status=...>` XML, which Plex clients show verbatim."""

    status = 500
    reason = "Internal Server Error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class BadRequest(HTTPError):
    status = 400
    reason = "Bad Request"


class Unauthorized(HTTPError):
    status = 401
    reason = "Unauthorized"


class NotFound(HTTPError):
    status = 404
    reason = "Not Found"


class MethodNotAllowed(HTTPError):
    """405; `allowed` lists the methods the path does accept (sent back as the `Allow` header)."""

    status = 405
    reason = "Method Not Allowed"

    def __init__(self, message: str = "", allowed: frozenset[str] = frozenset()) -> None:
        super().__init__(message)
        self.allowed = allowed


class PayloadTooLarge(HTTPError):
    status = 413
    reason = "Payload Too Large"


@dataclass
class Request:
    """One decoded request: query pairs in order (X-Plex-* pairs apart), headers, body and path arguments."""

    method: str
    path: str
    params: list[tuple[str, str]]
    plex_params: dict[str, str]
    headers: Mapping[str, str] | Message[str, str]  # the handler passes its case-insensitive Message
    body: bytes
    library: Library
    args: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.params:
            if key == name:
                return value
        return default

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise BadRequest(f"missing required parameter '{name}'")
        return value

    def int_param(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise BadRequest(f"parameter '{name}' must be an integer, got {value!r}") from None

    def flag(self, name: str) -> bool:
        return self.get(name) in ("1", "true")

    def arg_int(self, name: str) -> int:
        try:
            return int(self.args[name])
        except ValueError:
            raise NotFound(f"no such key: {self.path}") from None

    def paging(self) -> tuple[int, int | None]:
        """Container start and size, from the X-Plex-Container-* headers or the same names in the query."""

        def pick(name: str) -> str | None:
            return self.headers.get(name) or self.plex_params.get(name)

        start, size = pick("X-Plex-Container-Start"), pick("X-Plex-Container-Size")
        try:
            return int(start or 0), (int(size) if size not in (None, "") else None)
        except ValueError:
            raise BadRequest("X-Plex-Container-Start and -Size must be integers") from None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = XML_TYPE
    headers: dict[str, str] = field(default_factory=dict)


Result = Response | Element | None
Handler = Callable[[Request], Result]


def as_response(result: Result) -> Response:
    if result is None:
        return Response(body=b"")
    if isinstance(result, Response):
        return result
    return Response(body=document(result))


def error_response(error: HTTPError) -> Response:
    root = Element(
        "Response", {"code": str(error.status), "status": f"{error.reason}: {error.message}".strip()}
    )
    response = Response(status=error.status, body=document(root))
    if isinstance(error, MethodNotAllowed) and error.allowed:
        response.headers["Allow"] = ", ".join(sorted(error.allowed))
    return response


def allowed_methods(methods: frozenset[str]) -> frozenset[str]:
    """What a route answers: its own methods, HEAD wherever GET works, and OPTIONS (CORS preflight)."""
    return methods | ({"HEAD"} if "GET" in methods else set()) | {"OPTIONS"}


@dataclass
class Route:
    methods: frozenset[str]
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    literal_segments: int


class Router:
    """Maps (method, path) to a handler; of several matching templates the most literal one wins."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, methods: str, template: str, handler: Handler) -> None:
        regex = re.sub(
            r"\{(\w+)\}", r"(?P<\1>[^/]+)", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
        )
        literal = sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))
        route = Route(frozenset(methods.split()), template, re.compile(regex + r"\Z"), handler, literal)
        self.routes.append(route)
        self.routes.sort(key=lambda r: -r.literal_segments)

    def route(self, methods: str, template: str) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.add(methods, template, handler)
            return handler

        return decorate

    def resolve(self, method: str, path: str) -> tuple[Route | None, dict[str, str], HTTPError | None]:
        """The route for (method, path) and its arguments, or the error to answer (404 or 405).

        For a 405 the route is the first whose template matches the path, so callers can still name it.
        """
        allowed: set[str] = set()
        first: Route | None = None
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            if method in route.methods or (method == "HEAD" and "GET" in route.methods):
                return route, found.groupdict(), None
            allowed |= allowed_methods(route.methods)
            first = first or route
        if first is not None:
            return first, {}, MethodNotAllowed(f"{method} is not allowed on {path}", frozenset(allowed))
        return None, {}, NotFound(f"no such key: {path}")

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        route, args, error = self.resolve(method, path)
        if error is not None:
            raise error
        assert route is not None
        return route, args
