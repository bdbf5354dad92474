"""Hubs: managed hub rows per section (collection visibility and order), section hubs and hub search."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree.ElementTree import Element

from plexsim.dataset import MOVIE_HUBS, SHOW_HUBS
from plexsim.http import BadRequest, NotFound, Request, Router
from plexsim.model import Item, ManagedHub
from plexsim.render import container, el, finish, hub_row_element, item_element
from plexsim.routes.common import collection_members
from plexsim.routes.paging import page
from plexsim.routes.sections import section_of

PROMOTIONS = {
    "promotedToRecommended": "promoted_to_recommended",
    "promotedToOwnHome": "promoted_to_own_home",
    "promotedToSharedHome": "promoted_to_shared_home",
}
SEARCH_HUB_TYPES = ("movie", "show", "season", "episode", "collection")
# built-in row identifier -> (default position, shown on home screens by default)
BUILT_IN_DEFAULTS: dict[str, tuple[int, bool]] = {
    identifier: (position, home)
    for rows in (MOVIE_HUBS, SHOW_HUBS)
    for position, (identifier, _title, home) in enumerate(rows)
}


def _rows(request: Request) -> list[ManagedHub]:
    section = section_of(request)
    return request.library.hubs.setdefault(section.id, [])


def _find(rows: list[ManagedHub], identifier: str) -> ManagedHub | None:
    return next((row for row in rows if row.identifier == identifier), None)


def _apply_promotions(request: Request, row: ManagedHub) -> None:
    """Set the promotedTo* flags given as 0/1; all are checked before any is changed."""
    changes: dict[str, bool] = {}
    for param, attribute in PROMOTIONS.items():
        value = request.get(param)
        if value is not None:
            if value not in ("0", "1"):
                raise BadRequest(f"{param} must be 0 or 1")
            changes[attribute] = value == "1"
    for attribute, flag in changes.items():
        setattr(row, attribute, flag)
    request.library.changed()


def list_managed(request: Request) -> Element:
    section = section_of(request)
    rows = _rows(request)
    item_id = request.int_param("metadataItemId")
    if item_id is not None:
        rows = [row for row in rows if row.identifier == f"custom.collection.{section.id}.{item_id}"]
    return page(container(section), request, rows, hub_row_element)


def promote(request: Request) -> None:
    """Create (or update) the managed row of a collection; its identifier is Plex's custom.collection form."""
    section = section_of(request)
    rows = _rows(request)
    item_id = request.int_param("metadataItemId")
    col = request.library.items.get(item_id) if item_id is not None else None
    if col is None or col.type != "collection" or col.section_id != section.id:
        raise BadRequest(f"metadataItemId {request.get('metadataItemId')!r} is no collection of this section")
    identifier = f"custom.collection.{section.id}.{col.rating_key}"
    row = _find(rows, identifier)
    if row is not None:
        _apply_promotions(request, row)
        return
    row = ManagedHub(identifier=identifier, title=col.title)
    _apply_promotions(request, row)
    rows.append(row)


def reset_managed(request: Request) -> None:
    """Drop every collection row and give the built-in rows their default order and visibility."""
    rows = _rows(request)
    built_in = [row for row in rows if not row.deletable]
    unknown = (len(BUILT_IN_DEFAULTS), True)
    built_in.sort(key=lambda row: BUILT_IN_DEFAULTS.get(row.identifier, unknown)[0])
    for row in built_in:
        home = BUILT_IN_DEFAULTS.get(row.identifier, unknown)[1]
        row.promoted_to_recommended = True
        row.promoted_to_own_home = row.promoted_to_shared_home = home
    rows[:] = built_in
    request.library.changed()


def update_row(request: Request) -> None:
    row = _find(_rows(request), request.args["identifier"])
    if row is None:
        raise NotFound(f"no managed hub {request.args['identifier']!r}")
    _apply_promotions(request, row)


def delete_row(request: Request) -> None:
    rows = _rows(request)
    row = _find(rows, request.args["identifier"])
    if row is None or not row.deletable:
        raise NotFound(f"no deletable managed hub {request.args['identifier']!r}")
    rows.remove(row)
    request.library.changed()


def _move(request: Request, identifier: str) -> None:
    """Put a row first, or right after the row named by `after`."""
    rows = _rows(request)
    row = _find(rows, identifier)
    if row is None:
        raise BadRequest(f"hub {identifier!r} is not managed")
    after = request.get("after")
    anchor = None if after is None else _find(rows, after)
    if after is not None and (anchor is None or anchor is row):
        raise BadRequest(f"hub {after!r} is not another managed hub")
    rows.remove(row)
    rows.insert(0 if anchor is None else rows.index(anchor) + 1, row)
    request.library.changed()


def move_row(request: Request) -> None:
    _move(request, request.args["identifier"])


def move_by_query(request: Request) -> None:
    _move(request, request.require("identifier"))


def _hub(parent: Element, identifier: str, title: str, hub_type: str, items: list[Item], key: str) -> Element:
    return el(
        parent,
        "Hub",
        hubIdentifier=identifier,
        context=f"hub.{identifier}",
        type=hub_type,
        title=title,
        size=len(items),
        more=0,
        style="shelf",
        hubKey="/library/metadata/" + ",".join(str(i.rating_key) for i in items),
        key=key,
    )


def section_hubs(request: Request) -> Element:
    lib = request.library
    section = section_of(request)
    root = container(section)
    recent = sorted(lib.of_type(section.id, section.type), key=lambda i: -i.added_at)[:12]
    hub = _hub(
        root,
        f"{section.type}.recentlyadded.{section.id}",
        "Recently Added",
        section.type,
        recent,
        f"/hubs/sections/{section.id}/recentlyAdded",
    )
    for item in recent:
        item_element(hub, lib, item)
    return finish(root)


def search(request: Request) -> Element:
    lib = request.library
    text = request.require("query").strip().lower()
    limit = request.int_param("limit", 10) or 10
    section_id = request.int_param("sectionId")
    root = container()
    for hub_type in SEARCH_HUB_TYPES:
        found = [
            item
            for item in lib.iter_items()
            if item.type == hub_type
            and text in item.title.lower()
            and (section_id is None or item.section_id == section_id)
        ]
        if not found:
            continue
        found.sort(key=lambda i: (not i.title.lower().startswith(text), i.sort_title.lower(), i.rating_key))
        chosen = found[:limit]
        hub = _hub(
            root, hub_type, hub_type.capitalize() + "s", hub_type, chosen, f"/hubs/search?query={quote(text)}"
        )
        for item in chosen:
            members = collection_members(lib, item) if item.type == "collection" else None
            item_element(hub, lib, item, members=members)
    return finish(root)


def register(router: Router) -> None:
    base = "/hubs/sections/{section}/manage"
    router.add("GET", base, list_managed)
    router.add("POST", base, promote)
    router.add("DELETE", base, reset_managed)
    router.add("PUT", base + "/move", move_by_query)
    router.add("PUT", base + "/{identifier}", update_row)
    router.add("DELETE", base + "/{identifier}", delete_row)
    router.add("PUT", base + "/{identifier}/move", move_row)
    router.add("GET", "/hubs/sections/{section}", section_hubs)
    router.add("GET", "/hubs/search", search)
