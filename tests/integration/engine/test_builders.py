"""Builders end to end: `plex_all`, every `plex_search` attribute, `any`/`all` nesting, sorts and limits,
`plex_collectionless`, `smart_filter`, `smart_label`, unions of builders and unsupported builders.

One config (`movies_file()` for Movies, `shows_file()` for TV Shows; one collection per case) is run once
against a demo server; each test then reads one collection back through plexapi and compares it with the
movies (or shows) that a plain-Python reading of `plexsim.dataset.generate()` selects. The clock is NOW
(2026-01-04) for Plex as for the engine. Tests that change the library get a fresh server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from modules.report import RunReport
from plexsim.model import Item, Library
from tests.support import plex_facts as facts
from tests.support.engine_e2e import DAY, NOW_EPOCH, Engine, Pred, audio, epoch, has, keys, subtitles
from tests.support.engine_run import collection_report


@dataclass(frozen=True)
class Case:
    """One collection: its name, the `plex_search` terms (inside `all:`) and which items it should hold."""

    name: str
    terms: str
    holds: Pred


def rated(value: float | None) -> float:
    return -1.0 if value is None else value


MOVIE_SEARCHES = [
    Case("Title contains harbor", "title: harbor", lambda m: "harbor" in m.title.casefold()),
    Case("Title without The", "title.not: the", lambda m: "the" not in m.title.casefold()),
    Case("Title is The Quarry", "title.is: the quarry", lambda m: m.title.casefold() == "the quarry"),
    Case("Title is not The Quarry", "title.isnot: The Quarry", lambda m: m.title != "The Quarry"),
    Case("Title begins with Return", "title.begins: Return", lambda m: m.title.startswith("Return")),
    Case("Title ends with Letter", "title.ends: letter", lambda m: m.title.casefold().endswith("letter")),
    Case("Year after 2024", "year.gt: 2024", lambda m: (m.year or 0) > 2024),
    Case("Year 2024 on", "year.gte: 2024", lambda m: (m.year or 0) >= 2024),
    Case("Year before 1950", "year.lt: 1950", lambda m: m.year is not None and m.year < 1950),
    Case("Year up to 1950", "year.lte: 1950", lambda m: m.year is not None and m.year <= 1950),
    Case("Nineties", "decade: 1990", lambda m: m.year is not None and 1990 <= m.year <= 1999),
    Case("Horror", "genre: Horror", has("genre", "Horror")),
    Case("Western or War", "any: {genre: [Western, War]}", has("genre", "Western", "War")),
    # Kometa: a list directly under all: wants every value
    Case(
        "Comedy and Drama",
        "genre: [Comedy, Drama]",
        lambda m: {"Comedy", "Drama"} <= set(m.tags.get("genre", [])),
    ),
    Case(
        "Neither Drama nor Comedy",
        "genre.not: [Drama, Comedy]",
        lambda m: not has("genre", "Drama", "Comedy")(m),
    ),
    Case("Japanese", "country: Japan", has("country", "Japan")),
    Case(
        "Studio Ember and Oak", "studio: ember & oak", lambda m: "ember & oak" in (m.studio or "").casefold()
    ),
    Case(
        "Rated G or NC-17", "any: {content_rating: [G, NC-17]}", lambda m: m.content_rating in ("G", "NC-17")
    ),
    Case("In 480", "resolution: 480", lambda m: "480" in facts.resolutions(m)),
    Case("Japanese audio", "audio_language: jpn", audio("jpn")),
    Case("Korean subtitles", "subtitle_language: kor", subtitles("kor")),
    Case("With Sasha Ivesdale", "actor: Sasha Ivesdale", has("actor", "Sasha Ivesdale")),
    Case("By Rune Fontaine", "director: Rune Fontaine", has("director", "Rune Fontaine")),
    Case("Written by Luca Pellegrino", "writer: Luca Pellegrino", has("writer", "Luca Pellegrino")),
    Case("Produced by Ada Zennor", "producer: Ada Zennor", has("producer", "Ada Zennor")),
    Case("Labelled Favorite", "label: Favorite", has("label", "Favorite")),
    Case("In Bramholt Saga", "collection: Bramholt Saga", has("collection", "Bramholt Saga")),
    Case("Added in 30 days", "added: 30", lambda m: m.added_at > NOW_EPOCH - 30 * DAY),
    Case("Added before 2019", "added.before: 2019-01-01", lambda m: m.added_at < epoch("2019-01-01")),
    Case("Added after October", "added.after: 10/01/2025", lambda m: m.added_at > epoch("2025-10-01")),
    Case(
        "Released in 60 days", "release: 60", lambda m: (facts.release_epoch(m) or 0) > NOW_EPOCH - 60 * DAY
    ),
    Case("Critics 8.5 and up", "critic_rating.gte: 8.5", lambda m: rated(m.rating) >= 8.5),
    Case("Audience under 4.5", "audience_rating.lt: 4.5", lambda m: -1 < rated(m.audience_rating) < 4.5),
    Case("User rated", "user_rating.rated: true", lambda m: m.user_rating is not None),
    Case("Played twice", "plays.gt: 1", lambda m: m.view_count > 1),
    Case("Longer than 150 minutes", "duration.gt: 150", lambda m: (m.duration or 0) > 150 * 60_000),
    Case("HDR", "hdr: true", facts.is_hdr),
    Case("Dolby Vision", "dovi: true", facts.is_dovi),
    Case("Unmatched", "unmatched: true", lambda m: m.guid.startswith("local://")),
    Case("Unplayed", "unplayed: true", lambda m: m.view_count == 0),
    Case("In progress", "progress: true", lambda m: m.view_offset > 0),
]


def nested(m: Item) -> bool:
    """(Horror and 2010s) or (Comedy and (before 1990 or in 4K))."""
    decade = (m.year or 0) // 10 * 10
    comedy_extra = (m.year or 9999) < 1990 or "4k" in facts.resolutions(m)
    return (has("genre", "Horror")(m) and decade == 2010) or (has("genre", "Comedy")(m) and comedy_extra)


NESTED = """
    plex_search:
      any:
        all:
          - genre: Horror
            decade: 2010
          - genre: Comedy
            any:
              year.lt: 1990
              resolution: 4k
