"""Property tests: generated valid configs validate clean; one mutation fails exactly where it was made.

A generated config has settings, one or two libraries (Movies, TV Shows) with collection files of their
own and defaults (with template variables and schedules). The collection files hold collections built
with plex_search (attributes and modifiers that fit the library type), smart_filter, plex_all or
plex_collectionless, with filters, details and template calls. The YAML is written by a small emitter
that records the line and column of every key, so a mutation (a wrong type, an unknown enum value, a bad
schedule, a misspelled key or attribute, a missing file, default or template) knows where its error
must be reported.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from modules.search_fields import ATTRIBUTES, MODIFIERS, SORT_FIELDS
from modules.validate import validate_config
from modules.validate_files import DEFAULTS_DIR

Path_ = tuple[str | int, ...]
WORDS = ["Action", "Drama", "Comedy", "Family", "Noir", "Western", "Classic", "Holiday", "Space", "Heist"]
SCHEDULES = [
    "daily",
    "weekly(sunday)",
    "monthly(1)",
    "monthly(15)",
    "yearly(06/01)",
    "range(12/01-12/31)",
    "hourly(4)",
]
LIBRARIES = {"Movies": "movie", "TV Shows": "show"}
DEFAULTS = {
    libtype: sorted({p.stem for folder in (libtype, "both") for p in (DEFAULTS_DIR / folder).glob("*.yml")})
    for libtype in ("movie", "show")
}
PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_ .+-]*")
YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


# --------------------------------------------------------------------------- a YAML emitter that knows its places


class Emitter:
    """Block-style YAML for plain data; `places` maps each key path (and list item) to its line and column."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.places: dict[Path_, tuple[int, int]] = {}

    def text(self, data: dict[str, Any]) -> str:
        self.mapping(data, 0, ())
        return "\n".join(self.lines) + "\n"

    def mapping(self, data: dict[str, Any], indent: int, path: Path_, prefix: str = "") -> None:
        for index, (key, value) in enumerate(data.items()):
            lead = " " * indent + (prefix if index == 0 else " " * len(prefix))
            self.places[(*path, key)] = (len(self.lines) + 1, len(lead) + 1)
            name = key if PLAIN_KEY.fullmatch(key) and key.lower() not in YAML_WORDS else json.dumps(key)
            inner = indent + len(prefix) + 2
            if isinstance(value, dict) and value:
                self.lines.append(f"{lead}{name}:")
                self.mapping(value, inner, (*path, key))
            elif isinstance(value, list) and value:
                self.lines.append(f"{lead}{name}:")
                self.sequence(value, inner, (*path, key))
            else:
                self.lines.append(f"{lead}{name}: {scalar(value)}".rstrip())

    def sequence(self, items: list[Any], indent: int, path: Path_) -> None:
        for index, item in enumerate(items):
            self.places[(*path, index)] = (len(self.lines) + 1, indent + 3)
            if isinstance(item, dict) and item:
                self.mapping(item, indent, (*path, index), prefix="- ")
            else:
                self.lines.append(" " * indent + "- " + scalar(item))


def scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return json.dumps(value)


# --------------------------------------------------------------------------- strategies

words = st.sampled_from(WORDS)
texts = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFG0123456789-!,.'()#", min_size=1, max_size=30)


@st.composite
def term(draw: st.DrawFn, libtype: str) -> tuple[str, Any]:
    """One `attribute.modifier: value` that fits the library type."""
    attribute = draw(st.sampled_from([a for a in ATTRIBUTES.values() if libtype in a.levels]))
    modifier = draw(st.sampled_from(MODIFIERS[attribute.kind]))
    if attribute.kind in ("string", "tag"):
        single = (
            words
            if modifier not in ("", ".not")
            else st.one_of(words, st.lists(words, min_size=1, max_size=2))
        )
        value: Any = draw(single)
    elif attribute.kind == "boolean" or modifier == ".rated":
        value = draw(st.booleans())
    elif attribute.kind == "date":
        value = (
            draw(st.integers(1, 365))
            if modifier in ("", ".not")
            else draw(st.sampled_from(["2020-01-15", "01/31/2019"]))
        )
    elif attribute.name in ("year", "decade"):
        value = draw(st.integers(195, 202)) * 10
    elif attribute.integer:
        value = draw(st.integers(0, 50))
    else:
        value = draw(st.one_of(st.integers(0, 10), st.sampled_from([6.5, 7.5])))
    return attribute.name + modifier, value


