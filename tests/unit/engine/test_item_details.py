"""Item details (`item_label`, `item_genre`, ratings, locks, refresh): values checked with the key named."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import DefinitionError, Location
from modules.item_details import ITEM_DETAIL_KEYS, _tag_changes, parse_item_detail

WHERE = Location("movies.yml", 3, 5)


@pytest.mark.parametrize(
    ("key", "value", "parsed"),
    [
        ("item_label", "A, B", ["A", "B"]),
        ("item_genre.sync", ["Drama"], ["Drama"]),
        ("item_lock_poster", "true", True),
        ("item_refresh", False, False),
        ("item_refresh_delay", "5", 5),
        ("item_critic_rating", "7.5", 7.5),
        ("item_edition", "Director's Cut", "Director's Cut"),
    ],
)
def test_values(key: str, value: Any, parsed: Any) -> None:
    assert key in ITEM_DETAIL_KEYS
    assert parse_item_detail(key, value, WHERE) == parsed


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("item_lock_title", "yes", "item_lock_title must be true or false, got 'yes'"),
        ("item_critic_rating", "tmdb", "item_critic_rating must be a number from 0 to 10 (rating sources"),
        ("item_audience_rating", 11, "item_audience_rating must be a number from 0 to 10, got 11"),
        ("item_refresh_delay", -1, "item_refresh_delay must be a whole number of seconds, got -1"),
        ("item_edition", "", "item_edition needs a value"),
    ],
)
def test_bad_values_name_the_key(key: str, value: Any, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_item_detail(key, value, WHERE)
    assert caught.value.message.startswith(message)


@pytest.mark.parametrize(
    ("current", "details", "add", "remove"),
    [
        (["A"], {"item_label": ["a", "B"]}, ["B"], []),
        (["A", "B"], {"item_label.remove": ["b", "C"]}, [], ["b"]),
        (["A", "B"], {"item_label.sync": ["B", "C"]}, ["C"], ["A"]),
        (["A"], {"item_label.sync": []}, [], ["A"]),
    ],
)
def test_tag_changes_are_case_insensitive(
    current: list[str], details: dict[str, Any], add: list[str], remove: list[str]
) -> None:
    assert _tag_changes(current, details, "item_label") == (add, remove)
