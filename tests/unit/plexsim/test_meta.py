"""`<Meta>` and filter choices: structure as plexapi parses it, and everything advertised is evaluable."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import namedtuple
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest
from plexapi import library as plexlib
from plexapi import video as plexvideo
from plexapi.base import PlexObject

from plexsim import fields, query
from plexsim.field_values import collection_index, leaf_view_stats
from plexsim.meta import filter_choices, meta_element
from plexsim.model import LIBTYPE_NAMES, LIBTYPES, Item, Library, Section
from plexsim.query import QueryError, search
from tests.unit.plexsim.query_library import NOW, build_library

SAMPLES: dict[str, list[str]] = {
    "string": ["a"],
    "integer": ["1", "7.5"],
    "boolean": ["1", "0"],
    "date": ["-30d", "2020-01-01", str(NOW)],
    "resolution": ["1080"],
    "audioLanguage": ["eng"],
    "subtitleLanguage": ["eng"],
    "guid": ["plex://movie/x"],
}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "now", lambda: float(NOW))


@pytest.fixture(scope="module")
def lib() -> Library:
    return build_library()


def sections(lib: Library) -> list[tuple[Section, bool]]:
    return [
        (lib.sections[1], False),
        (lib.sections[1], True),
        (lib.sections[2], False),
        (lib.sections[2], True),
    ]


def type_number(type_elem: ET.Element) -> int:
    return LIBTYPES[type_elem.attrib["type"]]


# --------------------------------------------------------------------------- structure


def test_movie_meta_structure(lib: Library) -> None:
    meta = meta_element(lib, lib.sections[1])
    assert meta.tag == "Meta"
    types = meta.findall("Type")
    assert [t.attrib for t in types] == [
        {"key": "/library/sections/1/all?type=1", "type": "movie", "title": "Movies", "active": "1"}
    ]
    movie = types[0]
    genre = movie.find("Filter[@filter='genre']")
    assert genre is not None
    assert genre.attrib == {"filter": "genre", "filterType": "string", "key": "/library/sections/1/genre?type=1",
                            "title": "Genre", "type": "filter"}  # fmt: skip
    sorts = movie.findall("Sort")
    assert sorts[0].attrib == {"active": "1", "activeDirection": "asc", "default": "asc", "defaultDirection": "asc",
                               "descKey": "titleSort:desc", "key": "titleSort", "title": "Title",
                               "firstCharacterKey": "/library/sections/1/firstCharacter"}  # fmt: skip
    for sort in sorts[1:]:
        assert set(sort.attrib) == {"defaultDirection", "descKey", "key", "title"}
        assert sort.attrib["descKey"] == sort.attrib["key"] + ":desc"
        assert sort.attrib["defaultDirection"] in ("asc", "desc")
    for f in movie.findall("Field"):
        assert set(f.attrib) <= {"key", "title", "type", "subType"} and "." not in f.attrib["key"]
        assert f.attrib["type"] in fields.OPERATORS
    year = movie.find("Field[@key='year']")
    assert year is not None and year.attrib == {
        "key": "year",
        "title": "Year",
        "type": "integer",
        "subType": "year",
    }
    field_types = {
        ft.attrib["type"]: [(o.attrib["key"], o.attrib["title"]) for o in ft]
        for ft in meta.findall("FieldType")
    }
    assert field_types == fields.OPERATORS
    assert field_types["string"][2] == ("==", "is") and field_types["date"] == [
        ("<<=", "is before"),
        (">>=", "is after"),
    ]
    # Meta children come in plexapi's order: every Type before the FieldTypes
    assert [c.tag for c in meta] == ["Type"] + ["FieldType"] * len(fields.OPERATORS)


def test_show_meta_has_prefixed_show_season_episode_types(lib: Library) -> None:
    meta = meta_element(lib, lib.sections[2])
    types = meta.findall("Type")
    assert [(t.attrib["type"], t.attrib["key"], t.attrib["active"]) for t in types] == [
        ("show", "/library/sections/2/all?type=2", "1"),
        ("season", "/library/sections/2/all?type=3", "0"),
        ("episode", "/library/sections/2/all?type=4", "0"),
    ]
    for t in types:
        prefix = t.attrib["type"] + "."
        assert all(f.attrib["key"].startswith(prefix) for f in t.findall("Field"))
        n = type_number(t)
        assert all(f.attrib["key"].endswith(f"?type={n}") for f in t.findall("Filter"))
        assert all("active" not in s.attrib for s in t.findall("Sort")[1:])
    assert types[0].find("Field[@key='show.unwatchedLeaves']") is not None
    assert types[0].find("Sort[@key='episode.addedAt']") is not None
    # Kometa hard-codes /collection?type=3 and ?type=4 for show libraries
    assert types[1].find("Filter[@filter='collection']") is not None
    assert types[2].find("Filter[@filter='collection']") is not None


def test_collections_meta(lib: Library) -> None:
    for section in (lib.sections[1], lib.sections[2]):
        meta = meta_element(lib, section, collections=True)
        (t,) = meta.findall("Type")
        assert t.attrib == {"key": f"/library/sections/{section.id}/all?type=18", "type": "collection",
                            "title": "Collections", "active": "1"}  # fmt: skip
        assert t.find("Field[@key='collection.title']") is not None
        assert t.find("Sort[@key='titleSort']") is not None


def test_catalog_flags_match_what_meta_advertises(lib: Library) -> None:
    for section, cols in sections(lib):
        for t in meta_element(lib, section, cols).findall("Type"):
            libtype = t.attrib["type"]
            cat = fields.catalog(libtype)
            advertised_fields = {f.attrib["key"].rpartition(".")[2] for f in t.findall("Field")}
            advertised_filters = {f.attrib["filter"] for f in t.findall("Filter")}
            assert {k for k, d in cat.items() if d.field} == advertised_fields
            assert {k for k, d in cat.items() if d.filter} == advertised_filters
            assert all(cat[k].choices for k in advertised_filters)
            assert all(
                f.attrib["type"] == cat[f.attrib["key"].rpartition(".")[2]].type for f in t.findall("Field")
            )


# --------------------------------------------------------------------------- everything advertised is evaluable


def advertised(lib: Library) -> list[tuple[Section, ET.Element]]:
    return [
        (section, t)
        for section, cols in sections(lib)
        for t in meta_element(lib, section, cols).findall("Type")
    ]


def test_every_advertised_field_and_operator_is_accepted(lib: Library) -> None:
    checked = 0
    for section, t in advertised(lib):
        n = str(type_number(t))
        for f in t.findall("Field"):
            ftype = f.attrib["type"]
            for op, _ in fields.OPERATORS[ftype]:
                key = f.attrib["key"] + op[:-1]
                values = [tag_value(lib, f.attrib["key"])] if ftype == "tag" else SAMPLES[ftype]
                for value in values:
                    search(lib, section, [("type", n), (key, value)])
                    search(lib, section, [("type", n), (key, f"{value},{value}")])
                    checked += 1
    assert checked > 300


def tag_value(lib: Library, key: str) -> str:
    name = key.rpartition(".")[2]
    if fields.FIELDS[name].tag_kind is None:  # contentRating, network: literal values
        return {"contentRating": "PG"}.get(name, "HBO")
    return str(lib.tag_id(name, "Drama"))


def test_every_advertised_sort_is_accepted_in_every_direction(lib: Library) -> None:
    for section, t in advertised(lib):
        n, libtype = str(type_number(t)), t.attrib["type"]
        for s in t.findall("Sort"):
            for sort in (s.attrib["key"], s.attrib["descKey"], f"{libtype}.{s.attrib['key']}:nullsLast",
                         f"{s.attrib['key']}:asc,titleSort:desc"):  # fmt: skip
                search(lib, section, [("type", n), ("sort", sort)])


def test_every_advertised_filter_lists_choices_that_filter(lib: Library) -> None:
    for section, t in advertised(lib):
        libtype = t.attrib["type"]
        for f in t.findall("Filter"):
            key = f.attrib["key"]
            m = re.fullmatch(rf"/library/sections/{section.id}/(\w+)\?type=(\d+)", key)
            assert m and m.group(1) == f.attrib["filter"] and LIBTYPE_NAMES[int(m.group(2))] == libtype
            choices = filter_choices(lib, section, f.attrib["filter"], libtype)
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in choices)
            if f.attrib["filterType"] == "boolean":
                assert [k for k, _ in choices] == ["1", "0"]
                continue
            for choice_key, _title in choices:
                field = fields.field_key(libtype, f.attrib["filter"])
                hits = search(lib, section, [("type", m.group(2)), (field, choice_key)])
                assert hits, (
                    f"{libtype} {f.attrib['filter']}={choice_key} lists a choice that matches nothing"
                )


def test_every_tag_like_field_has_a_filter_for_plexapi_value_lookup() -> None:
    """plexapi resolves a tag/resolution/language value through `listFilterChoices(field)`: NotFound without one."""
    tag_like = {"tag", "resolution", "audioLanguage", "subtitleLanguage"}
    for libtype, spec in fields.TYPE_SPECS.items():
        wanted = {name for name in spec.fields if fields.FIELDS[name].type in tag_like}
        assert wanted <= set(spec.filters), libtype


# --------------------------------------------------------------------------- filter choices


def test_tag_choices_are_ids_of_tags_used_by_that_libtype(lib: Library) -> None:
    movies, shows = lib.sections[1], lib.sections[2]
    genres = filter_choices(lib, movies, "genre", "movie")
    assert [t for _, t in genres] == ["Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama",
                                      "Fantasy", "Horror", "Musical", "Romance", "Science Fiction"]  # fmt: skip
    assert all(k == str(lib.tag_id("genre", t)) for k, t in genres)
    assert [t for _, t in filter_choices(lib, shows, "genre", "show")] == [
        "Drama",
        "Fantasy",
        "Science Fiction",
    ]
    assert filter_choices(lib, shows, "genre", "episode") == []
    assert [t for _, t in filter_choices(lib, movies, "collection", "movie")] == [
        "Blender Open Movies",
        "Heist",
    ]
    assert [t for _, t in filter_choices(lib, shows, "collection", "show")] == ["Fantasy Shows"]
    assert filter_choices(lib, shows, "collection", "season") == []
    assert filter_choices(lib, movies, "label", "collection") == [
        (str(lib.tag_id("label", "Kometa")), "Kometa")
    ]
    assert [t for _, t in filter_choices(lib, shows, "director", "episode")] == [
        "Alan Taylor",
        "Tim Van Patten",
    ]


def test_literal_choices(lib: Library) -> None:
    movies, shows = lib.sections[1], lib.sections[2]
    assert filter_choices(lib, movies, "year", "movie")[:3] == [
        ("2015", "2015"),
        ("2010", "2010"),
        ("2009", "2009"),
    ]
    assert filter_choices(lib, movies, "decade", "movie") == [("2010", "2010s"), ("2000", "2000s"),
                                                              ("1990", "1990s"), ("1970", "1970s")]  # fmt: skip
    assert [k for k, _ in filter_choices(lib, movies, "contentRating", "movie")] == ["G", "PG", "PG-13", "R"]
    assert filter_choices(lib, movies, "resolution", "movie") == [("4k", "4K"), ("1080", "1080p"), ("720", "720p"),
                                                                  ("480", "480p"), ("sd", "SD")]  # fmt: skip
    assert filter_choices(lib, movies, "audioLanguage", "movie") == [("eng", "English"), ("fra", "Français")]
    assert filter_choices(lib, movies, "subtitleLanguage", "movie") == [("eng", "English"), ("spa", "Español"),
                                                                        ("fra", "Français")]  # fmt: skip
    assert [k for k, _ in filter_choices(lib, movies, "studio", "movie")][:2] == [
        "20th Century Fox",
        "Blender Foundation",
    ]
    assert filter_choices(lib, shows, "network", "show") == [("HBO", "HBO"), ("The CW", "The CW")]
    assert filter_choices(lib, shows, "contentRating", "episode") == [("TV-MA", "TV-MA")]
    assert filter_choices(lib, movies, "unwatched", "movie") == [("1", "True"), ("0", "False")]


@pytest.mark.parametrize(("name", "libtype"), [("nope", "movie"), ("title", "movie"), ("summary", "movie"),
                                               ("genre", "episode"), ("genre", "artist")])  # fmt: skip
def test_unknown_filters_are_errors(lib: Library, name: str, libtype: str) -> None:
    with pytest.raises(QueryError):
        filter_choices(lib, lib.sections[1], name, libtype)


# --------------------------------------------------------------------------- plexapi's own parser and query builder


class FakeServer:
    """Answers the three GETs `LibrarySection._loadFilters`/`listFilterChoices` make, from plexsim directly."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self.queries: list[str] = []

    def query(self, key: str, method: Any = None, **kwargs: Any) -> ET.Element:
        self.queries.append(key)
        path, _, qs = key.partition("?")
        params = dict(parse_qsl(qs, keep_blank_values=True))
        m = re.fullmatch(r"/library/sections/(\d+)/(\w+)", path)
        assert m, key
        section = self.lib.sections[int(m.group(1))]
        container = ET.Element("MediaContainer", size="0")
        if m.group(2) in ("all", "collections"):
            container.append(meta_element(self.lib, section, collections=m.group(2) == "collections"))
            return container
        libtype = LIBTYPE_NAMES[int(params.get("type", LIBTYPES[section.type]))]
        for choice, title in filter_choices(self.lib, section, m.group(2), libtype):
            ET.SubElement(container, "Directory", key=choice, title=title, type=m.group(2),
                          fastKey=f"/library/sections/{section.id}/all?{m.group(2)}={choice}")  # fmt: skip
        return container


