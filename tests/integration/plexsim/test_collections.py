"""Collections through plexapi: regular and smart ones, members and their order, edits and locks, labels,
advanced settings, Kometa's ways of creating and filling them, deletion and hub visibility.

Expected members come from `dataset` (an identical library read as plain data) or from what the test wrote.
"""

from __future__ import annotations

from typing import Any

import pytest
from plexapi import utils
from plexapi.collection import Collection
from plexapi.exceptions import BadRequest, NotFound
from plexapi.server import PlexServer

from plexsim.dataset import MOVIES_SECTION_ID, SHOWS_SECTION_ID
from plexsim.model import Item, Library

NASTY_TAG = "Test Tag !@#$%^&*()-_=+[];:'\"/?,."


def movies_of(dataset: Library) -> list[Item]:
    return dataset.of_type(MOVIES_SECTION_ID, "movie")


def spread(items: list[Item], count: int) -> list[Item]:
    """`count` items spread over the list, with distinct release dates and sort titles."""
    chosen: list[Item] = []
    for item in items[:: max(1, len(items) // (count * 2))]:
        if all(
            item.originally_available_at != c.originally_available_at and item.sort_title != c.sort_title
            for c in chosen
        ):
            chosen.append(item)
        if len(chosen) == count:
            return chosen
    raise AssertionError("the demo dataset has too few distinct items")


def by_release(items: list[Item]) -> list[int]:
    return [i.rating_key for i in sorted(items, key=lambda i: i.originally_available_at or "")]


def by_title(items: list[Item]) -> list[int]:
    return [i.rating_key for i in sorted(items, key=lambda i: i.sort_title.lower())]


def keys(objects: list[Any]) -> list[int]:
    return [o.ratingKey for o in objects]


def fetch(plex: PlexServer, items: list[Item]) -> list[Any]:
    return [plex.fetchItem(i.rating_key) for i in items]


def raw(plex: PlexServer, method: str, key: str, **params: object) -> Any:
    """A request the client library would not send itself, still through its session and error mapping."""
    session_method = getattr(plex._session, method)
    return plex.query(key + utils.joinArgs(params), method=session_method)


def reloaded(col: Collection) -> Collection:
    col.reload()
    return col


def create(plex: PlexServer, title: str, items: list[Any], section: str = "Movies") -> Collection:
    return plex.createCollection(title, plex.library.section(section), items=items)


# --------------------------------------------------------------------------- creating


def test_regular_collection_has_exactly_its_items_in_release_order(
    plex: PlexServer, dataset: Library
) -> None:
    chosen = spread(movies_of(dataset), 4)
    col = create(plex, "Four Films", fetch(plex, sorted(chosen, key=lambda i: i.title, reverse=True)))
    assert col.title == "Four Films"
    assert (col.smart, col.subtype, col.childCount) == (False, "movie", 4)
    assert (col.collectionSort, col.collectionMode) == (0, -1)
    assert col.guid.startswith("collection://")
    assert col.key == f"/library/collections/{col.ratingKey}"
    assert col.thumb.startswith(f"/library/collections/{col.ratingKey}/composite/")
    assert col.summary == ""
    assert not col.fields
    assert keys(reloaded(col).items()) == by_release(chosen)
    assert plex.library.section("Movies").collection("Four Films").ratingKey == col.ratingKey
    for member in fetch(plex, chosen):
        assert "Four Films" in [c.tag for c in member.collections]
    posters = col.posters()
    assert posters and [p.selected for p in posters].count(True) == 1


def test_blank_collection_the_kometa_way_then_filled(plex: PlexServer, dataset: Library) -> None:
    uri = f"server://{plex.machineIdentifier}/com.plexapp.plugins.library/library/metadata"
    data = raw(plex, "post", "/library/collections", type=1, title="Blank", smart=0, sectionId=1, uri=uri)
    assert data[0].attrib["title"] == "Blank"
    col = plex.library.section("Movies").collection("Blank")
    assert col.childCount == 0
    assert col.items() == []
    chosen = spread(movies_of(dataset), 2)
    col.addItems(fetch(plex, chosen))
    assert keys(reloaded(col).items()) == by_release(chosen)


def test_duplicate_titles_and_foreign_items_are_refused(plex: PlexServer, dataset: Library) -> None:
    movie, other = spread(movies_of(dataset), 2)
    create(plex, "Once", fetch(plex, [movie]))
    with pytest.raises(BadRequest):
        create(plex, "Once", fetch(plex, [other]))
    show = dataset.of_type(SHOWS_SECTION_ID, "show")[0]
    uri = f"server://{plex.machineIdentifier}/com.plexapp.plugins.library/library/metadata/{show.rating_key}"
    with pytest.raises(BadRequest):
        raw(plex, "post", "/library/collections", type=1, title="Mixed", smart=0, sectionId=1, uri=uri)
    with pytest.raises(NotFound):
        plex.library.section("Movies").collection("Mixed")


# --------------------------------------------------------------------------- members and order


def test_add_remove_and_move_items_switch_to_custom_order(plex: PlexServer, dataset: Library) -> None:
    first, second, third, fourth = spread(movies_of(dataset), 4)
    col = create(plex, "Ordered", fetch(plex, [first, second, third]))
    col.addItems(fetch(plex, [fourth]))
    order = by_release([first, second, third, fourth])
    assert keys(reloaded(col).items()) == order
    assert col.collectionSort == 0

    moved = plex.fetchItem(order[-1])
    col.moveItem(moved)
    order = [order[-1], *order[:-1]]
    assert keys(reloaded(col).items()) == order
    assert col.collectionSort == 2

    col.moveItem(plex.fetchItem(order[0]), after=plex.fetchItem(order[2]))
    order = [order[1], order[2], order[0], order[3]]
    assert keys(reloaded(col).items()) == order

    col.removeItems([plex.fetchItem(order[1])])
    assert keys(reloaded(col).items()) == [order[0], order[2], order[3]]
    assert col.childCount == 3
    assert "Ordered" not in [c.tag for c in plex.fetchItem(order[1]).collections]


def test_moving_or_removing_a_non_member_fails(plex: PlexServer, dataset: Library) -> None:
    member, outsider = spread(movies_of(dataset), 2)
    col = create(plex, "Small", fetch(plex, [member]))
    with pytest.raises(NotFound):
        col.removeItems([plex.fetchItem(outsider.rating_key)])
    with pytest.raises(NotFound):
        col.moveItem(plex.fetchItem(member.rating_key), after=plex.fetchItem(outsider.rating_key))
    assert keys(reloaded(col).items()) == [member.rating_key]


# --------------------------------------------------------------------------- edits, locks, labels


def test_edit_fields_lock_them_and_unlock(plex: PlexServer, dataset: Library) -> None:
    chosen = spread(movies_of(dataset), 2)
    col = create(plex, "Before", fetch(plex, chosen))
    col.editTitle("After").editSummary("A summary").editSortTitle("Sorted").editContentRating("PG-13")
    col.reload()
    assert (col.title, col.summary, col.titleSort, col.contentRating) == (
        "After",
        "A summary",
        "Sorted",
        "PG-13",
    )
    assert {f.name for f in col.fields} == {"title", "summary", "titleSort", "contentRating"}
    assert all(f.locked for f in col.fields)
    movies = plex.library.section("Movies")
    assert movies.collection("After").ratingKey == col.ratingKey
    with pytest.raises(NotFound):
        movies.collection("Before")
    for member in fetch(plex, chosen):
        assert [c.tag for c in member.collections] == ["After"]

    col.editTitle("After", locked=False).editSummary("", locked=False)
    col.reload()
    assert col.summary == ""
    assert {f.name for f in col.fields} == {"titleSort", "contentRating"}


def test_renaming_onto_another_collection_is_refused(plex: PlexServer, dataset: Library) -> None:
    first, second = spread(movies_of(dataset), 2)
    create(plex, "Taken", fetch(plex, [first]))
    col = create(plex, "Mine", fetch(plex, [second]))
    with pytest.raises(BadRequest):
        col.editTitle("Taken")
    assert reloaded(col).title == "Mine"


def test_labels_including_a_nasty_tag(plex: PlexServer, dataset: Library) -> None:
    col = create(plex, "Labelled", fetch(plex, spread(movies_of(dataset), 1)))
    col.addLabel("Kometa")
    col.reload().addLabel(NASTY_TAG)
    assert [label.tag for label in reloaded(col).labels] == ["Kometa", NASTY_TAG]
    assert "label" in [f.name for f in col.fields]
    col.removeLabel(NASTY_TAG)
    assert [label.tag for label in reloaded(col).labels] == ["Kometa"]
    col.removeLabel("Kometa")
    assert reloaded(col).labels == []


# --------------------------------------------------------------------------- advanced settings


def test_mode_and_sort_settings(plex: PlexServer, dataset: Library) -> None:
    chosen = spread(movies_of(dataset), 3)
    col = create(plex, "Settings", fetch(plex, chosen))
    assert {p.id for p in col.preferences()} == {"collectionMode", "collectionSort"}
    col.modeUpdate("hide")
    assert reloaded(col).collectionMode == 0
    col.modeUpdate("showItems")
    assert reloaded(col).collectionMode == 2
    col.sortUpdate("alpha")
    assert reloaded(col).collectionSort == 1
    assert keys(col.items()) == by_title(chosen)
    col.sortUpdate("release")
    assert keys(reloaded(col).items()) == by_release(chosen)
    col.defaultAdvanced()
    assert (reloaded(col).collectionMode, col.collectionSort) == (-1, 0)
    with pytest.raises(BadRequest):
        raw(plex, "put", f"/library/collections/{col.ratingKey}/prefs", collectionSort=7)
    with pytest.raises(BadRequest):
        raw(plex, "put", f"/library/collections/{col.ratingKey}/prefs", collectionFilterBasedOnUser=1)


# --------------------------------------------------------------------------- smart collections

SMART_SEARCHES: list[dict[str, Any]] = [
    {"limit": 5, "sort": "year:desc", "filters": {"genre": "Drama", "year>>": 2005}},
    {"sort": "titleSort", "filters": {"or": [{"genre": "Comedy"}, {"contentRating": "PG"}]}},
]


@pytest.mark.parametrize("search", SMART_SEARCHES, ids=["limit-sort-and", "or"])
def test_smart_collection_stores_its_filter_and_evaluates_it(
    plex: PlexServer, dataset: Library, search: dict[str, Any]
) -> None:
    movies = plex.library.section("Movies")
    col = plex.createCollection("Smart", movies, smart=True, **search)
    search_key = movies._buildSearchKey(libtype="movie", **search)
    assert col.smart
    assert col.content == plex._uriRoot() + search_key
    assert col.filters() == col._parseFilters(search_key)
    assert keys(col.items()) == keys(movies.search(**search))
    assert keys(movies.search(**col.filters())) == keys(col.items())
    if "limit" not in search:
        wanted = {
            m.rating_key
            for m in movies_of(dataset)
            if "Comedy" in m.tag_names("genre") or m.content_rating == "PG"
        }
        assert set(keys(col.items())) == wanted
        assert keys(col.items()) == by_title([dataset.items[k] for k in wanted])


def test_kometa_hand_built_smart_uri_replays_on_the_section(plex: PlexServer, dataset: Library) -> None:
    """Kometa writes push/or/pop queries itself and later replays `content[content.index("?"):]` on `/all`."""
    drama, comedy = dataset.tag_id("genre", "Drama"), dataset.tag_id("genre", "Comedy")
    query = f"?type=1&sort=titleSort&push=1&genre={drama}&or=1&genre={comedy}&pop=1&year%3E%3E=1999"
    uri = f"server://{plex.machineIdentifier}/com.plexapp.plugins.library/library/sections/1/all{query}"
    raw(plex, "post", "/library/collections", type=1, title="Kometa Smart", smart=1, sectionId=1, uri=uri)
    col = plex.library.section("Movies").collection("Kometa Smart")
    assert col.smart and col.content == uri
    replayed = plex.fetchItems(f"/library/sections/1/all{col.content[col.content.index('?') :]}")
    wanted = [
        m
        for m in movies_of(dataset)
        if {"Drama", "Comedy"} & set(m.tag_names("genre")) and (m.year or 0) > 1999
    ]
    assert keys(col.items()) == keys(replayed) == by_title(wanted)
    with pytest.raises(BadRequest):
        bad = uri.replace("genre=", "nosuchfield=")
        raw(plex, "post", "/library/collections", type=1, title="Broken", smart=1, sectionId=1, uri=bad)


def test_smart_collection_update_filters_and_user_setting(plex: PlexServer, dataset: Library) -> None:
    movies = plex.library.section("Movies")
    col = plex.createCollection("Res", movies, smart=True, filters={"genre": "Action"})
    assert {p.id for p in col.preferences()} == {
        "collectionMode",
        "collectionSort",
        "collectionFilterBasedOnUser",
    }
    col.updateFilters(filters={"resolution": "4k"})
    wanted = {m.rating_key for m in movies_of(dataset) if any(md.video_resolution == "4k" for md in m.media)}
    assert set(keys(reloaded(col).items())) == wanted
    assert col.childCount == len(wanted)
    col.filterUserUpdate("user")
    assert reloaded(col).collectionFilterBasedOnUser == 1
    col.filterUserUpdate("admin")
    assert reloaded(col).collectionFilterBasedOnUser == 0


def test_smart_collection_refuses_item_changes_on_the_server(plex: PlexServer, dataset: Library) -> None:
    movie = movies_of(dataset)[0]
    col = plex.createCollection(
        "Strict", plex.library.section("Movies"), smart=True, filters={"year>>": 1900}
    )
    with pytest.raises(BadRequest):
        col.addItems([plex.fetchItem(movie.rating_key)])  # plexapi refuses before sending
    base = f"/library/collections/{col.ratingKey}"
    uri = f"server://{plex.machineIdentifier}/com.plexapp.plugins.library/library/metadata/{movie.rating_key}"
    with pytest.raises(BadRequest):
        raw(plex, "put", f"{base}/items", uri=uri)
    with pytest.raises(BadRequest):
        raw(plex, "delete", f"{base}/items/{movie.rating_key}")
    with pytest.raises(BadRequest):
        raw(plex, "put", f"{base}/items/{movie.rating_key}/move")
    with pytest.raises(BadRequest):
        raw(plex, "put", f"{base}/prefs", collectionSort=2)
    assert reloaded(col).content.endswith("year%3E%3E=1900")
    wanted = [m.rating_key for m in movies_of(dataset) if (m.year or 0) > 1900]
    assert len(wanted) > 100  # more than one page of plexapi's container size
    assert sorted(keys(col.items())) == sorted(wanted)
    assert col.childCount == len(wanted)


# --------------------------------------------------------------------------- Kometa: tags make collections


def test_multi_edit_collection_tag_creates_and_fills_the_collection(
    plex: PlexServer, dataset: Library
) -> None:
    first, second, third = spread(movies_of(dataset), 3)
    movies = plex.library.section("Movies")
    movies.batchMultiEdits(fetch(plex, [first, second])).addCollection("Auto").saveMultiEdits()
    col = movies.collection("Auto")
    assert (col.subtype, col.smart) == ("movie", False)
    assert sorted(keys(col.items())) == sorted([first.rating_key, second.rating_key])
    movies.batchMultiEdits(fetch(plex, [third])).addCollection("Auto").saveMultiEdits()
    assert sorted(keys(reloaded(col).items())) == sorted(m.rating_key for m in (first, second, third))

    plex.fetchItem(first.rating_key).removeCollection("Auto")
    assert sorted(keys(reloaded(col).items())) == sorted([second.rating_key, third.rating_key])
    assert "Auto" not in [c.tag for c in plex.fetchItem(first.rating_key).collections]


def test_deleting_a_collection_removes_it_from_its_members(plex: PlexServer, dataset: Library) -> None:
    chosen = spread(movies_of(dataset), 2)
    col = create(plex, "Doomed", fetch(plex, chosen))
    col.visibility().updateVisibility(recommended=True, home=False, shared=False)
    identifier = f"custom.collection.{MOVIES_SECTION_ID}.{col.ratingKey}"
    movies = plex.library.section("Movies")
    assert identifier in [h.identifier for h in movies.managedHubs()]
    col.delete()
    with pytest.raises(NotFound):
        movies.collection("Doomed")
    with pytest.raises(NotFound):
        plex.fetchItem(col.ratingKey)
    for member in fetch(plex, chosen):
        assert "Doomed" not in [c.tag for c in member.collections]
    assert identifier not in [h.identifier for h in movies.managedHubs()]


# --------------------------------------------------------------------------- hub visibility


def hub_flags(plex: PlexServer, section: str, identifier: str) -> tuple[bool, bool, bool] | None:
    for hub in plex.library.section(section).managedHubs():
        if hub.identifier == identifier:
            return hub.promotedToRecommended, hub.promotedToOwnHome, hub.promotedToSharedHome
    return None


def test_visibility_promote_move_remove_and_reset(plex: PlexServer, dataset: Library) -> None:
    col = create(plex, "Promoted", fetch(plex, spread(movies_of(dataset), 2)))
    identifier = f"custom.collection.{MOVIES_SECTION_ID}.{col.ratingKey}"
    hub = col.visibility()
    assert (hub.promotedToRecommended, hub.promotedToOwnHome, hub.promotedToSharedHome) == (False,) * 3
    assert hub.identifier == identifier
    with pytest.raises(BadRequest):
        hub.move()
    with pytest.raises(BadRequest):
        hub.remove()
    with pytest.raises(BadRequest):
        raw(plex, "put", f"/hubs/sections/1/manage/{identifier}/move")
    with pytest.raises(NotFound):
        raw(plex, "delete", f"/hubs/sections/1/manage/{identifier}")

    hub.updateVisibility(recommended=True, home=True, shared=False)
    assert hub_flags(plex, "Movies", identifier) == (True, True, False)
    hub = col.visibility()
    assert hub.homeVisibility == "admin"
    hub.updateVisibility(shared=True)
    assert hub_flags(plex, "Movies", identifier) == (True, True, True)
    col.editTitle("Promoted Renamed")
    assert [h.title for h in plex.library.section("Movies").managedHubs() if h.identifier == identifier] == [
        "Promoted Renamed"
    ]

    movies = plex.library.section("Movies")
    builtin = [h.identifier for h in dataset.hubs[MOVIES_SECTION_ID]]
    assert [h.identifier for h in movies.managedHubs()] == [*builtin, identifier]
    hub.move()
    assert [h.identifier for h in movies.managedHubs()] == [identifier, *builtin]
    hub.move(after=movies.managedHubs()[2])
    assert [h.identifier for h in movies.managedHubs()] == [*builtin[:2], identifier, *builtin[2:]]
    hub.remove()
    assert hub_flags(plex, "Movies", identifier) is None
    assert col.visibility().promotedToRecommended is False


def test_reset_managed_hubs_drops_collections_and_restores_defaults(
    plex: PlexServer, dataset: Library
) -> None:
    col = create(plex, "Reset", fetch(plex, spread(movies_of(dataset), 1)))
    col.visibility().updateVisibility(recommended=True, home=True, shared=True)
    movies = plex.library.section("Movies")
    hubs = movies.managedHubs()
    hubs[-2].move()
    hubs[0].updateVisibility(recommended=False, home=False, shared=False)
    movies.resetManagedHubs()
    want = [
        (h.identifier, h.promoted_to_recommended, h.promoted_to_own_home, h.promoted_to_shared_home)
        for h in dataset.hubs[MOVIES_SECTION_ID]
    ]
    got = [
        (h.identifier, h.promotedToRecommended, h.promotedToOwnHome, h.promotedToSharedHome)
        for h in movies.managedHubs()
    ]
    assert got == want


# --------------------------------------------------------------------------- TV


def test_tv_collection_of_shows(plex: PlexServer, dataset: Library) -> None:
    shows = spread(dataset.of_type(SHOWS_SECTION_ID, "show"), 3)
    col = create(plex, "Some Shows", fetch(plex, shows), section="TV Shows")
    assert (col.subtype, col.librarySectionID, col.childCount) == ("show", SHOWS_SECTION_ID, 3)
    assert keys(reloaded(col).items()) == by_release(shows)
    col.sortUpdate("alpha")
    assert keys(reloaded(col).items()) == by_title(shows)
    episode = dataset.leaves(shows[0])[0]
    uri = (
        f"server://{plex.machineIdentifier}/com.plexapp.plugins.library/library/metadata/{episode.rating_key}"
    )
    with pytest.raises(BadRequest):
        raw(plex, "put", f"/library/collections/{col.ratingKey}/items", uri=uri)
    col.visibility().updateVisibility(recommended=True)
    identifier = f"custom.collection.{SHOWS_SECTION_ID}.{col.ratingKey}"
    assert hub_flags(plex, "TV Shows", identifier) == (True, False, False)
    assert plex.library.section("TV Shows").collection("Some Shows").ratingKey == col.ratingKey
