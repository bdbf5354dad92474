"""An OpenAPI 3.1 document generated from the app's URL map and the views' declarations.

Paths, methods, summaries and descriptions come from the registered rules and the view functions'
docstrings; request bodies, query and path parameters, answers' ``data`` and success statuses come from
each view's :func:`documented` decorator, whose pydantic models also validate the requests (see
:mod:`panel.contract`), so the document says exactly what the server accepts. Models become named
``components/schemas`` referenced by ``$ref``.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask
from pydantic import BaseModel, TypeAdapter
from werkzeug.routing import Rule

from panel.auth import PUBLIC
from panel.contract import parse_path, parse_query, read_body

PREFIXES = ("/api/", "/schemas/")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
ERROR_STATUSES = {
    "400": "The request breaks this document: malformed JSON, a wrong type, a missing or unknown field",
    "401": "No or bad credentials",
    "403": "Role too low",
    "404": "Not found",
    "409": "Conflict",
    "413": "Payload too large",
    "415": "Unsupported media type",
    "422": "Well-formed but refused for what it means: the tree would not validate, a secret was found, "
    "a base or revision names no commit, a path git refuses",
    "429": "Rate limited",
    "503": "A service the answer needs (Plex, Redis) is unreachable; retry after Retry-After when given",
}
_CONVERTER = re.compile(
    r"<(?:(?P<conv>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>"
)
_STR = {"type": "string"}
View = TypeVar("View", bound=Callable[..., Any])


def documented(
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    path: Mapping[str, Any] | None = None,
    data: Any = None,
    status: int | tuple[int, ...] = 200,
    optional_body: bool = False,
    media: Mapping[str, type[BaseModel] | dict[str, Any]] | None = None,
) -> Callable[[View], View]:
    """Declare a view's request body model, query model and path parameter types (each validated before
    the view runs, which receives ``body=`` and ``query=``), its answer's ``data`` type and success
    status(es); the same declarations make its entry in the generated document. ``media`` documents
    request bodies the view reads itself (media type -> model or schema), such as a multipart upload."""

    def attach(view: View) -> View:
        statuses = (status,) if isinstance(status, int) else tuple(status)
        adapters = {name: TypeAdapter(kind) for name, kind in (path or {}).items()}

        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            parse_path(adapters, kwargs)
            if query is not None:
                kwargs["query"] = parse_query(query)
            if body is not None:
                kwargs["body"] = read_body(body, optional_body)
            return view(*args, **kwargs)

        doc = {
            "body": body,
            "query": query,
            "path": adapters,
            "data": data,
            "status": statuses,
            "optional_body": optional_body,
            "media": dict(media or {}),  # bodies the view reads itself (a multipart upload, a raw .zip)
        }
        checked.openapi_doc = doc  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return attach


def _obj(required: list[str], **props: dict[str, Any]) -> dict[str, Any]:
    """A JSON object schema with ``props`` and the ``required`` names."""
    return {"type": "object", "properties": props, "required": required}


# Endpoints whose 200 answer is not the JSON envelope: media type and schema.
RAW_OK: dict[str, tuple[str, dict[str, Any]]] = {
    "api.docs.openapi": ("application/json", {"type": "object"}),
    "api.docs.docs_page": ("text/html", _STR),
    "schemas.schema": ("application/schema+json", {"type": "object"}),
    "api.posters.poster": ("image/*", {"type": "string", "format": "binary"}),
}


REF = "#/components/schemas/{model}"


class Schemas:
    """The named schemas of one document: each model once, nested models as their own entries."""

    def __init__(self) -> None:
        self.named: dict[str, Any] = {}

    def add(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` with its ``$defs`` moved into the named schemas."""
        defs = schema.pop("$defs", {})
        for named in (schema, *defs.values()):
            _drop_absent_defaults(named)
        self.named.update(defs)
        return schema

    def model(self, model: type[BaseModel]) -> dict[str, Any]:
        """A ``$ref`` to ``model``'s schema (added on first use)."""
        if model.__name__ not in self.named:
            self.named[model.__name__] = self.add(model.model_json_schema(ref_template=REF))
        return {"$ref": REF.format(model=model.__name__)}

    def of(self, adapter: TypeAdapter[Any]) -> dict[str, Any]:
        """The schema of a type (a model or a list of them gives refs)."""
        return self.add(adapter.json_schema(ref_template=REF))


def _admits_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    return (
        kinds == "null"
        or (isinstance(kinds, list) and "null" in kinds)
        or any(_admits_null(part) for part in schema.get("anyOf", schema.get("oneOf", [])))
    )


def _drop_absent_defaults(schema: dict[str, Any]) -> None:
    """Remove ``"default": null`` from properties that may not be null (``X | Absent = None``: the field
    is left out, never null), so the document states no default its own type refuses and client
    generators read the field as optional."""
    for prop in schema.get("properties", {}).values():
        if (
            isinstance(prop, dict)
            and "default" in prop
            and prop["default"] is None
            and not _admits_null(prop)
        ):
            del prop["default"]
    for part in (*schema.get("anyOf", []), *schema.get("allOf", []), *schema.get("oneOf", [])):
        if isinstance(part, dict):
            _drop_absent_defaults(part)


