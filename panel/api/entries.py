"""What ``/api/collections`` and ``/api/overlays`` share: entries of a top-level YAML section across files.

An entry is identified by ``<file>::<name>`` (URL-encoded in the path). Every write reads the file at
the client's ``base``, edits only that entry's lines (see ``panel.yaml_edit``), validates the new file
like the files API and commits it by compare-and-swap: a stale ``base`` for that file answers 409.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response, request
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.error import YAMLError

from panel.api.common import check_changes, get_repo, resolve_base
from panel.api.envelope import ApiError, field_str, json_body, ok
from panel.api.files import BASE, MESSAGE, REV, write_changes
from panel.api.paging import PAGED, decode_cursor, paged, parse_limit
from panel.openapi import query_param
from panel.repo import NotFoundError, check_path
from panel.tree_check import CONFIG, YAML_SUFFIXES
from panel.yaml_edit import delete_entry, list_entries, load_rt, set_entry

Describe = Callable[[str, Any], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    """A top-level section (``collections``), its noun in messages, and extra item fields by
    ``describe(name, definition)``."""

    key: str
    noun: str
    describe: Describe | None = None


_STR: dict[str, Any] = {"type": "string"}
_DEFINITION: dict[str, Any] = {
    "type": "object",
    "description": "The definition as JSON (give this or `yaml`)",
}
_YAML: dict[str, Any] = {
    "type": "string",
    "description": "The definition as YAML text, comments kept (or `definition`)",
}
READ_QUERY = {"rev": REV}
LIST_QUERY = {**READ_QUERY, **PAGED}
DELETE_QUERY = {
    "base": query_param("The commit the deletion is based on (compare-and-swap)", required=True),
    "message": query_param("Commit message (a default names the entry and file)"),
}
PUT_BODY: dict[str, Any] = {
    "type": "object",
    "properties": {"definition": _DEFINITION, "yaml": _YAML, "base": BASE, "message": MESSAGE},
    "required": ["base"],
}
POST_BODY: dict[str, Any] = {
    "type": "object",
    "properties": {"file": _STR, "name": _STR, **PUT_BODY["properties"]},
    "required": ["file", "name", "base"],
}


def split_id(section: Section, ident: str) -> tuple[str, str]:
    """``(file, name)`` of a ``file::name`` id; 400 when it is malformed."""
    path, sep, name = ident.partition("::")
    if not sep or not name:
        raise ApiError(400, "bad_request", f"bad {section.noun} id {ident!r}: expected '<file>::<name>'")
    check_file(path)
    return path, name


def check_file(path: str) -> None:
    """400 unless ``path`` is a safe repository path of a YAML file."""
    check_path(path)
    if not path.lower().endswith(YAML_SUFFIXES):
        raise ApiError(400, "bad_request", f"{path!r} is not a YAML file", {"path": path})


def read_text(path: str, rev: str) -> tuple[str | None, str | None]:
    """Text and blob of ``path`` at ``rev``; ``(None, None)`` when the file does not exist there."""
    try:
        data, blob = get_repo().read_file(path, rev)
    except NotFoundError:
        return None, None
    return data.decode("utf-8", "replace"), blob


def items(section: Section, text: str, path: str) -> list[dict[str, Any]]:
    """The entries of one file; a file that does not parse has none (the files API shows why)."""
    try:
        found = list_entries(text, path, section.key)
    except (YAMLError, ValueError):
        return []
    if section.describe is not None:
        found = [{**item, **section.describe(item["name"], item["definition"])} for item in found]
    return found


def list_all(section: Section) -> tuple[Response, int]:
    """The entries of every YAML file with the top-level section, at ``?rev=`` (default main), by file
    and line; paged."""
    repo = get_repo()
    sha = repo.resolve(request.args.get("rev") or "main")
    has_section = re.compile(rf"^{re.escape(section.key)}\s*:", re.M)
    raw = request.args.get("cursor")
    after = decode_cursor(raw) if raw else None
    limit = parse_limit(request.args.get("limit"))
    found: list[dict[str, Any]] = []
    past_cursor = 0
    for entry in sorted(repo.list_tree(sha), key=lambda e: str(e["path"])):
        path = str(entry["path"])
        if not path.lower().endswith(YAML_SUFFIXES) or (after and path < str(after[0])):
            continue  # a page never needs the files before its cursor's
        if past_cursor > limit:
            break  # nor the files after the one that fills it
        text, _blob = read_text(path, sha)
        if text and has_section.search(text):
            new = items(section, text, path)
            found.extend(new)
            past_cursor += sum(1 for item in new if after is None or _entry_key(item) > after)
    return ok({"commit": sha, **paged(found, _entry_key, dict)})


def _entry_key(item: dict[str, Any]) -> tuple[str, int, str]:
    """Where an entry is: file, line, and its name (two entries of a flow mapping share a line)."""
    return str(item["file"]), int(item.get("line") or 0), str(item["name"])


def _find(section: Section, path: str, name: str, rev: str) -> tuple[dict[str, Any], str, str]:
    """The item, the file's text and blob at ``rev``; 404 when there is none."""
    text, blob = read_text(path, rev)
    for item in items(section, text, path) if text is not None else []:
        if item["name"] == name:
            return item, text or "", blob or ""
    raise ApiError(404, "not_found", f"no {section.noun} {name!r} in {path}", {"file": path, "name": name})


