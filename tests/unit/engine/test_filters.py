"""Kometa filters: local checks on list-view items, Plex terms for truncated tags, OR of AND-sets, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from modules.filters import FilterSet, compile_filters, normalize_resolution
from modules.plex import PlexItem
from modules.search import SearchError

TODAY = date(2025, 6, 3)


def epoch(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp()))


def item(
    title: str = "The Matrix Reloaded",
    tags: dict[str, list[str]] | None = None,
    resolutions: list[str] | None = None,
    key: int = 1,
    kind: str = "movie",
    **attrs: str,
) -> PlexItem:
    return PlexItem(key, kind, title, {"title": title, **attrs}, tags or {}, resolutions or [])


MATRIX = item(
    studio="Warner Bros.",
    year="2003",
    rating="7.4",
    audienceRating="7.2",
    duration="8280000",  # 138 minutes
    contentRating="R",
    addedAt=epoch(date(2025, 5, 24)),  # 10 days before TODAY
    originallyAvailableAt="2003-05-15",
    tags={"label": ["Overlay", "Sci-Fi Night"], "collection": ["The Matrix"], "genre": ["Action", "Sci-Fi"]},
    resolutions=["4k", "1080"],
)
BARE = item("Bare", key=2)


def passes(spec: Any, target: PlexItem = MATRIX, libtype: str = "movie") -> bool:
    return compile_filters(spec, libtype, today=TODAY).local_match(target)


# --------------------------------------------------------------------------- strings


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("title", "matrix", True),
        ("title", ["Alien", "Reloaded"], True),
        ("title", "Alien", False),
        ("title.not", "matrix", False),
        ("title.not", ["Alien", "Blade"], True),
        ("title.is", "the matrix reloaded", True),
        ("title.is", "The Matrix", False),
        ("title.isnot", "The Matrix", True),
        ("title.begins", "the mat", True),
        ("title.ends", "RELOADED", True),
        ("title.ends", "Matrix", False),
        ("title.regex", r"^The \w+ Re", True),
        ("title.regex", r"^the", False),
        ("studio", "warner", True),
        ("edition.not", "Director", True),
    ],
)
def test_string_filters(key: str, value: Any, expected: bool) -> None:
    assert passes({key: value}) is expected


# --------------------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("label", "overlay", True),
        ("label", ["Kids", "sci-fi night"], True),
        ("label", "Sci-Fi", False),
        ("label.not", "Kids", True),
        ("label.not", ["Kids", "Overlay"], False),
        ("label.regex", "^Sci", True),
        ("label.count_gt", 1, True),
        ("label.count_gte", 3, False),
        ("label.count_lt", "3", True),
        ("label.count_lte", 1, False),
        ("collection", "The Matrix", True),
        ("collection.count_gt", 0, True),
        ("content_rating", ["PG-13", "r"], True),
        ("content_rating.not", "R", False),
        ("resolution", "4K", True),
        ("resolution", "1080p", True),
        ("resolution.not", "720p", True),
    ],
)
def test_tag_filters(key: str, value: Any, expected: bool) -> None:
    assert passes({key: value}) is expected


def test_tag_not_and_counts_on_an_item_without_tags() -> None:
    assert passes({"label.not": "Overlay", "collection.count_lt": 1}, BARE)
    assert not passes({"label": "Overlay"}, BARE)
    assert not passes({"content_rating": "R"}, BARE)


def test_resolution_aliases() -> None:
    assert [normalize_resolution(v) for v in ("4K", "2160p", "UHD", "1080p", "SD", "720")] == [
        "4k", "4k", "4k", "1080", "sd", "720",
    ]  # fmt: skip


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("year", 2003, True),
        ("year", [1999, 2003], True),
        ("year.not", [1999, 2003], False),
        ("year.not", 1999, True),
        ("year.gt", 2003, False),
        ("year.gte", 2003, True),
        ("year.lt", "2004", True),
        ("year.lte", 2002, False),
        ("critic_rating.gte", 7.4, True),
        ("critic_rating.gt", 7.4, False),
        ("audience_rating.lt", 7.5, True),
        ("duration.gt", 120, True),
        ("duration", 138, True),
        ("duration.less", 138, False),
        ("plays", 0, True),
        ("plays.greater", 0, False),
        ("versions.gt", 1, True),
        ("versions", 2, True),
    ],
)
def test_number_filters(key: str, value: Any, expected: bool) -> None:
    assert passes({key: value}) is expected


def test_missing_numbers_fail_every_modifier() -> None:
    for spec in ({"user_rating.gte": 0}, {"user_rating.not": 5}, {"year.lt": 3000}, {"critic_rating": 7}):
        assert not passes(spec, BARE), spec
    assert passes({"user_rating.gte": 8}, item(userRating="8.0"))


# --------------------------------------------------------------------------- dates and booleans


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("added", 10, True),
        ("added", 9, False),
        ("added.not", 9, True),
        ("added.not", 10, False),
        ("added.before", "05/25/2025", True),
        ("added.before", "2025-05-24", False),
        ("added.after", "2025-05-23", True),
        ("added.after", "today", False),
        ("release.before", "2003-05-16", True),
        ("release.after", date(2003, 5, 15), False),
        ("release", 365, False),
        ("last_played", 30, False),
        ("last_played.not", 30, False),
    ],
)
def test_date_filters(key: str, value: Any, expected: bool) -> None:
    assert passes({key: value}) is expected


def test_last_played_from_epoch_and_now_instead_of_today() -> None:
    played = item(lastViewedAt=epoch(date(2025, 6, 1)))
    assert compile_filters({"last_played": 2}, "movie", now=datetime(2025, 6, 3, 8, 0)).local_match(played)
    assert not compile_filters({"last_played": 1}, "movie", now=datetime(2025, 6, 3, 8, 0)).local_match(
        played
    )


@pytest.mark.parametrize(
    ("spec", "target", "expected"),
    [
        ({"has_collection": True}, MATRIX, True),
        ({"has_collection": False}, BARE, True),
        ({"has_collection": "false"}, MATRIX, False),
        ({"has_overlay": True}, MATRIX, True),
        ({"has_overlay": True}, BARE, False),
        ({"has_edition": True}, item(editionTitle="Director's Cut"), True),
        ({"has_edition": True}, MATRIX, False),
    ],
)
def test_boolean_filters(spec: dict[str, Any], target: PlexItem, expected: bool) -> None:
    assert passes(spec, target) is expected


# --------------------------------------------------------------------------- sets and branches


def test_all_filters_of_a_set_must_pass() -> None:
    assert passes({"year.gte": 2000, "label": "Overlay", "title": "matrix"})
    assert not passes({"year.gte": 2000, "label": "Kids"})


def test_a_list_of_sets_is_an_or() -> None:
    compiled = compile_filters([{"year.lt": 1990}, {"title.begins": "The", "has_overlay": True}], "movie")
    assert [b.local_match(MATRIX) for b in compiled.branches] == [False, True]
    assert compiled.local_match(MATRIX)
    assert not compiled.local_match(BARE)


def test_empty_filters_let_everything_through() -> None:
    compiled = compile_filters(None, "movie")
    assert compiled == FilterSet() and compiled.local_match(BARE) and compiled.server_terms() == []
    assert compiled.match(BARE, [])


def test_server_terms_per_branch() -> None:
    spec = [
        {"genre": ["Action", "Drama"], "year.gte": 2000, "actor.not": ["A", "B"]},
        {"title": "Matrix"},
        {"has_dolby_vision": False, "audio_language": "eng", "country": "France"},
    ]
    compiled = compile_filters(spec, "movie")
    assert compiled.needs_server
    assert compiled.server_terms() == [
        [("type", "1"), ("genre", "Action,Drama"), ("actor!", "A"), ("actor!", "B")],
        [],
        [("type", "1"), ("dovi!", "1"), ("audioLanguage", "eng"), ("country", "France")],
    ]
    assert [b.needs_server for b in compiled.branches] == [True, False, True]


def test_server_terms_for_show_and_episode_levels_and_tag_ids() -> None:
    shows = compile_filters({"network": "HBO", "genre.not": "Reality"}, "show")
    ids = {("genre", "Reality"): "7"}
    assert shows.server_terms(lambda field, name: ids.get((field, name))) == [
        [("type", "2"), ("network", "HBO"), ("genre!", "7")]
    ]
    episodes = compile_filters({"director": "Someone", "has_dolby_vision": True}, "episode")
    assert episodes.branches[0].server_terms() == [("type", "4"), ("director", "Someone"), ("dovi", "1")]


def test_match_intersects_local_checks_with_each_branch_search() -> None:
    compiled = compile_filters([{"genre": "Action", "year.gte": 2000}, {"title": "Bare"}], "movie")
    assert compiled.match(MATRIX, [{1, 5}, None])
    assert not compiled.match(MATRIX, [{5}, None])
    assert compiled.match(BARE, [set(), None])
    assert not compiled.match(item("Old", year="1980", key=3), [{3}, None])


def test_show_items_use_show_fields() -> None:
    show = item("Lost", kind="show", key=9, studio="ABC", year="2004", contentRating="TV-14")
    assert compile_filters({"studio.is": "abc", "content_rating": "TV-14"}, "show").local_match(show)


# --------------------------------------------------------------------------- errors


# fmt: off
FILTER_ERRORS: list[tuple[Any, str, str, str]] = [
    ({"genres": "Action"}, "movie", "filters.genres", "unknown filter 'genres' (did you mean 'genre'?)"),
    ([{"title": "a"}, {"yeer.gte": 2000}], "movie", "filters[1].yeer.gte", "unknown filter 'yeer' (did you mean 'year'?)"),
    ({"summary": "x"}, "movie", "filters.summary", "filter summary is not supported by this engine"),
    ([{"genre.regex": "^A"}], "movie", "filters[0].genre.regex", "genre.regex needs full item details, not supported"),
    ({"actor.count_gt": 3}, "movie", "filters.actor.count_gt", "actor.count_gt needs full item details, not supported"),
    ({"genre.gte": 3}, "movie", "filters.genre.gte", "modifier .gte does not apply to genre (allowed: none, .not)"),
    ({"has_dolby_vision.not": True}, "movie", "filters.has_dolby_vision.not", "modifier .not does not apply to has_dolby_vision (allowed: none)"),
    ([{"year.gte": "abc"}], "movie", "filters[0].year.gte", "year.gte needs a number, got 'abc'"),
    ({"year.gte": [2000, 2001]}, "movie", "filters.year.gte", "year.gte needs a single value, got a list"),
    ({"label.count_gt": "many"}, "movie", "filters.label.count_gt", "label.count_gt needs a number, got 'many'"),
    ({"label.count_gt": 1.5}, "movie", "filters.label.count_gt", "label.count_gt needs a whole number, got 1.5"),
    ({"content_rating.count_gt": 1}, "movie", "filters.content_rating.count_gt", "modifier .count_gt does not apply to content_rating (allowed: none, .not, .regex)"),
    ({"title.gt": "a"}, "movie", "filters.title.gt", "modifier .gt does not apply to title (allowed: none, .not, .is, .isnot, .begins, .ends, .regex)"),
    ({"year.regex": "19"}, "movie", "filters.year.regex", "modifier .regex does not apply to year (allowed: none, .not, .gt, .gte, .lt, .lte)"),
    ({"title.regex": "(unclosed"}, "movie", "filters.title.regex", "title.regex has an invalid regular expression '(unclosed': missing ), unterminated subpattern at position 0"),
    ({"added": "soon"}, "movie", "filters.added", "added needs a whole number of days above 0, got 'soon'"),
    ({"added.not": [1, 2]}, "movie", "filters.added.not", "added.not needs a single value, got a list"),
    ({"release.before": "31/01/2020"}, "movie", "filters.release.before", "release.before needs a date (MM/DD/YYYY, YYYY-MM-DD or today), got '31/01/2020'"),
    ({"has_collection": "maybe"}, "movie", "filters.has_collection", "has_collection needs true or false, got 'maybe'"),
    ({"title": None}, "movie", "filters.title", "title needs a value"),
    ({"network": "HBO"}, "movie", "filters.network", "network is only available in show libraries"),
    ({"edition": "Cut"}, "show", "filters.edition", "edition is not available for shows"),
    ({"genre": "Drama"}, "episode", "filters.genre", "genre is not available for episodes"),
    ("genre", "movie", "filters", "filters needs a mapping or a list of mappings, got 'genre'"),
    ([], "movie", "filters", "filters needs at least one filter set"),
    ([{"title": "a"}, ["b"]], "movie", "filters[1]", "filter sets must be mappings, got a list"),
    ([{}], "movie", "filters[0]", "a filter set needs at least one filter"),
    ({"title": "x"}, "artist", "filters", "searches are not supported for artist libraries"),
]
# fmt: on


@pytest.mark.parametrize(("spec", "libtype", "path", "message"), FILTER_ERRORS)
def test_errors(spec: Any, libtype: str, path: str, message: str) -> None:
    with pytest.raises(SearchError) as caught:
        compile_filters(spec, libtype, today=TODAY)
    assert (caught.value.path, str(caught.value)) == (path, message)
