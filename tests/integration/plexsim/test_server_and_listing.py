"""Connecting with the real plexapi client, browsing sections, listing and paging, and the show hierarchy.

Every expectation is computed from the `dataset` fixture (an identical generated library read with plain
Python); the server is only ever asked through plexapi.
"""

from __future__ import annotations

import math
import re

import pytest
import requests
from plexapi.library import MovieSection, ShowSection
from plexapi.server import PlexServer
from plexapi.video import Episode, Movie, Season, Show

from plexsim.dataset import MOVIES_SECTION_ID, SHOWS_SECTION_ID
from plexsim.model import Item, Library
from plexsim.server import PlexSimServer
from tests.integration.plexsim.conftest import TOKEN


def dataset_movies(dataset: Library) -> list[Item]:
    return dataset.of_type(MOVIES_SECTION_ID, "movie")


def dataset_shows(dataset: Library) -> list[Item]:
    return dataset.of_type(SHOWS_SECTION_ID, "show")


def a_long_show(dataset: Library) -> Item:
    """The first show with at least two seasons whose second season has at least three episodes."""
    for show in dataset_shows(dataset):
        seasons = dataset.children(show.rating_key)
        if len(seasons) >= 2 and len(dataset.children(seasons[1].rating_key)) >= 3:
            return show
    raise AssertionError("the demo dataset has no show with two seasons of three episodes")


def route_count(server: PlexSimServer, route: str) -> int:
    stats = requests.get(f"{server.url}/__plexsim/stats", timeout=10).json()
    return int(stats["routes"].get(route, 0))


def reset_stats(server: PlexSimServer) -> None:
    requests.delete(f"{server.url}/__plexsim/stats", timeout=10).raise_for_status()


# --------------------------------------------------------------------------- server


def test_connecting_reads_friendly_name_machine_identifier_and_version(
    plex_ro: PlexServer, dataset: Library
) -> None:
    assert plex_ro.friendlyName == dataset.friendly_name
    assert plex_ro.machineIdentifier == dataset.machine_identifier
    assert plex_ro.version == dataset.version
    assert plex_ro.platform == "Linux"
    assert plex_ro.allowSync is True
    assert plex_ro.myPlexSubscription is False
    assert plex_ro.transcoderActiveVideoSessions == 0


def test_identity_names_the_same_machine(plex_ro: PlexServer, dataset: Library) -> None:
    identity = plex_ro.identity()
    assert identity.machineIdentifier == dataset.machine_identifier
    assert identity.version == dataset.version
    assert identity.claimed is False


def test_library_root_is_the_plex_library(plex_ro: PlexServer) -> None:
    library = plex_ro.library
    assert library.identifier == "com.plexapp.plugins.library"
    assert library.title1 == "Plex Library"


def test_sections_list_titles_types_agents_uuids_and_locations(plex_ro: PlexServer, dataset: Library) -> None:
    sections = plex_ro.library.sections()
    assert [s.key for s in sections] == list(dataset.sections)
    for got, want in zip(sections, dataset.sections.values(), strict=True):
        assert (got.title, got.type, got.agent, got.scanner) == (
            want.title,
            want.type,
            want.agent,
            want.scanner,
        )
        assert got.uuid == want.uuid
        assert got.locations == [want.location]
        assert got.language == want.language
        assert got.allowSync is True  # Kometa refuses "read only" sections otherwise
    assert isinstance(plex_ro.library.sectionByID(MOVIES_SECTION_ID), MovieSection)
    assert isinstance(plex_ro.library.sectionByID(SHOWS_SECTION_ID), ShowSection)


def test_section_total_size_counts_the_dataset_items(plex_ro: PlexServer, dataset: Library) -> None:
    movies = plex_ro.library.sectionByID(MOVIES_SECTION_ID)
    shows = plex_ro.library.sectionByID(SHOWS_SECTION_ID)
    assert movies.totalSize == len(dataset_movies(dataset))
    assert shows.totalSize == len(dataset_shows(dataset))
    assert shows.totalViewSize(libtype="season") == len(dataset.of_type(SHOWS_SECTION_ID, "season"))
    assert shows.totalViewSize(libtype="episode") == len(dataset.of_type(SHOWS_SECTION_ID, "episode"))


# --------------------------------------------------------------------------- listing and paging


