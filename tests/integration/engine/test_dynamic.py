"""`dynamic_collections:` end to end: one collection per genre, year, decade, content rating, resolution, studio,
country, audio and subtitle language, edition, person (actor, director, writer, producer), network and custom
key, with the naming options (title_format, key_name_override, title_override, remove_prefix/remove_suffix),
key selection (exclude, include, addons) and templates with per-key template_variables.

Without a template each type gets Kometa's built-in one (modules/dynamic.py): a smart collection of the 50
best by critic rating (ties in title order) for tag types, studios, years and decades; every match, by title,
for resolutions; a plain collection of every match for people. The default title_format is the type's
(`Top <<key_name>> <<library_type>>s` for genres, networks, ...), template or not.

The expectations are computed from `plexsim.dataset.generate()`: the keys are the values the movies (or shows)
carry, the members the items carrying the key. People are ranked the documented way (modules/dynamic.py, as
Kometa does): count each movie's first `depth` credits of its full credit list, movies in library order; keep
those counted at least `minimum` times, most counted first (ties in order of first appearance), at most
`limit` of them; excluded people take no place, and `include` picks people whatever their counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from modules.report import RunReport
from plexsim.model import Item, Library
from tests.support import plex_facts as facts
from tests.support.engine_e2e import Engine, has, keys
from tests.support.engine_run import collection_report

Expectation = dict[str, list[Item]]  # collection name -> members
RESOLUTION_TITLES = {"4k": "4K", "1080": "1080p", "720": "720p", "480": "480p", "sd": "SD"}

MOVIES_FILE = """\
templates:
  Genre Pick:
    default: {flavour: plain}
    plex_search: {any: {genre: <<genre>>}}
    summary: <<key_name>> picks, <<flavour>>.
  Mood:
    default: {flavour: plain}
    plex_search: {any: {genre: <<value>>}}
    summary: <<key_name>> movies, <<flavour>>.
dynamic_collections:
  Genres:
    type: genre
  Years:
    type: year
    title_format: Best <<library_type>>s of <<title>>
  Decades:
    type: decade
    title_format: Best of the <<key_name>>
  Content Ratings:
    type: content_rating
    title_format: Rated <<key_name>>
  Resolutions:
    type: resolution
    title_format: <<key_name>> Movies
  Studios:
    type: studio
    title_format: Studio <<key_name>>
  Countries:
    type: country
    title_format: Made in <<key_name>>
  Audio Languages:
    type: audio_language
    title_format: <<key_name>> Audio
  Subtitle Languages:
    type: subtitle_language
    title_format: <<key_name>> Subtitles
  Editions:
    type: edition
    title_format: <<key_name>> Cut
  Actors:
    type: actor
    title_format: Starring <<key_name>>
  Directors:
    type: director
    data: {depth: 2, minimum: 4, limit: 5}
    title_format: Directed by <<key_name>>
  Writers:
    type: writer
    data: {depth: 3, minimum: 8}
    title_format: Written by <<key_name>>
  Producers:
    type: producer
    data: {depth: 3, minimum: 10, limit: 4}
    title_format: Produced by <<key_name>>
  Picks:
    type: genre
    exclude: [Drama, Comedy]
    addons: {Action: [Adventure, War]}
    key_name_override: {Science Fiction: Sci-Fi}
    title_override: {Horror: Nightmares}
    title_format: <<key_name>> Picks
    template: Genre Pick
    template_variables:
      flavour: {Action: explosive, Horror: scary, default: mild}
  Big Studios:
    type: studio
    include: [Northwind Pictures, Copperline Studios, Grand Meridian Films, Quiet Hour Films]
    remove_prefix: Grand
    remove_suffix: [Pictures, Studios, Films]
    key_name_override: {Quiet Hour Films: Quiet Hour Films}
    title_format: <<key_name>> Collection
  Top Three Actors:
    type: actor
    data: {limit: 3}
    exclude: Xavi Castellane
    title_format: Top Billed <<key_name>>
  Chosen Actors:
    type: actor
    include: [Ilse Thornbury, Vida Sutherby, Ada Penhallow]
    title_format: Chosen <<key_name>>
  Moods:
    type: custom
    data: {Horror: Scary, Comedy: Funny}
    title_format: <<key_name>> Movies
    template: Mood
  Original Languages:
    type: original_language
