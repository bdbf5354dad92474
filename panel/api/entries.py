"""What ``/api/collections`` and ``/api/overlays`` share: entries of a top-level YAML section across files.

An entry is identified by ``<file>::<name>`` (URL-encoded in the path). Every write reads the file at
the client's ``base``, edits only that entry's lines (see ``panel.yaml_edit``), validates the new file
like the files API and commits it by compare-and-swap: a stale ``base`` for that file answers 409.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from flask import Response
from pydantic import ConfigDict, Field, model_validator
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.error import YAMLError

from panel.api.common import check_changes, get_repo, resolve_base
from panel.api.entry_yaml import yaml_in_file
from panel.api.envelope import ApiError, ok
from panel.api.files import AtRev, DeleteQuery, write_changes
from panel.api.paging import Paged, decode_cursor, paged
from panel.contract import WS, Absent, Base, Body, FieldError, Message, RepoPath, ruled
from panel.repo import NotFoundError, check_path
from panel.tree_check import CONFIG, YAML_SUFFIXES
from panel.yaml_edit import Definition, delete_entry, list_entries, load_rt, set_entry

Describe = Callable[[str, Any], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    """A top-level section (``collections``), its noun in messages, and extra item fields by
    ``describe(name, definition)``."""

    key: str
    noun: str
    describe: Describe | None = None


EntryId = Annotated[
    str,
    ruled(
        r"^.+\.(?:[yY][mM][lL]|[yY][aA][mM][lL])::.+$",
        description="`<file>::<name>`: a YAML file of the repository and the entry's name",
    ),
]
EntryName = Annotated[
    str,
    ruled(rf"^[^\r\n]*[^\r\n{WS}][^\r\n]*$", "The entry's name: one line, not blank"),
]


class EntryList(AtRev, Paged):
    """``?rev=`` and paging."""


class EntryPut(Body):
    """``{definition | yaml, base, message?}``: exactly one of ``definition`` and ``yaml``."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["definition"]}, {"required": ["yaml"]}]}
    )

    definition: dict[str, Any] | Absent = Field(None, description="The definition as JSON (or `yaml`)")
    yaml: str | Absent = Field(
        None, description="The definition as YAML text of a mapping, comments kept (or `definition`)"
    )
    base: Base
    message: Message = ""

    @model_validator(mode="after")
    def _one_definition(self) -> EntryPut:
        if self.definition is not None and self.yaml is not None:
            message = "give the definition once: as 'definition' (JSON) or as 'yaml' (text), not both"
            raise FieldError("yaml", message)
        if self.definition is None and self.yaml is None:
            raise FieldError("definition", "'definition' (an object) or 'yaml' (text) is required")
        return self


class EntryPost(EntryPut):
    """``{file, name, definition | yaml, base, message?}``."""

    file: RepoPath
    name: EntryName


def split_id(section: Section, ident: str) -> tuple[str, str]:
    """``(file, name)`` of a ``file::name`` id; 400 when it is malformed."""
    path, sep, name = ident.partition("::")
    if not sep or not name:
        raise ApiError(422, "unprocessable", f"bad {section.noun} id {ident!r}: expected '<file>::<name>'")
    check_file(path)
    return path, name


def check_file(path: str) -> None:
    """422 unless ``path`` is a safe repository path of a YAML file."""
    check_path(path)
    if not path.lower().endswith(YAML_SUFFIXES):
        raise ApiError(422, "unprocessable", f"{path!r} is not a YAML file", {"path": path})


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


def list_all(section: Section, query: EntryList) -> tuple[Response, int]:
    """The entries of every YAML file with the top-level section, at ``?rev=`` (default main), by file
    and line; paged."""
    repo = get_repo()
    sha = repo.resolve(query.rev or "main")
    has_section = re.compile(rf"^{re.escape(section.key)}\s*:", re.M)
    after = decode_cursor(query.cursor) if query.cursor else None
    limit = query.limit
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