def plexapi_section(lib: Library, section: Section) -> plexlib.LibrarySection:
    cls = plexlib.MovieSection if section.type == "movie" else plexlib.ShowSection
    data = ET.Element("Directory", key=str(section.id), type=section.type, title=section.title)
    return cls(FakeServer(lib), data, initpath="/library/sections")


def run_key(lib: Library, section: Section, key: str) -> list[Item]:
    """Evaluate a `/library/sections/{id}/all?…` key the way the HTTP layer will: decode the query once."""
    path, _, qs = key.partition("?")
    assert path == f"/library/sections/{section.id}/all", key
    return search(lib, section, parse_qsl(qs, keep_blank_values=True))


def test_plexapi_parses_the_meta_and_every_field_it_knows_is_evaluable(lib: Library) -> None:
    for section in (lib.sections[1], lib.sections[2]):
        plex = plexapi_section(lib, section)
        field_types = {ft.type: [o.key for o in ft.operators] for ft in plex.fieldTypes()}
        assert set(field_types) == {*fields.OPERATORS, "guid"}
        expected = (*fields.section_libtypes(section.type), "collection")
        assert [ft.type for ft in plex.filterTypes()] == list(expected)
        for ftype in plex.filterTypes():
            n = str(LIBTYPES[ftype.type])
            # plexapi's fields include its hand-added ones (guid, id, index, lastRatedAt, updatedAt, ...)
            for f in ftype.fields:
                if f.key in ("group", "having"):
                    continue
                for op in field_types[f.type]:
                    values = [tag_value(lib, f.key)] if f.type == "tag" else SAMPLES[f.type]
                    for value in values:
                        search(lib, section, [("type", n), (f.key + op[:-1], value)])
            for s in ftype.sorts:
                search(lib, section, [("type", n), ("sort", f"{ftype.type}.{s.key}:{s.defaultDirection}")])
            for flt in ftype.filters:
                filter_choices(lib, section, flt.filter, ftype.type)


