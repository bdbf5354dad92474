"""``/api/files``: the tree, one file, and writes/deletes as compare-and-swap commits on ``main``.

``POST /api/files`` commits several creates, updates, deletes and renames at once: one commit, validated as
the tree it leaves, or nothing.

A write whose content equals ``main``'s answers 200 with the unchanged head commit and
``unchanged: true`` (no commit is made); every other successful write answers ``unchanged: false``.
Every commit made through the API is audited (``commit``, ``revert`` or ``restore``, with its paths).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, request

from panel.api.common import check_changes, check_tree, commit_dict, get_author, get_repo, resolve_base
from panel.api.envelope import ApiError, field_str, json_body, ok
from panel.api.paging import PAGED, paged
from panel.auth import current_user
from panel.db import audit, get_session
from panel.openapi import documented, query_param
from panel.repo import Commit, ConfigRepo, ConflictError, NoChangeError, NotFoundError, PathError, check_path

bp = Blueprint("files", __name__)
AUDIT_TARGET_MAX = 255
REV = query_param("The commit, branch or tag to read at (default main)")
BASE = {"type": "string", "description": "The commit the edit is based on (compare-and-swap)"}
MESSAGE = {"type": "string", "description": "The commit message (a default names what changed)"}
FILE_WRITE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "content": {"type": "string", "description": "The whole new text of the file"},
        "base": BASE,
        "message": MESSAGE,
    },
    "required": ["content", "base"],
}
MAX_BATCH = 1000
FILE_CHANGE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "The file written, deleted, or renamed to"},
        "content": {"type": "string", "description": "Its whole new text (with 'from': the renamed file's)"},
        "delete": {"type": "boolean", "description": "true deletes the file"},
        "from": {
            "type": "string",
            "description": "Rename this file to 'path' (keeping it, or with 'content')",
        },
    },
    "required": ["path"],
}
BATCH_WRITE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "base": BASE,
        "message": MESSAGE,
        "changes": {"type": "array", "items": FILE_CHANGE, "minItems": 1, "maxItems": MAX_BATCH},
    },
    "required": ["base", "changes"],
}


def audit_commit(commit: Commit, action: str = "commit") -> None:
    """Record a commit the API made: the paths as the target, ``{sha, message, paths}`` as details."""
    target = ", ".join(commit.files)
    if len(target) > AUDIT_TARGET_MAX:
        target = target[: AUDIT_TARGET_MAX - 3] + "..."
    user = current_user()
    session = get_session()
    audit(
        session,
        action,
        user=user.username if user else None,
        target=target,
        sha=commit.sha,
        message=commit.message,
        paths=commit.files,
    )
    session.commit()


def _text(data: bytes) -> tuple[str, bool]:
    """File content as text, and whether it was binary (then decoded with replacement characters)."""
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace"), True


@bp.get("/files")
@documented(query={"rev": REV, "prefix": query_param("Only files under this folder"), **PAGED})
def list_files() -> tuple[Response, int]:
    """The files at ``?rev=`` (default main), optionally under ``?prefix=``, by path; paged."""
    repo = get_repo()
    sha = repo.resolve(request.args.get("rev") or "main")
    items = repo.list_tree(sha, request.args.get("prefix") or "")
    return ok({"commit": sha, **paged(items, lambda item: (str(item["path"]),), dict)})


@bp.get("/files/<anypath:path>")
@documented(query={"rev": REV})
def get_file(path: str) -> tuple[Response, int]:
    """The file object ``{path, content, blob, commit, binary}`` read at the resolved ``?rev=``."""
    repo = get_repo()
    check_path(path)
    sha = repo.resolve(request.args.get("rev") or "main")
    data, blob = repo.read_file(path, sha)
    content, binary = _text(data)
    return ok({"path": path, "content": content, "blob": blob, "commit": sha, "binary": binary})


@bp.put("/files/<anypath:path>")
@documented(body=FILE_WRITE)
def put_file(path: str) -> tuple[Response, int]:
    """Create or replace a file: JSON ``{content, base, message?}``; validated before it is committed."""
    check_path(path)
    body = json_body()
    content = field_str(body, "content") or ""
    base = resolve_base(field_str(body, "base") or "")
    message = field_str(body, "message", required=False) or f"Update {path}"
    changes: dict[str, bytes | None] = {path: content.encode("utf-8")}
    check_changes(changes)  # before the repository is touched: a stale base still learns what is wrong
    return write_changes(get_repo(), changes, base, message)


@bp.post("/files")
@documented(body=BATCH_WRITE)
def post_files() -> tuple[Response, int]:
    """Several files in one commit: JSON ``{base, message?, changes: [{path, content | delete | from}]}``."""
    body = json_body()
    base = resolve_base(field_str(body, "base") or "")
    message = field_str(body, "message", required=False) or ""
    changes, renames = batch_changes(body.get("changes"))
    check_changes(changes, renames)
    return write_changes(get_repo(), changes, base, message, renames)


def batch_changes(raw: Any) -> tuple[dict[str, bytes | None], dict[str, str]]:
    """The ``changes`` list of a batch write as repository changes and renames (old -> new); 400 naming
    the item (``changes[3].path``) for anything malformed."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_BATCH:
        raise ApiError(
            400, "bad_request", f"'changes' must be a list of 1 to {MAX_BATCH} changes", {"field": "changes"}
        )
    changes: dict[str, bytes | None] = {}
    renames: dict[str, str] = {}
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"changes[{index}]"
        if not isinstance(item, dict):
            raise ApiError(400, "bad_request", f"'{where}' must be an object", {"field": where})
        unknown = sorted(set(item) - set(FILE_CHANGE["properties"]))
        if unknown:
            raise ApiError(
                400, "bad_request", f"'{where}.{unknown[0]}' is not a known field", {"field": where}
            )
        path = _item_str(item, "path", where, required=True) or ""
        source = _item_str(item, "from", where)
        content = _item_str(item, "content", where)
        delete = item.get("delete", False)
        if not isinstance(delete, bool):
            field = f"{where}.delete"
            raise ApiError(400, "bad_request", f"'{field}' must be true or false", {"field": field})
        if delete and (content is not None or source is not None):
            raise ApiError(
                400, "bad_request", f"'{where}' deletes, so it takes no 'content' or 'from'", {"field": where}
            )
        if not delete and content is None and source is None:
            raise ApiError(
                400, "bad_request", f"'{where}' needs 'content', 'delete' or 'from'", {"field": where}
            )
        for touched in (path, source):
            if touched is None:
                continue
            _checked_path(touched, where)
            if touched in seen:
                raise ApiError(400, "bad_request", f"'{where}': {touched} is changed twice", {"field": where})
            seen.add(touched)
        if source is not None:
            renames[source] = path
        if delete:
            changes[path] = None
        elif content is not None:
            changes[path] = content.encode("utf-8")
    return changes, renames


