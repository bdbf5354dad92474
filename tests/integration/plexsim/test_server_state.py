"""Watch state, ratings, server preferences and section settings through plexapi.

Tests that change something use the fresh per-test `plex` server; the starting values come from `dataset`.
"""

from __future__ import annotations

import time

import pytest
from plexapi.exceptions import BadRequest, NotFound
from plexapi.server import PlexServer

from plexsim.dataset import MOVIES_SECTION_ID, SHOWS_SECTION_ID
from plexsim.model import Item, Library
from plexsim.server import PlexSimServer
from tests.integration.plexsim.conftest import TOKEN


def unwatched_unrated_movie(dataset: Library) -> Item:
    return next(
        m
        for m in dataset.of_type(MOVIES_SECTION_ID, "movie")
        if m.view_count == 0 and m.view_offset == 0 and m.user_rating is None
    )


def partly_watched_show(dataset: Library) -> Item:
    for show in dataset.of_type(SHOWS_SECTION_ID, "show"):
        leaves = dataset.leaves(show)
        if 0 < sum(1 for e in leaves if e.view_count) < len(leaves):
            return show
    raise AssertionError("the demo dataset has no partly watched show")


# --------------------------------------------------------------------------- watch state


def test_mark_played_counts_a_view(plex: PlexServer, dataset: Library) -> None:
    want = unwatched_unrated_movie(dataset)
    movie = plex.fetchItem(want.rating_key)
    assert (movie.viewCount, movie.isPlayed) == (0, False)
    before = int(time.time())
    movie.markPlayed()
    movie.reload()
    assert movie.viewCount == 1
    assert movie.isPlayed is True
    assert movie.lastViewedAt.timestamp() >= before
    movie.markPlayed()
    assert plex.fetchItem(want.rating_key).viewCount == 2


def test_mark_unplayed_clears_the_view_count(plex: PlexServer, dataset: Library) -> None:
    want = next(m for m in dataset.of_type(MOVIES_SECTION_ID, "movie") if m.view_count >= 1)
    movie = plex.fetchItem(want.rating_key)
    assert movie.viewCount == want.view_count
    movie.markUnplayed()
    movie.reload()
    assert movie.viewCount == 0
    assert movie.isPlayed is False
    assert movie.lastViewedAt is None


def test_watch_state_shows_in_unwatched_filters(plex: PlexServer, dataset: Library) -> None:
    want = unwatched_unrated_movie(dataset)
    section = plex.library.sectionByID(MOVIES_SECTION_ID)
    unwatched = {m.rating_key for m in dataset.of_type(MOVIES_SECTION_ID, "movie") if m.view_count == 0}
    assert {m.ratingKey for m in section.search(unwatched=True)} == unwatched
    plex.fetchItem(want.rating_key).markPlayed()
    assert {m.ratingKey for m in section.search(unwatched=True)} == unwatched - {want.rating_key}


def test_mark_played_on_a_show_plays_every_episode(plex: PlexServer, dataset: Library) -> None:
    want = partly_watched_show(dataset)
    show = plex.fetchItem(want.rating_key)
    assert show.viewedLeafCount == sum(1 for e in dataset.leaves(want) if e.view_count)
    show.markPlayed()
    show.reload()
    assert show.viewedLeafCount == show.leafCount == len(dataset.leaves(want))
    assert all(e.isPlayed for e in show.episodes())
    show.markUnplayed()
    assert plex.fetchItem(want.rating_key).viewedLeafCount == 0


def test_rate_sets_and_clears_the_user_rating(plex: PlexServer, dataset: Library) -> None:
    want = unwatched_unrated_movie(dataset)
    movie = plex.fetchItem(want.rating_key)
    assert movie.userRating is None
    movie.rate(7.0)
    movie.reload()
    assert movie.userRating == 7.0
    assert movie.lastRatedAt is not None
    movie.rate(2.5)
    assert plex.fetchItem(want.rating_key).userRating == 2.5
    movie.rate()  # no rating = clear it
    movie.reload()
    assert movie.userRating is None


def test_rated_movies_are_found_by_user_rating(plex: PlexServer, dataset: Library) -> None:
    want = unwatched_unrated_movie(dataset)
    plex.fetchItem(want.rating_key).rate(10.0)
    section = plex.library.sectionByID(MOVIES_SECTION_ID)
    tens = {m.rating_key for m in dataset.of_type(MOVIES_SECTION_ID, "movie") if m.user_rating == 10.0}
    assert {m.ratingKey for m in section.search(filters={"userRating": 10})} == tens | {want.rating_key}


