"""Item details through plexapi: media versions, parts and streams (HDR, Dolby Vision, languages), tags with
role names, guids, fetching by rating key, search and hubs.

Items are chosen from the `dataset` fixture by what they contain, and expectations are read from it too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from plexapi.exceptions import NotFound
from plexapi.server import PlexServer
from plexapi.video import Movie

from plexsim.dataset import MOVIES_SECTION_ID, SHOWS_SECTION_ID
from plexsim.model import Item, Library, Stream
from plexsim.server import PlexSimServer


def movies_of(dataset: Library) -> list[Item]:
    return dataset.of_type(MOVIES_SECTION_ID, "movie")


def first_movie(dataset: Library, wanted: Callable[[Item], bool]) -> Item:
    found = next((m for m in movies_of(dataset) if wanted(m)), None)
    assert found is not None, "the demo dataset has no such movie"
    return found


def video_streams(item: Item) -> list[Stream]:
    return [s for m in item.media for p in m.parts for s in p.streams if s.stream_type == 1]


def is_dolby_vision(item: Item) -> bool:
    return any(s.attrs.get("DOVIPresent") == "1" for s in video_streams(item))


def is_hdr10_only(item: Item) -> bool:
    return not is_dolby_vision(item) and any(
        s.attrs.get("colorTrc") == "smpte2084" for s in video_streams(item)
    )


def details(plex: PlexServer, item: Item) -> Movie:
    """The movie as plexapi sees it after `reload()` (the full details view)."""
    movie = plex.fetchItem(item.rating_key)
    movie.reload()
    return movie


# --------------------------------------------------------------------------- media, parts, streams


def test_media_versions_and_parts_match_the_dataset(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(dataset, lambda m: len(m.media) > 1)
    movie = details(plex_ro, want)
    assert [m.id for m in movie.media] == [m.id for m in want.media]
    for got, media in zip(movie.media, want.media, strict=True):
        assert got.videoResolution == media.video_resolution
        assert (got.width, got.height) == (media.width, media.height)
        assert (got.videoCodec, got.audioCodec) == (media.video_codec, media.audio_codec)
        assert got.audioChannels == media.audio_channels
        assert got.container == media.container
        assert got.bitrate == media.bitrate
        assert [p.file for p in got.parts] == [p.file for p in media.parts]
        assert [p.size for p in got.parts] == [p.size for p in media.parts]
    assert movie.locations == [p.file for m in want.media for p in m.parts]


def test_audio_and_subtitle_streams_carry_language_codes(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(
        dataset,
        lambda m: (
            any(s.stream_type == 3 for md in m.media for p in md.parts for s in p.streams)
            and sum(1 for md in m.media for p in md.parts for s in p.streams if s.stream_type == 2) > 1
        ),
    )
    part = details(plex_ro, want).media[0].parts[0]
    streams = want.media[0].parts[0].streams
    assert [s.id for s in part.streams] == [s.id for s in streams]
    assert [s.languageCode for s in part.audioStreams()] == [
        s.attrs["languageCode"] for s in streams if s.stream_type == 2
    ]
    assert [s.languageCode for s in part.subtitleStreams()] == [
        s.attrs["languageCode"] for s in streams if s.stream_type == 3
    ]
    assert [s.forced for s in part.subtitleStreams()] == [
        s.attrs["forced"] == "1" for s in streams if s.stream_type == 3
    ]
    audio = part.audioStreams()[0]
    assert audio.selected is True
    assert audio.channels == int(streams[1].attrs["channels"])
    assert audio.codec == streams[1].codec


def test_dolby_vision_item_exposes_dovi_attributes(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(dataset, is_dolby_vision)
    attrs = video_streams(want)[0].attrs
    video = details(plex_ro, want).media[0].parts[0].videoStreams()[0]
    assert video.DOVIPresent is True
    assert video.DOVIProfile == int(attrs["DOVIProfile"])
    assert video.DOVIBLPresent is True
    assert video.DOVIELPresent is (attrs["DOVIELPresent"] == "1")
    assert video.colorTrc == "smpte2084"
    assert video.colorPrimaries == "bt2020"
    assert video.displayTitle == attrs["displayTitle"]
    assert "DoVi" in video.displayTitle


def test_hdr10_item_has_a_pq_transfer_and_no_dovi(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(dataset, is_hdr10_only)
    video = details(plex_ro, want).media[0].parts[0].videoStreams()[0]
    assert video.colorTrc == "smpte2084"
    assert video.bitDepth == 10
    assert video.DOVIPresent is None
    assert "HDR10" in video.displayTitle


def test_sdr_item_has_a_bt709_transfer(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(dataset, lambda m: m.media[0].video_resolution == "1080")
    video = details(plex_ro, want).media[0].parts[0].videoStreams()[0]
    assert video.colorTrc == "bt709"
    assert video.height == want.media[0].height


def test_list_views_leave_streams_out_but_plexapi_reloads_them(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(dataset, is_dolby_vision)
    movie = plex_ro.library.sectionByID(MOVIES_SECTION_ID).search(id=want.rating_key)[0]
    assert movie.media[0].parts[0].streams == []
    assert movie.videoStreams()[0].DOVIPresent is True  # videoStreams() reloads a partial object


# --------------------------------------------------------------------------- tags and guids


def test_tags_match_the_dataset_names(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(
        dataset, lambda m: bool(m.tags.get("label") and m.tags.get("collection") and m.tags.get("producer"))
    )
    movie = details(plex_ro, want)
    assert [t.tag for t in movie.genres] == want.tags["genre"]
    assert [t.tag for t in movie.directors] == want.tags["director"]
    assert [t.tag for t in movie.writers] == want.tags["writer"]
    assert [t.tag for t in movie.producers] == want.tags["producer"]
    assert [t.tag for t in movie.countries] == want.tags["country"]
    assert [t.tag for t in movie.labels] == want.tags["label"]
    assert [t.tag for t in movie.collections] == want.tags["collection"]


def test_roles_carry_actor_and_character_names(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(dataset, lambda m: len(m.tags.get("actor", [])) >= 4)
    movie = details(plex_ro, want)
    assert [(r.tag, r.role) for r in movie.roles] == [(a, want.roles[a]) for a in want.tags["actor"]]


def test_tags_in_details_have_ids_usable_as_filters(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(dataset, lambda m: bool(m.tags.get("genre")))
    genre = details(plex_ro, want).genres[0]
    assert genre.id is not None
    assert genre.filter == f"genre={genre.id}"
    section = plex_ro.library.sectionByID(MOVIES_SECTION_ID)
    found = {m.ratingKey for m in section.search(filters={"genre": genre.id})}
    assert found == {m.rating_key for m in movies_of(dataset) if genre.tag in m.tags.get("genre", [])}


def test_guids_match_the_dataset(plex_ro: PlexServer, dataset: Library) -> None:
    want = first_movie(dataset, lambda m: len(m.guids) >= 2)
    movie = details(plex_ro, want)
    assert movie.guid == want.guid
    assert [g.id for g in movie.guids] == want.guids


def test_listing_with_guids_carries_them_without_a_reload(plex_ro: PlexServer, dataset: Library) -> None:
    movies = plex_ro.library.sectionByID(MOVIES_SECTION_ID).all()
    by_key = {m.rating_key: m for m in movies_of(dataset)}
    for movie in movies[:30]:
        assert [g.id for g in movie.guids] == by_key[movie.ratingKey].guids


def test_show_and_episode_details(plex_ro: PlexServer, dataset: Library) -> None:
    show_item = dataset.of_type(SHOWS_SECTION_ID, "show")[0]
    show = plex_ro.fetchItem(show_item.rating_key)
    assert [g.id for g in show.guids] == show_item.guids
    assert [(r.tag, r.role) for r in show.roles] == [(a, show_item.roles[a]) for a in show_item.tags["actor"]]
    episode_item = dataset.leaves(show_item)[0]
    episode = plex_ro.fetchItem(episode_item.rating_key)
    assert [d.tag for d in episode.directors] == episode_item.tags["director"]
    assert [w.tag for w in episode.writers] == episode_item.tags["writer"]
    assert episode.media[0].videoResolution == episode_item.media[0].video_resolution
    assert episode.originallyAvailableAt.strftime("%Y-%m-%d") == episode_item.originally_available_at


# --------------------------------------------------------------------------- fetching by rating key


def test_fetch_item_by_rating_key(plex_ro: PlexServer, dataset: Library) -> None:
    want = movies_of(dataset)[7]
    movie = plex_ro.fetchItem(want.rating_key)
    assert isinstance(movie, Movie)
    assert (movie.ratingKey, movie.title, movie.year) == (want.rating_key, want.title, want.year)
    assert movie.summary == want.summary
    assert movie.studio == want.studio
    assert movie.contentRating == want.content_rating
    assert movie.duration == want.duration
    assert movie.addedAt.timestamp() == want.added_at
    assert movie.librarySectionID == MOVIES_SECTION_ID
    assert movie.librarySectionTitle == dataset.sections[MOVIES_SECTION_ID].title


def test_fetch_items_asks_for_a_comma_list_of_rating_keys(
    plex_ro: PlexServer, shared_server: PlexSimServer, dataset: Library
) -> None:
    first, second = movies_of(dataset)[3], movies_of(dataset)[11]
    show = dataset.of_type(SHOWS_SECTION_ID, "show")[0]
    requests.delete(shared_server.url + "/__plexsim/stats", timeout=10)
    items = plex_ro.fetchItems([second.rating_key, first.rating_key, show.rating_key])
    routes = requests.get(shared_server.url + "/__plexsim/stats", timeout=10).json()["routes"]
    assert routes == {"GET /library/metadata/{rk}": 1}  # one request for all three
    assert [(i.ratingKey, i.title, i.type) for i in items] == [
        (second.rating_key, second.title, "movie"),
        (first.rating_key, first.title, "movie"),
        (show.rating_key, show.title, "show"),
    ]
    assert [i.librarySectionID for i in items] == [MOVIES_SECTION_ID, MOVIES_SECTION_ID, SHOWS_SECTION_ID]


def test_fetch_item_of_an_unknown_key_raises_not_found(plex_ro: PlexServer) -> None:
    with pytest.raises(NotFound):
        plex_ro.fetchItem(999_999)


# --------------------------------------------------------------------------- search and hubs


def test_server_search_finds_a_dataset_title(plex_ro: PlexServer, dataset: Library) -> None:
    want = movies_of(dataset)[42]
    results = plex_ro.search(want.title)
    assert want.rating_key in [r.ratingKey for r in results]
    found = next(r for r in results if r.ratingKey == want.rating_key)
    assert (found.type, found.title) == ("movie", want.title)


def test_server_search_finds_shows_and_can_be_limited_to_a_type(
    plex_ro: PlexServer, dataset: Library
) -> None:
    show = dataset.of_type(SHOWS_SECTION_ID, "show")[3]
    assert show.rating_key in [r.ratingKey for r in plex_ro.search(show.title, mediatype="show")]
    assert all(r.type == "show" for r in plex_ro.search(show.title, mediatype="show"))


def test_section_hub_search_finds_a_dataset_title(plex_ro: PlexServer, dataset: Library) -> None:
    want = movies_of(dataset)[9]
    section = plex_ro.library.sectionByID(MOVIES_SECTION_ID)
    results = section.hubSearch(want.title)
    assert want.rating_key in [r.ratingKey for r in results]


def test_search_for_nothing_known_returns_nothing(plex_ro: PlexServer) -> None:
    assert plex_ro.search("zzqx-no-such-title") == []


def test_movie_section_hubs_show_the_recently_added_movies(plex_ro: PlexServer, dataset: Library) -> None:
    hubs = plex_ro.library.sectionByID(MOVIES_SECTION_ID).hubs()
    recent = next(h for h in hubs if h.hubIdentifier.startswith("movie.recentlyadded"))
    want = sorted(movies_of(dataset), key=lambda m: -m.added_at)[: len(recent.items())]
    assert len(recent.items()) > 0
    assert [m.ratingKey for m in recent.items()] == [m.rating_key for m in want]
