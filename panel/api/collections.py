"""``/api/collections``: collections across files, edited through ruamel round trips (see ``panel.yaml_edit``).

A collection is identified by ``<file>::<name>`` (URL-encoded in the path). Every write reads the file
at the client's ``base``, edits only that entry's lines, validates the new file like the files API
and commits it by compare-and-swap: a stale ``base`` for that file answers 409.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, request
from ruamel.yaml.error import YAMLError

from panel.api import config
from panel.api.common import YAML_SUFFIXES, check_changes, get_repo
from panel.api.envelope import ApiError, field_str, json_body, ok
from panel.api.files import write_changes
from panel.repo import NotFoundError, check_path
from panel.yaml_edit import delete_collection, list_collections, set_collection

bp = Blueprint("collections", __name__)
bp.register_blueprint(config.bp)
_HAS_SECTION = re.compile(r"^collections\s*:", re.M)


def split_id(ident: str) -> tuple[str, str]:
    """``(file, name)`` of a ``file::name`` id; 400 when it is malformed."""
    path, sep, name = ident.partition("::")
    if not sep or not name:
        raise ApiError(400, "bad_request", f"bad collection id {ident!r}: expected '<file>::<name>'")
    _check_file(path)
    return path, name


def _check_file(path: str) -> None:
    check_path(path)
    if not path.lower().endswith(YAML_SUFFIXES):
        raise ApiError(400, "bad_request", f"{path!r} is not a YAML file", {"path": path})


def _read_text(path: str, rev: str) -> tuple[str | None, str | None]:
    """Text and blob of ``path`` at ``rev``; ``(None, None)`` when the file does not exist there."""
    try:
        data, blob = get_repo().read_file(path, rev)
    except NotFoundError:
        return None, None
    return data.decode("utf-8", "replace"), blob


def _items(text: str, path: str) -> list[dict[str, Any]]:
    """The collections of one file; a file that does not parse has none (the files API shows why)."""
    try:
        return list_collections(text, path)
    except (YAMLError, ValueError):
        return []


@bp.get("/collections")
def list_all() -> tuple[Response, int]:
    """Every collection in every YAML file with a top-level ``collections:`` at ``?rev=`` (default main)."""
    repo = get_repo()
    sha = repo.resolve(request.args.get("rev") or "main")
    items: list[dict[str, Any]] = []
    for entry in repo.list_tree(sha):
        path = str(entry["path"])
        if not path.lower().endswith(YAML_SUFFIXES):
            continue
        text, _blob = _read_text(path, sha)
        if text and _HAS_SECTION.search(text):
            items.extend(_items(text, path))
    return ok({"commit": sha, "items": items, "next_cursor": None})


def _find(path: str, name: str, rev: str) -> tuple[dict[str, Any], str, str]:
    """The collection item, the file's text and blob at ``rev``; 404 when there is none."""
    text, blob = _read_text(path, rev)
    for item in _items(text, path) if text is not None else []:
        if item["name"] == name:
            return item, text or "", blob or ""
    raise ApiError(404, "not_found", f"no collection {name!r} in {path}", {"file": path, "name": name})


@bp.get("/collections/<path:ident>")
def get_one(ident: str) -> tuple[Response, int]:
    """One collection ``{id, file, name, line, definition, yaml, blob, commit}`` at ``?rev=``."""
    path, name = split_id(ident)
    sha = get_repo().resolve(request.args.get("rev") or "main")
    item, _text, blob = _find(path, name, sha)
    return ok({**item, "blob": blob, "commit": sha})


def _definition(body: dict[str, Any]) -> dict[str, Any] | str:
    """The new definition: ``definition`` (a JSON object) or ``yaml`` (YAML text of a mapping)."""
    if body.get("yaml") is not None:
        return field_str(body, "yaml") or ""
    definition = body.get("definition")
    if not isinstance(definition, dict):
        raise ApiError(400, "bad_request", "'definition' (an object) or 'yaml' (text) is required")
    return definition


def _edited(text: str, name: str, definition: dict[str, Any] | str) -> str:
    """``text`` with collection ``name`` set; 400 when the file or the YAML given cannot be edited."""
    try:
        return set_collection(text, name, definition)
    except (YAMLError, ValueError) as exc:
        raise ApiError(400, "bad_request", f"cannot edit the YAML: {exc}") from exc


def _commit(path: str, text: str, base: str, message: str) -> tuple[Response, int]:
    """Validate the new file content and commit it on ``base`` like ``PUT /api/files``."""
    changes: dict[str, bytes | None] = {path: text.encode("utf-8")}
    check_changes(changes)
    return write_changes(get_repo(), changes, base, message, path, text)


@bp.put("/collections/<path:ident>")
def put_one(ident: str) -> tuple[Response, int]:
    """Update (or create) a collection: JSON ``{definition | yaml, base, message?}``."""
    path, name = split_id(ident)
    body = json_body()
    base = field_str(body, "base") or ""
    definition = _definition(body)
    message = field_str(body, "message", required=False) or f"Update collection {name} in {path}"
    text, _blob = _read_text(path, get_repo().resolve(base))
    return _commit(path, _edited(text or "", name, definition), base, message)


@bp.post("/collections")
def create_one() -> tuple[Response, int]:
    """Create a collection: JSON ``{file, name, definition | yaml, base, message?}``; 409 if it exists."""
    body = json_body()
    path, name = field_str(body, "file") or "", field_str(body, "name") or ""
    _check_file(path)
    if not name.strip():
        raise ApiError(400, "bad_request", "'name' must not be empty", {"field": "name"})
    base = field_str(body, "base") or ""
    definition = _definition(body)
    message = field_str(body, "message", required=False) or f"Add collection {name} to {path}"
    text, _blob = _read_text(path, get_repo().resolve(base))
    if text is not None and any(i["name"] == name for i in _items(text, path)):
        raise ApiError(
            409, "conflict", f"collection {name!r} already exists in {path}", {"id": f"{path}::{name}"}
        )
    response, _status = _commit(path, _edited(text or "", name, definition), base, message)
    return response, 201


@bp.delete("/collections/<path:ident>")
def delete_one(ident: str) -> tuple[Response, int]:
    """Delete a collection as a new commit on ``?base=``."""
    path, name = split_id(ident)
    base = request.args.get("base")
    if not base:
        raise ApiError(400, "bad_request", "'base' (the commit the deletion is based on) is required")
    message = request.args.get("message") or f"Delete collection {name} from {path}"
    _item, text, _blob = _find(path, name, get_repo().resolve(base))
    return _commit(path, delete_collection(text, name), base, message)
