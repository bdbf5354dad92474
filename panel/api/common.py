"""What the API blueprints share: the config repository, the commit object, and validation of edits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from modules.yaml_nodes import reusing
from panel.api.envelope import ApiError
from panel.db import Secret, get_session
from panel.repo import Author, Commit, ConfigRepo, RevisionError
from panel.secret_refusals import check_not_limited, record_refusal
from panel.secret_scan import scan_files
from panel.secrets import all_secrets, decrypt, fernet_for, load_secrets_key, readable
from panel.settings import Settings
from panel.tree_check import YAML_SUFFIXES, ProblemDict, Reader, apply_edit, blocking, tree_problems

# The largest YAML file a write may hold: one this size is validated, scanned and committed within 2 s
# (``bench/api.py``, ``large_write``); the validator and the secret scan read a whole file at once.
MAX_YAML_BYTES = 1024 * 1024


def get_settings() -> Settings:
    """The running app's settings."""
    settings: Settings = current_app.extensions["kometa_settings"]
    return settings


def get_repo() -> ConfigRepo:
    """The running app's config repository."""
    repo: ConfigRepo = current_app.extensions["kometa_repo"]
    return repo


def resolve_base(base: str) -> str:
    """The full sha of a write's ``base``; 422 naming the field when it is no commit (a stale or mistyped
    base is the client's mistake, not a missing resource)."""
    try:
        return get_repo().resolve(base)
    except RevisionError as exc:
        raise ApiError(422, "unprocessable", f"'base' {exc.rev!r} {exc.what}", {"field": "base"}) from exc


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


def check_changes(
    changes: Mapping[str, bytes | None], renames: Mapping[str, str] | None = None, base: str | None = None
) -> None:
    """Refuse an edit that writes a YAML file over ``MAX_YAML_BYTES`` (413), leaves the tree with new
    errors (422 ``validation_failed``) or writes a literal secret (422 ``secret_detected``); see
    :func:`check_tree`. A user who had too many writes refused for stored secrets' values is refused
    first (429, :mod:`panel.secret_refusals`)."""
    check_not_limited()
    refuse_large_yaml(changes)
    with reusing():  # the scan reads the nodes the validation composed
        check_tree(changes, renames, base)
        _refuse_secrets(changes)


def refuse_large_yaml(changes: Mapping[str, bytes | None]) -> None:
    """413 naming the first YAML file written larger than ``MAX_YAML_BYTES``, before anything parses it."""
    for path, data in sorted(changes.items()):
        if data is not None and len(data) > MAX_YAML_BYTES and path.lower().endswith(YAML_SUFFIXES):
            message = (
                f"{path} is {len(data):,} bytes; a YAML file may be at most {MAX_YAML_BYTES:,} bytes "
                "(split it into several files)"
            )
            details = {"path": path, "size": len(data), "limit": MAX_YAML_BYTES}
            raise ApiError(413, "payload_too_large", message, details)


def check_secrets(changes: Mapping[str, bytes | None]) -> None:
    """The secret half of :func:`check_changes` alone (422 ``secret_detected``)."""
    _refuse_secrets(changes)


def check_tree(
    changes: Mapping[str, bytes | None], renames: Mapping[str, str] | None = None, base: str | None = None
) -> None:
    """Refuse an edit that leaves the tree with errors it did not have (422 ``validation_failed``).

    The edit is applied to ``base`` (default ``main``, where it will land) and the whole resulting tree
    is validated; every problem of it (warnings too) is returned in ``details.problems``, the new
    errors that refuse it in ``details.blocking``.
    """
    refuse_large_yaml(changes)
    problems, new = tree_report(changes, renames, base)
    if new:
        first = new[0]
        place = ":".join(str(first[k]) for k in ("file", "line", "column") if first[k] is not None)
        message = f"{len(new)} error(s); first at {place}: {first['message']}"
        raise ApiError(422, "validation_failed", message, {"problems": problems, "blocking": new})


def tree_report(
    changes: Mapping[str, bytes | None], renames: Mapping[str, str] | None = None, base: str | None = None
) -> tuple[list[ProblemDict], list[ProblemDict]]:
    """Every problem of the tree ``base`` (default ``main``) would be after the edit, and the new errors
    among them (those that refuse it)."""
    repo = get_repo()
    before = {str(i["path"]): str(i["blob"]) for i in repo.list_tree(repo.resolve(base or "main"))}
    read = _reader(repo)
    after, read_after = apply_edit(before, read, changes, renames)
    secrets = secret_names()
    problems = tree_problems(after, read_after, secrets)
    return problems, blocking(tree_problems(before, read, secrets), problems)


def secret_names() -> list[str] | None:
    """Names in the secret store, or None when it is empty or cannot be read."""
    try:
        with get_session().get_bind().engine.connect() as conn:
            names = list(conn.scalars(select(Secret.name)))
    except SQLAlchemyError:
        return None
    return names or None


def secrets_fernet() -> Fernet:
    """The app's secret store cipher, built on first use (which generates the key file when no key is set)."""
    extensions = current_app.extensions
    if "kometa_secrets_fernet" not in extensions:
        extensions["kometa_secrets_fernet"] = fernet_for(load_secrets_key(get_settings()))
    fernet: Fernet = extensions["kometa_secrets_fernet"]
    return fernet


def stored_secret_values() -> dict[str, str]:
    """Name -> value of every stored secret the key opens (an unreadable table gives none)."""
    try:
        rows = all_secrets(get_session())
    except SQLAlchemyError:
        return {}
    if not rows:
        return {}
    fernet = secrets_fernet()
    return {row.name: decrypt(fernet, row) for row in rows if readable(fernet, row)}


def _reader(repo: ConfigRepo) -> Reader:
    odb = repo.repo.odb
    return lambda sha: bytes(odb.stream(bytes.fromhex(sha)).read())


def _as_text(data: bytes) -> str | None:
    """A file's text, or None for a binary file (a poster): nothing to scan there."""
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _refuse_secrets(changes: Mapping[str, bytes | None]) -> None:
    """Secrets never enter git: a token or key, or the value of a stored secret, written literally in any
    text file (YAML, ``.env``, notes) refuses the commit (422 ``secret_detected``)."""
    texts = {path: text for path, data in changes.items() if data is not None and (text := _as_text(data))}
    stored = stored_secret_values()
    findings = sorted(
        scan_files(texts, stored),
        key=lambda f: (f.file, f.line, f.column, f.kind),
    )
    if findings:
        findings = record_refusal(findings, stored)
        first = findings[0]
        message = f"{len(findings)} secret(s) found; first at {first.file}:{first.line}:{first.column}: {first.message}"
        raise ApiError(422, "secret_detected", message, {"findings": [f.to_dict() for f in findings]})