def xml_view(lib: Library, item: Item) -> ET.Element:
    """The attributes a list response carries, for plexapi to build its object from (test-side renderer)."""
    attrs: dict[str, Any] = {
        "ratingKey": item.rating_key, "key": f"/library/metadata/{item.rating_key}", "type": item.type,
        "title": item.title, "titleSort": item.title_sort, "originalTitle": item.original_title,
        "editionTitle": item.edition_title, "studio": item.studio, "summary": item.summary,
        "tagline": item.tagline, "contentRating": item.content_rating, "year": item.year,
        "duration": item.duration, "rating": item.rating, "audienceRating": item.audience_rating,
        "userRating": item.user_rating, "viewCount": item.view_count, "viewOffset": item.view_offset,
        "guid": item.guid, "addedAt": item.added_at, "updatedAt": item.updated_at,
        "lastViewedAt": item.last_viewed_at, "lastRatedAt": item.last_rated_at,
        "originallyAvailableAt": item.originally_available_at,
        "index": collection_index(lib, item) if item.type == "collection" else item.index,
    }  # fmt: skip
    if item.type == "show":
        attrs["network"] = item.studio
    if item.type in ("show", "season"):
        leaves, viewed, _ = leaf_view_stats(lib, item)
        attrs.update(childCount=len(lib.children(item.rating_key)), leafCount=leaves, viewedLeafCount=viewed)
    tag = "Video" if item.type in ("movie", "episode") else "Directory"
    return ET.Element(tag, {k: str(v) for k, v in attrs.items() if v is not None})


