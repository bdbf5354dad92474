"""`/library/collections`: create regular and smart collections, members, custom order, prefs, delete."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from plexsim import query
from plexsim.http import BadRequest, NotFound, Request, Router
from plexsim.model import LIBTYPE_NAMES, Item
from plexsim.render import container, el, item_element
from plexsim.routes.common import collection_members, item_arg, metadata_keys
from plexsim.routes.paging import page

COLLECTION_SETTINGS: dict[str, tuple[str, str]] = {
    "collectionMode": (
        "-1",
        "-1:Library default|0:Hide collection|1:Hide items in this collection|2:Show this collection and its items",
    ),
    "collectionSort": ("0", "0:Release date|1:Alphabetical|2:Custom"),
    "collectionFilterBasedOnUser": ("0", "0:Admin|1:User"),
}
PREF_ATTRIBUTES = {
    "collectionMode": "collection_mode",
    "collectionSort": "collection_sort",
    "collectionFilterBasedOnUser": "filter_user",
}
PREF_LABELS = {
    "collectionMode": "Collection mode",
    "collectionSort": "Collection order",
    "collectionFilterBasedOnUser": "Filter based on user",
}


def preferences_element(parent: Element, col: Item) -> None:
    prefs = el(parent, "Preferences")
    for setting_id, (default, enum) in COLLECTION_SETTINGS.items():
        if setting_id == "collectionFilterBasedOnUser" and not col.smart:
            continue
        el(
            prefs,
            "Setting",
            id=setting_id,
            label=PREF_LABELS[setting_id],
            summary="",
            type="int",
            default=default,
            value=getattr(col, PREF_ATTRIBUTES[setting_id]),
            hidden=0,
            advanced=0,
            group="",
            enumValues=enum,
        )


def _collection(request: Request) -> Item:
    return item_arg(request, kinds=("collection",))


def _validate_smart_uri(request: Request, uri: str, section_id: int) -> None:
    try:
        uri_section, params = query.parse_content_uri(uri)
    except query.QueryError as exc:
        raise BadRequest(f"uri: {exc}") from None
    section = request.library.sections.get(uri_section)
    if section is None or uri_section != section_id:
        raise BadRequest(f"uri names section {uri_section}, the collection is in section {section_id}")
    query.search(request.library, section, params, None)


def _check_members(col_section: int, subtype: str, members: list[Item]) -> None:
    """Members of a regular collection come from its section and have its subtype."""
    for member in members:
        if member.section_id != col_section:
            raise BadRequest(f"item {member.rating_key} is not in section {col_section}")
        if member.type != subtype:
            raise BadRequest(f"item {member.rating_key} is a {member.type}; this collection holds {subtype}s")


def create_collection(request: Request) -> Element:
    lib = request.library
    section_id = request.int_param("sectionId")
    section = lib.sections.get(section_id) if section_id is not None else None
    if section is None:
        raise BadRequest(f"sectionId {request.get('sectionId')!r} names no library section")
    title = request.require("title")
    if not title.strip():
        raise BadRequest("title must not be empty")
    number = request.int_param("type")
    subtype = LIBTYPE_NAMES.get(number or 0, section.type)
    smart = request.flag("smart")
    uri = request.get("uri", "") or ""
    if lib.collection_by_title(section.id, title) is not None:
        raise BadRequest(f"a collection named {title!r} already exists in section {section.id}")
    if smart:
        _validate_smart_uri(request, uri, section.id)
        members: list[Item] = []
    else:
        members = metadata_keys(lib, uri) if uri else []
        _check_members(section.id, subtype, members)
    col = lib.new_collection(section.id, title, subtype, smart=smart)
    if smart:
        col.content = uri
    for member in members:
        lib.add_to_collection(col, member)
    root = container(section, size=1)
    item_element(root, lib, col, detail=True, members=collection_members(lib, col))
    return root


def get_collection(request: Request) -> Element:
    from plexsim.routes.metadata import render_detail

    col = _collection(request)
    lib = request.library
    root = container(lib.sections.get(col.section_id), size=1)
    render_detail(root, lib, col, request.flag("includePreferences"))
    return root


def delete_collection(request: Request) -> None:
    col = _collection(request)
    request.library.remove(col.rating_key)


def collection_children(request: Request) -> Element:
    lib = request.library
    col = _collection(request)
    members = collection_members(lib, col)
    root = container(
        lib.sections.get(col.section_id),
        key=col.rating_key,
        title1=col.title,
        viewGroup=col.subtype,
        smart=col.smart,
    )
    include_guids = request.flag("includeGuids")
    return page(root, request, members, lambda p, m: item_element(p, lib, m, include_guids=include_guids))


def _is_metadata_uri(uri: str) -> bool:
    try:
        query.metadata_uri_keys(uri)
    except query.QueryError:
        return False
    return True


def put_items(request: Request) -> None:
    """Regular collections add the uri's items; smart ones take a section uri as their new filter."""
    lib = request.library
    col = _collection(request)
    uri = request.require("uri")
    if col.smart:
        if _is_metadata_uri(uri):
            raise BadRequest("cannot add items to a smart collection; its members come from its filter")
        _validate_smart_uri(request, uri, col.section_id)
        col.content = uri
        lib.touch(col)
        return
    members = metadata_keys(lib, uri)
    _check_members(col.section_id, col.subtype or "", members)
    for member in members:
        lib.add_to_collection(col, member)


