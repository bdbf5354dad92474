"""Kometa 2.4 parity, end to end against plexsim (issue 13, items 1-4).

Each test states what Kometa does (from ../shared/reference/kometa.md and kometa-defaults.md) and checks that
our engine builds the same thing. Members are computed from `plexsim.dataset.generate()` with plain Python.
"""

from __future__ import annotations

from modules.managed import is_managed
from modules.report import RunReport
from plexsim.model import Item, Library
from tests.support import plex_facts as facts
from tests.support.engine_e2e import Engine, keys
from tests.support.engine_run import collection_report


def genres(item: Item) -> set[str]:
    return set(item.tags.get("genre", []))


# --------------------------------------------------------------------------- item 1: a list under all: is AND

ALL_LISTS = """\
collections:
  Action and Comedy:
    plex_search:
      all:
        genre: [Action, Comedy]
  Action or Comedy:
    plex_search:
      any:
        genre: [Action, Comedy]
  Smart Action and Comedy:
    smart_filter:
      all:
        genre: [Action, Comedy]
  Rated G and PG:
    plex_search:
      all:
        content_rating: [G, PG]
  Rated G and PG from the listing:
    plex_search:
      all:
        content_rating: [G, PG]
        year.gte: 1900
  Rated G or PG from the listing:
    plex_search:
      all:
        any:
          content_rating: [G, PG]
        year.gte: 1900
"""


def test_a_list_under_all_is_an_and_and_under_any_an_or(engine: Engine, movies: list[Item]) -> None:
    """Kometa: `all: {genre: [Action, Comedy]}` holds the movies with both genres (plex_search and
    smart_filter alike), `all: {content_rating: [G, PG]}` finds nothing (no collection: below minimum_items),
    and `any:` with the same list holds movies with either. Each collection stays one Plex search (or none,
    when the listing answers it)."""
    report = engine.run_files(movies=ALL_LISTS)
    both = [m for m in movies if {"Action", "Comedy"} <= genres(m)]
    either = [m for m in movies if {"Action", "Comedy"} & genres(m)]
    assert both and len(both) < len(either)
    assert sorted(engine.members("Action and Comedy")) == sorted(keys(both))
    assert sorted(engine.members("Action or Comedy")) == sorted(keys(either))
    smart = engine.collection("Smart Action and Comedy")
    assert smart.smart
    assert sorted(m.ratingKey for m in smart.items()) == sorted(keys(both))
    for name in ("Rated G and PG", "Rated G and PG from the listing"):
        assert collection_report(report, name).status == "skipped"
        assert not engine.has_collection(name)
    g_or_pg = [m for m in movies if m.content_rating in ("G", "PG") and (m.year or 0) >= 1900]
    assert sorted(engine.members("Rated G or PG from the listing")) == sorted(keys(g_or_pg))
    _, stats = engine.rerun_counted()
    assert stats["writes"] == 0, stats["routes"]
    searches = stats["routes"].get("GET /library/sections/{section}/all", 0)
    # the listing (one page here), one search for each genre plex_search and one for the nested `any`;
    # the flat content-rating searches are answered from the listing
    assert searches == 1 + 2 + 1, stats["routes"]


# --------------------------------------------------------------------------- item 2: dynamic without template

DYNAMIC_DEFAULTS = """\
dynamic_collections:
  Genres:
    type: genre
  Resolutions:
    type: resolution
  Decades:
    type: decade
  Years:
    type: year
  Directors:
    type: director
    data: {limit: 2}
"""


def best_50(items: list[Item]) -> list[int]:
    """Kometa's default: critic rating descending (unrated last), ties in title order, at most 50."""
    return keys(sorted(items, key=lambda i: (i.rating is None, -(i.rating or 0)))[:50])