PLEX_CLASSES: dict[str, type[PlexObject]] = {
    "movie": plexvideo.Movie, "show": plexvideo.Show, "season": plexvideo.Season, "episode": plexvideo.Episode,
    "collection": plexlib.Collection if hasattr(plexlib, "Collection") else PlexObject,
}  # fmt: skip


def plexapi_object(lib: Library, section: Section, item: Item) -> Any:
    from plexapi.collection import Collection

    cls = Collection if item.type == "collection" else PLEX_CLASSES[item.type]
    obj = cls(FakeServer(lib), xml_view(lib, item), initpath=f"/library/sections/{section.id}/all")
    obj._autoReload = False
    return obj


def search_value(operator: Any, value: Any) -> Any:
    """plexapi's own choice of a search value per operator (tests/test_library.py::_test_library_search)."""
    if operator.title == "begins with":
        return value[:3]
    if operator.title == "ends with":
        return value[-3:]
    if "contain" in operator.title:
        return value.split(" ")[0]
    if operator.title == "is less than":
        return value + 1
    if operator.title == "is greater than":
        return max(value - 1, 0)
    if operator.title == "is before":
        return value + timedelta(days=1)
    if operator.title == "is after":
        return value - timedelta(days=1)
    return value


def replay_plexapi_search_test(lib: Library, section: Section, item: Item) -> int:
    """plexapi's exhaustive search test, with its query builder, against plexsim's engine; returns #checks."""
    plex, obj = plexapi_section(lib, section), plexapi_object(lib, section, item)
    and_op = namedtuple("AndOperator", ["key", "title"])("&=", "and")
    checks = 0
    for field in plex.listFields(obj.type):
        attr = field.key.split(".")[-1]
        operators = list(plex.listOperators(field.type)) + (
            [and_op] if field.type in {"tag", "string"} else []
        )
        for operator in operators:
            if (attr == "unmatched" and operator.key == "!=") or attr in ("userRating", "group", "having"):
                continue
            value = getattr(obj, attr, None)
            if field.type == "boolean" and value is None:
                value = attr.startswith("unwatched")
            if field.type == "tag" and isinstance(value, list) and value and operator.title != "and":
                value = value[0]
            elif value is None:
                continue
            wanted = search_value(operator, value)
            variants = [wanted]
            if field.type == "date":
                variants.append(wanted.strftime("%Y-%m-%d"))
            for variant in variants:
                key = plex._buildSearchKey(libtype=obj.type, **{field.key + operator.key[:-1]: variant})
                keys = {i.rating_key for i in run_key(lib, section, key)}
                excluded = operator.key.startswith("!") or (operator.key.startswith(">>") and variant == 0)
                if operator.key.startswith(">>") and variant == 0:
                    # plexapi's test clamps `value - 1` at 0 and then expects exclusion, which is wrong for a
                    # value of 1 (season/episode index 1): `index>>=0` includes index 1 here.
                    excluded = not value > 0
                assert (item.rating_key not in keys) is excluded, f"{obj.type} {key}"
                checks += 1
    return checks


