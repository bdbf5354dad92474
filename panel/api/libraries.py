"""``/api/libraries``: Plex's libraries joined with what config.yml manages in each.

- Plex side: sections (key, title, type, agent, item and collection counts) and one section's collections,
  read through the engine's ``PlexGateway`` with the panel's Plex URL and token, cached per process for
  60 seconds per Plex URL (a failed read for 10 seconds); ``?refresh=1`` reads Plex again.
- Config side: config.yml and the files it lists at ``?rev=`` (default ``main``), see ``panel.libraries``;
  a commit's answer never changes, so it is cached by commit.
- One library: the collections its ``- default:`` files and dynamic collections build, planned by the
  engine against Plex (``panel.library_plan``, cached like Plex's answers), so they count as managed.

Plex is optional: whatever can be answered from the config is answered with 200 and
``plex: {reachable: false, error}`` when Plex is not configured or does not answer. Only a Plex section
key cannot be resolved without Plex: ``GET /api/libraries/<key>`` then answers 503 ``plex_unreachable``
(404 when no Plex is configured, since no section keys exist then).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from flask import Blueprint, Response
from pydantic import Field

from modules.config_blocks import YAML_SUFFIXES
from modules.managed import is_managed
from modules.plex import LIBTYPES, PlexGateway, Section
from panel.api.common import get_repo, get_settings
from panel.api.envelope import ApiError, ok, timestamp
from panel.api.paging import Paged, paged
from panel.contract import Absent, Query, Revision
from panel.libraries import (
    CONFIG_PATH,
    ConfigTextError,
    LibraryUse,
    library_items,
    library_uses,
    managed,
)
from panel.library_plan import Built, built_titles, mark_built
from panel.openapi import documented
from panel.repo import NotFoundError, PathError

bp = Blueprint("libraries", __name__)
log = logging.getLogger(__name__)
PLEX_TTL = 60.0
FAILURE_TTL = 10.0
PLEX_TIMEOUT = 10
CONFIG_CACHE_SIZE = 64
NOT_CONFIGURED = "not configured"


class LibraryQuery(Query):
    """``?rev=`` and ``?refresh=``."""

    rev: Revision | Absent = Field(
        None, description="The commit, branch or tag whose config.yml is read (default main)"
    )
    refresh: Literal["0", "1", "true", "false"] = Field(
        "0", description="1 reads Plex again instead of the answer cached for 60 seconds"
    )


class LibraryList(LibraryQuery, Paged):
    """``?rev=``, ``?refresh=`` and paging."""


_plex_cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
_config_cache: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], list[LibraryUse]] = OrderedDict()
_lock = threading.Lock()


# --------------------------------------------------------------------------- Plex side


def _cached(key: tuple[str, str], fetch: Callable[[], dict[str, Any]], refresh: bool) -> dict[str, Any]:
    """``fetch()``'s answer, reused until it expires (60 s, a failure 10 s) unless ``refresh``."""
    with _lock:
        hit = _plex_cache.get(key)
    if hit is not None and not refresh and hit[0] > time.monotonic():
        return {**hit[1], "cached": True}
    value = fetch()
    ttl = PLEX_TTL if value["reachable"] else FAILURE_TTL
    with _lock:
        _plex_cache[key] = (time.monotonic() + ttl, value)
    return {**value, "cached": False}


def _read_plex(url: str, token: str | None, read: Callable[[PlexGateway], Any]) -> dict[str, Any]:
    """``{reachable, error, value, fetched_at}`` of one read through a fresh gateway; never raises."""
    result: dict[str, Any] = {"url": url, "reachable": False, "error": None, "value": None}
    gateway = None
    try:
        gateway = PlexGateway(url, token, timeout=PLEX_TIMEOUT)
        result |= {"reachable": True, "value": read(gateway)}
    except Exception as exc:  # Plex down, refusing the token or answering oddly is a state to show
        message = str(exc) or type(exc).__name__
        result["error"] = message.replace(token, "***") if token else message
        log.info("Plex read failed: %s", result["error"])
    finally:
        if gateway is not None:
            gateway.session.close()
    return {**result, "fetched_at": timestamp()}