def test_watch_state_of_an_unknown_item_is_not_found(plex: PlexServer) -> None:
    with pytest.raises(NotFound):
        plex.query("/:/scrobble?key=999999&identifier=com.plexapp.plugins.library")


# --------------------------------------------------------------------------- server preferences


def test_server_settings_read_the_defaults(plex_ro: PlexServer) -> None:
    settings = plex_ro.settings
    cache = settings.get("DatabaseCacheSize")
    assert (cache.type, cache.value) == ("int", 40)
    channel = settings.get("butlerUpdateChannel")
    assert channel.value == "16"
    assert set(channel.enumValues) == {"16", "8"}
    assert settings.get("butlerStartHour").value == 2
    assert settings.get("butlerEndHour").value == 5
    with pytest.raises(NotFound):
        settings.get("noSuchSetting")


def test_saving_a_server_setting_keeps_the_new_value(plex: PlexServer, server: PlexSimServer) -> None:
    settings = plex.settings
    settings.get("DatabaseCacheSize").set(256)
    settings.save()  # plexapi's own re-read after saving keeps the old objects: connect again to see it
    assert PlexServer(server.url, TOKEN).settings.get("DatabaseCacheSize").value == 256


def test_saving_the_friendly_name_renames_the_server(plex: PlexServer, server: PlexSimServer) -> None:
    plex.settings.get("FriendlyName").set("Den Server")
    plex.settings.save()
    assert PlexServer(server.url, TOKEN).friendlyName == "Den Server"


# --------------------------------------------------------------------------- section settings and timeline


def test_section_settings_list_the_ratings_source(plex_ro: PlexServer) -> None:
    settings = {s.id: s for s in plex_ro.library.sectionByID(MOVIES_SECTION_ID).settings()}
    ratings = settings["ratingsSource"]
    assert ratings.value == "rottentomatoes"
    assert {"rottentomatoes", "imdb", "themoviedb"} <= set(ratings.enumValues)
    assert ratings.enumValues[ratings.value] == "Rotten Tomatoes"  # how Kometa shows it
    show_settings = {s.id for s in plex_ro.library.sectionByID(SHOWS_SECTION_ID).settings()}
    assert "ratingsSource" in show_settings


def test_section_advanced_settings_can_be_edited(plex: PlexServer) -> None:
    section = plex.library.sectionByID(MOVIES_SECTION_ID)
    section.editAdvanced(ratingsSource="imdb")
    settings = {s.id: s.value for s in plex.library.sectionByID(MOVIES_SECTION_ID).settings()}
    assert settings["ratingsSource"] == "imdb"


def test_section_timeline_reports_an_idle_library(plex_ro: PlexServer, dataset: Library) -> None:
    section = dataset.sections[MOVIES_SECTION_ID]
    timeline = plex_ro.library.sectionByID(MOVIES_SECTION_ID).timeline()
    assert timeline.updateQueueSize == 0
    assert timeline.title1 == section.title
    assert timeline.identifier == "com.plexapp.plugins.library"
    assert timeline.latestEntryTime == section.updated_at


def test_a_section_can_be_renamed(plex: PlexServer, server: PlexSimServer, dataset: Library) -> None:
    section = plex.library.sectionByID(MOVIES_SECTION_ID)
    section.edit(name="Films")
    renamed = PlexServer(server.url, TOKEN).library.section("Films")
    assert renamed.key == MOVIES_SECTION_ID
    assert renamed.agent == dataset.sections[MOVIES_SECTION_ID].agent
    assert renamed.totalSize == len(dataset.of_type(MOVIES_SECTION_ID, "movie"))


def test_an_unknown_value_for_an_enumerated_section_setting_is_refused(plex: PlexServer) -> None:
    with pytest.raises(BadRequest):
        plex.query(
            f"/library/sections/{MOVIES_SECTION_ID}?prefs%5BratingsSource%5D=nonsense",
            method=plex._session.put,
        )
    with pytest.raises(BadRequest):
        plex.library.sectionByID(SHOWS_SECTION_ID).edit(
            name=plex.library.sectionByID(MOVIES_SECTION_ID).title
        )