@pytest.mark.parametrize(
    ("section_id", "libtype", "title"),
    [
        (1, "movie", "Up"),
        (1, "movie", "Heat"),
        (1, "movie", "Hello, World"),
        (1, "movie", "Amélie"),
        (1, "collection", "Heist"),
        (2, "show", "Game of Thrones"),
        (2, "season", "Season 2"),
        (2, "episode", "The Kingsroad"),
        (2, "collection", "Fantasy Shows"),
    ],
)
def test_plexapi_exhaustive_search_replayed(lib: Library, section_id: int, libtype: str, title: str) -> None:
    item = next(i for i in lib.of_type(section_id, libtype) if i.title == title)
    assert replay_plexapi_search_test(lib, lib.sections[section_id], item) > 10


def test_plexapi_tag_name_lookup_uses_the_choice_list(lib: Library) -> None:
    section = lib.sections[1]
    plex = plexapi_section(lib, section)
    key = plex._buildSearchKey(libtype="movie", genre=["animation", "Crime"], sort="year:desc", limit=3)
    animation, crime = lib.tag_id("genre", "Animation"), lib.tag_id("genre", "Crime")
    assert f"genre={animation}%2C{crime}" in key and "sort=movie.year%3Adesc" in key
    assert [i.title for i in run_key(lib, section, key)] == ["Sintel", "Up", "Big Buck Bunny"]
    adv = plex._buildSearchKey(
        libtype="movie", filters={"or": [{"title": "heat"}, {"genre&": ["Action", "Crime"]}]}
    )
    assert {i.title for i in run_key(lib, section, adv)} == {"Heat"}
    tv = plexapi_section(lib, lib.sections[2])
    key = tv._buildSearchKey(libtype="show", unwatched=True)  # plexapi falls back to episode.unwatched
    assert "episode.unwatched=1" in key
    assert [i.title for i in run_key(lib, lib.sections[2], key)] == ["Game of Thrones"]
    key = tv._buildSearchKey(
        libtype="episode", **{"show.title": "Game", "addedAt>>": datetime.fromtimestamp(NOW - 10 * 86400)}
    )
    assert [i.title for i in run_key(lib, lib.sections[2], key)] == ["The North Remembers"]
