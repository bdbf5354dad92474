"""Hand-built (Kometa-style) `/library/sections/{id}/all?...` queries over raw HTTP, and filter choice lists.

Kometa builds smart-filter URLs itself: `type=N&sort=...&push=1&...&or=1&...&pop=1&...` with the operators
percent-encoded into the keys (`year%3E%3E=1990`, `userRating%21=-1`) and tag ids or names as values. Every
answer is compared with plain-Python predicates over the `dataset` (never plexsim's filter engine).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
import requests
from plexapi.server import PlexServer

from plexsim import query
from plexsim.dataset import REFERENCE_EPOCH
from plexsim.model import Item, Library
from tests.support import plex_facts as facts
from tests.support.plex_facts import DAY, has_tag, resolutions, sort_by, tag_id, tags

NOW = REFERENCE_EPOCH + 3 * DAY
Pred = Callable[[Library, Item], bool]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "now", lambda: float(NOW))


def get(plex: PlexServer, path: str) -> requests.Response:
    return requests.get(plex._baseurl + path, headers={"X-Plex-Token": plex._token}, timeout=30)


def rating_keys(plex: PlexServer, path: str) -> list[int]:
    response = get(plex, path)
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.content)
    assert root.get("size") == root.get("totalSize") == str(len(root))
    return [int(child.attrib["ratingKey"]) for child in root]


def _ids(lib: Library, kind: str, *names: str) -> list[int]:
    return [tag_id(lib, kind, name) for name in names]


def kometa_genre_or(lib: Library) -> tuple[str, Pred]:
    action, western = _ids(lib, "genre", "Action", "Western")
    path = (f"/library/sections/1/all?type=1&sort=titleSort&push=1&genre={action}&or=1&genre={western}&pop=1"
            "&year%3E%3E=1990")  # fmt: skip
    return path, lambda lib, i: has_tag("genre", "Action", "Western")(i) and i.year > 1990


def kometa_actor_and_director(lib: Library) -> tuple[str, Pred]:
    actor = tag_id(lib, "actor", "Sasha Ivesdale")
    path = (
        f"/library/sections/1/all?type=1&push=1&actor={actor}&or=1&director=Rune%20Fontaine&pop=1&unwatched=1"
    )
    return (
        path,
        lambda lib, i: (
            ("Sasha Ivesdale" in tags(i, "actor") or "Rune Fontaine" in tags(i, "director"))
            and i.view_count == 0
        ),
    )


def kometa_collection_not(lib: Library) -> tuple[str, Pred]:
    col = tag_id(lib, "collection", "Bramholt Saga")
    saga = lib.collection_by_title(1, "Bramholt Saga")
    assert saga is not None
    return (f"/library/sections/1/all?type=1&collection%21={col}&year%3E%3E=2018&year%3C%3C=2020",
            lambda lib, i: i.rating_key not in saga.members and 2018 < i.year < 2020)  # fmt: skip


STATIC = [
    ("type=1&resolution=4k&hdr=1", lambda lib, i: "4k" in resolutions(i) and facts.is_hdr(i)),
    ("type=1&resolution=4k&hdr%21=1", lambda lib, i: "4k" in resolutions(i) and not facts.is_hdr(i)),
    ("type=1&userRating%21=-1", lambda lib, i: i.user_rating is not None),
    ("type=1&rating=-1", lambda lib, i: i.rating is None),  # Kometa critic_rating.rated: false
    ("type=1&audienceRating%21=-1&rating%21=-1", lambda lib, i: None not in (i.audience_rating, i.rating)),
    ("type=1&userRating=-1&unwatched%21=1", lambda lib, i: i.user_rating is None and i.view_count > 0),
    ("type=1&duration%3E%3E=7200000", lambda lib, i: i.duration > 7_200_000),
    ("type=1&duration%3C=5400000&duration%3E=5000000", lambda lib, i: 5_000_000 <= i.duration <= 5_400_000),
    ("type=1&label=Family%20Night", lambda lib, i: "Family Night" in tags(i, "label")),
    ("type=1&label=watchlist", lambda lib, i: "Watchlist" in tags(i, "label")),
    ("type=1&genre=Comedy,Horror", lambda lib, i: has_tag("genre", "Comedy", "Horror")(i)),
    ("type=1&genre=Comedy&genre=Romance", lambda lib, i: {"Comedy", "Romance"} <= set(tags(i, "genre"))),
    ("type=1&addedAt%3E%3E=-6mon", lambda lib, i: i.added_at > NOW - 180 * DAY),
    ("type=1&addedAt%3C%3C=-5y&inProgress=0", lambda lib, i: i.added_at < NOW - 5 * 365 * DAY and not i.view_offset),
    ("type=1&originallyAvailableAt%3E%3E=2025-10-01",
     lambda lib, i: facts.release_epoch(i) > facts.release_epoch_of("2025-10-01")),
    ("type=1&title%3D=The%20Quarry", lambda lib, i: i.title.casefold() == "the quarry"),
    ("type=1&title%21%3D=The%20Quarry&title=quarry", lambda lib, i: "quarry" in i.title.casefold() != "the quarry"),
    ("type=1&title%3C=beyond", lambda lib, i: i.title.casefold().startswith("beyond")),
    ("type=1&title%3E=hill", lambda lib, i: i.title.casefold().endswith("hill")),
    ("type=1&title%21=the&studio%3C=north", lambda lib, i: "the" not in i.title.casefold()
     and (i.studio or "").casefold().startswith("north")),
    ("type=1&editionTitle%21%3D=&editionTitle%21=Special",
     lambda lib, i: bool(i.edition_title) and "special" not in i.edition_title.casefold()),
    ("type=1&contentRating=PG,PG-13&decade=2010", lambda lib, i: i.content_rating in ("PG", "PG-13")
     and 2010 <= i.year < 2020),
    ("type=1&country=Japan&audioLanguage=jpn", lambda lib, i: "Japan" in tags(i, "country")
     and "jpn" in facts.languages(i, 2)),
    ("type=1&subtitleLanguage%21=eng&duplicate=0", lambda lib, i: "eng" not in facts.languages(i, 3)
     and len(i.media) == 1),
    ("type=1&audienceRating%3E%3E=8&rating%3C%3C=6", lambda lib, i: (i.audience_rating or 0) > 8
     and i.rating is not None and i.rating < 6),
    ("type=1&push=1&push=1&decade=1940&or=1&decade=1950&pop=1&and=1&genre=Drama&pop=1&or=1&dovi=1",
     lambda lib, i: (1940 <= i.year < 1960 and "Drama" in tags(i, "genre")) or facts.is_dovi(i)),
]  # fmt: skip
DYNAMIC = [kometa_genre_or, kometa_actor_and_director, kometa_collection_not]


@pytest.mark.parametrize(("params", "pred"), STATIC, ids=[p for p, _ in STATIC])
def test_kometa_style_movie_query(plex_ro: PlexServer, dataset: Library, params: str, pred: Pred) -> None:
    check(plex_ro, dataset, f"/library/sections/1/all?{params}", "movie", pred)


@pytest.mark.parametrize("build", DYNAMIC, ids=[b.__name__ for b in DYNAMIC])
def test_kometa_style_query_with_ids(
    plex_ro: PlexServer, dataset: Library, build: Callable[[Library], tuple[str, Pred]]
) -> None:
    path, pred = build(dataset)
    check(plex_ro, dataset, path, "movie", pred)


def check(plex: PlexServer, lib: Library, path: str, libtype: str, pred: Pred) -> None:
    candidates = facts.items_of(lib, libtype)
    expected = [i.rating_key for i in facts.default_order(lib, candidates) if pred(lib, i)]
    assert 0 < len(expected) < len(candidates), "the query should select a proper subset"
    assert rating_keys(plex, path) == expected


TV = [
    ("type=4&show.title=yarrowfield&episode.unwatched=1", "episode",
     lambda lib, i: "yarrowfield" in facts.show_of(lib, i).title.casefold() and i.view_count == 0),
    ("type=2&show.unwatchedLeaves=1&show.network=Channel%20Meridian", "show",
     lambda lib, i: i.studio == "Channel Meridian" and any(e.view_count == 0 for e in facts.episodes_of(lib, i))),
    ("type=2&episode.originallyAvailableAt%3E%3E=-60d", "show",
     lambda lib, i: any(facts.release_epoch(e) > NOW - 60 * DAY for e in facts.episodes_of(lib, i))),
    ("type=3&season.index=1&show.genre=Drama", "season",
     lambda lib, i: i.index == 1 and "Drama" in tags(facts.show_of(lib, i), "genre")),
    ("type=4&episode.inProgress=1", "episode", lambda lib, i: i.view_offset > 0),
]  # fmt: skip


@pytest.mark.parametrize(("params", "libtype", "pred"), TV, ids=[p for p, _, _ in TV])
def test_kometa_style_tv_query(
    plex_ro: PlexServer, dataset: Library, params: str, libtype: str, pred: Pred
) -> None:
    check(plex_ro, dataset, f"/library/sections/2/all?{params}", libtype, pred)


def test_kometa_sort_and_limit(plex_ro: PlexServer, dataset: Library) -> None:
    path = "/library/sections/1/all?type=1&limit=12&sort=audienceRating%3Adesc%2CtitleSort&genre=Drama"
    drama = facts.default_order(
        dataset, [i for i in facts.items_of(dataset, "movie") if "Drama" in tags(i, "genre")]
    )
    expected = sort_by(drama, lambda i: i.audience_rating, desc=True)[:12]
    assert rating_keys(plex_ro, path) == [i.rating_key for i in expected]


KOMETA_EPISODE_SHOW_ASC = (
    "show.titleSort%2Cseason.index%3AnullsLast%2Cepisode.index%3AnullsLast%2C"
    "episode.originallyAvailableAt%3AnullsLast%2Cepisode.titleSort%2Cepisode.id"
)


def test_kometa_hierarchy_sorts(plex_ro: PlexServer, dataset: Library) -> None:
    """Kometa's season/episode smart sorts reach ancestors (`show.titleSort`, `season.index` on episodes)."""
    episodes = rating_keys(plex_ro, f"/library/sections/2/all?type=4&sort={KOMETA_EPISODE_SHOW_ASC}")
    assert episodes == [
        e.rating_key for e in facts.default_order(dataset, facts.items_of(dataset, "episode"))
    ]
    seasons = facts.default_order(dataset, facts.items_of(dataset, "season"))
    by_index = rating_keys(
        plex_ro, "/library/sections/2/all?type=3&sort=season.index%3Adesc%2Cseason.titleSort"
    )
    expected = sort_by(sorted(seasons, key=lambda s: s.title.casefold()), lambda s: s.index, desc=True)
    assert by_index == [s.rating_key for s in expected]
    by_show = rating_keys(plex_ro, "/library/sections/2/all?type=3&sort=show.titleSort%3Adesc%2Cindex")
    shows_desc = sort_by(sorted(seasons, key=lambda s: s.index), lambda s: facts.sort_title(facts.show_of(dataset, s)),
                         desc=True)  # fmt: skip
    assert by_show == [s.rating_key for s in shows_desc]