@st.composite
def search(draw: st.DrawFn, libtype: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"all": dict(draw(st.lists(term(libtype), min_size=1, max_size=3)))}
    if draw(st.booleans()):
        spec["any"] = dict(draw(st.lists(term(libtype), min_size=1, max_size=2)))
    sorts = [
        "random",
        *(f"{n}.{d}" for n, (_, levels) in SORT_FIELDS.items() if libtype in levels for d in ("asc", "desc")),
    ]
    if draw(st.booleans()):
        spec["sort_by"] = draw(st.sampled_from(sorts))
    if draw(st.booleans()):
        spec["limit"] = draw(st.integers(1, 50))
    return spec


FILTERS = {
    "movie": [
        "title",
        "label",
        "content_rating",
        "year.gte",
        "critic_rating.gte",
        "duration.lt",
        "added",
        "has_collection",
        "genre",
        "resolution",
    ],
    "show": [
        "title",
        "label",
        "content_rating",
        "year.lt",
        "audience_rating.gte",
        "added",
        "has_collection",
        "genre",
        "network",
    ],
}
FILTER_VALUES: dict[str, Any] = {
    "title": "the", "label": "Demo", "content_rating": "PG", "year.gte": 1990, "year.lt": 2020, "critic_rating.gte": 6,
    "audience_rating.gte": 7, "duration.lt": 150, "added": 90, "has_collection": False, "genre": ["Action", "Drama"],
    "resolution": "1080", "network": "HBO",
}  # fmt: skip
DETAILS = {
    "summary": texts,
    "sort_title": texts,
    "collection_order": st.sampled_from(["release", "alpha", "custom", "custom.desc", "title.asc"]),
    "collection_mode": st.sampled_from(["default", "hide", "hide_items", "show_items"]),
    "sync_mode": st.sampled_from(["append", "sync"]),
    "visible_home": st.one_of(st.booleans(), st.sampled_from(SCHEDULES)),
    "visible_library": st.booleans(),
    "label": st.lists(words, min_size=1, max_size=3, unique=True),
    "minimum_items": st.integers(0, 5),
    "delete_below_minimum": st.booleans(),
    "schedule": st.sampled_from(SCHEDULES),
}


@st.composite
def definition(draw: st.DrawFn, libtype: str) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            ["plex_search", "plex_search", "smart_filter", "plex_all", "plex_collectionless", "template"]
        )
    )
    data: dict[str, Any]
    if kind in ("plex_search", "smart_filter"):
        data = {kind: draw(search(libtype))}
    elif kind == "plex_all":
        data = {"plex_all": True}
    elif kind == "plex_collectionless":
        data = {"plex_collectionless": {"exclude_prefix": ["!", "~"]}}
    else:
        data = {"template": {"name": "Picked", "genre": draw(words)}}
    if kind != "smart_filter" and draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(FILTERS[libtype]), min_size=1, max_size=3, unique=True))
        data["filters"] = {name: FILTER_VALUES[name] for name in names}
    data.update(draw(st.fixed_dictionaries({}, optional=DETAILS)))
    return data


TEMPLATE = {"Picked": {"plex_search": {"all": {"genre": "<<genre>>"}}, "sort_title": "+<<collection_name>>"}}


@st.composite
def collection_file(draw: st.DrawFn, libtype: str) -> dict[str, Any]:
    names = draw(st.lists(st.tuples(words, st.integers(1, 99)), min_size=1, max_size=4, unique=True))
    collections = {f"{word} {number}": draw(definition(libtype)) for word, number in names}
    return {"templates": TEMPLATE, "collections": collections}


