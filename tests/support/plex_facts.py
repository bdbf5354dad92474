"""Plain-Python facts about a generated plexsim `Library`, for computing expected search results.

Everything here reads the dataclasses directly (titles, tags, Media/Stream attributes, parent links) and never
goes through plexsim's filter engine (`plexsim.query`, `query_terms`, `fields`, `field_values`), so tests that
compare server answers with these facts check the engine against an independent reading of the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from plexsim.model import TAG_KINDS, Item, Library

MOVIES_SECTION = 1
SHOWS_SECTION = 2
SECTION_OF = {"movie": 1, "collection": 1, "show": 2, "season": 2, "episode": 2}
DAY = 86_400
HDR_TRANSFERS = frozenset({"smpte2084", "arib-std-b67"})

Predicate = Callable[[Item], bool]


def items_of(lib: Library, libtype: str) -> list[Item]:
    """Items of one libtype, in rating-key order (collections: those of the Movies section)."""
    section = SECTION_OF[libtype]
    found = [i for i in lib.items.values() if i.type == libtype and i.section_id == section]
    return sorted(found, key=lambda i: i.rating_key)


def select(lib: Library, libtype: str, pred: Predicate) -> set[int]:
    return {i.rating_key for i in items_of(lib, libtype) if pred(i)}


def sort_title(item: Item) -> str:
    return (item.title_sort or item.title).casefold()


def title_order(items: Iterable[Item]) -> list[Item]:
    """The engine's documented default order: titleSort case-folded, then rating key."""
    return sorted(items, key=lambda i: (sort_title(i), i.rating_key))


def tag_id(lib: Library, kind: str, name: str) -> int:
    return lib.tag_ids[(TAG_KINDS[kind].tag_type, name)]


def tags(item: Item, kind: str) -> list[str]:
    return item.tags.get(kind, [])


def has_tag(kind: str, *names: str) -> Predicate:
    wanted = set(names)
    return lambda item: bool(wanted & set(tags(item, kind)))


# --------------------------------------------------------------------------- hierarchy


def parent(lib: Library, item: Item) -> Item | None:
    return lib.items.get(item.parent_rating_key) if item.parent_rating_key is not None else None


def show_of(lib: Library, item: Item) -> Item:
    node = item
    while node.type != "show":
        up = parent(lib, node)
        assert up is not None
        node = up
    return node


def episodes_of(lib: Library, item: Item) -> list[Item]:
    """Episodes under a show or season (the item itself for an episode)."""
    if item.type == "episode":
        return [item]
    return [e for e in items_of(lib, "episode") if item.rating_key in _ancestors(lib, e)]


def _ancestors(lib: Library, item: Item) -> set[int]:
    found = set()
    node = parent(lib, item)
    while node is not None:
        found.add(node.rating_key)
        node = parent(lib, node)
    return found


# --------------------------------------------------------------------------- media


def streams(item: Item, stream_type: int) -> list[dict[str, str]]:
    return [s.attrs for m in item.media for p in m.parts for s in p.streams if s.stream_type == stream_type]


def resolutions(item: Item) -> set[str]:
    return {m.video_resolution for m in item.media}


def languages(item: Item, stream_type: int) -> set[str]:
    return {a["languageCode"] for a in streams(item, stream_type) if a.get("languageCode")}


def is_hdr(item: Item) -> bool:
    return any(a.get("colorTrc") in HDR_TRANSFERS or a.get("DOVIPresent") == "1" for a in streams(item, 1))


def is_dovi(item: Item) -> bool:
    return any(a.get("DOVIPresent") == "1" for a in streams(item, 1))


def media_sizes(item: Item) -> list[int]:
    return [sum(p.size for p in m.parts) for m in item.media]


# --------------------------------------------------------------------------- dates


def release_epoch(item: Item) -> int | None:
    """`originallyAvailableAt` as the epoch of that day's UTC midnight."""
    return release_epoch_of(item.originally_available_at) if item.originally_available_at else None


def release_epoch_of(date: str) -> int:
    """A `YYYY-MM-DD` date as the epoch of its UTC midnight (how a raw query's date value reads)."""
    day = dt.date.fromisoformat(date)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def local_epoch(date: str) -> int:
    """What plexapi sends for a `YYYY-MM-DD` filter value: local midnight as epoch seconds."""
    return int(dt.datetime.strptime(date, "%Y-%m-%d").timestamp())


def value_or(value: Any, default: Any) -> Any:
    return default if value is None else value


def default_order(lib: Library, items: Iterable[Item]) -> list[Item]:
    """The engine's documented default order: titleSort case-folded then rating key; seasons and episodes in
    natural order (show titleSort, show, season index, episode index)."""

    def key(item: Item) -> tuple[Any, ...]:
        if item.type not in ("season", "episode"):
            return (sort_title(item), item.rating_key)
        chain = [item]
        while chain[-1].type != "show":
            up = parent(lib, chain[-1])
            assert up is not None
            chain.append(up)
        show = chain[-1]
        indexes = tuple(value_or(node.index, -1) for node in reversed(chain[:-1]))
        return (sort_title(show), show.rating_key, indexes, item.rating_key)

    return sorted(items, key=key)


def sort_by(
    items: list[Item], value: Callable[[Item], Any], desc: bool = False, nulls_last: bool = False
) -> list[Item]:
    """One stable sort step: nulls first ascending, last descending or with `nulls_last`; ties keep their order."""
    nulls = [i for i in items if value(i) is None]
    present = sorted((i for i in items if value(i) is not None), key=value, reverse=desc)
    return present + nulls if desc or nulls_last else nulls + present
