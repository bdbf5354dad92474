"""``POST /api/import`` and ``POST /api/import/commit`` over real HTTP with real .zip files of a Kometa
config folder: paths mapped, secrets into the store and never into git, unsafe archives refused."""

from __future__ import annotations

import io
import stat
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from panel import create_app
from panel.api.common import stored_secret_values
from panel.api.preview_answers import ImportedCommit, StagedImport
from panel.import_zip import MAX_FILES
from panel.settings import Settings
from tests.support.panel_http import serve, signed_in

PLEX_TOKEN = "Zq8xW2vB7nKpL4mR9tYc"
TMDB_KEY = "0123456789abcdef0123456789abcdef"
CONFIG = f"""\
## Kometa config as it runs in a container: /config is this folder
libraries:
  Movies:
    collection_files:
      - file: config/Movies.yml        # beside the config, the way the docs write it
      - folder: /config/extra/
  TV Shows:
    collection_files:
      - file: /config/TV Shows.yml
plex:
  url: http://192.168.1.12:32400
  token: {PLEX_TOKEN}
  timeout: 60
tmdb:
  apikey: "{TMDB_KEY}"
  language: en
settings:
  asset_directory: config/assets
"""
MOVIES = """\
templates:
  By Genre:
    plex_search:
      all:
        genre: <<genre>>
collections:
  Action:
    template: {name: By Genre, genre: Action}
"""
EXTRA = "collections:\n  Recent:\n    plex_search:\n      all:\n        year.gte: 2020\n"
SHOWS = "collections:\n  Dramas:\n    plex_search:\n      all:\n        genre: Drama\n"
FOLDER = {
    "config/config.yml": CONFIG,
    "config/Movies.yml": MOVIES,
    "config/extra/Recent.yml": EXTRA,
    "config/TV Shows.yml": SHOWS,
    "config/logs/meta.log": "[2024-01-01] run\n",
    "config/config.cache": "cache",
}


