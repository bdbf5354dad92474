"""YAML shape limits: an alias bomb or runaway nesting is refused at its place, by the validator and the
engine alike, without ever expanding it; ordinary anchors and deep-enough files are untouched."""

from __future__ import annotations

import itertools

import pytest

from modules.errors import ConfigError
from modules.validate_document import load_document
from modules.yaml_shape import MAX_ALIAS_BYTES, MAX_ALIAS_VALUES, MAX_DEPTH
from modules.yamlio import parse


def alias_bomb(levels: int) -> str:
    """Each level's anchor is a list of ten aliases of the one before: 10**levels values in a few lines."""
    lines = ["x-a: &a [" + ", ".join(["lol"] * 10) + "]"]
    names = "abcdefghijklmnop"
    for previous, name in itertools.pairwise(names[:levels]):
        lines.append(f"x-{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    lines.append(f"collections: {{B: {{plex_all: true, summary: *{names[levels - 1]}}}}}")
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    return "collections:\n  D:\n    plex_all: true\n    x: " + "[" * depth + "]" * depth + "\n"


def test_an_alias_bomb_is_refused_at_the_heaviest_anchor() -> None:
    [problem] = load_document(alias_bomb(9), "collections/bomb.yml").problems
    assert (problem.file, problem.line, problem.column) == ("collections/bomb.yml", 10, 44)  # *i's first use
    assert "the value anchored at line 9, column 6 appears 2 times" in problem.message
    assert (problem.severity, problem.code) == ("error", "yaml-limits")
    assert f"at most {MAX_ALIAS_VALUES:,}" in problem.message
    with pytest.raises(ConfigError, match="aliases stand for") as raised:
        parse(alias_bomb(9), "collections/bomb.yml")
    assert (raised.value.location.line, raised.value.location.column) == (9, 6)  # type: ignore[union-attr]


def test_aliases_within_the_limit_are_fine() -> None:
    """Four levels stand for 10,000 values: far more than real files repeat, still accepted."""
    document = load_document(alias_bomb(4), "collections/ok.yml")
    assert document.problems == [] and len(document.data["collections"]["B"]["summary"]) == 10
    assert parse(alias_bomb(4), "collections/ok.yml")["collections"]["B"]["plex_all"] is True


@pytest.mark.parametrize("depth", [MAX_DEPTH + 10, 5000])
def test_runaway_nesting_is_refused(depth: int) -> None:
    [problem] = load_document(nested(depth), "collections/deep.yml").problems
    assert (problem.line, problem.code) == (4, "yaml-limits") and "nests more than" in problem.message
    with pytest.raises(ConfigError, match=f"nests more than {MAX_DEPTH} levels"):
        parse(nested(depth), "collections/deep.yml")


def test_deep_block_nesting_with_a_tab_is_refused_not_a_crash() -> None:
    text = "# a\tb\n" + "- " * 1500 + "x\n"
    [problem] = load_document(text, "deep.yml").problems
    assert problem.code == "yaml-limits" and "nests more than" in problem.message
    with pytest.raises(ConfigError, match="nests more than"):
        parse(text, "deep.yml")


def test_nesting_up_to_the_limit_is_fine() -> None:
    assert load_document(nested(MAX_DEPTH - 5), "collections/deep.yml").problems == []


def test_tabs_the_engine_refuses_are_refused_by_the_validator_too() -> None:
    """libyaml takes a tab before a comment or a value; the engine's parser does not."""
    text = "collections:\n  Tab:\t# tab comment\n    plex_all:\ttrue\n"
    [problem] = load_document(text, "collections/tabs.yml").problems
    assert (problem.line, problem.column, problem.code) == (2, 7, "yaml-syntax")
    with pytest.raises(ConfigError):
        parse(text, "collections/tabs.yml")
    quoted = 'collections:\n  Tab:\n    plex_all: true\n    summary: "a\\tb\ttab"\n'
    assert load_document(quoted, "collections/tabs.yml").problems == []


def test_a_recursive_alias_does_not_loop() -> None:
    document = load_document("a: &x [1, *x]\n", "odd.yml")
    assert all(problem.code != "yaml-limits" for problem in document.problems)


def text_bomb(copies: int, size: int = 100_000) -> str:
    """One long summary anchored once, then aliased ``copies`` times in a label list: little to write,
    ``copies * size`` bytes once expanded."""
    labels = ", ".join(["*s"] * copies)
    return f"collections:\n  Big:\n    plex_all: true\n    summary: &s {'x' * size}\n    label: [{labels}]\n"


def test_a_long_text_aliased_many_times_is_refused_at_its_first_alias() -> None:
    """2,000 aliases of a 100 KB summary: 2,001 values, but 200 MB expanded."""
    [problem] = load_document(text_bomb(2000), "collections/wide.yml").problems
    assert (problem.line, problem.column, problem.code) == (5, 13, "yaml-limits")
    assert f"at most {MAX_ALIAS_BYTES:,}" in problem.message and "200,000,000 more bytes" in problem.message
    assert "anchored at line 4, column 14 appears 2,001 times" in problem.message
    with pytest.raises(ConfigError, match="more bytes than it writes out") as raised:
        parse(text_bomb(2000), "collections/wide.yml")
    assert raised.value.location.line == 5  # type: ignore[union-attr]


def test_a_long_text_aliased_within_the_byte_limit_is_fine() -> None:
    assert load_document(text_bomb(15), "collections/wide.yml").problems == []
    assert len(parse(text_bomb(15), "collections/wide.yml")["collections"]["Big"]["label"]) == 15


def test_many_short_texts_written_out_are_not_aliases() -> None:
    """Identical long values written out in full are what the file holds, not expansion."""
    text = "collections:\n" + "".join(
        f"  C{i}:\n    plex_all: true\n    summary: {'y' * 100}\n" for i in range(5_000)
    )
    assert load_document(text, "collections/many.yml").problems == []
