"""``POST /api/collections/preview``: the items a collection definition would hold, and its problems.

Computed by the engine against Plex with no write (see :mod:`panel.preview`), so any signed-in role may
ask. The library listing comes from the per-process :class:`panel.plex_listing.ListingCache`, which the
poster route (:mod:`panel.api.posters`) shares.

Plex is the panel's own (``KOMETA_PANEL_PLEX_URL`` / ``KOMETA_PANEL_PLEX_TOKEN``, as ``/api/libraries``
uses it) or, when that is not set, the one config.yml's ``plex:`` names, its ``<<placeholders>>`` filled
from the secret store and ``KOMETA_*`` variables, as a run fills them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from modules.cli import secrets_from_env
from modules.config import LibraryConfig
from modules.errors import KometaError, Location, PlexError
from modules.plex import PlexGateway
from modules.yamlio import parse, where
from panel.api.common import get_repo, get_settings, stored_secret_values
from panel.api.envelope import ApiError, json_body, ok
from panel.api.paging import PAGED, paged
from panel.openapi import documented
from panel.plex_listing import Listing, ListingCache, server_key
from panel.preview import (
    UNSET,
    Members,
    PreviewError,
    collection_file,
    find_library,
    library_context,
    members,
    parse_yaml,
    repo_yaml_files,
    write_yaml_files,
)
from panel.repo import check_path

bp = Blueprint("preview", __name__)
DEFAULT_NAME = "Preview"
STATUS = {"not_found": 404, "validation_failed": 422}


class PreviewBody(BaseModel):
    """``{library, definition | yaml, file?, name?, rev?, refresh?}``."""

    model_config = ConfigDict(extra="forbid", strict=True, hide_input_in_errors=True)

    library: str = Field(
        min_length=1, description="A library of config.yml: its key, or the Plex title in library_name"
    )
    definition: dict[str, Any] | None = Field(
        None, description="The collection definition as JSON (give this, `yaml`, or `file` and `name`)"
    )
    yaml: str | None = Field(None, description="The collection definition as YAML text (a mapping)")
    file: str | None = Field(
        None,
        min_length=1,
        description="The repository file the definition lives in: its templates, external_templates "
        "and its file block's template_variables apply",
    )
    name: str | None = Field(None, min_length=1, description="The collection's name (default: Preview)")
    rev: str | None = Field(None, min_length=1, description="The commit whose config is used (default main)")
    refresh: bool = Field(False, description="true lists the library again instead of using the cache")


def listing_cache() -> ListingCache:
    """This process's listing cache (one per app, sized from the environment)."""
    extensions = current_app.extensions
    if "kometa_listing_cache" not in extensions:
        extensions["kometa_listing_cache"] = ListingCache.from_env()
    cache: ListingCache = extensions["kometa_listing_cache"]
    return cache


def _body() -> PreviewBody:
    try:
        return PreviewBody.model_validate(json_body())
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        message = f"'{field}': {first['msg']}" if field else first["msg"]
        raise ApiError(400, "bad_request", message, {"field": field}) from None


def plex_server(library: LibraryConfig | None) -> tuple[str, str | None]:
    """The panel's Plex when configured, else the one config.yml names; 503 when neither is usable."""
    settings = get_settings()
    if settings.plex_url:
        return settings.plex_url, settings.plex_token
    if library is None or UNSET in (library.plex.url, library.plex.token) or not library.plex.url:
        message = (
            "no Plex server is configured: set KOMETA_PANEL_PLEX_URL and KOMETA_PANEL_PLEX_TOKEN, or store "
            "the secrets config.yml's plex: url and token use"
        )
        raise ApiError(503, "plex_unreachable", message, {"url": None})
    return library.plex.url, library.plex.token


@contextmanager
def config_folder(rev: str) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """The commit's YAML files in a temporary folder, with the secrets a run would get."""
    repo = get_repo()
    sha = repo.resolve(rev)
    with tempfile.TemporaryDirectory(prefix="kometa-preview-") as folder:
        write_yaml_files(repo_yaml_files(repo, sha), Path(folder))
        yield sha, Path(folder), {**secrets_from_env(os.environ), **stored_secret_values()}


