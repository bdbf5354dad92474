"""The files API (`/api/files`), the envelope on every /api answer, and `/schemas/*.json`, against a real
bare git repository in tmp_path created by the app factory from the project's `config-repo/`.
"""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from panel import create_app
from panel.repo import ConfigRepo
from panel.settings import Settings
from tests.support.panel_api import STAMP, envelope

REPO_ROOT = Path(__file__).resolve().parents[3]
MOVIES = "collections/movies.yml"


def error_code(resp: TestResponse, status: int) -> str:
    return str(envelope(resp, status)["error"]["code"])


def put(client: FlaskClient, path: str, content: str, base: str, **extra: str) -> TestResponse:
    return client.put(f"/api/files/{path}", json={"content": content, "base": base, **extra})


# ---------------------------------------------------------------------- setup and reading


def test_create_app_seeds_the_data_dir_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d")
    first = create_app(settings).extensions["kometa_repo"].head()
    assert (tmp_path / "d" / "config.git" / "HEAD").is_file()
    assert create_app(settings).extensions["kometa_repo"].head() == first


def test_settings_from_env(tmp_path: Path) -> None:
    env = {"KOMETA_PANEL_DATA_DIR": str(tmp_path), "KOMETA_PANEL_MAX_BODY": "1000"}
    settings = Settings.from_env(env)
    assert settings.data_dir == tmp_path and settings.max_body == 1000
    assert Settings.from_env({}).max_body == 5 * 1024 * 1024
    with pytest.raises(ValueError, match="MAX_BODY"):
        Settings.from_env({"KOMETA_PANEL_MAX_BODY": "lots"})


def test_list_files(client: FlaskClient, repo: ConfigRepo) -> None:
    data = envelope(client.get("/api/files"), 200)["data"]
    paths = [item["path"] for item in data["items"]]
    assert {"config.yml", MOVIES, "collections/tv.yml"} <= set(paths)
    assert not any(p.startswith("schemas/") for p in paths)  # the seed's symlink is not followed
    assert data["commit"] == repo.head() and data["next_cursor"] is None
    assert all(set(i) == {"path", "blob", "size"} for i in data["items"])
    under = envelope(client.get("/api/files?prefix=collections"), 200)["data"]["items"]
    assert [i["path"] for i in under] == ["collections/movies.yml", "collections/tv.yml"]


def test_get_file(client: FlaskClient, repo: ConfigRepo) -> None:
    data = envelope(client.get(f"/api/files/{MOVIES}"), 200)["data"]
    assert data["content"] == (REPO_ROOT / "config-repo" / MOVIES).read_text()
    assert data["commit"] == repo.head() and data["path"] == MOVIES
    assert data["blob"] == repo.read_file(MOVIES)[1]


def test_get_file_at_an_older_revision(client: FlaskClient, repo: ConfigRepo) -> None:
    first = repo.head()
    old = client.get(f"/api/files/{MOVIES}").get_json()["data"]["content"]
    envelope(put(client, MOVIES, old + "\n# more\n", first), 200)
    data = envelope(client.get(f"/api/files/{MOVIES}?rev={first}"), 200)["data"]
    assert data["content"] == old and data["commit"] == first


def test_missing_file_and_revision_are_404(client: FlaskClient) -> None:
    assert error_code(client.get("/api/files/collections/nope.yml"), 404) == "not_found"
    assert error_code(client.get("/api/files?rev=deadbeef"), 404) == "not_found"


# ---------------------------------------------------------------------- writing


def test_put_commits_and_answers_the_commit(client: FlaskClient, repo: ConfigRepo) -> None:
    base = repo.head()
    text = repo.read_file(MOVIES)[0].decode() + "\n# tuned\n"
    data = envelope(put(client, MOVIES, text, base, message="Tune movies"), 200)["data"]
    assert data["sha"] == repo.head() != base and data["unchanged"] is False
    assert data["message"] == "Tune movies" and data["files"] == [MOVIES]
    assert data["author"] == {"name": "admin", "email": "admin@kometa-panel.local"}
    assert data["parents"] == [base] and STAMP.match(data["time"])
    assert repo.read_file(MOVIES)[0].decode() == text