def components(schemas: Schemas) -> dict[str, Any]:
    """The named schemas, the envelopes, the shared error responses and the bearer security scheme."""
    error = _obj(["code", "message", "details"], code=_STR, message=_STR, details={"type": "object"})
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
    named = {**schemas.named, "Envelope": envelope, "ErrorEnvelope": error_envelope, "Error": error}
    return {
        "schemas": dict(sorted(named.items())),
        "responses": {
            code: {"description": text, "content": content} for code, text in ERROR_STATUSES.items()
        },
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    }


def openapi_path(rule: str) -> tuple[str, list[tuple[str, str]]]:
    """``/a/<int:b>/<path:c>`` → ``/a/{b}/{c}`` and the ``(name, converter)`` pairs."""
    params = [(m["name"], m["conv"] or "default") for m in _CONVERTER.finditer(rule)]
    return _CONVERTER.sub(lambda m: "{" + m["name"] + "}", rule), params


def _parameters(params: list[tuple[str, str]], doc: dict[str, Any], schemas: Schemas) -> list[dict[str, Any]]:
    """Path parameter objects (declared types, else integers for ``int`` and strings), then the query
    model's fields as query parameters."""
    declared: Mapping[str, TypeAdapter[Any]] = doc.get("path") or {}
    found: list[dict[str, Any]] = []
    for name, conv in params:
        if name in declared:
            schema = schemas.of(declared[name])
        else:
            schema = (
                {"type": "integer", "minimum": 0} if conv == "int" else {"type": "string", "minLength": 1}
            )
        found.append(_parameter(name, "path", schema, True))
    query: type[BaseModel] | None = doc.get("query")
    if query is not None:
        model = schemas.add(query.model_json_schema(ref_template=REF))
        required = set(model.get("required", []))
        for name, schema in model["properties"].items():
            found.append(_parameter(name, "query", schema, name in required))
    return found


def _parameter(name: str, where: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    """A parameter object; the schema's description becomes the parameter's."""
    bare = {k: v for k, v in schema.items() if k not in ("title", "description")}
    param: dict[str, Any] = {"name": name, "in": where, "required": required, "schema": bare}
    if schema.get("description"):
        param["description"] = schema["description"]
    return param


def _responses(endpoint: str, doc: dict[str, Any], schemas: Schemas) -> dict[str, Any]:
    """The success answers (the envelope with the declared ``data``, unless raw) plus references to the
    shared error responses."""
    statuses: tuple[int, ...] = doc.get("status") or (200,)
    media, schema = RAW_OK.get(endpoint, ("application/json", {"$ref": "#/components/schemas/Envelope"}))
    data: Any = doc.get("data")
    if data is not None and endpoint not in RAW_OK:
        shape = schemas.model(data) if isinstance(data, type) and issubclass(data, BaseModel) else None
        schema = {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "properties": {
                        "success": {"const": True},
                        "data": shape or schemas.of(TypeAdapter(data)),
                    },
                },
            ]
        }
    content = {media: {"schema": schema}}
    responses: dict[str, Any] = {
        str(status): {"description": "Created" if status == 201 else "Success", "content": content}
        for status in statuses
    }
    responses |= {code: {"$ref": f"#/components/responses/{code}"} for code in ERROR_STATUSES}
    return responses


def operation_id(endpoint: str) -> str:
    """A stable name: ``api.files.put_file`` → ``files_put_file``."""
    return endpoint.removeprefix("api.").replace(".", "_")


def operation(
    app: Flask, rule: Rule, method: str, params: list[tuple[str, str]], schemas: Schemas
) -> dict[str, Any]:
    """One operation object for ``method`` on ``rule``."""
    view = app.view_functions[rule.endpoint]
    text = (inspect.getdoc(view) or rule.endpoint).replace("``", "`")  # reST literals as CommonMark
    doc: dict[str, Any] = getattr(view, "openapi_doc", {})
    parts = rule.rule.strip("/").split("/")
    op: dict[str, Any] = {
        "operationId": operation_id(rule.endpoint),
        "tags": [parts[1] if parts[0] == "api" and len(parts) > 1 else parts[0]],
        "summary": text.splitlines()[0],
        "description": text,
        "parameters": _parameters(params, doc, schemas),
        "responses": _responses(rule.endpoint, doc, schemas),
    }
    public = (method, rule.rule) in PUBLIC or not rule.rule.startswith("/api/")
    op["security"] = [] if public else [{"bearerAuth": []}]
    body: type[BaseModel] | None = doc.get("body")
    if body is not None:
        content = {"application/json": {"schema": schemas.model(body)}}
        op["requestBody"] = {"required": not doc.get("optional_body"), "content": content}
    media: dict[str, Any] = doc.get("media") or {}
    if media:
        content = {k: {"schema": v if isinstance(v, dict) else schemas.model(v)} for k, v in media.items()}
        op["requestBody"] = {"required": True, "content": content}
    return op


def build_spec(app: Flask, version: str = "0") -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for ``app``."""
    paths: dict[str, dict[str, Any]] = {}
    schemas = Schemas()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIXES):
            continue
        path, params = openapi_path(rule.rule)
        for method in METHODS:
            if method in (rule.methods or ()):
                paths.setdefault(path, {})[method.lower()] = operation(app, rule, method, params, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kometa Panel API", "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": components(schemas),
        "security": [{"bearerAuth": []}],
    }