"""


@dataclass(frozen=True)
class ShowCase:
    """A show-library collection: `holds(show, its episodes)`."""

    name: str
    terms: str
    holds: Callable[[Item, list[Item]], bool]


SHOW_SEARCHES = [
    ShowCase("On Channel Meridian", "network: Channel Meridian", lambda s, _: s.studio == "Channel Meridian"),
    ShowCase("With unplayed episodes", "unplayed: true", lambda _, eps: any(e.view_count == 0 for e in eps)),
    ShowCase(
        "Episodes from 2025 on",
        "episode_year.gte: 2025",
        lambda _, eps: any((e.year or 0) >= 2025 for e in eps),
    ),
    ShowCase(
        "Episodes by Wanda Petrakis",
        "episode_director: Wanda Petrakis",
        lambda _, eps: any(has("director", "Wanda Petrakis")(e) for e in eps),
    ),
]


def flow(name: str) -> str:
    """A collection name as a YAML key (JSON strings are YAML)."""
    return json.dumps(name)


def movies_file() -> str:
    lines = ["collections:", "  All Movies:", "    plex_all: true"]
    for case in MOVIE_SEARCHES:
        lines += [f"  {flow(case.name)}:", f"    plex_search: {{all: {{{case.terms}}}}}"]
    lines += ["  Nested Any and All:", *NESTED.strip("\n").splitlines()]
    return "\n".join(lines) + "\n" + SORTED_AND_SMART


SORTED_AND_SMART = """\
  Top Westerns by Critics:
    plex_search:
      all: {genre: Western}
      sort_by: critic_rating.desc
      limit: 5
    collection_order: custom
  First Horror Movies:
    plex_search: {all: {genre: Horror}, sort_by: year.asc}
    limit: 4
    collection_order: custom
  Westerns and War Movies:
    plex_search:
      - all: {genre: Western}
      - all: {genre: War}
  Smart 2010s Horror:
    smart_filter:
      all: {genre: Horror, decade: 2010}
      sort_by: title.asc
  Popular on TMDb:
    tmdb_popular: 10
  Last Movie In The File:
    plex_search: {all: {genre: Music}}
