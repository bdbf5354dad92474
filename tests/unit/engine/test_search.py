"""plex_search / smart_filter -> Plex query pairs: every modifier, structure, sorts, limit, encoding, errors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from modules.search import ATTRIBUTES, SORTS, SearchError, build_query, query_string, term_pairs

TODAY = date(2025, 6, 3)
Pairs = list[tuple[str, str]]


def terms(spec: dict[str, Any], libtype: str = "movie", **kw: Any) -> Pairs:
    """The filter pairs of a query, without the leading `type` pair."""
    pairs = build_query(spec, libtype, today=TODAY, **kw)
    assert pairs[0][0] == "type"
    return pairs[1:]


# --------------------------------------------------------------------------- modifiers per kind


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("title", [("title", "Alien")]),
        ("title.not", [("title!", "Alien")]),
        ("title.is", [("title=", "Alien")]),
        ("title.isnot", [("title!=", "Alien")]),
        ("title.begins", [("title<", "Alien")]),
        ("title.ends", [("title>", "Alien")]),
        ("studio", [("studio", "Alien")]),
        ("edition.is", [("editionTitle=", "Alien")]),
    ],
)
def test_string_modifiers(key: str, expected: Pairs) -> None:
    assert terms({"all": {key: "Alien"}}) == expected


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("genre", "Action", [("genre", "Action")]),
        ("genre", ["Action", "Comedy"], [("genre", "Action,Comedy")]),
        ("genre.not", "Action", [("genre!", "Action")]),
        ("genre.not", ["Action", "Comedy"], [("genre!", "Action"), ("genre!", "Comedy")]),
        ("country", "France", [("country", "France")]),
        ("actor", "Tom Hanks", [("actor", "Tom Hanks")]),
        ("director", "Ridley Scott", [("director", "Ridley Scott")]),
        ("writer", "Dan O'Bannon", [("writer", "Dan O'Bannon")]),
        ("producer", "Walter Hill", [("producer", "Walter Hill")]),
        ("label", 2020, [("label", "2020")]),
        ("collection", "Alien", [("collection", "Alien")]),
        ("content_rating", ["PG", "PG-13"], [("contentRating", "PG,PG-13")]),
        ("resolution", "4k", [("resolution", "4k")]),
        ("audio_language", "eng", [("audioLanguage", "eng")]),
        ("subtitle_language.not", "fre", [("subtitleLanguage!", "fre")]),
    ],
)
def test_tag_modifiers(key: str, value: Any, expected: Pairs) -> None:
    """Under `any:` a list is any of its values (one comma-joined term)."""
    assert terms({"any": {key: value}}) == expected


def test_tag_ids_translate_names_and_keep_unknown_ones() -> None:
    ids = {("genre", "Action"): "12", ("collection", "Alien"): "99"}
    calls: list[tuple[str, str]] = []

    def lookup(field: str, name: str) -> str | None:
        calls.append((field, name))
        return ids.get((field, name))

    spec = {"all": {"genre": ["Action", "Horror"], "collection.not": "Alien", "content_rating": "R"}}
    assert terms(spec, tag_ids=lookup) == [
        ("genre", "12"),
        ("genre", "Horror"),
        ("collection!", "99"),
        ("contentRating", "R"),
    ]
    assert calls == [("genre", "Action"), ("genre", "Horror"), ("collection", "Alien")]


def test_a_list_under_all_wants_every_value_as_in_kometa() -> None:
    """Kometa ANDs a list under `all:` (both genres; G and PG at once finds nothing) and ORs it under
    `any:`. Plex ANDs repeated keys, so the AND stays one search; inside a group it is `and=1`."""
    assert terms({"all": {"genre": ["Action", "Comedy"]}}) == [("genre", "Action"), ("genre", "Comedy")]
    assert terms({"all": {"content_rating": ["G", "PG"]}}) == [
        ("contentRating", "G"),
        ("contentRating", "PG"),
    ]
    assert terms({"any": {"genre": ["Action", "Comedy"]}}) == [("genre", "Action,Comedy")]
    assert terms({"any": {"year": 2000, "all": {"genre": ["Action", "Comedy"]}}}) == [
        ("push", "1"),
        ("year", "2000"),
        ("or", "1"),
        ("push", "1"),
        ("genre", "Action"),
        ("and", "1"),
        ("genre", "Comedy"),
        ("pop", "1"),
        ("pop", "1"),
    ]
    assert terms({"all": {"any": {"genre": ["Action", "Comedy"]}}}) == [("genre", "Action,Comedy")]
    assert terms({"genre": ["Action", "Comedy"]}) == [("genre", "Action,Comedy")]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("year", 1999, [("year", "1999")]),
        ("year", [1999, 2000], [("year", "1999,2000")]),
        ("year.not", [1999, 2000], [("year!", "1999"), ("year!", "2000")]),
        ("year.gt", 2000, [("year>>", "2000")]),
        ("year.gte", "2000", [("year>", "2000")]),
        ("year.lt", 2000, [("year<<", "2000")]),
        ("year.lte", 2000, [("year<", "2000")]),
        ("year.greater", 2000, [("year>>", "2000")]),
        ("year.less", 2000, [("year<<", "2000")]),
        ("decade", 1990, [("decade", "1990")]),
        ("plays.gte", 3, [("viewCount>", "3")]),
        ("duration.gt", 120, [("duration>>", "7200000")]),
        ("duration.lt", 1.5, [("duration<<", "90000")]),
        ("critic_rating.gte", 7.5, [("rating>", "7.5")]),
        ("audience_rating.lt", 8, [("audienceRating<<", "8")]),
        ("user_rating.gt", "6.0", [("userRating>>", "6")]),
        ("user_rating.rated", True, [("userRating!", "-1")]),
        ("critic_rating.rated", False, [("rating", "-1")]),
    ],
)
def test_number_modifiers(key: str, value: Any, expected: Pairs) -> None:
    assert terms({"any": {key: value}}) == expected


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("added", 30, [("addedAt>>", "-30d")]),
        ("added.not", "7", [("addedAt<<", "-7d")]),
        ("release.before", "01/31/2020", [("originallyAvailableAt<<", "2020-01-31")]),
        ("release.after", "2020-01-31", [("originallyAvailableAt>>", "2020-01-31")]),
        ("last_played.after", "today", [("lastViewedAt>>", "2025-06-03")]),
        ("added.before", date(2019, 5, 1), [("addedAt<<", "2019-05-01")]),
        ("added.after", datetime(2019, 5, 1, 12, 30), [("addedAt>>", "2019-05-01")]),
    ],
)
def test_date_modifiers(key: str, value: Any, expected: Pairs) -> None:
    assert terms({"all": {key: value}}) == expected


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("hdr", True, [("hdr", "1")]),
        ("hdr", False, [("hdr!", "1")]),
        ("dovi", "true", [("dovi", "1")]),
        ("unmatched", True, [("unmatched", "1")]),
        ("duplicate", "False", [("duplicate!", "1")]),
        ("unplayed", True, [("unwatched", "1")]),
        ("progress", True, [("inProgress", "1")]),
        ("trash", False, [("trash!", "1")]),
    ],
)
def test_boolean_attributes(key: str, value: Any, expected: Pairs) -> None:
    assert terms({"all": {key: value}}) == expected


# --------------------------------------------------------------------------- show libraries and levels


def test_show_library_fields_and_episode_prefix() -> None:
    spec = {"all": {"network": "HBO", "unplayed": True, "episode_title": "Pilot", "episode_air_date": 14}}
    assert build_query(spec, "show", today=TODAY) == [
        ("type", "2"),
        ("network", "HBO"),
        ("unwatchedLeaves", "1"),
        ("episode.title", "Pilot"),
        ("episode.originallyAvailableAt>>", "-14d"),
    ]


def test_season_prefix_and_episode_scoped_numbers() -> None:
    spec = {
        "all": {
            "season_label": "Done",
            "episode_plays.gt": 0,
            "episode_user_rating.gte": 8,
            "episode_added": 7,
        }
    }
    assert terms(spec, "show") == [
        ("season.label", "Done"),
        ("episode.viewCount>>", "0"),
        ("episode.userRating>", "8"),
        ("episode.addedAt>>", "-7d"),
    ]


def test_episode_results_reach_the_show_with_show_prefix() -> None:
    spec = {"type": "episodes", "all": {"show_title": "Lost", "title.begins": "The", "episode_year": 2005}}
    assert build_query(spec, "show") == [
        ("type", "4"),
        ("show.title", "Lost"),
        ("title<", "The"),
        ("year", "2005"),
    ]


@pytest.mark.parametrize(
    ("libtype", "spec", "number"),
    [
        ("movie", {}, "1"),
        ("movie", {"type": "movies"}, "1"),
        ("show", {}, "2"),
        ("show", {"type": "seasons"}, "3"),
        ("show", {"type": "Episode"}, "4"),
        ("episode", {}, "4"),
    ],
)
def test_type(libtype: str, spec: dict[str, Any], number: str) -> None:
    assert build_query(spec, libtype) == [("type", number)]


# --------------------------------------------------------------------------- sort_by and limit


@pytest.mark.parametrize(
    ("sort_by", "plex"),
    [
        ("title.asc", "titleSort"),
        ("title.desc", "titleSort:desc"),
        ("year.desc", "year:desc"),
        ("release.desc", "originallyAvailableAt:desc"),
        ("critic_rating.desc", "rating:desc"),
        ("audience_rating.desc", "audienceRating:desc"),
        ("user_rating.desc", "userRating:desc"),
        ("added.desc", "addedAt:desc"),
        ("plays.desc", "viewCount:desc"),
        ("duration.desc", "duration:desc"),
        ("random", "random"),
        ("Year.ASC", "year"),
        (["year.desc", "title.asc"], "year:desc,titleSort"),
    ],
)
def test_sort_by(sort_by: Any, plex: str) -> None:
    assert build_query({"sort_by": sort_by}, "movie") == [("type", "1"), ("sort", plex)]


def test_show_only_sort() -> None:
    assert build_query({"sort_by": "episode_added.desc"}, "show") == [
        ("type", "2"),
        ("sort", "episode.addedAt:desc"),
    ]


def test_limit_sort_and_type_come_before_the_filter_in_that_order() -> None:
    spec = {"all": {"genre": "Action"}, "sort_by": "added.desc", "limit": 10}
    assert build_query(spec, "movie") == [
        ("type", "1"),
        ("limit", "10"),
        ("sort", "addedAt:desc"),
        ("genre", "Action"),
    ]


def test_sorts_table_covers_both_directions() -> None:
    assert SORTS["title.asc"] == "titleSort" and SORTS["title.desc"] == "titleSort:desc"
    assert ATTRIBUTES["duration"].scale == 60_000 and ATTRIBUTES["edition"].field == "editionTitle"


# --------------------------------------------------------------------------- any / all structure


def test_top_level_all_is_plain_and() -> None:
    assert terms({"all": {"genre": "Action", "year.gte": 2000, "hdr": True}}) == [
        ("genre", "Action"),
        ("year>", "2000"),
        ("hdr", "1"),
    ]


def test_bare_attributes_at_the_top_are_anded() -> None:
    assert terms({"genre": "Action", "year": 2000}) == [("genre", "Action"), ("year", "2000")]


def test_top_level_any_is_one_push_or_pop_group() -> None:
    assert terms({"any": {"genre": "Action", "year.gt": 2000, "title": "Alien"}}) == [
        ("push", "1"),
        ("genre", "Action"),
        ("or", "1"),
        ("year>>", "2000"),
        ("or", "1"),
        ("title", "Alien"),
        ("pop", "1"),
    ]


def test_list_of_any_groups_are_siblings_joined_by_the_parent() -> None:
    spec = {"all": {"any": [{"genre": "Action", "genre.not": "Horror"}, {"decade": 1990, "year": 2005}]}}
    assert terms(spec) == [
        ("push", "1"),
        ("genre", "Action"),
        ("or", "1"),
        ("genre!", "Horror"),
        ("pop", "1"),
        ("push", "1"),
        ("decade", "1990"),
        ("or", "1"),
        ("year", "2005"),
        ("pop", "1"),
    ]


def test_nested_all_inside_any_uses_explicit_and() -> None:
    spec = {"any": {"all": [{"genre": "Action", "year.gte": 2000}, {"genre": "Comedy", "year.lt": 1990}]}}
    assert terms(spec) == [
        ("push", "1"),
        ("push", "1"),
        ("genre", "Action"),
        ("and", "1"),
        ("year>", "2000"),
        ("pop", "1"),
        ("or", "1"),
        ("push", "1"),
        ("genre", "Comedy"),
        ("and", "1"),
        ("year<<", "1990"),
        ("pop", "1"),
        ("pop", "1"),
    ]


def test_not_list_inside_any_is_its_own_and_group() -> None:
    assert terms({"any": {"title": "Alien", "genre.not": ["Horror", "Drama"]}}) == [
        ("push", "1"),
        ("title", "Alien"),
        ("or", "1"),
        ("push", "1"),
        ("genre!", "Horror"),
        ("and", "1"),
        ("genre!", "Drama"),
        ("pop", "1"),
        ("pop", "1"),
    ]


def test_single_member_groups_unwrap_and_same_kind_groups_merge() -> None:
    spec = {
        "all": {
            "any": {"genre": "Action"},
            "all": {"year": 2000, "any": {"any": {"hdr": True, "dovi": True}}},
        }
    }
    assert terms(spec) == [
        ("genre", "Action"),
        ("year", "2000"),
        ("push", "1"),
        ("hdr", "1"),
        ("or", "1"),
        ("dovi", "1"),
        ("pop", "1"),
    ]


def test_all_and_any_together_at_the_top() -> None:
    spec = {"all": {"hdr": True}, "any": {"genre": "Action", "year": 2000}}
    assert terms(spec) == [
        ("hdr", "1"),
        ("push", "1"),
        ("genre", "Action"),
        ("or", "1"),
        ("year", "2000"),
        ("pop", "1"),
    ]


# --------------------------------------------------------------------------- encoding and helpers


def test_query_string_encodes_operators_and_values_like_plex_content() -> None:
    pairs = build_query(
        {
            "sort_by": "year.desc",
            "limit": 5,
            "all": {"title.is": "Big, Buck", "year.gt": 2005, "genre.not": "A&B"},
        },
        "movie",
    )
    assert query_string(pairs) == (
        "type=1&limit=5&sort=year%3Adesc&title%3D=Big%2C%20Buck&year%3E%3E=2005&genre%21=A%26B"
    )


def test_query_string_of_groups_and_scoped_keys() -> None:
    pairs = [("push", "1"), ("show.title<", "Lo"), ("or", "1"), ("userRating!", "-1"), ("pop", "1")]
    assert query_string(pairs) == "push=1&show.title%3C=Lo&or=1&userRating%21=-1&pop=1"


def test_term_pairs_for_one_entry() -> None:
    assert term_pairs("genre.not", ["A", "B"], "movie", path="filters.genre.not") == [
        ("genre!", "A"),
        ("genre!", "B"),
    ]
    assert term_pairs("dovi", True, "episode", path="x") == [("dovi", "1")]


# --------------------------------------------------------------------------- errors


# fmt: off
SEARCH_ERRORS: list[tuple[Any, str, str, str]] = [
    ({"all": {"genres": "Action"}}, "movie", "plex_search.all.genres", "unknown attribute 'genres' (did you mean 'genre'?)"),
    ({"all": {"zzzz": 1}}, "movie", "plex_search.all.zzzz", "unknown attribute 'zzzz'"),
    ({"any": [{"title": "a"}, {"year.gt": "abc"}]}, "movie", "plex_search.any[1].year.gt", "year.gt needs a number, got 'abc'"),
    ({"all": {"year": 1999.5}}, "movie", "plex_search.all.year", "year needs a whole number, got 1999.5"),
    ({"all": {"year.gt": [1, 2]}}, "movie", "plex_search.all.year.gt", "year.gt needs a single value, got a list"),
    ({"all": {"year.begins": 19}}, "movie", "plex_search.all.year.begins", "modifier .begins does not apply to year (allowed: none, .not, .gt, .gte, .lt, .lte)"),
    ({"all": {"genre.gt": 1}}, "movie", "plex_search.all.genre.gt", "modifier .gt does not apply to genre (allowed: none, .not)"),
    ({"all": {"title.foo": "x"}}, "movie", "plex_search.all.title.foo", "modifier .foo does not apply to title (allowed: none, .not, .is, .isnot, .begins, .ends)"),
    ({"all": {"hdr.not": True}}, "movie", "plex_search.all.hdr.not", "modifier .not does not apply to hdr (allowed: none)"),
    ({"all": {"genre.regex": "^A"}}, "movie", "plex_search.all.genre.regex", "genre.regex is not supported: Plex searches cannot match regular expressions"),
    ({"all": {"hdr": "yes"}}, "movie", "plex_search.all.hdr", "hdr needs true or false, got 'yes'"),
    ({"all": {"user_rating.rated": 1}}, "movie", "plex_search.all.user_rating.rated", "user_rating.rated needs true or false, got 1"),
    ({"all": {"added": "abc"}}, "movie", "plex_search.all.added", "added needs a whole number of days above 0, got 'abc'"),
    ({"all": {"added.not": 0}}, "movie", "plex_search.all.added.not", "added.not needs a whole number of days above 0, got 0"),
    ({"all": {"added.before": "2020/01/31"}}, "movie", "plex_search.all.added.before", "added.before needs a date (MM/DD/YYYY, YYYY-MM-DD or today), got '2020/01/31'"),
    ({"all": {"release.after": "02/30/2020"}}, "movie", "plex_search.all.release.after", "release.after needs a date (MM/DD/YYYY, YYYY-MM-DD or today), got '02/30/2020'"),
    ({"all": {"genre": None}}, "movie", "plex_search.all.genre", "genre needs a value"),
    ({"all": {"genre": []}}, "movie", "plex_search.all.genre", "genre needs a value"),
    ({"all": {"genre": {"a": 1}}}, "movie", "plex_search.all.genre", "genre needs a value or a list of values, got a mapping"),
    ({"all": {"network": "HBO"}}, "movie", "plex_search.all.network", "network is only available in show libraries"),
    ({"all": {"episode_title": "Pilot"}}, "movie", "plex_search.all.episode_title", "episode_title is only available in show libraries"),
    ({"all": {"edition": "Cut"}}, "show", "plex_search.all.edition", "edition is not available for shows"),
    ({"all": {"season_genre": "Drama"}}, "show", "plex_search.all.season_genre", "season_genre is not available for seasons"),
    ({"any": "genre"}, "movie", "plex_search.any", "any needs a mapping or a list of mappings, got 'genre'"),
    ({"all": []}, "movie", "plex_search.all", "all needs at least one search attribute"),
    ({"all": 3}, "movie", "plex_search.all", "all needs a mapping or a list of mappings, got 3"),
    ({"all": {}}, "movie", "plex_search.all", "all needs at least one search attribute"),
    ({"any": [{"title": "a"}, "b"]}, "movie", "plex_search.any[1]", "any entries must be mappings, got 'b'"),
    ({"all": {"any": [{"genre": "a"}, {"year.lte": "x"}]}}, "movie", "plex_search.all.any[1].year.lte", "year.lte needs a number, got 'x'"),
    ({"all": {"sort_by": "title.asc"}}, "movie", "plex_search.all.sort_by", "sort_by belongs at the top level, not inside all"),
    ({"limit": 0}, "movie", "plex_search.limit", "limit needs a whole number above 0, got 0"),
    ({"limit": "ten"}, "movie", "plex_search.limit", "limit needs a whole number above 0, got 'ten'"),
    ({"limit": True}, "movie", "plex_search.limit", "limit needs a whole number above 0, got True"),
    ({"sort_by": "titel.asc"}, "movie", "plex_search.sort_by", "unknown sort 'titel.asc' (did you mean 'title.asc'?)"),
    ({"sort_by": ["title.asc", "yaer.desc"]}, "movie", "plex_search.sort_by[1]", "unknown sort 'yaer.desc' (did you mean 'year.desc'?)"),
    ({"sort_by": "unplayed.desc"}, "movie", "plex_search.sort_by", "sort unplayed.desc is not available for movies"),
    ({"type": "films"}, "movie", "plex_search.type", "type must be one of movies, shows, seasons, episodes, got 'films'"),
    ({"type": "episodes"}, "movie", "plex_search.type", "type episodes is only available in show libraries"),
    ({"type": "movies"}, "show", "plex_search.type", "type movies is not available in show libraries"),
    ({"limit.gt": 3}, "movie", "plex_search.limit.gt", "limit cannot take a modifier"),
    ({"title": "x"}, "artist", "plex_search", "searches are not supported for artist libraries"),
]
# fmt: on


@pytest.mark.parametrize(("spec", "libtype", "path", "message"), SEARCH_ERRORS)
def test_errors(spec: dict[str, Any], libtype: str, path: str, message: str) -> None:
    with pytest.raises(SearchError) as caught:
        build_query(spec, libtype, today=TODAY)
    assert (caught.value.path, str(caught.value)) == (path, message)


def test_spec_must_be_a_mapping_and_root_names_the_builder() -> None:
    with pytest.raises(SearchError) as caught:
        build_query(["genre"], "movie", root="smart_filter")  # type: ignore[arg-type]
    assert (caught.value.path, caught.value.message) == (
        "smart_filter",
        "smart_filter needs a mapping of search attributes, got a list",
    )
    with pytest.raises(SearchError) as caught:
        build_query({"all": {"year.gt": "x"}}, "movie", root="smart_filter")
    assert caught.value.path == "smart_filter.all.year.gt"


def test_search_error_is_a_value_error() -> None:
    assert issubclass(SearchError, ValueError)