def test_all_returns_every_movie_exactly_once(plex_ro: PlexServer, dataset: Library) -> None:
    movies = plex_ro.library.sectionByID(MOVIES_SECTION_ID).all()
    keys = [m.ratingKey for m in movies]
    assert len(keys) == len(set(keys))
    assert set(keys) == {m.rating_key for m in dataset_movies(dataset)}
    assert all(isinstance(m, Movie) for m in movies)
    by_key = {m.rating_key: m for m in dataset_movies(dataset)}
    for movie in movies[:25]:
        want = by_key[movie.ratingKey]
        assert (movie.title, movie.year, movie.guid) == (want.title, want.year, want.guid)
        assert movie.librarySectionID == MOVIES_SECTION_ID


def test_all_is_sorted_by_sort_title(plex_ro: PlexServer, dataset: Library) -> None:
    movies = plex_ro.library.sectionByID(MOVIES_SECTION_ID).all()
    sort_titles = [m.titleSort.lower() for m in movies]
    assert sort_titles == sorted(sort_titles)


def test_paging_seven_at_a_time_fetches_the_same_movies_page_by_page(
    plex_ro: PlexServer, shared_server: PlexSimServer, dataset: Library
) -> None:
    section = plex_ro.library.sectionByID(MOVIES_SECTION_ID)
    everything = [m.ratingKey for m in section.all()]
    reset_stats(shared_server)
    paged = [m.ratingKey for m in section.search(libtype="movie", container_size=7)]
    assert paged == everything
    expected_pages = math.ceil(len(dataset_movies(dataset)) / 7)
    assert route_count(shared_server, "GET /library/sections/{section}/all") == expected_pages


def test_maxresults_stops_paging_after_enough_movies(
    plex_ro: PlexServer, shared_server: PlexSimServer
) -> None:
    section = plex_ro.library.sectionByID(MOVIES_SECTION_ID)
    everything = [m.ratingKey for m in section.all()]
    reset_stats(shared_server)
    first = section.search(libtype="movie", container_size=7, maxresults=20)
    assert [m.ratingKey for m in first] == everything[:20]
    assert route_count(shared_server, "GET /library/sections/{section}/all") == 3  # 7 + 7 + 6


def test_container_start_skips_the_first_movies(plex_ro: PlexServer) -> None:
    section = plex_ro.library.sectionByID(MOVIES_SECTION_ID)
    everything = [m.ratingKey for m in section.all()]
    rest = section.search(libtype="movie", container_start=300, container_size=7)
    assert [m.ratingKey for m in rest] == everything[300:]


def test_limit_caps_a_sorted_search(plex_ro: PlexServer, dataset: Library) -> None:
    section = plex_ro.library.sectionByID(MOVIES_SECTION_ID)
    newest = section.search(sort="addedAt:desc", limit=5)
    want = sorted(dataset_movies(dataset), key=lambda m: -m.added_at)[:5]
    assert [m.addedAt.timestamp() for m in newest] == [float(m.added_at) for m in want]


# --------------------------------------------------------------------------- shows, seasons, episodes


def test_show_section_lists_every_show(plex_ro: PlexServer, dataset: Library) -> None:
    shows = plex_ro.library.sectionByID(SHOWS_SECTION_ID).all()
    assert all(isinstance(s, Show) for s in shows)
    assert sorted(s.ratingKey for s in shows) == sorted(s.rating_key for s in dataset_shows(dataset))


def test_show_counts_seasons_and_episodes(plex_ro: PlexServer, dataset: Library) -> None:
    want = a_long_show(dataset)
    show = plex_ro.fetchItem(want.rating_key)
    assert show.childCount == len(dataset.children(want.rating_key))
    assert show.leafCount == len(dataset.leaves(want))
    assert show.viewedLeafCount == sum(1 for e in dataset.leaves(want) if e.view_count)


def test_seasons_are_the_dataset_seasons_in_order(plex_ro: PlexServer, dataset: Library) -> None:
    want = a_long_show(dataset)
    seasons = plex_ro.fetchItem(want.rating_key).seasons()
    assert all(isinstance(s, Season) for s in seasons)
    expected = dataset.children(want.rating_key)
    assert [(s.ratingKey, s.index, s.title) for s in seasons] == [
        (s.rating_key, s.index, s.title) for s in expected
    ]
    assert all(s.parentRatingKey == want.rating_key for s in seasons)


def test_episodes_of_a_show_and_of_a_season(plex_ro: PlexServer, dataset: Library) -> None:
    want = a_long_show(dataset)
    show = plex_ro.fetchItem(want.rating_key)
    assert [e.ratingKey for e in show.episodes()] == [e.rating_key for e in dataset.leaves(want)]
    second = dataset.children(want.rating_key)[1]
    episodes = show.season(season=second.index).episodes()
    assert all(isinstance(e, Episode) for e in episodes)
    assert [(e.ratingKey, e.index, e.title) for e in episodes] == [
        (e.rating_key, e.index, e.title) for e in dataset.children(second.rating_key)
    ]


