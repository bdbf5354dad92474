"""`/library/sections...`: section list, search listing with paging and Meta, edits, filter choices."""

from __future__ import annotations

import time
from urllib.parse import quote
from xml.etree.ElementTree import Element

from plexsim import edits, meta, query
from plexsim.http import BadRequest, NotFound, Request, Router
from plexsim.model import LIBTYPE_NAMES, LIBTYPES, Item, Section
from plexsim.render import container, el, finish, item_element, section_element, setting_element
from plexsim.routes.common import collection_members
from plexsim.routes.paging import page

SECTION_SETTINGS: dict[str, dict[str, str]] = {
    "movie": {
        "ratingsSource": "rottentomatoes",
        "enableCinemaTrailers": "1",
        "collectionMode": "2",
    },
    "show": {"ratingsSource": "themoviedb", "episodeSort": "0", "collectionMode": "2"},
}
SETTING_ENUMS = {
    "ratingsSource": "rottentomatoes:Rotten Tomatoes|imdb:IMDb|themoviedb:The Movie Database",
    "collectionMode": "0:Disabled|1:Hide items which are in collections|2:Show collections and their items",
    "episodeSort": "0:Oldest first|1:Newest first",
}


def section_of(request: Request) -> Section:
    section = request.library.sections.get(request.arg_int("section"))
    if section is None:
        raise NotFound(f"no library section {request.args['section']}")
    return section


def list_sections(request: Request) -> Element:
    lib = request.library
    root = container(allowSync=0, title1="Plex Library")
    for section in lib.sections.values():
        section_element(root, section, lib)
    return finish(root)


def get_section(request: Request) -> Element:
    section = section_of(request)
    root = container(allowSync=0, title1="Plex Library")
    section_element(root, section, request.library)
    return finish(root)


def _requested_libtype(request: Request, default: str | None = None) -> str | None:
    number = request.int_param("type")
    if number is None:
        return default
    if number not in LIBTYPE_NAMES:
        raise BadRequest(f"unknown type={number}")
    return LIBTYPE_NAMES[number]


def _listing_container(section: Section, title2: str, view_group: str) -> Element:
    return container(
        section,
        art=f"/:/resources/{section.type}-fanart.jpg",
        thumb=f"/:/resources/{section.type}.png",
        title1=section.title,
        title2=title2,
        viewGroup=view_group,
        viewMode=131122,
    )


def search_listing(request: Request) -> Element:
    lib = request.library
    section = section_of(request)
    libtype = _requested_libtype(request)
    items = query.search_cached(lib, section, request.params, libtype)
    root = _listing_container(section, "All", libtype or section.type)
    if request.flag("includeMeta"):
        root.append(meta.meta_element(lib, section))
    include_guids = request.flag("includeGuids")

    def render(parent: Element, item: Item) -> None:
        members = collection_members(lib, item) if item.type == "collection" else None
        item_element(parent, lib, item, include_guids=include_guids, members=members)

    return page(root, request, items, render)


def collections_listing(request: Request) -> Element:
    lib = request.library
    section = section_of(request)
    items = query.search_cached(lib, section, request.params, "collection")
    root = _listing_container(section, "Collections", "secondary")
    if request.flag("includeMeta"):
        root.append(meta.meta_element(lib, section, collections=True))
    return page(
        root,
        request,
        items,
        lambda parent, col: item_element(parent, lib, col, members=collection_members(lib, col)),
    )


def edit_items(request: Request) -> None:
    """`PUT /library/sections/{id}/all?type=N&id=rk[,rk]`; without `id` it applies to every item of the type."""
    lib = request.library
    section = section_of(request)
    libtype = _requested_libtype(request, section.type) or section.type
    ids = request.get("id")
    if ids:
        try:
            keys = [int(k) for k in ids.split(",") if k]
        except ValueError:
            raise BadRequest(f"id must be a comma list of rating keys, got {ids!r}") from None
        missing = [k for k in keys if k not in lib.items or lib.items[k].section_id != section.id]
        if missing:
            raise NotFound(f"no items {missing} in section {section.id}")
        items = [lib.items[k] for k in keys]
    else:
        items = lib.of_type(section.id, libtype)
    try:
        plan = edits.parse_edit(request.params)
    except edits.EditError as exc:
        raise BadRequest(str(exc)) from None
    edits.apply_edit(lib, items, plan)


def filter_choices(request: Request) -> Element:
    lib = request.library
    section = section_of(request)
    name = request.args["filter"]
    libtype = _requested_libtype(request, section.type) or section.type
    choices = meta.filter_choices(lib, section, name, libtype)
    root = container(
        section,
        allowSync=0,
        content="secondary",
        nocache=1,
        title1=section.title,
        title2=f"By {name}",
        viewGroup="secondary",
        viewMode=65592,
    )
    number = LIBTYPES[libtype]
    for key, title in choices:
        el(
            root,
            "Directory",
            fastKey=f"/library/sections/{section.id}/all?type={number}&{name}={quote(key, safe='')}",
            key=key,
            title=title,
            type=name,
        )
    return finish(root)