def test_paging_headers_and_total_size(plex_ro: PlexServer, dataset: Library) -> None:
    response = get(plex_ro, "/library/sections/1/all?type=1&genre=Action&X-Plex-Container-Start=5"
                            "&X-Plex-Container-Size=10")  # fmt: skip
    root = ET.fromstring(response.content)
    action = facts.default_order(
        dataset, [i for i in facts.items_of(dataset, "movie") if "Action" in tags(i, "genre")]
    )
    assert (
        root.get("totalSize") == str(len(action)) and root.get("offset") == "5" and root.get("size") == "10"
    )
    assert [int(c.attrib["ratingKey"]) for c in root] == [i.rating_key for i in action[5:15]]


@pytest.mark.parametrize(
    "params",
    ["foo=1", "year%3E%3E=soon", "push=1&genre=1", "pop=1", "sort=nonsense", "limit=-3", "addedAt%3E%3E=yesterday",
     "hdr=maybe", "title%3E%3E=x"],
)  # fmt: skip
def test_malformed_queries_are_400(plex_ro: PlexServer, params: str) -> None:
    assert get(plex_ro, f"/library/sections/1/all?type=1&{params}").status_code == 400


# --------------------------------------------------------------------------- filter choices


def _choice_set(
    plex: PlexServer, section: str, name: str, libtype: str | None = None
) -> set[tuple[str, str]]:
    return {(c.key, c.title) for c in plex.library.section(section).listFilterChoices(name, libtype=libtype)}


