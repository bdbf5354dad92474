"""Collection details and sync behaviour, end to end: collection files in a temporary config directory, the
engine run in-process against a fresh plexsim demo server, and the result read back through plexapi.

Expected members come from `plexsim.dataset.generate()` read with plain Python (genre and year of each
movie), never from the engine. Schedules (on collections, file blocks and libraries) are in test_schedules.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from plexsim.model import Item
from tests.support.engine_run import (
    Workspace,
    collection_report,
    demo_movies,
    keys,
    local_http,
    plexsim_server,
    png_bytes,
)

MOVIES = demo_movies()


def genre(name: str) -> list[Item]:
    return [m for m in MOVIES if name in m.tags.get("genre", [])]


def by_release(items: list[Item]) -> list[int]:
    return keys(sorted(items, key=lambda m: (m.originally_available_at or "", m.rating_key)))


def by_sort_title(items: list[Item], reverse: bool = False) -> list[int]:
    return keys(sorted(items, key=lambda m: (m.title_sort or m.title).lower(), reverse=reverse))


WESTERNS = genre("Western")


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A config directory with config.yml for the Movies library (collections in movies.yml)."""
    with plexsim_server() as server:
        workspace = Workspace(tmp_path, server)
        workspace.write_config()
        yield workspace


# --------------------------------------------------------------------------- details


def test_summary_sort_title_content_rating_and_labels_are_set_on_the_collection(ws: Workspace) -> None:
    ws.collections_file("""
        collections:
          Westerns:
            plex_search: {all: {genre: Western}}
            summary: Dusty trails.
            sort_title: "!010 Westerns"
            content_rating: PG-13
            label: [Curated, Weekend]
    """)
    report = ws.run()
    assert collection_report(report, "Westerns").status == "created"
    col = ws.collection("Westerns")
    assert col.summary == "Dusty trails."
    assert col.titleSort == "!010 Westerns"
    assert col.contentRating == "PG-13"
    assert sorted(label.tag for label in col.labels) == ["Curated", "Kometa", "Weekend"]  # Kometa: managed
    assert sorted(ws.members("Westerns")) == sorted(keys(WESTERNS))


def test_label_remove_takes_labels_off_and_label_sync_makes_them_exactly_the_list(ws: Workspace) -> None:
    template = """
        collections:
          Westerns:
            plex_search: {all: {genre: Western}}
            %s
    """
    ws.collections_file(template % "label: [A, B, C]")
    ws.run()
    ws.collections_file(template % "label.remove: B")
    ws.run()
    assert sorted(label.tag for label in ws.collection("Westerns").labels) == ["A", "C", "Kometa"]
    ws.collections_file(template % "label.sync: [C, D]")
    ws.run()
    # label.sync keeps the engine's own label, as Kometa keeps its `Kometa` label
    assert sorted(label.tag for label in ws.collection("Westerns").labels) == ["C", "D", "Kometa"]


def test_collection_order_release_and_alpha_sort_the_members_plex_shows(ws: Workspace) -> None:
    ws.collections_file("""
        collections:
          Westerns by Release:
            plex_search: {all: {genre: Western}}
            collection_order: release
          Westerns A-Z:
            plex_search: {all: {genre: Western}}
            collection_order: alpha
    """)
    ws.run()
    assert ws.collection("Westerns by Release").collectionSort == 0
    assert ws.members("Westerns by Release") == by_release(WESTERNS)
    assert ws.collection("Westerns A-Z").collectionSort == 1
    assert ws.members("Westerns A-Z") == by_sort_title(WESTERNS)


def test_custom_order_follows_the_builder_sort_and_a_new_sort_reorders_the_members(ws: Workspace) -> None:
    template = """
        collections:
          Westerns Custom:
            plex_search: {all: {genre: Western}, sort_by: %s}
            collection_order: custom
    """
    ws.collections_file(template % "title.desc")
    ws.run()
    assert ws.collection("Westerns Custom").collectionSort == 2
    assert ws.members("Westerns Custom") == by_sort_title(WESTERNS, reverse=True)

    ws.collections_file(template % "title.asc")
    report, stats = ws.run_counted()
    assert collection_report(report, "Westerns Custom").status == "updated"
    assert ws.members("Westerns Custom") == by_sort_title(WESTERNS)
    assert set(stats["routes"]) - {r for r in stats["routes"] if r.startswith("GET ")} == {
        "PUT /library/collections/{rk}/items/{item}/move"
    }

    report, stats = ws.run_counted()
    assert stats["writes"] == 0, "an order that already matches needs no moves"


