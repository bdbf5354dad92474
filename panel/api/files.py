"""``/api/files``: the tree, one file, and writes/deletes as compare-and-swap commits on ``main``.

A write whose content equals ``main``'s answers 200 with the unchanged head commit and
``unchanged: true`` (no commit is made); every other successful write answers ``unchanged: false``.
Every commit made through the API is audited (``commit``, ``revert`` or ``restore``, with its paths).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from panel.api.common import check_changes, check_landing, commit_dict, get_author, get_repo
from panel.api.envelope import ApiError, field_str, json_body, ok
from panel.auth import current_user
from panel.db import audit, get_session
from panel.openapi import documented, query_param
from panel.repo import Commit, ConfigRepo, ConflictError, NoChangeError, NotFoundError, check_path

bp = Blueprint("files", __name__)
AUDIT_TARGET_MAX = 255
REV = query_param("The commit, branch or tag to read at (default main)")
FILE_WRITE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "content": {"type": "string", "description": "The whole new text of the file"},
        "base": {"type": "string", "description": "The commit the edit is based on"},
        "message": {"type": "string", "description": "The commit message"},
    },
    "required": ["content", "base"],
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
@documented(query={"rev": REV, "prefix": query_param("Only files under this folder")})
def list_files() -> tuple[Response, int]:
    """Every file at ``?rev=`` (default main), optionally under ``?prefix=``."""
    repo = get_repo()
    sha = repo.resolve(request.args.get("rev") or "main")
    items = repo.list_tree(sha, request.args.get("prefix") or "")
    return ok({"commit": sha, "items": items, "next_cursor": None})


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
    base = field_str(body, "base") or ""
    message = field_str(body, "message", required=False) or f"Update {path}"
    changes: dict[str, bytes | None] = {path: content.encode("utf-8")}
    check_changes(changes)  # before the repository is touched: a stale base still learns what is wrong
    return write_changes(get_repo(), changes, base, message, path, content)


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
        raise ApiError(400, "bad_request", "'base' (the commit the deletion is based on) is required")
    message = request.args.get("message") or f"Delete {path}"
    check_changes({path: None})
    return write_changes(get_repo(), {path: None}, base, message, path, None)


def write_changes(
    repo: ConfigRepo, changes: dict[str, bytes | None], base: str, message: str, path: str, yours: str | None
) -> tuple[Response, int]:
    """Commit ``changes``; 409 with both versions on a conflict, 200 ``unchanged`` for a no-op."""
    try:
        commit = repo.write(changes, base, get_author(), message, check=check_landing)
    except ConflictError as exc:
        raise ApiError(
            409,
            "conflict",
            f"{path} was changed by someone else since {exc.base[:12]}",
            {
                "base": exc.base,
                "head": exc.head,
                "paths": exc.paths,
                "theirs": _content_at(repo, path, exc.head),
                "yours": yours,
            },
        ) from exc
    except NoChangeError:
        return ok({**commit_dict(repo.commit(repo.head())), "unchanged": True})
    audit_commit(commit)
    return ok({**commit_dict(commit), "unchanged": False})


def _content_at(repo: ConfigRepo, path: str, rev: str) -> Any:
    """The text of ``path`` at ``rev``, or None when it does not exist there."""
    try:
        return _text(repo.read_file(path, rev)[0])[0]
    except NotFoundError:
        return None