def zipped(files: dict[str, str | bytes], extra: list[zipfile.ZipInfo] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for info in extra or []:
            archive.writestr(info, b"x")
    return buffer.getvalue()


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app(Settings(data_dir=tmp_path / "data", secrets_key="import-test-secrets-key"))
    app.testing = True
    return app


@pytest.fixture
def panel(app: Flask) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture
def admin(app: Flask, panel: str) -> requests.Session:
    return signed_in(app, panel, "admin", "admin")


def stage_zip(client: requests.Session, panel: str, data: bytes, status: int = 200) -> dict[str, Any]:
    files = {"file": ("kometa-config.zip", data, "application/zip")}
    answer = client.post(f"{panel}/api/import", files=files, timeout=60)
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    if status == 200:
        StagedImport.model_validate(body["data"])
    return body["data"] if status == 200 else body["error"]


def head(client: requests.Session, panel: str) -> str:
    commit: str = client.get(f"{panel}/api/files", timeout=30).json()["data"]["commit"]
    return commit


def git_history(app: Flask) -> str:
    """Every version of every file in every commit of the repository, as text."""
    repo = app.extensions["kometa_repo"].path
    return subprocess.run(
        ["git", "-C", str(repo), "log", "--all", "-p", "--full-history", "--format=%H %s"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_staging_maps_paths_proposes_secrets_and_commits_nothing(admin: requests.Session, panel: str) -> None:
    before = head(admin, panel)
    data = stage_zip(
        admin, panel, zipped({**FOLDER, "config/assets/poster.png": b"\x89PNG\r\n\x1a\n\x00\x00"})
    )
    files = {f["path"]: f for f in data["files"]}
    assert set(files) == {"config.yml", "Movies.yml", "extra/Recent.yml", "TV Shows.yml"}
    config = files["config.yml"]["content"]
    assert "- file: Movies.yml        # beside the config" in config
    assert "- folder: extra/" in config and "- file: TV Shows.yml" in config
    assert "asset_directory: config/assets" in config  # the assets were not uploaded (binary)
    assert PLEX_TOKEN not in config and TMDB_KEY not in config
    assert "token: <<plextoken>>" in config and 'apikey: "<<tmdb_apikey>>"' in config
    secrets = {s["name"]: s for s in data["secrets"]}
    assert set(secrets) == {"plextoken", "tmdb_apikey"}
    assert secrets["plextoken"]["placeholder"] == "<<plextoken>>"
    assert secrets["plextoken"]["where"] == [
        {"file": "config.yml", "line": 12, "column": 10, "pointer": "/plex/token"}
    ]
    assert PLEX_TOKEN not in str(data["secrets"]) and PLEX_TOKEN not in data["stage"]
    skipped = {s["path"] for s in data["skipped"]}
    assert skipped == {"config/logs/meta.log", "config/config.cache", "config/assets/poster.png"}
    assert all(p["severity"] != "error" for f in data["files"] for p in f["problems"]), data["files"]
    assert any("tmdb" in p["message"] for p in files["config.yml"]["problems"])  # not run here: a warning
    assert data["base"] == before == head(admin, panel)


def test_commit_lands_one_commit_and_the_token_only_in_the_secret_store(
    app: Flask, admin: requests.Session, panel: str
) -> None:
    data = stage_zip(admin, panel, zipped(FOLDER))
    files = [{"path": f["path"], "content": f["content"]} for f in data["files"]]
    assert data["replaced"] == ["config.yml"]
    before = {
        f["path"] for f in admin.get(f"{panel}/api/files?limit=500", timeout=30).json()["data"]["items"]
    }
    assert data["untouched"] == sorted(before - {"config.yml"})
    body = {
        "base": data["base"],
        "files": files,
        "stage": data["stage"],
        "secrets_confirmed": ["plextoken", "tmdb_apikey"],
        "delete": ["collections/movies.yml", "collections/tv.yml"],
    }
    answer = admin.post(f"{panel}/api/import/commit", json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    commit = answer.json()["data"]
    ImportedCommit.model_validate(commit)
    assert commit["parents"] == [data["base"]] and commit["secrets_stored"] == ["plextoken", "tmdb_apikey"]
    assert set(commit["files"]) == {
        "config.yml",
        "Movies.yml",
        "extra/Recent.yml",
        "TV Shows.yml",
        "collections/movies.yml",
        "collections/tv.yml",
    }
    tree = {f["path"] for f in admin.get(f"{panel}/api/files?limit=500", timeout=30).json()["data"]["items"]}
    deleted = {"collections/movies.yml", "collections/tv.yml"}
    assert tree == (before - deleted) | {"Movies.yml", "extra/Recent.yml", "TV Shows.yml"}
    with app.test_request_context():
        assert stored_secret_values() == {"plextoken": PLEX_TOKEN, "tmdb_apikey": TMDB_KEY}
    history = git_history(app)
    assert commit["sha"] in history and PLEX_TOKEN not in history and TMDB_KEY not in history
    libraries = admin.get(f"{panel}/api/libraries/Movies", timeout=60).json()["data"]
    blocks = libraries["libraries"][0]["collection_files"]
    assert [f["path"] for b in blocks for f in b["files"]] == ["Movies.yml", "extra/Recent.yml"]
    assert all(b["error"] is None for b in blocks)
    listed = admin.get(f"{panel}/api/secrets", timeout=30).json()["data"]
    assert {s["name"] for s in listed["items"]} == {"plextoken", "tmdb_apikey"} and listed["missing"] == []


def test_a_literal_token_left_in_the_files_refuses_the_commit(
    app: Flask, admin: requests.Session, panel: str
) -> None:
    data = stage_zip(admin, panel, zipped(FOLDER))
    files = [
        {"path": f["path"], "content": f["content"].replace("<<plextoken>>", PLEX_TOKEN)}
        for f in data["files"]
    ]
    body = {
        "base": data["base"],
        "files": files,
        "stage": data["stage"],
        "secrets_confirmed": ["tmdb_apikey"],
    }
    answer = admin.post(f"{panel}/api/import/commit", json=body, timeout=60)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "secret_detected"
    assert head(admin, panel) == data["base"] and PLEX_TOKEN not in git_history(app)
    with app.test_request_context():
        assert stored_secret_values() == {}  # nothing of a refused import is kept


def test_commit_refuses_what_the_staging_did_not_find_and_editors_storing_secrets(
    app: Flask, admin: requests.Session, panel: str
) -> None:
    data = stage_zip(admin, panel, zipped(FOLDER))
    files = [{"path": f["path"], "content": f["content"]} for f in data["files"]]
    base = {"base": data["base"], "files": files}
    cases = [
        (
            {**base, "stage": data["stage"], "secrets_confirmed": ["radarr_token"]},
            422,
            "secrets_confirmed[0]",
        ),
        ({**base, "stage": data["stage"][:-4] + "AAAA", "secrets_confirmed": ["plextoken"]}, 422, "stage"),
        ({**base, "files": [], "stage": data["stage"]}, 400, "files"),
        ({**base, "files": [{"path": "../up.yml", "content": "a: 1"}]}, 400, "files[0]"),
    ]
    for body, status, field in cases:
        answer = admin.post(f"{panel}/api/import/commit", json=body, timeout=60)
        assert answer.status_code == status, answer.text
        assert answer.json()["error"]["details"]["field"] == field
    editor = signed_in(app, panel, "editor", "editor")
    body = {**base, "stage": data["stage"], "secrets_confirmed": ["plextoken"]}
    answer = editor.post(f"{panel}/api/import/commit", json=body, timeout=60)
    assert answer.status_code == 403 and answer.json()["error"]["details"]["required_role"] == "admin"
    assert head(admin, panel) == data["base"]
    with app.test_request_context():
        assert stored_secret_values() == {}


def test_a_json_list_of_files_stages_like_a_zip(admin: requests.Session, panel: str) -> None:
    files = [{"path": path, "content": text} for path, text in FOLDER.items()]
    answer = admin.post(f"{panel}/api/import", json={"files": files}, timeout=60)
    assert answer.status_code == 200, answer.text
    staged = {f["path"]: f["content"] for f in answer.json()["data"]["files"]}
    assert "- folder: extra/" in staged["config.yml"] and "<<plextoken>>" in staged["config.yml"]


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("archive", "entry", "words"),
    [
        (
            lambda: zipped({**FOLDER, "config/../../etc/cron.yml": "x: 1"}),
            "config/../../etc/cron.yml",
            "'..'",
        ),
        (lambda: zipped({**FOLDER, "/etc/passwd.yml": "x: 1"}), "/etc/passwd.yml", "absolute"),
        (lambda: zipped({**FOLDER, "C:/boot.yml": "x: 1"}), "C:/boot.yml", "absolute"),
        (lambda: zipped({**FOLDER, "config\\evil.yml": "x: 1"}), "config\\evil.yml", "backslash"),
        (lambda: zipped(FOLDER, [_symlink("config/link.yml")]), "config/link.yml", "symbolic link"),
        (
            lambda: zipped({**FOLDER, "config/bomb.yml": b"0" * (30 * 1024 * 1024)}),
            "config/bomb.yml",
            "larger",
        ),
    ],
    ids=["traversal", "absolute", "drive", "backslash", "symlink", "bomb"],
)
def test_unsafe_archives_are_refused_naming_the_entry(
    admin: requests.Session, panel: str, archive: Any, entry: str, words: str
) -> None:
    data = archive()
    error = stage_zip(admin, panel, data, 422)
    assert error["code"] == "bad_upload" and error["details"]["entry"] == entry
    assert entry in error["message"] and words in error["message"]


def test_too_many_files_and_no_zip_are_refused(admin: requests.Session, panel: str) -> None:
    many = {f"config/c{i}.yml": "collections: {}\n" for i in range(MAX_FILES + 1)}
    error = stage_zip(admin, panel, zipped(many), 422)
    assert f"more than {MAX_FILES} files" in error["message"]
    error = stage_zip(admin, panel, b"PK\x03\x04 not really a zip", 422)
    assert "not a readable .zip" in error["message"]
    error = stage_zip(admin, panel, zipped({"Movies.yml": MOVIES}), 422)
    assert "no config.yml" in error["message"]


def test_a_zip_bomb_is_small_on_the_wire(admin: requests.Session, panel: str) -> None:
    """The bomb of the parametrized test really is one: its archive is far below the body limit."""
    assert len(zipped({"config/bomb.yml": b"0" * (30 * 1024 * 1024)})) < 100 * 1024


def test_import_needs_a_signed_in_editor(app: Flask, panel: str) -> None:
    data = zipped(FOLDER)
    files = {"file": ("kometa-config.zip", data, "application/zip")}
    assert requests.post(f"{panel}/api/import", files=files, timeout=30).status_code == 401
    viewer = signed_in(app, panel, "viewer", "viewer")
    assert viewer.post(f"{panel}/api/import", files=files, timeout=30).status_code == 403