"""


def shows_file() -> str:
    lines = ["collections:", "  All Shows:", "    plex_all: true"]
    for case in SHOW_SEARCHES:
        lines += [f"  {flow(case.name)}:", f"    plex_search: {{all: {{{case.terms}}}}}"]
    lines += ["  Smart Wanda Petrakis Shows:", "    smart_filter: {all: {episode_director: Wanda Petrakis}}"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def built(shared_engine: Engine) -> RunReport:
    """The builders file for Movies and TV Shows, run once."""
    return shared_engine.run_files(movies=movies_file(), shows=shows_file())


def assert_built(engine: Engine, report: RunReport, name: str, expected: list[Item], section: str) -> None:
    """Created in this run with exactly the expected items added, and Plex holds exactly those."""
    entry = collection_report(report, name)
    assert (entry.status, entry.errors) == ("created", [])
    assert sorted(a.rating_key for a in entry.added) == sorted(keys(expected))
    assert sorted(engine.members(name, section)) == sorted(keys(expected))


# --------------------------------------------------------------------------- plex_all and plex_search


def test_plex_all_holds_every_movie_and_in_a_show_library_every_show(
    shared_engine: Engine, built: RunReport, movies: list[Item], shows: list[Item]
) -> None:
    assert_built(shared_engine, built, "All Movies", movies, "Movies")
    assert_built(shared_engine, built, "All Shows", shows, "TV Shows")


@pytest.mark.parametrize("case", MOVIE_SEARCHES, ids=lambda c: c.terms)
def test_each_plex_search_attribute_selects_the_movies_it_describes(
    shared_engine: Engine, built: RunReport, movies: list[Item], case: Case
) -> None:
    expected = [m for m in movies if case.holds(m)]
    assert 0 < len(expected) < len(movies), "each case should select a proper subset of the demo"
    assert_built(shared_engine, built, case.name, expected, "Movies")


def test_any_and_all_nest_two_levels_deep(
    shared_engine: Engine, built: RunReport, movies: list[Item]
) -> None:
    assert_built(shared_engine, built, "Nested Any and All", [m for m in movies if nested(m)], "Movies")


@pytest.mark.parametrize("case", SHOW_SEARCHES, ids=lambda c: c.terms)
def test_show_library_searches_select_shows_also_through_their_episodes(
    shared_engine: Engine, built: RunReport, dataset: Library, shows: list[Item], case: ShowCase
) -> None:
    expected = [s for s in shows if case.holds(s, facts.episodes_of(dataset, s))]
    assert 0 < len(expected) < len(shows)
    assert_built(shared_engine, built, case.name, expected, "TV Shows")


# --------------------------------------------------------------------------- order, limits, unions


def test_sort_by_and_limit_with_custom_order_keep_plex_search_order(
    shared_engine: Engine, built: RunReport, movies: list[Item]
) -> None:
    westerns = [m for m in movies if has("genre", "Western")(m)]
    best = facts.sort_by(westerns, lambda m: m.rating, desc=True)[:5]
    assert_built(shared_engine, built, "Top Westerns by Critics", best, "Movies")
    assert shared_engine.members("Top Westerns by Critics") == keys(best)
    assert shared_engine.collection("Top Westerns by Critics").collectionSort == 2


def test_limit_as_a_definition_setting_cuts_the_builder_result(
    shared_engine: Engine, built: RunReport, movies: list[Item]
) -> None:
    horror = [m for m in movies if has("genre", "Horror")(m)]
    oldest = facts.sort_by(horror, lambda m: m.year)[:4]
    assert_built(shared_engine, built, "First Horror Movies", oldest, "Movies")
    assert shared_engine.members("First Horror Movies") == keys(oldest)


def test_a_list_of_searches_is_a_union(shared_engine: Engine, built: RunReport, movies: list[Item]) -> None:
    expected = [m for m in movies if has("genre", "Western", "War")(m)]
    assert_built(shared_engine, built, "Westerns and War Movies", expected, "Movies")


# --------------------------------------------------------------------------- smart_filter


def test_smart_filter_makes_a_smart_collection_whose_stored_filter_replays(
    shared_engine: Engine, built: RunReport, movies: list[Item]
) -> None:
    expected = [m for m in movies if has("genre", "Horror")(m) and 2010 <= (m.year or 0) <= 2019]
    entry = collection_report(built, "Smart 2010s Horror")
    assert (entry.status, entry.smart, entry.added) == ("created", True, [])
    collection = shared_engine.collection("Smart 2010s Horror")
    assert collection.smart
    assert [int(i.ratingKey) for i in collection.items()] == keys(facts.title_order(expected))
    path = "/library/sections/1/all?" + collection.content.split("?", 1)[1]
    replayed = shared_engine.plex.query(path)
    assert [int(node.attrib["ratingKey"]) for node in replayed] == keys(facts.title_order(expected))


def test_smart_filters_store_plex_tag_ids_also_for_tags_of_episodes(
    shared_engine: Engine, built: RunReport, dataset: Library, shows: list[Item]
) -> None:
    horror = facts.tag_id(dataset, "genre", "Horror")
    assert f"&genre={horror}&" in shared_engine.collection("Smart 2010s Horror").content
    director = facts.tag_id(dataset, "director", "Wanda Petrakis")
    smart = shared_engine.collection("Smart Wanda Petrakis Shows", "TV Shows")
    assert smart.content.endswith(f"?type=2&episode.director={director}")
    expected = [
        s for s in shows if any(has("director", "Wanda Petrakis")(e) for e in facts.episodes_of(dataset, s))
    ]
    assert [int(i.ratingKey) for i in smart.items()] == keys(expected)


# --------------------------------------------------------------------------- errors and re-runs


def test_an_unsupported_builder_fails_only_its_collection_naming_file_and_line(
    shared_engine: Engine, built: RunReport, movies: list[Item]
) -> None:
    line = shared_engine.line_of("  Popular on TMDb:")
    entry = collection_report(built, "Popular on TMDb")
    assert entry.status == "error"
    assert entry.errors == [
        f"{shared_engine.source()}:{line}:3: builder tmdb_popular is not supported by this engine (it needs TMDb)"
    ]
    assert not shared_engine.has_collection("Popular on TMDb")
    music = [m for m in movies if has("genre", "Music")(m)]
    assert_built(shared_engine, built, "Last Movie In The File", music, "Movies")


def test_a_second_run_of_the_same_config_changes_nothing_and_writes_nothing(
    shared_engine: Engine, built: RunReport
) -> None:
    first = {c.name: c.status for lib in built.libraries for c in lib.collections}
    report, stats = shared_engine.rerun_counted()
    second = {c.name: c.status for lib in report.libraries for c in lib.collections}
    assert set(second) == set(first)
    assert {n: s for n, s in second.items() if s != "unchanged"} == {"Popular on TMDb": "error"}
    assert [c.name for lib in report.libraries for c in lib.collections if c.added or c.removed] == []
    assert stats["writes"] == 0, stats["routes"]


def test_a_search_for_episodes_is_refused_as_builder_level_is_not_supported(engine: Engine) -> None:
    report = engine.run_files(
        shows="""
            collections:
              Recent Episodes:
                plex_search: {type: episodes, all: {year: 2025}}
        """
    )
    assert collection_report(report, "Recent Episodes").errors == [
        "shows.yml:2:3: plex_search.type: episodes would build a collection of episodes, but this engine builds "
        "collections of shows only (builder_level is not supported)"
    ]


# --------------------------------------------------------------------------- builders that change the library


def test_collectionless_holds_items_in_no_collection_except_excluded_ones_and_unions_with_search(
    engine: Engine, movies: list[Item]
) -> None:
    """Collections made earlier in the run count; `exclude_prefix` names the ones that do not, by title or
    sort title. The collectionless collection itself never counts, so a re-run keeps it as it is."""
    engine.collection("The Bitter Ladder Collection").editSortTitle("~Bitter Ladder")
    report = engine.run_files(
        movies="""
            collections:
              Kometa Westerns:
                plex_search: {all: {genre: Western}}
              Horror:
                plex_search: {all: {genre: Horror}}
              Collectionless:
                plex_collectionless:
                  exclude_prefix: [Kometa, "~"]
                plex_search: {all: {collection: Dancer Classics}}
                sync_mode: sync
        """
    )
    counted = has("collection", "Dancer Classics", "Bramholt Saga")
    expected = [
        m
        for m in movies
        if not (counted(m) or has("genre", "Horror")(m)) or has("collection", "Dancer Classics")(m)
    ]
    assert any(has("collection", "The Bitter Ladder Collection")(m) for m in expected)
    assert any(has("genre", "Western")(m) for m in expected)
    assert_built(engine, report, "Collectionless", expected, "Movies")

    again, stats = engine.rerun_counted()
    assert collection_report(again, "Collectionless").status == "unchanged"
    assert stats["writes"] == 0, stats["routes"]


def labelled(engine: Engine, label: str) -> set[int]:
    """Rating keys of the movies carrying `label`, read through plexapi."""
    section = engine.plex.library.section("Movies")
    return {int(m.ratingKey) for m in section.all() if label in [t.tag for t in m.labels]}


def test_smart_label_labels_the_items_and_sync_takes_the_label_off_items_that_stop_matching(
    engine: Engine, movies: list[Item]
) -> None:
    westerns = [m for m in movies if has("genre", "Western")(m)]
    text = """
        collections:
          Western Label:
            smart_label: title.asc
            plex_search: {all: {genre: Western}}
            sync_mode: sync
    """
    report = engine.run_files(movies=text)
    entry = collection_report(report, "Western Label")
    assert (entry.status, entry.smart) == ("created", True)
    assert f"label on items: +{len(westerns)} -0" in entry.changes
    assert labelled(engine, "Western Label") == set(keys(westerns))
    assert sorted(engine.members("Western Label")) == sorted(keys(westerns))

    leaver = westerns[0]
    engine.plex.fetchItem(leaver.rating_key).removeGenre("Western", locked=True)
    report, stats = engine.rerun_counted()
    entry = collection_report(report, "Western Label")
    assert entry.status == "updated"
    assert "label on items: +0 -1" in entry.changes
    assert labelled(engine, "Western Label") == set(keys(westerns[1:]))
    assert sorted(engine.members("Western Label")) == sorted(keys(westerns[1:]))
    assert stats["writes"] == 1, stats["routes"]

    _, stats = engine.rerun_counted()
    assert stats["writes"] == 0, stats["routes"]


def test_collectionless_ignores_a_sort_title_prefix_set_earlier_in_the_same_run(engine: Engine) -> None:
    """The sort title a definition sets counts at once, so the first run already agrees with the second."""
    engine.run_files(
        movies="""
            collections:
              Westerns:
                plex_search: {all: {genre: Western}}
                sort_title: "~Westerns"
              Collectionless:
                plex_collectionless: {exclude_prefix: "~"}
        """
    )
    first = sorted(engine.members("Collectionless"))
    again, stats = engine.rerun_counted()
    assert collection_report(again, "Collectionless").status == "unchanged"
    assert sorted(engine.members("Collectionless")) == first
    assert stats["writes"] == 0
