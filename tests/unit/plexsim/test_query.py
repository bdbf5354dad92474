"""The filter engine: every operator per field type, structure, scoping, libtypes and errors.

Sorts, limits, content URIs and the result cache: `test_query_sorts.py`; the library: `query_library.py`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from plexsim import query
from plexsim.model import Library
from plexsim.query import QueryError, search
from plexsim.query_terms import parse_date
from tests.unit.plexsim.query_library import (
    ALL_MOVIES,
    DAY,
    DEFAULT_ORDER,
    GOT_EPISODES,
    NOW,
    build_library,
    found,
    rk,
    run,
    tid,
)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "now", lambda: float(NOW))


@pytest.fixture(scope="module")
def lib() -> Library:
    return build_library()


def test_library_fixture_default_order(lib: Library) -> None:
    assert run(lib) == DEFAULT_ORDER


# --------------------------------------------------------------------------- operators per field type

STRING_CASES = [
    (("title", "bunny"), {"Big Buck Bunny"}),
    (("title", "BUNNY"), {"Big Buck Bunny"}),
    (("title=", "up"), {"Up"}),
    (("title=", "Hello, World"), {"Hello, World"}),  # "is" with a comma: the whole value is an alternative
    (("title", "Heat,Up"), {"Heat", "Up"}),  # comma = OR
    (("title!", "e"), {"Big Buck Bunny", "Up", "Zodiac"}),
    (("title!=", "Up"), ALL_MOVIES - {"Up"}),
    (("title<", "si"), {"Sintel", "Sita Sings the Blues"}),
    (("title<", "the"), {"The Matrix"}),
    (("title>", "ION"), {"Inception"}),
    (("titleSort<", "ma"), {"The Matrix"}),
    (("originalTitle", "poulain"), {"Amélie"}),
    (("studio=", "warner bros."), {"The Matrix", "Heat", "Inception"}),
    (("studio!", "blender"), ALL_MOVIES - {"Elephants Dream", "Big Buck Bunny", "Sintel"}),  # no studio = ""
    (("editionTitle", "director"), {"Alien"}),
    (("summary", "capricious"), {"Elephants Dream"}),
    (("summary=", ""), {"Hello, World"}),
    (("tagline<", "a lonely"), {"Sintel"}),
]


@pytest.mark.parametrize(("term", "expected"), STRING_CASES)
def test_string_operators(lib: Library, term: tuple[str, str], expected: set[str]) -> None:
    assert found(lib, term) == expected


INTEGER_CASES = [
    (("year", "2008"), {"Big Buck Bunny", "Sita Sings the Blues"}),
    (("year=", "2008"), {"Big Buck Bunny", "Sita Sings the Blues"}),
    (("year!", "2008"), ALL_MOVIES - {"Big Buck Bunny", "Sita Sings the Blues"}),
    (("year!=", "2008"), ALL_MOVIES - {"Big Buck Bunny", "Sita Sings the Blues"}),
    (("year>>", "2008"), {"Sintel", "Up", "Inception", "Hello, World"}),
    (
        ("year>", "2008"),
        {"Sintel", "Up", "Inception", "Hello, World", "Big Buck Bunny", "Sita Sings the Blues"},
    ),
    (("year<<", "1995"), {"Alien"}),
    (("year<", "1995"), {"Alien", "Heat"}),
    (("year", "1999,2010"), {"The Matrix", "Sintel", "Inception"}),
    (
        ("decade", "2000"),
        {"Elephants Dream", "Big Buck Bunny", "Sita Sings the Blues", "Amélie", "Up", "Zodiac"},
    ),
    (("rating>>", "8.6"), {"The Matrix", "Inception"}),
    (
        ("rating!", "8.3"),
        ALL_MOVIES - {"Heat", "Amélie", "Sita Sings the Blues", "Hello, World"},
    ),  # NULL: no match
    (("audienceRating<<", "7"), {"Elephants Dream"}),
    (("audienceRating<", "7"), {"Elephants Dream", "Sita Sings the Blues"}),
    (("duration<<", "700000"), {"Elephants Dream", "Big Buck Bunny"}),
    (("userRating!", "-1"), {"Big Buck Bunny", "The Matrix", "Up", "Inception"}),  # Kometa's "rated"
    (("userRating", "-1"), ALL_MOVIES - {"Big Buck Bunny", "The Matrix", "Up", "Inception"}),
    (("userRating>>", "8"), {"The Matrix", "Inception"}),
    (("rating", "-1"), {"Sita Sings the Blues", "Hello, World"}),  # Kometa's critic_rating.rated: false
    (("rating!", "-1"), ALL_MOVIES - {"Sita Sings the Blues", "Hello, World"}),  # ... rated: true
    (("rating", "-1,8.3"), {"Sita Sings the Blues", "Hello, World", "Heat", "Amélie"}),
    (
        ("audienceRating", "-1"),
        ALL_MOVIES - {"Elephants Dream", "Big Buck Bunny", "Sintel", "Sita Sings the Blues", "The Matrix"},
    ),
    (
        ("audienceRating!", "-1"),
        {"Elephants Dream", "Big Buck Bunny", "Sintel", "Sita Sings the Blues", "The Matrix"},
    ),
    (("audienceRating<<", "-1"), set()),  # only equality tests read "unrated" as -1
    (("userRating>", "8"), {"The Matrix", "Inception", "Big Buck Bunny"}),
    (("viewCount>>", "0"), {"Big Buck Bunny", "The Matrix", "Zodiac"}),
    (("viewOffset>>", "0"), {"Sintel"}),
    (("mediaBitrate>>", "9000"), {"Elephants Dream", "Sintel", "The Matrix", "Inception"}),
    (("mediaSize>", "1000000000"), ALL_MOVIES - {"Hello, World"}),
    (("index", "1"), set()),
]


@pytest.mark.parametrize(("term", "expected"), INTEGER_CASES)
def test_integer_operators(lib: Library, term: tuple[str, str], expected: set[str]) -> None:
    assert found(lib, term) == expected


def test_id_filter_takes_rating_keys(lib: Library) -> None:
    assert found(lib, ("id", f"{rk(lib, 'Up')},{rk(lib, 'Heat')}")) == {"Up", "Heat"}
    assert found(lib, ("id!", str(rk(lib, "Up")))) == ALL_MOVIES - {"Up"}


DATE_CASES = [
    (("addedAt>>", "-35d"), {"Elephants Dream", "Big Buck Bunny", "Sintel"}),
    (
        ("addedAt>>", "-1mon"),
        {"Elephants Dream", "Big Buck Bunny"},
    ),  # 30 days; Sintel is exactly on the bound
    (("addedAt>>", "-2w"), {"Elephants Dream"}),
    (("addedAt>>", "-241h"), {"Elephants Dream"}),
    (("addedAt>>", "-1y"), ALL_MOVIES),
    (("addedAt<<", "-95d"), {"Up", "Inception", "Zodiac"}),
    (("addedAt<<", "+1d"), ALL_MOVIES),
    (("addedAt>>", str(NOW - 25 * DAY)), {"Elephants Dream", "Big Buck Bunny"}),
    (("originallyAvailableAt<<", "2000-01-01"), {"The Matrix", "Alien", "Heat"}),
    (("originallyAvailableAt>>", "2010-01-01"), {"Sintel", "Inception"}),
    (("originallyAvailableAt>>", "1262304000"), {"Sintel", "Inception"}),
    (("originallyAvailableAt", "2008-04-10"), {"Big Buck Bunny"}),  # "=": the same UTC day
    (("originallyAvailableAt", str(1207800000 + 3600)), {"Big Buck Bunny"}),
    (("originallyAvailableAt!", "2008-04-10"), ALL_MOVIES - {"Big Buck Bunny", "Hello, World"}),
    (("lastViewedAt>>", "-30d"), {"Big Buck Bunny"}),
    (("lastViewedAt<<", "-30d"), {"The Matrix", "Zodiac"}),  # never played: no value, no match
    (("lastRatedAt>>", "-7d"), {"Big Buck Bunny"}),
    (("updatedAt<", str(NOW - 9 * DAY)), ALL_MOVIES),
]


@pytest.mark.parametrize(("term", "expected"), DATE_CASES)
def test_date_operators(lib: Library, term: tuple[str, str], expected: set[str]) -> None:
    assert found(lib, term) == expected


@pytest.mark.parametrize(
    ("value", "offset"),
    [("-30d", -30 * DAY), ("30d", -30 * DAY), ("+1d", DAY), ("-10s", -10), ("-10m", -600), ("-3h", -3 * 3600),
     ("-5w", -35 * DAY), ("-6mon", -180 * DAY), ("-2y", -730 * DAY)],
)  # fmt: skip
def test_relative_date_units(value: str, offset: int) -> None:
    assert parse_date("addedAt>>", value, float(NOW)) == NOW + offset


def test_relative_dates_follow_the_clock(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "now", lambda: float(NOW + 15 * DAY))
    assert found(lib, ("addedAt>>", "-30d")) == {"Elephants Dream"}


BOOLEAN_CASES = [
    (("unwatched", "1"), ALL_MOVIES - {"Big Buck Bunny", "The Matrix", "Zodiac"}),
    (("unwatched", "0"), {"Big Buck Bunny", "The Matrix", "Zodiac"}),
    (("unwatched!", "1"), {"Big Buck Bunny", "The Matrix", "Zodiac"}),
    (("unwatched!=", "0"), ALL_MOVIES - {"Big Buck Bunny", "The Matrix", "Zodiac"}),
    (("unwatched", "true"), ALL_MOVIES - {"Big Buck Bunny", "The Matrix", "Zodiac"}),
    (("inProgress", "1"), {"Sintel"}),
    (("unmatched", "1"), {"Alien"}),
    (("duplicate", "1"), {"Elephants Dream"}),
    (("trash", "1"), set()),
    (("trash", "0"), ALL_MOVIES),
    (("hdr", "1"), {"Elephants Dream", "Sintel"}),
    (("hdr!", "1"), ALL_MOVIES - {"Elephants Dream", "Sintel"}),
    (("dovi", "1"), {"Elephants Dream"}),
]


@pytest.mark.parametrize(("term", "expected"), BOOLEAN_CASES)
def test_boolean_operators(lib: Library, term: tuple[str, str], expected: set[str]) -> None:
    assert found(lib, term) == expected


ANIMATION = {"Elephants Dream", "Big Buck Bunny", "Sintel", "Sita Sings the Blues", "Up"}


def test_tags_by_id_and_by_name(lib: Library) -> None:
    assert found(lib, ("genre", tid(lib, "genre", "Animation"))) == ANIMATION
    assert found(lib, ("genre", "animation")) == ANIMATION
    assert found(lib, ("genre", "ANIMATION ")) == ANIMATION
    assert found(lib, ("genre!", tid(lib, "genre", "Animation"))) == ALL_MOVIES - ANIMATION
    assert found(lib, ("genre", "No Such Genre")) == set()


def test_tag_comma_is_or_and_repeated_key_is_and(lib: Library) -> None:
    both = f"{tid(lib, 'genre', 'Action')},{tid(lib, 'genre', 'Crime')}"
    assert found(lib, ("genre", both)) == {"The Matrix", "Heat", "Inception", "Zodiac"}
    assert found(lib, ("genre", "Action"), ("genre", "Crime")) == {"Heat"}
    assert found(lib, ("genre", "Action,crime"), ("genre!", "Drama")) == {"The Matrix", "Heat", "Inception"}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (("label", "kids"), {"Sita Sings the Blues", "Up"}),
        (("label!", "Kids"), ALL_MOVIES - {"Sita Sings the Blues", "Up"}),  # items without labels included
        (("collection", "Blender Open Movies"), {"Elephants Dream", "Big Buck Bunny", "Sintel"}),
        (("actor", "keanu reeves"), {"The Matrix"}),
        (("director", "Lana Wachowski"), {"The Matrix"}),
        (("writer", "lana wachowski"), {"The Matrix"}),
        (("country", "France"), {"Amélie"}),
        (("contentRating", "PG"), {"Elephants Dream", "Up"}),  # exact: not PG-13
        (("contentRating", "pg-13"), {"Sintel", "Inception"}),
        (("contentRating", "G,PG"), {"Big Buck Bunny", "Elephants Dream", "Up"}),
        (("contentRating!", "R"), ALL_MOVIES - {"The Matrix", "Alien", "Amélie", "Heat", "Zodiac"}),
        (("resolution", "4k"), {"Elephants Dream", "Sintel", "Inception"}),
        (("resolution", "1080"), {"Elephants Dream", "Big Buck Bunny", "The Matrix", "Heat", "Up", "Zodiac"}),
        (
            ("resolution", "1080p"),
            {"Elephants Dream", "Big Buck Bunny", "The Matrix", "Heat", "Up", "Zodiac"},
        ),
        (("resolution", "720,480,sd"), {"Sita Sings the Blues", "Alien", "Amélie"}),
        (("resolution!", "4k"), ALL_MOVIES - {"Elephants Dream", "Sintel", "Inception"}),
        (("audioLanguage", "fra"), {"Amélie", "Up"}),
        (("subtitleLanguage", "spa"), {"Sintel"}),
        (("subtitleLanguage!", "eng"), ALL_MOVIES - {"Elephants Dream", "Sintel", "The Matrix", "Amélie"}),
        (("guid", "imdb://tt0807843"), {"Elephants Dream"}),
        (("guid", "plex://movie/5d776846880197001ec967c6"), {"Elephants Dream"}),
        (("guid", "local://42"), {"Alien"}),
    ],
)
def test_tag_like_fields(lib: Library, term: tuple[str, str], expected: set[str]) -> None:
    assert found(lib, term) == expected


def test_collection_tag_by_id(lib: Library) -> None:
    blender = tid(lib, "collection", "Blender Open Movies")
    assert found(lib, ("collection", blender)) == {"Elephants Dream", "Big Buck Bunny", "Sintel"}


# --------------------------------------------------------------------------- structure


def test_kometa_hand_built_query(lib: Library) -> None:
    comedy, crime = tid(lib, "genre", "Comedy"), tid(lib, "genre", "Crime")
    pairs = parse_qsl(
        f"type=1&sort=titleSort%2CaddedAt:desc&push=1&genre={comedy}&or=1&genre={crime}&pop=1&year%3E%3E=1990",
        keep_blank_values=True,
    )
    assert run(lib, *pairs) == ["Amélie", "Big Buck Bunny", "Heat", "Zodiac"]


def test_plexapi_advanced_filters(lib: Library) -> None:
    pairs = parse_qsl(
        "includeGuids=1&push=1&push=1&title=elephant&or=1&title%3D=Big+Buck+Bunny&pop=1&and=1"
        "&year%3E%3E=1990&and=1&unwatched=1&pop=1"
    )
    assert run(lib, *pairs) == ["Elephants Dream"]


def test_and_binds_tighter_than_or(lib: Library) -> None:
    # heat OR (animation AND 2008); strict left-to-right would give (heat OR animation) AND 2008
    assert found(lib, ("title", "heat"), ("or", "1"), ("genre", "Animation"), ("year", "2008")) == {
        "Heat", "Big Buck Bunny", "Sita Sings the Blues"}  # fmt: skip
    assert found(lib, ("genre", "Animation"), ("and", "1"), ("year", "2008"), ("or", "1"), ("title", "heat")) == {
        "Heat", "Big Buck Bunny", "Sita Sings the Blues"}  # fmt: skip


def test_nested_groups(lib: Library) -> None:
    pairs = [("push", "1"), ("genre", "Action"), ("or", "1"), ("push", "1"), ("genre", "Animation"),
             ("and", "1"), ("year", "2008"), ("pop", "1"), ("pop", "1"), ("and", "1"), ("unwatched", "1")]  # fmt: skip
    assert found(lib, *pairs) == {"Heat", "Inception", "Sita Sings the Blues"}
    assert found(lib, ("push", "1"), ("pop", "1")) == ALL_MOVIES


@pytest.mark.parametrize(
    "pairs",
    [
        [("pop", "1")],
        [("push", "1"), ("title", "a")],
        [("or", "1"), ("title", "a")],
        [("title", "a"), ("or", "1")],
        [("title", "a"), ("and", "1"), ("or", "1"), ("title", "b")],
        [("push", "1"), ("or", "1"), ("pop", "1")],
    ],
)
def test_unbalanced_structure_is_an_error(lib: Library, pairs: list[tuple[str, str]]) -> None:
    with pytest.raises(QueryError):
        search(lib, lib.sections[1], pairs)


def test_flags_are_ignored(lib: Library) -> None:
    flags = [("includeGuids", "1"), ("includeMeta", "1"), ("includeAdvanced", "1"), ("includeCollections", "0"),
             ("includeExternalMedia", "1"), ("includeDetails", "1"), ("checkFiles", "1"), ("excludeAllLeaves", "1"),
             ("includeFields", "thumbBlurHash"), ("excludeFields", "summary"), ("excludeElements", "Role"),
             ("group", "title"), ("having", "x"), ("skipRefresh", "1"), ("asyncAugmentMetadata", "1"),
             ("includeWhatever", "1"), ("X-Plex-Container-Start", "0"), ("X-Plex-Token", "t")]  # fmt: skip
    assert run(lib, *flags) == DEFAULT_ORDER


@pytest.mark.parametrize("key", ["group!", "group=", "having!=", "having<", "group>"])
def test_plexapi_sql_pass_through_fields_with_operators_are_ignored(lib: Library, key: str) -> None:
    """plexapi advertises `group`/`having` as string Fields, so its exhaustive search sends `group!=x` too."""
    assert run(lib, (key, "x")) == DEFAULT_ORDER


def test_unencoded_double_equals_is_is(lib: Library) -> None:
    assert found(lib, *parse_qsl("title==Up&title!==Heat")) == {"Up"}


# --------------------------------------------------------------------------- scoping and libtypes


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("type", "4"), ("show.title", "Game")], GOT_EPISODES),
        ([("type", "3"), ("show.title", "100")], ["Season 1"]),
        ([("type", "4"), ("season.index", "2")], ["The North Remembers"]),
        ([("type", "4"), ("show.genre", "Science Fiction")], ["Pilot", "Earth Skills"]),
        ([("type", "4"), ("title", "winter")], ["Winter Is Coming"]),
        ([("type", "4"), ("episode.title", "winter")], ["Winter Is Coming"]),
        ([("type", "4"), ("episode.resolution", "720")], ["Pilot", "Earth Skills"]),
        ([("type", "2"), ("episode.unwatched", "1")], ["Game of Thrones"]),
        ([("type", "2"), ("episode.title", "pilot")], ["The 100"]),
        ([("type", "2"), ("episode.director", "Alan Taylor")], ["Game of Thrones"]),
        ([("type", "2"), ("episode.director!", "Alan Taylor")], ["Game of Thrones", "The 100"]),
        ([("type", "2"), ("episode.inProgress", "1")], ["Game of Thrones"]),
        ([("type", "2"), ("episode.hdr", "1")], ["Game of Thrones"]),
        ([("type", "2"), ("season.index", "2")], ["Game of Thrones"]),
        ([("type", "2"), ("show.unwatchedLeaves", "1")], ["Game of Thrones"]),
        ([("type", "2"), ("show.unwatchedLeaves", "0")], ["The 100"]),
        ([("type", "2"), ("unwatched", "1")], ["Game of Thrones"]),
        ([("type", "2"), ("unviewedLeafCount", "2")], ["Game of Thrones"]),
        ([("type", "2"), ("network", "hbo")], ["Game of Thrones"]),
        ([("type", "2"), ("network", "the")], []),  # exact, like a tag
        ([("type", "2"), ("network!", "HBO")], ["The 100"]),
        ([("type", "2"), ("show.network=", "The CW")], ["The 100"]),
        ([("type", "3"), ("unwatched", "1")], ["Season 1", "Season 2"]),
        ([("type", "3"), ("season.episode.title", "x")], None),
        ([("type", "18"), ("title", "fantasy")], ["Fantasy Shows"]),
    ],
)
def test_show_section_scoping(lib: Library, pairs: list[tuple[str, str]], expected: list[str] | None) -> None:
    if expected is None:
        with pytest.raises(QueryError):
            search(lib, lib.sections[2], pairs)
        return
    assert run(lib, *pairs, section=2) == expected


def test_show_section_default_libtype_and_natural_episode_order(lib: Library) -> None:
    assert run(lib, section=2) == ["Game of Thrones", "The 100"]
    assert run(lib, ("type", "4"), section=2) == [*GOT_EPISODES, "Pilot", "Earth Skills"]
    items = search(lib, lib.sections[2], [("type", "3")])
    assert [(i.title, lib.parent(i).title) for i in items] == [  # type: ignore[union-attr]
        ("Season 1", "Game of Thrones"), ("Season 2", "Game of Thrones"), ("Season 1", "The 100")]  # fmt: skip


def test_collections_of_a_section(lib: Library) -> None:
    assert run(lib, ("type", "18")) == ["Blender Open Movies", "Heist"]
    assert run(lib, ("type", "18"), ("title", "heist")) == ["Heist"]
    assert run(lib, ("type", "18"), ("collection.title", "heist")) == ["Heist"]
    assert run(lib, ("type", "18"), ("label", "Kometa")) == ["Blender Open Movies"]
    assert run(lib, ("type", "18"), ("sort", "titleSort:desc")) == ["Heist", "Blender Open Movies"]
    assert run(lib, ("type", "18"), ("movie.year", "2008")) == ["Blender Open Movies"]
    assert [i.title for i in search(lib, lib.sections[1], [], libtype="collection")] == [
        "Blender Open Movies",
        "Heist",
    ]
    assert found(lib, ("collection.title", "blender")) == {"Elephants Dream", "Big Buck Bunny", "Sintel"}


@pytest.mark.parametrize(
    ("section", "pairs"),
    [
        (2, [("type", "1")]),
        (1, [("type", "4")]),
        (1, [("type", "movie")]),
        (1, [("show.title", "x")]),
        (2, [("type", "4"), ("movie.title", "x")]),
        (1, [("foo.title", "x")]),
    ],
)
def test_bad_type_or_scope_is_an_error(lib: Library, section: int, pairs: list[tuple[str, str]]) -> None:
    with pytest.raises(QueryError):
        search(lib, lib.sections[section], pairs)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("foo", "1", "foo"),
        ("123abc", "1", "123abc"),
        ("ti tle", "x", "ti tle"),
        ("title<>!", "x", "<>!"),
        ("title<<", "x", "title<<"),
        ("genre>>", "1", "genre>>"),
        ("unwatched<", "1", "unwatched<"),
        ("year", "abc", "abc"),
        ("year>>", "", "year>>"),
        ("rating", "7,x", "'x'"),
        ("addedAt>>", "yesterday", "yesterday"),
        ("addedAt>>", "2023-13-45", "2023-13-45"),
        ("unwatched", "yes", "yes"),
    ],
)
def test_errors_name_the_offending_key_or_value(lib: Library, key: str, value: str, named: str) -> None:
    with pytest.raises(QueryError) as err:
        search(lib, lib.sections[1], [(key, value)])
    assert named in str(err.value)
    assert isinstance(err.value, ValueError)
