"""A plex_search on attributes Plex's list view holds completely is answered from the run's listing:
same members and order as Plex would give, and no search request at all."""

from __future__ import annotations

from pathlib import Path

from plexsim.model import Item
from tests.support.engine_run import Workspace, demo_movies, plexsim_server

SEARCHES = """\
collections:
  Nineties by Rating:
    plex_search:
      all:
        decade: 1990
      sort_by: critic_rating.desc
      limit: 7
    collection_order: custom
  Big Recent:
    plex_search:
      all:
        year.gte: 2015
        resolution: 4k
        audience_rating.gte: 6
    collection_order: alpha
"""


def _nulls_last_desc(items: list[Item], value: str) -> list[Item]:
    ordered = sorted(items, key=lambda i: (i.sort_title.casefold(), i.rating_key))
    present = [i for i in ordered if getattr(i, value) is not None]
    present.sort(key=lambda i: getattr(i, value), reverse=True)
    return present + [i for i in ordered if getattr(i, value) is None]


def test_local_attributes_need_no_search_request(tmp_path: Path) -> None:
    movies = demo_movies()
    nineties = _nulls_last_desc(
        [m for m in movies if m.year is not None and 1990 <= m.year <= 1999], "rating"
    )[:7]
    big = {
        m.rating_key
        for m in movies
        if (m.year or 0) >= 2015
        and any(media.video_resolution == "4k" for media in m.media)
        and (m.audience_rating or 0) >= 6
    }
    with plexsim_server() as server:
        workspace = Workspace(tmp_path, server)
        workspace.write_config()
        workspace.collections_file(SEARCHES)
        report, stats = workspace.run_counted()
        assert [c.status for c in report.libraries[0].collections] == ["created", "created"]
        assert workspace.members("Nineties by Rating") == [m.rating_key for m in nineties]
        assert set(workspace.members("Big Recent")) == big
        listing_pages = 1  # 320 movies fit one page of the gateway's listing
        assert stats["routes"]["GET /library/sections/{section}/all"] == listing_pages
