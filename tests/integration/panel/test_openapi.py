"""The generated OpenAPI document, the docs page, and schemathesis runs over the spec: the GET operations,
then the writes (POST, PUT, PATCH, DELETE), each against a fresh app."""

from __future__ import annotations

import inspect
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from panel import create_app
from panel.openapi import openapi_path
from panel.settings import Settings
from tests.support.ports import free_port

from .conftest import sign_in, token_for

ROOT = Path(__file__).resolve().parents[3]

HTTP_METHODS = {"get", "post", "put", "delete", "patch"}


def spec_of(client: FlaskClient) -> dict[str, Any]:
    """The document served at /api/openapi.json."""
    resp = client.get("/api/openapi.json")
    assert resp.status_code == 200
    data: dict[str, Any] = resp.get_json()
    return data


def body_of(spec: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    """An operation's request body schema, its ``$ref`` followed."""
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def test_openapi_is_public_and_3_1(anon: FlaskClient) -> None:
    spec = spec_of(anon)
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["title"] and spec["paths"]
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def test_every_api_rule_is_documented(app: Flask, anon: FlaskClient) -> None:
    paths = spec_of(anon)["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/api/", "/schemas/")):
            continue
        path, _ = openapi_path(rule.rule)
        assert path in paths, rule.rule
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], (method, rule.rule)


def test_operations_have_responses_params_and_docs(anon: FlaskClient) -> None:
    spec = spec_of(anon)
    for path, item in spec["paths"].items():
        assert "<" not in path and ">" not in path
        wanted = set(re.findall(r"\{([^}]+)\}", path))
        for method, op in item.items():
            assert method in HTTP_METHODS
            success = {code for code in op["responses"] if code.startswith("2")}
            assert success and success <= {"200", "201"} and op["summary"], (method, path)
            for code in ("400", "401", "403", "404", "409", "413", "415", "422", "429"):
                assert op["responses"][code] == {"$ref": f"#/components/responses/{code}"}
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == wanted, (method, path)
            assert all(p["required"] for p in op["parameters"] if p["in"] == "path")


def test_security_and_bodies(anon: FlaskClient) -> None:
    paths = spec_of(anon)["paths"]
    assert paths["/api/auth/login"]["post"]["security"] == []
    assert paths["/api/health"]["get"]["security"] == []
    assert paths["/api/openapi.json"]["get"]["security"] == []
    assert paths["/api/files"]["get"]["security"] == [{"bearerAuth": []}]
    body = body_of(spec_of(anon), paths["/api/files/{path}"]["put"])
    assert set(body["properties"]) == {"content", "base", "message"}
    assert paths["/api/tokens/{token_id}"]["delete"]["parameters"][0]["schema"]["type"] == "integer"
    assert "docstring" not in paths["/api/auth/login"]["post"]["description"]
    assert paths["/api/auth/login"]["post"]["summary"].startswith("`{username, password}`")


def test_user_management_is_described(anon: FlaskClient) -> None:
    paths = spec_of(anon)["paths"]
    assert set(paths["/api/users/{user_id}"]) == {"get", "patch", "delete"}
    patch = paths["/api/users/{user_id}"]["patch"]
    assert patch["parameters"][0]["name"] == "user_id" and patch["parameters"][0]["required"] is True
    assert patch["parameters"][0]["schema"]["type"] == "integer"
    assert patch["requestBody"]["required"] is True
    assert set(body_of(spec_of(anon), patch)["properties"]) == {
        "role",
        "password",
        "disabled",
    }
    assert "201" in paths["/api/users"]["post"]["responses"]
    password = body_of(spec_of(anon), paths["/api/auth/password"]["post"])
    assert password["required"] == ["current_password", "new_password"]
    audit = {p["name"] for p in paths["/api/audit"]["get"]["parameters"]}
    assert audit == {"limit", "cursor", "user", "action", "target"}


def _api_views(app: Flask) -> list[tuple[str, str, Any]]:
    """``(method, rule, view)`` of every /api operation."""
    return [
        (method, rule.rule, app.view_functions[rule.endpoint])
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]


def test_every_api_view_uses_the_documented_decorator(app: Flask) -> None:
    missing = [f"{m} {r}" for m, r, view in _api_views(app) if not hasattr(view, "openapi_doc")]
    assert missing == []


def test_views_read_no_request_directly(app: Flask) -> None:
    """Bodies and queries reach views only through their declared models, so the document is all."""
    for method, rule, view in _api_views(app):
        source = inspect.getsource(inspect.unwrap(view))
        assert "request.args" not in source and "json_body(" not in source, (method, rule)


def test_every_declared_body_is_a_named_object_schema(app: Flask, anon: FlaskClient) -> None:
    spec = spec_of(anon)
    bodies = [op for item in spec["paths"].values() for op in item.values() if "requestBody" in op]
    assert len(bodies) >= 17
    for op in bodies:
        schema = body_of(spec, op)
        assert schema["type"] == "object" and schema["additionalProperties"] is False, op["operationId"]


def test_no_field_defaults_to_a_null_its_type_refuses(anon: FlaskClient) -> None:
    """A field that is left out, never null, states no ``default: null`` (which its own type refuses, and
    which makes client generators read the field as always present); the web UI's refresh and a token's
    ``expires_at`` are optional in the document."""
    schemas = spec_of(anon)["components"]["schemas"]
    for name, schema in schemas.items():
        for field, prop in schema.get("properties", {}).items():
            if prop.get("default", "") is None:
                kinds = [prop.get("type"), *(part.get("type") for part in prop.get("anyOf", []))]
                assert "null" in kinds, (name, field, prop)
    assert (
        "required" not in schemas["RefreshBody"] and "refresh_token" in schemas["RefreshBody"]["properties"]
    )
    assert schemas["TokenCreate"]["required"] == ["name"]
    assert "refresh_token" not in schemas["SignedIn"]["required"]


