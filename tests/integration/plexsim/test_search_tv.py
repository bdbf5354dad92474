"""TV-section and collection searches through plexapi (show/season/episode scoping), and searches after edits.

Expectations are plain-Python predicates over the `dataset`: `show.x` on seasons/episodes tests the show,
`season.x` on episodes the season, `episode.x` on shows holds when ANY episode satisfies the term.
"""

from __future__ import annotations

import pytest
from plexapi.server import PlexServer

from plexsim import query
from plexsim.model import Item, Library
from tests.support import plex_facts as facts
from tests.support.plex_facts import DAY, episodes_of, resolutions, show_of, sort_by, tags
from tests.support.search_check import NOW, Kwargs, Pred, case, check_search

M, T = "Movies", "TV Shows"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "now", lambda: float(NOW))


def _unwatched_eps(lib: Library, i: Item) -> list[Item]:
    return [e for e in episodes_of(lib, i) if e.view_count == 0]


def _season_index(lib: Library, i: Item) -> int:
    season = facts.parent(lib, i)
    assert season is not None and season.index is not None
    return season.index


TV = [
    case(T, {"libtype": "episode", "filters": {"show.title": "Yarrowfield"}}, "episode",
         lambda lib, i: "yarrowfield" in show_of(lib, i).title.casefold(), "episode-by-show.title"),
    case(T, {"libtype": "show", "filters": {"episode.year>>": 2024}}, "show",
         lambda lib, i: any(e.year > 2024 for e in episodes_of(lib, i)), "show-by-episode.year"),
    case(T, {"libtype": "season", "filters": {"show.year<<": 2000}}, "season",
         lambda lib, i: show_of(lib, i).year < 2000, "season-by-show.year"),
    case(T, {"libtype": "season", "filters": {"index>>": 2}}, "season", lambda lib, i: i.index > 2, "season.index"),
    case(T, {"libtype": "season", "filters": {"season.unwatched": False}}, "season",
         lambda lib, i: not _unwatched_eps(lib, i), "season-watched"),
    case(T, {"unwatched": True}, "show", lambda lib, i: bool(_unwatched_eps(lib, i)), "show-unwatched-fallback"),
    case(T, {"libtype": "show", "filters": {"show.unwatchedLeaves": False}}, "show",
         lambda lib, i: not _unwatched_eps(lib, i), "show-unwatchedLeaves"),
    case(T, {"libtype": "show", "filters": {"episode.unwatched": False}}, "show",
         lambda lib, i: any(e.view_count > 0 for e in episodes_of(lib, i)), "show-any-watched-episode"),
    case(T, {"libtype": "show", "filters": {"unviewedLeafCount>>": 10}}, "show",
         lambda lib, i: len(_unwatched_eps(lib, i)) > 10, "show-unviewedLeafCount"),
    case(T, {"libtype": "episode", "filters": {"show.genre": "Drama", "unwatched": True}}, "episode",
         lambda lib, i: "Drama" in tags(show_of(lib, i), "genre") and i.view_count == 0, "episode-show.genre"),
    case(T, {"libtype": "episode", "filters": {"season.index": 1, "show.year>>": 2020}}, "episode",
         lambda lib, i: _season_index(lib, i) == 1 and show_of(lib, i).year > 2020, "episode-season.index"),
    case(T, {"libtype": "episode", "filters": {"inProgress": True}}, "episode", lambda lib, i: i.view_offset > 0,
         "episode-inProgress"),
    case(T, {"libtype": "episode", "resolution": "720"}, "episode", lambda lib, i: "720" in resolutions(i),
         "episode-720"),
    case(T, {"libtype": "episode", "filters": {"episode.originallyAvailableAt>>": "90d"}}, "episode",
         lambda lib, i: facts.value_or(facts.release_epoch(i), 0) > NOW - 90 * DAY, "episode-aired-recently"),
    case(T, {"libtype": "show", "network": "Channel Meridian"}, "show", lambda lib, i: i.studio == "Channel Meridian",
         "show-network"),
    case(T, {"libtype": "show", "genre": "Drama", "decade": 2010}, "show",
         lambda lib, i: "Drama" in tags(i, "genre") and 2010 <= i.year < 2020, "show-genre-decade"),
    case(T, {"libtype": "show", "filters": {"show.addedAt>>": "1y"}}, "show",
         lambda lib, i: i.added_at > NOW - 365 * DAY, "show-addedAt"),
    case(T, {"libtype": "show", "filters": {"or": [{"show.title<": "The"}, {"episode.inProgress": True}]}}, "show",
         lambda lib, i: i.title.casefold().startswith("the") or any(e.view_offset for e in episodes_of(lib, i)),
         "show-or-across-levels"),
    case(M, {"libtype": "collection", "title": "Saga"}, "collection", lambda lib, i: "saga" in i.title.casefold(),
         "collection-title"),
    case(M, {"libtype": "collection", "filters": {"addedAt>>": "1y"}}, "collection",
         lambda lib, i: i.added_at > NOW - 365 * DAY, "collection-addedAt"),
]  # fmt: skip


