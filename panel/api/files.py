"""``/api/files``: the tree, one file, and writes/deletes as compare-and-swap commits on ``main``.

``POST /api/files`` commits several creates, updates, deletes and renames at once: one commit, validated as
the tree it leaves, or nothing.

A write whose content equals ``main``'s answers 200 with the unchanged head commit and
``unchanged: true`` (no commit is made); every other successful write answers ``unchanged: false``.
Every commit made through the API is audited (``commit``, ``revert`` or ``restore``, with its paths).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from flask import Blueprint, Response
from pydantic import Discriminator, Field, Tag

from panel.api.answers import CommitResult, FileObject, FilePage
from panel.api.common import check_changes, check_tree, commit_dict, get_author, get_repo, resolve_base
from panel.api.envelope import ApiError, ok
from panel.api.paging import Paged, paged
from panel.auth import current_user
from panel.contract import Absent, Base, Body, Message, Query, RepoPath, Revision, tag
from panel.db import audit, get_session
from panel.openapi import documented
from panel.repo import Commit, ConfigRepo, ConflictError, NoChangeError, NotFoundError, PathError, check_path

bp = Blueprint("files", __name__)
AUDIT_TARGET_MAX = 255
MAX_BATCH = 1000
Content = Annotated[str, Field(description="The whole new text of the file")]


class AtRev(Query):
    """``?rev=``: the commit, branch or tag to read at."""

    rev: Revision | Absent = Field(None, description="The commit, branch or tag to read at (default main)")


class FileList(AtRev, Paged):
    """``?rev=``, ``?prefix=`` and paging."""

    prefix: str | Absent = Field(None, description="Only files under this folder")


class FileWrite(Body):
    """``PUT /api/files/{path}`` and ``PUT /api/system/config``."""

    content: Content
    base: Base
    message: Message = ""


class FileUpdate(Body):
    """A batch change writing ``path``."""

    path: RepoPath
    content: Content
    delete: Literal[False] = Field(False, description="false (or left out): the file is written")


class FileRename(Body):
    """A batch change renaming ``from`` to ``path`` (with new ``content``, or keeping it)."""

    path: RepoPath
    from_: RepoPath = Field(alias="from", description="The file renamed to 'path'")
    content: Content | Absent = None
    delete: Literal[False] = Field(False, description="false (or left out)")


class FileDelete(Body):
    """A batch change deleting ``path``."""

    path: RepoPath
    delete: Literal[True] = Field(description="true deletes the file")


def _change_kind(item: Any) -> str:
    """Which change an item is: a deletion, a rename, or a write."""
    if isinstance(item, dict) and item.get("delete") is True:
        return tag("delete")
    return tag("rename") if isinstance(item, dict) and "from" in item else tag("update")


FileChange = Annotated[
    Annotated[FileUpdate, Tag("update")]
    | Annotated[FileRename, Tag("rename")]
    | Annotated[FileDelete, Tag("delete")],
    Discriminator(_change_kind),
]


class BatchWrite(Body):
    """``POST /api/files`` and ``POST /api/validate``: several creates, updates, deletes and renames."""

    base: Base
    message: Message = ""
    changes: list[FileChange] = Field(min_length=1, max_length=MAX_BATCH)


class DeleteQuery(Query):
    """``DELETE`` of one file or entry: ``?base=`` and ``?message=``."""

    base: Base
    message: Message | Absent = None


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
@documented(query=FileList, data=FilePage)
def list_files(query: FileList) -> tuple[Response, int]:
    """The files at ``?rev=`` (default main), optionally under ``?prefix=``, by path; paged."""
    repo = get_repo()
    sha = repo.resolve(query.rev or "main")
    items = repo.list_tree(sha, query.prefix or "")
    return ok({"commit": sha, **paged(items, lambda item: (str(item["path"]),), dict)})


@bp.get("/files/<anypath:path>")
@documented(query=AtRev, path={"path": RepoPath}, data=FileObject)
def get_file(path: str, query: AtRev) -> tuple[Response, int]:
    """The file object ``{path, content, blob, commit, binary}`` read at the resolved ``?rev=``."""
    repo = get_repo()
    check_path(path)
    sha = repo.resolve(query.rev or "main")
    data, blob = repo.read_file(path, sha)
    content, binary = _text(data)
    return ok({"path": path, "content": content, "blob": blob, "commit": sha, "binary": binary})


@bp.put("/files/<anypath:path>")
@documented(body=FileWrite, path={"path": RepoPath}, data=CommitResult)
def put_file(path: str, body: FileWrite) -> tuple[Response, int]:
    """Create or replace a file: JSON ``{content, base, message?}``; validated before it is committed."""
    check_path(path)
    base = resolve_base(body.base)
    message = body.message or f"Update {path}"
    changes: dict[str, bytes | None] = {path: body.content.encode("utf-8")}
    check_changes(changes)  # before the repository is touched: a stale base still learns what is wrong
    return write_changes(get_repo(), changes, base, message)


@bp.post("/files")
@documented(body=BatchWrite, data=CommitResult)
def post_files(body: BatchWrite) -> tuple[Response, int]:
    """Several files in one commit: JSON ``{base, message?, changes: [{path, content | delete | from}]}``."""
    base = resolve_base(body.base)
    message = body.message
    changes, renames = batch_changes(body.changes)
    check_changes(changes, renames)
    return write_changes(get_repo(), changes, base, message, renames)


def batch_changes(items: list[FileChange]) -> tuple[dict[str, bytes | None], dict[str, str]]:
    """The checked ``changes`` of a batch as repository changes and renames (old -> new); 422 naming the
    item (``changes[3]``) for a path git refuses or a file changed twice."""
    changes: dict[str, bytes | None] = {}
    renames: dict[str, str] = {}
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"changes[{index}]"
        source = item.from_ if isinstance(item, FileRename) else None
        for touched in (item.path, source):
            if touched is None:
                continue
            _checked_path(touched, where)
            if touched in seen:
                raise ApiError(
                    422, "unprocessable", f"'{where}': {touched} is changed twice", {"field": where}
                )
            seen.add(touched)
        if source is not None:
            renames[source] = item.path
        if isinstance(item, FileDelete):
            changes[item.path] = None
        elif item.content is not None:
            changes[item.path] = item.content.encode("utf-8")
    return changes, renames


def _checked_path(path: str, where: str) -> None:
    try:
        check_path(path)
    except PathError as exc:
        raise ApiError(
            422,
            "unprocessable",
            f"'{where}': bad path {exc}",
            {"field": where, "path": exc.path, "reason": exc.reason},
        ) from exc


@bp.delete("/files/<anypath:path>")
@documented(query=DeleteQuery, path={"path": RepoPath}, data=CommitResult)
def delete_file(path: str, query: DeleteQuery) -> tuple[Response, int]:
    """Delete a file as a new commit on ``?base=``."""
    check_path(path)
    base = resolve_base(query.base)
    message = query.message or f"Delete {path}"
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
