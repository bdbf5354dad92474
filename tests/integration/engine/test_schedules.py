"""Schedules on collections, file blocks and libraries (Kometa's `schedule:`), with `delete_not_scheduled`,
`non_existing` and `--ignore-schedules` (RunOptions.ignore_schedules), run against a fresh plexsim demo.

The clock is fixed through RunOptions.now: 2 June 2025 is a Monday, 3 June a Tuesday.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.engine_run import Workspace, collection_report, demo_movies, keys, plexsim_server

MONDAY, TUESDAY = datetime(2025, 6, 2, 12), datetime(2025, 6, 3, 12)
WESTERNS = [m for m in demo_movies() if "Western" in m.tags.get("genre", [])]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with plexsim_server() as server:
        workspace = Workspace(tmp_path, server)
        workspace.write_config()
        yield workspace


def westerns(extra: str = "", name: str = "Westerns") -> str:
    """A collection file with one Western collection plus `extra` attributes (one per line)."""
    lines = "".join(f"\n    {line}" for line in extra.splitlines() if line.strip())
    return f"collections:\n  {name}:\n    plex_search: {{all: {{genre: Western}}}}{lines}\n"


def test_a_collection_runs_only_on_its_scheduled_days(ws: Workspace) -> None:
    ws.collections_file(westerns("schedule: weekly(tuesday)"))
    report = ws.run(now=MONDAY)
    assert collection_report(report, "Westerns").status == "not_scheduled"
    assert not ws.has_collection("Westerns")

    report = ws.run(now=TUESDAY)
    assert collection_report(report, "Westerns").status == "created"
    assert sorted(ws.members("Westerns")) == sorted(keys(WESTERNS))


@pytest.mark.parametrize("delete", [True, False])
def test_an_existing_collection_out_of_schedule_is_deleted_only_with_delete_not_scheduled(
    ws: Workspace, delete: bool
) -> None:
    ws.collections_file(westerns())
    ws.run(now=MONDAY)
    ws.collections_file(westerns(f"schedule: weekly(tuesday)\ndelete_not_scheduled: {str(delete).lower()}"))
    report = ws.run(now=MONDAY)
    assert collection_report(report, "Westerns").status == ("deleted" if delete else "not_scheduled")
    assert ws.has_collection("Westerns") is not delete


def test_delete_not_scheduled_leaves_a_collection_without_the_kometa_label(ws: Workspace) -> None:
    """Kometa knows its collections by the label `Kometa`: one made by hand is never deleted for it."""
    section = ws.plex.library.section("Movies")
    section.createCollection("Westerns", items=section.fetchItems(keys(WESTERNS)))
    ws.collections_file(westerns("schedule: weekly(tuesday)\ndelete_not_scheduled: true"))
    report = ws.run(now=MONDAY)
    entry = collection_report(report, "Westerns")
    assert entry.status == "not_scheduled"
    assert "not deleted: not scheduled, but not labelled Kometa (not managed)" in entry.changes
    assert ws.has_collection("Westerns")


def test_non_existing_builds_a_collection_once_and_never_deletes_it(ws: Workspace) -> None:
    ws.collections_file(westerns("schedule: non_existing\nsync_mode: sync\ndelete_not_scheduled: true"))
    assert collection_report(ws.run(now=MONDAY), "Westerns").status == "created"
    ws.plex.fetchItem(WESTERNS[0].rating_key).removeGenre("Western", locked=True)

    report, stats = ws.run_counted(now=TUESDAY)
    assert collection_report(report, "Westerns").status == "not_scheduled"
    assert stats["writes"] == 0
    assert sorted(ws.members("Westerns")) == sorted(keys(WESTERNS)), "not synced again once it exists"


def test_a_file_block_schedule_skips_every_collection_of_that_file(ws: Workspace) -> None:
    ws.write_config(
        libraries="""
            Movies:
              collection_files:
                - file: movies.yml
                  schedule: weekly(tuesday)
                - file: daily.yml
        """
    )
    ws.collections_file(westerns())
    ws.write("daily.yml", westerns(name="Daily Westerns"))
    report = ws.run(now=MONDAY)
    assert [c.name for c in report.libraries[0].collections] == ["Daily Westerns"]
    assert ws.titles() >= {"Daily Westerns"}
    assert not ws.has_collection("Westerns")

    ws.run(now=TUESDAY)
    assert ws.has_collection("Westerns")


def test_a_library_schedule_skips_the_library_unless_it_is_named_with_run_libraries(ws: Workspace) -> None:
    ws.write_config(
        libraries="""
            Movies:
              schedule: weekly(tuesday)
              collection_files: [{file: movies.yml}]
        """
    )
    ws.collections_file(westerns())
    report, stats = ws.run_counted(now=MONDAY)
    assert report.libraries[0].status == "not_scheduled"
    assert report.libraries[0].collections == []
    assert stats["total"] == 0, "a library that is not scheduled is not even read"

    report = ws.run(now=MONDAY, run_libraries=["Movies"])
    assert collection_report(report, "Westerns").status == "created"


def test_ignore_schedules_runs_everything_except_what_a_range_schedule_excludes(ws: Workspace) -> None:
    ws.write_config(
        libraries="""
            Movies:
              schedule: never
              collection_files:
                - file: movies.yml
                  schedule: weekly(sunday)
        """
    )
    ws.collections_file(
        westerns("schedule: never", name="Never")
        + westerns("schedule: weekly(friday)", name="Fridays").removeprefix("collections:\n")
        + westerns("schedule: range(12/01-12/31)", name="December").removeprefix("collections:\n")
        + westerns("schedule: range(06/01-06/30)", name="June").removeprefix("collections:\n")
    )
    report = ws.run(now=MONDAY, ignore_schedules=True)
    statuses = {c.name: c.status for c in report.libraries[0].collections}
    assert statuses == {
        "Never": "created",
        "Fridays": "created",
        "December": "not_scheduled",
        "June": "created",
    }
    assert ws.titles() >= {"Never", "Fridays", "June"}
    assert not ws.has_collection("December")
