"""Plex XML: containers, sections, items (list and detail views), collections, playlists, hub rows.

Plex clients build classes from the element name plus its `type`, parse booleans only as 0/1, and read
dates as epoch seconds (except `originallyAvailableAt`), so every value goes through `fmt`.
"""

from __future__ import annotations

import re
from urllib.parse import quote
from xml.etree.ElementTree import Element, SubElement

from plexsim.model import (
    LIBRARY_IDENTIFIER,
    MEDIA_TAG_PREFIX,
    TAG_KINDS,
    Item,
    Library,
    ManagedHub,
    Media,
    Section,
)

MEDIA_TAG_VERSION = "1720000000"
RAW_TAG = "__plexsim_raw__"  # a child holding already-serialized XML (see item_element)
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
LIST_TAG_LIMITS = {"genre": 2, "country": 2, "director": 2, "writer": 2, "actor": 3, "producer": 0}


def fmt(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "0.0"  # NaN/inf have no Plex spelling; never emit "nan"
        return f"{value:.15g}" if value != int(value) else str(int(value)) + ".0"
    return str(value)


def el(parent: Element | None, tag: str, /, **attrs: object) -> Element:
    clean = {k: v if v.__class__ is str else fmt(v) for k, v in attrs.items() if v is not None}
    return Element(tag, clean) if parent is None else SubElement(parent, tag, clean)


# Characters XML 1.0 cannot carry at all (not even as references): dropped, so an edit can't break documents.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_NEEDS_WORK = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def _escape(value: str) -> str:
    if _NEEDS_WORK.search(value) is None:
        return value
    if _XML_INVALID.search(value):
        value = _XML_INVALID.sub("", value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\n" in value or "\r" in value or "\t" in value:
        value = value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#09;")
    return value


def _serialize(node: Element, out: list[str]) -> None:
    if node.tag == RAW_TAG:
        out.append(node.text or "")
        return
    out.append(
        "<" + node.tag + "".join([f' {name}="{_escape(value)}"' for name, value in node.attrib.items()])
    )
    if len(node):
        out.append(">")
        for child in node:
            _serialize(child, out)
        out.append(f"</{node.tag}>")
    else:
        out.append(" />")


def document(root: Element) -> bytes:
    """Serialize without namespaces or text nodes (Plex XML has neither): several times faster than ElementTree."""
    out: list[str] = []
    _serialize(root, out)
    return XML_DECLARATION + "".join(out).encode("utf-8")


def container(section: Section | None = None, **attrs: object) -> Element:
    base: dict[str, object] = {
        "size": 0,
        "allowSync": 1,
        "identifier": LIBRARY_IDENTIFIER,
        "mediaTagPrefix": MEDIA_TAG_PREFIX,
        "mediaTagVersion": MEDIA_TAG_VERSION,
    }
    if section is not None:
        base.update(
            librarySectionID=section.id,
            librarySectionTitle=section.title,
            librarySectionUUID=section.uuid,
        )
    base.update(attrs)
    return el(None, "MediaContainer", **base)


def finish(root: Element) -> Element:
    """Set `size` to the number of children actually rendered."""
    root.set("size", str(len(root)))
    return root


# ---- sections


def section_element(parent: Element, section: Section, lib: Library) -> Element:
    node = el(
        parent,
        "Directory",
        allowSync=1,
        art=f"/:/resources/{section.type}-fanart.jpg",
        composite=f"/library/sections/{section.id}/composite/{section.updated_at}",
        filters=1,
        refreshing=0,
        thumb=f"/:/resources/{section.type}.png",
        key=section.id,
        type=section.type,
        title=section.title,
        agent=section.agent,
        scanner=section.scanner,
        language=section.language,
        uuid=section.uuid,
        updatedAt=section.updated_at,
        createdAt=section.created_at,
        scannedAt=section.scanned_at,
        content=1,
        directory=1,
        contentChangedAt=lib.revision,
        hidden=0,
    )
    el(node, "Location", id=section.id, path=section.location)
    return node


# ---- images


def image_url(item: Item, kind: str) -> str | None:
    """The URL of an item's selected image of one kind, changing whenever the item is edited."""
    plural = {"thumb": "posters", "art": "arts", "theme": "themes", "clearLogo": "clearLogos"}[kind]
    if not any(a.selected for a in item.artwork.get(plural, [])):
        if kind == "thumb" and item.type == "collection":
            return f"/library/collections/{item.rating_key}/composite/{item.updated_at}?width=400&height=600"
        if kind == "thumb" and item.type == "playlist":
            return f"/playlists/{item.rating_key}/composite/{item.updated_at}"
        return None
    return f"/library/metadata/{item.rating_key}/{kind}/{item.updated_at}"


def artwork_key(item: Item, rating_key: str) -> str:
    if rating_key.startswith(("upload://", "metadata://")):
        return f"/library/metadata/{item.rating_key}/file?url={quote(rating_key, safe='')}"
    return rating_key


# ---- items


def _common_attrs(lib: Library, item: Item, detail: bool) -> dict[str, object]:
    section = lib.sections.get(item.section_id)
    attrs: dict[str, object] = {
        "ratingKey": item.rating_key,
        "key": f"/library/metadata/{item.rating_key}",
        "guid": item.guid,
        "type": item.type,
        "title": item.title,
        "titleSort": item.title_sort,
        "originalTitle": item.original_title,
        "editionTitle": item.edition_title,
        "studio": item.studio,
        "contentRating": item.content_rating,
        "summary": item.summary,
        "tagline": item.tagline,
        "index": item.index,
        "rating": item.rating,
        "ratingImage": item.rating_image,
        "audienceRating": item.audience_rating,
        "audienceRatingImage": item.audience_rating_image,
        "userRating": item.user_rating,
        "viewCount": item.view_count or None,
        "viewOffset": item.view_offset or None,
        "lastViewedAt": item.last_viewed_at,
        "lastRatedAt": item.last_rated_at,
        "year": item.year,
        "thumb": image_url(item, "thumb"),
        "art": image_url(item, "art"),
        "theme": image_url(item, "theme"),
        "duration": item.duration,
        "originallyAvailableAt": item.originally_available_at,
        "addedAt": item.added_at,
        "updatedAt": item.updated_at,
    }
    if detail and section is not None:
        attrs.update(
            librarySectionTitle=section.title,
            librarySectionID=section.id,
            librarySectionKey=f"/library/sections/{section.id}",
        )
    return attrs


def _hierarchy_attrs(lib: Library, item: Item) -> dict[str, object]:
    attrs: dict[str, object] = {}
    if item.type in ("show", "season"):
        leaves = lib.leaves(item)
        attrs.update(
            key=f"/library/metadata/{item.rating_key}/children",
            leafCount=len(leaves),
            viewedLeafCount=sum(1 for e in leaves if e.view_count),
        )
        if item.type == "show":
            attrs.update(childCount=len(lib.children(item.rating_key)))
    parent = lib.parent(item)
    if parent is not None:
        attrs.update(
            parentRatingKey=parent.rating_key,
            parentKey=f"/library/metadata/{parent.rating_key}",
            parentTitle=parent.title,
            parentGuid=parent.guid,
            parentThumb=image_url(parent, "thumb"),
            parentIndex=parent.index if item.type == "episode" else None,
        )
        if item.type == "season":
            attrs.update(parentIndex=1, parentYear=parent.year, parentStudio=parent.studio)
        grand = lib.parent(parent)
        if grand is not None:
            attrs.update(
                grandparentRatingKey=grand.rating_key,
                grandparentKey=f"/library/metadata/{grand.rating_key}",
                grandparentTitle=grand.title,
                grandparentGuid=grand.guid,
                grandparentThumb=image_url(grand, "thumb"),
                grandparentArt=image_url(grand, "art"),
                grandparentTheme=image_url(grand, "theme"),
            )
    return attrs


def collection_attrs(item: Item, members: list[Item]) -> dict[str, object]:
    years = [m.year for m in members if m.year is not None]
    return {
        "key": f"/library/collections/{item.rating_key}/children",
        "subtype": item.subtype,
        "smart": item.smart,
        "content": item.content if item.smart else None,
        "childCount": len(members),
        "minYear": min(years) if years else None,
        "maxYear": max(years) if years else None,
        "ratingCount": len(members),
        "collectionMode": item.collection_mode if item.collection_mode != -1 else None,
        "collectionSort": item.collection_sort,
        "collectionFilterBasedOnUser": item.filter_user if item.smart else None,
        "index": item.rating_key,
        "summary": item.summary,
    }


Node = tuple[str, dict[str, object], list["Node"]]


def _media_node(item: Item, media: Media, detail: bool) -> Node:
    parts: list[Node] = []
    for part in media.parts:
        streams: list[Node] = []
        if detail:
            for stream in part.streams:
                attrs: dict[str, object] = {
                    "id": stream.id,
                    "streamType": stream.stream_type,
                    "codec": stream.codec,
                    "index": stream.index,
                }
                attrs.update(stream.attrs)
                streams.append(("Stream", attrs, []))
        part_attrs: dict[str, object] = {
            "id": part.id,
            "key": f"/library/parts/{part.id}/{item.added_at}/file.{part.container}",
            "duration": part.duration,
            "file": part.file,
            "size": part.size,
            "container": part.container,
            "videoProfile": media.video_profile or None,
        }
        parts.append(("Part", part_attrs, streams))
    media_attrs: dict[str, object] = {
        "id": media.id,
        "duration": media.duration,
        "bitrate": media.bitrate,
        "width": media.width,
        "height": media.height,
        "aspectRatio": round(media.width / media.height, 2) if media.height else None,
        "audioChannels": media.audio_channels,
        "audioCodec": media.audio_codec,
        "videoCodec": media.video_codec,
        "videoResolution": media.video_resolution,
        "container": media.container,
        "videoFrameRate": media.video_frame_rate,
        "videoProfile": media.video_profile or None,
    }
    return ("Media", media_attrs, parts)


def _tag_nodes(lib: Library, item: Item, detail: bool) -> list[Node]:
    nodes: list[Node] = []
    for kind, spec in TAG_KINDS.items():
        names = item.tags.get(kind, [])
        if not detail and kind in LIST_TAG_LIMITS:
            names = names[: LIST_TAG_LIMITS[kind]]
        for name in names:
            if not detail:
                nodes.append((spec.element, {"tag": name}, []))
                continue
            tag_id = lib.tag_id(kind, name)
            role = item.roles.get(name) if kind == "actor" else None
            nodes.append(
                (spec.element, {"id": tag_id, "filter": f"{kind}={tag_id}", "tag": name, "role": role}, [])
            )
    return nodes


def _item_children(lib: Library, item: Item, detail: bool, include_guids: bool) -> list[Node]:
    children = [_media_node(item, media, detail) for media in item.media]
    if item.type != "collection":
        children += _tag_nodes(lib, item, detail)
    else:
        for name in item.tags.get("label", []):
            tag_id = lib.tag_id("label", name)
            children.append(("Label", {"id": tag_id, "filter": f"label={tag_id}", "tag": name}, []))
    if detail or include_guids:
        children += [("Guid", {"id": guid}, []) for guid in item.guids]
    if detail:
        children += [("Field", {"locked": 1, "name": name}, []) for name in sorted(item.locked)]
        for kind, image_type in (("thumb", "coverPoster"), ("art", "background")):
            url = image_url(item, kind)
            if url:
                children.append(("Image", {"alt": item.title, "type": image_type, "url": url}, []))
    return children


def _node_element(parent: Element, node: Node) -> Element:
    tag, attrs, children = node
    element = el(parent, tag, **attrs)
    for child in children:
        _node_element(element, child)
    return element


def _node_text(node: Node, out: list[str]) -> None:
    tag, attrs, children = node
    text = [
        f' {k}="{_escape(v if v.__class__ is str else fmt(v))}"' for k, v in attrs.items() if v is not None
    ]
    out.append("<" + tag + "".join(text))
    if children:
        out.append(">")
        for child in children:
            _node_text(child, out)
        out.append(f"</{tag}>")
    else:
        out.append(" />")


def item_element(
    parent: Element,
    lib: Library,
    item: Item,
    detail: bool = False,
    include_guids: bool = False,
    extra: dict[str, object] | None = None,
    members: list[Item] | None = None,
) -> Element:
    """Render a movie/show/season/episode/collection as Plex does in list (`detail=False`) or detail views.

    List views are the hot path (a client pages through whole libraries): they are written straight to
    text and carried as a raw node; detail views stay elements, since routes add children to them.
    """
    attrs = _common_attrs(lib, item, detail)
    attrs.update(_hierarchy_attrs(lib, item))
    if item.type == "collection":
        attrs.update(collection_attrs(item, members if members is not None else []))
    if extra:
        attrs.update(extra)
    tag = "Video" if item.type in ("movie", "episode") else "Directory"
    node: Node = (tag, attrs, _item_children(lib, item, detail, include_guids))
    if detail:
        return _node_element(parent, node)
    out: list[str] = []
    _node_text(node, out)
    raw = SubElement(parent, RAW_TAG)
    raw.text = "".join(out)
    return raw


def playlist_element(parent: Element, item: Item, entries: list[Item]) -> Element:
    """A `<Playlist>`; `entries` are what its items() shows (a smart playlist's evaluated filter)."""
    duration = sum(entry.duration or 0 for entry in entries)
    return el(
        parent,
        "Playlist",
        ratingKey=item.rating_key,
        key=f"/playlists/{item.rating_key}/items",
        guid=item.guid,
        type="playlist",
        title=item.title,
        titleSort=item.title_sort,
        summary=item.summary,
        smart=item.smart,
        playlistType=item.playlist_type,
        composite=f"/playlists/{item.rating_key}/composite/{item.updated_at}",
        thumb=image_url(item, "thumb"),
        icon="playlist://image.smart" if item.smart else None,
        content=item.content if item.smart else None,
        leafCount=len(entries),
        duration=duration,
        durationInSeconds=duration // 1000,
        allowSync=1,
        addedAt=item.added_at,
        updatedAt=item.updated_at,
    )


HOME_VISIBILITY = {
    (True, True): "all",
    (True, False): "admin",
    (False, True): "shared",
    (False, False): "none",
}


def hub_row_element(parent: Element, hub: ManagedHub) -> Element:
    return el(
        parent,
        "Hub",
        identifier=hub.identifier,
        title=hub.title,
        recommendationsVisibility="all" if hub.promoted_to_recommended else "none",
        homeVisibility=HOME_VISIBILITY[(hub.promoted_to_own_home, hub.promoted_to_shared_home)],
        promotedToRecommended=hub.promoted_to_recommended,
        promotedToOwnHome=hub.promoted_to_own_home,
        promotedToSharedHome=hub.promoted_to_shared_home,
        deletable=hub.deletable,
    )


def setting_element(parent: Element, setting_id: str, value: str, **attrs: object) -> Element:
    base: dict[str, object] = {
        "id": setting_id,
        "label": setting_id,
        "summary": "",
        "type": "text",
        "default": value,
        "value": value,
        "hidden": 0,
        "advanced": 0,
        "group": "",
    }
    base.update(attrs)
    return el(parent, "Setting", **base)
