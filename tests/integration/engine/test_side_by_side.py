"""Side by side with Kometa 2.4: collection files as Kometa users write them, and what Kometa builds from them.

The files are in `side_by_side/` (movies/, shows/, and shared/ for external templates). For each file the
collections Kometa makes are written down below from Kometa's documented behaviour
(`/work/shared/reference/kometa.md`, `kometa-defaults.md`): their names, sort titles, smart or not, and their
members as a plain-Python reading of `plexsim.dataset.generate()` (never the engine's or plexsim's search
code). One run builds every file into the demo server's Movies and TV Shows libraries; each file is then a
test case that reads its collections back through plexapi.

Kometa's rules the expectations rest on:
- plex_search/smart_filter: a list under `any` is OR; `all` nests; string attributes without a modifier
  match as "contains", case-insensitively; `decade: 1990` is 1990-1999; `sort_by` + `limit` keep the first N.
- smart_filter and smart_label make Plex smart collections; everything else a regular one.
- filters: a mapping is AND, a list of mappings OR; `duration` is in minutes; a missing value fails a
  comparison; `.not` on a string is "does not contain".
- templates: call variables < config `template_variables` (which win); `default`, `optional`,
  `conditionals`, `<<var+N>>`, `move_prefix` (`<<collection_sort>>`), `variables:`; the first template that
  sets an attribute wins; external_templates' `template_variables` reach their templates.
- dynamic_collections: one collection per included key that exists (minus `exclude`); `addons` merge values
  into a key; `title_format` with `<<key_name>>`, by default the type's (`Top <<key_name>> <<library_type>>s`
  for studio and genre), template or not; without a template, a smart collection of the top 50 by critic
  rating labelled with the mapping name; decade keys are years, their key_name `1990s`; `custom`
  data maps keys to key names; `key_name_override` renames.
- collection_order: `custom` keeps the builders' order; a sort name orders by it.
- `all: {genre: [A, B]}` is A AND B; item_label puts a label on every member; every collection Kometa
  manages carries the label `Kometa`; the defaults make the collections `kometa-defaults.md` lists
  (separators, names, sort titles, smart filters, limits).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from modules.report import RunReport
from plexsim.model import Item
from tests.support import plex_facts as facts
from tests.support.engine_e2e import Engine

HERE = Path(__file__).parent / "side_by_side"
Pred = Callable[[Item], bool]
Members = Callable[[list[Item]], "set[int] | Ordered"]


@dataclass(frozen=True)
class Want:
    """One collection Kometa builds: title, smart or not, members (a set, or ordered groups of equal sort keys)."""

    name: str
    smart: bool
    members: Members
    sort_title: str | None = None
    summary: str | None = None
    labels: frozenset[str] = frozenset()
    mode: str | None = None
    item_labels: frozenset[str] = frozenset()
    """Labels every member carries afterwards (item_label)."""
    blank: bool = False
    """A blank collection (Kometa's separators): no members."""


@dataclass(frozen=True)
class Case:
    """One collection file and every collection Kometa makes from it."""

    file: str
    wants: list[Want]
    library: str = "Movies"
    variables: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- reading the dataset


def where(pred: Pred) -> Members:
    return lambda items: {i.rating_key for i in items if pred(i)}


def genre(*names: str) -> Pred:
    return facts.has_tag("genre", *names)


def label(name: str) -> Pred:
    return facts.has_tag("label", name)


def country(*names: str) -> Pred:
    return facts.has_tag("country", *names)


def rating_in(*ratings: str) -> Pred:
    return lambda i: i.content_rating in ratings


def years(low: int, high: int) -> Pred:
    return lambda i: i.year is not None and low <= i.year <= high


def contains(field_name: str, text: str) -> Pred:
    return lambda i: text.casefold() in (getattr(i, field_name) or "").casefold()


def both(*preds: Pred) -> Pred:
    return lambda i: all(p(i) for p in preds)


def either(*preds: Pred) -> Pred:
    return lambda i: any(p(i) for p in preds)


@dataclass(frozen=True)
class Ordered:
    """Members in order, as groups of equal sort keys (Plex may order equal keys either way). When a limit
    cuts through a group, only `last` of that final group are kept, and which ones is unspecified."""

    groups: list[set[int]]
    last: int | None = None

    def __bool__(self) -> bool:
        return bool(self.groups)

    def matches(self, got: list[int]) -> bool:
        pieces, start = [], 0
        for index, group in enumerate(self.groups):
            size = self.last if index == len(self.groups) - 1 and self.last is not None else len(group)
            pieces.append(set(got[start : start + size]))
            start += size
        if start != len(got):
            return False
        *whole, final = list(zip(pieces, self.groups, strict=True))
        return all(piece == group for piece, group in whole) and final[0] <= final[1]


def first(pred: Pred, key: Callable[[Item], Any], count: int | None = None, reverse: bool = True) -> Members:
    """The matching items in `key` order (missing values last), the first `count`."""

    def pick(items: list[Item]) -> Ordered:
        found = [i for i in items if pred(i)]
        known = sorted((i for i in found if key(i) is not None), key=key, reverse=reverse)
        ordered = known + [i for i in found if key(i) is None]
        groups: list[set[int]] = []
        for index, item in enumerate(ordered):
            if index and key(item) == key(ordered[index - 1]):
                groups[-1].add(item.rating_key)
            else:
                groups.append({item.rating_key})
        if count is None or len(ordered) <= count:
            return Ordered(groups)
        kept, taken = [], 0
        for group in groups:
            kept.append(group)
            taken += len(group)
            if taken >= count:
                return Ordered(kept, len(group) - (taken - count))
        return Ordered(kept)

    return pick


def critic(i: Item) -> float | None:
    return i.rating


def minutes(i: Item) -> float | None:
    return None if i.duration is None else i.duration / 60_000


# --------------------------------------------------------------------------- the cases

CASES = [
    Case(
        "movies/01_template_studio.yml",
        [
            Want(
                "Northwind Pictures",
                False,
                where(contains("studio", "Northwind Pictures")),
                "+_Northwind Pictures",
                "Movies from Northwind Pictures",
            ),
            Want(
                "Copperline Studios",
                False,
                where(contains("studio", "Copperline Studios")),
                "+_Copperline Studios",
                "Movies from Copperline Studios",
            ),
        ],
    ),
    Case(
        "movies/02_template_default_optional.yml",
        [
            Want("Best Horror", False, first(genre("Horror"), critic, 4), "!02_Horror"),
            Want("All Mystery", False, where(genre("Mystery")), "!02_Mystery"),
        ],
    ),
    Case(
        "movies/03_template_conditionals.yml",
        [
            Want("Kids Picks", False, where(rating_in("G", "PG")), "!03_Kids Picks"),
            Want("Grown Up Picks", False, where(rating_in("R", "NC-17")), "!03_Grown Up Picks"),
            Want("Everyone Picks", False, where(rating_in("G")), "!03_Everyone Picks"),
        ],
    ),
    Case(
        "movies/04_template_move_prefix.yml",
        [
            Want("The Favorites", False, where(label("Favorite")), "Favorites, The"),
            Want("The Classics", False, where(label("Classic")), "Classics, The"),
        ],
    ),
    Case(
        "movies/05_template_arithmetic.yml",
        [
            Want("Eighties Movies", False, where(years(1980, 1989)), "!05_1980"),
            Want("Nineties Movies", False, where(years(1990, 1999)), "!05_1990"),
        ],
    ),
    Case(
        "movies/06_template_list.yml",
        [
            Want(
                "French Films", False, where(country("France")), "!06_French Films", "From the base template"
            ),
            Want(
                "Nordic Films",
                False,
                where(country("Sweden", "Norway")),
                "!06_Nordic Films",
                "From the country template",
            ),
        ],
    ),
    Case(
        "movies/07_definition_variables.yml",
        [
            Want(
                "Rune Fontaine Films",
                False,
                where(facts.has_tag("director", "Rune Fontaine")),
                "!07_Rune Fontaine",
            )
        ],
    ),
    Case(
        "movies/08_external_templates.yml",
        [
            Want("Thrillers", False, where(genre("Thriller")), "!08_Thrillers"),
            Want("Crime Stories", False, where(genre("Crime")), "!08_Crime Stories"),
        ],
    ),
    Case(
        "movies/09_config_template_variables.yml",
        [Want("Top Dramas", False, first(genre("Drama"), lambda i: i.audience_rating, 4), "!09_Drama")],
        variables={"limit": 4},
    ),
    Case(
        "movies/10_dynamic_genre_include.yml",
        [
            Want("Western Films", True, where(genre("Western")), "!10_Western"),
            Want("War Films", True, where(genre("War")), "!10_War"),
            Want("Documentary Films", True, where(genre("Documentary")), "!10_Documentary"),
        ],
    ),
    Case(
        "movies/11_dynamic_decade.yml",
        [
            Want("The 1980s", False, where(years(1980, 1989)), "!11_1980"),
            Want("The 1990s", False, where(years(1990, 1999)), "!11_1990"),
        ],
    ),
    Case(
        "movies/12_dynamic_custom.yml",
        [
            Want("Scary Nights", False, where(genre("Horror")), "!12_Scary Nights"),
            Want("Date Movies", False, where(genre("Romance")), "!12_Date Movies"),
        ],
    ),
    Case(
        "movies/13_dynamic_content_rating_addons.yml",
        [
            Want("Rated PG", True, where(rating_in("PG", "G")), "!13_PG"),
            Want("Rated R", True, where(rating_in("R", "NC-17")), "!13_R"),
        ],
    ),
    Case(
        "movies/14_dynamic_studio_override.yml",
        [
            Want(
                "Top Lanternfish movies",
                False,
                where(lambda i: i.studio == "Lanternfish Pictures"),
                "!14_Lanternfish",
            ),
            Want(
                "Top Quiet Hour Films movies",
                False,
                where(lambda i: i.studio == "Quiet Hour Films"),
                "!14_Quiet Hour Films",
            ),
        ],
    ),
    Case(
        "movies/15_dynamic_country_exclude.yml",
        [
            Want("Made in Japan", False, where(country("Japan")), "!15_Japan"),
            Want("Made in South Korea", False, where(country("South Korea")), "!15_South Korea"),
        ],
    ),
    Case(
        "movies/17_filters_basic.yml",
        [
            Want(
                "Modern Science Fiction",
                False,
                where(both(genre("Science Fiction"), lambda i: (i.year or 0) >= 2010)),
                "!17_Modern Science Fiction",
            )
        ],
    ),
    Case(
        "movies/18_filters_or_list.yml",
        [
            Want(
                "Short or Old",
                False,
                where(
                    either(lambda i: (minutes(i) or 90) < 90, lambda i: i.year is not None and i.year < 1960)
                ),
            )
        ],
    ),
    Case(
        "movies/19_filters_not.yml",
        [
            Want(
                "Favorites Without Comedy",
                False,
                where(both(label("Favorite"), lambda i: not genre("Comedy")(i))),
            )
        ],
    ),
    Case(
        "movies/20_filters_rating_title.yml",
        [
            Want(
                "Well Reviewed Thrillers",
                False,
                where(
                    both(
                        genre("Thriller"),
                        lambda i: i.rating is not None and i.rating >= 7,
                        lambda i: not contains("title", "the")(i),
                    )
                ),
            )
        ],
    ),
    Case(
        "movies/21_filters_regex.yml",
        [Want("Titles With Numbers", False, where(lambda i: any(c.isdigit() for c in i.title)))],
    ),
    Case(
        "movies/22_smart_filter_sorted_limit.yml",
        [
            Want(
                "Top Rated Since 2020",
                True,
                first(lambda i: (i.year or 0) >= 2020, critic, 10),
                "!22_Top Rated",
            )
        ],
    ),
    Case(
        "movies/23_smart_filter_nested.yml",
        [
            Want(
                "Horror or 2010s Mystery",
                True,
                where(either(genre("Horror"), both(genre("Mystery"), years(2010, 2019)))),
            )
        ],
    ),
    Case(
        "movies/24_smart_label.yml",
        [Want("Fresh Horror", True, where(both(genre("Horror"), lambda i: (i.year or 0) >= 2020)))],
    ),
    Case(
        "movies/26_plex_search_any_list.yml",
        [Want("War or Western", False, where(genre("War", "Western")), "!26_War or Western")],
    ),
    Case(
        "movies/27_bare_attributes.yml",
        [
            Want("Twenties", False, where(years(1920, 1929)), "!27_Twenties"),
            Want("Music Films", False, where(genre("Music"))),
        ],
    ),
    Case(
        "movies/29_collection_details.yml",
        [
            Want(
                "Staff Picks",
                False,
                first(label("Staff Pick"), critic),
                "!29_Staff Picks",
                "Chosen by the staff",
                frozenset({"Curated"}),
                "hide",
            )
        ],
    ),
    Case(
        "movies/30_search_sort_limit.yml",
        [Want("Five Newest Comedies", False, first(genre("Comedy"), lambda i: i.originally_available_at, 5))],
    ),
    Case(
        "movies/31_lenient_kometa.yml",
        [
            Want("History Films", True, where(genre("History"))),
            Want("Shuffled Family", False, where(genre("Family"))),
        ],
    ),
    Case(
        "shows/01_show_templates.yml",
        [
            Want(
                "Channel Meridian Shows",
                False,
                where(contains("studio", "Channel Meridian")),
                "!S01_Channel Meridian Shows",
            )
        ],
        library="TV Shows",
    ),
    Case(
        "shows/02_show_dynamic_genre.yml",
        [
            Want("Comedy Series", True, where(genre("Comedy")), "!S02_Comedy"),
            Want("Science Fiction Series", True, where(genre("Science Fiction")), "!S02_Science Fiction"),
        ],
        library="TV Shows",
    ),
    Case(
        "shows/03_show_ratings_filters.yml",
        [
            Want(
                "Grown Up Series",
                False,
                where(both(rating_in("TV-MA", "TV-14"), lambda i: not genre("Animation")(i))),
            )
        ],
        library="TV Shows",
    ),
]


def resolution(*keys: str) -> Pred:
    return lambda i: bool(facts.resolutions(i) & set(keys))


def nothing(items: list[Item]) -> set[int]:
    return set()


def separator(title: str, section: str) -> Want:
    """Kometa's separator of a default file: a blank collection `<Word> Collections`, labelled Kometa."""
    return Want(title, False, nothing, f"!{section}_!{title}", labels=frozenset({"Kometa"}), blank=True)


GENRES = [
    *("Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family", "Fantasy"),
    *("History", "Horror", "Music", "Mystery", "Romance", "Science Fiction", "Thriller", "War", "Western"),
]
"""Every genre of the demo movies (each gets `<genre> Movies` from `- default: genre`)."""
DECADES = [1920, 1930, 1940, 1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020]
RESOLUTIONS = [
    ("1", "4K", ("4k", "8k")),
    ("2", "1080p", ("1080", "2k")),
    ("3", "720p", ("720",)),
    ("4", "480p", ("480", "sd", "144", "240", "360", "576")),
]
"""Kometa's resolution default: order, title and the keys each collection holds (addons merged in)."""

CASES += [
    Case(
        "movies/16_dynamic_without_template.yml",
        [
            Want(
                f"Top {g} movies",
                True,
                first(genre(g), critic, 50),
                labels=frozenset({"Top Genres", "Kometa"}),
            )
            for g in ("Western", "Animation")
        ],
    ),
    Case(
        "movies/25_smart_filter_all_list.yml",
        [Want("Action Comedies", True, where(both(genre("Action"), genre("Comedy"))))],
    ),
    Case(
        "movies/28_item_label.yml",
        [
            Want(
                "Date Night Picks",
                False,
                where(label("Date Night")),
                item_labels=frozenset({"Picked for Date Night"}),
            )
        ],
    ),
    Case(
        "default:genre",
        [
            separator("Genre Collections", "060"),
            *(
                Want(
                    f"{g} Movies",
                    True,
                    where(genre(g)),
                    f"!060_{g} Movies",
                    labels=frozenset({"Genre", "Kometa"}),
                )
                for g in GENRES
            ),
        ],
    ),
    Case(
        "default:decade",
        [
            separator("Decade Collections", "100"),
            *(
                Want(
                    f"Best of {d}s",
                    True,
                    first(years(d, d + 9), critic, 100),
                    f"!100_Best of {d}s",
                    labels=frozenset({"Decade", "Kometa"}),
                )
                for d in DECADES
            ),
        ],
    ),
    Case(
        "default:resolution",
        [
            separator("Resolution Collections", "120"),
            *(
                Want(
                    f"{title} Movies",
                    True,
                    where(resolution(*keys)),
                    f"!120_{order}_{title} Movies",
                    labels=frozenset({"Resolution", "Kometa"}),
                )
                for order, title, keys in RESOLUTIONS
            ),
        ],
    ),
]
US_MOVIE_RATINGS = ["G", "PG", "PG-13", "R", "NC-17"]
US_SHOW_RATINGS = ["TV-Y", "TV-PG", "TV-14", "TV-MA"]
"""The included US ratings the demo libraries hold (TV-G has no show; no addon value of it is present)."""

CASES += [
    Case(
        "default:content_rating_us",
        [
            separator("Ratings Collections", "110"),
            *(
                Want(
                    f"{r} Movies",
                    True,
                    where(rating_in(r)),
                    f"!110_{r} Movies",
                    labels=frozenset({"US Movie Content Ratings", "Kometa"}),
                )
                for r in US_MOVIE_RATINGS
            ),
            Want(
                "Not Rated Movies",
                True,
                where(rating_in("NR")),
                "!110_~Not Rated Movies",
                labels=frozenset({"US Movie Content Ratings", "Kometa"}),
            ),
        ],
    ),
    Case(
        "default:content_rating_us",
        [
            separator("Ratings Collections", "110"),
            *(
                Want(
                    f"{r} Shows",
                    True,
                    where(rating_in(r)),
                    f"!110_{r} Shows",
                    labels=frozenset({"US Show Content Rating", "Kometa"}),
                )
                for r in US_SHOW_RATINGS
            ),
        ],
        library="TV Shows",
    ),
]
MODES = {"default": -1, "hide": 0, "hide_items": 1, "show_items": 2}


def library_block(library: str, cases: Iterable[Case]) -> str:
    lines = [f"{library}:", "  collection_files:"]
    for case in cases:
        if case.library != library:
            continue
        name = case.file.removeprefix("default:")
        lines.append(
            f"    - default: {name}" if name != case.file else f"    - file: side_by_side/{case.file}"
        )
        if case.variables:
            lines.append("      template_variables:")
            lines.extend(f"        {k}: {v}" for k, v in case.variables.items())
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def built(shared_engine: Engine) -> RunReport:
    for path in HERE.rglob("*.yml"):
        shared_engine.write(
            f"side_by_side/{path.relative_to(HERE).as_posix()}", path.read_text(encoding="utf-8")
        )
    shared_engine.write_config(libraries=library_block("Movies", CASES) + library_block("TV Shows", CASES))
    return shared_engine.run()


def test_there_are_at_least_thirty_files() -> None:
    assert len(CASES) >= 30
    files = {p.relative_to(HERE).as_posix() for p in HERE.rglob("*.yml")}
    assert {c.file for c in CASES if not c.file.startswith("default:")} <= files


def test_the_run_has_no_errors(built: RunReport) -> None:
    assert [(lib.name, lib.errors) for lib in built.libraries if lib.errors] == []
    failed = [(c.name, c.errors) for lib in built.libraries for c in lib.collections if c.errors]
    assert failed == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.file.removesuffix('.yml')} in {c.library}")
