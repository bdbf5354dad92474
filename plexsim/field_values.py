"""Value getters for the filter catalog: what one metadata item holds for one filterable field.

Every getter has the shape `(lib, item) -> list[value]`: an empty list means "no value" (SQL NULL), several
values mean "any of them" (tags, one value per Media version, one per audio stream ...). The filter engine
(`plexsim.query`), the `<Meta>` builder and the filter-choice lists (`plexsim.meta`) all read items through
these functions, so a value can never be filterable one way and listed another.

Shared derivations the XML renderer should reuse so that what a client reads matches what it can filter on:
`is_hdr`, `is_dovi`, `is_unmatched`, `date_to_epoch`, `collection_index`, `leaf_view_stats`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from plexsim.model import TAG_KINDS, Item, Library, Media, Stream

Getter = Callable[[Library, Item], list[Any]]

HDR_TRANSFERS = frozenset({"smpte2084", "arib-std-b67"})
UNMATCHED_GUID_PREFIXES = ("local://", "com.plexapp.agents.none://")
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
PARENT_TYPES = frozenset({"show", "season"})


# --------------------------------------------------------------------------- shared derivations


@lru_cache(maxsize=65536)
def date_to_epoch(value: str) -> int | None:
    """`YYYY-MM-DD` (what `originallyAvailableAt` stores) -> epoch seconds of that day's UTC midnight."""
    try:
        day = _dt.date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except (ValueError, IndexError):
        return None
    return (day.toordinal() - _EPOCH_ORDINAL) * 86400


def video_streams(media: Media) -> Iterable[Stream]:
    return (s for part in media.parts for s in part.streams if s.stream_type == 1)


def is_dovi(media: Media) -> bool:
    """A Dolby Vision version: any video stream flags `DOVIPresent="1"` (what Kometa's own filter reads)."""
    return any(s.attrs.get("DOVIPresent") == "1" for s in video_streams(media))


def is_hdr(media: Media) -> bool:
    """An HDR version: PQ or HLG transfer on a video stream, or Dolby Vision (inferred rule, see plex-api.md)."""
    return any(
        s.attrs.get("colorTrc") in HDR_TRANSFERS or s.attrs.get("DOVIPresent") == "1"
        for s in video_streams(media)
    )


def is_unmatched(item: Item) -> bool:
    """No agent match: no guid at all, a `local://` guid, or the `none` agent."""
    return not item.guid or item.guid.startswith(UNMATCHED_GUID_PREFIXES)


def collection_index(lib: Library, item: Item) -> int:
    """A collection's `index` (PMS puts an internal id there; plexsim's renderer emits the rating key)."""
    return item.rating_key


def leaves_of(lib: Library, item: Item) -> list[Item]:
    """The playable items behind an item: episodes of a show/season, the item itself otherwise."""
    return lib.leaves(item) if item.type in PARENT_TYPES else [item]


def leaf_view_stats(lib: Library, item: Item) -> tuple[int, int, int]:
    """(leafCount, viewedLeafCount, summed viewCount) of a show/season (of the item itself for leaves)."""
    leaves = leaves_of(lib, item)
    viewed = sum(1 for leaf in leaves if leaf.view_count > 0)
    return len(leaves), viewed, sum(leaf.view_count for leaf in leaves)


# --------------------------------------------------------------------------- getter factories


def scalar(attr: str) -> Getter:
    """A plain attribute; None means no value."""

    def get(lib: Library, item: Item) -> list[Any]:
        value = getattr(item, attr)
        return [] if value is None else [value]

    return get


def text(attr: str) -> Getter:
    """A string attribute; a missing string reads as "" (Plex stores empty strings, so `!=` keeps it)."""

    def get(lib: Library, item: Item) -> list[Any]:
        return [getattr(item, attr) or ""]

    return get


def tag_ids(kind: str) -> Getter:
    """Tag ids of one kind (`genre`, `actor` ...), registered in the library's tag table on first sight."""
    if kind not in TAG_KINDS:
        raise KeyError(kind)

    def get(lib: Library, item: Item) -> list[Any]:
        return [lib.tag_id(kind, name) for name in item.tags.get(kind, ())]

    return get


