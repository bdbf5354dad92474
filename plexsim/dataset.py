"""Deterministic sample library: movies and TV shows with realistic metadata, media and tag distributions.

Only `random.Random(seed)` drives the choices and every timestamp is relative to `REFERENCE_EPOCH`, so one
seed always yields the same library, ids and timestamps included. Names come from `plexsim.names`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from plexsim import names
from plexsim.dataset_media import (
    RES_CLASSIC,
    RES_MODERN,
    RES_TV,
    Weighted,
    build_media,
    res_label,
    weighted_pairs,
    zipf,
)
from plexsim.model import Artwork, Item, Library, ManagedHub, Section

DEFAULT_SEED = 1
DEFAULT_MOVIES = 320
DEFAULT_SHOWS = 32
REFERENCE_EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z: "now" for every generated timestamp
MOVIES_SECTION_ID = 1
SHOWS_SECTION_ID = 2
DAY = 86_400
YEAR = 365 * DAY
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_MOVIE_GENRE_COUNT = weighted_pairs(((1, 35), (2, 40), (3, 25)))
_SHOW_GENRE_COUNT = weighted_pairs(((1, 30), (2, 45), (3, 25)))
_SEASON_COUNT = weighted_pairs(((1, 30), (2, 22), (3, 16), (4, 12), (5, 10), (6, 10)))


@dataclass(slots=True)
class _Pools:
    """Shared weighted pools and uniqueness bookkeeping for one generation run."""

    actors: Weighted[str]
    directors: Weighted[str]
    writers: Weighted[str]
    producers: Weighted[str]
    characters: list[str]
    studios: Weighted[str] = field(default_factory=lambda: zipf(names.STUDIOS, 1.5))
    networks: Weighted[str] = field(default_factory=lambda: zipf(names.NETWORKS, 2.0))
    countries: Weighted[str] = field(default_factory=lambda: zipf(names.COUNTRIES, 1.0, 1.3))
    movie_genres: Weighted[str] = field(default_factory=lambda: weighted_pairs(names.MOVIE_GENRES))
    show_genres: Weighted[str] = field(default_factory=lambda: weighted_pairs(names.SHOW_GENRES))
    movie_ratings: Weighted[str] = field(default_factory=lambda: weighted_pairs(names.MOVIE_RATINGS))
    tv_ratings: Weighted[str] = field(default_factory=lambda: weighted_pairs(names.TV_RATINGS))
    labels: Weighted[str] = field(default_factory=lambda: zipf(names.LABELS, 2.0))
    foreign: Weighted[str] = field(default_factory=lambda: weighted_pairs(names.FOREIGN_LANGUAGES))
    titles: dict[str, int] = field(default_factory=dict)
    external_ids: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, rng: random.Random, movies: int, shows: int) -> _Pools:
        return cls(
            actors=zipf(names.people(rng, 300 + movies // 4 + shows * 3), 20.0),
            directors=zipf(names.people(rng, 40 + movies // 4 + shows), 10.0),
            writers=zipf(names.people(rng, 60 + movies // 3 + shows), 15.0),
            producers=zipf(names.people(rng, 40 + movies // 5), 8.0),
            characters=names.characters(rng, 1500),
        )

    def external_id(self, rng: random.Random, low: int, high: int) -> int:
        """A number unused so far by any imdb/tmdb/tvdb guid of this library."""
        while True:
            value = rng.randrange(low, high)
            if value not in self.external_ids:
                self.external_ids.add(value)
                return value


# ---- small value helpers


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _plex_guid(rng: random.Random, kind: str) -> str:
    return f"plex://{kind}/{rng.getrandbits(96):024x}"


def _date(ts: int) -> str:
    return dt.date.fromordinal(_EPOCH_ORDINAL + ts // DAY).isoformat()


def _release(rng: random.Random, year: int) -> tuple[str, int]:
    """A release date in `year` as ("YYYY-MM-DD", epoch seconds); 2026 dates stay in January."""
    start = dt.date(year, 1, 1).toordinal() - _EPOCH_ORDINAL
    day = start + rng.randrange(31 if year >= 2026 else 365)
    return _date(day * DAY), day * DAY


def _year(rng: random.Random) -> int:
    """Years 1920-2026, skewed toward recent releases, with a band of classics."""
    if rng.random() < 0.08:
        return names.randint(rng, 1920, 1969)
    if rng.random() < 0.01:
        return 2026
    return max(1920, 2025 - int(rng.expovariate(1 / 11)))


def _added_at(rng: random.Random, release_ts: int) -> int:
    """Added within the last ~8 years, after release where possible, skewed toward recent."""
    low = max(REFERENCE_EPOCH - 8 * YEAR, release_ts + 30 * DAY)
    if low >= REFERENCE_EPOCH - DAY:
        low = REFERENCE_EPOCH - 20 * DAY
    return low + int((REFERENCE_EPOCH - low) * rng.random() ** 0.8)


def _between(rng: random.Random, low: int, high: int) -> int:
    return low + int((max(high, low + 1) - low) * rng.random())


def _artwork(rating_key: int, *kinds: str) -> dict[str, list[Artwork]]:
    """Generated (lazily drawn) artwork: one selected `metadata://` candidate per kind."""
    return {
        kind: [
            Artwork(rating_key=f"metadata://{kind}/plexsim_{rating_key}", selected=True, provider="plexsim")
        ]
        for kind in kinds
    }


def _ratings(rng: random.Random, item: Item, critic_share: float) -> None:
    """Audience (0-10) and critic ratings with their provider images."""
    audience = round(min(10.0, max(1.0, rng.gauss(6.6, 1.2))), 1)
    item.audience_rating = audience
    provider = rng.random()
    if provider < 0.55:
        item.audience_rating_image = "rottentomatoes://image.rating." + (
            "upright" if audience >= 6 else "spilled"
        )
    else:
        item.audience_rating_image = "imdb://image.rating" if provider < 0.8 else "themoviedb://image.rating"
    if rng.random() < critic_share:
        critic = round(min(10.0, max(0.5, audience + rng.gauss(0, 1.4))), 1)
        item.rating = critic
        item.rating_image = "rottentomatoes://image.rating." + ("ripe" if critic >= 6 else "rotten")


def _watch(rng: random.Random, item: Item) -> None:
    """Watched on ~30%, in progress on a few; user ratings on ~10%."""
    if rng.random() < 0.30:
        item.view_count = 1 + int(rng.expovariate(1.3))
        item.last_viewed_at = _between(rng, item.added_at, REFERENCE_EPOCH)
    if rng.random() < 0.04 and item.duration:
        item.view_offset = int(item.duration * rng.uniform(0.05, 0.9)) // 1000 * 1000
        item.last_viewed_at = max(item.last_viewed_at or 0, _between(rng, item.added_at, REFERENCE_EPOCH))
    if rng.random() < 0.10:
        item.user_rating = float(names.randint(rng, 1, 10))
        item.last_rated_at = _between(rng, item.added_at, REFERENCE_EPOCH)


# ---- movies


def _movie_people(rng: random.Random, pools: _Pools, item: Item, documentary: bool) -> None:
    actors = pools.actors.some(rng, names.randint(rng, 3, 9))
    item.tags["actor"] = actors
    if documentary:
        item.roles = dict.fromkeys(actors, "Self")
    else:
        item.roles = {
            a: names.pick(rng, pools.characters) if rng.random() < 0.97 else "Narrator" for a in actors
        }
    directors = pools.directors.some(rng, 2 if rng.random() < 0.1 else 1)
    item.tags["director"] = directors
    writers = pools.writers.some(rng, names.randint(rng, 1, 3))
    if rng.random() < 0.3:
        writers = list(dict.fromkeys([directors[0], *writers]))
    item.tags["writer"] = writers
    producers = pools.producers.some(rng, names.randint(rng, 0, 3))
    if producers:
        item.tags["producer"] = producers


def _describe_movie(rng: random.Random, pools: _Pools, item: Item, lang: str) -> None:
    """Matched-agent metadata: text, studio, ratings, tags, people, external guids."""
    item.summary = names.summary(rng)
    item.tagline = names.tagline(rng) if rng.random() < 0.6 else None
    item.studio = pools.studios.pick(rng)
    item.content_rating = (
        pools.movie_ratings.pick(rng) if (item.year or 0) >= 1968 else names.pick(rng, ("G", "NR", "PG"))
    )
    _ratings(rng, item, 0.85)
    genres = pools.movie_genres.some(rng, _MOVIE_GENRE_COUNT.pick(rng))
    item.tags["genre"] = genres
    country = names.LANGUAGES[lang][2] if lang != "eng" or rng.random() < 0.7 else pools.countries.pick(rng)
    countries = [country] + ([pools.countries.pick(rng)] if rng.random() < 0.25 else [])
    item.tags["country"] = list(dict.fromkeys(countries))
    _movie_people(rng, pools, item, "Documentary" in genres)
    if rng.random() < 0.15:
        item.tags["label"] = pools.labels.some(rng, names.randint(rng, 1, 2))
    if lang != "eng" and rng.random() < 0.75:
        item.original_title = names.foreign_title(rng)
    imdb = pools.external_id(rng, 100_000, 9_999_999)
    item.guids = [
        f"imdb://tt{imdb:07d}",
        f"tmdb://{pools.external_id(rng, 10_000_000, 12_000_000) - 10_000_000}",
    ]


def _movie(lib: Library, rng: random.Random, pools: _Pools) -> Item:
    rk = lib.next_id("rating_key")
    year = _year(rng)
    released, release_ts = _release(rng, year)
    added = _added_at(rng, release_ts)
    title = names.title(rng, pools.titles)
    duration = (
        int(min(210.0, max(72.0, rng.gauss(108, 18))) * 60) + rng.randrange(60)
    ) * 1000 + rng.randrange(1000)
    item = Item(
        rating_key=rk,
        type="movie",
        section_id=MOVIES_SECTION_ID,
        title=title,
        guid=_plex_guid(rng, "movie"),
        added_at=added,
        updated_at=_between(rng, added, min(REFERENCE_EPOCH, added + 90 * DAY)),
        title_sort=names.sort_title(title),
        year=year,
        originally_available_at=released,
        duration=duration,
    )
    lang = "eng" if rng.random() < 0.8 else pools.foreign.pick(rng)
    if rng.random() < 0.012:
        item.guid = f"local://{rk}"  # unmatched: title and year from the file name only
    else:
        _describe_movie(rng, pools, item, lang)
    if rng.random() < 0.04:
        item.edition_title = names.pick(rng, names.EDITIONS)
    folder = title.replace(":", " -")
    stem = f"/data/Movies/{folder} ({year})/{folder} ({year})"
    if item.edition_title:
        stem += f" {{edition-{item.edition_title}}}"
    resolution = (RES_MODERN if year >= 1980 else RES_CLASSIC).pick(rng)
    if rng.random() < 0.05:
        versions = (resolution, "1080" if resolution == "4k" else "4k")
        item.media = [
            build_media(lib, rng, res, duration, lang, f"{stem} - {res_label(res)}", pools.foreign)
            for res in versions
        ]
    else:
        item.media = [build_media(lib, rng, resolution, duration, lang, stem, pools.foreign)]
    _watch(rng, item)
    item.artwork = _artwork(rk, "posters", "arts")
    return lib.add(item)


# ---- shows


def _describe_show(rng: random.Random, pools: _Pools, show: Item, lang: str) -> None:
    show.summary = names.summary(rng)
    show.tagline = names.tagline(rng) if rng.random() < 0.2 else None
    show.studio = pools.networks.pick(rng)
    show.content_rating = pools.tv_ratings.pick(rng)
    _ratings(rng, show, 0.5)
    show.tags["genre"] = pools.show_genres.some(rng, _SHOW_GENRE_COUNT.pick(rng))
    show.tags["country"] = [names.LANGUAGES[lang][2] if lang != "eng" else pools.countries.pick(rng)]
    actors = pools.actors.some(rng, names.randint(rng, 4, 10))
    show.tags["actor"] = actors
    show.roles = {name: names.pick(rng, pools.characters) for name in actors}
    if rng.random() < 0.15:
        show.tags["label"] = pools.labels.some(rng, 1)
    show.guids = [
        f"imdb://tt{pools.external_id(rng, 100_000, 9_999_999):07d}",
        f"tmdb://{pools.external_id(rng, 20_000_000, 20_300_000) - 20_000_000}",
        f"tvdb://{pools.external_id(rng, 30_000_000, 30_500_000) - 30_000_000}",
    ]


def _episode(
    lib: Library, rng: random.Random, pools: _Pools, season: Item, index: int, air_ts: int, duration: int
) -> Item:
    """One episode of `season`, aired at `air_ts`; media follows the season's resolution."""
    title = names.episode_title(rng)
    rk = lib.next_id("rating_key")
    added = min(REFERENCE_EPOCH - 1, max(season.added_at, air_ts + DAY) + index * 60)
    episode = Item(
        rating_key=rk,
        type="episode",
        section_id=SHOWS_SECTION_ID,
        title=title,
        guid=_plex_guid(rng, "episode"),
        added_at=added,
        updated_at=added,
        index=index,
        parent_rating_key=season.rating_key,
        year=int(_date(air_ts)[:4]),
        originally_available_at=_date(air_ts),
        summary=names.summary(rng),
        content_rating=season.content_rating,
        duration=duration,
        audience_rating=round(rng.uniform(5.5, 9.5), 1),
    )
    episode.tags["director"] = pools.directors.some(rng, 1)
    episode.tags["writer"] = pools.writers.some(rng, names.randint(rng, 1, 2))
    episode.guids = [
        f"imdb://tt{pools.external_id(rng, 100_000, 9_999_999):07d}",
        f"tmdb://{pools.external_id(rng, 40_000_000, 45_000_000) - 40_000_000}",
        f"tvdb://{pools.external_id(rng, 50_000_000, 59_000_000) - 50_000_000}",
    ]
    episode.artwork = _artwork(rk, "posters")
    return episode


