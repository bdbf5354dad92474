"""How a whole run behaves: what an unchanged second run costs in Plex requests, --dry-run, --run-libraries
and --run-files, missing secrets, webhooks and the JSON report. The engine runs in-process against a fresh
plexsim demo server; requests are counted by plexsim itself (`/__plexsim/stats`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kometa
from modules.config import load_config
from modules.errors import ConfigError
from modules.events import LOGGER_NAME
from modules.report import RunReport
from plexsim.dataset import generate
from tests.support.engine_run import (
    TOKEN,
    Workspace,
    collection_report,
    demo_movies,
    keys,
    local_http,
    plexsim_server,
    png_bytes,
)

MOVIES = demo_movies()
WESTERNS = [m for m in MOVIES if "Western" in m.tags.get("genre", [])]
BOTH_LIBRARIES = """
    Movies:
      collection_files: [{file: movies.yml}, {file: extra.yml}]
    TV Shows:
      collection_files: [{file: tv.yml}]
"""
# Six collections covering each kind of work the engine does on an existing collection.
MOVIES_YML = """
    collections:
      Westerns:
        plex_search: {all: {genre: Western}}
        summary: Dusty trails.
        sort_title: "!01 Westerns"
        label: [Curated]
        collection_mode: hide_items
        visible_home: true
        file_poster: poster.png
      Music Reversed:
        plex_search: {all: {genre: Music}, sort_by: title.desc}
        collection_order: custom
      Recent:
        smart_filter: {all: {year.gte: 2020}, sort_by: release.desc}
      Early Cinema:
        plex_all: true
        filters: {year.lt: 1950}
"""
EXTRA_YML = """
    collections:
      Leftovers:
        plex_collectionless: {exclude: [Leftovers]}
        sync_mode: sync
"""
TV_YML = """
    collections:
      Comedies:
        plex_search: {all: {genre: Comedy}}
        collection_order: alpha
"""
TV_YML_WITH_ERROR = """
    collections:
      Comedies:
        plex_search: {all: {genre: Comedy}}
        collection_order: alpha
      Trending:
        tmdb_trending_daily: 10
      Rare:
        plex_search: {all: {genre: Reality}}
        minimum_items: 100
