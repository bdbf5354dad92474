"""`/library/metadata/{rk}`: details (comma lists too), children, leaves, per-item prefs, delete, stubs."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from plexsim.http import BadRequest, NotFound, Request, Router
from plexsim.model import Item, Library
from plexsim.render import container, el, item_element, setting_element
from plexsim.routes.collections import preferences_element
from plexsim.routes.common import collection_members, item_arg
from plexsim.routes.paging import page
from plexsim.routes.playlists import render_playlist

ITEM_SETTINGS: dict[str, dict[str, tuple[str, str]]] = {
    # libtype -> id -> (default, enumValues)
    "movie": {
        "languageOverride": ("", ""),
        "useOriginalTitle": ("-1", "-1:Library default|0:No|1:Yes"),
        "enableCreditsMarkerGeneration": ("-1", "-1:Library default|0:Disabled"),
    },
    "show": {
        "episodeSort": ("-1", "-1:Library default|0:Oldest first|1:Newest first"),
        "flattenSeasons": ("-1", "-1:Library default|0:Hide|1:Show"),
        "showOrdering": ("", ":Library default|aired:Aired|dvd:DVD|absolute:Absolute"),
        "useOriginalTitle": ("-1", "-1:Library default|0:No|1:Yes"),
        "autoDeletionItemPolicyUnwatchedLibrary": ("0", "0:Never|5:5 most recent"),
        "autoDeletionItemPolicyWatchedLibrary": ("0", "0:Never|1:After a day"),
    },
}


def item_preferences(parent: Element, item: Item) -> None:
    prefs = el(parent, "Preferences")
    for setting_id, (default, enum) in ITEM_SETTINGS.get(item.type, {}).items():
        setting_element(
            prefs,
            setting_id,
            item.prefs.get(setting_id, default),
            default=default,
            type="text",
            enumValues=enum or None,
        )


def render_detail(parent: Element, lib: Library, item: Item, include_prefs: bool) -> Element:
    if item.type == "playlist":
        return render_playlist(parent, lib, item)
    members = collection_members(lib, item) if item.type == "collection" else None
    node = item_element(parent, lib, item, detail=True, members=members)
    if include_prefs:
        if item.type == "collection":
            preferences_element(node, item)
        else:
            item_preferences(node, item)
    if item.type in ("movie", "show"):
        for attribute in (
            "useOriginalTitle",
            "enableCreditsMarkerGeneration",
            "episodeSort",
            "flattenSeasons",
        ):
            if attribute in item.prefs:
                node.set(attribute, item.prefs[attribute])
    return node


def metadata_details(request: Request) -> Element:
    lib = request.library
    raw = request.args["rk"]
    try:
        keys = [int(k) for k in raw.split(",") if k]
    except ValueError:
        raise NotFound(f"no such key: {request.path}") from None
    items = [lib.items[k] for k in keys if k in lib.items]
    if not items:
        raise NotFound(f"no such key: {request.path}")
    # plexapi copies the container's librarySectionID onto every item: name a section only when all share it.
    section_ids = {item.section_id for item in items}
    section = lib.sections.get(items[0].section_id) if len(section_ids) == 1 else None
    root = container(section)
    include_prefs = request.flag("includePreferences")
    return page(root, request, items, lambda parent, item: render_detail(parent, lib, item, include_prefs))


def delete_item(request: Request) -> None:
    item = item_arg(request)
    request.library.remove(item.rating_key)


def _children_container(lib: Library, item: Item, view_group: str) -> Element:
    section = lib.sections.get(item.section_id)
    return container(
        section,
        key=item.rating_key,
        parentIndex=item.index,
        parentTitle=item.title,
        parentYear=item.year,
        summary=item.summary,
        thumb=f"/library/metadata/{item.rating_key}/thumb/{item.updated_at}",
        title1=section.title if section else "",
        title2=item.title,
        viewGroup=view_group,
        viewMode=65593,
    )


def children(request: Request) -> Element:
    lib = request.library
    item = item_arg(request)
    if item.type == "collection":
        found = collection_members(lib, item)
    else:
        found = lib.children(item.rating_key)
    index = request.int_param("index")
    if index is not None:
        found = [child for child in found if child.index == index]
    view_group = {"show": "season", "season": "episode"}.get(item.type, item.type)
    root = _children_container(lib, item, view_group)
    include_guids = request.flag("includeGuids")
    return page(
        root, request, found, lambda p, child: item_element(p, lib, child, include_guids=include_guids)
    )


def all_leaves(request: Request) -> Element:
    lib = request.library
    item = item_arg(request, kinds=("show", "season"))
    root = _children_container(lib, item, "episode")
    include_guids = request.flag("includeGuids")
    leaves = lib.leaves(item)
    return page(
        root, request, leaves, lambda p, leaf: item_element(p, lib, leaf, include_guids=include_guids)
    )


def put_item_prefs(request: Request) -> None:
    item = item_arg(request)
    allowed = ITEM_SETTINGS.get(item.type, {})
    for key, value in request.params:
        if key not in allowed:
            raise BadRequest(f"unknown preference '{key}' for a {item.type}")
        item.prefs[key] = value
    request.library.touch(item)


def item_stub(request: Request) -> None:
    item_arg(request)


def empty_for_item(request: Request) -> Element:
    item = item_arg(request)
    return container(request.library.sections.get(item.section_id))


def register(router: Router) -> None:
    router.add("GET", "/library/metadata/{rk}", metadata_details)
    router.add("DELETE", "/library/metadata/{rk}", delete_item)
    router.add("GET", "/library/metadata/{rk}/children", children)
    router.add("GET", "/library/metadata/{rk}/allLeaves", all_leaves)
    router.add("PUT", "/library/metadata/{rk}/prefs", put_item_prefs)
    for action in ("refresh", "analyze", "unmatch", "match", "split", "merge"):
        router.add("PUT POST", f"/library/metadata/{{rk}}/{action}", item_stub)
    for listing in ("matches", "extras", "related", "similar", "nearest"):
        router.add("GET", f"/library/metadata/{{rk}}/{listing}", empty_for_item)
    router.add("DELETE", "/library/metadata/{rk}/media/{media}", item_stub)
    router.add("PUT", "/library/parts/{part}", lambda request: None)
