"""Every advertised filter Field with every operator of its type, sent by the real plexapi client.

Like plexapi's own `_test_library_search`: for each Field of `listFields(libtype)` and each operator of
`listOperators(field.type)` (plus plexapi's `&` AND form for tag and string fields), take a value from a
sample item of the generated library, derive the search value from it (prefix, suffix, +/-1, +/-1 day ...),
let plexapi validate and send the query, and check that the server answered (no 400), returned only items of
that libtype, and kept (positive operators) or dropped (negative operators) the sample item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from plexapi.library import LibrarySection
from plexapi.server import PlexServer

from plexsim.model import Item, Library
from tests.support import plex_facts as facts

Extract = Callable[[Library, Item], Any]
LIBTYPES = (("movie", "Movies"), ("collection", "Movies"), ("show", "TV Shows"), ("season", "TV Shows"),
            ("episode", "TV Shows"))  # fmt: skip
DEFAULTS: dict[str, Any] = {
    "string": "zz-no-such-text",
    "integer": 1,
    "date": dt.datetime(2020, 1, 1),
    "boolean": True,
    "tag": "zz-no-such-tag",
    "resolution": "1080",
    "audioLanguage": "eng",
    "subtitleLanguage": "eng",
    "guid": "plex://movie/000000000000000000000000",
}


def _attr(name: str) -> Extract:
    return lambda lib, item: getattr(item, name)


def _epoch(name: str) -> Extract:
    def get(lib: Library, item: Item) -> Any:
        value = getattr(item, name)
        return None if value is None else dt.datetime.fromtimestamp(value)

    return get


def _first_tag(kind: str) -> Extract:
    return lambda lib, item: (facts.tags(item, kind) or [None])[0]


def _leaves(fn: Callable[[list[Item]], Any]) -> Extract:
    return lambda lib, item: fn(facts.episodes_of(lib, item))


def _last_viewed(lib: Library, item: Item) -> Any:
    seen = [e.last_viewed_at for e in facts.episodes_of(lib, item) if e.last_viewed_at]
    return dt.datetime.fromtimestamp(max(seen)) if seen else None


def _release(lib: Library, item: Item) -> Any:
    date = item.originally_available_at
    return None if not date else dt.datetime.strptime(date, "%Y-%m-%d")


def _first_language(stream_type: int) -> Extract:
    def get(lib: Library, item: Item) -> Any:
        codes = [a["languageCode"] for a in facts.streams(item, stream_type) if a.get("languageCode")]
        return codes[0] if codes else None

    return get


def _first_media(fn: Callable[[Item], Any]) -> Extract:
    return lambda lib, item: fn(item) if item.media else None


EXTRACT: dict[str, Extract] = {
    "title": _attr("title"),
    "titleSort": lambda lib, item: item.title_sort or item.title,
    "originalTitle": _attr("original_title"),
    "editionTitle": _attr("edition_title"),
    "studio": _attr("studio"),
    "network": _attr("studio"),
    "summary": _attr("summary"),
    "tagline": _attr("tagline"),
    "userRating": lambda lib, item: facts.value_or(item.user_rating, -1),
    "contentRating": _attr("content_rating"),
    "year": _attr("year"),
    "decade": lambda lib, item: None if item.year is None else item.year // 10 * 10,
    "originallyAvailableAt": _release,
    "addedAt": _epoch("added_at"),
    "updatedAt": _epoch("updated_at"),
    "lastRatedAt": _epoch("last_rated_at"),
    "duration": _attr("duration"),
    "unmatched": lambda lib, item: item.guid.startswith("local://"),
    "duplicate": lambda lib, item: len(item.media) > 1,
    "trash": lambda lib, item: False,
    "resolution": _first_media(lambda item: item.media[0].video_resolution),
    "mediaSize": _first_media(lambda item: facts.media_sizes(item)[0]),
    "mediaBitrate": _first_media(lambda item: item.media[0].bitrate),
    "hdr": lambda lib, item: facts.is_hdr(item),
    "dovi": lambda lib, item: facts.is_dovi(item),
    "audioLanguage": _first_language(2),
    "subtitleLanguage": _first_language(3),
    "inProgress": lambda lib, item: item.view_offset > 0,
    "guid": _attr("guid"),
    "id": _attr("rating_key"),
    "audienceRating": _attr("audience_rating"),
    "rating": _attr("rating"),
    "viewOffset": _attr("view_offset"),
    **{kind: _first_tag(kind) for kind in
       ("genre", "collection", "director", "writer", "producer", "actor", "country", "label")},
}  # fmt: skip
LEAF_EXTRACT: dict[str, Extract] = {  # leaves (movies, episodes) read their own watch state
    "viewCount": _attr("view_count"),
    "lastViewedAt": _epoch("last_viewed_at"),
    "unwatched": lambda lib, item: item.view_count == 0,
    "index": _attr("index"),
}
PARENT_EXTRACT: dict[str, Extract] = {  # shows and seasons: derived from their episodes
    "viewCount": _leaves(lambda eps: sum(e.view_count for e in eps)),
    "lastViewedAt": _last_viewed,
    "unwatched": _leaves(lambda eps: any(e.view_count == 0 for e in eps)),
    "unwatchedLeaves": _leaves(lambda eps: any(e.view_count == 0 for e in eps)),
    "unviewedLeafCount": _leaves(lambda eps: sum(1 for e in eps if e.view_count == 0)),
    "index": _attr("index"),
}
NO_VALUE = frozenset({"group", "having"})  # plexapi's SQL pass-through "fields": nothing to take from an item


def extractor(libtype: str, name: str) -> Extract | None:
    if name in NO_VALUE or (libtype == "collection" and name == "index"):
        return None
    table = PARENT_EXTRACT if libtype in ("show", "season") else LEAF_EXTRACT
    return table.get(name) or EXTRACT[name]


@dataclass(frozen=True)
class Sample:
    item: Item | None
    value: Any


def _usable(value: Any) -> bool:
    return value is not None and value != "" and value is not False


def sample(lib: Library, libtype: str, name: str, field_type: str) -> Sample:
    """The first item with a (preferably truthy) value for the field; a default value when none has one."""
    get = extractor(libtype, name)
    if get is None:
        return Sample(None, DEFAULTS[field_type])
    candidates = [(item, get(lib, item)) for item in facts.items_of(lib, libtype)]
    for item, value in candidates:
        if _usable(value) and not (name == "userRating" and value == -1):
            return Sample(item, value)
    for item, value in candidates:
        if value is not None:
            return Sample(item, value)
    return Sample(None, DEFAULTS[field_type])


def search_value(value: Any, field_type: str, op_title: str) -> Any:
    """plexapi's `_test_library_search` derivation of a search value that still selects the sample."""
    if field_type == "tag" and op_title == "and":
        return [value]
    if op_title == "begins with":
        return value[:3]
    if op_title == "ends with":
        return value[-3:]
    if "contain" in op_title:
        return value.split(" ")[0]
    if op_title == "is less than":
        return value + 1
    if op_title == "is greater than":
        return value - 1
    if op_title == "is before":
        return value + dt.timedelta(days=1)
    if op_title == "is after":
        return value - dt.timedelta(days=1)
    return value