def _total(gateway: PlexGateway, key: str, params: list[tuple[str, str]]) -> int | None:
    """How many items a Plex listing holds, asking for none of them."""
    headers = {"X-Plex-Container-Start": "0", "X-Plex-Container-Size": "0"}
    root = gateway.query(key, params=params, headers=headers)
    value = root.attrib.get("totalSize", root.attrib.get("size")) if root is not None else None
    return int(value) if value is not None and value.isdigit() else None


def _sections(gateway: PlexGateway) -> list[dict[str, Any]]:
    """Every section with its item count (of the section's own type) and collection count."""
    found = []
    for section in gateway.sections():
        number = LIBTYPES.get(section.type)
        params = [("type", str(number))] if number else []
        found.append(
            {
                "id": section.key,
                "title": section.title,
                "type": section.type,
                "agent": section.agent,
                "item_count": _total(gateway, f"/library/sections/{section.key}/all", params),
                "collection_count": _total(gateway, f"/library/sections/{section.key}/collections", []),
            }
        )
    return found


def _collections(section: dict[str, Any]) -> Callable[[PlexGateway], list[dict[str, Any]]]:
    """A read of one section's collections: title, smart, child count, rating key, labels, and whether
    the ``Kometa`` label marks it as built by Kometa or this engine."""
    target = Section(section["id"], section["title"], section["type"], section["agent"])

    def read(gateway: PlexGateway) -> list[dict[str, Any]]:
        return [
            {
                "rating_key": c.rating_key,
                "title": c.title,
                "smart": c.smart,
                "child_count": int(c.attrs["childCount"])
                if c.attrs.get("childCount", "").isdigit()
                else None,
                "labels": c.labels,
                "kometa_label": is_managed(c.labels),
            }
            for c in gateway.collections(target).values()
        ]

    return read


def plex_sections(refresh: bool) -> dict[str, Any]:
    """The configured Plex server's sections (``value``), cached; ``reachable: false`` when it has none."""
    settings = get_settings()
    url, token = settings.plex_url, settings.plex_token
    if not url:
        return {"url": None, "reachable": False, "error": NOT_CONFIGURED, "value": None, "cached": False}
    return _cached((url, "sections"), lambda: _read_plex(url, token, _sections), refresh)


def plex_collections(section: dict[str, Any], refresh: bool) -> dict[str, Any]:
    """One section's collections (``value``), cached like the sections."""
    settings = get_settings()
    url = settings.plex_url or ""
    read = _collections(section)
    return _cached(
        (url, f"collections/{section['id']}"),
        lambda: _read_plex(url, settings.plex_token, read),
        refresh,
    )


def _plex_block(answer: dict[str, Any]) -> dict[str, Any]:
    """What the API shows about Plex: where, whether it answered, and how fresh the answer is."""
    keys = ("url", "reachable", "error", "cached", "fetched_at")
    return {k: answer.get(k) for k in keys}


# --------------------------------------------------------------------------- config side


def config_side(rev: str, section_types: dict[str, str]) -> tuple[str, list[LibraryUse], dict[str, Any]]:
    """The commit, its libraries and a ``config`` block ``{path, found, error}`` for the answer."""
    repo = get_repo()
    sha = repo.resolve(rev)
    info: dict[str, Any] = {"path": CONFIG_PATH, "found": True, "error": None}
    key = (sha, tuple(sorted(section_types.items())))
    with _lock:
        uses = _config_cache.get(key)
    if uses is not None:
        return sha, uses, info
    try:
        text = repo.read_file(CONFIG_PATH, sha)[0].decode("utf-8", "replace")
    except NotFoundError:
        return sha, [], {**info, "found": False}
    paths = [str(entry["path"]) for entry in repo.list_tree(sha)]
    try:
        uses = library_uses(text, paths, lambda path: _read(path, sha), section_types)
    except ConfigTextError as exc:
        return sha, [], {**info, "error": exc.to_dict()}
    with _lock:
        _config_cache[key] = uses
        while len(_config_cache) > CONFIG_CACHE_SIZE:
            _config_cache.popitem(last=False)
    return sha, uses, info


def _read(path: str, sha: str) -> str | None:
    try:
        return get_repo().read_file(path, sha)[0].decode("utf-8", "replace")
    except (NotFoundError, PathError):
        return None


def _types(sections: list[dict[str, Any]] | None) -> dict[str, str]:
    return {s["title"]: s["type"] for s in sections or []}