def _season(
    lib: Library, rng: random.Random, pools: _Pools, show: Item, index: int, start: int, lang: str
) -> None:
    """Season `index` of `show` starting at `start`, with 4-12 weekly episodes (none after the epoch)."""
    rk = lib.next_id("rating_key")
    added = min(REFERENCE_EPOCH - DAY, max(show.added_at, start + 7 * DAY))
    season = Item(
        rating_key=rk,
        type="season",
        section_id=SHOWS_SECTION_ID,
        title=f"Season {index}",
        guid=_plex_guid(rng, "season"),
        added_at=added,
        updated_at=added,
        index=index,
        parent_rating_key=show.rating_key,
        year=int(_date(start)[:4]),
        content_rating=show.content_rating,
    )
    season.guids = [f"tvdb://{pools.external_id(rng, 60_000_000, 61_000_000) - 60_000_000}"]
    season.artwork = _artwork(rk, "posters")
    lib.add(season)
    resolution = RES_TV.pick(rng)
    folder = show.title.replace(":", " -")
    for number in range(1, names.randint(rng, 4, 12) + 1):
        air_ts = start + (number - 1) * 7 * DAY
        if air_ts >= REFERENCE_EPOCH - DAY and number > 1:
            break
        duration = (show.duration or 0) + rng.randrange(-150, 150) * 1000 + rng.randrange(1000)
        episode = _episode(lib, rng, pools, season, number, air_ts, duration)
        path = (
            f"/data/TV Shows/{folder} ({show.year})/Season {index:02d}/{folder} - S{index:02d}E{number:02d}"
        )
        episode.media = [build_media(lib, rng, resolution, duration, lang, path, pools.foreign)]
        lib.add(episode)
        season.updated_at = max(season.updated_at, episode.added_at)


