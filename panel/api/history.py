"""``/api/history`` and ``/api/diff``: the log of ``main``, one commit, diffs, revert and restore.

Revert and restore are new commits (history is never rewritten) and their new file contents are
validated like any edit. A revert or restore that would change nothing answers 200 with the unchanged
head commit and ``unchanged: true``.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response
from pydantic import Field

from panel.api import answers
from panel.api.common import check_changes, commit_dict, get_author, get_repo
from panel.api.envelope import ApiError, ok
from panel.api.files import audit_commit, conflict_error
from panel.api.paging import Paged
from panel.contract import Absent, Body, Message, Query, RepoPath, Revision
from panel.openapi import documented
from panel.repo import Commit, ConfigRepo, ConflictError, NoChangeError, NotFoundError

bp = Blueprint("history", __name__)


class HistoryQuery(Paged):
    """``?path=`` and paging."""

    path: RepoPath | Absent = Field(None, description="Only commits touching this path")


class DiffQuery(Query):
    """``?from=``, ``?to=`` and ``?path=`` of a diff."""

    from_: Revision | Absent = Field(
        None, alias="from", description="The older commit (default: the parent of `to`)"
    )
    to: Revision | Absent = Field(None, description="The newer commit (default main)")
    path: RepoPath | Absent = Field(None, description="Only this file")


class RevertBody(Body):
    """``{message?}`` of a revert."""

    message: Message = ""


class RestoreBody(Body):
    """``{path?, message?}`` of a restore."""

    path: RepoPath | Absent = Field(None, description="One file or folder (default: the whole tree)")
    message: Message = ""


@bp.get("/history")
@documented(query=HistoryQuery, data=answers.CommitPage)
def list_history(query: HistoryQuery) -> tuple[Response, int]:
    """Commits on main, newest first, optionally touching ``?path=``; paged by ``cursor``/``limit``."""
    commits, next_cursor = get_repo().log(query.path, query.cursor, query.limit)
    return ok({"items": [commit_dict(c) for c in commits], "next_cursor": next_cursor})


@bp.get("/history/<sha>")
@documented(path={"sha": Revision}, data=answers.Commit)
def get_commit(sha: str) -> tuple[Response, int]:
    """One commit with the files it touched."""
    return ok(commit_dict(get_repo().commit(sha)))


@bp.get("/diff")
@documented(query=DiffQuery, data=answers.Diff)
def get_diff(query: DiffQuery) -> tuple[Response, int]:
    """The diff ``?from=`` → ``?to=`` (default main), optionally of one ``?path=``; without ``from``, the
    diff of ``to`` against its parent (a root commit: against the empty tree), so one commit is one call."""
    return ok(get_repo().diff(query.from_, query.to or "main", query.path))


def _check_all(changes: Mapping[str, bytes | None], head: str) -> None:
    """Revert and restore write what git had, so they get the whole check (secrets too) on the landing head."""
    check_changes(changes, base=head)


@bp.post("/history/<sha>/revert")
@documented(body=RevertBody, optional_body=True, path={"sha": Revision}, data=answers.CommitResult)
def revert(sha: str, body: RevertBody) -> tuple[Response, int]:
    """Undo commit ``sha`` with a new commit; JSON body ``{message?}`` is optional."""
    message = body.message or None
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
@documented(body=RestoreBody, optional_body=True, path={"sha": Revision}, data=answers.CommitResult)
def restore(sha: str, body: RestoreBody) -> tuple[Response, int]:
    """Make ``path`` (or the whole tree) as it was at ``sha``: JSON body ``{path?, message?}``."""
    path = body.path
    message = body.message or None
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