def test_show_episode_by_season_and_episode_number(plex_ro: PlexServer, dataset: Library) -> None:
    want = a_long_show(dataset)
    season = dataset.children(want.rating_key)[1]
    third = dataset.children(season.rating_key)[2]
    episode = plex_ro.fetchItem(want.rating_key).episode(season=season.index, episode=3)
    assert episode.ratingKey == third.rating_key
    assert (episode.seasonNumber, episode.episodeNumber) == (season.index, 3)
    assert episode.title == third.title
    assert episode.grandparentTitle == want.title
    assert episode.parentTitle == season.title


def test_episode_leads_back_to_its_show_and_season(plex_ro: PlexServer, dataset: Library) -> None:
    want = a_long_show(dataset)
    season = dataset.children(want.rating_key)[1]
    first = dataset.children(season.rating_key)[0]
    episode = plex_ro.fetchItem(first.rating_key)
    assert isinstance(episode, Episode)
    assert episode.show().ratingKey == want.rating_key
    assert episode.season().ratingKey == season.rating_key
    assert episode.season().show().title == want.title


def test_episodes_listed_across_the_section(plex_ro: PlexServer, dataset: Library) -> None:
    section = plex_ro.library.sectionByID(SHOWS_SECTION_ID)
    episodes = section.searchEpisodes(container_size=50)
    assert sorted(e.ratingKey for e in episodes) == sorted(
        e.rating_key for e in dataset.of_type(SHOWS_SECTION_ID, "episode")
    )


def test_a_wrong_token_is_refused_by_plexapi() -> None:
    from plexapi.exceptions import Unauthorized

    from plexsim.dataset import generate
    from plexsim.server import SimulatorConfig, start_background

    server = start_background(generate(scale=6, shows=1), config=SimulatorConfig(token=TOKEN))
    try:
        with pytest.raises(Unauthorized):
            PlexServer(server.url, "not-the-token")
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------- library-wide search


def test_library_search_looks_in_every_section(plex_ro: PlexServer, dataset: Library) -> None:
    movie = dataset_movies(dataset)[3]
    show = dataset_shows(dataset)[2]
    assert movie.rating_key in [m.ratingKey for m in plex_ro.library.search(title=movie.title)]
    found = plex_ro.library.search(title=show.title)
    assert show.rating_key in [s.ratingKey for s in found]
    assert {s.librarySectionID for s in found if s.ratingKey == show.rating_key} == {SHOWS_SECTION_ID}


def test_library_search_by_type_and_filter(plex_ro: PlexServer, dataset: Library) -> None:
    episodes = plex_ro.library.search(libtype="episode")
    assert len(episodes) == len(dataset.of_type(SHOWS_SECTION_ID, "episode"))
    year = dataset_movies(dataset)[0].year
    movies = plex_ro.library.search(libtype="movie", year=year)
    assert sorted(m.ratingKey for m in movies) == sorted(
        m.rating_key for m in dataset_movies(dataset) if m.year == year
    )
    everything = plex_ro.library.search()
    assert len(everything) == len(dataset_movies(dataset)) + len(dataset_shows(dataset))


def test_on_deck_lists_started_movies_most_recently_watched_first(
    plex_ro: PlexServer, dataset: Library
) -> None:
    started = [i for i in dataset.of_type(MOVIES_SECTION_ID, "movie") if i.view_offset > 0]
    assert started, "the demo library has movies in progress"
    started.sort(key=lambda i: (-(i.last_viewed_at or 0), i.rating_key))
    on_deck = plex_ro.library.section("Movies").onDeck()
    assert [m.ratingKey for m in on_deck] == [i.rating_key for i in started]


def test_recently_added_endpoint_is_newest_first(shared_server: PlexSimServer, dataset: Library) -> None:
    answer = requests.get(
        f"{shared_server.url}/library/sections/{MOVIES_SECTION_ID}/recentlyAdded",
        headers={"X-Plex-Token": TOKEN, "X-Plex-Container-Size": "5"},
        timeout=10,
    )
    newest = sorted(dataset.of_type(MOVIES_SECTION_ID, "movie"), key=lambda i: (-i.added_at, i.rating_key))[
        :5
    ]
    keys = [int(k) for k in re.findall(r"<Video ratingKey=\"(\d+)\"", answer.text)]
    assert keys == [i.rating_key for i in newest]
