"""The small hand-made library the filter-engine unit tests run on, and helpers to query it.

Shared by `test_query.py`, `test_query_sorts.py` and `test_meta.py`; every test fixes the engine clock at `NOW`.
"""

from __future__ import annotations

from typing import Any

from plexsim.model import Item, Library, Media, Part, Section, Stream
from plexsim.query import search

NOW = 1_700_000_000  # 2023-11-14T22:13:20Z, the frozen clock of every test
DAY = 86400
MID = "0123456789abcdef0123456789abcdef01234567"
LANGUAGES = {"eng": "English", "fra": "Français", "spa": "Español"}

# --------------------------------------------------------------------------- the library


def _media(lib: Library, res: str, *, bitrate: int = 8000, hdr: bool = False, dovi: bool = False,
           audio: tuple[str, ...] = ("eng",), subs: tuple[str, ...] = ()) -> Media:  # fmt: skip
    height = {"4k": 2160, "1080": 1080, "720": 720, "480": 480, "sd": 360}[res]
    video: dict[str, str] = {"colorTrc": "smpte2084" if hdr else "bt709"}
    if dovi:
        video["DOVIPresent"] = "1"
    streams = [Stream(lib.next_id("stream"), 1, "hevc", 0, video)]
    for kind, langs in ((2, audio), (3, subs)):
        for lang in langs:
            attrs = {"languageCode": lang, "language": LANGUAGES[lang]}
            streams.append(
                Stream(lib.next_id("stream"), kind, "aac" if kind == 2 else "srt", len(streams), attrs)
            )
    part = Part(lib.next_id("part"), f"/data/{res}.mkv", 10**9, 6_000_000, "mkv", streams)
    return Media(lib.next_id("media"), 6_000_000, bitrate, height * 16 // 9, height, res, "hevc", "aac", 2, "mkv",
                 parts=[part])  # fmt: skip


MOVIES: list[dict[str, Any]] = [
    dict(title="Elephants Dream", year=2006, oaa="2006-03-24", studio="Blender Foundation", cr="PG", rating=7.1,
         aud=6.8, duration=654_000, genre=["Animation", "Science Fiction"], director=["Bassam Kurdali"],
         actor=["Tygo Gernandt"], label=["Favorite"], country=["Netherlands"],
         summary="Two strange characters explore a capricious world.",
         media=[("4k", dict(bitrate=15942, hdr=True, dovi=True, subs=("eng",))), ("1080", dict(bitrate=9000))],
         guid="plex://movie/5d776846880197001ec967c6", guids=["imdb://tt0807843", "tmdb://9761"]),
    dict(title="Big Buck Bunny", year=2008, oaa="2008-04-10", studio="Blender Foundation", cr="G", rating=6.5,
         aud=7.5, user=8.0, views=2, viewed=-2, rated=-5, duration=596_000, genre=["Animation", "Comedy"],
         media=[("1080", {})]),
    dict(title="Sintel", year=2010, oaa="2010-09-27", studio="Blender Foundation", cr="PG-13", rating=8.0, aud=7.9,
         offset=60_000, duration=888_000, genre=["Animation", "Fantasy"], tagline="A lonely young woman",
         media=[("4k", dict(bitrate=12000, hdr=True, subs=("eng", "spa")))]),
    dict(title="Sita Sings the Blues", year=2008, oaa="2008-02-10", studio="Nina Paley", aud=7.0,
         duration=4_920_000, genre=["Animation", "Musical"], label=["Kids"], media=[("720", {})]),
    dict(title="The Matrix", sort="Matrix", year=1999, oaa="1999-03-31", studio="Warner Bros.", cr="R", rating=8.7,
         aud=9.0, user=10.0, views=5, viewed=-40, duration=8_160_000, genre=["Action", "Science Fiction"],
         director=["Lana Wachowski", "Lilly Wachowski"], writer=["Lana Wachowski"],
         actor=["Keanu Reeves", "Carrie-Anne Moss"], country=["United States of America"],
         media=[("1080", dict(bitrate=10000, subs=("eng", "fra")))]),
    dict(title="Alien", year=1979, oaa="1979-05-25", studio="20th Century Fox", cr="R", rating=8.5,
         edition="Director's Cut", duration=7_020_000, genre=["Horror", "Science Fiction"], media=[("480", {})],
         guid="local://42", guids=[]),
    dict(title="Amélie", original="Le Fabuleux Destin d'Amélie Poulain", year=2001, oaa="2001-04-25", studio="UGC",
         cr="R", rating=8.3, duration=7_320_000, genre=["Comedy", "Romance"], country=["France"],
         actor=["Audrey Tautou"], media=[("sd", dict(audio=("fra",), subs=("eng",)))]),
    dict(title="Heat", year=1995, oaa="1995-12-15", studio="Warner Bros.", cr="R", rating=8.3, duration=10_200_000,
         genre=["Action", "Crime"], director=["Michael Mann"], actor=["Al Pacino", "Robert De Niro"],
         media=[("1080", {})]),
    dict(title="Hello, World", year=2015, genre=["Documentary"], summary="", media=[]),
    dict(title="Up", year=2009, oaa="2009-05-29", studio="Pixar", cr="PG", rating=7.8, user=6.0,
         duration=5_760_000, genre=["Animation", "Adventure"], label=["Kids"],
         media=[("1080", dict(audio=("eng", "fra")))]),
    dict(title="Inception", year=2010, oaa="2010-07-16", studio="Warner Bros.", cr="PG-13", rating=8.8, user=9.0,
         duration=8_880_000, genre=["Action", "Science Fiction"], actor=["Leonardo DiCaprio"],
         media=[("4k", dict(bitrate=20000))]),
    dict(title="Zodiac", year=2007, oaa="2007-03-02", studio="Paramount", cr="R", rating=7.7, views=1, viewed=-400,
         duration=9_420_000, genre=["Crime", "Drama"], director=["David Fincher"], media=[("1080", dict(bitrate=7000))]),
]  # fmt: skip
TAG_KEYS = ("genre", "director", "writer", "actor", "label", "country")


