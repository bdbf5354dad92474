"""Sorted, limited and paged searches through the real plexapi client, compared as exact ordered lists.

The expected order follows the engine's documented rules, computed here with plain Python over the `dataset`:
start from the default order (titleSort case-folded, then rating key; seasons/episodes in natural order), apply
each sort key as a stable sort from the last to the first, nulls first ascending and last descending (or with
`:nullsLast`), a sort scoped to descendants (`episode.addedAt` on shows) using the largest descendant value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from plexapi.server import PlexServer

from plexsim.model import Item, Library
from tests.support import plex_facts as facts
from tests.support.plex_facts import episodes_of, sort_by, tags

M, T = "Movies", "TV Shows"
Expect = Callable[[Library], list[Item]]


def movies(lib: Library, pred: Callable[[Item], bool] = lambda i: True) -> list[Item]:
    return facts.default_order(lib, [i for i in facts.items_of(lib, "movie") if pred(i)])


def of(lib: Library, libtype: str) -> list[Item]:
    return facts.default_order(lib, facts.items_of(lib, libtype))


def _last_episode_added(lib: Library) -> Callable[[Item], Any]:
    def get(show: Item) -> Any:
        added = [e.added_at for e in episodes_of(lib, show)]
        return max(added) if added else None

    return get


def _year_then_title_desc(lib: Library) -> list[Item]:
    decade = movies(lib, lambda i: 2010 <= i.year < 2020)
    return sort_by(sort_by(decade, lambda i: i.title.casefold(), desc=True), lambda i: i.year)[:20]


CASES = [
    pytest.param(M, {"sort": "year:desc", "limit": 10}, lambda lib: sort_by(movies(lib), lambda i: i.year, True)[:10],
                 id="year-desc-limit"),
    pytest.param(M, {"sort": "titleSort"}, lambda lib: movies(lib), id="titleSort"),
    pytest.param(M, {"sort": "titleSort:desc", "limit": 25},
                 lambda lib: sorted(movies(lib), key=facts.sort_title, reverse=True)[:25], id="titleSort-desc"),
    pytest.param(M, {"sort": "audienceRating:desc", "genre": "Horror"},
                 lambda lib: sort_by(movies(lib, lambda i: "Horror" in tags(i, "genre")),
                                     lambda i: i.audience_rating, True), id="audienceRating-desc"),
    pytest.param(M, {"sort": "rating", "genre": "Thriller"},
                 lambda lib: sort_by(movies(lib, lambda i: "Thriller" in tags(i, "genre")), lambda i: i.rating),
                 id="rating-nulls-first"),
    pytest.param(M, {"sort": "rating:nullsLast", "genre": "Thriller"},
                 lambda lib: sort_by(movies(lib, lambda i: "Thriller" in tags(i, "genre")), lambda i: i.rating,
                                     nulls_last=True), id="rating-nullsLast"),
    pytest.param(M, {"sort": ["year", "title:desc"], "decade": 2010, "limit": 20}, _year_then_title_desc,
                 id="two-keys"),
    pytest.param(M, {"sort": "addedAt:desc", "filters": {"unwatched": True}, "limit": 15},
                 lambda lib: sort_by(movies(lib, lambda i: i.view_count == 0), lambda i: i.added_at, True)[:15],
                 id="addedAt-desc-unwatched"),
    pytest.param(M, {"sort": "duration:desc", "limit": 5},
                 lambda lib: sort_by(movies(lib), lambda i: i.duration, True)[:5], id="duration-desc"),
    pytest.param(M, {"sort": "lastViewedAt:desc", "filters": {"unwatched": False}},
                 lambda lib: sort_by(movies(lib, lambda i: i.view_count > 0), lambda i: i.last_viewed_at, True),
                 id="lastViewedAt-desc"),
    pytest.param(M, {"sort": "mediaHeight:desc", "limit": 30},
                 lambda lib: sort_by(movies(lib), lambda i: max(m.height for m in i.media), True)[:30],
                 id="mediaHeight-desc"),
    pytest.param(M, {"sort": "userRating:desc", "filters": {"userRating!": -1}},
                 lambda lib: sort_by(movies(lib, lambda i: i.user_rating is not None), lambda i: i.user_rating, True),
                 id="userRating-desc"),
    pytest.param(M, {"sort": "originallyAvailableAt", "filters": {"year<<": 1950}},
                 lambda lib: sort_by(movies(lib, lambda i: i.year < 1950), facts.release_epoch),
                 id="release-asc"),
    pytest.param(M, {"sort": "viewCount:desc", "limit": 12},
                 lambda lib: sort_by(movies(lib), lambda i: i.view_count, True)[:12], id="viewCount-desc"),
    pytest.param(T, {"libtype": "episode", "sort": "originallyAvailableAt:desc", "limit": 20},
                 lambda lib: sort_by(of(lib, "episode"), facts.release_epoch, True)[:20], id="episodes-aired-desc"),
    pytest.param(T, {"libtype": "episode", "filters": {"show.title": "Yarrowfield"}},
                 lambda lib: [e for e in of(lib, "episode") if "Yarrowfield" in facts.show_of(lib, e).title],
                 id="episodes-natural-order"),
    pytest.param(T, {"libtype": "show", "sort": "episode.addedAt:desc"},
                 lambda lib: sort_by(of(lib, "show"), _last_episode_added(lib), True), id="shows-last-episode"),
    pytest.param(T, {"libtype": "show", "sort": "year", "limit": 8},
                 lambda lib: sort_by(of(lib, "show"), lambda i: i.year)[:8], id="shows-year"),
    pytest.param(T, {"libtype": "season", "sort": "index:desc", "limit": 10},
                 lambda lib: sort_by(of(lib, "season"), lambda i: i.index, True)[:10], id="seasons-index-desc"),
    pytest.param(M, {"libtype": "collection", "sort": "titleSort:desc"},
                 lambda lib: of(lib, "collection")[::-1], id="collections-desc"),
]  # fmt: skip


@pytest.mark.parametrize(("section", "kwargs", "expect"), CASES)
def test_sorted_search(plex_ro: PlexServer, dataset: Library, section: str, kwargs: dict[str, Any],
                       expect: Expect) -> None:  # fmt: skip
    results = plex_ro.library.section(section).search(container_size=1000, **kwargs)
    expected = [i.rating_key for i in expect(dataset)]
    assert len(expected) > 1
    assert [r.ratingKey for r in results] == expected


@pytest.mark.parametrize("size", [1, 7, 100])
def test_paging_walks_the_same_order(plex_ro: PlexServer, dataset: Library, size: int) -> None:
    """plexapi pages with X-Plex-Container-Start/Size; the pages must join into the full sorted list."""
    results = plex_ro.library.section(M).search(
        sort="audienceRating:desc", genre="Drama", container_size=size
    )
    drama = movies(dataset, lambda i: "Drama" in tags(i, "genre"))
    assert [r.ratingKey for r in results] == [
        i.rating_key for i in sort_by(drama, lambda i: i.audience_rating, True)
    ]


def test_container_start_and_maxresults(plex_ro: PlexServer, dataset: Library) -> None:
    results = plex_ro.library.section(M).search(sort="year:desc", container_start=40, maxresults=25,
                                                container_size=10)  # fmt: skip
    expected = sort_by(movies(dataset), lambda i: i.year, True)[40:65]
    assert [r.ratingKey for r in results] == [i.rating_key for i in expected]


def test_get_by_exact_title(plex_ro: PlexServer, dataset: Library) -> None:
    """`section.get(title)` sends `title=<title>&limit=1` (contains) and then checks the title itself."""
    for item in facts.items_of(dataset, "movie")[::40]:
        assert plex_ro.library.section(M).get(item.title).ratingKey == item.rating_key
