"""The simulated server's state: sections, metadata items, tags, collections, playlists, artwork, hubs.

Everything a request can read or change lives in one `Library` object guarded by one re-entrant lock.
Only the methods here mutate membership and indexes, so collections, item tags and caches stay in step.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

LIBTYPES: dict[str, int] = {
    "movie": 1,
    "show": 2,
    "season": 3,
    "episode": 4,
    "artist": 8,
    "album": 9,
    "track": 10,
    "photo": 13,
    "playlist": 15,
    "collection": 18,
}
LIBTYPE_NAMES: dict[int, str] = {v: k for k, v in LIBTYPES.items()}

LIBRARY_IDENTIFIER = "com.plexapp.plugins.library"
MEDIA_TAG_PREFIX = "/system/bundle/media/flags/"


@dataclass(frozen=True)
class TagKind:
    """One kind of Plex tag: its filter name, XML element, numeric tagType and plexapi attribute."""

    field: str
    element: str
    tag_type: int
    attribute: str


TAG_KINDS: dict[str, TagKind] = {
    k.field: k
    for k in (
        TagKind("genre", "Genre", 1, "genres"),
        TagKind("collection", "Collection", 2, "collections"),
        TagKind("director", "Director", 4, "directors"),
        TagKind("writer", "Writer", 5, "writers"),
        TagKind("actor", "Role", 6, "roles"),
        TagKind("producer", "Producer", 7, "producers"),
        TagKind("country", "Country", 8, "countries"),
        TagKind("label", "Label", 11, "labels"),
    )
}
# plexapi's edit mixins write tags under these names (`role` for actors in some versions).
TAG_ALIASES: dict[str, str] = {"role": "actor", "actor": "actor", **{k: k for k in TAG_KINDS}}


@dataclass(slots=True)
class Stream:
    """A video (1), audio (2) or subtitle (3) stream; `attrs` are rendered as XML attributes verbatim."""

    id: int
    stream_type: int
    codec: str
    index: int
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Part:
    id: int
    file: str
    size: int
    duration: int
    container: str
    streams: list[Stream] = field(default_factory=list)


@dataclass(slots=True)
class Media:
    """One version of a movie or episode (Plex `Media`); `video_resolution` is 4k, 1080, 720, 480 or sd."""

    id: int
    duration: int
    bitrate: int
    width: int
    height: int
    video_resolution: str
    video_codec: str
    audio_codec: str
    audio_channels: int
    container: str
    video_profile: str = ""
    video_frame_rate: str = "24p"
    parts: list[Part] = field(default_factory=list)


@dataclass(slots=True)
class Artwork:
    """A poster, background, theme or logo candidate of an item.

    `rating_key` is what Plex calls it (`upload://posters/<sha1>`, `metadata://posters/...` or a remote URL);
    `blob` is the sha1 of stored bytes, or None for a generated (`metadata://`) or remote image.
    """

    rating_key: str
    selected: bool = False
    blob: str | None = None
    provider: str | None = None


ARTWORK_KINDS: dict[str, str] = {
    # route plural -> (field locked by an upload / attribute that points at the selected image)
    "posters": "thumb",
    "arts": "art",
    "themes": "theme",
    "clearLogos": "clearLogo",
}


@dataclass(slots=True)
class Item:
    """A metadata item: movie, show, season, episode, collection or playlist (one rating-key sequence)."""

    rating_key: int
    type: str
    section_id: int
    title: str
    guid: str
    added_at: int
    updated_at: int
    title_sort: str | None = None
    original_title: str | None = None
    summary: str = ""
    tagline: str | None = None
    studio: str | None = None
    content_rating: str | None = None
    year: int | None = None
    originally_available_at: str | None = None
    duration: int | None = None
    rating: float | None = None
    audience_rating: float | None = None
    user_rating: float | None = None
    rating_image: str | None = None
    audience_rating_image: str | None = None
    view_count: int = 0
    view_offset: int = 0
    last_viewed_at: int | None = None
    last_rated_at: int | None = None
    edition_title: str | None = None
    index: int | None = None
    parent_rating_key: int | None = None
    guids: list[str] = field(default_factory=list)
    tags: dict[str, list[str]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    locked: set[str] = field(default_factory=set)
    media: list[Media] = field(default_factory=list)
    artwork: dict[str, list[Artwork]] = field(default_factory=dict)
    prefs: dict[str, str] = field(default_factory=dict)
    # collections
    smart: bool = False
    content: str | None = None
    members: list[int] = field(default_factory=list)
    subtype: str | None = None
    collection_mode: int = -1
    collection_sort: int = 0
    filter_user: int = 0
    # playlists: (playlistItemID, rating key) in order; duplicates allowed
    playlist_type: str | None = None
    entries: list[tuple[int, int]] = field(default_factory=list)

    @property
    def sort_title(self) -> str:
        return self.title_sort or self.title

    def tag_names(self, kind: str) -> list[str]:
        return self.tags.get(kind, [])


@dataclass(slots=True)
class Section:
    """A library section (Plex `Directory` under /library/sections)."""

    id: int
    type: str
    title: str
    agent: str
    scanner: str
    uuid: str
    location: str
    language: str = "en-US"
    created_at: int = 0
    updated_at: int = 0
    scanned_at: int = 0
    prefs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ManagedHub:
    """A row of a section's managed hubs (`/hubs/sections/{id}/manage`)."""

    identifier: str
    title: str
    promoted_to_recommended: bool = False
    promoted_to_own_home: bool = False
    promoted_to_shared_home: bool = False
    deletable: bool = True