def test_put_creates_a_file_with_a_default_message(client: FlaskClient, repo: ConfigRepo) -> None:
    text = "collections:\n  Favourites:\n    plex_search:\n      all:\n        genre: Comedy\n"
    data = envelope(put(client, "collections/new.yml", text, repo.head()), 200)["data"]
    assert data["message"] == "Update collections/new.yml"
    assert repo.read_file("collections/new.yml")[0] == text.encode()


def test_put_same_content_is_unchanged(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    data = envelope(put(client, MOVIES, repo.read_file(MOVIES)[0].decode(), head), 200)["data"]
    assert data["unchanged"] is True and data["sha"] == head == repo.head()


@pytest.mark.parametrize("base", ["", "deadbeef", "main@{1}", "0" * 40])
def test_a_base_that_is_no_commit_is_refused_naming_the_field(
    client: FlaskClient, repo: ConfigRepo, base: str
) -> None:
    head = repo.head()
    for resp in (
        put(client, "collections/new.yml", "collections: {}\n", base),
        client.delete(f"/api/files/collections/tv.yml?base={quote(base)}") if base else None,
        client.post("/api/files", json={"base": base, "changes": [{"path": "a.yml", "content": "a: 1\n"}]}),
    ):
        if resp is not None:
            malformed = base in ("", "main@{1}")  # the document's pattern refuses these: 400
            error = envelope(resp, 400 if malformed else 422)["error"]
            assert error["code"] == ("bad_request" if malformed else "unprocessable"), error
            assert error["details"]["field"] == "base", error
    assert repo.head() == head


def test_putting_back_the_base_content_after_main_changed_it_is_a_conflict(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    """The edit is a no-op on its base, but "unchanged" would hide that main now holds something else."""
    base = repo.head()
    original = repo.read_file(MOVIES)[0].decode()
    envelope(put(client, MOVIES, original + "# theirs\n", base), 200)
    head = repo.head()
    details = envelope(put(client, MOVIES, original, base), 409)["error"]["details"]
    assert (details["paths"], details["theirs"], details["yours"]) == (
        [MOVIES],
        original + "# theirs\n",
        original,
    )
    assert repo.head() == head
    tv = repo.read_file("collections/tv.yml")[0].decode()
    assert envelope(put(client, "collections/tv.yml", tv, base), 200)["data"]["unchanged"] is True


def test_an_alias_bomb_is_refused_at_its_place_without_being_expanded(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    head = repo.head()
    lines = ["x-a: &a [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"x-{b}: &{b} [" + ", ".join([f"*{a}"] * 10) + "]" for a, b in itertools.pairwise("abcdefghi")]
    bomb = "\n".join([*lines, "collections: {B: {plex_all: true, summary: *i}}"]) + "\n"
    error = envelope(put(client, "collections/bomb.yml", bomb, head), 422)["error"]
    [problem] = error["details"]["blocking"]
    assert (problem["file"], problem["line"], problem["code"]) == ("collections/bomb.yml", 10, "yaml-limits")
    assert "the value anchored at line 9, column 6" in problem["message"]  # and refused at its alias
    assert repo.head() == head


def test_invalid_yaml_is_422_with_the_place(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    resp = put(client, MOVIES, "collections:\n  Broken: [unclosed\n", head)
    body = envelope(resp, 422)
    assert body["error"]["code"] == "validation_failed"
    problems = body["error"]["details"]["problems"]
    syntax = [p for p in problems if p["code"] == "yaml-syntax"]
    assert syntax and syntax[0]["file"] == MOVIES and syntax[0]["line"] and syntax[0]["column"]
    assert repo.head() == head


def test_a_literal_secret_is_refused_with_its_place(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    token = "".join(["aB3dE5", "gH7jK9", "mN1pQ3", "rS"])  # 20 characters, the shape of a Plex token
    text = repo.read_file("config.yml")[0].decode().replace("token: <<plextoken>>", f"token: {token}", 1)
    error = envelope(put(client, "config.yml", text, head), 422)["error"]
    assert error["code"] == "secret_detected"
    (finding,) = error["details"]["findings"]
    assert (finding["file"], finding["kind"], finding["pointer"]) == (
        "config.yml",
        "plex_token",
        "/plex/token",
    )
    assert finding["line"] == text[: text.index(token)].count("\n") + 1
    assert "<<plextoken>>" in finding["message"]
    assert repo.head() == head


def test_schema_error_is_422_with_the_pointer(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    text = repo.read_file("config.yml")[0].decode().replace("libraries:", "libraries: 5\nunused:", 1)
    problems = envelope(put(client, "config.yml", text, head), 422)["error"]["details"]["problems"]
    errors = [p for p in problems if p["severity"] == "error"]
    assert errors and all(
        set(p) >= {"file", "line", "column", "pointer", "code", "message", "hint"} for p in errors
    )
    assert any(p["pointer"].startswith("/libraries") and p["line"] for p in errors)
    assert repo.head() == head


def test_collection_schema_error(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    text = "collections:\n  Bad:\n    plex_search: {all: {genre: Comedy}}\n    sync_mode: sometimes\n"
    problems = envelope(put(client, "collections/bad.yml", text, head), 422)["error"]["details"]["problems"]
    assert any(p["line"] == 4 and p["severity"] == "error" for p in problems)
    assert repo.head() == head


@pytest.mark.parametrize(
    "url",
    [
        "/api/files/collections/../config.yml",
        "/api/files/%2e%2e/outside.yml",
        "/api/files//etc/passwd",
        "/api/files/.git/config",
        "/api/files/collections/.GIT/x.yml",
    ],
)
def test_unsafe_paths_are_refused_and_change_nothing(client: FlaskClient, repo: ConfigRepo, url: str) -> None:
    """A path the document's pattern refuses is a 400 naming it; one only git's rules refuse, a 422."""
    head = repo.head()
    status = 422 if ".git" in url.lower() else 400
    resp = client.put(url, json={"content": "collections: {}\n", "base": head})
    details = envelope(resp, status)["error"]["details"]
    assert details.get("path") or details.get("field") == "path"
    assert client.get(url).status_code == status
    assert repo.head() == head


def test_body_over_the_limit_is_413(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    big = json.dumps({"content": "# " + "x" * (5 * 1024 * 1024), "base": head})
    resp = client.put(f"/api/files/{MOVIES}", data=big, content_type="application/json")
    assert error_code(resp, 413) == "payload_too_large"
    assert repo.head() == head


def test_a_chunked_body_over_the_limit_is_413_too(client: FlaskClient, repo: ConfigRepo) -> None:
    """Without Content-Length the body is cut at the limit; it must not then pass for malformed JSON."""
    head = repo.head()
    big = json.dumps({"content": "# " + "x" * (5 * 1024 * 1024), "base": head}).encode()
    resp = client.put(
        f"/api/files/{MOVIES}",
        input_stream=io.BytesIO(big),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn sets it for chunked bodies
    )
    error = envelope(resp, 413)["error"]
    assert error["code"] == "payload_too_large" and "5,242,880 bytes" in error["message"]
    assert repo.head() == head


def test_json_mistakes_are_named(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    url = f"/api/files/{MOVIES}"
    broken = envelope(
        client.put(url, data='{"content": "a",\n "base": }', content_type="application/json"), 400
    )
    assert (
        broken["error"]["details"] == {"line": 2, "column": 10}
        and "Expecting value" in broken["error"]["message"]
    )
    null = envelope(client.put(url, data="null", content_type="application/json"), 400)["error"]
    assert null["message"] == "the request body must be a JSON object, not null"
    deep = '{"content": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert (
        "nests too deeply"
        in envelope(client.put(url, data=deep, content_type="application/json"), 400)["error"]["message"]
    )
    lone = '{"content": "collections:\\n  A\\ud800:\\n    plex_all: true\\n", "base": "' + head + '"}'
    error = envelope(client.put(url, data=lone, content_type="application/json"), 400)["error"]
    assert error["details"] == {"field": "content"} and "unpaired surrogate" in error["message"]
    nested = {
        "base": head,
        "changes": [{"path": "a.yml", "content": "ok"}, {"path": "b.yml", "content": "x\ud800"}],
    }
    raw = json.dumps(nested)
    error = envelope(client.post("/api/files", data=raw, content_type="application/json"), 400)["error"]
    assert error["details"] == {"field": "changes[1].content"}
    assert repo.head() == head


def test_malformed_json_and_wrong_content_type(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    url = f"/api/files/{MOVIES}"
    assert (
        error_code(client.put(url, data="{not json", content_type="application/json"), 400) == "bad_request"
    )
    assert (
        error_code(client.put(url, data="content=x", content_type="text/plain"), 415)
        == "unsupported_media_type"
    )
    assert error_code(client.put(url, json=["a list"]), 400) == "bad_request"
    missing = envelope(client.put(url, json={"content": "a: 1\n"}), 400)
    assert missing["error"]["details"] == {"field": "base"}
    assert error_code(client.put(url, json={"content": 5, "base": head}), 400) == "bad_request"
    assert repo.head() == head


def test_conflict_is_409_with_both_versions(client: FlaskClient, repo: ConfigRepo) -> None:
    base = repo.head()
    original = repo.read_file(MOVIES)[0].decode()
    theirs, yours = original + "\n# theirs\n", original + "\n# yours\n"
    envelope(put(client, MOVIES, theirs, base), 200)
    head = repo.head()
    details = envelope(put(client, MOVIES, yours, base), 409)["error"]["details"]
    files = [{"path": MOVIES, "theirs": theirs, "yours": yours}]
    assert details == {
        "base": base,
        "head": head,
        "paths": [MOVIES],
        "files": files,
        "theirs": theirs,
        "yours": yours,
    }
    assert repo.head() == head


def test_stale_base_on_another_file_is_applied(client: FlaskClient, repo: ConfigRepo) -> None:
    base = repo.head()
    envelope(put(client, MOVIES, repo.read_file(MOVIES)[0].decode() + "# a\n", base), 200)
    tv = repo.read_file("collections/tv.yml")[0].decode() + "# b\n"
    data = envelope(put(client, "collections/tv.yml", tv, base), 200)["data"]
    assert data["parents"] != [base] and repo.read_file(MOVIES)[0].endswith(b"# a\n")


def test_delete(client: FlaskClient, repo: ConfigRepo) -> None:
    spare = "collections/spare.yml"  # config.yml does not reference it, so it may go
    envelope(put(client, spare, "collections: {}\n", repo.head()), 200)
    base = repo.head()
    assert error_code(client.delete(f"/api/files/{spare}"), 400) == "bad_request"
    data = envelope(client.delete(f"/api/files/{spare}?base={base}"), 200)["data"]
    assert data["message"] == f"Delete {spare}" and data["files"] == [spare]
    assert error_code(client.get(f"/api/files/{spare}"), 404) == "not_found"
    assert error_code(client.delete(f"/api/files/{spare}?base={repo.head()}"), 404) == "not_found"


def test_delete_conflict(client: FlaskClient, repo: ConfigRepo) -> None:
    spare = "collections/spare.yml"
    envelope(put(client, spare, "collections: {}\n", repo.head()), 200)
    base = repo.head()
    edited = "collections: {}\n# edit\n"
    envelope(put(client, spare, edited, base), 200)
    details = envelope(client.delete(f"/api/files/{spare}?base={base}"), 409)["error"]["details"]
    assert details["theirs"] == edited and details["yours"] is None


# ---------------------------------------------------------------------- envelope and schemas


def test_unknown_routes_and_methods(client: FlaskClient) -> None:
    assert error_code(client.get("/api/nothing-here"), 404) == "not_found"
    resp = client.patch("/api/files")
    assert error_code(resp, 405) == "method_not_allowed"
    assert "GET" in resp.headers["Allow"]


def test_unexpected_errors_are_500_envelopes(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ConfigRepo, "list_tree", boom)
    body = envelope(client.get("/api/files"), 500)
    assert body["error"]["code"] == "internal_error" and "fire" not in body["error"]["message"]


def test_schemas_are_served(client: FlaskClient) -> None:
    resp = client.get("/schemas/config.json")
    assert resp.status_code == 200 and resp.mimetype == "application/schema+json"
    assert json.loads(resp.data) == json.loads((REPO_ROOT / "schemas" / "config.json").read_text())
    assert client.get("/schemas/collection.json").status_code == 200


@pytest.mark.parametrize(
    "url", ["/schemas/nope.json", "/schemas/..%2fpyproject.json", "/schemas/README.json"]
)
def test_unknown_schemas_are_404(client: FlaskClient, url: str) -> None:
    assert error_code(client.get(url), 404) == "not_found"
