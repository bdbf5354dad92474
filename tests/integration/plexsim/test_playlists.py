"""Playlists through plexapi: regular ones of movies and episodes (a show stands for its episodes), item ids,
adding, removing and moving, edits, listing and lookup, smart playlists and deletion.

Expected contents come from `dataset` or from what the test wrote.
"""

from __future__ import annotations

from typing import Any

import pytest
from plexapi import utils
from plexapi.exceptions import BadRequest, NotFound
from plexapi.playlist import Playlist
from plexapi.server import PlexServer

from plexsim.dataset import MOVIES_SECTION_ID, SHOWS_SECTION_ID
from plexsim.model import Item, Library


def movies_of(dataset: Library) -> list[Item]:
    return dataset.of_type(MOVIES_SECTION_ID, "movie")


def keys(objects: list[Any]) -> list[int]:
    return [o.ratingKey for o in objects]


def fetch(plex: PlexServer, items: list[Item]) -> list[Any]:
    return [plex.fetchItem(i.rating_key) for i in items]


def items_of(playlist: Playlist) -> list[Any]:
    playlist.reload()
    return playlist.items()


def raw(plex: PlexServer, method: str, key: str, **params: object) -> Any:
    """A request plexapi would not send itself, through its session and error mapping."""
    return plex.query(key + utils.joinArgs(params), method=getattr(plex._session, method))


def test_movie_playlist_keeps_order_and_gives_item_ids(plex: PlexServer, dataset: Library) -> None:
    chosen = movies_of(dataset)[5:8]
    playlist = plex.createPlaylist("Movie Night", items=fetch(plex, chosen))
    assert (playlist.title, playlist.playlistType, playlist.smart) == ("Movie Night", "video", False)
    assert playlist.leafCount == 3
    assert playlist.duration == sum(m.duration or 0 for m in chosen)
    items = playlist.items()
    assert keys(items) == [m.rating_key for m in chosen]
    ids = [i.playlistItemID for i in items]
    assert len(set(ids)) == 3 and all(isinstance(i, int) for i in ids)


def test_show_stands_for_its_episodes(plex: PlexServer, dataset: Library) -> None:
    show, other = dataset.of_type(SHOWS_SECTION_ID, "show")[:2]
    single = dataset.leaves(other)[0]
    playlist = plex.createPlaylist("Binge", items=fetch(plex, [show, single]))
    want = [e.rating_key for e in dataset.leaves(show)] + [single.rating_key]
    items = playlist.items()
    assert keys(items) == want
    assert {i.type for i in items} == {"episode"}
    assert playlist.leafCount == len(want)


def test_long_playlist_is_paged_completely(plex: PlexServer, dataset: Library) -> None:
    shows = dataset.of_type(SHOWS_SECTION_ID, "show")[:12]
    want = [e.rating_key for show in shows for e in dataset.leaves(show)]
    assert len(want) > 100  # more than one page of plexapi's container size
    playlist = plex.createPlaylist("Marathon", items=fetch(plex, shows))
    assert keys(playlist.items()) == want
    assert playlist.leafCount == len(want)


def test_add_remove_and_move_items(plex: PlexServer, dataset: Library) -> None:
    a, b, c, d = fetch(plex, movies_of(dataset)[20:24])
    playlist = plex.createPlaylist("Shuffle", items=[a, b, c])
    playlist.addItems([d])
    assert keys(items_of(playlist)) == keys([a, b, c, d])
    playlist.moveItem(d)
    assert keys(items_of(playlist)) == keys([d, a, b, c])
    playlist.moveItem(d, after=b)
    assert keys(items_of(playlist)) == keys([a, b, d, c])
    playlist.removeItems([a])
    assert keys(items_of(playlist)) == keys([b, d, c])
    assert playlist.leafCount == 3


def test_duplicates_are_separate_entries(plex: PlexServer, dataset: Library) -> None:
    a, b = fetch(plex, movies_of(dataset)[30:32])
    playlist = plex.createPlaylist("Twice", items=[a, b])
    playlist.addItems([a])
    items = items_of(playlist)
    assert keys(items) == keys([a, b, a])
    assert len({i.playlistItemID for i in items}) == 3
    raw(plex, "delete", f"/playlists/{playlist.ratingKey}/items/{items[2].playlistItemID}")
    assert keys(items_of(playlist)) == keys([a, b])


