"""The starter config repository (`config-repo/`) against the plexsim demo, as a user runs it:

    KOMETA_PLEX_URL=... KOMETA_PLEXTOKEN=... python kometa.py --run --config config-repo/config.yml

(on a copy of the folder, so the run's logs and artwork cache stay out of the repository). Every collection
the config defines must exist with exactly the members computed here with plain Python from
`plexsim.dataset.generate()`: one small expectation per hand-written collection, and for the defaults
(genre, decade, resolution, content_rating, actor, network) the collections Kometa's files of those names
make, one per value the dataset holds.
A second run must then write nothing.

Where a collection keeps only the top N of a sort and items tie at the cut, any of the tied items may be in
it: `Expected.maybe` holds those, and the test checks the count.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from plexsim.dataset import generate
from plexsim.model import Item
from tests.support import plex_facts as facts
from tests.support.engine_run import (
    REPO_ROOT,
    TOKEN,
    Workspace,
    plex_stats,
    plexsim_server,
    reset_stats,
    run_kometa,
)

CONFIG_REPO = REPO_ROOT / "config-repo"
pytestmark = pytest.mark.skipif(
    not (CONFIG_REPO / "config.yml").is_file(), reason="config-repo/config.yml is not there"
)

LIB = generate()
MOVIES = facts.items_of(LIB, "movie")
SHOWS = facts.items_of(LIB, "show")
EPISODES = facts.items_of(LIB, "episode")
DEMO_COLLECTIONS = {c.title: set(c.members) for c in facts.items_of(LIB, "collection")}


# --------------------------------------------------------------------------- expectations


@dataclass
class Expected:
    """The members a collection must have: all of `sure`, and `size - len(sure)` of `maybe` (ties)."""

    sure: set[int]
    maybe: set[int] = field(default_factory=set)
    size: int | None = None

    def check(self, name: str, members: list[int]) -> None:
        got = set(members)
        assert len(got) == len(members), f"{name}: an item is in it twice"
        assert self.sure <= got <= self.sure | self.maybe, f"{name}: {sorted(got ^ self.sure)} differ"
        assert len(got) == (len(self.sure) if self.size is None else self.size), name


def where(items: list[Item], pred: Callable[[Item], bool]) -> Expected:
    return Expected({i.rating_key for i in items if pred(i)})


def top(items: list[Item], pred: Callable[[Item], bool], value: Callable[[Item], Any], n: int) -> Expected:
    """The `n` matching items with the highest `value` (None lowest); items tied at the cut are `maybe`."""
    ranked = sorted((i for i in items if pred(i)), key=lambda i: (value(i) is not None, value(i) or 0))[::-1]
    if len(ranked) <= n:
        return Expected({i.rating_key for i in ranked})
    cut = value(ranked[n - 1])
    sure = {i.rating_key for i in ranked if value(i) != cut and ranked.index(i) < n}
    maybe = {i.rating_key for i in ranked if value(i) == cut}
    return Expected(sure, maybe, n)


def genres(*names: str) -> Callable[[Item], bool]:
    return lambda i: bool(set(names) & set(i.tags.get("genre", [])))


def labels(*names: str) -> Callable[[Item], bool]:
    return lambda i: bool(set(names) & set(i.tags.get("label", [])))


def minutes(item: Item) -> float:
    return (item.duration or 0) / 60_000


def critic(item: Item) -> float:
    return item.rating if item.rating is not None else -1.0


def audience(item: Item) -> float:
    return item.audience_rating if item.audience_rating is not None else -1.0


def hand_written_movies() -> dict[str, Expected]:
    """collections/movies.yml, one expectation per collection, in the file's order."""
    europe, east_asia = {"France", "Italy", "Spain", "Germany"}, {"Japan", "South Korea"}

    def world(i: Item) -> bool:
        countries = set(i.tags.get("country", []))
        return "eng" not in facts.languages(i, 2) and bool(
            countries & europe or (countries & east_asia and critic(i) >= 6)
        )

    found = {
        "Modern Action Hits": top(
            MOVIES, lambda i: genres("Action")(i) and (i.year or 0) >= 2010 and critic(i) >= 6.5, critic, 20
        ),
        "Late Night Thrills": where(
            MOVIES,
            lambda i: (
                i.content_rating in ("R", "NC-17")
                and minutes(i) < 120
                and (genres("Horror")(i) or (genres("Thriller")(i) and critic(i) >= 7))
            ),
        ),
        "Unwatched Gems": top(MOVIES, lambda i: i.view_count == 0 and audience(i) >= 7.5, audience, 30),
        "Family Movie Night": where(
            MOVIES,
            lambda i: (
                i.content_rating in ("G", "PG")
                and (genres("Family", "Animation")(i) or labels("Family Night")(i))
            ),
        ),
        "Ultra HD Showcase": where(
            MOVIES,
            lambda i: (
                "4k" in facts.resolutions(i)
                and (facts.is_hdr(i) or facts.is_dovi(i))
                and audience(i) >= 6
                and minutes(i) >= 90
            ),
        ),
        "World Cinema": where(MOVIES, world),
        "Staff Picks": where(MOVIES, labels("Staff Pick", "Favorite")),
        "Holiday Movies": where(MOVIES, lambda i: labels("Holiday")(i) or "winter" in i.title.lower()),
        "Northwind Pictures Spotlight": where(
            MOVIES, lambda i: i.studio == "Northwind Pictures" and critic(i) >= 6
        ),
        "Copperline Studios Spotlight": where(
            MOVIES, lambda i: i.studio == "Copperline Studios" and critic(i) >= 5
        ),
    }
    # Regular collections whose sort title does not start with "!" or "~" count, smart ones tag no items.
    # A top-N collection with ties at its cut takes `size - len(sure)` of its `maybe` items; the others
    # stay collectionless (unless another collection takes them).
    regular = [e for name, e in found.items() if name not in ("Unwatched Gems", "Family Movie Night")]
    taken = set().union(*DEMO_COLLECTIONS.values(), *(e.sure for e in regular))
    tied = set().union(*(e.maybe for e in regular)) - taken
    chosen = sum((e.size or 0) - len(e.sure) for e in regular if e.maybe)
    free = {i.rating_key for i in MOVIES} - taken - tied
    found["Not in a Collection"] = Expected(free, tied, len(free) + len(tied) - chosen)
    return found