@pytest.mark.parametrize(("section", "kwargs", "libtype", "pred"), TV)
def test_tv_and_collection_search(
    plex_ro: PlexServer, dataset: Library, section: str, kwargs: Kwargs, libtype: str, pred: Pred
) -> None:
    check_search(plex_ro, dataset, section, kwargs, libtype, pred)


def test_collections_and_their_members(plex_ro: PlexServer, dataset: Library) -> None:
    movies = plex_ro.library.section(M)
    expected = [c.rating_key for c in facts.default_order(dataset, facts.items_of(dataset, "collection"))]
    assert len(expected) == 3
    assert [c.ratingKey for c in movies.search(libtype="collection")] == expected
    assert [c.ratingKey for c in movies.collections()] == expected
    for col in movies.collections():
        members = dataset.items[col.ratingKey].members
        assert {m.ratingKey for m in movies.search(collection=col.title)} == set(members)
        assert {m.ratingKey for m in col.items()} == set(members)


def test_searches_follow_edits(plex: PlexServer, dataset: Library) -> None:
    """Results (and the server's result cache) follow label edits, watch state and new collections."""
    movies = plex.library.section(M)
    target = facts.items_of(dataset, "movie")[7]
    assert target.view_count == 0
    movie = movies.fetchItem(target.rating_key)
    movie.addLabel("Search Test")
    assert [m.ratingKey for m in movies.search(label="Search Test")] == [target.rating_key]
    unwatched = {m.ratingKey for m in movies.search(unwatched=True)}
    assert target.rating_key in unwatched
    movie.markPlayed()
    assert {m.ratingKey for m in movies.search(unwatched=True)} == unwatched - {target.rating_key}
    movie.addCollection("Brand New")
    assert [m.ratingKey for m in movies.search(collection="Brand New")] == [target.rating_key]
    assert "Brand New" in [c.title for c in movies.search(libtype="collection")]


def test_episode_watch_state_moves_show_filters(plex: PlexServer, dataset: Library) -> None:
    tv = plex.library.section(T)
    show = min(
        (s for s in facts.items_of(dataset, "show") if _unwatched_eps(dataset, s)),
        key=lambda s: len(_unwatched_eps(dataset, s)),
    )
    watched_shows = {s.ratingKey for s in tv.search(libtype="show", filters={"show.unwatchedLeaves": False})}
    assert show.rating_key not in watched_shows
    for episode in _unwatched_eps(dataset, show):
        tv.fetchItem(episode.rating_key).markPlayed()
    after = {s.ratingKey for s in tv.search(libtype="show", filters={"show.unwatchedLeaves": False})}
    assert after == watched_shows | {show.rating_key}


def test_smart_collections_and_playlists_evaluate_their_filters(plex: PlexServer, dataset: Library) -> None:
    """Smart content URIs (`server://…/library/sections/1/all?…`) go through the same filter language."""
    movies, tv = plex.library.section(M), plex.library.section(T)
    every_movie = facts.default_order(dataset, facts.items_of(dataset, "movie"))
    action = [i for i in every_movie if "Action" in tags(i, "genre")]
    col = plex.createCollection("Smart Action", section=movies, smart=True, sort="year:desc", limit=5,
                                filters={"genre": "Action"})  # fmt: skip
    assert [i.ratingKey for i in col.items()] == [
        i.rating_key for i in sort_by(action, lambda i: i.year, True)[:5]
    ]
    col.updateFilters(libtype="movie", filters={"and": [{"genre": "Action"}, {"year<<": 2000}]})
    old_action = [i.rating_key for i in action if i.year < 2000]
    assert old_action and [i.ratingKey for i in plex.fetchItem(col.ratingKey).items()] == old_action
    playlist = plex.createPlaylist("Smart War or Western", section=movies, smart=True, sort="titleSort",
                                   filters={"or": [{"genre": "War"}, {"genre": "Western"}]})  # fmt: skip
    wanted = [i.rating_key for i in every_movie if facts.has_tag("genre", "War", "Western")(i)]
    assert [i.ratingKey for i in playlist.items()] == wanted
    episodes = plex.createCollection("Smart Yarrowfield", section=tv, smart=True, libtype="episode",
                                     filters={"show.title": "Yarrowfield"})  # fmt: skip
    in_shows = [e for e in facts.items_of(dataset, "episode") if "Yarrowfield" in show_of(dataset, e).title]
    assert [e.ratingKey for e in episodes.items()] == [
        e.rating_key for e in facts.default_order(dataset, in_shows)
    ]
