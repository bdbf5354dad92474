"""panel.libraries: what each config.yml library manages, read from texts, and its join with Plex's sections."""

from __future__ import annotations

import textwrap

import pytest

from panel.libraries import (
    ConfigTextError,
    LibraryUse,
    file_summary,
    library_items,
    library_uses,
    managed,
)

MOVIES_FILE = """\
templates:
  Spotlight:
    sort_title: +<<collection_name>>
collections:
  Modern Action Hits:
    plex_search: {all: {genre: Action}}
  <<studio>> Picks:
    plex_search: {all: {studio: <<studio>>}}
dynamic_collections:
  By Year:
    type: year
"""
OVERLAY_FILE = """\
overlays:
  4K Badge:
    plex_search: {all: {resolution: 4k}}
  HDR Badge:
    plex_search: {all: {hdr: true}}
"""


def uses_of(
    config: str, files: dict[str, str], section_types: dict[str, str] | None = None
) -> dict[str, LibraryUse]:
    """library_uses over an in-memory repository holding config.yml and ``files``."""
    repo = {"config.yml": textwrap.dedent(config), **files}
    found = library_uses(repo["config.yml"], list(repo), repo.get, section_types)
    return {use.name: use for use in found}


def test_file_blocks_resolve_to_repository_files_with_their_names_and_lines() -> None:
    uses = uses_of(
        """
        libraries:
          Movies:
            collection_files:
              - file: collections/movies.yml
            overlay_files:
              - file: overlays/badges
        """,
        {"collections/movies.yml": MOVIES_FILE, "overlays/badges.yml": OVERLAY_FILE},
    )
    movies = uses["Movies"]
    assert (movies.library_name, movies.line) == ("Movies", 3)
    [block] = movies.collection_files
    assert (block.kind, block.value, block.line, block.error) == ("file", "collections/movies.yml", 5, None)
    assert [(d.name, d.line, d.templated) for d in movies.definitions("collection")] == [
        ("Modern Action Hits", 5, False),
        ("<<studio>> Picks", 7, True),
    ]
    assert [d.name for d in movies.definitions("dynamic_collection")] == ["By Year"]
    assert [(d.name, d.file, d.line) for d in movies.definitions("overlay")] == [
        ("4K Badge", "overlays/badges.yml", 2),
        ("HDR Badge", "overlays/badges.yml", 4),
    ]


def test_folder_blocks_list_the_yaml_files_directly_in_the_folder() -> None:
    files = {
        "collections/b.yml": "collections:\n  B One: {plex_all: true}\n",
        "collections/a.yaml": "collections:\n  A One: {plex_all: true}\n",
        "collections/notes.txt": "not yaml",
        "collections/old/c.yml": "collections:\n  Deeper: {plex_all: true}\n",
    }
    uses = uses_of("libraries:\n  Movies:\n    collection_files:\n      - folder: collections/\n", files)
    [block] = uses["Movies"].collection_files
    assert [f.path for f in block.files] == ["collections/a.yaml", "collections/b.yml"]
    assert [d.name for d in uses["Movies"].definitions("collection")] == ["A One", "B One"]


def test_defaults_come_from_the_folder_of_the_library_type() -> None:
    config = """
        libraries:
          Films:
            collection_files:
              - default: decade
              - pmm: genre
          Series:
            collection_files:
              - git: PMM/decade
    """
    uses = uses_of(config, {}, section_types={"Films": "movie", "Series": "show"})
    films, series = uses["Films"].collection_files, uses["Series"].collection_files
    assert [(b.kind, b.value, b.files[0].path, b.files[0].source) for b in films] == [
        ("default", "decade", "defaults/movie/decade.yml", "defaults"),
        ("default", "genre", "defaults/both/genre.yml", "defaults"),
    ]
    assert [f.path for f in series[0].files] == ["defaults/show/decade.yml"]
    assert [d.name for d in uses["Films"].definitions("dynamic_collection")] == ["Decade", "Genre"]


def test_kometa_defaults_not_shipped_are_unsupported_not_errors() -> None:
    config = """
        libraries:
          Movies:
            collection_files:
              - default: basic
              - git: PMM/chart/imdb
              - pmm: oscars
              - default: nonsense
            overlay_files:
              - default: ribbon
              - default: resolution
              - default: audio_codec
              - default: ratings
              - default: genre
          TV Shows:
            overlay_files:
              - default: status
    """
    uses = uses_of(config, {})
    movies = uses["Movies"]
    assert [(b.value, b.files, b.unsupported is not None, b.error) for b in movies.collection_files] == [
        ("basic", [], True, None),
        ("chart/imdb", [], True, None),
        ("oscars", [], True, None),
        ("nonsense", [], False, "no default named `nonsense` for movie libraries"),
    ]
    overlays = [(b.value, b.files, b.unsupported, b.error) for b in movies.overlay_files]
    assert overlays[:4] == [
        (name, [], f"Kometa overlay default `{name}` is not shipped by this engine yet; it is skipped", None)
        for name in ("ribbon", "resolution", "audio_codec", "ratings")
    ]
    assert overlays[4][3] == (
        "no overlay default named `genre` (`genre` is a collection default: list it under collection_files)"
    )
    assert movies.definitions("dynamic_collection") == []
    assert uses["TV Shows"].overlay_files[0].unsupported is not None
    summary = library_items(None, [movies])[0]["config"][0]
    assert (summary["unsupported"], summary["errors"], summary["files"]) == (7, 2, 0)


