"""Files Kometa 2.4 accepts must not be refused (issue 13, items 6-12).

Each case is a collection or playlist file as a Kometa user wrote it; the docstring of each test states what
Kometa does with it. The validator must report no error, and where Kometa skips something it reports a
warning at the exact file:line:col of what is skipped.
"""

from __future__ import annotations

from pathlib import Path

from modules.validate import validate_config, validate_text
from modules.validate_document import Problem
from tests.support.config_files import doc, library, write


def run(tmp_path: Path, movies: str, **files: str) -> list[Problem]:
    config = files.pop("config", None) or library("Movies", "      - file: movies.yml")
    return validate_config(write(tmp_path, {"config.yml": config, "movies.yml": movies, **files}))


def places(tmp_path: Path, problems: list[Problem]) -> list[tuple[str, int | None, int | None, str, str]]:
    return [(Path(p.file).name, p.line, p.column, p.severity, p.code) for p in problems]


def test_smart_filter_validate_false_is_accepted(tmp_path: Path) -> None:
    """Kometa: `validate: false` in a smart_filter / plex_search turns off its check of tag values."""
    movies = doc(
        "collections:",
        "  Noir:",
        "    smart_filter:",
        "      validate: false",
        "      all:",
        "        genre: Film-Noir",
        "  Westerns:",
        "    plex_search:",
        "      validate: false",
        "      any: {genre: Western}",
    )
    assert run(tmp_path, movies) == []


def test_smart_filter_validate_must_be_a_boolean(tmp_path: Path) -> None:
    movies = doc(
        "collections:", "  A:", "    smart_filter:", "      validate: maybe", "      all: {year: 1999}"
    )
    assert places(tmp_path, run(tmp_path, movies)) == [("movies.yml", 4, 7, "error", "schema-type")]


def test_collection_order_takes_every_sort_kometa_accepts(tmp_path: Path) -> None:
    """Kometa: collection_order is release, alpha, custom, or any plex_search sort, `random` included."""
    orders = [
        "random",
        "Random",
        "release",
        "alpha",
        "custom",
        "title.desc",
        "critic_rating.desc",
        "added.asc",
    ]
    movies = doc(
        "collections:",
        *(
            line
            for i, o in enumerate(orders)
            for line in (f"  C{i}:", "    plex_all: true", f"    collection_order: {o}")
        ),
    )
    assert run(tmp_path, movies) == []


def test_collection_order_unknown_is_still_an_error(tmp_path: Path) -> None:
    movies = doc("collections:", "  A:", "    plex_all: true", "    collection_order: shuffle")
    assert places(tmp_path, run(tmp_path, movies)) == [("movies.yml", 4, 5, "error", "schema-enum")]


def test_external_templates_as_one_mapping(tmp_path: Path) -> None:
    """Kometa wraps an `external_templates:` mapping (one block, not a list) in a list and loads it."""
    movies = doc(
        "external_templates:",
        "  file: shared.yml",
        "  template_variables: {sep: Studios}",
        "collections:",
        "  Studio Collections:",
        "    template: {name: separator}",
    )
    shared = doc("templates:", "  separator:", "    plex_all: true", "    summary: <<sep>>")
    assert run(tmp_path, movies, **{"shared.yml": shared}) == []


def test_external_templates_mapping_with_a_legacy_default(tmp_path: Path) -> None:
    """`pmm: templates` and `git: PMM/templates` are Kometa's older names of `default: templates`."""
    for block in ("pmm: templates", "git: PMM/templates", "default: templates"):
        movies = doc(
            "external_templates:",
            f"  {block}",
            "  template_variables: {collection_section: '030'}",
            "collections:",
            "  Chart Collections:",
            "    template: {name: separator, separator: chart, key_name: Chart}",
        )
        folder = tmp_path / block.split(":")[0]
        assert run(folder, movies) == [], block


def test_external_templates_mapping_that_is_missing_is_reported_at_its_key(tmp_path: Path) -> None:
    movies = doc("external_templates:", "  file: nope.yml", "collections:", "  A: {template: {name: x}}")
    assert places(tmp_path, run(tmp_path, movies))[0] == ("movies.yml", 2, 3, "error", "missing-file")


def test_template_keys_the_definition_sets_need_no_variables(tmp_path: Path) -> None:
    """Kometa skips a template attribute the definition already has, so `<<poster>>` is not needed."""
    movies = doc(
        "templates:",
        "  Studio:",
        "    url_poster: <<poster>>",
        "    summary: <<summary>>",
        "    plex_search:",
        "      all: {studio: <<studio>>}",
        "collections:",
        "  A24:",
        "    template: {name: Studio, studio: A24}",
        "    url_poster: https://example.com/a24.jpg",
        "    summary: Films by A24",
    )
    assert run(tmp_path, movies) == []


def test_a_template_variable_of_an_unset_key_is_still_required(tmp_path: Path) -> None:
    movies = doc(
        "templates:",
        "  Studio:",
        "    url_poster: <<poster>>",
        "    plex_search: {all: {studio: <<studio>>}}",
        "collections:",
        "  A24:",
        "    template: {name: Studio, studio: A24}",
    )
    assert places(tmp_path, run(tmp_path, movies)) == [
        ("movies.yml", 7, 5, "error", "missing-template-variable")
    ]