@dataclass(frozen=True)
class Combo:
    libtype: str
    section: str
    field_key: str
    field_type: str
    op_key: str
    op_title: str

    @property
    def name(self) -> str:
        return self.field_key.rpartition(".")[2]

    @property
    def filter_key(self) -> str:
        """The key plexapi's advanced filters take: field + operator without its trailing `=`."""
        return self.field_key + ("&" if self.op_title == "and" else self.op_key[:-1])

    @property
    def negative(self) -> bool:
        return self.op_key.startswith("!")


def fetch_keys(plex: PlexServer, key: str, libtype: str) -> list[int]:
    """GET the search key plexapi built (what `section.search` sends): the rating keys, all of `libtype`."""
    children = list(plex.query(key))
    assert {child.attrib["type"] for child in children} <= {libtype}, key
    return [int(child.attrib["ratingKey"]) for child in children]


def combos(plex: PlexServer) -> Iterator[Combo]:
    for libtype, section_title in LIBTYPES:
        section = plex.library.section(section_title)
        for fld in section.listFields(libtype=libtype):
            operators = [(o.key, o.title) for o in section.listOperators(fld.type)]
            if fld.type in ("tag", "string"):
                operators.append(("&=", "and"))
            for key, title in operators:
                yield Combo(libtype, section_title, fld.key, fld.type, key, title)


@pytest.mark.slow
def test_every_field_and_operator_is_accepted(plex_ro: PlexServer, dataset: Library) -> None:
    sections: dict[str, LibrarySection] = {}
    checked = 0
    failures: list[str] = []
    for combo in combos(plex_ro):
        section = sections.setdefault(combo.section, plex_ro.library.section(combo.section))
        found = sample(dataset, combo.libtype, combo.name, combo.field_type)
        value = search_value(found.value, combo.field_type, combo.op_title)
        try:
            key = section._buildSearchKey(libtype=combo.libtype, filters={combo.filter_key: value})
            keys = set(fetch_keys(plex_ro, key, combo.libtype))
        except Exception as exc:  # collect every failure rather than stopping at the first
            failures.append(f"{combo.filter_key}={value!r} ({combo.libtype}): {type(exc).__name__}: {exc}")
            continue
        if not keys <= facts.select(dataset, combo.libtype, lambda item: True):
            failures.append(f"{combo.filter_key}={value!r} ({combo.libtype}): foreign items in the result")
        if found.item is not None and (found.item.rating_key in keys) == combo.negative:
            failures.append(
                f"{combo.filter_key}={value!r} ({combo.libtype}): sample {found.item.rating_key} "
                f"{'kept' if combo.negative else 'dropped'}"
            )
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 300


@pytest.mark.parametrize(("libtype", "section"), LIBTYPES)
def test_fields_have_choices_for_plexapi_tag_validation(
    plex_ro: PlexServer, libtype: str, section: str
) -> None:
    """plexapi resolves tag-like values through the filter of the same name: every such Field needs one."""
    lib = plex_ro.library.section(section)
    filters = {f.filter for f in lib.listFilters(libtype)}
    tag_like = {"tag", "resolution", "audioLanguage", "subtitleLanguage"}
    fields = {f.key.rpartition(".")[2] for f in lib.listFields(libtype) if f.type in tag_like}
    assert fields <= filters


@pytest.mark.slow
@pytest.mark.parametrize(("libtype", "section"), LIBTYPES)
def test_every_advertised_sort_in_every_direction(
    plex_ro: PlexServer, dataset: Library, libtype: str, section: str
) -> None:
    """Each `listSorts(libtype)` key, plain and with `:asc`/`:desc`/`:nullsLast`, orders the whole libtype."""
    lib = plex_ro.library.section(section)
    everything = facts.select(dataset, libtype, lambda item: True)
    for sort in lib.listSorts(libtype):
        for direction in ("", ":asc", ":desc", ":nullsLast"):
            keys = fetch_keys(
                plex_ro, lib._buildSearchKey(libtype=libtype, sort=sort.key + direction), libtype
            )
            assert sorted(keys) == sorted(everything), f"{libtype} sort={sort.key}{direction}"
