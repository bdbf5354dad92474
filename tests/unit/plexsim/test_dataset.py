"""The generated sample library: deterministic per seed, realistic distributions, consistent ids."""

from __future__ import annotations

import collections
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from plexsim import artwork, dataset
from plexsim.model import Item, Library
from plexsim.persist import library_to_dict

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def lib() -> Library:
    return dataset.generate()


def movies(lib: Library) -> list[Item]:
    return lib.of_type(dataset.MOVIES_SECTION_ID, "movie")


def video_attrs(item: Item) -> list[dict[str, str]]:
    return [p.streams[0].attrs for m in item.media for p in m.parts]


def test_same_seed_gives_identical_library(lib: Library) -> None:
    assert library_to_dict(dataset.generate(seed=1)) == library_to_dict(lib)


def test_different_seed_differs(lib: Library) -> None:
    other = dataset.generate(seed=2)
    assert library_to_dict(other) != library_to_dict(lib)
    assert other.machine_identifier != lib.machine_identifier


def test_identical_across_processes_with_different_hash_seeds() -> None:
    """Set/dict iteration of strings depends on PYTHONHASHSEED: the output must not."""
    code = (
        "import hashlib, json; from plexsim.dataset import generate; from plexsim.persist import library_to_dict;"
        "print(hashlib.sha256(json.dumps(library_to_dict(generate(seed=3, scale=40, shows=3))).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1


def test_sections_and_identity(lib: Library) -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", lib.machine_identifier)
    movies_section, shows_section = lib.sections[1], lib.sections[2]
    assert (movies_section.type, movies_section.title, movies_section.agent) == (
        "movie",
        "Movies",
        "tv.plex.agents.movie",
    )
    assert (movies_section.scanner, movies_section.location) == ("Plex Movie", "/data/Movies")
    assert (shows_section.type, shows_section.title, shows_section.agent) == (
        "show",
        "TV Shows",
        "tv.plex.agents.series",
    )
    assert (shows_section.scanner, shows_section.location) == ("Plex TV Series", "/data/TV Shows")
    assert movies_section.uuid != shows_section.uuid


def test_counts_and_show_hierarchy(lib: Library) -> None:
    assert len(movies(lib)) >= 300
    shows = lib.of_type(dataset.SHOWS_SECTION_ID, "show")
    assert len(shows) >= 30
    for show in shows:
        seasons = lib.children(show.rating_key)
        assert 1 <= len(seasons) <= 6
        assert [s.index for s in seasons] == list(range(1, len(seasons) + 1))
        for season in seasons:
            assert season.type == "season" and season.title == f"Season {season.index}"
            episodes = lib.children(season.rating_key)
            assert 1 <= len(episodes) <= 12
            assert [e.index for e in episodes] == list(range(1, len(episodes) + 1))
            assert all(e.type == "episode" and e.media and e.duration for e in episodes)


def test_ids_are_unique(lib: Library) -> None:
    items = list(lib.iter_items())
    assert len({i.rating_key for i in items}) == len(items)
    media = [m for i in items for m in i.media]
    parts = [p for m in media for p in m.parts]
    streams = [s for p in parts for s in p.streams]
    for ids in ([m.id for m in media], [p.id for p in parts], [s.id for s in streams]):
        assert len(set(ids)) == len(ids)
    assert max(i.rating_key for i in items) <= lib.seq.rating_key
    assert max(s.id for s in streams) <= lib.seq.stream


def test_resolutions_years_and_ratings(lib: Library) -> None:
    resolutions = {m.video_resolution for i in movies(lib) for m in i.media}
    assert resolutions == {"4k", "1080", "720", "480", "sd"}
    years = [m.year for m in movies(lib) if m.year is not None]
    assert all(1920 <= y <= 2026 for y in years)
    assert any(y < 1950 for y in years) and any(y >= 2020 for y in years)
    for movie in movies(lib):
        assert movie.originally_available_at is not None
        assert movie.originally_available_at.startswith(str(movie.year))
        assert movie.audience_rating is None or 0 <= movie.audience_rating <= 10
    ratings = {m.content_rating for m in movies(lib)}
    assert {"G", "PG", "PG-13", "R"} <= ratings
    assert {s.content_rating for s in lib.of_type(2, "show")} <= {"TV-Y", "TV-G", "TV-PG", "TV-14", "TV-MA"}


def test_hdr_and_dolby_vision(lib: Library) -> None:
    hdr = [a for m in movies(lib) for a in video_attrs(m) if a.get("colorTrc") == "smpte2084"]
    dovi = [a for m in movies(lib) for a in video_attrs(m) if a.get("DOVIPresent") == "1"]
    assert hdr and dovi
    assert all(a["colorPrimaries"] == "bt2020" for a in hdr)
    assert all(a.get("colorTrc") == "smpte2084" and a["DOVIProfile"] for a in dovi)
    four_k = {
        id(a) for m in movies(lib) for md in m.media if md.video_resolution == "4k" for a in video_attrs(m)
    }
    assert {id(a) for a in hdr} <= four_k


def test_streams_are_xml_ready(lib: Library) -> None:
    languages: collections.Counter[str] = collections.Counter()
    subtitles = 0
    for movie in movies(lib):
        for media in movie.media:
            assert media.audio_codec in {"aac", "ac3", "eac3", "dca", "truehd", "flac"}
            streams = media.parts[0].streams
            assert [s.index for s in streams] == list(range(len(streams)))
            assert streams[0].stream_type == 1 and streams[1].stream_type == 2
            for stream in streams:
                assert all(isinstance(k, str) and isinstance(v, str) for k, v in stream.attrs.items())
                if stream.stream_type == 2:
                    languages[stream.attrs["languageCode"]] += 1
                subtitles += stream.stream_type == 3
    assert languages.most_common(1)[0][0] == "eng"
    assert {"fre", "ger", "spa", "jpn"} <= set(languages)
    assert subtitles > 0


def test_metadata_distributions(lib: Library) -> None:
    all_movies = movies(lib)
    assert any(m.edition_title for m in all_movies)
    assert any(m.tags.get("label") for m in all_movies)
    assert any(len(m.media) == 2 for m in all_movies)
    assert any(m.view_count > 0 for m in all_movies) and any(m.view_offset > 0 for m in all_movies)
    assert any(m.user_rating is not None for m in all_movies)
    assert any(m.original_title for m in all_movies)
    actors = collections.Counter(a for m in all_movies for a in m.tags.get("actor", []))
    assert actors.most_common(1)[0][1] >= 10
    directors = collections.Counter(d for m in all_movies for d in m.tags.get("director", []))
    assert directors.most_common(1)[0][1] >= 3
    studios = collections.Counter(m.studio for m in all_movies if m.studio)
    assert studios.most_common(1)[0][1] >= 3 * studios.most_common()[-1][1]
    for movie in all_movies:
        assert set(movie.roles) == set(movie.tags.get("actor", []))
        assert 1 <= len(movie.tags.get("genre", [])) <= 3 or movie.guid.startswith("local://")


def test_guids(lib: Library) -> None:
    unmatched = 0
    for movie in movies(lib):
        if movie.guid.startswith("local://"):
            unmatched += 1
            assert movie.guid == f"local://{movie.rating_key}" and movie.guids == []
            continue
        assert re.fullmatch(r"plex://movie/[0-9a-f]{24}", movie.guid)
        assert re.fullmatch(r"imdb://tt\d{7}", movie.guids[0]) and movie.guids[1].startswith("tmdb://")
    assert unmatched < len(movies(lib)) // 10
    for kind in ("show", "season", "episode"):
        assert all(re.fullmatch(rf"plex://{kind}/[0-9a-f]{{24}}", i.guid) for i in lib.of_type(2, kind))
    assert all(any(g.startswith("tvdb://") for g in s.guids) for s in lib.of_type(2, "show"))


def test_timestamps_before_reference_epoch(lib: Library) -> None:
    window = dataset.REFERENCE_EPOCH - 9 * dataset.YEAR
    for item in lib.iter_items():
        assert window <= item.added_at <= item.updated_at <= dataset.REFERENCE_EPOCH, item.rating_key
        if item.last_viewed_at is not None:
            assert item.added_at <= item.last_viewed_at <= dataset.REFERENCE_EPOCH


def test_collections_hubs_and_artwork(lib: Library) -> None:
    collections_ = lib.of_type(dataset.MOVIES_SECTION_ID, "collection")
    assert len(collections_) == 3
    for col in collections_:
        assert 3 <= len(col.members) <= 6 and col.subtype == "movie"
        assert all(col.title in lib.items[rk].tags["collection"] for rk in col.members)
        assert lib.collection_by_title(1, col.title) is col
    assert [h.identifier for h in lib.hubs[1]][:3] == [
        "movie.inprogress",
        "movie.recentlyreleased",
        "movie.recentlyadded",
    ]
    assert {"tv.recentlyadded", "tv.inprogress", "tv.ondeck"} <= {h.identifier for h in lib.hubs[2]}
    assert not any(h.deletable for rows in lib.hubs.values() for h in rows)
    for item in lib.iter_items():
        poster = item.artwork["posters"][0]
        assert poster.selected and poster.rating_key == f"metadata://posters/plexsim_{item.rating_key}"
        assert ("arts" in item.artwork) == (item.type in ("movie", "show"))


def test_generated_artwork_is_deterministic_png(lib: Library) -> None:
    movie = movies(lib)[0]
    poster = artwork.generated_image(movie, "posters")
    assert poster == artwork.generated_image(movie, "posters")
    assert artwork.image_content_type(poster) == "image/png"
    assert Image.open(io.BytesIO(poster)).size == (400, 600)
    background = artwork.generated_image(movie, "arts")
    width, height = Image.open(io.BytesIO(background)).size
    assert abs(width / height - 16 / 9) < 0.01
    small = artwork.resize(poster, 100, 100)
    assert Image.open(io.BytesIO(small)).size == (67, 100)
    assert artwork.resize(b"not an image", 10, 10) == b"not an image"


def test_scale_and_show_count() -> None:
    big = dataset.generate(scale=2000)
    assert len(movies(big)) == 2000
    assert len(big.of_type(2, "show")) == dataset.DEFAULT_SHOWS
    tiny = dataset.generate(scale=0, shows=0)
    assert not tiny.items and set(tiny.hubs) == {1, 2}
    with pytest.raises(ValueError, match="scale"):
        dataset.generate(scale=-1)
