"""`/playlists`: create regular and smart playlists, list, edit, add, remove, move, delete."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element

from plexsim import edits, query
from plexsim.http import BadRequest, NotFound, Request, Router
from plexsim.model import Item, Library
from plexsim.render import container, item_element, playlist_element
from plexsim.routes.common import item_arg, metadata_keys
from plexsim.routes.paging import page

PLAYLIST_TYPES = {"movie": "video", "episode": "video", "show": "video", "season": "video"}
PLAYLIST_FIELDS = {"title", "titleSort", "summary"}


def _playlist(request: Request) -> Item:
    return item_arg(request, kinds=("playlist",))


def _smart_entries(lib: Library, playlist: Item) -> list[tuple[int, int]]:
    section_id, params = query.parse_content_uri(playlist.content or "")
    section = lib.sections.get(section_id)
    if section is None:
        return []
    return [(item.rating_key, item.rating_key) for item in query.search_cached(lib, section, params, None)]


def entries_of(lib: Library, playlist: Item) -> list[tuple[int, int]]:
    """(playlistItemID, rating key) pairs in order; smart playlists evaluate their filter on every read."""
    if playlist.smart:
        return _smart_entries(lib, playlist)
    return [entry for entry in playlist.entries if entry[1] in lib.items]


def render_playlist(parent: Element, lib: Library, playlist: Item) -> Element:
    """A `<Playlist>` whose leafCount and duration count what `items()` returns (smart ones evaluated)."""
    return playlist_element(parent, playlist, [lib.items[rk] for _, rk in entries_of(lib, playlist)])


def _check_kind(items: list[Item], kind: str | None) -> None:
    """Every item must suit the playlist type (movies and episodes make `video` playlists)."""
    for item in items:
        if PLAYLIST_TYPES.get(item.type) != kind:
            raise BadRequest(f"item {item.rating_key} ({item.type}) cannot go in a {kind} playlist")


def _expand(lib: Library, items: list[Item]) -> list[Item]:
    """Shows and seasons stand for their episodes, as in Plex."""
    expanded: list[Item] = []
    for item in items:
        expanded.extend(lib.leaves(item) if item.type in ("show", "season") else [item])
    return expanded


def create_playlist(request: Request) -> Element:
    lib = request.library
    title = request.require("title")
    if not title.strip():
        raise BadRequest("title must not be empty")
    kind = request.get("type", "video")
    if kind not in ("video", "audio", "photo"):
        raise BadRequest(f"type must be video, audio or photo, got {kind!r}")
    uri = request.get("uri", "") or ""
    smart = request.flag("smart")
    now = int(time.time())
    playlist = Item(
        rating_key=lib.next_id("rating_key"),
        type="playlist",
        section_id=0,
        title=title,
        guid=f"com.plexapp.agents.none://{uuid.uuid4()}",
        added_at=now,
        updated_at=now,
        playlist_type=kind,
        smart=smart,
    )
    if smart:
        section_id, params = query.parse_content_uri(uri)
        section = lib.sections.get(section_id)
        if section is None:
            raise BadRequest(f"uri names no library section: {uri!r}")
        query.search(lib, section, params, None)
        playlist.content = uri
    else:
        members = _expand(lib, metadata_keys(lib, uri) if uri else [])
        _check_kind(members, kind)
        playlist.entries = [(lib.next_id("playlist_item"), m.rating_key) for m in members]
    lib.add(playlist)
    root = container(size=1)
    render_playlist(root, lib, playlist)
    return root


def list_playlists(request: Request) -> Element:
    lib = request.library
    kind = request.get("playlistType")
    title = (request.get("title") or "").lower()
    section_id = request.int_param("sectionID")
    smart = request.get("smart")
    found = []
    for playlist in lib.of_type(0, "playlist"):
        if kind and playlist.playlist_type != kind:
            continue
        if title and title not in playlist.title.lower():
            continue
        if smart is not None and playlist.smart != (smart == "1"):
            continue
        if section_id is not None and not any(
            lib.items[rk].section_id == section_id for _, rk in entries_of(lib, playlist)
        ):
            continue
        found.append(playlist)
    _sort_playlists(found, request.get("sort") or "titleSort")
    return page(container(), request, found, lambda parent, p: render_playlist(parent, lib, p))


PLAYLIST_SORTS: dict[str, Callable[[Item], Any]] = {
    "title": lambda p: p.title.lower(),
    "titleSort": lambda p: p.sort_title.lower(),
    "addedAt": lambda p: p.added_at,
    "updatedAt": lambda p: p.updated_at,
    "lastViewedAt": lambda p: p.last_viewed_at or 0,
}


def _sort_playlists(found: list[Item], sort: str) -> None:
    """`sort=field[:asc|:desc][,...]`; applied last to first so the first field decides."""
    for piece in reversed([p for p in sort.split(",") if p]):
        name, _, direction = piece.partition(":")
        key = PLAYLIST_SORTS.get(name)
        if key is None or direction not in ("", "asc", "desc"):
            raise BadRequest(f"cannot sort playlists by {piece!r}")
        found.sort(key=key, reverse=direction == "desc")


def get_playlist(request: Request) -> Element:
    root = container(size=1)
    render_playlist(root, request.library, _playlist(request))
    return root


def edit_playlist(request: Request) -> None:
    playlist = _playlist(request)
    params = [(k, v) for k, v in request.params if k.split(".")[0] in PLAYLIST_FIELDS]
    unknown = [k for k, _ in request.params if k.split(".")[0] not in PLAYLIST_FIELDS]
    if unknown:
        raise BadRequest(f"playlists cannot edit {', '.join(unknown)}")
    try:
        plan = edits.parse_edit(params)
    except edits.EditError as exc:
        raise BadRequest(str(exc)) from None
    if "title" in plan.values and not str(plan.values["title"]).strip():
        raise BadRequest("title must not be empty")
    edits.apply_edit(request.library, [playlist], plan)


def delete_playlist(request: Request) -> None:
    request.library.remove(_playlist(request).rating_key)


def playlist_items(request: Request) -> Element:
    lib = request.library
    playlist = _playlist(request)
    entries = entries_of(lib, playlist)
    root = container(
        ratingKey=playlist.rating_key,
        title=playlist.title,
        playlistType=playlist.playlist_type,
        leafCount=len(entries),
        smart=playlist.smart,
    )
    include_guids = request.flag("includeGuids")

    def render(parent: Element, entry: tuple[int, int]) -> None:
        item = lib.items[entry[1]]
        item_element(parent, lib, item, include_guids=include_guids, extra={"playlistItemID": entry[0]})

    return page(root, request, entries, render)


def add_items(request: Request) -> None:
    lib = request.library
    playlist = _playlist(request)
    uri = request.require("uri")
    if playlist.smart:
        section_id, params = query.parse_content_uri(uri)
        section = lib.sections.get(section_id)
        if section is None:
            raise BadRequest(f"uri names no library section: {uri!r}")
        query.search(lib, section, params, None)
        playlist.content = uri
    else:
        members = _expand(lib, metadata_keys(lib, uri))
        _check_kind(members, playlist.playlist_type)
        playlist.entries.extend((lib.next_id("playlist_item"), m.rating_key) for m in members)
    lib.touch(playlist)


def _entry(request: Request, playlist: Item, name: str) -> tuple[int, int]:
    if playlist.smart:
        raise BadRequest("a smart playlist's items come from its filter")
    wanted = request.arg_int(name)
    for entry in playlist.entries:
        if entry[0] == wanted:
            return entry
    raise NotFound(f"playlist {playlist.rating_key} has no playlistItemID {wanted}")


def remove_item(request: Request) -> None:
    playlist = _playlist(request)
    playlist.entries.remove(_entry(request, playlist, "entry"))
    request.library.touch(playlist)


def move_item(request: Request) -> None:
    playlist = _playlist(request)
    entry = _entry(request, playlist, "entry")
    after = request.int_param("after")
    ids = [e[0] for e in playlist.entries]
    if after is not None and (after not in ids or after == entry[0]):
        raise NotFound(f"playlist {playlist.rating_key} has no other playlistItemID {after}")
    playlist.entries.remove(entry)
    position = 0 if after is None else [e[0] for e in playlist.entries].index(after) + 1
    playlist.entries.insert(position, entry)
    request.library.touch(playlist)


def register(router: Router) -> None:
    router.add("GET", "/playlists", list_playlists)
    router.add("POST", "/playlists", create_playlist)
    router.add("GET", "/playlists/{rk}", get_playlist)
    router.add("PUT", "/playlists/{rk}", edit_playlist)
    router.add("DELETE", "/playlists/{rk}", delete_playlist)
    router.add("GET", "/playlists/{rk}/items", playlist_items)
    router.add("PUT", "/playlists/{rk}/items", add_items)
    router.add("DELETE", "/playlists/{rk}/items/{entry}", remove_item)
    router.add("PUT", "/playlists/{rk}/items/{entry}/move", move_item)
