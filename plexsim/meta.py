"""The `<Meta>` block of `includeMeta=1` responses and the filter-choice lists, both from `plexsim.fields`.

`meta_element` renders, per libtype of the section, a `<Type>` with its `<Filter>`, `<Sort>` and `<Field>`
children, then the `<FieldType>` operator lists, in the shape plexapi's `LibrarySection._loadFilters` parses
(`FilteringType`, `FilteringFilter`, `FilteringSort`, `FilteringField`, `FilteringFieldType`).
`filter_choices` answers `GET /library/sections/{id}/{filter}?type=N` as (key, title) pairs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from plexsim import fields
from plexsim.model import LIBTYPES, Item, Library, Section
from plexsim.query_terms import QueryError

RESOLUTIONS: dict[str, str] = {
    "4k": "4K",
    "1080": "1080p",
    "720": "720p",
    "576": "576p",
    "480": "480p",
    "sd": "SD",
}
SCOPED_SORT_TITLES: dict[str, str] = {"episode.addedAt": "Last Episode Date Added"}
_PREFIXED_TITLES = {"season": "Season", "episode": "Episode"}


def _field_title(libtype: str, fd: fields.FieldDef) -> str:
    if libtype in _PREFIXED_TITLES:
        return f"{_PREFIXED_TITLES[libtype]} {fd.title}"
    if libtype == "show" and fd.key == "title":
        return "Show Title"
    return fd.title


def _sort_element(parent: ET.Element, section: Section, key: str, is_default: bool) -> None:
    sort = fields.SORTS[key.rpartition(".")[2]]
    attrs = {
        "defaultDirection": sort.default_direction,
        "descKey": f"{key}:desc",
        "key": key,
        "title": SCOPED_SORT_TITLES.get(key, sort.title),
    }
    if is_default:
        attrs = {
            "active": "1",
            "activeDirection": "asc",
            "default": "asc",
            **attrs,
            "firstCharacterKey": f"/library/sections/{section.id}/firstCharacter",
        }
    ET.SubElement(parent, "Sort", attrs)


def type_element(parent: ET.Element, section: Section, libtype: str, active: bool) -> ET.Element:
    """One `<Type>`: Filters (choice-list endpoints), Sorts, Fields (bare for movies, prefixed otherwise)."""
    spec = fields.type_spec(libtype)
    number = LIBTYPES[libtype]
    base = f"/library/sections/{section.id}"
    elem = ET.SubElement(
        parent,
        "Type",
        {
            "key": f"{base}/all?type={number}",
            "type": libtype,
            "title": spec.title,
            "active": "1" if active else "0",
        },
    )
    for name in spec.filters:
        fd = fields.FIELDS[name]
        ET.SubElement(
            elem,
            "Filter",
            {
                "filter": name,
                "filterType": fd.filter_type,
                "key": f"{base}/{name}?type={number}",
                "title": fd.title,
                "type": "filter",
            },
        )
    for position, key in enumerate(spec.sorts):
        _sort_element(elem, section, key, active and position == 0)
    for name in spec.fields:
        fd = fields.FIELDS[name]
        attrs = {"key": fields.field_key(libtype, name), "title": _field_title(libtype, fd), "type": fd.type}
        if fd.sub_type:
            attrs["subType"] = fd.sub_type
        ET.SubElement(elem, "Field", attrs)
    return elem


def meta_element(lib: Library, section: Section, collections: bool = False) -> ET.Element:
    """`<Meta>` for `/library/sections/{id}/all` (or, with `collections`, for `/…/collections`)."""
    meta = ET.Element("Meta")
    libtypes = ("collection",) if collections else fields.section_libtypes(section.type)
    for position, libtype in enumerate(libtypes):
        type_element(meta, section, libtype, active=position == 0)
    for field_type, operators in fields.OPERATORS.items():
        ft = ET.SubElement(meta, "FieldType", {"type": field_type})
        for key, title in operators:
            ET.SubElement(ft, "Operator", {"key": key, "title": title})
    return meta


# --------------------------------------------------------------------------- filter choices


def _tag_choices(lib: Library, kind: str, items: Iterable[Item]) -> list[tuple[str, str]]:
    names = {name for item in items for name in item.tags.get(kind, ())}
    ordered = sorted(names, key=lambda n: (n.casefold(), n))
    return [(str(lib.tag_id(kind, name)), name) for name in ordered]


def _language_choices(items: Iterable[Item], stream_type: int) -> list[tuple[str, str]]:
    titles: dict[str, str] = {}
    for item in items:
        for media in item.media:
            for part in media.parts:
                for stream in part.streams:
                    code = stream.attrs.get("languageCode")
                    if stream.stream_type == stream_type and code and code not in titles:
                        titles[code] = stream.attrs.get("language") or code
    return sorted(titles.items(), key=lambda kv: (kv[1].casefold(), kv[0]))


def _literal_choices(lib: Library, fd: fields.FieldDef, items: list[Item]) -> list[tuple[str, str]]:
    if fd.key in ("audioLanguage", "subtitleLanguage"):
        return _language_choices(items, 2 if fd.key == "audioLanguage" else 3)
    values = {v for item in items for v in fd.getter(lib, item) if v != "" and v is not None}
    if fd.key == "resolution":
        known = [(k, t) for k, t in RESOLUTIONS.items() if k in values]
        return known + sorted((v, v) for v in values if v not in RESOLUTIONS)
    if fd.key == "decade":
        return [(str(v), f"{v}s") for v in sorted(values, reverse=True)]
    if fd.type == "integer":
        return [(str(v), str(v)) for v in sorted(values, reverse=True)]
    return [(str(v), str(v)) for v in sorted(values, key=lambda v: (str(v).casefold(), str(v)))]


def filter_choices(lib: Library, section: Section, filter_name: str, libtype: str) -> list[tuple[str, str]]:
    """(key, title) choices of one filter over the `libtype` items of a section.

    Tags: key = tag id, only tags some item of that libtype carries, sorted by name. Year/decade (newest
    first), contentRating, studio, network, edition, resolution, audio/subtitle language: key = the value.
    Booleans: 1 and 0. Anything else (unknown or free-text fields) raises QueryError.
    """
    name = filter_name.rpartition(".")[2]
    fd = fields.FIELDS.get(name)
    if fd is None or fd.choices is None:
        raise QueryError(f"unknown filter {filter_name!r}")
    allowed = (*fields.section_libtypes(section.type), "collection")
    if libtype not in allowed:
        raise QueryError(f"type {libtype!r} is not a libtype of this {section.type} section")
    items = lib.of_type(section.id, libtype)
    if fd.choices == "tag":
        assert fd.tag_kind is not None
        return _tag_choices(lib, fd.tag_kind, items)
    if fd.choices == "boolean":
        return [("1", "True"), ("0", "False")]
    return _literal_choices(lib, fd, items)
