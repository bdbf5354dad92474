"""`filters:` end to end: every modifier kind on the attributes the engine reads from Plex's list view (title,
year, ratings, plays, duration, dates, content rating, studio, labels, resolution, editions, versions) and on
those it asks Plex for (genre, people, country, languages, Dolby Vision); OR over a list of filter sets and over
a list of values; and errors that name the file, the line and the filter.

Every collection here starts from `plex_all: true`, so its members are exactly the movies that pass the filters.
Expectations read `plexsim.dataset.generate()` with plain Python; dates compare by UTC day against NOW's day
(2026-01-04), the engine's documented rule for local date filters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from modules.report import RunReport
from plexsim.model import Item
from tests.support import plex_facts as facts
from tests.support.engine_e2e import NOW, Engine, Pred, audio, has, keys, minutes, subtitles
from tests.support.engine_run import collection_report

TODAY = NOW.date()


@dataclass(frozen=True)
class Case:
    """One collection: `plex_all` plus `filters: <filters>` (YAML flow text), and the movies it should hold."""

    name: str
    filters: str
    holds: Pred


def added_day(m: Item) -> date:
    return datetime.fromtimestamp(m.added_at, UTC).date()


def release_day(m: Item) -> date | None:
    return date.fromisoformat(m.originally_available_at) if m.originally_available_at else None


def within(days: int, day: date | None) -> bool:
    return day is not None and (TODAY - day).days <= days


def before(text: str, day: date | None) -> bool:
    return day is not None and day < date.fromisoformat(text)


def after(text: str, day: date | None) -> bool:
    return day is not None and day > date.fromisoformat(text)


LOCAL = [
    Case("Title has harbor", "{title: HARBOR}", lambda m: "harbor" in m.title.casefold()),
    Case("Title lacks the", "{title.not: the}", lambda m: "the" not in m.title.casefold()),
    Case("Title is The Quarry", "{title.is: the quarry}", lambda m: m.title.casefold() == "the quarry"),
    Case("Title is not The Quarry", "{title.isnot: The Quarry}", lambda m: m.title != "The Quarry"),
    Case(
        "Title begins Return or Beyond",
        "{title.begins: [Return, Beyond]}",
        lambda m: m.title.startswith(("Return", "Beyond")),
    ),
    Case("Title ends letter", "{title.ends: letter}", lambda m: m.title.casefold().endswith("letter")),
    Case(
        "Title matches regex",
        "{title.regex: '^The \\w+ of '}",
        lambda m: bool(re.search(r"^The \w+ of ", m.title)),
    ),
    Case("Year 1999 or 2001", "{year: [1999, 2001]}", lambda m: m.year in (1999, 2001)),
    Case("Year after 2024", "{year.gt: 2024}", lambda m: (m.year or 0) > 2024),
    Case("Year 2024 on", "{year.gte: 2024}", lambda m: (m.year or 0) >= 2024),
    Case("Year before 1950", "{year.lt: 1950}", lambda m: m.year is not None and m.year < 1950),
    Case("Year up to 1950", "{year.lte: 1950}", lambda m: m.year is not None and m.year <= 1950),
    Case("Year not 2024 or 2025", "{year.not: [2024, 2025]}", lambda m: m.year not in (2024, 2025)),
    Case(
        "Critics 8.5 and up", "{critic_rating.gte: 8.5}", lambda m: m.rating is not None and m.rating >= 8.5
    ),
    Case(
        "Audience under 4.5",
        "{audience_rating.lt: 4.5}",
        lambda m: m.audience_rating is not None and m.audience_rating < 4.5,
    ),
    Case("User rating 8", "{user_rating: 8}", lambda m: m.user_rating == 8),
    Case("Played twice", "{plays.gte: 2}", lambda m: m.view_count >= 2),
    Case("Under 80 minutes", "{duration.lt: 80}", lambda m: minutes(m) < 80),
    Case("Added in 30 days", "{added: 30}", lambda m: within(30, added_day(m))),
    Case("Not added in 2000 days", "{added.not: 2000}", lambda m: not within(2000, added_day(m))),
    Case("Added before 2019", "{added.before: 2019-01-01}", lambda m: before("2019-01-01", added_day(m))),
    Case("Added after October", "{added.after: 10/01/2025}", lambda m: after("2025-10-01", added_day(m))),
    Case("Released in 60 days", "{release: 60}", lambda m: within(60, release_day(m))),
    Case(
        "Released before 1950", "{release.before: 01/01/1950}", lambda m: before("1950-01-01", release_day(m))
    ),
    Case(
        "Released after December",
        "{release.after: 2025-12-01}",
        lambda m: after("2025-12-01", release_day(m)),
    ),
    Case("Rated G or NC-17", "{content_rating: [g, NC-17]}", lambda m: m.content_rating in ("G", "NC-17")),
    Case(
        "Not R nor PG-13",
        "{content_rating.not: [R, PG-13]}",
        lambda m: m.content_rating not in ("R", "PG-13"),
    ),
    Case("Studio has pictures", "{studio: pictures}", lambda m: "pictures" in (m.studio or "").casefold()),
    Case("Studio is Ember and Oak", "{studio.is: Ember & Oak}", lambda m: m.studio == "Ember & Oak"),
    Case("Labelled Favorite", "{label: favorite}", has("label", "Favorite")),
    Case("Two labels", "{label.count_gt: 1}", lambda m: len(m.tags.get("label", [])) > 1),
    Case("In 4K", "{resolution: 4K}", lambda m: "4k" in facts.resolutions(m)),
    Case("In 720p or SD", "{resolution: [720p, SD]}", lambda m: bool({"720", "sd"} & facts.resolutions(m))),
    Case("With an edition", "{has_edition: true}", lambda m: bool(m.edition_title)),
    Case("IMAX edition", "{edition.is: imax}", lambda m: m.edition_title == "IMAX"),
    Case("Two versions", "{versions.gt: 1}", lambda m: len(m.media) > 1),
]
SERVER = [
    Case("Genre Horror", "{genre: Horror}", has("genre", "Horror")),
    Case(
        "Neither Drama nor Comedy",
        "{genre.not: [Drama, Comedy]}",
        lambda m: not has("genre", "Drama", "Comedy")(m),
    ),
    Case("Actor", "{actor: Sasha Ivesdale}", has("actor", "Sasha Ivesdale")),
    Case("Director", "{director: Rune Fontaine}", has("director", "Rune Fontaine")),
    Case("Writer", "{writer: Luca Pellegrino}", has("writer", "Luca Pellegrino")),
    Case("Country", "{country: [Japan, South Korea]}", has("country", "Japan", "South Korea")),
    Case("Audio", "{audio_language: jpn}", audio("jpn")),
    Case("Subtitles", "{subtitle_language: kor}", subtitles("kor")),
    Case("Dolby Vision", "{has_dolby_vision: true}", facts.is_dovi),
]
COMBINED = [
    Case(
        "Recent Horror",
        "{genre: Horror, year.gte: 2010}",
        lambda m: has("genre", "Horror")(m) and (m.year or 0) >= 2010,
    ),
    Case(
        "Westerns or very old",
        "[{genre: Western}, {year.lt: 1940}]",
        lambda m: has("genre", "Western")(m) or (m.year or 9999) < 1940,
    ),
    Case(
        "Long or Japanese comedies",
        "[{duration.gt: 150}, {genre: Comedy, country: Japan}]",
        lambda m: minutes(m) > 150 or (has("genre", "Comedy")(m) and has("country", "Japan")(m)),
    ),
]
CASES = LOCAL + SERVER + COMBINED

ERRORS = """\
  Unknown Filter:
    plex_all: true
    filters: {colour: red}
  Bad Modifier:
    plex_all: true
    filters:
      - genre: Horror
      - year.begins: 19
  Regex On Genre:
    plex_all: true
    filters: {genre.regex: ^Hor}
  After The Errors:
    plex_all: true
    filters: {genre: Music}
