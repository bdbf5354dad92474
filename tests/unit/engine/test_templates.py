"""The templates engine: substitution, special template keys, precedence, built-ins and errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ruamel.yaml import YAML

from modules.templates import TemplateError, apply_templates, dynamic_key_variables, substitute

TODAY = date(2024, 3, 7)


def apply(definition: dict[str, Any], templates: dict[str, Any], name: str = "Action", **kw: Any) -> Any:
    kw.setdefault("today", TODAY)
    return apply_templates(name, definition, templates, **kw)


def one(body: dict[str, Any], **call: Any) -> Any:
    """Apply template ``t`` with ``body`` to a definition that only calls it with ``call``."""
    return apply({"template": {"name": "t", **call}}, {"t": body})


# --------------------------------------------------------------------------- substitution


def test_exact_placeholder_keeps_native_types() -> None:
    body = {"i": "<<i>>", "b": "<<b>>", "l": "<<l>>", "d": "<<d>>", "f": "<<f>>"}
    result = one(body, i=5, b=False, l=[1, "x"], d={"k": [2]}, f=1.5)
    assert result == {"i": 5, "b": False, "l": [1, "x"], "d": {"k": [2]}, "f": 1.5}


def test_placeholder_inside_text_is_string_substitution() -> None:
    result = one({"summary": "Top <<n>> <<genre>> movies", "limit": "<<n>>"}, n=10, genre="Action")
    assert result == {"summary": "Top 10 Action movies", "limit": 10}


def test_substitution_reaches_nested_dicts_lists_and_keys() -> None:
    body = {"plex_search": {"all": {"<<field>>": ["<<value>>", "fixed"]}}, "labels": ["<<value>> x"]}
    result = one(body, field="genre", value="Drama")
    assert result == {"plex_search": {"all": {"genre": ["Drama", "fixed"]}}, "labels": ["Drama x"]}


def test_arithmetic_plus_and_minus() -> None:
    body = {"start": "<<year-1>>", "end": "<<year+9>>", "title": "<<year>>-<<year+9>>"}
    assert one(body, year=2000) == {"start": 1999, "end": 2009, "title": "2000-2009"}


def test_arithmetic_on_numeric_string_and_float() -> None:
    assert one({"a": "<<y+1>>", "b": "<<r-2>>"}, y="1990", r=7.5) == {"a": 1991, "b": 5.5}


def test_arithmetic_on_non_number_is_an_error() -> None:
    with pytest.raises(TemplateError) as err:
        one({"a": "<<genre+1>>"}, genre="Action")
    assert (
        err.value.message
        == "variable 'genre' is not a number, so '<<genre+1>>' cannot be computed in template 't'"
    )
    assert err.value.path == "template"


def test_encoded_gives_url_encoded_text() -> None:
    result = one(
        {"url": "https://x/search?q=<<title_encoded>>", "e": "<<title_encoded>>"}, title="Sci-Fi & Fantasy"
    )
    assert result == {"url": "https://x/search?q=Sci-Fi%20%26%20Fantasy", "e": "Sci-Fi%20%26%20Fantasy"}


def test_nested_variable_names_resolve_innermost_first() -> None:
    body = {"visible": "<<use_<<key>>>>", "summary": "<<summary_<<key>>>> (<<key>>)"}
    result = one(body, key="genre", use_genre=True, summary_genre="Genres")
    assert result == {"visible": True, "summary": "Genres (genre)"}


def test_substituted_text_is_not_scanned_again() -> None:
    assert one({"a": "<<x>>!"}, x="<<literal") == {"a": "<<literal!"}


def test_variable_value_referring_to_itself_is_an_error() -> None:
    with pytest.raises(TemplateError) as err:
        one({"a": "<<x>>"}, x="<<y>>", y="<<x>>")
    assert err.value.message == "variables refer to each other in a loop: x -> y -> x"


def test_public_substitute_drops_optional_and_rejects_unknown() -> None:
    assert substitute({"a": "<<k>>", "b": ["<<v>>"], "c": "<<v>>"}, {"k": 1, "v": None}) == {"a": 1}
    assert substitute("<<gone>>", {}, optional=["gone"]) is None
    with pytest.raises(TemplateError) as err:
        substitute("<<gone>>", {})
    assert err.value.message == "variable 'gone' is not defined"


def test_ruamel_input_comes_out_as_plain_types() -> None:
    yaml = YAML(typ="rt")
    data = yaml.load(
        "templates:\n  t:\n    sort_title: '<<collection_sort>>'\n    items: [1, 2.5, \"<<v>>\"]\n"
        "collections:\n  X:\n    template: {name: t, v: yes}\n    summary: 'Hi'\n"
    )
    result = apply_templates("X", data["collections"]["X"], data["templates"], today=TODAY)
    assert result == {"summary": "Hi", "sort_title": "X", "items": [1, 2.5, "yes"]}
    assert type(result) is dict and type(result["items"]) is list and type(result["summary"]) is str
    assert type(result["items"][1]) is float


# --------------------------------------------------------------------------- default


def test_default_applies_when_variable_not_given() -> None:
    assert one({"limit": "<<limit>>", "default": {"limit": 20}}) == {"limit": 20}


def test_default_can_reference_other_variables() -> None:
    body = {"summary": "<<summary>>", "default": {"summary": "Best <<genre>> of <<current_year>>"}}
    assert one(body, genre="Horror") == {"summary": "Best Horror of 2024"}


def test_default_names_can_contain_variables() -> None:
    body = {"visible": "<<visible_<<key>>>>", "default": {"visible_<<key>>": False}}
    assert one(body, key="genre") == {"visible": False}


def test_default_of_null_makes_variable_optional() -> None:
    assert one({"a": "<<a>>", "b": 2, "default": {"a": None}}) == {"b": 2}


# --------------------------------------------------------------------------- optional


def test_optional_missing_variable_drops_the_attribute() -> None:
    body = {"summary": "<<summary>>", "poster": "http://p/<<poster>>", "optional": ["summary", "poster"]}
    assert one(body, poster="a.jpg") == {"poster": "http://p/a.jpg"}


def test_optional_drops_list_items_and_emptied_containers() -> None:
    body = {
        "imdb_list": ["<<a>>", "<<b>>"],
        "plex_search": {"all": {"genre": "<<b>>"}},
        "kept": {"x": 1, "y": "<<b>>"},
        "empty_from_start": [],
        "optional": ["b"],
    }
    assert one(body, a="ls1") == {"imdb_list": ["ls1"], "kept": {"x": 1}, "empty_from_start": []}


def test_null_in_call_makes_variable_optional_even_over_default() -> None:
    body = {"summary": "<<summary>>", "limit": "<<limit>>", "default": {"summary": "S", "limit": 5}}
    assert one(body, summary=None) == {"limit": 5}


def test_optional_names_can_contain_variables() -> None:
    body = {"sort": "<<order_<<key>>>>", "optional": ["order_<<key>>"], "k": "<<key>>"}
    assert one(body, key="genre") == {"k": "genre"}


# --------------------------------------------------------------------------- conditionals


def conditional(conditions: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"out": "<<result>>", "conditionals": {"result": {"conditions": conditions, **extra}}}


def test_conditional_first_matching_block_wins() -> None:
    body = conditional([{"kind": "a", "value": "first"}, {"kind": "a", "value": "second"}])
    assert one(body, kind="a") == {"out": "first"}


def test_conditional_all_tests_of_a_block_must_hold() -> None:
    body = conditional([{"kind": "a", "size": 2, "value": "both"}, {"kind": "a", "value": "kind only"}])
    assert one(body, kind="a", size=3) == {"out": "kind only"}
    assert one(body, kind="a", size="2") == {"out": "both"}


def test_conditional_list_of_values_matches_any() -> None:
    body = conditional([{"library_type": ["show", "movie"], "value": "video"}], default="other")
    assert one(body) == {"out": "video"}


def test_conditional_not() -> None:
    body = conditional([{"kind.not": ["a", "b"], "value": "neither"}], default="a or b")
    assert one(body, kind="c") == {"out": "neither"}
    assert one(body, kind="b") == {"out": "a or b"}


def test_conditional_exists() -> None:
    body = conditional([{"poster.exists": True, "value": "yes"}, {"poster.exists": False, "value": "no"}])
    assert one(body, poster="p.jpg") == {"out": "yes"}
    assert one(body) == {"out": "no"}


def test_conditional_notdefault() -> None:
    body = conditional([{"limit.notdefault": True, "value": "custom"}], default="standard")
    body["default"] = {"limit": 10}
    assert one(body, limit=25) == {"out": "custom"}
    assert one(body, limit=10) == {"out": "standard"}
    assert one(body) == {"out": "standard"}


def test_conditional_matches_booleans_across_spellings() -> None:
    body = conditional([{"flag": "true", "value": "on"}], default="off")
    assert one(body, flag=True) == {"out": "on"}


def test_conditional_default_when_nothing_matches() -> None:
    body = conditional([{"kind": "a", "value": "A"}], default="fallback")
    assert one(body, kind="z") == {"out": "fallback"}


def test_conditional_without_default_makes_variable_optional() -> None:
    body = conditional([{"kind": "a", "value": "A"}])
    body["keep"] = 1
    assert one(body, kind="z") == {"keep": 1}


def test_conditional_does_not_override_given_variable() -> None:
    body = conditional([{"kind": "a", "value": "A"}])
    assert one(body, kind="a", result="given") == {"out": "given"}


def test_conditional_value_may_use_variables() -> None:
    body = conditional([{"kind": "a", "value": "<<kind>>-<<current_month>>"}])
    assert one(body, kind="a") == {"out": "a-3"}


# --------------------------------------------------------------------------- built-ins and move_prefix


def test_builtins_for_collections() -> None:
    body = {
        "n": "<<collection_name>>",
        "m": "<<mapping_name>>",
        "s": "<<collection_sort>>",
        "date": "<<current_year>>-<<current_month>>-<<current_day>>",
        "y": "<<current_year>>",
        "lib": "<<library_type>>/<<library_typeU>>/<<library_name>>",
    }
    result = apply(
        {"template": {"name": "t"}}, {"t": body}, name="Top", library_type="show", library_name="TV"
    )
    assert result == {
        "n": "Top",
        "m": "Top",
        "s": "Top",
        "date": "2024-3-7",
        "y": 2024,
        "lib": "show/Show/TV",
    }


def test_builtins_follow_the_kind() -> None:
    body = {"p": "<<playlist_name>>", "s": "<<playlist_sort>>", "m": "<<mapping_name>>"}
    result = apply({"template": {"name": "t"}}, {"t": body}, name="Mix", kind="playlist")
    assert result == {"p": "Mix", "s": "Mix", "m": "Mix"}
    body = {"o": "<<overlay_name>>", "c": "<<collection_name>>", "optional": ["collection_name"]}
    assert apply({"template": {"name": "t"}}, {"t": body}, name="4K", kind="overlay") == {"o": "4K"}


def test_move_prefix_in_sort_variables() -> None:
    body = {"sort": "<<collection_sort>>", "msort": "<<mapping_sort>>", "move_prefix": ["The", "A", "An"]}
    assert apply({"template": {"name": "t"}}, {"t": body}, name="The Matrix") == {
        "sort": "Matrix, The",
        "msort": "Matrix, The",
    }
    assert apply({"template": {"name": "t"}}, {"t": body}, name="Theory") == {
        "sort": "Theory",
        "msort": "Theory",
    }


def test_legacy_move_collection_prefix_as_string() -> None:
    body = {"sort": "<<collection_sort>>", "move_collection_prefix": "The, An"}
    assert apply({"template": {"name": "t"}}, {"t": body}, name="An Example") == {"sort": "Example, An"}


def test_dynamic_key_variables() -> None:
    assert dynamic_key_variables("28", "Action") == {"key": "28", "value": "Action", "key_name": "Action"}


# --------------------------------------------------------------------------- precedence


def precedence(**kw: Any) -> Any:
    """Every level sets ``v`` unless told otherwise; returns the value that won."""
    call = {"name": "t", "v": "call"} if kw.pop("call", True) else {"name": "t"}
    definition: dict[str, Any] = {"template": call}
    if kw.pop("shared", True):
        definition["variables"] = {"v": "variables"}
    external = {"t": {"v": "external"}} if kw.pop("external", True) else None
    config = {"v": "config"} if kw.pop("config", True) else None
    body = {"out": "<<v>>", "default": {"v": "default"}}
    result = apply(definition, {"t": body}, config_variables=config, external_variables=external)
    return result["out"]


def test_config_variables_override_call() -> None:
    assert precedence() == "config"


def test_call_overrides_external() -> None:
    assert precedence(config=False) == "call"


def test_external_overrides_definition_variables() -> None:
    assert precedence(config=False, call=False) == "external"


def test_definition_variables_override_default() -> None:
    assert precedence(config=False, call=False, external=False) == "variables"


def test_default_is_last() -> None:
    assert precedence(config=False, call=False, external=False, shared=False) == "default"


def test_external_variables_only_reach_their_template() -> None:
    templates = {"a": {"x": "<<v>>", "optional": ["v"]}, "b": {"y": "<<v>>", "optional": ["v"]}}
    result = apply(
        {"template": [{"name": "a"}, {"name": "b"}]}, templates, external_variables={"b": {"v": 1}}
    )
    assert result == {"y": 1}


def test_given_variable_overrides_builtin() -> None:
    assert one({"n": "<<collection_name>>"}, collection_name="Other") == {"n": "Other"}


# --------------------------------------------------------------------------- merging


def test_definition_keys_win_over_template_keys() -> None:
    definition = {"summary": "mine", "template": {"name": "t"}, "variables": {"v": 1}}
    result = apply(definition, {"t": {"summary": "theirs", "limit": "<<v>>"}})
    assert result == {"summary": "mine", "limit": 1}


def test_first_template_wins_between_templates() -> None:
    templates = {"a": {"sync_mode": "sync", "x": "<<v>>"}, "b": {"sync_mode": "append", "y": "<<v>>"}}
    definition = {"template": [{"name": "a", "v": 1}, {"name": "b", "v": 2}], "variables": {"v": 0}}
    assert apply(definition, templates) == {"sync_mode": "sync", "x": 1, "y": 2}


def test_definition_variables_reach_every_template() -> None:
    templates = {"a": {"x": "<<v>>"}, "b": {"y": "<<v>>"}}
    assert apply({"template": [{"name": "a"}, {"name": "b"}], "variables": {"v": 3}}, templates) == {
        "x": 3,
        "y": 3,
    }


def test_no_template_returns_plain_copy_without_variables() -> None:
    definition = {"plex_all": True, "variables": {"a": 1}, "items": [1]}
    result = apply(definition, {})
    assert result == {"plex_all": True, "items": [1]}
    assert result["items"] is not definition["items"]


# --------------------------------------------------------------------------- errors


def test_unknown_template_lists_known_ones() -> None:
    with pytest.raises(TemplateError) as err:
        apply({"template": [{"name": "genre"}, {"name": "Best of"}]}, {"year": {}, "genre": {}})
    assert err.value.message == "template 'Best of' does not exist (known: genre, year)"
    assert err.value.path == "template[1].name"


def test_missing_required_variable_names_template_and_variable() -> None:
    with pytest.raises(TemplateError) as err:
        apply({"template": [{"name": "genre"}]}, {"genre": {"plex_search": {"genre": "<<key>>"}}})
    assert err.value.message == "variable 'key' is required by template 'genre' but not given"
    assert err.value.path == "template[0]"
    assert str(err.value) == "variable 'key' is required by template 'genre' but not given"


def test_missing_variable_inside_a_default_is_reported() -> None:
    with pytest.raises(TemplateError) as err:
        one({"s": "<<s>>", "default": {"s": "about <<topic>>"}})
    assert err.value.message == "variable 'topic' is required by template 't' but not given"


def test_template_body_not_a_mapping() -> None:
    with pytest.raises(TemplateError) as err:
        apply({"template": {"name": "t"}}, {"t": ["not", "a", "dict"]})
    assert err.value.message == "template 't' must be a mapping of attributes, not list"
    assert err.value.path == "templates.t"


def test_template_call_not_a_mapping() -> None:
    with pytest.raises(TemplateError) as err:
        apply({"template": ["t"]}, {"t": {}})
    assert err.value.message == "each template call must be a mapping with a 'name'"
    assert err.value.path == "template[0]"
    with pytest.raises(TemplateError) as err:
        apply({"template": "t"}, {"t": {}})
    assert err.value.path == "template"


def test_template_call_without_name() -> None:
    with pytest.raises(TemplateError) as err:
        apply({"template": {"v": 1}}, {"t": {}})
    assert (err.value.message, err.value.path) == ("template call has no 'name'", "template")


def test_variables_not_a_mapping() -> None:
    with pytest.raises(TemplateError) as err:
        apply({"template": {"name": "t"}, "variables": ["a"]}, {"t": {}})
    assert err.value.path == "variables"


def test_template_error_is_a_value_error() -> None:
    assert issubclass(TemplateError, ValueError)


def test_optional_applies_to_arithmetic_and_encoded_forms() -> None:
    body = {"a": "<<year+1>>", "b": "q=<<title_encoded>>", "c": 1, "optional": ["year", "title"]}
    assert one(body) == {"c": 1}
    with pytest.raises(TemplateError) as err:
        one({"a": "<<year-1>>"})
    assert err.value.message == "variable 'year' is required by template 't' but not given"
