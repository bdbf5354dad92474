"""``POST /api/import`` (stage a Kometa config folder) and ``POST /api/import/commit`` (land it as one commit).

Staging commits nothing: it answers the files as they would be committed (Kometa's ``config/...`` and
``/config/...`` paths mapped, literal secrets replaced by ``<<name>>`` placeholders), each file's
validation problems (from the whole tree main would have), the proposed secrets and places, and a
``stage`` token: the found secret values encrypted with the secret store's key, good for an hour. So the
values travel neither in plain text nor through git, and any panel process can finish the import.

The commit takes the files (as staged, or fixed in the editor), checks them like ``POST /api/files`` (a
literal secret or a new validation error refuses it) and stores the confirmed secrets in the same
database transaction as the commit's audit entry: all of it lands, or none.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import InvalidToken
from flask import Blueprint, Response, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from panel.api.common import (
    _reader,
    check_changes,
    get_repo,
    resolve_base,
    secret_names,
    secrets_fernet,
    stored_secret_values,
)
from panel.api.envelope import ApiError, json_body, ok
from panel.api.files import MAX_BATCH, batch_changes, write_changes
from panel.auth import current_user
from panel.db import Secret, audit, get_session, utcnow
from panel.import_zip import Upload, UploadError, read_listed, read_zip
from panel.importer import Staged, stage
from panel.openapi import documented
from panel.secrets import check_value, encrypt, normalize_name
from panel.tree_check import apply_edit, tree_problems

bp = Blueprint("imports", __name__)
STAGE_SECONDS = 3600
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


class ImportFile(BaseModel):
    """One file of a JSON import or of the commit: its path in the folder and its whole text."""

    model_config = ConfigDict(extra="forbid", strict=True)

    path: str = Field(min_length=1, description="The path inside the config folder ('/'-separated)")
    content: str = Field(description="The file's whole text")


class ImportFiles(BaseModel):
    """``{files: [{path, content}]}``: a config folder sent as JSON instead of a .zip."""

    model_config = ConfigDict(extra="forbid", strict=True)

    files: list[ImportFile] = Field(min_length=1, max_length=MAX_BATCH)


class ImportCommit(BaseModel):
    """``{base, files, stage, secrets_confirmed, message?}``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    base: str = Field(min_length=1, description="The commit the import is based on (compare-and-swap)")
    files: list[ImportFile] = Field(min_length=1, max_length=MAX_BATCH)
    stage: str = Field("", description="The staging answer's stage token (holds the found secret values)")
    secrets_confirmed: list[str] = Field(
        default_factory=list, description="Names of proposed secrets to store in the secret store"
    )
    message: str | None = Field(None, description="The commit message (default: Import a Kometa config)")
    delete: list[str] = Field(
        default_factory=list, description="Repository files to delete in the same commit (see 'untouched')"
    )


def _model(model: type[BaseModel], data: Any) -> Any:
    """``data`` as ``model``; 400 naming the first field that does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
        raise ApiError(400, "bad_request", f"'{field}': {first['msg']}", {"field": field}) from None


def _upload() -> Upload:
    """The request's config folder: a multipart ``file``, a raw .zip body, or JSON ``{files}``."""
    try:
        if request.mimetype == "multipart/form-data":
            sent = request.files.get("file")
            if sent is None:
                raise ApiError(
                    400, "bad_request", "send the .zip as the form field 'file'", {"field": "file"}
                )
            return read_zip(sent.read())
        if request.mimetype in ZIP_TYPES:
            return read_zip(request.get_data())
        body = _model(ImportFiles, json_body())
        return read_listed((f.path, f.content) for f in body.files)
    except UploadError as exc:
        details = {"entry": exc.entry} if exc.entry is not None else {}
        raise ApiError(422, "bad_upload", exc.message, details) from None


@bp.post("/import")
@documented(body=ImportFiles.model_json_schema())
def stage_import() -> tuple[Response, int]:
    """Stage a Kometa config folder (multipart ``file`` .zip, a raw .zip, or JSON ``{files}``), committing
    nothing: ``{base, files: [{path, content, problems}], secrets: [{name, placeholder, where}], stage}``."""
    upload = _upload()
    try:
        staged = stage(upload, stored_secret_values())
    except UploadError as exc:
        raise ApiError(422, "bad_upload", exc.message, {}) from None
    repo = get_repo()
    base = repo.head()
    problems = _problems(staged, base)
    existing = {str(entry["path"]) for entry in repo.list_tree(base)}
    files = [
        {"path": path, "content": text, "problems": [p for p in problems if p["file"] == path]}
        for path, text in sorted(staged.files.items())
    ]
    token = {"secrets": {s.name: s.value for s in staged.secrets if not s.stored}}
    return ok(
        {
            "base": base,
            "files": files,
            "secrets": [s.to_dict() for s in staged.secrets],
            "rewrites": [vars(r) for r in staged.rewrites],
            "notes": staged.notes,
            "skipped": upload.skipped,
            "replaced": sorted(existing & set(staged.files)),
            "untouched": sorted(existing - set(staged.files)),
            "stage": secrets_fernet().encrypt(json.dumps(token).encode()).decode("ascii"),
        }
    )


