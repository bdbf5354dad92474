"""An OpenAPI 3.1 document generated from the app's URL map.

Paths, methods, path parameters, summaries and descriptions come from the registered rules and the view
functions' docstrings; request bodies, query parameters and the success status come from each view's
:func:`documented` decorator (a legacy ``BODIES`` table covers views without one).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from werkzeug.routing import Rule

from panel.auth import PUBLIC

PREFIXES = ("/api/", "/schemas/")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
ERROR_STATUSES = {
    "400": "Malformed request",
    "401": "No or bad credentials",
    "403": "Role too low",
    "404": "Not found",
    "409": "Conflict",
    "413": "Payload too large",
    "415": "Unsupported media type",
    "422": "Validation failed or secret found",
    "429": "Rate limited",
    "503": "A service the panel needs (Redis) is down; retry after Retry-After",
}
_CONVERTER = re.compile(
    r"<(?:(?P<conv>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>"
)
_INT = {"type": "integer"}
_STR = {"type": "string"}
View = TypeVar("View", bound=Callable[..., Any])


def documented(
    *,
    body: dict[str, Any] | None = None,
    query: dict[str, dict[str, Any]] | None = None,
    status: int | tuple[int, ...] = 200,
) -> Callable[[View], View]:
    """Attach a view's JSON request body schema, its query parameters (name -> schema, which may
    carry ``description`` and ``required``) and its success status(es) for the generated document."""

    def attach(view: View) -> View:
        statuses = (status,) if isinstance(status, int) else tuple(status)
        doc = {"body": body, "query": dict(query or {}), "status": statuses}
        view.openapi_doc = doc  # type: ignore[attr-defined]
        return view

    return attach


def query_param(
    description: str, schema: dict[str, Any] | None = None, *, required: bool = False
) -> dict[str, Any]:
    """A query parameter entry for :func:`documented` (a string unless ``schema`` says otherwise)."""
    return {**(schema or _STR), "description": description, "required": required}


def _obj(required: list[str], **props: dict[str, Any]) -> dict[str, Any]:
    """A JSON object schema with ``props`` and the ``required`` names."""
    return {"type": "object", "properties": props, "required": required}


_DEFINITION = {"type": ["object", "string"], "description": "The definition as JSON, or YAML text"}
# Legacy request bodies by (method, endpoint), for views not yet using @documented (which wins).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PUT", "api.collections.put_one"): _obj(
        ["base"], base=_STR, message=_STR, definition=_DEFINITION, yaml=_STR
    ),
    ("POST", "api.collections.create_one"): _obj(
        ["file", "name", "base"], file=_STR, name=_STR, base=_STR, message=_STR, definition=_DEFINITION
    ),
}
# Endpoints whose 200 answer is not the JSON envelope: media type and schema.
RAW_OK: dict[str, tuple[str, dict[str, Any]]] = {
    "api.docs.openapi": ("application/json", {"type": "object"}),
    "api.docs.docs_page": ("text/html", _STR),
    "schemas.schema": ("application/schema+json", {"type": "object"}),
}


def components() -> dict[str, Any]:
    """The envelope schemas, the shared error responses and the bearer security scheme."""
    error = _obj(["code", "message"], code=_STR, message=_STR, details={"type": "object"})
    envelope = _obj(
        ["success", "data", "error", "timestamp"],
        success={"type": "boolean"},
        data={},
        error={"anyOf": [error, {"type": "null"}]},
        timestamp={"type": "string", "format": "date-time"},
    )
    error_envelope = _obj(
        ["success", "data", "error", "timestamp"],
        success={"const": False},
        data={"type": "null"},
        error=error,
        timestamp={"type": "string", "format": "date-time"},
    )
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
    return {
        "schemas": {"Envelope": envelope, "ErrorEnvelope": error_envelope, "Error": error},
        "responses": {
            code: {"description": text, "content": content} for code, text in ERROR_STATUSES.items()
        },
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    }


def openapi_path(rule: str) -> tuple[str, list[tuple[str, str]]]:
    """``/a/<int:b>/<path:c>`` → ``/a/{b}/{c}`` and the ``(name, converter)`` pairs."""
    params = [(m["name"], m["conv"] or "default") for m in _CONVERTER.finditer(rule)]
    return _CONVERTER.sub(lambda m: "{" + m["name"] + "}", rule), params


def _parameters(params: list[tuple[str, str]], query: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Path parameter objects (integers for ``int``, strings otherwise), then the query parameters."""
    found = [
        {"name": name, "in": "path", "required": True, "schema": _INT if conv == "int" else _STR}
        for name, conv in params
    ]
    for name, entry in query.items():
        schema = {k: v for k, v in entry.items() if k not in ("description", "required")}
        param = {"name": name, "in": "query", "required": bool(entry.get("required")), "schema": schema}
        if entry.get("description"):
            param["description"] = entry["description"]
        found.append(param)
    return found


def _responses(endpoint: str, statuses: tuple[int, ...]) -> dict[str, Any]:
    """The success answers (envelope unless raw) plus references to the shared error responses."""
    media, schema = RAW_OK.get(endpoint, ("application/json", {"$ref": "#/components/schemas/Envelope"}))
    content = {media: {"schema": schema}}
    responses: dict[str, Any] = {
        str(status): {"description": "Created" if status == 201 else "Success", "content": content}
        for status in statuses
    }
    responses |= {code: {"$ref": f"#/components/responses/{code}"} for code in ERROR_STATUSES}
    return responses


def operation(app: Flask, rule: Rule, method: str, params: list[tuple[str, str]]) -> dict[str, Any]:
    """One operation object for ``method`` on ``rule``."""
    view = app.view_functions[rule.endpoint]
    doc = (inspect.getdoc(view) or rule.endpoint).replace("``", "`")  # reST literals as CommonMark
    extra: dict[str, Any] = getattr(view, "openapi_doc", {})
    parts = rule.rule.strip("/").split("/")
    op: dict[str, Any] = {
        "operationId": f"{rule.endpoint}.{method.lower()}",
        "tags": [parts[1] if parts[0] == "api" and len(parts) > 1 else parts[0]],
        "summary": doc.splitlines()[0],
        "description": doc,
        "parameters": _parameters(params, extra.get("query") or {}),
        "responses": _responses(rule.endpoint, extra.get("status") or (200,)),
    }
    public = (method, rule.rule) in PUBLIC or not rule.rule.startswith("/api/")
    op["security"] = [] if public else [{"bearerAuth": []}]
    body = extra.get("body") or BODIES.get((method, rule.endpoint))
    if body is not None:
        content = {"application/json": {"schema": body}}
        required = bool(body.get("required") or body.get("minProperties"))
        op["requestBody"] = {"required": required, "content": content}
    return op


def build_spec(app: Flask, version: str = "0") -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for ``app``."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIXES):
            continue
        path, params = openapi_path(rule.rule)
        for method in METHODS:
            if method in (rule.methods or ()):
                paths.setdefault(path, {})[method.lower()] = operation(app, rule, method, params)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kometa Panel API", "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": components(),
        "security": [{"bearerAuth": []}],
    }