DEFAULT_VARIABLES = {
    "sort_prefix": st.sampled_from(["!", "#", "~"]),
    "collection_mode": st.sampled_from(["default", "hide", "hide_items", "show_items"]),
    "sync_mode": st.sampled_from(["append", "sync"]),
    "visible_home": st.booleans(),
}


@dataclass
class Model:
    """A generated config.yml and its collection files, as plain data."""

    config: dict[str, Any]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)


@st.composite
def models(draw: st.DrawFn) -> Model:
    settings_block = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "sync_mode": st.sampled_from(["append", "sync"]),
                "minimum_items": st.integers(0, 5),
                "delete_below_minimum": st.booleans(),
                "cache": st.booleans(),
                "cache_expiration": st.integers(1, 120),
                "show_missing": st.booleans(),
            },
        )
    )
    model = Model({"libraries": {}})
    if settings_block:
        model.config["settings"] = settings_block
    for name in draw(st.lists(st.sampled_from(list(LIBRARIES)), min_size=1, max_size=2, unique=True)):
        libtype = LIBRARIES[name]
        blocks: list[Any] = []
        for index in range(draw(st.integers(1, 2))):
            file_name = f"{libtype}_{index}.yml"
            model.files[file_name] = draw(collection_file(libtype))
            blocks.append({"file": file_name} if draw(st.booleans()) else file_name)
        for default in draw(st.lists(st.sampled_from(DEFAULTS[libtype]), max_size=2, unique=True)):
            block: dict[str, Any] = {"default": default}
            variables = draw(st.fixed_dictionaries({}, optional=DEFAULT_VARIABLES))
            if variables:
                block["template_variables"] = variables
            if draw(st.booleans()):
                block["schedule"] = draw(st.sampled_from(SCHEDULES))
            blocks.append(block)
        library: dict[str, Any] = {"collection_files": blocks}
        if draw(st.booleans()):
            library["schedule"] = draw(st.sampled_from(SCHEDULES))
        model.config["libraries"][name] = library
    return model


# --------------------------------------------------------------------------- mutations


@dataclass(frozen=True)
class Mutation:
    """Replace the value at `path` in `file` (or rename its key to `key`); the error's codes and strictness."""

    file: str
    path: Path_
    value: Any = None
    key: str | None = None
    codes: frozenset[str] = frozenset()
    strict: bool = False


VALUE_MUTATIONS: dict[str, tuple[Any, str]] = {
    "sync_mode": ("mirror", "schema-enum"),
    "collection_mode": ("hidden", "schema-enum"),
    "collection_order": ("weird", "schema-enum"),
    "minimum_items": ("lots", "schema-type"),
    "delete_below_minimum": ("maybe", "schema-type"),
    "cache": ("maybe", "schema-type"),
    "cache_expiration": ("soon", "schema-type"),
    "show_missing": (["x"], "schema-type"),
    "limit": ("ten", "schema-type"),
    "label": ({"a": "b"}, "schema-type"),
    "summary": (["a", "b"], "schema-type"),
    "schedule": ("fortnightly", "bad-schedule"),
    "visible_home": ("sometimes", "bad-schedule"),
    "visible_library": ("sometimes", "bad-schedule"),
    "default": ("no_such_default", "unknown-default"),
    "file": ("missing.yml", "missing-file"),
}
VARIABLE_MUTATIONS: dict[str, tuple[Any, str]] = {
    "collection_mode": ("weird", "invalid-definition"),
    "sync_mode": ("mirror", "invalid-definition"),
}
KEY_TYPOS = {"summary": "sumary", "sort_title": "sort_titel", "sync_mode": "sync_modee", "cache": "cahce"}