@pytest.mark.parametrize(
    ("mode", "plex_value"), [("default", -1), ("hide", 0), ("hide_items", 1), ("show_items", 2)]
)
def test_collection_mode_sets_plex_collection_mode(ws: Workspace, mode: str, plex_value: int) -> None:
    ws.collections_file(f"""
        collections:
          Westerns:
            plex_search: {{all: {{genre: Western}}}}
            collection_mode: {mode}
    """)
    ws.run()
    assert ws.collection("Westerns").collectionMode == plex_value


def test_visible_library_home_and_shared_promote_the_collection_hub(ws: Workspace) -> None:
    ws.collections_file("""
        collections:
          Westerns:
            plex_search: {all: {genre: Western}}
            visible_library: true
            visible_home: false
            visible_shared: true
    """)
    ws.run()
    hub = ws.collection("Westerns").visibility()
    assert (hub.promotedToRecommended, hub.promotedToOwnHome, hub.promotedToSharedHome) == (True, False, True)


def test_a_schedule_valued_visible_home_is_true_only_on_scheduled_days(ws: Workspace) -> None:
    monday, tuesday = datetime(2025, 6, 2, 12), datetime(2025, 6, 3, 12)
    ws.collections_file("""
        collections:
          Westerns:
            plex_search: {all: {genre: Western}}
            visible_home: weekly(monday)
    """)
    ws.run(now=monday)
    assert ws.collection("Westerns").visibility().promotedToOwnHome is True
    ws.run(now=tuesday)
    assert ws.collection("Westerns").visibility().promotedToOwnHome is False


# --------------------------------------------------------------------------- artwork


def test_url_poster_and_background_are_fetched_into_plex_once(ws: Workspace) -> None:
    poster, background = png_bytes((200, 30, 30)), png_bytes((30, 30, 200), (60, 40))
    with local_http() as site:
        site.files = {"/poster.png": poster, "/background.png": background}
        ws.collections_file(f"""
            collections:
              Westerns:
                plex_search: {{all: {{genre: Western}}}}
                url_poster: {site.url}/poster.png
                url_background: {site.url}/background.png
        """)
        ws.run()
        col = ws.collection("Westerns")
        assert ws.image(col.thumb) == poster
        assert ws.image(col.art) == background

        _, stats = ws.run_counted()
        assert stats["writes"] == 0, "an unchanged poster URL is not uploaded again"


def test_file_poster_is_uploaded_once_and_again_when_the_file_changes(ws: Workspace) -> None:
    first, second = png_bytes((10, 120, 10)), png_bytes((250, 250, 0))
    art = ws.directory / "assets" / "westerns-art.png"
    art.parent.mkdir()
    art.write_bytes(png_bytes((5, 5, 5), (64, 36)))
    poster = ws.directory / "assets" / "westerns.png"
    poster.write_bytes(first)
    ws.collections_file("""
        collections:
          Westerns:
            plex_search: {all: {genre: Western}}
            file_poster: assets/westerns.png
            file_background: assets/westerns-art.png
    """)
    ws.run()
    col = ws.collection("Westerns")
    assert ws.image(col.thumb) == first
    assert ws.image(col.art) == art.read_bytes()

    _, stats = ws.run_counted()
    assert stats["writes"] == 0

    poster.write_bytes(second)
    _, stats = ws.run_counted()
    assert stats["writes"] == 1
    assert stats["routes"].get("POST /library/metadata/{rk}/posters") == 1
    assert ws.image(ws.collection("Westerns").thumb) == second


# --------------------------------------------------------------------------- sync_mode, minimum, build


def drop_genre(ws: Workspace, rating_key: int, name: str) -> None:
    """Edit the item through plexapi, as a Plex user would, so it stops matching `genre: name`."""
    ws.plex.fetchItem(rating_key).removeGenre(name, locked=True)