"""
COLLECTIONS = 6


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """Movies (movies.yml, extra.yml) and TV Shows (tv.yml), six collections in all."""
    with plexsim_server() as server:
        workspace = Workspace(tmp_path, server)
        workspace.write_config(libraries=BOTH_LIBRARIES)
        workspace.collections_file(MOVIES_YML)
        workspace.write("extra.yml", EXTRA_YML)
        workspace.write("tv.yml", TV_YML)
        (tmp_path / "poster.png").write_bytes(png_bytes((120, 60, 20)))
        yield workspace


def comparable(report: RunReport) -> dict[str, Any]:
    """The report without what differs between two runs of the same plan: times and request counts."""
    data = report.to_dict()
    for key in ("started_at", "dry_run", "seconds", "plex_reads", "plex_writes"):
        del data[key]
    for library in data["libraries"]:
        for key in ("seconds", "plex_reads", "plex_writes"):
            del library[key]
        for collection in library["collections"]:
            del collection["seconds"]
    return data


# --------------------------------------------------------------------------- cost of an unchanged run


def test_an_immediate_second_run_writes_nothing_and_reads_about_one_request_per_collection(
    ws: Workspace,
) -> None:
    first, first_stats = ws.run_counted()
    assert first.summary()["created"] == COLLECTIONS and not first.failed

    second, stats = ws.run_counted()
    assert second.summary()["unchanged"] == COLLECTIONS
    assert stats["writes"] == 0
    routes = stats["routes"]
    libraries = 2
    listing_pages = libraries  # each demo section fits in one page of the listing
    collection_lists = libraries
    # Besides that: the server root once, the section list once, the managed hubs of Movies (Westerns sets
    # visible_home) and one tag-id lookup for `genre` per library.
    fixed = 1 + 1 + 1 + libraries
    assert stats["reads"] <= listing_pages + collection_lists + COLLECTIONS + fixed
    per_collection = routes["GET /library/sections/{section}/all"] - listing_pages
    per_collection += routes.get("GET /library/collections/{rk}/children", 0)
    assert per_collection <= COLLECTIONS
    assert set(routes) <= {
        "GET /",
        "GET /library/sections",
        "GET /library/sections/{section}/all",
        "GET /library/sections/{section}/collections",
        "GET /library/sections/{section}/{filter}",
        "GET /hubs/sections/{section}/manage",
        "GET /library/collections/{rk}/children",
    }
    assert (second.plex_reads, second.plex_writes) == (stats["reads"], 0), "the report counts the same"
    print(f"first run {first_stats['reads']}r/{first_stats['writes']}w, second {stats['reads']}r/0w")


def test_a_dry_run_writes_nothing_and_reports_exactly_what_the_real_run_then_does(ws: Workspace) -> None:
    """Between the runs an item leaves Westerns (now synced), Histories is new and Early Cinema falls below
    its minimum (deleted); Leftovers, defined last, must see all of that, in the dry run too."""
    ws.run()
    ws.plex.fetchItem(WESTERNS[0].rating_key).removeGenre("Western", locked=True)
    changed = MOVIES_YML.replace("summary: Dusty trails.", "summary: New summary.\n        sync_mode: sync")
    changed = changed.replace("{year.lt: 1950}", "{year.lt: 1950}\n        minimum_items: 1000")
    ws.collections_file(changed + "      Histories:\n        plex_search: {all: {genre: History}}\n")
    ws.write_config(libraries=BOTH_LIBRARIES, settings="delete_below_minimum: true")
    before = ws.titles()
    dry, stats = ws.run_counted(dry_run=True)
    assert stats["writes"] == 0
    assert ws.titles() == before
    assert dry.dry_run

    real = ws.run()
    assert comparable(dry) == comparable(real)
    statuses = {c.name: c.status for lib in real.libraries for c in lib.collections}
    assert statuses == {
        **dict.fromkeys(["Westerns", "Leftovers"], "updated"),
        **dict.fromkeys(["Music Reversed", "Recent", "Comedies"], "unchanged"),
        "Early Cinema": "deleted",
        "Histories": "created",
    }
    westerns = collection_report(real, "Westerns")
    assert [(r.rating_key, r.title) for r in westerns.removed] == [
        (WESTERNS[0].rating_key, WESTERNS[0].title)
    ]
    history = [m for m in MOVIES if "History" in m.tags.get("genre", [])]
    assert sorted(r.rating_key for r in collection_report(real, "Histories").added) == sorted(keys(history))
    demo = {k for c in generate().items.values() if c.type == "collection" for k in c.members}
    music = [m for m in MOVIES if "Music" in m.tags.get("genre", [])]
    early = [m for m in MOVIES if m.year is not None and m.year < 1950]
    taken_before = demo | set(keys(WESTERNS + music + early))
    taken_after = demo | set(keys(WESTERNS[1:] + music + history))
    leftovers = collection_report(real, "Leftovers")
    assert {r.rating_key for r in leftovers.removed} == taken_after - taken_before
    assert {r.rating_key for r in leftovers.added} == taken_before - taken_after
    assert leftovers.added and leftovers.removed


# --------------------------------------------------------------------------- selecting what runs


def test_run_libraries_runs_only_the_named_libraries(ws: Workspace) -> None:
    report, stats = ws.run_counted(run_libraries=["TV Shows"])
    assert [lib.name for lib in report.libraries] == ["TV Shows"]
    assert ws.titles("TV Shows") >= {"Comedies"}
    assert not ws.has_collection("Westerns")
    assert not any("/sections/1/" in route for route in stats["routes"])


def test_run_files_runs_only_the_named_collection_files(ws: Workspace) -> None:
    report = ws.run(run_files=["extra"])
    names = [c.name for lib in report.libraries for c in lib.collections]
    assert names == ["Leftovers"]
    assert not ws.has_collection("Westerns")
    assert not ws.has_collection("Comedies", "TV Shows")


# --------------------------------------------------------------------------- config problems


def test_a_missing_plextoken_secret_is_a_config_error_naming_the_key_and_line(ws: Workspace) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(ws.config_path, {"plex_url": ws.url})
    message = str(caught.value)
    assert "plex.token" in message and "<<plextoken>>" in message and "KOMETA_PLEXTOKEN" in message
    assert caught.value.location is not None
    assert caught.value.location.line == 3  # config.yml: plex:, url:, token:
    assert message.startswith(f"{ws.config_path}:3:")


# --------------------------------------------------------------------------- webhooks and report


def test_webhooks_post_run_start_changes_error_and_run_end_as_json(ws: Workspace) -> None:
    with local_http() as hooks:
        ws.write_config(
            libraries=BOTH_LIBRARIES,
            webhooks=f"""
                run_start: {hooks.url}/start
                run_end: {hooks.url}/end
                changes: {hooks.url}/changes
                error: {hooks.url}/error
            """,
        )
        ws.write("tv.yml", TV_YML_WITH_ERROR)
        ws.run(dry_run=True)
        dry_paths = [path for path, _ in hooks.posts]
        assert dry_paths == ["/start", "/error", "/end"], "a dry run announces no changes"
        assert hooks.posts[-1][1]["dry_run"] is True
        hooks.posts.clear()
        ws.run()
    by_path: dict[str, list[Any]] = {}
    for path, payload in hooks.posts:
        by_path.setdefault(path, []).append(payload)

    (start,) = by_path["/start"]
    assert start["event"] == "run_start" and "start_time" in start
    (end,) = by_path["/end"]
    assert end["event"] == "run_end" and end["dry_run"] is False
    assert end["collections_created"] == COLLECTIONS and end["collections_deleted"] == 0
    assert end["items_added"] > 0 and end["items_removed"] == 0
    assert {"start_time", "end_time", "run_time", "collections_modified", "names"} <= set(end)
    changes = {p["collection"]: p for p in by_path["/changes"]}
    assert set(changes) == {"Westerns", "Music Reversed", "Recent", "Early Cinema", "Leftovers", "Comedies"}
    westerns = changes["Westerns"]
    assert westerns["event"] == "changes" and westerns["library_name"] == "Movies"
    assert westerns["created"] is True and westerns["deleted"] is False and westerns["removals"] == []
    assert sorted(a["rating_key"] for a in westerns["additions"]) == sorted(keys(WESTERNS))
    assert {a["title"] for a in westerns["additions"]} == {m.title for m in WESTERNS}
    assert westerns["server_name"] == generate().friendly_name
    (error,) = by_path["/error"]
    assert error["event"] == "error" and error["collection"] == "Trending"
    assert error["library_name"] == "TV Shows" and error["critical"] is False
    assert "tv.yml:" in error["error"] and "tmdb_trending_daily" in error["error"]


@pytest.fixture
def engine_logger() -> Iterator[None]:
    """kometa.main() sets up the `kometa` logger (console and logs/meta.log); put it back afterwards."""
    logger = logging.getLogger(LOGGER_NAME)
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        if handler not in saved[0]:
            handler.close()
    for handler in saved[0]:
        logger.addHandler(handler)
    logger.setLevel(saved[1])
    logger.propagate = saved[2]


def test_the_json_report_has_per_collection_changes_items_errors_with_file_line_and_costs(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, engine_logger: None
) -> None:
    ws.write("tv.yml", TV_YML_WITH_ERROR)
    monkeypatch.setenv("KOMETA_PLEX_URL", ws.url)
    monkeypatch.setenv("KOMETA_PLEXTOKEN", TOKEN)
    out = ws.directory / "reports" / "run.json"
    code = kometa.main(["--run", "--config", str(ws.config_path), "--report", str(out)])
    assert code == 1, "a collection failed"

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["created"] == COLLECTIONS and data["summary"]["error"] == 1
    assert data["plex_reads"] > 0 and data["plex_writes"] > 0 and data["seconds"] >= 0
    movies, shows = data["libraries"]
    assert (movies["name"], shows["name"]) == ("Movies", "TV Shows")
    assert movies["summary"]["created"] == 5 and movies["plex_writes"] > 0 and "seconds" in movies
    westerns = next(c for c in movies["collections"] if c["name"] == "Westerns")
    assert westerns["status"] == "created" and (westerns["file"], westerns["line"]) == ("movies.yml", 2)
    assert sorted(i["rating_key"] for i in westerns["added"]) == sorted(keys(WESTERNS))
    assert {i["title"] for i in westerns["added"]} == {m.title for m in WESTERNS}
    trending = next(c for c in shows["collections"] if c["name"] == "Trending")
    assert trending["status"] == "error"
    assert trending["errors"][0].startswith("tv.yml:5:3: "), "the line of the collection"
    rare = next(c for c in shows["collections"] if c["name"] == "Rare")
    assert rare["status"] == "skipped"
    assert rare["warnings"] == ["tv.yml:7:3: Minimum 100 not met: the builders found 1 item(s)"]
    assert (ws.directory / "logs" / "meta.log").is_file()