def _movie(lib: Library, n: int, spec: dict[str, Any]) -> Item:
    added = NOW - (n + 1) * 10 * DAY
    views = spec.get("views", 0)
    item = Item(
        rating_key=lib.next_id("rating_key"), type="movie", section_id=1, title=spec["title"],
        guid=spec.get("guid", f"plex://movie/{n:024x}"), added_at=added, updated_at=added + DAY,
        title_sort=spec.get("sort"), original_title=spec.get("original"), summary=spec.get("summary", "A film."),
        tagline=spec.get("tagline"), studio=spec.get("studio"), content_rating=spec.get("cr"), year=spec["year"],
        originally_available_at=spec.get("oaa"), duration=spec.get("duration"), rating=spec.get("rating"),
        audience_rating=spec.get("aud"), user_rating=spec.get("user"), view_count=views,
        view_offset=spec.get("offset", 0), edition_title=spec.get("edition"),
        last_viewed_at=NOW + spec["viewed"] * DAY if "viewed" in spec else None,
        last_rated_at=NOW + spec["rated"] * DAY if "rated" in spec else None,
        guids=spec.get("guids", [f"imdb://tt{n:07d}"]),
        tags={k: list(spec[k]) for k in TAG_KEYS if k in spec},
        media=[_media(lib, res, **kw) for res, kw in spec["media"]],
    )  # fmt: skip
    return lib.add(item)


def _show_item(lib: Library, kind: str, title: str, parent: Item | None, **kw: Any) -> Item:
    added = kw.pop("added", NOW - 200 * DAY)
    item = Item(rating_key=lib.next_id("rating_key"), type=kind, section_id=2, title=title,
                guid=f"plex://{kind}/{lib.seq.rating_key:024x}", added_at=added, updated_at=added,
                parent_rating_key=parent.rating_key if parent else None, **kw)  # fmt: skip
    return lib.add(item)