def get_one(section: Section, ident: str) -> tuple[Response, int]:
    """One entry ``{id, file, name, line, definition, inherited, yaml, blob, commit}`` at ``?rev=``."""
    path, name = split_id(section, ident)
    sha = get_repo().resolve(request.args.get("rev") or "main")
    item, _text, blob = _find(section, path, name, sha)
    return ok({**item, "blob": blob, "commit": sha})


def _not_yaml(exc: YAMLError) -> ApiError:
    """400 for a ``yaml`` field that does not parse, at the line and column the parser stopped, saying why
    (``found duplicate key "plex_all"``)."""
    mark = getattr(exc, "problem_mark", None)
    place = {"line": mark.line + 1, "column": mark.column + 1} if mark is not None else {}
    where = f" at {place['line']}:{place['column']}" if place else ""
    problem = getattr(exc, "problem", None) or ""
    why = f": {problem.splitlines()[0]}" if problem else ""
    return ApiError(400, "bad_request", f"'yaml' is not valid YAML{where}{why}", {"field": "yaml", **place})


def _yaml_mapping(source: str) -> str:
    """``source`` when it is YAML text of a mapping; 400 naming the field (and line:col) otherwise."""
    try:
        value = load_rt(source)
    except ComposerError as exc:
        if str(exc.problem).startswith("found undefined alias"):
            return source  # an alias to an anchor elsewhere in the file: set_entry parses it there
        raise _not_yaml(exc) from exc
    except YAMLError as exc:
        raise _not_yaml(exc) from exc
    if not isinstance(value, Mapping):
        raise ApiError(400, "bad_request", "'yaml' must be the YAML text of a mapping", {"field": "yaml"})
    return source


def _definition(body: dict[str, Any]) -> dict[str, Any] | str:
    """The new definition: ``definition`` (a JSON object) or ``yaml`` (YAML text of a mapping)."""
    if body.get("yaml") is not None:
        if body.get("definition") is not None:
            message = "give the definition once: as 'definition' (JSON) or as 'yaml' (text), not both"
            raise ApiError(400, "bad_request", message, {"field": "yaml"})
        return _yaml_mapping(field_str(body, "yaml") or "")
    definition = body.get("definition")
    if not isinstance(definition, dict):
        raise ApiError(400, "bad_request", "'definition' (an object) or 'yaml' (text) is required")
    return definition


def _edited(section: Section, path: str, text: str, name: str, definition: dict[str, Any] | str) -> str:
    """``text`` of ``path`` with entry ``name`` set; 400 when the file cannot be edited that way."""
    if path == CONFIG:
        message = f"{CONFIG} holds settings and libraries, not {section.key}; name a {section.noun} file"
        raise ApiError(400, "bad_request", message, {"field": "file", "file": path})
    try:
        return set_entry(text, section.key, name, definition, path)
    except (YAMLError, ValueError) as exc:
        raise ApiError(
            400, "bad_request", f"cannot edit the YAML: {exc}", {"file": path, "name": name}
        ) from exc


def _commit(path: str, text: str, base: str, message: str) -> tuple[Response, int]:
    """Validate the new file content and commit it on ``base`` like ``PUT /api/files``."""
    changes: dict[str, bytes | None] = {path: text.encode("utf-8")}
    check_changes(changes)
    return write_changes(get_repo(), changes, base, message)


def put_one(section: Section, ident: str) -> tuple[Response, int]:
    """Update (or create) an entry: JSON ``{definition | yaml, base, message?}``."""
    path, name = split_id(section, ident)
    body = json_body()
    base = resolve_base(field_str(body, "base") or "")
    definition = _definition(body)
    default = f"Update {section.noun} {name} in {path}"
    message = field_str(body, "message", required=False) or default
    text, _blob = read_text(path, base)
    return _commit(path, _edited(section, path, text or "", name, definition), base, message)


def create_one(section: Section) -> tuple[Response, int]:
    """Create an entry: JSON ``{file, name, definition | yaml, base, message?}``; 409 if it exists."""
    body = json_body()
    path, name = field_str(body, "file") or "", field_str(body, "name") or ""
    check_file(path)
    if not name.strip() or any(c in name for c in "\r\n"):
        raise ApiError(400, "bad_request", "'name' must be one line of text, not empty", {"field": "name"})
    base = resolve_base(field_str(body, "base") or "")
    definition = _definition(body)
    message = field_str(body, "message", required=False) or f"Add {section.noun} {name} to {path}"
    text, _blob = read_text(path, base)
    if text is not None and any(i["name"] == name for i in items(section, text, path)):
        ident = f"{path}::{name}"
        raise ApiError(409, "conflict", f"{section.noun} {name!r} already exists in {path}", {"id": ident})
    response, _status = _commit(path, _edited(section, path, text or "", name, definition), base, message)
    return response, 201


def delete_one(section: Section, ident: str) -> tuple[Response, int]:
    """Delete an entry as a new commit on ``?base=``."""
    path, name = split_id(section, ident)
    base = request.args.get("base")
    if not base:
        message = "'base' (the commit the deletion is based on) is required"
        raise ApiError(400, "bad_request", message, {"field": "base"})
    base = resolve_base(base)
    message = request.args.get("message") or f"Delete {section.noun} {name} from {path}"
    _item, text, _blob = _find(section, path, name, base)
    try:
        edited = delete_entry(text, section.key, name, path)
    except ValueError as exc:
        raise ApiError(400, "bad_request", f"cannot delete: {exc}", {"file": path, "name": name}) from exc
    return _commit(path, edited, base, message)
