"""Movie searches through the real plexapi client, each compared with the exact list of matching items.

Expectations are plain-Python predicates over the `dataset` library (`tests.support.plex_facts`), never
plexsim's filter engine; results must also come in the engine's documented default order (titleSort case-folded,
then rating key). TV and collection searches: `test_search_tv.py`; sorted/limited/paged searches:
`test_search_sorted.py`; raw-HTTP (Kometa-style) queries and filter choices: `test_search_http.py`; every
advertised field with every operator: `test_search_fields.py`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from plexapi.server import PlexServer

from plexsim import query
from plexsim.model import Item, Library
from tests.support import plex_facts as facts
from tests.support.plex_facts import DAY, has_tag, languages, resolutions, tag_id, tags
from tests.support.search_check import NOW, Kwargs, Pred, case, check_search

M = "Movies"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "now", lambda: float(NOW))


def exact_title(lib: Library) -> str:
    """A title that other movies' titles contain as a substring, so `title=` (is) differs from contains."""
    titles = [m.title for m in facts.items_of(lib, "movie")]
    return next(t for t in titles if sum(t.casefold() in u.casefold() for u in titles) > 1)


def _title(i: Item) -> str:
    return i.title.casefold()


def _text(value: str | None) -> str:
    return (value or "").casefold()


def _members(lib: Library, title: str) -> list[int]:
    col = lib.collection_by_title(facts.MOVIES_SECTION, title)
    assert col is not None
    return col.members


def _released_before(date: str) -> Pred:
    return lambda lib, i: facts.value_or(facts.release_epoch(i), 0) < facts.local_epoch(date)


