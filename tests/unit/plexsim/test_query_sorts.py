"""The filter engine: sorts, limits, smart-content URIs and the result cache (library: `query_library.py`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pytest

from plexsim import query
from plexsim.model import Item, Library
from plexsim.query import QueryError, metadata_uri_keys, parse_content_uri, search, search_cached
from tests.unit.plexsim.query_library import (
    DAY,
    DEFAULT_ORDER,
    GOT_EPISODES,
    MID,
    MOVIES,
    NOW,
    build_library,
    run,
    tid,
)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "now", lambda: float(NOW))


@pytest.fixture(scope="module")
def lib() -> Library:
    return build_library()


# --------------------------------------------------------------------------- sorts and limit


def titles(text: str) -> list[str]:
    return text.split(" | ")


BY_YEAR_DESC = titles("Hello, World | Inception | Sintel | Up | Big Buck Bunny | Sita Sings the Blues | Zodiac | "
                      "Elephants Dream | Amélie | The Matrix | Heat | Alien")  # fmt: skip
RATED_ASC = titles("Big Buck Bunny | Elephants Dream | Zodiac | Up | Sintel | Amélie | Heat | Alien | The Matrix | "
                   "Inception")  # fmt: skip
RATED_DESC = titles("Inception | The Matrix | Alien | Amélie | Heat | Sintel | Up | Zodiac | Elephants Dream | "
                    "Big Buck Bunny")  # fmt: skip
UNRATED = ["Hello, World", "Sita Sings the Blues"]  # ties keep the default (titleSort) order
SORT_CASES = [
    ("titleSort", DEFAULT_ORDER),
    ("titleSort:asc", DEFAULT_ORDER),
    ("titleSort:desc", DEFAULT_ORDER[::-1]),
    ("titleSort,addedAt:desc", DEFAULT_ORDER),
    ("year:desc", BY_YEAR_DESC),
    ("movie.year:desc", BY_YEAR_DESC),
    ("year,titleSort:desc", titles("Alien | Heat | The Matrix | Amélie | Elephants Dream | Zodiac | "
                                   "Sita Sings the Blues | Big Buck Bunny | Up | Sintel | Inception | Hello, World")),
    ("rating", UNRATED + RATED_ASC),
    ("rating:desc", RATED_DESC + UNRATED),
    ("rating:nullsLast", RATED_ASC + UNRATED),
    ("rating:desc:nullsLast", RATED_DESC + UNRATED),
    ("rating:nullsLast:desc", RATED_DESC + UNRATED),
    ("addedAt:desc", [s["title"] for s in MOVIES]),
    ("mediaHeight:desc", titles("Elephants Dream | Inception | Sintel | Big Buck Bunny | Heat | The Matrix | Up | "
                                "Zodiac | Sita Sings the Blues | Alien | Amélie | Hello, World")),
]  # fmt: skip


@pytest.mark.parametrize(("sort", "expected"), SORT_CASES)
def test_sorts(lib: Library, sort: str, expected: list[str]) -> None:
    assert run(lib, ("sort", sort)) == expected


def test_random_sort_is_a_stable_permutation(lib: Library) -> None:
    first = run(lib, ("sort", "random"))
    assert sorted(first) == sorted(DEFAULT_ORDER) and first != DEFAULT_ORDER
    assert run(lib, ("sort", "random")) == first


def test_scoped_sorts_in_a_show_section(lib: Library) -> None:
    def shows(sort: str, type_: str = "2") -> list[str]:
        return run(lib, ("type", type_), ("sort", sort), section=2)

    assert shows("episode.addedAt:desc") == ["Game of Thrones", "The 100"]
    assert shows("show.episode.addedAt") == ["The 100", "Game of Thrones"]
    assert shows("show.titleSort:desc", "4") == ["Pilot", "Earth Skills", *GOT_EPISODES]
    assert shows("episode.originallyAvailableAt:desc", "4") == [*GOT_EPISODES[::-1], "Pilot", "Earth Skills"]


@pytest.mark.parametrize("sort", ["unknown", "titleSort:bad", "foo.year", "123abc", "episode.year"])
def test_bad_sorts_are_errors(lib: Library, sort: str) -> None:
    with pytest.raises(QueryError, match="sort"):
        search(lib, lib.sections[1], [("sort", sort)])


def test_limit(lib: Library) -> None:
    assert run(lib, ("sort", "year:desc"), ("limit", "2")) == ["Hello, World", "Inception"]
    assert run(lib, ("limit", "0")) == []
    assert run(lib, ("limit", "100")) == DEFAULT_ORDER
    with pytest.raises(QueryError, match="limit"):
        search(lib, lib.sections[1], [("limit", "abc")])


# --------------------------------------------------------------------------- uris


def test_plexapi_smart_collection_uri_round_trip(lib: Library) -> None:
    animation = tid(lib, "genre", "Animation")
    inner = "includeGuids=1&limit=3&sort=movie.year%3Adesc&type=1&" + urlencode(
        {"genre": animation, "year>>": 2005}
    )
    uri = f"server://{MID}/com.plexapp.plugins.library/library/sections/1/all?{inner}"
    wire = "sectionId=1&smart=1&title=Smart&type=1&uri=" + quote(uri, safe="")
    content = dict(parse_qsl(wire))["uri"]  # what the HTTP layer stores: decoded once
    assert content == uri
    section_id, params = parse_content_uri(content)
    assert section_id == 1
    assert params == [("includeGuids", "1"), ("limit", "3"), ("sort", "movie.year:desc"), ("type", "1"),
                      ("genre", animation), ("year>>", "2005")]  # fmt: skip
    assert run(lib, *params) == ["Sintel", "Up", "Big Buck Bunny"]


def test_kometa_content_uri(lib: Library) -> None:
    content = (f"server://{MID}/com.plexapp.plugins.library/library/sections/1/all?type=1&sort=titleSort"
               "&push=1&genre=Comedy&or=1&genre=Horror&pop=1&X-Plex-Token=abc")  # fmt: skip
    section_id, params = parse_content_uri(content)
    assert section_id == 1 and ("X-Plex-Token", "abc") not in params
    assert run(lib, *params) == ["Alien", "Amélie", "Big Buck Bunny"]
    assert parse_content_uri("/library/sections/7/all") == (7, [])


@pytest.mark.parametrize(
    "content", ["", "server://x/library/metadata/1", "/library/sections/x/all?type=1", "garbage"]
)
def test_bad_content_uri(content: str) -> None:
    with pytest.raises(QueryError):
        parse_content_uri(content)


def test_metadata_uri_keys() -> None:
    base = f"server://{MID}/com.plexapp.plugins.library/library/metadata"
    assert metadata_uri_keys(f"{base}/103,106") == [103, 106]
    assert metadata_uri_keys(f"{base}/109") == [109]
    assert metadata_uri_keys(base) == []
    assert metadata_uri_keys(f"{base}/") == []
    assert metadata_uri_keys("/library/metadata/5") == [5]
    for bad in (f"{base}/abc", "server://x/other/library/metadata/1", "library/metadata/1", "http://x/1"):
        with pytest.raises(QueryError):
            metadata_uri_keys(bad)


# --------------------------------------------------------------------------- cache


def test_search_cached_memoizes_until_the_revision_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    lib = build_library()
    calls: list[int] = []
    real = query.search

    def counting(*args: Any, **kwargs: Any) -> list[Item]:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(query, "search", counting)
    section = lib.sections[1]
    first = search_cached(lib, section, [("sort", "year:desc"), ("X-Plex-Container-Start", "0")])
    first.clear()  # callers get their own list
    page2 = search_cached(lib, section, [("sort", "year:desc"), ("X-Plex-Container-Start", "50")])
    assert [i.title for i in page2] == BY_YEAR_DESC and len(calls) == 1
    lib.changed()
    assert [i.title for i in search_cached(lib, section, [("sort", "year:desc")])] == BY_YEAR_DESC
    assert len(calls) == 2
    for n in range(40):  # LRU of 32: the oldest entry is evicted
        search_cached(lib, section, [("limit", str(n))])
    search_cached(lib, section, [("sort", "year:desc")])
    assert len(calls) == 2 + 40 + 1


def test_search_cached_keys_relative_dates_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    lib = build_library()
    section = lib.sections[1]
    assert len(search_cached(lib, section, [("addedAt>>", "-30d")])) == 2
    assert len(search_cached(lib, section, [("addedAt>>", "-30d,-20d")])) == 2
    monkeypatch.setattr(query, "now", lambda: float(NOW + 15 * DAY))
    assert len(search_cached(lib, section, [("addedAt>>", "-30d")])) == 1
    assert len(search_cached(lib, section, [("addedAt>>", "-30d,-20d")])) == 1  # alternatives move too
