"""``/api/history`` and ``/api/diff``: the log of ``main``, one commit, diffs, revert and restore.

Revert and restore are new commits (history is never rewritten) and their new file contents are
validated like any edit. A revert or restore that would change nothing answers 200 with the unchanged
head commit and ``unchanged: true``.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, request

from panel.api.common import check_changes, commit_dict, get_author, get_repo
from panel.api.envelope import ApiError, field_str, json_body, ok
from panel.api.files import audit_commit, conflict_error
from panel.api.paging import CURSOR, LIMIT, parse_limit
from panel.openapi import documented, query_param
from panel.repo import Commit, ConfigRepo, ConflictError, NoChangeError, NotFoundError

bp = Blueprint("history", __name__)
_STR = {"type": "string"}


@bp.get("/history")
@documented(query={"limit": LIMIT, "cursor": CURSOR, "path": query_param("Only commits touching this path")})
def list_history() -> tuple[Response, int]:
    """Commits on main, newest first, optionally touching ``?path=``; paged by ``cursor``/``limit``."""
    limit = parse_limit(request.args.get("limit"))
    path = request.args.get("path") or None
    cursor = request.args.get("cursor") or None
    commits, next_cursor = get_repo().log(path, cursor, limit)
    return ok({"items": [commit_dict(c) for c in commits], "next_cursor": next_cursor})


@bp.get("/history/<sha>")
@documented()
def get_commit(sha: str) -> tuple[Response, int]:
    """One commit with the files it touched."""
    return ok(commit_dict(get_repo().commit(sha)))


@bp.get("/diff")
@documented(
    query={
        "from": query_param("The older commit", required=True),
        "to": query_param("The newer commit (default main)"),
        "path": query_param("Only this file"),
    }
)
def get_diff() -> tuple[Response, int]:
    """The diff ``?from=`` → ``?to=`` (default main), optionally of one ``?path=``."""
    start = request.args.get("from")
    if not start:
        raise ApiError(400, "bad_request", "'from' (a commit) is required")
    return ok(get_repo().diff(start, request.args.get("to") or "main", request.args.get("path") or None))


def _check_all(changes: Mapping[str, bytes | None], head: str) -> None:
    """Revert and restore write what git had, so they get the whole check (secrets too) on the landing head."""
    check_changes(changes, base=head)


@bp.post("/history/<sha>/revert")
@documented(body={"type": "object", "properties": {"message": _STR}, "required": []})
def revert(sha: str) -> tuple[Response, int]:
    """Undo commit ``sha`` with a new commit; JSON body ``{message?}`` is optional."""
    body = json_body(optional=True)
    message = field_str(body, "message", required=False)
    repo = get_repo()
    try:
        commit = repo.revert(sha, get_author(), message, check=_check_all)
    except NoChangeError:
        return _unchanged()
    except ConflictError as exc:
        raise _revert_conflict(repo, sha, exc) from exc
    audit_commit(commit, "revert")
    return _done(commit)


@bp.post("/history/<sha>/restore")
@documented(
    body={
        "type": "object",
        "properties": {
            "path": {**_STR, "description": "One file or folder (default: the whole tree)"},
            "message": _STR,
        },
        "required": [],
    }
)
def restore(sha: str) -> tuple[Response, int]:
    """Make ``path`` (or the whole tree) as it was at ``sha``: JSON body ``{path?, message?}``."""
    body = json_body(optional=True)
    path = field_str(body, "path", required=False)
    message = field_str(body, "message", required=False)
    repo = get_repo()
    try:
        commit = repo.restore(sha, get_author(), path or None, message, check=_check_all)
    except NoChangeError:
        return _unchanged()
    audit_commit(commit, "restore")
    return _done(commit)


def _revert_conflict(repo: ConfigRepo, sha: str, exc: ConflictError) -> ApiError:
    """409 with, for each contested file, ``theirs`` (main's) and ``yours`` (what the revert would restore:
    the file before the reverted commit ``sha``), so a client can merge by hand."""
    parents = repo.commit(repo.resolve(sha)).parents
    wanted: dict[str, bytes | None] = {}
    for path in exc.paths:
        try:
            wanted[path] = repo.read_file(path, parents[0])[0] if parents else None
        except NotFoundError:
            wanted[path] = None
    return conflict_error(repo, exc, wanted, message=str(exc))


def _done(commit: Commit) -> tuple[Response, int]:
    return ok({**commit_dict(commit), "unchanged": False})


def _unchanged() -> tuple[Response, int]:
    repo = get_repo()
    return ok({**commit_dict(repo.commit(repo.head())), "unchanged": True})