def test_file_builds_what_kometa_builds(
    shared_engine: Engine, built: RunReport, case: Case, movies: list[Item], shows: list[Item]
) -> None:
    made = [
        c.name
        for lib in built.libraries
        if lib.name == case.library
        for c in lib.collections
        if c.file.endswith(case.file) and c.status in ("created", "updated", "unchanged")
    ]
    assert sorted(made) == sorted(w.name for w in case.wants)
    items = movies if case.library == "Movies" else shows
    for want in case.wants:
        collection = shared_engine.collection(want.name, case.library)
        expected = want.members(items)
        assert bool(expected) != want.blank, f"{want.name}: the case must select something (or be blank)"
        got = shared_engine.members(want.name, case.library)
        if isinstance(expected, Ordered):
            assert expected.matches(got), (want.name, got, expected)
        else:
            assert set(got) == expected, want.name
        assert bool(collection.smart) == want.smart, want.name
        if want.sort_title is not None:
            assert collection.titleSort == want.sort_title, want.name
        if want.summary is not None:
            assert collection.summary == want.summary, want.name
        if want.labels:
            assert want.labels <= {tag.tag for tag in collection.labels}, want.name
        if want.mode is not None:
            assert int(collection.collectionMode) == MODES[want.mode], want.name
        for key in got if want.item_labels else []:
            carried = {tag.tag for tag in shared_engine.plex.fetchItem(key).labels}
            assert want.item_labels <= carried, (want.name, key)


def test_every_collection_carries_the_kometa_label(shared_engine: Engine, built: RunReport) -> None:
    """Kometa adds the label `Kometa` to every collection it manages."""
    for library in built.libraries:
        for report in library.collections:
            if report.status not in ("created", "updated", "unchanged"):
                continue
            labels = {tag.tag for tag in shared_engine.collection(report.name, library.name).labels}
            assert "Kometa" in labels, (library.name, report.name)