def test_playlist_libraries_from_its_template(tmp_path: Path) -> None:
    """Kometa applies a playlist's templates before it looks for `libraries`."""
    config = doc("libraries:", "  Movies:", "playlist_files:", "  - file: playlists.yml")
    playlists = doc(
        "templates:",
        "  everywhere:",
        "    libraries: <<libs>>",
        "    sync_mode: sync",
        "playlists:",
        "  Marvel:",
        "    template: {name: everywhere, libs: Movies}",
        "    plex_search: {any: {title.begins: Iron Man}}",
    )
    problems = run(tmp_path, "collections:\n", config=config, **{"playlists.yml": playlists})
    assert [p for p in problems if p.severity == "error"] == []


def test_playlist_without_libraries_anywhere_is_reported_at_the_playlist(tmp_path: Path) -> None:
    config = doc("libraries:", "  Movies:", "playlist_files:", "  - file: playlists.yml")
    playlists = doc(
        "templates:",
        "  sorted:",
        "    sync_mode: sync",
        "playlists:",
        "  Marvel:",
        "    template: {name: sorted}",
        "    plex_all: true",
        "  DC:",
        "    plex_all: true",
    )
    problems = run(tmp_path, "collections:\n", config=config, **{"playlists.yml": playlists})
    errors = [p for p in places(tmp_path, problems) if p[3] == "error"]
    assert errors == [
        ("playlists.yml", 5, 3, "error", "schema-required"),
        ("playlists.yml", 8, 3, "error", "schema-required"),
    ]


def test_a_bare_search_attribute_is_a_plex_search(tmp_path: Path) -> None:
    """Kometa runs `decade: 1930` written directly in a definition as `plex_search: {any: {decade: 1930}}`."""
    movies = doc(
        "collections:",
        "  1930s:",
        "    decade: 1930",
        "  Recent Dramas:",
        "    genre: Drama",
        "    year.gte: 2015",
        "    sort_title: '!Drama'",
        "    label: Dramas",
    )
    assert run(tmp_path, movies) == []


def test_a_bare_search_attribute_is_checked_like_one_in_plex_search(tmp_path: Path) -> None:
    movies = doc("collections:", "  Nets:", "    network: HBO")
    assert places(tmp_path, run(tmp_path, movies)) == [("movies.yml", 3, 5, "error", "wrong-library-type")]


def test_definition_keys_inside_smart_filter_are_ignored_with_a_warning(tmp_path: Path) -> None:
    """Kometa reads only all/any/sort_by/limit/type/validate (and attributes) inside a smart_filter."""
    movies = doc(
        "collections:",
        "  Action:",
        "    smart_filter:",
        "      minimum_items: 5",
        "      collection_filtering: user",
        "      sort_by: title.asc",
        "      all: {genre: Action}",
    )
    assert places(tmp_path, run(tmp_path, movies)) == [
        ("movies.yml", 4, 7, "warning", "ignored"),
        ("movies.yml", 5, 7, "warning", "ignored"),
    ]


def test_a_blank_detail_is_skipped_with_a_warning(tmp_path: Path) -> None:
    """Kometa skips a blank attribute (`url_poster:` with nothing) with a warning; a blank builder fails."""
    movies = doc(
        "collections:",
        "  A:",
        "    plex_all: true",
        "    url_poster:",
        "    summary:",
        "  B:",
        "    plex_search:",
    )
    assert places(tmp_path, run(tmp_path, movies)) == [
        ("movies.yml", 4, 5, "warning", "ignored"),
        ("movies.yml", 5, 5, "warning", "ignored"),
        ("movies.yml", 7, 5, "error", "schema-type"),
    ]


def test_metadata_in_a_collection_file_is_read(tmp_path: Path) -> None:
    """Kometa reads `metadata:` edits from a collection file; this engine checks them and skips them."""
    movies = doc(
        "collections:",
        "  A: {plex_all: true}",
        "metadata:",
        "  The Matrix:",
        "    year: 1999",
        "    genre.sync: [Action, Sci-Fi]",
    )
    assert places(tmp_path, run(tmp_path, movies)) == [("movies.yml", 3, 1, "warning", "unsupported")]


def test_metadata_in_a_collection_file_uses_the_metadata_schema(tmp_path: Path) -> None:
    movies = doc("collections:", "  A: {plex_all: true}", "metadata:", "  The Matrix:", "    year: soon")
    errors = [p for p in places(tmp_path, run(tmp_path, movies)) if p[3] == "error"]
    assert errors == [("movies.yml", 5, 5, "error", "schema-type")]


def test_single_file_validation_agrees(tmp_path: Path) -> None:
    """`validate_text` (one file, no config) accepts the same shapes."""
    text = doc(
        "external_templates:",
        "  default: templates",
        "collections:",
        "  A:",
        "    decade: 1930",
        "    collection_order: random",
        "    url_poster:",
        "  B:",
        "    smart_filter: {validate: false, all: {genre: Action}}",
        "metadata:",
        "  The Matrix: {year: 1999}",
    )
    assert [p for p in validate_text(text, "movies.yml") if p.severity == "error"] == []


def test_a_misspelt_attribute_at_the_top_of_a_search_is_ignored_with_a_hint(tmp_path: Path) -> None:
    """Kometa reads only all/any (and the control keys) at the top of a smart_filter; `genrre` is skipped."""
    movies = doc(
        "collections:", "  A:", "    smart_filter:", "      genrre: Action", "      all: {year: 1999}"
    )
    [problem] = run(tmp_path, movies)
    assert (problem.line, problem.column, problem.severity, problem.code) == (4, 7, "warning", "ignored")
    assert problem.hint == "did you mean `genre`?"