def _show_watch(rng: random.Random, lib: Library, show: Item) -> None:
    """Watch the first episodes of ~40% of shows in order; the next one may be in progress."""
    episodes = lib.leaves(show)
    if not episodes or rng.random() >= 0.4:
        return
    watched = rng.randrange(len(episodes) + 1)
    clock = _between(rng, episodes[0].added_at, REFERENCE_EPOCH - 10 * DAY)
    for episode in episodes[:watched]:
        clock = min(REFERENCE_EPOCH - 1, max(clock + 3 * 3600, episode.added_at + 3600))
        episode.view_count, episode.last_viewed_at = 1, clock
    if watched < len(episodes) and rng.random() < 0.3:
        episode = episodes[watched]
        episode.view_offset = int((episode.duration or 0) * rng.uniform(0.1, 0.8)) // 1000 * 1000
        episode.last_viewed_at = min(REFERENCE_EPOCH - 1, max(clock, episode.added_at) + 3600)


def _show(lib: Library, rng: random.Random, pools: _Pools) -> Item:
    rk = lib.next_id("rating_key")
    year = max(1960, 2025 - int(rng.expovariate(1 / 9)))
    premiered, premiere_ts = _release(rng, min(year, 2025))
    title = names.title(rng, pools.titles)
    minutes = names.pick(rng, (22, 24, 30, 44, 48, 55, 60))
    show = Item(
        rating_key=rk,
        type="show",
        section_id=SHOWS_SECTION_ID,
        title=title,
        guid=_plex_guid(rng, "show"),
        added_at=_added_at(rng, premiere_ts),
        updated_at=0,
        title_sort=names.sort_title(title),
        year=year,
        originally_available_at=premiered,
        duration=minutes * 60_000,
    )
    lang = "eng" if rng.random() < 0.85 else pools.foreign.pick(rng)
    _describe_show(rng, pools, show, lang)
    show.artwork = _artwork(rk, "posters", "arts")
    lib.add(show)
    start = premiere_ts
    for index in range(1, _SEASON_COUNT.pick(rng) + 1):
        if start >= REFERENCE_EPOCH - 30 * DAY:
            break
        _season(lib, rng, pools, show, index, start, lang)
        start += YEAR + rng.randrange(-60, 120) * DAY
    show.updated_at = max([show.added_at] + [s.updated_at for s in lib.children(rk)])
    _show_watch(rng, lib, show)
    return show