"""

SHOWS_FILE = """\
dynamic_collections:
  Networks:
    type: network
  Show Genres:
    type: genre
    title_format: <<key_name>> Shows
  Show Resolutions:
    type: resolution
    title_format: Shows in <<key_name>>
  Show Audio:
    type: audio_language
    title_format: Shows with <<key_name>> audio
"""


@pytest.fixture(scope="module")
def dynamic_run(shared_engine: Engine) -> RunReport:
    return shared_engine.run_files(movies=MOVIES_FILE, shows=SHOWS_FILE)


# --------------------------------------------------------------------------- expectations


def best(expected: Expectation, limit: int = 50) -> Expectation:
    """Kometa's default template: the `limit` best by critic rating, unrated last, ties in title order (the
    lists are in title order already and the sort is stable)."""
    return {
        name: sorted(items, key=lambda i: (i.rating is None, -(i.rating or 0)))[:limit]
        for name, items in expected.items()
    }


def by_values(
    items: list[Item], values: Callable[[Item], list[str]], name: Callable[[str], str]
) -> Expectation:
    """One collection per value some item has, holding the items that have it."""
    found: Expectation = {}
    for item in items:
        for value in values(item):
            found.setdefault(name(value), []).append(item)
    return found


def tags(kind: str) -> Callable[[Item], list[str]]:
    return lambda item: item.tags.get(kind, [])


def language_names(stream_type: int) -> Callable[[Item], list[str]]:
    def names(item: Item) -> list[str]:
        return sorted({a["language"] for a in facts.streams(item, stream_type) if a.get("languageCode")})

    return names


def top_people(movies: list[Item], kind: str, depth: int, minimum: int, limit: int | None) -> list[str]:
    """The documented ranking: first `depth` credits per movie, count >= minimum, most first, at most `limit`."""
    counts: dict[str, int] = {}
    for movie in movies:  # library (sort title) order: ties keep the order of first appearance
        for name in movie.tags.get(kind, [])[:depth]:
            counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts, key=lambda name: -counts[name])
    return [name for name in ranked if counts[name] >= minimum][:limit]


def people(
    movies: list[Item], kind: str, title: str, depth: int, minimum: int, limit: int | None
) -> Expectation:
    chosen = top_people(movies, kind, depth, minimum, limit)
    return {title.format(name): [m for m in movies if has(kind, name)(m)] for name in chosen}


def picks(movies: list[Item]) -> Expectation:
    genres = {g for m in movies for g in m.tags.get("genre", [])} - {"Drama", "Comedy", "Adventure", "War"}
    names = {"Science Fiction": "Sci-Fi Picks", "Horror": "Nightmares"}
    found = {names.get(g, f"{g} Picks"): [m for m in movies if has("genre", g)(m)] for g in genres}
    found["Action Picks"] = [m for m in movies if has("genre", "Action", "Adventure", "War")(m)]
    return found


def big_studios(movies: list[Item]) -> Expectation:
    trimmed = {
        "Northwind Pictures": "Northwind",
        "Copperline Studios": "Copperline",
        "Grand Meridian Films": "Meridian",
        "Quiet Hour Films": "Quiet Hour Films",  # key_name_override wins over remove_suffix
    }
    return {f"{short} Collection": [m for m in movies if m.studio == full] for full, short in trimmed.items()}


def movie_expectations(movies: list[Item]) -> dict[str, Expectation]:
    def year(m: Item) -> list[str]:
        return [str(m.year)] if m.year else []

    return {
        "Genres": best(by_values(movies, tags("genre"), "Top {} movies".format)),
        "Years": best(by_values(movies, year, "Best movies of {}".format)),
        "Decades": best(
            by_values(movies, lambda m: [f"{m.year // 10 * 10}s"] if m.year else [], "Best of the {}".format)
        ),
        "Content Ratings": best(
            by_values(movies, lambda m: [m.content_rating] if m.content_rating else [], "Rated {}".format)
        ),
        "Resolutions": by_values(
            movies, lambda m: [RESOLUTION_TITLES[r] for r in facts.resolutions(m)], "{} Movies".format
        ),
        "Studios": best(by_values(movies, lambda m: [m.studio] if m.studio else [], "Studio {}".format)),
        "Countries": best(by_values(movies, tags("country"), "Made in {}".format)),
        "Audio Languages": best(by_values(movies, language_names(2), "{} Audio".format)),
        "Subtitle Languages": best(by_values(movies, language_names(3), "{} Subtitles".format)),
        "Editions": best(
            by_values(movies, lambda m: [m.edition_title] if m.edition_title else [], "{} Cut".format)
        ),
        "Actors": people(movies, "actor", "Starring {}", depth=3, minimum=3, limit=None),
        "Directors": people(movies, "director", "Directed by {}", depth=2, minimum=4, limit=5),
        "Writers": people(movies, "writer", "Written by {}", depth=3, minimum=8, limit=None),
        "Producers": people(movies, "producer", "Produced by {}", depth=3, minimum=10, limit=4),
        "Top Three Actors": {
            f"Top Billed {name}": [m for m in movies if has("actor", name)(m)]
            for name in [n for n in top_people(movies, "actor", 3, 1, None) if n != "Xavi Castellane"][:3]
        },
        "Chosen Actors": {  # Vida Sutherby is billed in the first three once; Ada Penhallow never
            f"Chosen {name}": [m for m in movies if has("actor", name)(m)]
            for name in ("Ilse Thornbury", "Vida Sutherby")
        },
        "Picks": picks(movies),
        "Big Studios": best(big_studios(movies)),
        "Moods": {
            "Scary Movies": [m for m in movies if has("genre", "Horror")(m)],
            "Funny Movies": [m for m in movies if has("genre", "Comedy")(m)],
        },
    }


# --------------------------------------------------------------------------- tests


def built_from(report: RunReport, engine: Engine, definition: str, library: str = "Movies") -> set[str]:
    """Names of the collections the report lists at the line of one dynamic definition."""
    line = engine.line_of(f"  {definition}:", library)
    return {
        c.name for lib in report.libraries for c in lib.collections if c.line == line and lib.name == library
    }


def check(engine: Engine, report: RunReport, expected: Expectation, section: str) -> None:
    for name, members in expected.items():
        entry = collection_report(report, name)
        assert (entry.status, entry.errors) == ("created", []), name
        if not entry.smart:  # a smart collection's members are Plex's answer to its filter, never "added"
            assert sorted(a.rating_key for a in entry.added) == sorted(keys(members)), name
        assert sorted(engine.members(name, section)) == sorted(keys(members)), name


DEFINITIONS = [
    "Genres",
    "Years",
    "Decades",
    "Content Ratings",
    "Resolutions",
    "Studios",
    "Countries",
    "Audio Languages",
    "Subtitle Languages",
    "Editions",
    "Actors",
    "Directors",
    "Writers",
    "Producers",
    "Picks",
    "Big Studios",
    "Top Three Actors",
    "Chosen Actors",
    "Moods",
]


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_a_dynamic_definition_makes_one_collection_per_key_with_the_items_of_that_key(
    shared_engine: Engine, dynamic_run: RunReport, movies: list[Item], definition: str
) -> None:
    expected = movie_expectations(movies)[definition]
    assert len(expected) > 1
    assert built_from(dynamic_run, shared_engine, definition) == set(expected)
    check(shared_engine, dynamic_run, expected, "Movies")


def test_template_variables_per_key_reach_the_template_with_their_default_or_the_templates(
    shared_engine: Engine, dynamic_run: RunReport
) -> None:
    names = ("Action Picks", "Nightmares", "Sci-Fi Picks", "Scary Movies")
    assert {name: shared_engine.collection(name).summary for name in names} == {
        "Action Picks": "Action picks, explosive.",
        "Nightmares": "Horror picks, scary.",
        "Sci-Fi Picks": "Sci-Fi picks, mild.",
        "Scary Movies": "Scary movies, plain.",
    }


def show_expectations(dataset: Library, shows: list[Item]) -> dict[str, Expectation]:
    """Resolutions and audio languages of a show are those of its episodes."""

    def of_episodes(values: Callable[[Item], list[str]]) -> Callable[[Item], list[str]]:
        return lambda show: sorted({v for e in facts.episodes_of(dataset, show) for v in values(e)})

    return {
        "Networks": best(by_values(shows, lambda s: [s.studio] if s.studio else [], "Top {} shows".format)),
        "Show Genres": best(by_values(shows, tags("genre"), "{} Shows".format)),
        "Show Resolutions": by_values(
            shows,
            of_episodes(lambda e: [RESOLUTION_TITLES[r] for r in facts.resolutions(e)]),
            "Shows in {}".format,
        ),
        "Show Audio": best(by_values(shows, of_episodes(language_names(2)), "Shows with {} audio".format)),
    }


@pytest.mark.parametrize("definition", ["Networks", "Show Genres", "Show Resolutions", "Show Audio"])
def test_show_library_dynamic_collections_including_values_that_live_on_episodes(
    shared_engine: Engine, dynamic_run: RunReport, dataset: Library, shows: list[Item], definition: str
) -> None:
    expected = show_expectations(dataset, shows)[definition]
    assert len(expected) > 1
    assert built_from(dynamic_run, shared_engine, definition, "TV Shows") == set(expected)
    check(shared_engine, dynamic_run, expected, "TV Shows")


def test_an_unsupported_dynamic_type_fails_with_a_clear_message_and_the_file_runs_on(
    shared_engine: Engine, dynamic_run: RunReport
) -> None:
    line = shared_engine.line_of("  Original Languages:")
    entry = collection_report(dynamic_run, "Original Languages")
    assert entry.status == "error"
    assert entry.errors == [
        f"movies.yml:{line}:3: dynamic type original_language is not supported by this engine (it needs TMDb)"
    ]


def test_a_second_run_of_the_dynamic_collections_writes_nothing(
    shared_engine: Engine, dynamic_run: RunReport
) -> None:
    report, stats = shared_engine.rerun_counted()
    statuses = {c.name: c.status for lib in report.libraries for c in lib.collections}
    assert {n: s for n, s in statuses.items() if s != "unchanged"} == {"Original Languages": "error"}
    assert stats["writes"] == 0, stats["routes"]


@dataclass(frozen=True)
class BadSpec:
    spec: str
    message: str


@pytest.mark.parametrize(
    "bad",
    [
        BadSpec("type: network", "dynamic type network does not apply to a movie library"),
        BadSpec("type: colour", "dynamic collection 'Bad': unknown type 'colour'"),
        BadSpec("type: custom\n    data: {a: A}", "dynamic collection 'Bad': type custom needs a template"),
        BadSpec("type: genre\n    colour: red", "dynamic collection 'Bad': unknown attribute(s) colour"),
        BadSpec(
            "type: genre\n    addons: Action",
            "dynamic collection 'Bad': addons must be a mapping of key: value",
        ),
        BadSpec(
            "type: actor\n    data: {depth: none}",
            "dynamic collection 'Bad': data.depth must be a whole number of at least 1, got 'none'",
        ),
        BadSpec(
            "type: genre\n    template: Missing",
            "dynamic collection 'Bad': Top Action movies: template[0].name: template 'Missing' does not exist",
        ),
    ],
    ids=lambda b: b.message,
)
def test_a_dynamic_definition_that_cannot_run_names_its_file_and_line(engine: Engine, bad: BadSpec) -> None:
    report = engine.run_files(movies=f"dynamic_collections:\n  Bad:\n    {bad.spec}\n")
    entry = collection_report(report, "Bad")
    assert entry.status == "error"
    assert entry.errors[0].startswith(f"movies.yml:2:3: {bad.message}")