def _problems(staged: Staged, base: str) -> list[dict[str, Any]]:
    """The validation problems of the tree main would have with the staged files (secrets as stored)."""
    repo = get_repo()
    before = {str(i["path"]): str(i["blob"]) for i in repo.list_tree(base)}
    changes: dict[str, bytes | None] = {p: t.encode("utf-8") for p, t in staged.files.items()}
    after, read = apply_edit(before, _reader(repo), changes)
    names = [*(secret_names() or []), *(s.name for s in staged.secrets)]
    return tree_problems(after, read, names or None)


@bp.post("/import/commit")
@documented(body=ImportCommit.model_json_schema())
def commit_import() -> tuple[Response, int]:
    """Land a staged import as one commit and store the confirmed secrets: ``{base, files, stage,
    secrets_confirmed}``; answers the commit and ``secrets_stored``."""
    body: ImportCommit = _model(ImportCommit, json_body())
    found = _staged_secrets(body.stage) if body.stage or body.secrets_confirmed else {}
    values = _confirmed(body.secrets_confirmed, found)
    user = current_user()
    if values and (user is None or user.role != "admin"):
        message = "storing secrets needs the admin role: leave secrets_confirmed empty, or ask an admin"
        raise ApiError(403, "forbidden", message, {"required_role": "admin", "field": "secrets_confirmed"})
    base = resolve_base(body.base)
    raw: list[dict[str, Any]] = [{"path": f.path, "content": f.content} for f in body.files]
    raw += [{"path": path, "delete": True} for path in body.delete]
    try:
        changes, _ = batch_changes(raw)
    except ApiError as exc:  # the files API names its list 'changes'; this body calls it 'files'
        field = str(exc.details.get("field", "")).replace("changes", "files", 1)
        raise ApiError(
            exc.status, exc.code, exc.message.replace("changes", "files", 1), {"field": field}
        ) from None
    check_changes(changes)
    session = get_session()
    by = user.username if user else "panel"
    fernet = secrets_fernet()
    for name, value in values.items():
        row = session.scalar(select(Secret).where(Secret.name == name))
        if row is None:
            session.add(Secret(name=name, value=encrypt(fernet, value), updated_by=by))
            audit(session, "secret_create", user=by, target=name)
        else:
            row.value, row.updated_at, row.updated_by = encrypt(fernet, value), utcnow(), by
            audit(session, "secret_update", user=by, target=name)
    try:
        answer, status = write_changes(get_repo(), changes, base, body.message or "Import a Kometa config")
    except Exception:
        session.rollback()
        raise
    session.commit()
    data = answer.get_json()["data"]
    return ok({**data, "secrets_stored": sorted(values)}, status)


def _staged_secrets(token: str) -> dict[str, str]:
    """The secret values a staging answer found; 422 when the token is not one or is over an hour old."""
    try:
        raw = secrets_fernet().decrypt(token.encode("ascii"), ttl=STAGE_SECONDS)
        found = json.loads(raw)["secrets"]
    except (InvalidToken, UnicodeError, ValueError, KeyError, TypeError):
        message = (
            "'stage' is not a staging token of this panel, or it is over an hour old: stage the upload again"
        )
        raise ApiError(422, "bad_stage", message, {"field": "stage"}) from None
    return {str(k): str(v) for k, v in found.items()}


def _confirmed(names: Sequence[str], found: dict[str, str]) -> dict[str, str]:
    """The confirmed names with their values; 422 naming ``secrets_confirmed[i]`` for one not staged."""
    values: dict[str, str] = {}
    for index, raw in enumerate(names):
        field = f"secrets_confirmed[{index}]"
        try:
            name = normalize_name(raw)
        except ValueError as exc:
            raise ApiError(422, "bad_request", f"'{field}': {exc}", {"field": field}) from None
        if name not in found:
            message = f"'{field}': {raw!r} is not a secret the staging found"
            raise ApiError(422, "bad_request", message, {"field": field, "known": sorted(found)})
        try:
            check_value(found[name])
        except ValueError as exc:
            raise ApiError(422, "bad_request", f"'{field}': {exc}", {"field": field}) from None
        values[name] = found[name]
    return values