def _tag_choices(lib: Library, libtype: str, kind: str) -> set[tuple[str, str]]:
    names = {name for i in facts.items_of(lib, libtype) for name in tags(i, kind)}
    return {(str(tag_id(lib, kind, name)), name) for name in names}


@pytest.mark.parametrize(
    ("libtype", "kind"),
    [
        ("movie", "genre"),
        ("movie", "label"),
        ("movie", "collection"),
        ("movie", "country"),
        ("show", "genre"),
        ("episode", "director"),
    ],
)
def test_tag_choices(plex_ro: PlexServer, dataset: Library, libtype: str, kind: str) -> None:
    section = "Movies" if libtype == "movie" else "TV Shows"
    expected = _tag_choices(dataset, libtype, kind)
    assert expected and _choice_set(plex_ro, section, kind, libtype) == expected


def test_literal_choices(plex_ro: PlexServer, dataset: Library) -> None:
    movies = facts.items_of(dataset, "movie")
    assert _choice_set(plex_ro, "Movies", "year") == {(str(i.year), str(i.year)) for i in movies}
    decades = {i.year // 10 * 10 for i in movies}
    assert {k for k, _ in _choice_set(plex_ro, "Movies", "decade")} == {str(d) for d in decades}
    ratings = {i.content_rating for i in movies if i.content_rating}
    assert _choice_set(plex_ro, "Movies", "contentRating") == {(r, r) for r in ratings}
    keys = {k for k, _ in _choice_set(plex_ro, "Movies", "resolution")}
    assert keys == {r for i in movies for r in resolutions(i)}
    audio = {k for k, _ in _choice_set(plex_ro, "Movies", "audioLanguage")}
    assert audio == {code for i in movies for code in facts.languages(i, 2)}
    networks = {i.studio for i in facts.items_of(dataset, "show") if i.studio}
    assert _choice_set(plex_ro, "TV Shows", "network", "show") == {(n, n) for n in networks}


def test_choice_fast_keys_select_what_they_name(plex_ro: PlexServer, dataset: Library) -> None:
    """Each genre choice's `fastKey` is a working query for exactly the movies carrying that genre."""
    response = get(plex_ro, "/library/sections/1/genre?type=1")
    for choice in ET.fromstring(response.content):
        pred = has_tag("genre", choice.attrib["title"])
        expected = [
            i.rating_key for i in facts.default_order(dataset, facts.items_of(dataset, "movie")) if pred(i)
        ]
        assert rating_keys(plex_ro, choice.attrib["fastKey"]) == expected
