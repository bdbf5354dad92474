"""The web UI's static build served by Flask: index.html for every browser path (history-API fallback),
immutable caching for hashed assets, a self-only CSP, and the old redirect to the API docs without a build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from panel import frontend_route

BUILD = frontend_route.STATIC_DIR


def an_asset() -> str:
    """The entry script the committed build's index.html loads."""
    found = re.search(r'src="/(assets/[^"]+\.js)"', (BUILD / "index.html").read_text(encoding="utf-8"))
    assert found, "panel/static/index.html loads no /assets/*.js"
    return found[1]


@pytest.mark.parametrize(
    "path", ["/", "/files/collections/movies.yml?line=4", "/history/abc123", "/settings/tokens"]
)
def test_every_browser_path_gets_index_html_uncached(anon: FlaskClient, path: str) -> None:
    resp = anon.get(path)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert '<div id="root">' in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-cache"
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp and "*" not in csp


def test_hashed_assets_are_cached_for_good(anon: FlaskClient) -> None:
    resp = anon.get("/" + an_asset())
    assert resp.status_code == 200 and "javascript" in resp.mimetype
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_missing_asset_is_a_404_not_the_app(anon: FlaskClient) -> None:
    resp = anon.get("/assets/index-nothere.js")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/nothing", "/schemas/nothing.json", "/git/config.git/info/refs"])
def test_api_schema_and_git_paths_never_fall_back_to_the_app(anon: FlaskClient, path: str) -> None:
    resp = anon.get(path)
    assert resp.status_code in (401, 404) and resp.is_json


def test_paths_outside_the_build_are_refused(anon: FlaskClient) -> None:
    resp = anon.get("/assets/../../__init__.py")
    assert b"create_app" not in resp.get_data()


def test_without_a_build_the_root_redirects_to_the_api_docs(
    anon: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(frontend_route, "STATIC_DIR", tmp_path)
    resp = anon.get("/")
    assert (resp.status_code, resp.headers["Location"]) == (302, "/api/docs")
    assert anon.get("/files/config.yml").status_code == 404


def test_the_build_loads_nothing_from_other_hosts() -> None:
    for path in BUILD.rglob("*"):
        if path.suffix in {".html", ".css"}:
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path
            assert not re.search(r"""url\(\s*["']?(https?:)?//""", text), path


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_an_unknown_api_path_is_a_404_for_every_method(client: FlaskClient, method: str) -> None:
    """The app's catch-all must not turn a write to a path no API route matches into a 405."""
    resp = client.open("/api/tokens/not-a-number", method=method)
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