def test_overlay_settings_entries_are_not_file_blocks() -> None:
    config = """
        libraries:
          Movies:
            overlay_files:
              - remove_overlays: false
              - file: overlays/badges.yml
              - reapply_overlays: true
              - reset_overlays: [tmdb]
                schedule: weekly(sunday)
            overlay_path:
              - remove_overlays: false
            collection_files:
              - remove_overlays: false
    """
    movies = uses_of(config, {"overlays/badges.yml": OVERLAY_FILE})["Movies"]
    assert [(b.key, b.kind, b.error) for b in movies.overlay_files] == [("overlay_files", "file", None)]
    assert [b.error for b in movies.collection_files] == [
        "a file block needs exactly one of file, folder, default, url, git, repo"
    ]
    summary = library_items(None, [movies])[0]["config"][0]
    assert (summary["errors"], summary["overlays"]) == (1, 2)


def test_remote_blocks_are_reported_as_external_and_never_read() -> None:
    config = """
        libraries:
          Movies:
            collection_files:
              - url: https://example.com/movies.yml
              - git: someone/movies
              - repo: movies
    """
    blocks = uses_of(config, {})["Movies"].collection_files
    assert [(b.kind, b.external, b.files, b.error) for b in blocks] == [
        ("url", True, [], None),
        ("git", True, [], None),
        ("repo", True, [], None),
    ]


def test_legacy_paths_bare_strings_and_kometa_config_prefixes_resolve() -> None:
    config = """
        libraries:
          Movies:
            metadata_path:
              - config/collections/movies.yaml
              - file: /config/collections/movies.yml
            overlay_path: overlays/badges.yml
    """
    files = {"collections/movies.yml": MOVIES_FILE, "overlays/badges.yml": OVERLAY_FILE}
    movies = uses_of(config, files)["Movies"]
    assert [(b.key, [f.path for f in b.files]) for b in movies.collection_files] == [
        ("metadata_path", ["collections/movies.yml"]),
        ("metadata_path", ["collections/movies.yml"]),
    ]
    assert [(b.key, b.kind) for b in movies.overlay_files] == [("overlay_path", "file")]
    assert len(movies.definitions("overlay")) == 2


def test_problems_stay_on_the_block_or_file_they_belong_to() -> None:
    config = """
        libraries:
          Movies:
            library_name: Films
            collection_files:
              - file: collections/missing.yml
              - default: no_such_default
              - folder: empty
              - file: collections/broken.yml
              - {file: a.yml, default: genre}
              - file: ../outside.yml
          TV Shows:
    """
    files = {"collections/broken.yml": "collections:\n  A: [unclosed\n"}
    uses = uses_of(config, files)
    blocks = uses["Movies"].collection_files
    assert uses["Movies"].library_name == "Films"
    assert "not in the config repository" in (blocks[0].error or "")
    assert "no default named `no_such_default` for movie libraries" in (blocks[1].error or "")
    assert "has no .yml or .yaml files" in (blocks[2].error or "")
    assert blocks[3].error is None and "collections/broken.yml:3" in (blocks[3].files[0].error or "")
    assert "exactly one of" in (blocks[4].error or "")
    assert "not in the config repository" in (blocks[5].error or "")
    assert uses["TV Shows"].collection_files == []


def test_a_config_that_does_not_parse_names_the_place() -> None:
    with pytest.raises(ConfigTextError) as caught:
        uses_of("libraries:\n  Movies:\n    collection_files: [\n", {})
    assert caught.value.line == 4
    assert caught.value.to_dict()["file"] == "config.yml"
    with pytest.raises(ConfigTextError, match="libraries: must be a mapping"):
        uses_of("libraries: [Movies]\n", {})
    assert uses_of("plex: {}\n", {}) == {}


def test_file_summary_of_an_empty_or_odd_file() -> None:
    assert file_summary("", "a.yml").definitions == []
    assert "must be a mapping" in (file_summary("- a\n", "a.yml").error or "")


SECTIONS = [
    {"id": 1, "title": "Movies", "type": "movie", "agent": "a", "item_count": 3, "collection_count": 1},
    {"id": 2, "title": "Music", "type": "artist", "agent": "b", "item_count": 9, "collection_count": 0},
]
JOIN_CONFIG = """
    libraries:
      Movies:
        collection_files: [{file: movies.yml}]
      Movies Again:
        library_name: Movies
      Anime:
        collection_files: [{default: genre}]
"""


def test_sections_are_joined_with_config_libraries_by_title() -> None:
    uses = list(uses_of(JOIN_CONFIG, {"movies.yml": MOVIES_FILE}).values())
    items = library_items(SECTIONS, uses)
    assert [(i["id"], i["title"], i["in_plex"]) for i in items] == [
        (1, "Movies", True),
        (2, "Music", True),
        (None, "Anime", False),
    ]
    assert [c["name"] for c in items[0]["config"]] == ["Movies", "Movies Again"]
    assert items[0]["config"][0] | {"line": 0} == {
        "name": "Movies",
        "library_name": "Movies",
        "line": 0,
        "files": 1,
        "external": 0,
        "unsupported": 0,
        "collections": 2,
        "dynamic_collections": 1,
        "overlays": 0,
        "errors": 0,
    }
    assert items[1]["config"] == []
    assert [i["in_plex"] for i in library_items(None, uses)] == [None, None]


def test_managed_collections_are_marked_when_plex_has_them() -> None:
    uses = list(uses_of(JOIN_CONFIG, {"movies.yml": MOVIES_FILE}).values())
    found = managed(uses[:1], {"Modern Action Hits", "Something Else"})
    assert [(c["id"], c["in_plex"], c["templated"]) for c in found["collections"]] == [
        ("movies.yml::Modern Action Hits", True, False),
        ("movies.yml::<<studio>> Picks", None, True),
    ]
    assert [(c["name"], c["in_plex"]) for c in found["dynamic_collections"]] == [("By Year", None)]
    unknown = managed(uses[:1], None)
    assert {c["in_plex"] for c in unknown["collections"]} == {None}