# --------------------------------------------------------------------------- routes


@bp.get("/libraries")
@documented(query=LibraryList)
def list_libraries(query: LibraryList) -> tuple[Response, int]:
    """Every Plex library with the config.yml libraries that target it, then those Plex does not have."""
    refresh = query.refresh in ("1", "true")
    plex = plex_sections(refresh)
    sections = plex["value"] if plex["reachable"] else None
    sha, uses, config = config_side(query.rev or "main", _types(sections))
    numbered = list(enumerate(library_items(sections, uses)))
    page = paged(numbered, lambda pair: (pair[0],), lambda pair: pair[1])
    return ok({"commit": sha, "plex": _plex_block(plex), "config": config, **page})


@bp.get("/libraries/<path:ident>")
@documented(query=LibraryQuery)
def get_library(ident: str, query: LibraryQuery) -> tuple[Response, int]:
    """One library, by Plex section key (digits) or by its name in config.yml: its Plex collections and
    the collections and overlays config.yml manages in it."""
    refresh = query.refresh in ("1", "true")
    plex = plex_sections(refresh)
    sections = plex["value"] if plex["reachable"] else None
    sha, uses, config = config_side(query.rev or "main", _types(sections))
    item = _find(ident, sections, uses, plex)
    chosen = [u for u in uses if u.name in {c["name"] for c in item["config"]}]
    collections: list[dict[str, Any]] | None = None
    if item["in_plex"]:
        answer = plex_collections(item, refresh)
        plex = {**answer, "cached": plex["cached"] and answer["cached"]}
        collections = [dict(c) for c in answer["value"]] if answer["reachable"] else None
    titles = {c["title"] for c in collections} if collections is not None else None
    found = managed(chosen, titles)
    static = {c["name"] for c in found["collections"] if not c["templated"]}
    if titles is not None:
        for use in chosen:
            static |= mark_built(found, use.name, _built(sha, use.name, item, refresh), titles)
    for collection in collections or []:
        collection["in_config"] = collection["title"] in static
        collection["managed"] = collection["in_config"] or collection["kometa_label"]
    data = {
        "commit": sha,
        "plex": _plex_block(plex),
        "config": config,
        **{k: v for k, v in item.items() if k != "config"},
        "libraries": [asdict(u) for u in chosen],
        "plex_collections": collections,
        **found,
    }
    return ok(data)


def _built(sha: str, library: str, section: dict[str, Any], refresh: bool) -> Built:
    """What config library ``library`` builds in Plex section ``section`` at commit ``sha`` (the engine's
    plan, cached like Plex's answers); nothing when it cannot be planned."""
    settings = get_settings()
    url = settings.plex_url or ""
    repo = get_repo()
    paths = [str(e["path"]) for e in repo.list_tree(sha) if str(e["path"]).lower().endswith(YAML_SUFFIXES)]

    def plan(gateway: PlexGateway) -> Built:
        files = {path: repo.read_file(path, sha)[0] for path in paths}
        return built_titles(files, library, gateway, section["title"], datetime.now())

    answer = _cached(
        (url, f"plan/{sha}/{section['id']}/{library}"),
        lambda: _read_plex(url, settings.plex_token, plan),
        refresh,
    )
    return answer["value"] if answer["reachable"] else {}


def _find(
    ident: str, sections: list[dict[str, Any]] | None, uses: list[LibraryUse], plex: dict[str, Any]
) -> dict[str, Any]:
    """The list item ``ident`` names; 404 when none does, 503 for a section key while Plex is down."""
    items = library_items(sections, uses)
    if ident.isdigit():
        if sections is None and plex["error"] != NOT_CONFIGURED:
            message = f"Plex is needed to find library {ident} and it does not answer: {plex['error']}"
            raise ApiError(503, "plex_unreachable", message, {"url": plex["url"], "error": plex["error"]})
        match = next((i for i in items if i["id"] == int(ident)), None)
    else:
        match = next((i for i in items if any(c["name"] == ident for c in i["config"])), None)
    if match is None:
        where = "Plex has no library" if ident.isdigit() else "config.yml has no library"
        raise ApiError(404, "not_found", f"{where} {ident!r}", {"id": ident})
    return match
