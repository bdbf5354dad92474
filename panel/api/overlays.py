"""``/api/overlays``: overlays across files, with the same semantics as ``/api/collections``.

An overlay is identified by ``<file>::<name>``; writes edit only that entry's lines under ``overlays:``
and commit by compare-and-swap (see ``panel.api.entries``). Each item also says what the overlay draws
(``overlay: {kind, name, text, source, path}``) so a UI can show it without knowing Kometa's rules.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response

from panel.api import entries
from panel.api.answers import CommitResult
from panel.api.entries import EntryId, EntryList, EntryPost, EntryPut, Section
from panel.api.files import AtRev, DeleteQuery
from panel.openapi import documented

bp = Blueprint("overlays", __name__)
_KIND = re.compile(r"(?P<kind>text|blur)\((?P<arg>.*)\)", re.S)
_SOURCES = {
    "default": "default",
    "pmm": "default",
    "file": "file",
    "git": "git",
    "repo": "repo",
    "url": "url",
}


def describe(name: str, definition: Any) -> dict[str, Any]:
    """``{overlay: {kind, name, text, source, path}}``: image, text, blur or backdrop, and where an image
    comes from (``config`` is ``overlays/<name>.png`` of the config); ``overlay: null`` when a template
    supplies it."""
    definition = definition if isinstance(definition, dict) else {}
    spec = definition.get("overlay")
    if spec is None and "template" in definition:
        return {"overlay": None}
    spec = {"name": spec} if isinstance(spec, str) else spec if isinstance(spec, dict) else {}
    label = str(spec.get("name") or name)
    found = _KIND.fullmatch(label.strip())
    kind = found["kind"] if found else "backdrop" if label.strip() == "backdrop" else "image"
    source, path = next(
        ((tag, str(spec[key])) for key, tag in _SOURCES.items() if spec.get(key)), (None, None)
    )
    if source is None and kind == "image":
        source, path = "config", f"overlays/{label}.png"
    text = found["arg"] if found and kind == "text" else None
    return {"overlay": {"kind": kind, "name": label, "text": text, "source": source, "path": path}}


OVERLAYS = Section("overlays", "overlay", describe)


@bp.get("/overlays")
@documented(query=EntryList)
def list_all(query: EntryList) -> tuple[Response, int]:
    """Every overlay in every YAML file with a top-level ``overlays:`` at ``?rev=`` (default main)."""
    return entries.list_all(OVERLAYS, query)


@bp.get("/overlays/<path:ident>")
@documented(query=AtRev, path={"ident": EntryId})
def get_one(ident: str, query: AtRev) -> tuple[Response, int]:
    """One overlay ``{id, file, name, line, definition, inherited, yaml, overlay, blob, commit}`` at ``?rev=``."""
    return entries.get_one(OVERLAYS, ident, query)


@bp.put("/overlays/<path:ident>")
@documented(body=EntryPut, path={"ident": EntryId}, data=CommitResult)
def put_one(ident: str, body: EntryPut) -> tuple[Response, int]:
    """Update (or create) an overlay: JSON ``{definition | yaml, base, message?}``."""
    return entries.put_one(OVERLAYS, ident, body)


@bp.post("/overlays")
@documented(body=EntryPost, status=201, data=CommitResult)
def create_one(body: EntryPost) -> tuple[Response, int]:
    """Create an overlay: JSON ``{file, name, definition | yaml, base, message?}``; 409 if it exists."""
    return entries.create_one(OVERLAYS, body)


@bp.delete("/overlays/<path:ident>")
@documented(query=DeleteQuery, path={"ident": EntryId}, data=CommitResult)
def delete_one(ident: str, query: DeleteQuery) -> tuple[Response, int]:
    """Delete an overlay as a new commit on ``?base=``."""
    return entries.delete_one(OVERLAYS, ident, query)