@dataclass(slots=True)
class Sequences:
    """Id counters; Plex uses separate sequences for metadata, media, parts, streams, tags and playlist items."""

    rating_key: int = 100
    media: int = 1000
    part: int = 1000
    stream: int = 1000
    tag: int = 1000
    playlist_item: int = 1000


class Library:
    """The whole server state behind one lock; `revision` increases on every change (caches key on it)."""

    def __init__(self, machine_identifier: str, friendly_name: str = "plexsim") -> None:
        self.machine_identifier = machine_identifier
        self.friendly_name = friendly_name
        self.version = "1.41.3.9314-a0bfb8370"
        self.sections: dict[int, Section] = {}
        self.items: dict[int, Item] = {}
        self.hubs: dict[int, list[ManagedHub]] = {}
        self.blobs: dict[str, bytes] = {}
        self.server_prefs: dict[str, str] = {}
        self.seq = Sequences()
        self.tag_ids: dict[tuple[int, str], int] = {}
        self.tag_by_id: dict[int, tuple[int, str]] = {}
        self.lock = threading.RLock()
        self.revision = 0
        self._children: dict[int, list[int]] = {}
        self._by_type: dict[tuple[int, str], list[int]] = {}
        self._collection_by_title: dict[tuple[int, str], int] = {}

    # ---- ids and time
    def next_id(self, sequence: str) -> int:
        value = getattr(self.seq, sequence) + 1
        setattr(self.seq, sequence, value)
        return value

    def changed(self) -> None:
        self.revision += 1

    def touch(self, item: Item) -> None:
        """Mark an item edited: `updatedAt` moves strictly forward, so image URLs that embed it change."""
        item.updated_at = max(int(time.time()), item.updated_at + 1)
        self.changed()

    # ---- tags
    def tag_id(self, kind: str, name: str) -> int:
        tag_type = TAG_KINDS[kind].tag_type
        key = (tag_type, name)
        found = self.tag_ids.get(key)
        if found is None:
            found = self.next_id("tag")
            self.tag_ids[key] = found
            self.tag_by_id[found] = key
        return found

    def tag_name(self, tag_id: int) -> str | None:
        found = self.tag_by_id.get(tag_id)
        return found[1] if found else None

    # ---- items and indexes
    def add(self, item: Item) -> Item:
        self.items[item.rating_key] = item
        if item.parent_rating_key is not None:
            self._children.setdefault(item.parent_rating_key, []).append(item.rating_key)
        self._by_type.setdefault((item.section_id, item.type), []).append(item.rating_key)
        for name in item.tags.get("collection", []):
            self.tag_id("collection", name)
        for kind, names in item.tags.items():
            for name in names:
                self.tag_id(kind, name)
        if item.type == "collection":
            self._collection_by_title[(item.section_id, item.title)] = item.rating_key
        self.changed()
        return item

    def remove(self, rating_key: int) -> None:
        item = self.items.pop(rating_key)
        if item.parent_rating_key is not None:
            self._children.get(item.parent_rating_key, []).remove(rating_key)
        self._by_type[(item.section_id, item.type)].remove(rating_key)
        if item.type == "collection":
            self._collection_by_title.pop((item.section_id, item.title), None)
            for member in list(item.members):
                self._drop_collection_tag(member, item.title)
        else:
            for col in self.collections_of(item):
                if rating_key in col.members:
                    col.members.remove(rating_key)
        for child in list(self._children.get(rating_key, [])):
            self.remove(child)
        self._children.pop(rating_key, None)
        for rows in self.hubs.values():
            rows[:] = [h for h in rows if not h.identifier.endswith(f".{rating_key}")]
        self.changed()

    def of_type(self, section_id: int, libtype: str) -> list[Item]:
        return [self.items[rk] for rk in self._by_type.get((section_id, libtype), [])]

    def children(self, rating_key: int) -> list[Item]:
        return [self.items[rk] for rk in self._children.get(rating_key, [])]

    def leaves(self, item: Item) -> list[Item]:
        """Episodes under a show or season, in season then episode order."""
        if item.type == "season":
            return self.children(item.rating_key)
        if item.type == "show":
            return [
                ep for season in self.children(item.rating_key) for ep in self.children(season.rating_key)
            ]
        return []

    def parent(self, item: Item) -> Item | None:
        return self.items.get(item.parent_rating_key) if item.parent_rating_key is not None else None

    def iter_items(self) -> Iterator[Item]:
        return iter(self.items.values())

    # ---- collections
    def collection_by_title(self, section_id: int, title: str) -> Item | None:
        rk = self._collection_by_title.get((section_id, title))
        return self.items.get(rk) if rk is not None else None

    def collections_of(self, item: Item) -> list[Item]:
        found = []
        for name in item.tags.get("collection", []):
            col = self.collection_by_title(item.section_id, name)
            if col is not None:
                found.append(col)
        return found

    def new_collection(self, section_id: int, title: str, subtype: str, smart: bool = False) -> Item:
        now = int(time.time())
        col = Item(
            rating_key=self.next_id("rating_key"),
            type="collection",
            section_id=section_id,
            title=title,
            guid=f"collection://{uuid.uuid4()}",
            added_at=now,
            updated_at=now,
            subtype=subtype,
            smart=smart,
        )
        self.tag_id("collection", title)
        return self.add(col)

    def add_to_collection(self, col: Item, item: Item) -> None:
        names = item.tags.setdefault("collection", [])
        # The item's tags mirror membership, so only an item already tagged needs the (slow) list check.
        if col.title in names and item.rating_key in col.members:
            return
        col.members.append(item.rating_key)
        if col.title not in names:
            names.append(col.title)
        self.touch(col)

    def remove_from_collection(self, col: Item, item: Item) -> None:
        if item.rating_key in col.members:
            col.members.remove(item.rating_key)
        self._drop_collection_tag(item.rating_key, col.title)
        self.touch(col)

    def rename_collection(self, col: Item, title: str) -> None:
        old = col.title
        self._collection_by_title.pop((col.section_id, old), None)
        col.title = title
        self._collection_by_title[(col.section_id, title)] = col.rating_key
        self.tag_id("collection", title)
        for rk in col.members:
            names = self.items[rk].tags.get("collection", [])
            self.items[rk].tags["collection"] = [title if n == old else n for n in names]
        self.touch(col)

    def _drop_collection_tag(self, rating_key: int, title: str) -> None:
        member = self.items.get(rating_key)
        if member is not None and title in member.tags.get("collection", []):
            member.tags["collection"].remove(title)

    def set_item_collections(self, item: Item, names: list[str]) -> None:
        """Make `names` the item's collections: create missing ones, join and leave as needed (Plex tag edit)."""
        current = list(item.tags.get("collection", []))
        for name in current:
            if name not in names:
                col = self.collection_by_title(item.section_id, name)
                if col is not None:
                    self.remove_from_collection(col, item)
                else:
                    self._drop_collection_tag(item.rating_key, name)
        for name in names:
            col = self.collection_by_title(item.section_id, name)
            if col is None:
                col = self.new_collection(item.section_id, name, item.type)
            self.add_to_collection(col, item)
        item.tags["collection"] = list(dict.fromkeys(names))