def test_missing_entries_are_refused(plex: PlexServer, dataset: Library) -> None:
    a, b, outsider = fetch(plex, movies_of(dataset)[40:43])
    playlist = plex.createPlaylist("Strict", items=[a, b])
    with pytest.raises(NotFound):
        playlist.removeItems([outsider])  # plexapi looks the item up first
    base = f"/playlists/{playlist.ratingKey}/items"
    with pytest.raises(NotFound):
        raw(plex, "delete", f"{base}/999999")
    with pytest.raises(NotFound):
        raw(plex, "put", f"{base}/999999/move")
    first_id = playlist.items()[0].playlistItemID
    with pytest.raises(NotFound):
        raw(plex, "put", f"{base}/{first_id}/move", after=999999)
    assert keys(items_of(playlist)) == keys([a, b])


def test_edit_title_and_summary(plex: PlexServer, dataset: Library) -> None:
    playlist = plex.createPlaylist("Old Name", items=fetch(plex, movies_of(dataset)[:1]))
    playlist.editTitle("New Name").editSummary("Some words")
    playlist.reload()
    assert (playlist.title, playlist.summary) == ("New Name", "Some words")
    assert plex.playlist("New Name").ratingKey == playlist.ratingKey
    with pytest.raises(NotFound):
        plex.playlist("Old Name")
    with pytest.raises(BadRequest):
        playlist.editTitle("")


def test_listing_and_lookup(plex: PlexServer, dataset: Library) -> None:
    movie_list = plex.createPlaylist("B Movies", items=fetch(plex, movies_of(dataset)[:2]))
    episode = dataset.leaves(dataset.of_type(SHOWS_SECTION_ID, "show")[0])[0]
    episode_list = plex.createPlaylist("A Episodes", items=fetch(plex, [episode]))
    assert [p.title for p in plex.playlists()] == ["A Episodes", "B Movies"]
    assert [p.title for p in plex.playlists(sort="titleSort:desc")] == ["B Movies", "A Episodes"]
    assert plex.playlist("b movies").ratingKey == movie_list.ratingKey
    assert keys(plex.library.section("Movies").playlists()) == [movie_list.ratingKey]
    assert keys(plex.library.section("TV Shows").playlists()) == [episode_list.ratingKey]
    assert keys(plex.playlists(playlistType="audio")) == []


def test_smart_playlist_evaluates_its_filter(plex: PlexServer, dataset: Library) -> None:
    movies = plex.library.section("Movies")
    search: dict[str, Any] = {"sort": "titleSort", "filters": {"contentRating": "PG"}}
    playlist = plex.createPlaylist("Family", section=movies, smart=True, **search)
    assert playlist.smart
    wanted = sorted(
        (m for m in movies_of(dataset) if m.content_rating == "PG"), key=lambda m: m.sort_title.lower()
    )
    assert keys(playlist.items()) == [m.rating_key for m in wanted]
    assert keys(playlist.items()) == keys(movies.search(**search))
    assert playlist.leafCount == len(wanted)
    assert plex.fetchItem(playlist.ratingKey).leafCount == len(wanted)
    assert playlist.filters()["filters"] == {"contentRating": "PG"}
    with pytest.raises(BadRequest):
        raw(plex, "delete", f"/playlists/{playlist.ratingKey}/items/{playlist.items()[0].playlistItemID}")


def test_smart_episode_playlist(plex: PlexServer, dataset: Library) -> None:
    shows = plex.library.section("TV Shows")
    playlist = plex.createPlaylist(
        "Latest", section=shows, smart=True, libtype="episode", limit=4, sort="addedAt:desc"
    )
    assert keys(playlist.items()) == keys(shows.search(libtype="episode", limit=4, sort="addedAt:desc"))
    assert len(playlist.items()) == 4
    assert {i.type for i in playlist.items()} == {"episode"}


def test_delete(plex: PlexServer, dataset: Library) -> None:
    playlist = plex.createPlaylist("Gone", items=fetch(plex, movies_of(dataset)[:1]))
    playlist.delete()
    with pytest.raises(NotFound):
        plex.playlist("Gone")
    with pytest.raises(NotFound):
        raw(plex, "get", f"/playlists/{playlist.ratingKey}/items")
    assert plex.fetchItem(movies_of(dataset)[0].rating_key).title == movies_of(dataset)[0].title


def test_wrong_kind_of_items_is_refused(plex: PlexServer, dataset: Library) -> None:
    uri = f"server://{plex.machineIdentifier}/com.plexapp.plugins.library/library/metadata/{movies_of(dataset)[0].rating_key}"
    with pytest.raises(BadRequest):
        raw(plex, "post", "/playlists", title="Songs", type="audio", smart=0, uri=uri)
    with pytest.raises(BadRequest):
        raw(plex, "post", "/playlists", title="Bad", type="video", smart=1, uri=uri)
    assert plex.playlists() == []
