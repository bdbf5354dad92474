"""What the API blueprints share: the config repository, the commit object, and validation of edits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from modules.validate import validate_text
from panel.api.envelope import ApiError
from panel.repo import Author, Commit, ConfigRepo
from panel.secret_scan import scan_files
from panel.settings import Settings

YAML_SUFFIXES = (".yml", ".yaml")
KIND_BY_FOLDER = {
    "collections": "collection",
    "overlays": "overlay",
    "playlists": "playlist",
    "metadata": "metadata",
}


def get_settings() -> Settings:
    """The running app's settings."""
    settings: Settings = current_app.extensions["kometa_settings"]
    return settings


def get_repo() -> ConfigRepo:
    """The running app's config repository."""
    repo: ConfigRepo = current_app.extensions["kometa_repo"]
    return repo


def get_author() -> Author:
    """Who the current edit is by: the signed-in user, or the panel's own author outside a request."""
    from panel.auth import current_user

    user = current_user()
    if user is None:
        return get_settings().author
    return Author(user.username, f"{user.username}@kometa-panel.local")


def commit_dict(commit: Commit) -> dict[str, Any]:
    """The API's commit object ``{sha, author: {name, email}, message, time, parents, files}``."""
    return {
        "sha": commit.sha,
        "author": {"name": commit.author_name, "email": commit.author_email},
        "message": commit.message,
        "time": commit.time,
        "parents": commit.parents,
        "files": commit.files,
    }


def kind_for(path: str) -> str | None:
    """The file kind a path implies (config.yml, collections/...), or None to detect it from the keys."""
    if path == "config.yml":
        return "config"
    folder = path.split("/", 1)[0] if "/" in path else ""
    return KIND_BY_FOLDER.get(folder)


def check_changes(changes: Mapping[str, bytes | None]) -> None:
    """Refuse an edit whose new YAML files have error-severity problems (422 ``validation_failed``).

    Every problem (warnings too) is returned in ``details.problems``.
    """
    problems: list[dict[str, Any]] = []
    for path, data in sorted(changes.items()):
        if data is None or not path.lower().endswith(YAML_SUFFIXES):
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(_problem(path, "encoding", f"the file is not UTF-8 text: {exc.reason}"))
            continue
        problems.extend(p.to_dict() for p in validate_text(text, path, kind_for(path)))
    errors = [p for p in problems if p["severity"] == "error"]
    if not errors:
        _refuse_secrets(changes)
    if errors:
        first = errors[0]
        place = ":".join(str(first[k]) for k in ("file", "line", "column") if first[k] is not None)
        message = f"{len(errors)} error(s); first at {place}: {first['message']}"
        raise ApiError(422, "validation_failed", message, {"problems": problems})


def _refuse_secrets(changes: Mapping[str, bytes | None]) -> None:
    """Secrets never enter git: a token or key written literally refuses the commit (422 ``secret_detected``)."""
    texts = {
        path: data.decode("utf-8", errors="replace")
        for path, data in changes.items()
        if data is not None and path.lower().endswith(YAML_SUFFIXES)
    }
    findings = scan_files(texts)
    if findings:
        first = findings[0]
        message = f"{len(findings)} secret(s) found; first at {first.file}:{first.line}:{first.column}: {first.message}"
        raise ApiError(422, "secret_detected", message, {"findings": [f.to_dict() for f in findings]})


def _problem(path: str, code: str, message: str) -> dict[str, Any]:
    return {
        "file": path,
        "line": None,
        "column": None,
        "pointer": "",
        "severity": "error",
        "code": code,
        "message": message,
        "hint": None,
    }
