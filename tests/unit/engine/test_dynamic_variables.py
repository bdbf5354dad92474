"""Template variables of a file block that change its dynamic_collections entries (Kometa's rule for the
defaults): a variable named like an attribute replaces it, append_/remove_ variables edit it."""

from __future__ import annotations

from modules.run import dynamic_spec

SPEC = {
    "type": "genre",
    "exclude": ["Talk"],
    "addons": {"Science Fiction": ["Sci-Fi", "SciFi"]},
    "data": {"depth": 5, "limit": 25, "minimum": 3},
    "template": ["genre", "shared"],
}


def test_without_matching_variables_the_entry_is_unchanged() -> None:
    assert dynamic_spec(SPEC, {"collection_mode": "hide", "limit": 10}) == SPEC


def test_a_variable_named_like_an_attribute_replaces_it() -> None:
    spec = dynamic_spec(SPEC, {"exclude": ["Documentary"], "data": {"depth": 3}, "title_format": "<<key>>!"})
    assert spec["exclude"] == ["Documentary"]
    assert spec["data"] == {"depth": 3}
    assert spec["title_format"] == "<<key>>!"
    assert spec["template"] == ["genre", "shared"]


def test_append_and_remove_edit_the_exclude_and_include_lists() -> None:
    spec = dynamic_spec(SPEC, {"append_exclude": ["Reality", "Talk"], "remove_exclude": "Talk"})
    assert spec["exclude"] == ["Reality"]
    assert dynamic_spec(SPEC, {"append_include": "Action, Drama"})["include"] == ["Action", "Drama"]


def test_append_data_changes_single_keys_and_remove_data_drops_keys() -> None:
    spec = dynamic_spec(SPEC, {"append_data": {"limit": 10}, "remove_data": ["minimum"]})
    assert spec["data"] == {"depth": 5, "limit": 10}
    assert SPEC["data"] == {"depth": 5, "limit": 25, "minimum": 3}, "the file's own entry is not modified"


def test_append_and_remove_addons_edit_the_value_lists() -> None:
    spec = dynamic_spec(
        SPEC,
        {
            "append_addons": {"Science Fiction": ["Sci Fi"], "Action": ["Action & Adventure"]},
            "remove_addons": {"Science Fiction": ["SciFi"]},
        },
    )
    assert spec["addons"] == {"Science Fiction": ["Sci-Fi", "Sci Fi"], "Action": ["Action & Adventure"]}
    assert dynamic_spec(SPEC, {"remove_addons": ["Science Fiction"]})["addons"] == {}