"""


def filters_file() -> str:
    lines = ["collections:"]
    for case in CASES:
        lines += [f"  {json.dumps(case.name)}:", "    plex_all: true", f"    filters: {case.filters}"]
    return "\n".join(lines) + "\n" + ERRORS


@pytest.fixture(scope="module")
def filtered(shared_engine: Engine) -> RunReport:
    return shared_engine.run_files(movies=filters_file())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.filters)
def test_filters_keep_exactly_the_movies_that_pass(
    shared_engine: Engine, filtered: RunReport, movies: list[Item], case: Case
) -> None:
    expected = keys([m for m in movies if case.holds(m)])
    assert 0 < len(expected) < len(movies), "each case should select a proper subset of the demo"
    entry = collection_report(filtered, case.name)
    assert (entry.status, entry.errors) == ("created", [])
    assert sorted(a.rating_key for a in entry.added) == sorted(expected)
    assert sorted(shared_engine.members(case.name)) == sorted(expected)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Unknown Filter", "filters.colour: unknown filter 'colour'"),
        ("Bad Modifier", "filters[1].year.begins: modifier .begins does not apply to year"),
        ("Regex On Genre", "filters.genre.regex: genre.regex needs full item details, not supported"),
    ],
)
def test_a_bad_filter_fails_its_collection_naming_file_line_and_filter_path(
    shared_engine: Engine, filtered: RunReport, name: str, message: str
) -> None:
    entry = collection_report(filtered, name)
    line = shared_engine.line_of(f"  {name}:")
    assert entry.status == "error"
    assert len(entry.errors) == 1
    assert entry.errors[0].startswith(f"movies.yml:{line}:3: {message}")
    assert not shared_engine.has_collection(name)


def test_the_collections_after_a_bad_filter_still_run(
    shared_engine: Engine, filtered: RunReport, movies: list[Item]
) -> None:
    music = keys([m for m in movies if has("genre", "Music")(m)])
    assert collection_report(filtered, "After The Errors").status == "created"
    assert sorted(shared_engine.members("After The Errors")) == sorted(music)


def test_running_the_filters_again_writes_nothing(shared_engine: Engine, filtered: RunReport) -> None:
    report, stats = shared_engine.rerun_counted()
    statuses = {c.status for lib in report.libraries for c in lib.collections}
    assert statuses == {"unchanged", "error"}
    assert stats["writes"] == 0, stats["routes"]


def test_collection_filters_see_the_collections_made_earlier_in_the_same_run(
    engine: Engine, movies: list[Item]
) -> None:
    report = engine.run_files(
        movies="""
            collections:
              In No Collection:
                plex_all: true
                filters: {has_collection: false}
              Saga Members:
                plex_all: true
                filters: {collection: Bramholt Saga}
              In Two Collections:
                plex_all: true
                filters: {collection.count_gt: 1}
        """
    )
    saga = has("collection", "Bramholt Saga")
    none = [m for m in movies if not m.tags.get("collection")]
    twice = [m for m in movies if len(m.tags.get("collection", [])) + saga(m) > 1]
    assert twice and all(saga(m) or len(m.tags["collection"]) > 1 for m in twice)
    for name, expected in [
        ("In No Collection", none),
        ("Saga Members", [m for m in movies if saga(m)]),
        ("In Two Collections", twice),
    ]:
        assert collection_report(report, name).status == "created"
        assert sorted(engine.members(name)) == sorted(keys(expected)), name
