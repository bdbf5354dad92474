"""panel.tree_check: the whole tree an edit leaves is validated, and only errors it adds refuse it.

Trees are held in memory (path -> content); the engine's validator reads them from a temporary folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from panel.tree_check import apply_edit, blocking, clear_caches, in_memory, tree_problems

CONFIG = """\
plex:
  url: <<plex_url>>
  token: <<plextoken>>
libraries:
  Movies:
    collection_files:
      - file: collections/movies.yml
  TV Shows:
    collection_files:
      - file: config/collections/tv.yml
"""
TEMPLATES = """\
templates:
  Genre:
    plex_search:
      all:
        genre: <<genre>>
"""
MOVIES = """\
external_templates:
  - file: collections/templates.yml
collections:
  Action:
    template: {name: Genre, genre: Action}
"""
TV = """\
collections:
  Dramas:
    plex_search:
      all:
        genre: Drama
"""
FILES = {
    "config.yml": CONFIG,
    "collections/templates.yml": TEMPLATES,
    "collections/movies.yml": MOVIES,
    "collections/tv.yml": TV,
    "README.md": "not YAML, never read\n",
}


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    clear_caches()


def problems(files: Mapping[str, str], secrets: list[str] | None = None) -> list[dict[str, Any]]:
    tree, read = in_memory({path: text.encode() for path, text in files.items()})
    return tree_problems(tree, read, secrets)


def errors(found: list[dict[str, Any]]) -> list[tuple[str, int | None, int | None, str]]:
    return [(p["file"], p["line"], p["column"], p["code"]) for p in found if p["severity"] == "error"]


def edit(
    changes: Mapping[str, str | None], renames: Mapping[str, str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The problems of FILES and of FILES after the edit."""
    tree, read = in_memory({path: text.encode() for path, text in FILES.items()})
    encoded = {path: None if text is None else text.encode() for path, text in changes.items()}
    after, read_after = apply_edit(tree, read, encoded, renames)
    return tree_problems(tree, read), tree_problems(after, read_after)


def test_a_valid_tree_has_only_placeholder_warnings() -> None:
    found = problems(FILES)
    assert errors(found) == []
    assert [(p["file"], p["line"], p["code"]) for p in found] == [
        ("config.yml", 2, "placeholder"),
        ("config.yml", 3, "placeholder"),
    ]


def test_a_referenced_file_that_is_missing_is_an_error_where_config_names_it() -> None:
    before, after = edit({"collections/movies.yml": None})
    assert errors(after) == [("config.yml", 7, 9, "missing-file")]
    assert "collections/movies.yml" in after[-1]["message"]
    assert blocking(before, after) == [p for p in after if p["severity"] == "error"]


def test_renaming_a_referenced_file_is_an_error_but_renaming_a_spare_one_is_not() -> None:
    _before, after = edit({}, {"collections/tv.yml": "collections/shows.yml"})
    assert errors(after) == [("config.yml", 10, 9, "missing-file")]
    spare = {**FILES, "collections/spare.yml": TV}
    tree, read = in_memory({path: text.encode() for path, text in spare.items()})
    moved, read_moved = apply_edit(tree, read, {}, {"collections/spare.yml": "collections/old.yml"})
    assert errors(tree_problems(moved, read_moved)) == []


def test_a_file_renamed_to_yml_is_checked() -> None:
    tree, read = in_memory({**{p: t.encode() for p, t in FILES.items()}, "notes.txt": b"ideas: [\n"})
    renamed, read_renamed = apply_edit(tree, read, {}, {"notes.txt": "notes.yml"})
    assert errors(tree_problems(tree, read)) == []
    assert errors(tree_problems(renamed, read_renamed)) == [("notes.yml", 2, 1, "yaml-syntax")]


def test_a_template_removed_from_its_file_is_an_error_where_another_file_uses_it() -> None:
    _before, after = edit({"collections/templates.yml": "templates: {}\n"})
    assert errors(after) == [("collections/movies.yml", 5, 16, "unknown-template")]


def test_the_library_type_comes_from_config_yml() -> None:
    movie_only = TV + "  Cuts:\n    plex_search:\n      all:\n        edition: Director's Cut\n"
    _before, after = edit({"collections/tv.yml": movie_only})
    assert errors(after) == [("collections/tv.yml", 9, 9, "wrong-library-type")]


def test_files_config_does_not_reference_are_checked_alone() -> None:
    _before, after = edit({"notes/broken.yml": "collections: [unclosed\n"})
    assert errors(after) == [("notes/broken.yml", 2, 1, "yaml-syntax")]
    _before, after = edit({"collections/extra.yml": "collections:\n  X:\n    sync_mode: sometimes\n"})
    assert ("collections/extra.yml", 3, 5, "schema-enum") in errors(after)


def test_a_tree_without_config_yml_has_one_error() -> None:
    _before, after = edit({"config.yml": None})
    assert errors(after) == [("config.yml", None, None, "missing-file")]


def test_problem_places_are_repository_paths_never_the_temporary_folder() -> None:
    _before, after = edit({"collections/movies.yml": None})
    assert all("kometa-tree-" not in str(p) and not p["file"].startswith("/") for p in after)
    assert "looked for collections/movies.yml and collections/movies.yaml" in after[-1]["message"]


def test_known_secrets_are_not_reported_and_unknown_ones_are_warnings() -> None:
    found = problems(FILES, secrets=["plextoken"])
    assert errors(found) == []
    (note,) = found
    assert (note["line"], note["severity"], note["code"]) == (2, "warning", "undeclared-secret")
    assert "plex_url" in note["hint"] and "KOMETA_PLEX_URL" in note["hint"]
    assert problems(FILES, secrets=["plextoken", "plex_url"]) == []


def test_errors_already_there_do_not_block_even_when_lines_move() -> None:
    broken = {**FILES, "collections/movies.yml": MOVIES.replace("name: Genre", "name: Gnere")}
    before = problems(broken)
    moved = {**broken, "collections/movies.yml": "# a new first line\n" + broken["collections/movies.yml"]}
    after = problems(moved)
    assert errors(after) == [("collections/movies.yml", 6, 16, "unknown-template")]
    assert blocking(before, after) == []


def test_a_second_copy_of_an_existing_error_blocks() -> None:
    bad = "collections:\n  X:\n    sync_mode: sometimes\n"
    before = problems({**FILES, "a.yml": bad})
    after = problems({**FILES, "a.yml": bad, "b.yml": bad})
    assert [(p["file"], p["code"]) for p in blocking(before, after)] == [("b.yml", "schema-enum")]


def test_results_are_cached_copies() -> None:
    first = problems(FILES)
    first[0]["message"] = "changed by the caller"
    assert problems(FILES)[0]["message"] != "changed by the caller"


def test_non_utf8_files_are_refused_with_their_name() -> None:
    tree, read = in_memory({**{p: t.encode() for p, t in FILES.items()}, "notes/latin.yml": b"a: \xe9\n"})
    assert errors(tree_problems(tree, read)) == [("notes/latin.yml", None, None, "encoding")]


def test_files_parsed_for_an_earlier_tree_give_the_same_answer_as_fresh_ones() -> None:
    broken = {**FILES, "collections/tv.yml": TV + "  Odd:\n    sync_mode: sometimes\n    plex_all: true\n"}
    problems(broken)
    later = {**broken, "collections/movies.yml": MOVIES + "# reviewed\n"}
    reused = problems(later)
    clear_caches()
    assert reused == problems(later)
    assert ("collections/tv.yml", 7, 5, "schema-enum") in errors(reused)