def _regular_member(request: Request, col: Item) -> Item:
    if col.smart:
        raise BadRequest("a smart collection's members come from its filter")
    member = request.library.items.get(request.arg_int("item"))
    if member is None or member.rating_key not in col.members:
        raise NotFound(f"item {request.args['item']} is not in collection {col.rating_key}")
    return member


def remove_item(request: Request) -> None:
    col = _collection(request)
    request.library.remove_from_collection(col, _regular_member(request, col))


def move_item(request: Request) -> None:
    """Move a member to the front or after another; the collection switches to custom order."""
    col = _collection(request)
    member = _regular_member(request, col)
    after = request.int_param("after")
    if after is not None and (after not in col.members or after == member.rating_key):
        raise NotFound(f"item {after} is not another member of collection {col.rating_key}")
    if col.collection_sort != 2:  # custom order starts from the order shown so far
        col.members = [m.rating_key for m in collection_members(request.library, col)]
    col.members.remove(member.rating_key)
    position = 0 if after is None else col.members.index(after) + 1
    col.members.insert(position, member.rating_key)
    col.collection_sort = 2
    request.library.touch(col)


def put_prefs(request: Request) -> None:
    """Set collectionMode / collectionSort / collectionFilterBasedOnUser; all are checked before any is set."""
    col = _collection(request)
    changes: dict[str, int] = {}
    for key, value in request.params:
        if key not in PREF_ATTRIBUTES or (key == "collectionFilterBasedOnUser" and not col.smart):
            raise BadRequest(f"unknown collection preference '{key}'")
        allowed = [choice.split(":")[0] for choice in COLLECTION_SETTINGS[key][1].split("|")]
        if value not in allowed:
            raise BadRequest(f"{key}={value!r} is not one of {', '.join(allowed)}")
        if key == "collectionSort" and col.smart and value == "2":
            raise BadRequest("a smart collection cannot use custom order")
        changes[PREF_ATTRIBUTES[key]] = int(value)
    for attribute, number in changes.items():
        setattr(col, attribute, number)
    request.library.touch(col)


def register(router: Router) -> None:
    router.add("POST", "/library/collections", create_collection)
    router.add("GET", "/library/collections/{rk}", get_collection)
    router.add("DELETE", "/library/collections/{rk}", delete_collection)
    router.add("GET", "/library/collections/{rk}/children", collection_children)
    router.add("GET", "/library/collections/{rk}/items", collection_children)
    router.add("PUT", "/library/collections/{rk}/items", put_items)
    router.add("DELETE PUT", "/library/collections/{rk}/items/{item}", remove_item)
    router.add("PUT", "/library/collections/{rk}/items/{item}/move", move_item)
    router.add("PUT", "/library/collections/{rk}/prefs", put_prefs)