def test_dynamic_collections_without_a_template_use_kometas_default_per_type(
    engine: Engine, movies: list[Item]
) -> None:
    """Kometa (kometa-defaults.md §3): a genre key makes the smart collection "Top <genre> movies" (limit 50,
    critic rating descending); a resolution key "<title> movies" with every match by title; a decade
    "Best movies of the 1990s" and a year "Best movies of 2024" (50 best); people a plain collection named
    after the person. Each carries the labels `Kometa` and the mapping name."""
    report = engine.run_files(movies=DYNAMIC_DEFAULTS)
    assert not [c.errors for lib in report.libraries for c in lib.collections if c.errors]
    action = engine.collection("Top Action movies")
    assert action.smart
    assert [m.ratingKey for m in action.items()] == best_50([m for m in movies if "Action" in genres(m)])
    assert {x.tag for x in action.labels} == {"Kometa", "Genres"}
    assert "limit=50" in action.content and "sort=rating%3Adesc" in action.content.replace(":", "%3A")
    uhd = engine.collection("4K movies")
    assert uhd.smart
    assert [m.ratingKey for m in uhd.items()] == keys(
        [m for m in movies if "4k" in facts.resolutions(m)]  # title order, no limit
    )
    nineties = [m for m in movies if m.year is not None and 1990 <= m.year <= 1999]
    assert [m.ratingKey for m in engine.collection("Best movies of the 1990s").items()] == best_50(nineties)
    of_2024 = [m for m in movies if m.year == 2024]
    assert [m.ratingKey for m in engine.collection("Best movies of 2024").items()] == best_50(of_2024)
    directors = built_by(report, engine, "Directors")
    assert len(directors) == 2
    for name in directors:
        collection = engine.collection(name)
        assert not collection.smart
        assert sorted(engine.members(name)) == sorted(
            keys([m for m in movies if name in m.tags.get("director", [])])
        )
        assert {x.tag for x in collection.labels} == {"Kometa", "Directors"}
    _, stats = engine.rerun_counted()
    assert stats["writes"] == 0, stats["routes"]


def built_by(report: RunReport, engine: Engine, definition: str) -> set[str]:
    line = engine.line_of(f"  {definition}:")
    return {c.name for lib in report.libraries for c in lib.collections if c.line == line}


# --------------------------------------------------------------------------- item 3: the Kometa label

LABELS = """\
collections:
  Westerns:
    plex_search: {all: {genre: Western}}
  Synced Labels:
    plex_search: {all: {genre: War}}
    label.sync: [Mine]
  Smart Horror:
    smart_filter: {all: {genre: Horror}}
dynamic_collections:
  Ratings:
    type: content_rating
    include: [G, NC-17]
"""


def test_every_collection_carries_the_kometa_label_and_dynamic_ones_their_mapping_name(
    engine: Engine, dataset: Library
) -> None:
    """Kometa labels every collection it updates `Kometa` (label.sync keeps it) and each dynamic collection
    also with its mapping name; that label is how either engine knows which collections it manages."""
    engine.run_files(movies=LABELS)
    labels = {name: {x.tag for x in engine.collection(name).labels} for name in engine.titles()}
    ours = {
        "Westerns": {"Kometa"},
        "Synced Labels": {"Kometa", "Mine"},
        "Smart Horror": {"Kometa"},
        "Top G movies": {"Kometa", "Ratings"},
        "Top NC-17 movies": {"Kometa", "Ratings"},
    }
    assert {name: labels[name] for name in ours} == ours
    assert all(is_managed(labels[name]) for name in ours)
    demo = {c.title for c in dataset.items.values() if c.type == "collection" and c.section_id == 1}
    assert demo and set(labels) == set(ours) | demo
    assert not any(is_managed(labels[name]) for name in demo)  # the demo's own collections stay unmanaged
    _, stats = engine.rerun_counted()
    assert stats["writes"] == 0, stats["routes"]


def test_a_collection_kometa_built_is_taken_over_and_an_unlabelled_one_is_not_managed(
    engine: Engine, movies: list[Item]
) -> None:
    """A collection Kometa made (label `Kometa`) is the same collection to us; one made by hand has no label
    until a definition of ours builds it."""
    section = engine.plex.library.section("Movies")
    westerns = [m for m in movies if "Western" in genres(m)]
    made = section.createCollection("Westerns", items=section.fetchItems(keys(westerns)))
    made.addLabel("Kometa")
    section.createCollection("By Hand", items=section.fetchItems(keys(westerns[:1])))
    engine.run_files(movies="collections:\n  Westerns:\n    plex_search: {all: {genre: Western}}\n")
    assert engine.collection("Westerns").ratingKey == made.ratingKey
    assert is_managed(x.tag for x in engine.collection("Westerns").labels)
    assert not is_managed(x.tag for x in engine.collection("By Hand").labels)