@pytest.mark.parametrize(("sync_mode", "kept"), [("sync", False), ("append", True)])
def test_after_an_item_stops_matching_sync_removes_it_and_append_keeps_it(
    ws: Workspace, sync_mode: str, kept: bool
) -> None:
    ws.collections_file(f"""
        collections:
          Westerns:
            plex_search: {{all: {{genre: Western}}}}
            sync_mode: {sync_mode}
    """)
    ws.run()
    leaver = WESTERNS[0]
    drop_genre(ws, leaver.rating_key, "Western")
    report = ws.run()
    expected = keys(WESTERNS) if kept else [k for k in keys(WESTERNS) if k != leaver.rating_key]
    assert sorted(ws.members("Westerns")) == sorted(expected)
    removed = [ref.rating_key for ref in collection_report(report, "Westerns").removed]
    assert removed == ([] if kept else [leaver.rating_key])


def test_settings_sync_mode_and_minimum_items_can_be_overridden_per_library(ws: Workspace) -> None:
    ws.write_config(
        settings="sync_mode: append\nminimum_items: 1",
        libraries="""
            Movies:
              settings: {sync_mode: sync, minimum_items: 20}
              collection_files: [{file: movies.yml}]
        """,
    )
    ws.collections_file("""
        collections:
          Westerns:
            plex_search: {all: {genre: Western}}
            minimum_items: 1
          Histories:
            plex_search: {all: {genre: History}}
    """)
    ws.run()
    assert not ws.has_collection("Histories"), f"{len(genre('History'))} History movies are below 20"
    drop_genre(ws, WESTERNS[0].rating_key, "Western")
    ws.run()
    assert sorted(ws.members("Westerns")) == sorted(keys(WESTERNS[1:])), "the library's sync_mode: sync"


@pytest.mark.parametrize("delete", [True, False])
def test_below_minimum_deletes_with_delete_below_minimum_and_otherwise_keeps_the_collection(
    ws: Workspace, delete: bool
) -> None:
    template = f"""
        collections:
          Westerns:
            plex_search: {{all: {{genre: Western}}}}
            minimum_items: %d
            delete_below_minimum: {str(delete).lower()}
    """
    ws.collections_file(template % 1)
    ws.run()
    ws.collections_file(template % (len(WESTERNS) + 1))
    report = ws.run()
    status = collection_report(report, "Westerns").status
    if delete:
        assert status == "deleted"
        assert not ws.has_collection("Westerns")
    else:
        assert status == "skipped"
        assert sorted(ws.members("Westerns")) == sorted(keys(WESTERNS))


def test_build_collection_false_creates_nothing(ws: Workspace) -> None:
    ws.collections_file("""
        collections:
          Westerns:
            plex_search: {all: {genre: Western}}
            build_collection: false
    """)
    report, stats = ws.run_counted()
    assert collection_report(report, "Westerns").status == "skipped"
    assert not ws.has_collection("Westerns")
    assert stats["writes"] == 0


def external_id(item: Item, scheme: str) -> str:
    return next(g.split("://", 1)[1] for g in item.guids if g.startswith(f"{scheme}://"))


def test_ignore_ids_in_settings_and_ignore_imdb_ids_in_a_definition_leave_those_movies_out(
    ws: Workspace,
) -> None:
    """Kometa's ignore_ids are TMDb (movies) / TVDb (shows) ids and ignore_imdb_ids IMDb ids, not rating keys."""
    tmdb_ids = [int(external_id(m, "tmdb")) for m in WESTERNS[:2]]
    ws.write_config(settings=f"ignore_ids: {tmdb_ids}")
    ws.collections_file(f"""
        collections:
          Westerns:
            plex_search: {{all: {{genre: Western}}}}
            ignore_imdb_ids: {external_id(WESTERNS[2], "imdb")}
          All Westerns Except Settings:
            plex_search: {{all: {{genre: Western}}}}
    """)
    ws.run()
    assert sorted(ws.members("Westerns")) == sorted(keys(WESTERNS[3:]))
    assert sorted(ws.members("All Westerns Except Settings")) == sorted(keys(WESTERNS[2:]))