def _walk(data: Any, path: Path_ = ()) -> list[tuple[Path_, Any]]:
    found: list[tuple[Path_, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append(((*path, key), value))
            found.extend(_walk(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.append(((*path, index), value))
            found.extend(_walk(value, (*path, index)))
    return found


def _search_key(path: Path_) -> bool:
    """A search or filter attribute key: inside plex_search / smart_filter groups, or in filters."""
    return (
        len(path) >= 2 and (path[-2] in ("all", "any") or path[-2] == "filters") and "templates" not in path
    )


def mutations(model: Model) -> list[Mutation]:
    """Every mutation the model offers, with the codes the error may have."""
    found: list[Mutation] = []
    for file, data in (("config.yml", model.config), *model.files.items()):
        for path, _value in _walk(data):
            key = path[-1]
            if not isinstance(key, str) or "templates" in path:
                continue
            if "template_variables" in path and key in VARIABLE_MUTATIONS:
                new, code = VARIABLE_MUTATIONS[key]
                found.append(Mutation(file, path, new, codes=frozenset({code})))
            elif key in VALUE_MUTATIONS and "template_variables" not in path and not _search_key(path):
                new, code = VALUE_MUTATIONS[key]
                found.append(Mutation(file, path, new, codes=frozenset({code})))
            if key in KEY_TYPOS and "template_variables" not in path and not _search_key(path):
                found.append(
                    Mutation(file, path, key=KEY_TYPOS[key], codes=frozenset({"unknown-key"}), strict=True)
                )
            elif _search_key(path) and key != "any" and key != "all":
                codes = frozenset({"bad-builder-attribute"})
                found.append(Mutation(file, path, key="zz" + key, codes=codes))
            if key == "name" and path[-2] == "template":
                found.append(Mutation(file, path, "Pickd", codes=frozenset({"unknown-template"})))
    return found


def apply(model: Model, mutation: Mutation) -> Model:
    config = json.loads(json.dumps(model.config))
    files = json.loads(json.dumps(model.files))
    data = config if mutation.file == "config.yml" else files[mutation.file]
    parent = data
    for part in mutation.path[:-1]:
        parent = parent[part]
    last = mutation.path[-1]
    if mutation.key is None:
        parent[last] = mutation.value
    else:
        items = [(mutation.key if k == last else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)
    return Model(config, files)


def write(model: Model, folder: Path) -> dict[str, dict[Path_, tuple[int, int]]]:
    places = {}
    for name, data in (("config.yml", model.config), *model.files.items()):
        emitter = Emitter()
        (folder / name).write_text(emitter.text(data), encoding="utf-8")
        places[name] = emitter.places
    return places


# --------------------------------------------------------------------------- the properties


@settings(max_examples=60)
@given(model=models())
def test_generated_valid_configs_validate_clean(model: Model) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write(model, folder)
        assert validate_config(folder / "config.yml", strict=True) == []


@settings(max_examples=80)
@given(model=models(), data=st.data())
def test_one_mutation_fails_exactly_where_it_was_made(model: Model, data: st.DataObject) -> None:
    mutation = data.draw(st.sampled_from(mutations(model)))
    mutated = apply(model, mutation)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        places = write(mutated, folder)
        path = mutation.path if mutation.key is None else (*mutation.path[:-1], mutation.key)
        line, column = places[mutation.file][path]
        problems = validate_config(folder / "config.yml", strict=mutation.strict)
        errors = [p for p in problems if p.severity == "error"]
        assert errors, f"{mutation}: no error in {problems}"
        assert {(p.file, p.line, p.column) for p in errors} == {
            (str(folder / mutation.file), line, column)
        }, (
            mutation,
            problems,
        )
        assert {p.code for p in errors} <= mutation.codes, (mutation, problems)


def test_the_emitter_places_match_the_parser() -> None:
    data = {"a": {"b c": [1, {"d": "x", "e": [True]}], "f": None}, "true": "yes"}
    emitter = Emitter()
    text = emitter.text(data)
    from modules.validate_document import load_document

    document = load_document(text, "x.yml")
    assert document.data == data
    for path, place in emitter.places.items():
        assert document.position(path) == place, path