def get_one(section: Section, ident: str, query: AtRev) -> tuple[Response, int]:
    """One entry ``{id, file, name, line, definition, inherited, yaml, blob, commit}`` at ``?rev=``."""
    path, name = split_id(section, ident)
    sha = get_repo().resolve(query.rev or "main")
    item, _text, blob = _find(section, path, name, sha)
    return ok({**item, "blob": blob, "commit": sha})


def _definition(section: Section, body: EntryPut, path: str, text: str, name: str, base: str) -> Definition:
    """The new definition: ``definition`` (a JSON object) or ``yaml`` (YAML text of a mapping); YAML that
    does not parse is a 422 at its line and column in the file, like the files API answers."""
    if body.yaml is None:
        return body.definition or {}
    try:
        value = load_rt(body.yaml)
    except ComposerError as exc:
        if str(exc.problem).startswith("found undefined alias"):
            return body.yaml  # an alias to an anchor elsewhere in the file: set_entry parses it there
        raise yaml_in_file(section, body.yaml, exc, path, text, name, base) from exc
    except YAMLError as exc:
        raise yaml_in_file(section, body.yaml, exc, path, text, name, base) from exc
    if not isinstance(value, Mapping):
        raise ApiError(422, "unprocessable", "'yaml' must be the YAML text of a mapping", {"field": "yaml"})
    return body.yaml


def _edited(section: Section, path: str, text: str, name: str, definition: Definition) -> str:
    """``text`` of ``path`` with entry ``name`` set; 400 when the file cannot be edited that way."""
    if path == CONFIG:
        message = f"{CONFIG} holds settings and libraries, not {section.key}; name a {section.noun} file"
        raise ApiError(422, "unprocessable", message, {"field": "file", "file": path})
    try:
        return set_entry(text, section.key, name, definition, path)
    except (YAMLError, ValueError) as exc:
        raise ApiError(
            422, "unprocessable", f"cannot edit the YAML: {exc}", {"file": path, "name": name}
        ) from exc


def _commit(path: str, text: str, base: str, message: str) -> tuple[Response, int]:
    """Validate the new file content and commit it on ``base`` like ``PUT /api/files``."""
    changes: dict[str, bytes | None] = {path: text.encode("utf-8")}
    check_changes(changes)
    return write_changes(get_repo(), changes, base, message)


def put_one(section: Section, ident: str, body: EntryPut) -> tuple[Response, int]:
    """Update (or create) an entry: JSON ``{definition | yaml, base, message?}``."""
    path, name = split_id(section, ident)
    base = resolve_base(body.base)
    message = body.message or f"Update {section.noun} {name} in {path}"
    text, _blob = read_text(path, base)
    definition = _definition(section, body, path, text or "", name, base)
    return _commit(path, _edited(section, path, text or "", name, definition), base, message)


def create_one(section: Section, body: EntryPost) -> tuple[Response, int]:
    """Create an entry: JSON ``{file, name, definition | yaml, base, message?}``; 409 if it exists."""
    path, name = body.file, body.name
    check_file(path)
    base = resolve_base(body.base)
    message = body.message or f"Add {section.noun} {name} to {path}"
    text, _blob = read_text(path, base)
    if text is not None and any(i["name"] == name for i in items(section, text, path)):
        ident = f"{path}::{name}"
        raise ApiError(409, "conflict", f"{section.noun} {name!r} already exists in {path}", {"id": ident})
    definition = _definition(section, body, path, text or "", name, base)
    response, _status = _commit(path, _edited(section, path, text or "", name, definition), base, message)
    return response, 201


def delete_one(section: Section, ident: str, query: DeleteQuery) -> tuple[Response, int]:
    """Delete an entry as a new commit on ``?base=``."""
    path, name = split_id(section, ident)
    base = resolve_base(query.base)
    message = query.message or f"Delete {section.noun} {name} from {path}"
    _item, text, _blob = _find(section, path, name, base)
    try:
        edited = delete_entry(text, section.key, name, path)
    except ValueError as exc:
        raise ApiError(422, "unprocessable", f"cannot delete: {exc}", {"file": path, "name": name}) from exc
    return _commit(path, edited, base, message)