def _item_str(item: dict[str, Any], name: str, where: str, *, required: bool = False) -> str | None:
    """``item[name]`` as a string (None when absent and optional); 400 naming ``changes[i].name``."""
    value = item.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        want = "is required and must be a path" if value is None else "must be a non-empty string"
        raise ApiError(400, "bad_request", f"'{where}.{name}' {want}", {"field": f"{where}.{name}"})
    return value


def _checked_path(path: str, where: str) -> None:
    try:
        check_path(path)
    except PathError as exc:
        raise ApiError(
            400,
            "bad_request",
            f"'{where}': bad path {exc}",
            {"field": where, "path": exc.path, "reason": exc.reason},
        ) from exc


@bp.delete("/files/<anypath:path>")
@documented(
    query={
        "base": query_param("The commit the deletion is based on", required=True),
        "message": query_param("The commit message"),
    }
)
def delete_file(path: str) -> tuple[Response, int]:
    """Delete a file as a new commit on ``?base=``."""
    check_path(path)
    base = request.args.get("base")
    if not base:
        raise ApiError(
            400, "bad_request", "'base' (the commit the deletion is based on) is required", {"field": "base"}
        )
    base = resolve_base(base)
    message = request.args.get("message") or f"Delete {path}"
    check_changes({path: None})
    return write_changes(get_repo(), {path: None}, base, message)


def write_changes(
    repo: ConfigRepo,
    changes: dict[str, bytes | None],
    base: str,
    message: str,
    renames: dict[str, str] | None = None,
) -> tuple[Response, int]:
    """Commit ``changes`` and ``renames``, checked again on the head they land on; 409 with both versions
    of each contested file on a conflict, 200 ``unchanged`` for a no-op."""
    renames = renames or {}
    try:
        commit = repo.write(
            changes,
            base,
            get_author(),
            message,
            renames=renames,
            check=lambda _changes, head: check_tree(changes, renames, base=head),
        )
    except ConflictError as exc:
        raise conflict_error(repo, exc, changes, renames) from exc
    except NoChangeError:
        return ok({**commit_dict(repo.commit(repo.head())), "unchanged": True})
    audit_commit(commit)
    return ok({**commit_dict(commit), "unchanged": False})


def conflict_error(
    repo: ConfigRepo,
    exc: ConflictError,
    changes: Mapping[str, bytes | None],
    renames: Mapping[str, str] | None = None,
    message: str | None = None,
) -> ApiError:
    """409 ``conflict``: ``details.files`` has ``{path, theirs, yours}`` for each contested path (and
    ``theirs``/``yours`` themselves when the edit was of one file)."""
    renames = renames or {}
    yours: dict[str, str | None] = {old: None for old in renames}
    for old, new in renames.items():
        yours[new] = _content_at(repo, old, exc.base)
    yours |= {path: None if data is None else _text(data)[0] for path, data in changes.items()}
    paths = exc.paths or sorted(yours)
    files = [{"path": p, "theirs": _content_at(repo, p, exc.head), "yours": yours.get(p)} for p in paths]
    details: dict[str, Any] = {"base": exc.base, "head": exc.head, "paths": exc.paths, "files": files}
    if len(yours) == 1:
        details |= {"theirs": files[0]["theirs"], "yours": files[0]["yours"]}
    message = message or f"{', '.join(paths)} changed since {exc.base[:12]} (head is {exc.head[:12]})"
    return ApiError(409, "conflict", message, details)


def _content_at(repo: ConfigRepo, path: str, rev: str) -> Any:
    """The text of ``path`` at ``rev``, or None when it does not exist there."""
    try:
        return _text(repo.read_file(path, rev)[0])[0]
    except NotFoundError:
        return None
