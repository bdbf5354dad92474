"""``/api/collections``: collections across files, edited through ruamel round trips (see ``panel.yaml_edit``).

A collection is identified by ``<file>::<name>`` (URL-encoded in the path). Every write reads the file
at the client's ``base``, edits only that entry's lines, validates the new file like the files API
and commits it by compare-and-swap: a stale ``base`` for that file answers 409 (see ``panel.api.entries``).
"""

from __future__ import annotations

from flask import Blueprint, Response

from panel.api import config, entries
from panel.api.answers import CommitResult
from panel.api.entries import EntryId, EntryList, EntryPost, EntryPut, Section
from panel.api.files import AtRev, DeleteQuery
from panel.openapi import documented

bp = Blueprint("collections", __name__)
bp.register_blueprint(config.bp)
COLLECTIONS = Section("collections", "collection")


@bp.get("/collections")
@documented(query=EntryList)
def list_all(query: EntryList) -> tuple[Response, int]:
    """Every collection in every YAML file with a top-level ``collections:`` at ``?rev=`` (default main)."""
    return entries.list_all(COLLECTIONS, query)


@bp.get("/collections/<path:ident>")
@documented(query=AtRev, path={"ident": EntryId})
def get_one(ident: str, query: AtRev) -> tuple[Response, int]:
    """One collection ``{id, file, name, line, definition, inherited, yaml, blob, commit}`` at ``?rev=``."""
    return entries.get_one(COLLECTIONS, ident, query)


@bp.put("/collections/<path:ident>")
@documented(body=EntryPut, path={"ident": EntryId}, data=CommitResult)
def put_one(ident: str, body: EntryPut) -> tuple[Response, int]:
    """Update (or create) a collection: JSON ``{definition | yaml, base, message?}``."""
    return entries.put_one(COLLECTIONS, ident, body)


@bp.post("/collections")
@documented(body=EntryPost, status=201, data=CommitResult)
def create_one(body: EntryPost) -> tuple[Response, int]:
    """Create a collection: JSON ``{file, name, definition | yaml, base, message?}``; 409 if it exists."""
    return entries.create_one(COLLECTIONS, body)


@bp.delete("/collections/<path:ident>")
@documented(query=DeleteQuery, path={"ident": EntryId}, data=CommitResult)
def delete_one(ident: str, query: DeleteQuery) -> tuple[Response, int]:
    """Delete a collection as a new commit on ``?base=``."""
    return entries.delete_one(COLLECTIONS, ident, query)