def get_section_prefs(request: Request) -> Element:
    section = section_of(request)
    root = el(None, "MediaContainer", size=0)
    for setting_id, default in SECTION_SETTINGS.get(section.type, {}).items():
        value = section.prefs.get(setting_id, default)
        setting_element(
            root, setting_id, value, default=default, type="text", enumValues=SETTING_ENUMS.get(setting_id)
        )
    return finish(root)


SECTION_FIELDS = {"name": "title", "agent": "agent", "scanner": "scanner", "language": "language"}


def put_section(request: Request) -> None:
    """plexapi's `section.edit(agent=..., name=..., location=..., **{'prefs[id]': value})` and editAdvanced."""
    section = section_of(request)
    changes: dict[str, str] = {}
    prefs: dict[str, str] = {}
    for key, value in request.params:
        if key.startswith("prefs[") and key.endswith("]"):
            prefs[key[6:-1]] = value
        elif key in SECTION_SETTINGS.get(section.type, {}):
            prefs[key] = value
        elif key in SECTION_FIELDS and value:
            changes[SECTION_FIELDS[key]] = value
        elif key == "location" and value:
            changes["location"] = value  # the model keeps one location: the last one given
    for setting_id, value in prefs.items():
        choices = SETTING_ENUMS.get(setting_id)
        if choices and value not in {choice.split(":", 1)[0] for choice in choices.split("|")}:
            raise BadRequest(f"prefs[{setting_id}]: {value!r} is not one of {choices!r}")
    if "title" in changes and any(
        other.title == changes["title"] and other.id != section.id
        for other in request.library.sections.values()
    ):
        raise BadRequest(f"a library section named {changes['title']!r} exists already")
    section.prefs.update(prefs)
    for attribute, value in changes.items():
        setattr(section, attribute, value)
    section.updated_at = max(int(time.time()), section.updated_at + 1)
    request.library.changed()


def timeline(request: Request) -> Element:
    section = section_of(request)
    return el(
        None,
        "MediaContainer",
        size=0,
        allowSync=0,
        art=f"/:/resources/{section.type}-fanart.jpg",
        content="secondary",
        identifier="com.plexapp.plugins.library",
        latestEntryTime=section.updated_at,
        mediaTagPrefix="/system/bundle/media/flags/",
        mediaTagVersion="1720000000",
        thumb=f"/:/resources/{section.type}.png",
        title1=section.title,
        updateQueueSize=0,
        viewGroup="secondary",
        viewMode=65592,
    )


def first_character(request: Request) -> Element:
    section = section_of(request)
    counts: dict[str, int] = {}
    for item in request.library.of_type(section.id, section.type):
        first = item.sort_title[:1].upper()
        key = first if first.isalpha() else "#"
        counts[key] = counts.get(key, 0) + 1
    root = container(section)
    for key in sorted(counts):
        el(root, "Directory", key=key, title=key, size=counts[key])
    return finish(root)


def section_stub(request: Request) -> None:
    section_of(request)


def _leaf_type(section: Section) -> str:
    return "episode" if section.type == "show" else section.type


def on_deck(request: Request) -> Element:
    """Items started and not finished (viewOffset > 0), most recently watched first."""
    lib = request.library
    section = section_of(request)
    started = [i for i in lib.of_type(section.id, _leaf_type(section)) if i.view_offset > 0]
    started.sort(key=lambda i: (-(i.last_viewed_at or 0), i.rating_key))
    root = _listing_container(section, "On Deck", _leaf_type(section))
    return page(root, request, started, lambda parent, item: item_element(parent, lib, item))


def recently_added(request: Request) -> Element:
    lib = request.library
    section = section_of(request)
    libtype = _requested_libtype(request, section.type) or section.type
    recent = sorted(lib.of_type(section.id, libtype), key=lambda i: (-i.added_at, i.rating_key))
    root = _listing_container(section, "Recently Added", libtype)
    return page(root, request, recent, lambda parent, item: item_element(parent, lib, item))


def register(router: Router) -> None:
    router.add("GET", "/library/sections", list_sections)
    router.add("GET", "/library/sections/all", list_sections)
    router.add("GET", "/library/sections/{section}", get_section)
    router.add("PUT", "/library/sections/{section}", put_section)
    router.add("GET", "/library/sections/{section}/all", search_listing)
    router.add("PUT", "/library/sections/{section}/all", edit_items)
    router.add("GET", "/library/sections/{section}/collections", collections_listing)
    router.add("GET", "/library/sections/{section}/prefs", get_section_prefs)
    router.add("PUT", "/library/sections/{section}/prefs", put_section)
    router.add("GET", "/library/sections/{section}/timeline", timeline)
    router.add("GET", "/library/sections/{section}/firstCharacter", first_character)
    router.add("GET", "/library/sections/{section}/onDeck", on_deck)
    router.add("GET", "/library/sections/{section}/recentlyAdded", recently_added)
    router.add("GET POST DELETE", "/library/sections/{section}/refresh", section_stub)
    router.add("GET POST", "/library/sections/all/refresh", lambda request: None)
    router.add("PUT", "/library/sections/{section}/analyze", section_stub)
    router.add("PUT", "/library/sections/{section}/emptyTrash", section_stub)
    router.add("DELETE", "/library/sections/{section}/indexes", section_stub)
    router.add("GET", "/library/sections/{section}/{filter}", filter_choices)