NUMERIC = [
    case(M, {"year": 2020}, "movie", lambda lib, i: i.year == 2020, "year"),
    case(M, {"year": [2019, 2021]}, "movie", lambda lib, i: i.year in (2019, 2021), "year-list"),
    case(M, {"filters": {"year>>": 2015}}, "movie", lambda lib, i: i.year > 2015, "year>>"),
    case(M, {"filters": {"year<<": 1960}}, "movie", lambda lib, i: i.year < 1960, "year<<"),
    case(M, {"filters": {"year!": 2024}}, "movie", lambda lib, i: i.year != 2024, "year!"),
    case(M, {"decade": 1990}, "movie", lambda lib, i: 1990 <= i.year < 2000, "decade"),
    case(M, {"decade": [1940, 1950]}, "movie", lambda lib, i: 1940 <= i.year < 1960, "decade-list"),
    case(M, {"filters": {"duration>>": 7_200_000}}, "movie", lambda lib, i: i.duration > 7_200_000, "duration>>"),
    case(M, {"filters": {"duration<<": 5_400_000}}, "movie", lambda lib, i: i.duration < 5_400_000, "duration<<"),
    case(M, {"filters": {"audienceRating>>": 7.5}}, "movie",
         lambda lib, i: facts.value_or(i.audience_rating, 0) > 7.5, "audienceRating>>"),
    case(M, {"filters": {"rating<<": 5}}, "movie", lambda lib, i: i.rating is not None and i.rating < 5, "rating<<"),
    case(M, {"filters": {"userRating!": -1}}, "movie", lambda lib, i: i.user_rating is not None, "rated"),
    case(M, {"filters": {"userRating": -1}}, "movie", lambda lib, i: i.user_rating is None, "unrated"),
    case(M, {"filters": {"userRating>>": 7}}, "movie", lambda lib, i: (i.user_rating or 0) > 7, "userRating>>"),
    case(M, {"filters": {"viewCount>>": 1}}, "movie", lambda lib, i: i.view_count > 1, "viewCount>>"),
]  # fmt: skip
STRING = [
    case(M, {"title": "harbor"}, "movie", lambda lib, i: "harbor" in _title(i), "title-contains"),
    case(M, lambda lib: {"filters": {"title=": exact_title(lib)}}, "movie",
         lambda lib, i: _title(i) == exact_title(lib).casefold(), "title-is"),
    case(M, lambda lib: {"filters": {"title!=": exact_title(lib)}}, "movie",
         lambda lib, i: _title(i) != exact_title(lib).casefold(), "title-is-not"),
    case(M, {"filters": {"title<": "Return"}}, "movie", lambda lib, i: _title(i).startswith("return"), "title<"),
    case(M, {"filters": {"title>": "GATE"}}, "movie", lambda lib, i: _title(i).endswith("gate"), "title>"),
    case(M, {"filters": {"title!": "the"}}, "movie", lambda lib, i: "the" not in _title(i), "title!"),
    case(M, {"studio": "northwind"}, "movie", lambda lib, i: "northwind" in _text(i.studio), "studio"),
    case(M, {"filters": {"studio=": "Copperline Studios"}}, "movie",
         lambda lib, i: i.studio == "Copperline Studios", "studio-is"),
    case(M, {"filters": {"studio<": "S", "studio!": "Films", "studio>": "media"}}, "movie",
         lambda lib, i: _text(i.studio).startswith("s") and "films" not in _text(i.studio)
         and _text(i.studio).endswith("media"), "studio-begins-not-ends"),
    case(M, {"editionTitle": "Edition"}, "movie", lambda lib, i: "edition" in _text(i.edition_title), "edition"),
    case(M, {"filters": {"editionTitle=": "IMAX"}}, "movie", lambda lib, i: i.edition_title == "IMAX", "edition-is"),
    case(M, {"title__icontains": "ING"}, "movie", lambda lib, i: "ing" in i.title.lower(), "plexapi-icontains"),
    case(M, {"genre": "Drama", "year__gte": 2020}, "movie",
         lambda lib, i: "Drama" in tags(i, "genre") and i.year >= 2020, "plexapi-gte-and-genre"),
]  # fmt: skip
TAGS = [
    case(M, {"genre": "Action"}, "movie", lambda lib, i: "Action" in tags(i, "genre"), "genre"),
    case(M, {"genre": "science fiction"}, "movie", lambda lib, i: "Science Fiction" in tags(i, "genre"), "genre-case"),
    case(M, {"genre": ["Western", "Documentary"]}, "movie",
         lambda lib, i: has_tag("genre", "Western", "Documentary")(i), "genre-or"),
    case(M, {"filters": {"genre&": ["Action", "Thriller"]}}, "movie",
         lambda lib, i: {"Action", "Thriller"} <= set(tags(i, "genre")), "genre-and"),
    case(M, {"filters": {"genre!": "Comedy"}}, "movie", lambda lib, i: "Comedy" not in tags(i, "genre"), "genre!"),
    case(M, {"filters": {"genre!": ["Comedy", "Drama"]}}, "movie",
         lambda lib, i: not has_tag("genre", "Comedy", "Drama")(i), "genre!-list"),
    case(M, lambda lib: {"genre": tag_id(lib, "genre", "Horror")}, "movie",
         lambda lib, i: "Horror" in tags(i, "genre"), "genre-id"),
    case(M, {"actor": "Sasha Ivesdale"}, "movie", lambda lib, i: "Sasha Ivesdale" in tags(i, "actor"), "actor"),
    case(M, lambda lib: {"director": tag_id(lib, "director", "Rune Fontaine")}, "movie",
         lambda lib, i: "Rune Fontaine" in tags(i, "director"), "director-id"),
    case(M, {"writer": "Sasha Glenmorrow"}, "movie", lambda lib, i: "Sasha Glenmorrow" in tags(i, "writer"), "writer"),
    case(M, {"producer": "Ada Zennor"}, "movie", lambda lib, i: "Ada Zennor" in tags(i, "producer"), "producer"),
    case(M, {"filters": {"producer!": "Ada Zennor"}}, "movie",
         lambda lib, i: "Ada Zennor" not in tags(i, "producer"), "producer!"),
    case(M, {"country": "France"}, "movie", lambda lib, i: "France" in tags(i, "country"), "country"),
    case(M, {"label": "Favorite"}, "movie", lambda lib, i: "Favorite" in tags(i, "label"), "label"),
    case(M, {"collection": "Bramholt Saga"}, "movie",
         lambda lib, i: i.rating_key in _members(lib, "Bramholt Saga"), "collection"),
    case(M, lambda lib: {"collection": tag_id(lib, "collection", "Dancer Classics")}, "movie",
         lambda lib, i: i.rating_key in _members(lib, "Dancer Classics"), "collection-id"),
    case(M, {"filters": {"collection!": "Dancer Classics"}}, "movie",
         lambda lib, i: i.rating_key not in _members(lib, "Dancer Classics"), "collection!"),
    case(M, {"filters": {"collection.title": "saga"}}, "movie",
         lambda lib, i: i.rating_key in _members(lib, "Bramholt Saga"), "collection.title"),
    case(M, {"contentRating": "PG-13"}, "movie", lambda lib, i: i.content_rating == "PG-13", "contentRating"),
    case(M, {"contentRating": ["G", "PG"]}, "movie", lambda lib, i: i.content_rating in ("G", "PG"), "contentRating-or"),
    case(M, {"filters": {"contentRating!": "R"}}, "movie", lambda lib, i: i.content_rating != "R", "contentRating!"),
]  # fmt: skip
DATES = [
    case(M, {"filters": {"addedAt>>": "30d"}}, "movie", lambda lib, i: i.added_at > NOW - 30 * DAY, "addedAt>>30d"),
    case(M, {"filters": {"addedAt>>": "1y", "addedAt<<": "-6mon"}}, "movie",
         lambda lib, i: NOW - 365 * DAY < i.added_at < NOW - 180 * DAY, "addedAt-window"),
    case(M, {"filters": {"addedAt<<": "2019-01-01"}}, "movie",
         lambda lib, i: i.added_at < facts.local_epoch("2019-01-01"), "addedAt<<date"),
    case(M, {"filters": {"originallyAvailableAt<<": "1950-01-01"}}, "movie", _released_before("1950-01-01"),
         "released<<"),
    case(M, {"filters": {"originallyAvailableAt>>": dt.datetime(2025, 6, 1)}}, "movie",
         lambda lib, i: facts.value_or(facts.release_epoch(i), 0) > dt.datetime(2025, 6, 1).timestamp(),
         "released>>datetime"),
    case(M, {"filters": {"lastViewedAt>>": "2w"}}, "movie",
         lambda lib, i: (i.last_viewed_at or 0) > NOW - 14 * DAY, "lastViewedAt>>2w"),
]  # fmt: skip
FLAGS = [
    case(M, {"unwatched": True}, "movie", lambda lib, i: i.view_count == 0, "unwatched"),
    case(M, {"unwatched": False}, "movie", lambda lib, i: i.view_count > 0, "watched"),
    case(M, {"inProgress": True}, "movie", lambda lib, i: i.view_offset > 0, "inProgress"),
    case(M, {"hdr": True}, "movie", lambda lib, i: facts.is_hdr(i), "hdr"),
    case(M, {"filters": {"hdr!": True}}, "movie", lambda lib, i: not facts.is_hdr(i), "hdr!"),
    case(M, {"dovi": True}, "movie", lambda lib, i: facts.is_dovi(i), "dovi"),
    case(M, {"unmatched": True}, "movie", lambda lib, i: i.guid.startswith("local://"), "unmatched"),
    case(M, {"duplicate": True}, "movie", lambda lib, i: len(i.media) > 1, "duplicate"),
    case(M, {"resolution": "4k"}, "movie", lambda lib, i: "4k" in resolutions(i), "4k"),
    case(M, {"resolution": "1080"}, "movie", lambda lib, i: "1080" in resolutions(i), "1080"),
    case(M, {"resolution": "sd"}, "movie", lambda lib, i: "sd" in resolutions(i), "sd"),
    case(M, {"resolution": "4k", "hdr": False}, "movie",
         lambda lib, i: "4k" in resolutions(i) and not facts.is_hdr(i), "4k-sdr"),
    case(M, {"audioLanguage": "French"}, "movie", lambda lib, i: "fre" in languages(i, 2), "audioLanguage-by-title"),
    case(M, {"filters": {"audioLanguage!": "eng"}}, "movie", lambda lib, i: "eng" not in languages(i, 2),
         "audioLanguage!"),
    case(M, {"subtitleLanguage": "kor"}, "movie", lambda lib, i: "kor" in languages(i, 3), "subtitleLanguage"),
]  # fmt: skip
STRUCTURE = [
    case(M, lambda lib: {"filters": {"or": [{"title": "harbor"}, {"title=": exact_title(lib)}]}}, "movie",
         lambda lib, i: "harbor" in _title(i) or _title(i) == exact_title(lib).casefold(), "or"),
    case(M, {"filters": {"and": [{"or": [{"genre": "Western"}, {"genre": "War"}]}, {"year>>": 1990},
                                 {"unwatched": True}]}}, "movie",
         lambda lib, i: has_tag("genre", "Western", "War")(i) and i.year > 1990 and i.view_count == 0, "and-of-or"),
    case(M, {"filters": {"or": [{"and": [{"decade": 1940}, {"genre": "Drama"}]}, {"resolution": "4k", "hdr": True}]}},
         "movie", lambda lib, i: (1940 <= i.year < 1950 and "Drama" in tags(i, "genre"))
         or ("4k" in resolutions(i) and facts.is_hdr(i)), "or-of-and"),
    case(M, {"genre": "Horror", "filters": {"or": [{"year<<": 2000}, {"contentRating": "NR"}]}}, "movie",
         lambda lib, i: "Horror" in tags(i, "genre") and (i.year < 2000 or i.content_rating == "NR"), "kwargs-and-or"),
    case(M, {"filters": {"or": [{"label": "Watchlist"}, {"and": [{"genre!": "Comedy"}, {"userRating>>": 8}]}]}},
         "movie", lambda lib, i: "Watchlist" in tags(i, "label")
         or ("Comedy" not in tags(i, "genre") and (i.user_rating or 0) > 8), "or-with-negation"),
]  # fmt: skip
MOVIE_CASES = NUMERIC + STRING + TAGS + DATES + FLAGS + STRUCTURE


@pytest.mark.parametrize(("section", "kwargs", "libtype", "pred"), MOVIE_CASES)
def test_movie_search(
    plex_ro: PlexServer, dataset: Library, section: str, kwargs: Kwargs, libtype: str, pred: Pred
) -> None:
    check_search(plex_ro, dataset, section, kwargs, libtype, pred)


def test_enough_movie_expressions() -> None:
    assert len(MOVIE_CASES) >= 70