# --------------------------------------------------------------------------- item 4: item_* details

ITEM_DETAILS = """\
collections:
  Westerns:
    plex_search: {all: {genre: Western}}
    item_label: [Cowboys, Dusty]
    item_genre: [Frontier]
    item_lock_poster: true
  Favourites Cleaned:
    plex_search: {all: {label: Favorite}}
    item_label.remove: Favorite
  Kids Synced:
    plex_search: {all: {label: Kids, genre.not: Western}}
    item_label.sync: [Kids, Young]
  Smart Horror:
    smart_filter: {all: {genre: Horror}, sort_by: title.asc}
    item_edition: Midnight Cut
"""


def labels_of(engine: Engine, rating_key: int) -> set[str]:
    return {x.tag for x in engine.plex.fetchItem(rating_key).labels}


def test_item_details_reach_every_member_in_batches_and_a_rerun_writes_nothing(
    engine: Engine, movies: list[Item]
) -> None:
    """Kometa applies item_label (+ .remove, .sync), item_genre, item_edition and item_lock_* to every item in
    the collection. Items needing the same change share one multi-item edit, and an unchanged collection makes
    no write on the next run."""
    report = engine.run_files(movies=ITEM_DETAILS)
    assert not [c.errors for lib in report.libraries for c in lib.collections if c.errors]
    assert not [w for lib in report.libraries for c in lib.collections for w in c.warnings]
    plex = engine.plex
    westerns = [m for m in movies if "Western" in genres(m)]
    for movie in westerns:
        item = plex.fetchItem(movie.rating_key)
        assert {x.tag for x in item.genres} == genres(movie) | {"Frontier"}
        assert {f.name for f in item.fields if f.locked} >= {"thumb", "genre"}
    for movie in movies:
        wanted = set(movie.tags.get("label", [])) - {"Favorite"}
        if "Western" in genres(movie):
            wanted |= {"Cowboys", "Dusty"}
        elif "Kids" in wanted:
            wanted = {"Kids", "Young"}
        assert {x.tag for x in plex.fetchItem(movie.rating_key).labels} == wanted, movie.title
    horror = [m for m in movies if "Horror" in genres(m)]
    assert {plex.fetchItem(m.rating_key).editionTitle for m in horror} == {"Midnight Cut"}
    others = [m for m in movies if "Horror" not in genres(m) and m.edition_title]
    assert all(plex.fetchItem(m.rating_key).editionTitle == m.edition_title for m in others)
    _, stats = engine.rerun_counted()
    assert stats["writes"] == 0, stats["routes"]


def test_item_edits_are_batched_per_change_not_per_item(engine: Engine, movies: list[Item]) -> None:
    """One PUT per group of items needing the same change (100 per request), whatever the group's size."""
    westerns = [m for m in movies if "Western" in genres(m)]
    engine.run_files(
        movies="collections:\n  Westerns:\n    plex_search: {all: {genre: Western}}\n    item_label: Cowboys\n"
    )
    engine.run_files(
        movies="collections:\n  Westerns:\n    plex_search: {all: {genre: Western}}\n    item_label: [Cowboys, Hats]\n"
    )
    assert len(westerns) > 2
    _, stats = engine.rerun_counted()
    assert stats["writes"] == 0
    engine.write(
        "movies.yml",
        "collections:\n  Westerns:\n    plex_search: {all: {genre: Western}}\n    item_label.remove: [Hats]\n"
        "    item_refresh: true\n",
    )
    report, stats = engine.rerun_counted()
    entry = collection_report(report, "Westerns")
    assert entry.status == "updated"
    assert stats["routes"].get("PUT /library/sections/{section}/all") == 1, stats["routes"]
    assert stats["routes"].get("PUT /library/metadata/{rk}/refresh") == len(westerns), stats["routes"]
    assert all("Hats" not in labels_of(engine, m.rating_key) for m in westerns)
