"""The structured events a run emits (what the panel shows as progress): run, library, file and collection
start and end, with n of N and each collection's outcome."""

from __future__ import annotations

from pathlib import Path

from tests.support.engine_run import Workspace, plexsim_server

FILE = """\
collections:
  Old Movies:
    plex_search:
      all:
        year.lt: 1950
  Broken:
    tmdb_popular: 10
dynamic_collections:
  Resolutions:
    type: resolution
"""


def test_a_run_reports_progress_collection_by_collection(tmp_path: Path) -> None:
    with plexsim_server() as server:
        workspace = Workspace(tmp_path, server)
        workspace.write_config()
        workspace.collections_file(FILE)
        workspace.run()
    names = [e["event"] for e in workspace.events]
    assert names[0] == "run_start" and names[-1] == "run_end"
    for kind in ("library", "file"):
        assert names.index(f"{kind}_start") < names.index(f"{kind}_end")
    ends = [e for e in workspace.events if e["event"] == "collection_end"]
    total = ends[0]["total"]
    assert total >= 3
    assert [e["index"] for e in ends] == list(range(1, total + 1))
    assert all(e["total"] == total for e in ends)
    by_name = {e["collection"]: e for e in ends}
    assert by_name["Old Movies"]["status"] == "created" and by_name["Old Movies"]["added"] > 0
    assert by_name["Broken"]["status"] == "error"
    errors = [e for e in workspace.events if e["event"] == "error"]
    assert any("movies.yml:6:3" in e["message"] and "tmdb_popular" in e["message"] for e in errors)
    run_end = workspace.events[-1]
    assert run_end["failed"] is True and run_end["summary"]["created"] == total - 1
