"""Our `- default:` files make the collections Kometa 2.4's files of the same name make (issue 13, item 5).

Every expectation below is a fact of ../shared/reference/kometa-defaults.md restated as data: the Plex title,
sort title, smart or not, limit and labels of each collection, and the separator collections. Members are
computed from `plexsim.dataset.generate()` with plain Python. The whole library is compared, so an extra
or a missing collection fails too. Images are left out on purpose: Kometa's come from GitHub, ours are none.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from modules.report import RunReport
from plexsim.model import Item, Library
from tests.support import plex_facts as facts
from tests.support.engine_e2e import NOW, Engine, keys

MOVIE_DEFAULTS = [
    "genre",
    "studio",
    "country",
    "audio_language",
    "subtitle_language",
    "decade",
    "year",
    "content_rating",
    "resolution",
    "actor",
    "director",
    "producer",
    "writer",
    "collectionless",
]
SHOW_DEFAULTS = ["network", "genre", "decade", "resolution"]


@dataclass(frozen=True)
class Expected:
    """One collection as Kometa makes it."""

    sort_title: str
    smart: bool
    labels: frozenset[str]
    members: list[int]  # in Plex's order when `ordered`, else compared as a set
    ordered: bool = False
    limit: int | None = None


Expectations = dict[str, Expected]


@pytest.fixture(scope="module")
def defaults_run(shared_engine: Engine) -> RunReport:
    libraries = "Movies:\n  collection_files:\n" + "".join(f"    - default: {n}\n" for n in MOVIE_DEFAULTS)
    libraries += "TV Shows:\n  collection_files:\n" + "".join(f"    - default: {n}\n" for n in SHOW_DEFAULTS)
    shared_engine.write_config(libraries=libraries)
    return shared_engine.run()


def separator(section: str, name: str) -> tuple[str, Expected]:
    """Kometa §2.8: an empty plain collection "<name> Collections", sort title "!<section>_!<title>"."""
    title = f"{name} Collections"
    return title, Expected(f"!{section}_!{title}", False, frozenset({"Kometa"}), [])


def smart(
    section: str, title: str, label: str, members: list[Item], order: str = "", **kw: object
) -> Expected:
    return Expected(f"!{section}_{order}{title}", True, frozenset({"Kometa", label}), keys(members), **kw)  # type: ignore[arg-type]


def best(items: list[Item], limit: int) -> list[Item]:
    """critic_rating.desc: unrated last, ties in title order (the input is in title order; the sort is stable)."""
    return sorted(items, key=lambda i: (i.rating is None, -(i.rating or 0)))[:limit]


def by_tag(items: list[Item], kind: str) -> dict[str, list[Item]]:
    found: dict[str, list[Item]] = {}
    for item in items:
        for name in item.tags.get(kind, []):
            found.setdefault(name, []).append(item)
    return found


def top_people(movies: list[Item], kind: str) -> list[str]:
    """Kometa §4.13: the first 5 credits of each item counted, most counted first (ties in order of first
    appearance), minimum 1 because a limit is given, at most 25."""
    counts: dict[str, int] = {}
    for movie in movies:
        for name in movie.tags.get(kind, [])[:5]:
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts, key=lambda name: -counts[name])[:25]


def movie_expectations(movies: list[Item]) -> Expectations:
    found: Expectations = {}

    def add(entry: tuple[str, Expected]) -> None:
        found[entry[0]] = entry[1]

    add(separator("060", "Genre"))  # §4.1
    for genre, items in by_tag(movies, "genre").items():
        found[f"{genre} Movies"] = smart("060", f"{genre} Movies", "Genre", items)
    add(separator("070", "Studio"))  # §4.5 (every studio: see the file's header)
    for studio in {m.studio for m in movies if m.studio}:
        found[studio] = smart("070", studio, "Studio", [m for m in movies if m.studio == studio])
    add(
        separator("080", "Country")
    )  # §4.6: "United States of America" is merged into the key "United States"
    for country, items in by_tag(movies, "country").items():
        name = "United States" if country == "United States of America" else country
        found[name] = smart("080", name, "Country", items)
    for section, label, title in (
        ("090", "Audio Language", "Other Audio"),
        ("095", "Subtitle Language", "Other Subtitles"),
    ):
        add(separator(section, label))  # §4.10-11: plexsim's language keys are 3-letter codes, all "other"
        stream = 2 if section == "090" else 3
        items = [m for m in movies if any(s.get("languageCode") for s in facts.streams(m, stream))]
        found[title] = Expected(f"!{section}_~{title}", True, frozenset({"Kometa", label}), keys(items))
    add(separator("100", "Decade"))  # §4.3: 100 best by critic rating
    for decade in {m.year // 10 * 10 for m in movies if m.year}:
        items = best([m for m in movies if m.year and m.year // 10 * 10 == decade], 100)
        found[f"Best of {decade}s"] = smart(
            "100", f"Best of {decade}s", "Decade", items, ordered=True, limit=100
        )
    add(separator("105", "Year"))  # §4.4: the last 11 years that have items, 10 best each
    for year in range(NOW.year - 10, NOW.year + 1):
        items = best([m for m in movies if m.year == year], 10)
        if items:
            found[f"Best of {year}"] = smart("105", f"Best of {year}", "Year", items, ordered=True, limit=10)
    add(separator("110", "Ratings"))
    for rating in {m.content_rating for m in movies if m.content_rating}:
        items = [m for m in movies if m.content_rating == rating]
        found[f"{rating} Movies"] = smart("110", f"{rating} Movies", "Content Rating", items)
    add(separator("120", "Resolution"))  # §4.2: order 1_..4_, sd merged into 480p
    for order, key, title in (("1_", "4k", "4K"), ("2_", "1080", "1080p"), ("3_", "720", "720p")):
        items = [m for m in movies if key in facts.resolutions(m)]
        found[f"{title} Movies"] = smart("120", f"{title} Movies", "Resolution", items, order)
    low = [m for m in movies if facts.resolutions(m) & {"480", "sd"}]
    found["480p Movies"] = smart("120", "480p Movies", "Resolution", low, "4_")
    for section, name, kind, suffix in (
        ("140", "Actors", "actor", ""),
        ("150", "Directors", "director", " (Director)"),
        ("160", "Producers", "producer", " (Producer)"),
        ("170", "Writers", "writer", " (Writer)"),
    ):
        add(separator(section, name))  # §4.13
        for person in top_people(movies, kind):
            items = [m for m in movies if person in m.tags.get(kind, [])]
            found[f"{person}{suffix}"] = smart(section, f"{person}{suffix}", f"Top {name}", items)
    return found


@pytest.fixture(scope="module")
def movies_expected(movies: list[Item]) -> Expectations:
    return movie_expectations(movies)


def read_back(engine: Engine, title: str, section: str) -> tuple[Expected, str]:
    collection = engine.collection(title, section)
    members = [int(item.ratingKey) for item in collection.items()]
    labels = frozenset(x.tag for x in collection.labels)
    return Expected(collection.titleSort, collection.smart, labels, members), collection.content or ""


def check_library(engine: Engine, expected: Expectations, section: str) -> None:
    managed = {
        c.title
        for c in engine.plex.library.section(section).collections()
        if "Kometa" in {x.tag for x in c.labels}
    }
    assert managed - {"Collectionless"} == set(expected)
    for title, want in expected.items():
        got, content = read_back(engine, title, section)
        assert (got.sort_title, got.smart, got.labels) == (want.sort_title, want.smart, want.labels), title
        if want.ordered:
            assert got.members == want.members, title
        else:
            assert sorted(got.members) == sorted(want.members), title
        if want.limit is not None:
            assert f"limit={want.limit}&" in content, (title, content)


def test_movie_defaults_make_kometas_collections(
    shared_engine: Engine, defaults_run: RunReport, movies_expected: Expectations
) -> None:
    assert not [c.errors for lib in defaults_run.libraries for c in lib.collections if c.errors]
    check_library(shared_engine, movies_expected, "Movies")


def test_collectionless_is_kometas(
    shared_engine: Engine, defaults_run: RunReport, movies: list[Item]
) -> None:
    """§4.16: one plain collection "Collectionless", sort title "~_Collectionless", label Kometa only, holding
    the movies in no collection other than ones whose title or sort title starts with ! or ~."""
    got, _ = read_back(shared_engine, "Collectionless", "Movies")
    assert (got.sort_title, got.smart, got.labels) == ("~_Collectionless", False, frozenset({"Kometa"}))
    in_user_collections = {
        k
        for c in ("Bramholt Saga", "Dancer Classics", "The Bitter Ladder Collection")
        for k in shared_engine.members(c)
    }
    assert sorted(got.members) == sorted(k for k in keys(movies) if k not in in_user_collections)


def show_expectations(dataset: Library, shows: list[Item]) -> Expectations:
    found: Expectations = {}
    title, sep = separator("050", "Network")
    found[title] = sep
    for network in {s.studio for s in shows if s.studio}:  # plexsim's network is the show's studio
        found[network] = smart("050", network, "Network", [s for s in shows if s.studio == network])
    title, sep = separator("060", "Genre")
    found[title] = sep
    for genre, items in by_tag(shows, "genre").items():
        if genre == "War & Politics":  # §4.1: merged into the custom keys Politics and War
            for name in ("Politics", "War"):
                found[f"{name} Shows"] = smart("060", f"{name} Shows", "Genre", items)
        else:
            found[f"{genre} Shows"] = smart("060", f"{genre} Shows", "Genre", items)
    title, sep = separator("100", "Decade")
    found[title] = sep
    for decade in {s.year // 10 * 10 for s in shows if s.year}:
        items = best([s for s in shows if s.year and s.year // 10 * 10 == decade], 100)
        found[f"Best of {decade}s"] = smart(
            "100", f"Best of {decade}s", "Decade", items, ordered=True, limit=100
        )
    title, sep = separator("120", "Resolution")
    found[title] = sep

    def having(*codes: str) -> list[Item]:
        return [
            s for s in shows if any(facts.resolutions(e) & set(codes) for e in facts.episodes_of(dataset, s))
        ]

    for order, codes, name in (
        ("1_", ("4k",), "4K"),
        ("2_", ("1080",), "1080p"),
        ("3_", ("720",), "720p"),
        ("4_", ("480", "sd"), "480p"),
    ):
        found[f"{name} Shows"] = smart("120", f"{name} Shows", "Resolution", having(*codes), order)
    return found


def test_show_defaults_make_kometas_collections(
    shared_engine: Engine, defaults_run: RunReport, dataset: Library, shows: list[Item]
) -> None:
    check_library(shared_engine, show_expectations(dataset, shows), "TV Shows")


def test_a_second_run_of_the_defaults_writes_nothing(shared_engine: Engine, defaults_run: RunReport) -> None:
    report, stats = shared_engine.rerun_counted()
    assert stats["writes"] == 0, stats["routes"]
    collections = [c for lib in report.libraries for c in lib.collections]
    assert stats["reads"] <= len(collections) + 40, stats["routes"]


def test_year_deletes_the_collection_of_a_year_that_left_its_window(
    engine: Engine, movies: list[Item]
) -> None:
    """§4.4: `sync: true`: a collection labelled Year that the file no longer makes is deleted."""
    engine.write_config(libraries="Movies:\n  collection_files:\n    - default: year\n")
    engine.run()
    made = {t for t in engine.titles() if t.startswith("Best of ")}
    later = NOW.replace(year=NOW.year + 2)
    report = engine.run(now=later)
    gone = {c.name for lib in report.libraries for c in lib.collections if c.status == "deleted"}
    assert gone == {f"Best of {y}" for y in (NOW.year - 10, NOW.year - 9)} & made
    assert not gone & engine.titles()


US_MOVIE = ["G", "PG", "PG-13", "R", "NC-17"]
US_SHOW = ["TV-G", "TV-Y", "TV-PG", "TV-14", "TV-MA"]


def test_content_rating_us_makes_kometas_collections(
    engine: Engine, movies: list[Item], shows: list[Item]
) -> None:
    """§4.14: `content_rating_us` makes "<rating> Movies" / "<rating> Shows" for the US ratings, sort title
    "!110_<title>", labels Kometa and the mapping name, and "Not Rated Movies" ("!110_~Not Rated Movies")
    for every other rating; items without a rating are in none; the separator is "Ratings Collections"."""
    libraries = "Movies:\n  collection_files:\n    - default: content_rating_us\n"
    libraries += "TV Shows:\n  collection_files:\n    - default: content_rating_us\n"
    engine.write_config(libraries=libraries)
    report = engine.run()
    assert not [c.errors for lib in report.libraries for c in lib.collections if c.errors]
    for section, items, include, kind, label in (
        ("Movies", movies, US_MOVIE, "Movie", "US Movie Content Ratings"),
        ("TV Shows", shows, US_SHOW, "Show", "US Show Content Rating"),
    ):
        # the dataset's ratings are US ones or none of the addon values, so each is its own key or "other"
        found = {i.content_rating for i in items if i.content_rating}
        expected: Expectations = dict([separator("110", "Ratings")])
        for rating in found:
            rated = [i for i in items if i.content_rating == rating]
            if rating in include:
                title = f"{rating} {kind}s"
                expected[title] = smart("110", title, label, rated)
            else:
                title = f"Not Rated {kind}s"
                other = expected.get(title)
                members = (other.members if other else []) + keys(rated)
                expected[title] = Expected(f"!110_~{title}", True, frozenset({"Kometa", label}), members)
        check_library(engine, expected, section)
    assert engine.has_collection("Not Rated Movies")  # the demo's NR movies