# ---- sections, collections, hubs

MOVIE_HUBS: tuple[tuple[str, str, bool], ...] = (
    ("movie.inprogress", "Continue Watching", True),
    ("movie.recentlyreleased", "Recently Released Movies", True),
    ("movie.recentlyadded", "Recently Added Movies", True),
    ("movie.toprated", "Top Rated Movies", False),
    ("movie.recentlyviewed", "Recently Played Movies", False),
)
SHOW_HUBS: tuple[tuple[str, str, bool], ...] = (
    ("tv.inprogress", "Continue Watching", True),
    ("tv.ondeck", "On Deck", True),
    ("tv.recentlyaired", "Recently Released Episodes", True),
    ("tv.recentlyadded", "Recently Added TV", True),
    ("tv.toprated", "Top Rated TV Shows", False),
)


def machine_identifier(seed: int) -> str:
    """The server's 40-hex machine identifier, fixed per seed."""
    return hashlib.sha1(f"plexsim-machine-{seed}".encode()).hexdigest()


def _sections(rng: random.Random) -> list[Section]:
    created = REFERENCE_EPOCH - 8 * YEAR - rng.randrange(YEAR)
    specs = (
        (MOVIES_SECTION_ID, "movie", "Movies", "tv.plex.agents.movie", "Plex Movie", "/data/Movies"),
        (SHOWS_SECTION_ID, "show", "TV Shows", "tv.plex.agents.series", "Plex TV Series", "/data/TV Shows"),
    )
    return [
        Section(
            id=sid,
            type=kind,
            title=title,
            agent=agent,
            scanner=scanner,
            uuid=_uuid(rng),
            location=location,
            created_at=created + sid * 600,
            updated_at=REFERENCE_EPOCH - rng.randrange(DAY, 30 * DAY),
            scanned_at=REFERENCE_EPOCH - rng.randrange(3600, DAY),
        )
        for sid, kind, title, agent, scanner, location in specs
    ]