def _shows(lib: Library) -> None:
    got = _show_item(lib, "show", "Game of Thrones", None, studio="HBO", year=2011, originally_available_at="2011-04-17",
                     content_rating="TV-MA", audience_rating=8.8, index=1,
                     tags={"genre": ["Drama", "Fantasy"], "label": ["Favorite"], "actor": ["Emilia Clarke"]})  # fmt: skip
    s1 = _show_item(lib, "season", "Season 1", got, index=1, year=2011)
    _show_item(lib, "episode", "Winter Is Coming", s1, index=1, year=2011, originally_available_at="2011-04-17",
               view_count=1, last_viewed_at=NOW - 3 * DAY, content_rating="TV-MA",
               tags={"director": ["Tim Van Patten"]}, media=[_media(lib, "1080")])  # fmt: skip
    _show_item(lib, "episode", "The Kingsroad", s1, index=2, year=2011, originally_available_at="2011-04-24",
               added=NOW - 199 * DAY, content_rating="TV-MA", tags={"director": ["Tim Van Patten"]},
               media=[_media(lib, "1080", subs=("eng",))])  # fmt: skip
    s2 = _show_item(lib, "season", "Season 2", got, index=2, year=2012, added=NOW - 5 * DAY)
    _show_item(lib, "episode", "The North Remembers", s2, index=1, year=2012, originally_available_at="2012-04-01",
               added=NOW - 5 * DAY, view_offset=1000, content_rating="TV-MA", tags={"director": ["Alan Taylor"]},
               media=[_media(lib, "4k", hdr=True)])  # fmt: skip
    the100 = _show_item(lib, "show", "The 100", None, studio="The CW", year=2014, content_rating="TV-14", index=1,
                        originally_available_at="2014-03-19", added=NOW - 300 * DAY,
                        tags={"genre": ["Drama", "Science Fiction"]})  # fmt: skip
    s = _show_item(lib, "season", "Season 1", the100, index=1, year=2014, added=NOW - 300 * DAY)
    for i, title in enumerate(("Pilot", "Earth Skills"), start=1):
        _show_item(lib, "episode", title, s, index=i, year=2014, view_count=1, last_viewed_at=NOW - 100 * DAY,
                   added=NOW - (301 - i) * DAY, media=[_media(lib, "720")])  # fmt: skip
    col = lib.new_collection(2, "Fantasy Shows", "show")
    lib.add_to_collection(col, got)


def build_library() -> Library:
    """12 movies in section 1 (with collections "Blender Open Movies" and "Heist"), 2 shows in section 2."""
    lib = Library(MID)
    lib.sections[1] = Section(
        1, "movie", "Movies", "tv.plex.agents.movie", "Plex Movie", "u-1", "/data/Movies"
    )
    lib.sections[2] = Section(
        2, "show", "TV Shows", "tv.plex.agents.series", "Plex TV Series", "u-2", "/data/TV"
    )
    movies = {spec["title"]: _movie(lib, n, spec) for n, spec in enumerate(MOVIES)}
    blender = lib.new_collection(1, "Blender Open Movies", "movie")
    for title in ("Elephants Dream", "Big Buck Bunny", "Sintel"):
        lib.add_to_collection(blender, movies[title])
    blender.tags["label"] = ["Kometa"]
    lib.tag_id("label", "Kometa")
    lib.add_to_collection(lib.new_collection(1, "Heist", "movie"), movies["Heat"])
    _shows(lib)
    return lib


def run(lib: Library, *pairs: tuple[str, str], section: int = 1) -> list[str]:
    return [item.title for item in search(lib, lib.sections[section], list(pairs))]


def found(lib: Library, *pairs: tuple[str, str], section: int = 1) -> set[str]:
    return set(run(lib, *pairs, section=section))


def tid(lib: Library, kind: str, name: str) -> str:
    return str(lib.tag_id(kind, name))


def rk(lib: Library, title: str) -> int:
    return next(i.rating_key for i in lib.iter_items() if i.title == title)


ALL_MOVIES = {spec["title"] for spec in MOVIES}
DEFAULT_ORDER = ["Alien", "Amélie", "Big Buck Bunny", "Elephants Dream", "Heat", "Hello, World", "Inception",
                 "The Matrix", "Sintel", "Sita Sings the Blues", "Up", "Zodiac"]  # fmt: skip
GOT_EPISODES = ["Winter Is Coming", "The Kingsroad", "The North Remembers"]