def per_media(fn: Callable[[Media], Any]) -> Getter:
    """One value per Media version (resolution, bitrate, size ...)."""

    def get(lib: Library, item: Item) -> list[Any]:
        return [fn(m) for m in item.media]

    return get


def any_media(fn: Callable[[Media], bool]) -> Getter:
    """A boolean true when any version qualifies; for shows/seasons, any version of any episode."""

    def get(lib: Library, item: Item) -> list[Any]:
        return [any(fn(m) for leaf in leaves_of(lib, item) for m in leaf.media)]

    return get


def stream_languages(stream_type: int) -> Getter:
    """Distinct `languageCode`s of the audio (2) or subtitle (3) streams of all versions."""

    def get(lib: Library, item: Item) -> list[Any]:
        found: dict[str, None] = {}
        for media in item.media:
            for part in media.parts:
                for stream in part.streams:
                    code = stream.attrs.get("languageCode")
                    if stream.stream_type == stream_type and code:
                        found[code] = None
        return list(found)

    return get


def leaf_flag(fn: Callable[[Item], bool]) -> Getter:
    """A watch-state boolean of a leaf; for shows/seasons true when any episode has it."""

    def get(lib: Library, item: Item) -> list[Any]:
        if item.type in PARENT_TYPES:
            return [any(fn(leaf) for leaf in lib.leaves(item))]
        return [fn(item)]

    return get


# --------------------------------------------------------------------------- individual getters


def get_title_sort(lib: Library, item: Item) -> list[Any]:
    return [item.title_sort or item.title]


def get_decade(lib: Library, item: Item) -> list[Any]:
    return [] if item.year is None else [item.year // 10 * 10]


def get_release(lib: Library, item: Item) -> list[Any]:
    if not item.originally_available_at:
        return []
    epoch = date_to_epoch(item.originally_available_at)
    return [] if epoch is None else [epoch]


def get_duration(lib: Library, item: Item) -> list[Any]:
    if item.duration is not None:
        return [item.duration]
    return [item.media[0].duration] if item.media else []


def get_user_rating(lib: Library, item: Item) -> list[Any]:
    """Unrated reads as -1: Plex's own smart filters use `userRating=-1` (unrated) / `userRating!=-1` (rated)."""
    return [-1 if item.user_rating is None else item.user_rating]


def get_view_count(lib: Library, item: Item) -> list[Any]:
    if item.type in PARENT_TYPES:
        return [leaf_view_stats(lib, item)[2]]
    return [item.view_count]


def get_last_viewed(lib: Library, item: Item) -> list[Any]:
    if item.type in PARENT_TYPES and item.last_viewed_at is None:
        seen = [leaf.last_viewed_at for leaf in lib.leaves(item) if leaf.last_viewed_at is not None]
        return [max(seen)] if seen else []
    return [] if item.last_viewed_at is None else [item.last_viewed_at]


def get_unviewed_leaf_count(lib: Library, item: Item) -> list[Any]:
    leaves, viewed, _ = leaf_view_stats(lib, item)
    return [leaves - viewed]


def get_unmatched(lib: Library, item: Item) -> list[Any]:
    return [is_unmatched(item)]


def get_duplicate(lib: Library, item: Item) -> list[Any]:
    return [len(item.media) > 1]


def get_false(lib: Library, item: Item) -> list[Any]:
    return [False]


def get_id(lib: Library, item: Item) -> list[Any]:
    return [item.rating_key]


def get_guid(lib: Library, item: Item) -> list[Any]:
    return [g for g in (item.guid, *item.guids) if g]


def get_index(lib: Library, item: Item) -> list[Any]:
    if item.type == "collection":
        return [collection_index(lib, item)]
    return [] if item.index is None else [item.index]


def get_rating_count(lib: Library, item: Item) -> list[Any]:
    return [len(item.members)] if item.type == "collection" else []


def get_media_size(media: Media) -> int:
    return sum(part.size for part in media.parts)


def unwatched(item: Item) -> bool:
    return item.view_count == 0


def in_progress(item: Item) -> bool:
    return item.view_offset > 0
