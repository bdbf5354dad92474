"""Pure parts of a collection run: validating a templated definition, and the label and order plans."""

from __future__ import annotations

import pytest

from modules.config_settings import Settings
from modules.definition import CollectionDefinition, parse_definition
from modules.errors import DefinitionError, Location
from modules.sync import _label_edits, _reorder_moves

WHERE = Location("collections/movies.yml", 12, 3)


def definition(data: dict[str, object], settings: Settings | None = None) -> CollectionDefinition:
    return parse_definition("Test", data, WHERE, settings or Settings())


def test_builders_keep_their_order_and_details_are_collected() -> None:
    parsed = definition(
        {
            "plex_search": {"all": {"genre": "Action"}},
            "plex_all": True,
            "summary": "S",
            "collection_order": "Alpha",
        }
    )
    assert [name for name, _ in parsed.builders] == ["plex_search", "plex_all"]
    assert parsed.details == {"summary": "S", "collection_order": "alpha"}


def test_settings_give_the_defaults_and_the_definition_overrides_them() -> None:
    settings = Settings(sync_mode="sync", minimum_items=3, default_collection_order="release")
    parsed = definition({"plex_all": True}, settings)
    assert (parsed.sync_mode, parsed.minimum_items, parsed.details["collection_order"]) == (
        "sync",
        3,
        "release",
    )
    parsed = definition({"plex_all": True, "sync_mode": "append", "minimum_items": 0}, settings)
    assert (parsed.sync_mode, parsed.minimum_items) == ("append", 0)


def test_name_attribute_renames_the_collection() -> None:
    assert definition({"plex_all": True, "name": "Everything"}).name == "Everything"


def test_unknown_attribute_is_a_warning_with_a_suggestion() -> None:
    parsed = definition({"plex_all": True, "sort_titel": "x"})
    assert parsed.warnings == [
        "attribute 'sort_titel' is not supported and was ignored (did you mean 'sort_title'?)"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {},
            "collection 'Test' has no builder (one of plex_all, plex_search, plex_collectionless, smart_filter, smart_label)",
        ),
        ({"tmdb_popular": 10}, "builder tmdb_popular is not supported by this engine (it needs TMDb)"),
        ({"trakt_list": "x"}, "builder trakt_list is not supported by this engine (it needs Trakt)"),
        ({"plex_all": True, "sync_mode": "mirror"}, "sync_mode must be append or sync, got 'mirror'"),
        ({"plex_all": True, "minimum_items": "many"}, "minimum_items must be a whole number, got 'many'"),
        ({"plex_all": True, "limit": 0}, "limit must be a whole number of at least 1, got 0"),
        (
            {"plex_all": True, "build_collection": "maybe"},
            "build_collection must be true or false, got 'maybe'",
        ),
        (
            {"plex_all": True, "collection_order": "newest"},
            "collection_order must be release, alpha, custom, custom.asc, custom.desc or a sort such as "
            "title.asc or critic_rating.desc, got 'newest'",
        ),
        (
            {"plex_all": True, "collection_mode": "visible"},
            "collection_mode must be one of default, hide, hide_items, show_items, got 'visible'",
        ),
        ({"plex_all": True, "schedule": "weekly(funday)"}, "schedule: weekly(funday): unknown day 'funday'"),
        (
            {"smart_filter": {"all": {"year": 2000}}, "plex_all": True},
            "smart_filter cannot be combined with other builders",
        ),
        ({"smart_label": "title.asc"}, "smart_label needs another builder to find the items it labels"),
    ],
)
def test_invalid_definitions_name_the_problem_and_the_place(data: dict[str, object], message: str) -> None:
    with pytest.raises(DefinitionError) as raised:
        definition(data)
    assert raised.value.message == message
    assert str(raised.value) == f"collections/movies.yml:12:3: {message}"


def test_a_definition_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(DefinitionError, match="must be a mapping"):
        parse_definition("Test", ["plex_all"], WHERE, Settings())


def test_visibility_takes_a_bool_or_a_schedule() -> None:
    parsed = definition({"plex_all": True, "visible_home": "range(12/01-12/31)", "visible_library": True})
    assert parsed.details["visible_library"] is True
    assert parsed.details["visible_home"].describe() == "between 12/01 and 12/31"


@pytest.mark.parametrize(
    ("current", "details", "add", "remove"),
    [
        (["A"], {"label": ["A", "B"]}, ["B"], []),
        (["a"], {"label": ["A"]}, [], []),
        (["A", "B"], {"label.remove": ["b", "C"]}, [], ["b"]),
        (["A", "B"], {"label.sync": ["B", "C"]}, ["C"], ["A"]),
        ([], {"label.sync": []}, [], []),
    ],
)
def test_label_plans(
    current: list[str], details: dict[str, object], add: list[str], remove: list[str]
) -> None:
    assert _label_edits(current, details, []) == (add, remove)


@pytest.mark.parametrize(
    ("current", "details", "add", "remove"),
    [
        ([], {}, ["Kometa", "Genre"], []),
        (["kometa", "Genre"], {}, [], []),
        (["Kometa", "Genre", "Old"], {"label.sync": ["New"]}, ["New"], ["Old"]),
        (["Kometa", "Genre"], {"label.remove": ["Kometa", "genre"]}, [], []),
    ],
)
def test_the_engines_own_labels_are_added_and_never_removed(
    current: list[str], details: dict[str, object], add: list[str], remove: list[str]
) -> None:
    """Kometa labels every collection it manages `Kometa` (and a dynamic one its mapping name)."""
    assert _label_edits(current, details, ["Kometa", "Genre"]) == (add, remove)


@pytest.mark.parametrize(
    ("current", "wanted", "moves"),
    [
        ([1, 2, 3], [1, 2, 3], []),
        ([1, 2, 3], [3, 1, 2], [(3, None)]),
        ([1, 2, 3], [2, 1, 3], [(2, None)]),
        ([1, 2, 3], [1, 3, 2], [(3, 1)]),
        ([3, 2, 1], [1, 2, 3], [(1, None), (2, 1)]),
    ],
)
def test_reorder_moves_turn_the_current_order_into_the_wanted_one(
    current: list[int], wanted: list[int], moves: list[tuple[int, int | None]]
) -> None:
    assert _reorder_moves(current, wanted) == moves


def test_replaying_the_moves_gives_the_wanted_order() -> None:
    current, wanted = [5, 1, 4, 2, 3], [1, 2, 3, 4, 5]
    order = list(current)
    for key, after in _reorder_moves(current, wanted):
        order.remove(key)
        order.insert(0 if after is None else order.index(after) + 1, key)
    assert order == wanted
