"""The ``data`` of the main answers, for the OpenAPI document (and so for generated clients).

Documentation models: views answer plain dicts; the schemathesis run checks every answer against these.
Extra fields are allowed, so adding one never breaks a client.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema


class Author(BaseModel):
    """A commit's author."""

    name: str
    email: str


class Commit(BaseModel):
    """A commit on ``main``: ``time`` is UTC ISO-8601, ``files`` the paths it touched."""

    sha: str
    author: Author
    message: str
    time: str
    parents: list[str]
    files: list[str]


class CommitResult(Commit):
    """A write's answer: the new commit, or the unchanged head when nothing changed."""

    unchanged: bool


class CommitPage(BaseModel):
    """A page of ``/api/history``."""

    items: list[Commit]
    next_cursor: str | None


class FileObject(BaseModel):
    """One file at a commit (``binary`` files are shown with replacement characters)."""

    path: str
    content: str
    blob: str
    commit: str
    binary: bool


class FilePage(BaseModel):
    """A page of the tree at ``commit``."""

    commit: str
    items: list[dict[str, Any]]
    next_cursor: str | None


class Hunk(BaseModel):
    """One ``@@`` hunk of a file's diff."""

    header: str
    lines: list[str]


class DiffFile(BaseModel):
    """One file of a diff (``old_path`` for a rename or copy)."""

    status: str
    path: str
    binary: bool
    hunks: list[Hunk]
    old_path: str | None = None


class Diff(BaseModel):
    """``unified`` text and the files."""

    unified: str
    files: list[DiffFile]


class Problem(BaseModel):
    """One validation problem, at ``file:line:column`` and JSON pointer."""

    file: str
    line: int | None
    column: int | None
    pointer: str
    severity: Literal["error", "warning"]
    code: str
    message: str
    hint: str | None = None


class SecretFinding(BaseModel):
    """A secret written literally, at ``file:line:column``."""

    file: str
    line: int
    column: int
    message: str


class ValidationReport(BaseModel):
    """``POST /api/validate``: every problem of the tree as it would be, the new errors among them that
    would refuse a commit, and the secrets it would be refused for."""

    base: str
    valid: bool
    problems: list[Problem]
    blocking: list[Problem]
    secrets: list[SecretFinding]


class User(BaseModel):
    """A panel user."""

    id: int
    username: str
    role: Literal["viewer", "editor", "admin"]
    created_at: str
    disabled: bool


class UserPage(BaseModel):
    """A page of users."""

    items: list[User]
    next_cursor: str | None


class Token(BaseModel):
    """A personal access token (never the token itself)."""

    id: int
    name: str
    scopes: list[str]
    created_at: str
    expires_at: str | None
    last_used_at: str | None
    revoked_at: str | None


class NewToken(Token):
    """A new token: ``token`` is shown this once."""

    token: str


class TokenPage(BaseModel):
    """A page of the caller's tokens."""

    items: list[Token]
    next_cursor: str | None


class SignedIn(BaseModel):
    """Login, refresh and password change: the tokens and the user."""

    access_token: str
    refresh_token: str | SkipJsonSchema[None] = Field(
        None, description="Left out for the web UI (X-Requested-With: kometa-panel): it is in the cookie"
    )
    token_type: Literal["Bearer"]
    expires_in: int
    user: User


class Health(BaseModel):
    """Liveness."""

    status: Literal["ok"]