@contextmanager
def plex_listing(
    library: LibraryConfig | None, title: str, refresh: bool
) -> Iterator[tuple[PlexGateway, Listing]]:
    """A pooled connection and the cached listing of the Plex library ``title``; 503 when Plex fails."""
    url, token = plex_server(library)
    cache = listing_cache()
    try:
        with cache.gateway(url, token) as gateway:
            section = cache.section(gateway, server_key(url, token), title, refresh)
            yield gateway, cache.listing(gateway, server_key(url, token), section, refresh)
    except PlexError as exc:
        message = str(exc).replace(token, "***") if token else str(exc)
        status = 404 if "has no library named" in message else 503
        code = "not_found" if status == 404 else "plex_unreachable"
        raise ApiError(status, code, message, {"url": url}) from None


def _definition(body: PreviewBody, folder: Path) -> tuple[str, Any, list[Any], Location | None]:
    """The name, the definition, its parse problems and, for a saved one, its place in the file."""
    given = [k for k in ("definition", "yaml") if getattr(body, k) is not None]
    if len(given) > 1:
        raise ApiError(400, "bad_request", "give 'definition' or 'yaml', not both", {"field": "yaml"})
    name = body.name or DEFAULT_NAME
    if body.yaml is not None:
        data, problems = parse_yaml(body.yaml)
        return name, data, problems, None
    if body.definition is not None:
        return name, body.definition, [], None
    if body.file is None or body.name is None:
        message = "'definition' (an object), 'yaml' (text), or 'file' and 'name' of a saved one is required"
        raise ApiError(400, "bad_request", message, {"field": "definition"})
    try:
        document = parse((folder / body.file).read_text(encoding="utf-8"), body.file)
    except (KometaError, UnicodeDecodeError) as exc:
        raise ApiError(422, "validation_failed", str(exc), {"file": body.file}) from None
    found = document.get("collections") if isinstance(document, dict) else None
    key = next((k for k in found if str(k) == body.name), None) if isinstance(found, dict) else None
    if key is None or not isinstance(found, dict):
        raise ApiError(404, "not_found", f"{body.file} has no collection {body.name!r}", {"field": "name"})
    return name, found[key], [], where(found, body.file, key)


def _item(listing: Listing, key: int) -> dict[str, Any]:
    item = listing.items.get(key)
    poster = f"/api/plex/libraries/{listing.section.key}/items/{key}/poster"
    return {
        "rating_key": key,
        "title": item.title if item else str(key),
        "year": item.year if item else None,
        "poster": poster if item and item.attrs.get("thumb") else None,
    }


@bp.post("/collections/preview")
@documented(query=PAGED)
def preview_collection() -> tuple[Response, int]:
    """The items a collection definition would hold, computed by the engine against Plex, writing nothing:
    ``{items: [{rating_key, title, year, poster}], next_cursor, total, smart, problems, ...}``."""
    body = _body()
    if body.file is not None:
        check_path(body.file)  # 400 for '..', absolute names and the like, before anything is read
    with config_folder(body.rev or "main") as (sha, folder, secrets):
        if body.file is not None and not (folder / body.file).is_file():
            message = f"{body.file} is not a YAML file of the config repository"
            raise ApiError(404, "not_found", message, {"field": "file"})
        try:
            library = find_library(folder, body.library, secrets)
        except PreviewError as exc:
            raise ApiError(STATUS.get(exc.code, 422), exc.code, exc.message, exc.details) from None
        name, data, problems, place = _definition(body, folder)
        with plex_listing(library, library.library_name, body.refresh) as (gateway, listing):
            result = Members(name, problems=problems)
            if data is not None:
                result = _members(gateway, listing, library, name, data, body, folder, place)
    numbered = list(enumerate(result.keys))
    page = paged(numbered, lambda pair: (pair[0],), lambda pair: _item(listing, pair[1]))
    return ok(
        {
            "commit": sha,
            "library": library.name,
            "section": {
                "id": listing.section.key,
                "title": listing.section.title,
                "type": listing.section.type,
            },
            "name": result.name,
            "smart": result.smart,
            "smart_query": result.smart_query,
            "total": len(result.keys),
            "filtered_out": result.filtered_out,
            "problems": [p.to_dict() for p in result.problems],
            "listed_at": listing.listed_at,
            **page,
        }
    )


def _members(
    gateway: PlexGateway,
    listing: Listing,
    library: LibraryConfig,
    name: str,
    data: Any,
    body: PreviewBody,
    folder: Path,
    place: Location | None,
) -> Members:
    context = library_context(gateway, listing, datetime.now())
    try:
        source = collection_file(library, folder, body.file, context.libtype) if body.file else None
    except PreviewError as exc:
        raise ApiError(STATUS.get(exc.code, 422), exc.code, exc.message, exc.details) from None
    return members(context, library, name, data, source, folder, place)