def test_refs_resolve(anon: FlaskClient) -> None:
    spec = spec_of(anon)
    refs = set(re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', str(spec).replace("'", '"')))
    assert refs
    for section, name in refs:
        assert name in spec["components"][section]


def test_docs_page_is_public_and_self_contained(anon: FlaskClient) -> None:
    resp = anon.get("/api/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert "/api/openapi.json" in html and "Try it" in html and "Authorization" in html
    assert not re.search(r"https?://", html)
    assert not re.search(r"""<script[^>]+src=["']?(https?:)?//""", html, re.I)
    assert not re.search(r"""<link[^>]+href=["']?(https?:)?//""", html, re.I)
    assert not re.search(r"""@import|url\(\s*["']?(https?:)?//""", html, re.I)


def test_docs_page_runs_only_its_own_inline_script_and_talks_only_to_this_origin(anon: FlaskClient) -> None:
    first, second = anon.get("/api/docs"), anon.get("/api/docs")
    csp = first.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([\w-]+)'", csp)
    assert nonce and nonce[1] not in second.headers["Content-Security-Policy"]  # a new nonce every time
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'self'"
    assert policy["script-src"] == policy["style-src"] == f"'nonce-{nonce[1]}'"
    assert policy["frame-ancestors"] == "'none'" and "unsafe-inline" not in csp
    html = first.get_data(as_text=True)
    tags = re.findall(r"<(script|style)\b([^>]*)>", html)
    assert {tag for tag, _ in tags} == {"script", "style"}
    assert all(attrs == f' nonce="{nonce[1]}"' for _, attrs in tags)
    assert not re.search(r"\son\w+=|javascript:", html, re.I)  # no inline handlers a nonce cannot cover


def test_other_routes_still_need_a_token(anon: FlaskClient) -> None:
    assert anon.get("/api/files").status_code == 401
    assert anon.post("/api/openapi.json").status_code in (401, 405)


def _fresh_admin_app(where: Path) -> tuple[Flask, str]:
    """A new app in ``where`` with one admin; the app and the admin's access token."""
    app = create_app(Settings(data_dir=where / "data"))
    app.testing = True
    sign_in(app, app.test_client())
    return app, token_for(app, "admin")


def _copy_of(template: Path, where: Path) -> Flask:
    """A new app on a copy of ``template``'s data directory (same admin, same signing key)."""
    shutil.copytree(template, where)
    app = create_app(Settings(data_dir=where))
    app.testing = True
    return app


def _config(token: str, workers: int = 1) -> Any:
    """The project's schemathesis.toml (422 accepted for schema-valid data) with every check, both
    generation modes, 30 examples per operation, deterministic, no stateful phase (each operation gets
    an app of its own)."""
    from schemathesis.config import SchemathesisConfig

    text = (ROOT / "schemathesis.toml").read_text(encoding="utf-8")
    text = text.replace(
        "[checks.positive_data_acceptance]",
        f"""headers = {{ Authorization = "Bearer {token}" }}
workers = {workers}

[generation]
max-examples = 30
deterministic = true
mode = "all"

[phases.stateful]
enabled = false

[checks.positive_data_acceptance]""",
        1,
    )
    return SchemathesisConfig.from_str(text)


def _failures(url: str, token: str, method: str, path: str | None = None) -> tuple[list[str], int]:
    """Run schemathesis's engine (examples, coverage and fuzzing phases, all checks) on the ``method``
    operations (of ``path``, or all) of the panel at ``url``; the failures it reports and the number of
    test cases it ran."""
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    # One schemathesis worker: two threads generating cases race in CPython 3.11's ast module
    # ("AST constructor recursion depth mismatch", fixed upstream only in later releases).
    config = _config(token)
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json", config=config)
    schema = schema.include(method=method, path=path) if path else schema.include(method=method)
    found: list[str] = []
    cases = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for checks in event.recorder.checks.values():
                cases += 1
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        found.append(f"{method} {path} [{check.name}] {failure.title}: {failure.message}")
                        found.append("    " + check.failure_info.code_sample)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            found.append(f"{method} {path}: engine error {getattr(event, 'value', event)!r}")
    return found, cases


class Switch:
    """A WSGI app passing each request to the app of the moment (one fresh app per operation)."""

    def __init__(self) -> None:
        self.app: Flask | None = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@pytest.mark.slow
def test_schemathesis_all_checks_find_nothing(app: Flask, tmp_path: Path) -> None:
    """Every operation over HTTP: schemathesis's examples, coverage and fuzzing phases (30 positive and
    negative examples each), every check. The reads run together on one app; each write runs against a
    fresh copy of a signed-in app, so no write's data changes another's. The document and the server
    agree."""
    pytest.importorskip("schemathesis")
    spec = spec_of(app.test_client())
    writes = [(m.upper(), path) for path, item in spec["paths"].items() for m in item if m != "get"]
    assert len(writes) + sum("get" in item for item in spec["paths"].values()) >= 46
    template, token = _fresh_admin_app(tmp_path / "template")
    template_dir = template.extensions["kometa_settings"].data_dir
    switch = Switch()
    server = make_server("127.0.0.1", free_port(), switch, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.port}"
    try:
        switch.app = _copy_of(template_dir, tmp_path / "reads")
        failures, total = _failures(url, token, "GET")
        for index, (method, path) in enumerate(writes):
            switch.app = _copy_of(template_dir, tmp_path / str(index))
            found, cases = _failures(url, token, method, path)
            failures += found
            total += cases
    finally:
        server.shutdown()
    assert total >= 30 * 46
    assert failures == [], "\n".join(failures)