def each_value(items: list[Item], values: Callable[[Item], list[str]]) -> dict[str, Expected]:
    """{value: the items holding it} for every value any item holds."""
    found: dict[str, set[int]] = {}
    for item in items:
        for value in values(item):
            found.setdefault(value, set()).add(item.rating_key)
    return {value: Expected(keys) for value, keys in found.items()}


def default_movies() -> dict[str, Expected]:
    """The defaults config.yml lists for Movies, with its template_variables, as Kometa's files of the same
    names make them: an empty separator each, smart collections named `Action Movies`, `Best of 1990s`
    (here the 25 best by critic rating), `4K Movies` ... `480p Movies` (SD merged into 480p), `R Movies`."""
    found = {
        f"{g} Movies": e
        for g, e in each_value(MOVIES, lambda i: i.tags.get("genre", [])).items()
        if g != "Documentary"
    }
    for decade in {(i.year // 10) * 10 for i in MOVIES if i.year}:
        in_decade = lambda i, d=decade: i.year is not None and d <= i.year < d + 10  # noqa: E731
        found[f"Best of {decade}s"] = top(MOVIES, in_decade, lambda i: i.rating, 25)
    titles = {"4k": "4K", "1080": "1080p", "720": "720p", "480": "480p", "sd": "480p"}
    for res, expected in each_value(MOVIES, lambda i: sorted(facts.resolutions(i))).items():
        found.setdefault(f"{titles[res]} Movies", Expected(set())).sure.update(expected.sure)
    for rating, expected in each_value(
        MOVIES, lambda i: [i.content_rating] if i.content_rating else []
    ).items():
        found[f"{rating} Movies"] = expected
    found.update(actors(actor_choice(depth=3, limit=10, minimum=4)))
    for separator in ("Genre", "Decade", "Resolution", "Ratings", "Actors"):
        found[f"{separator} Collections"] = Expected(set())
    return found


@dataclass
class Cast:
    """The actors the actor default picks: `sure` ones, and `wanted - len(sure)` of the `tied` ones."""

    sure: set[str]
    tied: set[str]
    wanted: int


def actor_choice(depth: int = 3, limit: int = 10, minimum: int = 4) -> Cast:
    """Actors among the first `depth` credits of at least `minimum` movies, the `limit` most credited."""
    counts = Counter(name for m in MOVIES for name in m.tags.get("actor", [])[:depth])
    ranked = [(name, n) for name, n in counts.most_common() if n >= minimum]
    if len(ranked) <= limit:
        return Cast({name for name, _ in ranked}, set(), len(ranked))
    cut = ranked[limit - 1][1]
    return Cast({a for a, n in ranked if n > cut}, {a for a, n in ranked if n == cut}, limit)


def actors(cast: Cast) -> dict[str, Expected]:
    """Each possible actor collection: every movie with that actor anywhere in its cast."""
    return {
        name: where(MOVIES, lambda i, a=name: a in i.tags.get("actor", [])) for name in cast.sure | cast.tied
    }


def shows_expected() -> dict[str, Expected]:
    """collections/tv.yml, then the network and genre defaults."""
    recent = {e.parent_rating_key for e in EPISODES if (e.year or 0) >= 2025}
    show_of_season = {s.rating_key: s.parent_rating_key for s in facts.items_of(LIB, "season")}
    found = {
        "Binge-Worthy Dramas": where(SHOWS, lambda i: genres("Drama")(i) and audience(i) >= 7),
        "Still Going": where(SHOWS, lambda i: i.rating_key in {show_of_season[s] for s in recent}),
        "Kids & Family TV": where(
            SHOWS, lambda i: genres("Kids", "Family", "Animation")(i) or i.content_rating in ("TV-Y", "TV-G")
        ),
        "Classic TV": where(SHOWS, lambda i: i.year is not None and i.year <= 2005),
    }
    found.update(each_value(SHOWS, lambda i: [i.studio] if i.studio else []))  # network: the show's studio
    for genre, expected in each_value(SHOWS, lambda i: i.tags.get("genre", [])).items():
        # Kometa's genre default merges "War & Politics" into the keys Politics and War
        for name in ("Politics", "War") if genre == "War & Politics" else (genre,):
            found[f"{name} Shows"] = expected
    found["Network Collections"] = Expected(set())
    found["Genre Collections"] = Expected(set())
    return found


# --------------------------------------------------------------------------- the runs


@dataclass
class Runs:
    workspace: Workspace
    first: dict[str, Any]
    second: dict[str, Any]
    second_stats: dict[str, Any]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    """config-repo copied to a temporary folder, run twice with kometa.py against one plexsim server."""
    folder = tmp_path_factory.mktemp("repo") / "config-repo"
    shutil.copytree(CONFIG_REPO, folder, ignore=shutil.ignore_patterns("logs", "*.cache", ".git"))
    with plexsim_server() as server:
        ws = Workspace(folder, server)
        env = {"KOMETA_PLEX_URL": ws.url, "KOMETA_PLEXTOKEN": TOKEN}
        reports = []
        for number in (1, 2):
            reset_stats(ws.url)
            out = folder.parent / f"report{number}.json"
            done = run_kometa(["--run", "--config", str(ws.config_path), "--report", str(out)], env=env)
            assert done.returncode == 0, done.stdout[-4000:] + done.stderr
            reports.append(json.loads(out.read_text(encoding="utf-8")))
        yield Runs(ws, reports[0], reports[1], plex_stats(ws.url))


def test_every_movie_collection_exists_with_exactly_the_expected_members(runs: Runs) -> None:
    expected = {**hand_written_movies(), **default_movies()}
    cast = actor_choice(depth=3, limit=10, minimum=4)
    present = runs.workspace.titles("Movies") - set(DEMO_COLLECTIONS)
    assert present - cast.tied == set(expected) - cast.tied
    assert len(present & (cast.sure | cast.tied)) == cast.wanted
    for name in sorted(present):
        expected[name].check(name, runs.workspace.members(name, "Movies"))


def test_every_tv_collection_exists_with_exactly_the_expected_members(runs: Runs) -> None:
    expected = shows_expected()
    assert runs.workspace.titles("TV Shows") == set(expected)
    for name, wanted in sorted(expected.items()):
        wanted.check(name, runs.workspace.members(name, "TV Shows"))


def test_ordered_collections_show_their_members_in_the_configured_order(runs: Runs) -> None:
    ws = runs.workspace
    action = ws.members("Modern Action Hits")  # collection_order: custom, sort_by critic_rating.desc
    ratings = [LIB.items[k].rating or 0 for k in action]
    assert ratings == sorted(ratings, reverse=True)
    staff = ws.members("Staff Picks")  # collection_order: alpha
    assert staff == [i.rating_key for i in facts.title_order(LIB.items[k] for k in staff)]
    westerns = ws.members("Western Movies")  # the genre default's smart filter: newest first
    dates = [LIB.items[k].originally_available_at or "" for k in westerns]
    assert dates == sorted(dates, reverse=True)


def test_details_from_the_config_reach_plex(runs: Runs) -> None:
    ws = runs.workspace
    staff = ws.collection("Staff Picks")
    assert staff.titleSort == "+0_Staff Picks" and staff.collectionMode == 2
    assert sorted(label.tag for label in staff.labels) == ["Curated", "Kometa", "Kometa Demo"]
    hub = staff.visibility()
    assert (hub.promotedToRecommended, hub.promotedToOwnHome, hub.promotedToSharedHome) == (True, True, False)
    assert ws.collection("Action Movies").collectionMode == 2, "genre: collection_mode show_items"
    assert ws.collection("Best of 2020s").visibility().promotedToRecommended is True
    assert ws.collection("Action Shows", "TV Shows").titleSort == "#060_Action Shows", (
        "TV genre: sort_prefix #"
    )
    family = {i.rating_key for i in MOVIES if "Family Movie Night" in i.tags.get("label", [])}
    assert family == set(), "the dataset itself has no such label; the engine adds it"
    labelled = {
        int(i.ratingKey) for i in ws.plex.library.section("Movies").search(label="Family Movie Night")
    }
    assert labelled == hand_written_movies()["Family Movie Night"].sure


def test_the_first_run_reports_every_collection_created_without_errors(runs: Runs) -> None:
    summary = runs.first["summary"]
    assert summary["error"] == 0 and summary["unchanged"] == 0 and summary["created"] > 0
    for library in runs.first["libraries"]:
        names = [c["name"] for c in library["collections"]]
        assert len(names) == len(set(names)), f"a collection is built twice in {library['name']}"
    assert all(c["status"] == "created" for lib in runs.first["libraries"] for c in lib["collections"])


def test_a_second_run_writes_nothing(runs: Runs) -> None:
    assert runs.second_stats["writes"] == 0
    assert runs.second["plex_writes"] == 0
    statuses = {c["status"] for lib in runs.second["libraries"] for c in lib["collections"]}
    assert statuses == {"unchanged"}
    print(
        f"config-repo: first run {runs.first['plex_reads']} reads / {runs.first['plex_writes']} writes, "
        f"second {runs.second_stats['reads']} reads / 0 writes"
    )