def _hubs(rows: tuple[tuple[str, str, bool], ...]) -> list[ManagedHub]:
    return [
        ManagedHub(
            identifier=identifier,
            title=title,
            promoted_to_recommended=True,
            promoted_to_own_home=home,
            promoted_to_shared_home=home,
            deletable=False,
        )
        for identifier, title, home in rows
    ]


def _collections(lib: Library, rng: random.Random, movies: list[Item]) -> None:
    """Three regular collections in Movies; timestamps and guids overwritten to stay deterministic."""
    if len(movies) < 6:
        return
    titles = (
        f"{names.pick(rng, names.PLACES)} Saga",
        f"The {names.pick(rng, names.TITLE_ADJECTIVES)} {names.pick(rng, names.TITLE_NOUNS)} Collection",
        f"{names.pick(rng, names.TITLE_NOUNS)} Classics",
    )
    for number, title in enumerate(titles):
        members = sorted(
            rng.sample(movies, names.randint(rng, 3, 6)), key=lambda m: (m.year or 0, m.rating_key)
        )
        col = lib.new_collection(MOVIES_SECTION_ID, title, "movie")
        for member in members:
            lib.add_to_collection(col, member)
        col.added_at = REFERENCE_EPOCH - rng.randrange(30 * DAY, 2 * YEAR)
        col.updated_at = col.added_at + rng.randrange(DAY)
        col.guid = f"collection://{_uuid(rng)}"
        col.summary = names.summary(rng) if number != 1 else ""
        col.collection_sort = number % 2
        col.artwork = _artwork(col.rating_key, "posters")


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building: tens of thousands of new objects would trigger repeated full scans."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def generate(seed: int = DEFAULT_SEED, scale: int | None = None, shows: int | None = None) -> Library:
    """Build the sample library: `scale` movies (default 320) and `shows` shows (default 32), fixed per seed."""
    movie_count = DEFAULT_MOVIES if scale is None else scale
    show_count = DEFAULT_SHOWS if shows is None else shows
    if movie_count < 0 or show_count < 0:
        raise ValueError(f"movie and show counts must be >= 0, got scale={scale!r} shows={shows!r}")
    rng = random.Random(seed)
    lib = Library(machine_identifier(seed))
    for section in _sections(rng):
        lib.sections[section.id] = section
    with _gc_paused():
        pools = _Pools.build(rng, movie_count, show_count)
        movie_rng, show_rng, extra_rng = (random.Random(rng.getrandbits(64)) for _ in range(3))
        movies = [_movie(lib, movie_rng, pools) for _ in range(movie_count)]
        for _ in range(show_count):
            _show(lib, show_rng, pools)
        _collections(lib, extra_rng, movies)
    lib.hubs[MOVIES_SECTION_ID] = _hubs(MOVIE_HUBS)
    lib.hubs[SHOWS_SECTION_ID] = _hubs(SHOW_HUBS)
    return lib
