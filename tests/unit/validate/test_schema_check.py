"""The compiled yes/no schema check (`modules.schema_check`) answers exactly as jsonschema does.

The validator trusts it to skip jsonschema for valid documents, so it is compared with jsonschema on
every document the schema tests use, on the shipped files, and on random documents built from the
schemas' own property names and values.
"""

from __future__ import annotations

import importlib.util
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource

from modules.schema_check import Compiler, Unsupported, equal
from modules.validate_document import load_document
from modules.validate_schema import KINDS, fast_check, registry, schemas, validator

ROOT = Path(__file__).resolve().parents[3]


def _schema_tests() -> Any:
    spec = importlib.util.spec_from_file_location("schema_tests", Path(__file__).with_name("test_schemas.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documents() -> list[tuple[str, Any]]:
    module = _schema_tests()
    found = []
    for param in [*module.VALID, *module.INVALID]:
        kind, text = param.values[0], param.values[1]
        found.append((kind, load_document(textwrap.dedent(text), "x.yml").data))
    for path in sorted((ROOT / "defaults").rglob("*.yml")) + sorted((ROOT / "config-repo").rglob("*.yml")):
        kind = "config" if path.name == "config.yml" else "collection"
        found.append((kind, load_document(path.read_text(encoding="utf-8"), str(path)).data))
    return found


DOCUMENTS = _documents()


def test_every_kind_compiles() -> None:
    assert all(fast_check(kind) is not None for kind in KINDS)


@pytest.mark.parametrize(("kind", "data"), DOCUMENTS)
def test_fast_check_agrees_with_jsonschema(kind: str, data: Any) -> None:
    check = fast_check(kind)
    assert check is not None
    assert check(data) == validator(kind).is_valid(data)


def _names(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        found.update(k for k in node.get("properties", {}) if isinstance(k, str))
        for value in node.values():
            _names(value, found)
    elif isinstance(node, list):
        for value in node:
            _names(value, found)
    return found


def _values(node: Any, found: set[Any]) -> set[Any]:
    if isinstance(node, dict):
        found.update(v for v in node.get("enum", ()) if isinstance(v, str | int | bool))
        found.update(v for v in node.get("examples", ()) if isinstance(v, str | int | float | bool))
        for value in node.values():
            _values(value, found)
    elif isinstance(node, list):
        for value in node:
            _values(value, found)
    return found


NAMES = sorted(_names(schemas(), set()) | {"collections", "libraries", "year.gte", "genre", "Movies", "x"})
SCALARS = sorted(
    _values(schemas(), set()) | {"<<var>>", "weekly(sunday)", "daily", "", "#FFF", "1.5"}, key=repr
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3000),
    st.floats(-1, 200, allow_nan=False),
    st.sampled_from(SCALARS),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(NAMES), inner, max_size=4)
    ),
    max_leaves=25,
)
# Random documents, and documents shaped like real files: top-level sections holding named entries.
shaped = st.fixed_dictionaries(
    {},
    optional={
        section: st.dictionaries(st.sampled_from(["A", "Movies", "B"]), documents, max_size=2)
        for section in (
            "libraries",
            "collections",
            "dynamic_collections",
            "templates",
            "overlays",
            "playlists",
            "metadata",
            "settings",
            "plex",
        )
    },
)


@settings(max_examples=300)
@given(kind=st.sampled_from(KINDS), data=st.one_of(documents, shaped))
def test_fast_check_agrees_on_random_documents(kind: str, data: Any) -> None:
    check = fast_check(kind)
    assert check is not None
    assert check(data) == validator(kind).is_valid(data)


@pytest.mark.parametrize(
    ("one", "two", "same"),
    [
        (1, 1.0, True),
        (True, 1, False),
        (False, 0, False),
        ([1, True], [1, True], True),
        ({"a": 1}, {"a": 1.0}, True),
        ("1", 1, False),
    ],
)
def test_equality_is_json_equality(one: Any, two: Any, same: bool) -> None:
    assert equal(one, two) is same


def _compile_at_once(samples: dict[str, Any]) -> list[str]:
    """Each kind's schema compiled twice at once by its own threads on one cold compiler, each check
    used at once on a sample; the errors they met."""
    compiler, errors = Compiler(registry()), []
    start = threading.Barrier(len(KINDS) * 2)

    def run(kind: str) -> None:
        start.wait()
        try:
            compiler.compile_uri(schemas()[kind]["$id"])(samples[kind])
        except Exception as exc:  # the failure the test looks for, reported by the caller
            errors.append(f"{kind}: {exc!r}")

    threads = [threading.Thread(target=run, args=(kind,)) for kind in [*KINDS, *KINDS]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_threads_compiling_at_once_never_get_an_unfinished_check() -> None:
    """The kinds share common.json's subschemas: no thread meets a placeholder another has not filled."""
    samples = {kind: data for kind, data in reversed(_documents())}
    for _round in range(5):
        assert _compile_at_once(samples) == []


def test_a_failed_compile_leaves_no_placeholder_behind() -> None:
    """A schema that cannot be compiled raises Unsupported every time it is reached, also from a
    subschema that refers back to it, instead of leaving an unfilled entry that fails when called."""
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "/x.json",
        "contains": {"type": "string"},
        "properties": {"node": {"$ref": "#/$defs/node"}},
        "$defs": {"node": {"type": "object", "properties": {"up": {"$ref": "/x.json"}}}},
    }
    compiler = Compiler(Registry().with_resource("/x.json", Resource.from_contents(root)))
    with pytest.raises(Unsupported):
        compiler.compile_uri("/x.json")
    with pytest.raises(Unsupported):
        compiler.compile_uri("/x.json#/$defs/node")
