"""The generated OpenAPI document, the docs page, and schemathesis runs over the spec: the GET operations,
then the writes (POST, PUT, PATCH, DELETE), each against a fresh app."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel import create_app
from panel.openapi import openapi_path
from panel.settings import Settings

from .conftest import sign_in, token_for

HTTP_METHODS = {"get", "post", "put", "delete", "patch"}


def spec_of(client: FlaskClient) -> dict[str, Any]:
    """The document served at /api/openapi.json."""
    resp = client.get("/api/openapi.json")
    assert resp.status_code == 200
    data: dict[str, Any] = resp.get_json()
    return data


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
    put_file = paths["/api/files/{path}"]["put"]
    body = put_file["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"content", "base", "message"}
    assert paths["/api/tokens/{token_id}"]["delete"]["parameters"][0]["schema"] == {"type": "integer"}
    assert "docstring" not in paths["/api/auth/login"]["post"]["description"]
    assert paths["/api/auth/login"]["post"]["summary"].startswith("`{username, password}`")


def test_user_management_is_described(anon: FlaskClient) -> None:
    paths = spec_of(anon)["paths"]
    assert set(paths["/api/users/{user_id}"]) == {"get", "patch", "delete"}
    patch = paths["/api/users/{user_id}"]["patch"]
    assert patch["parameters"][0] == {
        "name": "user_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    }
    body = patch["requestBody"]
    assert body["required"] is True
    assert set(body["content"]["application/json"]["schema"]["properties"]) == {
        "role",
        "password",
        "disabled",
    }
    assert "201" in paths["/api/users"]["post"]["responses"]
    password = paths["/api/auth/password"]["post"]["requestBody"]["content"]["application/json"]["schema"]
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


def test_every_query_parameter_a_view_reads_is_documented(app: Flask, anon: FlaskClient) -> None:
    """Each ``request.args.get("x")`` in a view's source is a documented query parameter of it."""
    paths = spec_of(anon)["paths"]
    checked = 0
    for method, rule, view in _api_views(app):
        read = set(re.findall(r"""request\.args(?:\.get\(|\[)\s*["'](\w+)["']""", inspect.getsource(view)))
        op = paths[openapi_path(rule)[0]][method.lower()]
        documented = {p["name"] for p in op["parameters"] if p["in"] == "query"}
        assert read <= documented, (method, rule, read - documented)
        checked += len(read)
    assert checked >= 15


def test_every_view_reading_json_documents_its_body(app: Flask, anon: FlaskClient) -> None:
    paths = spec_of(anon)["paths"]
    readers = [(m, r) for m, r, view in _api_views(app) if "json_body(" in inspect.getsource(view)]
    assert len(readers) >= 12
    for method, rule in readers:
        op = paths[openapi_path(rule)[0]][method.lower()]
        assert op["requestBody"]["content"]["application/json"]["schema"]["type"] == "object", (method, rule)


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


def test_schemathesis_get_endpoints(app: Flask) -> None:
    """Every GET operation, 10 derandomized examples each: no 5xx, answers match the spec."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    sign_in(app, app.test_client())
    token = token_for(app, "admin")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app).include(method="GET")
    ran = 0
    for result in schema.get_all_operations():
        op = result.ok()

        @given(case=op.as_strategy())
        @settings(
            max_examples=10,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            resp = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(resp, checks=[not_a_server_error, response_schema_conformance])

        run()
        ran += 1
    assert ran >= 10


def _fresh_admin_app(where: Path) -> tuple[Flask, str]:
    """A new app in ``where`` with one admin; the app and the admin's access token."""
    app = create_app(Settings(data_dir=where / "data"))
    app.testing = True
    sign_in(app, app.test_client())
    return app, token_for(app, "admin")


def _fuzz(op: Any, app: Flask, token: str, checks: list[Any]) -> str | None:
    """Run 8 derandomized examples of ``op`` against ``app``; the failure report, or None."""
    from hypothesis import HealthCheck, given, settings

    @given(case=op.as_strategy())
    @settings(
        max_examples=8,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        resp = case.call(app=app, headers={"Authorization": f"Bearer {token}"})
        case.validate_response(resp, checks=checks)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports failures as an exception group
        return f"{op.method.upper()} {op.path}: {exc}"
    return None


def test_schemathesis_write_endpoints(app: Flask, tmp_path: Path) -> None:
    """Every POST, PUT, PATCH and DELETE operation as an admin against a fresh app per operation:
    no 5xx, and status, content type and body match the spec."""
    schemathesis = pytest.importorskip("schemathesis")
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    writes = ["POST", "PUT", "PATCH", "DELETE"]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app).include(method=writes)
    ran: list[str] = []
    failures: list[str] = []
    for result in schema.get_all_operations():
        op = result.ok()
        target, token = _fresh_admin_app(tmp_path / str(len(ran)))
        failure = _fuzz(op, target, token, checks)
        failures += [failure] if failure else []
        ran.append(f"{op.method.upper()} {op.path}")
    assert {"PATCH /api/users/{user_id}", "PUT /api/files/{path}", "POST /api/auth/password"} <= set(ran)
    assert failures == [], "\n\n".join(failures)
